/*
 * test_auth.c — users, passwords, login with lockout, sessions with idle timeout, and
 * who may create whom. Time comes from the injectable clock: the tests move it
 * instead of sleeping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../lib/zxtest.h"
#include "domain/auth/auth.h"

#define T0 1750000000
#define PW_CLERK "Clerk-A-pass1"
#define PW_TOWN "Town-A-pass22"

static int setup(void **state)
{
	static zxt_db d;
	zxt_db_open(&d, 0);
	zxt_load_county(&d);
	zx_clock_set(T0);
	*state = &d;
	return 0;
}

static int teardown(void **state)
{
	zxt_db_close(*state);
	return 0;
}

static zx_err create_as(zxt_db *d, const zx_actor *by, const char *name, const char *role, const char *area,
                        const char *pw, zx_errinfo *ei)
{
	zx_user_input in = {
	    .username = name, .display_name = name, .role = role, .area_code = area, .password = pw};
	char generated[64] = "";
	int64_t id = 0;
	zx_errinfo_clear(ei);
	return zx_user_create(d->c, by, &in, &id, generated, sizeof(generated), ei);
}

/* Creates a user as the CLI operator; fails the test if refused. */
static void mkuser(zxt_db *d, const char *name, const char *role, const char *area, const char *pw)
{
	zx_actor cli;
	zx_actor_cli(&cli);
	zx_errinfo ei;
	zx_err e = create_as(d, &cli, name, role, area, pw, &ei);
	if (e)
		fail_msg("create %s: %s %s", name, zx_err_name(e), ei.message);
}

static zx_err login(zxt_db *d, const char *name, const char *pw, zx_session *s, zx_errinfo *ei)
{
	zx_errinfo_clear(ei);
	zx_login in = {.username = name, .password = pw, .client_ip = "10.0.0.9", .keys = zxt_keys()};
	return zx_auth_login(d->c, &in, s, ei);
}

static void login_ok(zxt_db *d, const char *name, const char *pw, zx_session *s)
{
	zx_errinfo ei;
	zx_err e = login(d, name, pw, s, &ei);
	if (e)
		fail_msg("login %s: %s %s", name, zx_err_name(e), ei.message);
}

static bool is_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

static zx_err resolve(zxt_db *d, const char *token, zx_session *out)
{
	return zx_auth_session(d->c, token, "10.0.0.9", out);
}

/* --- login ------------------------------------------------------------------------------ */

static void test_login_gives_token_csrf_and_an_actor_scoped_to_the_users_area(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_session s;
	login_ok(d, "clerk_a", PW_CLERK, &s);
	assert_true(is_hex(s.token, ZX_TOKEN_HEX));
	assert_true(is_hex(s.csrf, ZX_TOKEN_HEX));
	assert_string_not_equal(s.token, s.csrf);
	assert_int_equal(s.actor.role, ZX_ROLE_VILLAGE_CLERK);
	assert_string_equal(s.actor.area_code, ZXT_VILLAGE_A1);
	assert_string_equal(s.actor.scope.lo, ZXT_VILLAGE_A1);
	assert_string_equal(s.actor.scope.hi, ZXT_VILLAGE_A1);
	assert_string_equal(s.actor.client_ip, "10.0.0.9");
	/* The token resolves to the same user. */
	zx_session r;
	assert_int_equal(resolve(d, s.token, &r), ZX_OK);
	assert_int_equal(r.actor.user_id, s.actor.user_id);
	assert_string_equal(r.csrf, s.csrf);
	assert_string_equal(r.actor.scope.lo, ZXT_VILLAGE_A1);
}

static void test_session_token_is_stored_only_as_a_hash(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_session s;
	login_ok(d, "clerk_a", PW_CLERK, &s);
	char hash[200];
	long rows = zxt_sql(d->path, "SELECT token_hash FROM sessions", hash, sizeof(hash));
	assert_string_not_equal(hash, s.token);
	assert_int_equal(rows, 1);
}

