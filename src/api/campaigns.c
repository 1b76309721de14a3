/*
 * campaigns.c — 集中排查 / 回头看 over HTTP: campaigns, their progress per village, their
 * household set and their issues with rectification.
 *
 *   POST /api/v1/campaigns          {name, kind, area, start_date, end_date, targets: ["脱贫户","监测户"]}
 *   GET  /api/v1/campaigns?area=&page=&per_page=   (those inside the area or covering it)
 *   GET  /api/v1/campaigns/{id}     campaign, progress (per village, in the caller's scope), issue totals
 *   GET  /api/v1/campaigns/{id}/households?village=&visited=0|1&page=&per_page=
 *   GET  /api/v1/campaigns/{id}/issues?status=
 *   POST /api/v1/campaigns/{id}/issues              {scope, hh_no | area, description, rectification, status}
 *   PUT  /api/v1/campaigns/{id}/issues/{issue_id}   {description, rectification, status}
 */
#include <stdlib.h>
#include <string.h>

#include "api/assistance_api.h"
#include "domain/assistance/campaign.h"

/* Rates in JSON: a percentage with one decimal, null when there is nothing to divide. */
static json_t *rate(int64_t part, int64_t whole)
{
	if (whole <= 0)
		return json_null();
	return json_real((double)((part * 1000 + whole / 2) / whole) / 10.0);
}

static json_t *targets_json(unsigned t)
{
	json_t *a = json_array();
	if (t & ZX_CAMPAIGN_TUOPIN)
		json_array_append_new(a, json_string("脱贫户"));
	if (t & ZX_CAMPAIGN_MONITORED)
		json_array_append_new(a, json_string("监测户"));
	if (t & ZX_CAMPAIGN_ALL)
		json_array_append_new(a, json_string("全部农户"));
	return a;
}

static json_t *campaign_json(const zx_campaign *k)
{
	json_t *o =
	    json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:I,s:s,s:I}", "id", (json_int_t)k->id, "area_code",
	              k->area_code, "area_name", k->area_name, "name", k->name, "kind", k->kind, "targets",
	              targets_json(k->targets), "households_all", (json_int_t)k->households, "created_by",
	              k->created_by, "created_at", (json_int_t)k->created_at);
	json_object_set_new(o, "start_date", asst_date(k->start_ymd));
	json_object_set_new(o, "end_date", asst_date(k->end_ymd));
	return o;
}

static bool targets_body(api_call *c, unsigned *out)
{
	json_t *v = c->body ? json_object_get(c->body, "targets") : NULL;
	*out = 0;
	if (!v || !json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 3)
		goto bad;
	size_t i;
	json_t *it;
	json_array_foreach(v, i, it)
	{
		const char *s = json_is_string(it) ? json_string_value(it) : "";
		if (strcmp(s, "脱贫户") == 0)
			*out |= ZX_CAMPAIGN_TUOPIN;
		else if (strcmp(s, "监测户") == 0)
			*out |= ZX_CAMPAIGN_MONITORED;
		else if (strcmp(s, "全部农户") == 0)
			*out |= ZX_CAMPAIGN_ALL;
		else
			goto bad;
	}
	return true;
bad:
	api_error_msg(c, ZX_EINVAL, "invalid_targets", "targets",
	              "排查对象应为数组，取值 脱贫户、监测户、全部农户");
	return false;
}

static bool load(api_call *c, zx_campaign *k)
{
	int64_t id;
	if (!asst_path_id(c, "id", "排查", &id))
		return false;
	zx_err e = zx_campaign_get(c->conn, c->actor, id, k);
	if (e == ZX_ENOTFOUND)
		api_error_msg(c, e, "not_found", NULL, "排查不存在或不在您的管理范围内");
	else if (e)
		api_error(c, e, NULL);
	return !e;
}

static bool add_village(void *ctx, const zx_campaign_village *v)
{
	json_array_append_new(ctx,
	                      json_pack("{s:s,s:s,s:I,s:I,s:o}", "code", v->area_code, "name", v->name,
	                                "households", (json_int_t)v->households, "visited",
	                                (json_int_t)v->visited, "rate", rate(v->visited, v->households)));
	return true;
}

