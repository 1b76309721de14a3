/*
 * income.h — income surveys (收入采集), per household and year (domain.md §3).
 *
 * The five figures are 分: 工资性收入, 生产经营性收入, 财产性收入, 转移性收入 and
 * 生产经营性支出. 纯收入 = 四项收入 − 支出 (may be negative); 人均纯收入 = 纯收入 / 人口,
 * with the household size at the time of writing stored beside it. Negative figures and
 * absurd ones (any figure above 1000万元 per person) are refused.
 *
 * The import (`zhenxing import income`, and the jobs module's kind=income) reads CSV or
 * XLSX through table.h with columns 户编号, 年度, 工资性收入, 生产经营性收入, 财产性收入,
 * 转移性收入, 生产经营性支出 (元, at most two decimals; a blank figure is 0), in any order.
 * It is all-or-nothing: one transaction; any error (bad figure, unknown or out-of-scope
 * 户编号, the same household and year twice in the file) rolls everything back and the
 * report names every row and column (the first ZX_MON_MAX_ISSUES). A survey already in
 * the database for that household and year is replaced (counted in `replaced`).
 */
#ifndef ZX_INCOME_H
#define ZX_INCOME_H

#include <stdint.h>

#include "domain/auth/actor.h"
#include "domain/monitoring/monitoring.h"
#include "store/store.h"

/* Absurd: any figure above this per person (1000万元). */
#define ZX_INCOME_MAX_PER_PERSON_FEN ((int64_t)10000000 * 100)

typedef struct zx_income_figures {
	int64_t wage;     /* 工资性收入 */
	int64_t business; /* 生产经营性收入 */
	int64_t property; /* 财产性收入 */
	int64_t transfer; /* 转移性收入 */
	int64_t expense;  /* 生产经营性支出 */
} zx_income_figures;

typedef struct zx_income_survey {
	int64_t household_id;
	int year;
	zx_income_figures f;
	int64_t net;            /* 纯收入 */
	int size;               /* household size when written */
	int64_t net_per_capita; /* 分, rounded half away from zero */
	char updated_by[64];
	int64_t updated_at;
} zx_income_survey;

/* The Chinese column names, in template order (index = field of zx_income_figures). */
extern const char *const zx_income_field_names[5];

int64_t zx_income_net(const zx_income_figures *f);
/* Refuses negative or absurd figures and a household without members; names the field. */
zx_err zx_income_check(const zx_income_figures *f, int size, long row, zx_errinfo *ei);

/* Writes (creates or replaces) one survey, own transaction, audited. */
zx_err zx_income_put(zx_conn *c, const zx_actor *a, const zx_mon_household *hh, int year,
                     const zx_income_figures *f, zx_income_survey *out, zx_errinfo *ei);
/* ZX_ENOTFOUND when the household has no survey for the year. */
zx_err zx_income_get(zx_conn *c, const zx_actor *a, const zx_mon_household *hh, int year,
                     zx_income_survey *out);

/* Imports a CSV/XLSX file. year > 0: every row's 年度 must be that year (blank = year);
 * year 0: 年度 is required in every row. */
zx_err zx_income_import_file(zx_conn *c, const zx_actor *a, const char *path, int year, zx_mon_import *report,
                             zx_errinfo *ei);

/* Population-weighted 人均纯收入 of an area: Σ纯收入 and Σ人口 over households with a
 * survey for the year (hh_type "" = all, or e.g. "脱贫户"). For reports. */
zx_err zx_income_area_totals(zx_conn *c, const zx_actor *a, const char *area12, int year, const char *hh_type,
                             int64_t *net_sum, int64_t *persons, int64_t *households);

#endif
