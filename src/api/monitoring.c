/*
 * monitoring.c — the overview of 防返贫动态监测 (counts, 监测户 lists), the printable
 * 公示 of a village, department warnings and their import batches; and the helpers the
 * monitoring API files share (monitoring_api.h).
 *
 * Invariant: the 公示 answer is built only from zx_notice_item, which holds name, 组,
 * category and reason — never an ID number, phone or health detail (targets R7).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/monitoring_api.h"
#include "base/clock.h"
#include "domain/monitoring/money.h"
#include "domain/monitoring/monitoring.h"
#include "domain/monitoring/overview.h"
#include "domain/monitoring/workflow.h"

/* --- helpers ------------------------------------------------------------------------------------ */

json_t *mon_money(int64_t fen)
{
	char buf[32];
	zx_money_exact(fen, buf, sizeof(buf));
	return json_string(buf);
}

json_t *mon_date(int ymd)
{
	if (ymd <= 0)
		return json_null();
	char buf[16];
	zx_mon_format_date(ymd, buf, sizeof(buf));
	return json_string(buf);
}

bool mon_body_money(api_call *c, const char *key, bool required, int64_t *fen)
{
	json_t *v = c->body ? json_object_get(c->body, key) : NULL;
	*fen = -1;
	if (!v || json_is_null(v)) {
		if (required)
			api_error_msg(c, ZX_EINVAL, "missing_field", key, "缺少必填字段: %s", key);
		return !required;
	}
	zx_money_status st = ZX_MONEY_BAD;
	if (json_is_string(v)) {
		st = json_string_length(v) > 32 ? ZX_MONEY_BAD
		                                : zx_money_parse(json_string_value(v), true, fen);
	} else if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		st = i > ZX_MONEY_MAX_FEN / 100 || i < -ZX_MONEY_MAX_FEN / 100 ? ZX_MONEY_TOO_LARGE
		                                                               : ZX_MONEY_OK;
		*fen = (int64_t)i * 100;
	} else if (json_is_real(v)) {
		/* A JSON number: accepted only when it is a whole number of 分 (up to float noise). */
		double d = json_real_value(v) * 100.0;
		if (!isfinite(d) || fabs(d) > (double)ZX_MONEY_MAX_FEN)
			st = ZX_MONEY_TOO_LARGE;
		else if (fabs(d - llround(d)) > 1e-6)
			st = ZX_MONEY_DECIMALS;
		else {
			st = ZX_MONEY_OK;
			*fen = (int64_t)llround(d);
		}
	}
	if (st == ZX_MONEY_OK)
		return true;
	api_error_msg(c, ZX_EINVAL, "invalid_amount", key, "字段 %s：%s", key, zx_money_status_message(st));
	return false;
}

