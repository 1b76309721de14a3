/*
 * store_pg.c — the PostgreSQL backend of store.h, over libpq.
 *
 * Each connection prepares a named query the first time it runs it (statement name
 * "zxq_<index>", parameter types inferred by the server) and executes it with text
 * parameters. Results are materialised per statement (PQexecPrepared), so a caller
 * may run another query while iterating a cursor, exactly as with SQLite; code that
 * walks very large results reads them in keyset-paginated chunks (the household export,
 * common/households.sql export_rows). The standard and ledger exports still read one
 * result per export: their lists are a fraction of a county's persons.
 *
 * A connection that fails (server restart, dropped socket) is reset once and the
 * statement retried if no transaction was open; inside a transaction the error is
 * returned (the transaction is lost) and the connection marked broken, so the pool
 * replaces it — the server reconnects by itself.
 */
#include <ctype.h>
#include <libpq-fe.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "store/native.h"
#include "store/store_impl.h"

typedef struct pg_conn {
	zx_conn base;
	PGconn *pg;
	unsigned char prepared[ZXQ__COUNT];
	signed char nparams[ZXQ__COUNT]; /* parameters each prepared statement takes */
	bool returns_id[ZXQ__COUNT];     /* prepared with " RETURNING id" added */
	int64_t last_id;
	/* Tables known to have (1) or lack (0) an identity column "id": lastval() is only
	 * asked after inserts into the former, since asking it otherwise is an error that
	 * would abort the surrounding transaction. */
	struct {
		char table[48];
		int has_identity;
	} ident[64];
	int nident;
} pg_conn;

struct zx_stmt {
	zx_conn *conn; /* must be first: store.c reaches the ops through it */
	PGresult *res;
	int row; /* next row to hand out */
	int cur; /* current row, -1 before the first */
	int64_t changes;
};

/* SQLSTATE classes mapped to zx_err. */
static zx_err map_result(PGconn *pg, PGresult *r, const char *what)
{
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_SINGLE_TUPLE)
		return ZX_OK;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(pg);
	if (state && strncmp(state, "23", 2) == 0) {
		zx_warn("pg: %s: constraint %s", what, state);
		return ZX_ECONFLICT;
	}
	/* Values SQLite would store or compare as they are but PostgreSQL refuses (bytes that
	 * are not UTF-8, text where a number is expected, out of range): the caller's input. */
	if (state && (strcmp(state, "22021") == 0 || strcmp(state, "22P02") == 0 ||
	              strcmp(state, "22003") == 0 || strcmp(state, "22001") == 0)) {
		zx_warn("pg: %s: value refused (%s)", what, state);
		return ZX_EINVAL;
	}
	if (state && (strcmp(state, "53100") == 0 || strcmp(state, "53200") == 0)) {
		zx_error("pg: %s: disk or memory full (%s)", what, state);
		return ZX_EFULL;
	}
	zx_error("pg: %s failed (%s): %s", what, state ? state : "no state", msg ? msg : "");
	if (PQstatus(pg) != CONNECTION_OK)
		return ZX_EIO;
	return ZX_EDB;
}

static void pg_conn_close(zx_conn *c)
{
	pg_conn *pc = (pg_conn *)c;
	if (!pc)
		return;
	PQfinish(pc->pg);
	free(pc);
}

