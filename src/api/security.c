/*
 * security.c — the 等保 routes: change one's password, TOTP enrolment, one's own
 * sessions and (安全管理员) everyone's, TOTP reset, and the audit log as CSV for the
 * 审计管理员.
 *
 * The CSV export streams rows into an unlinked temp file in the data directory and
 * sends that, so a long audit log never sits in memory. Cells that a spreadsheet
 * would run as a formula (leading = + - @) are prefixed with ' — user names of
 * failed logins are typed by strangers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/internal.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/totp.h"
#include "domain/auth/security.h"

#define TOTP_ISSUER "振兴台"

static void reply_err(api_call *c, zx_err e, zx_errinfo *ei)
{
	api_error(c, e, ei && ei->err ? ei : NULL);
}

/* --- password --------------------------------------------------------------------------- */

static void password_change(api_call *c)
{
	const char *old_pw, *new_pw;
	if (!api_body_str(c, "old_password", 256, true, &old_pw) ||
	    !api_body_str(c, "new_password", 256, true, &new_pw))
		return;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_auth_change_password(c->conn, c->actor, zx_req_cookie(c->req, "zx_session"), old_pw,
	                                   new_pw, &ei);
	if (e) {
		reply_err(c, e, &ei);
		return;
	}
	api_json(c, 200, json_object());
}

/* --- TOTP ------------------------------------------------------------------------------- */

static void totp_begin(api_call *c)
{
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	char secret[ZX_TOTP_SECRET_B32];
	zx_err e = zx_totp_begin(c->conn, &c->app->keys, c->actor, secret, &ei);
	if (e) {
		reply_err(c, e, &ei);
		return;
	}
	zx_buf uri = ZX_BUF_INIT(4096), svg = ZX_BUF_INIT(1 << 20);
	e = zx_totp_uri(TOTP_ISSUER, c->actor->username, secret, &uri);
	if (!e)
		e = zx_qr_svg(zx_buf_str(&uri), &svg);
	if (e)
		api_error(c, e, NULL);
	else
		api_json(c, 200,
		         json_pack("{s:s,s:s,s:s,s:i,s:i}", "secret", secret, "otpauth_uri", zx_buf_str(&uri),
		                   "qr_svg", zx_buf_str(&svg), "digits", ZX_TOTP_DIGITS, "period",
		                   ZX_TOTP_STEP));
	zx_buf_release(&uri);
	zx_buf_release(&svg);
}

static void totp_confirm(api_call *c)
{
	const char *code;
	if (!api_body_str(c, "totp", 16, true, &code))
		return;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_totp_confirm(c->conn, &c->app->keys, c->actor, code, &ei);
	if (e) {
		reply_err(c, e, &ei);
		return;
	}
	api_json(c, 200, json_pack("{s:b}", "totp_enabled", 1));
}

/* Turning one's own second factor off needs the password and a current code. */
static void totp_disable_own(api_call *c)
{
	const char *pw, *code;
	if (!api_body_str(c, "password", 256, true, &pw) || !api_body_str(c, "totp", 16, true, &code))
		return;
	if (zx_role_needs_totp(c->actor->role)) {
		api_error_msg(c, ZX_EFORBIDDEN, "totp_required_for_role", NULL,
		              "%s必须使用动态验证码，不能停用；更换手机请联系安全管理员重置",
		              zx_role_name(c->actor->role));
		return;
	}
	if (zx_auth_verify_password(c->conn, c->actor->user_id, pw) != ZX_OK) {
		api_error_msg(c, ZX_EVALIDATION, "wrong_password", "密码", "密码错误");
		return;
	}
	bool required = false;
	zx_err e = zx_tx_begin_write(c->conn);
	if (!e)
		e = zx_totp_login_check(c->conn, &c->app->keys, c->actor->user_id, code, &required);
	if (!e && required)
		e = zx_tx_commit(c->conn);
	zx_tx_rollback(c->conn);
	if (e == ZX_EAUTH || (!e && !required)) {
		api_error_msg(c, ZX_EVALIDATION, "totp_invalid", "动态验证码", "动态验证码错误或未启用");
		return;
	}
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	if (!e)
		e = zx_totp_reset(c->conn, c->actor, c->actor->user_id, &ei);
	if (e) {
		reply_err(c, e, &ei);
		return;
	}
	api_json(c, 200, json_pack("{s:b}", "totp_enabled", 0));
}

