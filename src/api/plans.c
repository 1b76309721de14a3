/*
 * plans.c — 一户一策 over HTTP: the list of 监测户 with their plans and the 30-day flag,
 * one household's plan with its measures, and writing plans and measures; plus the
 * catalogue the 帮扶 pages read (measure kinds, statuses, checklist, schedule groups).
 *
 *   GET    /api/v1/plans?area=&village=&helper=&flagged=1&page=&per_page=
 *   GET    /api/v1/plans/{hh_no}
 *   PUT    /api/v1/plans/{hh_no}                    {risk_analysis, goal, responsible}
 *   POST   /api/v1/plans/{hh_no}/measures           {kind, content, planned_date, actual_date,
 *   PUT    /api/v1/plans/{hh_no}/measures/{id}       amount, responsible, status, ledger_kind,
 *   DELETE /api/v1/plans/{hh_no}/measures/{id}       ledger_id}
 *   GET    /api/v1/assistance/catalogue
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/assistance_api.h"
#include "base/clock.h"
#include "domain/assistance/plan.h"
#include "domain/assistance/visit.h"

static json_t *measure_json(const zx_measure *m)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:I}", "id", (json_int_t)m->id, "kind",
	                      m->kind, "content", m->content, "status", m->status, "responsible",
	                      m->responsible, "ledger_kind", m->ledger_kind, "created_by", m->created_by,
	                      "created_at", (json_int_t)m->created_at, "updated_by", m->updated_by,
	                      "updated_at", (json_int_t)m->updated_at);
	json_object_set_new(o, "planned_date", asst_date(m->planned_ymd));
	json_object_set_new(o, "actual_date", asst_date(m->actual_ymd));
	json_object_set_new(o, "amount", asst_money(m->amount));
	json_object_set_new(o, "ledger_id", m->ledger_id > 0 ? json_integer(m->ledger_id) : json_null());
	return o;
}

static bool add_measure(void *ctx, const zx_measure *m)
{
	json_array_append_new(ctx, measure_json(m));
	return true;
}

static json_t *plan_row_json(const zx_plan_row *r)
{
	json_t *o =
	    json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:b,s:s,s:i,s:i,s:b,s:i}", "hh_no", r->hh_no,
	              "area_code", r->area_code, "village_name", r->village_name, "group", r->grp,
	              "head_name", r->head_name, "hh_type", r->hh_type, "category", r->category, "risk_type",
	              r->risk_type, "helper", r->helper, "size", r->size, "has_plan", r->plan_id > 0,
	              "responsible", r->responsible, "measures", r->measures, "measures_done",
	              r->measures_done, "flagged", r->flagged, "days_waiting", r->days_waiting);
	json_object_set_new(o, "since", api_time(r->since));
	json_object_set_new(o, "plan_updated_at", api_time(r->plan_updated_at));
	return o;
}

static bool add_row(void *ctx, const zx_plan_row *r)
{
	json_array_append_new(ctx, plan_row_json(r));
	return true;
}

static void plans_list(api_call *c)
{
	int64_t limit, offset, page, per_page, flagged;
	zx_plan_filter f = {0};
	if (!api_page(c, &limit, &offset, &page, &per_page) || !api_query_str(c, "area", 12, &f.area) ||
	    !api_query_str(c, "village", 12, &f.village) || !api_query_str(c, "helper", 64, &f.helper) ||
	    !asst_query_int(c, "flagged", 0, 1, 0, &flagged))
		return;
	f.flagged_only = flagged == 1;
	f.limit = limit;
	f.offset = offset;
	json_t *items = json_array();
	zx_plan_totals t;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_plan_list(c->conn, c->actor, &f, add_row, items, &t, &ei);
	if (e) {
		json_decref(items);
		asst_fail(c, e, &ei);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:o,s:I,s:I,s:I,s:{s:I,s:I,s:I}}", "items", items, "total", (json_int_t)t.listed,
	                   "page", (json_int_t)page, "per_page", (json_int_t)per_page, "summary",
	                   "households", (json_int_t)t.households, "with_plan", (json_int_t)t.with_plan,
	                   "flagged", (json_int_t)t.flagged));
}

/* The household's plan, measures and flag; status 200 or 201. */
static void reply_plan(api_call *c, int status, const char *hh_no)
{
	zx_asst_household h;
	zx_plan *p = calloc(1, sizeof(*p));
	if (!p) {
		api_error(c, ZX_ENOMEM, NULL);
		return;
	}
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	json_t *measures = json_array();
	zx_err e = zx_plan_get(c->conn, c->actor, hh_no, &h, p, &ei);
	if (!e)
		e = zx_measure_list(c->conn, c->actor, h.id, add_measure, measures);
	if (e) {
		free(p);
		json_decref(measures);
		asst_fail(c, e, &ei);
		return;
	}
	int done = 0;
	size_t i;
	json_t *m;
	json_array_foreach(measures, i, m)
	{
		done += strcmp(json_string_value(json_object_get(m, "status")), ZX_MEASURE_DONE) == 0;
	}
	int64_t since = 0;
	int waiting = 0;
	bool flagged = false;
	if (h.category[0])
		e = zx_plan_flag_household(c->conn, c->actor, &h, p->created_at, done, &flagged, &since,
		                           &waiting);
	if (e) {
		free(p);
		json_decref(measures);
		api_error(c, e, NULL);
		return;
	}
	json_t *plan = json_null();
	if (p->id) {
		plan =
		    json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:s,s:I}", "id", (json_int_t)p->id, "risk_analysis",
		              p->risk_analysis, "goal", p->goal, "responsible", p->responsible, "created_by",
		              p->created_by, "created_at", (json_int_t)p->created_at, "updated_by",
		              p->updated_by, "updated_at", (json_int_t)p->updated_at);
	}
	bool may_edit =
	    zx_asst_role_writes(c->actor->role) && zx_asst_assigned(c->actor, h.helper) && h.category[0];
	api_json(c, status,
	         json_pack("{s:o,s:o,s:o,s:{s:b,s:o,s:i},s:b}", "household", asst_household_json(&h), "plan",
	                   plan, "measures", measures, "flag", "flagged", flagged, "since", api_time(since),
	                   "days_waiting", waiting, "may_edit", may_edit));
	free(p);
}

