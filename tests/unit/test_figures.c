/*
 * test_figures.c — the figure registry (issue #7): the one formatter of numbers in Chinese
 * official style, the registry's table, and every figure computed on a small hand-built
 * county (three villages in two towns) whose answers are worked out by hand below; scope
 * (403 outside the caller's area, a village clerk's own village) and the per-child figures
 * behind the dashboard's bars.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assistance_fixture.h"
#include "domain/assistance/visit.h"
#include "domain/report/figures.h"
#include "domain/report/figures_internal.h"

/* --- formatter ------------------------------------------------------------------------------ */

static const char *fmt(zx_fig_kind kind, const char *unit, int precision, int64_t num, int64_t den)
{
	static char out[64];
	zx_figure_def d = {.name = "x", .label = "x", .unit = unit, .kind = kind, .precision = precision};
	zx_fig_format(&d, (zx_fig_value){true, num, den}, out, sizeof(out));
	return out;
}

static void test_format_counts_money_and_percent_in_official_style(void **state)
{
	(void)state;
	assert_string_equal(fmt(ZX_FIG_COUNT, "户", 0, 318, 1), "318户");
	assert_string_equal(fmt(ZX_FIG_COUNT, "人", 0, 12345678, 1), "12345678人");
	/* 元: no thousands separator, whole 元 rounded half away from zero */
	assert_string_equal(fmt(ZX_FIG_MONEY, "元", 0, 1443900, 1), "14439元");
	assert_string_equal(fmt(ZX_FIG_MONEY, "元", 0, 2887900, 2), "14440元"); /* 14439.5 */
	assert_string_equal(fmt(ZX_FIG_MONEY, "元", 0, 2887899, 2), "14439元"); /* 14439.495 */
	assert_string_equal(fmt(ZX_FIG_MONEY, "元", 0, -2887900, 2), "-14440元");
	/* 万元: up to the declared decimals, trailing zeros dropped */
	assert_string_equal(fmt(ZX_FIG_MONEY, "万元", 4, 425500000, 1), "425.5万元");
	assert_string_equal(fmt(ZX_FIG_MONEY, "万元", 4, 147624100, 1), "147.6241万元");
	assert_string_equal(fmt(ZX_FIG_MONEY, "万元", 2, 403620000, 1), "403.62万元");
	assert_string_equal(fmt(ZX_FIG_MONEY, "万元", 4, 100000000, 1), "100万元");
	assert_string_equal(fmt(ZX_FIG_MONEY, "万元", 2, 1234567, 1), "1.23万元"); /* 1.234567 */
	assert_string_equal(fmt(ZX_FIG_MONEY, "万元", 2, 1235000, 1), "1.24万元"); /* half up */
	assert_string_equal(fmt(ZX_FIG_MONEY, "万元", 4, 40, 1), "0万元");
	/* percent: exactly the declared precision */
	assert_string_equal(fmt(ZX_FIG_PERCENT, "%", 2, 4255000, 4036200), "105.42%");
	assert_string_equal(fmt(ZX_FIG_PERCENT, "%", 1, 166, 1000), "16.6%");
	assert_string_equal(fmt(ZX_FIG_PERCENT, "%", 1, 1, 1), "100.0%");
	assert_string_equal(fmt(ZX_FIG_PERCENT, "%", 1, 0, 3), "0.0%");
	assert_string_equal(fmt(ZX_FIG_PERCENT, "%", 1, -1, 2000), "-0.1%"); /* -0.05 away from zero */
	assert_string_equal(fmt(ZX_FIG_PERCENT, "%", 1, -1, 3000), "0.0%");  /* -0.033: no "-0.0" */
	assert_string_equal(fmt(ZX_FIG_PERCENT, "%", 0, 2, 3), "67%");
	/* without data */
	char out[16];
	zx_figure_def d = {.unit = "元", .kind = ZX_FIG_MONEY};
	zx_fig_format(&d, (zx_fig_value){false, 0, 1}, out, sizeof(out));
	assert_string_equal(out, "—");
	/* the number alone and the chart value */
	char num[32];
	zx_fig_format_number(ZX_FIG_MONEY, "万元", 4, (zx_fig_value){true, 425500000, 1}, num, sizeof(num));
	assert_string_equal(num, "425.5");
	zx_figure_def w = {.unit = "万元", .kind = ZX_FIG_MONEY, .precision = 4};
	assert_true(zx_fig_display_value(&w, (zx_fig_value){true, 425500000, 1}) == 425.5);
}

