/*
 * auth.c — users, login with lockout, sessions with idle timeout. See auth.h.
 *
 * Password hashing (~0.1 s) runs outside any transaction, so a login never holds
 * the database write lock while argon2 works. Failure counting re-reads the user
 * inside the write transaction, so concurrent wrong passwords cannot undercount.
 */
#include "domain/auth/auth.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/log.h"
#include "domain/auth/audit.h"
#include "domain/auth/security.h"

#define SESSION_TOUCH_SECONDS 60

typedef struct user_row {
	zx_user u;
	char pw_hash[160];
	int failed_count;
} user_row;

static void read_user(zx_stmt *s, user_row *r)
{
	memset(r, 0, sizeof(*r));
	r->u.id = zx_col_int(s, 0);
	snprintf(r->u.username, sizeof(r->u.username), "%s", zx_col_text(s, 1));
	snprintf(r->u.display_name, sizeof(r->u.display_name), "%s", zx_col_text(s, 2));
	r->u.role = zx_role_parse(zx_col_text(s, 3));
	snprintf(r->u.area_code, sizeof(r->u.area_code), "%s", zx_col_text(s, 4));
	snprintf(r->pw_hash, sizeof(r->pw_hash), "%s", zx_col_text(s, 5));
	r->u.disabled = zx_col_int(s, 6) != 0;
	r->u.must_change = zx_col_int(s, 7) != 0;
	r->failed_count = (int)zx_col_int(s, 8);
	r->u.locked_until = zx_col_int(s, 9);
	r->u.last_login_at = zx_col_int(s, 10);
	snprintf(r->u.last_login_ip, sizeof(r->u.last_login_ip), "%s", zx_col_text(s, 11));
	snprintf(r->u.area_name, sizeof(r->u.area_name), "%s", zx_col_text(s, 12));
	r->u.area_level = (int)zx_col_int(s, 13);
	r->u.created_at = zx_col_int(s, 14);
}

static zx_err load_by_name(zx_conn *c, const char *username, user_row *r)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, ZXQ_user_by_name, ZX_ARGS(ZX_TEXT(username)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && !row)
		e = ZX_ENOTFOUND;
	if (!e)
		read_user(s, r);
	zx_stmt_done(s);
	return e;
}

static void actor_from_user(const zx_user *u, const char *ip, zx_actor *a)
{
	memset(a, 0, sizeof(*a));
	a->user_id = u->id;
	snprintf(a->username, sizeof(a->username), "%s", u->username);
	snprintf(a->display_name, sizeof(a->display_name), "%s", u->display_name);
	a->role = u->role;
	snprintf(a->area_code, sizeof(a->area_code), "%s", u->area_code);
	zx_scope_of_area(u->area_code, &a->scope);
	snprintf(a->client_ip, sizeof(a->client_ip), "%s", ip ? ip : "");
}

static void token_hash(const char *token, char out[2 * ZX_SM3_LEN + 1])
{
	uint8_t h[ZX_SM3_LEN];
	zx_sm3(token, strlen(token), h);
	zx_hex(h, sizeof(h), out);
}

static zx_err random_hex(char *out, size_t bytes)
{
	uint8_t raw[64];
	if (bytes > sizeof(raw))
		return ZX_EINTERNAL;
	zx_err e = zx_random_bytes(raw, bytes);
	if (!e)
		zx_hex(raw, bytes, out);
	return e;
}

/* --- validation ------------------------------------------------------------------ */

static bool username_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > ZX_USERNAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

/* 等保 password policy: length >= 10, three of four character classes, not the user name. */
zx_err zx_password_policy_check(const char *pw, const char *username, zx_errinfo *ei)
{
	size_t n = strlen(pw);
	if (n < 10 || n > ZX_PASSWORD_MAX)
		return zx_fail(ei, ZX_EVALIDATION, "weak_password", "密码", 0, "密码长度应为 10 到 %d 位",
		               ZX_PASSWORD_MAX);
	int up = 0, lo = 0, dg = 0, ot = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)pw[i];
		if (isupper(ch))
			up = 1;
		else if (islower(ch))
			lo = 1;
		else if (isdigit(ch))
			dg = 1;
		else
			ot = 1;
	}
	if (up + lo + dg + ot < 3)
		return zx_fail(ei, ZX_EVALIDATION, "weak_password", "密码", 0,
		               "密码须包含大写字母、小写字母、数字、符号中的至少三类");
	if (username && *username && strcasestr(pw, username))
		return zx_fail(ei, ZX_EVALIDATION, "weak_password", "密码", 0, "密码不能包含用户名");
	return ZX_OK;
}

