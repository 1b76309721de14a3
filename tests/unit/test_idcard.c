/*
 * test_idcard.c — specification of the 居民身份证号 parser (GB 11643-1999): what it
 * accepts, what it rejects and with which status, and what it derives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/idcard.h"

#define TODAY 20261123

/* Completes 17 digits with their check character, so that a test about some other
 * part of the number is not accidentally a test of the check character. */
static void with_check(const char *first17, char out[19])
{
	memcpy(out, first17, 17);
	out[17] = zx_idcard_check_char(first17);
	out[18] = '\0';
	assert_true(out[17] != 0);
}

static void test_parse_accepts_valid_id_and_derives_fields(void **state)
{
	(void)state;
	zx_idcard id;
	assert_int_equal(zx_idcard_parse("510722198001011231", TODAY, &id), ZX_ID_OK);
	assert_string_equal(id.area, "510722");
	assert_int_equal(id.birth_ymd, 19800101);
	assert_int_equal(id.gender, 1);
	assert_string_equal(id.norm, "510722198001011231");
}

static void test_parse_accepts_standard_example_ending_in_x(void **state)
{
	(void)state;
	zx_idcard id;
	assert_int_equal(zx_idcard_parse("11010519491231002X", TODAY, &id), ZX_ID_OK);
	assert_string_equal(id.area, "110105");
	assert_int_equal(id.birth_ymd, 19491231);
	assert_string_equal(id.norm, "11010519491231002X");
}

static void test_parse_normalises_lower_case_x(void **state)
{
	(void)state;
	zx_idcard id;
	assert_int_equal(zx_idcard_parse("11010519491231002x", TODAY, &id), ZX_ID_OK);
	assert_string_equal(id.norm, "11010519491231002X");
}

static void test_parse_derives_female_from_even_17th_digit(void **state)
{
	(void)state;
	zx_idcard id;
	/* 17th digit 2 */
	assert_int_equal(zx_idcard_parse("11010519491231002X", TODAY, &id), ZX_ID_OK);
	assert_int_equal(id.gender, 2);
	/* 17th digit 0 is even too */
	char s[19];
	with_check("51072219800101120", s);
	assert_int_equal(zx_idcard_parse(s, TODAY, &id), ZX_ID_OK);
	assert_int_equal(id.gender, 2);
}

static void test_parse_derives_male_from_odd_17th_digit(void **state)
{
	(void)state;
	zx_idcard id;
	char s[19];
	with_check("51072219800101129", s);
	assert_int_equal(zx_idcard_parse(s, TODAY, &id), ZX_ID_OK);
	assert_int_equal(id.gender, 1);
	assert_int_equal(zx_idcard_parse("110105194912310011", TODAY, &id), ZX_ID_OK);
	assert_int_equal(id.gender, 1);
}

static void test_parse_accepts_null_out_for_validation_only(void **state)
{
	(void)state;
	assert_int_equal(zx_idcard_parse("510722198001011231", TODAY, NULL), ZX_ID_OK);
	assert_int_equal(zx_idcard_parse("510722198001011232", TODAY, NULL), ZX_ID_BAD_CHECK);
}

static void test_parse_rejects_wrong_length(void **state)
{
	(void)state;
	assert_int_equal(zx_idcard_parse(NULL, TODAY, NULL), ZX_ID_BAD_LENGTH);
	assert_int_equal(zx_idcard_parse("", TODAY, NULL), ZX_ID_BAD_LENGTH);
	assert_int_equal(zx_idcard_parse("51072219800101123", TODAY, NULL), ZX_ID_BAD_LENGTH);
	assert_int_equal(zx_idcard_parse("5107221980010112311", TODAY, NULL), ZX_ID_BAD_LENGTH);
	/* A 15-digit first-generation number is not accepted. */
	assert_int_equal(zx_idcard_parse("510722800101123", TODAY, NULL), ZX_ID_BAD_LENGTH);
	/* Surrounding spaces are the caller's to trim. */
	assert_int_equal(zx_idcard_parse(" 510722198001011231", TODAY, NULL), ZX_ID_BAD_LENGTH);
}