static void test_growth_is_exact_and_needs_both_years(void **state)
{
	(void)state;
	/* seed 000: 14439 元 against 12383 元 → 16.6 % */
	zx_fig_value g = zx_fig_growth(1443900, 1, 1238300, 1);
	assert_true(g.has);
	assert_string_equal(fmt(ZX_FIG_PERCENT, "%", 1, g.num, g.den), "16.6%");
	assert_false(zx_fig_growth(100, 1, 0, 1).has);
	assert_false(zx_fig_growth(100, 0, 100, 1).has);
	assert_false(zx_fig_growth(100, 1, 100, 0).has);
	/* county-sized sums stay exact enough */
	g = zx_fig_growth(1500000000000, 1000000, 1400000000000, 999999);
	assert_true(g.has);
	assert_string_equal(fmt(ZX_FIG_PERCENT, "%", 2, g.num, g.den), "7.14%");
}

static void test_registry_names_are_unique_and_documented(void **state)
{
	(void)state;
	int n = zx_figures_count();
	assert_true(n >= 50);
	for (int i = 0; i < n; i++) {
		const zx_figure_def *d = zx_figure_def_at(i);
		assert_non_null(d);
		for (const char *p = d->name; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
		assert_true(*d->label && *d->unit && *d->source && *d->definition && d->fn);
		assert_true(d->kind == ZX_FIG_COUNT || d->kind == ZX_FIG_MONEY || d->kind == ZX_FIG_PERCENT);
		assert_ptr_equal(zx_figure_def_find(d->name), d);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(zx_figure_def_at(j)->name, d->name);
	}
	assert_null(zx_figure_def_at(n));
	assert_null(zx_figure_def_find("no_such_figure"));
	assert_non_null(zx_figure_def_find("tuopin_income_growth_pct"));
}

/* --- the hand-built county ------------------------------------------------------------------ */

#define A1 ZXT_VILLAGE_A1
#define A2 ZXT_VILLAGE_A2
#define B1 ZXT_VILLAGE_B1

typedef struct world {
	fx f;
	int64_t h[8]; /* h[1] … h[7] */
} world;

static int64_t hh(world *w, const char *village, const char *no, const char *type, const char *cat, int n)
{
	fx_hh s = {.hh_type = type, .category = cat, .n = n, .helper = cat ? "李帮扶" : ""};
	return fx_household(&w->f, village, no, &s);
}

/*
 * A1: h1 脱贫户 脱贫不稳定户 3人, h2 脱贫户 4人, h3 脱贫户 2人, h4 一般农户 边缘易致贫户 5人, h5 一般农户 1人
 * A2: h6 脱贫户 2人;  B1: h7 一般农户 突发严重困难户 3人.
 * Surveys 2026: h1 30000元, h2 60000元, h4 35000元, h6 29001元; 2025: h1 24000元, h2 50000元, h3 10000元.
 */
static void build(world *w)
{
	memset(w, 0, sizeof(*w));
	fx *f = &w->f;
	fx_open(f);
	w->h[1] = hh(w, A1, "510722101002001", "脱贫户", "脱贫不稳定户", 3);
	w->h[2] = hh(w, A1, "510722101002002", "脱贫户", NULL, 4);
	w->h[3] = hh(w, A1, "510722101002003", "脱贫户", NULL, 2);
	w->h[4] = hh(w, A1, "510722101002004", "一般农户", "边缘易致贫户", 5);
	w->h[5] = hh(w, A1, "510722101002005", "一般农户", NULL, 1);
	w->h[6] = hh(w, A2, "510722101003006", "脱贫户", NULL, 2);
	w->h[7] = hh(w, B1, "510722104003007", "一般农户", "突发严重困难户", 3);
	fx_survey(f, w->h[1], 2026, 30000, 3, 0);
	fx_survey(f, w->h[2], 2026, 60000, 4, 0);
	fx_survey(f, w->h[4], 2026, 35000, 5, 0);
	fx_survey(f, w->h[6], 2026, 29001, 2, 0);
	fx_survey(f, w->h[1], 2025, 24000, 3, 0);
	fx_survey(f, w->h[2], 2025, 50000, 4, 0);
	fx_survey(f, w->h[3], 2025, 10000, 2, 0);
	fx_policy(f, ZXT_COUNTY12, 2026, 7000, 1);
	/* cases: h1 纳入 30 days ago; h7 open, due 5 days ago; a case of 2025 */
	fx_included_case(f, w->h[1], FX_T0 - 30 * FX_DAY);
	fx_sql(f,
	       "INSERT INTO cases (county, area_code, household_id, source, state, discovered_at, due_at,"
	       " created_by, updated_at) VALUES ('510722', '%s', %lld, 'cadre', 'verified', %lld, %lld, 't', "
	       "%lld)",
	       B1, (long long)w->h[7], (long long)(FX_T0 - 20 * FX_DAY), (long long)(FX_T0 - 5 * FX_DAY),
	       (long long)FX_T0);
	fx_sql(f,
	       "INSERT INTO cases (county, area_code, household_id, source, state, discovered_at, due_at, "
	       "closed_at,"
	       " created_by, updated_at) VALUES ('510722', '%s', %lld, 'cadre', 'included', %lld, %lld, "
	       "%lld, 't',"
	       " %lld)",
	       A1, (long long)w->h[4], (long long)(FX_T0 - 400 * FX_DAY), (long long)(FX_T0 - 385 * FX_DAY),
	       (long long)(FX_T0 - 390 * FX_DAY), (long long)FX_T0);
	/* screenings of 2026: h4 and h7 candidates (h4 twice), h5 without a survey */
	fx_sql(f,
	       "INSERT INTO screenings (id, county, area_code, year, policy_id, policy_version, candidates,"
	       " missing_income, counts, created_at) VALUES (1, '510722', '510722000000', 2026, 1, 1, 2, 1, "
	       "'{}', 0),"
	       " (2, '510722', '510722000000', 2026, 1, 1, 1, 0, '{}', 0),"
	       " (3, '510722', '510722000000', 2025, 1, 1, 1, 0, '{}', 0)");
	fx_sql(
	    f,
	    "INSERT INTO screening_candidates (county, area_code, screening_id, household_id, missing_income,"
	    " rules, rule_ids, reasons) VALUES ('510722', '%s', 1, %lld, 0, 1, 'x', 'x'),"
	    " ('510722', '%s', 1, %lld, 0, 1, 'x', 'x'), ('510722', '%s', 1, %lld, 1, 0, '', ''),"
	    " ('510722', '%s', 2, %lld, 0, 1, 'x', 'x'), ('510722', '%s', 3, %lld, 0, 1, 'x', 'x')",
	    A1, (long long)w->h[4], B1, (long long)w->h[7], A1, (long long)w->h[5], A1, (long long)w->h[4],
	    A1, (long long)w->h[2]);
	/* eliminations: h3 审定 10 days ago; h2 pending; h6 in 2025 */
	fx_sql(f,
	       "INSERT INTO eliminations (county, area_code, household_id, kind, category, state, status, "
	       "applied_at,"
	       " decided_at, updated_at) VALUES ('510722', '%s', %lld, '帮扶消除', '脱贫不稳定户', 'x', "
	       "'eliminated',"
	       " 0, %lld, 0), ('510722', '%s', %lld, '帮扶消除', '脱贫不稳定户', 'x', 'pending', 0, NULL, 0),"
	       " ('510722', '%s', %lld, '自然消除', '脱贫不稳定户', 'x', 'eliminated', 0, %lld, 0)",
	       A1, (long long)w->h[3], (long long)(FX_T0 - 10 * FX_DAY), A1, (long long)w->h[2], A2,
	       (long long)w->h[6], (long long)(FX_T0 - 300 * FX_DAY));
	/* measures of h1: two 产业帮扶 已落实 in 2026 (5000元, 10000元), 就业帮扶 in 2025, a plan */
	fx_sql(f,
	       "INSERT INTO plans (id, county, area_code, household_id, created_at, updated_at)"
	       " VALUES (1, '510722', '%s', %lld, 0, 0)",
	       A1, (long long)w->h[1]);
	fx_sql(f,
	       "INSERT INTO measures (county, area_code, plan_id, household_id, kind, actual_ymd, amount, "
	       "status,"
	       " created_at, updated_at) VALUES ('510722', '%s', 1, %lld, '产业帮扶', 20260301, 500000, "
	       "'已落实', 0, 0),"
	       " ('510722', '%s', 1, %lld, '产业帮扶', 20260501, 1000000, '已落实', 0, 0),"
	       " ('510722', '%s', 1, %lld, '就业帮扶', 20250301, 700000, '已落实', 0, 0),"
	       " ('510722', '%s', 1, %lld, '公益性岗位', NULL, 0, '计划', 0, 0)",
	       A1, (long long)w->h[1], A1, (long long)w->h[1], A1, (long long)w->h[1], A1,
	       (long long)w->h[1]);
	/* visits: h1 twice in 2026, h2 in 2025 */
	fx_sql(
	    f,
	    "INSERT INTO visits (county, area_code, household_id, visitor, visit_ymd, client_key, created_at)"
	    " VALUES ('510722', '%s', %lld, '李帮扶', 20260310, 'k-000001', 0),"
	    " ('510722', '%s', %lld, '李帮扶', 20260610, 'k-000002', 0),"
	    " ('510722', '%s', %lld, '李帮扶', 20250601, 'k-000003', 0)",
	    A1, (long long)w->h[1], A1, (long long)w->h[1], A1, (long long)w->h[2]);
	/* a county campaign in March 2026 over h1, h2 (A1) and h7 (B1); a 2025 one over h1 */
	fx_sql(
	    f,
	    "INSERT INTO campaigns (id, county, area_code, area_lo, area_hi, name, kind, start_ymd, end_ymd,"
	    " targets, households, created_at) VALUES (1, '510722', '510722000000', '510722000000',"
	    " '510722999999', '排查', '集中排查', 20260301, 20260331, 7, 3, 0),"
	    " (2, '510722', '510722000000', '510722000000', '510722999999', '旧', '回头看', 20250301, "
	    "20250331,"
	    " 7, 1, 0)");
	fx_sql(f,
	       "INSERT INTO campaign_households (county, area_code, campaign_id, household_id) VALUES"
	       " ('510722', '%s', 1, %lld), ('510722', '%s', 1, %lld), ('510722', '%s', 1, %lld),"
	       " ('510722', '%s', 2, %lld)",
	       A1, (long long)w->h[1], A1, (long long)w->h[2], B1, (long long)w->h[7], A1,
	       (long long)w->h[1]);
	fx_sql(f,
	       "INSERT INTO campaign_issues (county, area_code, campaign_id, scope, household_id, "
	       "description, status,"
	       " created_at, updated_at) VALUES ('510722', '%s', 1, '个性问题', %lld, 'x', '已整改', 0, 0),"
	       " ('510722', '%s', 1, '个性问题', %lld, 'x', '待整改', 0, 0),"
	       " ('510722', '%s', 1, '共性问题', NULL, 'x', '已整改', 0, 0),"
	       " ('510722', '%s', 2, '共性问题', NULL, 'x', '待整改', 0, 0)",
	       A1, (long long)w->h[1], B1, (long long)w->h[7], A1, A1);
}

static void teardown(world *w)
{
	fx_close(&w->f);
}

/* Every figure of area for year as the county admin (or actor a) sees it. */
typedef struct figs {
	int n;
	zx_figure f[128];
} figs;

static zx_err compute(world *w, const zx_actor *a, const char *area, int year, figs *out)
{
	zx_fig_ctx x;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_fig_ctx_init(&x, w->f.d.c, a, area, year, &ei);
	if (e)
		return e;
	out->n = zx_figures_count();
	assert_true(out->n <= 128);
	e = zx_figures_all(&x, out->f);
	zx_fig_ctx_done(&x);
	return e;
}

static const char *text(const figs *g, const char *name)
{
	for (int i = 0; i < g->n; i++)
		if (strcmp(g->f[i].def->name, name) == 0)
			return g->f[i].text;
	fail_msg("no figure %s", name);
	return NULL;
}

static void county(world *w, const char *area, int year, figs *g)
{
	zx_actor a;
	fx_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL);
	assert_int_equal(compute(w, &a, area, year, g), ZX_OK);
}

