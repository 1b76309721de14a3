/*
 * copy_rows.c — the rows of one table for `zhenxing copy` (see copy.h): read from either
 * backend in one pass (PostgreSQL in single-row mode) as cells, written with COPY FROM
 * STDIN (PostgreSQL) or prepared INSERTs (SQLite), and hashed for the checksum. Values are
 * normalised before hashing (integers and integral reals alike, booleans as 0/1, bytea and
 * BLOB as bytes), so the same row hashes the same on both backends.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/copy.h"

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
	if (h->n)
		qsort(h->p, h->n, ZX_SM3_LEN, cmp_hash);
	zx_sm3(h->p ? h->p : (const uint8_t *)"", h->n * ZX_SM3_LEN, out);
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

/* A text value in COPY's text format (the escaping zx_bulk uses too: store/native.h). */
static bool copy_escape(buf *b, const char *p, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->n + 2 * n + 1)
		cap *= 2;
	if (!buf_reserve(b, cap - 1))
		return false;
	b->n += zx_copy_escape(b->p + b->n, p, n);
	b->p[b->n] = '\0';
	return true;
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

bool copy_table(side *src, side *dst, table *t, char *err, size_t errcap)
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

bool copy_verify(side *s, const table *t, int64_t *rows, uint8_t sum[ZX_SM3_LEN], char *err, size_t errcap)
{
	counter k = {0};
	bool ok = read_rows(s, t, count_row, &k, err, errcap);
	hashes_sum(&k.h, sum);
	*rows = k.rows;
	free(k.scratch.p);
	free(k.h.p);
	return ok;
}
