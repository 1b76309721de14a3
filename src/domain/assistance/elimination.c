/*
 * elimination.c — gathering the facts the 风险消除 rules need, applying for elimination,
 * and reading applications (see elimination.h). The rules are in elimination_rules.c, the
 * workflow steps in elimination_flow.c.
 *
 * Invariants: gathering only reads (one scoped query per fact); an application is written
 * only after the rules passed inside the same write transaction, together with its first
 * step row and its audit row.
 */
#include "domain/assistance/elimination.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/auth/audit.h"
#include "domain/assistance/elimination_internal.h"

static zx_err count_of(zx_conn *c, const zx_scope *s, zx_query q, int64_t id, int64_t *out)
{
	*out = 0;
	zx_err e = zx_query_int(c, s, q, ZX_ARGS(ZX_INT(id)), out);
	return e == ZX_ENOTFOUND ? ZX_OK : e;
}

static zx_err gather_members(zx_conn *c, const zx_scope *s, int64_t id, zx_elim_facts *f)
{
	zx_stmt *st;
	zx_err e = zx_query_open(c, s, ZXQ_elim_members, ZX_ARGS(ZX_INT(id)), &st);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(st, &row);
	if (!e && row) {
		f->members = (int)zx_col_int(st, 0);
		f->dropouts = (int)zx_col_int(st, 1);
		f->uninsured = (int)zx_col_int(st, 2);
		f->insured_unknown = (int)zx_col_int(st, 3);
		f->no_labour = (int)zx_col_int(st, 4);
		f->labour_unknown = (int)zx_col_int(st, 5);
		f->health_unknown = (int)zx_col_int(st, 6);
		f->has_head = zx_col_int(st, 7) == 1;
	}
	zx_stmt_done(st);
	return e;
}

static zx_err gather_income(zx_conn *c, const zx_scope *s, const zx_asst_household *h, zx_elim_facts *f)
{
	zx_stmt *st;
	zx_err e = zx_query_open(c, s, ZXQ_elim_last_survey, ZX_ARGS(ZX_INT(h->id)), &st);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(st, &row);
	if (!e && row) {
		f->survey_year = (int)zx_col_int(st, 0);
		f->survey_net = zx_col_int(st, 1);
		f->survey_size = (int)zx_col_int(st, 2);
		f->survey_transfer = zx_col_int(st, 3);
	}
	zx_stmt_done(st);
	f->income_line = -1;
	if (e || f->survey_year <= 0)
		return e;
	char county[13], province[13];
	snprintf(county, sizeof(county), "%.6s000000", h->area_code);
	snprintf(province, sizeof(province), "%.2s0000000000", h->area_code);
	int64_t line = 0;
	e = zx_query_int(c, NULL, ZXQ_elim_income_line,
	                 ZX_ARGS(ZX_TEXT(county), ZX_TEXT(province), ZX_INT(f->survey_year)), &line);
	if (e == ZX_ENOTFOUND)
		return ZX_OK;
	if (!e)
		f->income_line = line;
	return e;
}

static zx_err gather_since(zx_conn *c, const zx_scope *s, const zx_asst_household *h, zx_elim_facts *f)
{
	int64_t t = 0;
	zx_err e = count_of(c, s, ZXQ_asst_included_case, h->id, &t);
	if (!e && t > 0) {
		f->included_ymd = zx_ymd_of(t);
		f->included_source = ZX_SINCE_CASE;
		return ZX_OK;
	}
	if (!e)
		e = count_of(c, s, ZXQ_asst_included_history, h->id, &t);
	if (!e && t > 0) {
		f->included_ymd = zx_ymd_of(t);
		f->included_source = ZX_SINCE_HISTORY;
		return ZX_OK;
	}
	if (!e && h->created_at > 0) {
		f->included_ymd = zx_ymd_of(h->created_at);
		f->included_source = ZX_SINCE_REGISTRY;
	}
	return e;
}

