/*
 * workflow.h — 识别纳入, the identification workflow of a household (domain.md §3), as an
 * explicit state machine.
 *
 *   discovered 待核实 ─verify→ verified 入户核实 ─review→ reviewed 村民代表评议
 *   ─publish→ noticed 村内公示 ─town_approve→ town_approved 乡镇审核
 *   ─county_approve→ county_approved 县级审定 ─include→ included 纳入监测
 *
 * `return` (退回) sends an open case one step back and `reject` (不予纳入) closes it; both
 * need an opinion. Who may do what is one table (workflow.c): village clerks the village
 * steps, town admins 乡镇审核 (and the village steps), county admins everything. 村内公示
 * lasts at least ZX_NOTICE_DAYS (town_approve is refused earlier, by zx_now(), so tests move
 * the clock). A case is due ZX_CASE_DUE_DAYS after discovery; an open case past that is
 * overdue. Every transition writes one case_steps row and one audit row in one
 * transaction; `include` also gives the household its 监测对象类别, 风险类型 and 帮扶责任人.
 */
#ifndef ZX_WORKFLOW_H
#define ZX_WORKFLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/auth/actor.h"
#include "store/store.h"

#define ZX_NOTICE_DAYS 5
#define ZX_CASE_DUE_DAYS 15
#define ZX_CASE_MAX_ATTACHMENTS 20
#define ZX_CASE_OPINION_MAX 2000

typedef enum zx_case_state {
	ZX_CASE_DISCOVERED,
	ZX_CASE_VERIFIED,
	ZX_CASE_REVIEWED,
	ZX_CASE_NOTICED,
	ZX_CASE_TOWN_APPROVED,
	ZX_CASE_COUNTY_APPROVED,
	ZX_CASE_INCLUDED,
	ZX_CASE_REJECTED,
	ZX_CASE__COUNT
} zx_case_state;

typedef enum zx_case_action {
	ZX_ACT_VERIFY,
	ZX_ACT_REVIEW,
	ZX_ACT_PUBLISH,
	ZX_ACT_TOWN_APPROVE,
	ZX_ACT_COUNTY_APPROVE,
	ZX_ACT_INCLUDE,
	ZX_ACT_RETURN,
	ZX_ACT_REJECT,
	ZX_ACT__COUNT
} zx_case_action;

const char *zx_case_state_key(zx_case_state s);  /* "noticed" */
const char *zx_case_state_name(zx_case_state s); /* "村内公示" */
int zx_case_state_parse(const char *key);        /* -1 if unknown */
const char *zx_case_action_key(zx_case_action a);
const char *zx_case_action_name(zx_case_action a);
int zx_case_action_parse(const char *key); /* -1 if unknown */
bool zx_case_state_closed(zx_case_state s);

/* Sources: self_report 农户自主申报, cadre 干部排查, dept 部门筛查预警, screening 排查. */
const char *zx_case_source_name(const char *key); /* NULL if unknown */

typedef enum zx_case_verdict {
	ZX_CASE_OK,
	ZX_CASE_OUT_OF_ORDER, /* no such step from this state */
	ZX_CASE_WRONG_ROLE,   /* the step exists, the role may not take it */
} zx_case_verdict;

/* The transition table: may role take action from state, and where does it lead. */
zx_case_verdict zx_case_check(zx_case_state from, zx_case_action act, zx_role role, zx_case_state *to);

typedef struct zx_case {
	int64_t id;
	char area_code[13];
	char area_name[128];
	int64_t household_id;
	char hh_no[64];
	char head_name[64];
	char grp[64];
	char hh_type[16];
	char source[16];
	int64_t screening_id;
	char reason[2048];
	zx_case_state state;
	char category[32];
	char risk_type[48];
	char helper[64];
	int64_t discovered_at, due_at, notice_at, closed_at, updated_at;
	char created_by[64];
} zx_case;

bool zx_case_overdue(const zx_case *k, int64_t now);
/* Whole days from discovery to now (or to closing). */
int64_t zx_case_days_elapsed(const zx_case *k, int64_t now);

typedef struct zx_case_input {
	const char *hh_no;
	const char *source;   /* key, see above */
	int64_t screening_id; /* source "screening": the run the household is a candidate of */
	const char *reason;   /* required unless taken from the screening */
	const char *category; /* proposals, optional here */
	const char *risk_type;
	const char *helper;
} zx_case_input;

zx_err zx_case_create(zx_conn *c, const zx_actor *a, const zx_case_input *in, int64_t *id_out,
                      zx_errinfo *ei);

typedef struct zx_attachment {
	const char *name;
	int64_t size;
	const char *sha256; /* 64 hex digits */
} zx_attachment;

typedef struct zx_transition_input {
	const char *action;
	const char *opinion;
	int nattach;
	const zx_attachment *attach;
	const char *category; /* change the proposals on the way; required (here or before) for include */
	const char *risk_type;
	const char *helper;
} zx_transition_input;

zx_err zx_case_transition(zx_conn *c, const zx_actor *a, int64_t id, const zx_transition_input *in,
                          zx_case *out, zx_errinfo *ei);

/* ZX_ENOTFOUND outside the actor's scope. */
zx_err zx_case_get(zx_conn *c, const zx_actor *a, int64_t id, zx_case *out);

typedef struct zx_case_filter {
	const char *area; /* 12 digits or "" (the actor's whole scope) */
	int state;        /* -1 any */
	bool overdue;
	bool open_only;
	int64_t limit, offset;
} zx_case_filter;

typedef bool (*zx_case_fn)(void *ctx, const zx_case *k);
zx_err zx_case_list(zx_conn *c, const zx_actor *a, const zx_case_filter *f, zx_case_fn fn, void *ctx,
                    int64_t *total, zx_errinfo *ei);

typedef struct zx_case_step {
	int64_t id;
	char from_state[24], to_state[24], action[24];
	int64_t user_id;
	char username[64];
	char role[32];
	char opinion[ZX_CASE_OPINION_MAX + 1];
	char attachments[4096]; /* JSON */
	int64_t ts;
} zx_case_step;

typedef bool (*zx_case_step_fn)(void *ctx, const zx_case_step *s);
zx_err zx_case_steps(zx_conn *c, const zx_actor *a, int64_t id, zx_case_step_fn fn, void *ctx);

/* 公示 of a village: households in 村内公示 with name, 组, category and reason only. */
typedef struct zx_notice_item {
	char name[64];
	char grp[64];
	char category[32];
	char reason[48];
	int64_t notice_at;
} zx_notice_item;
typedef bool (*zx_notice_fn)(void *ctx, const zx_notice_item *it);
zx_err zx_notice_list(zx_conn *c, const zx_actor *a, const char *village12, char *village_name, size_t namesz,
                      zx_notice_fn fn, void *ctx, zx_errinfo *ei);

#endif
