/*
 * import_stage.c — the importer's staging area (see import_internal.h): string pool,
 * interning, chunked arrays and the two open-addressing maps.
 *
 * Invariants: pool offsets and strings, vector indices and element addresses never change
 * once handed out, and neither do the chunk tables (a second thread may read what was
 * handed to it while the reader appends); maps stay at most three quarters full, so a
 * probe always ends at an empty slot.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/registry/import_internal.h"

zx_err imp_pool_init(imp_pool *p)
{
	memset(p, 0, sizeof(*p));
	p->chunks = calloc(IMP_POOL_MAX_CHUNKS, sizeof(*p->chunks));
	if (!p->chunks || !(p->chunks[0] = malloc(IMP_POOL_CHUNK)))
		return ZX_ENOMEM;
	p->nchunks = 1;
	p->chunks[0][0] = '\0';
	p->used = 1;
	return ZX_OK;
}

void imp_pool_release(imp_pool *p)
{
	for (size_t i = 0; p->chunks && i < p->nchunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	memset(p, 0, sizeof(*p));
}

zx_err imp_pool_add(imp_pool *p, const char *s, size_t n, uint32_t *off)
{
	if (n == 0) {
		*off = 0;
		return ZX_OK;
	}
	if (n >= IMP_POOL_MAX_STRING)
		return ZX_ETOOBIG;
	if (p->used + n + 1 > IMP_POOL_CHUNK) {
		if (p->nchunks == IMP_POOL_MAX_CHUNKS)
			return ZX_ETOOBIG;
		if (!(p->chunks[p->nchunks] = malloc(IMP_POOL_CHUNK)))
			return ZX_ENOMEM;
		p->nchunks++;
		p->used = 0;
	}
	char *d = p->chunks[p->nchunks - 1] + p->used;
	memcpy(d, s, n);
	d[n] = '\0';
	*off = (uint32_t)((p->nchunks - 1) << IMP_POOL_CHUNK_BITS | p->used);
	p->used += n + 1;
	return ZX_OK;
}

/* FNV-1a, then a final mix so that sequential keys spread. */
static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static uint64_t hash_u64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

/* Doubles a table of uint32 slots, re-placing entries with rehash(ctx, slot value). */
static zx_err slots_grow(uint32_t **slots, size_t *cap, uint64_t (*rehash)(const void *, uint32_t),
                         const void *ctx)
{
	size_t ncap = *cap ? *cap * 2 : 1024;
	uint32_t *ns = calloc(ncap, sizeof(*ns));
	if (!ns)
		return ZX_ENOMEM;
	for (size_t i = 0; i < *cap; i++) {
		uint32_t v = (*slots)[i];
		if (!v)
			continue;
		size_t j = rehash(ctx, v) & (ncap - 1);
		while (ns[j])
			j = (j + 1) & (ncap - 1);
		ns[j] = v;
	}
	free(*slots);
	*slots = ns;
	*cap = ncap;
	return ZX_OK;
}

/* ---- intern -------------------------------------------------------------------------- */

