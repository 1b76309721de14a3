/*
 * screenings.c — 排查 through the API:
 *   GET  /api/v1/screening-rules         the rule table (id, name, template, parameters)
 *   POST /api/v1/screenings {area,year}  runs the rules and stores the result → 201
 *   GET  /api/v1/screenings?area=&year=  stored runs, newest first
 *   GET  /api/v1/screenings/{id}?rule=&missing=1&page=&per_page=
 *                                        a run with its candidates (or its households
 *                                        without a survey), paginated
 * A run outside the caller's scope is 404.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/monitoring_api.h"
#include "domain/monitoring/monitoring.h"
#include "domain/monitoring/screening.h"
#include "domain/monitoring/warnings.h"

static void rules_list(api_call *c)
{
	zx_screen_rule rules[ZX_SCREEN_MAX_RULES];
	int n = 0;
	zx_err e = zx_screen_rules(c->conn, rules, ZX_SCREEN_MAX_RULES, &n);
	if (e) {
		api_error(c, e, NULL);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s,s:i,s:s,s:s,s:s,s:b}", "id", rules[i].id, "bit",
		                                       (int)rules[i].bit, "name", rules[i].name, "template",
		                                       rules[i].template_text, "params", rules[i].params,
		                                       "enabled", rules[i].enabled));
	api_json(c, 200, json_pack("{s:o}", "items", items));
}

static json_t *counts_of(const char *text)
{
	json_t *o = json_loads(text, 0, NULL);
	return o ? o : json_object();
}

/* Columns of screening_get / screening_list. */
static json_t *screening_json(zx_stmt *s)
{
	return json_pack("{s:I,s:s,s:s,s:i,s:I,s:i,s:I,s:I,s:o,s:s,s:I}", "id", (json_int_t)zx_col_int(s, 0),
	                 "area_code", zx_col_text(s, 1), "area_name", zx_col_text(s, 2), "year",
	                 (int)zx_col_int(s, 3), "policy_id", (json_int_t)zx_col_int(s, 4), "policy_version",
	                 (int)zx_col_int(s, 5), "candidates", (json_int_t)zx_col_int(s, 6), "missing_income",
	                 (json_int_t)zx_col_int(s, 7), "counts", counts_of(zx_col_text(s, 8)), "created_by",
	                 zx_col_text(s, 9), "created_at", (json_int_t)zx_col_int(s, 10));
}

static zx_err load_screening(api_call *c, int64_t id, json_t **out)
{
	zx_stmt *s;
	*out = NULL;
	zx_err e = zx_query_open(c->conn, &c->actor->scope, ZXQ_screening_get, ZX_ARGS(ZX_INT(id)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row)
		*out = screening_json(s);
	zx_stmt_done(s);
	return e ? e : row ? ZX_OK : ZX_ENOTFOUND;
}

static void screening_create(api_call *c)
{
	const char *area;
	int64_t year;
	if (!api_body_str(c, "area", 12, false, &area) ||
	    !mon_body_int(c, "year", true, ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX, 0, &year))
		return;
	if (!area || !*area)
		area = c->actor->area_code;
	zx_screen_result *r = calloc(1, sizeof(*r));
	if (!r) {
		api_error(c, ZX_ENOMEM, NULL);
		return;
	}
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_screen_save(c->conn, c->actor, area, (int)year, r, &ei);
	json_t *o = NULL;
	if (!e)
		e = load_screening(c, r->screening_id, &o);
	if (!e)
		json_object_set_new(o, "screened", json_integer(r->screened));
	free(r);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	api_json(c, 201, json_pack("{s:o}", "screening", o));
}

static void screenings_list(api_call *c)
{
	int64_t limit, offset, page, per_page, year, total = 0;
	const char *area;
	if (!api_page(c, &limit, &offset, &page, &per_page) || !mon_query_area(c, &area) ||
	    !mon_query_int(c, "year", ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX, 0, &year))
		return;
	zx_scope sc = c->actor->scope;
	if (*area) {
		zx_errinfo ei;
		zx_errinfo_clear(&ei);
		zx_err e = zx_mon_area_check(c->conn, c->actor, area, true, NULL, &ei);
		if (e) {
			api_error(c, e, &ei);
			return;
		}
		zx_scope_of_area(area, &sc);
	}
	zx_err e = zx_query_int(c->conn, &sc, ZXQ_screening_count, ZX_ARGS(ZX_INT(year)), &total);
	zx_stmt *s = NULL;
	if (!e)
		e = zx_query_open(c->conn, &sc, ZXQ_screening_list,
		                  ZX_ARGS(ZX_INT(year), ZX_INT(limit), ZX_INT(offset)), &s);
	json_t *items = json_array();
	bool row;
	while (!e && !(e = zx_stmt_next(s, &row)) && row)
		json_array_append_new(items, screening_json(s));
	zx_stmt_done(s);
	if (e) {
		json_decref(items);
		api_error(c, e, NULL);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
	                   (json_int_t)page, "per_page", (json_int_t)per_page));
}

