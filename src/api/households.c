/*
 * households.c — the household registry over HTTP: list/search, one household with its
 * members, its change history, edits of household and member fields, adding/removing
 * members, the audited unmasking of one member, and the template's columns for forms.
 *
 * Handlers parse → call domain/registry → render. Every route carries API_PERSONAL (the
 * 等保 roles get 403 before the handler runs); scope and role rules live in the domain:
 * a list for an area outside the caller's scope is 403, a household outside it 404.
 * Edit bodies use the keys of web/app/components/registry-fields.js; an unknown key is a
 * 400 (a typo must not look like a saved change); null clears an optional field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "domain/registry/edit.h"
#include "domain/registry/history.h"
#include "domain/registry/query.h"
#include "domain/registry/template.h"

/* ---- list ---------------------------------------------------------------------------- */

/* The list is the hottest route: its items are written straight into the response buffer
 * (no jansson objects), which halves its cost per request. Strings are UTF-8 from the
 * database; only quote, backslash and control characters need escaping. */
static zx_err json_str(zx_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	zx_err e = zx_buf_addc(b, '"');
	for (const char *run = s; !e; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch && ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		e = zx_buf_add(b, run, (size_t)(s - run));
		if (e || !ch)
			break;
		char esc[7] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15], 0};
		if (ch == '"' || ch == '\\') {
			esc[1] = (char)ch;
			esc[2] = 0;
		}
		e = zx_buf_adds(b, esc);
		run = s + 1;
	}
	return e ? e : zx_buf_addc(b, '"');
}

static zx_err json_field(zx_buf *b, const char *key, const char *value, bool first)
{
	zx_err e = zx_buf_addf(b, "%s\"%s\":", first ? "" : ",", key);
	return e ? e : json_str(b, value);
}

typedef struct list_out {
	zx_buf *b;
	int n;
	zx_err err;
} list_out;

static bool add_summary(void *ctx, const zx_hh_summary *h)
{
	list_out *o = ctx;
	zx_buf *b = o->b;
	const struct {
		const char *key, *value;
	} f[] = {
	    {"hh_no", h->hh_no},
	    {"village_code", h->village_code},
	    {"village_name", h->village_name},
	    {"town_name", h->town_name},
	    {"group", h->group},
	    {"head_name", h->head_name},
	    {"head_id_masked", h->head_id_masked},
	    {"hh_type", h->hh_type},
	    {"category", h->category},
	    {"housing_safe", zx_yes_no(h->housing_safe)},
	    {"water_safe", zx_yes_no(h->water_safe)},
	    {"helper", h->helper},
	};
	zx_err e = zx_buf_addf(b, "%s{\"size\":%d", o->n++ ? "," : "", h->size);
	for (size_t i = 0; !e && i < sizeof(f) / sizeof(f[0]); i++)
		e = json_field(b, f[i].key, f[i].value, false);
	if (!e)
		e = zx_buf_addc(b, '}');
	o->err = e;
	return !e;
}

/* The filter of a list or export request (strings live in the request). */
bool api_household_filter(api_call *c, zx_hh_filter *f)
{
	const char *type, *hh_type;
	memset(f, 0, sizeof(*f));
	if (!api_query_str(c, "area", 12, &f->area) || !api_query_str(c, "village", 12, &f->village) ||
	    !api_query_str(c, "q", 64, &f->q) || !api_query_str(c, "type", 32, &type) ||
	    !api_query_str(c, "hh_type", 32, &hh_type) || !api_query_str(c, "category", 32, &f->category) ||
	    !api_query_str(c, "group", 32, &f->group))
		return false;
	f->hh_type = *hh_type ? hh_type : type;
	/* Search boxes carry stray spaces; IDs are matched in upper case (…X). */
	char *q = zx_arena_strdup(c->req->arena, f->q);
	if (!q) {
		api_error(c, ZX_ENOMEM, NULL);
		return false;
	}
	while (*q == ' ')
		q++;
	for (size_t n = strlen(q); n > 0 && q[n - 1] == ' '; n--)
		q[n - 1] = '\0';
	if (strlen(q) == 18 && q[17] == 'x')
		q[17] = 'X';
	f->q = q;
	return true;
}

