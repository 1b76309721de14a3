/*
 * fuzz_idcard.c — libFuzzer target for the 居民身份证号 parser.
 *
 * Feeds arbitrary bytes (as a NUL-terminated copy, the form CSV cells and JSON strings
 * reach the parser in) to zx_idcard_parse and zx_idcard_check_char, and checks the
 * invariants a caller relies on: an accepted number is 18 characters, normalised, and
 * agrees with what was derived from it; status codes and messages always exist.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/idcard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	zx_idcard id;
	zx_idcard_status st = zx_idcard_parse(s, 20261123, &id);
	if (!zx_idcard_status_code(st) || !zx_idcard_status_message(st))
		abort();
	if (st == ZX_ID_OK) {
		if (strlen(id.norm) != 18 || strlen(id.area) != 6 || memcmp(id.norm, id.area, 6) != 0)
			abort();
		if (zx_idcard_check_char(id.norm) != id.norm[17])
			abort();
		if (id.gender != 1 && id.gender != 2)
			abort();
		if (id.birth_ymd < 19000101 || id.birth_ymd > 20261123 ||
		    !zx_date_valid(id.birth_ymd / 10000, id.birth_ymd / 100 % 100, id.birth_ymd % 100))
			abort();
		/* Parsing the normalised form must give the same result. */
		zx_idcard again;
		if (zx_idcard_parse(id.norm, 20261123, &again) != ZX_ID_OK ||
		    strcmp(again.norm, id.norm) != 0 || strcmp(again.area, id.area) != 0 ||
		    again.birth_ymd != id.birth_ymd || again.gender != id.gender)
			abort();
	}
	char c = zx_idcard_check_char(s);
	if (c != 0 && !strchr("0123456789X", c))
		abort();
	free(s);
	return 0;
}
