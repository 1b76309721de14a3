/*
 * figures.c — the figure registry's mechanics (see figures.h): the list of groups,
 * lookup by name, the computation context, and the one formatter of numbers in Chinese
 * official style.
 */
#include "domain/report/figures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/monitoring/monitoring.h"
#include "domain/report/figures_internal.h"

/* Groups in display order. Ledger and indicator figures add their tables here. */
static const zx_figure_group *const groups[] = {
    &zx_figures_registry,
    &zx_figures_monitoring,
    &zx_figures_indicator,
};
#define NGROUPS ((int)(sizeof(groups) / sizeof(groups[0])))

int zx_figures_count(void)
{
	int n = 0;
	for (int g = 0; g < NGROUPS; g++)
		n += groups[g]->n;
	return n;
}

const zx_figure_def *zx_figure_def_at(int i)
{
	for (int g = 0; g < NGROUPS && i >= 0; g++) {
		if (i < groups[g]->n)
			return &groups[g]->defs[i];
		i -= groups[g]->n;
	}
	return NULL;
}

const zx_figure_def *zx_figure_def_find(const char *name)
{
	if (!name)
		return NULL;
	for (int g = 0; g < NGROUPS; g++)
		for (int i = 0; i < groups[g]->n; i++)
			if (strcmp(groups[g]->defs[i].name, name) == 0)
				return &groups[g]->defs[i];
	return NULL;
}

/* --- context ---------------------------------------------------------------------------- */

