/*
 * workflow.c — the 识别纳入 state machine: the transition table, creating a case and
 * moving it on (see workflow.h). Reading cases, lists and the 公示 are in cases.c.
 *
 * Invariants: a state changes only through a row of `transitions` below; the UPDATE
 * names the state the check saw, so two concurrent steps cannot both apply; the
 * case_steps row, the audit row and (on include) the household's new category commit
 * or roll back together.
 */
#include "domain/monitoring/workflow.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "domain/auth/audit.h"
#include "domain/monitoring/monitoring.h"
#include "domain/registry/history.h"

#define DAY 86400

static const struct {
	const char *key, *name;
} states[ZX_CASE__COUNT] = {
    [ZX_CASE_DISCOVERED] = {"discovered", "待核实"},
    [ZX_CASE_VERIFIED] = {"verified", "入户核实"},
    [ZX_CASE_REVIEWED] = {"reviewed", "村民代表评议"},
    [ZX_CASE_NOTICED] = {"noticed", "村内公示"},
    [ZX_CASE_TOWN_APPROVED] = {"town_approved", "乡镇审核"},
    [ZX_CASE_COUNTY_APPROVED] = {"county_approved", "县级审定"},
    [ZX_CASE_INCLUDED] = {"included", "纳入监测"},
    [ZX_CASE_REJECTED] = {"rejected", "不予纳入"},
};

static const struct {
	const char *key, *name;
} actions[ZX_ACT__COUNT] = {
    [ZX_ACT_VERIFY] = {"verify", "入户核实"},
    [ZX_ACT_REVIEW] = {"review", "村民代表评议"},
    [ZX_ACT_PUBLISH] = {"publish", "村内公示"},
    [ZX_ACT_TOWN_APPROVE] = {"town_approve", "乡镇审核"},
    [ZX_ACT_COUNTY_APPROVE] = {"county_approve", "县级审定"},
    [ZX_ACT_INCLUDE] = {"include", "纳入监测"},
    [ZX_ACT_RETURN] = {"return", "退回"},
    [ZX_ACT_REJECT] = {"reject", "不予纳入"},
};

#define R_VILLAGE (1u << ZX_ROLE_VILLAGE_CLERK)
#define R_TOWN (1u << ZX_ROLE_TOWN_ADMIN)
#define R_COUNTY (1u << ZX_ROLE_COUNTY_ADMIN)
#define R_CADRES (R_VILLAGE | R_TOWN | R_COUNTY)

/* The whole workflow. A (state, action) pair not listed is out of order for everyone. */
static const struct transition {
	zx_case_state from;
	zx_case_action act;
	zx_case_state to;
	unsigned roles;
} transitions[] = {
    {ZX_CASE_DISCOVERED, ZX_ACT_VERIFY, ZX_CASE_VERIFIED, R_CADRES},
    {ZX_CASE_VERIFIED, ZX_ACT_REVIEW, ZX_CASE_REVIEWED, R_CADRES},
    {ZX_CASE_REVIEWED, ZX_ACT_PUBLISH, ZX_CASE_NOTICED, R_CADRES},
    {ZX_CASE_NOTICED, ZX_ACT_TOWN_APPROVE, ZX_CASE_TOWN_APPROVED, R_TOWN | R_COUNTY},
    {ZX_CASE_TOWN_APPROVED, ZX_ACT_COUNTY_APPROVE, ZX_CASE_COUNTY_APPROVED, R_COUNTY},
    {ZX_CASE_COUNTY_APPROVED, ZX_ACT_INCLUDE, ZX_CASE_INCLUDED, R_COUNTY},
    /* 退回: one step back, by whoever handles the current step. */
    {ZX_CASE_VERIFIED, ZX_ACT_RETURN, ZX_CASE_DISCOVERED, R_CADRES},
    {ZX_CASE_REVIEWED, ZX_ACT_RETURN, ZX_CASE_VERIFIED, R_CADRES},
    {ZX_CASE_NOTICED, ZX_ACT_RETURN, ZX_CASE_REVIEWED, R_CADRES},
    {ZX_CASE_TOWN_APPROVED, ZX_ACT_RETURN, ZX_CASE_NOTICED, R_COUNTY},
    {ZX_CASE_COUNTY_APPROVED, ZX_ACT_RETURN, ZX_CASE_TOWN_APPROVED, R_COUNTY},
    /* 不予纳入: closes the case; after 公示 only the township or county decides. */
    {ZX_CASE_DISCOVERED, ZX_ACT_REJECT, ZX_CASE_REJECTED, R_CADRES},
    {ZX_CASE_VERIFIED, ZX_ACT_REJECT, ZX_CASE_REJECTED, R_CADRES},
    {ZX_CASE_REVIEWED, ZX_ACT_REJECT, ZX_CASE_REJECTED, R_CADRES},
    {ZX_CASE_NOTICED, ZX_ACT_REJECT, ZX_CASE_REJECTED, R_TOWN | R_COUNTY},
    {ZX_CASE_TOWN_APPROVED, ZX_ACT_REJECT, ZX_CASE_REJECTED, R_COUNTY},
    {ZX_CASE_COUNTY_APPROVED, ZX_ACT_REJECT, ZX_CASE_REJECTED, R_COUNTY},
};

