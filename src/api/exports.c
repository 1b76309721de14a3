/*
 * exports.c — GET /api/v1/exports?kind=households&area=&format=csv|xlsx[&unmasked=1]
 * (plus the list filters village, q, hh_type/type, category, group): the households of the
 * filter as a file in the import template's columns.
 *
 * The file is written under the app's data_dir (never in memory), opened, unlinked, and
 * sent from the open descriptor, so nothing of it stays on disk after the reply and a
 * crash leaves at most one export-* file in data_dir. At most EXPORTS_MAX exports run at
 * once (each holds a worker thread and a read snapshot). Unmasked exports need a role
 * that may unmask; every export is audited by the domain before the file is sent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/internal.h"
#include "base/log.h"
#include "domain/registry/export.h"

#define EXPORTS_MAX 2

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
		              "不支持的导出类型: %s（可选 households）", kind);
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
static void send_file(api_call *c, const char *path, const zx_export_opts *o)
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
	bool csv = o->format == ZX_EXPORT_CSV;
	const char *area = *o->filter.village ? o->filter.village
	                   : *o->filter.area  ? o->filter.area
	                                      : c->actor->area_code;
	const char *ext = csv ? "csv" : "xlsx";
	/* 农户台账 percent-encoded for filename*; the plain filename is ASCII for old clients. */
	const char *disp = zx_arena_printf(c->req->arena,
	                                   "attachment; filename=\"households-%s.%s\"; filename*=UTF-8''"
	                                   "%%E5%%86%%9C%%E6%%88%%B7%%E5%%8F%%B0%%E8%%B4%%A6-%s.%s",
	                                   area, ext, area, ext);
	c->resp->status = 200;
	c->resp->content_type = csv ? "text/csv; charset=utf-8"
	                            : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	c->resp->fd = fd;
	c->resp->fd_len = (size_t)sb.st_size;
	if (disp)
		zx_resp_header(c->resp, c->req, "Content-Disposition", disp);
}

static void exports_get(api_call *c)
{
	zx_export_opts o;
	if (!parse_opts(c, &o))
		return;
	if (atomic_fetch_add(&running, 1) >= EXPORTS_MAX) {
		atomic_fetch_sub(&running, 1);
		api_error_msg(c, ZX_ECONFLICT, "export_busy", NULL, "导出任务较多，请稍后再试");
		return;
	}
	char *path = zx_arena_printf(c->req->arena, "%s/export-XXXXXX", c->app->data_dir);
	int fd = path ? mkstemp(path) : -1;
	if (fd < 0) {
		atomic_fetch_sub(&running, 1);
		zx_error("exports: cannot create a file in the data directory: %s", strerror(errno));
		api_error_msg(c, ZX_EIO, "export_failed", NULL, "导出失败：无法创建临时文件");
		return;
	}
	close(fd);
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
	send_file(c, path, &o);
}

const api_route api_export_routes[] = {
    {"GET", "/api/v1/exports", exports_get, API_PERSONAL},
    {NULL, NULL, NULL, 0},
};
