/*
 * test_security.c — specification of the 等保 account controls in the domain
 * (domain/auth/security.h) with the injectable clock: TOTP enrolment and login across
 * 30-second steps, replay refusal, password expiry forcing a change, the history of 5,
 * and sessions listed and revoked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../lib/zxtest.h"
#include "base/totp.h"
#include "domain/auth/auth.h"
#include "domain/auth/security.h"

#define T0 1750000020 /* 20 s into a TOTP step */
#define PW "Sec-Test-pass1"

static int setup(void **state)
{
	static zxt_db d;
	zxt_db_open(&d, 0);
	zxt_load_county(&d);
	zx_clock_set(T0);
	zx_auth_policy p = {
	    .session_idle_seconds = 30 * 60, .password_expiry_days = 90, .force_password_change = true};
	zx_auth_set_policy(&p);
	zx_actor cli;
	zx_actor_cli(&cli);
	zx_user_input in = {
	    .username = "secuser", .role = "county_admin", .area_code = ZXT_COUNTY12, .password = PW};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	if (zx_user_create(d.c, &cli, &in, NULL, NULL, 0, &ei) != ZX_OK)
		return -1;
	*state = &d;
	return 0;
}

static int teardown(void **state)
{
	zxt_db_close(*state);
	zx_clock_set(-1);
	return 0;
}

static zx_err login(zxt_db *d, const char *pw, const char *totp, zx_session *s, zx_errinfo *ei)
{
	zx_errinfo_clear(ei);
	zx_login in = {
	    .username = "secuser", .password = pw, .totp = totp, .client_ip = "10.0.0.7", .keys = zxt_keys()};
	return zx_auth_login(d->c, &in, s, ei);
}

static void code_at(const char *secret, int64_t t, char out[9])
{
	uint8_t key[ZX_TOTP_SECRET_LEN];
	assert_int_equal(zx_unbase32(secret, key, sizeof(key)), ZX_TOTP_SECRET_LEN);
	assert_int_equal(zx_hotp(key, sizeof(key), (uint64_t)zx_totp_step(t), 6, out), ZX_OK);
}

static void test_totp_enrolment_then_login_needs_a_fresh_code(void **state)
{
	zxt_db *d = *state;
	zx_session s;
	zx_errinfo ei;
	assert_int_equal(login(d, PW, NULL, &s, &ei), ZX_OK);
	char secret[ZX_TOTP_SECRET_B32], code[9];
	assert_int_equal(zx_totp_begin(d->c, zxt_keys(), &s.actor, secret, &ei), ZX_OK);
	/* Stored encrypted, never as the base32 text. */
	zx_stmt *st;
	bool row;
	assert_int_equal(
	    zx_query_open(d->c, NULL, ZXQ_user_security_get, ZX_ARGS(ZX_INT(s.actor.user_id)), &st), ZX_OK);
	assert_int_equal(zx_stmt_next(st, &row), ZX_OK);
	assert_true(row);
	assert_null(strstr(zx_col_text(st, 4), secret));
	assert_true(strlen(zx_col_text(st, 4)) > 20);
	zx_stmt_done(st);
	code_at(secret, zx_now(), code);
	assert_int_equal(zx_totp_confirm(d->c, zxt_keys(), &s.actor, code, &ei), ZX_OK);

	/* The confirmation used this step: the same code is refused at login. */
	assert_int_equal(login(d, PW, NULL, &s, &ei), ZX_EAUTH);
	assert_string_equal(ei.code, "totp_required");
	assert_int_equal(login(d, PW, code, &s, &ei), ZX_EAUTH);
	assert_string_equal(ei.code, "totp_invalid");
	/* 30 s later the next code works, once. */
	zx_clock_advance(30);
	code_at(secret, zx_now(), code);
	assert_int_equal(login(d, PW, code, &s, &ei), ZX_OK);
	assert_int_equal(login(d, PW, code, &s, &ei), ZX_EAUTH);
	/* A code from two steps ago is outside the window even if unused. */
	zx_clock_advance(90);
	char old[9];
	code_at(secret, zx_now() - 60, old);
	assert_int_equal(login(d, PW, old, &s, &ei), ZX_EAUTH);
	code_at(secret, zx_now() - 30, old); /* one step back is accepted (clock drift) */
	assert_int_equal(login(d, PW, old, &s, &ei), ZX_OK);
	/* The 安全管理员 resets it; then the password alone is enough again. */
	zx_actor sec;
	zxt_actor(&sec, ZX_ROLE_SEC_ADMIN, ZXT_COUNTY12);
	assert_int_equal(zx_totp_reset(d->c, &sec, s.actor.user_id, &ei), ZX_OK);
	assert_int_equal(login(d, PW, NULL, &s, &ei), ZX_OK);
	/* Others may not reset it. */
	zx_actor clerk;
	zxt_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1);
	assert_int_equal(zx_totp_reset(d->c, &clerk, s.actor.user_id, &ei), ZX_EFORBIDDEN);
}

