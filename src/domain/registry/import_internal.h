/*
 * import_internal.h — what the three files of the household importer share:
 *   import.c        reading the file, row and household rules, database checks, result;
 *   import_stage.c  the compact staging area (string pool, chunked arrays, hash maps);
 *   import_write.c  the write phase (one transaction; sealing on a second thread).
 *
 * Staging keeps ~64 bytes per person and ~40 per household, so 1M persons fit in about
 * 100 MB together with the maps. Enumerated columns are stored as their index in the
 * template's value list plus one (0 = blank); free text goes to the pool, interned
 * where values repeat (民族, 组, 帮扶责任人) so equality is an integer compare.
 */
#ifndef ZX_IMPORT_INTERNAL_H
#define ZX_IMPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "domain/registry/household.h"
#include "domain/registry/import.h"
#include "domain/registry/template.h"

#define IMP_NONE UINT32_MAX
#define IMP_MAX_MEMBERS 50

/* ---- string pool: strings never move; offset 0 is the empty string ------------------- */

/* Strings live in 1 MiB chunks whose addresses never change and whose pointer table is
 * allocated once, so the streaming writer may read old strings while the reader adds new
 * ones. An offset is chunk << 20 | position; a string never spans two chunks. */
#define IMP_POOL_CHUNK_BITS 20
#define IMP_POOL_CHUNK ((size_t)1 << IMP_POOL_CHUNK_BITS)
#define IMP_POOL_MAX_CHUNKS 4096 /* 4 GiB: offsets fit in 32 bits */
#define IMP_POOL_MAX_STRING 8192 /* longer strings are refused (cells are capped below) */

typedef struct imp_pool {
	char **chunks; /* IMP_POOL_MAX_CHUNKS pointers */
	size_t nchunks;
	size_t used; /* bytes used in the last chunk */
} imp_pool;

zx_err imp_pool_init(imp_pool *p);
void imp_pool_release(imp_pool *p);
/* Appends s[0..n) + NUL; *off receives its offset (0 for n == 0). */
zx_err imp_pool_add(imp_pool *p, const char *s, size_t n, uint32_t *off);
static inline const char *imp_pool_str(const imp_pool *p, uint32_t off)
{
	return p->chunks[off >> IMP_POOL_CHUNK_BITS] + (off & (IMP_POOL_CHUNK - 1));
}

/* ---- intern map: string -> pool offset (values that repeat) ------------------------- */

typedef struct imp_intern {
	uint32_t *slots; /* pool offset, 0 = empty slot */
	size_t cap, n;
} imp_intern;

void imp_intern_release(imp_intern *m);
zx_err imp_intern_add(imp_intern *m, imp_pool *p, const char *s, size_t n, uint32_t *off);

/* ---- staged rows --------------------------------------------------------------------- */

enum {
	IMP_P_HEAD = 1 << 0,   /* 与户主关系 = 户主 */
	IMP_P_ID_OK = 1 << 1,  /* id holds a valid 证件号码 */
	IMP_P_MOVING = 1 << 2, /* registered in another household that this file re-imports */
};

/* Household-level columns as one row gave them (compared across a household's rows). */
typedef struct imp_hhvals {
	uint32_t group, helper; /* interned pool offsets */
	uint16_t tuopin_year;   /* 0 = blank */
	uint8_t hh_type, category, housing, water, risk;
} imp_hhvals;

typedef struct imp_person {
	uint64_t id; /* packed: first 17 digits * 11 + check value (10 = X) */
	uint32_t row, hh, next;
	uint32_t name, phone, nation; /* pool offsets (phone 0 = none) */
	imp_hhvals hv;
	int8_t work_months; /* -1 = blank */
	uint8_t relation, education, school, health, disability, labor, work, insured;
	uint8_t flags;
} imp_person;

enum { IMP_H_NEW = 0, IMP_H_CREATED, IMP_H_UPDATED, IMP_H_UNCHANGED };