static void test_wrong_password_is_eauth_with_a_chinese_message(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_session s;
	zx_errinfo ei;
	assert_int_equal(login(d, "clerk_a", "Clerk-A-pass2", &s, &ei), ZX_EAUTH);
	assert_string_equal(ei.code, "bad_credentials");
	assert_string_equal(ei.message, "用户名或密码错误");
	assert_string_equal(s.token, "");
}

static void test_unknown_user_gets_the_same_answer_as_a_wrong_password(void **state)
{
	zxt_db *d = *state;
	zx_session s;
	zx_errinfo ei;
	assert_int_equal(login(d, "nobody", "Whatever-pass1", &s, &ei), ZX_EAUTH);
	assert_string_equal(ei.code, "bad_credentials");
	assert_string_equal(ei.message, "用户名或密码错误");
}

static void test_empty_or_oversized_credentials_are_refused(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_session s;
	zx_errinfo ei;
	assert_int_equal(login(d, "clerk_a", "", &s, &ei), ZX_EAUTH);
	assert_int_equal(login(d, "", PW_CLERK, &s, &ei), ZX_EAUTH);
	assert_int_equal(login(d, NULL, NULL, &s, &ei), ZX_EAUTH);
	char big[300];
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(login(d, "clerk_a", big, &s, &ei), ZX_EAUTH);
	assert_int_equal(login(d, big, PW_CLERK, &s, &ei), ZX_EAUTH);
}

static void test_five_failures_lock_the_account_even_for_the_right_password(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_session s;
	zx_errinfo ei;
	for (int i = 1; i < ZX_LOCK_AFTER_FAILURES; i++)
		assert_int_equal(login(d, "clerk_a", "Wrong-pass-123", &s, &ei), ZX_EAUTH);
	assert_int_equal(login(d, "clerk_a", "Wrong-pass-123", &s, &ei), ZX_ELOCKED);
	assert_string_equal(ei.code, "account_locked");
	assert_non_null(strstr(ei.message, "锁定"));
	assert_int_equal(login(d, "clerk_a", PW_CLERK, &s, &ei), ZX_ELOCKED);
	assert_string_equal(ei.code, "account_locked");
	assert_string_equal(s.token, "");
	/* Still locked one second before the end. */
	zx_clock_advance(ZX_LOCK_SECONDS - 1);
	assert_int_equal(login(d, "clerk_a", PW_CLERK, &s, &ei), ZX_ELOCKED);
}

static void test_lock_ends_after_fifteen_minutes(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_session s;
	zx_errinfo ei;
	for (int i = 0; i < ZX_LOCK_AFTER_FAILURES; i++)
		login(d, "clerk_a", "Wrong-pass-123", &s, &ei);
	assert_int_equal(login(d, "clerk_a", PW_CLERK, &s, &ei), ZX_ELOCKED);
	zx_clock_advance(15 * 60 + 1);
	login_ok(d, "clerk_a", PW_CLERK, &s);
}

static void test_lock_after_expiry_needs_five_new_failures(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_session s;
	zx_errinfo ei;
	for (int i = 0; i < ZX_LOCK_AFTER_FAILURES; i++)
		login(d, "clerk_a", "Wrong-pass-123", &s, &ei);
	zx_clock_advance(15 * 60 + 1);
	/* The count started over: one more failure does not lock again. */
	assert_int_equal(login(d, "clerk_a", "Wrong-pass-123", &s, &ei), ZX_EAUTH);
	login_ok(d, "clerk_a", PW_CLERK, &s);
}

static void test_success_resets_the_failure_count(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_session s;
	zx_errinfo ei;
	for (int i = 1; i < ZX_LOCK_AFTER_FAILURES; i++)
		assert_int_equal(login(d, "clerk_a", "Wrong-pass-123", &s, &ei), ZX_EAUTH);
	login_ok(d, "clerk_a", PW_CLERK, &s);
	for (int i = 1; i < ZX_LOCK_AFTER_FAILURES; i++)
		assert_int_equal(login(d, "clerk_a", "Wrong-pass-123", &s, &ei), ZX_EAUTH);
	login_ok(d, "clerk_a", PW_CLERK, &s);
}

