/*
 * figures_table.c — the named figures of the registry and monitoring/assistance groups:
 * one row each (name, label, unit, kind, precision, source, definition, list link) and
 * the small functions that read their value from the cache (figures_data.c).
 */
#include <string.h>

#include "domain/report/figures_internal.h"

/* --- households and persons (household_counts roll-up) ------------------------------------ */

/* arg: "type:<户类型>", "cat:<category>", "mon" (any category), "tuopin_mon", "" (all). */
static bool counts_match(const char *arg, int t, int g)
{
	if (!arg || !*arg)
		return true;
	if (strncmp(arg, "type:", 5) == 0)
		return strcmp(zx_fig_types[t], arg + 5) == 0;
	if (strncmp(arg, "cat:", 4) == 0)
		return strcmp(zx_fig_cats[g], arg + 4) == 0;
	if (strcmp(arg, "mon") == 0)
		return g > 0;
	if (strcmp(arg, "tuopin_mon") == 0)
		return t == 0 && g > 0;
	return false;
}

static zx_err fn_counts(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out, bool persons)
{
	zx_err e = zx_fig_load_counts(x);
	if (e)
		return e;
	fig_cache *k = fig_cache_of(x);
	int64_t n = 0;
	for (int t = 0; t < FIG_NTYPES; t++)
		for (int g = 0; g < FIG_NCATS; g++)
			if (counts_match(d->arg, t, g))
				n += persons ? k->persons[t][g] : k->households[t][g];
	*out = zx_fig_count(n);
	return ZX_OK;
}

static zx_err fn_hh(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out)
{
	return fn_counts(x, d, out, false);
}

static zx_err fn_persons(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out)
{
	return fn_counts(x, d, out, true);
}

#define SRC_COUNTS "fig_household_counts"
#define HH(name, label, arg, link, def)                                                                      \
	{                                                                                                    \
		name, label, "户", ZX_FIG_COUNT, 0, SRC_COUNTS, def, link, fn_hh, arg                        \
	}
#define PS(name, label, arg, link, def)                                                                      \
	{                                                                                                    \
		name, label, "人", ZX_FIG_COUNT, 0, SRC_COUNTS, def, link, fn_persons, arg                   \
	}

static const zx_figure_def registry_defs[] = {
    HH("households_total", "总户数", "", "#/households", "区域内农户台账登记的全部户数（当前）。"),
    PS("persons_total", "总人数", "", "#/households", "区域内农户台账登记的全部人口数（当前）。"),
    HH("tuopin_households", "脱贫户户数", "type:脱贫户", "#/households?hh_type=脱贫户",
       "户类型为脱贫户的户数（当前，含已纳入监测的脱贫户）。"),
    PS("tuopin_persons", "脱贫人口", "type:脱贫户", "#/households?hh_type=脱贫户",
       "户类型为脱贫户的家庭人口合计（当前）。"),
    HH("general_households", "一般农户户数", "type:一般农户", "#/households?hh_type=一般农户",
       "户类型为一般农户的户数（当前）。"),
    PS("general_persons", "一般农户人数", "type:一般农户", "#/households?hh_type=一般农户",
       "户类型为一般农户的家庭人口合计（当前）。"),
    HH("monitored_households", "监测户户数", "mon", "#/monitored",
       "监测对象类别不为空（脱贫不稳定户、边缘易致贫户、突发严重困难户）的户数（当前，风险已消除的不计）。"),
    PS("monitored_persons", "监测对象人数", "mon", "#/monitored", "当前监测户的家庭人口合计。"),
    HH("unstable_households", "脱贫不稳定户户数", "cat:脱贫不稳定户", "#/households?category=脱贫不稳定户",
       "监测对象类别为脱贫不稳定户的户数（当前）。"),
    PS("unstable_persons", "脱贫不稳定户人数", "cat:脱贫不稳定户", "#/households?category=脱贫不稳定户",
       "监测对象类别为脱贫不稳定户的家庭人口合计（当前）。"),
    HH("edge_households", "边缘易致贫户户数", "cat:边缘易致贫户", "#/households?category=边缘易致贫户",
       "监测对象类别为边缘易致贫户的户数（当前）。"),
    PS("edge_persons", "边缘易致贫户人数", "cat:边缘易致贫户", "#/households?category=边缘易致贫户",
       "监测对象类别为边缘易致贫户的家庭人口合计（当前）。"),
    HH("sudden_households", "突发严重困难户户数", "cat:突发严重困难户",
       "#/households?category=突发严重困难户", "监测对象类别为突发严重困难户的户数（当前）。"),
    PS("sudden_persons", "突发严重困难户人数", "cat:突发严重困难户", "#/households?category=突发严重困难户",
       "监测对象类别为突发严重困难户的家庭人口合计（当前）。"),
    HH("tuopin_monitored_households", "脱贫户中监测户户数", "tuopin_mon", "#/monitored",
       "户类型为脱贫户且当前为监测户的户数（“脱贫人口中纳入返贫监测对象”）。"),
    PS("tuopin_monitored_persons", "脱贫户中监测对象人数", "tuopin_mon", "#/monitored",
       "户类型为脱贫户且当前为监测户的家庭人口合计。"),
};

