/*
 * test_indicators.c — 指标与目标 and 晾晒: exact values and periods, each ledger source kind
 * (count, sum of 分, sum of quantity, distinct persons; status, category and JSON-field
 * filters), each period kind (year, half, quarter, month, dated milestone and its share of the
 * year target, as_of), completion exact to the 分 (计划403.62万元, 完成425.5万元 → 105.42%),
 * who may set targets, ranking order, ties, weights, boards, snapshots and their exports.
 *
 * Ledger rows are written straight into ledger_entries (the table the ledger module owns) with
 * zxt_sql, on either backend, so the tests depend on its schema, not on its write path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <math.h>

#include "../lib/zxtest.h"
#include "domain/auth/audit.h"
#include "domain/indicator/indicator.h"
#include "domain/indicator/ranking.h"
#include "domain/report/figures.h"

#define V_A1 ZXT_VILLAGE_A1
#define V_A2 ZXT_VILLAGE_A2
#define V_A3 "510722101004"
#define V_A4 "510722101005"

typedef struct fx {
	zxt_db d;
	zx_actor county, town_a, town_b, clerk;
} fx;

static void fx_open(fx *f)
{
	memset(f, 0, sizeof(*f));
	zxt_db_open(&f->d, 0);
	zxt_load_county(&f->d);
	zxt_actor(&f->county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	zxt_actor(&f->town_a, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A);
	zxt_actor(&f->town_b, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_B);
	zxt_actor(&f->clerk, ZX_ROLE_VILLAGE_CLERK, V_A1);
}

static void fx_close(fx *f)
{
	zxt_db_close(&f->d);
}

/* One ledger row: kind, area, date, amount in 分 (<0 = NULL), quantity (<0 = NULL), person
 * id (0 = none), status, category, fields JSON. */
static void row(fx *f, const char *kind, const char *area, const char *date, int64_t fen, double qty,
                int64_t person, const char *status, const char *category, const char *fields)
{
	char v_fen[24] = "NULL", v_qty[32] = "NULL", v_person[24] = "NULL", sql[1024];
	if (fen >= 0)
		snprintf(v_fen, sizeof(v_fen), "%" PRId64, fen);
	if (qty >= 0)
		snprintf(v_qty, sizeof(v_qty), "%.6f", qty);
	if (person > 0)
		snprintf(v_person, sizeof(v_person), "%" PRId64, person);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO ledger_entries (county, kind, area_code, entry_date, amount_fen, quantity, "
	         "person_id, status,"
	         " category, fields, created_at, updated_at)"
	         " VALUES ('510722', '%s', '%s', '%s', %s, %s, %s, '%s', '%s', '%s', 0, 0)",
	         kind, area, date, v_fen, v_qty, v_person, status ? status : "", category ? category : "",
	         fields ? fields : "{}");
	assert_int_equal(zxt_sql(f->d.path, sql, NULL, 0), 1);
}

static int64_t person_id(fx *f, int nth)
{
	char sql[128], out[32];
	snprintf(sql, sizeof(sql), "SELECT id FROM persons ORDER BY id LIMIT 1 OFFSET %d", nth);
	assert_int_equal(zxt_sql(f->d.path, sql, out, sizeof(out)), 1);
	return strtoll(out, NULL, 10);
}

static zx_err set_target(fx *f, const zx_actor *a, const char *area, const char *key, const char *period,
                         const char *value, const char *share)
{
	zx_target_input in = {
	    .area = area, .year = 2026, .key = key, .period = period, .value = value, .share = share};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	return zx_target_set(f->d.c, a, &in, &ei);
}

static void must_set(fx *f, const char *area, const char *key, const char *period, const char *value,
                     const char *share)
{
	zx_err e = set_target(f, &f->county, area, key, period, value, share);
	if (e)
		fail_msg("set_target %s %s %s: %s", area, key, period, zx_err_name(e));
}

typedef struct found {
	const char *key;
	zx_ind_status s;
	bool seen;
} found;

static bool find_cb(void *ctx, const zx_ind_status *s)
{
	found *k = ctx;
	if (strcmp(s->ind->key, k->key) == 0) {
		k->s = *s;
		k->s.ind = NULL;
		k->seen = true;
	}
	return true;
}

static found status(fx *f, const char *area, const char *key, const char *period, const char *as_of)
{
	found k = {.key = key};
	zx_period p;
	assert_true(zx_period_parse(2026, period, &p));
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_period_cut(&p, as_of, &ei), ZX_OK);
	zx_err e = zx_indicator_status(f->d.c, &f->county, area, &p, find_cb, &k, &ei);
	if (e)
		fail_msg("status: %s %s", zx_err_name(e), ei.message);
	assert_true(k.seen);
	return k;
}

