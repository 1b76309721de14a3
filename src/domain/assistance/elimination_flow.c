/*
 * elimination_flow.c — the way of an elimination application through 评议 → 公示 → 审核 →
 * 审定 (see elimination.h): the transition table, one step, and the step list.
 *
 * Invariants: a state changes only through a row of `transitions`; the UPDATE names the
 * state the check saw, so two concurrent steps cannot both apply; at 县级审定 the rules are
 * evaluated again, and the elimination, the household's cleared category, its history row,
 * the step row and the audit row commit or roll back together.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/assistance/elimination_internal.h"
#include "domain/auth/audit.h"
#include "domain/registry/history.h"

#define DAY 86400

static const struct {
	const char *key, *name;
} states[ZX_ES__COUNT] = {
    [ZX_ES_APPLIED] = {"applied", "已申请"},
    [ZX_ES_REVIEWED] = {"reviewed", "村民代表评议"},
    [ZX_ES_NOTICED] = {"noticed", "村内公示"},
    [ZX_ES_TOWN_APPROVED] = {"town_approved", "乡镇审核"},
    [ZX_ES_ELIMINATED] = {"county_approved", "县级审定（风险已消除）"},
    [ZX_ES_REJECTED] = {"rejected", "不予消除"},
};

static const struct {
	const char *key, *name;
} actions[ZX_EA__COUNT] = {
    [ZX_EA_REVIEW] = {"review", "村民代表评议"},
    [ZX_EA_PUBLISH] = {"publish", "村内公示"},
    [ZX_EA_TOWN_APPROVE] = {"town_approve", "乡镇审核"},
    [ZX_EA_COUNTY_APPROVE] = {"county_approve", "县级审定"},
    [ZX_EA_RETURN] = {"return", "退回"},
    [ZX_EA_REJECT] = {"reject", "不予消除"},
};

#define R_VILLAGE (1u << ZX_ROLE_VILLAGE_CLERK)
#define R_TOWN (1u << ZX_ROLE_TOWN_ADMIN)
#define R_COUNTY (1u << ZX_ROLE_COUNTY_ADMIN)
#define R_CADRES (R_VILLAGE | R_TOWN | R_COUNTY)

/* The same roles per step as the identification workflow (monitoring/workflow.c). */
static const struct transition {
	zx_elim_state from;
	zx_elim_action act;
	zx_elim_state to;
	unsigned roles;
} transitions[] = {
    {ZX_ES_APPLIED, ZX_EA_REVIEW, ZX_ES_REVIEWED, R_CADRES},
    {ZX_ES_REVIEWED, ZX_EA_PUBLISH, ZX_ES_NOTICED, R_CADRES},
    {ZX_ES_NOTICED, ZX_EA_TOWN_APPROVE, ZX_ES_TOWN_APPROVED, R_TOWN | R_COUNTY},
    {ZX_ES_TOWN_APPROVED, ZX_EA_COUNTY_APPROVE, ZX_ES_ELIMINATED, R_COUNTY},
    {ZX_ES_REVIEWED, ZX_EA_RETURN, ZX_ES_APPLIED, R_CADRES},
    {ZX_ES_NOTICED, ZX_EA_RETURN, ZX_ES_REVIEWED, R_CADRES},
    {ZX_ES_TOWN_APPROVED, ZX_EA_RETURN, ZX_ES_NOTICED, R_COUNTY},
    {ZX_ES_APPLIED, ZX_EA_REJECT, ZX_ES_REJECTED, R_CADRES},
    {ZX_ES_REVIEWED, ZX_EA_REJECT, ZX_ES_REJECTED, R_CADRES},
    {ZX_ES_NOTICED, ZX_EA_REJECT, ZX_ES_REJECTED, R_TOWN | R_COUNTY},
    {ZX_ES_TOWN_APPROVED, ZX_EA_REJECT, ZX_ES_REJECTED, R_COUNTY},
};

const char *zx_elim_state_key(zx_elim_state s)
{
	return (unsigned)s < ZX_ES__COUNT ? states[s].key : "";
}

const char *zx_elim_state_name(zx_elim_state s)
{
	return (unsigned)s < ZX_ES__COUNT ? states[s].name : "";
}

int zx_elim_state_parse(const char *key)
{
	for (int i = 0; key && i < ZX_ES__COUNT; i++)
		if (strcmp(key, states[i].key) == 0)
			return i;
	return -1;
}

const char *zx_elim_action_key(zx_elim_action a)
{
	return (unsigned)a < ZX_EA__COUNT ? actions[a].key : "";
}

