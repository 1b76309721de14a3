/*
 * ledgers.c — 台账 (domain/ledger/ledger.h) over HTTP:
 *   GET    /api/v1/ledgers                       kinds with their field descriptors
 *   GET    /api/v1/ledgers/{kind}                list (area, year, from, to, status, category, q,
 *                                                parent, page, per_page)
 *   POST   /api/v1/ledgers/{kind}                create (JSON object by field key)
 *   GET    /api/v1/ledgers/{kind}/checks         check results (area, year)
 *   GET    /api/v1/ledgers/{kind}/export         XLSX (format=xlsx, default) or CSV, same filters
 *   GET    /api/v1/ledgers/{kind}/{id}           one entry
 *   PUT    /api/v1/ledgers/{kind}/{id}           change the fields given
 *   DELETE /api/v1/ledgers/{kind}/{id}
 *   PUT    /api/v1/ledger-settings               a check threshold {area, year, key, value}
 *   POST   /api/v1/imports?kind=ledger:KIND      (imports.c hands it to api_import_ledger)
 *
 * Bodies: values as the user typed them (strings; numbers are taken as 元 / counts), a person
 * as 证件号码 or {"id": n} / n, a household as 户编号 or {"id": n}, 受益户 as an array or a
 * list of 户编号; null or "" clears a field. Unknown keys are refused (400).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/internal.h"
#include "base/arena.h"
#include "base/log.h"
#include "domain/jobs/jobs.h"
#include "domain/ledger/ledger.h"

static const zx_ledger_kind *kind_param(api_call *c)
{
	const char *key = zx_req_param(c->req, "kind");
	const zx_ledger_kind *k = zx_ledger_kind_find(key);
	if (!k)
		api_error_msg(c, ZX_ENOTFOUND, "unknown_kind", "kind", "没有这种台账：%.40s", key ? key : "");
	return k;
}

static bool id_param(api_call *c, int64_t *id)
{
	const char *s = zx_req_param(c->req, "id");
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || *end || v <= 0) {
		api_error_msg(c, ZX_ENOTFOUND, "not_found", "id", "记录不存在");
		return false;
	}
	*id = v;
	return true;
}

static void kinds_list(api_call *c)
{
	api_json(c, 200, json_pack("{s:o}", "kinds", (json_t *)zx_ledger_kinds_json()));
}

static bool query_int(api_call *c, const char *key, int64_t lo, int64_t hi, int64_t *out)
{
	const char *s;
	if (!api_query_str(c, key, 20, &s))
		return false;
	*out = 0;
	if (!*s)
		return true;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || v < lo || v > hi) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", key, "参数 %s 无效", key);
		return false;
	}
	*out = v;
	return true;
}

static bool filter_params(api_call *c, zx_ledger_filter *f)
{
	int64_t year, parent;
	memset(f, 0, sizeof(*f));
	if (!api_query_str(c, "area", 12, &f->area) || !api_query_str(c, "from", 16, &f->from) ||
	    !api_query_str(c, "to", 16, &f->to) || !api_query_str(c, "status", 64, &f->status) ||
	    !api_query_str(c, "category", 64, &f->category) || !api_query_str(c, "q", 100, &f->q) ||
	    !query_int(c, "year", 2000, 2100, &year) || !query_int(c, "parent", 0, INT64_MAX, &parent))
		return false;
	f->year = (int)year;
	f->parent_id = parent;
	return true;
}

static void ledger_list(api_call *c)
{
	const zx_ledger_kind *k = kind_param(c);
	zx_ledger_filter f;
	int64_t limit, offset, page, per_page;
	if (!k || !filter_params(c, &f) || !api_page(c, &limit, &offset, &page, &per_page))
		return;
	f.limit = (int)limit;
	f.offset = (int)offset;
	json_t *items = NULL;
	int64_t total = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_ledger_list_json(c->conn, c->actor, k, &f, (void **)&items, &total, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
	                   (json_int_t)page, "per_page", (json_int_t)per_page));
}

/* One JSON value as the engine's input text (arena memory); false after replying 400. */
static bool value_text(api_call *c, const zx_ledger_field *f, json_t *v, const char **out)
{
	zx_arena *ar = c->req->arena;
	if (json_is_null(v)) {
		*out = "";
	} else if (json_is_string(v)) {
		*out = json_string_value(v);
	} else if (json_is_integer(v)) {
		bool link = f->type == ZX_LF_PERSON || f->type == ZX_LF_HOUSEHOLD || f->type == ZX_LF_PARENT;
		*out = zx_arena_printf(ar, link ? "#%" JSON_INTEGER_FORMAT : "%" JSON_INTEGER_FORMAT,
		                       json_integer_value(v));
	} else if (json_is_real(v) && (f->type == ZX_LF_MONEY || f->type == ZX_LF_NUMBER)) {
		*out = zx_arena_printf(ar, "%.2f", json_real_value(v));
	} else if (json_is_object(v) && json_is_integer(json_object_get(v, "id"))) {
		*out = zx_arena_printf(ar, "#%" JSON_INTEGER_FORMAT,
		                       json_integer_value(json_object_get(v, "id")));
	} else if (json_is_array(v) && f->type == ZX_LF_HOUSEHOLDS) {
		size_t i;
		json_t *h;
		const char *acc = "";
		json_array_foreach(v, i, h)
		{
			const char *one;
			if (!value_text(c, &(zx_ledger_field){.type = ZX_LF_HOUSEHOLD}, h, &one))
				return false;
			acc = zx_arena_printf(ar, "%s%s%s", acc, i ? " " : "", one);
		}
		*out = acc;
	} else {
		api_error_msg(c, ZX_EINVAL, "invalid_value", f->key, "「%s」的值类型不对", f->label);
		return false;
	}
	if (!*out) {
		api_error(c, ZX_ENOMEM, NULL);
		return false;
	}
	if (strlen(*out) > 64 * 1024) {
		api_error_msg(c, ZX_EINVAL, "value_too_long", f->key, "「%s」过长", f->label);
		return false;
	}
	return true;
}

