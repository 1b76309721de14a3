/*
 * test_router.c — the path router: which route a method + path reaches, what its
 * parameters hold, and the difference between "no such path" (404) and "path exists,
 * method does not" (405). Handlers are opaque tags; only the router is under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "http/router.h"

#define TAG(n) ((void *)(uintptr_t)(n))

enum { H_HH_GET = 1, H_HH_EXPORT, H_HH_PUT, H_AREA, H_AREA_CHILDREN, H_MEMBER, H_STATIC, H_ME, H_HH_LIST };

static zx_router *make(bool export_first)
{
	zx_router *r = zx_router_new();
	assert_non_null(r);
	if (export_first)
		assert_int_equal(zx_router_add(r, "GET", "/api/v1/households/export", TAG(H_HH_EXPORT), NULL), ZX_OK);
	assert_int_equal(zx_router_add(r, "GET", "/api/v1/households/{hh}", TAG(H_HH_GET), NULL), ZX_OK);
	if (!export_first)
		assert_int_equal(zx_router_add(r, "GET", "/api/v1/households/export", TAG(H_HH_EXPORT), NULL), ZX_OK);
	assert_int_equal(zx_router_add(r, "PUT", "/api/v1/households/{hh}", TAG(H_HH_PUT), NULL), ZX_OK);
	assert_int_equal(zx_router_add(r, "GET", "/api/v1/households", TAG(H_HH_LIST), NULL), ZX_OK);
	assert_int_equal(zx_router_add(r, "GET", "/api/v1/areas/{code}", TAG(H_AREA), NULL), ZX_OK);
	assert_int_equal(zx_router_add(r, "GET", "/api/v1/areas/{code}/children", TAG(H_AREA_CHILDREN), NULL),
	                 ZX_OK);
	assert_int_equal(
	    zx_router_add(r, "GET", "/api/v1/households/{hh}/members/{id}", TAG(H_MEMBER), NULL), ZX_OK);
	assert_int_equal(zx_router_add(r, "GET", "/static/*", TAG(H_STATIC), NULL), ZX_OK);
	assert_int_equal(zx_router_add(r, "GET", "/api/v1/me", TAG(H_ME), NULL), ZX_OK);
	return r;
}

static void *route(zx_router *r, const char *method, const char *path, zx_route_match *m)
{
	zx_route_result res = zx_router_match(r, method, path, m);
	return res == ZX_ROUTE_FOUND ? m->handler : NULL;
}

static void test_literal_segment_beats_parameter_whatever_the_registration_order(void **state)
{
	(void)state;
	for (int order = 0; order < 2; order++) {
		zx_router *r = make(order == 0);
		zx_route_match m;
		assert_ptr_equal(route(r, "GET", "/api/v1/households/export", &m), TAG(H_HH_EXPORT));
		assert_int_equal(m.nparams, 0);
		assert_ptr_equal(route(r, "GET", "/api/v1/households/5107221010020001", &m), TAG(H_HH_GET));
		assert_string_equal(zx_route_param(&m, "hh"), "5107221010020001");
		zx_router_free(r);
	}
}

static void test_path_parameters_are_named_and_hold_their_segment(void **state)
{
	(void)state;
	zx_router *r = make(true);
	zx_route_match m;
	assert_ptr_equal(route(r, "GET", "/api/v1/areas/510722101002/children", &m), TAG(H_AREA_CHILDREN));
	assert_int_equal(m.nparams, 1);
	assert_string_equal(zx_route_param(&m, "code"), "510722101002");
	assert_null(zx_route_param(&m, "hh"));

	assert_ptr_equal(route(r, "GET", "/api/v1/households/H-7/members/42", &m), TAG(H_MEMBER));
	assert_int_equal(m.nparams, 2);
	assert_string_equal(zx_route_param(&m, "hh"), "H-7");
	assert_string_equal(zx_route_param(&m, "id"), "42");
	zx_router_free(r);
}

static void test_route_carries_its_ctx(void **state)
{
	(void)state;
	zx_router *r = zx_router_new();
	int ctx_a, ctx_b;
	assert_int_equal(zx_router_add(r, "GET", "/a", TAG(1), &ctx_a), ZX_OK);
	assert_int_equal(zx_router_add(r, "POST", "/a", TAG(2), &ctx_b), ZX_OK);
	zx_route_match m;
	assert_ptr_equal(route(r, "POST", "/a", &m), TAG(2));
	assert_ptr_equal(m.ctx, &ctx_b);
	assert_ptr_equal(route(r, "GET", "/a", &m), TAG(1));
	assert_ptr_equal(m.ctx, &ctx_a);
	zx_router_free(r);
}

static void test_known_path_with_other_method_is_bad_method_not_not_found(void **state)
{
	(void)state;
	zx_router *r = make(true);
	zx_route_match m;
	assert_int_equal(zx_router_match(r, "PATCH", "/api/v1/me", &m), ZX_ROUTE_BAD_METHOD);
	assert_int_equal(zx_router_match(r, "DELETE", "/api/v1/areas/510722000000", &m), ZX_ROUTE_BAD_METHOD);
	/* PUT exists for {hh}: the parameter route answers PUT even for the literal "export". */
	assert_ptr_equal(route(r, "PUT", "/api/v1/households/export", &m), TAG(H_HH_PUT));
	assert_string_equal(zx_route_param(&m, "hh"), "export");
	assert_int_equal(zx_router_match(r, "GET", "/api/v1/nothing", &m), ZX_ROUTE_NOT_FOUND);
	assert_int_equal(zx_router_match(r, "POST", "/api/v1/nothing", &m), ZX_ROUTE_NOT_FOUND);
	assert_int_equal(zx_router_match(r, "GET", "/api/v1/areas/510722000000/children/x", &m),
	                 ZX_ROUTE_NOT_FOUND);
	zx_router_free(r);
}