static void define(fx *f, const char *key, const char *unit, const char *kind, const char *agg,
                   const char *ff, const char *fv, int weight, bool higher, zx_err want)
{
	zx_indicator d = {.weight = weight, .higher_better = higher};
	snprintf(d.key, sizeof(d.key), "%s", key);
	snprintf(d.name, sizeof(d.name), "测试%s", key);
	snprintf(d.unit, sizeof(d.unit), "%s", unit);
	snprintf(d.source, sizeof(d.source), "ledger");
	snprintf(d.ledger_kind, sizeof(d.ledger_kind), "%s", kind);
	snprintf(d.agg, sizeof(d.agg), "%s", agg);
	snprintf(d.filter_field, sizeof(d.filter_field), "%s", ff);
	snprintf(d.filter_value, sizeof(d.filter_value), "%s", fv);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_indicator_define(f->d.c, &f->county, &d, NULL, &ei);
	if (e != want)
		fail_msg("define %s: %s %s", key, zx_err_name(e), ei.message);
}

/* ---- values and periods ----------------------------------------------------------------- */

static void test_values_parse_exactly_in_base_units_and_format_without_trailing_zeros(void **state)
{
	(void)state;
	int64_t v = 0;
	char s[48];
	assert_true(zx_ind_value_parse("万元", "403.62", &v));
	assert_int_equal(v, 403620000);
	assert_true(zx_ind_value_parse("万元", "147.6241", &v));
	assert_int_equal(v, 147624100);
	assert_true(zx_ind_value_parse("人", "169", &v));
	assert_int_equal(v, 16900);
	assert_true(zx_ind_value_parse("元", "0.01", &v));
	assert_int_equal(v, 1);
	assert_false(zx_ind_value_parse("元", "1.234", &v));
	assert_false(zx_ind_value_parse("人", "-1", &v));
	assert_false(zx_ind_value_parse("人", "1e3", &v));
	assert_false(zx_ind_value_parse("人", "12.", &v));
	assert_false(zx_ind_value_parse("人", ".5", &v));
	assert_false(zx_ind_value_parse("万元", "99999999999", &v));
	zx_ind_value_format("万元", 425500000, s, sizeof(s));
	assert_string_equal(s, "425.5");
	zx_ind_value_format("人", 16900, s, sizeof(s));
	assert_string_equal(s, "169");
	zx_ind_value_format("元", 1, s, sizeof(s));
	assert_string_equal(s, "0.01");
	zx_ind_pct_format(425500000.0 / 403620000.0, s, sizeof(s));
	assert_string_equal(s, "105.42");
	zx_ind_pct_format(1.05425, s, sizeof(s));
	assert_string_equal(s, "105.43");
	zx_ind_pct_format(0.7, s, sizeof(s));
	assert_string_equal(s, "70.00");
}

static void expect_period(const char *code, const char *want_code, const char *start, const char *end,
                          const char *label)
{
	zx_period p;
	if (!zx_period_parse(2028, code, &p))
		fail_msg("period %s refused", code);
	assert_string_equal(p.code, want_code);
	assert_string_equal(p.start, start);
	assert_string_equal(p.end, end);
	assert_string_equal(p.label, label);
}

static void test_every_period_kind_covers_its_dates(void **state)
{
	(void)state;
	expect_period("", "Y", "2028-01-01", "2028-12-31", "2028年");
	expect_period("H1", "H1", "2028-01-01", "2028-06-30", "2028年上半年");
	expect_period("H2", "H2", "2028-07-01", "2028-12-31", "2028年下半年");
	expect_period("Q2", "Q2", "2028-04-01", "2028-06-30", "2028年第二季度");
	expect_period("Q4", "Q4", "2028-10-01", "2028-12-31", "2028年第四季度");
	expect_period("M2", "M02", "2028-02-01", "2028-02-29", "2028年2月");
	expect_period("M12", "M12", "2028-12-01", "2028-12-31", "2028年12月");
	expect_period("D0630", "D0630", "2028-01-01", "2028-06-30", "2028年6月30日前");
	expect_period("2028-09-30", "D0930", "2028-01-01", "2028-09-30", "2028年9月30日前");
	zx_period p;
	assert_false(zx_period_parse(2028, "M13", &p));
	assert_false(zx_period_parse(2028, "Q5", &p));
	assert_false(zx_period_parse(2028, "D0230", &p));
	assert_false(zx_period_parse(2028, "2027-06-30", &p));
	assert_false(zx_period_parse(2028, "H1x", &p));
	assert_false(zx_period_parse(1999, "Y", &p));
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_true(zx_period_parse(2028, "Y", &p));
	assert_int_equal(zx_period_cut(&p, "2028-06-30", &ei), ZX_OK);
	assert_string_equal(p.end, "2028-06-30");
	assert_int_equal(zx_period_cut(&p, "2029-01-01", &ei), ZX_OK); /* after the end: no change */
	assert_string_equal(p.end, "2028-06-30");
	assert_int_equal(zx_period_cut(&p, "2027-12-31", &ei), ZX_EVALIDATION);
	assert_int_equal(zx_period_cut(&p, "2028-13-01", &ei), ZX_EVALIDATION);
}

