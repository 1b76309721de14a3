/*
 * security.c — account policy, password change with history, TOTP enrolment and
 * check, session lists. See security.h.
 *
 * Argon2 work (verifying the old password and the history, hashing the new one) runs
 * before the write transaction, as in auth.c, so no write lock is held while hashing.
 */
#include "domain/auth/security.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "domain/auth/audit.h"
#include "domain/auth/auth.h"

static pthread_mutex_t policy_lock = PTHREAD_MUTEX_INITIALIZER;
static zx_auth_policy policy = {
    .session_idle_seconds = ZX_SESSION_IDLE_SECONDS,
    .password_expiry_days = 0,
    .force_password_change = true,
};

void zx_auth_set_policy(const zx_auth_policy *p)
{
	pthread_mutex_lock(&policy_lock);
	policy = *p;
	pthread_mutex_unlock(&policy_lock);
}

zx_auth_policy zx_auth_policy_get(void)
{
	pthread_mutex_lock(&policy_lock);
	zx_auth_policy p = policy;
	pthread_mutex_unlock(&policy_lock);
	return p;
}

bool zx_totp_roles_parse(const char *list, unsigned *mask, char *bad, size_t cap)
{
	*mask = 0;
	const char *p = list ? list : "";
	while (*p) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		size_t n = strcspn(p, " ,\t");
		if (!n)
			break;
		char key[32];
		snprintf(key, sizeof(key), "%.*s", (int)(n < sizeof(key) - 1 ? n : sizeof(key) - 1), p);
		zx_role r = n < sizeof(key) ? zx_role_parse(key) : ZX_ROLE_NONE;
		if (r == ZX_ROLE_NONE) {
			if (bad && cap)
				snprintf(bad, cap, "%.*s", (int)n, p);
			return false;
		}
		*mask |= 1u << r;
		p += n;
	}
	return true;
}

bool zx_role_needs_totp(zx_role r)
{
	return r != ZX_ROLE_NONE && (zx_auth_policy_get().totp_roles & (1u << r)) != 0;
}

bool zx_password_expired(int64_t changed_at, int64_t created_at, int64_t now)
{
	int days = zx_auth_policy_get().password_expiry_days;
	int64_t since = changed_at > 0 ? changed_at : created_at;
	return days > 0 && now - since > (int64_t)days * 86400;
}

void zx_session_token_hash(const char *token, char out[2 * ZX_SM3_LEN + 1])
{
	uint8_t h[ZX_SM3_LEN];
	zx_sm3(token, strlen(token), h);
	zx_hex(h, sizeof(h), out);
}

typedef struct sec_row {
	char pw_hash[160];
	bool must_change;
	int64_t pw_changed_at, created_at;
	char totp_secret[128];
	bool totp_enabled;
	int64_t totp_last_step;
	char username[64];
} sec_row;

static zx_err load_sec(zx_conn *c, int64_t user_id, sec_row *r)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, ZXQ_user_security_get, ZX_ARGS(ZX_INT(user_id)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && !row)
		e = ZX_ENOTFOUND;
	if (!e) {
		memset(r, 0, sizeof(*r));
		snprintf(r->pw_hash, sizeof(r->pw_hash), "%s", zx_col_text(s, 0));
		r->must_change = zx_col_int(s, 1) != 0;
		r->pw_changed_at = zx_col_int(s, 2);
		r->created_at = zx_col_int(s, 3);
		snprintf(r->totp_secret, sizeof(r->totp_secret), "%s", zx_col_text(s, 4));
		r->totp_enabled = zx_col_int(s, 5) != 0;
		r->totp_last_step = zx_col_int(s, 6);
		snprintf(r->username, sizeof(r->username), "%s", zx_col_text(s, 7));
	}
	zx_stmt_done(s);
	return e;
}

zx_err zx_auth_verify_password(zx_conn *c, int64_t user_id, const char *pw)
{
	sec_row r;
	zx_err e = load_sec(c, user_id, &r);
	if (e)
		return e == ZX_ENOTFOUND ? ZX_EAUTH : e;
	return pw && zx_password_verify(r.pw_hash, pw) == ZX_OK ? ZX_OK : ZX_EAUTH;
}

/* --- password change ---------------------------------------------------------------- */