static void test_household_and_person_figures_by_type_and_category(void **state)
{
	(void)state;
	world w;
	build(&w);
	figs g;
	county(&w, ZXT_COUNTY12, 2026, &g);
	assert_string_equal(text(&g, "households_total"), "7户");
	assert_string_equal(text(&g, "persons_total"), "20人");
	assert_string_equal(text(&g, "tuopin_households"), "4户");
	assert_string_equal(text(&g, "tuopin_persons"), "11人");
	assert_string_equal(text(&g, "general_households"), "3户");
	assert_string_equal(text(&g, "general_persons"), "9人");
	assert_string_equal(text(&g, "monitored_households"), "3户");
	assert_string_equal(text(&g, "monitored_persons"), "11人");
	assert_string_equal(text(&g, "unstable_households"), "1户");
	assert_string_equal(text(&g, "unstable_persons"), "3人");
	assert_string_equal(text(&g, "edge_persons"), "5人");
	assert_string_equal(text(&g, "sudden_households"), "1户");
	assert_string_equal(text(&g, "tuopin_monitored_households"), "1户");
	assert_string_equal(text(&g, "tuopin_monitored_persons"), "3人");
	county(&w, ZXT_TOWN_A, 2026, &g);
	assert_string_equal(text(&g, "households_total"), "6户");
	assert_string_equal(text(&g, "persons_total"), "17人");
	assert_string_equal(text(&g, "monitored_persons"), "8人");
	county(&w, A1, 2026, &g);
	assert_string_equal(text(&g, "tuopin_households"), "3户");
	assert_string_equal(text(&g, "tuopin_persons"), "9人");
	/* every figure carries its list link with the area, source and "as of" */
	for (int i = 0; i < g.n; i++) {
		assert_int_equal(g.f[i].as_of, FX_T0);
		if (*g.f[i].def->link)
			assert_non_null(strstr(g.f[i].link, "area=" A1));
	}
	teardown(&w);
}