static void households_list(api_call *c)
{
	zx_hh_filter f;
	int64_t limit, offset, page, per_page;
	if (!api_household_filter(c, &f) || !api_page(c, &limit, &offset, &page, &per_page))
		return;
	zx_buf *b = &c->resp->body;
	zx_buf_reset(b);
	list_out out = {b, 0, ZX_OK};
	zx_hh_count count;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_buf_adds(b, "{\"items\":[");
	zx_err e = zx_household_search(c->conn, c->actor, &c->app->keys, &f, limit, offset, add_summary, &out,
	                               &count, &ei);
	if (!e)
		e = zx_buf_addf(b, "],\"total\":%lld,\"total_exact\":%s,\"page\":%lld,\"per_page\":%lld}",
		                (long long)count.total, count.total_exact ? "true" : "false", (long long)page,
		                (long long)per_page);
	if (e) {
		zx_buf_reset(b);
		api_error(c, e, &ei);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "application/json; charset=utf-8";
}

/* ---- one household -------------------------------------------------------------------- */

static json_t *int_or_null(int v, int none)
{
	return v == none ? json_null() : json_integer(v);
}

static json_t *member_json(const zx_member_view *m)
{
	char birth[16] = "";
	if (m->birth_ymd > 0)
		snprintf(birth, sizeof(birth), "%04d-%02d-%02d", m->birth_ymd / 10000,
		         m->birth_ymd / 100 % 100, m->birth_ymd % 100);
	json_t *o = json_pack("{s:I,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id",
	                      (json_int_t)m->id, "seq", m->seq, "name", m->name, "id_masked", m->id_masked,
	                      "relation", m->relation, "gender", m->gender, "birth", birth, "nation",
	                      m->nation, "education", m->education, "school", m->school, "health", m->health,
	                      "disability", m->disability, "labor", m->labor, "work", m->work, "insured",
	                      zx_yes_no(m->insured), "phone_masked", m->phone_masked);
	json_object_set_new(o, "work_months", int_or_null(m->work_months, -1));
	return o;
}

static json_t *detail_json(const zx_hh_detail *d, const zx_actor *a)
{
	const zx_hh_view *h = &d->h;
	json_t *o =
	    json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:b,s:b}",
	              "hh_no", h->hh_no, "village_code", h->village_code, "village_name", h->village_name,
	              "town_code", h->town_code, "town_name", h->town_name, "group", h->group, "head_name",
	              h->head_name, "size", h->size, "hh_type", h->hh_type, "category", h->category,
	              "housing_safe", zx_yes_no(h->housing_safe), "water_safe", zx_yes_no(h->water_safe),
	              "education_ok", zx_yes_no(zx_hh_education_ok(d)), "medical_ok",
	              zx_yes_no(zx_hh_medical_ok(d)), "risk_type", h->risk_type, "helper", h->helper,
	              "created_at", (json_int_t)h->created_at, "updated_at", (json_int_t)h->updated_at,
	              "may_edit", zx_registry_may_edit(a->role), "may_unmask", zx_role_may_unmask(a->role));
	json_object_set_new(o, "tuopin_year", int_or_null(h->tuopin_year, 0));
	json_t *members = json_array();
	for (int i = 0; i < d->n; i++)
		json_array_append_new(members, member_json(&d->m[i]));
	json_object_set_new(o, "members", members);
	return o;
}

static void reply_household(api_call *c, int status, const char *hh_no, json_t *extra)
{
	zx_hh_detail *d = calloc(1, sizeof(*d));
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = d ? zx_household_get(c->conn, c->actor, hh_no, d, &ei) : ZX_ENOMEM;
	if (e) {
		json_decref(extra);
		api_error(c, e, &ei);
	} else {
		json_t *o = detail_json(d, c->actor);
		if (extra)
			json_object_update(o, extra);
		json_decref(extra);
		api_json(c, status, o);
	}
	zx_hh_detail_release(d);
	free(d);
}

static void household_get(api_call *c)
{
	reply_household(c, 200, zx_req_param(c->req, "hh_no"), NULL);
}

/* ---- history -------------------------------------------------------------------------- */

typedef struct history_ctx {
	json_t *items;
	int64_t last_id;
} history_ctx;

static bool add_history(void *ctx, const zx_history_entry *h)
{
	history_ctx *hc = ctx;
	json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)h->id, "ts",
	                      (json_int_t)h->ts, "username", h->username, "source", h->source, "field",
	                      h->field, "old_value", h->old_value, "new_value", h->new_value);
	json_object_set_new(o, "person_id", h->person_id > 0 ? json_integer(h->person_id) : json_null());
	json_array_append_new(hc->items, o);
	hc->last_id = h->id;
	return true;
}