typedef struct area_info {
	char code[13];
	char name[128];
	int level;
} area_info;

static zx_err area_lookup(zx_conn *c, const char *code, area_info *out)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, ZXQ_area_get, ZX_ARGS(ZX_TEXT(code)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && !row)
		e = ZX_ENOTFOUND;
	if (!e) {
		snprintf(out->code, sizeof(out->code), "%s", zx_col_text(s, 0));
		snprintf(out->name, sizeof(out->name), "%s", zx_col_text(s, 1));
		out->level = (int)zx_col_int(s, 2);
	}
	zx_stmt_done(s);
	return e;
}

/* Role and area checks shared by create and update. */
static zx_err check_role_area(zx_conn *c, const zx_actor *by, zx_role role, const char *area_code,
                              zx_errinfo *ei)
{
	if (role == ZX_ROLE_NONE)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_role", "角色", 0, "角色无效");
	bool dengbao = role == ZX_ROLE_SYS_ADMIN || role == ZX_ROLE_SEC_ADMIN || role == ZX_ROLE_AUDIT_ADMIN;
	if (dengbao && by->role != ZX_ROLE_SYS_ADMIN && by->role != ZX_ROLE_COUNTY_ADMIN)
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", "角色", 0,
		               "只有系统管理员或县级管理员可以设置%s", zx_role_name(role));
	area_info ai;
	if (!area_code || strlen(area_code) != 12 || area_lookup(c, area_code, &ai) != ZX_OK ||
	    !zx_scope_contains(&by->scope, area_code))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_area", "所属区域", 0,
		               "所属区域不存在或不在您的管理范围内: %s", area_code ? area_code : "");
	if (!zx_role_fits_level(role, ai.level))
		return zx_fail(ei, ZX_EVALIDATION, "role_area_mismatch", "所属区域", 0,
		               "%s不能绑定到%s（%s）", zx_role_name(role), ai.name,
		               ai.level == 3   ? "县级"
		               : ai.level == 4 ? "乡镇级"
		               : ai.level == 5 ? "村级"
		                               : "该级别");
	return ZX_OK;
}