static void test_lockout_of_one_user_leaves_others_alone(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	mkuser(d, "town_a", "town_admin", ZXT_TOWN_A, PW_TOWN);
	zx_session s;
	zx_errinfo ei;
	for (int i = 0; i < ZX_LOCK_AFTER_FAILURES; i++)
		login(d, "clerk_a", "Wrong-pass-123", &s, &ei);
	assert_int_equal(login(d, "clerk_a", PW_CLERK, &s, &ei), ZX_ELOCKED);
	login_ok(d, "town_a", PW_TOWN, &s);
}

/* --- sessions --------------------------------------------------------------------------- */

static void test_session_idle_for_thirty_minutes_is_gone(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_session s, r;
	login_ok(d, "clerk_a", PW_CLERK, &s);
	zx_clock_set(T0 + 1801);
	assert_int_equal(resolve(d, s.token, &r), ZX_EAUTH);
	assert_int_equal(r.actor.user_id, 0);
	assert_string_equal(r.csrf, "");
	/* Deleted, not merely refused: going back in time does not revive it. */
	zx_clock_set(T0);
	assert_int_equal(resolve(d, s.token, &r), ZX_EAUTH);
}

static void test_session_idle_for_exactly_thirty_minutes_is_still_alive(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_session s, r;
	login_ok(d, "clerk_a", PW_CLERK, &s);
	zx_clock_set(T0 + ZX_SESSION_IDLE_SECONDS);
	assert_int_equal(resolve(d, s.token, &r), ZX_OK);
	assert_int_equal(r.actor.user_id, s.actor.user_id);
}

static void test_activity_within_thirty_minutes_keeps_the_session_alive(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_session s, r;
	login_ok(d, "clerk_a", PW_CLERK, &s);
	for (int i = 0; i < 4; i++) {
		zx_clock_advance(25 * 60);
		assert_int_equal(resolve(d, s.token, &r), ZX_OK);
	}
	/* 100 minutes after login, alive because it was used; then idle 30 min + 1 s. */
	zx_clock_advance(1801);
	assert_int_equal(resolve(d, s.token, &r), ZX_EAUTH);
}

static void test_each_login_gets_a_fresh_token(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_session a, b, r;
	login_ok(d, "clerk_a", PW_CLERK, &a);
	login_ok(d, "clerk_a", PW_CLERK, &b);
	assert_string_not_equal(a.token, b.token);
	assert_string_not_equal(a.csrf, b.csrf);
	assert_int_equal(resolve(d, b.token, &r), ZX_OK);
	assert_string_equal(r.csrf, b.csrf);
}

static void test_logout_ends_only_that_session(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_session a, b, r;
	login_ok(d, "clerk_a", PW_CLERK, &a);
	login_ok(d, "clerk_a", PW_CLERK, &b);
	assert_int_equal(zx_auth_logout(d->c, a.token, &a.actor), ZX_OK);
	assert_int_equal(resolve(d, a.token, &r), ZX_EAUTH);
	assert_int_equal(resolve(d, b.token, &r), ZX_OK);
}

static void test_unknown_or_malformed_tokens_are_eauth(void **state)
{
	zxt_db *d = *state;
	zx_session r;
	char zeros[ZX_TOKEN_HEX + 1];
	memset(zeros, '0', ZX_TOKEN_HEX);
	zeros[ZX_TOKEN_HEX] = '\0';
	assert_int_equal(resolve(d, zeros, &r), ZX_EAUTH);
	assert_int_equal(resolve(d, "abc", &r), ZX_EAUTH);
	assert_int_equal(resolve(d, "", &r), ZX_EAUTH);
	assert_int_equal(resolve(d, NULL, &r), ZX_EAUTH);
}

