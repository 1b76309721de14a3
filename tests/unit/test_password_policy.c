/*
 * test_password_policy.c — specification of the 等保 password rules (auth.h,
 * security.h): length, character classes, not the user name, and expiry against the
 * configured policy with the injectable clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/clock.h"
#include "domain/auth/auth.h"
#include "domain/auth/security.h"

static zx_err check(const char *pw, const char *user, zx_errinfo *ei)
{
	zx_errinfo_clear(ei);
	return zx_password_policy_check(pw, user, ei);
}

static void test_password_needs_ten_characters(void **state)
{
	(void)state;
	zx_errinfo ei;
	assert_int_equal(check("Abc-12345", "wang", &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "weak_password");
	assert_non_null(strstr(ei.message, "10"));
	assert_int_equal(check("Abc-123456", "wang", &ei), ZX_OK);
}

static void test_password_needs_three_of_four_classes(void **state)
{
	(void)state;
	zx_errinfo ei;
	assert_int_equal(check("abcdefghijk", "wang", &ei), ZX_EVALIDATION);
	assert_int_equal(check("abcdefgh123", "wang", &ei), ZX_EVALIDATION);
	assert_non_null(strstr(ei.message, "三类"));
	assert_int_equal(check("ABCDEFGH-12", "wang", &ei), ZX_OK); /* upper, digit, symbol */
	assert_int_equal(check("abcdefgh-12", "wang", &ei), ZX_OK); /* lower, digit, symbol */
	assert_int_equal(check("Abcdefgh123", "wang", &ei), ZX_OK); /* upper, lower, digit */
	assert_int_equal(check("Abcdefgh!!!", "wang", &ei), ZX_OK); /* upper, lower, symbol */
}

static void test_password_must_not_contain_the_user_name(void **state)
{
	(void)state;
	zx_errinfo ei;
	assert_int_equal(check("Zhangsan-2024", "zhangsan", &ei), ZX_EVALIDATION);
	assert_non_null(strstr(ei.message, "用户名"));
	assert_int_equal(check("x-ZHANGSAN-9x", "zhangsan", &ei), ZX_EVALIDATION);
	assert_int_equal(check("Lisi-Passw0rd", "zhangsan", &ei), ZX_OK);
}

static void test_password_has_an_upper_bound(void **state)
{
	(void)state;
	zx_errinfo ei;
	char pw[ZX_PASSWORD_MAX + 2];
	memset(pw, 'a', sizeof(pw) - 1);
	pw[sizeof(pw) - 1] = '\0';
	pw[0] = 'A';
	pw[1] = '1';
	assert_int_equal(check(pw, "wang", &ei), ZX_EVALIDATION);
	pw[ZX_PASSWORD_MAX] = '\0';
	assert_int_equal(check(pw, "wang", &ei), ZX_OK);
}

static void test_password_expiry_follows_the_policy_and_the_clock(void **state)
{
	(void)state;
	zx_auth_policy saved = zx_auth_policy_get();
	zx_auth_policy p = saved;
	p.password_expiry_days = 90;
	zx_auth_set_policy(&p);
	int64_t t0 = 1700000000;
	zx_clock_set(t0 + 90 * 86400);
	assert_false(zx_password_expired(t0, 0, zx_now()));
	zx_clock_advance(1);
	assert_true(zx_password_expired(t0, 0, zx_now()));
	/* Never changed: the account's creation counts. */
	assert_true(zx_password_expired(0, t0, zx_now()));
	assert_false(zx_password_expired(0, t0 + 86400, zx_now()));
	/* 0 days: passwords never expire. */
	p.password_expiry_days = 0;
	zx_auth_set_policy(&p);
	assert_false(zx_password_expired(1, 1, zx_now()));
	zx_auth_set_policy(&saved);
	zx_clock_set(-1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_password_needs_ten_characters),
	    cmocka_unit_test(test_password_needs_three_of_four_classes),
	    cmocka_unit_test(test_password_must_not_contain_the_user_name),
	    cmocka_unit_test(test_password_has_an_upper_bound),
	    cmocka_unit_test(test_password_expiry_follows_the_policy_and_the_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