typedef struct imp_household {
	int64_t db_id;        /* existing row, 0 = new */
	uint32_t hh_no;       /* pool offset */
	uint32_t row;         /* first row */
	uint32_t village_row; /* the row that gave the village */
	uint32_t first, last, head;
	uint16_t n;
	uint16_t village; /* index into the county's villages */
	uint8_t state;
	bool checked; /* household rules applied (imp_check_household) */
} imp_household;

/* Chunked arrays: element i lives in chunk i >> IMP_CHUNK_BITS; nothing ever moves, not
 * even the chunk table (allocated once), so a second thread may read old elements while
 * new ones are added. */
#define IMP_CHUNK_BITS 15
#define IMP_CHUNK (1u << IMP_CHUNK_BITS)
#define IMP_VEC_MAX_CHUNKS 4096 /* 134M elements */

typedef struct imp_vec {
	void **chunks; /* IMP_VEC_MAX_CHUNKS pointers, allocated at the first push */
	size_t nchunks, n, elem;
} imp_vec;

void imp_vec_init(imp_vec *v, size_t elem);
void imp_vec_release(imp_vec *v);
/* Appends a zeroed element; *idx receives its index. NULL when out of memory. */
void *imp_vec_push(imp_vec *v, uint32_t *idx);
static inline void *imp_vec_at(const imp_vec *v, uint32_t i)
{
	return (char *)v->chunks[i >> IMP_CHUNK_BITS] + (size_t)(i & (IMP_CHUNK - 1)) * v->elem;
}

/* ---- key maps: 户编号 -> household, 证件号码 -> person -------------------------------- */

typedef struct imp_map {
	uint32_t *slots; /* index + 1, 0 = empty */
	size_t cap, n;
} imp_map;

void imp_map_release(imp_map *m);
/* Household by 户编号 (pool strings): the existing index, or inserts `add` and returns IMP_NONE. */
zx_err imp_map_household(imp_map *m, const imp_vec *hh, const imp_pool *p, const char *hh_no, uint32_t add,
                         uint32_t *found);
/* Person by packed id: the existing index, or inserts `add` and returns IMP_NONE. */
zx_err imp_map_person(imp_map *m, const imp_vec *persons, uint64_t id, uint32_t add, uint32_t *found);

/* 证件号码 text of a packed id; out holds 19 bytes. */
void imp_id_unpack(uint64_t id, char out[19]);

/* ---- the whole import ------------------------------------------------------------------ */

typedef struct imp_village {
	char code[13];
	char *name;
} imp_village;

typedef struct imp_ctx {
	zx_conn *c;
	const zx_keys *k;
	const zx_actor *a;
	const zx_import_opts *o;
	zx_import_result *r;
	zx_errinfo *ei;
	char county[7];
	char area[13];
	zx_scope area_scope, county_scope;
	int today;
	int max_errors;
	/* header */
	bool have_header;
	int colmap[ZX_COL__COUNT]; /* file column of each template column, -1 if absent */
	char colname[ZX_COL__COUNT][64];
	/* staging */
	imp_pool pool;
	imp_intern interned;
	imp_vec persons, households;
	imp_map by_hh_no, by_id;
	uint32_t cur_hh; /* last household seen (rows of a household usually come together) */
	imp_village *villages;
	size_t nvillages;
	uint16_t last_village;
	/* progress and timing (ms, for the log line) */
	int64_t t_read, t_check, t_write, t_commit, t_write_start, t_rebuild;
	/* bulk: the registry was empty, the write transaction dropped the 姓名 indexes and
	 * the count triggers and rebuilds them before the commit (import_write.c) */
	bool bulk;
	/* exclusive bulk: the database left WAL mode for the import's transaction (switched:
	 * until it is back in WAL mode; rollback_journal: for the log line) */
	bool journal_switched, rollback_journal;
	/* streaming: a first import is written while it is read (import_stream.c) */
	struct imp_stream *stream;
	/* new households and members on their way through zx_bulk (import_copy.c) */
	struct imp_copy *copy;
	int mute; /* > 0: imp_error only counts in muted (silent household checks) */
	int64_t muted;
	int64_t written; /* households written so far */
	int64_t total_estimate;
	int64_t last_progress_ms;
} imp_ctx;

