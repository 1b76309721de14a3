/*
 * import_write.c — the household importer's write phase: one write transaction that
 * inserts new households, updates re-imported ones in place with a history row per
 * changed field, leaves unchanged ones untouched, and ends with one audit row.
 *
 * Sealing (SM4 encryption, HMAC blind index, mask) of every member costs about as much
 * as the inserts, so a second thread seals batches of whole households in write order
 * while this thread writes the previous batch (a ring of RING batches).
 *
 * Invariants: households are written in file order and members 户主 first, then in file
 * order (seq 1..n); a member is matched to its registered row by blind index only; a
 * member registered in another household of this file (IMP_P_MOVING) is removed from
 * there before it is inserted here, so the UNIQUE (county, id_bidx) constraint holds at
 * every statement; any failure rolls the whole transaction back.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "domain/auth/audit.h"
#include "domain/registry/history.h"
#include "domain/registry/household.h"
#include "domain/registry/import_internal.h"

#define BATCH_PERSONS 2048
#define RING 4

typedef struct batch {
	uint32_t h0, h1; /* households [h0, h1) */
	zx_sealed *ids;  /* BATCH_PERSONS each, in member order */
	zx_sealed *phones;
	bool ready;
	zx_err err;
} batch;

typedef struct sealer {
	imp_ctx *x;
	const uint32_t *order; /* the households to seal, in write order */
	uint32_t norder;
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	batch ring[RING];
	bool stop;
} sealer;

/* Members in write order: the 户主 first, then the others as the file lists them. */
static int member_order(const imp_ctx *x, const imp_household *h, uint32_t *out)
{
	int n = 0;
	out[n++] = h->head;
	for (uint32_t j = h->first; j != IMP_NONE && n < IMP_MAX_MEMBERS;) {
		const imp_person *p = imp_vec_at(&x->persons, j);
		if (j != h->head)
			out[n++] = j;
		j = p->next;
	}
	return n;
}

/* Seals the members of one household in write order into ids[] and phones[]. */
zx_err imp_seal_household(const imp_ctx *x, const imp_household *h, zx_sealed *ids, zx_sealed *phones)
{
	uint32_t order[IMP_MAX_MEMBERS];
	int n = member_order(x, h, order);
	for (int i = 0; i < n; i++) {
		const imp_person *p = imp_vec_at(&x->persons, order[i]);
		char id[19];
		imp_id_unpack(p->id, id);
		zx_err e = zx_seal_id(x->k, id, &ids[i]);
		if (!e)
			e = zx_seal_phone(x->k, imp_pool_str(&x->pool, p->phone), &phones[i]);
		if (e)
			return e;
	}
	return ZX_OK;
}

/* Seals whole households order[h0..] until the batch is full. */
static zx_err seal_batch(sealer *s, batch *b, uint32_t h0)
{
	size_t k = 0;
	b->h0 = b->h1 = h0;
	while (b->h1 < s->norder) {
		const imp_household *h = imp_vec_at(&s->x->households, s->order[b->h1]);
		if (k + h->n > BATCH_PERSONS)
			break;
		zx_err e = imp_seal_household(s->x, h, &b->ids[k], &b->phones[k]);
		if (e)
			return e;
		k += h->n;
		b->h1++;
	}
	return ZX_OK;
}

static void *sealer_main(void *arg)
{
	sealer *s = arg;
	uint32_t next = 0;
	for (unsigned slot = 0; next < s->norder; slot = (slot + 1) % RING) {
		batch *b = &s->ring[slot];
		pthread_mutex_lock(&s->mu);
		while (b->ready && !s->stop)
			pthread_cond_wait(&s->cv, &s->mu);
		bool stop = s->stop;
		pthread_mutex_unlock(&s->mu);
		if (stop)
			break;
		zx_err e = seal_batch(s, b, next);
		next = b->h1;
		pthread_mutex_lock(&s->mu);
		b->err = e;
		b->ready = true;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		if (e)
			break;
	}
	return NULL;
}

static zx_err sealer_start(sealer *s, imp_ctx *x, const uint32_t *order, uint32_t norder)
{
	memset(s, 0, sizeof(*s));
	s->x = x;
	s->order = order;
	s->norder = norder;
	for (int i = 0; i < RING; i++) {
		s->ring[i].ids = malloc(BATCH_PERSONS * sizeof(zx_sealed));
		s->ring[i].phones = malloc(BATCH_PERSONS * sizeof(zx_sealed));
		if (!s->ring[i].ids || !s->ring[i].phones)
			return ZX_ENOMEM;
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pthread_create(&s->thread, NULL, sealer_main, s) != 0)
		return ZX_ENOMEM;
	s->started = true;
	return ZX_OK;
}