static void reply_campaign(api_call *c, int status, const zx_campaign *k)
{
	json_t *villages = json_array();
	zx_campaign_totals t;
	zx_err e = zx_campaign_progress(c->conn, c->actor, k, add_village, villages, &t);
	if (e) {
		json_decref(villages);
		api_error(c, e, NULL);
		return;
	}
	int64_t issues = t.issues_personal + t.issues_common;
	api_json(c, status,
	         json_pack("{s:o,s:{s:I,s:I,s:o,s:o},s:{s:I,s:I,s:I,s:I,s:o}}", "campaign", campaign_json(k),
	                   "progress", "households", (json_int_t)t.households, "visited",
	                   (json_int_t)t.visited, "rate", rate(t.visited, t.households), "villages", villages,
	                   "issues", "total", (json_int_t)issues, "personal", (json_int_t)t.issues_personal,
	                   "common", (json_int_t)t.issues_common, "rectified", (json_int_t)t.issues_rectified,
	                   "rate", rate(t.issues_rectified, issues)));
}

static void campaign_post(api_call *c)
{
	zx_campaign_input in = {0};
	if (!api_body_str(c, "name", ZX_CAMPAIGN_NAME_MAX, true, &in.name) ||
	    !api_body_str(c, "kind", 16, true, &in.kind) || !api_body_str(c, "area", 12, false, &in.area) ||
	    !api_body_str(c, "start_date", 10, true, &in.start) ||
	    !api_body_str(c, "end_date", 10, true, &in.end) || !targets_body(c, &in.targets))
		return;
	int64_t id = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_campaign_create(c->conn, c->actor, &in, &id, &ei);
	zx_campaign k;
	if (!e)
		e = zx_campaign_get(c->conn, c->actor, id, &k);
	if (e) {
		asst_fail(c, e, &ei);
		return;
	}
	reply_campaign(c, 201, &k);
}

static bool add_campaign(void *ctx, const zx_campaign *k)
{
	json_array_append_new(ctx, campaign_json(k));
	return true;
}

static void campaigns_list(api_call *c)
{
	int64_t limit, offset, page, per_page, total = 0;
	const char *area, *village;
	if (!api_page(c, &limit, &offset, &page, &per_page) || !api_query_str(c, "area", 12, &area) ||
	    !api_query_str(c, "village", 12, &village))
		return;
	json_t *items = json_array();
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	/* ?village= narrows like ?area= (the campaigns covering that village). */
	const char *where = *village ? village : area;
	zx_err e =
	    zx_campaign_list(c->conn, c->actor, where, limit, offset, add_campaign, items, &total, &ei);
	if (e) {
		json_decref(items);
		asst_fail(c, e, &ei);
		return;
	}
	/* Figures of each campaign listed, inside the caller's scope (narrowed to the area). */
	zx_actor narrowed = *c->actor;
	if (*where)
		zx_scope_of_area(where, &narrowed.scope);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		zx_campaign k;
		zx_campaign_totals t;
		if (zx_campaign_get(c->conn, c->actor, json_integer_value(json_object_get(it, "id")), &k) ==
		        ZX_OK &&
		    zx_campaign_progress(c->conn, &narrowed, &k, NULL, NULL, &t) == ZX_OK) {
			int64_t n = t.issues_personal + t.issues_common;
			json_object_set_new(it, "households", json_integer(t.households));
			json_object_set_new(it, "visited", json_integer(t.visited));
			json_object_set_new(it, "rate", rate(t.visited, t.households));
			json_object_set_new(it, "issues", json_integer(n));
			json_object_set_new(it, "issues_rate", rate(t.issues_rectified, n));
		}
	}
	api_json(c, 200,
	         json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
	                   (json_int_t)page, "per_page", (json_int_t)per_page));
}

static void campaign_get(api_call *c)
{
	zx_campaign k;
	if (load(c, &k))
		reply_campaign(c, 200, &k);
}

static bool add_household(void *ctx, const zx_campaign_household *h)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:i}", "hh_no", h->hh_no, "area_code",
	                      h->area_code, "village_name", h->village_name, "group", h->grp, "head_name",
	                      h->head_name, "hh_type", h->hh_type, "category", h->category, "helper",
	                      h->helper, "visited", h->last_visit_ymd > 0, "open_issues", h->open_issues);
	json_object_set_new(o, "last_visit", asst_date(h->last_visit_ymd));
	json_array_append_new(ctx, o);
	return true;
}

