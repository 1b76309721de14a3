/*
 * monitoring_api.h — helpers the monitoring API files share (policies.c, income.c,
 * screenings.c, cases.c, monitoring.c): money as exact 元 strings, money and integer
 * parameters, and the JSON of a policy.
 *
 * Money in JSON is always an exact decimal string of 元 ("12345.67"); money sent to us may
 * be such a string or a JSON number with at most two decimals.
 */
#ifndef ZX_MONITORING_API_H
#define ZX_MONITORING_API_H

#include "api/internal.h"
#include "domain/monitoring/policy.h"

json_t *mon_money(int64_t fen);
/* A money field of the body; absent -> *fen = -1 (or 400 when required). */
bool mon_body_money(api_call *c, const char *key, bool required, int64_t *fen);
/* An integer field of the body within [lo, hi]; absent -> *out = dflt (or 400 when required). */
bool mon_body_int(api_call *c, const char *key, bool required, int64_t lo, int64_t hi, int64_t dflt,
                  int64_t *out);
/* A query parameter as an integer within [lo, hi]; absent -> dflt; else 400. */
bool mon_query_int(api_call *c, const char *key, int64_t lo, int64_t hi, int64_t dflt, int64_t *out);
/* A path parameter as a positive id; 404 otherwise. */
bool mon_path_id(api_call *c, const char *name, int64_t *out);
/* The area query parameter (12 digits) or the caller's own area. */
bool mon_query_area(api_call *c, const char **out);
json_t *mon_policy_json(const zx_policy *p);
json_t *mon_date(int ymd); /* "YYYY-MM-DD" or null when 0 */

/* POST /api/v1/imports?kind=income|warnings (called by imports.c): the upload becomes a job. */
void api_import_monitoring(api_call *c, const char *kind);

#endif
