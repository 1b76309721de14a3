/*
 * income.c — a household's income survey and sudden events:
 *   GET/PUT /api/v1/households/{hh_no}/income/{year}  the five figures, 纯收入, 人均纯收入
 *                                                       with last year's beside it
 *   GET/POST /api/v1/households/{hh_no}/events          突发事件 recorded by cadres
 *   GET /api/v1/income/summary?area=&year=&hh_type=     population-weighted 人均纯收入
 * and the monitoring kinds of POST /api/v1/imports (imports.c hands them here):
 *   kind=income[&year=Y]  /  kind=warnings[&allow_unmatched=1]   → 202 job
 * A household outside the caller's scope is 404.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/monitoring_api.h"
#include "domain/monitoring/income.h"
#include "domain/monitoring/money.h"
#include "base/log.h"
#include "domain/jobs/jobs.h"
#include "domain/monitoring/warnings.h"

static bool household_param(api_call *c, zx_mon_household *hh)
{
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_mon_household_find(c->conn, c->actor, zx_req_param(c->req, "hh_no"), hh, &ei);
	if (e)
		api_error(c, e, &ei);
	return !e;
}

static bool year_param(api_call *c, int *year)
{
	const char *s = zx_req_param(c->req, "year");
	char *end;
	long v = s ? strtol(s, &end, 10) : 0;
	if (!s || *end || !zx_mon_year_ok((int)v)) {
		api_error_msg(c, ZX_EINVAL, "invalid_year", "year", "年度应在 %d 至 %d 之间", ZX_MON_YEAR_MIN,
		              ZX_MON_YEAR_MAX);
		return false;
	}
	*year = (int)v;
	return true;
}

static json_t *survey_json(const zx_income_survey *s)
{
	char pc[32];
	zx_money_per_capita_yuan(s->net, s->size, pc, sizeof(pc));
	return json_pack(
	    "{s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:i,s:o,s:s,s:s,s:I}", "year", s->year, "wage",
	    mon_money(s->f.wage), "business", mon_money(s->f.business), "property", mon_money(s->f.property),
	    "transfer", mon_money(s->f.transfer), "expense", mon_money(s->f.expense), "income_total",
	    mon_money(s->f.wage + s->f.business + s->f.property + s->f.transfer), "net", mon_money(s->net),
	    "size", s->size, "net_per_capita", mon_money(s->net_per_capita), "net_per_capita_display", pc,
	    "updated_by", s->updated_by, "updated_at", (json_int_t)s->updated_at);
}

static void reply_income(api_call *c, const zx_mon_household *hh, int year)
{
	zx_income_survey cur, prev;
	zx_err e1 = zx_income_get(c->conn, c->actor, hh, year, &cur);
	zx_err e2 = zx_income_get(c->conn, c->actor, hh, year - 1, &prev);
	if ((e1 && e1 != ZX_ENOTFOUND) || (e2 && e2 != ZX_ENOTFOUND)) {
		api_error(c, e1 && e1 != ZX_ENOTFOUND ? e1 : e2, NULL);
		return;
	}
	json_t *growth = json_null();
	if (!e1 && !e2 && prev.net > 0) {
		char g[32];
		zx_tenths_format(zx_growth_tenths(cur.net, cur.size, prev.net, prev.size), g, sizeof(g));
		growth = json_string(g);
	}
	api_json(c, 200,
	         json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:i},s:i,s:o,s:o,s:o}", "household", "hh_no", hh->hh_no,
	                   "head_name", hh->head_name, "area_code", hh->area_code, "hh_type", hh->hh_type,
	                   "category", hh->category, "size", hh->size, "year", year, "survey",
	                   e1 ? json_null() : survey_json(&cur), "previous",
	                   e2 ? json_null() : survey_json(&prev), "growth_percent", growth));
}

static void income_get(api_call *c)
{
	zx_mon_household hh;
	int year;
	if (!year_param(c, &year) || !household_param(c, &hh))
		return;
	reply_income(c, &hh, year);
}

static void income_put(api_call *c)
{
	zx_mon_household hh;
	int year;
	zx_income_figures f;
	if (!year_param(c, &year) || !household_param(c, &hh))
		return;
	int64_t *fields[5] = {&f.wage, &f.business, &f.property, &f.transfer, &f.expense};
	static const char *const keys[5] = {"wage", "business", "property", "transfer", "expense"};
	for (int i = 0; i < 5; i++) {
		if (!mon_body_money(c, keys[i], false, fields[i]))
			return;
		if (*fields[i] == -1 && !json_object_get(c->body, keys[i]))
			*fields[i] = 0; /* absent: 0 元 */
	}
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_income_survey s;
	zx_err e = zx_income_put(c->conn, c->actor, &hh, year, &f, &s, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	reply_income(c, &hh, year);
}

