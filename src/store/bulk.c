/*
 * bulk.c — zx_bulk (store.h): the rows of one named statement written as a batch.
 *
 * A backend with COPY (PostgreSQL: ops->copy_in) gets the rows as COPY text, buffered here
 * and sent by zx_bulk_flush with one COPY … FROM STDIN, instead of one INSERT round trip a
 * row; a backend without it (SQLite, in process) runs the query's INSERT twin for every row
 * at once, through the connection's prepared statement, as zx_exec always did.
 *
 * Invariants: the buffer holds only whole rows (a failed add leaves it as it was); a row
 * counts against the fault hook and the connection's cancel flag when it is added, as a
 * statement would, and the flush checks the cancel flag again; the buffer is capped
 * (BULK_MAX_BYTES), so a caller that never flushes fails instead of eating the memory.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/log.h"
#include "store/native.h"
#include "store/store_impl.h"

#define BULK_MAX_BYTES ((size_t)256 << 20)
#define ESCAPE_CHUNK 2048

struct zx_bulk {
	zx_conn *c;
	zx_query q;
	bool copy;       /* rows go into rows (COPY text) until the flush */
	zx_buf rows;     /* COPY text of the rows not yet flushed */
	int64_t pending; /* rows in it */
};

zx_err zx_bulk_open(zx_conn *c, zx_query q, zx_bulk **out)
{
	*out = NULL;
	if ((unsigned)q >= ZXQ__COUNT || zx_sql_defs[q].scoped) {
		zx_error("store: query %d cannot be a bulk insert", (int)q);
		return ZX_EINTERNAL;
	}
	zx_bulk *b = calloc(1, sizeof(*b));
	if (!b)
		return ZX_ENOMEM;
	b->c = c;
	b->q = q;
	b->copy = c->store->ops->copy_in != NULL;
	zx_buf_init(&b->rows, BULK_MAX_BYTES);
	*out = b;
	return ZX_OK;
}

static zx_err add_text(zx_buf *out, const char *s)
{
	size_t n = strlen(s);
	if (!strpbrk(s, "\\\t\n\r"))
		return zx_buf_add(out, s, n);
	char esc[2 * ESCAPE_CHUNK];
	for (size_t off = 0; off < n; off += ESCAPE_CHUNK) {
		size_t k = n - off < ESCAPE_CHUNK ? n - off : ESCAPE_CHUNK;
		zx_err e = zx_buf_add(out, esc, zx_copy_escape(esc, s + off, k));
		if (e)
			return e;
	}
	return ZX_OK;
}

static zx_err add_value(zx_buf *out, const zx_val *v)
{
	switch (v->t) {
	case ZX_V_INT:
		return zx_buf_addf(out, "%" PRId64, v->i);
	case ZX_V_REAL:
		return zx_buf_addf(out, "%.17g", v->r);
	case ZX_V_TEXT:
		if (v->s)
			return add_text(out, v->s);
		break;
	default:
		break;
	}
	return zx_buf_add(out, "\\N", 2);
}

zx_err zx_bulk_add(zx_bulk *b, const zx_val *args, int nargs)
{
	if (!b->copy)
		return zx_exec(b->c, NULL, b->q, args, nargs, NULL);
	if (atomic_load(&b->c->cancelled)) {
		zx_warn("store: bulk row cancelled (the connection's job is being stopped)");
		return ZX_EIO;
	}
	if (zx_store_fault_fire()) {
		zx_error("store: injected write fault (bulk row)");
		return ZX_EIO;
	}
	size_t mark = b->rows.len;
	zx_err e = ZX_OK;
	for (int i = 0; !e && i < nargs; i++) {
		if (i)
			e = zx_buf_addc(&b->rows, '\t');
		if (!e)
			e = add_value(&b->rows, &args[i]);
	}
	if (!e)
		e = zx_buf_addc(&b->rows, '\n');
	if (e) {
		b->rows.len = mark; /* whole rows only */
		if (b->rows.data)
			b->rows.data[mark] = '\0';
		return e;
	}
	b->pending++;
	return ZX_OK;
}

int64_t zx_bulk_pending(const zx_bulk *b)
{
	return b ? b->pending : 0;
}

zx_err zx_bulk_flush(zx_bulk *b)
{
	if (!b || !b->copy || b->pending == 0)
		return ZX_OK;
	zx_err e;
	if (atomic_load(&b->c->cancelled)) {
		zx_warn("store: bulk flush cancelled (the connection's job is being stopped)");
		e = ZX_EIO;
	} else {
		e = b->c->store->ops->copy_in(b->c, b->q, b->rows.data, b->rows.len);
	}
	zx_buf_reset(&b->rows);
	b->pending = 0;
	return e;
}

void zx_bulk_free(zx_bulk *b)
{
	if (!b)
		return;
	zx_buf_release(&b->rows);
	free(b);
}
