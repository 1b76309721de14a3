/*
 * copy.c — `zhenxing copy --from SRC --to DST`: moves a whole database between a SQLite
 * file and PostgreSQL (either direction), e.g. a county growing out of one machine.
 *
 * The target must be new or empty. In ONE transaction on the target: the schema is
 * created by the program's own migrations, every table of the source's catalog is
 * copied in foreign-key order (so tables added by later migrations come along without
 * a line here), with ids kept and PostgreSQL's identity sequences moved past them,
 * triggers held off while rows arrive (their derived tables are copied as they are),
 * and then both sides are verified: per table the row count and an order-independent
 * checksum (SM3 over the sorted SM3 hashes of the rows, values normalised so that
 * SQLite's and PostgreSQL's spellings of the same value hash alike). Only then is the
 * key file copied and the transaction committed; any failure leaves the target as it
 * was (a SQLite file created here is removed). PostgreSQL targets are written with
 * COPY FROM STDIN, sources read in one snapshot (PostgreSQL in single-row mode).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/copy.h"

#define USAGE "zhenxing copy --from FILE|URL --to FILE|URL [--from-key FILE] [--to-key FILE]"

static bool is_url(const char *s)
{
	return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0;
}

static int fail(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "错误: ");
	fprintf(stderr, fmt, a ? a : "", b ? b : "");
	fputc('\n', stderr);
	return CLI_EDATA;
}

/* --- raw statements and the catalog ---------------------------------------------------- */

static bool exec_sql(side *s, const char *sql, char *err, size_t errcap)
{
	if (s->lite) {
		char *msg = NULL;
		if (sqlite3_exec(s->lite, sql, NULL, NULL, &msg) == SQLITE_OK)
			return true;
		snprintf(err, errcap, "%s", msg ? msg : sqlite3_errmsg(s->lite));
		sqlite3_free(msg);
		return false;
	}
	PGresult *r = PQexec(s->pg, sql);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
	if (!ok)
		snprintf(err, errcap, "%s", r ? PQresultErrorMessage(r) : PQerrorMessage(s->pg));
	PQclear(r);
	return ok;
}

/* Runs a catalog query with one text parameter (or none); each row's first column is
 * copied into out[i] (NAME_LEN each, at most max). Returns the row count or -1. */
static int names(side *s, const char *lite_sql, const char *pg_sql, const char *param, char (*out)[NAME_LEN],
                 int max)
{
	int n = 0;
	if (s->lite) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(s->lite, lite_sql, -1, &st, NULL) != SQLITE_OK)
			return -1;
		if (param)
			sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW && n < max)
			snprintf(out[n++], NAME_LEN, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		return n;
	}
	const char *vals[1] = {param};
	PGresult *r = PQexecParams(s->pg, pg_sql, param ? 1 : 0, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return -1;
	}
	for (int i = 0; i < PQntuples(r) && n < max; i++)
		snprintf(out[n++], NAME_LEN, "%s", PQgetvalue(r, i, 0));
	PQclear(r);
	return n;
}

#define PG_TABLES                                                                                            \
	"SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = "    \
	"'r' "                                                                                               \
	"AND relname <> 'zx_schema' ORDER BY 1"
#define LITE_TABLES                                                                                          \
	"SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> "      \
	"'zx_schema' ORDER BY 1"

static int list_tables(side *s, char (*out)[NAME_LEN], int max)
{
	return names(s, LITE_TABLES, PG_TABLES, NULL, out, max);
}

/* The tables t references (its foreign keys), itself excluded. */
static int parents_of(side *s, table *t)
{
	char p[8][NAME_LEN];
	int n = names(s, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)",
	              "SELECT DISTINCT p.relname FROM pg_constraint k JOIN pg_class p ON p.oid = k.confrelid "
	              "WHERE k.conrelid = to_regclass($1) AND k.contype = 'f'",
	              t->name, p, 8);
	t->nparents = 0;
	for (int i = 0; i < n; i++)
		if (strcmp(p[i], t->name) != 0)
			snprintf(t->parents[t->nparents++], NAME_LEN, "%.63s", p[i]);
	return n;
}

