/*
 * indicator.h — 指标与目标 (domain.md §5): indicator definitions, targets per area and
 * period, and completion computed by SQL over the ledger rows — never typed twice.
 *
 * An indicator's actual value comes from its source:
 *   ledger  an aggregate over ledger_entries of one kind: count | sum_amount (分) |
 *           sum_quantity | count_person (distinct persons), optionally only rows whose
 *           status, category or a key of the row's JSON fields equals a value (巡河 is
 *           category = 巡河 of kind inspection); the field name is bound, never spliced;
 *   figure  a registry/monitoring figure of the report's figure registry, by name (per
 *           area and year; the period does not narrow it).
 *
 * Values are exact integers in the indicator's base unit: 分 for money (units 元, 万元),
 * hundredths for every other unit (12 人 = 1200), so 403.62万元 is 403620000 and
 * completion = actual / target is computed in SQL from integers; rounding happens only when
 * a value is shown ("105.42%").
 *
 * Periods of a year: Y, H1/H2, Q1..Q4, M01..M12, and dated milestones Dmmdd counted from 1
 * January to that day (D0630 = by 30 June). A milestone target may be a share of the area's
 * year target (70% of the 巡河 quota by 30 June). An optional as_of date stops the count
 * early (a monthly 晾晒 of the year targets: period Y, as_of 2026-06-30).
 *
 * Who: county admins define indicators; county and town admins set targets for areas in
 * their scope below their own level (a county admin also for the county); everyone but the
 * 等保 roles reads completion for areas in their scope.
 */
#ifndef ZX_INDICATOR_H
#define ZX_INDICATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/auth/actor.h"
#include "store/store.h"

#define ZX_IND_KEY_MAX 40
#define ZX_IND_NAME_MAX 90

typedef struct zx_indicator {
	int64_t id;
	char key[ZX_IND_KEY_MAX + 1];
	char name[ZX_IND_NAME_MAX + 1];
	char unit[16];
	char source[8];       /* ledger | figure */
	char ledger_kind[32]; /* ledger */
	char agg[16];         /* count | sum_amount | sum_quantity | count_person */
	char filter_field[48];
	char filter_value[96];
	char figure[64]; /* figure */
	int weight;      /* 0..100, for rankings */
	bool higher_better;
	bool builtin;
} zx_indicator;

/* ---- values -------------------------------------------------------------------------- */

/* Base units per display unit: 1000000 for 万元, 100 for 元 and every other unit. */
int64_t zx_ind_unit_scale(const char *unit);
/* A display value ("403.62", "12", "0.5") → base units, exact: at most as many decimals as
 * the scale allows, no sign, at most 10^12 base units. */
bool zx_ind_value_parse(const char *unit, const char *s, int64_t *out);
/* Base units → display value without trailing zeros ("403.62", "12"). */
void zx_ind_value_format(const char *unit, int64_t v, char *out, size_t outsz);
/* Completion ratio as a percentage with two decimals, half away from zero ("105.42"). */
void zx_ind_pct_format(double ratio, char *out, size_t outsz);

/* ---- periods ------------------------------------------------------------------------- */

typedef struct zx_period {
	int year;
	char code[8];   /* Y H1 H2 Q1..Q4 M01..M12 Dmmdd */
	char start[11]; /* YYYY-MM-DD */
	char end[11];   /* YYYY-MM-DD, inclusive */
	char label[48]; /* 2026年 / 2026年上半年 / 2026年第二季度 / 2026年6月 / 2026年6月30日前 */
} zx_period;

/* Parses a period of `year`: "" or Y/year, H1/H2, Q1..Q4, M1..M12 or M01..M12, Dmmdd, or a
 * date YYYY-MM-DD of that year (a milestone). */
bool zx_period_parse(int year, const char *code, zx_period *out);
/* Stops the period at as_of (YYYY-MM-DD; "" = no change). ZX_EVALIDATION if as_of is not a
 * date or lies before the period's start. */
zx_err zx_period_cut(zx_period *p, const char *as_of, zx_errinfo *ei);

/* ---- definitions --------------------------------------------------------------------- */

typedef bool (*zx_indicator_fn)(void *ctx, const zx_indicator *d);
zx_err zx_indicator_list(zx_conn *c, zx_indicator_fn fn, void *ctx);
/* ZX_ENOTFOUND (message naming the key) for an unknown key. */
zx_err zx_indicator_find(zx_conn *c, const char *key, zx_indicator *out, zx_errinfo *ei);

/* Creates the indicator d->key or updates it (a built-in keeps its source). County admins
 * only. Checks the key (a-z 0-9 _), name, unit against the aggregate (money needs 元/万元),
 * the ledger kind, the filter field name and the figure name. */
zx_err zx_indicator_define(zx_conn *c, const zx_actor *a, const zx_indicator *d, bool *created,
                           zx_errinfo *ei);

/* ---- targets ------------------------------------------------------------------------- */

typedef struct zx_target_input {
	const char *area; /* 12 digits ("" = the actor's) */
	int year;
	const char *key;
	const char *period; /* see zx_period_parse */
	const char *value;  /* in the display unit ("403.62"); NULL/"" with share */
	const char *share;  /* a milestone's share of the year target in % ("70"); NULL = none */
} zx_target_input;

zx_err zx_target_set(zx_conn *c, const zx_actor *a, const zx_target_input *in, zx_errinfo *ei);
zx_err zx_target_delete(zx_conn *c, const zx_actor *a, const zx_target_input *in, zx_errinfo *ei);

/* ---- completion ---------------------------------------------------------------------- */

typedef struct zx_ind_status {
	const zx_indicator *ind;
	bool has_target;
	int64_t target;  /* base units (a milestone share resolved against the year target) */
	int share_bp;    /* 0 unless the target is a share of the year target */
	bool has_actual; /* false for a figure without data */
	int64_t actual;  /* base units */
	bool has_completion;
	double completion; /* actual / target, computed by SQL */
} zx_ind_status;

typedef bool (*zx_ind_status_fn)(void *ctx, const zx_ind_status *s);
/* Every indicator for an area (12 digits inside the actor's scope, "" = the actor's) and a
 * period (as_of already applied): target if set and actual. */
zx_err zx_indicator_status(zx_conn *c, const zx_actor *a, const char *area, const zx_period *p,
                           zx_ind_status_fn fn, void *ctx, zx_errinfo *ei);

/* Roles that read indicators and rankings (everyone but the 等保 roles). */
bool zx_ind_role_reads(zx_role r);

#endif