static void campaign_households(api_call *c)
{
	zx_campaign k;
	int64_t limit, offset, page, per_page, visited, total = 0;
	const char *village;
	if (!load(c, &k) || !api_page(c, &limit, &offset, &page, &per_page) ||
	    !api_query_str(c, "village", 12, &village) || !asst_query_int(c, "visited", -1, 1, -1, &visited))
		return;
	json_t *items = json_array();
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_campaign_households(c->conn, c->actor, &k, village, (int)visited, limit, offset,
	                                  add_household, items, &total, &ei);
	if (e) {
		json_decref(items);
		asst_fail(c, e, &ei);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
	                   (json_int_t)page, "per_page", (json_int_t)per_page));
}

static json_t *issue_json(const zx_issue *i)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:I}", "id",
	                      (json_int_t)i->id, "area_code", i->area_code, "area_name", i->area_name,
	                      "scope", i->scope, "hh_no", i->hh_no, "head_name", i->head_name, "description",
	                      i->description, "rectification", i->rectification, "status", i->status,
	                      "created_by", i->created_by, "created_at", (json_int_t)i->created_at,
	                      "updated_by", i->updated_by, "updated_at", (json_int_t)i->updated_at);
	json_object_set_new(o, "rectified_at", api_time(i->rectified_at));
	return o;
}

static bool add_issue(void *ctx, const zx_issue *i)
{
	json_array_append_new(ctx, issue_json(i));
	return true;
}

static void issues_list(api_call *c)
{
	zx_campaign k;
	const char *status;
	if (!load(c, &k) || !api_query_str(c, "status", 16, &status))
		return;
	json_t *items = json_array();
	zx_err e = zx_issue_list(c->conn, c->actor, k.id, status, add_issue, items);
	if (e) {
		json_decref(items);
		api_error(c, e, NULL);
		return;
	}
	api_json(c, 200, json_pack("{s:o}", "items", items));
}

static bool issue_body(api_call *c, zx_issue_input *in, bool add)
{
	memset(in, 0, sizeof(*in));
	return (!add || (api_body_str(c, "scope", 16, true, &in->scope) &&
	                 api_body_str(c, "hh_no", 63, false, &in->hh_no) &&
	                 api_body_str(c, "area", 12, false, &in->area))) &&
	       api_body_str(c, "description", ZX_ISSUE_TEXT_MAX, add, &in->description) &&
	       api_body_str(c, "rectification", ZX_ISSUE_TEXT_MAX, false, &in->rectification) &&
	       api_body_str(c, "status", 16, false, &in->status);
}

static void reply_issue(api_call *c, int status, int64_t campaign_id, int64_t id)
{
	zx_issue *i = malloc(sizeof(*i));
	zx_err e = i ? zx_issue_get(c->conn, c->actor, campaign_id, id, i) : ZX_ENOMEM;
	if (e)
		api_error(c, e, NULL);
	else
		api_json(c, status, json_pack("{s:o}", "issue", issue_json(i)));
	free(i);
}

static void issue_post(api_call *c)
{
	int64_t cid, id = 0;
	zx_issue_input in;
	if (!asst_path_id(c, "id", "排查", &cid) || !issue_body(c, &in, true))
		return;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_issue_add(c->conn, c->actor, cid, &in, &id, &ei);
	if (e)
		asst_fail(c, e, &ei);
	else
		reply_issue(c, 201, cid, id);
}

static void issue_put(api_call *c)
{
	int64_t cid, id;
	zx_issue_input in;
	if (!asst_path_id(c, "id", "排查", &cid) || !asst_path_id(c, "issue_id", "问题", &id) ||
	    !issue_body(c, &in, false))
		return;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_issue_update(c->conn, c->actor, cid, id, &in, &ei);
	if (e)
		asst_fail(c, e, &ei);
	else
		reply_issue(c, 200, cid, id);
}

const api_route api_campaign_routes[] = {
    {"POST", "/api/v1/campaigns", campaign_post, API_PERSONAL | API_JSON},
    {"GET", "/api/v1/campaigns", campaigns_list, API_PERSONAL},
    {"GET", "/api/v1/campaigns/{id}", campaign_get, API_PERSONAL},
    {"GET", "/api/v1/campaigns/{id}/households", campaign_households, API_PERSONAL},
    {"GET", "/api/v1/campaigns/{id}/issues", issues_list, API_PERSONAL},
    {"POST", "/api/v1/campaigns/{id}/issues", issue_post, API_PERSONAL | API_JSON},
    {"PUT", "/api/v1/campaigns/{id}/issues/{issue_id}", issue_put, API_PERSONAL | API_JSON},
    {NULL, NULL, NULL, 0},
};
