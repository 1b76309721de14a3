/*
 * router.c — see router.h. Routes are few (~100) and matched linearly; the best
 * match is the one with the most literal segments, so specificity does not depend
 * on registration order.
 */
#include "http/router.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct route {
	char method[8];
	int nseg;
	char *seg[ZX_ROUTE_MAX_SEGMENTS]; /* "{name}" kept without braces in name[] */
	bool is_param[ZX_ROUTE_MAX_SEGMENTS];
	bool rest; /* trailing "*" */
	void *handler;
	void *ctx;
} route;

struct zx_router {
	route *routes;
	int n, cap;
};

/* Frees the segments of a route that was not added. */
static void route_release(route *rt)
{
	for (int k = 0; k < rt->nseg; k++)
		free(rt->seg[k]);
	memset(rt, 0, sizeof(*rt));
}

zx_router *zx_router_new(void)
{
	return calloc(1, sizeof(zx_router));
}

void zx_router_free(zx_router *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->n; i++)
		for (int k = 0; k < r->routes[i].nseg; k++)
			free(r->routes[i].seg[k]);
	free(r->routes);
	free(r);
}

/* Splits "/a/b/c" into segments in place (buf is modified). Returns count, -1 if too many. */
static int split_path(char *buf, char **seg, int max)
{
	int n = 0;
	char *p = buf;
	if (*p == '/')
		p++;
	while (*p) {
		if (n == max)
			return -1;
		seg[n++] = p;
		char *slash = strchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
		p = slash + 1;
	}
	return n;
}

zx_err zx_router_add(zx_router *r, const char *method, const char *pattern, void *handler, void *ctx)
{
	if (!pattern || pattern[0] != '/' || strlen(method) >= sizeof(((route *)0)->method))
		return ZX_EINVAL;
	if (r->n == r->cap) {
		int cap = r->cap ? r->cap * 2 : 32;
		route *nr = realloc(r->routes, (size_t)cap * sizeof(*nr));
		if (!nr)
			return ZX_ENOMEM;
		r->routes = nr;
		r->cap = cap;
	}
	route *rt = &r->routes[r->n];
	memset(rt, 0, sizeof(*rt));
	memcpy(rt->method, method, strlen(method) + 1);
	rt->handler = handler;
	rt->ctx = ctx;
	char buf[512];
	size_t len = strlen(pattern);
	if (len >= sizeof(buf))
		return ZX_EINVAL;
	memcpy(buf, pattern, len + 1);
	char *seg[ZX_ROUTE_MAX_SEGMENTS];
	int n = split_path(buf, seg, ZX_ROUTE_MAX_SEGMENTS);
	if (n < 0)
		return ZX_EINVAL;
	int nparams = 0;
	for (int i = 0; i < n; i++) {
		size_t sl = strlen(seg[i]);
		if (strcmp(seg[i], "*") == 0 && i == n - 1) {
			rt->rest = true;
			rt->is_param[i] = true;
			rt->seg[i] = strdup("*");
			nparams++;
		} else if (sl > 2 && seg[i][0] == '{' && seg[i][sl - 1] == '}') {
			rt->is_param[i] = true;
			rt->seg[i] = strndup(seg[i] + 1, sl - 2);
			nparams++;
		} else {
			rt->seg[i] = strdup(seg[i]);
		}
		rt->nseg = i + 1;
		if (!rt->seg[i]) {
			route_release(rt);
			return ZX_ENOMEM;
		}
	}
	if (nparams > ZX_ROUTE_MAX_PARAMS) {
		route_release(rt);
		return ZX_EINVAL;
	}
	r->n++;
	return ZX_OK;
}

/* Number of literal segments matched, or -1 if the route does not match the path. */
static int route_score(const route *rt, char **seg, int nseg)
{
	if (rt->rest ? nseg < rt->nseg : nseg != rt->nseg)
		return -1;
	int score = 0;
	for (int i = 0; i < rt->nseg; i++) {
		if (rt->rest && i == rt->nseg - 1) {
			/* The rest is delivered whole or not at all (a cut path names another
			 * file), and never starts with '/' (it would read as an absolute path). */
			size_t len = 0;
			for (int k = i; k < nseg; k++)
				len += strlen(seg[k]) + (k > i);
			if (seg[i][0] == '\0' || len >= ZX_ROUTE_MAX_PARAM_LEN)
				return -1;
			continue;
		}
		if (rt->is_param[i]) {
			if (seg[i][0] == '\0' || strlen(seg[i]) >= ZX_ROUTE_MAX_PARAM_LEN)
				return -1;
			continue;
		}
		if (strcmp(rt->seg[i], seg[i]) != 0)
			return -1;
		score++;
	}
	return score;
}

zx_route_result zx_router_match(const zx_router *r, const char *method, const char *path, zx_route_match *m)
{
	char buf[2048];
	size_t len = strlen(path);
	memset(m, 0, sizeof(*m));
	if (len >= sizeof(buf) || path[0] != '/')
		return ZX_ROUTE_NOT_FOUND;
	memcpy(buf, path, len + 1);
	char *seg[64];
	int nseg = split_path(buf, seg, 64);
	if (nseg < 0)
		return ZX_ROUTE_NOT_FOUND;
	const route *best = NULL;
	int best_score = -1;
	bool path_known = false;
	for (int i = 0; i < r->n; i++) {
		int s = route_score(&r->routes[i], seg, nseg);
		if (s < 0)
			continue;
		path_known = true;
		if (strcmp(r->routes[i].method, method) != 0)
			continue;
		if (s > best_score) {
			best = &r->routes[i];
			best_score = s;
		}
	}
	if (!best)
		return path_known ? ZX_ROUTE_BAD_METHOD : ZX_ROUTE_NOT_FOUND;
	m->handler = best->handler;
	m->ctx = best->ctx;
	for (int i = 0; i < best->nseg; i++) {
		if (!best->is_param[i])
			continue;
		int k = m->nparams++;
		m->names[k] = best->seg[i];
		if (best->rest && i == best->nseg - 1) {
			/* Re-join the remaining segments; route_score() checked that they fit. */
			size_t rl = 0;
			for (int s = i; s < nseg; s++) {
				size_t sl = strlen(seg[s]);
				if (s > i)
					m->values[k][rl++] = '/';
				memcpy(m->values[k] + rl, seg[s], sl);
				rl += sl;
			}
			m->values[k][rl] = '\0';
		} else {
			size_t sl = strlen(seg[i]);
			memcpy(m->values[k], seg[i], sl + 1);
		}
	}
	return ZX_ROUTE_FOUND;
}

const char *zx_route_param(const zx_route_match *m, const char *name)
{
	for (int i = 0; i < m->nparams; i++)
		if (strcmp(m->names[i], name) == 0)
			return m->values[i];
	return NULL;
}
