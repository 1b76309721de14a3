/*
 * figures_data.c — the store queries behind the figures (src/store/sql/common/figures.sql),
 * each run once per computation into the cache of figures_internal.h. Income, counts and
 * cases are read per child area in the same pass, so the dashboard's bars and ranking cost
 * no extra scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/assistance/visit.h"
#include "domain/monitoring/policy.h"
#include "domain/report/figures_internal.h"

const char *const zx_fig_types[FIG_NTYPES] = {"脱贫户", "一般农户"};
const char *const zx_fig_cats[FIG_NCATS] = {"", "脱贫不稳定户", "边缘易致贫户", "突发严重困难户"};

static int type_index(const char *s)
{
	for (int i = 0; i < FIG_NTYPES; i++)
		if (strcmp(s, zx_fig_types[i]) == 0)
			return i;
	return -1;
}

static int cat_index(const char *s)
{
	for (int i = 0; i < FIG_NCATS; i++)
		if (strcmp(s, zx_fig_cats[i]) == 0)
			return i;
	return -1;
}

static int year_lo(const zx_fig_ctx *x)
{
	return x->year * 10000 + 101;
}

static int year_hi(const zx_fig_ctx *x)
{
	return x->year * 10000 + 1231;
}

/* Length of the child prefix in the per-child queries: 9 for a county (towns), 12 for a town
 * (villages); a village's "children" are itself (its rows fold into one). */
static int child_len(const zx_fig_ctx *x)
{
	return x->level <= 3 ? 9 : 12;
}