static void test_income_per_capita_is_population_weighted_with_growth(void **state)
{
	(void)state;
	world w;
	build(&w);
	figs g;
	county(&w, ZXT_COUNTY12, 2026, &g);
	/* 脱贫户 2026: (30000 + 60000 + 29001) / (3 + 4 + 2) = 13222.3; 2025: 84000 / 9 = 9333.3 */
	assert_string_equal(text(&g, "tuopin_income_per_capita"), "13222元");
	assert_string_equal(text(&g, "tuopin_income_per_capita_last"), "9333元");
	/* (119001/9 − 84000/9) / (84000/9) = 41.667 % */
	assert_string_equal(text(&g, "tuopin_income_growth_pct"), "41.7%");
	/* 监测户 2026: (30000 + 35000) / 8 = 8125; 2025: 24000 / 3 = 8000 → 1.5625 % */
	assert_string_equal(text(&g, "monitored_income_per_capita"), "8125元");
	assert_string_equal(text(&g, "monitored_income_growth_pct"), "1.6%");
	assert_string_equal(text(&g, "surveyed_households"), "4户");
	assert_string_equal(text(&g, "income_line"), "7000元");
	county(&w, A1, 2026, &g);
	assert_string_equal(text(&g, "tuopin_income_per_capita"), "12857元"); /* 90000 / 7 */
	/* a year without last year's surveys has no growth; without a policy no line */
	county(&w, ZXT_COUNTY12, 2025, &g);
	assert_string_equal(text(&g, "tuopin_income_growth_pct"), "—");
	assert_string_equal(text(&g, "income_line"), "—");
	assert_string_equal(text(&g, "tuopin_income_per_capita"), "9333元");
	teardown(&w);
}

