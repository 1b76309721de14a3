/*
 * visit.h — 走访 (domain.md §4): recording a visit with the 六必访 checklist, findings and
 * follow-ups; the visit schedule per target group; due and overdue lists.
 *
 * Idempotency: every visit carries a client key (the browser makes one with
 * crypto.randomUUID() before the first attempt and keeps it while retrying). The key is
 * UNIQUE in the table; a second submission with the same key by the same visitor for the
 * same household returns the first visit (duplicate = true) and writes nothing; the same
 * key with another visitor or household is a conflict. A request without a key gets a
 * server-made one (such requests are not idempotent).
 *
 * Rules: the date is not in the future (today in UTC+8, from zx_now()); a 帮扶责任人 records
 * visits only for their own households (assistance.h); findings and follow-ups are capped.
 *
 * Schedule: a visit interval in days per target group — 监测户 (a 监测对象类别), 脱贫户,
 * 一般农户 — set for a county or a town (the town's row wins); without rows the defaults
 * are ZX_VISIT_DEFAULT_MONITORED / _TUOPIN / _GENERAL (0 = no schedule). A household that is
 * a 监测户 follows the 监测户 interval whatever its 户类型.
 *
 * Due: next visit = the last visit + interval (never visited: the household's entry date +
 * interval). Overdue when that date has passed; due when it falls within ZX_VISIT_DUE_SOON
 * days from today.
 */
#ifndef ZX_VISIT_H
#define ZX_VISIT_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/assistance/assistance.h"

#define ZX_VISIT_TEXT_MAX 2000
#define ZX_VISIT_KEY_MIN 8
#define ZX_VISIT_KEY_MAX 64
#define ZX_VISIT_DEFAULT_MONITORED 30
#define ZX_VISIT_DEFAULT_TUOPIN 90
#define ZX_VISIT_DEFAULT_GENERAL 0
#define ZX_VISIT_DUE_SOON 7

typedef struct zx_visit {
	int64_t id;
	int64_t household_id;
	char area_code[13];
	char hh_no[64];
	char head_name[64];
	int64_t visitor_id;
	char visitor[64];
	int visit_ymd;
	unsigned checklist;
	char findings[ZX_VISIT_TEXT_MAX + 1];
	char followups[ZX_VISIT_TEXT_MAX + 1];
	int64_t created_at;
} zx_visit;

typedef struct zx_visit_input {
	const char *hh_no;
	const char *date; /* YYYY-MM-DD; NULL or "" = today */
	unsigned checklist;
	const char *findings;
	const char *followups;
	const char *client_key; /* NULL or "" = none */
} zx_visit_input;

/* True for a usable client key: ZX_VISIT_KEY_MIN..MAX of [A-Za-z0-9_-]. */
bool zx_visit_key_ok(const char *key);

/* Records a visit (own write transaction, audited) or finds the first one with the key. */
zx_err zx_visit_record(zx_conn *c, const zx_actor *a, const zx_visit_input *in, zx_visit *out,
                       bool *duplicate, zx_errinfo *ei);

zx_err zx_visit_get(zx_conn *c, const zx_actor *a, int64_t id, zx_visit *out);

typedef struct zx_visit_filter {
	const char *area;     /* 12 digits, "" = the actor's */
	int64_t household_id; /* 0 = any */
	const char *visitor;  /* display name, "" = any */
	int from_ymd, to_ymd; /* 0 = open */
	int64_t limit, offset;
} zx_visit_filter;

typedef bool (*zx_visit_fn)(void *ctx, const zx_visit *v);
/* Newest first. A helper sees the visits of their own households only. */
zx_err zx_visit_list(zx_conn *c, const zx_actor *a, const zx_visit_filter *f, zx_visit_fn fn, void *ctx,
                     int64_t *total, zx_errinfo *ei);

/* ---- schedule ------------------------------------------------------------------------------ */

typedef enum zx_visit_target {
	ZX_TARGET_MONITORED,
	ZX_TARGET_TUOPIN,
	ZX_TARGET_GENERAL,
	ZX_TARGET__COUNT
} zx_visit_target;
const char *zx_visit_target_name(zx_visit_target t); /* 监测户 / 脱贫户 / 一般农户 */
int zx_visit_target_parse(const char *s);            /* -1 if unknown */
/* The group a household belongs to for scheduling. */
zx_visit_target zx_visit_target_of(const char *hh_type, const char *category);

/* The schedule rows of a county (at most a few per town). */
#define ZX_SCHEDULE_MAX_ROWS 512
typedef struct zx_schedule_row {
	char area_code[13];
	zx_visit_target target;
	int interval_days;
} zx_schedule_row;

typedef struct zx_schedule {
	int n;
	zx_schedule_row rows[ZX_SCHEDULE_MAX_ROWS];
} zx_schedule;

zx_err zx_schedule_load(zx_conn *c, const char *county6, zx_schedule *out);
/* The interval for a household of village12 in group t, with where it came from
 * (the town's or county's code, "" for the default). Pure. */
int zx_schedule_interval(const zx_schedule *s, const char *village12, zx_visit_target t, const char **from);

/* Sets the interval of a group for a county or town (own transaction, audited). County
 * admins for their county or its towns, town admins for their town. */
zx_err zx_schedule_set(zx_conn *c, const zx_actor *a, const char *area, const char *target, int interval_days,
                       zx_errinfo *ei);

/* ---- due lists ----------------------------------------------------------------------------- */

typedef enum zx_due_state { ZX_DUE_NONE, ZX_DUE_OK, ZX_DUE_SOON, ZX_DUE_OVERDUE } zx_due_state;
const char *zx_due_state_key(zx_due_state s); /* "", ok, due, overdue */

/* The rule, pure: interval 0 → NONE (not scheduled). *due_ymd: the date the next visit is due,
 * *days_late: days past it (0 unless overdue). */
zx_due_state zx_visit_due(int today_ymd, int interval_days, int last_visit_ymd, int entered_ymd, int *due_ymd,
                          int *days_late);

typedef struct zx_due_item {
	int64_t household_id;
	char hh_no[64];
	char area_code[13];
	char village_name[64];
	char grp[32];
	char head_name[48];
	char helper[48];
	zx_visit_target target;
	int interval_days;
	int last_visit_ymd; /* 0: never */
	int due_ymd;
	int days_late;
	zx_due_state state;
} zx_due_item;

typedef struct zx_due_group {
	char key[64];  /* person name, or area code */
	char name[64]; /* area name ("" for persons) */
	int64_t scheduled, due, overdue;
} zx_due_group;

typedef struct zx_due_report {
	int today_ymd;
	int64_t scheduled, due, overdue;
	/* due and overdue households, overdue first (most days late first), then by due date */
	int nitems;
	int64_t items_total;
	zx_due_item *items;
	int npersons, nvillages, ntowns;
	zx_due_group *persons, *villages, *towns;
} zx_due_report;

typedef struct zx_due_filter {
	const char *area;   /* 12 digits, "" = the actor's */
	const char *person; /* 帮扶责任人, "" = everyone (a helper: always themselves) */
	int max_items;      /* 1..2000 */
} zx_due_filter;

zx_err zx_visit_due_report(zx_conn *c, const zx_actor *a, const zx_due_filter *f, zx_due_report *out,
                           zx_errinfo *ei);
void zx_due_report_release(zx_due_report *r);

#endif
