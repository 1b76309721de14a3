/*
 * api.c — the trampoline between the http layer and api handlers: session and CSRF
 * checks, role gate for personal data, JSON body parsing, one database connection
 * per request, and the one table that maps zx_err to an HTTP status.
 *
 * Invariants: a handler never runs for a non-public route without a valid session;
 * a state-changing request (not GET/HEAD) never runs without the session's CSRF
 * token; every error reply has the shape {"error":{"code","message",…}}.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "base/log.h"

typedef struct binding {
	const api_route *route;
	zx_app *app;
} binding;

static binding *bindings;
static int nbindings;

static const int status_table[ZX_ERR__COUNT] = {
    [ZX_OK] = 200,        [ZX_EINVAL] = 400,  [ZX_EAUTH] = 401,       [ZX_EFORBIDDEN] = 403,
    [ZX_ECSRF] = 403,     [ZX_ELOCKED] = 403, [ZX_ENOTFOUND] = 404,   [ZX_EMETHOD] = 405,
    [ZX_ECONFLICT] = 409, [ZX_ETOOBIG] = 413, [ZX_EVALIDATION] = 422, [ZX_ENOMEM] = 500,
    [ZX_EIO] = 500,       [ZX_EFULL] = 507,   [ZX_EDB] = 500,         [ZX_EINTERNAL] = 500,
};

int api_status_of(zx_err err)
{
	return (int)err >= 0 && err < ZX_ERR__COUNT && status_table[err] ? status_table[err] : 500;
}

static void reply_json_raw(zx_resp *resp, int status, json_t *obj)
{
	resp->status = status;
	resp->content_type = "application/json; charset=utf-8";
	zx_buf_reset(&resp->body);
	char *text = json_dumps(obj, JSON_COMPACT);
	if (!text || zx_buf_adds(&resp->body, text) != ZX_OK) {
		resp->status = 500;
		zx_buf_reset(&resp->body);
		zx_buf_adds(&resp->body,
		            "{\"error\":{\"code\":\"internal_error\",\"message\":\"服务器内部错误\"}}");
	}
	free(text);
	json_decref(obj);
}

void api_json(api_call *c, int status, json_t *obj)
{
	reply_json_raw(c->resp, status, obj);
}

static json_t *error_object(zx_err err, const zx_errinfo *ei)
{
	json_t *e = json_object();
	bool have = ei && ei->err != ZX_OK && ei->code[0];
	json_object_set_new(e, "code", json_string(have ? ei->code : zx_err_code(err)));
	json_object_set_new(e, "message",
	                    json_string(have && ei->message[0] ? ei->message : zx_err_message(err)));
	if (have && ei->field[0])
		json_object_set_new(e, "field", json_string(ei->field));
	if (have && ei->row > 0)
		json_object_set_new(e, "row", json_integer(ei->row));
	return json_pack("{s:o}", "error", e);
}

void api_error(api_call *c, zx_err err, const zx_errinfo *ei)
{
	if (api_status_of(err) >= 500)
		zx_error("api: %s %s failed: %s", c->req->method,
		         c->req->route_label ? c->req->route_label : "?", zx_err_name(err));
	reply_json_raw(c->resp, api_status_of(err), error_object(err, ei));
}

void api_error_msg(api_call *c, zx_err err, const char *code, const char *field, const char *fmt, ...)
{
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	va_list ap;
	va_start(ap, fmt);
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	zx_fail(&ei, err, code, field, 0, "%s", msg);
	api_error(c, err, &ei);
}

void zx_api_render_error(zx_req *req, zx_resp *resp, zx_err err)
{
	(void)req;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	if (err == ZX_ENOTFOUND)
		zx_fail(&ei, err, "not_found", NULL, 0, "请求的地址不存在");
	else if (err == ZX_ETOOBIG)
		zx_fail(&ei, err, "too_large", NULL, 0, "提交的数据超过大小限制");
	reply_json_raw(resp, api_status_of(err), error_object(err, &ei));
}

/* --- helpers ------------------------------------------------------------------------ */

static bool parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	if (!s || !*s || strlen(s) > 18)
		return false;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

