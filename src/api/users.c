/*
 * users.c — user management for admins: list, create, read, update, delete.
 * Only users whose area lies in the caller's scope are visible.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"

json_t *api_user_json(const zx_user *u);

static bool user_id_param(api_call *c, int64_t *id)
{
	const char *s = zx_req_param(c->req, "id");
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || *end || v <= 0) {
		api_error_msg(c, ZX_ENOTFOUND, "not_found", NULL, "用户不存在");
		return false;
	}
	*id = v;
	return true;
}

static bool require_manager(api_call *c)
{
	if (zx_role_manages_users(c->actor->role))
		return true;
	api_error_msg(c, ZX_EFORBIDDEN, "forbidden", NULL, "没有管理用户的权限");
	return false;
}

static bool add_user(void *ctx, const zx_user *u)
{
	json_array_append_new(ctx, api_user_json(u));
	return true;
}

static void users_list(api_call *c)
{
	int64_t limit, offset, page, per_page, total = 0;
	const char *q;
	if (!require_manager(c) || !api_page(c, &limit, &offset, &page, &per_page) ||
	    !api_query_str(c, "q", 64, &q))
		return;
	json_t *items = json_array();
	zx_err e = zx_user_list(c->conn, c->actor, q, limit, offset, add_user, items, &total);
	if (e) {
		json_decref(items);
		api_error(c, e, NULL);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
	                   (json_int_t)page, "per_page", (json_int_t)per_page));
}

static void reply_user(api_call *c, int status, int64_t id, const char *password)
{
	zx_user u;
	zx_err e = zx_user_get(c->conn, c->actor, id, &u);
	if (e) {
		api_error(c, e, NULL);
		return;
	}
	json_t *o = json_pack("{s:o}", "user", api_user_json(&u));
	if (password && *password)
		json_object_set_new(o, "password", json_string(password));
	api_json(c, status, o);
}

static void users_create(api_call *c)
{
	zx_user_input in = {0};
	if (!require_manager(c) || !api_body_str(c, "username", 64, true, &in.username) ||
	    !api_body_str(c, "display_name", 128, false, &in.display_name) ||
	    !api_body_str(c, "role", 32, true, &in.role) ||
	    !api_body_str(c, "area_code", 12, true, &in.area_code) ||
	    !api_body_str(c, "password", 256, false, &in.password))
		return;
	if (in.password && !*in.password)
		in.password = NULL;
	char generated[64] = "";
	int64_t id = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_user_create(c->conn, c->actor, &in, &id, generated, sizeof(generated), &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	reply_user(c, 201, id, generated);
}

static void users_get(api_call *c)
{
	int64_t id;
	if (!require_manager(c) || !user_id_param(c, &id))
		return;
	reply_user(c, 200, id, NULL);
}

static void users_update(api_call *c)
{
	int64_t id;
	zx_user_update u = {.disabled = -1};
	int reset = -1;
	if (!require_manager(c) || !user_id_param(c, &id) ||
	    !api_body_str(c, "display_name", 128, false, &u.display_name) ||
	    !api_body_str(c, "role", 32, false, &u.role) ||
	    !api_body_str(c, "area_code", 12, false, &u.area_code) ||
	    !api_body_bool(c, "disabled", &u.disabled) || !api_body_bool(c, "reset_password", &reset))
		return;
	u.reset_password = reset == 1;
	char generated[64] = "";
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_user_update_apply(c->conn, c->actor, id, &u, generated, sizeof(generated), &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	reply_user(c, 200, id, generated);
}

static void users_delete(api_call *c)
{
	int64_t id;
	if (!require_manager(c) || !user_id_param(c, &id))
		return;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_user_delete(c->conn, c->actor, id, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	api_json(c, 200, json_object());
}

const api_route api_user_routes[] = {
    {"GET", "/api/v1/users", users_list, 0},           {"POST", "/api/v1/users", users_create, API_JSON},
    {"GET", "/api/v1/users/{id}", users_get, 0},       {"PUT", "/api/v1/users/{id}", users_update, API_JSON},
    {"DELETE", "/api/v1/users/{id}", users_delete, 0}, {NULL, NULL, NULL, 0},
};