static void test_parse_does_not_read_past_nineteen_bytes(void **state)
{
	(void)state;
	/* Heap block with no NUL: under ASan any over-read aborts the test. */
	char *s = malloc(19);
	assert_non_null(s);
	memcpy(s, "5107221980010112311", 19);
	assert_int_equal(zx_idcard_parse(s, TODAY, NULL), ZX_ID_BAD_LENGTH);
	free(s);
}

static void test_parse_rejects_non_digit_in_first_seventeen(void **state)
{
	(void)state;
	assert_int_equal(zx_idcard_parse("51072219800101a231", TODAY, NULL), ZX_ID_BAD_CHAR);
	assert_int_equal(zx_idcard_parse("X10722198001011231", TODAY, NULL), ZX_ID_BAD_CHAR);
	assert_int_equal(zx_idcard_parse("5107221980010112X1", TODAY, NULL), ZX_ID_BAD_CHAR);
	assert_int_equal(zx_idcard_parse("510722 98001011231", TODAY, NULL), ZX_ID_BAD_CHAR);
	assert_int_equal(zx_idcard_parse("51072219800101-231", TODAY, NULL), ZX_ID_BAD_CHAR);
}

static void test_parse_rejects_letter_other_than_x_at_the_end(void **state)
{
	(void)state;
	assert_int_equal(zx_idcard_parse("11010519491231002Y", TODAY, NULL), ZX_ID_BAD_CHAR);
	assert_int_equal(zx_idcard_parse("11010519491231002*", TODAY, NULL), ZX_ID_BAD_CHAR);
	assert_int_equal(zx_idcard_parse("11010519491231002 ", TODAY, NULL), ZX_ID_BAD_CHAR);
}

static void test_parse_rejects_eighteen_bytes_of_non_ascii(void **state)
{
	(void)state;
	/* Six three-byte characters: 18 bytes, but not an ID. */
	assert_int_equal(zx_idcard_parse("身份证号码无", TODAY, NULL), ZX_ID_BAD_CHAR);
	/* Full-width digits are not digits. */
	assert_int_equal(zx_idcard_parse("５１０７２２19800101123", TODAY, NULL), ZX_ID_BAD_LENGTH);
}

static void test_parse_rejects_province_prefix_outside_11_to_82(void **state)
{
	(void)state;
	char s[19];
	with_check("10072219800101123", s);
	assert_int_equal(zx_idcard_parse(s, TODAY, NULL), ZX_ID_BAD_AREA);
	with_check("83072219800101123", s);
	assert_int_equal(zx_idcard_parse(s, TODAY, NULL), ZX_ID_BAD_AREA);
	with_check("00000019800101123", s);
	assert_int_equal(zx_idcard_parse(s, TODAY, NULL), ZX_ID_BAD_AREA);
	with_check("99072219800101123", s);
	assert_int_equal(zx_idcard_parse(s, TODAY, NULL), ZX_ID_BAD_AREA);
}

static void test_parse_accepts_province_prefix_boundaries_11_and_82(void **state)
{
	(void)state;
	char s[19];
	with_check("11000019800101123", s);
	assert_int_equal(zx_idcard_parse(s, TODAY, NULL), ZX_ID_OK);
	with_check("82000019800101123", s);
	assert_int_equal(zx_idcard_parse(s, TODAY, NULL), ZX_ID_OK);
}

static void test_parse_rejects_impossible_birth_dates(void **state)
{
	(void)state;
	static const char *bodies[] = {
	    "51072219801301123", /* month 13 */
	    "51072219800001123", /* month 0 */
	    "51072219800100123", /* day 0 */
	    "51072219800132123", /* 32 January */
	    "51072219800431123", /* 31 April */
	    "51072219810229123", /* 29 February in a common year */
	    "51072219000229123", /* 1900 is not a leap year (divisible by 100) */
	    "51072200000101123", /* year 0 */
	};
	char s[19];
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		with_check(bodies[i], s);
		assert_int_equal(zx_idcard_parse(s, TODAY, NULL), ZX_ID_BAD_BIRTH);
	}
}

