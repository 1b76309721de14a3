/*
 * timeline.h — everything that happened to one household, in order (domain.md §4): entry
 * into the registry, registry changes, income surveys, department warnings, sudden events,
 * identification cases and their steps, the 一户一策 plan and its measures, visits,
 * elimination steps and campaign findings.
 *
 * Each source is read through its own scoped query (at most ZX_TL_PER_SOURCE newest rows),
 * the events are merged in time order, oldest first. Events that carry only a date (a
 * visit, a warning) are placed at the start of that day (UTC+8). Personal data follows the
 * sources' own rules: 证件号码 and 联系电话 appear only masked (household_changes keeps only
 * masked values), health details never.
 */
#ifndef ZX_TIMELINE_H
#define ZX_TIMELINE_H

#include <stdint.h>

#include "domain/assistance/assistance.h"

#define ZX_TL_PER_SOURCE 500

typedef struct zx_tl_event {
	int64_t ts;
	const char *kind; /* registry, change, survey, warning, event, case, plan, measure, visit,
	                     elimination, issue */
	char title[96];
	char detail[640];
	char user[64];
	int64_t ref; /* id of the object it concerns (case, measure, visit, …), 0 if none */
	int seq;     /* order of reading: ties of ts keep it */
} zx_tl_event;

typedef struct zx_timeline {
	int n, cap;
	zx_tl_event *ev;
	int truncated; /* sources that had more than ZX_TL_PER_SOURCE rows */
} zx_timeline;

zx_err zx_timeline_load(zx_conn *c, const zx_actor *a, const char *hh_no, zx_asst_household *h,
                        zx_timeline *out, zx_errinfo *ei);
void zx_timeline_release(zx_timeline *t);

#endif
