/*
 * indicator_figure.c — indicators whose source is a figure of the report's figure registry
 * (domain/report/figures.h): a registry or monitoring figure of an area and year turned into
 * the indicator's base units (分 for money, hundredths otherwise; a percentage figure counts
 * in hundredths of a percent).
 */
#include <string.h>

#include "domain/indicator/indicator_internal.h"
#include "domain/report/figures.h"

/* Figures of the indicator group are computed from indicators: an indicator built on one
 * would compute itself. */
static bool own_figure(const zx_figure_def *d)
{
	return d >= zx_figures_indicator.defs && d < zx_figures_indicator.defs + zx_figures_indicator.n;
}

bool zx_ind_figure_known(const char *name)
{
	const zx_figure_def *d = name && *name ? zx_figure_def_find(name) : NULL;
	return d && !own_figure(d);
}

bool zx_ind_figure_is_money(const char *name)
{
	const zx_figure_def *d = name ? zx_figure_def_find(name) : NULL;
	return d && d->kind == ZX_FIG_MONEY;
}

/* n / d rounded half away from zero (d > 0). */
static int64_t div_round(int64_t n, int64_t d)
{
	return n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d);
}

zx_err zx_ind_figure_actual(zx_conn *c, const zx_actor *a, const char *code, int year, const zx_indicator *d,
                            bool *has, int64_t *out)
{
	*has = false;
	*out = 0;
	const zx_figure_def *def = zx_figure_def_find(d->figure);
	if (!def || own_figure(def))
		return ZX_OK; /* a figure that left the registry, or one of ours: no data */
	zx_fig_ctx x;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_fig_ctx_init(&x, c, a, code, year, &ei);
	if (e)
		return e;
	zx_figure f;
	e = zx_figure_compute(&x, def, &f);
	zx_fig_ctx_done(&x);
	if (e || !f.v.has || f.v.den <= 0)
		return e;
	*has = true;
	switch (def->kind) {
	case ZX_FIG_MONEY:
		*out = div_round(f.v.num, f.v.den);
		break;
	case ZX_FIG_PERCENT:
		*out = div_round(f.v.num * 10000, f.v.den);
		break;
	default:
		*out = div_round(f.v.num * 100, f.v.den);
	}
	return ZX_OK;
}