static json_t *split(const char *text, char sep)
{
	json_t *a = json_array();
	const char *p = text;
	while (*p) {
		const char *q = strchr(p, sep);
		size_t n = q ? (size_t)(q - p) : strlen(p);
		json_array_append_new(a, json_stringn(p, n));
		p += n + (q ? 1 : 0);
	}
	return a;
}

typedef struct year_events {
	json_t *items;
	int year;
} year_events;

static bool add_year_event(void *ctx, const zx_event *ev)
{
	year_events *ye = ctx;
	if (ev->ymd / 10000 == ye->year)
		json_array_append_new(ye->items,
		                      json_pack("{s:s,s:o}", "type", ev->type, "date", mon_date(ev->ymd)));
	return true;
}

/* A rule filter by id: its bit, or 0 after a 400 reply. */
static bool rule_filter(api_call *c, int64_t *bit)
{
	const char *id;
	*bit = 0;
	if (!api_query_str(c, "rule", 40, &id))
		return false;
	if (!*id)
		return true;
	zx_screen_rule rules[ZX_SCREEN_MAX_RULES];
	int n = 0;
	zx_err e = zx_screen_rules(c->conn, rules, ZX_SCREEN_MAX_RULES, &n);
	for (int i = 0; !e && i < n; i++)
		if (strcmp(rules[i].id, id) == 0)
			*bit = rules[i].bit;
	if (*bit)
		return true;
	api_error_msg(c, ZX_EINVAL, "invalid_parameter", "rule", "未知的排查规则: %s", id);
	return false;
}

static void screening_get(api_call *c)
{
	int64_t id, limit, offset, page, per_page, missing, bit, total = 0;
	if (!mon_path_id(c, "id", &id) || !api_page(c, &limit, &offset, &page, &per_page) ||
	    !mon_query_int(c, "missing", 0, 1, 0, &missing) || !rule_filter(c, &bit))
		return;
	json_t *scr = NULL;
	zx_err e = load_screening(c, id, &scr);
	if (e == ZX_ENOTFOUND) {
		api_error_msg(c, e, "not_found", NULL, "排查结果不存在或不在您的管理范围内");
		return;
	}
	const zx_scope *sc = &c->actor->scope;
	if (!e)
		e = zx_query_int(c->conn, sc, ZXQ_screening_candidates_count,
		                 ZX_ARGS(ZX_INT(id), ZX_INT(missing), ZX_INT(bit)), &total);
	zx_stmt *s = NULL;
	if (!e)
		e = zx_query_open(
		    c->conn, sc, ZXQ_screening_candidates_page,
		    ZX_ARGS(ZX_INT(id), ZX_INT(missing), ZX_INT(bit), ZX_INT(limit), ZX_INT(offset)), &s);
	json_t *items = json_array();
	bool row;
	while (!e && !(e = zx_stmt_next(s, &row)) && row) {
		json_t *it =
		    json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "household", zx_col_text(s, 0), "area_code",
		              zx_col_text(s, 1), "village", zx_col_text(s, 2), "group", zx_col_text(s, 3),
		              "head_name", zx_col_text(s, 4), "rules", split(zx_col_text(s, 6), ','),
		              "reasons", split(zx_col_text(s, 7), '\n'));
		int64_t case_id = zx_col_int(s, 8);
		json_object_set_new(it, "case_id", case_id ? json_integer(case_id) : json_null());
		/* Sudden events of the screening year, shown with the candidate. */
		zx_mon_household hh = {.id = zx_col_int(s, 9)};
		year_events ye = {json_array(), (int)json_integer_value(json_object_get(scr, "year"))};
		if (!e)
			e = zx_event_list(c->conn, c->actor, &hh, add_year_event, &ye);
		json_object_set_new(it, "events", ye.items);
		json_array_append_new(items, it);
	}
	zx_stmt_done(s);
	if (e) {
		json_decref(scr);
		json_decref(items);
		api_error(c, e, NULL);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:o,s:o,s:I,s:I,s:I}", "screening", scr, "items", items, "total",
	                   (json_int_t)total, "page", (json_int_t)page, "per_page", (json_int_t)per_page));
}

const api_route api_screening_routes[] = {
    {"GET", "/api/v1/screening-rules", rules_list, 0},
    {"POST", "/api/v1/screenings", screening_create, API_JSON | API_PERSONAL},
    {"GET", "/api/v1/screenings", screenings_list, 0},
    {"GET", "/api/v1/screenings/{id}", screening_get, API_PERSONAL},
    {NULL, NULL, NULL, 0},
};
