/*
 * fuzz_router.c — libFuzzer target for path routing: the first byte picks a method,
 * the rest is the path. Whatever the path, matching must not crash, and a found
 * route's parameters must be NUL-terminated strings shorter than the cap.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"

static zx_router *router;

static void setup(void)
{
	static const char *patterns[] = {
		"/api/v1/session", "/api/v1/me", "/api/v1/areas/{code}", "/api/v1/areas/{code}/children",
		"/api/v1/households", "/api/v1/households/{hh}", "/api/v1/households/{hh}/members/{id}",
		"/api/v1/households/export", "/api/v1/jobs/{id}", "/static/*",
	};
	router = zx_router_new();
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		zx_router_add(router, "GET", patterns[i], (void *)(uintptr_t)(i + 1), NULL);
		zx_router_add(router, "PUT", patterns[i], (void *)(uintptr_t)(i + 100), NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *methods[] = {"GET", "PUT", "POST", "DELETE"};
	if (!router)
		setup();
	if (size < 1)
		return 0;
	char *path = malloc(size);
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	zx_route_match m;
	if (zx_router_match(router, methods[data[0] % 4], path, &m) == ZX_ROUTE_FOUND) {
		assert(m.handler != NULL);
		for (int i = 0; i < m.nparams; i++)
			assert(strlen(m.values[i]) < ZX_ROUTE_MAX_PARAM_LEN);
	}
	free(path);
	return 0;
}