/* ---- sources ---------------------------------------------------------------------------- */

static void test_microloan_completion_is_exact_to_the_fen(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	must_set(&f, ZXT_COUNTY12, "microloan", "Y", "403.62", NULL);
	row(&f, "microloan", V_A1, "2026-03-01", 200000000, -1, 0, "正常", "", NULL);
	row(&f, "microloan", ZXT_VILLAGE_B1, "2026-05-01", 225500000, -1, 0, "正常", "", NULL);
	row(&f, "microloan", V_A1, "2025-12-31", 5000000, -1, 0, "", "", NULL); /* last year */
	row(&f, "microloan", V_A1, "2027-01-01", 5000000, -1, 0, "", "", NULL); /* next year */
	row(&f, "subsidy", V_A1, "2026-03-01", 7000000, -1, 0, "", "", NULL);   /* another kind */
	found k = status(&f, ZXT_COUNTY12, "microloan", "Y", "");
	assert_true(k.s.has_target);
	assert_int_equal(k.s.target, 403620000);
	assert_int_equal(k.s.actual, 425500000);
	assert_true(k.s.has_completion);
	char p[32];
	zx_ind_pct_format(k.s.completion, p, sizeof(p));
	assert_string_equal(p, "105.42");
	assert_true(k.s.completion == 425500000.0 / 403620000.0);
	/* The same figures for reports: "小额信贷计划403.62万元，完成425.5万元，完成率105.42%". */
	zx_fig_ctx x;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_fig_ctx_init(&x, f.d.c, &f.county, ZXT_COUNTY12, 2026, &ei), ZX_OK);
	zx_figure fig;
	assert_int_equal(zx_figure_get(&x, "microloan_target", &fig, &ei), ZX_OK);
	assert_string_equal(fig.text, "403.62万元");
	assert_int_equal(zx_figure_get(&x, "microloan_issued", &fig, &ei), ZX_OK);
	assert_string_equal(fig.text, "425.5万元");
	assert_int_equal(zx_figure_get(&x, "microloan_completion_pct", &fig, &ei), ZX_OK);
	assert_string_equal(fig.text, "105.42%");
	assert_int_equal(zx_figure_get(&x, "river_patrol_completion_pct", &fig, &ei), ZX_OK);
	assert_false(fig.v.has); /* no target: no data, never 0% */
	zx_fig_ctx_done(&x);
	/* Town A counts only its own village's rows and has no target of its own. */
	k = status(&f, ZXT_TOWN_A, "microloan", "Y", "");
	assert_false(k.s.has_target);
	assert_false(k.s.has_completion);
	assert_int_equal(k.s.actual, 200000000);
	fx_close(&f);
}