const char *zx_case_state_key(zx_case_state s)
{
	return (unsigned)s < ZX_CASE__COUNT ? states[s].key : "";
}

const char *zx_case_state_name(zx_case_state s)
{
	return (unsigned)s < ZX_CASE__COUNT ? states[s].name : "";
}

int zx_case_state_parse(const char *key)
{
	for (int i = 0; key && i < ZX_CASE__COUNT; i++)
		if (strcmp(key, states[i].key) == 0)
			return i;
	return -1;
}

const char *zx_case_action_key(zx_case_action a)
{
	return (unsigned)a < ZX_ACT__COUNT ? actions[a].key : "";
}

const char *zx_case_action_name(zx_case_action a)
{
	return (unsigned)a < ZX_ACT__COUNT ? actions[a].name : "";
}

int zx_case_action_parse(const char *key)
{
	for (int i = 0; key && i < ZX_ACT__COUNT; i++)
		if (strcmp(key, actions[i].key) == 0)
			return i;
	return -1;
}

bool zx_case_state_closed(zx_case_state s)
{
	return s == ZX_CASE_INCLUDED || s == ZX_CASE_REJECTED;
}

const char *zx_case_source_name(const char *key)
{
	static const struct {
		const char *key, *name;
	} sources[] = {
	    {"self_report", "农户自主申报"},
	    {"cadre", "干部排查"},
	    {"dept", "部门筛查预警"},
	    {"screening", "排查"},
	};
	for (size_t i = 0; key && i < sizeof(sources) / sizeof(sources[0]); i++)
		if (strcmp(key, sources[i].key) == 0)
			return sources[i].name;
	return NULL;
}

zx_case_verdict zx_case_check(zx_case_state from, zx_case_action act, zx_role role, zx_case_state *to)
{
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++) {
		const struct transition *t = &transitions[i];
		if (t->from != from || t->act != act)
			continue;
		if ((unsigned)role >= 32 || !(t->roles & (1u << role)))
			return ZX_CASE_WRONG_ROLE;
		*to = t->to;
		return ZX_CASE_OK;
	}
	return ZX_CASE_OUT_OF_ORDER;
}

bool zx_case_overdue(const zx_case *k, int64_t now)
{
	return !zx_case_state_closed(k->state) && now > k->due_at;
}

int64_t zx_case_days_elapsed(const zx_case *k, int64_t now)
{
	int64_t end = zx_case_state_closed(k->state) && k->closed_at > 0 ? k->closed_at : now;
	return end > k->discovered_at ? (end - k->discovered_at) / DAY : 0;
}

/* --- creating a case --------------------------------------------------------------------------- */

static bool may_handle_cases(zx_role r)
{
	return r == ZX_ROLE_VILLAGE_CLERK || r == ZX_ROLE_TOWN_ADMIN || r == ZX_ROLE_COUNTY_ADMIN;
}