static bool body_input(api_call *c, const zx_ledger_kind *k, zx_ledger_input *in)
{
	static const char *const ignored[] = {"id",         "kind",       "area_name",  "created_by",
	                                      "created_at", "updated_by", "updated_at", NULL};
	memset(in, 0, sizeof(*in));
	in->keys = &c->app->keys;
	const char *key;
	json_t *v;
	json_object_foreach(c->body, key, v)
	{
		bool skip = false;
		for (const char *const *ig = ignored; *ig; ig++)
			skip |= strcmp(*ig, key) == 0;
		if (skip)
			continue;
		int i = -1;
		for (int j = 0; j < k->nfields; j++)
			if (strcmp(k->fields[j].key, key) == 0)
				i = j;
		if (i < 0) {
			api_error_msg(c, ZX_EINVAL, "unknown_field", key, "%s台账没有字段 %.40s", k->name,
			              key);
			return false;
		}
		if (k->fields[i].type == ZX_LF_COMPUTED)
			continue;
		if (!value_text(c, &k->fields[i], v, &in->val[i]))
			return false;
	}
	return true;
}

static void reply_entry(api_call *c, const zx_ledger_kind *k, int64_t id, int status)
{
	json_t *o = NULL;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_ledger_get_json(c->conn, c->actor, k, id, (void **)&o, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	api_json(c, status, o);
}

static void ledger_create(api_call *c)
{
	const zx_ledger_kind *k = kind_param(c);
	zx_ledger_input in;
	if (!k || !body_input(c, k, &in))
		return;
	int64_t id = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_ledger_add(c->conn, c->actor, k, &in, &id, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	reply_entry(c, k, id, 201);
}

static void ledger_get(api_call *c)
{
	const zx_ledger_kind *k = kind_param(c);
	int64_t id;
	if (k && id_param(c, &id))
		reply_entry(c, k, id, 200);
}

static void ledger_put(api_call *c)
{
	const zx_ledger_kind *k = kind_param(c);
	int64_t id;
	zx_ledger_input in;
	if (!k || !id_param(c, &id) || !body_input(c, k, &in))
		return;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_ledger_update(c->conn, c->actor, k, id, &in, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	reply_entry(c, k, id, 200);
}

static void ledger_delete(api_call *c)
{
	const zx_ledger_kind *k = kind_param(c);
	int64_t id;
	if (!k || !id_param(c, &id))
		return;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_ledger_delete(c->conn, c->actor, k, id, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	c->resp->status = 204;
}

static void ledger_checks(api_call *c)
{
	const zx_ledger_kind *k = kind_param(c);
	const char *area;
	int64_t year;
	if (!k || !api_query_str(c, "area", 12, &area) || !query_int(c, "year", 2000, 2100, &year))
		return;
	json_t *items = NULL;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_ledger_checks_json(c->conn, c->actor, k, area, (int)year, (void **)&items, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	int warnings = 0;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) warnings +=
	    strcmp(json_string_value(json_object_get(it, "level")), "warning") == 0;
	api_json(c, 200, json_pack("{s:s,s:o,s:i}", "kind", k->key, "items", items, "warnings", warnings));
}

static void ledger_export(api_call *c)
{
	const zx_ledger_kind *k = kind_param(c);
	zx_ledger_filter f;
	const char *format;
	if (!k || !filter_params(c, &f) || !api_query_str(c, "format", 8, &format))
		return;
	bool csv = strcmp(format, "csv") == 0;
	if (*format && !csv && strcmp(format, "xlsx") != 0) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "format", "参数 format 应为 xlsx 或 csv");
		return;
	}
	char *path = zx_arena_printf(c->req->arena, "%s/ledger-export-XXXXXX", c->app->data_dir);
	int fd = path ? mkstemp(path) : -1;
	if (fd < 0) {
		zx_error("ledgers: cannot create a file in the data directory: %s", strerror(errno));
		api_error_msg(c, ZX_EIO, "export_failed", NULL, "导出失败：无法创建临时文件");
		return;
	}
	close(fd);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	long rows = 0;
	zx_err e = zx_ledger_export(c->conn, c->actor, k, &f, !csv, path, &rows, &ei);
	if (e) {
		unlink(path);
		api_error(c, e, &ei);
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	unlink(path);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		if (fd >= 0)
			close(fd);
		api_error(c, ZX_EIO, NULL);
		return;
	}
	const char *ext = csv ? "csv" : "xlsx";
	c->resp->status = 200;
	c->resp->content_type = csv ? "text/csv; charset=utf-8"
	                            : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	c->resp->fd = fd;
	c->resp->fd_len = (size_t)sb.st_size;
	const char *disp =
	    zx_arena_printf(c->req->arena, "attachment; filename=\"ledger-%s.%s\"", k->key, ext);
	if (disp)
		zx_resp_header(c->resp, c->req, "Content-Disposition", disp);
}

static void settings_put(api_call *c)
{
	const char *area, *key;
	json_t *year = json_object_get(c->body, "year"), *value = json_object_get(c->body, "value");
	if (!api_body_str(c, "area", 12, true, &area) || !api_body_str(c, "key", 40, true, &key))
		return;
	if ((year && !json_is_integer(year)) || !json_is_integer(value)) {
		api_error_msg(c, ZX_EINVAL, "invalid_value", "value", "year 与 value 应为整数");
		return;
	}
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	int y = year ? (int)json_integer_value(year) : 0;
	zx_err e = zx_ledger_setting_set(c->conn, c->actor, area, y, key, json_integer_value(value), &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:s,s:i,s:s,s:I}", "area", area, "year", y, "key", key, "value",
	                   (json_int_t)zx_ledger_setting(c->conn, area, y, key)));
}