static void test_cases_eliminations_visits_measures_and_campaigns_of_the_year(void **state)
{
	(void)state;
	world w;
	build(&w);
	figs g;
	county(&w, ZXT_COUNTY12, 2026, &g);
	assert_string_equal(text(&g, "screening_candidates"), "2户");
	assert_string_equal(text(&g, "cases_opened"), "2件");
	assert_string_equal(text(&g, "included_households"), "1户");
	assert_string_equal(text(&g, "included_persons"), "3人");
	assert_string_equal(text(&g, "open_cases"), "1件");
	assert_string_equal(text(&g, "overdue_cases"), "1件");
	assert_string_equal(text(&g, "eliminated_households"), "1户");
	assert_string_equal(text(&g, "eliminated_persons"), "2人");
	assert_string_equal(text(&g, "visits_done"), "2次");
	assert_string_equal(text(&g, "visited_households"), "1户");
	assert_string_equal(text(&g, "measures_delivered"), "2个");
	assert_string_equal(text(&g, "measures_industry"), "2个");
	assert_string_equal(text(&g, "measures_employment"), "0个");
	assert_string_equal(text(&g, "measures_public_post"), "0个");
	assert_string_equal(text(&g, "measures_households"), "1户");
	assert_string_equal(text(&g, "measures_amount"), "1.5万元");
	assert_string_equal(text(&g, "campaigns"), "1次");
	assert_string_equal(text(&g, "campaign_households"), "3户");
	assert_string_equal(text(&g, "campaign_coverage_pct"), "33.3%");
	assert_string_equal(text(&g, "issues_individual"), "2个");
	assert_string_equal(text(&g, "issues_common"), "1个");
	assert_string_equal(text(&g, "issues_rectified"), "2个");
	assert_string_equal(text(&g, "issues_rectified_pct"), "66.7%");
	/* h2 (脱贫户) was last visited 2025-06-01: 90 days have long passed */
	assert_string_equal(text(&g, "overdue_visits"), "1户");
	/* the village A1 sees its share of the county campaign */
	county(&w, A1, 2026, &g);
	assert_string_equal(text(&g, "campaigns"), "1次");
	assert_string_equal(text(&g, "campaign_households"), "2户");
	assert_string_equal(text(&g, "campaign_coverage_pct"), "50.0%");
	assert_string_equal(text(&g, "issues_rectified_pct"), "100.0%");
	assert_string_equal(text(&g, "open_cases"), "0件");
	/* town B: no campaign issues rectified, no surveys */
	county(&w, ZXT_TOWN_B, 2026, &g);
	assert_string_equal(text(&g, "issues_rectified_pct"), "0.0%");
	assert_string_equal(text(&g, "tuopin_income_per_capita"), "—");
	/* 100 days on: 监测户 (30 days) and 脱贫户 (90 days) are overdue for a visit, 一般农户 not */
	zx_clock_set(FX_T0 + 100 * FX_DAY);
	county(&w, ZXT_COUNTY12, 2026, &g);
	assert_string_equal(text(&g, "overdue_visits"), "6户");
	/* the same count as the due list of the visits page */
	zx_actor a;
	fx_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL);
	zx_due_filter df = {.area = "", .person = "", .max_items = 10};
	zx_due_report r;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_visit_due_report(w.f.d.c, &a, &df, &r, &ei), ZX_OK);
	assert_int_equal(r.overdue, 6);
	zx_due_report_release(&r);
	/* with 一般农户 scheduled (every 60 days) the figures follow the full due report: h5 too */
	fx_sql(&w.f, "INSERT INTO visit_schedules (county, area_code, target, interval_days, updated_at)"
	             " VALUES ('510722', '510722000000', '一般农户', 60, 0)");
	county(&w, ZXT_COUNTY12, 2026, &g);
	assert_string_equal(text(&g, "overdue_visits"), "7户");
	teardown(&w);
}

