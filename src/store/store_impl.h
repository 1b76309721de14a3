/*
 * store_impl.h — what store.c (backend-independent: pool, scoping, fault hook) shares
 * with the backends (store_sqlite.c, store_pg.c). Not for domain code.
 */
#ifndef ZX_STORE_IMPL_H
#define ZX_STORE_IMPL_H

#include <pthread.h>
#include <stdatomic.h>

#include "store/store.h"

typedef struct zx_store_ops {
	zx_err (*conn_open)(zx_store *st, zx_conn **out, zx_errinfo *ei);
	void (*conn_close)(zx_conn *c);
	zx_err (*exec_raw)(zx_conn *c, const char *sql); /* no params, may hold several statements */
	zx_err (*query_open)(zx_conn *c, zx_query q, const zx_val *args, int nargs, zx_stmt **out);
	zx_err (*stmt_next)(zx_stmt *s, bool *row);
	void (*stmt_done)(zx_stmt *s);
	int (*stmt_ncols)(zx_stmt *s);
	bool (*col_null)(zx_stmt *s, int i);
	int64_t (*col_int)(zx_stmt *s, int i);
	double (*col_real)(zx_stmt *s, int i);
	const char *(*col_text)(zx_stmt *s, int i);
	const char *(*col_name)(zx_stmt *s, int i);
	int64_t (*changes)(zx_stmt *s);
	int64_t (*last_insert_id)(zx_conn *c);
	zx_err (*integrity)(zx_conn *c, zx_errinfo *ei);
	zx_err (*backup)(zx_store *st, const char *dest, zx_errinfo *ei);
	/* Runs q (a COPY … FROM STDIN) with data[0..len) as its rows (COPY text); NULL for
	 * a backend without COPY, whose zx_bulk inserts row by row (bulk.c). */
	zx_err (*copy_in)(zx_conn *c, zx_query q, const char *data, size_t len);
	const zx_migration *migrations;
	const int *migration_count;
} zx_store_ops;

struct zx_store {
	const zx_store_ops *ops;
	zx_backend backend;
	char *url;
	zx_store_opts opts;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	zx_conn **idle; /* connections ready for use */
	int nidle;
	int nopen; /* connections opened in total */
};

/* Every backend's connection starts with this header. */
struct zx_conn {
	zx_store *store;
	bool in_tx;
	bool broken;            /* closed instead of pooled on release */
	bool args_pinned;       /* zx_exec: the arguments outlive the statement, bind without copying */
	_Atomic bool cancelled; /* zx_conn_cancel: every statement but ROLLBACK fails */
};

extern const zx_store_ops zx_sqlite_ops;
extern const zx_store_ops zx_pg_ops;

/* The fault hook: returns true when the statement about to run must fail. */
bool zx_store_fault_fire(void);

#endif
