/*
 * assistance.h — what the 帮扶 modules share (domain.md §4): the measure catalogue and
 * statuses, the 六必访 checklist, calendar dates as YYYYMMDD integers, money in 分, the
 * household as assistance sees it, and who may write assistance records for it.
 *
 * The module's parts have their own headers: plan.h (一户一策 and measures), visit.h (走访,
 * schedule, due lists), elimination.h (风险消除 rules and application), campaign.h
 * (集中排查 / 回头看 and their issues), timeline.h (a household's history in order).
 *
 * Who writes: county and town admins and village clerks for any household in their scope;
 * a 帮扶责任人 (role helper) only for the households whose 帮扶责任人 (households.helper) is
 * their display name — the registry's own assignment, so there is one place to change it.
 * Department users read only; the 等保 roles never reach these routes (API_PERSONAL).
 */
#ifndef ZX_ASSISTANCE_H
#define ZX_ASSISTANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/auth/actor.h"
#include "store/store.h"

/* ---- catalogue ------------------------------------------------------------------------ */

#define ZX_MEASURE_KIND_COUNT 13
extern const char *const zx_measure_kinds[ZX_MEASURE_KIND_COUNT];
bool zx_measure_kind_ok(const char *s);

#define ZX_MEASURE_PLANNED "计划"
#define ZX_MEASURE_ACTIVE "实施中"
#define ZX_MEASURE_DONE "已落实"
#define ZX_MEASURE_CANCELLED "取消"
bool zx_measure_status_ok(const char *s);

/* 六必访: one bit per item. */
enum {
	ZX_VISIT_INCOME = 1,
	ZX_VISIT_HOUSING = 2,
	ZX_VISIT_WATER = 4,
	ZX_VISIT_EDUCATION = 8,
	ZX_VISIT_MEDICAL = 16,
	ZX_VISIT_EMPLOYMENT = 32,
	ZX_VISIT_ALL = 63,
};
#define ZX_VISIT_CHECK_COUNT 6
typedef struct zx_visit_check {
	unsigned bit;
	const char *key;  /* "income" */
	const char *name; /* "收入" */
} zx_visit_check;
extern const zx_visit_check zx_visit_checks[ZX_VISIT_CHECK_COUNT];
/* The bit of an item given by key or Chinese name; 0 if unknown. */
unsigned zx_visit_check_parse(const char *s);

/* ---- dates (YYYYMMDD, proleptic Gregorian) -------------------------------------------- */

bool zx_asst_ymd_valid(int ymd);
/* Days since 1970-01-01 of a valid date. */
int64_t zx_asst_days_of(int ymd);
int zx_asst_ymd_of_days(int64_t days);
int zx_asst_ymd_add_days(int ymd, int64_t days);
/* a − b in days. */
int64_t zx_asst_ymd_diff(int a, int b);
/* Same day n months later, clamped to the month's last day (2026-08-31 + 6 → 2027-02-28). */
int zx_asst_ymd_add_months(int ymd, int months);
/* "YYYY-MM-DD" or "YYYYMMDD", a real date from 2000 to 2100. */
bool zx_asst_ymd_parse(const char *s, int *ymd);
/* "YYYY-MM-DD"; "" for 0. out: at least 11 bytes. */
void zx_asst_ymd_format(int ymd, char *out, size_t outsz);

/* ---- money ---------------------------------------------------------------------------- */

/* Largest amount accepted: 1 亿元. */
#define ZX_ASST_MAX_FEN ((int64_t)100000000 * 100)
/* 元 with at most two decimals ("1200", "1200.5", "1200.50") → 分; no sign, no exponent. */
bool zx_asst_yuan_parse(const char *s, int64_t *fen);
/* 分 → "1200.50". */
void zx_asst_yuan_format(int64_t fen, char *out, size_t outsz);

/* ---- households ----------------------------------------------------------------------- */

typedef struct zx_asst_household {
	int64_t id;
	char county[7];
	char area_code[13];
	char hh_no[64];
	char grp[64];
	char head_name[64];
	char hh_type[16];
	char category[32]; /* "" = not a 监测户 */
	char risk_type[48];
	char helper[64];
	int size;
	int housing_safe; /* 1 是, 0 否, -1 unknown */
	int water_safe;
	int64_t created_at;
} zx_asst_household;

/* The household with 户编号 hh_no inside the actor's scope; ZX_ENOTFOUND (with a Chinese
 * message naming 户编号) when there is none, exactly as for one outside the scope. */
zx_err zx_asst_household_find(zx_conn *c, const zx_actor *a, const char *hh_no, zx_asst_household *out,
                              zx_errinfo *ei);
zx_err zx_asst_household_by_id(zx_conn *c, const zx_scope *scope, int64_t id, zx_asst_household *out);

/* Roles that may write assistance records at all. */
bool zx_asst_role_writes(zx_role r);
/* May the actor write for this household (role, and for a helper the assignment)?
 * ZX_EFORBIDDEN with a Chinese message otherwise. */
zx_err zx_asst_may_write(const zx_actor *a, const zx_asst_household *h, zx_errinfo *ei);
/* True for a helper whose own household this is (or any other role). */
bool zx_asst_assigned(const zx_actor *a, const char *helper);

/* A user-given area code: 12 digits inside the actor's scope ("" = the actor's area).
 * ZX_EINVAL malformed, ZX_EFORBIDDEN outside the scope, ZX_ENOTFOUND unknown. */
zx_err zx_asst_area(zx_conn *c, const zx_actor *a, const char *code, char out[13], int *level,
                    zx_errinfo *ei);

/* Checks a free-text field: at most max bytes of valid UTF-8 without control characters
 * other than newline and tab. ZX_EVALIDATION naming the field. */
zx_err zx_asst_text(const char *v, size_t max, const char *field, const char *label, zx_errinfo *ei);

#endif