static void test_each_ledger_aggregate_and_filter_kind_counts_its_rows(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	zxt_household(&f.d, V_A1, "510722101002601", 3);
	int64_t p1 = person_id(&f, 0), p2 = person_id(&f, 1);
	/* count_person: one person holding two posts counts once. */
	row(&f, "public_post", V_A1, "2026-02-01", -1, -1, p1, "在岗", "", NULL);
	row(&f, "public_post", V_A1, "2026-08-01", -1, -1, p1, "在岗", "", NULL);
	row(&f, "public_post", V_A1, "2026-08-01", -1, -1, p2, "离岗", "", NULL);
	assert_int_equal(status(&f, V_A1, "public_post", "Y", "").s.actual, 200);
	/* count with a category filter: 巡河 only. */
	row(&f, "inspection", V_A1, "2026-04-02", -1, -1, 0, "", "巡河", NULL);
	row(&f, "inspection", V_A1, "2026-04-03", -1, -1, 0, "", "巡河", NULL);
	row(&f, "inspection", V_A1, "2026-04-04", -1, -1, 0, "", "巡林", NULL);
	assert_int_equal(status(&f, V_A1, "river_patrol", "Y", "").s.actual, 200);
	/* status filter and sum of quantity. */
	define(&f, "posts_on_duty", "人", "public_post", "count", "status", "在岗", 10, true, ZX_OK);
	assert_int_equal(status(&f, V_A1, "posts_on_duty", "Y", "").s.actual, 200);
	define(&f, "farmland_mu", "亩", "project", "sum_quantity", "", "", 10, true, ZX_OK);
	row(&f, "project", V_A1, "2026-05-01", 100000, 12.5, 0, "", "", NULL);
	row(&f, "project", V_A1, "2026-06-01", 100000, 0.25, 0, "", "", NULL);
	assert_int_equal(status(&f, V_A1, "farmland_mu", "Y", "").s.actual, 1275);
	assert_int_equal(status(&f, V_A1, "projects", "Y", "").s.actual, 200);
	/* A key of the row's JSON fields, the name bound as a parameter. */
	define(&f, "loan_overdue", "万元", "microloan", "sum_amount", "repay_status", "逾期", 5, false,
	       ZX_OK);
	row(&f, "microloan", V_A1, "2026-03-01", 3000000, -1, 0, "", "", "{\"repay_status\":\"逾期\"}");
	row(&f, "microloan", V_A1, "2026-03-02", 4000000, -1, 0, "", "", "{\"repay_status\":\"正常\"}");
	assert_int_equal(status(&f, V_A1, "loan_overdue", "Y", "").s.actual, 3000000);
	/* Field names that are not plain identifiers are refused before any SQL runs. */
	define(&f, "bad_filter", "人", "public_post", "count", "x') OR 1=1 --", "1", 10, true,
	       ZX_EVALIDATION);
	define(&f, "bad_filter", "人", "public_post", "count", "a.b", "1", 10, true, ZX_EVALIDATION);
	define(&f, "bad_money", "人", "microloan", "sum_amount", "", "", 10, true, ZX_EVALIDATION);
	define(&f, "bad_count", "万元", "microloan", "count", "", "", 10, true, ZX_EVALIDATION);
	define(&f, "bad_kind", "人", "nosuchkind", "count", "", "", 10, true, ZX_EVALIDATION);
	define(&f, "Bad-Key", "人", "project", "count", "", "", 10, true, ZX_EVALIDATION);
	define(&f, "heavy", "人", "project", "count", "", "", 101, true, ZX_EVALIDATION);
	fx_close(&f);
}

static void test_figure_source_counts_a_registry_figure_and_refuses_indicator_figures(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	zxt_household(&f.d, V_A1, "510722101002601", 2);
	zxt_household(&f.d, V_A2, "510722101003602", 3);
	zx_indicator h = {.weight = 10, .higher_better = true};
	snprintf(h.key, sizeof(h.key), "hh_registered");
	snprintf(h.name, sizeof(h.name), "登记户数");
	snprintf(h.unit, sizeof(h.unit), "户");
	snprintf(h.source, sizeof(h.source), "figure");
	snprintf(h.figure, sizeof(h.figure), "households_total");
	zx_errinfo e0;
	zx_errinfo_clear(&e0);
	assert_int_equal(zx_indicator_define(f.d.c, &f.county, &h, NULL, &e0), ZX_OK);
	must_set(&f, ZXT_TOWN_A, "hh_registered", "Y", "4", NULL);
	found k = status(&f, ZXT_TOWN_A, "hh_registered", "Y", "");
	assert_true(k.s.has_actual);
	assert_int_equal(k.s.actual, 200);
	assert_true(k.s.completion == 0.5);
	assert_int_equal(status(&f, V_A1, "hh_registered", "Y", "").s.actual, 100);
	/* An indicator figure would compute itself. */
	snprintf(h.key, sizeof(h.key), "loop");
	snprintf(h.unit, sizeof(h.unit), "%%");
	snprintf(h.figure, sizeof(h.figure), "microloan_completion_pct");
	assert_int_equal(zx_indicator_define(f.d.c, &f.county, &h, NULL, &e0), ZX_EVALIDATION);
	zx_indicator d = {.weight = 10, .higher_better = true};
	snprintf(d.key, sizeof(d.key), "fig_unknown");
	snprintf(d.name, sizeof(d.name), "未知数据");
	snprintf(d.unit, sizeof(d.unit), "户");
	snprintf(d.source, sizeof(d.source), "figure");
	snprintf(d.figure, sizeof(d.figure), "no_such_figure");
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_indicator_define(f.d.c, &f.county, &d, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.field, "figure");
	fx_close(&f);
}