typedef struct totals {
	int year;
	int64_t net, persons, households;
} totals;

static json_t *totals_json(const totals *t)
{
	char pc[32];
	zx_money_per_capita_yuan(t->net, t->persons, pc, sizeof(pc));
	return json_pack("{s:i,s:I,s:I,s:o,s:o,s:s}", "year", t->year, "households",
	                 (json_int_t)t->households, "persons", (json_int_t)t->persons, "net_total",
	                 mon_money(t->net), "net_per_capita",
	                 t->persons ? mon_money(zx_div_round(t->net, t->persons)) : json_null(),
	                 "net_per_capita_display", pc);
}

static void income_summary(api_call *c)
{
	const char *area, *hh_type;
	int64_t year;
	if (!mon_query_area(c, &area) ||
	    !mon_query_int(c, "year", ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX, 0, &year) ||
	    !api_query_str(c, "hh_type", 16, &hh_type))
		return;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_mon_area_check(c->conn, c->actor, area, true, NULL, &ei);
	if (!e && !year)
		e = zx_fail(&ei, ZX_EINVAL, "missing_parameter", "year", 0, "缺少参数 year");
	totals t[2] = {{.year = (int)year}, {.year = (int)year - 1}};
	for (int i = 0; !e && i < 2; i++)
		e = zx_income_area_totals(c->conn, c->actor, area, t[i].year, hh_type, &t[i].net,
		                          &t[i].persons, &t[i].households);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	/* Growth of the population-weighted figure: (Σnet1/Σn1 − Σnet0/Σn0) / (Σnet0/Σn0). */
	json_t *growth = json_null();
	if (t[0].persons > 0 && t[1].persons > 0 && t[1].net > 0) {
		char g[32];
		zx_tenths_format(zx_growth_tenths(t[0].net, t[0].persons, t[1].net, t[1].persons), g,
		                 sizeof(g));
		growth = json_string(g);
	}
	api_json(c, 200,
	         json_pack("{s:s,s:s,s:o,s:o,s:o}", "area", area, "hh_type", hh_type, "current",
	                   totals_json(&t[0]), "previous", totals_json(&t[1]), "growth_percent", growth));
}

/* --- sudden events -------------------------------------------------------------------------------- */

static bool add_event(void *ctx, const zx_event *ev)
{
	json_array_append_new(ctx, json_pack("{s:I,s:s,s:o,s:o,s:s,s:s,s:I}", "id", (json_int_t)ev->id,
	                                     "type", ev->type, "date", mon_date(ev->ymd), "amount",
	                                     ev->amount < 0 ? json_null() : mon_money(ev->amount), "note",
	                                     ev->note, "created_by", ev->created_by, "created_at",
	                                     (json_int_t)ev->created_at));
	return true;
}

static void events_list(api_call *c)
{
	zx_mon_household hh;
	if (!household_param(c, &hh))
		return;
	json_t *items = json_array();
	zx_err e = zx_event_list(c->conn, c->actor, &hh, add_event, items);
	if (e) {
		json_decref(items);
		api_error(c, e, NULL);
		return;
	}
	api_json(c, 200, json_pack("{s:o}", "items", items));
}

