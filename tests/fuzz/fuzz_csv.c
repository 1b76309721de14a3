/*
 * fuzz_csv.c — libFuzzer target for the CSV path of zx_table_read_mem().
 *
 * Arbitrary bytes go through encoding detection, conversion and libcsv; every row
 * handed out must keep the zx_row contract (table.h): valid UTF-8 cells whose
 * lengths match, within the caps, never blank, row numbers increasing. Small caps
 * make the over-the-cap paths reachable. Inputs of odd length are read with the
 * encoding forced to GB18030, so the forced path is fuzzed too. The decoder is also
 * checked differentially: fed in pieces of 1..7 bytes it must agree with one call.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/charset.h"
#include "base/log.h"
#include "base/table.h"

#define MAX_CELL 256
#define MAX_CELLS 64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* Rejected inputs log a warning each; keep the fuzzer's output readable. */
	zx_log_set_level(ZX_LOG_ERROR);
	return 0;
}

static zx_err check_row(void *ctx, const zx_row *r, zx_errinfo *ei)
{
	long *last = ctx;
	bool blank = true;
	if (r->rowno <= *last || r->ncells > MAX_CELLS)
		abort();
	*last = r->rowno;
	for (size_t i = 0; i < r->ncells; i++) {
		if (strlen(r->cells[i]) != r->lens[i] || r->lens[i] > MAX_CELL)
			abort();
		if (!zx_utf8_valid(r->cells[i], r->lens[i], NULL) || r->flags[i] != 0)
			abort();
		blank = blank && r->lens[i] == 0;
	}
	if (blank)
		abort();
	return ZX_OK;
}

/* Decoding in small pieces must give what decoding all at once gives: the streaming
 * decoder may not lose or split characters at piece boundaries. */
static void check_decoder_pieces(const uint8_t *data, size_t size)
{
	zx_buf whole = ZX_BUF_INIT(4 * size + 64), pieces = ZX_BUF_INIT(4 * size + 64);
	zx_decoder *d = NULL;
	const char *text;
	size_t n, piece = size ? (size_t)data[0] % 7 + 1 : 1;
	zx_err e1 = zx_charset_to_utf8(data, size, ZX_CHARSET_UNKNOWN, &whole, NULL);
	zx_err e2 = zx_decoder_new(ZX_CHARSET_UNKNOWN, &d, NULL);
	for (size_t off = 0; !e2 && off < size; off += piece) {
		size_t len = size - off < piece ? size - off : piece;
		e2 = zx_decoder_feed(d, data + off, len, false, &text, &n, NULL);
		if (!e2 && zx_buf_add(&pieces, text, n))
			abort();
	}
	if (!e2) {
		e2 = zx_decoder_feed(d, "", 0, true, &text, &n, NULL);
		if (!e2 && zx_buf_add(&pieces, text, n))
			abort();
	}
	if ((e1 == ZX_OK) != (e2 == ZX_OK))
		abort();
	if (!e1 && (whole.len != pieces.len || (whole.len && memcmp(whole.data, pieces.data, whole.len))))
		abort();
	zx_decoder_free(d);
	zx_buf_release(&whole);
	zx_buf_release(&pieces);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_decoder_pieces(data, size);

	zx_table_opts o = {
	    .max_cell = MAX_CELL,
	    .max_cells_per_row = MAX_CELLS,
	    .max_rows = 1000,
	    .encoding = size % 2 ? "GB18030" : NULL,
	};
	zx_errinfo ei = {0};
	long last = 0;
	zx_err e = zx_table_read_mem(data, size, "fuzz.csv", &o, check_row, &last, &ei);
	/* A failure always comes with a message for the user. */
	if (e != ZX_OK && !ei.message[0])
		abort();
	return 0;
}