/* The income_rollup roll-up (migration 0013) against the surveys themselves. */
static void assert_rollup_exact(world *w)
{
	assert_int_equal(
	    fx_int(&w->f,
	           "SELECT coalesce(sum(net), 0) * 1000 + coalesce(sum(persons), 0) FROM income_rollup"),
	    fx_int(&w->f,
	           "SELECT coalesce(sum(net), 0) * 1000 + coalesce(sum(size), 0) FROM income_surveys"));
	assert_int_equal(
	    fx_int(&w->f,
	           "SELECT count(*) FROM (SELECT s.area_code, s.year, h.hh_type, CASE WHEN h.category <> '' "
	           "THEN 1 ELSE 0 END AS m,"
	           " CASE WHEN s.net_per_capita < 0 THEN -1 WHEN s.net_per_capita >= 3000000 THEN 30"
	           " ELSE s.net_per_capita / 100000 END AS b, count(*) AS n, sum(s.net) AS net"
	           " FROM income_surveys s JOIN households h ON h.id = s.household_id GROUP BY 1, 2, 3, 4, 5"
	           " EXCEPT SELECT area_code, year, hh_type, monitored, band, households, net"
	           " FROM income_rollup WHERE households <> 0) x"),
	    0);
}

static void test_income_rollup_follows_surveys_and_households(void **state)
{
	(void)state;
	world w;
	build(&w);
	figs g;
	assert_rollup_exact(&w);
	/* a survey corrected (the import's upsert): h1 2026 30000 → 33000 元 */
	fx_sql(&w.f,
	       "UPDATE income_surveys SET net = 3300000, wage = 3300000, net_per_capita = 1100000"
	       " WHERE household_id = %lld AND year = 2026",
	       (long long)w.h[1]);
	county(&w, ZXT_COUNTY12, 2026, &g);
	assert_string_equal(text(&g, "tuopin_income_per_capita"), "13556元");   /* 122001 / 9 */
	assert_string_equal(text(&g, "monitored_income_per_capita"), "8500元"); /* 68000 / 8 */
	/* h4 no longer monitored: its surveys leave the 监测户 figures */
	fx_sql(&w.f, "UPDATE households SET category = '' WHERE id = %lld", (long long)w.h[4]);
	county(&w, ZXT_COUNTY12, 2026, &g);
	assert_string_equal(text(&g, "monitored_income_per_capita"), "11000元");
	assert_string_equal(text(&g, "monitored_income_growth_pct"), "37.5%"); /* 11000 over 8000 */
	/* h6 becomes 一般农户: 脱贫户 are h1, h2 */
	fx_sql(&w.f, "UPDATE households SET hh_type = '一般农户' WHERE id = %lld", (long long)w.h[6]);
	county(&w, ZXT_COUNTY12, 2026, &g);
	assert_string_equal(text(&g, "tuopin_income_per_capita"), "13286元"); /* 93000 / 7 */
	assert_rollup_exact(&w);
	/* h2 deleted with its surveys; h3's 2025 survey deleted */
	fx_sql(&w.f, "DELETE FROM households WHERE id = %lld", (long long)w.h[2]);
	fx_sql(&w.f, "DELETE FROM income_surveys WHERE household_id = %lld", (long long)w.h[3]);
	county(&w, ZXT_COUNTY12, 2026, &g);
	assert_string_equal(text(&g, "tuopin_income_per_capita"), "11000元");
	assert_string_equal(text(&g, "tuopin_income_per_capita_last"), "8000元");
	assert_string_equal(text(&g, "surveyed_households"), "3户"); /* h1, h4, h6 */
	assert_int_equal(
	    fx_int(&w.f, "SELECT count(*) FROM income_surveys WHERE household_id = %lld", (long long)w.h[2]),
	    0);
	assert_rollup_exact(&w);
	teardown(&w);
}

