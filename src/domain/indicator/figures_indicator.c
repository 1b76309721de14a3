/*
 * figures_indicator.c — indicator completion as report figures (figures.h): for each
 * built-in indicator its year target, the actual value counted from the ledgers and the
 * completion ratio, for the figure's area and year (period Y), so a template can write
 * "小额信贷计划{{microloan_target}}，完成{{microloan_issued}}，完成率{{microloan_completion_pct}}"
 * → "小额信贷计划403.62万元，完成425.5万元，完成率105.42%".
 *
 * Values stay exact: money figures are 分 (num, den 1), counts are whole units, and the
 * completion is the ratio actual/target itself, rounded only by the figure formatter.
 * A figure has no data when the area has no year target (target, completion) — never 0%.
 */
#include <string.h>

#include "domain/indicator/indicator_internal.h"
#include "domain/report/figures.h"

typedef struct pick {
	const char *key;
	bool found;
	zx_ind_status s;
	char unit[16];
} pick;

static bool pick_cb(void *ctx, const zx_ind_status *s)
{
	pick *p = ctx;
	if (strcmp(s->ind->key, p->key) != 0)
		return true;
	p->found = true;
	p->s = *s;
	p->s.ind = NULL;
	memcpy(p->unit, s->ind->unit, sizeof(p->unit));
	return false;
}

static zx_err year_status(zx_fig_ctx *x, const char *key, pick *p)
{
	zx_period per;
	memset(p, 0, sizeof(*p));
	p->key = key;
	if (!zx_period_parse(x->year, "Y", &per))
		return ZX_OK; /* a year the registry accepted but periods do not: no data */
	return zx_ind_status_of(x->c, x->actor, x->area, &per, pick_cb, p);
}

/* A value in base units as a figure of kind d->kind (money: 分; counts: whole units). */
static zx_fig_value base_value(const zx_figure_def *d, int64_t v)
{
	if (d->kind == ZX_FIG_MONEY)
		return (zx_fig_value){true, v, 1};
	return (zx_fig_value){true, (v + 50) / 100, 1};
}

static zx_err fn_target(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out)
{
	pick p;
	zx_err e = year_status(x, d->arg, &p);
	if (!e && p.found && p.s.has_target)
		*out = base_value(d, p.s.target);
	return e;
}

static zx_err fn_actual(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out)
{
	pick p;
	zx_err e = year_status(x, d->arg, &p);
	if (!e && p.found && p.s.has_actual)
		*out = base_value(d, p.s.actual);
	return e;
}

static zx_err fn_completion(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out)
{
	pick p;
	zx_err e = year_status(x, d->arg, &p);
	if (!e && p.found && p.s.has_target && p.s.has_actual && p.s.target > 0)
		*out = zx_fig_ratio(p.s.actual, p.s.target);
	return e;
}

#define SRC "indicator_status"
#define LINK "#/indicators"
#define MONEY(name, label, fn, key, def)                                                                     \
	{                                                                                                    \
		name, label, "万元", ZX_FIG_MONEY, 4, SRC, def, LINK, fn, key                                \
	}
#define COUNT(name, label, unit, fn, key, def)                                                               \
	{                                                                                                    \
		name, label, unit, ZX_FIG_COUNT, 0, SRC, def, LINK, fn, key                                  \
	}
#define PCT(name, label, key, def)                                                                           \
	{                                                                                                    \
		name, label, "%", ZX_FIG_PERCENT, 2, SRC, def, LINK, fn_completion, key                      \
	}

static const zx_figure_def indicator_defs[] = {
    MONEY("microloan_target", "小额信贷计划", fn_target, "microloan",
          "本区域本年度小额信贷发放目标（指标与目标中设置）。"),
    MONEY("microloan_issued", "小额信贷发放额", fn_actual, "microloan",
          "小额信贷台账中本年度发放日期在本区域的贷款金额合计。"),
    PCT("microloan_completion_pct", "小额信贷完成率", "microloan", "小额信贷发放额 ÷ 年度计划。"),
    COUNT("public_post_target", "公益性岗位目标", "人", fn_target, "public_post",
          "本区域本年度公益性岗位安置目标人数。"),
    COUNT("public_post_persons", "公益性岗位人数", "人", fn_actual, "public_post",
          "公益性岗位台账中本年度在本区域上岗的人数（同一人只计一次）。"),
    PCT("public_post_completion_pct", "公益性岗位完成率", "public_post", "公益性岗位人数 ÷ 年度目标。"),
    COUNT("river_patrol_target", "巡河任务", "次", fn_target, "river_patrol", "本区域本年度巡河任务次数。"),
    COUNT("river_patrols", "巡河次数", "次", fn_actual, "river_patrol",
          "巡查台账中本年度类别为巡河的巡查次数。"),
    PCT("river_patrol_completion_pct", "巡河完成率", "river_patrol", "巡河次数 ÷ 年度巡河任务。"),
    MONEY("industry_subsidy_target", "产业奖补计划", fn_target, "industry_subsidy",
          "本区域本年度产业奖补资金计划。"),
    MONEY("industry_subsidy_amount", "产业奖补金额", fn_actual, "industry_subsidy",
          "产业奖补台账中本年度奖补金额合计。"),
    PCT("industry_subsidy_completion_pct", "产业奖补完成率", "industry_subsidy", "产业奖补金额 ÷ 年度计划。"),
    MONEY("collective_income_target", "村集体经济收入目标", fn_target, "collective_income",
          "本区域本年度村集体经济收入目标。"),
    MONEY("collective_income_amount", "村集体经济收入", fn_actual, "collective_income",
          "村集体经济台账中本年度收入合计。"),
    PCT("collective_income_completion_pct", "村集体经济收入完成率", "collective_income",
        "村集体经济收入 ÷ 年度目标。"),
    COUNT("employment_target", "务工就业目标", "人", fn_target, "employment",
          "本区域本年度务工就业目标人数。"),
    COUNT("employment_persons", "务工就业人数", "人", fn_actual, "employment",
          "务工就业台账中本年度在本区域登记的务工人数（同一人只计一次）。"),
    PCT("employment_completion_pct", "务工就业完成率", "employment", "务工就业人数 ÷ 年度目标。"),
};

const zx_figure_group zx_figures_indicator = {indicator_defs,
                                              (int)(sizeof(indicator_defs) / sizeof(indicator_defs[0]))};
