/*
 * test_totp.c — specification of TOTP (RFC 6238 test vectors), base32, otpauth URIs
 * and the QR code SVG (base/totp.h), with the clock passed in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/totp.h"

static const uint8_t RFC_KEY[] = "12345678901234567890"; /* RFC 6238 appendix B, SHA-1 */

static void test_totp_matches_rfc6238_sha1_vectors(void **state)
{
	(void)state;
	static const struct {
		int64_t t;
		const char *code;
	} v[] = {
	    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
	    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char out[9];
		assert_int_equal(zx_hotp(RFC_KEY, 20, (uint64_t)zx_totp_step(v[i].t), 8, out), ZX_OK);
		assert_string_equal(out, v[i].code);
	}
}

static void test_hotp_matches_rfc4226_vectors(void **state)
{
	(void)state;
	static const char *codes[] = {"755224", "287082", "359152", "969429", "338314",
	                              "254676", "287922", "162583", "399871", "520489"};
	for (int i = 0; i < 10; i++) {
		char out[9];
		assert_int_equal(zx_hotp(RFC_KEY, 20, (uint64_t)i, 6, out), ZX_OK);
		assert_string_equal(out, codes[i]);
	}
}

static void test_totp_accepts_one_step_either_side_and_no_further(void **state)
{
	(void)state;
	int64_t now = 1700000000, matched = 0;
	char prev[9], cur[9], next[9], far[9];
	zx_hotp(RFC_KEY, 20, (uint64_t)zx_totp_step(now) - 1, 6, prev);
	zx_hotp(RFC_KEY, 20, (uint64_t)zx_totp_step(now), 6, cur);
	zx_hotp(RFC_KEY, 20, (uint64_t)zx_totp_step(now) + 1, 6, next);
	zx_hotp(RFC_KEY, 20, (uint64_t)zx_totp_step(now) + 2, 6, far);
	assert_int_equal(zx_totp_verify(RFC_KEY, 20, cur, now, 0, &matched), ZX_OK);
	assert_int_equal(matched, zx_totp_step(now));
	assert_int_equal(zx_totp_verify(RFC_KEY, 20, prev, now, 0, &matched), ZX_OK);
	assert_int_equal(matched, zx_totp_step(now) - 1);
	assert_int_equal(zx_totp_verify(RFC_KEY, 20, next, now, 0, &matched), ZX_OK);
	assert_int_equal(zx_totp_verify(RFC_KEY, 20, far, now, 0, &matched), ZX_EAUTH);
	/* 90 s later the old code is gone. */
	assert_int_equal(zx_totp_verify(RFC_KEY, 20, cur, now + 90, 0, &matched), ZX_EAUTH);
}

static void test_totp_refuses_a_replayed_code(void **state)
{
	(void)state;
	int64_t now = 1700000000, matched = 0;
	char cur[9];
	zx_hotp(RFC_KEY, 20, (uint64_t)zx_totp_step(now), 6, cur);
	assert_int_equal(zx_totp_verify(RFC_KEY, 20, cur, now, 0, &matched), ZX_OK);
	assert_int_equal(zx_totp_verify(RFC_KEY, 20, cur, now + 5, matched, &matched), ZX_EAUTH);
}

static void test_totp_refuses_malformed_codes(void **state)
{
	(void)state;
	int64_t m;
	assert_int_equal(zx_totp_verify(RFC_KEY, 20, "", 59, 0, &m), ZX_EAUTH);
	assert_int_equal(zx_totp_verify(RFC_KEY, 20, "12345", 59, 0, &m), ZX_EAUTH);
	assert_int_equal(zx_totp_verify(RFC_KEY, 20, "1234567", 59, 0, &m), ZX_EAUTH);
	assert_int_equal(zx_totp_verify(RFC_KEY, 20, "28708a", 59, 0, &m), ZX_EAUTH);
	assert_int_equal(zx_totp_verify(RFC_KEY, 20, NULL, 59, 0, &m), ZX_EAUTH);
}

static void test_base32_round_trips_rfc4648_vectors(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} v[] = {{"", ""},
	         {"f", "MY"},
	         {"fo", "MZXQ"},
	         {"foo", "MZXW6"},
	         {"foob", "MZXW6YQ"},
	         {"fooba", "MZXW6YTB"},
	         {"foobar", "MZXW6YTBOI"}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char out[32];
		uint8_t back[32];
		zx_base32((const uint8_t *)v[i].in, strlen(v[i].in), out);
		assert_string_equal(out, v[i].out);
		long n = zx_unbase32(out, back, sizeof(back));
		assert_int_equal(n, (long)strlen(v[i].in));
		assert_memory_equal(back, v[i].in, (size_t)n);
	}
	uint8_t b[8];
	assert_int_equal(zx_unbase32("mzxw6===", b, sizeof(b)), 3);
	assert_int_equal(zx_unbase32("MZ1W", b, sizeof(b)), -1);
	assert_int_equal(zx_unbase32("MZXW6YTBOI", b, 3), -1);
}

static void test_totp_uri_escapes_issuer_and_account(void **state)
{
	(void)state;
	zx_buf b = ZX_BUF_INIT(4096);
	assert_int_equal(zx_totp_uri("振兴台", "admin.x", "GEZDGNBV", &b), ZX_OK);
	assert_string_equal(zx_buf_str(&b),
	                    "otpauth://totp/%E6%8C%AF%E5%85%B4%E5%8F%B0:admin.x?secret=GEZDGNBV"
	                    "&issuer=%E6%8C%AF%E5%85%B4%E5%8F%B0&algorithm=SHA1&digits=6&period=30");
	zx_buf_release(&b);
}

static void test_qr_svg_is_a_square_svg_document(void **state)
{
	(void)state;
	zx_buf b = ZX_BUF_INIT(1 << 20);
	assert_int_equal(zx_qr_svg("otpauth://totp/x:y?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", &b), ZX_OK);
	const char *s = zx_buf_str(&b);
	assert_true(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
	assert_non_null(strstr(s, "<path fill=\"#000\" d=\"M"));
	assert_true(strcmp(s + b.len - 6, "</svg>") == 0);
	int w, h;
	assert_int_equal(sscanf(strstr(s, "viewBox"), "viewBox=\"0 0 %d %d\"", &w, &h), 2);
	assert_int_equal(w, h);
	assert_true(w >= 21 + 8);
	zx_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_totp_matches_rfc6238_sha1_vectors),
	    cmocka_unit_test(test_hotp_matches_rfc4226_vectors),
	    cmocka_unit_test(test_totp_accepts_one_step_either_side_and_no_further),
	    cmocka_unit_test(test_totp_refuses_a_replayed_code),
	    cmocka_unit_test(test_totp_refuses_malformed_codes),
	    cmocka_unit_test(test_base32_round_trips_rfc4648_vectors),
	    cmocka_unit_test(test_totp_uri_escapes_issuer_and_account),
	    cmocka_unit_test(test_qr_svg_is_a_square_svg_document),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
