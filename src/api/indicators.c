/*
 * indicators.c — 指标与目标 and 晾晒/红黑榜 over HTTP.
 *
 *   GET    /api/v1/indicators?area=&year=&period=&as_of=       every indicator with target,
 *                                                               actual and completion
 *   POST   /api/v1/indicators                                  define or update (县级管理员)
 *   PUT    /api/v1/indicators/{key}/targets                    {area, year, period, target | share}
 *   DELETE /api/v1/indicators/{key}/targets?area=&year=&period=
 *   GET    /api/v1/rankings?area=&year=&period=&as_of=&top=    the live league table
 *   POST   /api/v1/rankings                                    publish {area, year, period, as_of,
 *                                                               top, title}
 *   GET    /api/v1/rankings/snapshots?area=&page=&per_page=    published history, newest first
 *   GET    /api/v1/rankings/snapshots/{id}                     one snapshot
 *   GET    /api/v1/rankings/snapshots/{id}/export?format=xlsx|md|docx (通报 in 公文 format)
 *
 * Values travel as exact decimal strings in the indicator's unit ("403.62"); completion as
 * a percentage string with two decimals ("105.42") plus the unrounded ratio for bars.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/assistance_api.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/indicator/ranking.h"

static json_t *value_json(const char *unit, bool has, int64_t v)
{
	if (!has)
		return json_null();
	char s[48];
	zx_ind_value_format(unit, v, s, sizeof(s));
	return json_string(s);
}

static json_t *pct_json(bool has, double ratio)
{
	if (!has)
		return json_null();
	char s[32];
	zx_ind_pct_format(ratio, s, sizeof(s));
	return json_string(s);
}

static json_t *indicator_json(const zx_indicator *d)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:b,s:b}", "key", d->key, "name", d->name,
	                 "unit", d->unit, "source", d->source, "ledger_kind", d->ledger_kind, "agg", d->agg,
	                 "filter_field", d->filter_field, "filter_value", d->filter_value, "figure",
	                 d->figure, "weight", d->weight, "higher_better", d->higher_better, "builtin",
	                 d->builtin);
}

static bool add_status(void *ctx, const zx_ind_status *s)
{
	json_t *o = indicator_json(s->ind);
	json_object_set_new(o, "target", value_json(s->ind->unit, s->has_target, s->target));
	json_object_set_new(o, "share_pct", value_json("%", s->share_bp > 0, s->share_bp));
	json_object_set_new(o, "actual", value_json(s->ind->unit, s->has_actual, s->actual));
	json_object_set_new(o, "completion_pct", pct_json(s->has_completion, s->completion));
	json_object_set_new(o, "completion", s->has_completion ? json_real(s->completion) : json_null());
	json_array_append_new(ctx, o);
	return true;
}

static int this_year(void)
{
	return zx_asst_ymd_of_days((zx_now() + 8 * 3600) / 86400) / 10000;
}

/* area, year, period and as_of of the query string; the period cut at as_of. */
static bool period_query(api_call *c, const char **area, zx_period *p)
{
	int64_t year;
	const char *period, *as_of;
	if (!api_query_str(c, "area", 12, area) ||
	    !asst_query_int(c, "year", 2000, 2100, this_year(), &year) ||
	    !api_query_str(c, "period", 10, &period) || !api_query_str(c, "as_of", 10, &as_of))
		return false;
	if (!zx_period_parse((int)year, period, p)) {
		api_error_msg(c, ZX_EINVAL, "invalid_period", "period",
		              "考核期应为 Y、H1、H2、Q1–Q4、M01–M12 或 %d 年内的日期", (int)year);
		return false;
	}
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_period_cut(p, as_of, &ei);
	if (e)
		asst_fail(c, e, &ei);
	return !e;
}

static json_t *period_json(const zx_period *p)
{
	return json_pack("{s:i,s:s,s:s,s:s,s:s}", "year", p->year, "code", p->code, "label", p->label,
	                 "start", p->start, "end", p->end);
}

