/*
 * fuzz_ledger_values.c — libFuzzer target for the ledger's value parsers (台账 import cells and
 * API strings): dates in every accepted spelling and money in 元 or 万元.
 *
 * Invariants: an accepted date is "YYYY-MM-DD", a real calendar day, and parses to itself; an
 * accepted amount is 0 … 10 亿元 in 分, and its exact 元 text parses back to the same 分; a
 * 万元 amount is the 元 amount × 10000 when both parse; a leading '-' is never accepted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/idcard.h"
#include "domain/ledger/ledger_internal.h"
#include "domain/monitoring/money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	char d[11], again[11];
	if (zx_ledger_parse_date(s, d)) {
		if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
			abort();
		for (int i = 0; i < 10; i++)
			if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
				abort();
		int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
		int m = (d[5] - '0') * 10 + (d[6] - '0'), day = (d[8] - '0') * 10 + (d[9] - '0');
		if (!zx_date_valid(y, m, day))
			abort();
		if (!zx_ledger_parse_date(d, again) || strcmp(again, d) != 0)
			abort();
	}
	int64_t fen = -1, wan = -1;
	int st = zx_ledger_parse_money(s, false, &fen);
	if (st == 0) {
		if (fen < 0 || fen > ZX_MONEY_MAX_FEN)
			abort();
		char text[48];
		int64_t back = -1;
		zx_money_exact(fen, text, sizeof(text));
		if (zx_ledger_parse_money(text, false, &back) != 0 || back != fen)
			abort();
	}
	if (zx_ledger_parse_money(s, true, &wan) == 0) {
		if (wan < 0 || wan > ZX_MONEY_MAX_FEN)
			abort();
		/* without a unit suffix, the 万元 reading is the 元 reading × 10000 */
		if (st == 0 && !strstr(s, "元") && !strstr(s, "万") && !strchr(s, '.') && wan != fen * 10000)
			abort();
	}
	const char *p = s;
	while (*p == ' ')
		p++;
	if (*p == '-' && (st == 0 || zx_ledger_parse_money(s, true, &wan) == 0))
		abort();
	free(s);
	return 0;
}
