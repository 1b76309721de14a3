/*
 * test_screening.c — the screening rules, each at its boundary (domain.md §3), the
 * wording of reasons, households without a survey, 监测户 left out, the rule table as
 * data, stored runs, and the department-warnings import that feeds dept_warning.
 *
 * Policy of the fixture: 监测线 7000元, 预警带 ×1.5 (10500元), drop 30%, 医保 5000元 or 50%.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/monitoring/screening.h"
#include "domain/monitoring/warnings.h"
#include "monitoring_fixture.h"

#define V ZXT_VILLAGE_A1
#define YEAR 2025

/* Households of the fixture: number, size, facts, 2025 and 2024 纯收入 (分; -1 no survey). */
static const struct fixture_hh {
	const char *no;
	int size;
	int housing, water, uninsured, dropouts;
	const char *category;
	int64_t net, last;
} households[] = {
    {"5107221010020001", 1, 1, 1, 0, 0, NULL, 699999, -1},           /* pc 6999.99: below the line */
    {"5107221010020002", 1, 1, 1, 0, 0, NULL, 700000, -1},           /* pc 7000 == line: band, not below */
    {"5107221010020003", 1, 1, 1, 0, 0, NULL, 1049999, -1},          /* top of the band */
    {"5107221010020004", 1, 1, 1, 0, 0, NULL, 1050000, -1},          /* line × factor: nothing */
    {"5107221010020005", 2, 1, 1, 0, 0, NULL, 2799998, 4000000},     /* drop 30.00005% */
    {"5107221010020006", 2, 1, 1, 0, 0, NULL, 2800000, 4000000},     /* drop exactly 30%: nothing */
    {"5107221010020007", 1, 1, 1, 0, 0, NULL, 1100000, 0},           /* last year 0: no drop */
    {"5107221010020008", 1, 1, 1, 0, 0, NULL, 1100000, -500},        /* last year negative: no drop */
    {"5107221010020009", 1, 0, 1, 0, 0, NULL, 2000000, -1},          /* 住房安全 = 否 */
    {"5107221010020010", 1, -1, -1, 0, 0, NULL, 2000000, -1},        /* unknown housing/water: nothing */
    {"5107221010020011", 1, 1, 0, 0, 0, NULL, 2000000, -1},          /* 饮水安全 = 否 */
    {"5107221010020012", 3, 1, 1, 2, 0, NULL, 6000000, -1},          /* 2 members uninsured */
    {"5107221010020013", 3, 1, 1, 0, 1, NULL, 6000000, -1},          /* 1 dropout */
    {"5107221010020014", 1, 1, 1, 0, 0, "边缘易致贫户", 500000, -1}, /* 监测户: not screened */
    {"5107221010020015", 1, 0, 1, 0, 0, NULL, -1, -1},               /* no survey: missing, not a candidate */
    {"5107221010020016", 4, 1, 1, 0, 0, NULL, 2448000, -1},          /* pc 6120 for the wording test */
    {"5107221010020017", 1, 1, 1, 0, 0, NULL, 2000000, -1},          /* 医保 4999.99: nothing */
    {"5107221010020018", 1, 1, 1, 0, 0, NULL, 2000000, -1},          /* 医保 5000: dept_warning */
    {"5107221010020019", 2, 1, 1, 0, 0, NULL, 4000000, -1},          /* 医保 2500 + 2500 of two members */
    {"5107221010020020", 1, 1, 1, 0, 0, NULL, 800000, -1},  /* 医保 4000 = 50% of 8000: band + dept */
    {"5107221010020021", 1, 1, 1, 0, 0, NULL, 2000000, -1}, /* 民政 低保, no amount */
    {"5107221010020022", 1, 1, 1, 0, 0, NULL, 2000000, -1}, /* 医保 9000 but in 2024 */
};
#define NHH (sizeof(households) / sizeof(households[0]))

static int id_base(size_t i)
{
	return 1000 + (int)i * 10;
}

static char *id_of(size_t i, int member, char out[19])
{
	mont_id(id_base(i) + member, out);
	return out;
}