static void test_parse_rejects_birth_before_1900(void **state)
{
	(void)state;
	char s[19];
	with_check("51072218991231123", s);
	assert_int_equal(zx_idcard_parse(s, TODAY, NULL), ZX_ID_BAD_BIRTH);
	with_check("51072219000101123", s);
	assert_int_equal(zx_idcard_parse(s, TODAY, NULL), ZX_ID_OK);
}

static void test_parse_accepts_29_february_in_leap_years(void **state)
{
	(void)state;
	zx_idcard id;
	/* 2000 is a leap year (divisible by 400). */
	assert_int_equal(zx_idcard_parse("440304200002290014", TODAY, &id), ZX_ID_OK);
	assert_int_equal(id.birth_ymd, 20000229);
	char s[19];
	with_check("51072219960229123", s);
	assert_int_equal(zx_idcard_parse(s, TODAY, NULL), ZX_ID_OK);
}

static void test_parse_rejects_birth_after_today(void **state)
{
	(void)state;
	char s[19];
	with_check("51072220261124123", s);
	assert_int_equal(zx_idcard_parse(s, 20261123, NULL), ZX_ID_FUTURE_BIRTH);
	with_check("51072220270101123", s);
	assert_int_equal(zx_idcard_parse(s, 20261123, NULL), ZX_ID_FUTURE_BIRTH);
}

static void test_parse_accepts_birth_on_today(void **state)
{
	(void)state;
	char s[19];
	with_check("51072220261123123", s);
	assert_int_equal(zx_idcard_parse(s, 20261123, NULL), ZX_ID_OK);
	/* The same number is in the future when "today" is the day before. */
	assert_int_equal(zx_idcard_parse(s, 20261122, NULL), ZX_ID_FUTURE_BIRTH);
}

static void test_parse_rejects_bad_check_digit(void **state)
{
	(void)state;
	assert_int_equal(zx_idcard_parse("510722198001011234", TODAY, NULL), ZX_ID_BAD_CHECK);
	assert_int_equal(zx_idcard_parse("110105194912310020", TODAY, NULL), ZX_ID_BAD_CHECK);
	/* X where a digit is due. */
	assert_int_equal(zx_idcard_parse("51072219800101123X", TODAY, NULL), ZX_ID_BAD_CHECK);
}

static void test_parse_rejects_every_wrong_check_character(void **state)
{
	(void)state;
	static const char candidates[] = "0123456789X";
	char s[19];
	memcpy(s, "510722198001011231", sizeof(s));
	int accepted = 0;
	for (size_t i = 0; i < sizeof(candidates) - 1; i++) {
		s[17] = candidates[i];
		zx_idcard_status st = zx_idcard_parse(s, TODAY, NULL);
		if (st == ZX_ID_OK) {
			accepted++;
			assert_int_equal(candidates[i], '1');
		} else {
			assert_int_equal(st, ZX_ID_BAD_CHECK);
		}
	}
	assert_int_equal(accepted, 1);
}

static void test_parse_detects_swapped_adjacent_digits(void **state)
{
	(void)state;
	/* MOD 11-2 exists to catch transpositions of neighbouring digits. */
	assert_int_equal(zx_idcard_parse("510722198001011321", TODAY, NULL), ZX_ID_BAD_CHECK);
}

static void test_parse_leaves_out_untouched_on_failure(void **state)
{
	(void)state;
	zx_idcard id;
	memset(&id, 0x5a, sizeof(id));
	zx_idcard before = id;
	assert_int_equal(zx_idcard_parse("510722198001011234", TODAY, &id), ZX_ID_BAD_CHECK);
	assert_memory_equal(&id, &before, sizeof(id));
}

