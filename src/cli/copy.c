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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/crypto.h"
#include "cli/cli.h"
#include "store/native.h"

#define USAGE "zhenxing copy --from FILE|URL --to FILE|URL [--from-key FILE] [--to-key FILE]"
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

/* One value of a row, whichever backend it came from. */
typedef struct cell {
	char kind; /* 'N' null, 'I' integer, 'R' real, 'T' text, 'B' blob */
	int64_t i;
	double r;
	const char *p;
	size_t n;
} cell;

typedef struct buf {
	char *p;
	size_t n, cap;
} buf;

typedef struct hashes {
	uint8_t *p;
	size_t n, cap;
} hashes;

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

static bool buf_add(buf *b, const void *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *q = realloc(b->p, cap);
		if (!q)
			return false;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
	return true;
}

static bool buf_reserve(buf *b, size_t n)
{
	if (b->cap >= n + 1)
		return true;
	char *q = realloc(b->p, n + 1);
	if (!q)
		return false;
	b->p = q;
	b->cap = n + 1;
	return true;
}

static bool buf_str(buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

/* "name" quoted for either dialect (names come from the catalog, never from users). */
static void quote_list(buf *b, const table *t)
{
	for (int i = 0; i < t->ncols; i++) {
		buf_str(b, i ? ", \"" : "\"");
		buf_str(b, t->cols[i]);
		buf_str(b, "\"");
	}
}

/* --- rows: normalising and hashing ---------------------------------------------------- */

static void real_text(double r, char out[32])
{
	if (r == floor(r) && fabs(r) < 9e15)
		snprintf(out, 32, "%lld", (long long)r);
	else
		snprintf(out, 32, "%.17g", r);
}

/* SM3 of the row: per column a tag and the value's canonical bytes. */
static bool row_hash(const cell *v, int n, buf *scratch, hashes *h)
{
	scratch->n = 0;
	for (int i = 0; i < n; i++) {
		char num[32], tag = v[i].kind == 'N' ? 'N' : v[i].kind == 'B' ? 'B' : 'V';
		const char *p = v[i].p;
		size_t len = v[i].n;
		if (v[i].kind == 'I') {
			snprintf(num, sizeof(num), "%lld", (long long)v[i].i);
			p = num, len = strlen(num);
		} else if (v[i].kind == 'R') {
			real_text(v[i].r, num);
			p = num, len = strlen(num);
		} else if (v[i].kind == 'N') {
			p = "", len = 0;
		}
		uint32_t l = (uint32_t)len;
		if (!buf_add(scratch, &tag, 1) || !buf_add(scratch, &l, 4) || !buf_add(scratch, p, len))
			return false;
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 1024;
		uint8_t *q = realloc(h->p, cap * ZX_SM3_LEN);
		if (!q)
			return false;
		h->p = q;
		h->cap = cap;
	}
	zx_sm3(scratch->p, scratch->n, h->p + h->n++ * ZX_SM3_LEN);
	return true;
}

static int cmp_hash(const void *a, const void *b)
{
	return memcmp(a, b, ZX_SM3_LEN);
}

static void hashes_sum(hashes *h, uint8_t out[ZX_SM3_LEN])
{
	qsort(h->p, h->n, ZX_SM3_LEN, cmp_hash);
	zx_sm3(h->p ? h->p : (uint8_t *)"", h->n * ZX_SM3_LEN, out);
	h->n = 0;
}

/* --- reading a table: a callback per row ---------------------------------------------- */

typedef bool (*row_fn)(void *arg, const cell *v, int n);

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c - 'A' + 10;
}

/* One PostgreSQL value as a cell; bytea is decoded into dec (kept until the next row). */
static void pg_cell(PGresult *r, int col, cell *v, buf *dec)
{
	memset(v, 0, sizeof(*v));
	if (PQgetisnull(r, 0, col)) {
		v->kind = 'N';
		return;
	}
	const char *s = PQgetvalue(r, 0, col);
	switch (PQftype(r, col)) {
	case 16: /* bool */
		v->kind = 'I', v->i = s[0] == 't';
		break;
	case 20: /* int8 */
	case 21: /* int2 */
	case 23: /* int4 */
		v->kind = 'I', v->i = strtoll(s, NULL, 10);
		break;
	case 700:  /* float4 */
	case 701:  /* float8 */
	case 1700: /* numeric */
		v->kind = 'R', v->r = strtod(s, NULL);
		break;
	case 17: { /* bytea, hex output "\\x…" */
		size_t start = dec->n, len = (size_t)PQgetlength(r, 0, col);
		for (size_t k = 2; k + 1 < len; k += 2) {
			char byte = (char)(hexval(s[k]) << 4 | hexval(s[k + 1]));
			buf_add(dec, &byte, 1);
		}
		v->kind = 'B', v->p = dec->p ? dec->p + start : "", v->n = dec->n - start;
		break;
	}
	default:
		v->kind = 'T', v->p = s, v->n = (size_t)PQgetlength(r, 0, col);
	}
}

