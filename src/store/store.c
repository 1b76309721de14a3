/*
 * store.c — the backend-independent half of the storage interface: choosing the
 * backend from the URL, the connection pool, transactions, scope binding for
 * `scoped` queries, migrations and the fault-injection hook.
 *
 * Invariants: a scoped query never runs without a scope (its $1/$2 are always the
 * caller's range); a connection returned to the pool has no open transaction.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "store/store_impl.h"

#define MAX_ARGS 64

static _Atomic long fault_countdown = -1;

void zx_store_fault_after(long n)
{
	atomic_store(&fault_countdown, n);
}

bool zx_store_fault_fire(void)
{
	long v = atomic_load(&fault_countdown);
	if (v < 0)
		return false;
	if (v == 0)
		return true;
	atomic_fetch_sub(&fault_countdown, 1);
	return false;
}

static bool is_pg_url(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

zx_err zx_store_open(const char *url, const zx_store_opts *opts, zx_store **out, zx_errinfo *ei)
{
	*out = NULL;
	if (!url || !*url)
		return zx_fail(ei, ZX_EINVAL, "missing_db", "--db", 0, "未指定数据库（--db）");
	zx_store *st = calloc(1, sizeof(*st));
	if (!st)
		return ZX_ENOMEM;
	st->url = strdup(url);
	if (opts)
		st->opts = *opts;
	if (st->opts.pool_size <= 0)
		st->opts.pool_size = 4;
	if (st->opts.busy_timeout_ms <= 0)
		st->opts.busy_timeout_ms = 5000;
	st->backend = is_pg_url(url) ? ZX_BACKEND_PG : ZX_BACKEND_SQLITE;
	st->ops = st->backend == ZX_BACKEND_PG ? &zx_pg_ops : &zx_sqlite_ops;
	st->idle = calloc((size_t)st->opts.pool_size, sizeof(*st->idle));
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	if (!st->url || !st->idle) {
		zx_store_close(st);
		return ZX_ENOMEM;
	}
	/* Open one connection now so that a bad path or URL fails here, clearly. */
	zx_conn *c = NULL;
	zx_err e = st->ops->conn_open(st, &c, ei);
	if (e) {
		zx_store_close(st);
		return e;
	}
	st->nopen = 1;
	st->idle[st->nidle++] = c;
	*out = st;
	return ZX_OK;
}

void zx_store_close(zx_store *st)
{
	if (!st)
		return;
	for (int i = 0; st->ops && i < st->nidle; i++)
		st->ops->conn_close(st->idle[i]);
	st->nidle = 0;
	free(st->idle);
	free(st->url);
	pthread_mutex_destroy(&st->mu);
	pthread_cond_destroy(&st->cv);
	free(st);
}

zx_backend zx_store_backend(const zx_store *st)
{
	return st->backend;
}

const char *zx_store_url(const zx_store *st)
{
	return st->url;
}

zx_conn *zx_store_acquire(zx_store *st)
{
	pthread_mutex_lock(&st->mu);
	while (st->nidle == 0 && st->nopen >= st->opts.pool_size)
		pthread_cond_wait(&st->cv, &st->mu);
	if (st->nidle > 0) {
		zx_conn *c = st->idle[--st->nidle];
		pthread_mutex_unlock(&st->mu);
		return c;
	}
	st->nopen++;
	pthread_mutex_unlock(&st->mu);
	zx_conn *c = NULL;
	zx_errinfo ei;
	if (st->ops->conn_open(st, &c, &ei) != ZX_OK) {
		zx_error("store: cannot open connection: %s", ei.code);
		pthread_mutex_lock(&st->mu);
		st->nopen--;
		pthread_cond_signal(&st->cv);
		pthread_mutex_unlock(&st->mu);
		return NULL;
	}
	return c;
}

void zx_store_release(zx_store *st, zx_conn *c)
{
	if (!c)
		return;
	if (c->in_tx) {
		zx_warn("store: connection released inside a transaction; rolling back");
		zx_tx_rollback(c);
	}
	atomic_store(&c->cancelled, false);
	pthread_mutex_lock(&st->mu);
	if (c->broken || st->nidle >= st->opts.pool_size) {
		st->nopen--;
		pthread_mutex_unlock(&st->mu);
		st->ops->conn_close(c);
		pthread_mutex_lock(&st->mu);
	} else {
		st->idle[st->nidle++] = c;
	}
	pthread_cond_signal(&st->cv);
	pthread_mutex_unlock(&st->mu);
}

/* --- transactions ------------------------------------------------------------ */

void zx_conn_cancel(zx_conn *c, bool on)
{
	if (c)
		atomic_store(&c->cancelled, on);
}