static void sealer_finish(sealer *s)
{
	if (s->started) {
		pthread_mutex_lock(&s->mu);
		s->stop = true;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
	}
	for (int i = 0; i < RING; i++) {
		free(s->ring[i].ids);
		free(s->ring[i].phones);
	}
}

static batch *sealer_wait(sealer *s, unsigned slot)
{
	batch *b = &s->ring[slot];
	pthread_mutex_lock(&s->mu);
	while (!b->ready)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	return b;
}

static void sealer_release(sealer *s, batch *b)
{
	pthread_mutex_lock(&s->mu);
	b->ready = false;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* ---- records from the staging area ------------------------------------------------------ */

static int yes_no(zx_template_col col, uint8_t v)
{
	const char *t = imp_enum_text(col, v);
	return !*t ? -1 : strcmp(t, "是") == 0 ? 1 : 0;
}

static void view_household(const imp_ctx *x, const imp_household *h, imp_view *v)
{
	int n = member_order(x, h, v->idx);
	for (int i = 0; i < n; i++) {
		const imp_person *p = imp_vec_at(&x->persons, v->idx[i]);
		char *id = v->ids[i];
		imp_id_unpack(p->id, id);
		int birth = 0;
		for (int d = 6; d < 14; d++)
			birth = birth * 10 + (id[d] - '0');
		v->m[i] = (zx_person_rec){
		    .name = imp_pool_str(&x->pool, p->name),
		    .id_number = id,
		    .relation = imp_enum_text(ZX_COL_RELATION, p->relation),
		    .gender = (id[16] - '0') % 2 ? "男" : "女",
		    .birth_ymd = birth,
		    .nation = imp_pool_str(&x->pool, p->nation),
		    .education = imp_enum_text(ZX_COL_EDUCATION, p->education),
		    .school = imp_enum_text(ZX_COL_SCHOOL, p->school),
		    .health = imp_enum_text(ZX_COL_HEALTH, p->health),
		    .disability = imp_enum_text(ZX_COL_DISABILITY, p->disability),
		    .labor = imp_enum_text(ZX_COL_LABOR, p->labor),
		    .work = imp_enum_text(ZX_COL_WORK, p->work),
		    .work_months = p->work_months,
		    .insured = yes_no(ZX_COL_INSURED, p->insured),
		    .phone = imp_pool_str(&x->pool, p->phone),
		};
	}
	const imp_hhvals *hv = &((const imp_person *)imp_vec_at(&x->persons, h->head))->hv;
	v->rec = (zx_household_rec){
	    .hh_no = imp_pool_str(&x->pool, h->hh_no),
	    .village = x->villages[h->village].code,
	    .group = imp_pool_str(&x->pool, hv->group),
	    .hh_type = imp_enum_text(ZX_COL_HH_TYPE, hv->hh_type),
	    .category = imp_enum_text(ZX_COL_CATEGORY, hv->category),
	    .tuopin_year = hv->tuopin_year,
	    .housing_safe = yes_no(ZX_COL_HOUSING_SAFE, hv->housing),
	    .water_safe = yes_no(ZX_COL_WATER_SAFE, hv->water),
	    .risk_type = imp_enum_text(ZX_COL_RISK_TYPE, hv->risk),
	    .helper = imp_pool_str(&x->pool, hv->helper),
	    .n = n,
	    .m = v->m,
	};
}

/* ---- moves and updates -------------------------------------------------------------------- */

/* Removes a member from the household it is registered in (another one of this file). */
zx_err imp_unregister_elsewhere(imp_ctx *x, const zx_sealed *id)
{
	zx_stmt *s;
	zx_err e = zx_query_open(x->c, &x->county_scope, ZXQ_import_person_find,
	                         ZX_ARGS(ZX_TEXT(x->county), ZX_TEXT(id->bidx)), &s);
	if (e)
		return e;
	bool row;
	int64_t pid = 0, hid = 0;
	char area[13] = "", name[128] = "";
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		pid = zx_col_int(s, 0);
		hid = zx_col_int(s, 1);
		snprintf(area, sizeof(area), "%s", zx_col_text(s, 3));
		snprintf(name, sizeof(name), "%s", zx_col_text(s, 4));
	}
	zx_stmt_done(s);
	if (e || !pid) /* already removed when its old household was written */
		return e;
	e = zx_person_row_delete(x->c, &x->county_scope, pid);
	if (!e)
		e = zx_history_record(x->c, x->a, hid, pid, area, "import", ZX_HISTORY_MEMBER_REMOVED, name,
		                      "");
	if (!e)
		x->r->members_removed++;
	return e;
}

