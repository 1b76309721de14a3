/*
 * csv_read.h — CSV reader behind zx_table_read_*() (see table.h for the row
 * contract). UTF-8 with or without BOM, GB18030, UTF-16 with BOM; comma or tab,
 * decided from the header line; RFC 4180 quoting incl. newlines inside quotes.
 */
#ifndef ZX_CSV_READ_H
#define ZX_CSV_READ_H

#include <stddef.h>

#include "base/table.h"

/* Reads from the current position of fd to its end; fd stays open. */
zx_err zx_csv_read_fd(int fd, const zx_table_opts *o, zx_row_fn fn, void *ctx, zx_errinfo *ei);

zx_err zx_csv_read_mem(const void *data, size_t n, const zx_table_opts *o, zx_row_fn fn, void *ctx,
                       zx_errinfo *ei);

#endif
