/*
 * campaign.h — 集中排查 and 回头看 campaigns (domain.md §4): a dated campaign over an area and
 * a household set, its progress and the issues it finds.
 *
 * The household set (脱贫户 and/or 监测户, or every household) is a snapshot taken when the
 * campaign is created, so progress does not move when households change type later.
 * Progress = households of the set with at least one visit dated inside the campaign /
 * households of the set, per village. Issues are 个性问题 (one household of the area) or
 * 共性问题 (an area inside the campaign's), each with its rectification and a status
 * 待整改 → 整改中 → 已整改; completion rate = 已整改 / all issues.
 *
 * Visibility: a campaign is seen by users whose area lies inside it (a village clerk sees
 * the town's campaign) and by users whose area contains it; figures are always limited to
 * the households inside the user's own scope. County and town admins and village clerks
 * create campaigns for an area in their scope and record issues; a 帮扶责任人 records
 * 个性问题 for their own households.
 */
#ifndef ZX_CAMPAIGN_H
#define ZX_CAMPAIGN_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/assistance/assistance.h"

enum { ZX_CAMPAIGN_TUOPIN = 1, ZX_CAMPAIGN_MONITORED = 2, ZX_CAMPAIGN_ALL = 4 };
#define ZX_CAMPAIGN_NAME_MAX 200
#define ZX_CAMPAIGN_MAX_DAYS 366
#define ZX_ISSUE_TEXT_MAX 2000

typedef struct zx_campaign {
	int64_t id;
	char area_code[13];
	char area_name[128];
	char name[ZX_CAMPAIGN_NAME_MAX + 1];
	char kind[16]; /* 集中排查 / 回头看 */
	int start_ymd, end_ymd;
	unsigned targets;
	int64_t households; /* size of the snapshot (all of it, not only the caller's scope) */
	char created_by[64];
	int64_t created_at;
} zx_campaign;

typedef struct zx_campaign_input {
	const char *name;
	const char *kind;
	const char *area; /* 12 digits, "" = the actor's */
	const char *start;
	const char *end;
	unsigned targets;
} zx_campaign_input;

zx_err zx_campaign_create(zx_conn *c, const zx_actor *a, const zx_campaign_input *in, int64_t *id_out,
                          zx_errinfo *ei);
/* ZX_ENOTFOUND unless the campaign is visible to the actor (see above). */
zx_err zx_campaign_get(zx_conn *c, const zx_actor *a, int64_t id, zx_campaign *out);

typedef bool (*zx_campaign_fn)(void *ctx, const zx_campaign *k);
/* Campaigns visible for an area of the actor (12 digits, "" = the actor's own): those inside
 * it or covering it, newest first. ZX_EFORBIDDEN for an area outside the actor's scope. */
zx_err zx_campaign_list(zx_conn *c, const zx_actor *a, const char *area, int64_t limit, int64_t offset,
                        zx_campaign_fn fn, void *ctx, int64_t *total, zx_errinfo *ei);

typedef struct zx_campaign_village {
	const char *area_code;
	const char *name;
	int64_t households;
	int64_t visited;
} zx_campaign_village;

typedef struct zx_campaign_totals {
	int64_t households; /* inside the actor's scope */
	int64_t visited;
	int64_t issues_personal, issues_common;
	int64_t issues_rectified;
} zx_campaign_totals;

typedef bool (*zx_campaign_village_fn)(void *ctx, const zx_campaign_village *v);
zx_err zx_campaign_progress(zx_conn *c, const zx_actor *a, const zx_campaign *k, zx_campaign_village_fn fn,
                            void *ctx, zx_campaign_totals *totals);

typedef struct zx_campaign_household {
	int64_t household_id;
	const char *hh_no;
	const char *area_code;
	const char *village_name;
	const char *grp;
	const char *head_name;
	const char *hh_type;
	const char *category;
	const char *helper;
	int last_visit_ymd; /* newest visit inside the campaign's dates, 0 = not visited */
	int open_issues;
} zx_campaign_household;

typedef bool (*zx_campaign_household_fn)(void *ctx, const zx_campaign_household *h);
/* visited: -1 any, 0 not yet, 1 visited. */
zx_err zx_campaign_households(zx_conn *c, const zx_actor *a, const zx_campaign *k, const char *village,
                              int visited, int64_t limit, int64_t offset, zx_campaign_household_fn fn,
                              void *ctx, int64_t *total, zx_errinfo *ei);

/* ---- issues -------------------------------------------------------------------------------- */

typedef struct zx_issue {
	int64_t id;
	int64_t campaign_id;
	char area_code[13];
	char area_name[128];
	char scope[16]; /* 个性问题 / 共性问题 */
	int64_t household_id;
	char hh_no[64];
	char head_name[64];
	char description[ZX_ISSUE_TEXT_MAX + 1];
	char rectification[ZX_ISSUE_TEXT_MAX + 1];
	char status[16]; /* 待整改 / 整改中 / 已整改 */
	int64_t rectified_at;
	char created_by[64];
	int64_t created_at;
	char updated_by[64];
	int64_t updated_at;
} zx_issue;

typedef struct zx_issue_input {
	const char *scope; /* 个性问题 (needs hh_no) / 共性问题 (area) */
	const char *hh_no;
	const char *area;        /* 共性问题: "" = the campaign's area, or the actor's when narrower */
	const char *description; /* required for add */
	const char *rectification;
	const char *status; /* default 待整改; 已整改 needs a rectification */
} zx_issue_input;

zx_err zx_issue_add(zx_conn *c, const zx_actor *a, int64_t campaign_id, const zx_issue_input *in,
                    int64_t *id_out, zx_errinfo *ei);
/* Updates description, rectification and status (NULL keeps). */
zx_err zx_issue_update(zx_conn *c, const zx_actor *a, int64_t campaign_id, int64_t issue_id,
                       const zx_issue_input *in, zx_errinfo *ei);
zx_err zx_issue_get(zx_conn *c, const zx_actor *a, int64_t campaign_id, int64_t issue_id, zx_issue *out);

typedef bool (*zx_issue_fn)(void *ctx, const zx_issue *i);
/* Issues of a campaign inside the actor's scope (status "" = any). */
zx_err zx_issue_list(zx_conn *c, const zx_actor *a, int64_t campaign_id, const char *status, zx_issue_fn fn,
                     void *ctx);

bool zx_issue_status_ok(const char *s);

#endif