static bool id_param(api_call *c, int64_t *id)
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

static void totp_reset_user(api_call *c)
{
	int64_t id;
	if (!id_param(c, &id))
		return;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_totp_reset(c->conn, c->actor, id, &ei);
	if (e) {
		reply_err(c, e, &ei);
		return;
	}
	api_json(c, 200, json_object());
}

/* --- sessions ------------------------------------------------------------------------ */

static bool add_session(void *ctx, const zx_session_info *s)
{
	json_array_append_new(ctx, json_pack("{s:s,s:I,s:s,s:s,s:I,s:I,s:s,s:b}", "id", s->id, "user_id",
	                                     (json_int_t)s->user_id, "username", s->username, "role",
	                                     zx_role_key(s->role), "created_at", (json_int_t)s->created_at,
	                                     "last_seen", (json_int_t)s->last_seen, "client_ip", s->client_ip,
	                                     "current", s->current));
	return true;
}

static void list_sessions(api_call *c, int64_t user_id)
{
	json_t *items = json_array();
	zx_err e = zx_sessions_list(c->conn, c->actor, user_id, zx_req_cookie(c->req, "zx_session"),
	                            add_session, items);
	if (e) {
		json_decref(items);
		if (e == ZX_EFORBIDDEN)
			api_error_msg(c, e, "forbidden", NULL, "只有安全管理员可以查看他人的会话");
		else
			api_error(c, e, NULL);
		return;
	}
	api_json(c, 200, json_pack("{s:o}", "items", items));
}

static void my_sessions(api_call *c)
{
	list_sessions(c, c->actor->user_id);
}

static void all_sessions(api_call *c)
{
	const char *uid;
	if (!api_query_str(c, "user_id", 18, &uid))
		return;
	char *end;
	long long v = *uid ? strtoll(uid, &end, 10) : 0;
	if (*uid && (*end || v <= 0)) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "user_id", "user_id 应为正整数");
		return;
	}
	if (c->actor->role != ZX_ROLE_SEC_ADMIN) {
		api_error_msg(c, ZX_EFORBIDDEN, "forbidden", NULL, "只有安全管理员可以查看他人的会话");
		return;
	}
	list_sessions(c, v);
}

static void revoke_session(api_call *c)
{
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_session_revoke(c->conn, c->actor, zx_req_param(c->req, "id"), &ei);
	if (e) {
		reply_err(c, e, &ei);
		return;
	}
	api_json(c, 200, json_object());
}

/* --- audit export ------------------------------------------------------------------------ */

static bool parse_day(api_call *c, const char *key, int64_t dflt, int64_t *out)
{
	const char *v;
	if (!api_query_str(c, key, 10, &v))
		return false;
	*out = dflt;
	if (!*v)
		return true;
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	char *end = strptime(v, "%Y-%m-%d", &tm);
	if (!end || *end) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", key, "日期格式应为 YYYY-MM-DD");
		return false;
	}
	*out = (int64_t)timegm(&tm) - 8 * 3600; /* the day starts at 00:00 China Standard Time */
	return true;
}

static int temp_fd(const char *dir)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/audit-export-XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static zx_err write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return errno == ENOSPC ? ZX_EFULL : ZX_EIO;
		p += w;
		n -= (size_t)w;
	}
	return ZX_OK;
}