static void test_method_match_is_exact_and_case_sensitive(void **state)
{
	(void)state;
	zx_router *r = make(true);
	zx_route_match m;
	assert_int_equal(zx_router_match(r, "get", "/api/v1/me", &m), ZX_ROUTE_BAD_METHOD);
	assert_int_equal(zx_router_match(r, "HEAD", "/api/v1/me", &m), ZX_ROUTE_BAD_METHOD);
	zx_router_free(r);
}

static void test_trailing_slash_reaches_the_same_route_without_polluting_parameters(void **state)
{
	(void)state;
	zx_router *r = make(true);
	zx_route_match m;
	assert_ptr_equal(route(r, "GET", "/api/v1/me/", &m), TAG(H_ME));
	assert_ptr_equal(route(r, "GET", "/api/v1/areas/510722000000/", &m), TAG(H_AREA));
	assert_string_equal(zx_route_param(&m, "code"), "510722000000");
	zx_router_free(r);
}

static void test_empty_segments_never_fill_a_parameter(void **state)
{
	(void)state;
	zx_router *r = make(true);
	zx_route_match m;
	/* "/areas/" must not reach {code} with an empty code. */
	assert_int_equal(zx_router_match(r, "GET", "/api/v1/areas/", &m), ZX_ROUTE_NOT_FOUND);
	assert_int_equal(zx_router_match(r, "GET", "/api/v1/areas//children", &m), ZX_ROUTE_NOT_FOUND);
	assert_int_equal(zx_router_match(r, "GET", "/api/v1/households//members/1", &m), ZX_ROUTE_NOT_FOUND);
	/* An empty segment between literals is another path. */
	assert_int_equal(zx_router_match(r, "GET", "/api//v1/me", &m), ZX_ROUTE_NOT_FOUND);
	assert_int_equal(zx_router_match(r, "GET", "//api/v1/me", &m), ZX_ROUTE_NOT_FOUND);
	zx_router_free(r);
}