const zx_figure_group zx_figures_registry = {registry_defs,
                                             (int)(sizeof(registry_defs) / sizeof(registry_defs[0]))};

/* --- income (population-weighted, domain.md §3) ------------------------------------------ */

/* arg: "tuopin" (户类型 脱贫户) or "mon" (当前监测户); year 0 this, 1 last. */
static void income_of(fig_cache *k, const char *arg, int y, int64_t *net, int64_t *persons, int64_t *hh)
{
	*net = *persons = *hh = 0;
	for (int t = 0; t < FIG_NTYPES; t++)
		for (int m = 0; m < 2; m++) {
			bool in = strcmp(arg, "tuopin") == 0 ? t == 0
			          : strcmp(arg, "mon") == 0  ? m == 1
			                                     : true;
			if (!in)
				continue;
			*net += k->inc.net[y][t][m];
			*persons += k->inc.persons[y][t][m];
			*hh += k->inc.households[y][t][m];
		}
}

static zx_err fn_income_pc(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out, int y)
{
	zx_err e = zx_fig_load_income(x);
	if (e)
		return e;
	int64_t net, ps, hh;
	income_of(fig_cache_of(x), d->arg, y, &net, &ps, &hh);
	*out = zx_fig_ratio(net, ps);
	return ZX_OK;
}

static zx_err fn_income(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out)
{
	return fn_income_pc(x, d, out, 0);
}

static zx_err fn_income_last(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out)
{
	return fn_income_pc(x, d, out, 1);
}

static zx_err fn_income_growth(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out)
{
	zx_err e = zx_fig_load_income(x);
	if (e)
		return e;
	int64_t n1, p1, h1, n0, p0, h0;
	income_of(fig_cache_of(x), d->arg, 0, &n1, &p1, &h1);
	income_of(fig_cache_of(x), d->arg, 1, &n0, &p0, &h0);
	*out = zx_fig_growth(n1, p1, n0, p0);
	return ZX_OK;
}

static zx_err fn_surveyed(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out)
{
	zx_err e = zx_fig_load_income(x);
	if (e)
		return e;
	int64_t net, ps, hh;
	income_of(fig_cache_of(x), d->arg, 0, &net, &ps, &hh);
	*out = zx_fig_count(hh);
	return ZX_OK;
}

static zx_err fn_income_line(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out)
{
	(void)d;
	zx_err e = zx_fig_load_policy(x);
	if (e)
		return e;
	fig_cache *k = fig_cache_of(x);
	*out = k->policy_found ? (zx_fig_value){true, k->income_line, 1} : (zx_fig_value){false, 0, 1};
	return ZX_OK;
}

/* --- cases, eliminations, visits, measures, campaigns ------------------------------------- */

/* The cache field an arg names (one loader per prefix). */
static zx_err fn_cached(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out)
{
	fig_cache *k = fig_cache_of(x);
	const char *a = d->arg;
	zx_err e = ZX_OK;
	int64_t v = 0;
	if (strncmp(a, "case.", 5) == 0 && !(e = zx_fig_load_cases(x))) {
		a += 5;
		v = !strcmp(a, "candidates") ? k->candidates
		    : !strcmp(a, "opened")   ? k->cases_opened
		    : !strcmp(a, "inc_hh")   ? k->included_households
		    : !strcmp(a, "inc_ps")   ? k->included_persons
		    : !strcmp(a, "open")     ? k->open_cases
		                             : k->overdue_cases;
	} else if (strncmp(a, "elim.", 5) == 0 && !(e = zx_fig_load_elim(x))) {
		v = !strcmp(a + 5, "hh") ? k->eliminated_households : k->eliminated_persons;
	} else if (strncmp(a, "visit.", 6) == 0 && !(e = zx_fig_load_visits(x))) {
		v = !strcmp(a + 6, "n") ? k->visits : k->visited_households;
	} else if (strncmp(a, "due.", 4) == 0 && !(e = zx_fig_load_due(x))) {
		v = !strcmp(a + 4, "overdue") ? k->overdue_visits : k->due_soon;
	} else if (strncmp(a, "camp.", 5) == 0 && !(e = zx_fig_load_campaigns(x))) {
		a += 5;
		v = !strcmp(a, "n")          ? k->campaigns
		    : !strcmp(a, "hh")       ? k->campaign_households
		    : !strcmp(a, "personal") ? k->issues[0]
		    : !strcmp(a, "common")   ? k->issues[1]
		                             : k->issues_rectified[0] + k->issues_rectified[1];
	} else if (strcmp(a, "measures.hh") == 0 && !(e = zx_fig_load_measures(x))) {
		v = k->measure_households;
	}
	if (e)
		return e;
	*out = zx_fig_count(v);
	return ZX_OK;
}

