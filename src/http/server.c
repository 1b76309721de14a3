/*
 * server.c — libmicrohttpd glue: one zx_req/zx_resp pair per request, body
 * buffering under a per-route cap (or streaming to a temp file for uploads), the
 * handler call, security headers, and cleanup when MHD reports completion.
 *
 * Invariants: every request's memory lives in its arena or its state struct and is
 * freed in request_completed(); a body over its cap is never stored (413); a
 * handler that sets no status produces a 500, never an empty 200.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "http/http.h"

#define REQ_ARENA_MAX (64u << 20)

struct zx_server {
	struct MHD_Daemon *daemon;
	zx_server_opts o;
	int port;
	char upload_dir[512];
	_Atomic int inflight; /* req_states alive: from the first header callback to completion */
	bool quiesced;
};

typedef struct req_state {
	zx_req req;
	zx_resp resp;
	zx_server *srv;
	struct MHD_Connection *conn;
	zx_route_result route;
	zx_route_limits limits;
	int upload_fd;
	char upload_path[600];
	bool too_big;
	bool io_failed;
} req_state;

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void make_request_id(char out[17])
{
	static _Atomic uint64_t counter;
	static uint64_t salt;
	if (!salt && getrandom(&salt, sizeof(salt), 0) != sizeof(salt))
		salt = (uint64_t)time(NULL);
	uint64_t v = salt ^ (atomic_fetch_add(&counter, 1) * 0x9E3779B97F4A7C15ull);
	snprintf(out, 17, "%016llx", (unsigned long long)v);
}

/* --- request accessors --------------------------------------------------------- */

static struct MHD_Connection *req_conn(zx_req *r)
{
	return ((req_state *)r->priv)->conn;
}

const char *zx_req_header(zx_req *r, const char *name)
{
	return MHD_lookup_connection_value(req_conn(r), MHD_HEADER_KIND, name);
}

const char *zx_req_query(zx_req *r, const char *name)
{
	return MHD_lookup_connection_value(req_conn(r), MHD_GET_ARGUMENT_KIND, name);
}

const char *zx_req_cookie(zx_req *r, const char *name)
{
	return MHD_lookup_connection_value(req_conn(r), MHD_COOKIE_KIND, name);
}

const char *zx_req_param(zx_req *r, const char *name)
{
	return zx_route_param(&r->match, name);
}

void zx_resp_header(zx_resp *resp, zx_req *req, const char *name, const char *value)
{
	(void)req;
	for (int i = 0; i < resp->nheaders; i++) {
		if (strcasecmp(resp->hname[i], name) == 0) {
			resp->hvalue[i] = value;
			return;
		}
	}
	if (resp->nheaders < (int)(sizeof(resp->hname) / sizeof(resp->hname[0]))) {
		resp->hname[resp->nheaders] = name;
		resp->hvalue[resp->nheaders++] = value;
	} else {
		zx_error("http: too many response headers, dropped %s", name);
	}
}

void zx_resp_text(zx_resp *resp, int status, const char *content_type, const char *text)
{
	resp->status = status;
	resp->content_type = content_type;
	zx_buf_reset(&resp->body);
	if (zx_buf_adds(&resp->body, text) != ZX_OK)
		resp->status = 500;
}

/* --- lifecycle ----------------------------------------------------------------- */

static void state_free(req_state *rs)
{
	if (!rs)
		return;
	if (rs->upload_fd >= 0)
		close(rs->upload_fd);
	if (rs->upload_path[0])
		unlink(rs->upload_path);
	if (rs->resp.fd >= 0)
		close(rs->resp.fd);
	atomic_fetch_sub(&rs->srv->inflight, 1);
	zx_buf_release(&rs->req.body);
	zx_buf_release(&rs->resp.body);
	zx_arena_free(rs->req.arena);
	free(rs);
}

static void request_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)connection;
	req_state *rs = *con_cls;
	if (!rs)
		return;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
		zx_info("http: request %s ended early (code %d)", rs->req.request_id, (int)toe);
	state_free(rs);
	*con_cls = NULL;
}

static void fill_client_ip(struct MHD_Connection *c, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, cap, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)cap);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)cap);
}

/* The proxy appends the address it saw to X-Forwarded-For: trust only that last entry,
 * and only when the peer itself is loopback (the proxy on this machine). */
static void forwarded_ip(struct MHD_Connection *c, char *ip, size_t cap)
{
	if (strcmp(ip, "127.0.0.1") != 0 && strcmp(ip, "::1") != 0)
		return;
	const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
	if (!xff)
		return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ')
		last++;
	char cand[64];
	size_t n = strcspn(last, " ");
	if (n == 0 || n >= sizeof(cand))
		return;
	memcpy(cand, last, n);
	cand[n] = '\0';
	unsigned char tmp[16];
	if (inet_pton(AF_INET, cand, tmp) == 1 || inet_pton(AF_INET6, cand, tmp) == 1)
		snprintf(ip, cap, "%s", cand);
}