/* ---- import as a background job ------------------------------------------------------------ */

typedef struct ledger_job {
	const zx_keys *keys;
	const zx_ledger_kind *k;
	zx_actor actor;
	bool dry_run;
	char data_dir[512];
	char upload[700];
	char file_name[256];
	char error_file[700];
	char *result;
	char message[600];
	zx_ledger_import_result res;
} ledger_job;

static void free_ledger_job(void *arg)
{
	ledger_job *j = arg;
	if (!j)
		return;
	unlink(j->upload);
	free(j->result);
	free(j);
}

typedef struct progress_ctx {
	zx_job_run *run;
	long total; /* data rows expected (CSV line count), 0 when unknown (XLSX) */
} progress_ctx;

static void on_rows(void *ctx, long rows)
{
	progress_ctx *p = ctx;
	if (p->total > 0)
		zx_job_progress(p->run, rows < p->total ? rows : p->total, p->total);
}

/* Lines after the header of a CSV upload (an XLSX, a zip, gives 0). */
static long csv_rows(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	char buf[65536];
	size_t n;
	long lines = 0;
	bool first = true, zip = false, last_nl = true;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (first && n >= 2 && buf[0] == 'P' && buf[1] == 'K')
			zip = true;
		first = false;
		for (size_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
		last_nl = buf[n - 1] == '\n';
	}
	fclose(f);
	if (zip)
		return 0;
	lines += !last_nl;
	return lines > 1 ? lines - 1 : 0;
}