bool mon_body_int(api_call *c, const char *key, bool required, int64_t lo, int64_t hi, int64_t dflt,
                  int64_t *out)
{
	json_t *v = c->body ? json_object_get(c->body, key) : NULL;
	*out = dflt;
	if (!v || json_is_null(v)) {
		if (required)
			api_error_msg(c, ZX_EINVAL, "missing_field", key, "缺少必填字段: %s", key);
		return !required;
	}
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		api_error_msg(c, ZX_EINVAL, "invalid_field", key, "字段 %s 应为 %lld 到 %lld 之间的整数", key,
		              (long long)lo, (long long)hi);
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

static bool parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	if (!s || !*s || strlen(s) > 18)
		return false;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

bool mon_query_int(api_call *c, const char *key, int64_t lo, int64_t hi, int64_t dflt, int64_t *out)
{
	const char *v = zx_req_query(c->req, key);
	*out = dflt;
	if (!v || !*v)
		return true;
	if (parse_i64(v, lo, hi, out))
		return true;
	api_error_msg(c, ZX_EINVAL, "invalid_parameter", key, "参数 %s 应为 %lld 到 %lld 之间的整数", key,
	              (long long)lo, (long long)hi);
	return false;
}

bool mon_path_id(api_call *c, const char *name, int64_t *out)
{
	if (parse_i64(zx_req_param(c->req, name), 1, INT64_MAX / 2, out))
		return true;
	api_error_msg(c, ZX_ENOTFOUND, "not_found", NULL, "对象不存在或不在您的管理范围内");
	return false;
}

bool mon_query_area(api_call *c, const char **out)
{
	if (!api_query_str(c, "area", 12, out))
		return false;
	if (!**out)
		*out = c->actor->area_code;
	return true;
}

json_t *mon_policy_json(const zx_policy *p)
{
	char factor[16];
	zx_decimal_format(p->warning_factor, 3, factor, sizeof(factor));
	return json_pack("{s:I,s:s,s:s,s:i,s:i,s:o,s:s,s:o,s:I,s:o,s:I,s:s,s:I}", "id", (json_int_t)p->id,
	                 "area_code", p->area_code, "area_name", p->area_name, "year", p->year, "version",
	                 p->version, "income_line", mon_money(p->income_line), "warning_factor", factor,
	                 "warning_line", mon_money(zx_div_round(p->income_line * p->warning_factor, 1000)),
	                 "drop_percent", (json_int_t)p->drop_percent, "medical_selfpay",
	                 mon_money(p->medical_selfpay), "medical_selfpay_ratio",
	                 (json_int_t)p->medical_selfpay_ratio, "created_by", p->created_by, "created_at",
	                 (json_int_t)p->created_at);
}

static int cmp_codes(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* --- overview ------------------------------------------------------------------------------------ */

static void summary_get(api_call *c)
{
	const char *area;
	int64_t year;
	if (!mon_query_area(c, &area) ||
	    !mon_query_int(c, "year", ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX, 0, &year))
		return;
	if (!year)
		year = zx_today_ymd() / 10000 - 1; /* the survey year usually closes after new year */
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_mon_summary s;
	zx_err e = zx_mon_summary_get(c->conn, c->actor, area, (int)year, &s, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	json_t *cats = json_array(), *cases = json_object();
	for (int i = 0; i < s.ncategories; i++)
		json_array_append_new(cats, json_pack("{s:s,s:I,s:I}", "category", s.categories[i].category,
		                                      "households", (json_int_t)s.categories[i].households,
		                                      "persons", (json_int_t)s.categories[i].persons));
	for (int i = 0; i < ZX_CASE__COUNT; i++)
		json_object_set_new(cases, zx_case_state_key((zx_case_state)i), json_integer(s.cases[i]));
	api_json(c, 200,
	         json_pack("{s:s,s:s,s:i,s:{s:I,s:I,s:o},s:{s:o,s:I,s:I},s:{s:I,s:I}}", "area", s.area,
	                   "area_name", s.area_name, "year", s.year, "monitored", "households",
	                   (json_int_t)s.monitored_households, "persons", (json_int_t)s.monitored_persons,
	                   "by_category", cats, "cases", "by_state", cases, "open", (json_int_t)s.open_cases,
	                   "overdue", (json_int_t)s.overdue_cases, "income_survey", "households",
	                   (json_int_t)s.households, "surveyed", (json_int_t)s.surveyed));
}

static bool add_monitored(void *ctx, const zx_mon_row *r)
{
	json_array_append_new(ctx, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "household",
	                                     r->hh_no, "area_code", r->area_code, "village", r->village,
	                                     "group", r->grp, "head_name", r->head_name, "hh_type",
	                                     r->hh_type, "category", r->category, "risk_type", r->risk_type,
	                                     "helper", r->helper, "size", (json_int_t)r->size));
	return true;
}

static void monitored_list(api_call *c)
{
	int64_t limit, offset, page, per_page, total = 0;
	const char *area, *category;
	if (!api_page(c, &limit, &offset, &page, &per_page) || !mon_query_area(c, &area) ||
	    !api_query_str(c, "category", 32, &category))
		return;
	json_t *items = json_array();
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_mon_monitored_list(c->conn, c->actor, area, category, limit, offset, add_monitored,
	                                 items, &total, &ei);
	if (e) {
		json_decref(items);
		api_error(c, e, &ei);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
	                   (json_int_t)page, "per_page", (json_int_t)per_page));
}

static bool list_scope(api_call *c, zx_scope *sc);

/* Per village: 监测户 by category (households, persons) and open/overdue cases. */
static json_t *village_entry(json_t *byvillage, const char *code, const char *name)
{
	json_t *v = json_object_get(byvillage, code);
	if (!v) {
		v = json_pack("{s:s,s:s,s:{},s:I,s:I,s:I,s:I}", "area_code", code, "name", name, "categories",
		              "households", (json_int_t)0, "persons", (json_int_t)0, "open_cases",
		              (json_int_t)0, "overdue_cases", (json_int_t)0);
		json_object_set_new(byvillage, code, v);
	}
	return v;
}

static void add_to(json_t *o, const char *key, int64_t n)
{
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + n));
}

