/*
 * elimination.h — 风险消除 of a 监测户 (domain.md §4, the "七不消" idea): the rules, the
 * application and its outcome.
 *
 * The rules are one pure function, zx_elim_evaluate(), over a plain struct of facts about
 * the household (zx_elim_facts); zx_elim_gather() fills that struct from the database and
 * does nothing else. Conditions, each reported passed/failed with its figures:
 *
 *   income_stable     收入连续6个月稳定高于监测线: the newest income survey (of this or last
 *                     year) has 人均纯收入 above the 监测线 of its year; no survey, an older one
 *                     or no 监测线 for that year fails with what is missing.
 *   guarantees        三保障和饮水安全: 住房安全 and 饮水安全 are 是, no member 失学辍学, every
 *                     member insured (unknown fails: it has to be checked first).
 *   measure_done      至少一项帮扶措施已落实 — 帮扶消除 only (自然消除: not applicable).
 *   monitored_6m      纳入监测满6个月: six calendar months since inclusion (the 纳入监测 step of
 *                     the workflow, else the registry change that set the category, else the
 *                     date the household was entered, said so in the figures).
 *   has_labour        非无劳动力兜底户: not every member 无劳动力 / 丧失劳动力 (such a household
 *                     keeps being monitored with 兜底保障).
 *   issues_closed     无未整改回头看问题: no open 个性问题 of a campaign for the household.
 *   info_complete     信息完整: 户主, 风险类型, 帮扶责任人, 住房/饮水 known, every member's 劳动技能,
 *                     健康状况 and 参保 known, a 一户一策 plan, 人口数 equal to the members.
 *
 * An application (zx_elim_apply) is refused with the failing list when any condition fails;
 * otherwise it records the elimination (status pending) and takes it through the same
 * 评议 → 公示 → 审核 → 审定 path as inclusion (same step keys, roles and 5-day 公示). Its steps
 * live in elimination_steps rather than case_steps: the cases table, its lists and its
 * state machine are the identification workflow's, and an elimination shown there would
 * read as a case of inclusion. When 县级审定 approves, the household stops being a 监测户
 * (category cleared, the change in household_changes, the elimination row says 风险已消除
 * with date and category); it can be included again later (返贫) through the normal
 * identification workflow, history intact.
 */
#ifndef ZX_ELIMINATION_H
#define ZX_ELIMINATION_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/assistance/assistance.h"

typedef enum zx_elim_kind { ZX_ELIM_HELPED = 0, ZX_ELIM_NATURAL = 1 } zx_elim_kind;
const char *zx_elim_kind_name(zx_elim_kind k); /* 帮扶消除 / 自然消除 */
int zx_elim_kind_parse(const char *s);         /* -1 if neither */

typedef enum zx_elim_cond {
	ZX_EC_INCOME,
	ZX_EC_GUARANTEES,
	ZX_EC_MEASURE,
	ZX_EC_MONITORED,
	ZX_EC_LABOUR,
	ZX_EC_ISSUES,
	ZX_EC_COMPLETE,
	ZX_EC__COUNT
} zx_elim_cond;

/* Where the inclusion date came from. */
typedef enum zx_elim_since {
	ZX_SINCE_NONE,
	ZX_SINCE_CASE,     /* 纳入监测 step of the workflow */
	ZX_SINCE_HISTORY,  /* registry change of 监测对象类别 */
	ZX_SINCE_REGISTRY, /* date the household was entered */
} zx_elim_since;

typedef struct zx_elim_facts {
	int today_ymd;
	bool monitored; /* has a 监测对象类别 */
	/* income: the newest survey and the 监测线 of its year */
	int survey_year;         /* 0: no survey */
	int64_t survey_net;      /* 纯收入, 分 */
	int survey_size;         /* persons the survey counted */
	int64_t survey_transfer; /* 转移性收入, 分 */
	int64_t income_line;     /* 分 per person; < 0: no 监测线 for survey_year */
	/* 三保障和饮水 */
	int housing_safe; /* 1 是, 0 否, -1 unknown */
	int water_safe;
	int members;
	int dropouts;        /* 在校生情况 失学辍学 */
	int uninsured;       /* 医保参保 否 */
	int insured_unknown; /* 医保参保 blank */
	/* measures */
	int measures_done; /* status 已落实 */
	/* monitoring since */
	int included_ymd; /* 0: unknown */
	zx_elim_since included_source;
	/* labour */
	int no_labour;      /* 劳动技能 无劳动力 or 丧失劳动力 */
	int labour_unknown; /* 劳动技能 blank */
	int health_unknown; /* 健康状况 blank */
	/* campaign issues */
	int open_issues;
	/* completeness */
	int size; /* households.size */
	bool has_head;
	bool has_risk_type;
	bool has_helper;
	bool has_plan;
} zx_elim_facts;

typedef struct zx_elim_result {
	const char *key;  /* "income_stable" */
	const char *name; /* "收入连续6个月稳定高于监测线" */
	bool applicable;
	bool passed; /* true also when not applicable */
	char detail[384];
} zx_elim_result;

typedef struct zx_elim_check {
	zx_elim_kind kind;
	int failed; /* conditions failed */
	zx_elim_result r[ZX_EC__COUNT];
} zx_elim_check;

/* The rules: pure, no I/O, no clock (facts->today_ymd is "today"). */
void zx_elim_evaluate(const zx_elim_facts *f, zx_elim_kind kind, zx_elim_check *out);