static void indicators_list(api_call *c)
{
	const char *area;
	zx_period p;
	if (!period_query(c, &area, &p))
		return;
	json_t *items = json_array();
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_indicator_status(c->conn, c->actor, area, &p, add_status, items, &ei);
	if (e) {
		json_decref(items);
		asst_fail(c, e, &ei);
		return;
	}
	zx_role r = c->actor->role;
	api_json(c, 200,
	         json_pack("{s:s,s:o,s:o,s:b,s:b}", "area", *area ? area : c->actor->area_code, "period",
	                   period_json(&p), "items", items, "may_set_targets",
	                   r == ZX_ROLE_COUNTY_ADMIN || r == ZX_ROLE_TOWN_ADMIN, "may_define",
	                   r == ZX_ROLE_COUNTY_ADMIN));
}

static bool copy_str(api_call *c, const char *key, char *out, size_t outsz)
{
	const char *v;
	if (!api_body_str(c, key, outsz - 1, false, &v))
		return false;
	snprintf(out, outsz, "%s", v ? v : "");
	return true;
}

static void indicators_define(api_call *c)
{
	zx_indicator d = {.weight = 10, .higher_better = true};
	int64_t weight;
	int higher;
	if (!copy_str(c, "key", d.key, sizeof(d.key)) || !copy_str(c, "name", d.name, sizeof(d.name)) ||
	    !copy_str(c, "unit", d.unit, sizeof(d.unit)) ||
	    !copy_str(c, "source", d.source, sizeof(d.source)) ||
	    !copy_str(c, "ledger_kind", d.ledger_kind, sizeof(d.ledger_kind)) ||
	    !copy_str(c, "agg", d.agg, sizeof(d.agg)) ||
	    !copy_str(c, "filter_field", d.filter_field, sizeof(d.filter_field)) ||
	    !copy_str(c, "filter_value", d.filter_value, sizeof(d.filter_value)) ||
	    !copy_str(c, "figure", d.figure, sizeof(d.figure)) ||
	    !asst_body_int(c, "weight", 0, 100, 10, &weight) || !api_body_bool(c, "higher_better", &higher))
		return;
	d.weight = (int)weight;
	d.higher_better = higher != 0;
	bool created = false;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_indicator_define(c->conn, c->actor, &d, &created, &ei);
	if (!e)
		e = zx_indicator_find(c->conn, d.key, &d, &ei);
	if (e) {
		asst_fail(c, e, &ei);
		return;
	}
	api_json(c, created ? 201 : 200, json_pack("{s:o}", "indicator", indicator_json(&d)));
}

typedef struct one_status {
	const char *key;
	json_t *arr;
} one_status;

static bool add_one(void *ctx, const zx_ind_status *s)
{
	one_status *k = ctx;
	if (strcmp(s->ind->key, k->key) == 0)
		add_status(k->arr, s);
	return true;
}

static void target_put(api_call *c)
{
	zx_target_input in = {.key = zx_req_param(c->req, "key")};
	int64_t year;
	if (!api_body_str(c, "area", 12, false, &in.area) ||
	    !asst_body_int(c, "year", 2000, 2100, this_year(), &year) ||
	    !api_body_str(c, "period", 10, false, &in.period) ||
	    !api_body_str(c, "target", 24, false, &in.value) ||
	    !api_body_str(c, "share", 12, false, &in.share))
		return;
	in.year = (int)year;
	if (!in.area)
		in.area = "";
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_target_set(c->conn, c->actor, &in, &ei);
	if (e) {
		asst_fail(c, e, &ei);
		return;
	}
	zx_period p;
	zx_period_parse(in.year, in.period, &p);
	one_status k = {.key = in.key, .arr = json_array()};
	e = zx_indicator_status(c->conn, c->actor, in.area, &p, add_one, &k, &ei);
	if (e || json_array_size(k.arr) != 1) {
		json_decref(k.arr);
		asst_fail(c, e ? e : ZX_EINTERNAL, &ei);
		return;
	}
	json_t *item = json_incref(json_array_get(k.arr, 0));
	json_decref(k.arr);
	api_json(c, 200, json_pack("{s:o,s:o}", "period", period_json(&p), "item", item));
}

static void target_delete(api_call *c)
{
	zx_target_input in = {.key = zx_req_param(c->req, "key")};
	int64_t year;
	if (!api_query_str(c, "area", 12, &in.area) ||
	    !asst_query_int(c, "year", 2000, 2100, this_year(), &year) ||
	    !api_query_str(c, "period", 10, &in.period))
		return;
	in.year = (int)year;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_target_delete(c->conn, c->actor, &in, &ei);
	if (e) {
		asst_fail(c, e, &ei);
		return;
	}
	api_json(c, 200, json_pack("{s:b}", "deleted", 1));
}