static zx_err pg_conn_open(zx_store *st, zx_conn **out, zx_errinfo *ei)
{
	pg_conn *pc = calloc(1, sizeof(*pc));
	if (!pc)
		return ZX_ENOMEM;
	pc->base.store = st;
	pc->pg = PQconnectdb(st->url);
	if (!pc->pg || PQstatus(pc->pg) != CONNECTION_OK) {
		/* libpq's message may quote the URL; log it, but never show the password to users. */
		zx_error("pg: cannot connect: %s", pc->pg ? PQerrorMessage(pc->pg) : "out of memory");
		pg_conn_close(&pc->base);
		return zx_fail(ei, ZX_EIO, "db_connect_failed", "--db", 0,
		               "无法连接 PostgreSQL 数据库（地址、端口、用户名或密码错误，或服务未启动）");
	}
	PGresult *r = PQexec(pc->pg, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
	zx_err e = map_result(pc->pg, r, "session setup");
	PQclear(r);
	if (e) {
		pg_conn_close(&pc->base);
		return zx_fail(ei, e, "db_connect_failed", "--db", 0, "PostgreSQL 会话初始化失败");
	}
	*out = &pc->base;
	return ZX_OK;
}

/* After a lost connection: reconnect, forget prepared statements. */
static bool pg_reconnect(pg_conn *pc)
{
	PQreset(pc->pg);
	memset(pc->prepared, 0, sizeof(pc->prepared));
	pc->nident = 0;
	if (PQstatus(pc->pg) != CONNECTION_OK)
		return false;
	PGresult *r = PQexec(pc->pg, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
	bool ok = map_result(pc->pg, r, "session setup") == ZX_OK;
	PQclear(r);
	zx_info("pg: connection re-established");
	return ok;
}

static zx_err pg_exec_raw(zx_conn *c, const char *sql)
{
	pg_conn *pc = (pg_conn *)c;
	if (zx_store_fault_fire() && strncmp(sql, "ROLLBACK", 8) != 0)
		return ZX_EIO;
	PGresult *r = PQexec(pc->pg, sql);
	zx_err e = map_result(pc->pg, r, "exec");
	PQclear(r);
	if (e == ZX_EIO && !c->in_tx && strncmp(sql, "ROLLBACK", 8) != 0 && pg_reconnect(pc)) {
		r = PQexec(pc->pg, sql);
		e = map_result(pc->pg, r, "exec");
		PQclear(r);
	}
	if (e == ZX_EIO)
		c->broken = true;
	return e;
}

static const char *skip_space(const char *sql)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	return sql;
}

/* The table of "INSERT INTO name …", or false if sql is not an insert. */
static bool insert_table(const char *sql, char *out, size_t cap)
{
	sql = skip_space(sql);
	if (strncasecmp(sql, "INSERT", 6) != 0)
		return false;
	sql = skip_space(sql + 6);
	if (strncasecmp(sql, "INTO", 4) != 0)
		return false;
	sql = skip_space(sql + 4);
	size_t n = 0;
	while (n + 1 < cap && (isalnum((unsigned char)sql[n]) || sql[n] == '_'))
		n++;
	memcpy(out, sql, n);
	out[n] = '\0';
	return n > 0;
}

static bool has_identity(pg_conn *pc, const char *table)
{
	for (int i = 0; i < pc->nident; i++)
		if (strcmp(pc->ident[i].table, table) == 0)
			return pc->ident[i].has_identity;
	const char *vals[1] = {table};
	PGresult *r = PQexecParams(pc->pg,
	                           "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) "
	                           "AND attname = 'id' AND attidentity <> ''",
	                           1, NULL, vals, NULL, NULL, 0);
	int has = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	PQclear(r);
	if (pc->nident < (int)(sizeof(pc->ident) / sizeof(pc->ident[0]))) {
		snprintf(pc->ident[pc->nident].table, sizeof(pc->ident[0].table), "%s", table);
		pc->ident[pc->nident++].has_identity = has;
	}
	return has;
}

static bool is_read(const char *sql)
{
	sql = skip_space(sql);
	return strncasecmp(sql, "SELECT", 6) == 0 || strncasecmp(sql, "WITH", 4) == 0;
}

static zx_err pg_run(pg_conn *pc, zx_query q, const char *sql, const char *const *vals, int nargs,
                     PGresult **out)
{
	char name[32];
	snprintf(name, sizeof(name), "zxq_%d", (int)q);
	if (!pc->prepared[q]) {
		/* An INSERT into a table with an identity "id" reports the id with its own result
		 * (RETURNING id, rows hidden from the caller) instead of a lastval() round trip. */
		char table[48], *with_id = NULL;
		if (insert_table(sql, table, sizeof(table)) && !strcasestr(sql, "RETURNING") &&
		    has_identity(pc, table)) {
			size_t n = strlen(sql);
			while (n > 0 && (sql[n - 1] == ';' || sql[n - 1] == ' ' || sql[n - 1] == '\n'))
				n--;
			with_id = malloc(n + sizeof(" RETURNING id"));
			if (!with_id)
				return ZX_ENOMEM;
			memcpy(with_id, sql, n);
			memcpy(with_id + n, " RETURNING id", sizeof(" RETURNING id"));
		}
		PGresult *r = PQprepare(pc->pg, name, with_id ? with_id : sql, 0, NULL);
		free(with_id);
		zx_err e = map_result(pc->pg, r, zx_sql_defs[q].name);
		PQclear(r);
		if (e)
			return e;
		pc->returns_id[q] = with_id != NULL;
		r = PQdescribePrepared(pc->pg, name);
		e = map_result(pc->pg, r, zx_sql_defs[q].name);
		pc->nparams[q] = (signed char)(e ? 0 : PQnparams(r));
		PQclear(r);
		if (e)
			return e;
		pc->prepared[q] = 1;
	}
	/* As with SQLite: fewer arguments than parameters is a bug, never a NULL match;
	 * extra ones (callers passing a common argument list) are not sent. */
	if (nargs < pc->nparams[q]) {
		zx_error("pg: query %s takes %d arguments, got %d", zx_sql_defs[q].name, pc->nparams[q],
		         nargs);
		*out = NULL;
		return ZX_EINTERNAL;
	}
	*out = PQexecPrepared(pc->pg, name, pc->nparams[q], vals, NULL, NULL, 0);
	return map_result(pc->pg, *out, zx_sql_defs[q].name);
}

static zx_err pg_query_open(zx_conn *c, zx_query q, const zx_val *args, int nargs, zx_stmt **out)
{
	pg_conn *pc = (pg_conn *)c;
	const char *sql = zx_sql_defs[q].sql[ZX_BACKEND_PG];
	if (!sql) {
		zx_error("pg: query %s has no PostgreSQL text", zx_sql_defs[q].name);
		return ZX_EINTERNAL;
	}
	if (!is_read(sql) && zx_store_fault_fire()) {
		zx_error("pg: injected write fault");
		return ZX_EIO;
	}
	char nums[64][24];
	const char *vals[64];
	if (nargs > 64)
		return ZX_EINTERNAL;
	for (int i = 0; i < nargs; i++) {
		switch (args[i].t) {
		case ZX_V_INT:
			snprintf(nums[i], sizeof(nums[i]), "%" PRId64, args[i].i);
			vals[i] = nums[i];
			break;
		case ZX_V_REAL:
			snprintf(nums[i], sizeof(nums[i]), "%.17g", args[i].r);
			vals[i] = nums[i];
			break;
		case ZX_V_TEXT:
			vals[i] = args[i].s;
			break;
		default:
			vals[i] = NULL;
		}
	}
	zx_stmt *s = calloc(1, sizeof(*s));
	if (!s)
		return ZX_ENOMEM;
	s->conn = c;
	s->cur = -1;
	zx_err e = pg_run(pc, q, sql, vals, nargs, &s->res);
	if (e == ZX_EIO && !c->in_tx && pg_reconnect(pc)) {
		PQclear(s->res);
		s->res = NULL;
		e = pg_run(pc, q, sql, vals, nargs, &s->res);
	}
	if (e) {
		if (e == ZX_EIO)
			c->broken = true;
		PQclear(s->res);
		free(s);
		return e;
	}
	const char *ct = PQcmdTuples(s->res);
	s->changes = ct && *ct ? strtoll(ct, NULL, 10) : 0;
	char table[48];
	if (pc->returns_id[q]) {
		int n = PQntuples(s->res);
		if (n > 0)
			pc->last_id = strtoll(PQgetvalue(s->res, n - 1, 0), NULL, 10);
		s->row = n; /* the caller ran an INSERT: no rows */
	} else if (s->changes > 0 && insert_table(sql, table, sizeof(table)) && has_identity(pc, table)) {
		/* zx_last_insert_id(): the identity value this session generated last. */
		PGresult *r = PQexec(pc->pg, "SELECT lastval()");
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			pc->last_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
	}
	*out = s;
	return ZX_OK;
}

static zx_err pg_stmt_next(zx_stmt *s, bool *row)
{
	*row = s->row < PQntuples(s->res);
	if (*row)
		s->cur = s->row++;
	return ZX_OK;
}

static void pg_stmt_done(zx_stmt *s)
{
	PQclear(s->res);
	free(s);
}

static int pg_ncols(zx_stmt *s)
{
	return PQnfields(s->res);
}

static bool pg_col_null(zx_stmt *s, int i)
{
	return s->cur < 0 || PQgetisnull(s->res, s->cur, i);
}

#define PG_BOOLOID 16

static int64_t pg_col_int(zx_stmt *s, int i)
{
	if (pg_col_null(s, i))
		return 0;
	const char *v = PQgetvalue(s->res, s->cur, i);
	/* A boolean (EXISTS, comparisons) reads as 1/0, as SQLite's do. */
	if (PQftype(s->res, i) == PG_BOOLOID)
		return v[0] == 't';
	/* numeric (sums, round()) reads like SQLite's integer conversion: truncated. */
	if (strpbrk(v, ".eE"))
		return (int64_t)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

static double pg_col_real(zx_stmt *s, int i)
{
	return pg_col_null(s, i) ? 0 : strtod(PQgetvalue(s->res, s->cur, i), NULL);
}

static const char *pg_col_text(zx_stmt *s, int i)
{
	if (pg_col_null(s, i))
		return "";
	const char *v = PQgetvalue(s->res, s->cur, i);
	if (PQftype(s->res, i) == PG_BOOLOID)
		return v[0] == 't' ? "1" : "0";
	return v;
}

static const char *pg_col_name(zx_stmt *s, int i)
{
	return PQfname(s->res, i);
}

static int64_t pg_changes(zx_stmt *s)
{
	return s->changes;
}

static int64_t pg_last_insert_id(zx_conn *c)
{
	return ((pg_conn *)c)->last_id;
}

static zx_err pg_integrity(zx_conn *c, zx_errinfo *ei)
{
	/* PostgreSQL enforces constraints itself; check the server answers and the schema is there. */
	pg_conn *pc = (pg_conn *)c;
	PGresult *r = PQexec(pc->pg, "SELECT count(*) FROM zx_schema");
	zx_err e = map_result(pc->pg, r, "integrity");
	PQclear(r);
	return e ? zx_fail(ei, e, "integrity_failed", NULL, 0, "PostgreSQL 数据库检查失败") : ZX_OK;
}

size_t zx_copy_escape(char *out, const char *p, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char e = p[i] == '\\'   ? '\\'
		         : p[i] == '\t' ? 't'
		         : p[i] == '\n' ? 'n'
		         : p[i] == '\r' ? 'r'
		                        : 0;
		if (e) {
			out[k++] = '\\';
			out[k++] = e;
		} else {
			out[k++] = p[i];
		}
	}
	return k;
}

/* One COPY … FROM STDIN of q with the rows in data (zx_bulk_flush). The rows go in 1 MiB
 * messages; a failure to send ends the COPY with an error so the server discards it, and
 * the statement's own error (a constraint: ZX_ECONFLICT) wins over the sending one. A lost
 * connection is never retried here: the rows belong to the open transaction, which is gone. */
static zx_err pg_copy_in(zx_conn *c, zx_query q, const char *data, size_t len)
{
	pg_conn *pc = (pg_conn *)c;
	const char *name = zx_sql_defs[q].name;
	const char *sql = zx_sql_defs[q].sql[ZX_BACKEND_PG];
	if (!sql || strncasecmp(skip_space(sql), "COPY", 4) != 0) {
		zx_error("pg: query %s is not a COPY", name);
		return ZX_EINTERNAL;
	}
	PGresult *r = PQexec(pc->pg, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		zx_err e = map_result(pc->pg, r, name);
		PQclear(r);
		if (e == ZX_EIO)
			c->broken = true;
		return e ? e : ZX_EDB;
	}
	PQclear(r);
	bool sent = true;
	for (size_t off = 0; sent && off < len;) {
		size_t n = len - off < ((size_t)1 << 20) ? len - off : (size_t)1 << 20;
		sent = PQputCopyData(pc->pg, data + off, (int)n) == 1;
		off += n;
	}
	if (PQputCopyEnd(pc->pg, sent ? NULL : "zhenxing: sending the rows failed") != 1)
		sent = false;
	zx_err e = ZX_OK;
	while ((r = PQgetResult(pc->pg)) != NULL) {
		ExecStatusType st = PQresultStatus(r);
		zx_err e2 =
		    st == PGRES_COPY_IN || st == PGRES_COPY_OUT ? ZX_EIO : map_result(pc->pg, r, name);
		PQclear(r);
		if (!e)
			e = e2;
		if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT)
			break; /* the end could not be sent: the connection is unusable */
	}
	if (!e && !sent)
		e = PQstatus(pc->pg) == CONNECTION_OK ? ZX_EDB : ZX_EIO;
	if (e == ZX_EIO || PQstatus(pc->pg) != CONNECTION_OK) {
		zx_error("pg: %s: %s", name, PQerrorMessage(pc->pg));
		c->broken = true;
		if (!e)
			e = ZX_EIO;
	}
	return e;
}