zx_err zx_elim_gather(zx_conn *c, const zx_actor *a, const zx_asst_household *h, int today_ymd,
                      zx_elim_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->today_ymd = today_ymd;
	f->monitored = h->category[0] != '\0';
	f->housing_safe = h->housing_safe;
	f->water_safe = h->water_safe;
	f->size = h->size;
	f->has_risk_type = h->risk_type[0] != '\0';
	f->has_helper = h->helper[0] != '\0';
	const zx_scope *s = &a->scope;
	int64_t n = 0;
	zx_err e = gather_members(c, s, h->id, f);
	if (!e)
		e = gather_income(c, s, h, f);
	if (!e)
		e = count_of(c, s, ZXQ_elim_measures_done, h->id, &n);
	if (!e) {
		f->measures_done = (int)n;
		e = gather_since(c, s, h, f);
	}
	if (!e)
		e = count_of(c, s, ZXQ_elim_open_issues, h->id, &n);
	if (!e) {
		f->open_issues = (int)n;
		e = count_of(c, s, ZXQ_elim_has_plan, h->id, &n);
	}
	if (!e)
		f->has_plan = n > 0;
	f->has_head = f->has_head && h->head_name[0];
	return e;
}

zx_err elim_check_loaded(zx_conn *c, const zx_actor *a, const zx_asst_household *h, zx_elim_kind kind,
                         zx_elim_check *out, zx_errinfo *ei)
{
	if (!h->category[0])
		return zx_fail(ei, ZX_EVALIDATION, "not_monitored", "户编号", 0,
		               "户编号 %.40s 不是监测户，无需风险消除", h->hh_no);
	zx_elim_facts f;
	zx_err e = zx_elim_gather(c, a, h, zx_today_ymd(), &f);
	if (!e)
		zx_elim_evaluate(&f, kind, out);
	return e;
}

zx_err zx_elim_check_household(zx_conn *c, const zx_actor *a, const char *hh_no, zx_elim_kind kind,
                               zx_asst_household *h, zx_elim_check *out, zx_errinfo *ei)
{
	zx_err e = zx_asst_household_find(c, a, hh_no, h, ei);
	if (!e)
		e = elim_check_loaded(c, a, h, kind, out, ei);
	return e;
}

zx_err elim_refusal(const zx_elim_check *ch, const char *what, zx_errinfo *ei)
{
	char list[400] = "";
	size_t len = 0;
	for (int i = 0; i < ZX_EC__COUNT && len + 8 < sizeof(list); i++) {
		if (ch->r[i].passed)
			continue;
		int n = snprintf(list + len, sizeof(list) - len, "%s%s", len ? "、" : "", ch->r[i].name);
		if (n < 0 || (size_t)n >= sizeof(list) - len)
			break;
		len += (size_t)n;
	}
	return zx_fail(ei, ZX_EVALIDATION, "elimination_refused", NULL, 0, "%s：%d 项条件不满足（%s）", what,
	               ch->failed, list);
}

char *elim_check_json(const zx_elim_check *ch)
{
	json_t *arr = json_array();
	for (int i = 0; arr && i < ZX_EC__COUNT; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s,s:b,s:b,s:s}", "key", ch->r[i].key, "name",
		                                     ch->r[i].name, "applicable", ch->r[i].applicable,
		                                     "passed", ch->r[i].passed, "detail", ch->r[i].detail));
	char *s = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
	json_decref(arr);
	return s;
}

static bool may_apply(zx_role r)
{
	return r == ZX_ROLE_VILLAGE_CLERK || r == ZX_ROLE_TOWN_ADMIN || r == ZX_ROLE_COUNTY_ADMIN;
}