static bool cancelled(zx_conn *c)
{
	if (!atomic_load(&c->cancelled))
		return false;
	zx_warn("store: statement cancelled (the connection's job is being stopped)");
	return true;
}

static zx_err tx_raw(zx_conn *c, const char *sql)
{
	if (strcmp(sql, "ROLLBACK") != 0 && cancelled(c))
		return ZX_EIO;
	return c->store->ops->exec_raw(c, sql);
}

zx_err zx_tx_begin_write(zx_conn *c)
{
	if (c->in_tx)
		return ZX_EINTERNAL;
	zx_err e = tx_raw(c, c->store->backend == ZX_BACKEND_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN");
	if (!e)
		c->in_tx = true;
	return e;
}

zx_err zx_tx_begin_read(zx_conn *c)
{
	if (c->in_tx)
		return ZX_EINTERNAL;
	zx_err e = tx_raw(c, c->store->backend == ZX_BACKEND_SQLITE
	                         ? "BEGIN DEFERRED"
	                         : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (!e)
		c->in_tx = true;
	return e;
}

zx_err zx_tx_commit(zx_conn *c)
{
	if (!c->in_tx)
		return ZX_EINTERNAL;
	zx_err e = tx_raw(c, "COMMIT");
	if (e) {
		zx_tx_rollback(c);
		return e;
	}
	c->in_tx = false;
	return ZX_OK;
}

void zx_tx_rollback(zx_conn *c)
{
	if (!c || !c->in_tx)
		return;
	if (tx_raw(c, "ROLLBACK") != ZX_OK)
		c->broken = true;
	c->in_tx = false;
}

bool zx_tx_active(const zx_conn *c)
{
	return c->in_tx;
}

/* --- queries ----------------------------------------------------------------- */

zx_err zx_query_open(zx_conn *c, const zx_scope *scope, zx_query q, const zx_val *args, int nargs,
                     zx_stmt **out)
{
	*out = NULL;
	if ((unsigned)q >= ZXQ__COUNT || nargs < 0 || nargs > MAX_ARGS - 2)
		return ZX_EINTERNAL;
	const zx_sql_def *def = &zx_sql_defs[q];
	if (cancelled(c))
		return ZX_EIO;
	if (!def->scoped)
		return c->store->ops->query_open(c, q, args, nargs, out);
	if (!scope) {
		zx_error("store: scoped query %s run without a scope", def->name);
		return ZX_EFORBIDDEN;
	}
	zx_val all[MAX_ARGS];
	all[0] = ZX_TEXT(scope->lo);
	all[1] = ZX_TEXT(scope->hi);
	if (nargs)
		memcpy(all + 2, args, (size_t)nargs * sizeof(*args));
	return c->store->ops->query_open(c, q, all, nargs + 2, out);
}

/* Every backend's zx_stmt starts with a pointer to its connection (see store_impl.h). */
static const zx_store_ops *stmt_ops(zx_stmt *s)
{
	return ((zx_conn *)*(void **)s)->store->ops;
}

zx_err zx_stmt_next(zx_stmt *s, bool *row)
{
	if (cancelled((zx_conn *)*(void **)s)) {
		*row = false;
		return ZX_EIO;
	}
	return stmt_ops(s)->stmt_next(s, row);
}

void zx_stmt_done(zx_stmt *s)
{
	if (s)
		stmt_ops(s)->stmt_done(s);
}

int zx_stmt_ncols(zx_stmt *s)
{
	return stmt_ops(s)->stmt_ncols(s);
}

bool zx_col_null(zx_stmt *s, int i)
{
	return stmt_ops(s)->col_null(s, i);
}

int64_t zx_col_int(zx_stmt *s, int i)
{
	return stmt_ops(s)->col_int(s, i);
}

double zx_col_real(zx_stmt *s, int i)
{
	return stmt_ops(s)->col_real(s, i);
}

const char *zx_col_text(zx_stmt *s, int i)
{
	return stmt_ops(s)->col_text(s, i);
}

const char *zx_col_name(zx_stmt *s, int i)
{
	return stmt_ops(s)->col_name(s, i);
}

zx_err zx_exec(zx_conn *c, const zx_scope *scope, zx_query q, const zx_val *args, int nargs, int64_t *changes)
{
	zx_stmt *s;
	c->args_pinned = true; /* args live until we return, after zx_stmt_done() */
	zx_err e = zx_query_open(c, scope, q, args, nargs, &s);
	c->args_pinned = false;
	if (e)
		return e;
	bool row;
	do
		e = zx_stmt_next(s, &row);
	while (!e && row);
	if (!e && changes)
		*changes = stmt_ops(s)->changes(s);
	zx_stmt_done(s);
	return e;
}

zx_err zx_query_ints(zx_conn *c, const zx_scope *scope, zx_query q, const zx_val *args, int nargs,
                     int64_t *out, int n)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, scope, q, args, nargs, &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && !row)
		e = ZX_ENOTFOUND;
	for (int i = 0; !e && i < n; i++)
		out[i] = zx_col_int(s, i);
	zx_stmt_done(s);
	return e;
}