static req_state *state_new(zx_server *srv, struct MHD_Connection *conn, const char *url, const char *method)
{
	req_state *rs = calloc(1, sizeof(*rs));
	if (!rs)
		return NULL;
	rs->req.arena = zx_arena_new(REQ_ARENA_MAX);
	if (!rs->req.arena) {
		free(rs);
		return NULL;
	}
	rs->srv = srv;
	atomic_fetch_add(&srv->inflight, 1);
	rs->conn = conn;
	rs->upload_fd = -1;
	rs->resp.fd = -1;
	rs->req.priv = rs;
	rs->req.method = zx_arena_strdup(rs->req.arena, method);
	rs->req.path = zx_arena_strdup(rs->req.arena, url);
	rs->req.started_us = now_us();
	make_request_id(rs->req.request_id);
	fill_client_ip(conn, rs->req.client_ip, sizeof(rs->req.client_ip));
	if (srv->o.trust_proxy)
		forwarded_ip(conn, rs->req.client_ip, sizeof(rs->req.client_ip));
	rs->limits = srv->o.default_limits;
	rs->route = zx_router_match(srv->o.router, method, url, &rs->req.match);
	if (rs->route == ZX_ROUTE_FOUND && srv->o.limits_for)
		srv->o.limits_for(&rs->req.match, method, &rs->limits);
	zx_buf_init(&rs->req.body, rs->limits.max_body);
	zx_buf_init(&rs->resp.body, (size_t)256 << 20);
	return rs;
}