zx_err imp_write_household(imp_ctx *x, imp_household *h, imp_view *v, const zx_sealed *ids,
                           const zx_sealed *phones)
{
	view_household(x, h, v);
	if (h->db_id)
		return imp_update_household(x, h, v, ids, phones);
	zx_err e = ZX_OK;
	for (int i = 0; !e && i < v->rec.n; i++) {
		const imp_person *p = imp_vec_at(&x->persons, v->idx[i]);
		if (p->flags & IMP_P_MOVING)
			e = imp_unregister_elsewhere(x, &ids[i]);
	}
	int64_t hid = 0;
	if (!e)
		e = imp_copy_household(x, &v->rec, ids, phones, &hid);
	for (int i = 0; !e && i < v->rec.n; i++) {
		const imp_person *p = imp_vec_at(&x->persons, v->idx[i]);
		if (p->flags & IMP_P_MOVING) {
			e = zx_history_record(x->c, x->a, hid, 0, v->rec.village, "import",
			                      ZX_HISTORY_MEMBER_ADDED, "", v->m[i].name);
			x->r->members_added++;
		}
	}
	h->state = IMP_H_CREATED;
	x->r->created++;
	return e;
}

static zx_err write_failed(imp_ctx *x, zx_err e)
{
	if (e == ZX_ECONFLICT)
		return zx_fail(x->ei, e, "concurrent_change", NULL, 0,
		               "导入期间有户编号或证件号码被其他操作登记，未写入任何数据，请重新导入");
	if (e == ZX_EFULL)
		return zx_fail(x->ei, e, "disk_full", NULL, 0, "磁盘或数据库空间已满，未写入任何数据");
	return zx_fail(x->ei, e, "write_failed", NULL, 0, "写入数据库失败，未写入任何数据（%s）",
	               zx_err_name(e));
}

static int cmp_new_household(const void *a, const void *b, void *ctx)
{
	const imp_ctx *x = ctx;
	const imp_household *h = imp_vec_at(&x->households, *(const uint32_t *)a);
	const imp_household *g = imp_vec_at(&x->households, *(const uint32_t *)b);
	if (h->village != g->village)
		return h->village < g->village ? -1 : 1;
	return strcmp(imp_pool_str(&x->pool, h->hh_no), imp_pool_str(&x->pool, g->hh_no));
}

/* Re-imported households first (they may give up members that new households take). */
static zx_err write_existing(imp_ctx *x, imp_view *v)
{
	zx_sealed ids[IMP_MAX_MEMBERS], phones[IMP_MAX_MEMBERS];
	zx_err e = ZX_OK;
	for (uint32_t i = 0; !e && i < x->households.n; i++) {
		imp_household *h = imp_vec_at(&x->households, i);
		if (!h->db_id)
			continue;
		e = imp_seal_household(x, h, ids, phones);
		if (!e)
			e = imp_write_household(x, h, v, ids, phones);
		x->written++;
		imp_progress(x, ZX_IMPORT_WRITING, x->written, (int64_t)x->households.n, false);
	}
	return e;
}

/* New households in (village, 户编号) order, so that every index of households and persons
 * grows at its end or at one point per village: only the blind index takes random inserts. */
static zx_err write_new(imp_ctx *x, imp_view *v)
{
	uint32_t n = 0, *order = malloc((x->households.n + 1) * sizeof(*order));
	if (!order)
		return ZX_ENOMEM;
	for (uint32_t i = 0; i < x->households.n; i++)
		if (!((imp_household *)imp_vec_at(&x->households, i))->db_id)
			order[n++] = i;
	qsort_r(order, n, sizeof(*order), cmp_new_household, x);
	sealer s;
	zx_err e = sealer_start(&s, x, order, n);
	for (unsigned slot = 0; !e && n > 0; slot = (slot + 1) % RING) {
		batch *b = sealer_wait(&s, slot);
		if ((e = b->err))
			break;
		size_t k = 0;
		for (uint32_t i = b->h0; !e && i < b->h1; i++) {
			imp_household *h = imp_vec_at(&x->households, order[i]);
			e = imp_write_household(x, h, v, &b->ids[k], &b->phones[k]);
			k += (size_t)v->rec.n;
			x->written++;
			imp_progress(x, ZX_IMPORT_WRITING, x->written, (int64_t)x->households.n, false);
		}
		uint32_t end = b->h1;
		sealer_release(&s, b);
		if (end >= n)
			break;
	}
	sealer_finish(&s);
	free(order);
	return e;
}