static void villages_get(api_call *c)
{
	zx_scope sc;
	if (!list_scope(c, &sc))
		return;
	json_t *byvillage = json_object(); /* code -> entry, then listed in code order */
	zx_stmt *s = NULL;
	bool row;
	zx_err e = zx_query_open(c->conn, &sc, ZXQ_mon_count_by_village, ZX_NOARGS, &s);
	while (!e && !(e = zx_stmt_next(s, &row)) && row) {
		json_t *v = village_entry(byvillage, zx_col_text(s, 0), zx_col_text(s, 1));
		json_object_set_new(json_object_get(v, "categories"), zx_col_text(s, 2),
		                    json_integer(zx_col_int(s, 3)));
		add_to(v, "households", zx_col_int(s, 3));
		add_to(v, "persons", zx_col_int(s, 4));
	}
	zx_stmt_done(s);
	s = NULL;
	if (!e)
		e = zx_query_open(c->conn, &sc, ZXQ_case_count_by_village, ZX_ARGS(ZX_INT(zx_now())), &s);
	while (!e && !(e = zx_stmt_next(s, &row)) && row) {
		json_t *v = village_entry(byvillage, zx_col_text(s, 0), zx_col_text(s, 1));
		add_to(v, "open_cases", zx_col_int(s, 2));
		add_to(v, "overdue_cases", zx_col_int(s, 3));
	}
	zx_stmt_done(s);
	if (e) {
		json_decref(byvillage);
		api_error(c, e, NULL);
		return;
	}
	/* jansson keeps insertion order; sort the villages by code for a stable list. */
	size_t n = json_object_size(byvillage), k = 0;
	const char **codes = calloc(n ? n : 1, sizeof(*codes));
	const char *key;
	json_t *val;
	json_object_foreach(byvillage, key, val) codes[k++] = key;
	qsort(codes, n, sizeof(*codes), cmp_codes);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append(items, json_object_get(byvillage, codes[i]));
	free(codes);
	json_decref(byvillage);
	api_json(c, 200, json_pack("{s:o}", "items", items));
}

/* --- 公示 -------------------------------------------------------------------------------------------- */

static bool add_notice(void *ctx, const zx_notice_item *it)
{
	json_array_append_new(ctx, json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "name", it->name, "group", it->grp,
	                                     "category", it->category, "reason", it->reason, "notice_from",
	                                     mon_date(zx_ymd_of(it->notice_at)), "notice_until",
	                                     mon_date(zx_ymd_of(it->notice_at + ZX_NOTICE_DAYS * 86400))));
	return true;
}

static void village_notice(api_call *c)
{
	const char *code = zx_req_param(c->req, "code");
	char name[128] = "";
	json_t *items = json_array();
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_notice_list(c->conn, c->actor, code, name, sizeof(name), add_notice, items, &ei);
	if (e) {
		json_decref(items);
		api_error(c, e, &ei);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:{s:s,s:s},s:i,s:o,s:o}", "village", "code", code, "name", name, "notice_days",
	                   ZX_NOTICE_DAYS, "date", mon_date(zx_today_ymd()), "items", items));
}

/* --- department warnings -------------------------------------------------------------------------- */

static bool list_scope(api_call *c, zx_scope *sc)
{
	const char *area;
	if (!mon_query_area(c, &area))
		return false;
	*sc = c->actor->scope;
	if (!*area)
		return true;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_mon_area_check(c->conn, c->actor, area, true, NULL, &ei);
	if (e) {
		api_error(c, e, &ei);
		return false;
	}
	zx_scope_of_area(area, sc);
	return true;
}