static zx_err upload_open(req_state *rs)
{
	snprintf(rs->upload_path, sizeof(rs->upload_path), "%s/upload-%s.tmp", rs->srv->upload_dir,
	         rs->req.request_id);
	rs->upload_fd = open(rs->upload_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (rs->upload_fd < 0) {
		zx_error("http: cannot create upload file: %s", strerror(errno));
		rs->upload_path[0] = '\0';
		return ZX_EIO;
	}
	rs->req.upload_path = rs->upload_path;
	return ZX_OK;
}

static void take_body(req_state *rs, const char *data, size_t n)
{
	if (rs->too_big || rs->io_failed)
		return;
	if (rs->limits.max_upload) {
		if (rs->req.upload_size + n > rs->limits.max_upload) {
			rs->too_big = true;
			return;
		}
		if (rs->upload_fd < 0 && upload_open(rs) != ZX_OK) {
			rs->io_failed = true;
			return;
		}
		while (n > 0) {
			ssize_t w = write(rs->upload_fd, data, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				zx_error("http: upload write failed: %s", strerror(errno));
				rs->io_failed = true;
				return;
			}
			rs->req.upload_size += (size_t)w;
			data += w;
			n -= (size_t)w;
		}
		return;
	}
	zx_err e = zx_buf_add(&rs->req.body, data, n);
	if (e == ZX_ETOOBIG)
		rs->too_big = true;
	else if (e)
		rs->io_failed = true;
}

static void add_standard_headers(struct MHD_Response *r, const zx_resp *resp, const zx_req *req)
{
	bool has_cache = false;
	for (int i = 0; i < resp->nheaders; i++) {
		MHD_add_response_header(r, resp->hname[i], resp->hvalue[i]);
		if (strcasecmp(resp->hname[i], "Cache-Control") == 0)
			has_cache = true;
	}
	MHD_add_response_header(r, "Content-Type",
	                        resp->content_type ? resp->content_type : "application/json; charset=utf-8");
	if (!has_cache)
		MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Request-Id", req->request_id);
}

static enum MHD_Result send_response(req_state *rs)
{
	zx_resp *resp = &rs->resp;
	struct MHD_Response *r;
	if (resp->status < 100 || resp->status > 599) {
		zx_error("http: handler for %s left no status",
		         rs->req.route_label ? rs->req.route_label : "?");
		rs->srv->o.render_error(&rs->req, resp, ZX_EINTERNAL);
	}
	if (resp->fd >= 0) {
		r = MHD_create_response_from_fd(resp->fd_len, resp->fd);
		resp->fd = -1; /* MHD owns it now */
	} else if (resp->static_data) {
		r = MHD_create_response_from_buffer(resp->static_len, (void *)resp->static_data,
		                                    MHD_RESPMEM_PERSISTENT);
	} else {
		size_t len;
		char *data = zx_buf_detach(&resp->body, &len);
		r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
		if (!r)
			free(data);
	}
	if (!r)
		return MHD_NO;
	add_standard_headers(r, resp, &rs->req);
	enum MHD_Result ret = MHD_queue_response(rs->conn, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	int64_t dur = now_us() - rs->req.started_us;
	if (rs->srv->o.on_done)
		rs->srv->o.on_done(&rs->req, resp->status, dur);
	return ret;
}

static void run_handler(req_state *rs)
{
	zx_server *srv = rs->srv;
	zx_req *req = &rs->req;
	if (rs->too_big) {
		srv->o.render_error(req, &rs->resp, ZX_ETOOBIG);
	} else if (rs->io_failed) {
		srv->o.render_error(req, &rs->resp, ZX_EIO);
	} else if (rs->route == ZX_ROUTE_FOUND) {
		((zx_handler)req->match.handler)(req, &rs->resp, req->match.ctx);
	} else if (rs->route == ZX_ROUTE_BAD_METHOD) {
		srv->o.render_error(req, &rs->resp, ZX_EMETHOD);
	} else if ((strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) && srv->o.fallback) {
		srv->o.fallback(req, &rs->resp, NULL);
	} else {
		srv->o.render_error(req, &rs->resp, ZX_ENOTFOUND);
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
	(void)version;
	zx_server *srv = cls;
	req_state *rs = *con_cls;
	if (!rs) {
		rs = state_new(srv, conn, url, method);
		if (!rs)
			return MHD_NO;
		*con_cls = rs;
		/* Refuse a declared oversize body before reading any of it. */
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (cl) {
			char *end;
			unsigned long long n = strtoull(cl, &end, 10);
			size_t cap = rs->limits.max_upload ? rs->limits.max_upload : rs->limits.max_body;
			if (*end == '\0' && n > cap) {
				rs->too_big = true;
				run_handler(rs);
				return send_response(rs);
			}
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		take_body(rs, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rs->upload_fd >= 0) {
		close(rs->upload_fd);
		rs->upload_fd = -1;
	}
	run_handler(rs);
	return send_response(rs);
}

static int hex_value(char ch)
{
	return ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10;
}

/* Percent-decoding of paths and query values as MHD's default does, except that "%00"
 * stays as it is: a decoded NUL would silently cut the C string, so that
 * "/api/v1/users/1%00x" reached user 1 and a query value lost its tail. */
static size_t unescape_keep_nul(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	char *w = s;
	const char *r = s;
	while (*r) {
		if (r[0] == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2]) &&
		    (r[1] != '0' || r[2] != '0')) {
			*w++ = (char)(hex_value(r[1]) << 4 | hex_value(r[2]));
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

static zx_err parse_listen(const char *listen, struct sockaddr_storage *ss, zx_errinfo *ei)
{
	char host[128];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof(host))
		return zx_fail(ei, ZX_EINVAL, "bad_listen", "--listen", 0,
		               "监听地址格式应为 IP:端口，例如 127.0.0.1:8080");
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return zx_fail(ei, ZX_EINVAL, "bad_listen", "--listen", 0, "监听端口无效: %s", colon + 1);
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	size_t hl = strlen(host);
	if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1)
			return ZX_OK;
	} else {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &s4->sin_addr) == 1)
			return ZX_OK;
	}
	return zx_fail(ei, ZX_EINVAL, "bad_listen", "--listen", 0, "监听地址无效: %s", host);
}

zx_err zx_server_start(const zx_server_opts *o, zx_server **out, zx_errinfo *ei)
{
	struct sockaddr_storage ss;
	zx_err e = parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &ss, ei);
	if (e)
		return e;
	zx_server *s = calloc(1, sizeof(*s));
	if (!s)
		return ZX_ENOMEM;
	s->o = *o;
	snprintf(s->upload_dir, sizeof(s->upload_dir), "%s", o->upload_dir ? o->upload_dir : "/tmp");
	/* ITC lets MHD_quiesce_daemon() wake the pool threads for a graceful drain. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	if (((struct sockaddr *)&ss)->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads > 0 ? o->threads : 2),
	    MHD_OPTION_NOTIFY_COMPLETED, request_completed, s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)64 * 1024, MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_CONNECTION_LIMIT, 1024u,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_UNESCAPE_CALLBACK, unescape_keep_nul, NULL,
	    MHD_OPTION_END);
	if (!s->daemon) {
		free(s);
		return zx_fail(ei, ZX_EIO, "listen_failed", "--listen", 0,
		               "无法在 %s 上启动服务（端口被占用或无权限）",
		               o->listen ? o->listen : "127.0.0.1:8080");
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	*out = s;
	return ZX_OK;
}

int zx_server_port(const zx_server *s)
{
	return s->port;
}

int zx_server_inflight(const zx_server *s)
{
	return s ? atomic_load(&((zx_server *)s)->inflight) : 0;
}

int zx_server_drain(zx_server *s, int timeout_ms)
{
	if (!s)
		return 0;
	if (!s->quiesced) {
		MHD_socket fd = MHD_quiesce_daemon(s->daemon);
		if (fd != MHD_INVALID_SOCKET)
			close(fd); /* pending connects now fail at once instead of waiting in the backlog */
		else
			zx_warn("http: could not stop accepting connections before the drain");
		s->quiesced = true;
	}
	int64_t deadline = now_us() + (int64_t)timeout_ms * 1000;
	while (atomic_load(&s->inflight) > 0 && now_us() < deadline) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return atomic_load(&s->inflight);
}

void zx_server_stop(zx_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	free(s);
}
