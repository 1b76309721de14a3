/*
 * test_income.c — money in 分 and 收入采集: exact parsing and display rounding, one survey
 * through the domain call, and the all-or-nothing import of CSV/XLSX files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <xlsxwriter.h>

#include "monitoring_fixture.h"

#define HH1 "5107221010020001"
#define HH2 "5107221010020002"
#define HH_B "5107221040030001"
#define HEADER "户编号,年度,工资性收入,生产经营性收入,财产性收入,转移性收入,生产经营性支出\n"

static int setup(void **state)
{
	zxt_db *d = calloc(1, sizeof(*d));
	zxt_db_open(d, 0);
	zxt_load_county(d);
	mont_plain(d, ZXT_VILLAGE_A1, HH1, 4, 100);
	mont_plain(d, ZXT_VILLAGE_A1, HH2, 2, 110);
	mont_plain(d, ZXT_VILLAGE_B1, HH_B, 3, 120);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	zxt_db_close(*state);
	free(*state);
	return 0;
}

/* --- money ------------------------------------------------------------------------------------- */

static void test_money_parse_reads_yuan_with_up_to_two_decimals_into_fen(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(zx_money_parse("12345.67", false, &v), ZX_MONEY_OK);
	assert_int_equal(v, 1234567);
	assert_int_equal(zx_money_parse("12345.6", false, &v), ZX_MONEY_OK);
	assert_int_equal(v, 1234560);
	assert_int_equal(zx_money_parse("7000", false, &v), ZX_MONEY_OK);
	assert_int_equal(v, 700000);
	assert_int_equal(zx_money_parse("1,234.50", false, &v), ZX_MONEY_OK);
	assert_int_equal(v, 123450);
	assert_int_equal(zx_money_parse("0.01", false, &v), ZX_MONEY_OK);
	assert_int_equal(v, 1);
	assert_int_equal(zx_money_parse("-3.5", true, &v), ZX_MONEY_OK);
	assert_int_equal(v, -350);
	/* 0.1 + 0.2 style float noise can never enter: text is read digit by digit. */
	assert_int_equal(zx_money_parse("0.30", false, &v), ZX_MONEY_OK);
	assert_int_equal(v, 30);
}

static void test_money_parse_refuses_three_decimals_exponents_negatives_and_garbage(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(zx_money_parse("1.005", false, &v), ZX_MONEY_DECIMALS);
	assert_int_equal(zx_money_parse("1e5", false, &v), ZX_MONEY_BAD);
	assert_int_equal(zx_money_parse("12元", false, &v), ZX_MONEY_BAD);
	assert_int_equal(zx_money_parse("1,,000", false, &v), ZX_MONEY_BAD);
	assert_int_equal(zx_money_parse("", false, &v), ZX_MONEY_EMPTY);
	assert_int_equal(zx_money_parse("-1", false, &v), ZX_MONEY_NEGATIVE);
	assert_int_equal(zx_money_parse("99999999999999999999", false, &v), ZX_MONEY_TOO_LARGE);
}

static void test_per_capita_is_shown_in_whole_yuan_rounded_half_away_from_zero(void **state)
{
	(void)state;
	char out[32];
	zx_money_per_capita_yuan(2448200, 4, out, sizeof(out)); /* 6120.50 元 */
	assert_string_equal(out, "6121");
	zx_money_per_capita_yuan(2448196, 4, out, sizeof(out)); /* 6120.49 元 */
	assert_string_equal(out, "6120");
	zx_money_per_capita_yuan(-150, 3, out, sizeof(out)); /* -0.50 元 */
	assert_string_equal(out, "-1");
	assert_int_equal(zx_money_per_capita_fen(100, 3), 33);
	assert_int_equal(zx_money_per_capita_fen(200, 3), 67);
	zx_money_exact(-5, out, sizeof(out));
	assert_string_equal(out, "-0.05");
	zx_money_short(1056050, out, sizeof(out));
	assert_string_equal(out, "10560.5");
}

