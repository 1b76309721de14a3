/*
 * figures_internal.h — the cache shared by the figures of one computation (figures.c,
 * figures_data.c, figures_table.c): each group of store queries runs once per
 * computation, the first time a figure needs it, and fills one block here.
 */
#ifndef ZX_FIGURES_INTERNAL_H
#define ZX_FIGURES_INTERNAL_H

#include "domain/assistance/assistance.h"
#include "domain/report/figures.h"

/* 户类型 index: 0 脱贫户, 1 一般农户; category index: 0 none, 1..3 the three categories. */
#define FIG_NTYPES 2
#define FIG_NCATS 4
extern const char *const zx_fig_types[FIG_NTYPES];
extern const char *const zx_fig_cats[FIG_NCATS];

/* Income histogram: bins of ZX_FIG_BIN_FEN of 人均纯收入 (bin -1 below zero, the last bin
 * everything from ZX_FIG_NBINS × width up). The bands are those of the income_rollup table
 * (migration 0013_income_rollup.sql): change both together. */
#define ZX_FIG_BIN_FEN ((int64_t)100000) /* 1000 元 */
#define ZX_FIG_NBINS 30

typedef struct fig_income {
	/* [year: 0 this, 1 last][type][monitored 0/1]: Σ 纯收入 (分), Σ 人口, households */
	int64_t net[2][FIG_NTYPES][2], persons[2][FIG_NTYPES][2], households[2][FIG_NTYPES][2];
	/* this year's 脱贫户 and 监测户 per bin (index bin + 1) */
	int64_t hist_tuopin[ZX_FIG_NBINS + 2], hist_monitored[ZX_FIG_NBINS + 2];
} fig_income;

typedef struct fig_child {
	char code[13];
	char name[64];
	int64_t households[FIG_NTYPES][FIG_NCATS], persons[FIG_NTYPES][FIG_NCATS];
	int64_t inc_net[2], inc_persons[2]; /* 脱贫户 this year, last year */
	int64_t open_cases, overdue_cases, overdue_visits;
} fig_child;

typedef struct fig_cache {
	bool have_counts, have_income, have_cases, have_elim, have_measures, have_visits, have_campaigns,
	    have_due, have_policy;
	int64_t households[FIG_NTYPES][FIG_NCATS], persons[FIG_NTYPES][FIG_NCATS];
	fig_income inc;
	/* cases */
	int64_t candidates, cases_opened, included_households, included_persons, open_cases, overdue_cases;
	int64_t eliminated_households, eliminated_persons;
	/* measures delivered in the year by kind (zx_measure_kinds order) */
	int64_t measures[ZX_MEASURE_KIND_COUNT], measure_amount[ZX_MEASURE_KIND_COUNT], measure_households;
	int64_t visits, visited_households;
	/* campaigns started in the year, their (campaign, household) pairs in the area, visited */
	int64_t campaigns, campaign_pairs, campaign_households, campaign_visited;
	int64_t issues[2], issues_rectified[2]; /* 0 个性问题, 1 共性问题 */
	int64_t due_scheduled, due_soon, overdue_visits;
	bool policy_found;
	int64_t income_line; /* 分 */
	/* children (towns of a county, villages of a town), filled by zx_fig_children */
	int nchildren;
	fig_child *children;
	int child_len; /* length of a child's code prefix: 9 or 12 (0: no children) */
} fig_cache;

/* Loaders (figures_data.c); each runs its queries once. */
zx_err zx_fig_load_counts(zx_fig_ctx *x);
zx_err zx_fig_load_income(zx_fig_ctx *x);
zx_err zx_fig_load_cases(zx_fig_ctx *x);
zx_err zx_fig_load_elim(zx_fig_ctx *x);
zx_err zx_fig_load_measures(zx_fig_ctx *x);
zx_err zx_fig_load_visits(zx_fig_ctx *x);
zx_err zx_fig_load_campaigns(zx_fig_ctx *x);
zx_err zx_fig_load_due(zx_fig_ctx *x);
zx_err zx_fig_load_policy(zx_fig_ctx *x);
/* The children of the area with their counts, 脱贫户 income and overdue figures. */
zx_err zx_fig_load_children(zx_fig_ctx *x);

static inline fig_cache *fig_cache_of(zx_fig_ctx *x)
{
	return (fig_cache *)x->cache;
}

/* First and last moment of the year in China Standard Time, as epoch seconds [lo, hi). */
void zx_fig_year_range(int year, int64_t *lo, int64_t *hi);

#endif
