/*
 * test_scope.c — area subtrees as code ranges: what each level of code covers, and
 * that a range never reaches into a neighbouring town, county or village. Every
 * scoped query binds exactly these ranges, so an off-by-one-level here would leak
 * another area's households.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/store.h"

static void assert_scope(const char *code, const char *lo, const char *hi)
{
	zx_scope s;
	zx_scope_of_area(code, &s);
	assert_string_equal(s.lo, lo);
	assert_string_equal(s.hi, hi);
}

static void test_county_code_covers_its_whole_county(void **state)
{
	(void)state;
	assert_scope("510722000000", "510722000000", "510722999999");
}

static void test_town_code_covers_its_villages_only(void **state)
{
	(void)state;
	assert_scope("510722101000", "510722101000", "510722101999");
	assert_scope("510722104000", "510722104000", "510722104999");
}

static void test_village_code_covers_only_itself(void **state)
{
	(void)state;
	assert_scope("510722101002", "510722101002", "510722101002");
	/* A village whose last group ends in zeros is still a village. */
	assert_scope("510722101200", "510722101200", "510722101200");
}

static void test_city_and_province_codes_cover_their_subtrees(void **state)
{
	(void)state;
	assert_scope("510700000000", "510700000000", "510799999999");
	assert_scope("510000000000", "510000000000", "519999999999");
}

static void test_town_code_with_zero_middle_digit_is_a_town(void **state)
{
	(void)state;
	/* A 乡镇 group with zeros in it ("100", "001") is still non-zero: a town. */
	assert_scope("510722100000", "510722100000", "510722100999");
	assert_scope("510722001000", "510722001000", "510722001999");
}

static void test_short_codes_are_padded_to_their_level(void **state)
{
	(void)state;
	assert_scope("510722", "510722000000", "510722999999");
	assert_scope("510722101", "510722101000", "510722101999");
}

static void test_contains_accepts_codes_inside_the_range_inclusive(void **state)
{
	(void)state;
	zx_scope county, town, village;
	zx_scope_of_area("510722000000", &county);
	zx_scope_of_area("510722101000", &town);
	zx_scope_of_area("510722101002", &village);
	assert_true(zx_scope_contains(&county, "510722000000"));
	assert_true(zx_scope_contains(&county, "510722101002"));
	assert_true(zx_scope_contains(&county, "510722999999"));
	assert_true(zx_scope_contains(&town, "510722101000"));
	assert_true(zx_scope_contains(&town, "510722101002"));
	assert_true(zx_scope_contains(&town, "510722101231"));
	assert_true(zx_scope_contains(&village, "510722101002"));
}

static void test_town_does_not_contain_a_neighbouring_towns_village(void **state)
{
	(void)state;
	zx_scope town;
	zx_scope_of_area("510722101000", &town);
	assert_false(zx_scope_contains(&town, "510722104003")); /* 塔山镇 */
	assert_false(zx_scope_contains(&town, "510722102001"));
	assert_false(zx_scope_contains(&town, "510722100999"));
	/* Nor its own county or any ancestor. */
	assert_false(zx_scope_contains(&town, "510722000000"));
	assert_false(zx_scope_contains(&town, "510700000000"));
}

static void test_village_does_not_contain_its_neighbour_or_its_town(void **state)
{
	(void)state;
	zx_scope village;
	zx_scope_of_area("510722101002", &village);
	assert_false(zx_scope_contains(&village, "510722101003"));
	assert_false(zx_scope_contains(&village, "510722101001"));
	assert_false(zx_scope_contains(&village, "510722101000"));
}

static void test_county_does_not_contain_another_county(void **state)
{
	(void)state;
	zx_scope county;
	zx_scope_of_area("510722000000", &county);
	assert_false(zx_scope_contains(&county, "510723101001"));
	assert_false(zx_scope_contains(&county, "510721999999"));
	assert_false(zx_scope_contains(&county, "510700000000"));
}

static void test_contains_refuses_codes_that_are_not_twelve_characters(void **state)
{
	(void)state;
	zx_scope county;
	zx_scope_of_area("510722000000", &county);
	assert_false(zx_scope_contains(&county, "510722"));
	assert_false(zx_scope_contains(&county, "5107221010020"));
	assert_false(zx_scope_contains(&county, ""));
	/* A prefix of the range that sorts inside it as a string. */
	assert_false(zx_scope_contains(&county, "51072210100"));
}

static void test_scope_all_contains_every_code(void **state)
{
	(void)state;
	assert_true(zx_scope_contains(&ZX_SCOPE_ALL, "110000000000"));
	assert_true(zx_scope_contains(&ZX_SCOPE_ALL, "510722101002"));
	assert_true(zx_scope_contains(&ZX_SCOPE_ALL, "659999999999"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_county_code_covers_its_whole_county),
	    cmocka_unit_test(test_town_code_covers_its_villages_only),
	    cmocka_unit_test(test_village_code_covers_only_itself),
	    cmocka_unit_test(test_city_and_province_codes_cover_their_subtrees),
	    cmocka_unit_test(test_town_code_with_zero_middle_digit_is_a_town),
	    cmocka_unit_test(test_short_codes_are_padded_to_their_level),
	    cmocka_unit_test(test_contains_accepts_codes_inside_the_range_inclusive),
	    cmocka_unit_test(test_town_does_not_contain_a_neighbouring_towns_village),
	    cmocka_unit_test(test_village_does_not_contain_its_neighbour_or_its_town),
	    cmocka_unit_test(test_county_does_not_contain_another_county),
	    cmocka_unit_test(test_contains_refuses_codes_that_are_not_twelve_characters),
	    cmocka_unit_test(test_scope_all_contains_every_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
