/*
 * audit.c — GET /api/v1/audit: the audit log for the 审计管理员 (only that role).
 */
#include "api/internal.h"

static void audit_list(api_call *c)
{
	if (!zx_role_reads_audit(c->actor->role)) {
		api_error_msg(c, ZX_EFORBIDDEN, "forbidden", NULL, "只有审计管理员可以查看审计日志");
		return;
	}
	int64_t limit, offset, page, per_page, total = 0;
	const char *action, *username;
	if (!api_page(c, &limit, &offset, &page, &per_page) || !api_query_str(c, "action", 64, &action) ||
	    !api_query_str(c, "username", 64, &username))
		return;
	const zx_scope *sc = &c->actor->scope;
	zx_err e =
	    zx_query_int(c->conn, sc, ZXQ_audit_count, ZX_ARGS(ZX_TEXT(action), ZX_TEXT(username)), &total);
	zx_stmt *s = NULL;
	if (!e)
		e = zx_query_open(c->conn, sc, ZXQ_audit_list,
		                  ZX_ARGS(ZX_TEXT(action), ZX_TEXT(username), ZX_INT(limit), ZX_INT(offset)),
		                  &s);
	json_t *items = json_array();
	bool row;
	while (!e && !(e = zx_stmt_next(s, &row)) && row)
		json_array_append_new(items,
		                      json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id",
		                                (json_int_t)zx_col_int(s, 0), "ts",
		                                (json_int_t)zx_col_int(s, 1), "username", zx_col_text(s, 2),
		                                "area_code", zx_col_text(s, 3), "action", zx_col_text(s, 4),
		                                "object", zx_col_text(s, 5), "result", zx_col_text(s, 6),
		                                "client_ip", zx_col_text(s, 7), "detail", zx_col_text(s, 8)));
	zx_stmt_done(s);
	if (e) {
		json_decref(items);
		api_error(c, e, NULL);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
	                   (json_int_t)page, "per_page", (json_int_t)per_page));
}

const api_route api_audit_routes[] = {
    {"GET", "/api/v1/audit", audit_list, 0},
    {NULL, NULL, NULL, 0},
};