/* Adds an error (masking the value when the column is 证件号码/联系电话). */
void imp_error(imp_ctx *x, long row, const char *column, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Adds a warning for the user (at most 100 are kept). */
zx_err imp_add_warning(zx_import_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Orders the kept errors by row, keeping the order of discovery within a row. */
void imp_sort_errors(zx_import_result *r);
/* Calls the progress callback at most every 200 ms (always when force). */
void imp_progress(imp_ctx *x, zx_import_phase phase, int64_t done, int64_t total, bool force);
/* Monotonic milliseconds. */
int64_t imp_ms(void);
/* Value text of an enumerated column's stored index (0 -> ""). */
const char *imp_enum_text(zx_template_col col, uint8_t v);

/* A staged household as registry records (import_write.c), members in write order. */
typedef struct imp_view {
	zx_household_rec rec;
	zx_person_rec m[IMP_MAX_MEMBERS];
	uint32_t idx[IMP_MAX_MEMBERS]; /* staged person of m[i] */
	char ids[IMP_MAX_MEMBERS][19];
} imp_view;

/* The checks (import_check.c): they only add errors. One household (once), or all not yet
 * checked. */
void imp_check_household(imp_ctx *x, uint32_t idx);
zx_err imp_check_households(imp_ctx *x);
zx_err imp_check_database(imp_ctx *x);

/* The write phase (import_write.c): one transaction, audit row included. imp_write does it
 * all from the staging area; the streaming writer uses the parts: begin (transaction and
 * cache), end (audit, commit or roll back, result), abandon (roll back). */
zx_err imp_write(imp_ctx *x);
zx_err imp_write_begin(imp_ctx *x);
zx_err imp_write_end(imp_ctx *x, zx_err e);
void imp_write_abandon(imp_ctx *x);
zx_err imp_seal_household(const imp_ctx *x, const imp_household *h, zx_sealed *ids, zx_sealed *phones);
zx_err imp_write_household(imp_ctx *x, imp_household *h, imp_view *v, const zx_sealed *ids,
                           const zx_sealed *phones);

/* New households (import_copy.c): reserves the household's id (*hid) and queues its row and
 * its members' rows (ids/phones follow h->m) for zx_bulk, sending them in chunks; flush sends
 * what is queued (before anything reads those rows: the audit row, the commit); release
 * drops what is not sent (the transaction is rolled back). */
zx_err imp_copy_household(imp_ctx *x, const zx_household_rec *h, const zx_sealed *ids,
                          const zx_sealed *phones, int64_t *hid);
zx_err imp_copy_flush(imp_ctx *x);
void imp_copy_release(imp_ctx *x);

/* Streaming (import_stream.c), only for a first import into a county without households:
 * the transaction opens before the file is read, every household is written on a second
 * thread as soon as it is complete and valid, and the whole import commits or rolls back
 * as one. A household whose rows are not together, or any error, ends the stream: its
 * writes are rolled back and the import goes on as usual (validate all, then imp_write). */
bool imp_stream_start(imp_ctx *x); /* false: not a first import, or no stream possible */
/* The rows of household idx are complete (the next row belongs to another household). */
void imp_stream_household(imp_ctx *x, uint32_t idx);
/* Rolls the stream back (no-op without one). */
void imp_stream_stop(imp_ctx *x);
/* The file is read and valid: write what is left, then audit and commit. */
zx_err imp_stream_finish(imp_ctx *x);
/* Removes the member with this blind index from the household it is registered in. */
zx_err imp_unregister_elsewhere(imp_ctx *x, const zx_sealed *id);
/* Re-import of a registered household (import_update.c); ids/phones follow v->m. */
zx_err imp_update_household(imp_ctx *x, imp_household *h, const imp_view *v, const zx_sealed *ids,
                            const zx_sealed *phones);

#endif
