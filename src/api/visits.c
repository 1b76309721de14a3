/*
 * visits.c — 走访 over HTTP: recording a visit idempotently, listing visits, the due and
 * overdue lists, and the visit schedule.
 *
 *   POST /api/v1/visits   Idempotency-Key: <key>   {hh_no, date, checklist, findings, followups}
 *        201 {visit, duplicate: false}; the same key again: 200 {visit (the first), duplicate: true}
 *   GET  /api/v1/visits?area=&hh_no=&visitor=&from=&to=&page=&per_page=
 *   GET  /api/v1/visits/{id}
 *   GET  /api/v1/visits/due?area=&person=&limit=
 *   GET  /api/v1/visits/schedule?area=        PUT /api/v1/visits/schedule {area, target, interval_days}
 *
 * The key may also come in the body as "idempotency_key" (the header wins).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/assistance_api.h"
#include "domain/assistance/visit.h"

static json_t *visit_json(const zx_visit *v)
{
	json_t *o =
	    json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:I}", "id", (json_int_t)v->id, "hh_no", v->hh_no,
	              "head_name", v->head_name, "area_code", v->area_code, "visitor", v->visitor,
	              "checklist", asst_checklist_json(v->checklist), "findings", v->findings, "followups",
	              v->followups, "created_at", (json_int_t)v->created_at);
	json_object_set_new(o, "date", asst_date(v->visit_ymd));
	return o;
}

static void visit_post(api_call *c)
{
	zx_visit_input in = {0};
	const char *body_key = NULL;
	if (!api_body_str(c, "hh_no", 63, true, &in.hh_no) || !api_body_str(c, "date", 10, false, &in.date) ||
	    !asst_body_checklist(c, "checklist", &in.checklist) ||
	    !api_body_str(c, "findings", ZX_VISIT_TEXT_MAX, false, &in.findings) ||
	    !api_body_str(c, "followups", ZX_VISIT_TEXT_MAX, false, &in.followups) ||
	    !api_body_str(c, "idempotency_key", ZX_VISIT_KEY_MAX, false, &body_key))
		return;
	const char *hdr = zx_req_header(c->req, "Idempotency-Key");
	in.client_key = hdr && *hdr ? hdr : body_key;
	zx_visit *v = malloc(sizeof(*v));
	if (!v) {
		api_error(c, ZX_ENOMEM, NULL);
		return;
	}
	bool dup = false;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_visit_record(c->conn, c->actor, &in, v, &dup, &ei);
	if (e)
		asst_fail(c, e, &ei);
	else
		api_json(c, dup ? 200 : 201,
		         json_pack("{s:o,s:b}", "visit", visit_json(v), "duplicate", dup));
	free(v);
}

static void visit_get(api_call *c)
{
	int64_t id;
	if (!asst_path_id(c, "id", "走访记录", &id))
		return;
	zx_visit *v = malloc(sizeof(*v));
	if (!v) {
		api_error(c, ZX_ENOMEM, NULL);
		return;
	}
	zx_err e = zx_visit_get(c->conn, c->actor, id, v);
	if (e == ZX_ENOTFOUND)
		api_error_msg(c, e, "not_found", NULL, "走访记录不存在或不在您的管理范围内");
	else if (e)
		api_error(c, e, NULL);
	else
		api_json(c, 200, json_pack("{s:o}", "visit", visit_json(v)));
	free(v);
}

static bool add_visit(void *ctx, const zx_visit *v)
{
	json_array_append_new(ctx, visit_json(v));
	return true;
}

static void visits_list(api_call *c)
{
	int64_t limit, offset, page, per_page, total = 0;
	zx_visit_filter f = {0};
	const char *hh_no;
	if (!api_page(c, &limit, &offset, &page, &per_page) || !api_query_str(c, "area", 12, &f.area) ||
	    !api_query_str(c, "hh_no", 63, &hh_no) || !api_query_str(c, "visitor", 64, &f.visitor) ||
	    !asst_query_date(c, "from", &f.from_ymd) || !asst_query_date(c, "to", &f.to_ymd))
		return;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	if (*hh_no) {
		zx_asst_household h;
		zx_err e = zx_asst_household_find(c->conn, c->actor, hh_no, &h, &ei);
		if (e) {
			asst_fail(c, e, &ei);
			return;
		}
		f.household_id = h.id;
	}
	f.limit = limit;
	f.offset = offset;
	json_t *items = json_array();
	zx_err e = zx_visit_list(c->conn, c->actor, &f, add_visit, items, &total, &ei);
	if (e) {
		json_decref(items);
		asst_fail(c, e, &ei);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
	                   (json_int_t)page, "per_page", (json_int_t)per_page));
}

static json_t *groups_json(const zx_due_group *g, int n, bool with_name)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s,s:I,s:I,s:I}", with_name ? "code" : "person", g[i].key,
		                      "scheduled", (json_int_t)g[i].scheduled, "due", (json_int_t)g[i].due,
		                      "overdue", (json_int_t)g[i].overdue);
		if (with_name)
			json_object_set_new(o, "name", json_string(g[i].name));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *due_item_json(const zx_due_item *it)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:i}", "hh_no", it->hh_no, "area_code",
	                      it->area_code, "village_name", it->village_name, "group", it->grp, "head_name",
	                      it->head_name, "helper", it->helper, "target", zx_visit_target_name(it->target),
	                      "interval_days", it->interval_days, "state", zx_due_state_key(it->state),
	                      "days_late", it->days_late);
	json_object_set_new(o, "last_visit", asst_date(it->last_visit_ymd));
	json_object_set_new(o, "due_date", asst_date(it->due_ymd));
	return o;
}

static void visits_due(api_call *c)
{
	zx_due_filter f = {0};
	int64_t limit;
	if (!api_query_str(c, "area", 12, &f.area) || !api_query_str(c, "person", 64, &f.person) ||
	    !asst_query_int(c, "limit", 1, 2000, 200, &limit))
		return;
	f.max_items = (int)limit;
	zx_due_report r;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_visit_due_report(c->conn, c->actor, &f, &r, &ei);
	if (e) {
		asst_fail(c, e, &ei);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < r.nitems; i++)
		json_array_append_new(items, due_item_json(&r.items[i]));
	json_t *o = json_pack(
	    "{s:o,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o}", "today", asst_date(r.today_ymd), "scheduled",
	    (json_int_t)r.scheduled, "due", (json_int_t)r.due, "overdue", (json_int_t)r.overdue,
	    "items_total", (json_int_t)r.items_total, "soon_days", (json_int_t)ZX_VISIT_DUE_SOON, "by_person",
	    groups_json(r.persons, r.npersons, false), "by_village",
	    groups_json(r.villages, r.nvillages, true), "by_town", groups_json(r.towns, r.ntowns, true));
	json_object_set_new(o, "items", items);
	zx_due_report_release(&r);
	api_json(c, 200, o);
}

static void schedule_get(api_call *c)
{
	const char *area;
	if (!api_query_str(c, "area", 12, &area))
		return;
	char code[13];
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_asst_area(c->conn, c->actor, area, code, NULL, &ei);
	zx_schedule *s = e ? NULL : malloc(sizeof(*s));
	if (!e && !s)
		e = ZX_ENOMEM;
	char county[7] = "";
	if (!e) {
		snprintf(county, sizeof(county), "%.6s", code);
		e = zx_schedule_load(c->conn, county, s);
	}
	if (e) {
		free(s);
		asst_fail(c, e, &ei);
		return;
	}
	/* Intervals in force for the area (for a county: the county's own). */
	char probe[13];
	snprintf(probe, sizeof(probe), "%s", code);
	json_t *items = json_array(), *rows = json_array();
	for (int t = 0; t < ZX_TARGET__COUNT; t++) {
		const char *from = "";
		int days = zx_schedule_interval(s, probe, (zx_visit_target)t, &from);
		json_array_append_new(
		    items, json_pack("{s:s,s:i,s:s}", "target", zx_visit_target_name((zx_visit_target)t),
		                     "interval_days", days, "source", *from ? from : "default"));
	}
	for (int i = 0; i < s->n; i++)
		json_array_append_new(rows, json_pack("{s:s,s:s,s:i}", "area_code", s->rows[i].area_code,
		                                      "target", zx_visit_target_name(s->rows[i].target),
		                                      "interval_days", s->rows[i].interval_days));
	free(s);
	api_json(c, 200, json_pack("{s:s,s:o,s:o}", "area", code, "items", items, "rows", rows));
}

