/*
 * test_area.c — the admin hierarchy as an actor may see it: areas outside the actor's
 * scope do not exist for it (404, never 403), and household/person counts add up over
 * each subtree and over each child.
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

static int setup(void **state)
{
	static zxt_db d;
	zxt_db_open(&d, 0);
	zxt_load_county(&d);
	*state = &d;
	return 0;
}

static int setup_with_households(void **state)
{
	setup(state);
	zxt_db *d = *state;
	zxt_household(d, ZXT_VILLAGE_A1, "HA1-1", 3);
	zxt_household(d, ZXT_VILLAGE_A1, "HA1-2", 2);
	zxt_household(d, ZXT_VILLAGE_A2, "HA2-1", 4);
	zxt_household(d, ZXT_VILLAGE_B1, "HB1-1", 5);
	return 0;
}

static int teardown(void **state)
{
	zxt_db_close(*state);
	return 0;
}

static zx_err get_as(zxt_db *d, zx_role role, const char *actor_area, const char *code, zx_area *out,
                     zx_errinfo *ei)
{
	zx_actor a;
	zxt_actor(&a, role, actor_area);
	zx_errinfo_clear(ei);
	return zx_area_get(d->c, &a, code, out, ei);
}

static void assert_hidden(zxt_db *d, zx_role role, const char *actor_area, const char *code)
{
	zx_area a;
	zx_errinfo ei;
	zx_err e = get_as(d, role, actor_area, code, &a, &ei);
	if (e != ZX_ENOTFOUND)
		fail_msg("%s of %s sees %s: %s", zx_role_key(role), actor_area, code, zx_err_name(e));
	assert_string_equal(ei.code, "not_found");
	/* Nothing about the area leaks into the result. */
	assert_string_equal(a.name, "");
	assert_int_equal(a.households, 0);
}

static void test_county_hierarchy_is_the_real_one(void **state)
{
	zxt_db *d = *state;
	zx_area a;
	zx_errinfo ei;
	assert_int_equal(get_as(d, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, ZXT_COUNTY12, &a, &ei), ZX_OK);
	assert_string_equal(a.name, "三台县");
	assert_int_equal(a.level, 3);
	assert_string_equal(a.parent, "510700000000");
	assert_string_equal(a.county, "510722");
	assert_int_equal(a.children, 33);
	assert_int_equal(get_as(d, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, ZXT_TOWN_A, &a, &ei), ZX_OK);
	assert_string_equal(a.name, "潼川镇");
	assert_int_equal(a.level, 4);
	assert_string_equal(a.parent, ZXT_COUNTY12);
	assert_int_equal(get_as(d, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, ZXT_VILLAGE_A1, &a, &ei), ZX_OK);
	assert_int_equal(a.level, 5);
	assert_int_equal(a.children, 0);
	assert_string_equal(a.parent, ZXT_TOWN_A);
	assert_string_equal(zx_area_level_name(a.level), "村");
}

static void test_village_clerk_gets_404_for_other_village(void **state)
{
	zxt_db *d = *state;
	assert_hidden(d, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, ZXT_VILLAGE_A2);
	assert_hidden(d, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, ZXT_VILLAGE_B1);
	zx_area a;
	zx_errinfo ei;
	assert_int_equal(get_as(d, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, ZXT_VILLAGE_A1, &a, &ei), ZX_OK);
	assert_string_equal(a.name, "老西街社区居民委员会");
}

static void test_village_clerk_gets_404_for_its_own_town_and_county(void **state)
{
	zxt_db *d = *state;
	assert_hidden(d, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, ZXT_TOWN_A);
	assert_hidden(d, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, ZXT_COUNTY12);
}

static void test_town_admin_sees_its_town_but_not_the_county_or_a_neighbour(void **state)
{
	zxt_db *d = *state;
	zx_area a;
	zx_errinfo ei;
	assert_int_equal(get_as(d, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A, ZXT_TOWN_A, &a, &ei), ZX_OK);
	assert_int_equal(get_as(d, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A, ZXT_VILLAGE_A2, &a, &ei), ZX_OK);
	assert_hidden(d, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A, ZXT_COUNTY12);
	assert_hidden(d, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A, ZXT_TOWN_B);
	assert_hidden(d, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A, ZXT_VILLAGE_B1);
}

static void test_unknown_code_inside_the_scope_is_404_too(void **state)
{
	zxt_db *d = *state;
	assert_hidden(d, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, "510722999999");
}

static void test_malformed_code_is_invalid_not_missing(void **state)
{
	zxt_db *d = *state;
	static const char *bad[] = {"", "510722", "51072200000a", "5107220000000", "51072200000 ", "-10722000000"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		zx_area a;
		zx_errinfo ei;
		assert_int_equal(get_as(d, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, bad[i], &a, &ei), ZX_EINVAL);
		assert_string_equal(ei.code, "invalid_area_code");
	}
	zx_area a;
	zx_errinfo ei;
	assert_int_equal(get_as(d, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL, &a, &ei), ZX_EINVAL);
}

static void assert_counts(zxt_db *d, const char *code, int64_t hh, int64_t persons)
{
	zx_area a;
	zx_errinfo ei;
	assert_int_equal(get_as(d, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, code, &a, &ei), ZX_OK);
	if (a.households != hh || a.persons != persons)
		fail_msg("%s: %lld households %lld persons, want %lld %lld", code, (long long)a.households,
		         (long long)a.persons, (long long)hh, (long long)persons);
}