/* ---- periods and targets ---------------------------------------------------------------- */

static void test_quarter_month_and_milestone_targets_count_their_own_dates(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	/* 巡河 quota 100 次 for the year, 70% by 30 June, 100% by 30 September. */
	must_set(&f, V_A1, "river_patrol", "Y", "100", NULL);
	must_set(&f, V_A1, "river_patrol", "D0630", NULL, "70");
	must_set(&f, V_A1, "river_patrol", "2026-09-30", NULL, "100");
	must_set(&f, V_A1, "river_patrol", "Q2", "30", NULL);
	must_set(&f, V_A1, "river_patrol", "M06", "8", NULL);
	for (int i = 0; i < 49; i++) {
		char date[11];
		snprintf(date, sizeof(date), "2026-%02d-%02d", 1 + i / 9, 1 + i % 9 * 3); /* Jan..Jun */
		row(&f, "inspection", V_A1, date, -1, -1, 0, "", "巡河", NULL);
	}
	row(&f, "inspection", V_A1, "2026-07-01", -1, -1, 0, "", "巡河", NULL);
	found k = status(&f, V_A1, "river_patrol", "D0630", "");
	assert_int_equal(k.s.target, 7000);
	assert_int_equal(k.s.share_bp, 7000);
	assert_int_equal(k.s.actual, 4900);
	assert_true(k.s.completion == 0.7);
	k = status(&f, V_A1, "river_patrol", "D0930", "");
	assert_int_equal(k.s.target, 10000);
	assert_int_equal(k.s.actual, 5000);
	k = status(&f, V_A1, "river_patrol", "Y", "2026-06-30"); /* monthly 晾晒 of the year quota */
	assert_int_equal(k.s.target, 10000);
	assert_int_equal(k.s.actual, 4900);
	/* Q2: April (days 1..25 → 9 rows), May (9), June (4 rows: i = 45..48). */
	k = status(&f, V_A1, "river_patrol", "Q2", "");
	assert_int_equal(k.s.actual, 2200);
	assert_int_equal(k.s.target, 3000);
	k = status(&f, V_A1, "river_patrol", "M06", "");
	assert_int_equal(k.s.actual, 400);
	assert_true(k.s.completion == 0.5);
	/* Changing the year quota moves the milestone with it. */
	must_set(&f, V_A1, "river_patrol", "Y", "140", NULL);
	assert_int_equal(status(&f, V_A1, "river_patrol", "D0630", "").s.target, 9800);
	fx_close(&f);
}

static int64_t audit_rows(fx *f, const char *action)
{
	char sql[160], out[32];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE action = '%s'", action);
	zxt_sql(f->d.path, sql, out, sizeof(out));
	return strtoll(out, NULL, 10);
}