/* Writable (not generated) columns of t on s, sorted by name. */
static int columns_of(side *s, const char *table_name, char (*out)[NAME_LEN])
{
	return names(s, "SELECT name FROM pragma_table_xinfo(?1) WHERE hidden = 0 ORDER BY name",
	             "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 "
	             "AND NOT attisdropped AND attgenerated = '' ORDER BY attname COLLATE \"C\"",
	             table_name, out, MAX_COLS);
}

/* Orders tables so that every table comes after the ones it references. */
static bool fk_order(table *t, int n)
{
	for (int done = 0; done < n;) {
		int pick = -1;
		for (int i = done; i < n && pick < 0; i++) {
			bool ready = true;
			for (int p = 0; p < t[i].nparents && ready; p++)
				for (int j = done; j < n && ready; j++)
					ready = strcmp(t[j].name, t[i].parents[p]) != 0;
			if (ready)
				pick = i;
		}
		if (pick < 0)
			return false; /* a cycle of foreign keys */
		table tmp = t[done];
		t[done] = t[pick];
		t[pick] = tmp;
		done++;
	}
	return true;
}

/* Source tables, each with the target's columns (which the source must have too). */
static int plan(side *src, side *dst, table *t, char *err, size_t errcap)
{
	char(*names_src)[NAME_LEN] = calloc(MAX_TABLES, NAME_LEN);
	char(*cols)[NAME_LEN] = calloc(MAX_COLS, NAME_LEN);
	int n = names_src ? list_tables(src, names_src, MAX_TABLES) : -1;
	for (int i = 0; i < n; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		snprintf(t[i].name, NAME_LEN, "%s", names_src[i]);
		t[i].ncols = columns_of(dst, t[i].name, t[i].cols);
		int have = columns_of(src, t[i].name, cols);
		if (t[i].ncols <= 0 || parents_of(src, &t[i]) < 0) {
			snprintf(err, errcap, "目标数据库没有表 %s（两边的数据库结构版本不同？）", t[i].name);
			n = -1;
			break;
		}
		for (int c = 0; c < t[i].ncols && n >= 0; c++) {
			bool found = false;
			for (int k = 0; k < have && !found; k++)
				found = strcmp(cols[k], t[i].cols[c]) == 0;
			if (!found) {
				snprintf(err, errcap, "源数据库的表 %s 没有列 %s", t[i].name, t[i].cols[c]);
				n = -1;
			}
		}
		if (n >= 0 && dst->pg) {
			char id[1][NAME_LEN];
			t[i].identity_id =
			    names(dst, NULL,
			          "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass($1) "
			          "AND attname = 'id' AND attidentity <> ''",
			          t[i].name, id, 1) == 1;
		}
	}
	if (n >= 0 && !fk_order(t, n)) {
		snprintf(err, errcap, "外键成环，无法确定复制顺序");
		n = -1;
	}
	free(names_src);
	free(cols);
	return n;
}

