/*
 * native.h — the backend's own handle behind a zx_conn, for the one tool that moves
 * whole tables between backends by name (src/cli/copy.c: `zhenxing copy`), where
 * named queries cannot be written ahead of time. Domain and API code never use it.
 */
#ifndef ZX_STORE_NATIVE_H
#define ZX_STORE_NATIVE_H

#include <libpq-fe.h>
#include <sqlite3.h>

#include "store/store.h"

/* The sqlite3 handle of a SQLite connection (collation zh registered, foreign keys on),
 * or NULL for another backend. */
sqlite3 *zx_conn_sqlite(zx_conn *c);
/* The PGconn of a PostgreSQL connection, or NULL for another backend. */
PGconn *zx_conn_pg(zx_conn *c);

/* Writes p[0..n) escaped for PostgreSQL's COPY text format (backslash, tab, newline and
 * carriage return as \\, \t, \n, \r) into out, which has room for 2 * n bytes; returns
 * the length written. Shared by zx_bulk (store/bulk.c) and `zhenxing copy`. */
size_t zx_copy_escape(char *out, const char *p, size_t n);

#endif