static void import_warnings(zxt_db *d)
{
	char ids[8][19], text[2048], path[256];
	snprintf(text, sizeof(text),
	         "证件号码,来源部门,预警类型,金额,发生日期,说明\n"
	         "%s,医保,住院自付,4999.99,2025-03-01,\n"
	         "%s,医保局,住院自付,5000,2025/3/2,\n"
	         "%s,医保,门诊自付,2500,2025-04-01,\n"
	         "%s,医保,门诊自付,2500,20250402,\n"
	         "%s,医疗保障局,住院自付,4000,2025年5月1日,\n"
	         "%s,民政,低保,,2025-06-01,纳入低保\n"
	         "%s,医保,住院自付,9000,2024-12-31,\n",
	         id_of(16, 0, ids[0]), id_of(17, 0, ids[1]), id_of(18, 0, ids[2]), id_of(18, 1, ids[3]),
	         id_of(19, 0, ids[4]), id_of(20, 0, ids[5]), id_of(21, 0, ids[6]));
	mont_write(d, "warnings.csv", text, path, sizeof(path));
	zx_actor a;
	zx_actor_cli(&a);
	zx_mon_import r;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_warnings_import_file(d->c, &a, zxt_keys(), path, false, &r, &ei);
	if (e)
		fail_msg("warnings import: %s", ei.message);
	assert_int_equal(r.written, 7);
}

static int setup(void **state)
{
	zxt_db *d = calloc(1, sizeof(*d));
	zxt_db_open(d, 0);
	zxt_load_county(d);
	for (size_t i = 0; i < NHH; i++) {
		const struct fixture_hh *h = &households[i];
		mont_hh m = {V,          h->no,    h->size,      NULL,        h->category,
		             h->housing, h->water, h->uninsured, h->dropouts, id_base(i)};
		mont_household(d, &m);
		if (h->net != -1)
			mont_survey(d, h->no, YEAR, h->net);
		if (h->last != -1)
			mont_survey(d, h->no, YEAR - 1, h->last);
	}
	import_warnings(d);
	mont_policy(d, ZXT_COUNTY12, YEAR, 7000, 1500, 30, 5000, 50);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	zxt_db_close(*state);
	free(*state);
	return 0;
}

/* The outcome of one run: rules and reasons per household number. */
typedef struct outcome {
	char no[NHH][24];
	unsigned rules[NHH];
	char reasons[NHH][1024];
	int n;
} outcome;

static bool collect(void *ctx, const zx_screen_candidate *c)
{
	outcome *o = ctx;
	assert_true(o->n < (int)NHH);
	snprintf(o->no[o->n], sizeof(o->no[o->n]), "%s", c->hh_no);
	o->rules[o->n] = c->rules;
	o->reasons[o->n][0] = '\0';
	for (int i = 0; i < c->nrules; i++) {
		size_t len = strlen(o->reasons[o->n]);
		snprintf(o->reasons[o->n] + len, sizeof(o->reasons[o->n]) - len, "%s%s", i ? "|" : "",
		         c->reasons[i]);
	}
	o->n++;
	return true;
}

static void run(zxt_db *d, outcome *o, zx_screen_result *r)
{
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_VILLAGE_CLERK, V);
	memset(o, 0, sizeof(*o));
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_screen_run(d->c, &a, V, YEAR, collect, o, r, &ei);
	if (e)
		fail_msg("screen: %s", ei.message);
}

/* The rules of household i (by fixture index); -1 when it is not a candidate. */
static long rules_of(const outcome *o, size_t i, const char **reasons)
{
	for (int k = 0; k < o->n; k++)
		if (strcmp(o->no[k], households[i].no) == 0) {
			if (reasons)
				*reasons = o->reasons[k];
			return (long)o->rules[k];
		}
	return -1;
}

