/*
 * store_sqlite.c — the SQLite backend of store.h.
 *
 * Each connection: WAL, foreign_keys=ON, synchronous=FULL, secure_delete=ON, a busy
 * timeout, and a cache of prepared statements indexed by zx_query. A statement that
 * is already running on the connection (nested use of the same query) gets a
 * one-off prepared copy, finalised on zx_stmt_done.
 *
 * Parameters are written $1..$n in the SQL; SQLite treats "$1" as a named parameter,
 * so binding goes through sqlite3_bind_parameter_index() and the order of first
 * appearance in the text does not matter.
 *
 * Every connection also gets the collation "zh" (ICU's Chinese collation: 姓名 in
 * pinyin order, 阿 < 白 < 陈), used by the name index of migration 0006. ICU ties
 * fall back to byte order so the order is total and stable. An ICU upgrade that
 * changes the collation needs `REINDEX zh`.
 *
 * It also gets the function zh_key(text): the ICU sort key of the text under the same
 * collator, as a BLOB whose byte order (memcmp) is the collation's order. Migration 0012
 * indexes 姓名 by zh_key(name), name — the same order as `name COLLATE zh` with its byte
 * tie-break, but compared without calling ICU, and computed once per row written instead
 * of once per comparison. An ICU upgrade that changes the collation needs
 * `REINDEX persons_name; REINDEX persons_area_name`.
 */
#include <sqlite3.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/log.h"
#include "store/native.h"
#include "store/store_impl.h"

/* Arguments a statement can take ($1..$MAX_BIND; store.c allows fewer). */
#define MAX_BIND 64

typedef struct lite_conn {
	zx_conn base;
	sqlite3 *db;
	sqlite3_stmt *cache[ZXQ__COUNT];
	/* argmap[q][i]: SQLite's slot for argument $i+1 of cached statement q, 0 = unused.
	 * Looking "$n" up by name on every bind cost a fifth of a bulk import's CPU. */
	unsigned char argmap[ZXQ__COUNT][MAX_BIND];
} lite_conn;

struct zx_stmt {
	zx_conn *conn; /* must be first: store.c reaches the ops through it */
	sqlite3_stmt *st;
	bool owned; /* one-off copy: finalize instead of reset */
	int64_t changes;
};

static zx_err map_rc(sqlite3 *db, int rc, const char *what)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return ZX_OK;
	case SQLITE_NOMEM:
		return ZX_ENOMEM;
	case SQLITE_FULL:
		zx_error("sqlite: %s: database or disk is full", what);
		return ZX_EFULL;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		zx_error("sqlite: %s: I/O error (%d): %s", what, rc, db ? sqlite3_errmsg(db) : "");
		return ZX_EIO;
	case SQLITE_CONSTRAINT:
		zx_warn("sqlite: %s: constraint: %s", what, db ? sqlite3_errmsg(db) : "");
		return ZX_ECONFLICT;
	default:
		zx_error("sqlite: %s: error %d: %s", what, rc, db ? sqlite3_errmsg(db) : "");
		return ZX_EDB;
	}
}

static const char *db_path(const char *url)
{
	return strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
}

static void lite_conn_close(zx_conn *c)
{
	lite_conn *lc = (lite_conn *)c;
	if (!lc)
		return;
	for (int i = 0; i < ZXQ__COUNT; i++)
		sqlite3_finalize(lc->cache[i]);
	sqlite3_close_v2(lc->db);
	free(lc);
}