static zx_err check_proposals(const char *hh_type, const char *category, const char *risk, const char *helper,
                              zx_errinfo *ei)
{
	if (category && *category) {
		if (!zx_mon_category_ok(category))
			return zx_fail(ei, ZX_EVALIDATION, "invalid_category", "category", 0,
			               "监测对象类别应为 脱贫不稳定户、边缘易致贫户 或 突发严重困难户");
		if (strcmp(category, "脱贫不稳定户") == 0 && strcmp(hh_type, "脱贫户") != 0)
			return zx_fail(ei, ZX_EVALIDATION, "category_needs_tuopin", "category", 0,
			               "只有户类型为脱贫户的家庭才能纳入“脱贫不稳定户”");
	}
	if (risk && *risk && !zx_mon_risk_type_ok(risk))
		return zx_fail(
		    ei, ZX_EVALIDATION, "invalid_risk_type", "risk_type", 0,
		    "风险类型应为 因病、因残、因学、因灾、因意外事故、因产业失败、因务工就业不稳、缺劳动力、"
		    "住房出现安全问题 或 其他");
	if (helper && strlen(helper) > 60)
		return zx_fail(ei, ZX_EVALIDATION, "helper_too_long", "helper", 0, "帮扶责任人姓名过长");
	return ZX_OK;
}

