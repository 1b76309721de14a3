/*
 * fuzz_xlsx.c — libFuzzer target for the XLSX path of zx_table_read_mem().
 *
 * Arbitrary bytes reach libzip and then expat; the seeds in corpus/xlsx/ store
 * their parts uncompressed so that mutations land in the XML. Every row handed out
 * must keep the zx_row contract (table.h); every failure must carry a message. The
 * inflate cap is small so that bombs are cheap to find. Inputs of odd length allow
 * lost digits and keep date serials, to cover those branches as well.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	bool blank = true;
	if (r->rowno <= 0 || r->ncells > MAX_CELLS)
		abort();
	for (size_t i = 0; i < r->ncells; i++) {
		if (strlen(r->cells[i]) != r->lens[i] || r->lens[i] > MAX_CELL)
			abort();
		if (!zx_utf8_valid(r->cells[i], r->lens[i], NULL))
			abort();
		blank = blank && r->lens[i] == 0;
	}
	if (blank)
		abort();
	return ZX_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	zx_table_opts o = {
	    .max_cell = MAX_CELL,
	    .max_cells_per_row = MAX_CELLS,
	    .max_rows = 1000,
	    .max_unzipped = 8u << 20,
	    .allow_lost_digits = size % 2,
	    .keep_date_serials = size % 2,
	};
	zx_errinfo ei = {0};
	zx_err e = zx_table_read_mem(data, size, "fuzz.xlsx", &o, check_row, NULL, &ei);
	if (e != ZX_OK && !ei.message[0])
		abort();
	return 0;
}
