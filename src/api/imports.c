/*
 * imports.c — POST /api/v1/imports?kind=households[&dry_run=1][&area=CODE][&encoding=E][&t2s=1]:
 * an uploaded file becomes a background job (jobs.h) that runs the household import;
 * the answer is 202 with the job, which GET /api/v1/jobs/{id} then reports (jobs.c).
 *
 * The body is the file itself (CSV or XLSX, sniffed from the content), streamed to disk
 * by the http layer under the upload cap (413 above it); multipart/form-data is refused.
 * X-File-Name (percent-encoded UTF-8) names it for the job's display only.
 *
 * Invariants: the upload is moved out of the request's temp name before the request ends
 * and deleted when the job has run (or was dropped); the job runs as a copy of the
 * caller's actor; the job's area is the import area, so that only the caller and the
 * administrators of that area see the job and its error list.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/internal.h"
#include "api/monitoring_api.h"
#include "base/log.h"
#include "base/charset.h"
#include "domain/area/area.h"
#include "domain/jobs/jobs.h"
#include "domain/registry/edit.h"
#include "domain/registry/import.h"

#define ERRORS_IN_RESULT 200

typedef struct import_job {
	const zx_keys *keys;
	char data_dir[512];
	zx_actor actor;
	char upload[700];
	char area[13];
	char encoding[16];
	char file_name[256];
	bool dry_run, t2s;
	zx_job_run *run;
	/* the outcome, kept until the runner has recorded it */
	char *result;
	char message[600];
	char error_file[700];
} import_job;

static void free_import(void *arg)
{
	import_job *ij = arg;
	if (!ij)
		return;
	unlink(ij->upload);
	free(ij->result);
	free(ij);
}

/* One bar over the three phases: reading 0–60 %, checking 60–70 %, writing 70–100 %. */
static void on_progress(void *ctx, zx_import_phase phase, int64_t done, int64_t total)
{
	static const int from[] = {0, 0, 60, 70}, span[] = {0, 60, 10, 30};
	int64_t pct = from[phase] + (total > 0 ? span[phase] * (done < total ? done : total) / total : 0);
	zx_job_progress(ctx, pct, 100);
}

static json_t *result_json(const import_job *ij, const zx_import_result *r, zx_err e)
{
	json_t *errors = json_array(), *warnings = json_array();
	for (size_t i = 0; i < r->nerrors && i < ERRORS_IN_RESULT; i++)
		json_array_append_new(errors,
		                      json_pack("{s:I,s:s,s:s,s:s}", "row", (json_int_t)r->errors[i].row,
		                                "column", r->errors[i].column, "value", r->errors[i].value,
		                                "reason", r->errors[i].reason));
	for (size_t i = 0; i < r->nwarnings; i++)
		json_array_append_new(warnings, json_string(r->warnings[i]));
	return json_pack("{s:b,s:b,s:b,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:I}", "ok",
	                 !e, "dry_run", ij->dry_run, "written", r->written, "area_code", r->area_code,
	                 "file_name", ij->file_name, "rows", (json_int_t)r->rows, "households",
	                 (json_int_t)r->households, "persons", (json_int_t)r->persons, "created",
	                 (json_int_t)r->created, "updated", (json_int_t)r->updated, "unchanged",
	                 (json_int_t)r->unchanged, "existing", (json_int_t)r->existing, "members_added",
	                 (json_int_t)r->members_added, "members_removed", (json_int_t)r->members_removed,
	                 "members_updated", (json_int_t)r->members_updated, "warnings", warnings, "errors",
	                 errors, "error_count", (json_int_t)r->error_count);
}