static void warnings_list(api_call *c)
{
	int64_t limit, offset, page, per_page, year, total = 0;
	const char *dept;
	zx_scope sc;
	if (!api_page(c, &limit, &offset, &page, &per_page) || !list_scope(c, &sc) ||
	    !mon_query_int(c, "year", ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX, 0, &year) ||
	    !api_query_str(c, "dept", 32, &dept))
		return;
	int64_t from = year ? year * 10000 + 101 : 0, to = year ? year * 10000 + 1231 : 99999999;
	zx_err e = zx_query_int(c->conn, &sc, ZXQ_warning_count,
	                        ZX_ARGS(ZX_INT(from), ZX_INT(to), ZX_TEXT(dept)), &total);
	zx_stmt *s = NULL;
	if (!e)
		e = zx_query_open(
		    c->conn, &sc, ZXQ_warning_list,
		    ZX_ARGS(ZX_INT(from), ZX_INT(to), ZX_TEXT(dept), ZX_INT(limit), ZX_INT(offset)), &s);
	json_t *items = json_array();
	bool row;
	while (!e && !(e = zx_stmt_next(s, &row)) && row)
		json_array_append_new(
		    items, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:I}", "id",
		                     (json_int_t)zx_col_int(s, 0), "household", zx_col_text(s, 1), "name",
		                     zx_col_text(s, 2), "id_masked", zx_col_text(s, 3), "dept",
		                     zx_col_text(s, 4), "type", zx_col_text(s, 5), "amount",
		                     zx_col_null(s, 6) ? json_null() : mon_money(zx_col_int(s, 6)), "date",
		                     mon_date((int)zx_col_int(s, 7)), "note", zx_col_text(s, 8), "area_code",
		                     zx_col_text(s, 9), "batch_id", (json_int_t)zx_col_int(s, 10)));
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

static void batches_list(api_call *c)
{
	int64_t limit, offset, page, per_page, total = 0;
	zx_scope sc;
	if (!api_page(c, &limit, &offset, &page, &per_page) || !list_scope(c, &sc))
		return;
	zx_err e = zx_query_int(c->conn, &sc, ZXQ_warning_batch_count, ZX_NOARGS, &total);
	zx_stmt *s = NULL;
	if (!e)
		e = zx_query_open(c->conn, &sc, ZXQ_warning_batch_list,
		                  ZX_ARGS(ZX_INT(limit), ZX_INT(offset)), &s);
	json_t *items = json_array();
	bool row;
	while (!e && !(e = zx_stmt_next(s, &row)) && row)
		json_array_append_new(
		    items,
		    json_pack("{s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:s,s:I}", "id", (json_int_t)zx_col_int(s, 0),
		              "area_code", zx_col_text(s, 1), "file_name", zx_col_text(s, 2), "rows",
		              (json_int_t)zx_col_int(s, 3), "matched", (json_int_t)zx_col_int(s, 4),
		              "duplicates", (json_int_t)zx_col_int(s, 5), "unmatched",
		              (json_int_t)zx_col_int(s, 6), "created_by", zx_col_text(s, 7), "created_at",
		              (json_int_t)zx_col_int(s, 8)));
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

static void batch_unmatched(api_call *c)
{
	int64_t id, limit, offset, page, per_page;
	if (!mon_path_id(c, "id", &id) || !api_page(c, &limit, &offset, &page, &per_page))
		return;
	zx_stmt *s = NULL;
	zx_err e = zx_query_open(c->conn, &c->actor->scope, ZXQ_warning_unmatched_list,
	                         ZX_ARGS(ZX_INT(id), ZX_INT(limit), ZX_INT(offset)), &s);
	json_t *items = json_array();
	bool row;
	while (!e && !(e = zx_stmt_next(s, &row)) && row)
		json_array_append_new(
		    items,
		    json_pack("{s:I,s:s,s:s,s:s,s:o,s:o}", "row", (json_int_t)zx_col_int(s, 0), "id_masked",
		              zx_col_text(s, 1), "dept", zx_col_text(s, 2), "type", zx_col_text(s, 3),
		              "amount", zx_col_null(s, 4) ? json_null() : mon_money(zx_col_int(s, 4)), "date",
		              mon_date((int)zx_col_int(s, 5))));
	zx_stmt_done(s);
	if (e) {
		json_decref(items);
		api_error(c, e, NULL);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:o,s:I,s:I}", "items", items, "page", (json_int_t)page, "per_page",
	                   (json_int_t)per_page));
}

const api_route api_monitoring_routes[] = {
    {"GET", "/api/v1/monitoring/summary", summary_get, 0},
    {"GET", "/api/v1/monitoring/households", monitored_list, API_PERSONAL},
    {"GET", "/api/v1/monitoring/villages", villages_get, 0},
    {"GET", "/api/v1/villages/{code}/notice", village_notice, API_PERSONAL},
    {"GET", "/api/v1/warnings", warnings_list, API_PERSONAL},
    {"GET", "/api/v1/warning-batches", batches_list, 0},
    {"GET", "/api/v1/warning-batches/{id}/unmatched", batch_unmatched, API_PERSONAL},
    {NULL, NULL, NULL, 0},
};
