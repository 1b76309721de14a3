/*
 * eliminations.c — 风险消除 over HTTP: the check of every condition with its figures, the
 * application, and the application's way through 评议 → 公示 → 审核 → 审定.
 *
 *   GET  /api/v1/households/{hh_no}/elimination-check?kind=帮扶消除|自然消除
 *   POST /api/v1/households/{hh_no}/elimination      {kind, reason}
 *        refused: 422 {"error": {code: "elimination_refused", message, conditions: […]}}
 *   GET  /api/v1/eliminations?area=&status=&page=&per_page=
 *   GET  /api/v1/eliminations/{id}                    the application with its steps
 *   POST /api/v1/eliminations/{id}/steps              {action, opinion}
 */
#include <stdlib.h>
#include <string.h>

#include "api/assistance_api.h"
#include "domain/assistance/elimination.h"

static bool kind_param(api_call *c, const char *v, zx_elim_kind *out)
{
	int k = v && *v ? zx_elim_kind_parse(v) : ZX_ELIM_HELPED;
	if (k < 0) {
		api_error_msg(c, ZX_EINVAL, "invalid_kind", "kind", "消除方式应为 帮扶消除 或 自然消除");
		return false;
	}
	*out = (zx_elim_kind)k;
	return true;
}

static bool add_elim(void *ctx, const zx_elimination *e)
{
	json_array_append_new(ctx, asst_elimination_json(e));
	return true;
}

static void check_get(api_call *c)
{
	const char *kind_s;
	zx_elim_kind kind;
	if (!api_query_str(c, "kind", 16, &kind_s) || !kind_param(c, kind_s, &kind))
		return;
	zx_asst_household h;
	zx_elim_check ch;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e =
	    zx_elim_check_household(c->conn, c->actor, zx_req_param(c->req, "hh_no"), kind, &h, &ch, &ei);
	json_t *history = json_array();
	if (!e || e == ZX_EVALIDATION) {
		zx_err le = zx_elim_list_household(c->conn, c->actor, h.id, add_elim, history);
		if (le && !e)
			e = le;
	}
	if (e == ZX_EVALIDATION && strcmp(ei.code, "not_monitored") == 0) {
		/* Not a 监测户 (any more): say so with the history, not as an error. */
		api_json(c, 200,
		         json_pack("{s:o,s:s,s:b,s:s,s:o,s:o}", "household", asst_household_json(&h), "kind",
		                   zx_elim_kind_name(kind), "monitored", 0, "message", ei.message,
		                   "conditions", json_array(), "history", history));
		return;
	}
	if (e) {
		json_decref(history);
		asst_fail(c, e, &ei);
		return;
	}
	json_t *pending = json_null();
	size_t i;
	json_t *it;
	json_array_foreach(history, i, it)
	{
		if (strcmp(json_string_value(json_object_get(it, "status")), "pending") == 0) {
			pending = json_incref(it);
			break;
		}
	}
	api_json(c, 200,
	         json_pack("{s:o,s:s,s:b,s:b,s:i,s:o,s:o,s:o}", "household", asst_household_json(&h), "kind",
	                   zx_elim_kind_name(kind), "monitored", 1, "eligible", ch.failed == 0, "failed",
	                   ch.failed, "conditions", asst_elim_check_json(&ch), "pending", pending, "history",
	                   history));
}

static void apply_post(api_call *c)
{
	const char *kind_s, *reason;
	zx_elim_kind kind;
	if (!api_body_str(c, "kind", 16, true, &kind_s) || !kind_param(c, kind_s, &kind) ||
	    !api_body_str(c, "reason", 2000, false, &reason))
		return;
	zx_elim_check ch;
	zx_elimination el;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e =
	    zx_elim_apply(c->conn, c->actor, zx_req_param(c->req, "hh_no"), kind, reason, &ch, &el, &ei);
	if (e == ZX_EVALIDATION && strcmp(ei.code, "elimination_refused") == 0) {
		asst_elim_refused(c, &ei, &ch);
		return;
	}
	if (e) {
		asst_fail(c, e, &ei);
		return;
	}
	api_json(c, 201,
	         json_pack("{s:o,s:o}", "elimination", asst_elimination_json(&el), "conditions",
	                   asst_elim_check_json(&ch)));
}

static void list_get(api_call *c)
{
	int64_t limit, offset, page, per_page, total = 0;
	const char *area, *status;
	if (!api_page(c, &limit, &offset, &page, &per_page) || !api_query_str(c, "area", 12, &area) ||
	    !api_query_str(c, "status", 16, &status))
		return;
	json_t *items = json_array();
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_elim_list(c->conn, c->actor, area, status, limit, offset, add_elim, items, &total, &ei);
	if (e) {
		json_decref(items);
		asst_fail(c, e, &ei);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
	                   (json_int_t)page, "per_page", (json_int_t)per_page));
}

static bool add_step(void *ctx, const zx_elim_step *s)
{
	int to = zx_elim_state_parse(s->to_state);
	int act = zx_elim_action_parse(s->action);
	json_array_append_new(ctx,
	                      json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "id", (json_int_t)s->id,
	                                "action", s->action, "action_name",
	                                act >= 0 ? zx_elim_action_name((zx_elim_action)act) : "申请",
	                                "from_state", s->from_state, "to_state", s->to_state, "to_state_name",
	                                to >= 0 ? zx_elim_state_name((zx_elim_state)to) : "", "username",
	                                s->username, "opinion", s->opinion, "ts", (json_int_t)s->ts));
	return true;
}

static void reply_one(api_call *c, int64_t id)
{
	zx_elimination el;
	zx_err e = zx_elim_get(c->conn, c->actor, id, &el);
	json_t *steps = json_array();
	if (!e)
		e = zx_elim_steps(c->conn, c->actor, id, add_step, steps);
	if (e) {
		json_decref(steps);
		if (e == ZX_ENOTFOUND)
			api_error_msg(c, e, "not_found", NULL, "风险消除申请不存在或不在您的管理范围内");
		else
			api_error(c, e, NULL);
		return;
	}
	api_json(c, 200, json_pack("{s:o,s:o}", "elimination", asst_elimination_json(&el), "steps", steps));
}

static void one_get(api_call *c)
{
	int64_t id;
	if (asst_path_id(c, "id", "风险消除申请", &id))
		reply_one(c, id);
}

static void step_post(api_call *c)
{
	int64_t id;
	const char *action, *opinion;
	if (!asst_path_id(c, "id", "风险消除申请", &id) || !api_body_str(c, "action", 32, true, &action) ||
	    !api_body_str(c, "opinion", 2000, false, &opinion))
		return;
	zx_elim_check ch;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_elim_transition(c->conn, c->actor, id, action, opinion, &ch, NULL, &ei);
	if (e == ZX_EVALIDATION && strcmp(ei.code, "elimination_refused") == 0) {
		asst_elim_refused(c, &ei, &ch);
		return;
	}
	if (e) {
		asst_fail(c, e, &ei);
		return;
	}
	reply_one(c, id);
}

const api_route api_elimination_routes[] = {
    {"GET", "/api/v1/households/{hh_no}/elimination-check", check_get, API_PERSONAL},
    {"POST", "/api/v1/households/{hh_no}/elimination", apply_post, API_PERSONAL | API_JSON},
    {"GET", "/api/v1/eliminations", list_get, API_PERSONAL},
    {"GET", "/api/v1/eliminations/{id}", one_get, API_PERSONAL},
    {"POST", "/api/v1/eliminations/{id}/steps", step_post, API_PERSONAL | API_JSON},
    {NULL, NULL, NULL, 0},
};