/* The child whose code starts with prefix (NULL when the children are not loaded). */
static fig_child *child_of(fig_cache *k, const char *prefix)
{
	if (!k->children || !k->child_len)
		return NULL;
	int lo = 0, hi = k->nchildren - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		int cmp = strncmp(k->children[mid].code, prefix, (size_t)k->child_len);
		if (cmp == 0)
			return &k->children[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

zx_err zx_fig_load_counts(zx_fig_ctx *x)
{
	fig_cache *k = fig_cache_of(x);
	if (k->have_counts)
		return ZX_OK;
	zx_stmt *s;
	zx_err e =
	    zx_query_open(x->c, &x->scope, ZXQ_fig_household_counts, ZX_ARGS(ZX_INT(child_len(x))), &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		int t = type_index(zx_col_text(s, 1)), g = cat_index(zx_col_text(s, 2));
		if (t < 0 || g < 0)
			continue;
		int64_t hh = zx_col_int(s, 3), ps = zx_col_int(s, 4);
		k->households[t][g] += hh;
		k->persons[t][g] += ps;
		fig_child *ch = child_of(k, zx_col_text(s, 0));
		if (ch) {
			ch->households[t][g] += hh;
			ch->persons[t][g] += ps;
		}
	}
	zx_stmt_done(s);
	k->have_counts = !e;
	return e;
}

zx_err zx_fig_load_income(zx_fig_ctx *x)
{
	fig_cache *k = fig_cache_of(x);
	if (k->have_income)
		return ZX_OK;
	zx_stmt *s;
	zx_err e = zx_query_open(x->c, &x->scope, ZXQ_fig_income,
	                         ZX_ARGS(ZX_INT(x->year), ZX_INT(x->year - 1), ZX_INT(child_len(x))), &s);
	if (e)
		return e;
	bool row;
	fig_income *in = &k->inc;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		int y = zx_col_int(s, 1) == x->year ? 0 : 1;
		int t = type_index(zx_col_text(s, 2));
		int m = zx_col_int(s, 3) ? 1 : 0;
		int64_t bin = zx_col_int(s, 4);
		int64_t net = zx_col_int(s, 5), ps = zx_col_int(s, 6), hh = zx_col_int(s, 7);
		if (t < 0)
			continue;
		in->net[y][t][m] += net;
		in->persons[y][t][m] += ps;
		in->households[y][t][m] += hh;
		if (y == 0 && bin >= -1 && bin <= ZX_FIG_NBINS) {
			if (t == 0)
				in->hist_tuopin[bin + 1] += hh;
			if (m)
				in->hist_monitored[bin + 1] += hh;
		}
		fig_child *ch = t == 0 ? child_of(k, zx_col_text(s, 0)) : NULL;
		if (ch) {
			ch->inc_net[y] += net;
			ch->inc_persons[y] += ps;
		}
	}
	zx_stmt_done(s);
	k->have_income = !e;
	return e;
}

zx_err zx_fig_load_cases(zx_fig_ctx *x)
{
	fig_cache *k = fig_cache_of(x);
	if (k->have_cases)
		return ZX_OK;
	int64_t lo, hi;
	zx_fig_year_range(x->year, &lo, &hi);
	zx_stmt *s;
	zx_err e = zx_query_open(x->c, &x->scope, ZXQ_fig_cases,
	                         ZX_ARGS(ZX_INT(lo), ZX_INT(hi), ZX_INT(x->now), ZX_INT(child_len(x))), &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		k->cases_opened += zx_col_int(s, 1);
		k->open_cases += zx_col_int(s, 2);
		k->overdue_cases += zx_col_int(s, 3);
		fig_child *ch = child_of(k, zx_col_text(s, 0));
		if (ch) {
			ch->open_cases += zx_col_int(s, 2);
			ch->overdue_cases += zx_col_int(s, 3);
		}
	}
	zx_stmt_done(s);
	int64_t v[2];
	if (!e &&
	    !(e = zx_query_ints(x->c, &x->scope, ZXQ_fig_included, ZX_ARGS(ZX_INT(lo), ZX_INT(hi)), v, 2))) {
		k->included_households = v[0];
		k->included_persons = v[1];
	}
	if (!e)
		e = zx_query_int(x->c, &x->scope, ZXQ_fig_candidates, ZX_ARGS(ZX_INT(x->year)),
		                 &k->candidates);
	k->have_cases = !e;
	return e;
}

zx_err zx_fig_load_elim(zx_fig_ctx *x)
{
	fig_cache *k = fig_cache_of(x);
	if (k->have_elim)
		return ZX_OK;
	int64_t lo, hi;
	zx_fig_year_range(x->year, &lo, &hi);
	int64_t v[2];
	zx_err e = zx_query_ints(x->c, &x->scope, ZXQ_fig_eliminated, ZX_ARGS(ZX_INT(lo), ZX_INT(hi)), v, 2);
	if (e)
		return e;
	k->eliminated_households = v[0];
	k->eliminated_persons = v[1];
	k->have_elim = !e;
	return e;
}

zx_err zx_fig_load_measures(zx_fig_ctx *x)
{
	fig_cache *k = fig_cache_of(x);
	if (k->have_measures)
		return ZX_OK;
	zx_stmt *s;
	zx_err e = zx_query_open(x->c, &x->scope, ZXQ_fig_measures,
	                         ZX_ARGS(ZX_INT(year_lo(x)), ZX_INT(year_hi(x))), &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		const char *kind = zx_col_text(s, 0);
		for (int i = 0; i < ZX_MEASURE_KIND_COUNT; i++)
			if (strcmp(kind, zx_measure_kinds[i]) == 0) {
				k->measures[i] += zx_col_int(s, 1);
				k->measure_amount[i] += zx_col_int(s, 2);
			}
	}
	zx_stmt_done(s);
	if (!e)
		e = zx_query_int(x->c, &x->scope, ZXQ_fig_measure_households,
		                 ZX_ARGS(ZX_INT(year_lo(x)), ZX_INT(year_hi(x))), &k->measure_households);
	k->have_measures = !e;
	return e;
}

zx_err zx_fig_load_visits(zx_fig_ctx *x)
{
	fig_cache *k = fig_cache_of(x);
	if (k->have_visits)
		return ZX_OK;
	int64_t v[2];
	zx_err e = zx_query_ints(x->c, &x->scope, ZXQ_fig_visits,
	                         ZX_ARGS(ZX_INT(year_lo(x)), ZX_INT(year_hi(x))), v, 2);
	if (e)
		return e;
	k->visits = v[0];
	k->visited_households = v[1];
	k->have_visits = !e;
	return e;
}

zx_err zx_fig_load_campaigns(zx_fig_ctx *x)
{
	fig_cache *k = fig_cache_of(x);
	if (k->have_campaigns)
		return ZX_OK;
	zx_err e = zx_query_int(x->c, &x->scope, ZXQ_fig_campaigns,
	                        ZX_ARGS(ZX_INT(year_lo(x)), ZX_INT(year_hi(x))), &k->campaigns);
	int64_t v[3];
	if (!e && !(e = zx_query_ints(x->c, &x->scope, ZXQ_fig_campaign_coverage,
	                              ZX_ARGS(ZX_INT(year_lo(x)), ZX_INT(year_hi(x))), v, 3))) {
		k->campaign_pairs = v[0];
		k->campaign_households = v[1];
		k->campaign_visited = v[2];
	}
	zx_stmt *s;
	bool row;
	if (!e)
		e = zx_query_open(x->c, &x->scope, ZXQ_fig_issues,
		                  ZX_ARGS(ZX_INT(year_lo(x)), ZX_INT(year_hi(x))), &s);
	if (e)
		return e;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		int i = strcmp(zx_col_text(s, 0), "共性问题") == 0 ? 1 : 0;
		k->issues[i] += zx_col_int(s, 1);
		k->issues_rectified[i] += zx_col_int(s, 2);
	}
	zx_stmt_done(s);
	k->have_campaigns = !e;
	return e;
}

/* The full due report (lists, helpers' own households, 一般农户 scheduled): counts only. */
static zx_err due_from_report(zx_fig_ctx *x, fig_cache *k)
{
	zx_due_filter f = {.area = x->area, .person = "", .max_items = 1};
	zx_due_report r;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_visit_due_report(x->c, x->actor, &f, &r, &ei);
	if (e)
		return e;
	k->due_scheduled = r.scheduled;
	k->due_soon = r.due;
	k->overdue_visits = r.overdue;
	const zx_due_group *g = x->level <= 3 ? r.towns : r.villages;
	int ng = x->level <= 3 ? r.ntowns : r.nvillages;
	for (int i = 0; i < ng; i++) {
		fig_child *ch = child_of(k, g[i].key);
		if (ch)
			ch->overdue_visits += g[i].overdue;
	}
	zx_due_report_release(&r);
	return ZX_OK;
}