static zx_err fn_campaign_pct(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out)
{
	(void)d;
	zx_err e = zx_fig_load_campaigns(x);
	if (e)
		return e;
	fig_cache *k = fig_cache_of(x);
	*out = zx_fig_ratio(k->campaign_visited, k->campaign_pairs);
	return ZX_OK;
}

static zx_err fn_issues_pct(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out)
{
	(void)d;
	zx_err e = zx_fig_load_campaigns(x);
	if (e)
		return e;
	fig_cache *k = fig_cache_of(x);
	*out = zx_fig_ratio(k->issues_rectified[0] + k->issues_rectified[1], k->issues[0] + k->issues[1]);
	return ZX_OK;
}

/* arg: a measure kind, or "" for all kinds. */
static zx_err fn_measures(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out)
{
	zx_err e = zx_fig_load_measures(x);
	if (e)
		return e;
	fig_cache *k = fig_cache_of(x);
	int64_t n = 0, amount = 0;
	for (int i = 0; i < ZX_MEASURE_KIND_COUNT; i++)
		if (!*d->arg || strcmp(d->arg, zx_measure_kinds[i]) == 0) {
			n += k->measures[i];
			amount += k->measure_amount[i];
		}
	*out = d->kind == ZX_FIG_MONEY ? (zx_fig_value){true, amount, 1} : zx_fig_count(n);
	return ZX_OK;
}

#define SRC_INCOME "fig_income"
#define CNT(name, label, unit, arg, src, link, def)                                                          \
	{                                                                                                    \
		name, label, unit, ZX_FIG_COUNT, 0, src, def, link, fn_cached, arg                           \
	}
#define MEASURE(name, kind)                                                                                  \
	{                                                                                                    \
		name, "落实" kind "措施", "个", ZX_FIG_COUNT, 0, "fig_measures",                             \
		    "年内状态为已落实、实际落实日期在本年度内的" kind "措施个数。", "#/plans", fn_measures,  \
		    kind                                                                                     \
	}