static zx_err require_manager(const zx_actor *by, zx_errinfo *ei)
{
	if (!zx_role_manages_users(by->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "没有管理用户的权限");
	return ZX_OK;
}

/* --- users ----------------------------------------------------------------------- */

zx_err zx_user_create(zx_conn *c, const zx_actor *by, const zx_user_input *in, int64_t *id_out,
                      char *generated, size_t gen_cap, zx_errinfo *ei)
{
	zx_err e = require_manager(by, ei);
	if (e)
		return e;
	if (!in->username || !username_ok(in->username))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_username", "用户名", 0,
		               "用户名应为 3 到 %d 位字母、数字、下划线、点或连字符", ZX_USERNAME_MAX);
	const char *dn = in->display_name ? in->display_name : "";
	if (strlen(dn) > 96)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_display_name", "姓名", 0, "姓名过长");
	zx_role role = zx_role_parse(in->role);
	e = check_role_area(c, by, role, in->area_code, ei);
	if (e)
		return e;
	/* 三权分立: an administrator never chooses the password of an account that sees personal
	 * data (it would know a working password of it); such accounts get a generated one-time
	 * password. The console operator (`zhenxing user add`) may still set one. */
	if (in->password && by->user_id > 0 && zx_role_sees_personal_data(role))
		return zx_fail(ei, ZX_EVALIDATION, "password_not_allowed", "初始密码", 0,
		               "%s账号的初始密码由系统生成（一次性，首次登录须修改），不能由管理员指定",
		               zx_role_name(role));
	char pwbuf[ZX_PASSWORD_MAX + 1];
	const char *pw = in->password;
	if (!pw) {
		if (!generated || gen_cap < 15)
			return ZX_EINTERNAL;
		e = zx_password_generate(pwbuf, 14);
		if (e)
			return e;
		snprintf(generated, gen_cap, "%s", pwbuf);
		pw = pwbuf;
	} else if ((e = zx_password_policy_check(pw, in->username, ei)) != ZX_OK) {
		return e;
	}
	char hash[128];
	e = zx_password_hash(pw, hash);
	if (e)
		return e;
	e = zx_tx_begin_write(c);
	if (e)
		return e;
	user_row existing;
	if (load_by_name(c, in->username, &existing) == ZX_OK) {
		zx_tx_rollback(c);
		return zx_fail(ei, ZX_ECONFLICT, "username_taken", "用户名", 0, "用户名已存在: %s",
		               in->username);
	}
	/* A generated password, or one an administrator chose, must be changed at first login
	 * (等保): only the console operator's own choice stands. */
	bool must_change = !in->password || by->user_id > 0;
	e = zx_exec(c, NULL, ZXQ_user_insert,
	            ZX_ARGS(ZX_TEXT(in->username), ZX_TEXT(dn), ZX_TEXT(zx_role_key(role)),
	                    ZX_TEXT(in->area_code), ZX_TEXT(hash), ZX_INT(must_change ? 1 : 0),
	                    ZX_INT(zx_now())),
	            NULL);
	int64_t id = e ? 0 : zx_last_insert_id(c);
	char obj[96];
	snprintf(obj, sizeof(obj), "user:%lld", (long long)id);
	char detail[256];
	snprintf(detail, sizeof(detail), "username=%s role=%s area=%s", in->username, zx_role_key(role),
	         in->area_code);
	if (!e)
		e = zx_audit_write(c, by, "user.create", obj, "ok", detail);
	if (!e)
		e = zx_tx_commit(c);
	if (e) {
		zx_tx_rollback(c);
		return e;
	}
	if (id_out)
		*id_out = id;
	return ZX_OK;
}

static zx_err load_visible(zx_conn *c, const zx_actor *by, int64_t id, user_row *r)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &by->scope, ZXQ_user_get, ZX_ARGS(ZX_INT(id)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && !row)
		e = ZX_ENOTFOUND;
	if (!e)
		read_user(s, r);
	zx_stmt_done(s);
	return e;
}

zx_err zx_user_get(zx_conn *c, const zx_actor *by, int64_t id, zx_user *out)
{
	user_row r;
	zx_err e = load_visible(c, by, id, &r);
	if (!e)
		*out = r.u;
	return e;
}