static void test_income_rules_fire_exactly_at_their_boundaries(void **state)
{
	outcome o;
	zx_screen_result r;
	run(*state, &o, &r);
	assert_int_equal(rules_of(&o, 0, NULL), ZX_RULE_INCOME_BELOW_LINE);
	assert_int_equal(rules_of(&o, 1, NULL), ZX_RULE_INCOME_WARNING_BAND); /* pc == line */
	assert_int_equal(rules_of(&o, 2, NULL), ZX_RULE_INCOME_WARNING_BAND);
	assert_int_equal(rules_of(&o, 3, NULL), -1); /* pc == line × factor */
	assert_int_equal(rules_of(&o, 4, NULL), ZX_RULE_INCOME_DROP);
	assert_int_equal(rules_of(&o, 5, NULL), -1); /* a drop of exactly 30% */
	assert_int_equal(rules_of(&o, 6, NULL), -1); /* last year 0 */
	assert_int_equal(rules_of(&o, 7, NULL), -1); /* last year negative */
}

static void test_housing_water_medical_and_school_rules_fire_on_their_facts_only(void **state)
{
	outcome o;
	zx_screen_result r;
	run(*state, &o, &r);
	const char *why = "";
	assert_int_equal(rules_of(&o, 8, NULL), ZX_RULE_HOUSING_UNSAFE);
	assert_int_equal(rules_of(&o, 9, NULL), -1); /* unknown is not 否 */
	assert_int_equal(rules_of(&o, 10, NULL), ZX_RULE_WATER_UNSAFE);
	assert_int_equal(rules_of(&o, 11, &why), ZX_RULE_MEDICAL_UNINSURED);
	assert_string_equal(why, "2名家庭成员未参加基本医疗保险");
	assert_int_equal(rules_of(&o, 12, &why), ZX_RULE_SCHOOL_DROPOUT);
	assert_string_equal(why, "1名家庭成员失学辍学");
}

static void test_dept_warning_fires_at_the_medical_threshold_or_ratio_within_the_year(void **state)
{
	outcome o;
	zx_screen_result r;
	run(*state, &o, &r);
	const char *why = "";
	assert_int_equal(rules_of(&o, 16, NULL), -1); /* 4999.99 */
	assert_int_equal(rules_of(&o, 17, &why), ZX_RULE_DEPT_WARNING);
	assert_string_equal(why, "部门预警：医保个人自付 5000元 达到 5000元");
	assert_int_equal(rules_of(&o, 18, NULL), ZX_RULE_DEPT_WARNING); /* 2500 + 2500 of two members */
	assert_int_equal(rules_of(&o, 19, &why), ZX_RULE_INCOME_WARNING_BAND | ZX_RULE_DEPT_WARNING);
	assert_non_null(strstr(why, "医保个人自付 4000元 达到家庭纯收入的 50%"));
	assert_int_equal(rules_of(&o, 20, &why), ZX_RULE_DEPT_WARNING);
	assert_string_equal(why, "部门预警：民政 低保");
	assert_int_equal(rules_of(&o, 21, NULL), -1); /* dated last year */
}

static void test_reasons_carry_the_figures_rounded_for_display(void **state)
{
	outcome o;
	zx_screen_result r;
	run(*state, &o, &r);
	const char *why = "";
	assert_int_equal(rules_of(&o, 15, &why), ZX_RULE_INCOME_BELOW_LINE);
	assert_string_equal(why, "人均纯收入 6120元 低于监测线 7000元");
	assert_int_equal(rules_of(&o, 0, &why), ZX_RULE_INCOME_BELOW_LINE);
	assert_string_equal(why, "人均纯收入 7000元 低于监测线 7000元"); /* 6999.99 shown whole */
	rules_of(&o, 2, &why);
	assert_string_equal(why, "人均纯收入 10500元 处于预警带（监测线 7000元 至 10500元）");
	rules_of(&o, 4, &why);
	assert_string_equal(why, "人均纯收入 14000元 比上年 20000元 下降 30.0%，超过 30%");
}