/* ---- bulk first import ---------------------------------------------------------------------
 *
 * With no household and no person in the database, the write transaction drops the two
 * 姓名 indexes and the blind index's unique index persons_bidx (keyed at random: at a
 * county's size their pages no longer fit the page cache, and every row re-reads some from
 * the WAL) and the household_counts triggers, and
 * imp_write_end rebuilds them from the rows before the audit row and the commit: one sort
 * per index instead of a million random inserts, one GROUP BY instead of a trigger per
 * household. It all happens inside the import's transaction, so a failure, a rollback or a
 * crash leaves the schema as it was. Uniqueness is not lost meanwhile: the import itself
 * refuses an 证件号码 twice in the file (and the registry is empty), and rebuilding the
 * unique index would fail the import if one slipped through. PostgreSQL is never eligible
 * (pg/import.sql). */

static const zx_query bulk_drops[] = {
    ZXQ_import_bulk_drop_name,          ZXQ_import_bulk_drop_area_name,
    ZXQ_import_bulk_drop_bidx,          ZXQ_import_bulk_drop_counts_insert,
    ZXQ_import_bulk_drop_counts_delete, ZXQ_import_bulk_drop_counts_update,
};

static const zx_query bulk_builds[] = {
    ZXQ_import_bulk_build_name,          ZXQ_import_bulk_build_area_name,
    ZXQ_import_bulk_build_bidx,          ZXQ_import_bulk_build_counts_insert,
    ZXQ_import_bulk_build_counts_delete, ZXQ_import_bulk_build_counts_update,
};

static zx_err bulk_begin(imp_ctx *x)
{
	x->bulk = false;
	int64_t empty = 0;
	zx_err e = zx_query_int(x->c, &ZX_SCOPE_ALL, ZXQ_import_bulk_eligible, ZX_NOARGS, &empty);
	if (e || !empty)
		return e ? write_failed(x, e) : ZX_OK;
	for (size_t i = 0; !e && i < sizeof(bulk_drops) / sizeof(bulk_drops[0]); i++)
		e = zx_exec(x->c, NULL, bulk_drops[i], ZX_NOARGS, NULL);
	if (e) {
		zx_tx_rollback(x->c);
		return write_failed(x, e);
	}
	x->bulk = true;
	return ZX_OK;
}

/* Counts first (the triggers are still gone), then the indexes and triggers. Every row is
 * written by now, so the staging area (≈130 bytes a person) goes first: the sorts of the
 * index builds (in memory: temp_store=MEMORY) take its place within the memory budget. */
static zx_err bulk_end(imp_ctx *x)
{
	int64_t t0 = imp_ms();
	imp_pool_release(&x->pool);
	imp_intern_release(&x->interned);
	imp_vec_release(&x->persons);
	imp_vec_release(&x->households);
	imp_map_release(&x->by_hh_no);
	imp_map_release(&x->by_id);
	zx_err e = zx_exec(x->c, &x->county_scope, ZXQ_import_bulk_counts, ZX_NOARGS, NULL);
	for (size_t i = 0; !e && i < sizeof(bulk_builds) / sizeof(bulk_builds[0]); i++)
		e = zx_exec(x->c, NULL, bulk_builds[i], ZX_NOARGS, NULL);
	x->t_rebuild = imp_ms() - t0;
	return e;
}

/* ---- exclusive first import: a rollback journal instead of the WAL ---------------------------
 *
 * In WAL mode every page of a first import is written twice (to the WAL, then by the
 * checkpoint into the database), and the pages the cache lets go are read back from the WAL
 * by every index build. A caller that has the database to itself (the CLI) writes a first
 * import into an empty registry through a rollback journal instead: pages past the old end of
 * the file need no journal, and the commit is one sync. Crash safety is SQLite's either way
 * (the next open rolls a hot journal back; tests/crash/kill_import). SQLite leaves WAL mode
 * only when no other connection has the database open — with a server running on it the
 * import simply stays in WAL mode. It returns to WAL mode after the commit or rollback (and
 * every connection the store opens asks for WAL anyway). */