/* SELECT the columns of t on side s (in its open transaction), calling fn per row. */
static bool read_rows(side *s, const table *t, row_fn fn, void *arg, char *err, size_t errcap)
{
	buf q = {0}, dec = {0};
	cell v[MAX_COLS];
	bool ok = true;
	buf_str(&q, "SELECT ");
	quote_list(&q, t);
	buf_str(&q, " FROM \"");
	buf_str(&q, t->name);
	buf_str(&q, "\"");
	if (s->lite) {
		sqlite3_stmt *st = NULL;
		int rc = sqlite3_prepare_v2(s->lite, q.p, -1, &st, NULL);
		while (rc == SQLITE_OK || rc == SQLITE_ROW) {
			if (!ok || (rc = sqlite3_step(st)) != SQLITE_ROW)
				break;
			for (int i = 0; i < t->ncols; i++) {
				memset(&v[i], 0, sizeof(v[i]));
				switch (sqlite3_column_type(st, i)) {
				case SQLITE_NULL:
					v[i].kind = 'N';
					break;
				case SQLITE_INTEGER:
					v[i].kind = 'I', v[i].i = sqlite3_column_int64(st, i);
					break;
				case SQLITE_FLOAT:
					v[i].kind = 'R', v[i].r = sqlite3_column_double(st, i);
					break;
				case SQLITE_BLOB:
					v[i].kind = 'B', v[i].p = sqlite3_column_blob(st, i);
					v[i].n = (size_t)sqlite3_column_bytes(st, i);
					break;
				default:
					v[i].kind = 'T', v[i].p = (const char *)sqlite3_column_text(st, i);
					v[i].n = (size_t)sqlite3_column_bytes(st, i);
				}
			}
			ok = fn(arg, v, t->ncols);
		}
		if (ok && rc != SQLITE_DONE) {
			snprintf(err, errcap, "%s", sqlite3_errmsg(s->lite));
			ok = false;
		}
		sqlite3_finalize(st);
	} else {
		ok = PQsendQuery(s->pg, q.p) && PQsetSingleRowMode(s->pg);
		PGresult *r;
		while ((r = PQgetResult(s->pg)) != NULL) {
			ExecStatusType rs = PQresultStatus(r);
			if (ok && rs == PGRES_SINGLE_TUPLE) {
				/* Decoded bytea values point into dec: size it for the whole row first. */
				size_t need = 0;
				for (int i = 0; i < t->ncols; i++)
					need += (size_t)PQgetlength(r, 0, i);
				dec.n = 0;
				ok = buf_reserve(&dec, need);
				for (int i = 0; ok && i < t->ncols; i++)
					pg_cell(r, i, &v[i], &dec);
				ok = ok && fn(arg, v, t->ncols);
			} else if (ok && rs != PGRES_TUPLES_OK) {
				snprintf(err, errcap, "%s", PQresultErrorMessage(r));
				ok = false;
			}
			PQclear(r);
		}
		if (!ok && !err[0])
			snprintf(err, errcap, "%s", PQerrorMessage(s->pg));
	}
	free(q.p);
	free(dec.p);
	return ok;
}

/* --- writing a table ------------------------------------------------------------------ */

typedef struct writer {
	side *to;
	table *t;
	sqlite3_stmt *ins; /* SQLite target */
	buf line;          /* PostgreSQL target: COPY text being built */
	buf scratch;
	hashes h;
	char err[512];
} writer;

static bool copy_escape(buf *b, const char *p, size_t n)
{
	size_t from = 0;
	for (size_t i = 0; i < n; i++) {
		const char *esc = p[i] == '\\'   ? "\\\\"
		                  : p[i] == '\t' ? "\\t"
		                  : p[i] == '\n' ? "\\n"
		                  : p[i] == '\r' ? "\\r"
		                                 : NULL;
		if (esc && (!buf_add(b, p + from, i - from) || !buf_str(b, esc)))
			return false;
		if (esc)
			from = i + 1;
	}
	return buf_add(b, p + from, n - from);
}

