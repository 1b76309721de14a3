/*
 * auth.h — users, passwords, login, sessions (targets R5).
 *
 * Passwords: argon2id (libsodium). Lockout: the 5th consecutive failure locks the
 * account for 15 minutes. Sessions: a random 256-bit token in an HttpOnly,
 * SameSite=Strict cookie; only SM3(token) is stored; a fresh token at every login
 * (no session fixation); a session idle for 30 minutes is gone. Each session has a
 * CSRF token that every non-GET request must echo in X-CSRF-Token.
 * All time comes from zx_now(), so tests move the clock instead of sleeping.
 */
#ifndef ZX_AUTH_H
#define ZX_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "base/crypto.h"
#include "base/error.h"
#include "domain/auth/actor.h"
#include "store/store.h"

#define ZX_LOCK_AFTER_FAILURES 5
#define ZX_LOCK_SECONDS (15 * 60)
#define ZX_SESSION_IDLE_SECONDS (30 * 60)
#define ZX_TOKEN_HEX 64
#define ZX_PASSWORD_MAX 128
#define ZX_USERNAME_MAX 32

typedef struct zx_user {
	int64_t id;
	char username[64];
	char display_name[128];
	zx_role role;
	char area_code[13];
	char area_name[128];
	int area_level;
	bool disabled;
	bool must_change;
	int64_t locked_until;
	int64_t last_login_at;
	char last_login_ip[64];
	int64_t created_at;
	bool password_expired; /* past password_expiry_days (must_change is then set too) */
	bool totp_enabled;
	bool must_enrol_totp; /* the role needs TOTP (policy) and it is not enabled yet */
} zx_user;

typedef struct zx_session {
	char token[ZX_TOKEN_HEX + 1]; /* only known right after login */
	char csrf[ZX_TOKEN_HEX + 1];
	zx_actor actor;
	int64_t prev_login_at; /* the login before this one (shown to the user) */
	char prev_login_ip[64];
	/* Generated or expired password under force_password_change: the session may only
	 * change the password, read /me and log out (security.h). */
	bool must_change_password;
	/* The role must enrol TOTP (totp_roles) and has not: the session may only enrol, read
	 * /me, change the password and log out. */
	bool must_enrol_totp;
} zx_session;

typedef struct zx_user_input {
	const char *username;
	const char *display_name;
	const char *role; /* key, e.g. "village_clerk" */
	const char *area_code;
	const char *password; /* NULL: generate one */
} zx_user_input;

/* Creates a user. by: who does it (audited; must manage users and hold the area in
 * scope). generated (cap >= 32) receives the generated password when input->password
 * is NULL. */
zx_err zx_user_create(zx_conn *c, const zx_actor *by, const zx_user_input *in, int64_t *id_out,
                      char *generated, size_t gen_cap, zx_errinfo *ei);

/* Updates display name / role / area / disabled; reset_password generates a new one. */
typedef struct zx_user_update {
	const char *display_name; /* NULL = keep */
	const char *role;
	const char *area_code;
	int disabled; /* -1 keep, 0/1 set */
	bool reset_password;
} zx_user_update;
zx_err zx_user_update_apply(zx_conn *c, const zx_actor *by, int64_t id, const zx_user_update *u,
                            char *generated, size_t gen_cap, zx_errinfo *ei);
zx_err zx_user_delete(zx_conn *c, const zx_actor *by, int64_t id, zx_errinfo *ei);
/* Only users whose area lies in by's scope are visible (else ZX_ENOTFOUND). */
zx_err zx_user_get(zx_conn *c, const zx_actor *by, int64_t id, zx_user *out);

typedef bool (*zx_user_fn)(void *ctx, const zx_user *u);
zx_err zx_user_list(zx_conn *c, const zx_actor *by, const char *q, int64_t limit, int64_t offset,
                    zx_user_fn fn, void *ctx, int64_t *total);

typedef struct zx_login {
	const char *username;
	const char *password;
	const char *totp; /* 6-digit code; needed once the user enrolled a second factor */
	const char *client_ip;
	const zx_keys *keys; /* decrypts TOTP secrets */
} zx_login;

/* Login. On success fills out (token, csrf, actor) and audits; on failure audits and
 * returns ZX_EAUTH (bad credentials; code "totp_required" when the password was right
 * but the second factor is missing, "totp_invalid" when it is wrong — which counts
 * towards the lockout) or ZX_ELOCKED, with a Chinese message. */
zx_err zx_auth_login(zx_conn *c, const zx_login *in, zx_session *out, zx_errinfo *ei);

/* 等保 password policy: 10..ZX_PASSWORD_MAX bytes, three of four character classes
 * (upper, lower, digit, other), not containing the user name. */
zx_err zx_password_policy_check(const char *pw, const char *username, zx_errinfo *ei);

/* Resolves a session token: ZX_EAUTH if unknown or idle too long (then deleted). */
zx_err zx_auth_session(zx_conn *c, const char *token, const char *client_ip, zx_session *out);

zx_err zx_auth_logout(zx_conn *c, const char *token, const zx_actor *a);

/* Fills a zx_user for the actor's own account (GET /me). */
zx_err zx_auth_me(zx_conn *c, const zx_actor *a, zx_user *out);

#endif