/* True if pw matches the current hash or one of the newest history entries. */
static zx_err password_reused(zx_conn *c, int64_t user_id, const char *current_hash, const char *pw,
                              bool *reused)
{
	*reused = zx_password_verify(current_hash, pw) == ZX_OK;
	if (*reused)
		return ZX_OK;
	char hashes[ZX_PASSWORD_HISTORY - 1][160];
	int n = 0;
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, ZXQ_password_history_list,
	                         ZX_ARGS(ZX_INT(user_id), ZX_INT(ZX_PASSWORD_HISTORY - 1)), &s);
	if (e)
		return e;
	bool row;
	while (n < ZX_PASSWORD_HISTORY - 1 && !(e = zx_stmt_next(s, &row)) && row)
		snprintf(hashes[n++], sizeof(hashes[0]), "%s", zx_col_text(s, 0));
	zx_stmt_done(s);
	for (int i = 0; !e && i < n && !*reused; i++)
		*reused = zx_password_verify(hashes[i], pw) == ZX_OK;
	return e;
}

zx_err zx_auth_change_password(zx_conn *c, const zx_actor *a, const char *keep_token, const char *old_pw,
                               const char *new_pw, zx_errinfo *ei)
{
	if (!a || a->user_id <= 0)
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "只能修改自己的密码");
	sec_row r;
	zx_err e = load_sec(c, a->user_id, &r);
	if (e)
		return e;
	if (!old_pw || !new_pw || zx_password_verify(r.pw_hash, old_pw) != ZX_OK)
		return zx_fail(ei, ZX_EVALIDATION, "wrong_password", "原密码", 0, "原密码错误");
	e = zx_password_policy_check(new_pw, r.username, ei);
	if (e)
		return e;
	bool reused = false;
	e = password_reused(c, a->user_id, r.pw_hash, new_pw, &reused);
	if (e)
		return e;
	if (reused)
		return zx_fail(ei, ZX_EVALIDATION, "password_reused", "新密码", 0,
		               "新密码不能与最近 %d 次使用过的密码相同", ZX_PASSWORD_HISTORY);
	char hash[128];
	e = zx_password_hash(new_pw, hash);
	if (e)
		return e;
	char keep[2 * ZX_SM3_LEN + 1] = "";
	if (keep_token)
		zx_session_token_hash(keep_token, keep);
	int64_t now = zx_now();
	e = zx_tx_begin_write(c);
	if (e)
		return e;
	e = zx_exec(c, NULL, ZXQ_password_history_insert,
	            ZX_ARGS(ZX_INT(a->user_id), ZX_TEXT(r.pw_hash), ZX_INT(now)), NULL);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_password_history_trim,
		            ZX_ARGS(ZX_INT(a->user_id), ZX_INT(ZX_PASSWORD_HISTORY - 1)), NULL);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_user_password_change,
		            ZX_ARGS(ZX_INT(a->user_id), ZX_TEXT(hash), ZX_INT(now)), NULL);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_session_delete_others, ZX_ARGS(ZX_INT(a->user_id), ZX_TEXT(keep)),
		            NULL);
	if (!e)
		e = zx_audit_write(c, a, "password.change", "user", "ok",
		                   r.must_change ? "首次登录修改初始密码" : "");
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

/* --- TOTP ------------------------------------------------------------------------------ */

zx_err zx_user_security(zx_conn *c, int64_t user_id, bool *password_expired, bool *totp_enabled)
{
	sec_row r;
	zx_err e = load_sec(c, user_id, &r);
	*password_expired = !e && zx_password_expired(r.pw_changed_at, r.created_at, zx_now());
	*totp_enabled = !e && r.totp_enabled;
	return e;
}

zx_err zx_totp_enabled(zx_conn *c, int64_t user_id, bool *enabled)
{
	sec_row r;
	zx_err e = load_sec(c, user_id, &r);
	*enabled = !e && r.totp_enabled;
	return e;
}

static zx_err secret_of(const zx_keys *k, const sec_row *r, uint8_t key[ZX_TOTP_SECRET_LEN])
{
	char b32[ZX_TOTP_SECRET_B32 + 8];
	if (!r->totp_secret[0] || zx_field_decrypt(k, r->totp_secret, b32, sizeof(b32)) != ZX_OK)
		return ZX_EINVAL;
	return zx_unbase32(b32, key, ZX_TOTP_SECRET_LEN) == ZX_TOTP_SECRET_LEN ? ZX_OK : ZX_EINVAL;
}