static void test_parse_reports_structural_errors_before_check_digit(void **state)
{
	(void)state;
	/* Bad month and a wrong check character: the month is what the user must fix. */
	assert_int_equal(zx_idcard_parse("510722198013011230", TODAY, NULL), ZX_ID_BAD_BIRTH);
	/* Bad area and a wrong check character. */
	assert_int_equal(zx_idcard_parse("990722198001011230", TODAY, NULL), ZX_ID_BAD_AREA);
}

static void test_check_char_matches_known_numbers(void **state)
{
	(void)state;
	assert_int_equal(zx_idcard_check_char("11010519491231002"), 'X');
	assert_int_equal(zx_idcard_check_char("51072219800101123"), '1');
	assert_int_equal(zx_idcard_check_char("44030420000229001"), '4');
	assert_int_equal(zx_idcard_check_char("51072219800101001"), 'X');
	assert_int_equal(zx_idcard_check_char("82000019900615002"), '0');
	/* All zeros: sum 0 maps to '1'. */
	assert_int_equal(zx_idcard_check_char("00000000000000000"), '1');
}

static void test_check_char_uses_only_first_seventeen_of_a_full_number(void **state)
{
	(void)state;
	assert_int_equal(zx_idcard_check_char("11010519491231002X"), 'X');
	assert_int_equal(zx_idcard_check_char("110105194912310029"), 'X');
}

static void test_check_char_returns_zero_without_seventeen_digits(void **state)
{
	(void)state;
	assert_int_equal(zx_idcard_check_char(NULL), 0);
	assert_int_equal(zx_idcard_check_char(""), 0);
	assert_int_equal(zx_idcard_check_char("1101051949123100"), 0);
	assert_int_equal(zx_idcard_check_char("1101051949123100X"), 0);
	assert_int_equal(zx_idcard_check_char("11010a19491231002"), 0);
}

static void test_status_messages_are_chinese_and_specific(void **state)
{
	(void)state;
	assert_string_equal(zx_idcard_status_message(ZX_ID_BAD_CHECK), "证件号码校验位错误");
	assert_string_equal(zx_idcard_status_message(ZX_ID_BAD_BIRTH), "证件号码出生日期无效");
	assert_string_equal(zx_idcard_status_message(ZX_ID_FUTURE_BIRTH), "证件号码出生日期晚于今天");
	assert_string_equal(zx_idcard_status_message(ZX_ID_BAD_LENGTH), "证件号码应为18位");
	assert_string_equal(zx_idcard_status_message(ZX_ID_BAD_AREA), "证件号码地区码无效");
	assert_non_null(strstr(zx_idcard_status_message(ZX_ID_BAD_CHAR), "X"));
}

static void test_status_codes_are_stable(void **state)
{
	(void)state;
	assert_string_equal(zx_idcard_status_code(ZX_ID_OK), "ok");
	assert_string_equal(zx_idcard_status_code(ZX_ID_BAD_LENGTH), "invalid_id_length");
	assert_string_equal(zx_idcard_status_code(ZX_ID_BAD_CHAR), "invalid_id_char");
	assert_string_equal(zx_idcard_status_code(ZX_ID_BAD_AREA), "invalid_id_area");
	assert_string_equal(zx_idcard_status_code(ZX_ID_BAD_BIRTH), "invalid_id_birth_date");
	assert_string_equal(zx_idcard_status_code(ZX_ID_FUTURE_BIRTH), "invalid_id_future_birth_date");
	assert_string_equal(zx_idcard_status_code(ZX_ID_BAD_CHECK), "invalid_id_number");
}

static void test_status_of_unknown_value_is_generic_not_a_crash(void **state)
{
	(void)state;
	assert_string_equal(zx_idcard_status_code((zx_idcard_status)99), "invalid_id_number");
	assert_string_equal(zx_idcard_status_message((zx_idcard_status)99), "证件号码无效");
	assert_string_equal(zx_idcard_status_code((zx_idcard_status)-1), "invalid_id_number");
}