static void test_path_must_be_absolute(void **state)
{
	(void)state;
	zx_router *r = make(true);
	zx_route_match m;
	assert_int_equal(zx_router_match(r, "GET", "api/v1/me", &m), ZX_ROUTE_NOT_FOUND);
	assert_int_equal(zx_router_match(r, "GET", "", &m), ZX_ROUTE_NOT_FOUND);
	zx_router_free(r);
}

static void fill(char *buf, char ch, size_t n)
{
	memset(buf, ch, n);
	buf[n] = '\0';
}

static void test_parameter_longer_than_the_cap_does_not_match(void **state)
{
	(void)state;
	zx_router *r = make(true);
	zx_route_match m;
	char path[600], seg[ZX_ROUTE_MAX_PARAM_LEN + 1];
	fill(seg, '7', ZX_ROUTE_MAX_PARAM_LEN - 1);
	snprintf(path, sizeof(path), "/api/v1/areas/%s", seg);
	assert_ptr_equal(route(r, "GET", path, &m), TAG(H_AREA));
	assert_int_equal(strlen(zx_route_param(&m, "code")), ZX_ROUTE_MAX_PARAM_LEN - 1);
	fill(seg, '7', ZX_ROUTE_MAX_PARAM_LEN);
	snprintf(path, sizeof(path), "/api/v1/areas/%s", seg);
	assert_int_equal(zx_router_match(r, "GET", path, &m), ZX_ROUTE_NOT_FOUND);
	zx_router_free(r);
}