static void schedule_put(api_call *c)
{
	const char *area, *target;
	int64_t days;
	if (!api_body_str(c, "area", 12, false, &area) || !api_body_str(c, "target", 16, true, &target) ||
	    !asst_body_int(c, "interval_days", -100000, 100000, INT64_MIN, &days))
		return;
	if (days == INT64_MIN) {
		api_error_msg(c, ZX_EINVAL, "missing_field", "interval_days", "缺少必填字段: interval_days");
		return;
	}
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_schedule_set(c->conn, c->actor, area ? area : "", target, (int)days, &ei);
	if (e) {
		asst_fail(c, e, &ei);
		return;
	}
	api_json(c, 200, json_pack("{s:s,s:I}", "target", target, "interval_days", (json_int_t)days));
}

const api_route api_visit_routes[] = {
    {"POST", "/api/v1/visits", visit_post, API_PERSONAL | API_JSON},
    {"GET", "/api/v1/visits", visits_list, API_PERSONAL},
    {"GET", "/api/v1/visits/due", visits_due, API_PERSONAL},
    {"GET", "/api/v1/visits/schedule", schedule_get, 0},
    {"PUT", "/api/v1/visits/schedule", schedule_put, API_JSON},
    {"GET", "/api/v1/visits/{id}", visit_get, API_PERSONAL},
    {NULL, NULL, NULL, 0},
};