static bool int_param(api_call *c, const char *key, int64_t lo, int64_t hi, int64_t def, int64_t *out)
{
	const char *s = zx_req_query(c->req, key);
	char *end;
	*out = def;
	if (!s)
		return true;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || strlen(s) > 18 || v < lo || v > hi) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", key, "参数 %s 应为 %lld 到 %lld 的整数", key,
		              (long long)lo, (long long)hi);
		return false;
	}
	*out = v;
	return true;
}

static void household_history(api_call *c)
{
	int64_t before, limit;
	if (!int_param(c, "before", 0, INT64_MAX / 2, 0, &before) ||
	    !int_param(c, "limit", 1, 500, 100, &limit))
		return;
	zx_hh_detail *d = calloc(1, sizeof(*d));
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = d ? zx_household_get(c->conn, c->actor, zx_req_param(c->req, "hh_no"), d, &ei) : ZX_ENOMEM;
	history_ctx hc = {json_array(), 0};
	if (!e)
		e = zx_history_list(c->conn, c->actor, d->h.id, before, (int)limit, add_history, &hc);
	if (e) {
		json_decref(hc.items);
		api_error(c, e, &ei);
	} else {
		json_t *o = json_pack("{s:o}", "items", hc.items);
		json_object_set_new(o, "next_before",
		                    (int64_t)json_array_size(hc.items) == limit ? json_integer(hc.last_id)
		                                                                : json_null());
		api_json(c, 200, o);
	}
	zx_hh_detail_release(d);
	free(d);
}

/* ---- edits ---------------------------------------------------------------------------- */

typedef struct body_field {
	const char *key;
	const char **dst;
} body_field;

/* Reads the body into the fields: strings as they are, numbers as decimal text, booleans
 * as 是/否, null as "" (cleared). Any other key is refused. */
static bool body_fields(api_call *c, const body_field *fields, size_t n)
{
	const char *key;
	json_t *v;
	json_object_foreach(c->body, key, v)
	{
		size_t i = 0;
		while (i < n && strcmp(fields[i].key, key) != 0)
			i++;
		if (i == n) {
			api_error_msg(c, ZX_EINVAL, "unknown_field", key, "不认识的字段: %s", key);
			return false;
		}
		const char *s = NULL;
		if (json_is_null(v))
			s = "";
		else if (json_is_string(v) && json_string_length(v) <= 256)
			s = json_string_value(v);
		else if (json_is_boolean(v))
			s = json_is_true(v) ? "是" : "否";
		else if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) < 100000)
			s = zx_arena_printf(c->req->arena, "%lld", (long long)json_integer_value(v));
		if (!s) {
			api_error_msg(c, ZX_EINVAL, "invalid_field", key, "字段 %s 的值类型不正确或过长",
			              key);
			return false;
		}
		*fields[i].dst = s;
	}
	return true;
}