bool api_page(api_call *c, int64_t *limit, int64_t *offset, int64_t *page, int64_t *per_page)
{
	const char *p = zx_req_query(c->req, "page");
	const char *pp = zx_req_query(c->req, "per_page");
	*page = 1;
	*per_page = 20;
	if (p && !parse_int(p, 1, 1000000, page)) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "page", "页码应为 1 以上的整数");
		return false;
	}
	if (pp && !parse_int(pp, 1, 500, per_page)) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "per_page", "每页条数应为 1 到 500 的整数");
		return false;
	}
	*limit = *per_page;
	*offset = (*page - 1) * *per_page;
	return true;
}

bool api_body_str(api_call *c, const char *key, size_t max, bool required, const char **out)
{
	json_t *v = c->body ? json_object_get(c->body, key) : NULL;
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required) {
			api_error_msg(c, ZX_EINVAL, "missing_field", key, "缺少必填字段: %s", key);
			return false;
		}
		return true;
	}
	if (!json_is_string(v)) {
		api_error_msg(c, ZX_EINVAL, "invalid_field", key, "字段 %s 应为字符串", key);
		return false;
	}
	if (json_string_length(v) > max) {
		api_error_msg(c, ZX_EINVAL, "field_too_long", key, "字段 %s 超过 %zu 字节", key, max);
		return false;
	}
	*out = json_string_value(v);
	return true;
}

bool api_body_bool(api_call *c, const char *key, int *out)
{
	json_t *v = c->body ? json_object_get(c->body, key) : NULL;
	*out = -1;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_boolean(v)) {
		api_error_msg(c, ZX_EINVAL, "invalid_field", key, "字段 %s 应为 true 或 false", key);
		return false;
	}
	*out = json_is_true(v) ? 1 : 0;
	return true;
}

bool api_query_str(api_call *c, const char *key, size_t max, const char **out)
{
	const char *v = zx_req_query(c->req, key);
	*out = v ? v : "";
	if (v && strlen(v) > max) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", key, "参数 %s 过长", key);
		return false;
	}
	return true;
}

json_t *api_time(int64_t t)
{
	return t > 0 ? json_integer(t) : json_null();
}

/* --- trampoline ----------------------------------------------------------------------- */

static bool is_safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

zx_err api_parse_json_object(const char *data, size_t len, json_t **out, zx_errinfo *ei)
{
	json_error_t jerr;
	*out = json_loadb(data ? data : "", len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*out)
		return zx_fail(ei, ZX_EINVAL, "invalid_json", NULL, 0,
		               "请求内容不是有效的 JSON（第 %d 行第 %d 列）", jerr.line, jerr.column);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return zx_fail(ei, ZX_EINVAL, "invalid_json", NULL, 0, "请求内容应为 JSON 对象");
	}
	return ZX_OK;
}

static bool parse_json_body(api_call *c)
{
	const char *ct = zx_req_header(c->req, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
		api_error_msg(c, ZX_EINVAL, "bad_content_type", NULL, "请求内容类型应为 application/json");
		return false;
	}
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = api_parse_json_object(c->req->body.data, c->req->body.len, &c->body, &ei);
	if (e) {
		api_error(c, e, &ei);
		return false;
	}
	return true;
}