static void plan_get(api_call *c)
{
	reply_plan(c, 200, zx_req_param(c->req, "hh_no"));
}

static void plan_put(api_call *c)
{
	zx_plan_input in = {0};
	if (!api_body_str(c, "risk_analysis", ZX_PLAN_TEXT_MAX, false, &in.risk_analysis) ||
	    !api_body_str(c, "goal", ZX_PLAN_TEXT_MAX, false, &in.goal) ||
	    !api_body_str(c, "responsible", ZX_PERSON_NAME_MAX, false, &in.responsible))
		return;
	const char *hh_no = zx_req_param(c->req, "hh_no");
	bool created = false;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_plan_put(c->conn, c->actor, hh_no, &in, &created, &ei);
	if (e) {
		asst_fail(c, e, &ei);
		return;
	}
	reply_plan(c, created ? 201 : 200, hh_no);
}

static bool measure_input(api_call *c, zx_measure_input *in, char *amount_buf, size_t bufsz)
{
	memset(in, 0, sizeof(*in));
	int64_t ledger = -1;
	if (!api_body_str(c, "kind", 32, false, &in->kind) ||
	    !api_body_str(c, "content", ZX_MEASURE_TEXT_MAX, false, &in->content) ||
	    !api_body_str(c, "planned_date", 10, false, &in->planned) ||
	    !api_body_str(c, "actual_date", 10, false, &in->actual) ||
	    !asst_body_amount(c, "amount", &in->amount, amount_buf, bufsz) ||
	    !api_body_str(c, "responsible", ZX_PERSON_NAME_MAX, false, &in->responsible) ||
	    !api_body_str(c, "status", 16, false, &in->status) ||
	    !api_body_str(c, "ledger_kind", 31, false, &in->ledger_kind) ||
	    !asst_body_int(c, "ledger_id", 0, INT64_MAX / 2, -1, &ledger))
		return false;
	in->ledger_id = ledger;
	return true;
}