static zx_err lite_exec_raw(zx_conn *c, const char *sql)
{
	lite_conn *lc = (lite_conn *)c;
	if (zx_store_fault_fire() && strncmp(sql, "ROLLBACK", 8) != 0)
		return ZX_EIO;
	char *msg = NULL;
	int rc = sqlite3_exec(lc->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		zx_error("sqlite: exec failed (%d): %s", rc, msg ? msg : "");
	sqlite3_free(msg);
	return map_rc(lc->db, rc, "exec");
}

static int zh_compare(void *arg, int alen, const void *a, int blen, const void *b)
{
	UErrorCode status = U_ZERO_ERROR;
	UCollationResult r = ucol_strcollUTF8(arg, a, alen, b, blen, &status);
	if (U_SUCCESS(status) && r != UCOL_EQUAL)
		return r == UCOL_LESS ? -1 : 1;
	int n = memcmp(a, b, (size_t)(alen < blen ? alen : blen));
	return n ? n : (alen > blen) - (alen < blen);
}

/* zh_key(text) -> BLOB: ICU sort key (without its terminating 0 byte); NULL for NULL. */
static void zh_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	if (!text) {
		sqlite3_result_null(ctx);
		return;
	}
	int len = sqlite3_value_bytes(argv[0]);
	UChar stack16[128], *u16 = stack16;
	int32_t n16 = 0;
	UErrorCode status = U_ZERO_ERROR;
	if (len >= (int)(sizeof(stack16) / sizeof(stack16[0]))) {
		/* UTF-16 never needs more code units than UTF-8 has bytes. */
		u16 = sqlite3_malloc64(((sqlite3_uint64)len + 1) * sizeof(UChar));
		if (!u16) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	u_strFromUTF8WithSub(u16, len + 1, &n16, text, len, 0xFFFD, NULL, &status);
	uint8_t stack8[256], *key = stack8;
	int32_t need =
	    U_SUCCESS(status) ? ucol_getSortKey(sqlite3_user_data(ctx), u16, n16, key, sizeof(stack8)) : 0;
	if (need > (int32_t)sizeof(stack8)) {
		key = sqlite3_malloc(need);
		need = key ? ucol_getSortKey(sqlite3_user_data(ctx), u16, n16, key, need) : 0;
	}
	if (need <= 0)
		sqlite3_result_error(ctx, "zh_key: ICU sort key failed", -1);
	else
		sqlite3_result_blob(ctx, key, need - 1, SQLITE_TRANSIENT);
	if (key != stack8)
		sqlite3_free(key);
	if (u16 != stack16)
		sqlite3_free(u16);
}

static void zh_destroy(void *arg)
{
	ucol_close(arg);
}

/* One collator per connection: a connection is used by one thread at a time. */
static zx_err register_zh(sqlite3 *db)
{
	UErrorCode status = U_ZERO_ERROR;
	UCollator *coll = ucol_open("zh", &status);
	if (U_FAILURE(status) || !coll) {
		zx_error("sqlite: ICU collator zh unavailable: %s", u_errorName(status));
		return ZX_EINTERNAL;
	}
	/* The function shares the collator the collation owns (and closes). */
	if (sqlite3_create_function_v2(db, "zh_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	                               coll, zh_key, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_collation_v2(db, "zh", SQLITE_UTF8, coll, zh_compare, zh_destroy) != SQLITE_OK) {
		ucol_close(coll);
		return ZX_EDB;
	}
	return ZX_OK;
}

static zx_err lite_conn_open(zx_store *st, zx_conn **out, zx_errinfo *ei)
{
	const char *path = db_path(st->url);
	struct stat sb;
	if (!st->opts.create && stat(path, &sb) != 0)
		return zx_fail(ei, ZX_EINVAL, "db_not_found", "--db", 0,
		               "数据库文件不存在: %s（可先运行 zhenxing demo 或 zhenxing migrate 创建）",
		               path);
	lite_conn *lc = calloc(1, sizeof(*lc));
	if (!lc)
		return ZX_ENOMEM;
	lc->base.store = st;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (st->opts.create ? SQLITE_OPEN_CREATE : 0);
	int rc = sqlite3_open_v2(path, &lc->db, flags, NULL);
	if (rc != SQLITE_OK) {
		zx_error("sqlite: cannot open database: %s", lc->db ? sqlite3_errmsg(lc->db) : "?");
		lite_conn_close(&lc->base);
		return zx_fail(ei, ZX_EIO, "db_open_failed", "--db", 0, "无法打开数据库文件: %s", path);
	}
	sqlite3_extended_result_codes(lc->db, 1);
	sqlite3_busy_timeout(lc->db, st->opts.busy_timeout_ms);
	if (register_zh(lc->db) != ZX_OK) {
		lite_conn_close(&lc->base);
		return zx_fail(ei, ZX_EINTERNAL, "collation_unavailable", NULL, 0,
		               "无法加载中文排序规则（ICU）");
	}
	char pragmas[256];
	snprintf(pragmas, sizeof(pragmas),
	         "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;"
	         "PRAGMA secure_delete=ON; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16384;");
	zx_err e = lite_exec_raw(&lc->base, pragmas);
	if (!e && st->opts.max_pages > 0) {
		snprintf(pragmas, sizeof(pragmas), "PRAGMA max_page_count=%lld",
		         (long long)st->opts.max_pages);
		e = lite_exec_raw(&lc->base, pragmas);
	}
	if (!e) {
		/* A file that is not a database fails here, not at the first query. */
		e = lite_exec_raw(&lc->base, "SELECT count(*) FROM sqlite_schema");
	}
	if (e) {
		lite_conn_close(&lc->base);
		/* A full disk or an I/O error (creating the WAL, say) is not a damaged file:
		 * saying so would send the operator to a restore for nothing. */
		if (e == ZX_EFULL)
			return zx_fail(ei, e, "db_open_failed", "--db", 0, "磁盘空间已满，无法打开数据库: %s",
			               path);
		if (e == ZX_EIO)
			return zx_fail(ei, e, "db_open_failed", "--db", 0,
			               "读写数据库文件失败（请检查磁盘和文件权限）: %s", path);
		return zx_fail(ei, e, "db_open_failed", "--db", 0,
		               "数据库文件无法使用（不是有效的数据库或已损坏）: %s", path);
	}
	*out = &lc->base;
	return ZX_OK;
}

/* Fills map with the slot of each "$n" parameter (see lite_conn.argmap). */
static void map_args(sqlite3_stmt *st, unsigned char map[MAX_BIND])
{
	memset(map, 0, MAX_BIND);
	int total = sqlite3_bind_parameter_count(st);
	for (int idx = 1; idx <= total && idx <= 255; idx++) {
		const char *name = sqlite3_bind_parameter_name(st, idx);
		if (!name || name[0] != '$')
			continue;
		char *end;
		long n = strtol(name + 1, &end, 10);
		if (!*end && n >= 1 && n <= MAX_BIND)
			map[n - 1] = (unsigned char)idx;
	}
}

static zx_err bind_args(sqlite3_stmt *st, const unsigned char map[MAX_BIND], const zx_val *args, int nargs,
                        bool pinned)
{
	/* Copying every text argument cost a bulk import a tenth of its CPU; zx_exec's
	 * arguments outlive the statement, so those are bound in place. */
	sqlite3_destructor_type how = pinned ? SQLITE_STATIC : SQLITE_TRANSIENT;
	int total = sqlite3_bind_parameter_count(st);
	for (int i = 0; i < nargs; i++) {
		int idx = i < MAX_BIND ? map[i] : 0;
		if (idx == 0)
			continue; /* the statement does not use this argument */
		int rc;
		switch (args[i].t) {
		case ZX_V_INT:
			rc = sqlite3_bind_int64(st, idx, args[i].i);
			break;
		case ZX_V_REAL:
			rc = sqlite3_bind_double(st, idx, args[i].r);
			break;
		case ZX_V_TEXT:
			rc = args[i].s ? sqlite3_bind_text(st, idx, args[i].s, -1, how)
			               : sqlite3_bind_null(st, idx);
			break;
		default:
			rc = sqlite3_bind_null(st, idx);
		}
		if (rc != SQLITE_OK)
			return ZX_EDB;
	}
	if (total > nargs) {
		zx_error("sqlite: statement expects %d parameters, got %d", total, nargs);
		return ZX_EINTERNAL;
	}
	return ZX_OK;
}

static zx_err lite_query_open(zx_conn *c, zx_query q, const zx_val *args, int nargs, zx_stmt **out)
{
	lite_conn *lc = (lite_conn *)c;
	const char *sql = zx_sql_defs[q].sql[ZX_BACKEND_SQLITE];
	if (!sql) {
		zx_error("sqlite: query %s has no SQLite text", zx_sql_defs[q].name);
		return ZX_EINTERNAL;
	}
	zx_stmt *s = calloc(1, sizeof(*s));
	if (!s)
		return ZX_ENOMEM;
	s->conn = c;
	sqlite3_stmt *st = lc->cache[q];
	if (st && sqlite3_stmt_busy(st)) {
		st = NULL;
		s->owned = true;
	}
	if (!st) {
		int rc =
		    sqlite3_prepare_v3(lc->db, sql, -1, s->owned ? 0 : SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK) {
			zx_error("sqlite: prepare %s: %s", zx_sql_defs[q].name, sqlite3_errmsg(lc->db));
			free(s);
			return map_rc(lc->db, rc, "prepare");
		}
		if (!s->owned) {
			lc->cache[q] = st;
			map_args(st, lc->argmap[q]);
		}
	}
	s->st = st;
	unsigned char owned_map[MAX_BIND];
	if (s->owned)
		map_args(st, owned_map);
	zx_err e = bind_args(st, s->owned ? owned_map : lc->argmap[q], args, nargs, c->args_pinned);
	if (e) {
		zx_error("sqlite: binding %s failed", zx_sql_defs[q].name);
		if (s->owned)
			sqlite3_finalize(st);
		else {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
		}
		free(s);
		return e;
	}
	*out = s;
	return ZX_OK;
}

static zx_err lite_stmt_next(zx_stmt *s, bool *row)
{
	lite_conn *lc = (lite_conn *)s->conn;
	*row = false;
	if (!sqlite3_stmt_readonly(s->st) && zx_store_fault_fire()) {
		zx_error("sqlite: injected write fault");
		return ZX_EIO;
	}
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW) {
		*row = true;
		return ZX_OK;
	}
	if (rc == SQLITE_DONE) {
		s->changes = sqlite3_changes64(lc->db);
		return ZX_OK;
	}
	return map_rc(lc->db, rc, sqlite3_sql(s->st));
}

static void lite_stmt_done(zx_stmt *s)
{
	if (s->owned) {
		sqlite3_finalize(s->st);
	} else {
		sqlite3_reset(s->st);
		sqlite3_clear_bindings(s->st);
	}
	free(s);
}

static int lite_ncols(zx_stmt *s)
{
	return sqlite3_column_count(s->st);
}

static bool lite_col_null(zx_stmt *s, int i)
{
	return sqlite3_column_type(s->st, i) == SQLITE_NULL;
}

static int64_t lite_col_int(zx_stmt *s, int i)
{
	return sqlite3_column_int64(s->st, i);
}

static double lite_col_real(zx_stmt *s, int i)
{
	return sqlite3_column_double(s->st, i);
}

static const char *lite_col_text(zx_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s->st, i);
	return t ? (const char *)t : "";
}

