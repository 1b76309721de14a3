/*
 * policy.h — the policy parameters of monitoring (domain.md §3): 监测线 per person and
 * year, the 预警带 factor above it, the income-drop threshold and the 医保 个人自付
 * thresholds of department warnings.
 *
 * Parameters are data, per area (a province, 2-digit code padded with zeros, or a county)
 * and year, and versioned: every change inserts version + 1 and never updates a row, so
 * a screening records exactly what it used. The parameters in force for an area are the
 * county's newest version for the year, else its province's; with neither, screening
 * refuses with a message naming the area and the year.
 */
#ifndef ZX_POLICY_H
#define ZX_POLICY_H

#include <stdint.h>

#include "domain/auth/actor.h"
#include "store/store.h"

#define ZX_POLICY_DEFAULT_FACTOR 1500    /* ‰: line × 1.5 */
#define ZX_POLICY_DEFAULT_DROP 30        /* % */
#define ZX_POLICY_DEFAULT_SELFPAY 500000 /* 分: 5000 元 */
#define ZX_POLICY_DEFAULT_RATIO 50       /* % of the household's 纯收入 */

typedef struct zx_policy {
	int64_t id;
	char county[7];
	char area_code[13];
	char area_name[128];
	int year;
	int version;
	int64_t income_line;           /* 分 per person and year */
	int64_t warning_factor;        /* ‰ */
	int64_t drop_percent;          /* whole percent */
	int64_t medical_selfpay;       /* 分 */
	int64_t medical_selfpay_ratio; /* percent, 0 = off */
	char created_by[64];
	int64_t created_at;
} zx_policy;

/* A change: fields < 0 keep the newest version's value (or the default; income_line has
 * none and is required for the first version of an area and year). */
typedef struct zx_policy_input {
	const char *area; /* 12 digits: a province (510000000000) or a county (510722000000) */
	int year;
	int64_t income_line;
	int64_t warning_factor;
	int64_t drop_percent;
	int64_t medical_selfpay;
	int64_t medical_selfpay_ratio;
} zx_policy_input;

/* Writes a new version (own write transaction, audited). Only county admins (and the CLI
 * operator); a county admin only for the own county. */
zx_err zx_policy_set(zx_conn *c, const zx_actor *a, const zx_policy_input *in, zx_policy *out,
                     zx_errinfo *ei);

/* The parameters in force for an area (any level from county down) and year. */
zx_err zx_policy_effective(zx_conn *c, const char *area12, int year, zx_policy *out, zx_errinfo *ei);

zx_err zx_policy_by_id(zx_conn *c, int64_t id, zx_policy *out);

typedef bool (*zx_policy_fn)(void *ctx, const zx_policy *p);
/* Every version for the county of area12 and its province, newest first; year 0 = all. */
zx_err zx_policy_list(zx_conn *c, const char *area12, int year, zx_policy_fn fn, void *ctx);

#endif
