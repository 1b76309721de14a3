/*
 * ops.c — what operators see: GET /metrics (Prometheus text format; from loopback
 * without a proxy header, or with "Authorization: Bearer <metrics_token>") and the
 * per-request access log written by the server's on_done hook.
 *
 * No personal data in either: the access log carries the route *pattern*
 * (/api/v1/households/{id}, never the ID itself), the numeric user id, status and
 * duration — no names, no client addresses, no query strings.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/internal.h"
#include "base/clock.h"
#include "domain/auth/security.h"
#include "http/metrics.h"

static _Atomic uint64_t login_failures;
static _Atomic int access_fd = 1;
static _Atomic int access_text;

void api_ops_login_failed(void)
{
	atomic_fetch_add(&login_failures, 1);
}

void zx_api_access_log(int fd, int text_format)
{
	atomic_store(&access_fd, fd);
	atomic_store(&access_text, text_format);
}

void zx_api_on_done(zx_req *req, int status, int64_t duration_us)
{
	const char *route = req->route_label ? req->route_label : "other";
	zx_metrics_observe(route, req->method, status, duration_us);
	int fd = atomic_load(&access_fd);
	if (fd < 0)
		return;
	const zx_actor *who = req->user;
	char uid[24] = "null";
	if (who && who->user_id > 0)
		snprintf(uid, sizeof(uid), "%lld", (long long)who->user_id);
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char when[96];
	snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)(ts.tv_nsec / 1000000) % 1000);
	const char *method = req->method;
	if (strcmp(method, "GET") && strcmp(method, "POST") && strcmp(method, "PUT") &&
	    strcmp(method, "DELETE") && strcmp(method, "HEAD") && strcmp(method, "PATCH") &&
	    strcmp(method, "OPTIONS"))
		method = "OTHER";
	/* Route patterns are ASCII without quotes or backslashes (they come from our own tables). */
	char line[512];
	int n =
	    atomic_load(&access_text)
	        ? snprintf(line, sizeof(line), "%s request %s %s %s %d %.3fms user=%s\n", when,
	                   req->request_id, method, route, status, (double)duration_us / 1000.0, uid)
	        : snprintf(line, sizeof(line),
	                   "{\"time\":\"%s\",\"type\":\"request\",\"request_id\":\"%s\",\"user_id\":%s,"
	                   "\"method\":\"%s\",\"route\":\"%s\",\"status\":%d,\"duration_ms\":%.3f}\n",
	                   when, req->request_id, uid, method, route, status, (double)duration_us / 1000.0);
	if (n > 0) {
		size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
		ssize_t w = write(fd, line, len); /* one write per line: lines never interleave */
		(void)w;
	}
}

static bool metrics_allowed(api_call *c)
{
	bool loopback = strcmp(c->req->client_ip, "127.0.0.1") == 0 || strcmp(c->req->client_ip, "::1") == 0;
	/* Behind nginx every request comes from loopback: a forwarded one is not local. */
	if (loopback && !zx_req_header(c->req, "X-Forwarded-For") && !zx_req_header(c->req, "X-Real-IP"))
		return true;
	const char *auth = zx_req_header(c->req, "Authorization");
	const char *tok = c->app->metrics_token;
	if (!tok[0] || !auth || strncmp(auth, "Bearer ", 7) != 0)
		return false;
	auth += 7;
	return strlen(auth) == strlen(tok) && zx_ct_strcmp(auth, tok) == 0;
}

static double file_size(const char *path, const char *suffix)
{
	char p[1100];
	snprintf(p, sizeof(p), "%s%s", path, suffix);
	struct stat st;
	return stat(p, &st) == 0 ? (double)st.st_size : 0;
}

static void metrics(api_call *c)
{
	if (!metrics_allowed(c)) {
		api_error_msg(c, ZX_EFORBIDDEN, "forbidden", NULL, "指标接口仅限本机或持有令牌访问");
		return;
	}
	zx_buf *b = &c->resp->body;
	zx_buf_reset(b);
	zx_err e = zx_metrics_render(b);
	int64_t sessions = 0, jobs = 0;
	if (!e && zx_sessions_active(c->conn, &sessions) == ZX_OK)
		e = zx_metrics_write(b, "zx_sessions_active", "gauge",
		                     "Sessions used within the idle timeout.", (double)sessions);
	if (!e && zx_query_int(c->conn, NULL, ZXQ_jobs_pending_count, ZX_NOARGS, &jobs) == ZX_OK)
		e = zx_metrics_write(b, "zx_jobs_queue_length", "gauge", "Background jobs queued or running.",
		                     (double)jobs);
	if (!e)
		e = zx_metrics_write(b, "zx_login_failures_total", "counter",
		                     "Refused logins (wrong password or code, locked, disabled) since start.",
		                     (double)atomic_load(&login_failures));
	if (!e && zx_store_backend(c->app->store) == ZX_BACKEND_SQLITE) {
		const char *db = zx_store_url(c->app->store);
		e = zx_metrics_write(b, "zx_db_size_bytes", "gauge",
		                     "Database file plus its write-ahead log.",
		                     file_size(db, "") + file_size(db, "-wal"));
	} else if (!e) {
		int64_t bytes = 0;
		if (zx_query_int(c->conn, NULL, ZXQ_db_size_bytes, ZX_NOARGS, &bytes) == ZX_OK)
			e = zx_metrics_write(b, "zx_db_size_bytes", "gauge",
			                     "Tables and indexes of the database's schema.", (double)bytes);
	}
	long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		long size;
		if (fscanf(f, "%ld %ld", &size, &pages) != 2)
			pages = 0;
		fclose(f);
	}
	if (!e && pages > 0)
		e = zx_metrics_write(b, "zx_process_resident_memory_bytes", "gauge", "Resident set size.",
		                     (double)pages * (double)sysconf(_SC_PAGESIZE));
	if (e) {
		api_error(c, e, NULL);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

const api_route api_ops_routes[] = {
    {"GET", "/metrics", metrics, API_PUBLIC},
    {NULL, NULL, NULL, 0},
};
