/*
 * monitoring.h — what the 防返贫动态监测 modules share (domain.md §3): households as
 * monitoring sees them, found by 户编号 inside the caller's scope; the value lists of
 * 监测对象类别 and 风险类型; area names; years.
 *
 * The module's parts each have their own header: money.h (分 ↔ 元), policy.h (监测线
 * and thresholds, versioned), income.h (surveys and their import), warnings.h (department
 * warnings and sudden events), screening.h (the rules and the engine), workflow.h
 * (识别纳入 cases), overview.h (lists and counts).
 */
#ifndef ZX_MONITORING_H
#define ZX_MONITORING_H

#include <stdbool.h>
#include <stdint.h>

#include "base/table.h"
#include "domain/auth/actor.h"
#include "store/store.h"

#define ZX_MON_YEAR_MIN 2000
#define ZX_MON_YEAR_MAX 2100
#define ZX_MON_MAX_COUNTIES 64

typedef struct zx_mon_household {
	int64_t id;
	char county[7];
	char area_code[13];
	char hh_no[64];
	char grp[64];
	char head_name[64];
	char hh_type[16];
	char category[32];
	char risk_type[48];
	char helper[64];
	int size;
} zx_mon_household;

/* Finds households by 户编号 inside a scope. The counties of the scope are looked up
 * once (the registry's unique key is (county, 户编号)). */
typedef struct zx_mon_finder {
	zx_scope scope;
	int ncounties;
	char counties[ZX_MON_MAX_COUNTIES][7];
} zx_mon_finder;

zx_err zx_mon_finder_init(zx_conn *c, const zx_scope *scope, zx_mon_finder *f);
/* ZX_ENOTFOUND when no household of that number lies in the scope. */
zx_err zx_mon_finder_household(zx_conn *c, const zx_mon_finder *f, const char *hh_no, zx_mon_household *out);

/* One-off lookups for the API (scope of the actor); ZX_ENOTFOUND with a Chinese message. */
zx_err zx_mon_household_find(zx_conn *c, const zx_actor *a, const char *hh_no, zx_mon_household *out,
                             zx_errinfo *ei);
zx_err zx_mon_household_by_id(zx_conn *c, const zx_scope *scope, int64_t id, zx_mon_household *out);

/* Name and level of an area (1 省 … 5 村); ZX_ENOTFOUND if unknown. */
zx_err zx_mon_area_name(zx_conn *c, const char *code12, char *name, size_t namesz, int *level);

/* Validates an area code given by a user: 12 digits, known, inside the actor's scope
 * (else ZX_ENOTFOUND, or ZX_EFORBIDDEN when forbidden_outside). */
zx_err zx_mon_area_check(zx_conn *c, const zx_actor *a, const char *code, bool forbidden_outside, int *level,
                         zx_errinfo *ei);

bool zx_mon_year_ok(int year);
/* 监测对象类别: 脱贫不稳定户 / 边缘易致贫户 / 突发严重困难户. */
bool zx_mon_category_ok(const char *s);
/* 风险类型: 因病, 因残, 因学, 因灾, 因意外事故, 因产业失败, 因务工就业不稳, 缺劳动力, 住房出现安全问题, 其他.
 */
bool zx_mon_risk_type_ok(const char *s);

/* The outcome of a monitoring import (income surveys, department warnings). On failure
 * issues are the errors found (row, column, message; the first ZX_MON_MAX_ISSUES of
 * issues_total); after a warnings import that allowed unmatched rows, they are those rows. */
#define ZX_MON_MAX_ISSUES 100
typedef struct zx_mon_issue {
	long row;
	char field[32];
	char message[256];
} zx_mon_issue;

typedef struct zx_mon_import {
	long rows;        /* data rows read */
	long written;     /* surveys or warnings written */
	long replaced;    /* income: surveys that replaced the household's survey of that year */
	long duplicates;  /* warnings: rows imported before (skipped) */
	long unmatched;   /* warnings: rows whose 证件号码 matched nobody in the scope */
	int64_t batch_id; /* warnings: the batch row */
	long ignored_columns;
	long issues_total;
	int nissues;
	zx_mon_issue issues[ZX_MON_MAX_ISSUES];
} zx_mon_import;

void zx_mon_issue_add(zx_mon_import *r, long row, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Fails ei with the first issue and the total, as one Chinese sentence. */
zx_err zx_mon_import_fail(const zx_mon_import *r, zx_errinfo *ei);
/* Normalises a header cell for matching: drops a trailing "（元）"/"(元)" and spaces. */
void zx_mon_header_name(const char *cell, char *out, size_t outsz);
/* Maps a header row onto the n known column names: col[k] = the cell index of names[k], or
 * -1 when absent. Unknown non-empty headers count in r->ignored_columns; a known name twice
 * fails ei naming the column. Checking what is required is the caller's. */
zx_err zx_mon_map_header(const zx_row *row, const char *const *names, int n, int *col, zx_mon_import *r,
                         zx_errinfo *ei);

/* Parses a date cell: YYYY-MM-DD, YYYY/M/D, YYYYMMDD or YYYY年M月D日 → YYYYMMDD (a real date). */
bool zx_mon_parse_date(const char *s, int *ymd);
/* YYYYMMDD → "YYYY-MM-DD". */
void zx_mon_format_date(int ymd, char *out, size_t outsz);

#endif
