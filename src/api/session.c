/*
 * session.c — login, logout, who am I, roles, liveness.
 */
#include <stdio.h>
#include <string.h>

#include "api/internal.h"
#include "base/clock.h"

json_t *api_user_json(const zx_user *u);

json_t *api_user_json(const zx_user *u)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:b,s:b,s:b,s:o,s:s,s:b,s:b,s:b}", "id",
	                 (json_int_t)u->id, "username", u->username, "display_name", u->display_name, "role",
	                 zx_role_key(u->role), "role_name", zx_role_name(u->role), "area_code", u->area_code,
	                 "area_name", u->area_name, "area_level", u->area_level, "disabled", u->disabled,
	                 "locked", u->locked_until > zx_now(), "must_change_password", u->must_change,
	                 "last_login_at", api_time(u->last_login_at), "last_login_ip", u->last_login_ip,
	                 "password_expired", u->password_expired, "totp_enabled", u->totp_enabled,
	                 "must_enrol_totp", u->must_enrol_totp);
}

static void set_cookie(api_call *c, const char *token, bool clear)
{
	const char *secure = c->app->secure_cookies ? "; Secure" : "";
	char *v = clear
	              ? zx_arena_printf(c->req->arena,
	                                "zx_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s", secure)
	              : zx_arena_printf(c->req->arena, "zx_session=%s; Path=/; HttpOnly; SameSite=Strict%s",
	                                token, secure);
	if (v)
		zx_resp_header(c->resp, c->req, "Set-Cookie", v);
}

static void session_create(api_call *c)
{
	zx_login in = {.client_ip = c->req->client_ip, .keys = &c->app->keys};
	if (!api_body_str(c, "username", 64, true, &in.username) ||
	    !api_body_str(c, "password", 256, true, &in.password) ||
	    !api_body_str(c, "totp", 16, false, &in.totp))
		return;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_session s;
	zx_err e = zx_auth_login(c->conn, &in, &s, &ei);
	if (e) {
		if ((e == ZX_EAUTH || e == ZX_ELOCKED) && strcmp(ei.code, "totp_required") != 0)
			api_ops_login_failed();
		api_error(c, e, &ei);
		return;
	}
	zx_user u;
	if (zx_auth_me(c->conn, &s.actor, &u) != ZX_OK) {
		api_error(c, ZX_EINTERNAL, NULL);
		return;
	}
	/* Show the login before this one (等保: 登录提示上次登录时间和地点). */
	u.last_login_at = s.prev_login_at;
	snprintf(u.last_login_ip, sizeof(u.last_login_ip), "%s", s.prev_login_ip);
	set_cookie(c, s.token, false);
	api_json(c, 200, json_pack("{s:o,s:s}", "user", api_user_json(&u), "csrf_token", s.csrf));
}

static void session_delete(api_call *c)
{
	zx_err e = zx_auth_logout(c->conn, zx_req_cookie(c->req, "zx_session"), c->actor);
	if (e) {
		api_error(c, e, NULL);
		return;
	}
	set_cookie(c, NULL, true);
	api_json(c, 200, json_object());
}

static void me_get(api_call *c)
{
	zx_user u;
	zx_err e = zx_auth_me(c->conn, c->actor, &u);
	if (e) {
		api_error(c, e, NULL);
		return;
	}
	api_json(c, 200, json_pack("{s:o,s:s}", "user", api_user_json(&u), "csrf_token", c->sess.csrf));
}

static void roles_get(api_call *c)
{
	json_t *items = json_array();
	for (int r = 1; r < ZX_ROLE__COUNT; r++) {
		int lo, hi;
		zx_role_levels((zx_role)r, &lo, &hi);
		json_array_append_new(items,
		                      json_pack("{s:s,s:s,s:b,s:i,s:i}", "role", zx_role_key((zx_role)r),
		                                "name", zx_role_name((zx_role)r), "personal_data",
		                                zx_role_sees_personal_data((zx_role)r), "min_level", lo,
		                                "max_level", hi));
	}
	api_json(c, 200, json_pack("{s:o}", "items", items));
}

static void healthz(api_call *c)
{
	api_json(c, 200, json_pack("{s:s}", "status", "ok"));
}

const api_route api_session_routes[] = {
    {"POST", "/api/v1/session", session_create, API_PUBLIC | API_JSON},
    {"DELETE", "/api/v1/session", session_delete, API_PWCHANGE},
    {"GET", "/api/v1/me", me_get, API_PWCHANGE},
    {"GET", "/api/v1/roles", roles_get, 0},
    {"GET", "/healthz", healthz, API_PUBLIC},
    {NULL, NULL, NULL, 0},
};