zx_err zx_totp_begin(zx_conn *c, const zx_keys *k, const zx_actor *a, char secret_b32[ZX_TOTP_SECRET_B32],
                     zx_errinfo *ei)
{
	sec_row r;
	zx_err e = load_sec(c, a->user_id, &r);
	if (e)
		return e;
	if (r.totp_enabled)
		return zx_fail(ei, ZX_ECONFLICT, "totp_already_enabled", NULL, 0,
		               "已启用动态验证码；如需更换设备，请先停用或联系安全管理员重置");
	uint8_t raw[ZX_TOTP_SECRET_LEN];
	e = zx_random_bytes(raw, sizeof(raw));
	if (e)
		return e;
	zx_base32(raw, sizeof(raw), secret_b32);
	char enc[256];
	e = zx_field_encrypt(k, secret_b32, enc, sizeof(enc));
	if (e)
		return e;
	e = zx_tx_begin_write(c);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_user_totp_set, ZX_ARGS(ZX_INT(a->user_id), ZX_TEXT(enc), ZX_INT(0)),
		            NULL);
	if (!e)
		e = zx_audit_write(c, a, "totp.begin", "user", "ok", "生成动态验证码密钥");
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

zx_err zx_totp_confirm(zx_conn *c, const zx_keys *k, const zx_actor *a, const char *code, zx_errinfo *ei)
{
	sec_row r;
	zx_err e = load_sec(c, a->user_id, &r);
	if (e)
		return e;
	if (r.totp_enabled)
		return zx_fail(ei, ZX_ECONFLICT, "totp_already_enabled", NULL, 0, "动态验证码已启用");
	uint8_t key[ZX_TOTP_SECRET_LEN];
	if (secret_of(k, &r, key) != ZX_OK)
		return zx_fail(ei, ZX_EVALIDATION, "totp_not_started", NULL, 0, "请先生成动态验证码密钥");
	int64_t step = 0;
	if (zx_totp_verify(key, sizeof(key), code, zx_now(), 0, &step) != ZX_OK)
		return zx_fail(ei, ZX_EVALIDATION, "totp_invalid", "动态验证码", 0,
		               "动态验证码错误，请确认手机时间准确后重试");
	e = zx_tx_begin_write(c);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_user_totp_set,
		            ZX_ARGS(ZX_INT(a->user_id), ZX_TEXT(r.totp_secret), ZX_INT(1)), NULL);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_user_totp_used, ZX_ARGS(ZX_INT(a->user_id), ZX_INT(step)), NULL);
	if (!e)
		e = zx_audit_write(c, a, "totp.enable", "user", "ok", "启用动态验证码");
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

zx_err zx_totp_reset(zx_conn *c, const zx_actor *by, int64_t user_id, zx_errinfo *ei)
{
	char obj[48];
	snprintf(obj, sizeof(obj), "user:%lld", (long long)user_id);
	if (user_id != by->user_id) {
		if (by->role != ZX_ROLE_SEC_ADMIN)
			return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0,
			               "只有安全管理员可以重置他人的动态验证码");
		zx_stmt *s;
		zx_err e = zx_query_open(c, &by->scope, ZXQ_user_get, ZX_ARGS(ZX_INT(user_id)), &s);
		if (e)
			return e;
		bool row = false;
		e = zx_stmt_next(s, &row);
		zx_stmt_done(s);
		if (e)
			return e;
		if (!row)
			return zx_fail(ei, ZX_ENOTFOUND, "not_found", NULL, 0, "用户不存在");
	}
	zx_err e = zx_tx_begin_write(c);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_user_totp_set, ZX_ARGS(ZX_INT(user_id), ZX_TEXT(""), ZX_INT(0)),
		            NULL);
	if (!e)
		e = zx_audit_write(c, by, "totp.reset", obj, "ok",
		                   user_id == by->user_id ? "本人停用" : "安全管理员重置");
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

zx_err zx_totp_login_check(zx_conn *c, const zx_keys *k, int64_t user_id, const char *code, bool *required)
{
	sec_row r;
	*required = false;
	zx_err e = load_sec(c, user_id, &r);
	if (e || !r.totp_enabled)
		return e;
	*required = true;
	uint8_t key[ZX_TOTP_SECRET_LEN];
	if (!k || secret_of(k, &r, key) != ZX_OK) {
		zx_error("auth: TOTP secret of user %lld cannot be decrypted (wrong key file?)",
		         (long long)user_id);
		return ZX_EAUTH;
	}
	int64_t step = 0;
	if (!code || zx_totp_verify(key, sizeof(key), code, zx_now(), r.totp_last_step, &step) != ZX_OK)
		return ZX_EAUTH;
	int64_t changed = 0;
	e = zx_exec(c, NULL, ZXQ_user_totp_used, ZX_ARGS(ZX_INT(user_id), ZX_INT(step)), &changed);
	return e ? e : changed == 1 ? ZX_OK : ZX_EAUTH;
}