/* Fills facts for household h (inside the actor's scope) at today_ymd. */
zx_err zx_elim_gather(zx_conn *c, const zx_actor *a, const zx_asst_household *h, int today_ymd,
                      zx_elim_facts *f);

/* The check of the household with 户编号 hh_no, today (zx_today_ymd()). Not a 监测户:
 * ZX_EVALIDATION "not_monitored". */
zx_err zx_elim_check_household(zx_conn *c, const zx_actor *a, const char *hh_no, zx_elim_kind kind,
                               zx_asst_household *h, zx_elim_check *out, zx_errinfo *ei);

/* ---- applications and their workflow ---------------------------------------------------- */

/* The path of an application, with the identification workflow's step keys:
 *   applied 已申请 ─review→ reviewed 村民代表评议 ─publish→ noticed 村内公示 (≥ ZX_ELIM_NOTICE_DAYS)
 *   ─town_approve→ town_approved 乡镇审核 ─county_approve→ county_approved 县级审定 = 风险已消除
 * `return` sends it one step back, `reject` closes it (不予消除); both need an opinion. Village
 * clerks take the village steps, town admins also 乡镇审核, county admins everything. The
 * conditions are evaluated again at 县级审定: a household that no longer meets them is
 * refused with the list. */
typedef enum zx_elim_state {
	ZX_ES_APPLIED,
	ZX_ES_REVIEWED,
	ZX_ES_NOTICED,
	ZX_ES_TOWN_APPROVED,
	ZX_ES_ELIMINATED,
	ZX_ES_REJECTED,
	ZX_ES__COUNT
} zx_elim_state;

typedef enum zx_elim_action {
	ZX_EA_REVIEW,
	ZX_EA_PUBLISH,
	ZX_EA_TOWN_APPROVE,
	ZX_EA_COUNTY_APPROVE,
	ZX_EA_RETURN,
	ZX_EA_REJECT,
	ZX_EA__COUNT
} zx_elim_action;

#define ZX_ELIM_NOTICE_DAYS 5
#define ZX_ELIM_OPINION_MAX 2000

const char *zx_elim_state_key(zx_elim_state s);  /* "noticed" */
const char *zx_elim_state_name(zx_elim_state s); /* "村内公示" */
int zx_elim_state_parse(const char *key);        /* -1 if unknown */
const char *zx_elim_action_key(zx_elim_action a);
const char *zx_elim_action_name(zx_elim_action a);
int zx_elim_action_parse(const char *key); /* -1 if unknown */

typedef enum zx_elim_verdict { ZX_ELIM_OK, ZX_ELIM_OUT_OF_ORDER, ZX_ELIM_WRONG_ROLE } zx_elim_verdict;
/* The transition table: may role take action from state, and where does it lead. */
zx_elim_verdict zx_elim_step_check(zx_elim_state from, zx_elim_action act, zx_role role, zx_elim_state *to);

typedef struct zx_elimination {
	int64_t id;
	int64_t household_id;
	char area_code[13];
	char hh_no[64];
	char head_name[64];
	char grp[64];
	char kind[16];
	char category[32];
	char risk_type[48];
	zx_elim_state state;
	char status[16]; /* pending, eliminated, rejected */
	char reason[1024];
	char applied_by[64];
	int64_t applied_at;
	int64_t notice_at;
	int64_t decided_at;
	int64_t updated_at;
} zx_elimination;

const char *zx_elim_status_name(const char *status); /* 审批中 / 风险已消除 / 不予消除 */

/* Applies for elimination (own write transaction, audited). When a condition fails:
 * ZX_EVALIDATION "elimination_refused" with check filled, so the caller lists the failures.
 * A pending application already open: ZX_ECONFLICT. Only county/town admins and village
 * clerks apply (the workflow's roles). */
zx_err zx_elim_apply(zx_conn *c, const zx_actor *a, const char *hh_no, zx_elim_kind kind, const char *reason,
                     zx_elim_check *check, zx_elimination *out, zx_errinfo *ei);

/* One step (own write transaction, audited). At county_approve the conditions are checked
 * again (check filled; refusal as for an application). */
zx_err zx_elim_transition(zx_conn *c, const zx_actor *a, int64_t id, const char *action, const char *opinion,
                          zx_elim_check *check, zx_elimination *out, zx_errinfo *ei);

/* ZX_ENOTFOUND outside the actor's scope. */
zx_err zx_elim_get(zx_conn *c, const zx_actor *a, int64_t id, zx_elimination *out);

typedef struct zx_elim_step {
	int64_t id;
	char from_state[24], to_state[24], action[24];
	int64_t user_id;
	char username[64];
	char role[32];
	char opinion[ZX_ELIM_OPINION_MAX + 1];
	int64_t ts;
} zx_elim_step;
typedef bool (*zx_elim_step_fn)(void *ctx, const zx_elim_step *s);
zx_err zx_elim_steps(zx_conn *c, const zx_actor *a, int64_t id, zx_elim_step_fn fn, void *ctx);

typedef bool (*zx_elim_fn)(void *ctx, const zx_elimination *e);
/* Applications of a household, newest first. */
zx_err zx_elim_list_household(zx_conn *c, const zx_actor *a, int64_t household_id, zx_elim_fn fn, void *ctx);
/* Applications in an area (12 digits, "" = the actor's), status "" = any, newest first. */
zx_err zx_elim_list(zx_conn *c, const zx_actor *a, const char *area, const char *status, int64_t limit,
                    int64_t offset, zx_elim_fn fn, void *ctx, int64_t *total, zx_errinfo *ei);

#endif