/* The reasons of a stored candidate, joined with "；". */
static zx_err screening_reason(zx_conn *c, const zx_actor *a, int64_t sid, int64_t hid, char *out,
                               size_t outsz, zx_errinfo *ei)
{
	zx_stmt *s;
	zx_err e =
	    zx_query_open(c, &a->scope, ZXQ_screening_candidate_of, ZX_ARGS(ZX_INT(sid), ZX_INT(hid)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		/* One reason per line in the run; one sentence with "；" here. */
		size_t n = 0;
		out[0] = '\0';
		for (const char *p = zx_col_text(s, 1); *p && n + 1 < outsz;) {
			size_t len = strcspn(p, "\n");
			int w = snprintf(out + n, outsz - n, "%s%.*s", n ? "；" : "", (int)len, p);
			n = w > 0 && (size_t)w < outsz - n ? n + (size_t)w : outsz - 1;
			p += len + (p[len] == '\n');
		}
	}
	zx_stmt_done(s);
	if (!e && !row)
		return zx_fail(ei, ZX_EVALIDATION, "not_a_candidate", "screening_id", 0,
		               "该户不是排查结果 %" PRId64 " 中的疑似对象", sid);
	return e;
}

static zx_err insert_step(zx_conn *c, const zx_actor *a, const zx_case *k, const char *from, const char *to,
                          const char *action, const char *opinion, const char *attachments)
{
	char county[7];
	snprintf(county, sizeof(county), "%.6s", k->area_code);
	return zx_exec(c, NULL, ZXQ_case_step_insert,
	               ZX_ARGS(ZX_TEXT(county), ZX_TEXT(k->area_code), ZX_INT(k->id), ZX_TEXT(from),
	                       ZX_TEXT(to), ZX_TEXT(action), a->user_id > 0 ? ZX_INT(a->user_id) : ZX_NULLV,
	                       ZX_TEXT(a->username), ZX_TEXT(zx_role_key(a->role)),
	                       ZX_TEXT(opinion ? opinion : ""), ZX_TEXT(attachments ? attachments : "[]"),
	                       ZX_INT(zx_now())),
	               NULL);
}

static zx_err create_checks(zx_conn *c, const zx_actor *a, const zx_case_input *in, zx_mon_household *hh,
                            char *reason, size_t reasonsz, zx_errinfo *ei)
{
	if (!may_handle_cases(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能发起识别纳入",
		               zx_role_name(a->role));
	if (!zx_case_source_name(in->source))
		return zx_fail(
		    ei, ZX_EINVAL, "invalid_source", "source", 0,
		    "来源应为 self_report（农户自主申报）、cadre（干部排查）、dept（部门筛查预警）或 "
		    "screening（排查）");
	zx_err e = zx_mon_household_find(c, a, in->hh_no, hh, ei);
	if (e)
		return e;
	if (hh->category[0])
		return zx_fail(ei, ZX_ECONFLICT, "already_monitored", "household", 0, "该户已是监测户（%s）",
		               hh->category);
	e = check_proposals(hh->hh_type, in->category, in->risk_type, in->helper, ei);
	if (e)
		return e;
	int64_t open = 0;
	e = zx_query_int(c, &a->scope, ZXQ_case_open_for_household, ZX_ARGS(ZX_INT(hh->id)), &open);
	if (!e)
		return zx_fail(ei, ZX_ECONFLICT, "case_open", "household", 0,
		               "该户已有进行中的识别纳入流程（编号 %" PRId64 "）", open);
	if (e != ZX_ENOTFOUND)
		return e;
	if (in->reason && strlen(in->reason) > ZX_CASE_OPINION_MAX)
		return zx_fail(ei, ZX_EVALIDATION, "reason_too_long", "reason", 0, "原因不能超过 %d 字节",
		               ZX_CASE_OPINION_MAX);
	if (strcmp(in->source, "screening") == 0) {
		if (in->screening_id <= 0)
			return zx_fail(ei, ZX_EINVAL, "missing_screening", "screening_id", 0,
			               "来源为排查时必须给出排查结果编号");
		e = screening_reason(c, a, in->screening_id, hh->id, reason, reasonsz, ei);
		if (e)
			return e;
	}
	if (in->reason && *in->reason)
		snprintf(reason, reasonsz, "%s", in->reason);
	if (!reason[0])
		return zx_fail(ei, ZX_EINVAL, "missing_reason", "reason", 0, "请填写发现原因");
	return ZX_OK;
}

zx_err zx_case_create(zx_conn *c, const zx_actor *a, const zx_case_input *in, int64_t *id_out, zx_errinfo *ei)
{
	zx_mon_household hh;
	zx_case k;
	memset(&k, 0, sizeof(k));
	zx_err e = zx_tx_begin_write(c);
	if (!e)
		e = create_checks(c, a, in, &hh, k.reason, sizeof(k.reason), ei);
	if (e)
		goto out;
	int64_t now = zx_now();
	e = zx_exec(c, &a->scope, ZXQ_case_insert,
	            ZX_ARGS(ZX_INT(hh.id), ZX_TEXT(in->source),
	                    in->screening_id > 0 ? ZX_INT(in->screening_id) : ZX_NULLV, ZX_TEXT(k.reason),
	                    ZX_TEXT(in->category ? in->category : ""),
	                    ZX_TEXT(in->risk_type ? in->risk_type : ""),
	                    ZX_TEXT(in->helper ? in->helper : ""), ZX_INT(now),
	                    ZX_INT(now + ZX_CASE_DUE_DAYS * DAY), ZX_TEXT(a->username)),
	            NULL);
	if (e == ZX_ECONFLICT)
		e = zx_fail(ei, e, "case_open", "household", 0, "该户已有进行中的识别纳入流程");
	if (e)
		goto out;
	k.id = zx_last_insert_id(c);
	snprintf(k.area_code, sizeof(k.area_code), "%s", hh.area_code);
	e = insert_step(c, a, &k, "", "discovered", "create", k.reason, "[]");
	if (!e) {
		char obj[48], detail[160];
		snprintf(obj, sizeof(obj), "case:%" PRId64, k.id);
		snprintf(detail, sizeof(detail), "household=%.64s source=%s", hh.hh_no, in->source);
		e = zx_audit_write(c, a, "case.create", obj, "ok", detail);
	}
	if (!e)
		e = zx_tx_commit(c);
	if (!e && id_out)
		*id_out = k.id;
out:
	if (e)
		zx_tx_rollback(c);
	return e;
}

/* --- transitions -------------------------------------------------------------------------------- */

static bool hex64(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (int i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

/* Attachments metadata as JSON text (caller frees). */
static zx_err attachments_json(const zx_transition_input *in, char **out, zx_errinfo *ei)
{
	*out = NULL;
	if (in->nattach < 0 || in->nattach > ZX_CASE_MAX_ATTACHMENTS)
		return zx_fail(ei, ZX_EVALIDATION, "too_many_attachments", "attachments", 0, "附件最多 %d 个",
		               ZX_CASE_MAX_ATTACHMENTS);
	json_t *arr = json_array();
	for (int i = 0; arr && i < in->nattach; i++) {
		const zx_attachment *at = &in->attach[i];
		size_t n = at->name ? strlen(at->name) : 0;
		if (n == 0 || n > 255 || at->size < 0 || at->size > ((int64_t)1 << 34) ||
		    !hex64(at->sha256)) {
			json_decref(arr);
			return zx_fail(ei, ZX_EVALIDATION, "invalid_attachment", "attachments", 0,
			               "第%d个附件信息不正确（需要文件名、大小和 64 位十六进制 sha256）",
			               i + 1);
		}
		char sha[65];
		for (int k = 0; k < 64; k++)
			sha[k] = (char)(at->sha256[k] >= 'A' && at->sha256[k] <= 'F' ? at->sha256[k] + 32
			                                                             : at->sha256[k]);
		sha[64] = '\0';
		json_array_append_new(arr, json_pack("{s:s,s:I,s:s}", "name", at->name, "size",
		                                     (json_int_t)at->size, "sha256", sha));
	}
	*out = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
	json_decref(arr);
	return *out ? ZX_OK : ZX_ENOMEM;
}

static const char *pick(const char *given, const char *current)
{
	return given && *given ? given : current;
}

static zx_err step_checks(const zx_actor *a, const zx_case *k, zx_case_action act,
                          const zx_transition_input *in, zx_case_state *to, zx_errinfo *ei)
{
	if (zx_case_state_closed(k->state))
		return zx_fail(ei, ZX_ECONFLICT, "case_closed", "action", 0, "该识别纳入流程已办结（%s）",
		               zx_case_state_name(k->state));
	zx_case_verdict v = zx_case_check(k->state, act, a->role, to);
	if (v == ZX_CASE_OUT_OF_ORDER)
		return zx_fail(ei, ZX_ECONFLICT, "out_of_order", "action", 0, "当前环节为“%s”，不能执行“%s”",
		               zx_case_state_name(k->state), zx_case_action_name(act));
	if (v == ZX_CASE_WRONG_ROLE)
		return zx_fail(ei, ZX_EFORBIDDEN, "wrong_role", "action", 0, "%s不能执行“%s”",
		               zx_role_name(a->role), zx_case_action_name(act));
	const char *op = in->opinion ? in->opinion : "";
	if ((act == ZX_ACT_RETURN || act == ZX_ACT_REJECT) && !*op)
		return zx_fail(ei, ZX_EVALIDATION, "opinion_required", "opinion", 0, "%s必须填写理由",
		               zx_case_action_name(act));
	if (strlen(op) > ZX_CASE_OPINION_MAX)
		return zx_fail(ei, ZX_EVALIDATION, "opinion_too_long", "opinion", 0, "意见不能超过 %d 字节",
		               ZX_CASE_OPINION_MAX);
	if (act == ZX_ACT_TOWN_APPROVE && zx_now() < k->notice_at + ZX_NOTICE_DAYS * DAY) {
		char from[16], until[16];
		zx_mon_format_date(zx_ymd_of(k->notice_at), from, sizeof(from));
		zx_mon_format_date(zx_ymd_of(k->notice_at + ZX_NOTICE_DAYS * DAY), until, sizeof(until));
		return zx_fail(ei, ZX_EVALIDATION, "notice_too_short", "action", 0,
		               "村内公示不少于%d天：公示自 %s 开始，%s 之后才能进行乡镇审核", ZX_NOTICE_DAYS,
		               from, until);
	}
	zx_err e = check_proposals(k->hh_type, in->category, in->risk_type, in->helper, ei);
	if (e || act != ZX_ACT_INCLUDE)
		return e;
	const char *cat = pick(in->category, k->category), *risk = pick(in->risk_type, k->risk_type),
	           *helper = pick(in->helper, k->helper);
	if (!*cat || !*risk || !*helper)
		return zx_fail(ei, ZX_EVALIDATION, "include_needs_fields",
		               !*cat    ? "category"
		               : !*risk ? "risk_type"
		                        : "helper",
		               0, "纳入监测需要确定监测对象类别、风险类型和帮扶责任人");
	return check_proposals(k->hh_type, cat, risk, helper, ei);
}

/* 纳入监测: the household's category, risk type and helper change, each change recorded in
 * the household's history (the registry's timeline) in the same transaction. */
static zx_err include_household(zx_conn *c, const zx_actor *a, const zx_case *k, const char *cat,
                                const char *risk, const char *helper, int64_t now)
{
	zx_scope hs;
	zx_scope_of_area(k->area_code, &hs);
	zx_mon_household hh;
	zx_err e = zx_mon_household_by_id(c, &hs, k->household_id, &hh);
	if (e)
		return e == ZX_ENOTFOUND ? ZX_EINTERNAL : e;
	int64_t changes = 0;
	e = zx_exec(
	    c, &hs, ZXQ_mon_household_set_monitoring,
	    ZX_ARGS(ZX_INT(k->household_id), ZX_TEXT(cat), ZX_TEXT(risk), ZX_TEXT(helper), ZX_INT(now)),
	    &changes);
	if (!e && changes != 1)
		e = ZX_EINTERNAL;
	const char *fields[3] = {"监测对象类别", "风险类型", "帮扶责任人"};
	const char *olds[3] = {hh.category, hh.risk_type, hh.helper}, *news[3] = {cat, risk, helper};
	for (int i = 0; !e && i < 3; i++)
		if (strcmp(olds[i], news[i]) != 0)
			e = zx_history_record(c, a, k->household_id, 0, k->area_code, "edit", fields[i],
			                      olds[i], news[i]);
	return e;
}

static zx_err apply(zx_conn *c, const zx_actor *a, const zx_case *k, zx_case_action act, zx_case_state to,
                    const zx_transition_input *in, const char *attach)
{
	int64_t now = zx_now();
	const char *cat = pick(in->category, k->category), *risk = pick(in->risk_type, k->risk_type),
	           *helper = pick(in->helper, k->helper);
	int64_t notice_at = to == ZX_CASE_NOTICED && act == ZX_ACT_PUBLISH ? now : k->notice_at;
	if (to < ZX_CASE_NOTICED)
		notice_at = 0; /* sent back before the 公示: it starts again */
	int64_t changes = 0;
	zx_err e = zx_exec(
	    c, &a->scope, ZXQ_case_set_state,
	    ZX_ARGS(ZX_INT(k->id), ZX_TEXT(zx_case_state_key(to)), notice_at ? ZX_INT(notice_at) : ZX_NULLV,
	            zx_case_state_closed(to) ? ZX_INT(now) : ZX_NULLV, ZX_TEXT(cat), ZX_TEXT(risk),
	            ZX_TEXT(helper), ZX_INT(now), ZX_TEXT(zx_case_state_key(k->state))),
	    &changes);
	if (!e && changes != 1)
		e = ZX_ECONFLICT;
	if (!e)
		e = insert_step(c, a, k, zx_case_state_key(k->state), zx_case_state_key(to),
		                zx_case_action_key(act), in->opinion, attach);
	if (!e && to == ZX_CASE_INCLUDED)
		e = include_household(c, a, k, cat, risk, helper, now);
	if (!e) {
		char obj[48], detail[160];
		snprintf(obj, sizeof(obj), "case:%" PRId64, k->id);
		snprintf(detail, sizeof(detail), "action=%s from=%s to=%s household=%.64s",
		         zx_case_action_key(act), zx_case_state_key(k->state), zx_case_state_key(to),
		         k->hh_no);
		e = zx_audit_write(c, a, "case.transition", obj, "ok", detail);
	}
	return e;
}

zx_err zx_case_transition(zx_conn *c, const zx_actor *a, int64_t id, const zx_transition_input *in,
                          zx_case *out, zx_errinfo *ei)
{
	int act = zx_case_action_parse(in->action);
	if (act < 0)
		return zx_fail(
		    ei, ZX_EINVAL, "invalid_action", "action", 0,
		    "操作应为 verify、review、publish、town_approve、county_approve、include、return 或 "
		    "reject");
	if (!may_handle_cases(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "wrong_role", "action", 0, "%s不能办理识别纳入",
		               zx_role_name(a->role));
	char *attach = NULL;
	zx_case k;
	zx_case_state to = ZX_CASE_DISCOVERED;
	zx_err e = attachments_json(in, &attach, ei);
	if (!e)
		e = zx_tx_begin_write(c);
	if (e)
		goto out;
	e = zx_case_get(c, a, id, &k);
	if (e == ZX_ENOTFOUND)
		e = zx_fail(ei, e, "not_found", NULL, 0, "识别纳入流程不存在或不在您的管理范围内");
	if (!e)
		e = step_checks(a, &k, (zx_case_action)act, in, &to, ei);
	if (!e)
		e = apply(c, a, &k, (zx_case_action)act, to, in, attach);
	if (e == ZX_ECONFLICT && (!ei || !ei->err))
		zx_fail(ei, e, "concurrent_change", NULL, 0, "该流程刚被他人办理，请刷新后重试");
	if (!e)
		e = zx_tx_commit(c);
	if (!e && out)
		e = zx_case_get(c, a, id, out);
out:
	if (e)
		zx_tx_rollback(c);
	free(attach);
	return e;
}