const char *zx_elim_action_name(zx_elim_action a)
{
	return (unsigned)a < ZX_EA__COUNT ? actions[a].name : "";
}

int zx_elim_action_parse(const char *key)
{
	for (int i = 0; key && i < ZX_EA__COUNT; i++)
		if (strcmp(key, actions[i].key) == 0)
			return i;
	return -1;
}

zx_elim_verdict zx_elim_step_check(zx_elim_state from, zx_elim_action act, zx_role role, zx_elim_state *to)
{
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++) {
		const struct transition *t = &transitions[i];
		if (t->from != from || t->act != act)
			continue;
		if ((unsigned)role >= 32 || !(t->roles & (1u << role)))
			return ZX_ELIM_WRONG_ROLE;
		*to = t->to;
		return ZX_ELIM_OK;
	}
	return ZX_ELIM_OUT_OF_ORDER;
}

static zx_err step_checks(const zx_actor *a, const zx_elimination *el, zx_elim_action act,
                          const char *opinion, zx_elim_state *to, zx_errinfo *ei)
{
	if (strcmp(el->status, "pending") != 0)
		return zx_fail(ei, ZX_ECONFLICT, "elimination_closed", "action", 0,
		               "该风险消除申请已办结（%s）", zx_elim_status_name(el->status));
	zx_elim_verdict v = zx_elim_step_check(el->state, act, a->role, to);
	if (v == ZX_ELIM_OUT_OF_ORDER)
		return zx_fail(ei, ZX_ECONFLICT, "out_of_order", "action", 0, "当前环节为“%s”，不能执行“%s”",
		               zx_elim_state_name(el->state), zx_elim_action_name(act));
	if (v == ZX_ELIM_WRONG_ROLE)
		return zx_fail(ei, ZX_EFORBIDDEN, "wrong_role", "action", 0, "%s不能执行“%s”",
		               zx_role_name(a->role), zx_elim_action_name(act));
	const char *op = opinion ? opinion : "";
	if ((act == ZX_EA_RETURN || act == ZX_EA_REJECT) && !*op)
		return zx_fail(ei, ZX_EVALIDATION, "opinion_required", "opinion", 0, "%s必须填写理由",
		               zx_elim_action_name(act));
	zx_err e = zx_asst_text(op, ZX_ELIM_OPINION_MAX, "opinion", "意见", ei);
	if (e)
		return e;
	if (act == ZX_EA_TOWN_APPROVE && zx_now() < el->notice_at + ZX_ELIM_NOTICE_DAYS * DAY) {
		char from[16], until[16];
		zx_asst_ymd_format(zx_ymd_of(el->notice_at), from, sizeof(from));
		zx_asst_ymd_format(zx_ymd_of(el->notice_at + ZX_ELIM_NOTICE_DAYS * DAY), until,
		                   sizeof(until));
		return zx_fail(ei, ZX_EVALIDATION, "notice_too_short", "action", 0,
		               "村内公示不少于%d天：公示自 %s 开始，%s 之后才能进行乡镇审核",
		               ZX_ELIM_NOTICE_DAYS, from, until);
	}
	return ZX_OK;
}

/* 县级审定: the rules once more, then the household leaves monitoring. */
static zx_err finish(zx_conn *c, const zx_actor *a, const zx_elimination *el, zx_elim_check *check,
                     zx_errinfo *ei)
{
	zx_asst_household h;
	zx_err e = zx_asst_household_by_id(c, &a->scope, el->household_id, &h);
	if (e == ZX_ENOTFOUND)
		return zx_fail(ei, e, "household_not_found", "户编号", 0, "该户不存在或不在您的管理范围内");
	if (e)
		return e;
	if (strcmp(h.category, el->category) != 0)
		return zx_fail(ei, ZX_ECONFLICT, "category_changed", "户编号", 0,
		               "该户的监测对象类别已变更（现为“%s”），请退回后重新申请", h.category);
	int kind = zx_elim_kind_parse(el->kind);
	e = elim_check_loaded(c, a, &h, kind < 0 ? ZX_ELIM_HELPED : (zx_elim_kind)kind, check, ei);
	if (!e && check->failed > 0)
		return elim_refusal(check, "不能审定风险消除", ei);
	zx_scope hs;
	zx_scope_of_area(h.area_code, &hs);
	int64_t changes = 0;
	if (!e)
		e = zx_exec(c, &hs, ZXQ_elim_household_clear_category,
		            ZX_ARGS(ZX_INT(h.id), ZX_INT(zx_now())), &changes);
	if (!e && changes != 1)
		e = ZX_EINTERNAL;
	if (!e)
		e = zx_history_record(c, a, h.id, 0, h.area_code, "edit", "监测对象类别", h.category, "");
	return e;
}