static void test_scope_forbids_other_areas_and_defaults_to_the_own(void **state)
{
	(void)state;
	world w;
	build(&w);
	figs g;
	zx_actor town_b, clerk, audit;
	fx_actor(&town_b, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_B, NULL);
	assert_int_equal(compute(&w, &town_b, ZXT_TOWN_A, 2026, &g), ZX_EFORBIDDEN);
	assert_int_equal(compute(&w, &town_b, ZXT_COUNTY12, 2026, &g), ZX_EFORBIDDEN);
	assert_int_equal(compute(&w, &town_b, "", 2026, &g), ZX_OK);
	assert_string_equal(text(&g, "households_total"), "1户");
	fx_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, A1, NULL);
	assert_int_equal(compute(&w, &clerk, "", 2026, &g), ZX_OK);
	assert_string_equal(text(&g, "households_total"), "5户");
	assert_int_equal(compute(&w, &clerk, A2, 2026, &g), ZX_EFORBIDDEN);
	fx_actor(&audit, ZX_ROLE_AUDIT_ADMIN, ZXT_COUNTY12, NULL);
	assert_int_equal(compute(&w, &audit, "", 2026, &g), ZX_EFORBIDDEN);
	assert_int_equal(compute(&w, &clerk, "", 1999, &g), ZX_EINVAL);
	assert_int_equal(compute(&w, &clerk, "5107221010", 2026, &g), ZX_EINVAL);
	teardown(&w);
}