/* ---- rankings ---------------------------------------------------------------------------- */

static json_t *ranking_json(const zx_ranking *r, bool rows)
{
	json_t *o = json_pack("{s:s,s:s,s:o,s:s,s:s,s:i,s:s,s:i}", "area_code", r->area_code, "area_name",
	                      r->area_name, "period", period_json(&r->period), "as_of", r->as_of, "title",
	                      r->title, "top", r->top_n, "created_by", r->created_by, "areas", r->nrows);
	json_object_set_new(o, "id", r->id ? json_integer(r->id) : json_null());
	json_object_set_new(o, "created_at", api_time(r->created_at));
	if (!rows)
		return o;
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++) {
		const zx_rank_row *w = &r->rows[i];
		json_t *det = json_array();
		for (int j = 0; j < w->n; j++) {
			const zx_rank_detail *d = &w->det[j];
			json_t *x = json_pack("{s:s,s:s,s:s,s:i}", "key", d->key, "name", d->name, "unit",
			                      d->unit, "weight", d->weight);
			json_object_set_new(x, "target", value_json(d->unit, true, d->target));
			json_object_set_new(x, "actual", value_json(d->unit, true, d->actual));
			json_object_set_new(x, "completion_pct", pct_json(true, d->completion));
			json_object_set_new(x, "score_pct", pct_json(true, d->score));
			json_array_append_new(det, x);
		}
		json_t *row =
		    json_pack("{s:s,s:s,s:i,s:s,s:o}", "area_code", w->area_code, "area_name", w->area_name,
		              "position", w->position, "board", w->board, "indicators", det);
		json_object_set_new(row, "rank", w->rank ? json_integer(w->rank) : json_null());
		json_object_set_new(row, "score_pct", pct_json(w->has_score, w->score));
		json_object_set_new(row, "score", w->has_score ? json_real(w->score) : json_null());
		json_array_append_new(arr, row);
	}
	json_object_set_new(o, "rows", arr);
	return o;
}

static void rankings_get(api_call *c)
{
	zx_ranking_input in = {0};
	int64_t year, top;
	if (!api_query_str(c, "area", 12, &in.area) ||
	    !asst_query_int(c, "year", 2000, 2100, this_year(), &year) ||
	    !api_query_str(c, "period", 10, &in.period) || !api_query_str(c, "as_of", 10, &in.as_of) ||
	    !asst_query_int(c, "top", 1, ZX_RANK_TOP_MAX, 3, &top))
		return;
	in.year = (int)year;
	in.top_n = (int)top;
	zx_ranking r;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_ranking_compute(c->conn, c->actor, &in, &r, &ei);
	if (e) {
		asst_fail(c, e, &ei);
		return;
	}
	zx_role role = c->actor->role;
	json_t *o = ranking_json(&r, true);
	json_object_set_new(o, "may_publish",
	                    json_boolean(role == ZX_ROLE_COUNTY_ADMIN || role == ZX_ROLE_TOWN_ADMIN));
	zx_ranking_free(&r);
	api_json(c, 200, json_pack("{s:o}", "ranking", o));
}

static void reply_snapshot(api_call *c, int status, int64_t id)
{
	zx_ranking r;
	zx_err e = zx_ranking_get(c->conn, c->actor, id, &r);
	if (e) {
		api_error(c, e, NULL);
		return;
	}
	json_t *o = ranking_json(&r, true);
	zx_ranking_free(&r);
	api_json(c, status, json_pack("{s:o}", "ranking", o));
}

static void rankings_publish(api_call *c)
{
	zx_ranking_input in = {0};
	int64_t year, top;
	if (!api_body_str(c, "area", 12, false, &in.area) ||
	    !asst_body_int(c, "year", 2000, 2100, this_year(), &year) ||
	    !api_body_str(c, "period", 10, false, &in.period) ||
	    !api_body_str(c, "as_of", 10, false, &in.as_of) ||
	    !asst_body_int(c, "top", 1, ZX_RANK_TOP_MAX, 3, &top) ||
	    !api_body_str(c, "title", ZX_RANK_TITLE_MAX, false, &in.title))
		return;
	in.year = (int)year;
	in.top_n = (int)top;
	int64_t id = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_ranking_publish(c->conn, c->actor, &in, &id, &ei);
	if (e) {
		asst_fail(c, e, &ei);
		return;
	}
	reply_snapshot(c, 201, id);
}