static void test_disabling_a_user_ends_their_sessions_and_refuses_login(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_session s, r;
	login_ok(d, "clerk_a", PW_CLERK, &s);
	zx_actor cli;
	zx_actor_cli(&cli);
	zx_user_update u = {.disabled = 1};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	char gen[64];
	assert_int_equal(zx_user_update_apply(d->c, &cli, s.actor.user_id, &u, gen, sizeof(gen), &ei), ZX_OK);
	assert_int_equal(resolve(d, s.token, &r), ZX_EAUTH);
	assert_int_equal(login(d, "clerk_a", PW_CLERK, &s, &ei), ZX_EAUTH);
	assert_string_equal(ei.code, "account_disabled");
}

/* --- password policy -------------------------------------------------------------------- */

static void assert_weak(zxt_db *d, const char *name, const char *pw)
{
	zx_actor cli;
	zx_actor_cli(&cli);
	zx_errinfo ei;
	zx_err e = create_as(d, &cli, name, "village_clerk", ZXT_VILLAGE_A1, pw, &ei);
	if (e != ZX_EVALIDATION || strcmp(ei.code, "weak_password") != 0)
		fail_msg("password \"%s\" for %s: got %s %s", pw, name, zx_err_name(e), ei.code);
	assert_string_equal(ei.field, "密码");
	assert_true(ei.message[0] != '\0');
}

static void test_password_shorter_than_ten_is_refused(void **state)
{
	zxt_db *d = *state;
	assert_weak(d, "clerk_x", "Ab1!xyz");
	assert_weak(d, "clerk_x", "Ab1!xyzab"); /* 9 */
}

static void test_password_with_only_two_character_classes_is_refused(void **state)
{
	zxt_db *d = *state;
	assert_weak(d, "clerk_x", "abcdefgh1234");
	assert_weak(d, "clerk_x", "ABCDEFGHabcd");
	assert_weak(d, "clerk_x", "1234567890!!");
}

static void test_password_containing_the_user_name_is_refused(void **state)
{
	zxt_db *d = *state;
	assert_weak(d, "clerk_x", "Xclerk_x2024!");
	assert_weak(d, "clerk_x", "CLERK_X-2024a"); /* case does not hide it */
}

static void test_password_of_three_classes_and_ten_characters_is_accepted(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_x", "village_clerk", ZXT_VILLAGE_A1, "abcdefg12!"); /* lower, digit, symbol */
	zx_session s;
	login_ok(d, "clerk_x", "abcdefg12!", &s);
}

static void test_generated_password_logs_in_and_must_be_changed(void **state)
{
	zxt_db *d = *state;
	zx_actor cli;
	zx_actor_cli(&cli);
	zx_user_input in = {.username = "clerk_g", .role = "village_clerk", .area_code = ZXT_VILLAGE_A1};
	char generated[64] = "";
	int64_t id = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_user_create(d->c, &cli, &in, &id, generated, sizeof(generated), &ei), ZX_OK);
	assert_true(strlen(generated) >= 12);
	zx_session s;
	login_ok(d, "clerk_g", generated, &s);
	zx_user u;
	assert_int_equal(zx_auth_me(d->c, &s.actor, &u), ZX_OK);
	assert_true(u.must_change);
	assert_int_equal(u.id, id);
}

/* --- who may create whom ---------------------------------------------------------------- */

static void test_role_bound_to_an_area_of_the_wrong_level_is_refused(void **state)
{
	zxt_db *d = *state;
	zx_actor cli;
	zx_actor_cli(&cli);
	zx_errinfo ei;
	assert_int_equal(create_as(d, &cli, "clerk_c", "village_clerk", ZXT_COUNTY12, "Good-pass-123", &ei),
	                 ZX_EVALIDATION);
	assert_string_equal(ei.code, "role_area_mismatch");
	assert_int_equal(create_as(d, &cli, "county_v", "county_admin", ZXT_VILLAGE_A1, "Good-pass-123", &ei),
	                 ZX_EVALIDATION);
	assert_string_equal(ei.code, "role_area_mismatch");
	assert_int_equal(create_as(d, &cli, "town_c", "town_admin", ZXT_COUNTY12, "Good-pass-123", &ei),
	                 ZX_EVALIDATION);
	assert_string_equal(ei.code, "role_area_mismatch");
	assert_int_equal(create_as(d, &cli, "audit_t", "audit_admin", ZXT_TOWN_A, "Good-pass-123", &ei),
	                 ZX_EVALIDATION);
}