static void test_wrong_totp_codes_count_towards_the_lockout(void **state)
{
	zxt_db *d = *state;
	zx_session s;
	zx_errinfo ei;
	assert_int_equal(login(d, PW, NULL, &s, &ei), ZX_OK);
	char secret[ZX_TOTP_SECRET_B32], code[9];
	assert_int_equal(zx_totp_begin(d->c, zxt_keys(), &s.actor, secret, &ei), ZX_OK);
	code_at(secret, zx_now(), code);
	assert_int_equal(zx_totp_confirm(d->c, zxt_keys(), &s.actor, code, &ei), ZX_OK);
	for (int i = 0; i < ZX_LOCK_AFTER_FAILURES - 1; i++)
		assert_int_equal(login(d, PW, "000000", &s, &ei), ZX_EAUTH);
	assert_int_equal(login(d, PW, "000000", &s, &ei), ZX_ELOCKED);
}

static void test_an_expired_password_must_be_changed_before_use(void **state)
{
	zxt_db *d = *state;
	zx_session s, again;
	zx_errinfo ei;
	assert_int_equal(login(d, PW, NULL, &s, &ei), ZX_OK);
	assert_false(s.must_change_password);
	zx_clock_advance(91LL * 86400);
	assert_int_equal(login(d, PW, NULL, &again, &ei), ZX_OK);
	assert_true(again.must_change_password);
	zx_session resolved;
	assert_int_equal(zx_auth_session(d->c, again.token, "10.0.0.7", &resolved), ZX_OK);
	assert_true(resolved.must_change_password);
	zx_user u;
	assert_int_equal(zx_auth_me(d->c, &again.actor, &u), ZX_OK);
	assert_true(u.password_expired);
	assert_int_equal(zx_auth_change_password(d->c, &again.actor, again.token, PW, "Sec-Test-pass2", &ei),
	                 ZX_OK);
	assert_int_equal(zx_auth_session(d->c, again.token, "10.0.0.7", &resolved), ZX_OK);
	assert_false(resolved.must_change_password);
	/* With the policy off, nothing is forced. */
	zx_auth_policy p = zx_auth_policy_get();
	p.force_password_change = false;
	zx_auth_set_policy(&p);
	zx_clock_advance(200LL * 86400);
	assert_int_equal(zx_auth_session(d->c, again.token, "10.0.0.7", &resolved), ZX_EAUTH); /* idle */
	assert_int_equal(login(d, "Sec-Test-pass2", NULL, &again, &ei), ZX_OK);
	assert_false(again.must_change_password);
	p.force_password_change = true;
	zx_auth_set_policy(&p);
}

