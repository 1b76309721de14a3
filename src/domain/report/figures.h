/*
 * figures.h — the figure registry (issue #7): every named figure the dashboard and the
 * work report show, with its Chinese label, unit, kind, display precision, source (the
 * named store queries it runs) and a one-sentence definition. The dashboard API and the
 * report templates both compute figures here, so they never disagree.
 *
 * A figure is computed for (area, year) inside the caller's scope (area "" = the actor's
 * own area; an area outside the scope is ZX_EFORBIDDEN). Values are exact: a figure is the
 * fraction num/den of its kind's base unit, rounded only when it is shown:
 *   ZX_FIG_COUNT    num is the count (den 1)                       → "318户"
 *   ZX_FIG_MONEY    num/den is an amount in 分 (den: e.g. persons) → "14439元", "425.5万元"
 *   ZX_FIG_PERCENT  num/den is a ratio; shown × 100                → "105.42%", "16.6%"
 * A figure without data (no income survey for the year, no campaign …) has has = false and
 * is shown as "—".
 *
 * Adding figures (ledgers, indicators): write figures_<group>.c with a const
 * zx_figure_def table and its compute functions (run named queries with x->scope, the
 * area's range), declare the table below, and add it to the groups[] list in figures.c.
 */
#ifndef ZX_FIGURES_H
#define ZX_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/auth/actor.h"
#include "store/store.h"

typedef enum zx_fig_kind { ZX_FIG_COUNT = 1, ZX_FIG_MONEY, ZX_FIG_PERCENT } zx_fig_kind;

typedef struct zx_fig_value {
	bool has;
	int64_t num, den;
} zx_fig_value;

/* What a compute function sees: the connection (inside one read transaction while the
 * figures of a request are computed), the actor, the area and its range, the year, "now",
 * and a cache shared by the figures of one computation (private to the figures_*.c). */
typedef struct zx_fig_ctx {
	zx_conn *c;
	const zx_actor *actor;
	char area[13]; /* 12 digits */
	char area_name[128];
	int level;      /* 3 县, 4 乡镇, 5 村 */
	zx_scope scope; /* the area's range */
	int year;
	int64_t now; /* zx_now() when the computation started (the "as of") */
	void *cache;
} zx_fig_ctx;

typedef struct zx_figure_def zx_figure_def;
typedef zx_err (*zx_fig_fn)(zx_fig_ctx *x, const zx_figure_def *d, zx_fig_value *out);

struct zx_figure_def {
	const char *name;  /* ascii, e.g. "tuopin_households" */
	const char *label; /* 脱贫户户数 */
	const char *unit;  /* 户 人 元 万元 % 次 个 */
	zx_fig_kind kind;
	int precision;          /* decimals shown (money: at most, trailing zeros dropped) */
	const char *source;     /* the named queries, comma-separated: "household_counts_by_type" */
	const char *definition; /* one Chinese sentence */
	const char *link;       /* UI list behind it: "#/households?hh_type=脱贫户" ("" = none); the
	                         * area is appended as &area=… (or ?area=…) by zx_figure_link */
	zx_fig_fn fn;
	const char *arg; /* a parameter of fn (a 户类型, a category, a measure kind …) */
};

/* A computed figure. */
typedef struct zx_figure {
	const zx_figure_def *def;
	zx_fig_value v;
	double value;    /* num/den in the display unit (元, 万元, %, count), for charts */
	char text[64];   /* "14439元", "16.6%", "—" */
	char number[48]; /* the same without the unit: "14439" */
	char link[256];
	int64_t as_of;
} zx_figure;

/* The registry, in display order. */
int zx_figures_count(void);
const zx_figure_def *zx_figure_def_at(int i);
const zx_figure_def *zx_figure_def_find(const char *name);

/* Starts a computation: validates area (12 digits, known, in scope → else ZX_ENOTFOUND /
 * ZX_EFORBIDDEN with a Chinese message) and year, fills x. Release with zx_fig_ctx_done. */
zx_err zx_fig_ctx_init(zx_fig_ctx *x, zx_conn *c, const zx_actor *a, const char *area, int year,
                       zx_errinfo *ei);
void zx_fig_ctx_done(zx_fig_ctx *x);

/* One figure by definition or by name (ZX_ENOTFOUND for an unknown name). */
zx_err zx_figure_compute(zx_fig_ctx *x, const zx_figure_def *d, zx_figure *out);
zx_err zx_figure_get(zx_fig_ctx *x, const char *name, zx_figure *out, zx_errinfo *ei);

/* Every figure of the registry into out[zx_figures_count()] (one read transaction). */
zx_err zx_figures_all(zx_fig_ctx *x, zx_figure *out);

/* --- rendering in Chinese official style (the one place numbers are formatted) ----------- */

/* The number without the unit: counts as plain integers ("318"); money in 元 or 万元 with up
 * to `precision` decimals, trailing zeros dropped, no thousands separators ("14439",
 * "425.5", "147.6241"); percent × 100 with exactly `precision` decimals ("105.42", "16.6").
 * Rounding half away from zero. unit decides 元 vs 万元 for money. */
void zx_fig_format_number(zx_fig_kind kind, const char *unit, int precision, zx_fig_value v, char *out,
                          size_t outsz);
/* The number with its unit ("318户", "425.5万元", "16.6%"), or "—" without data. */
void zx_fig_format(const zx_figure_def *d, zx_fig_value v, char *out, size_t outsz);
/* num/den in the display unit as a double (charts only; never used for text). */
double zx_fig_display_value(const zx_figure_def *d, zx_fig_value v);

/* Value helpers for compute functions. */
static inline zx_fig_value zx_fig_count(int64_t n)
{
	return (zx_fig_value){true, n, 1};
}
/* A ratio num/den; without data when den is 0. */
static inline zx_fig_value zx_fig_ratio(int64_t num, int64_t den)
{
	return (zx_fig_value){den != 0, num, den ? den : 1};
}
/* Growth of x1 = n1/d1 over x0 = n0/d0 as a ratio (x1 − x0) / x0; without data when either
 * side has none (d0, d1, n0 must be > 0). */
zx_fig_value zx_fig_growth(int64_t n1, int64_t d1, int64_t n0, int64_t d0);

/* Groups of figures (figures_*.c). */
typedef struct zx_figure_group {
	const zx_figure_def *defs;
	int n;
} zx_figure_group;
extern const zx_figure_group zx_figures_registry;   /* figures_table.c: households, persons */
extern const zx_figure_group zx_figures_monitoring; /* figures_table.c: income, cases, … */
extern const zx_figure_group zx_figures_indicator;  /* indicator/figures_indicator.c: completion */

#endif