/* Triggers off while rows arrive (derived tables are copied as they are), on again after. */
static bool triggers(side *dst, table *t, int n, bool on, char **saved, int *nsaved, char *err, size_t errcap)
{
	char sql[1200];
	if (dst->pg) {
		for (int i = 0; i < n; i++) {
			snprintf(sql, sizeof(sql), "ALTER TABLE \"%s\" %s TRIGGER USER", t[i].name,
			         on ? "ENABLE" : "DISABLE");
			if (!exec_sql(dst, sql, err, errcap))
				return false;
		}
		return true;
	}
	if (on) { /* SQLite has no switch: the triggers were dropped, create them again */
		for (int i = 0; i < *nsaved; i++)
			if (!exec_sql(dst, saved[i], err, errcap))
				return false;
		return true;
	}
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2(dst->lite, "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'", -1, &st,
	                   NULL);
	char drops[64][NAME_LEN];
	int nd = 0;
	while (st && sqlite3_step(st) == SQLITE_ROW && *nsaved < 64) {
		snprintf(drops[nd++], NAME_LEN, "%s", (const char *)sqlite3_column_text(st, 0));
		saved[(*nsaved)++] = strdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	for (int i = 0; i < nd; i++) {
		snprintf(sql, sizeof(sql), "DROP TRIGGER \"%.63s\"", drops[i]);
		if (!exec_sql(dst, sql, err, errcap))
			return false;
	}
	return true;
}

/* --- the key file ---------------------------------------------------------------------- */

static bool read_file(const char *path, char *out, size_t cap, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	*n = fread(out, 1, cap, f);
	bool ok = !ferror(f) && *n < cap;
	fclose(f);
	return ok;
}

/* Copies the key file (mode 0600, never over a different one); *made if it was written. */
static bool copy_key(const char *from, const char *to, bool *made, char *err, size_t errcap)
{
	char a[8192], b[8192];
	size_t na = 0, nb = 0;
	*made = false;
	if (!read_file(from, a, sizeof(a), &na)) {
		snprintf(err, errcap, "无法读取源数据库的密钥文件 %.300s", from);
		return false;
	}
	if (read_file(to, b, sizeof(b), &nb)) {
		if (na == nb && memcmp(a, b, na) == 0)
			return true;
		snprintf(err, errcap, "目标密钥文件 %.300s 已存在且与源数据库的密钥不同", to);
		return false;
	}
	int fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && write(fd, a, na) == (ssize_t)na && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	if (!ok) {
		snprintf(err, errcap, "无法写入密钥文件 %.300s：%s", to, strerror(errno));
		if (fd >= 0)
			unlink(to);
		return false;
	}
	*made = true;
	return true;
}

/* --- the command ----------------------------------------------------------------------- */

static const char *kind_name(const side *s)
{
	return s->pg ? "PostgreSQL" : "SQLite";
}

static bool open_side(side *s, const char *url, bool create, zx_errinfo *ei)
{
	if (cli_open_store(url, create, 1, &s->st, ei) != ZX_OK)
		return false;
	s->c = zx_store_acquire(s->st);
	s->lite = zx_conn_sqlite(s->c);
	s->pg = zx_conn_pg(s->c);
	return s->c != NULL;
}

static void close_side(side *s)
{
	if (s->c)
		zx_store_release(s->st, s->c);
	zx_store_close(s->st);
}

/* Creates the schema inside the open transaction: the same migrations zx_store_migrate runs. */
static bool migrate_in_tx(side *dst, int version, char *err, size_t errcap)
{
	const zx_migration *m = dst->pg ? zx_migrations_pg : zx_migrations_sqlite;
	char sql[96];
	if (!exec_sql(dst, "CREATE TABLE zx_schema (version INTEGER NOT NULL)", err, errcap))
		return false;
	for (int v = 1; v <= version; v++)
		if (!exec_sql(dst, m[v - 1].sql, err, errcap))
			return false;
	snprintf(sql, sizeof(sql), "INSERT INTO zx_schema (version) VALUES (%d)", version);
	return exec_sql(dst, sql, err, errcap);
}

static bool copy_all(side *src, side *dst, table *t, int *nt, int version, int64_t *rows, char *err,
                     size_t errcap)
{
	char *saved[64] = {0};
	int nsaved = 0;
	bool ok = exec_sql(dst, dst->pg ? "BEGIN" : "BEGIN IMMEDIATE", err, errcap);
	if (ok && dst->lite)
		ok = exec_sql(dst, "PRAGMA defer_foreign_keys = ON", err, errcap);
	ok = ok && migrate_in_tx(dst, version, err, errcap);
	if (ok && (*nt = plan(src, dst, t, err, errcap)) < 0)
		ok = false;
	ok = ok && triggers(dst, t, *nt, false, saved, &nsaved, err, errcap);
	/* Rows the migrations seed (built-in rules, indicators…) come from the source too. */
	for (int i = *nt - 1; ok && i >= 0; i--) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DELETE FROM \"%.63s\"", t[i].name);
		ok = exec_sql(dst, sql, err, errcap);
	}
	for (int i = 0; ok && i < *nt; i++) {
		ok = copy_table(src, dst, &t[i], err, errcap);
		*rows += t[i].rows;
		fprintf(stderr, "复制 %-32s %10lld 行\n", t[i].name, (long long)t[i].rows);
	}
	ok = ok && triggers(dst, t, *nt, true, saved, &nsaved, err, errcap);
	for (int i = 0; ok && dst->pg && i < *nt; i++) {
		if (!t[i].identity_id)
			continue;
		char sql[400];
		snprintf(sql, sizeof(sql),
		         "SELECT setval(pg_get_serial_sequence('\"%s\"', 'id'), coalesce(max(id), 0) + 1, "
		         "false) FROM \"%s\"",
		         t[i].name, t[i].name);
		ok = exec_sql(dst, sql, err, errcap);
	}
	/* Verify: the target as written, against what was read from the source. */
	for (int i = 0; ok && i < *nt; i++) {
		int64_t n = 0;
		uint8_t sum[ZX_SM3_LEN];
		ok = copy_verify(dst, &t[i], &n, sum, err, errcap);
		if (ok && (n != t[i].rows || memcmp(sum, t[i].sum, ZX_SM3_LEN) != 0)) {
			snprintf(err, errcap, "校验失败：表 %s 源 %lld 行、目标 %lld 行%s", t[i].name,
			         (long long)t[i].rows, (long long)n,
			         n == t[i].rows ? "，内容校验和不同" : "");
			ok = false;
		}
	}
	for (int i = 0; i < nsaved; i++)
		free(saved[i]);
	return ok;
}

