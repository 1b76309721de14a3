/*
 * copy.h — what the two halves of `zhenxing copy` share: copy.c (the command, the
 * catalog, the transaction, the key file) and copy_rows.c (reading, writing and
 * checksumming the rows of one table on either backend).
 */
#ifndef ZX_CLI_COPY_H
#define ZX_CLI_COPY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/crypto.h"
#include "store/native.h"

#define MAX_TABLES 160
#define MAX_COLS 96
#define NAME_LEN 64

typedef struct side {
	const char *url;
	zx_store *st;
	zx_conn *c;
	sqlite3 *lite;
	PGconn *pg;
} side;

typedef struct table {
	char name[NAME_LEN];
	char parents[8][NAME_LEN];
	int nparents;
	char cols[MAX_COLS][NAME_LEN]; /* the target's writable columns, sorted by name */
	int ncols;
	bool identity_id; /* PostgreSQL target: "id" is an identity column */
	int64_t rows;
	uint8_t sum[ZX_SM3_LEN];
} table;

/* Copies t from src into dst (both inside their transactions): COPY FROM STDIN into
 * PostgreSQL, prepared INSERTs into SQLite. t->rows and t->sum get the source's count and
 * checksum (SM3 over the sorted SM3 hashes of the normalised rows). */
bool copy_table(side *src, side *dst, table *t, char *err, size_t errcap);

/* Reads t back on s: its row count and checksum, computed as copy_table computes them. */
bool copy_verify(side *s, const table *t, int64_t *rows, uint8_t sum[ZX_SM3_LEN], char *err, size_t errcap);

#endif
