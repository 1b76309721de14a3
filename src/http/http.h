/*
 * http.h — the HTTP server (libmicrohttpd, internal epoll thread pool), requests and
 * responses. Domain-agnostic: api/ registers handlers on a zx_router and supplies an
 * error renderer; this layer enforces size caps, buffers or streams bodies, adds
 * security headers, logs one line per request, and frees each request's arena.
 */
#ifndef ZX_HTTP_H
#define ZX_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "http/router.h"

typedef struct zx_req zx_req;
typedef struct zx_resp zx_resp;
typedef struct zx_server zx_server;

typedef void (*zx_handler)(zx_req *req, zx_resp *resp, void *ctx);
/* Renders an error for the layer's own refusals (404 unknown route, 405, 413 …). */
typedef void (*zx_error_renderer)(zx_req *req, zx_resp *resp, zx_err err);

typedef struct zx_route_limits {
	size_t max_body;   /* bytes kept in memory; over it -> 413 */
	size_t max_upload; /* bytes streamed to a temp file (upload routes); 0 = not an upload route */
} zx_route_limits;

struct zx_req {
	zx_arena *arena; /* freed when the response has been sent */
	const char *method;
	const char *path; /* percent-decoded, without the query string */
	char client_ip[64];
	char request_id[17];
	int64_t started_us;
	zx_buf body;             /* small bodies; NUL-terminated */
	const char *upload_path; /* upload routes: temp file with the body (deleted afterwards) */
	size_t upload_size;
	zx_route_match match;
	void *user;              /* set by the api layer (the authenticated actor) */
	const char *route_label; /* for logs/metrics: the pattern, never the raw path */
	void *priv;              /* server internals */
};

struct zx_resp {
	int status;
	const char *content_type;
	zx_buf body;
	const void *static_data; /* when set, sent instead of body, not copied/freed */
	size_t static_len;
	int fd; /* when >= 0, the file is sent (and closed) */
	size_t fd_len;
	int nheaders;
	const char *hname[16];
	const char *hvalue[16];
};

/* Request accessors (NULL if absent). */
const char *zx_req_header(zx_req *r, const char *name);
const char *zx_req_query(zx_req *r, const char *name);
const char *zx_req_cookie(zx_req *r, const char *name);
const char *zx_req_param(zx_req *r, const char *name);

/* Response helpers. Header strings must outlive the request (use the arena). */
void zx_resp_header(zx_resp *resp, zx_req *req, const char *name, const char *value);
void zx_resp_text(zx_resp *resp, int status, const char *content_type, const char *text);

typedef struct zx_server_opts {
	const char *listen; /* "127.0.0.1:8080"; port 0 picks a free port */
	int threads;        /* worker threads; 0 = 2 */
	zx_router *router;
	zx_handler fallback; /* called for GET paths no route matches (static assets) */
	zx_error_renderer render_error;
	zx_route_limits default_limits;
	const char *upload_dir; /* temp files for uploads */
	/* Route limits lookup: api/ decides per route (uploads get a large cap). */
	void (*limits_for)(const zx_route_match *m, const char *method, zx_route_limits *out);
	/* Called once per finished request (logging/metrics). */
	void (*on_done)(zx_req *req, int status, int64_t duration_us);
	/* Behind a reverse proxy on loopback: the client address is the last entry of
	 * X-Forwarded-For (the one the proxy appended). */
	bool trust_proxy;
} zx_server_opts;

zx_err zx_server_start(const zx_server_opts *o, zx_server **out, zx_errinfo *ei);
/* The bound port (useful with port 0). */
int zx_server_port(const zx_server *s);
/* Graceful shutdown, first half: stops accepting (the listening socket is closed, so
 * new connections are refused) and waits up to timeout_ms for requests in flight to
 * finish. Returns how many were still running when it gave up (0 = drained). */
int zx_server_drain(zx_server *s, int timeout_ms);
/* Requests currently in flight. */
int zx_server_inflight(const zx_server *s);
/* Stops (cutting whatever is still running), frees. */
void zx_server_stop(zx_server *s);

#endif