static void test_growth_is_shown_in_percent_with_one_decimal(void **state)
{
	(void)state;
	char out[32];
	/* seed 000: 14439元, 同比增长16.6% (from 12384元). */
	zx_tenths_format(zx_growth_tenths(1443900, 1, 1238400, 1), out, sizeof(out));
	assert_string_equal(out, "16.6");
	/* Population-weighted figures of a whole county do not overflow. */
	zx_tenths_format(
	    zx_growth_tenths(INT64_C(4000000000000000), 1000000, INT64_C(2000000000000000), 1000000), out,
	    sizeof(out));
	assert_string_equal(out, "100.0");
	zx_tenths_format(zx_growth_tenths(9950, 1, 10000, 1), out, sizeof(out)); /* −0.5% */
	assert_string_equal(out, "-0.5");
}

/* --- one survey -------------------------------------------------------------------------------- */

static void test_income_put_computes_net_and_per_capita_with_the_household_size(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1);
	zx_mon_household hh;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_mon_household_find(d->c, &a, HH1, &hh, &ei), ZX_OK);
	zx_income_figures f = {
	    .wage = 2000000, .business = 500000, .property = 1, .transfer = 300000, .expense = 352001};
	zx_income_survey s;
	assert_int_equal(zx_income_put(d->c, &a, &hh, 2025, &f, &s, &ei), ZX_OK);
	assert_int_equal(s.net, 2448000);
	assert_int_equal(s.size, 4);
	assert_int_equal(s.net_per_capita, 612000);
	assert_string_equal(s.updated_by, "t_village_clerk");
	/* Written again: replaced, not duplicated. */
	f.wage = 0;
	assert_int_equal(zx_income_put(d->c, &a, &hh, 2025, &f, &s, &ei), ZX_OK);
	assert_int_equal(s.net, 448000);
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM income_surveys"), 1);
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM audit_log WHERE action = 'income.put'"), 2);
}

static void test_income_put_refuses_negative_income_and_names_the_field(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zx_actor_cli(&a);
	zx_mon_household hh;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_mon_household_find(d->c, &a, HH1, &hh, &ei), ZX_OK);
	zx_income_figures f = {.wage = 100, .transfer = -1};
	zx_income_survey s;
	assert_int_equal(zx_income_put(d->c, &a, &hh, 2025, &f, &s, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.field, "转移性收入");
	assert_non_null(strstr(ei.message, "不能为负数"));
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM income_surveys"), 0);
}

static void test_income_put_refuses_more_than_ten_million_yuan_per_person(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zx_actor_cli(&a);
	zx_mon_household hh;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_mon_household_find(d->c, &a, HH2, &hh, &ei), ZX_OK); /* 2 persons */
	zx_income_survey s;
	zx_income_figures ok = {.business = ZX_INCOME_MAX_PER_PERSON_FEN * 2};
	assert_int_equal(zx_income_put(d->c, &a, &hh, 2025, &ok, &s, &ei), ZX_OK);
	zx_income_figures bad = {.business = ZX_INCOME_MAX_PER_PERSON_FEN * 2 + 1};
	assert_int_equal(zx_income_put(d->c, &a, &hh, 2025, &bad, &s, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "absurd_income");
	assert_string_equal(ei.field, "生产经营性收入");
}

static void test_household_outside_the_callers_scope_is_not_found(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A2);
	zx_mon_household hh;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_mon_household_find(d->c, &a, HH1, &hh, &ei), ZX_ENOTFOUND);
	assert_non_null(strstr(ei.message, "不在您的管理范围内"));
}

/* --- import ------------------------------------------------------------------------------------- */

static zx_err import_text(zxt_db *d, const zx_actor *a, const char *text, int year, zx_mon_import *r,
                          zx_errinfo *ei)
{
	char path[256];
	mont_write(d, "income.csv", text, path, sizeof(path));
	zx_errinfo_clear(ei);
	return zx_income_import_file(d->c, a, path, year, r, ei);
}

