/*
 * exports.c — the households of a filter as a file in the import template's columns:
 *   GET  /api/v1/exports?kind=households&area=&format=csv|xlsx[&unmasked=1] (+ the list's
 *        filters village, q, hh_type/type, category, group): written, then sent, in the
 *        request (fine for a village or a town);
 *   POST /api/v1/exports?… (same parameters): a background job (jobs.h) for big areas →
 *        202 {job}; GET /api/v1/jobs/{id} shows its progress; when done,
 *   GET  /api/v1/exports/{job id}: the file, once, to the user who asked for it.
 *
 *   GET  /api/v1/exports?kind=monitored|measures|visits|eliminations&area=&year=&format=xlsx|csv
 *        [&unmasked=1]: the standard exports (domain/registry/export_std.h), in the request.
 *
 * Files are written under the app's data_dir (never in memory) and sent from an open
 * descriptor after unlinking, so nothing stays on disk after the download; a job's file
 * nobody fetched is swept after EXPORT_KEEP_SECONDS. One synchronous export at a time (it
 * holds a server thread); jobs queue in the runner. Unmasked exports need a role that may
 * unmask; every export is audited by the domain before the file can be read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/internal.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/jobs/jobs.h"
#include "domain/registry/export.h"
#include "domain/registry/export_std.h"

#define EXPORTS_MAX 1
#define EXPORT_KEEP_SECONDS (24 * 3600)
#define EXPORT_JOB_KIND "export.households"

bool api_household_filter(api_call *c, zx_hh_filter *f);

static _Atomic int running;

static bool parse_opts(api_call *c, zx_export_opts *o)
{
	const char *kind, *format, *unmasked;
	memset(o, 0, sizeof(*o));
	if (!api_query_str(c, "kind", 32, &kind) || !api_query_str(c, "format", 8, &format) ||
	    !api_query_str(c, "unmasked", 8, &unmasked) || !api_household_filter(c, &o->filter))
		return false;
	if (strcmp(kind, "households") != 0) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "kind",
		              zx_std_kind_parse(kind)
		                  ? "导出类型 %s 请直接下载（GET）"
		                  : "不支持的导出类型: %s（可选 households、monitored、measures、"
		                    "visits、eliminations）",
		              kind);
		return false;
	}
	o->format = zx_export_format_parse(*format ? format : "xlsx");
	if (!o->format) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "format", "导出格式应为 csv 或 xlsx");
		return false;
	}
	o->unmasked = !strcmp(unmasked, "1") || !strcmp(unmasked, "true");
	if (*unmasked && !o->unmasked && strcmp(unmasked, "0") != 0 && strcmp(unmasked, "false") != 0) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "unmasked", "参数 unmasked 应为 0 或 1");
		return false;
	}
	o->tmpdir = c->app->data_dir;
	return true;
}

/* Hands the finished file to the server as an open descriptor and removes its name. */
static void send_file(api_call *c, const char *path, zx_export_format format, const char *area,
                      const char *name, const char *title)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	unlink(path);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		if (fd >= 0)
			close(fd);
		zx_error("exports: cannot reopen the export file: %s", strerror(errno));
		api_error(c, ZX_EIO, NULL);
		return;
	}
	bool csv = format == ZX_EXPORT_CSV;
	const char *ext = csv ? "csv" : "xlsx";
	/* The title percent-encoded for filename*; the plain filename is ASCII for old clients. */
	char enc[128];
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)title; *p && n + 4 < sizeof(enc); p++)
		n += (size_t)snprintf(enc + n, sizeof(enc) - n, "%%%02X", *p);
	enc[n] = 0;
	const char *disp =
	    zx_arena_printf(c->req->arena, "attachment; filename=\"%s-%s.%s\"; filename*=UTF-8''%s-%s.%s",
	                    name, area, ext, enc, area, ext);
	c->resp->status = 200;
	c->resp->content_type = csv ? "text/csv; charset=utf-8"
	                            : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	c->resp->fd = fd;
	c->resp->fd_len = (size_t)sb.st_size;
	if (disp)
		zx_resp_header(c->resp, c->req, "Content-Disposition", disp);
}