static void test_children_carry_counts_income_and_overdue_per_town_and_village(void **state)
{
	(void)state;
	world w;
	build(&w);
	zx_actor a;
	fx_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL);
	zx_fig_ctx x;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_fig_ctx_init(&x, w.f.d.c, &a, ZXT_TOWN_A, 2026, &ei), ZX_OK);
	assert_int_equal(zx_fig_load_children(&x), ZX_OK);
	fig_cache *k = fig_cache_of(&x);
	assert_int_equal(k->child_len, 12);
	fig_child *a1 = NULL, *a2 = NULL;
	for (int i = 0; i < k->nchildren; i++) {
		if (strcmp(k->children[i].code, A1) == 0)
			a1 = &k->children[i];
		if (strcmp(k->children[i].code, A2) == 0)
			a2 = &k->children[i];
	}
	assert_non_null(a1);
	assert_non_null(a2);
	assert_int_equal(a1->households[0][0] + a1->households[0][1], 3); /* 脱贫户 */
	assert_int_equal(a1->persons[1][2], 5); /* 一般农户 边缘易致贫户 */
	assert_int_equal(a1->inc_net[0], 9000000);
	assert_int_equal(a1->inc_persons[0], 7);
	assert_int_equal(a2->inc_net[0], 2900100);
	/* totals still add up after the per-child load */
	zx_figure f;
	assert_int_equal(zx_figure_get(&x, "households_total", &f, &ei), ZX_OK);
	assert_string_equal(f.text, "6户");
	assert_int_equal(zx_figure_get(&x, "nope", &f, &ei), ZX_ENOTFOUND);
	/* histogram: 脱贫户 of 2026 at 10000, 15000 and 14500.5 元; 监测户 at 10000 and 7000 元 */
	assert_int_equal(zx_fig_load_income(&x), ZX_OK);
	assert_int_equal(k->inc.hist_tuopin[10 + 1], 1);
	assert_int_equal(k->inc.hist_tuopin[14 + 1], 1);
	assert_int_equal(k->inc.hist_tuopin[15 + 1], 1);
	assert_int_equal(k->inc.hist_monitored[7 + 1], 1);
	assert_int_equal(k->inc.hist_monitored[10 + 1], 1);
	zx_fig_ctx_done(&x);
	/* the county's children are its towns */
	assert_int_equal(zx_fig_ctx_init(&x, w.f.d.c, &a, ZXT_COUNTY12, 2026, &ei), ZX_OK);
	assert_int_equal(zx_fig_load_children(&x), ZX_OK);
	k = fig_cache_of(&x);
	assert_int_equal(k->child_len, 9);
	assert_true(k->nchildren >= 30);
	int64_t open = 0;
	for (int i = 0; i < k->nchildren; i++)
		if (strcmp(k->children[i].code, ZXT_TOWN_B) == 0)
			open = k->children[i].open_cases + 100 * k->children[i].overdue_cases;
	assert_int_equal(open, 101);
	zx_fig_ctx_done(&x);
	teardown(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_counts_money_and_percent_in_official_style),
	    cmocka_unit_test(test_growth_is_exact_and_needs_both_years),
	    cmocka_unit_test(test_registry_names_are_unique_and_documented),
	    cmocka_unit_test(test_household_and_person_figures_by_type_and_category),
	    cmocka_unit_test(test_income_per_capita_is_population_weighted_with_growth),
	    cmocka_unit_test(test_cases_eliminations_visits_measures_and_campaigns_of_the_year),
	    cmocka_unit_test(test_income_rollup_follows_surveys_and_households),
	    cmocka_unit_test(test_scope_forbids_other_areas_and_defaults_to_the_own),
	    cmocka_unit_test(test_children_carry_counts_income_and_overdue_per_town_and_village),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