zx_err zx_fig_ctx_init(zx_fig_ctx *x, zx_conn *c, const zx_actor *a, const char *area, int year,
                       zx_errinfo *ei)
{
	memset(x, 0, sizeof(*x));
	if (!zx_role_sees_personal_data(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", "", 0, "您的角色不查看农户数据和统计");
	if (!zx_mon_year_ok(year))
		return zx_fail(ei, ZX_EINVAL, "invalid_year", "year", 0, "年度应在%d至%d之间",
		               ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX);
	const char *code = area && *area ? area : a->area_code;
	if (!*code)
		return zx_fail(ei, ZX_EINVAL, "area_required", "area", 0, "请指定区划代码");
	zx_err e = zx_mon_area_check(c, a, code, true, &x->level, ei);
	if (e)
		return e;
	if (x->level < 3)
		return zx_fail(ei, ZX_EINVAL, "invalid_area_level", "area", 0, "请选择县、乡镇或村级区划");
	snprintf(x->area, sizeof(x->area), "%s", code);
	zx_mon_area_name(c, x->area, x->area_name, sizeof(x->area_name), NULL);
	zx_scope_of_area(x->area, &x->scope);
	x->c = c;
	x->actor = a;
	x->year = year;
	x->now = zx_now();
	x->cache = calloc(1, sizeof(fig_cache));
	if (!x->cache)
		return zx_fail(ei, ZX_ENOMEM, "no_memory", "", 0, "内存不足");
	return ZX_OK;
}

void zx_fig_ctx_done(zx_fig_ctx *x)
{
	fig_cache *k = fig_cache_of(x);
	if (k)
		free(k->children);
	free(x->cache);
	x->cache = NULL;
}

void zx_fig_year_range(int year, int64_t *lo, int64_t *hi)
{
	int64_t d0 = zx_asst_days_of(year * 10000 + 101), d1 = zx_asst_days_of((year + 1) * 10000 + 101);
	*lo = d0 * 86400 - 8 * 3600;
	*hi = d1 * 86400 - 8 * 3600;
}

/* --- computing --------------------------------------------------------------------------- */

static void figure_link(const zx_fig_ctx *x, const zx_figure_def *d, char *out, size_t outsz)
{
	if (!d->link || !*d->link) {
		out[0] = '\0';
		return;
	}
	snprintf(out, outsz, "%s%carea=%s", d->link, strchr(d->link, '?') ? '&' : '?', x->area);
}

zx_err zx_figure_compute(zx_fig_ctx *x, const zx_figure_def *d, zx_figure *out)
{
	memset(out, 0, sizeof(*out));
	out->def = d;
	out->as_of = x->now;
	zx_err e = d->fn(x, d, &out->v);
	if (e)
		return e;
	zx_fig_format(d, out->v, out->text, sizeof(out->text));
	if (out->v.has)
		zx_fig_format_number(d->kind, d->unit, d->precision, out->v, out->number,
		                     sizeof(out->number));
	out->value = zx_fig_display_value(d, out->v);
	figure_link(x, d, out->link, sizeof(out->link));
	return ZX_OK;
}

zx_err zx_figure_get(zx_fig_ctx *x, const char *name, zx_figure *out, zx_errinfo *ei)
{
	const zx_figure_def *d = zx_figure_def_find(name);
	if (!d)
		return zx_fail(ei, ZX_ENOTFOUND, "figure_not_found", "name", 0, "没有名为 %s 的指标",
		               name ? name : "");
	return zx_figure_compute(x, d, out);
}

zx_err zx_figures_all(zx_fig_ctx *x, zx_figure *out)
{
	bool own = !zx_tx_active(x->c);
	zx_err e = own ? zx_tx_begin_read(x->c) : ZX_OK;
	int n = zx_figures_count();
	for (int i = 0; !e && i < n; i++)
		e = zx_figure_compute(x, zx_figure_def_at(i), &out[i]);
	if (own) {
		if (e)
			zx_tx_rollback(x->c);
		else
			e = zx_tx_commit(x->c);
	}
	return e;
}

zx_fig_value zx_fig_growth(int64_t n1, int64_t d1, int64_t n0, int64_t d0)
{
	if (d1 <= 0 || d0 <= 0 || n0 <= 0)
		return (zx_fig_value){false, 0, 1};
	__int128 num = (__int128)n1 * d0 - (__int128)n0 * d1, den = (__int128)n0 * d1;
	/* Keep the fraction in 64 bits: drop low bits of both sides (relative error < 2^-40). */
	while (num > INT64_MAX / 2 || num < -(INT64_MAX / 2) || den > INT64_MAX / 2) {
		num /= 2;
		den /= 2;
	}
	if (den <= 0)
		return (zx_fig_value){false, 0, 1};
	return (zx_fig_value){true, (int64_t)num, (int64_t)den};
}

/* --- formatting --------------------------------------------------------------------------- */

static __int128 div_round(__int128 n, __int128 d)
{
	if (d < 0) {
		n = -n;
		d = -d;
	}
	__int128 a = n < 0 ? -n : n;
	__int128 q = a / d, r = a % d;
	if (2 * r >= d)
		q++;
	return n < 0 ? -q : q;
}

static bool unit_is_wan(const char *unit)
{
	return unit && strcmp(unit, "万元") == 0;
}

void zx_fig_format_number(zx_fig_kind kind, const char *unit, int precision, zx_fig_value v, char *out,
                          size_t outsz)
{
	if (outsz == 0)
		return;
	if (precision < 0)
		precision = 0;
	if (precision > 6)
		precision = 6;
	__int128 pow10 = 1;
	for (int i = 0; i < precision; i++)
		pow10 *= 10;
	__int128 num = v.num, den = v.den > 0 ? v.den : 1;
	__int128 scaled;
	bool trim = false;
	switch (kind) {
	case ZX_FIG_MONEY:
		scaled = div_round(num * pow10, den * (unit_is_wan(unit) ? 1000000 : 100));
		trim = true;
		break;
	case ZX_FIG_PERCENT:
		scaled = div_round(num * 100 * pow10, den);
		break;
	case ZX_FIG_COUNT:
	default:
		scaled = div_round(num * pow10, den);
		break;
	}
	bool neg = scaled < 0;
	unsigned __int128 a = (unsigned __int128)(neg ? -scaled : scaled);
	char digits[48];
	int nd = 0;
	do {
		digits[nd++] = (char)('0' + (int)(a % 10));
		a /= 10;
	} while (a && nd < 40);
	while (nd <= precision)
		digits[nd++] = '0';
	/* digits is reversed: digits[0 .. precision-1] are the decimals. */
	int first = 0; /* decimals dropped from the end (trailing zeros) */
	if (trim)
		while (first < precision && digits[first] == '0')
			first++;
	char buf[64];
	size_t p = 0;
	if (neg)
		buf[p++] = '-';
	for (int i = nd - 1; i >= precision; i--)
		buf[p++] = digits[i];
	if (precision > first) {
		buf[p++] = '.';
		for (int i = precision - 1; i >= first; i--)
			buf[p++] = digits[i];
	}
	buf[p] = '\0';
	if (neg && strspn(buf + 1, "0.") == strlen(buf + 1)) /* "-0" → "0" */
		memmove(buf, buf + 1, p);
	snprintf(out, outsz, "%s", buf);
}

void zx_fig_format(const zx_figure_def *d, zx_fig_value v, char *out, size_t outsz)
{
	if (!v.has) {
		snprintf(out, outsz, "—");
		return;
	}
	char num[48];
	zx_fig_format_number(d->kind, d->unit, d->precision, v, num, sizeof(num));
	snprintf(out, outsz, "%s%s", num, d->unit ? d->unit : "");
}

double zx_fig_display_value(const zx_figure_def *d, zx_fig_value v)
{
	if (!v.has || v.den == 0)
		return 0;
	double x = (double)v.num / (double)v.den;
	switch (d->kind) {
	case ZX_FIG_MONEY:
		return x / (unit_is_wan(d->unit) ? 1000000.0 : 100.0);
	case ZX_FIG_PERCENT:
		return x * 100.0;
	default:
		return x;
	}
}