static const char *lite_col_name(zx_stmt *s, int i)
{
	return sqlite3_column_name(s->st, i);
}

static int64_t lite_changes(zx_stmt *s)
{
	return s->changes;
}

static int64_t lite_last_insert_id(zx_conn *c)
{
	return sqlite3_last_insert_rowid(((lite_conn *)c)->db);
}

static zx_err lite_integrity(zx_conn *c, zx_errinfo *ei)
{
	lite_conn *lc = (lite_conn *)c;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(lc->db, "PRAGMA integrity_check", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return zx_fail(ei, map_rc(lc->db, rc, "integrity_check"), "integrity_failed", NULL, 0,
		               "数据库完整性检查无法执行");
	zx_err e = ZX_OK;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(st, 0);
		if (!r || strcmp(r, "ok") != 0)
			e = zx_fail(ei, ZX_EDB, "integrity_failed", NULL, 0, "数据库完整性检查未通过: %s",
			            r ? r : "?");
	} else {
		e = zx_fail(ei, ZX_EDB, "integrity_failed", NULL, 0, "数据库完整性检查无结果");
	}
	sqlite3_finalize(st);
	if (!e) {
		rc = sqlite3_prepare_v2(lc->db, "PRAGMA foreign_key_check", -1, &st, NULL);
		if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
			e = zx_fail(ei, ZX_EDB, "foreign_key_failed", NULL, 0,
			            "数据库外键检查未通过（表 %s）",
			            (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	return e;
}

static zx_err lite_backup(zx_store *stp, const char *dest, zx_errinfo *ei)
{
	zx_conn *c = zx_store_acquire(stp);
	if (!c)
		return zx_fail(ei, ZX_EDB, "db_unavailable", NULL, 0, "无法连接数据库");
	sqlite3 *to = NULL;
	zx_err e = ZX_OK;
	if (sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		e = zx_fail(ei, ZX_EIO, "backup_open_failed", "-o", 0, "无法创建备份文件: %s", dest);
		goto out;
	}
	sqlite3_backup *b = sqlite3_backup_init(to, "main", ((lite_conn *)c)->db, "main");
	if (!b) {
		e = zx_fail(ei, ZX_EDB, "backup_failed", NULL, 0, "备份失败: %s", sqlite3_errmsg(to));
		goto out;
	}
	/* All pages in one step: one read transaction, so writers from other processes
	 * neither block nor restart the copy, and the copy is exactly one snapshot. */
	int rc;
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		e = zx_fail(ei, map_rc(to, rc, "backup"), "backup_failed", NULL, 0, "备份失败");
out:
	sqlite3_close_v2(to);
	zx_store_release(stp, c);
	return e;
}

const zx_store_ops zx_sqlite_ops = {
    .conn_open = lite_conn_open,
    .conn_close = lite_conn_close,
    .exec_raw = lite_exec_raw,
    .query_open = lite_query_open,
    .stmt_next = lite_stmt_next,
    .stmt_done = lite_stmt_done,
    .stmt_ncols = lite_ncols,
    .col_null = lite_col_null,
    .col_int = lite_col_int,
    .col_real = lite_col_real,
    .col_text = lite_col_text,
    .col_name = lite_col_name,
    .changes = lite_changes,
    .last_insert_id = lite_last_insert_id,
    .integrity = lite_integrity,
    .backup = lite_backup,
    .migrations = zx_migrations_sqlite,
    .migration_count = &zx_migrations_sqlite_count,
};

sqlite3 *zx_conn_sqlite(zx_conn *c)
{
	return c && c->store->backend == ZX_BACKEND_SQLITE ? ((lite_conn *)c)->db : NULL;
}
