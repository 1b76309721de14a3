/*
 * jobs.c — GET /api/v1/jobs/{id} (state, progress, result, the first errors) and
 * GET /api/v1/jobs/{id}/errors.csv (the whole error list for Excel) of background jobs.
 *
 * A job is visible to its creator and to the administrators of its area; to anyone else
 * it answers 404 exactly like a job that does not exist (domain/jobs/jobs.c decides).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/internal.h"
#include "base/log.h"
#include "domain/jobs/jobs.h"

static bool load_job(api_call *c, zx_job *job)
{
	const char *s = zx_req_param(c->req, "id");
	char *end;
	long long id = s ? strtoll(s, &end, 10) : 0;
	zx_err e =
	    !s || *end || id <= 0 ? ZX_ENOTFOUND : zx_job_get(c->app->jobs, c->conn, c->actor, id, job);
	if (e) {
		if (e == ZX_ENOTFOUND)
			api_error_msg(c, e, "not_found", NULL, "任务不存在");
		else
			api_error(c, e, NULL);
		return false;
	}
	return true;
}

static void jobs_get(api_call *c)
{
	zx_job job;
	if (!load_job(c, &job))
		return;
	json_t *result = json_loads(job.result, 0, NULL);
	if (!json_is_object(result)) {
		json_decref(result);
		result = json_object();
	}
	json_t *errors = json_incref(json_object_get(result, "errors"));
	json_t *warnings = json_incref(json_object_get(result, "warnings"));
	json_t *count = json_incref(json_object_get(result, "error_count"));
	json_object_del(result, "errors");
	json_object_del(result, "warnings");
	json_object_del(result, "error_count");
	json_t *o = json_pack("{s:I,s:s,s:s,s:I,s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:s}", "id",
	                      (json_int_t)job.id, "kind", job.kind, "status", job.status, "progress",
	                      (json_int_t)job.progress, "total", (json_int_t)job.total, "area_code",
	                      job.area_code, "username", job.username, "created_at", api_time(job.created_at),
	                      "started_at", api_time(job.started_at), "finished_at",
	                      api_time(job.finished_at), "result", result, "errors",
	                      errors ? errors : json_array(), "warnings", warnings ? warnings : json_array(),
	                      "has_error_file", job.error_file[0] != '\0', "message", job.message);
	json_object_set_new(o, "error_count", count ? count : json_integer(0));
	zx_job_release(&job);
	api_json(c, 200, o);
}

static void jobs_errors_csv(api_call *c)
{
	zx_job job;
	if (!load_job(c, &job))
		return;
	int fd = job.error_file[0] ? open(job.error_file, O_RDONLY | O_CLOEXEC) : -1;
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		if (fd >= 0)
			close(fd);
		else if (job.error_file[0])
			zx_warn("jobs: error list of job %lld is gone: %s", (long long)job.id,
			        strerror(errno));
		zx_job_release(&job);
		api_error_msg(c, ZX_ENOTFOUND, "not_found", NULL, "该任务没有错误清单");
		return;
	}
	const char *disp =
	    zx_arena_printf(c->req->arena,
	                    "attachment; filename=\"import-errors-%lld.csv\"; filename*=UTF-8''"
	                    "%%E5%%AF%%BC%%E5%%85%%A5%%E9%%94%%99%%E8%%AF%%AF-%lld.csv",
	                    (long long)job.id, (long long)job.id);
	zx_job_release(&job);
	c->resp->status = 200;
	c->resp->content_type = "text/csv; charset=utf-8";
	c->resp->fd = fd;
	c->resp->fd_len = (size_t)sb.st_size;
	if (disp)
		zx_resp_header(c->resp, c->req, "Content-Disposition", disp);
}

const api_route api_job_routes[] = {
    {"GET", "/api/v1/jobs/{id}", jobs_get, API_PERSONAL},
    {"GET", "/api/v1/jobs/{id}/errors.csv", jobs_errors_csv, API_PERSONAL},
    {NULL, NULL, NULL, 0},
};