zx_err zx_user_update_apply(zx_conn *c, const zx_actor *by, int64_t id, const zx_user_update *u,
                            char *generated, size_t gen_cap, zx_errinfo *ei)
{
	zx_err e = require_manager(by, ei);
	if (e)
		return e;
	user_row cur;
	if (load_visible(c, by, id, &cur) != ZX_OK)
		return zx_fail(ei, ZX_ENOTFOUND, "not_found", NULL, 0, "用户不存在");
	const char *dn = u->display_name ? u->display_name : cur.u.display_name;
	const char *role_key = u->role ? u->role : zx_role_key(cur.u.role);
	const char *area = u->area_code ? u->area_code : cur.u.area_code;
	int disabled = u->disabled >= 0 ? u->disabled : cur.u.disabled;
	if (strlen(dn) > 96)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_display_name", "姓名", 0, "姓名过长");
	if (id == by->user_id && (disabled || zx_role_parse(role_key) != cur.u.role))
		return zx_fail(ei, ZX_EVALIDATION, "self_change", NULL, 0,
		               "不能停用自己的账号或修改自己的角色");
	e = check_role_area(c, by, zx_role_parse(role_key), area, ei);
	if (e)
		return e;
	char hash[128] = "";
	if (u->reset_password) {
		char pw[32];
		if (!generated || gen_cap < 15)
			return ZX_EINTERNAL;
		e = zx_password_generate(pw, 14);
		if (!e)
			e = zx_password_hash(pw, hash);
		if (e)
			return e;
		snprintf(generated, gen_cap, "%s", pw);
	}
	e = zx_tx_begin_write(c);
	if (e)
		return e;
	e = zx_exec(c, &by->scope, ZXQ_user_update,
	            ZX_ARGS(ZX_INT(id), ZX_TEXT(dn), ZX_TEXT(role_key), ZX_TEXT(area), ZX_INT(disabled)),
	            NULL);
	if (!e && hash[0])
		e = zx_exec(c, &by->scope, ZXQ_user_set_password,
		            ZX_ARGS(ZX_INT(id), ZX_TEXT(hash), ZX_INT(1)), NULL);
	/* Disabling, re-roling or a password reset ends the user's sessions. */
	if (!e &&
	    (disabled || hash[0] || zx_role_parse(role_key) != cur.u.role || strcmp(area, cur.u.area_code)))
		e = zx_exec(c, NULL, ZXQ_session_delete_user, ZX_ARGS(ZX_INT(id)), NULL);
	char obj[64], detail[256];
	snprintf(obj, sizeof(obj), "user:%lld", (long long)id);
	snprintf(detail, sizeof(detail), "role=%s area=%s disabled=%d password_reset=%d", role_key, area,
	         disabled, hash[0] ? 1 : 0);
	if (!e)
		e = zx_audit_write(c, by, "user.update", obj, "ok", detail);
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

zx_err zx_user_delete(zx_conn *c, const zx_actor *by, int64_t id, zx_errinfo *ei)
{
	zx_err e = require_manager(by, ei);
	if (e)
		return e;
	if (id == by->user_id)
		return zx_fail(ei, ZX_EVALIDATION, "self_delete", NULL, 0, "不能删除自己的账号");
	user_row cur;
	if (load_visible(c, by, id, &cur) != ZX_OK)
		return zx_fail(ei, ZX_ENOTFOUND, "not_found", NULL, 0, "用户不存在");
	e = zx_tx_begin_write(c);
	if (e)
		return e;
	e = zx_exec(c, &by->scope, ZXQ_user_delete, ZX_ARGS(ZX_INT(id)), NULL);
	char obj[64], detail[128];
	snprintf(obj, sizeof(obj), "user:%lld", (long long)id);
	snprintf(detail, sizeof(detail), "username=%s", cur.u.username);
	if (!e)
		e = zx_audit_write(c, by, "user.delete", obj, "ok", detail);
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

zx_err zx_user_list(zx_conn *c, const zx_actor *by, const char *q, int64_t limit, int64_t offset,
                    zx_user_fn fn, void *ctx, int64_t *total)
{
	if (!zx_role_manages_users(by->role))
		return ZX_EFORBIDDEN;
	q = q ? q : "";
	zx_err e = zx_query_int(c, &by->scope, ZXQ_user_count, ZX_ARGS(ZX_TEXT(q)), total);
	if (e)
		return e;
	zx_stmt *s;
	e = zx_query_open(c, &by->scope, ZXQ_user_list, ZX_ARGS(ZX_TEXT(q), ZX_INT(limit), ZX_INT(offset)),
	                  &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		user_row r;
		read_user(s, &r);
		if (!fn(ctx, &r.u))
			break;
	}
	zx_stmt_done(s);
	return e;
}

/* --- login and sessions ---------------------------------------------------------------- */

/* Verifying against a fixed hash when the user does not exist keeps the timing of
 * "no such user" and "wrong password" alike. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[128];

static void dummy_hash_init(void)
{
	if (zx_password_hash("zx-dummy-password-Aa1!", dummy_hash) != ZX_OK)
		dummy_hash[0] = '\0';
}

static const char *MSG_BAD_CREDENTIALS = "用户名或密码错误";

static zx_err login_refused(zx_conn *c, const zx_actor *who, const char *result, const char *detail,
                            zx_err err, const char *code, const char *msg, zx_errinfo *ei)
{
	zx_audit_write_tx(c, who, "login", "session", result, detail);
	return zx_fail(ei, err, code, NULL, 0, "%s", msg);
}

static zx_err login_locked(zx_conn *c, const zx_actor *who, int64_t until, int64_t now, zx_errinfo *ei)
{
	char msg[160];
	long mins = (long)((until - now + 59) / 60);
	snprintf(msg, sizeof(msg), "密码错误次数过多，账号已锁定，请 %ld 分钟后再试", mins);
	return login_refused(c, who, "locked", "账号锁定中", ZX_ELOCKED, "account_locked", msg, ei);
}

/* A wrong password under a name that does not exist: counted in login_throttle and
 * locked exactly like an account (5 in a row → ZX_LOCK_SECONDS), with the same answers,
 * so that neither the status, the body nor the timing tells a stranger which user names
 * exist. The caller has already spent the password hash's time. */
static zx_err unknown_name_failed(zx_conn *c, const zx_actor *anon, const char *username, zx_errinfo *ei)
{
	int64_t now = zx_now();
	zx_err e = zx_tx_begin_write(c);
	if (e)
		return e;
	zx_stmt *s;
	int failed = 0;
	int64_t until = 0;
	e = zx_query_open(c, NULL, ZXQ_login_throttle_get, ZX_ARGS(ZX_TEXT(username)), &s);
	if (!e) {
		bool row;
		e = zx_stmt_next(s, &row);
		if (!e && row) {
			failed = (int)zx_col_int(s, 0);
			until = zx_col_int(s, 1);
		}
		zx_stmt_done(s);
	}
	if (!e && until > now) {
		zx_tx_rollback(c);
		return login_locked(c, anon, until, now, ei);
	}
	bool lock = ++failed >= ZX_LOCK_AFTER_FAILURES;
	if (lock) {
		until = now + ZX_LOCK_SECONDS;
		failed = 0;
	}
	if (!e)
		e = zx_exec(c, NULL, ZXQ_login_throttle_set,
		            ZX_ARGS(ZX_TEXT(username), ZX_INT(failed), ZX_INT(lock ? until : 0)), NULL);
	if (!e)
		e = zx_audit_write(c, anon, "login", "session", "fail", "用户名不存在");
	if (!e && lock)
		e = zx_audit_write(c, anon, "account.lock", "user", "ok", "不存在的用户名连续5次登录失败");
	if (!e)
		e = zx_tx_commit(c);
	if (e) {
		zx_tx_rollback(c);
		return e;
	}
	if (lock)
		return zx_fail(ei, ZX_ELOCKED, "account_locked", NULL, 0,
		               "密码连续错误 %d 次，账号已锁定 %d 分钟", ZX_LOCK_AFTER_FAILURES,
		               ZX_LOCK_SECONDS / 60);
	return zx_fail(ei, ZX_EAUTH, "bad_credentials", NULL, 0, "%s", MSG_BAD_CREDENTIALS);
}

zx_err zx_auth_login(zx_conn *c, const zx_login *in, zx_session *out, zx_errinfo *ei)
{
	const char *username = in->username, *password = in->password, *client_ip = in->client_ip;
	memset(out, 0, sizeof(*out));
	zx_actor anon;
	memset(&anon, 0, sizeof(anon));
	snprintf(anon.username, sizeof(anon.username), "%.32s", username ? username : "");
	snprintf(anon.client_ip, sizeof(anon.client_ip), "%s", client_ip ? client_ip : "");
	if (!username || !password || !*username || !*password || strlen(username) > ZX_USERNAME_MAX ||
	    strlen(password) > ZX_PASSWORD_MAX)
		return login_refused(c, &anon, "fail", "请求不完整", ZX_EAUTH, "bad_credentials",
		                     MSG_BAD_CREDENTIALS, ei);
	user_row r;
	zx_err e = load_by_name(c, username, &r);
	if (e == ZX_ENOTFOUND) {
		pthread_once(&dummy_once, dummy_hash_init);
		zx_password_verify(dummy_hash, password);
		return unknown_name_failed(c, &anon, username, ei);
	}
	if (e)
		return e;
	zx_actor who;
	actor_from_user(&r.u, client_ip, &who);
	int64_t now = zx_now();
	/* Verified even when locked (the result is not used then): a locked account takes as
	 * long to answer as an unknown name or a wrong password. */
	bool ok = zx_password_verify(r.pw_hash, password) == ZX_OK;
	if (r.u.locked_until > now)
		return login_locked(c, &who, r.u.locked_until, now, ei);
	e = zx_tx_begin_write(c);
	if (e)
		return e;
	user_row fresh;
	e = load_by_name(c, username, &fresh);
	if (e)
		goto fail;
	/* Checked again under the write lock: an attempt that read the user before a
	 * concurrent one locked the account must neither log in nor, by resetting the
	 * failure count, unlock it (parallel guesses would never be stopped). */
	if (fresh.u.locked_until > now) {
		zx_tx_rollback(c);
		return login_locked(c, &who, fresh.u.locked_until, now, ei);
	}
	/* Second factor, only once the password is right (so a code alone reveals nothing). */
	bool totp_given = in->totp && *in->totp, totp_wrong = false;
	if (ok) {
		bool required = false;
		e = zx_totp_login_check(c, in->keys, r.u.id, totp_given ? in->totp : NULL, &required);
		if (e == ZX_EAUTH && !totp_given) {
			zx_tx_rollback(c);
			return zx_fail(ei, ZX_EAUTH, "totp_required", "动态验证码", 0,
			               "请输入手机验证器上的 6 位动态验证码");
		}
		if (e == ZX_EAUTH)
			ok = false, totp_wrong = true, e = ZX_OK;
		if (e)
			goto fail;
	}
	if (!ok) {
		int failed = fresh.failed_count + 1;
		int64_t until = 0;
		bool lock = failed >= ZX_LOCK_AFTER_FAILURES;
		if (lock) {
			until = now + ZX_LOCK_SECONDS;
			failed = 0;
		}
		e = zx_exec(c, NULL, ZXQ_user_login_failed,
		            ZX_ARGS(ZX_INT(r.u.id), ZX_INT(failed), ZX_INT(until)), NULL);
		if (!e)
			e = zx_audit_write(c, &who, "login", "session", "fail",
			                   totp_wrong ? "动态验证码错误" : "密码错误");
		if (!e && lock)
			e = zx_audit_write(c, &who, "account.lock", "user", "ok", "连续5次密码错误");
		if (!e)
			e = zx_tx_commit(c);
		if (e)
			goto fail;
		if (lock)
			return zx_fail(ei, ZX_ELOCKED, "account_locked", NULL, 0,
			               "密码连续错误 %d 次，账号已锁定 %d 分钟", ZX_LOCK_AFTER_FAILURES,
			               ZX_LOCK_SECONDS / 60);
		if (totp_wrong)
			return zx_fail(ei, ZX_EAUTH, "totp_invalid", "动态验证码", 0,
			               "动态验证码错误或已使用，请等待下一个验证码");
		return zx_fail(ei, ZX_EAUTH, "bad_credentials", NULL, 0, "%s", MSG_BAD_CREDENTIALS);
	}
	if (fresh.u.disabled) {
		e = zx_audit_write(c, &who, "login", "session", "fail", "账号已停用");
		if (!e)
			e = zx_tx_commit(c);
		if (e)
			goto fail;
		return zx_fail(ei, ZX_EAUTH, "account_disabled", NULL, 0, "账号已停用，请联系管理员");
	}
	char hash[2 * ZX_SM3_LEN + 1];
	e = random_hex(out->token, 32);
	if (!e)
		e = random_hex(out->csrf, 32);
	if (e)
		goto fail;
	token_hash(out->token, hash);
	e = zx_exec(
	    c, NULL, ZXQ_session_insert,
	    ZX_ARGS(ZX_TEXT(hash), ZX_INT(r.u.id), ZX_TEXT(out->csrf), ZX_INT(now), ZX_TEXT(who.client_ip)),
	    NULL);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_user_login_ok,
		            ZX_ARGS(ZX_INT(r.u.id), ZX_INT(now), ZX_TEXT(who.client_ip)), NULL);
	if (!e)
		e = zx_audit_write(c, &who, "login", "session", "ok", "");
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		goto fail;
	out->actor = who;
	bool expired = false, totp_on = false;
	zx_user_security(c, r.u.id, &expired, &totp_on);
	out->must_change_password =
	    zx_auth_policy_get().force_password_change && (fresh.u.must_change || expired);
	out->must_enrol_totp = !totp_on && zx_role_needs_totp(r.u.role);
	out->prev_login_at = fresh.u.last_login_at;
	snprintf(out->prev_login_ip, sizeof(out->prev_login_ip), "%s", fresh.u.last_login_ip);
	return ZX_OK;
fail:
	zx_tx_rollback(c);
	memset(out->token, 0, sizeof(out->token));
	return e;
}

zx_err zx_auth_session(zx_conn *c, const char *token, const char *client_ip, zx_session *out)
{
	memset(out, 0, sizeof(*out));
	if (!token || strlen(token) != ZX_TOKEN_HEX)
		return ZX_EAUTH;
	char hash[2 * ZX_SM3_LEN + 1];
	token_hash(token, hash);
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, ZXQ_session_get, ZX_ARGS(ZX_TEXT(hash)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && !row)
		e = ZX_EAUTH;
	int64_t last_seen = 0, pw_changed_at = 0, created_at = 0;
	bool disabled = false, must_change = false, totp_on = false;
	if (!e) {
		zx_user u;
		memset(&u, 0, sizeof(u));
		u.id = zx_col_int(s, 0);
		snprintf(out->csrf, sizeof(out->csrf), "%s", zx_col_text(s, 1));
		last_seen = zx_col_int(s, 2);
		snprintf(u.username, sizeof(u.username), "%s", zx_col_text(s, 3));
		snprintf(u.display_name, sizeof(u.display_name), "%s", zx_col_text(s, 4));
		u.role = zx_role_parse(zx_col_text(s, 5));
		snprintf(u.area_code, sizeof(u.area_code), "%s", zx_col_text(s, 6));
		disabled = zx_col_int(s, 7) != 0;
		must_change = zx_col_int(s, 8) != 0;
		pw_changed_at = zx_col_int(s, 9);
		created_at = zx_col_int(s, 10);
		totp_on = zx_col_int(s, 11) != 0;
		actor_from_user(&u, client_ip, &out->actor);
	}
	zx_stmt_done(s);
	if (e)
		return e;
	int64_t now = zx_now();
	zx_auth_policy pol = zx_auth_policy_get();
	out->must_change_password =
	    pol.force_password_change && (must_change || zx_password_expired(pw_changed_at, created_at, now));
	out->must_enrol_totp = !totp_on && zx_role_needs_totp(out->actor.role);
	if (disabled || now - last_seen > pol.session_idle_seconds) {
		zx_exec(c, NULL, ZXQ_session_delete, ZX_ARGS(ZX_TEXT(hash)), NULL);
		memset(out, 0, sizeof(*out));
		return ZX_EAUTH;
	}
	if (now - last_seen >= SESSION_TOUCH_SECONDS)
		zx_exec(c, NULL, ZXQ_session_touch, ZX_ARGS(ZX_TEXT(hash), ZX_INT(now)), NULL);
	return ZX_OK;
}

zx_err zx_auth_logout(zx_conn *c, const char *token, const zx_actor *a)
{
	if (!token || strlen(token) != ZX_TOKEN_HEX)
		return ZX_EAUTH;
	char hash[2 * ZX_SM3_LEN + 1];
	token_hash(token, hash);
	zx_err e = zx_tx_begin_write(c);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_session_delete, ZX_ARGS(ZX_TEXT(hash)), NULL);
	if (!e)
		e = zx_audit_write(c, a, "logout", "session", "ok", "");
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

zx_err zx_auth_me(zx_conn *c, const zx_actor *a, zx_user *out)
{
	user_row r;
	zx_err e = load_by_name(c, a->username, &r);
	if (!e)
		e = zx_user_security(c, r.u.id, &r.u.password_expired, &r.u.totp_enabled);
	if (!e) {
		r.u.must_change =
		    zx_auth_policy_get().force_password_change && (r.u.must_change || r.u.password_expired);
		r.u.must_enrol_totp = !r.u.totp_enabled && zx_role_needs_totp(r.u.role);
		*out = r.u;
	}
	return e;
}
