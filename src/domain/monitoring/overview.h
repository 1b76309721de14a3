/*
 * overview.h — lists and counts of monitoring for the overview page and the report
 * module: 监测户 by category and village, cases by state with overdue counts, and the
 * income-survey coverage of a year.
 */
#ifndef ZX_OVERVIEW_H
#define ZX_OVERVIEW_H

#include <stdint.h>

#include "domain/auth/actor.h"
#include "domain/monitoring/workflow.h"
#include "store/store.h"

typedef struct zx_mon_summary {
	char area[13];
	char area_name[128];
	int year;
	int ncategories;
	struct {
		char category[32];
		int64_t households, persons;
	} categories[8];
	int64_t monitored_households, monitored_persons;
	int64_t cases[ZX_CASE__COUNT]; /* by state */
	int64_t open_cases, overdue_cases;
	int64_t households; /* all households of the area */
	int64_t surveyed;   /* with an income survey for year */
} zx_mon_summary;

/* area "" = the actor's own area. */
zx_err zx_mon_summary_get(zx_conn *c, const zx_actor *a, const char *area, int year, zx_mon_summary *out,
                          zx_errinfo *ei);

typedef struct zx_mon_row {
	const char *hh_no, *area_code, *village, *grp, *head_name, *hh_type, *category, *risk_type, *helper;
	int64_t size;
} zx_mon_row;
typedef bool (*zx_mon_row_fn)(void *ctx, const zx_mon_row *r);

/* 监测户 of an area (category "" = all three), by village and 户编号. */
zx_err zx_mon_monitored_list(zx_conn *c, const zx_actor *a, const char *area, const char *category,
                             int64_t limit, int64_t offset, zx_mon_row_fn fn, void *ctx, int64_t *total,
                             zx_errinfo *ei);

#endif