zx_err elim_step_write(zx_conn *c, const zx_actor *a, int64_t id, const char *area, const char *from,
                       const char *to, const char *action, const char *opinion)
{
	char county[7];
	snprintf(county, sizeof(county), "%.6s", area);
	return zx_exec(c, NULL, ZXQ_elim_step_insert,
	               ZX_ARGS(ZX_TEXT(county), ZX_TEXT(area), ZX_INT(id), ZX_TEXT(from), ZX_TEXT(to),
	                       ZX_TEXT(action), a->user_id > 0 ? ZX_INT(a->user_id) : ZX_NULLV,
	                       ZX_TEXT(a->username), ZX_TEXT(zx_role_key(a->role)),
	                       ZX_TEXT(opinion ? opinion : ""), ZX_INT(zx_now())),
	               NULL);
}

static zx_err apply_checks(zx_conn *c, const zx_actor *a, const char *hh_no, const char *reason,
                           zx_asst_household *h, zx_errinfo *ei)
{
	if (!may_apply(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能申请风险消除",
		               zx_role_name(a->role));
	zx_err e = zx_asst_text(reason, ZX_ELIM_OPINION_MAX, "reason", "申请理由", ei);
	if (!e)
		e = zx_asst_household_find(c, a, hh_no, h, ei);
	if (e)
		return e;
	int64_t open = 0;
	e = zx_query_int(c, &a->scope, ZXQ_elim_pending_for_household, ZX_ARGS(ZX_INT(h->id)), &open);
	if (!e)
		return zx_fail(ei, ZX_ECONFLICT, "elimination_pending", "户编号", 0,
		               "该户已有审批中的风险消除申请（编号 %" PRId64 "）", open);
	return e == ZX_ENOTFOUND ? ZX_OK : e;
}

zx_err zx_elim_apply(zx_conn *c, const zx_actor *a, const char *hh_no, zx_elim_kind kind, const char *reason,
                     zx_elim_check *check, zx_elimination *out, zx_errinfo *ei)
{
	zx_asst_household h;
	char *json = NULL;
	memset(check, 0, sizeof(*check));
	zx_err e = zx_tx_begin_write(c);
	if (!e)
		e = apply_checks(c, a, hh_no, reason, &h, ei);
	if (!e)
		e = elim_check_loaded(c, a, &h, kind, check, ei);
	if (!e && check->failed > 0)
		e = elim_refusal(check, "不能申请风险消除", ei);
	if (!e && !(json = elim_check_json(check)))
		e = ZX_ENOMEM;
	if (e)
		goto out;
	int64_t now = zx_now();
	int64_t n = 0;
	e = zx_exec(c, &a->scope, ZXQ_elim_insert,
	            ZX_ARGS(ZX_INT(h.id), ZX_TEXT(zx_elim_kind_name(kind)), ZX_TEXT(reason ? reason : ""),
	                    ZX_TEXT(json), ZX_TEXT(a->username), ZX_INT(now)),
	            &n);
	if (!e && n != 1)
		e = ZX_EINTERNAL;
	if (e == ZX_ECONFLICT)
		e = zx_fail(ei, e, "elimination_pending", "户编号", 0, "该户已有审批中的风险消除申请");
	if (e)
		goto out;
	int64_t id = zx_last_insert_id(c);
	e = elim_step_write(c, a, id, h.area_code, "", "applied", "apply", reason);
	if (!e) {
		char obj[48], detail[200];
		snprintf(obj, sizeof(obj), "elimination:%" PRId64, id);
		snprintf(detail, sizeof(detail), "household=%.64s kind=%s", h.hh_no, zx_elim_kind_name(kind));
		e = zx_audit_write(c, a, "elimination.apply", obj, "ok", detail);
	}
	if (!e)
		e = zx_tx_commit(c);
	if (!e && out)
		e = zx_elim_get(c, a, id, out);
out:
	if (e)
		zx_tx_rollback(c);
	free(json);
	return e;
}

/* ---- reading ------------------------------------------------------------------------------ */

const char *zx_elim_status_name(const char *status)
{
	if (status && strcmp(status, "eliminated") == 0)
		return "风险已消除";
	if (status && strcmp(status, "rejected") == 0)
		return "不予消除";
	return "审批中";
}

static void read_elim(zx_stmt *s, zx_elimination *o)
{
	memset(o, 0, sizeof(*o));
	o->id = zx_col_int(s, 0);
	o->household_id = zx_col_int(s, 1);
	snprintf(o->area_code, sizeof(o->area_code), "%s", zx_col_text(s, 2));
	snprintf(o->hh_no, sizeof(o->hh_no), "%s", zx_col_text(s, 3));
	snprintf(o->head_name, sizeof(o->head_name), "%s", zx_col_text(s, 4));
	snprintf(o->grp, sizeof(o->grp), "%s", zx_col_text(s, 5));
	snprintf(o->kind, sizeof(o->kind), "%s", zx_col_text(s, 6));
	snprintf(o->category, sizeof(o->category), "%s", zx_col_text(s, 7));
	snprintf(o->risk_type, sizeof(o->risk_type), "%s", zx_col_text(s, 8));
	int st = zx_elim_state_parse(zx_col_text(s, 9));
	o->state = st < 0 ? ZX_ES_APPLIED : (zx_elim_state)st;
	snprintf(o->status, sizeof(o->status), "%s", zx_col_text(s, 10));
	snprintf(o->reason, sizeof(o->reason), "%s", zx_col_text(s, 11));
	snprintf(o->applied_by, sizeof(o->applied_by), "%s", zx_col_text(s, 12));
	o->applied_at = zx_col_int(s, 13);
	o->notice_at = zx_col_int(s, 14);
	o->decided_at = zx_col_int(s, 15);
	o->updated_at = zx_col_int(s, 16);
}

zx_err zx_elim_get(zx_conn *c, const zx_actor *a, int64_t id, zx_elimination *out)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_elim_get, ZX_ARGS(ZX_INT(id)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row)
		read_elim(s, out);
	zx_stmt_done(s);
	return e ? e : row ? ZX_OK : ZX_ENOTFOUND;
}

