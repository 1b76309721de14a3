/*
 * timeline.c — GET /api/v1/households/{hh_no}/timeline: everything that happened to one
 * household, oldest first (domain/assistance/timeline.h).
 */
#include "api/assistance_api.h"
#include "base/clock.h"
#include "domain/assistance/timeline.h"

static void timeline_get(api_call *c)
{
	zx_asst_household h;
	zx_timeline t;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_timeline_load(c->conn, c->actor, zx_req_param(c->req, "hh_no"), &h, &t, &ei);
	if (e) {
		asst_fail(c, e, &ei);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < t.n; i++) {
		const zx_tl_event *ev = &t.ev[i];
		json_t *o = json_pack("{s:I,s:o,s:s,s:s,s:s,s:s}", "ts", (json_int_t)ev->ts, "date",
		                      asst_date(ev->ts > 0 ? zx_ymd_of(ev->ts) : 0), "kind", ev->kind,
		                      "title", ev->title, "detail", ev->detail, "user", ev->user);
		json_object_set_new(o, "ref", ev->ref > 0 ? json_integer(ev->ref) : json_null());
		json_array_append_new(items, o);
	}
	json_t *out = json_pack("{s:o,s:o,s:b}", "household", asst_household_json(&h), "items", items,
	                        "truncated", t.truncated > 0);
	zx_timeline_release(&t);
	api_json(c, 200, out);
}

const api_route api_timeline_routes[] = {
    {"GET", "/api/v1/households/{hh_no}/timeline", timeline_get, API_PERSONAL},
    {NULL, NULL, NULL, 0},
};