/* Runs one of the journal-mode pragmas: true when SQLite answers the mode `want`. */
static bool journal_mode(imp_ctx *x, zx_query q, const char *want)
{
	zx_stmt *s = NULL;
	bool row = false;
	bool ok = zx_query_open(x->c, NULL, q, ZX_NOARGS, &s) == ZX_OK && zx_stmt_next(s, &row) == ZX_OK &&
	          row && strcmp(zx_col_text(s, 0), want) == 0;
	zx_stmt_done(s);
	return ok;
}

static void journal_begin(imp_ctx *x)
{
	int64_t empty = 0;
	if (!x->o->exclusive ||
	    zx_query_int(x->c, &ZX_SCOPE_ALL, ZXQ_import_bulk_eligible, ZX_NOARGS, &empty) != ZX_OK || !empty)
		return;
	x->journal_switched = journal_mode(x, ZXQ_import_journal_rollback, "delete");
	x->rollback_journal |= x->journal_switched;
}

static void journal_end(imp_ctx *x)
{
	if (!x->journal_switched)
		return;
	x->journal_switched = false;
	if (!journal_mode(x, ZXQ_import_journal_wal, "wal"))
		zx_warn("import: the database did not return to WAL mode; the next connection will set it");
}

zx_err imp_write_begin(imp_ctx *x)
{
	x->t_write_start = imp_ms();
	journal_begin(x);
	zx_err e = zx_tx_begin_write(x->c);
	if (e)
		return write_failed(x, e);
	/* Index B-trees take random inserts: give them as much cache as the memory budget
	 * (~190 MB with the staging area, ~130 bytes a person) allows. */
	int64_t persons = x->persons.n > 0 ? (int64_t)x->persons.n : x->total_estimate;
	zx_query q = persons > 600000   ? ZXQ_import_cache_small
	             : persons > 300000 ? ZXQ_import_cache_medium
	                                : ZXQ_import_cache_big;
	zx_exec(x->c, NULL, q, ZX_NOARGS, NULL);
	return bulk_begin(x);
}

zx_err imp_write_end(imp_ctx *x, zx_err e)
{
	zx_import_result *r = x->r;
	char detail[256];
	snprintf(detail, sizeof(detail),
	         "rows=%lld households=%lld persons=%lld created=%lld updated=%lld unchanged=%lld "
	         "members_added=%lld members_removed=%lld members_updated=%lld",
	         (long long)r->rows, (long long)x->households.n, (long long)x->persons.n,
	         (long long)r->created, (long long)r->updated, (long long)r->unchanged,
	         (long long)r->members_added, (long long)r->members_removed, (long long)r->members_updated);
	int64_t total = (int64_t)x->households.n;
	if (!e)
		e = imp_copy_flush(x);
	if (!e && x->bulk)
		e = bulk_end(x);
	if (!e)
		e = zx_audit_write(x->c, x->a, "import.households", x->area, "ok", detail);
	x->t_write = imp_ms() - x->t_write_start;
	if (!e)
		e = zx_tx_commit(x->c);
	x->t_commit = imp_ms() - x->t_write_start - x->t_write;
	imp_write_abandon(x);
	if (e) {
		r->created = r->updated = r->unchanged = 0;
		r->members_added = r->members_removed = r->members_updated = 0;
		return write_failed(x, e);
	}
	imp_progress(x, ZX_IMPORT_WRITING, total, total, true);
	r->written = true;
	return ZX_OK;
}

void imp_write_abandon(imp_ctx *x)
{
	imp_copy_release(x);
	zx_tx_rollback(x->c); /* nothing when committed */
	zx_exec(x->c, NULL, ZXQ_import_cache_normal, ZX_NOARGS, NULL);
	journal_end(x);
}

zx_err imp_write(imp_ctx *x)
{
	zx_err e = imp_write_begin(x);
	if (e)
		return e;
	imp_view *v = malloc(sizeof(*v));
	e = v ? write_existing(x, v) : ZX_ENOMEM;
	if (!e)
		e = write_new(x, v);
	free(v);
	return imp_write_end(x, e);
}
