/*
 * import_stream.c — writing a first import while it is read (see import_internal.h).
 *
 * The reader (the caller's thread) checks each household as soon as its rows are
 * complete, seals its members and appends it to a batch; a writer thread inserts the
 * batches in one open write transaction. Reading, sealing and inserting then overlap on
 * two cores instead of following one another.
 *
 * Invariants: the writer thread is the only user of the connection between
 * imp_stream_start and the join in finish/stop; households reach the writer in index
 * order, each exactly once, only while no error has been found; a household's own rules
 * are checked silently here (the recorded errors come from the full check after the
 * file), so a household that turns out to continue later in the file never leaves a
 * premature error; whatever went wrong, the stream's writes are rolled back as a whole.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "domain/registry/import_internal.h"

#define BATCH_PERSONS 2048
#define RING 4

typedef struct sbatch {
	uint32_t h0, h1; /* households [h0, h1) */
	size_t k;        /* members sealed */
	zx_sealed *ids, *phones;
	bool ready; /* handed to the writer */
} sbatch;

typedef struct imp_stream {
	imp_ctx *x;
	pthread_t writer;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	sbatch ring[RING];
	unsigned fill;   /* the slot the reader fills */
	bool filling;    /* it holds households not yet handed over */
	bool no_more;    /* the reader is done */
	bool stop;       /* roll back: the writer leaves at once */
	bool exited;     /* the writer has left */
	zx_err err;      /* the writer's failure */
	int64_t written; /* households written */
	imp_view view;
} imp_stream;

