/*
 * plan.h — 一户一策: the assistance plan of a 监测户 (risk analysis, goal, responsible person)
 * and its measures from the catalogue (assistance.h), each with planned and actual dates,
 * amount, responsible person, status and a link to the ledger row that carries it.
 *
 * Rules: plans and measures are written only for 监测户 (ZX_EVALIDATION "not_monitored"
 * otherwise); a measure 已落实 has an actual date, never in the future (today when not
 * given); only a measure still 计划 may be deleted — one that started is 取消 instead, so
 * what was done stays on record. Adding a measure to a household without a plan creates
 * the plan. Every write runs in its own transaction with its audit row.
 *
 * The 30-day flag: a 监测户 with no measure 已落实 more than ZX_PLAN_FLAG_DAYS after it
 * became a 监测户 (the 纳入监测 step of the workflow, else the registry change that set its
 * category, else the plan's creation, else the household's entry) is flagged.
 */
#ifndef ZX_PLAN_H
#define ZX_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/assistance/assistance.h"

#define ZX_PLAN_FLAG_DAYS 30
#define ZX_PLAN_TEXT_MAX 4000
#define ZX_MEASURE_TEXT_MAX 1000
#define ZX_PERSON_NAME_MAX 60

typedef struct zx_plan {
	int64_t id; /* 0: no plan yet */
	char risk_analysis[ZX_PLAN_TEXT_MAX + 1];
	char goal[ZX_PLAN_TEXT_MAX + 1];
	char responsible[64];
	char created_by[64];
	int64_t created_at;
	char updated_by[64];
	int64_t updated_at;
} zx_plan;

typedef struct zx_measure {
	int64_t id;
	int64_t plan_id;
	int64_t household_id;
	char kind[32];
	char content[ZX_MEASURE_TEXT_MAX + 1];
	int planned_ymd; /* 0: none */
	int actual_ymd;
	int64_t amount; /* 分 */
	char responsible[64];
	char status[16];
	char ledger_kind[32];
	int64_t ledger_id; /* 0: none */
	char created_by[64];
	int64_t created_at;
	char updated_by[64];
	int64_t updated_at;
} zx_measure;

/* The household's plan (id 0 when it has none yet). */
zx_err zx_plan_get(zx_conn *c, const zx_actor *a, const char *hh_no, zx_asst_household *h, zx_plan *out,
                   zx_errinfo *ei);

typedef bool (*zx_measure_fn)(void *ctx, const zx_measure *m);
zx_err zx_measure_list(zx_conn *c, const zx_actor *a, int64_t household_id, zx_measure_fn fn, void *ctx);

/* NULL keeps a field (a new plan starts empty, responsible = the household's 帮扶责任人). */
typedef struct zx_plan_input {
	const char *risk_analysis;
	const char *goal;
	const char *responsible;
} zx_plan_input;

/* Creates or updates the plan; *created tells which. */
zx_err zx_plan_put(zx_conn *c, const zx_actor *a, const char *hh_no, const zx_plan_input *in, bool *created,
                   zx_errinfo *ei);

/* Strings as a user gives them; NULL keeps a field (for add: the default). Dates
 * "YYYY-MM-DD" ("" clears), amount in 元 with at most two decimals. */
typedef struct zx_measure_input {
	const char *kind; /* required for add */
	const char *content;
	const char *planned;
	const char *actual;
	const char *amount;
	const char *responsible;
	const char *status; /* default 计划 */
	const char *ledger_kind;
	int64_t ledger_id; /* < 0 keeps; 0 clears */
} zx_measure_input;

zx_err zx_measure_add(zx_conn *c, const zx_actor *a, const char *hh_no, const zx_measure_input *in,
                      int64_t *id_out, zx_errinfo *ei);
zx_err zx_measure_update(zx_conn *c, const zx_actor *a, const char *hh_no, int64_t id,
                         const zx_measure_input *in, zx_errinfo *ei);
zx_err zx_measure_delete(zx_conn *c, const zx_actor *a, const char *hh_no, int64_t id, zx_errinfo *ei);
/* ZX_ENOTFOUND unless the measure belongs to household_id and lies in the actor's scope. */
zx_err zx_measure_get(zx_conn *c, const zx_actor *a, int64_t household_id, int64_t id, zx_measure *out);

/* ---- the list of 监测户 with their plans --------------------------------------------------- */

typedef struct zx_plan_row {
	int64_t household_id;
	const char *hh_no;
	const char *area_code;
	const char *village_name;
	const char *grp;
	const char *head_name;
	const char *hh_type;
	const char *category;
	const char *risk_type;
	const char *helper;
	int size;
	int64_t plan_id; /* 0: no plan */
	const char *responsible;
	int64_t plan_created_at;
	int64_t plan_updated_at;
	int measures; /* not cancelled */
	int measures_done;
	int64_t since;    /* the start of the 30-day period (see above) */
	bool flagged;     /* no measure 已落实 30 days after `since` */
	int days_waiting; /* whole days since `since` while nothing was delivered */
} zx_plan_row;

typedef struct zx_plan_filter {
	const char *area;    /* 12 digits, "" = the actor's area */
	const char *village; /* "" = any */
	const char *helper;  /* "" = any; a helper always sees only their own households */
	bool flagged_only;
	int64_t limit, offset;
} zx_plan_filter;

typedef struct zx_plan_totals {
	int64_t households; /* 监测户 matching the filter (ignoring flagged_only) */
	int64_t with_plan;
	int64_t flagged;
	int64_t listed; /* rows matching, for paging */
} zx_plan_totals;

typedef bool (*zx_plan_row_fn)(void *ctx, const zx_plan_row *r);
zx_err zx_plan_list(zx_conn *c, const zx_actor *a, const zx_plan_filter *f, zx_plan_row_fn fn, void *ctx,
                    zx_plan_totals *totals, zx_errinfo *ei);

/* The flag rule: since = included_at, else plan_created_at, else hh_created_at (0 = unknown);
 * flagged when nothing was delivered and since + ZX_PLAN_FLAG_DAYS days < now. Pure. */
bool zx_plan_flag(int64_t included_at, int64_t plan_created_at, int64_t hh_created_at, int measures_done,
                  int64_t now, int64_t *since, int *days_waiting);

/* The same rule for one household, with its inclusion time read from the workflow/history. */
zx_err zx_plan_flag_household(zx_conn *c, const zx_actor *a, const zx_asst_household *h,
                              int64_t plan_created_at, int measures_done, bool *flagged, int64_t *since,
                              int *days_waiting);

#endif