/* The area an export is named after: its village, its area, or the caller's. */
static const char *export_area(api_call *c, const zx_export_opts *o)
{
	return *o->filter.village ? o->filter.village
	       : *o->filter.area  ? o->filter.area
	                          : c->actor->area_code;
}

/* An export written in the request takes one of EXPORTS_MAX slots and a new file in the data
 * directory: its path, or NULL with the error answered (the caller gives the slot back with
 * atomic_fetch_sub once the export is written). */
static char *export_slot(api_call *c)
{
	if (atomic_fetch_add(&running, 1) >= EXPORTS_MAX) {
		atomic_fetch_sub(&running, 1);
		api_error_msg(c, ZX_ECONFLICT, "export_busy", NULL, "导出任务较多，请稍后再试");
		return NULL;
	}
	char *path = zx_arena_printf(c->req->arena, "%s/export-XXXXXX", c->app->data_dir);
	int fd = path ? mkstemp(path) : -1;
	if (fd < 0) {
		atomic_fetch_sub(&running, 1);
		zx_error("exports: cannot create a file in the data directory: %s", strerror(errno));
		api_error_msg(c, ZX_EIO, "export_failed", NULL, "导出失败：无法创建临时文件");
		return NULL;
	}
	close(fd);
	return path;
}

static void standard_get(api_call *c, zx_std_kind kind);

static void exports_get(api_call *c)
{
	const char *kind;
	if (!api_query_str(c, "kind", 32, &kind))
		return;
	zx_std_kind std = zx_std_kind_parse(kind);
	if (std) {
		standard_get(c, std);
		return;
	}
	zx_export_opts o;
	if (!parse_opts(c, &o))
		return;
	char *path = export_slot(c);
	if (!path)
		return;
	zx_export_result r;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_export_households(c->conn, c->actor, &c->app->keys, &o, path, &r, &ei);
	atomic_fetch_sub(&running, 1);
	if (e) {
		unlink(path);
		api_error(c, e, &ei);
		return;
	}
	send_file(c, path, o.format, export_area(c, &o), "households", "农户台账");
}

/* A standard export (监测对象, 帮扶措施台账, 走访记录, 消除名单), written and sent in the request. */
static void standard_get(api_call *c, zx_std_kind kind)
{
	const char *format, *unmasked, *area, *year;
	if (!api_query_str(c, "format", 8, &format) || !api_query_str(c, "unmasked", 8, &unmasked) ||
	    !api_query_str(c, "area", 16, &area) || !api_query_str(c, "year", 8, &year))
		return;
	zx_std_opts o = {.kind = kind, .area = area, .tmpdir = c->app->data_dir};
	o.format = zx_export_format_parse(*format ? format : "xlsx");
	if (!o.format) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "format", "导出格式应为 csv 或 xlsx");
		return;
	}
	o.unmasked = !strcmp(unmasked, "1") || !strcmp(unmasked, "true");
	if (*unmasked && !o.unmasked && strcmp(unmasked, "0") != 0 && strcmp(unmasked, "false") != 0) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "unmasked", "参数 unmasked 应为 0 或 1");
		return;
	}
	char *end = NULL;
	long y = *year ? strtol(year, &end, 10) : 0;
	if (*year && (*end || y < 2000 || y > 2100)) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "year", "年度应为 2000 至 2100 之间的年份");
		return;
	}
	o.year = (int)y;
	char *path = export_slot(c);
	if (!path)
		return;
	int64_t rows = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_export_standard(c->conn, c->actor, &c->app->keys, &o, path, &rows, &ei);
	atomic_fetch_sub(&running, 1);
	if (e) {
		unlink(path);
		api_error(c, e, &ei);
		return;
	}
	static const char *const names[] = {"", "monitored", "measures", "visits", "eliminations"};
	send_file(c, path, o.format, *area ? area : c->actor->area_code, names[kind],
	          zx_std_kind_title(kind));
}

/* ---- background exports ------------------------------------------------------------- */

typedef struct export_job {
	const zx_keys *keys;
	char data_dir[512];
	zx_actor actor;
	zx_export_opts opts; /* its strings point into the buffers below */
	char area[16], village[16], q[72], hh_type[40], category[40], group[40];
	int64_t rows;
	zx_job_run *run;
	char *result; /* outcome, kept until the runner recorded it */
	char message[600];
} export_job;