static void test_over_long_path_and_too_many_segments_are_not_found(void **state)
{
	(void)state;
	zx_router *r = make(true);
	zx_route_match m;
	static char path[8192];
	fill(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	assert_int_equal(zx_router_match(r, "GET", path, &m), ZX_ROUTE_NOT_FOUND);
	/* 200 segments under /static/: more than the router splits. */
	size_t n = 0;
	n += (size_t)snprintf(path + n, sizeof(path) - n, "/static");
	for (int i = 0; i < 200; i++)
		n += (size_t)snprintf(path + n, sizeof(path) - n, "/s");
	assert_int_equal(zx_router_match(r, "GET", path, &m), ZX_ROUTE_NOT_FOUND);
	zx_router_free(r);
}

static void test_star_rest_parameter_holds_the_remaining_path(void **state)
{
	(void)state;
	zx_router *r = make(true);
	zx_route_match m;
	assert_ptr_equal(route(r, "GET", "/static/vendor/vue/vue.global.prod.js", &m), TAG(H_STATIC));
	assert_int_equal(m.nparams, 1);
	assert_string_equal(zx_route_param(&m, "*"), "vendor/vue/vue.global.prod.js");
	assert_ptr_equal(route(r, "GET", "/static/a.css", &m), TAG(H_STATIC));
	assert_string_equal(zx_route_param(&m, "*"), "a.css");
	/* The rest has at least one segment. */
	assert_int_equal(zx_router_match(r, "GET", "/static", &m), ZX_ROUTE_NOT_FOUND);
	assert_int_equal(zx_router_match(r, "GET", "/static/", &m), ZX_ROUTE_NOT_FOUND);
	zx_router_free(r);
}

static void test_star_rest_is_never_silently_truncated(void **state)
{
	(void)state;
	zx_router *r = make(true);
	zx_route_match m;
	char path[1200], rest[1000];
	/* Exactly at the cap - 1: delivered whole. */
	fill(rest, 'x', ZX_ROUTE_MAX_PARAM_LEN - 1);
	rest[100] = '/';
	snprintf(path, sizeof(path), "/static/%s", rest);
	assert_ptr_equal(route(r, "GET", path, &m), TAG(H_STATIC));
	assert_string_equal(zx_route_param(&m, "*"), rest);
	/* Longer: a truncated rest would name another file, so the route must not match. */
	fill(rest, 'x', 600);
	rest[100] = rest[300] = '/';
	snprintf(path, sizeof(path), "/static/%s", rest);
	zx_route_result res = zx_router_match(r, "GET", path, &m);
	if (res == ZX_ROUTE_FOUND)
		assert_string_equal(zx_route_param(&m, "*"), rest);
	assert_int_equal(res, ZX_ROUTE_NOT_FOUND);
	zx_router_free(r);
}

static void test_star_rest_does_not_start_with_an_empty_segment(void **state)
{
	(void)state;
	zx_router *r = make(true);
	zx_route_match m;
	/* "/static//etc/passwd" must not hand "/etc/passwd" (an absolute path) to a handler. */
	zx_route_result res = zx_router_match(r, "GET", "/static//etc/passwd", &m);
	if (res == ZX_ROUTE_FOUND)
		assert_true(zx_route_param(&m, "*")[0] != '/');
	assert_int_equal(res, ZX_ROUTE_NOT_FOUND);
	zx_router_free(r);
}

static void test_add_rejects_bad_patterns_without_leaking(void **state)
{
	(void)state;
	zx_router *r = zx_router_new();
	assert_int_equal(zx_router_add(r, "GET", "no/leading/slash", TAG(1), NULL), ZX_EINVAL);
	assert_int_equal(zx_router_add(r, "TOOLONGMETHOD", "/a", TAG(1), NULL), ZX_EINVAL);
	/* More parameters than a match can hold (ASan's leak check runs over this too). */
	assert_int_equal(zx_router_add(r, "GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}", TAG(1), NULL), ZX_EINVAL);
	/* More segments than a route may have. */
	assert_int_equal(zx_router_add(r, "GET", "/1/2/3/4/5/6/7/8/9/10/11/12/13", TAG(1), NULL), ZX_EINVAL);
	zx_route_match m;
	/* None of the refused routes is reachable. */
	assert_int_equal(zx_router_match(r, "GET", "/1/2/3/4/5/6/7", &m), ZX_ROUTE_NOT_FOUND);
	assert_int_equal(zx_router_match(r, "GET", "/1/2/3/4/5/6/7/8/9/10/11/12/13", &m), ZX_ROUTE_NOT_FOUND);
	zx_router_free(r);
}

static void test_router_grows_past_its_initial_capacity(void **state)
{
	(void)state;
	zx_router *r = zx_router_new();
	char pat[64];
	for (int i = 0; i < 100; i++) {
		snprintf(pat, sizeof(pat), "/r%d/{x}", i);
		assert_int_equal(zx_router_add(r, "GET", pat, TAG(i + 1), NULL), ZX_OK);
	}
	zx_route_match m;
	for (int i = 0; i < 100; i += 33) {
		snprintf(pat, sizeof(pat), "/r%d/v%d", i, i);
		assert_ptr_equal(route(r, "GET", pat, &m), TAG(i + 1));
		snprintf(pat, sizeof(pat), "v%d", i);
		assert_string_equal(zx_route_param(&m, "x"), pat);
	}
	zx_router_free(r);
	zx_router_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_literal_segment_beats_parameter_whatever_the_registration_order),
	    cmocka_unit_test(test_path_parameters_are_named_and_hold_their_segment),
	    cmocka_unit_test(test_route_carries_its_ctx),
	    cmocka_unit_test(test_known_path_with_other_method_is_bad_method_not_not_found),
	    cmocka_unit_test(test_method_match_is_exact_and_case_sensitive),
	    cmocka_unit_test(test_trailing_slash_reaches_the_same_route_without_polluting_parameters),
	    cmocka_unit_test(test_empty_segments_never_fill_a_parameter),
	    cmocka_unit_test(test_path_must_be_absolute),
	    cmocka_unit_test(test_parameter_longer_than_the_cap_does_not_match),
	    cmocka_unit_test(test_over_long_path_and_too_many_segments_are_not_found),
	    cmocka_unit_test(test_star_rest_parameter_holds_the_remaining_path),
	    cmocka_unit_test(test_star_rest_is_never_silently_truncated),
	    cmocka_unit_test(test_star_rest_does_not_start_with_an_empty_segment),
	    cmocka_unit_test(test_add_rejects_bad_patterns_without_leaking),
	    cmocka_unit_test(test_router_grows_past_its_initial_capacity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
