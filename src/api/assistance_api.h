/*
 * assistance_api.h — helpers the 帮扶 API files share (plans.c, visits.c, eliminations.c,
 * campaigns.c, timeline.c): path and query parameters, dates and money in JSON, the
 * household summary, the 六必访 checklist and the elimination check.
 *
 * JSON conventions: dates are "YYYY-MM-DD" strings (null when absent); money is an exact
 * decimal string of 元 ("1200.50"); a money field sent to us may be such a string or a
 * JSON number with at most two decimals.
 */
#ifndef ZX_ASSISTANCE_API_H
#define ZX_ASSISTANCE_API_H

#include "api/internal.h"
#include "domain/assistance/assistance.h"
#include "domain/assistance/elimination.h"

/* A path parameter as a positive id; 404 (with what) otherwise. */
bool asst_path_id(api_call *c, const char *name, const char *what, int64_t *out);
/* A query parameter as an integer within [lo, hi]; absent -> dflt; else 400. */
bool asst_query_int(api_call *c, const char *key, int64_t lo, int64_t hi, int64_t dflt, int64_t *out);
/* A query date (YYYY-MM-DD); absent -> 0; else 400. */
bool asst_query_date(api_call *c, const char *key, int *ymd);
/* A money field as a 元 string for the domain (NULL when absent); 400 when not a string or a
 * number with at most two decimals. buf holds the text of a number. */
bool asst_body_amount(api_call *c, const char *key, const char **out, char *buf, size_t bufsz);
/* An integer field; absent -> dflt. */
bool asst_body_int(api_call *c, const char *key, int64_t lo, int64_t hi, int64_t dflt, int64_t *out);
/* The 六必访 checklist: an array of keys or names, or an object {key: true}. */
bool asst_body_checklist(api_call *c, const char *key, unsigned *bits);

json_t *asst_date(int ymd);
json_t *asst_money(int64_t fen);
json_t *asst_checklist_json(unsigned bits);
json_t *asst_household_json(const zx_asst_household *h);
json_t *asst_elim_check_json(const zx_elim_check *ch);
json_t *asst_elimination_json(const zx_elimination *e);
/* 422 with the failing conditions in error.conditions. */
void asst_elim_refused(api_call *c, const zx_errinfo *ei, const zx_elim_check *ch);

/* Replies to a domain failure (the errinfo when filled, else the generic message). */
void asst_fail(api_call *c, zx_err e, const zx_errinfo *ei);

#endif
