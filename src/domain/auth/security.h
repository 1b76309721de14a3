/*
 * security.h — the 等保 controls around accounts: the configurable policy (idle
 * timeout, password expiry, forced change), changing one's password with a history
 * of ZX_PASSWORD_HISTORY, the TOTP second factor (enrol, confirm, check at login,
 * reset), and listing/revoking sessions.
 *
 * The policy is set once at start (zx_auth_set_policy) and read by auth.c.
 * TOTP secrets are stored SM4-encrypted with the key file's field key (zx_keys.enc),
 * never in plaintext; a confirmed secret makes the second factor mandatory at login.
 * Every change is audited in the same transaction.
 */
#ifndef ZX_SECURITY_H
#define ZX_SECURITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/crypto.h"
#include "base/totp.h"
#include "domain/auth/actor.h"
#include "store/store.h"

#define ZX_PASSWORD_HISTORY 5 /* a new password differs from the last 5 (the current one included) */
#define ZX_SESSION_ID_LEN 16  /* public session id: the first 16 hex digits of SM3(token) */

typedef struct zx_auth_policy {
	int session_idle_seconds;   /* default 30 min */
	int password_expiry_days;   /* 0 = passwords never expire */
	bool force_password_change; /* generated or expired passwords must be changed before use */
	unsigned totp_roles;        /* bit (1u << role): the role must enrol TOTP before anything else */
} zx_auth_policy;

void zx_auth_set_policy(const zx_auth_policy *p);
zx_auth_policy zx_auth_policy_get(void);

/* The roles that must enrol TOTP by default (等保: the 三员 and the county administrator). */
#define ZX_TOTP_ROLES_DEFAULT "sys_admin,sec_admin,audit_admin,county_admin"
/* Parses a comma-separated list of role keys ("" = none) into a totp_roles mask; on an
 * unknown key returns false and copies it to bad (cap bytes). */
bool zx_totp_roles_parse(const char *list, unsigned *mask, char *bad, size_t cap);
/* True when the policy makes role r enrol TOTP before using anything else. */
bool zx_role_needs_totp(zx_role r);

/* True when a password set at changed_at (0: at created_at) is past the expiry. */
bool zx_password_expired(int64_t changed_at, int64_t created_at, int64_t now);

/* Changes the actor's own password: old must match; new must pass the policy and differ
 * from the last ZX_PASSWORD_HISTORY passwords. Ends the user's other sessions (keeps
 * keep_token's). */
zx_err zx_auth_change_password(zx_conn *c, const zx_actor *a, const char *keep_token, const char *old_pw,
                               const char *new_pw, zx_errinfo *ei);

/* A user's password age against the policy and whether the second factor is on. */
zx_err zx_user_security(zx_conn *c, int64_t user_id, bool *password_expired, bool *totp_enabled);

/* ZX_OK if pw is the user's current password (ZX_EAUTH if not). */
zx_err zx_auth_verify_password(zx_conn *c, int64_t user_id, const char *pw);

/* Whether a user has a confirmed TOTP secret. */
zx_err zx_totp_enabled(zx_conn *c, int64_t user_id, bool *enabled);

/* Starts enrolment: a fresh secret (stored encrypted, not yet required) in base32.
 * ZX_ECONFLICT if the second factor is already on. */
zx_err zx_totp_begin(zx_conn *c, const zx_keys *k, const zx_actor *a, char secret_b32[ZX_TOTP_SECRET_B32],
                     zx_errinfo *ei);
/* Confirms enrolment with a current code; from then on login needs a code. */
zx_err zx_totp_confirm(zx_conn *c, const zx_keys *k, const zx_actor *a, const char *code, zx_errinfo *ei);
/* Turns the second factor off: for oneself (the caller verified password and code) or
 * by a sec_admin for a user in scope (lost device). */
zx_err zx_totp_reset(zx_conn *c, const zx_actor *by, int64_t user_id, zx_errinfo *ei);
/* Login step inside the caller's write transaction: ZX_OK if the user has no second
 * factor (*required = false) or code is valid and unused (the step is then used up). */
zx_err zx_totp_login_check(zx_conn *c, const zx_keys *k, int64_t user_id, const char *code, bool *required);

typedef struct zx_session_info {
	char id[ZX_SESSION_ID_LEN + 1];
	int64_t user_id;
	char username[64];
	zx_role role;
	int64_t created_at, last_seen;
	char client_ip[64];
	bool current;
} zx_session_info;
typedef bool (*zx_session_fn)(void *ctx, const zx_session_info *s);

/* Lists live sessions: user_id == by->user_id lists one's own (anyone); any other
 * user_id (0 = all users) needs sec_admin and is limited to users in by's scope. */
zx_err zx_sessions_list(zx_conn *c, const zx_actor *by, int64_t user_id, const char *current_token,
                        zx_session_fn fn, void *ctx);
/* Ends a session by its public id: one's own, or (sec_admin) a user's in scope. */
zx_err zx_session_revoke(zx_conn *c, const zx_actor *by, const char *id, zx_errinfo *ei);
/* Sessions seen within the idle timeout (metrics). */
zx_err zx_sessions_active(zx_conn *c, int64_t *count);

/* hex SM3 of a session token (what the sessions table stores). */
void zx_session_token_hash(const char *token, char out[2 * ZX_SM3_LEN + 1]);

#endif
