/*
 * ledger_internal.h — what the ledger files share: the write context, the kinds' check
 * functions (checks.c), value parsing (values.c) and the link resolution of the engine.
 */
#ifndef ZX_LEDGER_INTERNAL_H
#define ZX_LEDGER_INTERNAL_H

#include <jansson.h>

#include "domain/ledger/ledger.h"

typedef struct zx_ledger_ctx {
	zx_conn *c;
	const zx_actor *a;
	const zx_keys *keys;
	char today[11]; /* YYYY-MM-DD (UTC+8, injectable clock) */
	long rowno;     /* import row, 0 otherwise */
} zx_ledger_ctx;

void zx_ledger_ctx_init(zx_ledger_ctx *x, zx_conn *c, const zx_actor *a, const zx_keys *keys);

/* A field error: "第N行「label」：message" (row > 0) or "「label」：message". */
zx_err zx_ledger_fail(const zx_ledger_ctx *x, zx_err err, const zx_ledger_field *f, const char *code,
                      zx_errinfo *ei, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* checks.c: rules of one kind (ledger.h zx_ledger_kind.check). */
zx_err zx_ledger_check_project(zx_ledger_ctx *x, const zx_ledger_row *r, zx_errinfo *ei);
zx_err zx_ledger_check_loan(zx_ledger_ctx *x, const zx_ledger_row *r, zx_errinfo *ei);
zx_err zx_ledger_check_post(zx_ledger_ctx *x, const zx_ledger_row *r, zx_errinfo *ei);
zx_err zx_ledger_check_collective(zx_ledger_ctx *x, const zx_ledger_row *r, zx_errinfo *ei);
zx_err zx_ledger_check_milestone(zx_ledger_ctx *x, const zx_ledger_row *r, zx_errinfo *ei);

/* values.c: "2024-03-05", "2024/3/5", "20240305", "2024.3.5", "2024年3月5日" -> "2024-03-05". */
bool zx_ledger_parse_date(const char *s, char out[11]);
/* 元 text (2 decimals, thousands separators; suffix 元/万元/万) or, when wan, 万元 text (6
 * decimals) -> 分. 1 bad, 2 negative, 3 too many decimals / too large. */
int zx_ledger_parse_money(const char *s, bool wan, int64_t *fen);
/* Index of the field with the role, -1 if none. */
int zx_ledger_role_field(const zx_ledger_kind *k, zx_lfrole role);
/* Year of a 'YYYY-MM-DD' (0 if empty). */
int zx_ledger_date_year(const char *d);
/* The computed flags of a row: 逾期 (loan not 已还清 and due before today), 薄弱村. */
bool zx_ledger_loan_overdue(const char *status, const char *due, const char *today);

/* read.c: one row from the columns of ledger_get/ledger_list as display JSON. */
json_t *zx_ledger_row_json(zx_ledger_ctx *x, const zx_ledger_kind *k, zx_stmt *s, bool beneficiaries);

/* read.c: every matching row as display JSON (no page cap), for the export; fn returns false
 * to stop. */
zx_err zx_ledger_walk(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, const zx_ledger_filter *f,
                      bool (*fn)(void *ctx, json_t *row), void *ctx, zx_errinfo *ei);

/* May the actor read / write ledgers (a Chinese reason in ei otherwise)? */
zx_err zx_ledger_may_read(const zx_actor *a, zx_errinfo *ei);
zx_err zx_ledger_may_write(const zx_actor *a, zx_errinfo *ei);
/* The area (actor's when NULL/'') checked inside the actor's scope, as a scope. */
zx_err zx_ledger_area_scope(zx_ledger_ctx *x, const char *area, zx_scope *out, char code[13], zx_errinfo *ei);

/* Resolved link facts for the area rule (ledger.c, links.c). */
typedef struct zx_ledger_links {
	char person_area[13], hh_area[13], parent_area[13];
	char person_label[64];
	int64_t person_household;
} zx_ledger_links;

/* ledger.c: a field's text value, owned by the row. */
zx_err zx_ledger_set_str(zx_ledger_row *r, int i, const char *v);

/* links.c: one link field of the row (index i) from the user's text; see links.c. */
zx_err zx_ledger_link_person(zx_ledger_ctx *x, const zx_ledger_field *f, const char *v, zx_ledger_row *r,
                             int i, zx_ledger_links *lk, zx_errinfo *ei);
zx_err zx_ledger_link_household(zx_ledger_ctx *x, const zx_ledger_field *f, const char *v, int64_t *id,
                                char area[13], zx_errinfo *ei);
/* 受益户: after the row's area is known (r->area_code); each must lie inside it. */
zx_err zx_ledger_link_households(zx_ledger_ctx *x, const zx_ledger_field *f, const char *v, zx_ledger_row *r,
                                 int i, zx_errinfo *ei);
zx_err zx_ledger_link_area(zx_ledger_ctx *x, const zx_ledger_field *f, const char *v, zx_ledger_row *r, int i,
                           zx_errinfo *ei);
zx_err zx_ledger_link_parent(zx_ledger_ctx *x, const zx_ledger_field *f, const char *v, zx_ledger_row *r,
                             int i, zx_ledger_links *lk, zx_errinfo *ei);

/* ledger.c: validates input into row (row already holds the stored values on update). Runs
 * the kind's check. Must run inside the write transaction. */
zx_err zx_ledger_validate(zx_ledger_ctx *x, const zx_ledger_kind *k, const zx_ledger_input *in,
                          zx_ledger_row *r, zx_errinfo *ei);
/* Inserts (r->id == 0) or updates the validated row and its beneficiaries. */
zx_err zx_ledger_write_row(zx_ledger_ctx *x, zx_ledger_row *r, zx_errinfo *ei);

#endif
