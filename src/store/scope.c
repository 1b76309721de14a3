/*
 * scope.c — area subtrees as ranges of 12-digit codes.
 *
 * A 12-digit code has levels 省(2) 市(4) 县(6) 乡镇(9) 村(12). The subtree of a code is
 * the set of codes sharing its significant prefix: trailing all-zero level groups
 * are not significant. Ranges keep index use simple in both backends
 * (area_code BETWEEN lo AND hi).
 */
#include <string.h>

#include "store/store.h"

const zx_scope ZX_SCOPE_ALL = {"000000000000", "999999999999"};

static size_t significant_len(const char *code)
{
	static const size_t bounds[] = {12, 9, 6, 4, 2};
	size_t n = strnlen(code, 12);
	char full[13];
	memset(full, '0', 12);
	full[12] = '\0';
	memcpy(full, code, n);
	for (size_t i = 0; i + 1 < sizeof(bounds) / sizeof(bounds[0]); i++) {
		size_t hi = bounds[i], lo = bounds[i + 1];
		for (size_t k = lo; k < hi; k++)
			if (full[k] != '0')
				return hi;
	}
	return 2;
}

void zx_scope_of_area(const char *code, zx_scope *out)
{
	size_t n = significant_len(code);
	memset(out->lo, '0', 12);
	memset(out->hi, '9', 12);
	memcpy(out->lo, code, n);
	memcpy(out->hi, code, n);
	out->lo[12] = out->hi[12] = '\0';
}

bool zx_scope_contains(const zx_scope *s, const char *code12)
{
	return strlen(code12) == 12 && strcmp(code12, s->lo) >= 0 && strcmp(code12, s->hi) <= 0;
}
