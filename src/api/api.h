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
	bool secure_cookies; /* add "Secure" (behind TLS) */
	size_t max_body;     /* JSON bodies; default 1 MiB */
	size_t max_upload;   /* imports; default 512 MiB */
	char data_dir[512];  /* uploads, job outputs */
} zx_app;

zx_err zx_api_register(zx_router *r, zx_app *app);

/* For zx_server_opts. */
void zx_api_render_error(zx_req *req, zx_resp *resp, zx_err err);
void zx_api_static(zx_req *req, zx_resp *resp, void *ctx);
void zx_api_limits(const zx_route_match *m, const char *method, zx_route_limits *out);

#endif