static bool add_snapshot(void *ctx, const zx_ranking *r)
{
	json_array_append_new(ctx, ranking_json(r, false));
	return true;
}

static void snapshots_list(api_call *c)
{
	int64_t limit, offset, page, per_page, total = 0;
	const char *area;
	if (!api_page(c, &limit, &offset, &page, &per_page) || !api_query_str(c, "area", 12, &area))
		return;
	json_t *items = json_array();
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_ranking_list(c->conn, c->actor, area, limit, offset, add_snapshot, items, &total, &ei);
	if (e) {
		json_decref(items);
		asst_fail(c, e, &ei);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
	                   (json_int_t)page, "per_page", (json_int_t)per_page));
}

static void snapshot_get(api_call *c)
{
	int64_t id;
	if (asst_path_id(c, "id", "晾晒记录", &id))
		reply_snapshot(c, 200, id);
}

static void snapshot_export(api_call *c)
{
	int64_t id;
	const char *format;
	if (!asst_path_id(c, "id", "晾晒记录", &id) || !api_query_str(c, "format", 8, &format))
		return;
	bool xlsx = !*format || strcmp(format, "xlsx") == 0, md = strcmp(format, "md") == 0,
	     docx = strcmp(format, "docx") == 0;
	if (!xlsx && !md && !docx) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "format", "导出格式应为 xlsx、md 或 docx");
		return;
	}
	zx_ranking r;
	zx_err e = zx_ranking_get(c->conn, c->actor, id, &r);
	if (e) {
		api_error(c, e, NULL);
		return;
	}
	char path[600];
	snprintf(path, sizeof(path), "%s/ranking-XXXXXX", c->app->data_dir[0] ? c->app->data_dir : "/tmp");
	int tmp = mkstemp(path);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	if (tmp < 0) {
		zx_error("rankings: cannot create an export file: %s", strerror(errno));
		e = ZX_EIO;
	} else {
		close(tmp);
		e = xlsx ? zx_ranking_export_xlsx(&r, path, &ei)
		    : md ? zx_ranking_export_markdown(&r, path, &ei)
		         : zx_ranking_export_docx(&r, path, &ei);
	}
	zx_ranking_free(&r);
	int fd = e ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (tmp >= 0)
		unlink(path);
	if (!e && (fd < 0 || fstat(fd, &sb) != 0))
		e = ZX_EIO;
	if (e) {
		if (fd >= 0)
			close(fd);
		asst_fail(c, e, &ei);
		return;
	}
	const char *ext = xlsx ? "xlsx" : md ? "md" : "docx";
	c->resp->status = 200;
	c->resp->content_type =
	    xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	    : md ? "text/markdown; charset=utf-8"
	         : "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
	c->resp->fd = fd;
	c->resp->fd_len = (size_t)sb.st_size;
	/* 晾晒 percent-encoded for filename*. */
	const char *disp = zx_arena_printf(c->req->arena,
	                                   "attachment; filename=\"ranking-%lld.%s\"; filename*=UTF-8''"
	                                   "%%E6%%99%%BE%%E6%%99%%92-%lld.%s",
	                                   (long long)id, ext, (long long)id, ext);
	if (disp)
		zx_resp_header(c->resp, c->req, "Content-Disposition", disp);
}

const api_route api_indicator_routes[] = {
    {"GET", "/api/v1/indicators", indicators_list, API_PERSONAL},
    {"POST", "/api/v1/indicators", indicators_define, API_PERSONAL | API_JSON},
    {"PUT", "/api/v1/indicators/{key}/targets", target_put, API_PERSONAL | API_JSON},
    {"DELETE", "/api/v1/indicators/{key}/targets", target_delete, API_PERSONAL},
    {"GET", "/api/v1/rankings", rankings_get, API_PERSONAL},
    {"POST", "/api/v1/rankings", rankings_publish, API_PERSONAL | API_JSON},
    {"GET", "/api/v1/rankings/snapshots", snapshots_list, API_PERSONAL},
    {"GET", "/api/v1/rankings/snapshots/{id}", snapshot_get, API_PERSONAL},
    {"GET", "/api/v1/rankings/snapshots/{id}/export", snapshot_export, API_PERSONAL},
    {NULL, NULL, NULL, 0},
};