static void free_export(void *arg)
{
	export_job *ej = arg;
	if (ej)
		free(ej->result);
	free(ej);
}

static void job_progress(void *ctx, int64_t rows)
{
	export_job *ej = ctx;
	zx_job_progress(ej->run, rows < ej->rows ? rows : ej->rows, ej->rows > 0 ? ej->rows : 1);
}

static const char *ext_of(zx_export_format f)
{
	return f == ZX_EXPORT_CSV ? "csv" : "xlsx";
}

static void job_path(char *out, size_t cap, const char *data_dir, int64_t id, zx_export_format f)
{
	snprintf(out, cap, "%s/export-%lld.%s", data_dir, (long long)id, ext_of(f));
}

static void run_export(zx_job_run *run, zx_conn *c, void *arg, zx_job_outcome *out)
{
	export_job *ej = arg;
	ej->run = run;
	ej->opts.progress = job_progress;
	ej->opts.progress_ctx = ej;
	char path[700];
	int64_t id = zx_job_id(run);
	job_path(path, sizeof(path), ej->data_dir, id, ej->opts.format);
	zx_export_result r;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_export_households(c, &ej->actor, ej->keys, &ej->opts, path, &r, &ei);
	if (e) {
		snprintf(ej->message, sizeof(ej->message), "%s",
		         ei.message[0] ? ei.message : zx_err_message(e));
		*out = (zx_job_outcome){.ok = false, .message = ej->message};
		return;
	}
	zx_job_progress(run, ej->rows, ej->rows > 0 ? ej->rows : 1);
	json_t *res = json_pack("{s:I,s:I,s:s,s:b,s:s}", "households", (json_int_t)r.households, "persons",
	                        (json_int_t)r.persons, "format", ext_of(ej->opts.format), "unmasked",
	                        ej->opts.unmasked, "download", "");
	char dl[64];
	snprintf(dl, sizeof(dl), "/api/v1/exports/%lld", (long long)id);
	json_object_set_new(res, "download", json_string(dl));
	ej->result = json_dumps(res, JSON_COMPACT);
	json_decref(res);
	snprintf(ej->message, sizeof(ej->message), "导出完成: %lld户 %lld人", (long long)r.households,
	         (long long)r.persons);
	*out = (zx_job_outcome){.ok = true, .result = ej->result, .message = ej->message};
}

/* Removes job files nobody fetched (they hold personal data). */
static void sweep_old_files(const char *data_dir)
{
	DIR *d = opendir(data_dir);
	if (!d)
		return;
	int64_t now = zx_now();
	for (struct dirent *de; (de = readdir(d));) {
		if (strncmp(de->d_name, "export-", 7) != 0)
			continue;
		char p[1024];
		struct stat sb;
		snprintf(p, sizeof(p), "%s/%s", data_dir, de->d_name);
		if (stat(p, &sb) == 0 && now - (int64_t)sb.st_mtime > EXPORT_KEEP_SECONDS && unlink(p) == 0)
			zx_info("exports: removed an export file nobody fetched");
	}
	closedir(d);
}

static void copy_into(char *dst, size_t cap, const char **field)
{
	snprintf(dst, cap, "%s", *field ? *field : "");
	*field = dst;
}