static void test_unknown_role_or_area_is_refused(void **state)
{
	zxt_db *d = *state;
	zx_actor cli;
	zx_actor_cli(&cli);
	zx_errinfo ei;
	assert_int_equal(create_as(d, &cli, "who_x", "mayor", ZXT_TOWN_A, "Good-pass-123", &ei),
	                 ZX_EVALIDATION);
	assert_string_equal(ei.code, "invalid_role");
	assert_int_equal(create_as(d, &cli, "who_y", "town_admin", "510722999000", "Good-pass-123", &ei),
	                 ZX_EVALIDATION);
	assert_string_equal(ei.code, "invalid_area");
	assert_int_equal(create_as(d, &cli, "who_z", "town_admin", "510722101", "Good-pass-123", &ei),
	                 ZX_EVALIDATION);
	assert_string_equal(ei.code, "invalid_area");
}

static void test_town_admin_cannot_create_a_user_outside_its_town(void **state)
{
	zxt_db *d = *state;
	zx_actor town;
	zxt_actor(&town, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A);
	zx_errinfo ei;
	assert_int_equal(
	    create_as(d, &town, "clerk_b", "village_clerk", ZXT_VILLAGE_B1, "Good-pass-123", &ei),
	    ZX_EVALIDATION);
	assert_string_equal(ei.code, "invalid_area");
	/* Nor above itself. */
	assert_int_equal(create_as(d, &town, "county_2", "county_admin", ZXT_COUNTY12, "Good-pass-123", &ei),
	                 ZX_EVALIDATION);
	/* Inside its town it can (with a generated password: see below). */
	assert_int_equal(create_as(d, &town, "clerk_a2", "village_clerk", ZXT_VILLAGE_A2, NULL, &ei), ZX_OK);
}

/* 三权分立: an administrator never chooses the password of an account that sees personal
 * data, and a password it chose for another role must be changed at first login; the
 * console operator's choice stands. */