/* Due and overdue visits by the same rule (zx_visit_due, the county's schedule) over the
 * covering index of the households scheduled by default (fig_due_scan). */
zx_err zx_fig_load_due(zx_fig_ctx *x)
{
	fig_cache *k = fig_cache_of(x);
	if (k->have_due)
		return ZX_OK;
	zx_schedule *sched = malloc(sizeof(*sched));
	if (!sched)
		return ZX_ENOMEM;
	char county[7];
	snprintf(county, sizeof(county), "%.6s", x->area);
	zx_err e = zx_schedule_load(x->c, county, sched);
	bool general = false;
	for (int i = 0; !e && i < sched->n; i++)
		general |= sched->rows[i].target == ZX_TARGET_GENERAL && sched->rows[i].interval_days > 0;
	general |= !e && zx_schedule_interval(sched, x->area, ZX_TARGET_GENERAL, NULL) > 0;
	if (!e && general) {
		free(sched);
		e = due_from_report(x, k);
		k->have_due = !e;
		return e;
	}
	zx_stmt *s = NULL;
	if (!e)
		e = zx_query_open(x->c, &x->scope, ZXQ_fig_due_scan, ZX_NOARGS, &s);
	if (e) {
		free(sched);
		return e;
	}
	int today = zx_today_ymd();
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		const char *area = zx_col_text(s, 0);
		zx_visit_target t = zx_visit_target_of(zx_col_text(s, 1), zx_col_text(s, 2));
		int interval = zx_schedule_interval(sched, area, t, NULL);
		int last = zx_col_null(s, 4) ? 0 : (int)zx_col_int(s, 4);
		int due_ymd, late;
		zx_due_state st =
		    zx_visit_due(today, interval, last, zx_ymd_of(zx_col_int(s, 3)), &due_ymd, &late);
		if (st == ZX_DUE_NONE)
			continue;
		k->due_scheduled++;
		k->due_soon += st == ZX_DUE_SOON;
		if (st == ZX_DUE_OVERDUE) {
			k->overdue_visits++;
			fig_child *ch = child_of(k, area);
			if (ch)
				ch->overdue_visits++;
		}
	}
	zx_stmt_done(s);
	free(sched);
	k->have_due = !e;
	return e;
}

zx_err zx_fig_load_policy(zx_fig_ctx *x)
{
	fig_cache *k = fig_cache_of(x);
	if (k->have_policy)
		return ZX_OK;
	zx_policy p;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_policy_effective(x->c, x->area, x->year, &p, &ei);
	if (e == ZX_EVALIDATION || e == ZX_ENOTFOUND) {
		k->policy_found = false;
		e = ZX_OK;
	} else if (!e) {
		k->policy_found = true;
		k->income_line = p.income_line;
	}
	k->have_policy = !e;
	return e;
}

zx_err zx_fig_load_children(zx_fig_ctx *x)
{
	fig_cache *k = fig_cache_of(x);
	if (k->children || x->level >= 5)
		return ZX_OK;
	/* The per-child figures come from the same queries: drop what was loaded without them. */
	k->have_counts = k->have_income = k->have_cases = k->have_due = false;
	memset(k->households, 0, sizeof(k->households));
	memset(k->persons, 0, sizeof(k->persons));
	memset(&k->inc, 0, sizeof(k->inc));
	k->cases_opened = k->open_cases = k->overdue_cases = 0;
	k->due_scheduled = k->due_soon = k->overdue_visits = 0;
	int cap = 64;
	k->children = calloc((size_t)cap, sizeof(fig_child));
	if (!k->children)
		return ZX_ENOMEM;
	zx_stmt *s;
	zx_err e = zx_query_open(x->c, NULL, ZXQ_area_children, ZX_ARGS(ZX_TEXT(x->area)), &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		if (k->nchildren == cap) {
			fig_child *n = realloc(k->children, (size_t)cap * 2 * sizeof(*n));
			if (!n) {
				e = ZX_ENOMEM;
				break;
			}
			memset(n + cap, 0, (size_t)cap * sizeof(*n));
			k->children = n;
			cap *= 2;
		}
		fig_child *ch = &k->children[k->nchildren++];
		snprintf(ch->code, sizeof(ch->code), "%s", zx_col_text(s, 0));
		snprintf(ch->name, sizeof(ch->name), "%s", zx_col_text(s, 1));
	}
	zx_stmt_done(s);
	if (e)
		return e;
	k->child_len = child_len(x);
	/* area_children is ordered by code: child_of() searches it. */
	if (!e)
		e = zx_fig_load_counts(x);
	if (!e)
		e = zx_fig_load_income(x);
	if (!e)
		e = zx_fig_load_cases(x);
	if (!e)
		e = zx_fig_load_due(x);
	return e;
}