static bool write_row(void *arg, const cell *v, int n)
{
	writer *w = arg;
	if (!row_hash(v, n, &w->scratch, &w->h)) {
		snprintf(w->err, sizeof(w->err), "内存不足");
		return false;
	}
	w->t->rows++;
	if (w->ins) {
		sqlite3_reset(w->ins);
		for (int i = 0; i < n; i++) {
			int col = i + 1;
			switch (v[i].kind) {
			case 'N':
				sqlite3_bind_null(w->ins, col);
				break;
			case 'I':
				sqlite3_bind_int64(w->ins, col, v[i].i);
				break;
			case 'R':
				sqlite3_bind_double(w->ins, col, v[i].r);
				break;
			case 'B':
				sqlite3_bind_blob64(w->ins, col, v[i].p, v[i].n, SQLITE_TRANSIENT);
				break;
			default:
				sqlite3_bind_text64(w->ins, col, v[i].p, v[i].n, SQLITE_TRANSIENT,
				                    SQLITE_UTF8);
			}
		}
		if (sqlite3_step(w->ins) != SQLITE_DONE) {
			snprintf(w->err, sizeof(w->err), "%s", sqlite3_errmsg(w->to->lite));
			return false;
		}
		return true;
	}
	for (int i = 0; i < n; i++) {
		char num[32];
		if (i)
			buf_str(&w->line, "\t");
		if (v[i].kind == 'N') {
			buf_str(&w->line, "\\N");
		} else if (v[i].kind == 'I') {
			snprintf(num, sizeof(num), "%lld", (long long)v[i].i);
			buf_str(&w->line, num);
		} else if (v[i].kind == 'R') {
			snprintf(num, sizeof(num), "%.17g", v[i].r);
			buf_str(&w->line, num);
		} else if (v[i].kind == 'B') {
			buf_str(&w->line, "\\\\x");
			for (size_t k = 0; k < v[i].n; k++) {
				snprintf(num, sizeof(num), "%02x", (unsigned char)v[i].p[k]);
				buf_str(&w->line, num);
			}
		} else if (!copy_escape(&w->line, v[i].p, v[i].n)) {
			return false;
		}
	}
	buf_str(&w->line, "\n");
	if (w->line.n >= 1 << 16) {
		if (PQputCopyData(w->to->pg, w->line.p, (int)w->line.n) != 1) {
			snprintf(w->err, sizeof(w->err), "%s", PQerrorMessage(w->to->pg));
			return false;
		}
		w->line.n = 0;
	}
	return true;
}

/* Copies t from src into dst (both in their transactions); the source checksum in t. */
static bool copy_table(side *src, side *dst, table *t, char *err, size_t errcap)
{
	writer w = {.to = dst, .t = t};
	buf q = {0};
	bool ok = true;
	buf_str(&q, "INSERT INTO \"");
	buf_str(&q, t->name);
	buf_str(&q, "\" (");
	quote_list(&q, t);
	buf_str(&q, ") VALUES (");
	for (int i = 0; i < t->ncols; i++)
		buf_str(&q, i ? ", ?" : "?");
	buf_str(&q, ")");
	if (dst->lite) {
		ok = sqlite3_prepare_v2(dst->lite, q.p, -1, &w.ins, NULL) == SQLITE_OK;
		if (!ok)
			snprintf(w.err, sizeof(w.err), "%s", sqlite3_errmsg(dst->lite));
	} else {
		q.n = 0;
		buf_str(&q, "COPY \"");
		buf_str(&q, t->name);
		buf_str(&q, "\" (");
		quote_list(&q, t);
		buf_str(&q, ") FROM STDIN");
		PGresult *r = PQexec(dst->pg, q.p);
		ok = PQresultStatus(r) == PGRES_COPY_IN;
		if (!ok)
			snprintf(w.err, sizeof(w.err), "%s", PQresultErrorMessage(r));
		PQclear(r);
	}
	if (ok)
		ok = read_rows(src, t, write_row, &w, w.err, sizeof(w.err));
	if (dst->pg && PQisBusy(dst->pg) == 0 && !w.ins) {
		/* End the COPY either way: with the last rows, or aborted so the error is ours. */
		if (ok && w.line.n && PQputCopyData(dst->pg, w.line.p, (int)w.line.n) != 1)
			ok = false;
		PQputCopyEnd(dst->pg, ok ? NULL : "zhenxing copy failed");
		PGresult *r;
		while ((r = PQgetResult(dst->pg)) != NULL) {
			if (PQresultStatus(r) != PGRES_COMMAND_OK && ok) {
				snprintf(w.err, sizeof(w.err), "%s", PQresultErrorMessage(r));
				ok = false;
			}
			PQclear(r);
		}
	}
	hashes_sum(&w.h, t->sum);
	if (!ok)
		snprintf(err, errcap, "%s", w.err);
	sqlite3_finalize(w.ins);
	free(q.p);
	free(w.line.p);
	free(w.scratch.p);
	free(w.h.p);
	return ok;
}

typedef struct counter {
	buf scratch;
	hashes h;
	int64_t rows;
} counter;

static bool count_row(void *arg, const cell *v, int n)
{
	counter *k = arg;
	k->rows++;
	return row_hash(v, n, &k->scratch, &k->h);
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
		counter k = {0};
		uint8_t sum[ZX_SM3_LEN];
		ok = read_rows(dst, &t[i], count_row, &k, err, errcap);
		hashes_sum(&k.h, sum);
		if (ok && (k.rows != t[i].rows || memcmp(sum, t[i].sum, ZX_SM3_LEN) != 0)) {
			snprintf(err, errcap, "校验失败：表 %s 源 %lld 行、目标 %lld 行%s", t[i].name,
			         (long long)t[i].rows, (long long)k.rows,
			         k.rows == t[i].rows ? "，内容校验和不同" : "");
			ok = false;
		}
		free(k.scratch.p);
		free(k.h.p);
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
