/*
 * cases.c — 识别纳入 through the API:
 *   GET  /api/v1/cases/workflow                 states, actions and who may take which step
 *   POST /api/v1/cases                          start a case (from a screening candidate, a
 *                                               农户申报 or a 干部排查 entry) → 201
 *   GET  /api/v1/cases?area=&state=&overdue=1&open=1
 *   GET  /api/v1/cases/{id}                     the case, its steps, the caller's next actions
 *   POST /api/v1/cases/{id}/transitions         {action, opinion, attachments, category, …}
 * A case outside the caller's scope is 404, whatever the route.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/monitoring_api.h"
#include "base/clock.h"
#include "domain/monitoring/workflow.h"

static json_t *case_json(const zx_case *k, int64_t now)
{
	json_t *o = json_pack(
	    "{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:o,s:o,s:I,s:b,s:s}", "id",
	    (json_int_t)k->id, "household", k->hh_no, "head_name", k->head_name, "group", k->grp, "hh_type",
	    k->hh_type, "area_code", k->area_code, "village", k->area_name, "source", k->source,
	    "source_name", zx_case_source_name(k->source) ? zx_case_source_name(k->source) : "", "reason",
	    k->reason, "state", zx_case_state_key(k->state), "state_name", zx_case_state_name(k->state),
	    "category", k->category, "risk_type", k->risk_type, "helper", k->helper, "discovered_at",
	    (json_int_t)k->discovered_at, "due_at", (json_int_t)k->due_at, "notice_at",
	    api_time(k->notice_at), "closed_at", api_time(k->closed_at), "days_elapsed",
	    (json_int_t)zx_case_days_elapsed(k, now), "overdue", zx_case_overdue(k, now), "created_by",
	    k->created_by);
	json_object_set_new(o, "screening_id", k->screening_id ? json_integer(k->screening_id) : json_null());
	if (k->state == ZX_CASE_NOTICED)
		json_object_set_new(o, "notice_ends_at", json_integer(k->notice_at + ZX_NOTICE_DAYS * 86400));
	return o;
}

static void workflow_get(api_call *c)
{
	json_t *st = json_array(), *acts = json_array(), *tr = json_array();
	for (int s = 0; s < ZX_CASE__COUNT; s++)
		json_array_append_new(st,
		                      json_pack("{s:s,s:s,s:b}", "key", zx_case_state_key((zx_case_state)s),
		                                "name", zx_case_state_name((zx_case_state)s), "closed",
		                                zx_case_state_closed((zx_case_state)s)));
	for (int a = 0; a < ZX_ACT__COUNT; a++)
		json_array_append_new(acts,
		                      json_pack("{s:s,s:s}", "key", zx_case_action_key((zx_case_action)a),
		                                "name", zx_case_action_name((zx_case_action)a)));
	for (int s = 0; s < ZX_CASE__COUNT; s++) {
		for (int a = 0; a < ZX_ACT__COUNT; a++) {
			json_t *roles = json_array();
			zx_case_state to = ZX_CASE_DISCOVERED, any = ZX_CASE_DISCOVERED;
			bool exists = false;
			for (int r = 1; r < ZX_ROLE__COUNT; r++) {
				zx_case_verdict v =
				    zx_case_check((zx_case_state)s, (zx_case_action)a, (zx_role)r, &to);
				if (v == ZX_CASE_OK) {
					json_array_append_new(roles, json_string(zx_role_key((zx_role)r)));
					any = to;
				}
				exists = exists || v != ZX_CASE_OUT_OF_ORDER;
			}
			if (!exists) {
				json_decref(roles);
				continue;
			}
			json_array_append_new(tr, json_pack("{s:s,s:s,s:s,s:o}", "from",
			                                    zx_case_state_key((zx_case_state)s), "action",
			                                    zx_case_action_key((zx_case_action)a), "to",
			                                    zx_case_state_key(any), "roles", roles));
		}
	}
	api_json(c, 200,
	         json_pack("{s:o,s:o,s:o,s:i,s:i}", "states", st, "actions", acts, "transitions", tr,
	                   "notice_days", ZX_NOTICE_DAYS, "due_days", ZX_CASE_DUE_DAYS));
}

static void case_create(api_call *c)
{
	zx_case_input in = {0};
	if (!api_body_str(c, "household", 64, true, &in.hh_no) ||
	    !api_body_str(c, "source", 16, true, &in.source) ||
	    !mon_body_int(c, "screening_id", false, 1, INT64_MAX / 2, 0, &in.screening_id) ||
	    !api_body_str(c, "reason", ZX_CASE_OPINION_MAX, false, &in.reason) ||
	    !api_body_str(c, "category", 32, false, &in.category) ||
	    !api_body_str(c, "risk_type", 48, false, &in.risk_type) ||
	    !api_body_str(c, "helper", 64, false, &in.helper))
		return;
	int64_t id = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_case_create(c->conn, c->actor, &in, &id, &ei);
	zx_case k;
	if (!e)
		e = zx_case_get(c->conn, c->actor, id, &k);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	api_json(c, 201, json_pack("{s:o}", "case", case_json(&k, zx_now())));
}

typedef struct list_ctx {
	json_t *items;
	int64_t now;
} list_ctx;

static bool add_case(void *ctx, const zx_case *k)
{
	list_ctx *l = ctx;
	json_array_append_new(l->items, case_json(k, l->now));
	return true;
}

static void cases_list(api_call *c)
{
	int64_t limit, offset, page, per_page, overdue, open, total = 0;
	const char *area, *state;
	if (!api_page(c, &limit, &offset, &page, &per_page) || !api_query_str(c, "area", 12, &area) ||
	    !api_query_str(c, "state", 24, &state) || !mon_query_int(c, "overdue", 0, 1, 0, &overdue) ||
	    !mon_query_int(c, "open", 0, 1, 0, &open))
		return;
	int st = *state ? zx_case_state_parse(state) : -1;
	if (*state && st < 0) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "state", "未知的流程状态: %s", state);
		return;
	}
	zx_case_filter f = {area, st, overdue == 1, open == 1, limit, offset};
	list_ctx l = {json_array(), zx_now()};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_case_list(c->conn, c->actor, &f, add_case, &l, &total, &ei);
	if (e) {
		json_decref(l.items);
		api_error(c, e, &ei);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:o,s:I,s:I,s:I}", "items", l.items, "total", (json_int_t)total, "page",
	                   (json_int_t)page, "per_page", (json_int_t)per_page));
}

static bool add_step(void *ctx, const zx_case_step *s)
{
	json_t *att = json_loads(s->attachments, 0, NULL);
	int from = zx_case_state_parse(s->from_state), to = zx_case_state_parse(s->to_state);
	int act = zx_case_action_parse(s->action);
	json_array_append_new(
	    ctx, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:I}", "id", (json_int_t)s->id,
	                   "from", s->from_state, "to", s->to_state, "to_name",
	                   to >= 0 ? zx_case_state_name((zx_case_state)to) : "", "action", s->action,
	                   "action_name",
	                   act >= 0 ? zx_case_action_name((zx_case_action)act) : (from < 0 ? "发现登记" : ""),
	                   "username", s->username, "role", s->role, "role_name",
	                   zx_role_name(zx_role_parse(s->role)), "opinion", s->opinion, "attachments",
	                   att ? att : json_array(), "ts", (json_int_t)s->ts));
	return true;
}

static void reply_case(api_call *c, int status, int64_t id)
{
	zx_case k;
	zx_err e = zx_case_get(c->conn, c->actor, id, &k);
	json_t *steps = json_array();
	if (!e)
		e = zx_case_steps(c->conn, c->actor, id, add_step, steps);
	if (e) {
		json_decref(steps);
		if (e == ZX_ENOTFOUND)
			api_error_msg(c, e, "not_found", NULL, "识别纳入流程不存在或不在您的管理范围内");
		else
			api_error(c, e, NULL);
		return;
	}
	json_t *next = json_array();
	for (int a = 0; a < ZX_ACT__COUNT && !zx_case_state_closed(k.state); a++) {
		zx_case_state to;
		if (zx_case_check(k.state, (zx_case_action)a, c->actor->role, &to) == ZX_CASE_OK)
			json_array_append_new(next, json_pack("{s:s,s:s,s:s}", "action",
			                                      zx_case_action_key((zx_case_action)a), "name",
			                                      zx_case_action_name((zx_case_action)a), "to",
			                                      zx_case_state_key(to)));
	}
	api_json(c, status,
	         json_pack("{s:o,s:o,s:o}", "case", case_json(&k, zx_now()), "steps", steps, "next", next));
}

static void case_get(api_call *c)
{
	int64_t id;
	if (mon_path_id(c, "id", &id))
		reply_case(c, 200, id);
}

static bool parse_attachments(api_call *c, zx_attachment *out, int *n)
{
	json_t *arr = json_object_get(c->body, "attachments");
	*n = 0;
	if (!arr || json_is_null(arr))
		return true;
	if (!json_is_array(arr) || json_array_size(arr) > ZX_CASE_MAX_ATTACHMENTS) {
		api_error_msg(c, ZX_EINVAL, "invalid_field", "attachments",
		              "attachments 应为不超过 %d 项的数组", ZX_CASE_MAX_ATTACHMENTS);
		return false;
	}
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		json_t *name = json_object_get(v, "name"), *size = json_object_get(v, "size"),
		       *sha = json_object_get(v, "sha256");
		if (!json_is_object(v) || !json_is_string(name) || !json_is_integer(size) ||
		    !json_is_string(sha)) {
			api_error_msg(c, ZX_EINVAL, "invalid_field", "attachments",
			              "第%zu个附件应为 {name, size, sha256}", i + 1);
			return false;
		}
		out[*n] = (zx_attachment){json_string_value(name), json_integer_value(size),
		                          json_string_value(sha)};
		(*n)++;
	}
	return true;
}

static void case_transition(api_call *c)
{
	int64_t id;
	zx_transition_input in = {0};
	zx_attachment att[ZX_CASE_MAX_ATTACHMENTS];
	if (!mon_path_id(c, "id", &id) || !api_body_str(c, "action", 24, true, &in.action) ||
	    !api_body_str(c, "opinion", ZX_CASE_OPINION_MAX, false, &in.opinion) ||
	    !api_body_str(c, "category", 32, false, &in.category) ||
	    !api_body_str(c, "risk_type", 48, false, &in.risk_type) ||
	    !api_body_str(c, "helper", 64, false, &in.helper) || !parse_attachments(c, att, &in.nattach))
		return;
	in.attach = att;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_case_transition(c->conn, c->actor, id, &in, NULL, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	reply_case(c, 200, id);
}

const api_route api_case_routes[] = {
    {"GET", "/api/v1/cases/workflow", workflow_get, 0},
    {"POST", "/api/v1/cases", case_create, API_JSON | API_PERSONAL},
    {"GET", "/api/v1/cases", cases_list, API_PERSONAL},
    {"GET", "/api/v1/cases/{id}", case_get, API_PERSONAL},
    {"POST", "/api/v1/cases/{id}/transitions", case_transition, API_JSON | API_PERSONAL},
    {NULL, NULL, NULL, 0},
};