static void exports_post(api_call *c)
{
	zx_export_opts o;
	if (!parse_opts(c, &o))
		return;
	if (!c->app->jobs) {
		api_error_msg(c, ZX_EINTERNAL, "jobs_unavailable", NULL, "后台任务未启动，无法导出");
		return;
	}
	int64_t rows = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_export_check(c->conn, c->actor, &o, &rows, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	sweep_old_files(c->app->data_dir);
	export_job *ej = calloc(1, sizeof(*ej));
	if (!ej) {
		api_error(c, ZX_ENOMEM, NULL);
		return;
	}
	ej->keys = &c->app->keys;
	snprintf(ej->data_dir, sizeof(ej->data_dir), "%s", c->app->data_dir);
	ej->actor = *c->actor;
	ej->opts = o;
	ej->rows = rows;
	copy_into(ej->area, sizeof(ej->area), &ej->opts.filter.area);
	copy_into(ej->village, sizeof(ej->village), &ej->opts.filter.village);
	copy_into(ej->q, sizeof(ej->q), &ej->opts.filter.q);
	copy_into(ej->hh_type, sizeof(ej->hh_type), &ej->opts.filter.hh_type);
	copy_into(ej->category, sizeof(ej->category), &ej->opts.filter.category);
	copy_into(ej->group, sizeof(ej->group), &ej->opts.filter.group);
	/* The job's area: what the export covers (scope checked above), 12 digits. */
	zx_scope scope;
	char county[7], area12[13];
	bool one;
	zx_hh_filter_scope(c->actor, &ej->opts.filter, &scope, county, &one, NULL);
	snprintf(area12, sizeof(area12), "%s", scope.lo);
	json_t *params = json_pack("{s:s,s:b,s:s,s:s,s:s,s:s,s:s}", "format", ext_of(o.format), "unmasked",
	                           o.unmasked, "area", area12, "q", ej->q, "hh_type", ej->hh_type, "category",
	                           ej->category, "group", ej->group);
	char *ptext = json_dumps(params, JSON_COMPACT);
	json_decref(params);
	int64_t id = 0;
	e = zx_job_submit(c->app->jobs, c->conn, c->actor, EXPORT_JOB_KIND, area12, ptext ? ptext : "{}",
	                  run_export, ej, free_export, &id);
	free(ptext);
	if (e) {
		api_error(c, e, NULL);
		return;
	}
	api_json(c, 202,
	         json_pack("{s:{s:I,s:s,s:s,s:I,s:I,s:s,s:b}}", "job", "id", (json_int_t)id, "kind",
	                   EXPORT_JOB_KIND, "status", "queued", "progress", (json_int_t)0, "total",
	                   (json_int_t)rows, "area_code", area12, "unmasked", o.unmasked));
}

/* The file of a finished export job, to the user who asked for it, once. */
static void exports_download(api_call *c)
{
	const char *s = zx_req_param(c->req, "id");
	char *end;
	long long id = s && *s && strlen(s) < 19 ? strtoll(s, &end, 10) : 0;
	zx_job job;
	memset(&job, 0, sizeof(job));
	zx_err e = id > 0 && !*end && c->app->jobs ? zx_job_get(c->app->jobs, c->conn, c->actor, id, &job)
	                                           : ZX_ENOTFOUND;
	if (!e && (strcmp(job.kind, EXPORT_JOB_KIND) != 0 || job.user_id != c->actor->user_id))
		e = ZX_ENOTFOUND; /* only its creator may fetch the file */
	if (e) {
		zx_job_release(&job);
		api_error_msg(c, ZX_ENOTFOUND, "not_found", NULL, "导出任务不存在");
		return;
	}
	if (strcmp(job.status, "done") != 0) {
		bool failed = !strcmp(job.status, "failed");
		api_error_msg(c, ZX_ECONFLICT, failed ? "export_failed" : "export_not_ready", NULL, "%s",
		              failed ? "导出失败，没有可下载的文件" : "导出尚未完成，请稍后再试");
		zx_job_release(&job);
		return;
	}
	json_t *params = job.params ? json_loads(job.params, 0, NULL) : NULL;
	zx_export_format f = zx_export_format_parse(json_string_value(json_object_get(params, "format")));
	const char *area = json_string_value(json_object_get(params, "area"));
	char path[700];
	job_path(path, sizeof(path), c->app->data_dir, id, f ? f : ZX_EXPORT_XLSX);
	if (access(path, R_OK) != 0)
		api_error_msg(c, ZX_ENOTFOUND, "export_gone", NULL, "导出文件已下载或已过期，请重新导出");
	else
		send_file(c, path, f ? f : ZX_EXPORT_XLSX,
		          zx_arena_strdup(c->req->arena, area ? area : c->actor->area_code), "households",
		          "农户台账");
	json_decref(params);
	zx_job_release(&job);
}

const api_route api_export_routes[] = {
    {"GET", "/api/v1/exports", exports_get, API_PERSONAL},
    {"POST", "/api/v1/exports", exports_post, API_PERSONAL},
    {"GET", "/api/v1/exports/{id}", exports_download, API_PERSONAL},
    {NULL, NULL, NULL, 0},
};
