/*
 * api.h — the JSON API under /api/v1 and the embedded UI, wired onto an http router.
 * One file per resource (session.c, areas.c, users.c, audit.c, …); each declares a
 * table of routes that api.c registers.
 */
#ifndef ZX_API_H
#define ZX_API_H

#include <stdbool.h>

#include "base/crypto.h"
#include "http/http.h"
#include "store/store.h"

typedef struct zx_app {
	zx_store *store;
	zx_keys keys;
	bool secure_cookies;     /* add "Secure" (behind TLS) */
	size_t max_body;         /* JSON bodies; default 1 MiB */
	size_t max_upload;       /* imports; default 512 MiB */
	char data_dir[512];      /* uploads, job outputs */
	struct zx_jobs *jobs;    /* background jobs (imports); NULL when not serving */
	char metrics_token[256]; /* Bearer token for /metrics from elsewhere than loopback; "" = none */
} zx_app;

zx_err zx_api_register(zx_router *r, zx_app *app);

/* For zx_server_opts. */
void zx_api_render_error(zx_req *req, zx_resp *resp, zx_err err);
void zx_api_static(zx_req *req, zx_resp *resp, void *ctx);
void zx_api_limits(const zx_route_match *m, const char *method, zx_route_limits *out);
/* on_done: one access-log line (no personal data: route pattern, user id, status,
 * duration) and the request metrics. */
void zx_api_on_done(zx_req *req, int status, int64_t duration_us);
/* Where access-log lines go (default 1, stdout) and their format (0 JSON, 1 text). */
void zx_api_access_log(int fd, int text_format);

#endif