static void test_import_writes_every_row_with_its_figures(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zx_actor_cli(&a);
	zx_mon_import r;
	zx_errinfo ei;
	/* Columns in any order, a 元 suffix in the header, blank figures are 0. */
	assert_int_equal(
	    import_text(
	        d, &a,
	        "年度,户编号,工资性收入（元）,生产经营性收入,财产性收入,转移性收入,生产经营性支出,备注\n"
	        "2025," HH1 ",20000.50,5000,,3000,1000.25,x\n"
	        "2025," HH2 ",\"1,000.00\",0,0,0,0,\n"
	        "2024," HH1 ",10000,0,0,0,0,\n",
	        0, &r, &ei),
	    ZX_OK);
	assert_int_equal(r.rows, 3);
	assert_int_equal(r.written, 3);
	assert_int_equal(r.ignored_columns, 1);
	assert_int_equal(mont_sql_int(d, "SELECT net FROM income_surveys WHERE year = 2025 AND size = 4"),
	                 2700025);
	assert_int_equal(
	    mont_sql_int(d, "SELECT net_per_capita FROM income_surveys WHERE year = 2025 AND size = 4"),
	    675006);
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM audit_log WHERE action = 'income.import'"), 1);
	/* Importing again replaces. */
	assert_int_equal(import_text(d, &a, HEADER "" HH1 ",2025,1,0,0,0,0\n", 2025, &r, &ei), ZX_OK);
	assert_int_equal(r.replaced, 1);
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM income_surveys"), 3);
}

static void test_import_refuses_duplicate_rows_naming_both_and_writes_nothing(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zx_actor_cli(&a);
	zx_mon_import r;
	zx_errinfo ei;
	assert_int_equal(import_text(d, &a,
	                             HEADER "" HH1 ",2025,100,0,0,0,0\n" HH2 ",2025,100,0,0,0,0\n" HH1
	                                    ",2025,200,0,0,0,0\n",
	                             2025, &r, &ei),
	                 ZX_EVALIDATION);
	assert_int_equal(r.issues_total, 1);
	assert_int_equal(r.issues[0].row, 4);
	assert_string_equal(r.issues[0].field, "户编号");
	assert_non_null(strstr(r.issues[0].message, "与第2行重复"));
	assert_int_equal(ei.row, 4);
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM income_surveys"), 0);
}

static void test_import_names_row_and_column_of_every_bad_figure(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zx_actor_cli(&a);
	zx_mon_import r;
	zx_errinfo ei;
	assert_int_equal(import_text(d, &a,
	                             HEADER HH1 ",2025,-5,0,0,0,0\n" HH2 ",2025,1.234,0,0,0,0\n" HH_B
	                                        ",2025,0,0,0,30000000000.01,0\n",
	                             2025, &r, &ei),
	                 ZX_EVALIDATION);
	assert_int_equal(r.issues_total, 3);
	assert_int_equal(r.issues[0].row, 2);
	assert_string_equal(r.issues[0].field, "工资性收入");
	assert_non_null(strstr(r.issues[0].message, "不能为负数"));
	assert_int_equal(r.issues[1].row, 3);
	assert_non_null(strstr(r.issues[1].message, "两位小数"));
	assert_int_equal(r.issues[2].row, 4);
	assert_string_equal(r.issues[2].field, "转移性收入");
	assert_non_null(strstr(ei.message, "共 3 处错误"));
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM income_surveys"), 0);
}

static void test_import_refuses_unknown_and_out_of_scope_households(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A);
	zx_mon_import r;
	zx_errinfo ei;
	assert_int_equal(import_text(d, &a,
	                             HEADER HH1 ",2025,1,0,0,0,0\n" HH_B ",2025,1,0,0,0,0\n"
	                                        "5107229999999999,2025,1,0,0,0,0\n",
	                             2025, &r, &ei),
	                 ZX_EVALIDATION);
	assert_int_equal(r.issues_total, 2);
	assert_int_equal(r.issues[0].row, 3); /* town B's household: outside a town-A admin's scope */
	assert_int_equal(r.issues[1].row, 4);
	assert_non_null(strstr(r.issues[1].message, "不存在或不在您的管理范围内"));
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM income_surveys"), 0);
}