static const zx_figure_def monitoring_defs[] = {
    {"income_line", "监测线", "元", ZX_FIG_MONEY, 0, "policy_latest",
     "本年度生效的防返贫监测收入标准（县级设置优先，否则省级），元/人·年。", "#/policy", fn_income_line, ""},
    {"tuopin_income_per_capita", "脱贫户人均纯收入", "元", ZX_FIG_MONEY, 0, SRC_INCOME,
     "本年度有收入调查的脱贫户纯收入合计除以其家庭人口合计（人口加权）。", "#/income", fn_income, "tuopin"},
    {"tuopin_income_per_capita_last", "上年脱贫户人均纯收入", "元", ZX_FIG_MONEY, 0, SRC_INCOME,
     "上一年度有收入调查的脱贫户纯收入合计除以其家庭人口合计。", "#/income", fn_income_last, "tuopin"},
    {"tuopin_income_growth_pct", "脱贫户人均纯收入同比增长", "%", ZX_FIG_PERCENT, 1, SRC_INCOME,
     "脱贫户人均纯收入本年度比上年度增长的百分比（两年各按人口加权）。", "#/income", fn_income_growth,
     "tuopin"},
    {"monitored_income_per_capita", "监测户人均纯收入", "元", ZX_FIG_MONEY, 0, SRC_INCOME,
     "本年度有收入调查的当前监测户纯收入合计除以其家庭人口合计（人口加权）。", "#/income", fn_income, "mon"},
    {"monitored_income_growth_pct", "监测户人均纯收入同比增长", "%", ZX_FIG_PERCENT, 1, SRC_INCOME,
     "当前监测户人均纯收入本年度比上年度增长的百分比（两年各按人口加权）。", "#/income", fn_income_growth,
     "mon"},
    {"surveyed_households", "收入调查户数", "户", ZX_FIG_COUNT, 0, SRC_INCOME, "本年度已录入收入调查的户数。",
     "#/income", fn_surveyed, ""},
    CNT("screening_candidates", "排查发现风险户", "户", "case.candidates", "fig_candidates", "#/screening",
        "本年度排查中至少触发一条规则的户数（同一户多次排查只计一次）。"),
    CNT("cases_opened", "新立识别纳入案件", "件", "case.opened", "fig_cases", "#/cases",
        "本年度进入识别纳入流程（发现时间在本年度）的案件数。"),
    CNT("included_households", "新纳入监测户数", "户", "case.inc_hh", "fig_included", "#/cases",
        "本年度完成县级审定并纳入监测的户数。"),
    CNT("included_persons", "新纳入监测人数", "人", "case.inc_ps", "fig_included", "#/cases",
        "本年度纳入监测的户的家庭人口合计（当前人口）。"),
    CNT("eliminated_households", "风险消除户数", "户", "elim.hh", "fig_eliminated", "#/monitored",
        "本年度经审定风险消除的户数。"),
    CNT("eliminated_persons", "风险消除人数", "人", "elim.ps", "fig_eliminated", "#/monitored",
        "本年度风险消除的户的家庭人口合计（当前人口）。"),
    CNT("open_cases", "在办识别纳入案件", "件", "case.open", "fig_cases", "#/cases",
        "尚未办结（未纳入也未退回终止）的识别纳入案件数（当前）。"),
    CNT("overdue_cases", "逾期未办结案件", "件", "case.overdue", "fig_cases", "#/cases",
        "发现后超过15天仍未办结的识别纳入案件数（当前）。"),
    CNT("overdue_visits", "逾期未走访户数", "户", "due.overdue", "visit_due_scan", "#/visits",
        "按走访周期应走访而已超过应走访日期仍未走访的户数（当前）。"),
    CNT("due_visits", "近期应走访户数", "户", "due.soon", "visit_due_scan", "#/visits",
        "7天内到期应走访的户数（当前）。"),
    CNT("visits_done", "走访次数", "次", "visit.n", "fig_visits", "#/visits", "本年度登记的走访记录条数。"),
    CNT("visited_households", "走访户数", "户", "visit.hh", "fig_visits", "#/visits",
        "本年度至少走访一次的户数。"),
    {"measures_delivered", "落实帮扶措施", "个", ZX_FIG_COUNT, 0, "fig_measures",
     "本年度状态为已落实、实际落实日期在本年度内的一户一策帮扶措施个数。", "#/plans", fn_measures, ""},
    CNT("measures_households", "落实措施户数", "户", "measures.hh", "fig_measure_households", "#/plans",
        "本年度至少落实一项帮扶措施的户数。"),
    {"measures_amount", "帮扶措施资金", "万元", ZX_FIG_MONEY, 4, "fig_measures",
     "本年度已落实帮扶措施登记的金额合计。", "#/plans", fn_measures, ""},
    MEASURE("measures_industry", "产业帮扶"),
    MEASURE("measures_employment", "就业帮扶"),
    MEASURE("measures_public_post", "公益性岗位"),
    MEASURE("measures_health", "健康帮扶"),
    MEASURE("measures_education", "教育帮扶"),
    MEASURE("measures_medical_insurance", "医保"),
    MEASURE("measures_civil_relief", "民政救助"),
    MEASURE("measures_microcredit", "小额信贷"),
    MEASURE("measures_housing_water", "住房/饮水保障"),
    MEASURE("measures_training", "技能培训"),
    MEASURE("measures_publicity", "宣传/扶志扶智"),
    MEASURE("measures_social", "社会帮扶"),
    MEASURE("measures_other", "其他"),
    CNT("campaigns", "集中排查次数", "次", "camp.n", "fig_campaigns", "#/campaigns",
        "本年度开始的、范围覆盖本区域或在本区域内的集中排查和回头看次数。"),
    CNT("campaign_households", "排查覆盖户数", "户", "camp.hh", "fig_campaign_coverage", "#/campaigns",
        "本年度排查名单中本区域的户数（多次排查只计一次）。"),
    {"campaign_coverage_pct", "排查走访完成率", "%", ZX_FIG_PERCENT, 1, "fig_campaign_coverage",
     "本年度排查名单中在排查起止日期内有走访记录的户次占全部户次的比例。", "#/campaigns", fn_campaign_pct,
     ""},
    CNT("issues_individual", "排查发现个性问题", "个", "camp.personal", "fig_issues", "#/campaigns",
        "本年度排查中发现的个性问题个数。"),
    CNT("issues_common", "排查发现共性问题", "个", "camp.common", "fig_issues", "#/campaigns",
        "本年度排查中发现的共性问题个数。"),
    CNT("issues_rectified", "已整改问题", "个", "camp.rectified", "fig_issues", "#/campaigns",
        "本年度排查发现的问题中状态为已整改的个数。"),
    {"issues_rectified_pct", "问题整改完成率", "%", ZX_FIG_PERCENT, 1, "fig_issues",
     "本年度排查发现的问题中已整改的比例。", "#/campaigns", fn_issues_pct, ""},
};

const zx_figure_group zx_figures_monitoring = {monitoring_defs,
                                               (int)(sizeof(monitoring_defs) / sizeof(monitoring_defs[0]))};