static void dispatch(zx_req *req, zx_resp *resp, void *ctx)
{
	const binding *b = ctx;
	api_call call = {.req = req, .resp = resp, .app = b->app};
	api_call *c = &call;
	req->route_label = b->route->pattern;
	c->conn = zx_store_acquire(b->app->store);
	if (!c->conn) {
		api_error_msg(c, ZX_EDB, "db_unavailable", NULL, "数据库暂时不可用，请稍后重试");
		return;
	}
	unsigned flags = b->route->flags;
	if (!(flags & API_PUBLIC)) {
		const char *token = zx_req_cookie(req, "zx_session");
		zx_err e = zx_auth_session(c->conn, token, req->client_ip, &c->sess);
		if (e) {
			api_error_msg(c, e == ZX_EAUTH ? ZX_EAUTH : e,
			              e == ZX_EAUTH ? "unauthenticated" : zx_err_code(e), NULL, "%s",
			              zx_err_message(e == ZX_EAUTH ? ZX_EAUTH : e));
			goto out;
		}
		c->actor = &c->sess.actor;
		/* A copy that outlives this frame: the on_done hook logs the user id. */
		zx_actor *who = zx_arena_alloc(req->arena, sizeof(*who));
		if (who)
			*who = c->sess.actor;
		req->user = who;
		if (!is_safe_method(req->method)) {
			const char *tok = zx_req_header(req, "X-CSRF-Token");
			if (!tok || strlen(tok) != strlen(c->sess.csrf) ||
			    zx_ct_strcmp(tok, c->sess.csrf) != 0) {
				zx_audit_write_tx(c->conn, c->actor, "csrf.refused", b->route->pattern,
				                  "refused", req->method);
				api_error_msg(c, ZX_ECSRF, "csrf_failed", NULL,
				              "安全校验失败（缺少或错误的 CSRF 令牌），请刷新页面后重试");
				goto out;
			}
		}
		if (c->sess.must_change_password && !(flags & API_PWCHANGE)) {
			api_error_msg(c, ZX_EFORBIDDEN, "password_change_required", NULL,
			              "请先修改初始密码或已过期的密码，然后再继续操作");
			goto out;
		}
		if (c->sess.must_enrol_totp && !(flags & (API_PWCHANGE | API_TOTP_ENROL))) {
			api_error_msg(
			    c, ZX_EFORBIDDEN, "totp_enrolment_required", NULL,
			    "%s须先启用动态验证码（双因素认证）：请在“账号安全”页面扫描二维码完成绑定，"
			    "然后再继续操作",
			    zx_role_name(c->actor->role));
			goto out;
		}
		if ((flags & API_PERSONAL) && !zx_role_sees_personal_data(c->actor->role)) {
			api_error_msg(c, ZX_EFORBIDDEN, "forbidden", NULL, "%s无权查看个人信息",
			              zx_role_name(c->actor->role));
			goto out;
		}
	}
	if ((flags & API_JSON) && !parse_json_body(c))
		goto out;
	b->route->fn(c);
out:
	json_decref(c->body);
	if (c->conn && zx_tx_active(c->conn))
		zx_tx_rollback(c->conn);
	zx_store_release(b->app->store, c->conn);
}

zx_err zx_api_register(zx_router *r, zx_app *app)
{
	const api_route *tables[] = {
	    api_policy_routes,     api_income_routes,      api_screening_routes, api_case_routes,
	    api_monitoring_routes, api_session_routes,     api_area_routes,      api_user_routes,
	    api_audit_routes,      api_security_routes,    api_ops_routes,       api_household_routes,
	    api_export_routes,     api_import_routes,      api_job_routes,       api_plan_routes,
	    api_visit_routes,      api_elimination_routes, api_campaign_routes,  api_timeline_routes,
	    api_figure_routes,     api_ledger_routes,      api_report_routes,    api_indicator_routes,
	};
	size_t n = 0;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		for (const api_route *t = tables[i]; t->method; t++)
			n++;
	free(bindings);
	bindings = calloc(n, sizeof(*bindings));
	if (!bindings)
		return ZX_ENOMEM;
	nbindings = 0;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		for (const api_route *t = tables[i]; t->method; t++) {
			binding *b = &bindings[nbindings++];
			b->route = t;
			b->app = app;
			zx_err e = zx_router_add(r, t->method, t->pattern, (void *)dispatch, b);
			if (e)
				return e;
		}
	}
	if (!app->max_body)
		app->max_body = (size_t)1 << 20;
	if (!app->max_upload)
		app->max_upload = (size_t)512 << 20;
	return ZX_OK;
}

void zx_api_limits(const zx_route_match *m, const char *method, zx_route_limits *out)
{
	(void)method;
	const binding *b = m->ctx;
	out->max_body = b->app->max_body;
	out->max_upload = (b->route->flags & API_UPLOAD) ? b->app->max_upload : 0;
}
