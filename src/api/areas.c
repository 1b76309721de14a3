/*
 * areas.c — GET /api/v1/areas/{code} and …/children: the admin hierarchy with
 * household and person counts of each subtree. An area outside the caller's scope
 * answers 404, like any object the caller may not see.
 */
#include <string.h>

#include "api/internal.h"
#include "domain/area/area.h"

static bool area_param(api_call *c, zx_area *out)
{
	const char *code = zx_req_param(c->req, "code");
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_area_get(c->conn, c->actor, code, out, &ei);
	if (e) {
		api_error(c, e, &ei);
		return false;
	}
	return true;
}

static json_t *area_json(const zx_area *a)
{
	return json_pack("{s:s,s:s,s:i,s:s,s:s,s:I,s:I}", "code", a->code, "name", a->name, "level", a->level,
	                 "level_name", zx_area_level_name(a->level), "parent", a->parent, "households",
	                 (json_int_t)a->households, "persons", (json_int_t)a->persons);
}

static void area_get(api_call *c)
{
	zx_area a;
	if (!area_param(c, &a))
		return;
	json_t *o = area_json(&a);
	json_object_set_new(o, "children", json_integer(a.children));
	api_json(c, 200, o);
}

typedef struct child_ctx {
	json_t *items;
} child_ctx;

static bool add_child(void *ctx, const zx_area *a)
{
	json_t *o = area_json(a);
	json_object_set_new(o, "has_children", json_boolean(a->level < 5));
	json_array_append_new(((child_ctx *)ctx)->items, o);
	return true;
}

static void area_children(api_call *c)
{
	zx_area a;
	if (!area_param(c, &a))
		return;
	child_ctx cc = {json_array()};
	zx_err e = zx_area_children(c->conn, c->actor, &a, add_child, &cc);
	if (e) {
		json_decref(cc.items);
		api_error(c, e, NULL);
		return;
	}
	api_json(c, 200, json_pack("{s:o}", "items", cc.items));
}

const api_route api_area_routes[] = {
    {"GET", "/api/v1/areas/{code}", area_get, 0},
    {"GET", "/api/v1/areas/{code}/children", area_children, 0},
    {NULL, NULL, NULL, 0},
};
