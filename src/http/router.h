/*
 * router.h — method + path pattern routing with path parameters ("/api/v1/areas/{code}").
 * Knows nothing of the domain: a route carries an opaque handler pointer and ctx.
 *
 * Matching is segment by segment; a literal segment beats a parameter, so
 * "/households/export" and "/households/{id}" can coexist. Parameter values are
 * the raw path segments (already percent-decoded by the server), capped in length.
 */
#ifndef ZX_ROUTER_H
#define ZX_ROUTER_H

#include <stddef.h>

#include "base/error.h"

#define ZX_ROUTE_MAX_PARAMS 6
#define ZX_ROUTE_MAX_SEGMENTS 12
#define ZX_ROUTE_MAX_PARAM_LEN 256

typedef struct zx_router zx_router;

typedef struct zx_route_match {
	void *handler;
	void *ctx;
	int nparams;
	const char *names[ZX_ROUTE_MAX_PARAMS];
	char values[ZX_ROUTE_MAX_PARAMS][ZX_ROUTE_MAX_PARAM_LEN];
} zx_route_match;

typedef enum { ZX_ROUTE_FOUND, ZX_ROUTE_NOT_FOUND, ZX_ROUTE_BAD_METHOD } zx_route_result;

zx_router *zx_router_new(void);
void zx_router_free(zx_router *r);

/* pattern must start with '/'; segments are literals or {name}; a final "*" segment
 * matches any rest (exposed as parameter "*"). */
zx_err zx_router_add(zx_router *r, const char *method, const char *pattern, void *handler, void *ctx);

zx_route_result zx_router_match(const zx_router *r, const char *method, const char *path, zx_route_match *m);

/* Looks a parameter up in a match; NULL if absent. */
const char *zx_route_param(const zx_route_match *m, const char *name);

#endif
