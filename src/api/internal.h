/*
 * internal.h — what the api/ files share: the per-request call context, the route
 * table type, JSON and error helpers. Handlers parse → call domain → render.
 */
#ifndef ZX_API_INTERNAL_H
#define ZX_API_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "api/api.h"
#include "domain/auth/audit.h"
#include "domain/auth/auth.h"

enum {
	API_PUBLIC = 1 << 0,     /* no session needed */
	API_JSON = 1 << 1,       /* body must be a JSON object (parsed into call->body) */
	API_UPLOAD = 1 << 2,     /* body streamed to a temp file */
	API_PERSONAL = 1 << 3,   /* returns personal data: not for the 等保 roles */
	API_PWCHANGE = 1 << 4,   /* allowed while the password must be changed first */
	API_TOTP_ENROL = 1 << 5, /* allowed while the role must still enrol TOTP (API_PWCHANGE is too) */
};

typedef struct api_call {
	zx_req *req;
	zx_resp *resp;
	zx_app *app;
	zx_conn *conn;
	zx_session sess; /* valid unless the route is API_PUBLIC */
	const zx_actor *actor;
	json_t *body; /* API_JSON routes */
} api_call;

typedef void (*api_fn)(api_call *c);

typedef struct api_route {
	const char *method;
	const char *pattern;
	api_fn fn;
	unsigned flags;
} api_route;

/* Route tables of each resource file, terminated by {NULL}. */
extern const api_route api_session_routes[];
extern const api_route api_area_routes[];
extern const api_route api_user_routes[];
extern const api_route api_audit_routes[];
extern const api_route api_policy_routes[];
extern const api_route api_income_routes[];
extern const api_route api_screening_routes[];
extern const api_route api_case_routes[];
extern const api_route api_monitoring_routes[];
extern const api_route api_security_routes[];
extern const api_route api_ops_routes[];
extern const api_route api_plan_routes[];
extern const api_route api_visit_routes[];
extern const api_route api_elimination_routes[];
extern const api_route api_campaign_routes[];
extern const api_route api_figure_routes[];
extern const api_route api_ledger_routes[];
extern const api_route api_timeline_routes[];
extern const api_route api_household_routes[];
extern const api_route api_export_routes[];
extern const api_route api_import_routes[];
extern const api_route api_job_routes[];
extern const api_route api_indicator_routes[];
extern const api_route api_report_routes[];

/* Replies. api_json takes ownership of obj. */
void api_json(api_call *c, int status, json_t *obj);
void api_error(api_call *c, zx_err err, const zx_errinfo *ei);
void api_error_msg(api_call *c, zx_err err, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int api_status_of(zx_err err);

/* Query/body helpers. They reply with a 400 themselves and return false on bad input. */
bool api_page(api_call *c, int64_t *limit, int64_t *offset, int64_t *page, int64_t *per_page);
/* A string field of the JSON body: NULL if absent; false (after replying) if not a
 * string or longer than max bytes. */
bool api_body_str(api_call *c, const char *key, size_t max, bool required, const char **out);
bool api_body_bool(api_call *c, const char *key, int *out); /* -1 if absent */
/* A query parameter capped at max bytes ("" if absent). */
bool api_query_str(api_call *c, const char *key, size_t max, const char **out);

/* Parses a request body that must be one JSON object (no duplicate keys). */
zx_err api_parse_json_object(const char *data, size_t len, json_t **out, zx_errinfo *ei);

/* ledgers.c: POST /api/v1/imports?kind=ledger:KIND (kind = what follows "ledger:"). */
void api_import_ledger(api_call *c, const char *kind);

/* ops.c: counts a refused login for /metrics. */
void api_ops_login_failed(void);

/* Formats a unix timestamp as JSON integer or null when 0. */
json_t *api_time(int64_t t);

#endif