static zx_err apply_step(zx_conn *c, const zx_actor *a, const zx_elimination *el, zx_elim_action act,
                         zx_elim_state to, const char *opinion, zx_elim_check *check, zx_errinfo *ei)
{
	int64_t now = zx_now();
	zx_err e = ZX_OK;
	if (to == ZX_ES_ELIMINATED)
		e = finish(c, a, el, check, ei);
	if (e)
		return e;
	int64_t notice_at = to == ZX_ES_NOTICED && act == ZX_EA_PUBLISH ? now : el->notice_at;
	if (to < ZX_ES_NOTICED)
		notice_at = 0; /* sent back before the 公示: it starts again */
	bool closed = to == ZX_ES_ELIMINATED || to == ZX_ES_REJECTED;
	const char *status = to == ZX_ES_ELIMINATED ? "eliminated"
	                     : to == ZX_ES_REJECTED ? "rejected"
	                                            : "pending";
	int64_t changes = 0;
	e = zx_exec(c, &a->scope, ZXQ_elim_set_state,
	            ZX_ARGS(ZX_INT(el->id), ZX_TEXT(zx_elim_state_key(to)), ZX_TEXT(status),
	                    notice_at ? ZX_INT(notice_at) : ZX_NULLV, closed ? ZX_INT(now) : ZX_NULLV,
	                    ZX_INT(now), ZX_TEXT(zx_elim_state_key(el->state))),
	            &changes);
	if (!e && changes != 1)
		e = ZX_ECONFLICT;
	if (!e)
		e = elim_step_write(c, a, el->id, el->area_code, zx_elim_state_key(el->state),
		                    zx_elim_state_key(to), zx_elim_action_key(act), opinion);
	if (!e) {
		char obj[48], detail[200];
		snprintf(obj, sizeof(obj), "elimination:%" PRId64, el->id);
		snprintf(detail, sizeof(detail), "action=%s from=%s to=%s household=%.64s",
		         zx_elim_action_key(act), zx_elim_state_key(el->state), zx_elim_state_key(to),
		         el->hh_no);
		e = zx_audit_write(c, a, "elimination.transition", obj, "ok", detail);
	}
	return e;
}

zx_err zx_elim_transition(zx_conn *c, const zx_actor *a, int64_t id, const char *action, const char *opinion,
                          zx_elim_check *check, zx_elimination *out, zx_errinfo *ei)
{
	memset(check, 0, sizeof(*check));
	int act = zx_elim_action_parse(action);
	if (act < 0)
		return zx_fail(ei, ZX_EINVAL, "invalid_action", "action", 0,
		               "操作应为 review、publish、town_approve、county_approve、return 或 reject");
	if (a->role != ZX_ROLE_VILLAGE_CLERK && a->role != ZX_ROLE_TOWN_ADMIN &&
	    a->role != ZX_ROLE_COUNTY_ADMIN)
		return zx_fail(ei, ZX_EFORBIDDEN, "wrong_role", "action", 0, "%s不能办理风险消除",
		               zx_role_name(a->role));
	zx_elimination el;
	zx_elim_state to = ZX_ES_APPLIED;
	zx_err e = zx_tx_begin_write(c);
	if (e)
		return e;
	e = zx_elim_get(c, a, id, &el);
	if (e == ZX_ENOTFOUND)
		e = zx_fail(ei, e, "not_found", NULL, 0, "风险消除申请不存在或不在您的管理范围内");
	if (!e)
		e = step_checks(a, &el, (zx_elim_action)act, opinion, &to, ei);
	if (!e)
		e = apply_step(c, a, &el, (zx_elim_action)act, to, opinion, check, ei);
	if (e == ZX_ECONFLICT && (!ei || !ei->err))
		zx_fail(ei, e, "concurrent_change", NULL, 0, "该申请刚被他人办理，请刷新后重试");
	if (!e)
		e = zx_tx_commit(c);
	if (!e && out)
		e = zx_elim_get(c, a, id, out);
	if (e)
		zx_tx_rollback(c);
	return e;
}

zx_err zx_elim_steps(zx_conn *c, const zx_actor *a, int64_t id, zx_elim_step_fn fn, void *ctx)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_elim_steps_list, ZX_ARGS(ZX_INT(id)), &s);
	if (e)
		return e;
	bool row;
	zx_elim_step st;
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
		st.ts = zx_col_int(s, 8);
		if (!fn(ctx, &st))
			break;
	}
	zx_stmt_done(s);
	return e;
}
