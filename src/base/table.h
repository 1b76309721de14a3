/*
 * table.h — one row-streaming interface for every tabular import (households,
 * income, warnings, ledgers), whether the user uploads CSV or XLSX.
 *
 * The reader calls fn once per non-blank row, in file order, header first. Memory
 * is bounded by the caps in zx_table_opts, never by the file size: a 100 MB CSV is
 * read in constant memory; an XLSX keeps only its shared-string table in memory.
 *
 * Invariants of every zx_row handed to fn:
 *   - cells[i] is UTF-8 (validated), NUL-terminated, trimmed of surrounding white
 *     space (ASCII, U+00A0, U+3000, U+FEFF), lens[i] == strlen(cells[i]) <= max_cell;
 *   - ncells <= max_cells_per_row; cells past ncells are empty (use zx_row_cell());
 *   - at least one cell is non-empty: blank rows are skipped, but numbering is kept;
 *   - rowno is the row number the user sees (Excel's row number, or the CSV record
 *     number counting blank lines; the first line/row of the file is 1);
 *   - the pointers are valid only during the call: copy what you keep.
 *
 * Because rows stream, a file can fail (bad bytes, a cap, a damaged zip) after some
 * rows were delivered: callers treat any error as "the whole file failed" (imports
 * run in one transaction and roll back).
 */
#ifndef ZX_TABLE_H
#define ZX_TABLE_H

#include <stddef.h>

#include "base/error.h"

/* Per-cell flags (zx_row.flags). CSV cells always have 0. */
enum {
	ZX_CELL_NUMBER = 1 << 0,      /* XLSX: stored as a number (rendered without exponent) */
	ZX_CELL_DATE = 1 << 1,        /* XLSX: number with a date format (see keep_date_serials) */
	ZX_CELL_DIGITS_LOST = 1 << 2, /* XLSX: number >= 1e15: digits past the 15th are lost */
	ZX_CELL_FORMULA = 1 << 3,     /* XLSX: cached result of a formula (never evaluated) */
	ZX_CELL_BOOL = 1 << 4,        /* XLSX: boolean, rendered TRUE / FALSE */
};

typedef struct zx_row {
	long rowno;
	size_t ncells;
	const char *const *cells;
	const size_t *lens;
	const unsigned char *flags; /* ZX_CELL_* per cell */
	int *stop;                  /* set *stop = 1 to end reading early without an error */
} zx_row;

/* Return ZX_OK to go on. Any other value stops reading at once and is returned by
 * zx_table_read_*() unchanged, with ei as fn filled it. */
typedef zx_err (*zx_row_fn)(void *ctx, const zx_row *row, zx_errinfo *ei);

/* All-zero (or a NULL pointer) means the defaults below. */
typedef struct zx_table_opts {
	size_t max_cell;                /* bytes per cell, after conversion to UTF-8; 0 = 32 KiB */
	size_t max_cells_per_row;       /* 0 = 1024 */
	long max_rows;                  /* non-blank data rows after the header; 0 = 2 000 000 */
	const char *encoding;           /* CSV: NULL or "auto", "UTF-8", "GB18030" (also "GBK") */
	int normalize_t2s;              /* OpenCC 繁→简 on the header and on every non-ASCII cell, */
	const char *const *t2s_columns; /* or on the header and these columns only (simplified
	                                   header names, NULL-terminated): OpenCC costs ~3 µs a cell */
	int allow_lost_digits;          /* XLSX: 0 = a number >= 1e15 fails naming row and column */
	int keep_date_serials;          /* XLSX: 0 = date-formatted numbers come out as YYYY-MM-DD */
	size_t max_unzipped;            /* XLSX: uncompressed bytes read in total; 0 = 1 GiB */
} zx_table_opts;

#define ZX_TABLE_DEFAULT_MAX_CELL ((size_t)32 * 1024)
#define ZX_TABLE_DEFAULT_MAX_CELLS 1024
#define ZX_TABLE_DEFAULT_MAX_ROWS 2000000L
#define ZX_TABLE_DEFAULT_MAX_UNZIPPED ((size_t)1 << 30)

/* Reads a CSV or XLSX file; the format is sniffed from the content (zip magic =
 * XLSX), not from the name. Old .xls / encrypted workbooks fail with a hint. */
zx_err zx_table_read_file(const char *path, const zx_table_opts *o, zx_row_fn fn, void *ctx, zx_errinfo *ei);

/* Same on a buffer; name_hint (may be NULL) is only used in log lines. */
zx_err zx_table_read_mem(const void *data, size_t n, const char *name_hint, const zx_table_opts *o,
                         zx_row_fn fn, void *ctx, zx_errinfo *ei);

/* Cell i of a row, or "" past the end: rows may be shorter than the header. */
const char *zx_row_cell(const zx_row *row, size_t i);

/* Column name as Excel shows it: 0 -> "A", 27 -> "AB". out needs 8 bytes. */
void zx_table_col_name(size_t col, char out[8]);

/*
 * For the readers only (csv_read.c, xlsx_read.c): the row assembler they share.
 * It trims, validates UTF-8, applies the caps and 繁→简, skips blank rows, keeps
 * a copy of the header to name columns in errors, and calls the user's fn.
 */
typedef struct zx_rowbuf zx_rowbuf;

zx_err zx_rowbuf_new(const zx_table_opts *o, zx_row_fn fn, void *ctx, zx_rowbuf **out, zx_errinfo *ei);
void zx_rowbuf_free(zx_rowbuf *rb);
const zx_table_opts *zx_rowbuf_opts(const zx_rowbuf *rb); /* with defaults filled in */
/* Sets cell col (0-based) of the row being built; a later non-empty set of a col wins. */
zx_err zx_rowbuf_set(zx_rowbuf *rb, size_t col, const char *s, size_t n, unsigned flags, long rowno,
                     zx_errinfo *ei);
/* Appends the next cell (CSV). */
zx_err zx_rowbuf_push(zx_rowbuf *rb, const char *s, size_t n, long rowno, zx_errinfo *ei);
/* Ends the row: delivers it unless blank, then clears it. */
zx_err zx_rowbuf_end(zx_rowbuf *rb, long rowno, zx_errinfo *ei);
/* True once fn asked to stop (reading must end, returning ZX_OK). */
int zx_rowbuf_stopped(const zx_rowbuf *rb);
/* The header's name for col ("证件号码"), or its letter when the header is blank there. */
void zx_rowbuf_col_label(const zx_rowbuf *rb, size_t col, char *out, size_t outsz);

#endif