static void test_targets_are_set_by_county_and_town_admins_below_their_level(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	assert_int_equal(set_target(&f, &f.town_a, V_A1, "microloan", "Y", "10", NULL), ZX_OK);
	assert_int_equal(set_target(&f, &f.town_a, ZXT_TOWN_A, "microloan", "Y", "10", NULL), ZX_EFORBIDDEN);
	assert_int_equal(set_target(&f, &f.town_a, ZXT_VILLAGE_B1, "microloan", "Y", "10", NULL),
	                 ZX_EFORBIDDEN);
	assert_int_equal(set_target(&f, &f.clerk, V_A1, "microloan", "Y", "10", NULL), ZX_EFORBIDDEN);
	assert_int_equal(set_target(&f, &f.county, ZXT_TOWN_B, "microloan", "Y", "10", NULL), ZX_OK);
	assert_int_equal(set_target(&f, &f.county, V_A1, "nosuch", "Y", "10", NULL), ZX_ENOTFOUND);
	assert_int_equal(set_target(&f, &f.county, V_A1, "microloan", "Q9", "10", NULL), ZX_EVALIDATION);
	assert_int_equal(set_target(&f, &f.county, V_A1, "microloan", "Y", "-5", NULL), ZX_EVALIDATION);
	assert_int_equal(set_target(&f, &f.county, V_A1, "microloan", "Y", "0", NULL), ZX_EVALIDATION);
	assert_int_equal(set_target(&f, &f.county, V_A1, "public_post", "Y", "1.234", NULL), ZX_EVALIDATION);
	assert_int_equal(set_target(&f, &f.county, V_A1, "microloan", "Y", NULL, "70"), ZX_EVALIDATION);
	assert_int_equal(set_target(&f, &f.county, V_A1, "microloan", "D0630", NULL, "170"), ZX_EVALIDATION);
	assert_int_equal(set_target(&f, &f.county, V_A1, "microloan", "D0630", "5", "70"), ZX_EVALIDATION);
	assert_int_equal(set_target(&f, &f.county, "510722999999", "microloan", "Y", "5", NULL),
	                 ZX_ENOTFOUND);
	assert_int_equal(audit_rows(&f, "indicator.target.set"), 2);
	/* Setting again replaces; deleting removes and is audited. */
	assert_int_equal(set_target(&f, &f.town_a, V_A1, "microloan", "Y", "12.5", NULL), ZX_OK);
	assert_int_equal(status(&f, V_A1, "microloan", "Y", "").s.target, 12500000);
	zx_target_input in = {.area = V_A1, .year = 2026, .key = "microloan", .period = "Y"};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_target_delete(f.d.c, &f.town_a, &in, &ei), ZX_OK);
	assert_false(status(&f, V_A1, "microloan", "Y", "").s.has_target);
	assert_int_equal(zx_target_delete(f.d.c, &f.town_a, &in, &ei), ZX_ENOTFOUND);
	assert_int_equal(audit_rows(&f, "indicator.target.delete"), 1);
	zx_period p;
	assert_true(zx_period_parse(2026, "Y", &p));
	zx_actor sys;
	zxt_actor(&sys, ZX_ROLE_SYS_ADMIN, ZXT_COUNTY12);
	assert_int_equal(zx_indicator_status(f.d.c, &sys, "", &p, find_cb, &(found){.key = "x"}, &ei),
	                 ZX_EFORBIDDEN);
	assert_int_equal(zx_indicator_status(f.d.c, &f.town_b, V_A1, &p, find_cb, &(found){.key = "x"}, &ei),
	                 ZX_EFORBIDDEN);
	fx_close(&f);
}

/* ---- rankings --------------------------------------------------------------------------- */

static zx_rank_row rr(const char *code, bool has, double score)
{
	zx_rank_row r;
	memset(&r, 0, sizeof(r));
	snprintf(r.area_code, sizeof(r.area_code), "%s", code);
	r.has_score = has;
	r.score = score;
	return r;
}

static void test_ranking_order_shares_ranks_on_ties_and_fills_both_boards(void **state)
{
	(void)state;
	zx_rank_row rows[] = {rr("05", true, 0.5), rr("01", true, 0.9), rr("02", false, 0),
	                      rr("04", true, 0.9), rr("03", true, 0.3), rr("06", true, 0.5),
	                      rr("07", true, 1.2)};
	zx_ranking_order(rows, 7, 2);
	const char *order[] = {"07", "01", "04", "05", "06", "03", "02"};
	const int ranks[] = {1, 2, 2, 4, 4, 6, 0};
	const char *boards[] = {"red", "red", "red", "black", "black", "black", ""};
	for (int i = 0; i < 7; i++) {
		assert_string_equal(rows[i].area_code, order[i]);
		assert_int_equal(rows[i].rank, ranks[i]);
		assert_int_equal(rows[i].position, i + 1);
		assert_string_equal(rows[i].board, boards[i]);
	}
	/* Two areas, top 3: both red, none black. */
	zx_rank_row two[] = {rr("01", true, 0.2), rr("02", true, 0.4)};
	zx_ranking_order(two, 2, 3);
	assert_string_equal(two[0].area_code, "02");
	assert_string_equal(two[1].board, "red");
}

static zx_err compute(fx *f, const zx_actor *a, const char *area, const char *period, const char *as_of,
                      int top, zx_ranking *r)
{
	zx_ranking_input in = {.area = area, .year = 2026, .period = period, .as_of = as_of, .top_n = top};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	return zx_ranking_compute(f->d.c, a, &in, r, &ei);
}

static const zx_rank_row *row_of(const zx_ranking *r, const char *code)
{
	for (int i = 0; i < r->nrows; i++)
		if (strcmp(r->rows[i].area_code, code) == 0)
			return &r->rows[i];
	fail_msg("no row %s", code);
	return NULL;
}