static void summarize(import_job *ij, const zx_import_result *r, zx_err e, const zx_errinfo *ei)
{
	if (!e && ij->dry_run)
		snprintf(ij->message, sizeof(ij->message),
		         "校验通过: %lld户 %lld人 (将新增 %lld, 已登记 %lld)，未写入",
		         (long long)r->households, (long long)r->persons, (long long)r->created,
		         (long long)r->existing);
	else if (!e)
		snprintf(ij->message, sizeof(ij->message), "导入成功: %lld户 %lld人 (新增 %lld, 更新 %lld)",
		         (long long)r->households, (long long)r->persons, (long long)r->created,
		         (long long)r->updated);
	else if (r->error_count > 0)
		snprintf(ij->message, sizeof(ij->message), "导入失败: 共 %lld 处错误，未写入任何数据",
		         (long long)r->error_count);
	else
		snprintf(ij->message, sizeof(ij->message), "导入失败: %s",
		         ei->err && ei->message[0] ? ei->message : zx_err_message(e));
}

static void run_import(zx_job_run *run, zx_conn *c, void *arg, zx_job_outcome *out)
{
	import_job *ij = arg;
	zx_import_opts o = {
	    .area_code = ij->area,
	    .dry_run = ij->dry_run,
	    .encoding = ij->encoding[0] ? ij->encoding : NULL,
	    .t2s = ij->t2s,
	    .progress = on_progress,
	    .progress_ctx = run,
	};
	zx_import_result r;
	zx_import_result_init(&r);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_import_households(c, ij->keys, &ij->actor, ij->upload, &o, &r, &ei);
	unlink(ij->upload); /* nothing more to read: do not keep personal data on disk */
	if (r.error_count > 0) {
		snprintf(ij->error_file, sizeof(ij->error_file), "%s/job-%lld-errors.csv", ij->data_dir,
		         (long long)zx_job_id(run));
		zx_errinfo wei;
		if (zx_import_errors_write_csv(&r, ij->error_file, &wei) != ZX_OK)
			ij->error_file[0] = '\0';
	}
	summarize(ij, &r, e, &ei);
	json_t *res = result_json(ij, &r, e);
	ij->result = res ? json_dumps(res, JSON_COMPACT) : NULL;
	json_decref(res);
	zx_import_result_release(&r);
	*out = (zx_job_outcome){
	    .ok = !e, .result = ij->result, .message = ij->message, .error_file = ij->error_file};
}

/* X-File-Name is percent-encoded UTF-8 (encodeURIComponent); anything else is dropped. */
static void file_name(api_call *c, char *out, size_t cap)
{
	const char *h = zx_req_header(c->req, "X-File-Name");
	size_t n = 0;
	out[0] = '\0';
	for (; h && *h && n + 1 < cap; h++) {
		unsigned v;
		if (*h == '%' && h[1] && h[2] && sscanf(h + 1, "%2x", &v) == 1) {
			out[n++] = (char)v;
			h += 2;
		} else {
			out[n++] = *h;
		}
	}
	out[n] = '\0';
	if (!zx_utf8_valid(out, n, NULL))
		out[0] = '\0';
}

static bool flag_param(api_call *c, const char *key, bool *out)
{
	const char *v;
	if (!api_query_str(c, key, 8, &v))
		return false;
	if (*v && strcmp(v, "0") != 0 && strcmp(v, "1") != 0 && strcmp(v, "true") != 0 &&
	    strcmp(v, "false") != 0) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", key, "参数 %s 应为 0 或 1", key);
		return false;
	}
	*out = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
	return true;
}