static void test_admin_chosen_passwords_are_refused_or_one_time(void **state)
{
	zxt_db *d = *state;
	zx_actor sys, cli;
	zxt_actor(&sys, ZX_ROLE_SYS_ADMIN, ZXT_COUNTY12);
	zx_actor_cli(&cli);
	zx_errinfo ei;
	assert_int_equal(create_as(d, &sys, "ca_chosen", "county_admin", ZXT_COUNTY12, "Good-pass-123", &ei),
	                 ZX_EVALIDATION);
	assert_string_equal(ei.code, "password_not_allowed");
	assert_string_equal(ei.field, "初始密码");
	const struct {
		const zx_actor *by;
		const char *name, *role, *pw;
		bool must_change;
	} cases[] = {
	    {&sys, "ca_gen", "county_admin", NULL, true},
	    {&sys, "sec_chosen", "sec_admin", "Good-pass-123", true},
	    {&cli, "ca_console", "county_admin", "Good-pass-123", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		zx_user_input in = {.username = cases[i].name,
		                    .role = cases[i].role,
		                    .area_code = ZXT_COUNTY12,
		                    .password = cases[i].pw};
		char generated[64] = "";
		int64_t id = 0;
		zx_errinfo_clear(&ei);
		assert_int_equal(
		    zx_user_create(d->c, cases[i].by, &in, &id, generated, sizeof(generated), &ei), ZX_OK);
		assert_int_equal(generated[0] != '\0', cases[i].pw == NULL);
		zx_user u;
		assert_int_equal(zx_user_get(d->c, &cli, id, &u), ZX_OK);
		assert_int_equal(u.must_change, cases[i].must_change);
	}
}

static void test_only_sys_or_county_admin_may_create_the_dengbao_roles(void **state)
{
	zxt_db *d = *state;
	zx_actor town, county, sys;
	zxt_actor(&town, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A);
	zxt_actor(&county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	zxt_actor(&sys, ZX_ROLE_SYS_ADMIN, ZXT_COUNTY12);
	zx_errinfo ei;
	assert_int_equal(create_as(d, &town, "audit_1", "audit_admin", ZXT_COUNTY12, "Good-pass-123", &ei),
	                 ZX_EFORBIDDEN);
	assert_int_equal(create_as(d, &county, "audit_2", "audit_admin", ZXT_COUNTY12, "Good-pass-123", &ei),
	                 ZX_OK);
	assert_int_equal(create_as(d, &sys, "sec_1", "sec_admin", ZXT_COUNTY12, "Good-pass-123", &ei), ZX_OK);
}

static void test_roles_without_user_management_cannot_create_users(void **state)
{
	zxt_db *d = *state;
	static const zx_role roles[] = {ZX_ROLE_VILLAGE_CLERK, ZX_ROLE_HELPER, ZX_ROLE_DEPT_USER,
	                                ZX_ROLE_SEC_ADMIN, ZX_ROLE_AUDIT_ADMIN};
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		zx_actor a;
		zxt_actor(&a, roles[i], roles[i] == ZX_ROLE_VILLAGE_CLERK ? ZXT_VILLAGE_A1 : ZXT_COUNTY12);
		zx_errinfo ei;
		zx_err e = create_as(d, &a, "clerk_n", "village_clerk", ZXT_VILLAGE_A1, "Good-pass-123", &ei);
		if (e != ZX_EFORBIDDEN)
			fail_msg("%s could create a user: %s", zx_role_key(roles[i]), zx_err_name(e));
	}
}

static void test_duplicate_and_malformed_user_names_are_refused(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_actor cli;
	zx_actor_cli(&cli);
	zx_errinfo ei;
	assert_int_equal(create_as(d, &cli, "clerk_a", "village_clerk", ZXT_VILLAGE_A2, "Good-pass-123", &ei),
	                 ZX_ECONFLICT);
	assert_string_equal(ei.code, "username_taken");
	static const char *bad[] = {"ab", "has space", "名字", "semi;colon",
	                            "a23456789012345678901234567890123"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
		    create_as(d, &cli, bad[i], "village_clerk", ZXT_VILLAGE_A2, "Good-pass-123", &ei),
		    ZX_EVALIDATION);
		assert_string_equal(ei.code, "invalid_username");
	}
}

typedef struct seen {
	int n;
	char names[16][64];
} seen;

static bool collect(void *ctx, const zx_user *u)
{
	seen *s = ctx;
	if (s->n < 16)
		snprintf(s->names[s->n++], 64, "%s", u->username);
	return true;
}

static bool seen_has(const seen *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return true;
	return false;
}

static void test_town_admin_lists_and_reads_only_users_of_its_town(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	mkuser(d, "clerk_b", "village_clerk", ZXT_VILLAGE_B1, PW_CLERK);
	mkuser(d, "county", "county_admin", ZXT_COUNTY12, "Xian-admin-77");
	zx_actor town;
	zxt_actor(&town, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A);
	seen s = {0};
	int64_t total = -1;
	assert_int_equal(zx_user_list(d->c, &town, "", 100, 0, collect, &s, &total), ZX_OK);
	assert_int_equal(total, 1);
	assert_true(seen_has(&s, "clerk_a"));
	assert_false(seen_has(&s, "clerk_b"));
	assert_false(seen_has(&s, "county"));
	/* Reading a user of the other town by id is "not found", not "forbidden". */
	zx_session sb;
	login_ok(d, "clerk_b", PW_CLERK, &sb);
	zx_user u;
	assert_int_equal(zx_user_get(d->c, &town, sb.actor.user_id, &u), ZX_ENOTFOUND);
	/* Nor can it delete or update them. */
	zx_errinfo ei;
	assert_int_equal(zx_user_delete(d->c, &town, sb.actor.user_id, &ei), ZX_ENOTFOUND);
	zx_user_update up = {.disabled = 1};
	char gen[64];
	assert_int_equal(zx_user_update_apply(d->c, &town, sb.actor.user_id, &up, gen, sizeof(gen), &ei),
	                 ZX_ENOTFOUND);
	login_ok(d, "clerk_b", PW_CLERK, &sb);
}