static void run_ledger_import(zx_job_run *run, zx_conn *c, void *arg, zx_job_outcome *out)
{
	ledger_job *j = arg;
	snprintf(j->error_file, sizeof(j->error_file), "%s/job-%lld-errors.csv", j->data_dir,
	         (long long)zx_job_id(run));
	progress_ctx pc = {.run = run, .total = csv_rows(j->upload)};
	zx_job_progress(run, 0, pc.total);
	zx_ledger_import_opts o = {.keys = j->keys,
	                           .dry_run = j->dry_run,
	                           .errors_csv = j->error_file,
	                           .progress = on_rows,
	                           .progress_ctx = &pc};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_ledger_import(c, &j->actor, j->k, j->upload, &o, &j->res, &ei);
	unlink(j->upload);
	zx_job_progress(run, j->res.rows, j->res.rows);
	if (!j->res.errors) {
		unlink(j->error_file);
		j->error_file[0] = '\0';
	}
	json_t *errors = json_array();
	for (int i = 0; i < j->res.nfirst; i++)
		json_array_append_new(
		    errors, json_pack("{s:I,s:s,s:s}", "row", (json_int_t)j->res.first[i].row, "column",
		                      j->res.first[i].column, "message", j->res.first[i].message));
	json_t *res = json_pack("{s:b,s:b,s:s,s:s,s:s,s:I,s:I,s:I,s:o}", "ok", !e, "dry_run", j->dry_run,
	                        "kind", j->k->key, "kind_name", j->k->name, "file_name", j->file_name, "rows",
	                        (json_int_t)j->res.rows, "imported", (json_int_t)j->res.imported,
	                        "error_count", (json_int_t)j->res.errors, "errors", errors);
	j->result = res ? json_dumps(res, JSON_COMPACT) : NULL;
	json_decref(res);
	if (!e && j->dry_run)
		snprintf(j->message, sizeof(j->message), "校验通过：%s %ld 行，未写入", j->k->name,
		         j->res.rows);
	else if (!e)
		snprintf(j->message, sizeof(j->message), "导入成功：%s %ld 行", j->k->name, j->res.imported);
	else if (j->res.errors)
		snprintf(j->message, sizeof(j->message), "导入失败：共 %ld 行有错误，未写入任何数据",
		         j->res.errors);
	else
		snprintf(j->message, sizeof(j->message), "导入失败：%s",
		         ei.err && ei.message[0] ? ei.message : zx_err_message(e));
	*out = (zx_job_outcome){
	    .ok = !e, .result = j->result, .message = j->message, .error_file = j->error_file};
}