static void test_the_last_five_passwords_are_refused(void **state)
{
	zxt_db *d = *state;
	zx_session s;
	zx_errinfo ei;
	assert_int_equal(login(d, PW, NULL, &s, &ei), ZX_OK);
	const char *seq[] = {
	    PW, "Sec-Hist-pass1", "Sec-Hist-pass2", "Sec-Hist-pass3", "Sec-Hist-pass4", "Sec-Hist-pass5"};
	for (int i = 1; i < 6; i++)
		assert_int_equal(zx_auth_change_password(d->c, &s.actor, s.token, seq[i - 1], seq[i], &ei),
		                 ZX_OK);
	for (int i = 1; i < 6; i++) {
		zx_errinfo_clear(&ei);
		assert_int_equal(zx_auth_change_password(d->c, &s.actor, s.token, seq[5], seq[i], &ei),
		                 ZX_EVALIDATION);
		assert_string_equal(ei.code, "password_reused");
	}
	/* The sixth-last is allowed again; only ZX_PASSWORD_HISTORY - 1 old hashes are kept. */
	assert_int_equal(zx_auth_change_password(d->c, &s.actor, s.token, seq[5], seq[0], &ei), ZX_OK);
	int kept = 0;
	zx_stmt *st;
	bool row;
	assert_int_equal(zx_query_open(d->c, NULL, ZXQ_password_history_list,
	                               ZX_ARGS(ZX_INT(s.actor.user_id), ZX_INT(100)), &st),
	                 ZX_OK);
	while (zx_stmt_next(st, &row) == ZX_OK && row)
		kept++;
	zx_stmt_done(st);
	assert_int_equal(kept, ZX_PASSWORD_HISTORY - 1);
}

static bool count_session(void *ctx, const zx_session_info *si)
{
	(*(int *)ctx)++;
	assert_true(strlen(si->id) == ZX_SESSION_ID_LEN);
	return true;
}

static void test_sessions_are_listed_and_revoked_by_owner_or_sec_admin(void **state)
{
	zxt_db *d = *state;
	zx_session a, b;
	zx_errinfo ei;
	assert_int_equal(login(d, PW, NULL, &a, &ei), ZX_OK);
	assert_int_equal(login(d, PW, NULL, &b, &ei), ZX_OK);
	int n = 0;
	assert_int_equal(zx_sessions_list(d->c, &a.actor, a.actor.user_id, a.token, count_session, &n),
	                 ZX_OK);
	assert_int_equal(n, 2);
	zx_actor clerk;
	zxt_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1);
	assert_int_equal(zx_sessions_list(d->c, &clerk, 0, NULL, count_session, &n), ZX_EFORBIDDEN);
	char hash[2 * ZX_SM3_LEN + 1], id[ZX_SESSION_ID_LEN + 1];
	zx_session_token_hash(b.token, hash);
	snprintf(id, sizeof(id), "%.16s", hash);
	assert_int_equal(zx_session_revoke(d->c, &clerk, id, &ei), ZX_ENOTFOUND); /* not theirs */
	zx_actor sec;
	zxt_actor(&sec, ZX_ROLE_SEC_ADMIN, ZXT_COUNTY12);
	n = 0;
	assert_int_equal(zx_sessions_list(d->c, &sec, 0, NULL, count_session, &n), ZX_OK);
	assert_int_equal(n, 2);
	assert_int_equal(zx_session_revoke(d->c, &sec, id, &ei), ZX_OK);
	zx_session r;
	assert_int_equal(zx_auth_session(d->c, b.token, "10.0.0.7", &r), ZX_EAUTH);
	assert_int_equal(zx_auth_session(d->c, a.token, "10.0.0.7", &r), ZX_OK);
	/* Idle sessions drop out of the list. */
	zx_clock_advance(31 * 60);
	n = 0;
	assert_int_equal(zx_sessions_list(d->c, &sec, 0, NULL, count_session, &n), ZX_OK);
	assert_int_equal(n, 0);
	int64_t active = -1;
	assert_int_equal(zx_sessions_active(d->c, &active), ZX_OK);
	assert_int_equal(active, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	zxt_quiet();
	const struct CMUnitTest tests[] = {
	    T(test_totp_enrolment_then_login_needs_a_fresh_code),
	    T(test_wrong_totp_codes_count_towards_the_lockout),
	    T(test_an_expired_password_must_be_changed_before_use),
	    T(test_the_last_five_passwords_are_refused),
	    T(test_sessions_are_listed_and_revoked_by_owner_or_sec_admin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