static void *writer_main(void *arg)
{
	imp_stream *s = arg;
	imp_ctx *x = s->x;
	for (unsigned slot = 0;; slot = (slot + 1) % RING) {
		sbatch *b = &s->ring[slot];
		pthread_mutex_lock(&s->mu);
		while (!b->ready && !s->no_more && !s->stop)
			pthread_cond_wait(&s->cv, &s->mu);
		bool go = b->ready && !s->stop;
		pthread_mutex_unlock(&s->mu);
		if (!go)
			break;
		zx_err e = ZX_OK;
		size_t k = 0;
		for (uint32_t i = b->h0; !e && i < b->h1; i++) {
			imp_household *h = imp_vec_at(&x->households, i);
			e = imp_write_household(x, h, &s->view, &b->ids[k], &b->phones[k]);
			k += (size_t)s->view.rec.n;
		}
		pthread_mutex_lock(&s->mu);
		b->ready = false;
		s->written += b->h1 - b->h0;
		if (e)
			s->err = e;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		if (e)
			break;
	}
	pthread_mutex_lock(&s->mu);
	s->exited = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void stream_free(imp_stream *s)
{
	for (int i = 0; i < RING; i++) {
		free(s->ring[i].ids);
		free(s->ring[i].phones);
	}
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}

bool imp_stream_start(imp_ctx *x)
{
	if (x->o->dry_run)
		return false;
	imp_stream *s = calloc(1, sizeof(*s));
	if (!s)
		return false;
	s->x = x;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	for (int i = 0; i < RING; i++) {
		s->ring[i].ids = malloc(BATCH_PERSONS * sizeof(zx_sealed));
		s->ring[i].phones = malloc(BATCH_PERSONS * sizeof(zx_sealed));
		if (!s->ring[i].ids || !s->ring[i].phones) {
			stream_free(s);
			return false;
		}
	}
	/* Empty inside the transaction, so nobody can add a household before we commit. */
	int64_t any = 1;
	if (imp_write_begin(x) != ZX_OK) {
		stream_free(s);
		return false;
	}
	if (zx_query_int(x->c, NULL, ZXQ_import_county_has_households, ZX_ARGS(ZX_TEXT(x->county)), &any) ||
	    any || pthread_create(&s->writer, NULL, writer_main, s) != 0) {
		imp_write_abandon(x);
		stream_free(s);
		return false;
	}
	x->stream = s;
	return true;
}

/* Rules of one household without recording errors: a valid household stays checked (the
 * check after the file skips it, and never touches what the writer reads); an invalid one
 * is checked again, aloud, after the file — by then the stream has been stopped. */
static bool household_ok(imp_ctx *x, uint32_t idx)
{
	imp_household *h = imp_vec_at(&x->households, idx);
	int64_t before = x->muted;
	x->mute++;
	imp_check_household(x, idx);
	x->mute--;
	bool ok = x->muted == before;
	if (!ok)
		h->checked = false;
	return ok;
}

/* Hands the batch being filled to the writer and takes the next slot (waiting for it). */
static bool hand_over(imp_stream *s)
{
	pthread_mutex_lock(&s->mu);
	if (s->filling) {
		s->ring[s->fill].ready = true;
		s->fill = (s->fill + 1) % RING;
		s->filling = false;
		pthread_cond_broadcast(&s->cv);
	}
	while (s->ring[s->fill].ready && !s->err && !s->exited)
		pthread_cond_wait(&s->cv, &s->mu);
	bool ok = !s->err && !s->exited;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

void imp_stream_household(imp_ctx *x, uint32_t idx)
{
	imp_stream *s = x->stream;
	if (!s)
		return;
	imp_household *h = imp_vec_at(&x->households, idx);
	if (x->r->error_count > 0 || !household_ok(x, idx)) {
		imp_stream_stop(x); /* the import will fail: no need to write on */
		return;
	}
	sbatch *b = &s->ring[s->fill];
	if (s->filling && (b->h1 != idx || b->k + h->n > BATCH_PERSONS)) {
		if (!hand_over(s)) {
			imp_stream_stop(x);
			return;
		}
		b = &s->ring[s->fill];
	}
	if (!s->filling) {
		b->h0 = b->h1 = idx;
		b->k = 0;
		s->filling = true;
	}
	if (b->h1 != idx || imp_seal_household(x, h, &b->ids[b->k], &b->phones[b->k]) != ZX_OK) {
		imp_stream_stop(x);
		return;
	}
	b->k += h->n;
	b->h1 = idx + 1;
}

static void join_writer(imp_stream *s, bool stop)
{
	pthread_mutex_lock(&s->mu);
	if (s->filling && !stop) {
		s->ring[s->fill].ready = true;
		s->filling = false;
	}
	s->no_more = true;
	s->stop = stop;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->writer, NULL);
}

void imp_stream_stop(imp_ctx *x)
{
	imp_stream *s = x->stream;
	if (!s)
		return;
	join_writer(s, true);
	imp_write_abandon(x);
	x->r->created = 0;
	for (uint32_t i = 0; i < x->households.n; i++)
		((imp_household *)imp_vec_at(&x->households, i))->state = IMP_H_NEW;
	x->stream = NULL;
	stream_free(s);
	zx_debug("import: streaming stopped; validating the whole file first");
}

zx_err imp_stream_finish(imp_ctx *x)
{
	imp_stream *s = x->stream;
	int64_t total = (int64_t)x->households.n;
	pthread_mutex_lock(&s->mu);
	if (s->filling) {
		s->ring[s->fill].ready = true;
		s->filling = false;
	}
	s->no_more = true;
	pthread_cond_broadcast(&s->cv);
	while (!s->exited) {
		int64_t done = s->written;
		pthread_mutex_unlock(&s->mu);
		imp_progress(x, ZX_IMPORT_WRITING, done, total, false);
		pthread_mutex_lock(&s->mu);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 200 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (!s->exited)
			pthread_cond_timedwait(&s->cv, &s->mu, &until);
	}
	zx_err e = s->err;
	bool complete = s->written == total;
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->writer, NULL);
	x->stream = NULL;
	stream_free(s);
	if (!e && !complete) {
		zx_error("import: the stream wrote %s households than read", "fewer");
		e = ZX_EINTERNAL;
	}
	return imp_write_end(x, e);
}