static zx_err each(zx_stmt *s, zx_elim_fn fn, void *ctx)
{
	bool row;
	zx_err e;
	zx_elimination el;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		read_elim(s, &el);
		if (!fn(ctx, &el))
			break;
	}
	zx_stmt_done(s);
	return e;
}

zx_err zx_elim_list_household(zx_conn *c, const zx_actor *a, int64_t household_id, zx_elim_fn fn, void *ctx)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_elim_list_household, ZX_ARGS(ZX_INT(household_id)), &s);
	return e ? e : each(s, fn, ctx);
}

zx_err zx_elim_list(zx_conn *c, const zx_actor *a, const char *area, const char *status, int64_t limit,
                    int64_t offset, zx_elim_fn fn, void *ctx, int64_t *total, zx_errinfo *ei)
{
	char code[13];
	zx_err e = zx_asst_area(c, a, area, code, NULL, ei);
	if (e)
		return e;
	if (status && *status && strcmp(status, "pending") != 0 && strcmp(status, "eliminated") != 0 &&
	    strcmp(status, "rejected") != 0)
		return zx_fail(ei, ZX_EINVAL, "invalid_status", "status", 0,
		               "状态应为 pending、eliminated 或 rejected");
	zx_scope sc;
	zx_scope_of_area(code, &sc);
	const char *st = status ? status : "";
	if (total) {
		e = zx_query_int(c, &sc, ZXQ_elim_count, ZX_ARGS(ZX_TEXT(st)), total);
		if (e)
			return e;
	}
	zx_stmt *s;
	e = zx_query_open(c, &sc, ZXQ_elim_list, ZX_ARGS(ZX_TEXT(st), ZX_INT(limit), ZX_INT(offset)), &s);
	return e ? e : each(s, fn, ctx);
}