zx_err zx_query_int(zx_conn *c, const zx_scope *scope, zx_query q, const zx_val *args, int nargs,
                    int64_t *out)
{
	return zx_query_ints(c, scope, q, args, nargs, out, 1);
}

int64_t zx_last_insert_id(zx_conn *c)
{
	return c->store->ops->last_insert_id(c);
}

zx_err zx_store_integrity(zx_conn *c, zx_errinfo *ei)
{
	return c->store->ops->integrity(c, ei);
}

zx_err zx_store_backup(zx_store *st, const char *dest, zx_errinfo *ei)
{
	return st->ops->backup(st, dest, ei);
}

/* --- migrations --------------------------------------------------------------- */

int zx_store_latest_version(zx_backend b)
{
	return b == ZX_BACKEND_PG ? zx_migrations_pg_count : zx_migrations_sqlite_count;
}

int zx_store_schema_version(zx_conn *c)
{
	int64_t v = 0;
	if (zx_query_int(c, NULL, ZXQ_schema_version_get, ZX_NOARGS, &v) != ZX_OK)
		return 0;
	return (int)v;
}

#define FK_OFF "-- zx:foreign_keys=off\n"

static zx_err migrate_fk_check(zx_conn *c, int v, zx_errinfo *ei)
{
	int64_t n = 0;
	zx_err e = zx_query_int(c, NULL, ZXQ_migrate_fk_violations, ZX_NOARGS, &n);
	if (!e && n > 0) {
		zx_error("store: migration %04d leaves %lld rows with a dangling foreign key", v,
		         (long long)n);
		e = zx_fail(ei, ZX_EDB, "migration_failed", NULL, 0,
		            "数据库升级失败（第 %d 步）：%lld 行的关联记录不存在", v, (long long)n);
	}
	return e;
}

zx_err zx_store_migrate(zx_store *st, int target, zx_errinfo *ei)
{
	const zx_migration *m = st->ops->migrations;
	int count = *st->ops->migration_count;
	if (target <= 0 || target > count)
		target = count;
	zx_conn *c = zx_store_acquire(st);
	if (!c)
		return zx_fail(ei, ZX_EDB, "db_unavailable", NULL, 0, "无法连接数据库");
	zx_err e = st->ops->exec_raw(c, "CREATE TABLE IF NOT EXISTS zx_schema (version INTEGER NOT NULL)");
	int have = e ? 0 : zx_store_schema_version(c);
	if (!e && have > count)
		e = zx_fail(ei, ZX_EDB, "schema_too_new", NULL, 0,
		            "数据库结构版本 %d 高于本程序支持的版本 %d，请升级 zhenxing", have, count);
	for (int v = have + 1; !e && v <= target; v++) {
		/* A SQLite table rebuild (drop the old table, rename the new one) must not cascade
		 * into or null the rows referencing it: such a migration says so on its first line,
		 * runs with foreign keys off (a pragma SQLite ignores inside a transaction) and
		 * commits only when foreign_key_check finds nothing. */
		bool fk_off =
		    st->backend == ZX_BACKEND_SQLITE && strncmp(m[v - 1].sql, FK_OFF, strlen(FK_OFF)) == 0;
		if (fk_off)
			e = st->ops->exec_raw(c, "PRAGMA foreign_keys=OFF");
		if (!e)
			e = zx_tx_begin_write(c);
		if (!e)
			e = st->ops->exec_raw(c, m[v - 1].sql);
		if (!e && fk_off)
			e = migrate_fk_check(c, v, ei);
		if (!e)
			e = zx_exec(c, NULL, ZXQ_schema_version_clear, ZX_NOARGS, NULL);
		if (!e)
			e = zx_exec(c, NULL, ZXQ_schema_version_set, ZX_ARGS(ZX_INT(v)), NULL);
		if (!e)
			e = zx_tx_commit(c);
		if (e) {
			zx_tx_rollback(c);
			zx_error("store: migration %04d_%s failed: %s", v, m[v - 1].name, zx_err_name(e));
			if (!ei || !ei->err)
				zx_fail(ei, e, "migration_failed", NULL, 0, "数据库升级失败（第 %d 步 %s）",
				        v, m[v - 1].name);
		} else {
			zx_info("store: migrated to schema %04d_%s", v, m[v - 1].name);
		}
		if (fk_off) {
			zx_err e2 = st->ops->exec_raw(c, "PRAGMA foreign_keys=ON");
			if (!e)
				e = e2;
		}
	}
	zx_store_release(st, c);
	return e;
}