static void test_village_clerk_may_not_list_users(void **state)
{
	zxt_db *d = *state;
	zx_actor clerk;
	zxt_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1);
	seen s = {0};
	int64_t total = 0;
	assert_int_equal(zx_user_list(d->c, &clerk, "", 100, 0, collect, &s, &total), ZX_EFORBIDDEN);
	assert_int_equal(s.n, 0);
}

static void test_admin_cannot_move_a_user_out_of_its_scope(void **state)
{
	zxt_db *d = *state;
	mkuser(d, "clerk_a", "village_clerk", ZXT_VILLAGE_A1, PW_CLERK);
	zx_session s;
	login_ok(d, "clerk_a", PW_CLERK, &s);
	zx_actor town;
	zxt_actor(&town, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A);
	zx_user_update up = {.area_code = ZXT_VILLAGE_B1, .disabled = -1};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	char gen[64];
	assert_int_equal(zx_user_update_apply(d->c, &town, s.actor.user_id, &up, gen, sizeof(gen), &ei),
	                 ZX_EVALIDATION);
	assert_string_equal(ei.code, "invalid_area");
	zx_user u;
	assert_int_equal(zx_user_get(d->c, &town, s.actor.user_id, &u), ZX_OK);
	assert_string_equal(u.area_code, ZXT_VILLAGE_A1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_login_gives_token_csrf_and_an_actor_scoped_to_the_users_area),
	    T(test_session_token_is_stored_only_as_a_hash),
	    T(test_wrong_password_is_eauth_with_a_chinese_message),
	    T(test_unknown_user_gets_the_same_answer_as_a_wrong_password),
	    T(test_empty_or_oversized_credentials_are_refused),
	    T(test_five_failures_lock_the_account_even_for_the_right_password),
	    T(test_lock_ends_after_fifteen_minutes),
	    T(test_lock_after_expiry_needs_five_new_failures),
	    T(test_success_resets_the_failure_count),
	    T(test_lockout_of_one_user_leaves_others_alone),
	    T(test_session_idle_for_thirty_minutes_is_gone),
	    T(test_session_idle_for_exactly_thirty_minutes_is_still_alive),
	    T(test_activity_within_thirty_minutes_keeps_the_session_alive),
	    T(test_each_login_gets_a_fresh_token),
	    T(test_logout_ends_only_that_session),
	    T(test_unknown_or_malformed_tokens_are_eauth),
	    T(test_disabling_a_user_ends_their_sessions_and_refuses_login),
	    T(test_password_shorter_than_ten_is_refused),
	    T(test_password_with_only_two_character_classes_is_refused),
	    T(test_password_containing_the_user_name_is_refused),
	    T(test_password_of_three_classes_and_ten_characters_is_accepted),
	    T(test_generated_password_logs_in_and_must_be_changed),
	    T(test_role_bound_to_an_area_of_the_wrong_level_is_refused),
	    T(test_unknown_role_or_area_is_refused),
	    T(test_admin_chosen_passwords_are_refused_or_one_time),
	    T(test_town_admin_cannot_create_a_user_outside_its_town),
	    T(test_only_sys_or_county_admin_may_create_the_dengbao_roles),
	    T(test_roles_without_user_management_cannot_create_users),
	    T(test_duplicate_and_malformed_user_names_are_refused),
	    T(test_town_admin_lists_and_reads_only_users_of_its_town),
	    T(test_village_clerk_may_not_list_users),
	    T(test_admin_cannot_move_a_user_out_of_its_scope),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