static void test_import_refuses_a_file_without_a_required_column(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zx_actor_cli(&a);
	zx_mon_import r;
	zx_errinfo ei;
	assert_int_equal(import_text(d, &a,
	                             "户编号,年度,工资性收入,生产经营性收入,财产性收入,转移性收入\n" HH1
	                             ",2025,1,0,0,0\n",
	                             0, &r, &ei),
	                 ZX_EVALIDATION);
	assert_string_equal(ei.code, "missing_column");
	assert_string_equal(ei.field, "生产经营性支出");
	/* 年度 may be left out only when the year is given. */
	assert_int_equal(
	    import_text(d, &a,
	                "户编号,工资性收入,生产经营性收入,财产性收入,转移性收入,生产经营性支出\n" HH1
	                ",1,0,0,0,0\n",
	                0, &r, &ei),
	    ZX_EVALIDATION);
	assert_string_equal(ei.field, "年度");
	assert_int_equal(
	    import_text(d, &a,
	                "户编号,工资性收入,生产经营性收入,财产性收入,转移性收入,生产经营性支出\n" HH1
	                ",1,0,0,0,0\n",
	                2025, &r, &ei),
	    ZX_OK);
	/* A column twice is refused by name; an unknown one is counted and ignored. */
	assert_int_equal(
	    import_text(d, &a,
	                "户编号,年度,工资性收入,生产经营性收入,财产性收入,转移性收入,生产经营性支出,"
	                "工资性收入（元）\n" HH1 ",2025,1,0,0,0,0,1\n",
	                0, &r, &ei),
	    ZX_EVALIDATION);
	assert_string_equal(ei.code, "duplicate_column");
	assert_string_equal(ei.field, "工资性收入");
	assert_int_equal(
	    import_text(d, &a,
	                "户编号,年度,工资性收入,生产经营性收入,财产性收入,转移性收入,生产经营性支出,"
	                "备注\n" HH1 ",2025,1,0,0,0,0,x\n",
	                0, &r, &ei),
	    ZX_OK);
	assert_int_equal(r.ignored_columns, 1);
}

static void test_import_refuses_a_year_other_than_the_one_given(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zx_actor_cli(&a);
	zx_mon_import r;
	zx_errinfo ei;
	assert_int_equal(import_text(d, &a, HEADER HH1 ",2024,1,0,0,0,0\n", 2025, &r, &ei), ZX_EVALIDATION);
	assert_string_equal(r.issues[0].field, "年度");
	assert_non_null(strstr(r.issues[0].message, "不一致"));
}

static void test_import_reads_xlsx_numbers_exactly(void **state)
{
	zxt_db *d = *state;
	char path[256];
	snprintf(path, sizeof(path), "%s/income.xlsx", d->dir);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	const char *head[] = {"户编号",     "年度",       "工资性收入",    "生产经营性收入",
	                      "财产性收入", "转移性收入", "生产经营性支出"};
	for (int i = 0; i < 7; i++)
		worksheet_write_string(ws, 0, (lxw_col_t)i, head[i], NULL);
	worksheet_write_string(ws, 1, 0, HH2, NULL);
	worksheet_write_number(ws, 1, 1, 2025, NULL);
	worksheet_write_number(ws, 1, 2, 12345.67, NULL);
	worksheet_write_number(ws, 1, 3, 0.1, NULL);
	worksheet_write_number(ws, 1, 4, 0.2, NULL);
	worksheet_write_number(ws, 1, 5, 0, NULL);
	worksheet_write_number(ws, 1, 6, 0, NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	zx_actor a;
	zx_actor_cli(&a);
	zx_mon_import r;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_income_import_file(d->c, &a, path, 2025, &r, &ei);
	if (e)
		fail_msg("%s", ei.message);
	assert_int_equal(mont_sql_int(d, "SELECT net FROM income_surveys"), 1234597);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_money_parse_reads_yuan_with_up_to_two_decimals_into_fen),
	    cmocka_unit_test(test_money_parse_refuses_three_decimals_exponents_negatives_and_garbage),
	    cmocka_unit_test(test_per_capita_is_shown_in_whole_yuan_rounded_half_away_from_zero),
	    cmocka_unit_test(test_growth_is_shown_in_percent_with_one_decimal),
	    cmocka_unit_test_setup_teardown(
	        test_income_put_computes_net_and_per_capita_with_the_household_size, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_income_put_refuses_negative_income_and_names_the_field,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_income_put_refuses_more_than_ten_million_yuan_per_person,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_household_outside_the_callers_scope_is_not_found, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_import_writes_every_row_with_its_figures, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_refuses_duplicate_rows_naming_both_and_writes_nothing,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_names_row_and_column_of_every_bad_figure, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_import_refuses_unknown_and_out_of_scope_households, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_import_refuses_a_file_without_a_required_column, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_import_refuses_a_year_other_than_the_one_given, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_import_reads_xlsx_numbers_exactly, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
