/*
 * cases.c — reading 识别纳入 cases: one case, lists with filters, the step history, and
 * the 公示 of a village (see workflow.h).
 *
 * Invariants: every read is a scoped query (a case outside the caller's area is "not
 * found"); the 公示 reads only name, 组, category and risk type — the query itself never
 * selects an ID number, phone or health field, so no later change can leak them there.
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/monitoring/monitoring.h"
#include "domain/monitoring/workflow.h"

static void read_case(zx_stmt *s, zx_case *k)
{
	memset(k, 0, sizeof(*k));
	k->id = zx_col_int(s, 0);
	snprintf(k->area_code, sizeof(k->area_code), "%s", zx_col_text(s, 1));
	snprintf(k->area_name, sizeof(k->area_name), "%s", zx_col_text(s, 2));
	k->household_id = zx_col_int(s, 3);
	snprintf(k->hh_no, sizeof(k->hh_no), "%s", zx_col_text(s, 4));
	snprintf(k->head_name, sizeof(k->head_name), "%s", zx_col_text(s, 5));
	snprintf(k->grp, sizeof(k->grp), "%s", zx_col_text(s, 6));
	snprintf(k->source, sizeof(k->source), "%s", zx_col_text(s, 7));
	k->screening_id = zx_col_int(s, 8);
	snprintf(k->reason, sizeof(k->reason), "%s", zx_col_text(s, 9));
	int st = zx_case_state_parse(zx_col_text(s, 10));
	k->state = st < 0 ? ZX_CASE_DISCOVERED : (zx_case_state)st;
	snprintf(k->category, sizeof(k->category), "%s", zx_col_text(s, 11));
	snprintf(k->risk_type, sizeof(k->risk_type), "%s", zx_col_text(s, 12));
	snprintf(k->helper, sizeof(k->helper), "%s", zx_col_text(s, 13));
	k->discovered_at = zx_col_int(s, 14);
	k->due_at = zx_col_int(s, 15);
	k->notice_at = zx_col_int(s, 16);
	k->closed_at = zx_col_int(s, 17);
	snprintf(k->created_by, sizeof(k->created_by), "%s", zx_col_text(s, 18));
	k->updated_at = zx_col_int(s, 19);
	snprintf(k->hh_type, sizeof(k->hh_type), "%s", zx_col_text(s, 20));
}

zx_err zx_case_get(zx_conn *c, const zx_actor *a, int64_t id, zx_case *out)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_case_get, ZX_ARGS(ZX_INT(id)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row)
		read_case(s, out);
	zx_stmt_done(s);
	return e ? e : row ? ZX_OK : ZX_ENOTFOUND;
}

zx_err zx_case_list(zx_conn *c, const zx_actor *a, const zx_case_filter *f, zx_case_fn fn, void *ctx,
                    int64_t *total, zx_errinfo *ei)
{
	zx_scope sc = a->scope;
	if (f->area && *f->area) {
		zx_err e = zx_mon_area_check(c, a, f->area, true, NULL, ei);
		if (e)
			return e;
		zx_scope_of_area(f->area, &sc);
	}
	const char *state = f->state >= 0 ? zx_case_state_key((zx_case_state)f->state) : "";
	int64_t now = zx_now();
	zx_err e = zx_query_int(
	    c, &sc, ZXQ_case_count,
	    ZX_ARGS(ZX_TEXT(state), ZX_INT(f->overdue), ZX_INT(now), ZX_INT(f->open_only)), total);
	zx_stmt *s;
	if (!e)
		e = zx_query_open(c, &sc, ZXQ_case_list,
		                  ZX_ARGS(ZX_TEXT(state), ZX_INT(f->overdue), ZX_INT(now),
		                          ZX_INT(f->open_only), ZX_INT(f->limit), ZX_INT(f->offset)),
		                  &s);
	if (e)
		return e;
	bool row;
	zx_case k;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		read_case(s, &k);
		if (!fn(ctx, &k))
			break;
	}
	zx_stmt_done(s);
	return e;
}

zx_err zx_case_steps(zx_conn *c, const zx_actor *a, int64_t id, zx_case_step_fn fn, void *ctx)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_case_steps_list, ZX_ARGS(ZX_INT(id)), &s);
	if (e)
		return e;
	bool row;
	zx_case_step st;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		memset(&st, 0, sizeof(st));
		st.id = zx_col_int(s, 0);
		snprintf(st.from_state, sizeof(st.from_state), "%s", zx_col_text(s, 1));
		snprintf(st.to_state, sizeof(st.to_state), "%s", zx_col_text(s, 2));
		snprintf(st.action, sizeof(st.action), "%s", zx_col_text(s, 3));
		st.user_id = zx_col_int(s, 4);
		snprintf(st.username, sizeof(st.username), "%s", zx_col_text(s, 5));
		snprintf(st.role, sizeof(st.role), "%s", zx_col_text(s, 6));
		snprintf(st.opinion, sizeof(st.opinion), "%s", zx_col_text(s, 7));
		snprintf(st.attachments, sizeof(st.attachments), "%s", zx_col_text(s, 8));
		st.ts = zx_col_int(s, 9);
		if (!fn(ctx, &st))
			break;
	}
	zx_stmt_done(s);
	return e;
}

zx_err zx_notice_list(zx_conn *c, const zx_actor *a, const char *village12, char *village_name, size_t namesz,
                      zx_notice_fn fn, void *ctx, zx_errinfo *ei)
{
	int level = 0;
	zx_err e = zx_mon_area_check(c, a, village12, false, &level, ei);
	if (e)
		return e;
	if (level != 5)
		return zx_fail(ei, ZX_EVALIDATION, "not_a_village", "code", 0,
		               "公示按村生成：%s 不是村级区划", village12);
	zx_mon_area_name(c, village12, village_name, namesz, NULL);
	zx_scope sc;
	zx_scope_of_area(village12, &sc);
	zx_stmt *s;
	e = zx_query_open(c, &sc, ZXQ_notice_list, ZX_NOARGS, &s);
	if (e)
		return e;
	bool row;
	zx_notice_item it;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		memset(&it, 0, sizeof(it));
		snprintf(it.name, sizeof(it.name), "%s", zx_col_text(s, 0));
		snprintf(it.grp, sizeof(it.grp), "%s", zx_col_text(s, 1));
		snprintf(it.category, sizeof(it.category), "%s", zx_col_text(s, 2));
		snprintf(it.reason, sizeof(it.reason), "%s", zx_col_text(s, 3));
		it.notice_at = zx_col_int(s, 4);
		if (!fn(ctx, &it))
			break;
	}
	zx_stmt_done(s);
	return e;
}