static zx_err pg_backup(zx_store *st, const char *dest, zx_errinfo *ei)
{
	(void)st;
	(void)dest;
	return zx_fail(
	    ei, ZX_EINVAL, "backup_unsupported", "--db", 0,
	    "PostgreSQL 数据库请用 pg_dump 备份（见 docs/deploy.md），zhenxing backup 只用于 SQLite");
}

const zx_store_ops zx_pg_ops = {
    .conn_open = pg_conn_open,
    .conn_close = pg_conn_close,
    .exec_raw = pg_exec_raw,
    .query_open = pg_query_open,
    .stmt_next = pg_stmt_next,
    .stmt_done = pg_stmt_done,
    .stmt_ncols = pg_ncols,
    .col_null = pg_col_null,
    .col_int = pg_col_int,
    .col_real = pg_col_real,
    .col_text = pg_col_text,
    .col_name = pg_col_name,
    .changes = pg_changes,
    .last_insert_id = pg_last_insert_id,
    .integrity = pg_integrity,
    .backup = pg_backup,
    .copy_in = pg_copy_in,
    .migrations = zx_migrations_pg,
    .migration_count = &zx_migrations_pg_count,
};

PGconn *zx_conn_pg(zx_conn *c)
{
	return c && c->store->backend == ZX_BACKEND_PG ? ((pg_conn *)c)->pg : NULL;
}