void api_import_ledger(api_call *c, const char *kind)
{
	const zx_ledger_kind *k = zx_ledger_kind_find(kind);
	const char *dry, *ct = zx_req_header(c->req, "Content-Type");
	if (!k) {
		api_error_msg(c, ZX_EINVAL, "unsupported_kind", "kind", "没有这种台账：%.40s", kind);
		return;
	}
	if (!api_query_str(c, "dry_run", 8, &dry))
		return;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_ledger_may_write(c->actor, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	if (ct && strncasecmp(ct, "multipart/", 10) == 0) {
		api_error_msg(c, ZX_EINVAL, "multipart_unsupported", NULL,
		              "请直接以请求体上传文件内容（不支持 multipart/form-data）");
		return;
	}
	if (!c->req->upload_path || c->req->upload_size == 0) {
		api_error_msg(c, ZX_EINVAL, "empty_upload", NULL, "上传的文件为空");
		return;
	}
	if (!c->app->jobs) {
		api_error_msg(c, ZX_EINTERNAL, "jobs_unavailable", NULL, "后台任务未启动");
		return;
	}
	ledger_job *j = calloc(1, sizeof(*j));
	if (!j) {
		api_error(c, ZX_ENOMEM, NULL);
		return;
	}
	j->keys = &c->app->keys;
	j->k = k;
	snprintf(j->data_dir, sizeof(j->data_dir), "%s", c->app->data_dir);
	j->actor = *c->actor;
	j->dry_run = strcmp(dry, "1") == 0 || strcmp(dry, "true") == 0;
	const char *fn = zx_req_header(c->req, "X-File-Name");
	size_t n = 0;
	for (; fn && *fn && n + 1 < sizeof(j->file_name); fn++)
		if ((unsigned char)*fn >= 0x20 && (unsigned char)*fn < 0x7f)
			j->file_name[n++] = *fn;
	snprintf(j->upload, sizeof(j->upload), "%s/import-%s.upload", c->app->data_dir, c->req->request_id);
	if (rename(c->req->upload_path, j->upload) != 0) {
		zx_error("ledgers: cannot keep the upload: %s", strerror(errno));
		free(j);
		api_error(c, ZX_EIO, NULL);
		return;
	}
	char job_kind[48];
	snprintf(job_kind, sizeof(job_kind), "import.ledger.%s", k->key);
	json_t *params =
	    json_pack("{s:s,s:b,s:s}", "kind", kind, "dry_run", j->dry_run, "file_name", j->file_name);
	char *ptext = params ? json_dumps(params, JSON_COMPACT) : NULL;
	json_decref(params);
	int64_t id = 0;
	e = zx_job_submit(c->app->jobs, c->conn, c->actor, job_kind, c->actor->area_code, ptext,
	                  run_ledger_import, j, free_ledger_job, &id);
	free(ptext);
	if (e) {
		api_error(c, e, NULL);
		return;
	}
	api_json(c, 202,
	         json_pack("{s:{s:I,s:s,s:s,s:i,s:i,s:s,s:b}}", "job", "id", (json_int_t)id, "kind", job_kind,
	                   "status", "queued", "progress", 0, "total", 0, "area_code", c->actor->area_code,
	                   "dry_run", j->dry_run));
}

const api_route api_ledger_routes[] = {
    {"GET", "/api/v1/ledgers", kinds_list, 0},
    {"GET", "/api/v1/ledgers/{kind}", ledger_list, API_PERSONAL},
    {"POST", "/api/v1/ledgers/{kind}", ledger_create, API_JSON | API_PERSONAL},
    {"GET", "/api/v1/ledgers/{kind}/checks", ledger_checks, API_PERSONAL},
    {"GET", "/api/v1/ledgers/{kind}/export", ledger_export, API_PERSONAL},
    {"GET", "/api/v1/ledgers/{kind}/{id}", ledger_get, API_PERSONAL},
    {"PUT", "/api/v1/ledgers/{kind}/{id}", ledger_put, API_JSON | API_PERSONAL},
    {"DELETE", "/api/v1/ledgers/{kind}/{id}", ledger_delete, API_PERSONAL},
    {"PUT", "/api/v1/ledger-settings", settings_put, API_JSON},
    {NULL, NULL, NULL, 0},
};
