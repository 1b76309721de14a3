/*
 * import_copy.c — the new households of a household import and their members, written
 * through zx_bulk (store.h): on PostgreSQL one COPY per table and chunk instead of one
 * INSERT round trip per row; on SQLite the same prepared inserts as before.
 *
 * The ids of new households are reserved up front in blocks (import_household_ids: the
 * identity's sequence on PostgreSQL, max(id) + 1 onwards under SQLite's write lock — the
 * ids INTEGER PRIMARY KEY would assign), so a member's row names its household before
 * either is sent.
 *
 * The count triggers on households (household_counts, and through it household_totals) are
 * deferred for the COPY of a chunk and the chunk's counts added by two grouped statements
 * after it (import_counts_*; PostgreSQL only, migration 0017: a trigger per row rewrote the
 * county's row once per household, and in one transaction each rewrite walks past all the
 * earlier versions). SQLite's triggers stay on: its twins of those queries do nothing.
 *
 * Invariants: households are flushed before persons (the persons' foreign key is checked
 * when their COPY ends); everything is flushed before the import's audit row and commit
 * (imp_write_end), so counts and constraint errors (ZX_ECONFLICT: a 户编号 or 证件号码
 * registered meanwhile) are those of row-by-row inserts; the triggers are deferred only
 * between a chunk's COPY and the addition of its counts; rows not flushed and ids not used
 * are dropped with the transaction (imp_copy_release).
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "domain/registry/import_internal.h"

#define ID_BLOCK 1024
/* Members buffered before both tables are sent: ~300 bytes of COPY text each, about the
 * staged ring's worth of sealed members (4 × 2048), so sealing on the other thread goes on
 * while the server takes a chunk. */
#define FLUSH_PERSONS 8192
#define FLUSH_HOUSEHOLDS 4096

typedef struct imp_copy {
	zx_bulk *households, *persons;
	int64_t ids[ID_BLOCK]; /* reserved household ids, ids[next..nids) unused */
	int nids, next;
	zx_buf chunk; /* ids of the households not flushed yet, as an array literal "{1,2,…" */
	int nchunk;
} imp_copy;

static zx_val tri(int v)
{
	return v < 0 ? ZX_NULLV : ZX_INT(v);
}

static zx_err copy_open(imp_ctx *x)
{
	if (x->copy)
		return ZX_OK;
	imp_copy *k = calloc(1, sizeof(*k));
	if (!k)
		return ZX_ENOMEM;
	zx_buf_init(&k->chunk, (size_t)24 * FLUSH_HOUSEHOLDS);
	zx_err e = zx_bulk_open(x->c, ZXQ_import_household_copy, &k->households);
	if (!e)
		e = zx_bulk_open(x->c, ZXQ_import_person_copy, &k->persons);
	x->copy = k;
	if (e)
		imp_copy_release(x);
	return e;
}

static zx_err next_id(imp_ctx *x, int64_t *id)
{
	imp_copy *k = x->copy;
	if (k->next == k->nids) {
		k->next = k->nids = 0;
		zx_stmt *s;
		zx_err e = zx_query_open(x->c, NULL, ZXQ_import_household_ids, ZX_ARGS(ZX_INT(ID_BLOCK)), &s);
		if (e)
			return e;
		bool row = true;
		while (k->nids < ID_BLOCK && !(e = zx_stmt_next(s, &row)) && row)
			k->ids[k->nids++] = zx_col_int(s, 0);
		zx_stmt_done(s);
		if (!e && k->nids == 0)
			e = ZX_EINTERNAL;
		if (e)
			return e;
	}
	*id = k->ids[k->next++];
	return ZX_OK;
}

zx_err imp_copy_household(imp_ctx *x, const zx_household_rec *h, const zx_sealed *ids,
                          const zx_sealed *phones, int64_t *hid)
{
	zx_err e = copy_open(x);
	if (!e)
		e = next_id(x, hid);
	if (e)
		return e;
	imp_copy *k = x->copy;
	int64_t now = zx_now();
	e = zx_bulk_add(k->households,
	                ZX_ARGS(ZX_INT(*hid), ZX_TEXT(x->county), ZX_TEXT(h->village), ZX_TEXT(h->hh_no),
	                        ZX_TEXT(h->group), ZX_TEXT(h->n > 0 ? h->m[0].name : ""), ZX_TEXT(h->hh_type),
	                        ZX_TEXT(h->category), h->tuopin_year > 0 ? ZX_INT(h->tuopin_year) : ZX_NULLV,
	                        tri(h->housing_safe), tri(h->water_safe), ZX_TEXT(h->risk_type),
	                        ZX_TEXT(h->helper), ZX_INT(h->n), ZX_INT(now), ZX_INT(now)));
	for (int i = 0; !e && i < h->n; i++) {
		const zx_person_rec *p = &h->m[i];
		e = zx_bulk_add(k->persons,
		                ZX_ARGS(ZX_TEXT(x->county), ZX_INT(*hid), ZX_TEXT(h->village), ZX_INT(i + 1),
		                        ZX_TEXT(p->name), ZX_TEXT(ids[i].enc), ZX_TEXT(ids[i].bidx),
		                        ZX_TEXT(ids[i].masked), ZX_TEXT(p->relation), ZX_TEXT(p->gender),
		                        ZX_INT(p->birth_ymd), ZX_TEXT(p->nation), ZX_TEXT(p->education),
		                        ZX_TEXT(p->school), ZX_TEXT(p->health), ZX_TEXT(p->disability),
		                        ZX_TEXT(p->labor), ZX_TEXT(p->work),
		                        p->work_months >= 0 ? ZX_INT(p->work_months) : ZX_NULLV,
		                        tri(p->insured), ZX_TEXT(phones[i].enc), ZX_TEXT(phones[i].masked)));
	}
	if (!e)
		e = zx_buf_addf(&k->chunk, "%c%lld", k->nchunk ? ',' : '{', (long long)*hid);
	if (!e && (++k->nchunk >= FLUSH_HOUSEHOLDS || zx_bulk_pending(k->persons) >= FLUSH_PERSONS))
		e = imp_copy_flush(x);
	return e;
}

zx_err imp_copy_flush(imp_ctx *x)
{
	imp_copy *k = x->copy;
	if (!k || k->nchunk == 0)
		return ZX_OK;
	zx_err e = zx_buf_addc(&k->chunk, '}');
	if (!e)
		e = zx_exec(x->c, NULL, ZXQ_import_counts_defer, ZX_NOARGS, NULL);
	if (!e)
		e = zx_bulk_flush(k->households);
	if (!e)
		e = zx_exec(x->c, &x->county_scope, ZXQ_import_counts_add,
		            ZX_ARGS(ZX_TEXT(zx_buf_str(&k->chunk))), NULL);
	if (!e)
		e = zx_exec(x->c, &x->county_scope, ZXQ_import_totals_add,
		            ZX_ARGS(ZX_TEXT(zx_buf_str(&k->chunk))), NULL);
	if (!e)
		e = zx_exec(x->c, NULL, ZXQ_import_counts_resume, ZX_NOARGS, NULL);
	if (!e)
		e = zx_bulk_flush(k->persons);
	zx_buf_reset(&k->chunk);
	k->nchunk = 0;
	return e;
}

void imp_copy_release(imp_ctx *x)
{
	if (!x->copy)
		return;
	zx_bulk_free(x->copy->households);
	zx_bulk_free(x->copy->persons);
	zx_buf_release(&x->copy->chunk);
	free(x->copy);
	x->copy = NULL;
}
