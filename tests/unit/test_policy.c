/*
 * test_policy.c — policy parameters: versioned writes, the county-else-province lookup,
 * who may set them, range checks, and that a screening records the version it used.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/monitoring/screening.h"
#include "monitoring_fixture.h"

static int setup(void **state)
{
	zxt_db *d = calloc(1, sizeof(*d));
	zxt_db_open(d, 0);
	zxt_load_county(d);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	zxt_db_close(*state);
	free(*state);
	return 0;
}

static zx_err set(zxt_db *d, const zx_actor *a, const char *area, int year, int64_t line_fen, int64_t factor,
                  zx_policy *p, zx_errinfo *ei)
{
	zx_policy_input in = {area, year, line_fen, factor, -1, -1, -1};
	zx_errinfo_clear(ei);
	return zx_policy_set(d->c, a, &in, p, ei);
}

static void test_every_change_is_a_new_version_and_keeps_unset_fields(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	zx_policy p;
	zx_errinfo ei;
	assert_int_equal(set(d, &a, ZXT_COUNTY12, 2025, 700000, -1, &p, &ei), ZX_OK);
	assert_int_equal(p.version, 1);
	assert_int_equal(p.income_line, 700000);
	assert_int_equal(p.warning_factor, ZX_POLICY_DEFAULT_FACTOR);
	assert_int_equal(p.drop_percent, ZX_POLICY_DEFAULT_DROP);
	assert_int_equal(p.medical_selfpay, ZX_POLICY_DEFAULT_SELFPAY);
	assert_string_equal(p.area_name, "三台县");
	assert_int_equal(set(d, &a, ZXT_COUNTY12, 2025, -1, 1300, &p, &ei), ZX_OK);
	assert_int_equal(p.version, 2);
	assert_int_equal(p.income_line, 700000); /* kept */
	assert_int_equal(p.warning_factor, 1300);
	/* Another year starts at version 1 again; the old rows are untouched. */
	assert_int_equal(set(d, &a, ZXT_COUNTY12, 2024, 680000, -1, &p, &ei), ZX_OK);
	assert_int_equal(p.version, 1);
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM policies"), 3);
	assert_int_equal(
	    mont_sql_int(d, "SELECT warning_factor FROM policies WHERE year = 2025 AND version = 1"), 1500);
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM audit_log WHERE action = 'policy.set'"), 3);
}

static void test_the_first_version_needs_an_income_line(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zx_actor_cli(&a);
	zx_policy p;
	zx_errinfo ei;
	assert_int_equal(set(d, &a, ZXT_COUNTY12, 2025, -1, 1500, &p, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.field, "income_line");
}

static void test_the_county_policy_wins_over_the_province_and_the_province_fills_in(void **state)
{
	zxt_db *d = *state;
	zx_actor cli;
	zx_actor_cli(&cli);
	zx_policy p;
	zx_errinfo ei;
	assert_int_equal(set(d, &cli, "510000000000", 2025, 680000, -1, &p, &ei), ZX_OK);
	assert_int_equal(zx_policy_effective(d->c, ZXT_VILLAGE_A1, 2025, &p, &ei), ZX_OK);
	assert_string_equal(p.area_code, "510000000000");
	assert_int_equal(p.income_line, 680000);
	assert_int_equal(set(d, &cli, ZXT_COUNTY12, 2025, 700000, -1, &p, &ei), ZX_OK);
	assert_int_equal(zx_policy_effective(d->c, ZXT_VILLAGE_A1, 2025, &p, &ei), ZX_OK);
	assert_string_equal(p.area_code, ZXT_COUNTY12);
	assert_int_equal(p.income_line, 700000);
}

static void test_no_policy_for_the_year_names_the_area_and_the_year(void **state)
{
	zxt_db *d = *state;
	zx_policy p;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_policy_effective(d->c, ZXT_VILLAGE_A1, 2025, &p, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "no_policy");
	assert_string_equal(ei.message, "2025年 三台县 未设置监测线（政策参数），请县级管理员先设置");
}

static void test_only_county_admins_set_parameters_and_only_for_their_county(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zx_policy p;
	zx_errinfo ei;
	zxt_actor(&a, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A);
	assert_int_equal(set(d, &a, ZXT_COUNTY12, 2025, 700000, -1, &p, &ei), ZX_EFORBIDDEN);
	zxt_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	assert_int_equal(set(d, &a, "510000000000", 2025, 700000, -1, &p, &ei),
	                 ZX_EFORBIDDEN); /* the province */
	assert_int_equal(set(d, &a, "510723000000", 2025, 700000, -1, &p, &ei), ZX_EFORBIDDEN); /* 盐亭县 */
	assert_int_equal(set(d, &a, ZXT_TOWN_A, 2025, 700000, -1, &p, &ei), ZX_EVALIDATION);    /* a town */
	assert_string_equal(ei.code, "policy_area_level");
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM policies"), 0);
}

static void test_out_of_range_parameters_are_refused(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zx_actor_cli(&a);
	zx_policy p;
	zx_errinfo ei;
	assert_int_equal(set(d, &a, ZXT_COUNTY12, 2025, 0, -1, &p, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.field, "income_line");
	assert_int_equal(set(d, &a, ZXT_COUNTY12, 2025, 700000, 999, &p, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.field, "warning_factor");
	zx_policy_input in = {ZXT_COUNTY12, 2025, 700000, -1, 0, -1, -1};
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_policy_set(d->c, &a, &in, &p, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.field, "drop_percent");
	in = (zx_policy_input){ZXT_COUNTY12, 1999, 700000, -1, -1, -1, -1};
	assert_int_equal(zx_policy_set(d->c, &a, &in, &p, &ei), ZX_EINVAL);
}

static void test_a_screening_records_the_policy_version_it_used(void **state)
{
	zxt_db *d = *state;
	mont_plain(d, ZXT_VILLAGE_A1, "5107221010020001", 1, 300);
	mont_survey(d, "5107221010020001", 2025, 650000);
	mont_policy(d, ZXT_COUNTY12, 2025, 7000, 1500, 30, 5000, 50);
	mont_policy(d, ZXT_COUNTY12, 2025, 6000, 1500, 30, 5000, 50);
	zx_actor a;
	zx_actor_cli(&a);
	zx_screen_result r;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_screen_save(d->c, &a, ZXT_COUNTY12, 2025, &r, &ei), ZX_OK);
	assert_int_equal(r.policy.version, 2);
	assert_int_equal(r.counts[0], 0); /* 6500 is not below the version-2 line of 6000 */
	assert_int_equal(mont_sql_int(d, "SELECT policy_version FROM screenings"), 2);
	assert_int_equal(mont_sql_int(d, "SELECT policy_id FROM screenings"),
	                 mont_sql_int(d, "SELECT id FROM policies WHERE version = 2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_every_change_is_a_new_version_and_keeps_unset_fields, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_the_first_version_needs_an_income_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_the_county_policy_wins_over_the_province_and_the_province_fills_in, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_policy_for_the_year_names_the_area_and_the_year, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_only_county_admins_set_parameters_and_only_for_their_county,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_out_of_range_parameters_are_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_screening_records_the_policy_version_it_used, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