static void reply_measure(api_call *c, int status, int64_t household_id, int64_t id)
{
	zx_measure m;
	zx_err e = zx_measure_get(c->conn, c->actor, household_id, id, &m);
	if (e) {
		api_error(c, e, NULL);
		return;
	}
	api_json(c, status, json_pack("{s:o}", "measure", measure_json(&m)));
}

static bool household_of(api_call *c, zx_asst_household *h)
{
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_asst_household_find(c->conn, c->actor, zx_req_param(c->req, "hh_no"), h, &ei);
	if (e)
		asst_fail(c, e, &ei);
	return !e;
}

static void measure_post(api_call *c)
{
	zx_measure_input in;
	char amount[32];
	if (!measure_input(c, &in, amount, sizeof(amount)))
		return;
	int64_t id = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_measure_add(c->conn, c->actor, zx_req_param(c->req, "hh_no"), &in, &id, &ei);
	zx_asst_household h;
	if (e) {
		asst_fail(c, e, &ei);
		return;
	}
	if (household_of(c, &h))
		reply_measure(c, 201, h.id, id);
}

static void measure_put(api_call *c)
{
	zx_measure_input in;
	char amount[32];
	int64_t id;
	if (!asst_path_id(c, "id", "帮扶措施", &id) || !measure_input(c, &in, amount, sizeof(amount)))
		return;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_measure_update(c->conn, c->actor, zx_req_param(c->req, "hh_no"), id, &in, &ei);
	zx_asst_household h;
	if (e) {
		asst_fail(c, e, &ei);
		return;
	}
	if (household_of(c, &h))
		reply_measure(c, 200, h.id, id);
}

static void measure_delete(api_call *c)
{
	int64_t id;
	if (!asst_path_id(c, "id", "帮扶措施", &id))
		return;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_measure_delete(c->conn, c->actor, zx_req_param(c->req, "hh_no"), id, &ei);
	if (e) {
		asst_fail(c, e, &ei);
		return;
	}
	api_json(c, 200, json_object());
}

static void catalogue(api_call *c)
{
	json_t *kinds = json_array(), *checks = json_array(), *targets = json_array();
	for (int i = 0; i < ZX_MEASURE_KIND_COUNT; i++)
		json_array_append_new(kinds, json_string(zx_measure_kinds[i]));
	for (int i = 0; i < ZX_VISIT_CHECK_COUNT; i++)
		json_array_append_new(checks, json_pack("{s:s,s:s}", "key", zx_visit_checks[i].key, "name",
		                                        zx_visit_checks[i].name));
	for (int i = 0; i < ZX_TARGET__COUNT; i++)
		json_array_append_new(targets, json_string(zx_visit_target_name((zx_visit_target)i)));
	api_json(c, 200,
	         json_pack("{s:o,s:[ssss],s:o,s:o,s:[ss],s:[sss],s:[ss],s:i}", "measure_kinds", kinds,
	                   "measure_statuses", ZX_MEASURE_PLANNED, ZX_MEASURE_ACTIVE, ZX_MEASURE_DONE,
	                   ZX_MEASURE_CANCELLED, "checklist", checks, "visit_targets", targets,
	                   "elimination_kinds", "帮扶消除", "自然消除", "issue_statuses", "待整改", "整改中",
	                   "已整改", "campaign_kinds", "集中排查", "回头看", "plan_flag_days",
	                   ZX_PLAN_FLAG_DAYS));
}

const api_route api_plan_routes[] = {
    {"GET", "/api/v1/plans", plans_list, API_PERSONAL},
    {"GET", "/api/v1/plans/{hh_no}", plan_get, API_PERSONAL},
    {"PUT", "/api/v1/plans/{hh_no}", plan_put, API_PERSONAL | API_JSON},
    {"POST", "/api/v1/plans/{hh_no}/measures", measure_post, API_PERSONAL | API_JSON},
    {"PUT", "/api/v1/plans/{hh_no}/measures/{id}", measure_put, API_PERSONAL | API_JSON},
    {"DELETE", "/api/v1/plans/{hh_no}/measures/{id}", measure_delete, API_PERSONAL},
    {"GET", "/api/v1/assistance/catalogue", catalogue, 0},
    {NULL, NULL, NULL, 0},
};
