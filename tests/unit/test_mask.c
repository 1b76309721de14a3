/*
 * test_mask.c — specification of the display masks for 证件号码 and 联系电话.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/mask.h"

static void test_mask_id_keeps_first_four_and_last_four(void **state)
{
	(void)state;
	char out[32];
	zx_mask_id("510722198001011234", out, sizeof(out));
	assert_string_equal(out, "5107**********1234");
}

static void test_mask_id_keeps_a_trailing_x(void **state)
{
	(void)state;
	char out[32];
	zx_mask_id("11010519491231002X", out, sizeof(out));
	assert_string_equal(out, "1101**********002X");
}

static void test_mask_phone_keeps_first_three_and_last_four(void **state)
{
	(void)state;
	char out[32];
	zx_mask_phone("13812345678", out, sizeof(out));
	assert_string_equal(out, "138****5678");
}

static void test_mask_uses_one_star_per_hidden_character(void **state)
{
	(void)state;
	char out[32];
	zx_mask_id("510722800101123", out, sizeof(out)); /* 15-digit first-generation ID */
	assert_string_equal(out, "5107*******1123");
	zx_mask_phone("0816-23456789", out, sizeof(out));
	assert_string_equal(out, "081******6789");
}

static void test_mask_fully_hides_inputs_no_longer_than_the_kept_parts(void **state)
{
	(void)state;
	char out[32];
	zx_mask_id("12345678", out, sizeof(out));
	assert_string_equal(out, "********");
	zx_mask_id("123", out, sizeof(out));
	assert_string_equal(out, "***");
	zx_mask_phone("1234567", out, sizeof(out));
	assert_string_equal(out, "*******");
	zx_mask_phone("12", out, sizeof(out));
	assert_string_equal(out, "**");
}

static void test_mask_fully_hides_inputs_that_would_hide_fewer_than_four(void **state)
{
	(void)state;
	char out[32];
	zx_mask_id("12345678901", out, sizeof(out)); /* 11 = 4 + 4 + 3 */
	assert_string_equal(out, "***********");
	zx_mask_id("123456789012", out, sizeof(out)); /* 12 = 4 + 4 + 4 */
	assert_string_equal(out, "1234****9012");
	zx_mask_phone("1381234567", out, sizeof(out)); /* 10 = 3 + 4 + 3 */
	assert_string_equal(out, "**********");
}

static void test_mask_of_empty_or_null_is_empty(void **state)
{
	(void)state;
	char out[8];
	memset(out, 'Z', sizeof(out));
	zx_mask_id("", out, sizeof(out));
	assert_string_equal(out, "");
	memset(out, 'Z', sizeof(out));
	zx_mask_phone(NULL, out, sizeof(out));
	assert_string_equal(out, "");
}

static void test_mask_hides_non_ascii_input_wholesale(void **state)
{
	(void)state;
	char out[64];
	zx_mask_id("张三丰", out, sizeof(out));
	assert_string_equal(out, "***");
	/* Full-width digits look like an ID but are not ASCII: hide all 18. */
	zx_mask_id("５１０７２２１９８００１０１１２３４", out, sizeof(out));
	assert_string_equal(out, "******************");
	zx_mask_phone("138一二三四5678", out, sizeof(out));
	assert_string_equal(out, "***********");
}

static void test_mask_truncates_to_cap_without_revealing(void **state)
{
	(void)state;
	char out[32];
	memset(out, 'Z', sizeof(out));
	zx_mask_id("510722198001011234", out, 8);
	assert_string_equal(out, "5107***");
	assert_int_equal(out[8], 'Z');
	zx_mask_phone("13812345678", out, 1);
	assert_string_equal(out, "");
	zx_mask_id("张三丰", out, 3);
	assert_string_equal(out, "**");
}

static void test_mask_with_zero_cap_writes_nothing(void **state)
{
	(void)state;
	char out[4] = {'Z', 'Z', 'Z', 'Z'};
	zx_mask_id("510722198001011234", out, 0);
	zx_mask_phone("13812345678", NULL, 12);
	assert_int_equal(out[0], 'Z');
}

static void test_mask_never_reveals_the_middle_for_any_length(void **state)
{
	(void)state;
	const char digits[] = "0123456789012345678901234567890";
	for (size_t len = 0; len < sizeof(digits); len++) {
		char in[40], id[40], phone[40];
		memcpy(in, digits, len);
		in[len] = '\0';
		zx_mask_id(in, id, sizeof(id));
		zx_mask_phone(in, phone, sizeof(phone));
		assert_int_equal(strlen(id), len);
		assert_int_equal(strlen(phone), len);
		for (size_t i = 0; i < len; i++) {
			if (id[i] != '*') {
				assert_true(i < 4 || i >= len - 4);
				assert_int_equal(id[i], in[i]);
			}
			if (phone[i] != '*') {
				assert_true(i < 3 || i >= len - 4);
				assert_int_equal(phone[i], in[i]);
			}
		}
	}
}

static void test_mask_works_in_place(void **state)
{
	(void)state;
	char s[] = "13812345678";
	zx_mask_phone(s, s, sizeof(s));
	assert_string_equal(s, "138****5678");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mask_id_keeps_first_four_and_last_four),
	    cmocka_unit_test(test_mask_id_keeps_a_trailing_x),
	    cmocka_unit_test(test_mask_phone_keeps_first_three_and_last_four),
	    cmocka_unit_test(test_mask_uses_one_star_per_hidden_character),
	    cmocka_unit_test(test_mask_fully_hides_inputs_no_longer_than_the_kept_parts),
	    cmocka_unit_test(test_mask_fully_hides_inputs_that_would_hide_fewer_than_four),
	    cmocka_unit_test(test_mask_of_empty_or_null_is_empty),
	    cmocka_unit_test(test_mask_hides_non_ascii_input_wholesale),
	    cmocka_unit_test(test_mask_truncates_to_cap_without_revealing),
	    cmocka_unit_test(test_mask_with_zero_cap_writes_nothing),
	    cmocka_unit_test(test_mask_never_reveals_the_middle_for_any_length),
	    cmocka_unit_test(test_mask_works_in_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
