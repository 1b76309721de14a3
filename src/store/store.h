/*
 * store.h — the one storage interface. Domain code talks to the database only
 * through this header and never knows whether SQLite or PostgreSQL is behind it.
 *
 * Queries are *named*: every SQL statement lives in src/store/sql/ as
 *     -- name: household_get scoped
 *     SELECT … WHERE area_code BETWEEN $1 AND $2 AND hh_no = $3;
 * and is compiled into the binary as the enum value ZXQ_household_get (generated
 * sql_catalog.h), so a misspelt query name is a compile error, and every statement
 * is prepared once per connection and always run with bound parameters.
 *
 * Scoping is enforced here, not in handlers: a query marked `scoped` receives the
 * caller's area range as $1/$2 (the caller's own arguments start at $3), and the
 * store refuses to run it without a scope. tests/unit/test_store.c checks that every
 * query touching personal tables is marked scoped.
 *
 * Threads: a zx_store is shared; a zx_conn belongs to one thread between
 * zx_store_acquire() and zx_store_release().
 */
#ifndef ZX_STORE_H
#define ZX_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "store/sql_catalog.h"

typedef struct zx_store zx_store;
typedef struct zx_conn zx_conn;
typedef struct zx_stmt zx_stmt;

typedef enum { ZX_BACKEND_SQLITE = 1, ZX_BACKEND_PG = 2 } zx_backend;

/* An area subtree as an inclusive range of 12-digit codes:
 * county 510722 -> ["510722000000", "510722999999"]. */
typedef struct zx_scope {
	char lo[13];
	char hi[13];
} zx_scope;

/* Builds the scope of an area code (any length 2..12; trailing zero groups of a
 * 12-digit code are significant per level: 510722000000 is the county). */
void zx_scope_of_area(const char *code12, zx_scope *out);
/* The whole database (CLI tools running as the operator). */
extern const zx_scope ZX_SCOPE_ALL;
/* True if code12 lies inside scope. */
bool zx_scope_contains(const zx_scope *s, const char *code12);

typedef enum { ZX_V_NULL, ZX_V_INT, ZX_V_REAL, ZX_V_TEXT } zx_vtype;
typedef struct zx_val {
	zx_vtype t;
	int64_t i;
	double r;
	const char *s;
} zx_val;

#define ZX_NULLV ((zx_val){.t = ZX_V_NULL})
#define ZX_INT(x) ((zx_val){.t = ZX_V_INT, .i = (int64_t)(x)})
#define ZX_REAL(x) ((zx_val){.t = ZX_V_REAL, .r = (double)(x)})
/* NULL pointer binds SQL NULL. */
#define ZX_TEXT(x) ((zx_val){.t = ZX_V_TEXT, .s = (x)})
#define ZX_ARGS(...)                                                                                         \
	((const zx_val[]){__VA_ARGS__}), (int)(sizeof((const zx_val[]){__VA_ARGS__}) / sizeof(zx_val))
#define ZX_NOARGS NULL, 0

typedef struct zx_store_opts {
	int pool_size;       /* connections kept (>= server threads + 1); 0 = 4 */
	int busy_timeout_ms; /* SQLite busy timeout; 0 = 5000 */
	bool create;         /* create the database file if missing */
	int64_t max_pages;   /* SQLite max_page_count (fault tests); 0 = unlimited */
} zx_store_opts;

/* url: a file path (SQLite) or postgresql://… (PostgreSQL). */
zx_err zx_store_open(const char *url, const zx_store_opts *opts, zx_store **out, zx_errinfo *ei);
void zx_store_close(zx_store *st);
zx_backend zx_store_backend(const zx_store *st);
const char *zx_store_url(const zx_store *st);

zx_conn *zx_store_acquire(zx_store *st); /* NULL on failure (logged) */
void zx_store_release(zx_store *st, zx_conn *c);

/* Schema: applies numbered migrations up to target (0 = latest). */
zx_err zx_store_migrate(zx_store *st, int target, zx_errinfo *ei);
int zx_store_schema_version(zx_conn *c);
int zx_store_latest_version(zx_backend b);