static void household_put(api_call *c)
{
	zx_hh_changes ch = {0};
	const body_field fields[] = {
	    {"village_code", &ch.village_code},
	    {"group", &ch.group},
	    {"hh_type", &ch.hh_type},
	    {"category", &ch.category},
	    {"tuopin_year", &ch.tuopin_year},
	    {"housing_safe", &ch.housing_safe},
	    {"water_safe", &ch.water_safe},
	    {"risk_type", &ch.risk_type},
	    {"helper", &ch.helper},
	};
	if (!body_fields(c, fields, sizeof(fields) / sizeof(fields[0])))
		return;
	const char *hh_no = zx_req_param(c->req, "hh_no");
	int changed = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_household_edit(c->conn, c->actor, hh_no, &ch, &changed, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	reply_household(c, 200, hh_no, json_pack("{s:i}", "changed", changed));
}

static bool member_body(api_call *c, zx_member_changes *ch)
{
	memset(ch, 0, sizeof(*ch));
	const body_field fields[] = {
	    {"name", &ch->name},
	    {"id_number", &ch->id_number},
	    {"relation", &ch->relation},
	    {"gender", &ch->gender},
	    {"nation", &ch->nation},
	    {"education", &ch->education},
	    {"school", &ch->school},
	    {"health", &ch->health},
	    {"disability", &ch->disability},
	    {"labor", &ch->labor},
	    {"work", &ch->work},
	    {"work_months", &ch->work_months},
	    {"insured", &ch->insured},
	    {"phone", &ch->phone},
	    {"previous_head_relation", &ch->previous_head_relation},
	};
	return body_fields(c, fields, sizeof(fields) / sizeof(fields[0]));
}

static bool person_param(api_call *c, const char *name, int64_t *id)
{
	const char *s = zx_req_param(c->req, name);
	char *end;
	long long v = s && *s && strlen(s) < 19 ? strtoll(s, &end, 10) : 0;
	if (v <= 0 || *end) {
		api_error_msg(c, ZX_ENOTFOUND, "person_not_found", NULL, "人员不存在");
		return false;
	}
	*id = v;
	return true;
}

static void member_put(api_call *c)
{
	zx_member_changes ch;
	int64_t id;
	if (!person_param(c, "person_id", &id) || !member_body(c, &ch))
		return;
	const char *hh_no = zx_req_param(c->req, "hh_no");
	int changed = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_member_edit(c->conn, c->actor, &c->app->keys, hh_no, id, &ch, &changed, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	reply_household(c, 200, hh_no, json_pack("{s:i}", "changed", changed));
}

static void member_post(api_call *c)
{
	zx_member_changes ch;
	if (!member_body(c, &ch))
		return;
	const char *hh_no = zx_req_param(c->req, "hh_no");
	int64_t id = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_member_add(c->conn, c->actor, &c->app->keys, hh_no, &ch, &id, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	reply_household(c, 201, hh_no, json_pack("{s:I}", "person_id", (json_int_t)id));
}

static void member_delete(api_call *c)
{
	int64_t id;
	if (!person_param(c, "person_id", &id))
		return;
	const char *hh_no = zx_req_param(c->req, "hh_no");
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_member_remove(c->conn, c->actor, hh_no, id, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	reply_household(c, 200, hh_no, NULL);
}

/* ---- unmask ---------------------------------------------------------------------------- */

static void person_unmask(api_call *c)
{
	int64_t id;
	if (!person_param(c, "id", &id))
		return;
	char idn[64], phone[64];
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_person_unmask(c->conn, c->actor, &c->app->keys, id, idn, sizeof(idn), phone,
	                            sizeof(phone), &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	api_json(c, 200, json_pack("{s:s,s:s}", "id_number", idn, "phone", phone));
	memset(idn, 0, sizeof(idn));
	memset(phone, 0, sizeof(phone));
}

/* ---- the template --------------------------------------------------------------------- */

/* The JSON keys of the template columns, in template order (registry-fields.js). */
static const char *const column_keys[ZX_COL__COUNT] = {
    "hh_no",       "village_code", "group",        "name",       "id_number", "relation",
    "gender",      "nation",       "education",    "school",     "health",    "disability",
    "labor",       "work",         "work_months",  "insured",    "hh_type",   "category",
    "tuopin_year", "phone",        "housing_safe", "water_safe", "risk_type", "helper",
};

static void registry_template(api_call *c)
{
	size_t n;
	const zx_template_column *cols = zx_template_columns(&n);
	json_t *items = json_array();
	for (size_t i = 0; i < n && i < ZX_COL__COUNT; i++) {
		json_t *values = json_array();
		for (const char *const *v = cols[i].values; v && *v; v++)
			json_array_append_new(values, json_string(*v));
		json_array_append_new(items, json_pack("{s:s,s:s,s:b,s:b,s:b,s:o}", "key", column_keys[i],
		                                       "name", cols[i].name, "required", cols[i].required,
		                                       "household", cols[i].household, "blank_ok",
		                                       cols[i].blank_ok, "values", values));
	}
	api_json(c, 200, json_pack("{s:o}", "columns", items));
}

const api_route api_household_routes[] = {
    {"GET", "/api/v1/households", households_list, API_PERSONAL},
    {"GET", "/api/v1/households/{hh_no}", household_get, API_PERSONAL},
    {"PUT", "/api/v1/households/{hh_no}", household_put, API_PERSONAL | API_JSON},
    {"GET", "/api/v1/households/{hh_no}/history", household_history, API_PERSONAL},
    {"POST", "/api/v1/households/{hh_no}/members", member_post, API_PERSONAL | API_JSON},
    {"PUT", "/api/v1/households/{hh_no}/members/{person_id}", member_put, API_PERSONAL | API_JSON},
    {"DELETE", "/api/v1/households/{hh_no}/members/{person_id}", member_delete, API_PERSONAL},
    {"POST", "/api/v1/persons/{id}/unmask", person_unmask, API_PERSONAL},
    {"GET", "/api/v1/registry/template", registry_template, 0},
    {NULL, NULL, NULL, 0},
};