static void audit_export(api_call *c)
{
	if (!zx_role_reads_audit(c->actor->role)) {
		api_error_msg(c, ZX_EFORBIDDEN, "forbidden", NULL, "只有审计管理员可以导出审计日志");
		return;
	}
	int64_t from, to;
	if (!parse_day(c, "from", 0, &from) || !parse_day(c, "to", (int64_t)1 << 40, &to))
		return;
	if (to < ((int64_t)1 << 40))
		to += 86400; /* "to" names the last day included */
	int fd = temp_fd(c->app->data_dir);
	if (fd < 0) {
		zx_error("api: audit export cannot create a temp file: %s", strerror(errno));
		api_error(c, ZX_EIO, NULL);
		return;
	}
	zx_buf b = ZX_BUF_INIT(1 << 20);
	zx_err e =
	    zx_buf_adds(&b, "\xEF\xBB\xBF序号,时间,用户名,区域代码,操作,对象,结果,IP地址,详情,哈希\r\n");
	zx_stmt *s = NULL;
	if (!e)
		e = zx_query_open(c->conn, &c->actor->scope, ZXQ_audit_export,
		                  ZX_ARGS(ZX_INT(from), ZX_INT(to)), &s);
	bool row;
	int64_t rows = 0;
	while (!e && !(e = zx_stmt_next(s, &row)) && row) {
		char num[32], when[32];
		snprintf(num, sizeof(num), "%lld", (long long)zx_col_int(s, 0));
		time_t t = (time_t)(zx_col_int(s, 1) + 8 * 3600);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		e = zx_buf_add_csv_text(&b, num, true);
		if (!e)
			e = zx_buf_add_csv_text(&b, when, false);
		for (int i = 2; !e && i <= 9; i++)
			e = zx_buf_add_csv_text(&b, zx_col_text(s, i), false);
		if (!e)
			e = zx_buf_adds(&b, "\r\n");
		if (!e && b.len > (512u << 10)) {
			e = write_all(fd, b.data, b.len);
			zx_buf_reset(&b);
		}
		rows++;
	}
	zx_stmt_done(s);
	if (!e)
		e = write_all(fd, b.data ? b.data : "", b.len);
	zx_buf_release(&b);
	if (!e) {
		/* The export itself is audited, in its own transaction. */
		char detail[96];
		snprintf(detail, sizeof(detail), "导出 %lld 条", (long long)rows);
		e = zx_audit_write_tx(c->conn, c->actor, "audit.export", "audit_log", "ok", detail);
	}
	off_t len = e ? -1 : lseek(fd, 0, SEEK_END);
	if (e || len < 0 || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		api_error(c, e ? e : ZX_EIO, NULL);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "text/csv; charset=utf-8";
	c->resp->fd = fd;
	c->resp->fd_len = (size_t)len;
	zx_resp_header(c->resp, c->req, "Content-Disposition", "attachment; filename=\"audit.csv\"");
}

const api_route api_security_routes[] = {
    {"POST", "/api/v1/me/password", password_change, API_JSON | API_PWCHANGE},
    {"PUT", "/api/v1/me/password", password_change, API_JSON | API_PWCHANGE},
    {"POST", "/api/v1/me/totp", totp_begin, API_TOTP_ENROL},
    {"POST", "/api/v1/me/totp/confirm", totp_confirm, API_JSON | API_TOTP_ENROL},
    {"DELETE", "/api/v1/me/totp", totp_disable_own, API_JSON},
    {"DELETE", "/api/v1/users/{id}/totp", totp_reset_user, 0},
    {"GET", "/api/v1/me/sessions", my_sessions, API_TOTP_ENROL},
    {"DELETE", "/api/v1/me/sessions/{id}", revoke_session, 0},
    {"GET", "/api/v1/sessions", all_sessions, 0},
    {"DELETE", "/api/v1/sessions/{id}", revoke_session, 0},
    {"GET", "/api/v1/audit/export", audit_export, 0},
    {NULL, NULL, NULL, 0},
};