/* Villages of town A: A1 microloan 100% (w20) + patrols 50% (w15) → 78.57…%; A2 microloan
 * 120% → 120%; A3 patrols 50% → 50%; A4 a lower-is-better indicator above its ceiling. */
static void ranking_data(fx *f)
{
	must_set(f, V_A1, "microloan", "Y", "10", NULL);
	must_set(f, V_A1, "river_patrol", "Y", "4", NULL);
	must_set(f, V_A2, "microloan", "Y", "10", NULL);
	must_set(f, V_A3, "river_patrol", "Y", "4", NULL);
	define(f, "overdue_loans", "个", "microloan", "count", "status", "逾期", 10, false, ZX_OK);
	must_set(f, V_A4, "overdue_loans", "Y", "1", NULL);
	row(f, "microloan", V_A1, "2026-02-01", 10000000, -1, 0, "正常", "", NULL);
	row(f, "inspection", V_A1, "2026-02-01", -1, -1, 0, "", "巡河", NULL);
	row(f, "inspection", V_A1, "2026-03-01", -1, -1, 0, "", "巡河", NULL);
	row(f, "microloan", V_A2, "2026-02-01", 12000000, -1, 0, "正常", "", NULL);
	row(f, "inspection", V_A3, "2026-02-01", -1, -1, 0, "", "巡河", NULL);
	row(f, "inspection", V_A3, "2026-08-01", -1, -1, 0, "", "巡河", NULL);
	for (int i = 0; i < 4; i++)
		row(f, "microloan", V_A4, "2026-02-01", 1000000, -1, 0, "逾期", "", NULL);
}

static void test_ranking_weights_completion_and_lists_areas_without_targets_last(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	ranking_data(&f);
	zx_ranking r;
	assert_int_equal(compute(&f, &f.town_a, "", "Y", "", 1, &r), ZX_OK);
	assert_true(r.nrows > 4);
	assert_string_equal(r.rows[0].area_code, V_A2);
	assert_string_equal(r.rows[1].area_code, V_A1);
	assert_true(fabs(row_of(&r, V_A1)->score - (20 * 1.0 + 15 * 0.5) / 35.0) < 1e-12);
	assert_int_equal(row_of(&r, V_A1)->n, 2);
	assert_true(fabs(row_of(&r, V_A3)->score - 0.5) < 1e-12);
	assert_true(fabs(row_of(&r, V_A4)->score - 0.25) < 1e-12);
	assert_string_equal(row_of(&r, V_A2)->board, "red");
	assert_string_equal(row_of(&r, V_A4)->board, "black");
	assert_int_equal(row_of(&r, V_A4)->rank, 4);
	assert_int_equal(r.rows[4].rank, 0); /* the first village without targets */
	assert_false(r.rows[4].has_score);
	assert_string_equal(r.title, "潼川镇2026年晾晒");
	zx_ranking_free(&r);
	/* As of 30 June, A3's August patrol does not count yet. */
	assert_int_equal(compute(&f, &f.town_a, "", "Y", "2026-06-30", 1, &r), ZX_OK);
	assert_true(fabs(row_of(&r, V_A3)->score - 0.25) < 1e-12);
	assert_string_equal(row_of(&r, V_A3)->board, "black");
	assert_string_equal(row_of(&r, V_A4)->board, "black");
	zx_ranking_free(&r);
	/* A county ranks its towns; a village cannot be ranked over; town B sees not town A. */
	assert_int_equal(compute(&f, &f.county, "", "Y", "", 3, &r), ZX_OK);
	assert_true(r.nrows > 30);
	zx_ranking_free(&r);
	assert_int_equal(compute(&f, &f.county, V_A1, "Y", "", 3, &r), ZX_EVALIDATION);
	assert_int_equal(compute(&f, &f.town_b, ZXT_TOWN_A, "Y", "", 3, &r), ZX_EFORBIDDEN);
	assert_int_equal(compute(&f, &f.county, "", "Y", "", 51, &r), ZX_EVALIDATION);
	fx_close(&f);
}

typedef struct listed {
	int n;
	int64_t first;
} listed;

static bool list_cb(void *ctx, const zx_ranking *r)
{
	listed *l = ctx;
	if (l->n++ == 0)
		l->first = r->id;
	return true;
}

