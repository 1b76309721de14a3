/*
 * xlsx_read.h — streaming XLSX reader behind zx_table_read_*() (see table.h for the
 * row contract). Reads the first visible worksheet with libzip + expat: shared
 * strings (incl. rich text), inline strings, cached formula results, booleans and
 * numbers, which come out exactly as Excel shows them (no exponent, 15 significant
 * digits). Never evaluates formulas. Bounded against zip bombs.
 */
#ifndef ZX_XLSX_READ_H
#define ZX_XLSX_READ_H

#include <stddef.h>

#include "base/table.h"

zx_err zx_xlsx_read_file(const char *path, const zx_table_opts *o, zx_row_fn fn, void *ctx, zx_errinfo *ei);

zx_err zx_xlsx_read_mem(const void *data, size_t n, const zx_table_opts *o, zx_row_fn fn, void *ctx,
                        zx_errinfo *ei);

/*
 * An Excel date serial (1900 date system) as YYYYMMDD, e.g. 29221 -> 19800101.
 * Keeps Excel's phantom leap day: 60 -> 19000229. The fraction (time of day) is
 * ignored. 0 when out of Excel's range (before 1 = 1900-01-01 or after 9999-12-31).
 */
int zx_xlsx_serial_to_ymd(double serial);

#endif