static void test_counts_add_up_over_each_subtree(void **state)
{
	zxt_db *d = *state;
	assert_counts(d, ZXT_VILLAGE_A1, 2, 5);
	assert_counts(d, ZXT_VILLAGE_A2, 1, 4);
	assert_counts(d, ZXT_TOWN_A, 3, 9);
	assert_counts(d, ZXT_VILLAGE_B1, 1, 5);
	assert_counts(d, ZXT_TOWN_B, 1, 5);
	assert_counts(d, ZXT_COUNTY12, 4, 14);
	assert_counts(d, "510722101004", 0, 0);
}

static void test_counts_of_an_empty_county_are_zero(void **state)
{
	zxt_db *d = *state;
	assert_counts(d, ZXT_COUNTY12, 0, 0);
}

typedef struct kids {
	int n;
	zx_area a[64];
} kids;

static bool collect(void *ctx, const zx_area *child)
{
	kids *k = ctx;
	if (k->n < 64)
		k->a[k->n++] = *child;
	return true;
}

static const zx_area *find(const kids *k, const char *code)
{
	for (int i = 0; i < k->n; i++)
		if (strcmp(k->a[i].code, code) == 0)
			return &k->a[i];
	return NULL;
}

static void children_of(zxt_db *d, zx_role role, const char *actor_area, const char *code, kids *out)
{
	zx_actor a;
	zxt_actor(&a, role, actor_area);
	zx_area parent;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_area_get(d->c, &a, code, &parent, &ei), ZX_OK);
	memset(out, 0, sizeof(*out));
	assert_int_equal(zx_area_children(d->c, &a, &parent, collect, out), ZX_OK);
}

static void test_children_of_the_county_are_its_towns_with_their_counts(void **state)
{
	zxt_db *d = *state;
	kids k;
	children_of(d, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, ZXT_COUNTY12, &k);
	assert_int_equal(k.n, 33);
	for (int i = 0; i < k.n; i++) {
		assert_int_equal(k.a[i].level, 4);
		assert_string_equal(k.a[i].parent, ZXT_COUNTY12);
		if (i > 0)
			assert_true(strcmp(k.a[i - 1].code, k.a[i].code) < 0);
	}
	const zx_area *ta = find(&k, ZXT_TOWN_A), *tb = find(&k, ZXT_TOWN_B);
	assert_non_null(ta);
	assert_non_null(tb);
	assert_int_equal(ta->households, 3);
	assert_int_equal(ta->persons, 9);
	assert_int_equal(tb->households, 1);
	assert_int_equal(tb->persons, 5);
	int64_t sum_hh = 0, sum_p = 0;
	for (int i = 0; i < k.n; i++) {
		sum_hh += k.a[i].households;
		sum_p += k.a[i].persons;
	}
	assert_int_equal(sum_hh, 4);
	assert_int_equal(sum_p, 14);
}

static void test_children_of_a_town_are_its_villages_with_their_counts(void **state)
{
	zxt_db *d = *state;
	kids k;
	children_of(d, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A, ZXT_TOWN_A, &k);
	assert_true(k.n > 10);
	const zx_area *a1 = find(&k, ZXT_VILLAGE_A1), *a2 = find(&k, ZXT_VILLAGE_A2);
	assert_non_null(a1);
	assert_non_null(a2);
	assert_int_equal(a1->households, 2);
	assert_int_equal(a1->persons, 5);
	assert_int_equal(a2->households, 1);
	assert_int_equal(a2->persons, 4);
	assert_null(find(&k, ZXT_VILLAGE_B1));
	for (int i = 0; i < k.n; i++) {
		assert_int_equal(k.a[i].level, 5);
		assert_memory_equal(k.a[i].code, ZXT_TOWN_A, 9);
	}
}

static void test_children_of_a_village_are_none(void **state)
{
	zxt_db *d = *state;
	kids k;
	children_of(d, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, ZXT_VILLAGE_A1, &k);
	assert_int_equal(k.n, 0);
}

static void test_loading_an_unknown_county_is_refused(void **state)
{
	zxt_db *d = *state;
	int64_t n = -1;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	assert_int_equal(zx_area_load_county(d->c, "999999", &n, &ei), ZX_EVALIDATION);
	zx_tx_rollback(d->c);
	assert_string_equal(ei.code, "unknown_county");
	assert_int_equal(n, 0);
}

static void test_loading_the_county_twice_changes_nothing(void **state)
{
	zxt_db *d = *state;
	int64_t before = -1, after = -1;
	assert_int_equal(zx_query_int(d->c, NULL, ZXQ_area_count, ZX_NOARGS, &before), ZX_OK);
	zxt_load_county(d);
	assert_int_equal(zx_query_int(d->c, NULL, ZXQ_area_count, ZX_NOARGS, &after), ZX_OK);
	assert_int_equal(before, after);
	/* Province, city, county, 33 towns, 462 villages. */
	assert_int_equal(after, 3 + 33 + 462);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define TH(f) cmocka_unit_test_setup_teardown(f, setup_with_households, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_county_hierarchy_is_the_real_one),
	    T(test_village_clerk_gets_404_for_other_village),
	    T(test_village_clerk_gets_404_for_its_own_town_and_county),
	    T(test_town_admin_sees_its_town_but_not_the_county_or_a_neighbour),
	    T(test_unknown_code_inside_the_scope_is_404_too),
	    T(test_malformed_code_is_invalid_not_missing),
	    TH(test_counts_add_up_over_each_subtree),
	    T(test_counts_of_an_empty_county_are_zero),
	    TH(test_children_of_the_county_are_its_towns_with_their_counts),
	    TH(test_children_of_a_town_are_its_villages_with_their_counts),
	    T(test_children_of_a_village_are_none),
	    T(test_loading_an_unknown_county_is_refused),
	    T(test_loading_the_county_twice_changes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