static void test_published_snapshot_is_kept_unchanged_listed_and_exported(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	ranking_data(&f);
	zx_ranking_input in = {.area = "", .year = 2026, .period = "Y", .top_n = 1, .title = "6月晾晒"};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	int64_t id = 0, id2 = 0;
	assert_int_equal(zx_ranking_publish(f.d.c, &f.clerk, &in, &id, &ei), ZX_EFORBIDDEN);
	assert_int_equal(zx_ranking_publish(f.d.c, &f.town_a, &in, &id, &ei), ZX_OK);
	assert_int_equal(audit_rows(&f, "ranking.publish"), 1);
	/* New ledger rows change the live table, not the snapshot. */
	row(&f, "microloan", V_A1, "2026-02-02", 500000000, -1, 0, "正常", "", NULL);
	in.title = "";
	assert_int_equal(zx_ranking_publish(f.d.c, &f.town_a, &in, &id2, &ei), ZX_OK);
	zx_ranking r;
	assert_int_equal(zx_ranking_get(f.d.c, &f.clerk, id, &r), ZX_OK);
	assert_string_equal(r.title, "6月晾晒");
	assert_string_equal(r.rows[0].area_code, V_A2);
	assert_int_equal(r.rows[0].rank, 1);
	assert_string_equal(r.rows[0].board, "red");
	assert_int_equal(row_of(&r, V_A1)->n, 2);
	assert_string_equal(row_of(&r, V_A1)->det[0].key, "microloan");
	assert_int_equal(row_of(&r, V_A1)->det[0].target, 10000000);
	char path[200], buf[4096];
	snprintf(path, sizeof(path), "%s/t.md", f.d.dir);
	assert_int_equal(zx_ranking_export_markdown(&r, path, &ei), ZX_OK);
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	assert_non_null(strstr(buf, "# 6月晾晒"));
	assert_non_null(strstr(buf, "第1名 大十字社区居民委员会，综合完成率 120.00%"));
	assert_non_null(strstr(buf, "小额信贷发放额计划10万元，完成10万元，完成率100.00%"));
	snprintf(path, sizeof(path), "%s/t.xlsx", f.d.dir);
	assert_int_equal(zx_ranking_export_xlsx(&r, path, &ei), ZX_OK);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(buf, 1, 2, fp), 2);
	assert_memory_equal(buf, "PK", 2);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/t.docx", f.d.dir);
	assert_int_equal(zx_ranking_export_docx(&r, path, &ei), ZX_OK);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(buf, 1, 2, fp), 2);
	assert_memory_equal(buf, "PK", 2);
	fclose(fp);
	zx_ranking_free(&r);
	assert_int_equal(zx_ranking_get(f.d.c, &f.clerk, id2, &r), ZX_OK);
	assert_string_equal(r.rows[0].area_code, V_A1);
	assert_string_equal(r.title, "潼川镇2026年晾晒");
	zx_ranking_free(&r);
	/* History: newest first, visible inside the town and above it, not in town B. */
	listed l = {0};
	int64_t total = 0;
	assert_int_equal(zx_ranking_list(f.d.c, &f.clerk, "", 10, 0, list_cb, &l, &total, &ei), ZX_OK);
	assert_int_equal(total, 2);
	assert_int_equal(l.first, id2);
	l = (listed){0};
	assert_int_equal(zx_ranking_list(f.d.c, &f.county, "", 10, 0, list_cb, &l, &total, &ei), ZX_OK);
	assert_int_equal(total, 2);
	assert_int_equal(zx_ranking_list(f.d.c, &f.town_b, "", 10, 0, list_cb, &l, &total, &ei), ZX_OK);
	assert_int_equal(total, 0);
	assert_int_equal(zx_ranking_get(f.d.c, &f.town_b, id, &r), ZX_ENOTFOUND);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values_parse_exactly_in_base_units_and_format_without_trailing_zeros),
	    cmocka_unit_test(test_every_period_kind_covers_its_dates),
	    cmocka_unit_test(test_microloan_completion_is_exact_to_the_fen),
	    cmocka_unit_test(test_each_ledger_aggregate_and_filter_kind_counts_its_rows),
	    cmocka_unit_test(test_figure_source_counts_a_registry_figure_and_refuses_indicator_figures),
	    cmocka_unit_test(test_quarter_month_and_milestone_targets_count_their_own_dates),
	    cmocka_unit_test(test_targets_are_set_by_county_and_town_admins_below_their_level),
	    cmocka_unit_test(test_ranking_order_shares_ranks_on_ties_and_fills_both_boards),
	    cmocka_unit_test(test_ranking_weights_completion_and_lists_areas_without_targets_last),
	    cmocka_unit_test(test_published_snapshot_is_kept_unchanged_listed_and_exported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