static void test_monitored_households_are_left_out_and_missing_surveys_are_counted_apart(void **state)
{
	outcome o;
	zx_screen_result r;
	run(*state, &o, &r);
	assert_int_equal(rules_of(&o, 13, NULL), -1); /* 监测户 */
	assert_int_equal(rules_of(&o, 14, NULL), -1); /* no survey, although housing is unsafe */
	assert_int_equal(r.missing_income, 1);
	assert_int_equal(r.screened, (int64_t)NHH - 2);
	assert_int_equal(r.candidates, o.n);
	assert_int_equal(r.policy.version, 1);
	/* counts per rule, in rule order */
	int64_t expect[8] = {2, 3, 1, 1, 1, 1, 1, 4};
	assert_int_equal(r.nrules, 8);
	for (int i = 0; i < 8; i++)
		assert_int_equal(r.counts[i], expect[i]);
	char *json = zx_screen_counts_json(&r);
	assert_string_equal(json, "{\"income_below_line\":2,\"income_warning_band\":3,\"income_drop\":1,"
	                          "\"housing_unsafe\":1,\"water_unsafe\":1,\"medical_uninsured\":1,"
	                          "\"school_dropout\":1,\"dept_warning\":4}");
	free(json);
}

static void test_a_disabled_rule_in_the_rule_table_is_not_reported(void **state)
{
	zxt_db *d = *state;
	zx_actor cli;
	zx_actor_cli(&cli);
	zxt_sql(d->path,
	        "UPDATE screening_rules SET enabled = 0 WHERE id = 'housing_unsafe';"
	        "UPDATE screening_rules SET template = '人均 {pc} < {line}' WHERE id = 'income_below_line'",
	        NULL, 0);
	outcome o;
	zx_screen_result r;
	run(d, &o, &r);
	const char *why = "";
	assert_int_equal(rules_of(&o, 8, NULL), -1);
	rules_of(&o, 15, &why);
	assert_string_equal(why, "人均 6120 < 7000");
	char *json = zx_screen_counts_json(&r);
	assert_null(strstr(json, "housing_unsafe"));
	free(json);
}

static void test_a_stored_run_keeps_candidates_and_households_without_a_survey(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A);
	zx_screen_result r;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_screen_save(d->c, &a, ZXT_TOWN_A, YEAR, &r, &ei), ZX_OK);
	assert_true(r.screening_id > 0);
	assert_int_equal(
	    mont_sql_int(d, "SELECT count(*) FROM screening_candidates WHERE missing_income = 0"),
	    r.candidates);
	assert_int_equal(
	    mont_sql_int(d, "SELECT count(*) FROM screening_candidates WHERE missing_income = 1"), 1);
	assert_int_equal(mont_sql_int(d, "SELECT candidates FROM screenings"), r.candidates);
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM screening_candidates WHERE rule_ids = "
	                                 "'income_warning_band,dept_warning'"),
	                 1);
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM audit_log WHERE action = 'screening.run'"), 1);
}

static void test_screening_outside_the_scope_or_above_a_county_is_refused(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zx_screen_result r;
	zx_errinfo ei;
	zxt_actor(&a, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A2);
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_screen_run(d->c, &a, V, YEAR, NULL, NULL, &r, &ei), ZX_EFORBIDDEN);
	zx_actor_cli(&a);
	assert_int_equal(zx_screen_run(d->c, &a, "510000000000", YEAR, NULL, NULL, &r, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "area_level");
	assert_int_equal(zx_screen_run(d->c, &a, V, 2030, NULL, NULL, &r, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "no_policy");
	zxt_actor(&a, ZX_ROLE_AUDIT_ADMIN, ZXT_COUNTY12);
	assert_int_equal(zx_screen_run(d->c, &a, V, YEAR, NULL, NULL, &r, &ei), ZX_EFORBIDDEN);
}

/* --- the warnings import ------------------------------------------------------------------------- */

static zx_err warn_import(zxt_db *d, const char *text, bool allow, zx_mon_import *r, zx_errinfo *ei)
{
	char path[256];
	mont_write(d, "w.csv", text, path, sizeof(path));
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_DEPT_USER, ZXT_COUNTY12);
	zx_errinfo_clear(ei);
	return zx_warnings_import_file(d->c, &a, zxt_keys(), path, allow, r, ei);
}