/* Transactions. begin_write takes the write lock at once (SQLite BEGIN IMMEDIATE),
 * so a transaction never fails half-way for lock upgrades. Nesting is not allowed. */
zx_err zx_tx_begin_write(zx_conn *c);
zx_err zx_tx_begin_read(zx_conn *c);
zx_err zx_tx_commit(zx_conn *c);
void zx_tx_rollback(zx_conn *c); /* safe to call when no transaction is open */
bool zx_tx_active(const zx_conn *c);

/* Runs a statement that returns no rows; *changes (may be NULL) gets the row count. */
zx_err zx_exec(zx_conn *c, const zx_scope *scope, zx_query q, const zx_val *args, int nargs,
               int64_t *changes);
/* Runs a statement whose first row's first column is an integer (or no row: ZX_ENOTFOUND). */
zx_err zx_query_int(zx_conn *c, const zx_scope *scope, zx_query q, const zx_val *args, int nargs,
                    int64_t *out);
/* The same for the first n integer columns of the first row into out[0..n). */
zx_err zx_query_ints(zx_conn *c, const zx_scope *scope, zx_query q, const zx_val *args, int nargs,
                     int64_t *out, int n);

/* Opens a cursor. Iterate with zx_stmt_next(); always finish with zx_stmt_done(). */
zx_err zx_query_open(zx_conn *c, const zx_scope *scope, zx_query q, const zx_val *args, int nargs,
                     zx_stmt **out);
/* ZX_OK with *row = true for a row, *row = false at the end. */
zx_err zx_stmt_next(zx_stmt *s, bool *row);
void zx_stmt_done(zx_stmt *s);

int zx_stmt_ncols(zx_stmt *s);
bool zx_col_null(zx_stmt *s, int i);
int64_t zx_col_int(zx_stmt *s, int i);
double zx_col_real(zx_stmt *s, int i);
/* Valid until the next zx_stmt_next/zx_stmt_done; "" for NULL. */
const char *zx_col_text(zx_stmt *s, int i);
const char *zx_col_name(zx_stmt *s, int i);

/* Bulk insert (imports): the rows of one named statement written as a batch. On PostgreSQL
 * the query's text is a `COPY table (columns) FROM STDIN` (its SQLite twin the INSERT of
 * the same columns, $1..$n in column order); zx_bulk_add formats a row of COPY text into
 * a buffer and zx_bulk_flush sends every buffered row with one COPY. On SQLite each row is
 * inserted at once by the prepared statement. So a row is visible to other statements only
 * after zx_bulk_flush, its constraint errors may surface there (ZX_ECONFLICT as from an
 * INSERT), and a table referenced by foreign keys is flushed before the rows referring to it.
 * Row triggers fire for every row either way. The caller holds a write transaction;
 * zx_bulk_free drops rows not flushed. */
typedef struct zx_bulk zx_bulk;
zx_err zx_bulk_open(zx_conn *c, zx_query q, zx_bulk **out);
zx_err zx_bulk_add(zx_bulk *b, const zx_val *args, int nargs);
/* Rows added since the last flush (always 0 on SQLite). */
int64_t zx_bulk_pending(const zx_bulk *b);
zx_err zx_bulk_flush(zx_bulk *b);
void zx_bulk_free(zx_bulk *b);

/* Id of the last inserted row on this connection (SQLite rowid; PostgreSQL uses RETURNING). */
int64_t zx_last_insert_id(zx_conn *c);

/* Runs PRAGMA integrity_check / equivalent; ZX_OK if healthy, message in ei otherwise. */
zx_err zx_store_integrity(zx_conn *c, zx_errinfo *ei);

/* Cancels (on = true) every later statement on c, from any thread: each fails with
 * ZX_EIO until cleared (on = false), so the transaction open on c can only roll back
 * (ROLLBACK still runs). The job runner stops a job this way at shutdown. */
void zx_conn_cancel(zx_conn *c, bool on);

/* Fault injection for tests: after n more successful statement steps, every write
 * fails with ZX_EIO (n < 0 disables). Process-wide. */
void zx_store_fault_after(long n);

/* Online backup to a file (SQLite backup API). */
zx_err zx_store_backup(zx_store *st, const char *dest_path, zx_errinfo *ei);

#endif