static int cmp_table_name(const void *a, const void *b)
{
	return strcmp(((const table *)a)->name, ((const table *)b)->name);
}

int cmd_copy(int argc, char **argv)
{
	const char *from = NULL, *to = NULL, *from_key = NULL, *to_key = NULL;
	static const struct option opts[] = {{"from", required_argument, 0, 'f'},
	                                     {"to", required_argument, 0, 't'},
	                                     {"from-key", required_argument, 0, 'k'},
	                                     {"to-key", required_argument, 0, 'K'},
	                                     {0, 0, 0, 0}};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'f')
			from = optarg;
		else if (ch == 't')
			to = optarg;
		else if (ch == 'k')
			from_key = optarg;
		else if (ch == 'K')
			to_key = optarg;
		else
			return cli_usage(USAGE);
	}
	if (!from || !to || optind != argc)
		return cli_usage(USAGE);
	if (strcmp(from, to) == 0)
		return fail("源数据库与目标数据库相同%s%s", NULL, NULL);
	char kfrom[1100], kto[1100];
	const char *env = getenv("ZHENXING_KEY");
	snprintf(kfrom, sizeof(kfrom), "%s%s",
	         from_key       ? from_key
	         : is_url(from) ? (env ? env : "")
	                        : from,
	         from_key || is_url(from) ? "" : ".key");
	if (!to_key && is_url(to))
		return fail("复制到 PostgreSQL 时必须用 --to-key 指定目标密钥文件%s%s", NULL, NULL);
	snprintf(kto, sizeof(kto), "%s%s", to_key ? to_key : to, to_key ? "" : ".key");
	if (!kfrom[0] || access(kfrom, R_OK) != 0)
		return fail("找不到源数据库的密钥文件%s%s（用 --from-key 指定）", kfrom[0] ? "：" : "",
		            kfrom);
	if (!is_url(from) && access(from, R_OK) != 0)
		return fail("源数据库文件 %s 不存在%s", from, NULL);
	struct stat sb;
	bool created = !is_url(to) && stat(to, &sb) != 0;
	if (!is_url(to) && !created && sb.st_size > 0)
		return fail("目标数据库 %s 已存在且不是空的，zhenxing copy 只写入新的或空的数据库%s", to,
		            NULL);

	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	side src = {.url = from}, dst = {.url = to};
	table *t = calloc(MAX_TABLES, sizeof(*t));
	char err[1024] = "";
	int nt = 0, rc = CLI_OK;
	int64_t rows = 0;
	bool key_made = false;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!t || !open_side(&src, from, false, &ei) || !open_side(&dst, to, true, &ei)) {
		rc = cli_fail(ei.err ? ei.err : ZX_ENOMEM, &ei);
		goto out;
	}
	int version = zx_store_schema_version(src.c),
	    latest = zx_store_latest_version(zx_store_backend(src.st));
	if (version != latest || zx_store_latest_version(zx_store_backend(dst.st)) != latest) {
		char v[32];
		snprintf(v, sizeof(v), "%d/%d", version, latest);
		rc = fail(
		    "源数据库结构版本 %s 不是本程序的最新版本，请先运行 zhenxing migrate --db <源数据库>%s",
		    v, NULL);
		goto out;
	}
	char any[1][NAME_LEN];
	if (names(&dst, "SELECT name FROM sqlite_schema LIMIT 1",
	          "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace LIMIT 1",
	          NULL, any, 1) != 0) {
		rc = fail("目标数据库已有表（%s），zhenxing copy 只写入新的或空的数据库%s", any[0], NULL);
		goto out;
	}
	fprintf(stderr, "从 %s 复制到 %s（结构版本 %d）\n", kind_name(&src), kind_name(&dst), version);
	bool ok = zx_tx_begin_read(src.c) == ZX_OK;
	if (!ok)
		snprintf(err, sizeof(err), "无法在源数据库开始读事务");
	ok = ok && copy_all(&src, &dst, t, &nt, version, &rows, err, sizeof(err));
	ok = ok && copy_key(kfrom, kto, &key_made, err, sizeof(err));
	ok = ok && exec_sql(&dst, "COMMIT", err, sizeof(err));
	zx_tx_rollback(src.c);
	if (!ok) {
		char ignore[256];
		exec_sql(&dst, "ROLLBACK", ignore, sizeof(ignore));
		if (key_made)
			unlink(kto);
		rc = fail("复制失败，目标数据库未作任何改动：%s%s", err, NULL);
		goto out;
	}
	/* One checksum of the whole database: the tables' in name order. */
	qsort(t, (size_t)nt, sizeof(*t), cmp_table_name);
	uint8_t *all = malloc((size_t)nt * ZX_SM3_LEN + 1), total[ZX_SM3_LEN];
	for (int i = 0; all && i < nt; i++)
		memcpy(all + i * ZX_SM3_LEN, t[i].sum, ZX_SM3_LEN);
	zx_sm3(all, all ? (size_t)nt * ZX_SM3_LEN : 0, total);
	free(all);
	char hex[2 * ZX_SM3_LEN + 1];
	for (int i = 0; i < ZX_SM3_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", total[i]);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("已复制 %d 张表、%lld 行（%s → %s），行数与校验和两边一致，校验和 %s，用时 %.1f 秒\n", nt,
	       (long long)rows, kind_name(&src), kind_name(&dst), hex,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
out:
	close_side(&src);
	close_side(&dst);
	if (rc != CLI_OK && created) {
		const char *sfx[] = {"", "-wal", "-shm"};
		for (int i = 0; i < 3; i++) {
			char p[1100];
			snprintf(p, sizeof(p), "%s%s", to, sfx[i]);
			unlink(p);
		}
	}
	free(t);
	return rc;
}