static void test_unmatched_ids_fail_the_file_and_are_listed_masked(void **state)
{
	zxt_db *d = *state;
	char known[19], unknown[19], text[1024];
	mont_id(id_base(0), known);
	mont_id(40000, unknown);
	snprintf(text, sizeof(text),
	         "证件号码,来源部门,预警类型,金额,发生日期,说明\n%s,残联,残疾,,2025-01-02,\n%s,人社,失业,,"
	         "2025-01-03,\n",
	         known, unknown);
	int64_t before = mont_sql_int(d, "SELECT count(*) FROM dept_warnings");
	zx_mon_import r;
	zx_errinfo ei;
	assert_int_equal(warn_import(d, text, false, &r, &ei), ZX_EVALIDATION);
	assert_int_equal(r.unmatched, 1);
	assert_int_equal(r.issues[0].row, 3);
	assert_null(strstr(r.issues[0].message, unknown)); /* never the ID in clear */
	assert_non_null(strstr(r.issues[0].message, "找不到"));
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM dept_warnings"), before);
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM warning_batches"), 1); /* the fixture's only */
	/* Allowed: the matched row is imported, the unmatched one kept with the batch and listed. */
	assert_int_equal(warn_import(d, text, true, &r, &ei), ZX_OK);
	assert_int_equal(r.written, 1);
	assert_int_equal(r.unmatched, 1);
	assert_int_equal(r.nissues, 1);
	assert_int_equal(r.issues[0].row, 3);
	assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM warning_unmatched"), 1);
	assert_int_equal(mont_sql_int(d, "SELECT rows_unmatched FROM warning_batches ORDER BY id DESC"), 1);
	/* The same file again: nothing new, the warning is a duplicate. */
	assert_int_equal(warn_import(d, text, true, &r, &ei), ZX_OK);
	assert_int_equal(r.written, 0);
	assert_int_equal(r.duplicates, 1);
}

static void test_malformed_warning_rows_fail_the_file_naming_row_and_column(void **state)
{
	zxt_db *d = *state;
	char known[19], bad[19], text[1024];
	mont_id(id_base(0), known);
	snprintf(bad, sizeof(bad), "%s", known);
	bad[17] = bad[17] == '0' ? '1' : '0';
	snprintf(text, sizeof(text),
	         "证件号码,来源部门,预警类型,金额,发生日期,说明\n%s,医保,住院,-1,2025-01-02,\n%s,公安,x,,"
	         "2025-01-02,\n"
	         "%s,医保,住院,1,2099-01-01,\n%s,医保,住院,1,2025-01-01,\n",
	         known, known, known, bad);
	zx_mon_import r;
	zx_errinfo ei;
	assert_int_equal(warn_import(d, text, true, &r, &ei), ZX_EVALIDATION);
	assert_int_equal(r.issues_total, 4);
	assert_string_equal(r.issues[0].field, "金额");
	assert_string_equal(r.issues[1].field, "来源部门");
	assert_string_equal(r.issues[2].field, "发生日期");
	assert_string_equal(r.issues[3].field, "证件号码");
	assert_int_equal(r.issues[3].row, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_income_rules_fire_exactly_at_their_boundaries, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        test_housing_water_medical_and_school_rules_fire_on_their_facts_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_dept_warning_fires_at_the_medical_threshold_or_ratio_within_the_year, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reasons_carry_the_figures_rounded_for_display, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        test_monitored_households_are_left_out_and_missing_surveys_are_counted_apart, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(test_a_disabled_rule_in_the_rule_table_is_not_reported, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        test_a_stored_run_keeps_candidates_and_households_without_a_survey, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_screening_outside_the_scope_or_above_a_county_is_refused,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unmatched_ids_fail_the_file_and_are_listed_masked, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_warning_rows_fail_the_file_naming_row_and_column,
	                                    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
