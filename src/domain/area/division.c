/*
 * division.c — lookups over the generated admin-division table (see division.h).
 *
 * Invariant (checked by the generator, relied on here): zx_division_table_ is sorted by
 * code with unique 12-digit codes, so a code is found by bsearch and the subtree of any
 * division is the contiguous run of codes that share its significant prefix.
 */
#include "domain/area/division.h"

#include <stdlib.h>
#include <string.h>

const zx_division *zx_division_all(size_t *n)
{
	if (n)
		*n = zx_division_count_;
	return zx_division_table_;
}

static int is_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[len] == '\0';
}

static int division_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const zx_division *)elem)->code);
}

const zx_division *zx_division_find(const char *code12)
{
	if (!code12 || !is_digits(code12, 12))
		return NULL;
	return bsearch(code12, zx_division_table_, zx_division_count_, sizeof zx_division_table_[0],
	               division_cmp);
}

size_t zx_division_county_subtree(const char *county6, const zx_division **out, size_t cap)
{
	if (!county6 || !is_digits(county6, 6))
		return 0;
	char code[13];
	memcpy(code, county6, 6);
	memset(code + 6, '0', 6);
	code[12] = '\0';
	const zx_division *county = zx_division_find(code);
	/* Cities without counties (东莞 441900) stand in for their county: accept level 2 too. */
	if (!county || county->level > ZX_DIVISION_COUNTY || county->level < ZX_DIVISION_CITY)
		return 0;

	/* The county's own code is the smallest with its prefix, so the run starts at it. */
	size_t first = (size_t)(county - zx_division_table_), end = first;
	int has_villages = 0;
	while (end < zx_division_count_ && memcmp(zx_division_table_[end].code, county6, 6) == 0) {
		if (zx_division_table_[end].level == ZX_DIVISION_VILLAGE)
			has_villages = 1;
		end++;
	}
	if (!has_villages)
		return 0;
	for (size_t i = first; i < end && i - first < cap; i++)
		out[i - first] = &zx_division_table_[i];
	return end - first;
}