void imp_intern_release(imp_intern *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static uint64_t intern_rehash(const void *ctx, uint32_t off)
{
	const char *s = imp_pool_str(ctx, off);
	return hash_bytes(s, strlen(s));
}

zx_err imp_intern_add(imp_intern *m, imp_pool *p, const char *s, size_t n, uint32_t *off)
{
	if (n == 0) {
		*off = 0;
		return ZX_OK;
	}
	if ((m->n + 1) * 4 > m->cap * 3) {
		zx_err e = slots_grow(&m->slots, &m->cap, intern_rehash, p);
		if (e)
			return e;
	}
	size_t j = hash_bytes(s, n) & (m->cap - 1);
	for (; m->slots[j]; j = (j + 1) & (m->cap - 1)) {
		const char *t = imp_pool_str(p, m->slots[j]);
		if (strncmp(t, s, n) == 0 && t[n] == '\0') {
			*off = m->slots[j];
			return ZX_OK;
		}
	}
	zx_err e = imp_pool_add(p, s, n, off);
	if (e)
		return e;
	m->slots[j] = *off;
	m->n++;
	return ZX_OK;
}

/* ---- chunked vectors ------------------------------------------------------------------- */

void imp_vec_init(imp_vec *v, size_t elem)
{
	memset(v, 0, sizeof(*v));
	v->elem = elem;
}

void imp_vec_release(imp_vec *v)
{
	for (size_t i = 0; i < v->nchunks; i++)
		free(v->chunks[i]);
	free(v->chunks);
	v->chunks = NULL;
	v->nchunks = v->n = 0;
}

void *imp_vec_push(imp_vec *v, uint32_t *idx)
{
	if (v->n >= (size_t)IMP_NONE - 1)
		return NULL;
	size_t c = v->n >> IMP_CHUNK_BITS;
	if (!v->chunks && !(v->chunks = calloc(IMP_VEC_MAX_CHUNKS, sizeof(*v->chunks))))
		return NULL;
	if (c == v->nchunks) {
		if (c == IMP_VEC_MAX_CHUNKS || !(v->chunks[c] = malloc(IMP_CHUNK * v->elem)))
			return NULL;
		v->nchunks++;
	}
	*idx = (uint32_t)v->n++;
	void *e = imp_vec_at(v, *idx);
	memset(e, 0, v->elem);
	return e;
}

/* ---- key maps ---------------------------------------------------------------------------- */

void imp_map_release(imp_map *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

typedef struct hh_rehash_ctx {
	const imp_vec *hh;
	const imp_pool *p;
} hh_rehash_ctx;

static uint64_t hh_rehash(const void *ctx, uint32_t v)
{
	const hh_rehash_ctx *r = ctx;
	const imp_household *h = imp_vec_at(r->hh, v - 1);
	const char *s = imp_pool_str(r->p, h->hh_no);
	return hash_bytes(s, strlen(s));
}

zx_err imp_map_household(imp_map *m, const imp_vec *hh, const imp_pool *p, const char *hh_no, uint32_t add,
                         uint32_t *found)
{
	*found = IMP_NONE;
	if ((m->n + 1) * 4 > m->cap * 3) {
		hh_rehash_ctx rc = {hh, p};
		zx_err e = slots_grow(&m->slots, &m->cap, hh_rehash, &rc);
		if (e)
			return e;
	}
	size_t j = hash_bytes(hh_no, strlen(hh_no)) & (m->cap - 1);
	for (; m->slots[j]; j = (j + 1) & (m->cap - 1)) {
		const imp_household *h = imp_vec_at(hh, m->slots[j] - 1);
		if (strcmp(imp_pool_str(p, h->hh_no), hh_no) == 0) {
			*found = m->slots[j] - 1;
			return ZX_OK;
		}
	}
	if (add != IMP_NONE) {
		m->slots[j] = add + 1;
		m->n++;
	}
	return ZX_OK;
}

static uint64_t person_rehash(const void *ctx, uint32_t v)
{
	const imp_person *p = imp_vec_at(ctx, v - 1);
	return hash_u64(p->id);
}

zx_err imp_map_person(imp_map *m, const imp_vec *persons, uint64_t id, uint32_t add, uint32_t *found)
{
	*found = IMP_NONE;
	if ((m->n + 1) * 4 > m->cap * 3) {
		zx_err e = slots_grow(&m->slots, &m->cap, person_rehash, persons);
		if (e)
			return e;
	}
	size_t j = hash_u64(id) & (m->cap - 1);
	for (; m->slots[j]; j = (j + 1) & (m->cap - 1)) {
		const imp_person *p = imp_vec_at(persons, m->slots[j] - 1);
		if (p->id == id) {
			*found = m->slots[j] - 1;
			return ZX_OK;
		}
	}
	if (add != IMP_NONE) {
		m->slots[j] = add + 1;
		m->n++;
	}
	return ZX_OK;
}

void imp_id_unpack(uint64_t id, char out[19])
{
	uint64_t check = id % 11, digits = id / 11;
	for (int i = 16; i >= 0; i--) {
		out[i] = (char)('0' + digits % 10);
		digits /= 10;
	}
	out[17] = check == 10 ? 'X' : (char)('0' + check);
	out[18] = '\0';
}