/* --- sessions ------------------------------------------------------------------------ */

zx_err zx_sessions_list(zx_conn *c, const zx_actor *by, int64_t user_id, const char *current_token,
                        zx_session_fn fn, void *ctx)
{
	bool own = user_id == by->user_id && user_id > 0;
	if (!own && by->role != ZX_ROLE_SEC_ADMIN)
		return ZX_EFORBIDDEN;
	char cur[2 * ZX_SM3_LEN + 1] = "";
	if (current_token)
		zx_session_token_hash(current_token, cur);
	int64_t since = zx_now() - zx_auth_policy_get().session_idle_seconds;
	zx_stmt *s;
	zx_err e =
	    own ? zx_query_open(c, NULL, ZXQ_session_list_user, ZX_ARGS(ZX_INT(user_id), ZX_INT(since)), &s)
	        : zx_query_open(c, &by->scope, ZXQ_session_list_scoped,
	                        ZX_ARGS(ZX_INT(user_id), ZX_INT(since)), &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		zx_session_info si;
		memset(&si, 0, sizeof(si));
		const char *hash = zx_col_text(s, 0);
		snprintf(si.id, sizeof(si.id), "%.16s", hash);
		si.current = cur[0] && strcmp(hash, cur) == 0;
		if (own) {
			si.user_id = by->user_id;
			snprintf(si.username, sizeof(si.username), "%s", by->username);
			si.role = by->role;
			si.created_at = zx_col_int(s, 1);
			si.last_seen = zx_col_int(s, 2);
			snprintf(si.client_ip, sizeof(si.client_ip), "%s", zx_col_text(s, 3));
		} else {
			si.user_id = zx_col_int(s, 1);
			snprintf(si.username, sizeof(si.username), "%s", zx_col_text(s, 2));
			si.role = zx_role_parse(zx_col_text(s, 3));
			si.created_at = zx_col_int(s, 4);
			si.last_seen = zx_col_int(s, 5);
			snprintf(si.client_ip, sizeof(si.client_ip), "%s", zx_col_text(s, 6));
		}
		if (!fn(ctx, &si))
			break;
	}
	zx_stmt_done(s);
	return e;
}

static bool id_ok(const char *id)
{
	if (!id || strlen(id) != ZX_SESSION_ID_LEN)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

zx_err zx_session_revoke(zx_conn *c, const zx_actor *by, const char *id, zx_errinfo *ei)
{
	if (!id_ok(id))
		return zx_fail(ei, ZX_ENOTFOUND, "not_found", NULL, 0, "会话不存在");
	/* Own sessions are looked up unscoped; others' only within a sec_admin's scope. */
	int64_t owner = 0;
	zx_stmt *s;
	zx_err e = zx_query_open(c, by->role == ZX_ROLE_SEC_ADMIN ? &by->scope : &ZX_SCOPE_ALL,
	                         ZXQ_session_owner, ZX_ARGS(ZX_TEXT(id)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row)
		owner = zx_col_int(s, 0);
	zx_stmt_done(s);
	if (e)
		return e;
	if (!owner || (owner != by->user_id && by->role != ZX_ROLE_SEC_ADMIN))
		return zx_fail(ei, ZX_ENOTFOUND, "not_found", NULL, 0, "会话不存在");
	char obj[48];
	snprintf(obj, sizeof(obj), "user:%lld", (long long)owner);
	e = zx_tx_begin_write(c);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_session_delete_id, ZX_ARGS(ZX_INT(owner), ZX_TEXT(id)), NULL);
	if (!e)
		e = zx_audit_write(c, by, "session.revoke", obj, "ok",
		                   owner == by->user_id ? "结束本人会话" : "结束他人会话");
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

zx_err zx_sessions_active(zx_conn *c, int64_t *count)
{
	return zx_query_int(c, NULL, ZXQ_session_count_active,
	                    ZX_ARGS(ZX_INT(zx_now() - zx_auth_policy_get().session_idle_seconds)), count);
}