static bool check_request(api_call *c, const char **area, const char **encoding)
{
	const char *kind, *ct = zx_req_header(c->req, "Content-Type");
	if (!api_query_str(c, "kind", 32, &kind) || !api_query_str(c, "area", 12, area) ||
	    !api_query_str(c, "encoding", 16, encoding))
		return false;
	if (strcmp(kind, "households") != 0) {
		api_error_msg(c, ZX_EINVAL, "unsupported_kind", "kind",
		              "不支持的导入类型“%s”（可用：households、income、warnings）", kind);
		return false;
	}
	if (!zx_registry_may_edit(c->actor->role)) {
		api_error_msg(c, ZX_EFORBIDDEN, "forbidden", NULL, "%s不能导入农户信息",
		              zx_role_name(c->actor->role));
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
	if (!**area)
		*area = c->actor->area_code;
	if (strlen(*area) != 12 || !zx_scope_contains(&c->actor->scope, *area)) {
		api_error_msg(c, ZX_EFORBIDDEN, "area_forbidden", "area", "导入区域 %s 不在您的管理范围内",
		              *area);
		return false;
	}
	zx_area a;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_area_get(c->conn, c->actor, *area, &a, &ei);
	if (e || a.level < 3) {
		api_error_msg(c, ZX_ENOTFOUND, "area_not_found", "area",
		              "导入区域 %s 不存在或不是县、乡镇或村", *area);
		return false;
	}
	zx_charset cs;
	if (**encoding && zx_charset_parse(*encoding, &cs, &ei) != ZX_OK) {
		api_error(c, ZX_EINVAL, &ei);
		return false;
	}
	if (!c->app->jobs) {
		api_error_msg(c, ZX_EINTERNAL, "jobs_unavailable", NULL, "后台任务未启动");
		return false;
	}
	return true;
}

static void imports_create(api_call *c)
{
	/* The monitoring kinds (收入, 部门预警) are jobs of api/income.c. */
	const char *mkind = zx_req_query(c->req, "kind");
	if (mkind && (strcmp(mkind, "income") == 0 || strcmp(mkind, "warnings") == 0)) {
		api_import_monitoring(c, mkind);
		return;
	}
	if (mkind && strncmp(mkind, "ledger:", 7) == 0) {
		api_import_ledger(c, mkind + 7);
		return;
	}
	const char *area, *encoding;
	bool dry_run, t2s;
	if (!check_request(c, &area, &encoding) || !flag_param(c, "dry_run", &dry_run) ||
	    !flag_param(c, "t2s", &t2s))
		return;
	import_job *ij = calloc(1, sizeof(*ij));
	if (!ij) {
		api_error(c, ZX_ENOMEM, NULL);
		return;
	}
	ij->keys = &c->app->keys;
	ij->actor = *c->actor;
	ij->dry_run = dry_run;
	ij->t2s = t2s;
	snprintf(ij->data_dir, sizeof(ij->data_dir), "%s", c->app->data_dir);
	snprintf(ij->area, sizeof(ij->area), "%s", area);
	snprintf(ij->encoding, sizeof(ij->encoding), "%s", encoding);
	file_name(c, ij->file_name, sizeof(ij->file_name));
	snprintf(ij->upload, sizeof(ij->upload), "%s/import-%s.upload", c->app->data_dir, c->req->request_id);
	if (rename(c->req->upload_path, ij->upload) != 0) {
		zx_error("imports: cannot keep the upload: %s", strerror(errno));
		free(ij);
		api_error(c, ZX_EIO, NULL);
		return;
	}
	json_t *params =
	    json_pack("{s:s,s:b,s:s,s:s,s:b,s:s}", "kind", "households", "dry_run", dry_run, "area", area,
	              "encoding", encoding, "t2s", t2s, "file_name", ij->file_name);
	char *ptext = params ? json_dumps(params, JSON_COMPACT) : NULL;
	json_decref(params);
	int64_t id = 0;
	zx_err e = zx_job_submit(c->app->jobs, c->conn, c->actor, "import.households", area, ptext,
	                         run_import, ij, free_import, &id);
	free(ptext);
	if (e) {
		api_error(c, e, NULL);
		return;
	}
	api_json(c, 202,
	         json_pack("{s:{s:I,s:s,s:s,s:i,s:i,s:s,s:b}}", "job", "id", (json_int_t)id, "kind",
	                   "import.households", "status", "queued", "progress", 0, "total", 100, "area_code",
	                   area, "dry_run", dry_run));
}

const api_route api_import_routes[] = {
    {"POST", "/api/v1/imports", imports_create, API_UPLOAD | API_PERSONAL},
    {NULL, NULL, NULL, 0},
};
