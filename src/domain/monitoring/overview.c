/*
 * overview.c — counts and lists of monitoring (see overview.h). Every query is scoped
 * to the requested area, which must lie inside the caller's scope (else 403).
 */
#include "domain/monitoring/overview.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/monitoring/monitoring.h"

static zx_err area_scope(zx_conn *c, const zx_actor *a, const char *area, char out[13], zx_scope *sc,
                         zx_errinfo *ei)
{
	const char *code = area && *area ? area : a->area_code;
	if (!*code) {
		*sc = a->scope;
		out[0] = '\0';
		return ZX_OK;
	}
	zx_err e = zx_mon_area_check(c, a, code, true, NULL, ei);
	if (e)
		return e;
	snprintf(out, 13, "%s", code);
	zx_scope_of_area(code, sc);
	return ZX_OK;
}

zx_err zx_mon_summary_get(zx_conn *c, const zx_actor *a, const char *area, int year, zx_mon_summary *out,
                          zx_errinfo *ei)
{
	memset(out, 0, sizeof(*out));
	zx_scope sc;
	zx_err e = area_scope(c, a, area, out->area, &sc, ei);
	if (e)
		return e;
	if (out->area[0])
		zx_mon_area_name(c, out->area, out->area_name, sizeof(out->area_name), NULL);
	out->year = year;
	zx_stmt *s;
	bool row;
	e = zx_query_open(c, &sc, ZXQ_mon_count_by_category, ZX_NOARGS, &s);
	if (e)
		return e;
	while (!(e = zx_stmt_next(s, &row)) && row && out->ncategories < 8) {
		int i = out->ncategories++;
		snprintf(out->categories[i].category, sizeof(out->categories[i].category), "%s",
		         zx_col_text(s, 0));
		out->categories[i].households = zx_col_int(s, 1);
		out->categories[i].persons = zx_col_int(s, 2);
		out->monitored_households += zx_col_int(s, 1);
		out->monitored_persons += zx_col_int(s, 2);
	}
	zx_stmt_done(s);
	if (!e)
		e = zx_query_open(c, &sc, ZXQ_case_count_by_state, ZX_ARGS(ZX_INT(zx_now())), &s);
	if (e)
		return e;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		int st = zx_case_state_parse(zx_col_text(s, 0));
		if (st < 0)
			continue;
		out->cases[st] = zx_col_int(s, 1);
		out->overdue_cases += zx_col_int(s, 2);
		if (!zx_case_state_closed((zx_case_state)st))
			out->open_cases += zx_col_int(s, 1);
	}
	zx_stmt_done(s);
	if (!e)
		e = zx_query_open(c, &sc, ZXQ_mon_survey_coverage, ZX_ARGS(ZX_INT(year)), &s);
	if (e)
		return e;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		out->households = zx_col_int(s, 0);
		out->surveyed = zx_col_int(s, 1);
	}
	zx_stmt_done(s);
	return e;
}

zx_err zx_mon_monitored_list(zx_conn *c, const zx_actor *a, const char *area, const char *category,
                             int64_t limit, int64_t offset, zx_mon_row_fn fn, void *ctx, int64_t *total,
                             zx_errinfo *ei)
{
	char code[13];
	zx_scope sc;
	zx_err e = area_scope(c, a, area, code, &sc, ei);
	if (e)
		return e;
	const char *cat = category ? category : "";
	if (*cat && !zx_mon_category_ok(cat))
		return zx_fail(ei, ZX_EINVAL, "invalid_category", "category", 0,
		               "监测对象类别应为 脱贫不稳定户、边缘易致贫户 或 突发严重困难户");
	e = zx_query_int(c, &sc, ZXQ_mon_household_count, ZX_ARGS(ZX_TEXT(cat)), total);
	zx_stmt *s;
	if (!e)
		e = zx_query_open(c, &sc, ZXQ_mon_household_list,
		                  ZX_ARGS(ZX_TEXT(cat), ZX_INT(limit), ZX_INT(offset)), &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		zx_mon_row r = {zx_col_text(s, 0), zx_col_text(s, 1), zx_col_text(s, 2), zx_col_text(s, 3),
		                zx_col_text(s, 4), zx_col_text(s, 5), zx_col_text(s, 6), zx_col_text(s, 7),
		                zx_col_text(s, 8), zx_col_int(s, 9)};
		if (!fn(ctx, &r))
			break;
	}
	zx_stmt_done(s);
	return e;
}