static void event_create(api_call *c)
{
	zx_mon_household hh;
	zx_event_input in = {0};
	const char *date;
	if (!household_param(c, &hh) || !api_body_str(c, "type", 32, true, &in.type) ||
	    !api_body_str(c, "date", 20, true, &date) || !mon_body_money(c, "amount", false, &in.amount) ||
	    !api_body_str(c, "note", 600, false, &in.note))
		return;
	if (!zx_mon_parse_date(date, &in.ymd)) {
		api_error_msg(c, ZX_EINVAL, "invalid_date", "date", "发生日期应为 YYYY-MM-DD");
		return;
	}
	if (in.amount < -1 || (in.amount < 0 && json_object_get(c->body, "amount") &&
	                       !json_is_null(json_object_get(c->body, "amount")))) {
		api_error_msg(c, ZX_EINVAL, "invalid_amount", "amount", "金额不能为负数");
		return;
	}
	int64_t id = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_event_add(c->conn, c->actor, &hh, &in, &id, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	api_json(c, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* --- imports as background jobs -------------------------------------------------------------------- */

typedef struct mon_import_job {
	const zx_keys *keys;
	zx_actor actor;
	bool income; /* else warnings */
	int year;
	bool allow_unmatched;
	char upload[700];
	char file_name[256];
	char *result;
	char message[600];
} mon_import_job;

static void free_mon_import(void *arg)
{
	mon_import_job *ij = arg;
	if (!ij)
		return;
	unlink(ij->upload);
	free(ij->result);
	free(ij);
}

static json_t *import_result_json(const mon_import_job *ij, const zx_mon_import *r, zx_err e)
{
	json_t *issues = json_array();
	for (int i = 0; i < r->nissues; i++)
		json_array_append_new(
		    issues, json_pack("{s:I,s:s,s:s,s:s}", "row", (json_int_t)r->issues[i].row, "column",
		                      r->issues[i].field, "value", "", "reason", r->issues[i].message));
	json_t *o = json_pack("{s:b,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "ok", !e, "kind",
	                      ij->income ? "income" : "warnings", "file_name", ij->file_name, "rows",
	                      (json_int_t)r->rows, "written", (json_int_t)r->written, "replaced",
	                      (json_int_t)r->replaced, "duplicates", (json_int_t)r->duplicates, "unmatched",
	                      (json_int_t)r->unmatched, "ignored_columns", (json_int_t)r->ignored_columns);
	/* On failure the issues are the errors; after warnings with allow_unmatched, the unmatched rows. */
	json_object_set_new(o, e ? "errors" : "unmatched_rows", issues);
	json_object_set_new(o, "error_count", json_integer(e ? r->issues_total : 0));
	if (r->batch_id)
		json_object_set_new(o, "batch_id", json_integer(r->batch_id));
	return o;
}

static void run_mon_import(zx_job_run *run, zx_conn *c, void *arg, zx_job_outcome *out)
{
	mon_import_job *ij = arg;
	zx_mon_import *r = calloc(1, sizeof(*r));
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_job_progress(run, 0, 100);
	zx_err e = !r           ? ZX_ENOMEM
	           : ij->income ? zx_income_import_file(c, &ij->actor, ij->upload, ij->year, r, &ei)
	                        : zx_warnings_import_file(c, &ij->actor, ij->keys, ij->upload,
	                                                  ij->allow_unmatched, r, &ei);
	unlink(ij->upload); /* warnings hold ID numbers: nothing stays on disk */
	zx_job_progress(run, 100, 100);
	if (!r)
		snprintf(ij->message, sizeof(ij->message), "导入失败: %s", zx_err_message(e));
	else if (!e && ij->income)
		snprintf(ij->message, sizeof(ij->message), "导入成功: 收入 %ld 行（更新 %ld 户）", r->written,
		         r->replaced);
	else if (!e)
		snprintf(ij->message, sizeof(ij->message),
		         "导入成功: 部门预警 %ld 行（重复 %ld 行，未匹配 %ld 行）", r->written, r->duplicates,
		         r->unmatched);
	else if (r->issues_total > 0)
		snprintf(ij->message, sizeof(ij->message), "导入失败: 共 %ld 处错误，未写入任何数据",
		         r->issues_total);
	else
		snprintf(ij->message, sizeof(ij->message), "导入失败: %s",
		         ei.err && ei.message[0] ? ei.message : zx_err_message(e));
	json_t *res = r ? import_result_json(ij, r, e) : NULL;
	ij->result = res ? json_dumps(res, JSON_COMPACT) : NULL;
	json_decref(res);
	free(r);
	*out = (zx_job_outcome){.ok = !e, .result = ij->result, .message = ij->message, .error_file = NULL};
}

static bool monitoring_import_params(api_call *c, bool income, int64_t *year, int64_t *allow)
{
	const char *ct = zx_req_header(c->req, "Content-Type");
	if (!mon_query_int(c, "year", ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX, 0, year) ||
	    !mon_query_int(c, "allow_unmatched", 0, 1, 0, allow))
		return false;
	if (income ? (!zx_role_sees_personal_data(c->actor->role) || c->actor->role == ZX_ROLE_DEPT_USER)
	           : (c->actor->role != ZX_ROLE_COUNTY_ADMIN && c->actor->role != ZX_ROLE_TOWN_ADMIN &&
	              c->actor->role != ZX_ROLE_DEPT_USER)) {
		api_error_msg(c, ZX_EFORBIDDEN, "forbidden", NULL, "%s不能导入%s",
		              zx_role_name(c->actor->role), income ? "收入" : "部门预警");
		return false;
	}
	if (ct && strncasecmp(ct, "multipart/", 10) == 0) {
		api_error_msg(c, ZX_EINVAL, "multipart_unsupported", NULL,
		              "请直接以请求体上传文件内容（不支持 multipart/form-data）");
		return false;
	}
	if (!c->req->upload_path || c->req->upload_size == 0) {
		api_error_msg(c, ZX_EINVAL, "empty_upload", NULL, "上传的文件为空");
		return false;
	}
	if (!c->app->jobs) {
		api_error_msg(c, ZX_EINTERNAL, "jobs_unavailable", NULL, "后台任务未启动");
		return false;
	}
	return true;
}

/* X-File-Name is percent-encoded UTF-8; kept for display only (bytes ≥ 0x80 or controls dropped). */
static void upload_name(api_call *c, char *out, size_t cap)
{
	const char *h = zx_req_header(c->req, "X-File-Name");
	size_t n = 0;
	for (; h && *h && n + 1 < cap; h++)
		if ((unsigned char)*h >= 0x20 && (unsigned char)*h < 0x7f)
			out[n++] = *h;
	out[n] = '\0';
}

void api_import_monitoring(api_call *c, const char *kind)
{
	bool income = strcmp(kind, "income") == 0;
	int64_t year, allow;
	if (!monitoring_import_params(c, income, &year, &allow))
		return;
	mon_import_job *ij = calloc(1, sizeof(*ij));
	if (!ij) {
		api_error(c, ZX_ENOMEM, NULL);
		return;
	}
	ij->keys = &c->app->keys;
	ij->actor = *c->actor;
	ij->income = income;
	ij->year = (int)year;
	ij->allow_unmatched = allow == 1;
	upload_name(c, ij->file_name, sizeof(ij->file_name));
	snprintf(ij->upload, sizeof(ij->upload), "%s/import-%s.upload", c->app->data_dir, c->req->request_id);
	if (rename(c->req->upload_path, ij->upload) != 0) {
		zx_error("imports: cannot keep the upload: %s", strerror(errno));
		free(ij);
		api_error(c, ZX_EIO, NULL);
		return;
	}
	const char *job_kind = income ? "import.income" : "import.warnings";
	json_t *params = json_pack("{s:s,s:I,s:b,s:s}", "kind", kind, "year", (json_int_t)year,
	                           "allow_unmatched", allow == 1, "file_name", ij->file_name);
	char *ptext = params ? json_dumps(params, JSON_COMPACT) : NULL;
	json_decref(params);
	int64_t id = 0;
	zx_err e = zx_job_submit(c->app->jobs, c->conn, c->actor, job_kind, c->actor->area_code, ptext,
	                         run_mon_import, ij, free_mon_import, &id);
	free(ptext);
	if (e) {
		api_error(c, e, NULL);
		return;
	}
	api_json(c, 202,
	         json_pack("{s:{s:I,s:s,s:s,s:i,s:i,s:s}}", "job", "id", (json_int_t)id, "kind", job_kind,
	                   "status", "queued", "progress", 0, "total", 100, "area_code",
	                   c->actor->area_code));
}

const api_route api_income_routes[] = {
    {"GET", "/api/v1/households/{hh_no}/income/{year}", income_get, API_PERSONAL},
    {"PUT", "/api/v1/households/{hh_no}/income/{year}", income_put, API_JSON | API_PERSONAL},
    {"GET", "/api/v1/households/{hh_no}/events", events_list, API_PERSONAL},
    {"POST", "/api/v1/households/{hh_no}/events", event_create, API_JSON | API_PERSONAL},
    {"GET", "/api/v1/income/summary", income_summary, 0},
    {NULL, NULL, NULL, 0},
};