static void test_date_valid_follows_gregorian_leap_rules(void **state)
{
	(void)state;
	assert_true(zx_date_valid(2000, 2, 29));  /* divisible by 400 */
	assert_false(zx_date_valid(1900, 2, 29)); /* divisible by 100 only */
	assert_false(zx_date_valid(2100, 2, 29));
	assert_true(zx_date_valid(2024, 2, 29)); /* divisible by 4 */
	assert_false(zx_date_valid(2023, 2, 29));
	assert_true(zx_date_valid(2023, 2, 28));
}

static void test_date_valid_knows_month_lengths(void **state)
{
	(void)state;
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	for (int m = 1; m <= 12; m++) {
		assert_true(zx_date_valid(2023, m, 1));
		assert_true(zx_date_valid(2023, m, days[m - 1]));
		assert_false(zx_date_valid(2023, m, days[m - 1] + 1));
	}
}

static void test_date_valid_rejects_out_of_range_parts(void **state)
{
	(void)state;
	assert_false(zx_date_valid(2023, 0, 1));
	assert_false(zx_date_valid(2023, 13, 1));
	assert_false(zx_date_valid(2023, 1, 0));
	assert_false(zx_date_valid(2023, -1, 1));
	assert_false(zx_date_valid(0, 1, 1));
	assert_false(zx_date_valid(-5, 1, 1));
	assert_false(zx_date_valid(10000, 1, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_accepts_valid_id_and_derives_fields),
	    cmocka_unit_test(test_parse_accepts_standard_example_ending_in_x),
	    cmocka_unit_test(test_parse_normalises_lower_case_x),
	    cmocka_unit_test(test_parse_derives_female_from_even_17th_digit),
	    cmocka_unit_test(test_parse_derives_male_from_odd_17th_digit),
	    cmocka_unit_test(test_parse_accepts_null_out_for_validation_only),
	    cmocka_unit_test(test_parse_rejects_wrong_length),
	    cmocka_unit_test(test_parse_does_not_read_past_nineteen_bytes),
	    cmocka_unit_test(test_parse_rejects_non_digit_in_first_seventeen),
	    cmocka_unit_test(test_parse_rejects_letter_other_than_x_at_the_end),
	    cmocka_unit_test(test_parse_rejects_eighteen_bytes_of_non_ascii),
	    cmocka_unit_test(test_parse_rejects_province_prefix_outside_11_to_82),
	    cmocka_unit_test(test_parse_accepts_province_prefix_boundaries_11_and_82),
	    cmocka_unit_test(test_parse_rejects_impossible_birth_dates),
	    cmocka_unit_test(test_parse_rejects_birth_before_1900),
	    cmocka_unit_test(test_parse_accepts_29_february_in_leap_years),
	    cmocka_unit_test(test_parse_rejects_birth_after_today),
	    cmocka_unit_test(test_parse_accepts_birth_on_today),
	    cmocka_unit_test(test_parse_rejects_bad_check_digit),
	    cmocka_unit_test(test_parse_rejects_every_wrong_check_character),
	    cmocka_unit_test(test_parse_detects_swapped_adjacent_digits),
	    cmocka_unit_test(test_parse_leaves_out_untouched_on_failure),
	    cmocka_unit_test(test_parse_reports_structural_errors_before_check_digit),
	    cmocka_unit_test(test_check_char_matches_known_numbers),
	    cmocka_unit_test(test_check_char_uses_only_first_seventeen_of_a_full_number),
	    cmocka_unit_test(test_check_char_returns_zero_without_seventeen_digits),
	    cmocka_unit_test(test_status_messages_are_chinese_and_specific),
	    cmocka_unit_test(test_status_codes_are_stable),
	    cmocka_unit_test(test_status_of_unknown_value_is_generic_not_a_crash),
	    cmocka_unit_test(test_date_valid_follows_gregorian_leap_rules),
	    cmocka_unit_test(test_date_valid_knows_month_lengths),
	    cmocka_unit_test(test_date_valid_rejects_out_of_range_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
