/*
 * visit_due.c — the visit schedule and the due/overdue lists (see visit.h).
 *
 * The due report is one ordered scan of the households that can have a schedule, with
 * their last visit; the rule (zx_visit_due) is pure and the interval comes from the
 * county's few schedule rows held in memory. Villages and towns are consecutive in the
 * scan's (village, 户编号) order, so they are counted in one pass; persons go through a
 * small hash table.
 *
 * Invariant: every list and count in the report is over the same scan, so the per-person,
 * per-village and per-town figures add up to the totals.
 */
#include "domain/assistance/visit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/auth/audit.h"

static const char *const target_names[ZX_TARGET__COUNT] = {"监测户", "脱贫户", "一般农户"};
static const int target_defaults[ZX_TARGET__COUNT] = {ZX_VISIT_DEFAULT_MONITORED, ZX_VISIT_DEFAULT_TUOPIN,
                                                      ZX_VISIT_DEFAULT_GENERAL};

const char *zx_visit_target_name(zx_visit_target t)
{
	return (unsigned)t < ZX_TARGET__COUNT ? target_names[t] : "";
}

int zx_visit_target_parse(const char *s)
{
	for (int i = 0; s && i < ZX_TARGET__COUNT; i++)
		if (strcmp(s, target_names[i]) == 0)
			return i;
	return -1;
}

zx_visit_target zx_visit_target_of(const char *hh_type, const char *category)
{
	if (category && *category)
		return ZX_TARGET_MONITORED;
	if (hh_type && strcmp(hh_type, "脱贫户") == 0)
		return ZX_TARGET_TUOPIN;
	return ZX_TARGET_GENERAL;
}

const char *zx_due_state_key(zx_due_state s)
{
	switch (s) {
	case ZX_DUE_OK:
		return "ok";
	case ZX_DUE_SOON:
		return "due";
	case ZX_DUE_OVERDUE:
		return "overdue";
	default:
		return "";
	}
}

zx_due_state zx_visit_due(int today_ymd, int interval_days, int last_visit_ymd, int entered_ymd, int *due_ymd,
                          int *days_late)
{
	*due_ymd = 0;
	*days_late = 0;
	int ref = last_visit_ymd > 0 ? last_visit_ymd : entered_ymd;
	if (interval_days <= 0 || !zx_asst_ymd_valid(ref) || !zx_asst_ymd_valid(today_ymd))
		return ZX_DUE_NONE;
	*due_ymd = zx_asst_ymd_add_days(ref, interval_days);
	int64_t diff = zx_asst_ymd_diff(today_ymd, *due_ymd);
	if (diff > 0) {
		*days_late = (int)diff;
		return ZX_DUE_OVERDUE;
	}
	return -diff <= ZX_VISIT_DUE_SOON ? ZX_DUE_SOON : ZX_DUE_OK;
}

/* ---- schedule ----------------------------------------------------------------------------- */

zx_err zx_schedule_load(zx_conn *c, const char *county6, zx_schedule *out)
{
	out->n = 0;
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, ZXQ_schedule_list, ZX_ARGS(ZX_TEXT(county6)), &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row && out->n < ZX_SCHEDULE_MAX_ROWS) {
		int t = zx_visit_target_parse(zx_col_text(s, 1));
		if (t < 0)
			continue;
		zx_schedule_row *r = &out->rows[out->n++];
		snprintf(r->area_code, sizeof(r->area_code), "%s", zx_col_text(s, 0));
		r->target = (zx_visit_target)t;
		r->interval_days = (int)zx_col_int(s, 2);
	}
	zx_stmt_done(s);
	return e;
}

int zx_schedule_interval(const zx_schedule *s, const char *village12, zx_visit_target t, const char **from)
{
	char town[13], county[13];
	snprintf(town, sizeof(town), "%.9s000", village12);
	snprintf(county, sizeof(county), "%.6s000000", village12);
	int county_days = -1;
	for (int i = 0; s && i < s->n; i++) {
		const zx_schedule_row *r = &s->rows[i];
		if (r->target != t)
			continue;
		if (strcmp(r->area_code, town) == 0) {
			if (from)
				*from = r->area_code;
			return r->interval_days;
		}
		if (strcmp(r->area_code, county) == 0) {
			county_days = r->interval_days;
			if (from)
				*from = r->area_code;
		}
	}
	if (county_days >= 0)
		return county_days;
	if (from)
		*from = "";
	return (unsigned)t < ZX_TARGET__COUNT ? target_defaults[t] : 0;
}

zx_err zx_schedule_set(zx_conn *c, const zx_actor *a, const char *area, const char *target, int interval_days,
                       zx_errinfo *ei)
{
	if (a->role != ZX_ROLE_COUNTY_ADMIN && a->role != ZX_ROLE_TOWN_ADMIN)
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能设置走访周期",
		               zx_role_name(a->role));
	int t = zx_visit_target_parse(target);
	if (t < 0)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_target", "target", 0,
		               "对象应为 监测户、脱贫户 或 一般农户");
	if (interval_days < 0 || interval_days > 366)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_interval", "interval_days", 0,
		               "走访周期应为 0 到 366 天（0 表示不安排走访）");
	char code[13];
	int level = 0;
	zx_err e = zx_asst_area(c, a, area, code, &level, ei);
	if (e)
		return e;
	if (level != 3 && level != 4)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_area_level", "area", 0,
		               "走访周期只能按县或乡镇设置");
	char county[7];
	snprintf(county, sizeof(county), "%.6s", code);
	e = zx_tx_begin_write(c);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_schedule_upsert,
		            ZX_ARGS(ZX_TEXT(county), ZX_TEXT(code), ZX_TEXT(target_names[t]),
		                    ZX_INT(interval_days), ZX_TEXT(a->username), ZX_INT(zx_now())),
		            NULL);
	if (!e) {
		char detail[120];
		snprintf(detail, sizeof(detail), "target=%s interval_days=%d", target_names[t],
		         interval_days);
		e = zx_audit_write(c, a, "visit_schedule.set", code, "ok", detail);
	}
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

/* ---- the report ----------------------------------------------------------------------------- */

typedef struct groups {
	zx_due_group *g;
	int n, cap;
	/* persons only: open-addressing index into g (-1 = empty) */
	int *slots;
	int nslots;
} groups;

static zx_due_group *group_push(groups *gs, const char *key, const char *name)
{
	if (gs->n == gs->cap) {
		int cap = gs->cap ? gs->cap * 2 : 64;
		zx_due_group *ng = realloc(gs->g, (size_t)cap * sizeof(*ng));
		if (!ng)
			return NULL;
		gs->g = ng;
		gs->cap = cap;
	}
	zx_due_group *g = &gs->g[gs->n++];
	memset(g, 0, sizeof(*g));
	snprintf(g->key, sizeof(g->key), "%s", key);
	snprintf(g->name, sizeof(g->name), "%s", name);
	return g;
}

/* The group of a run-ordered key (village, town): the last one or a new one. */
static zx_due_group *group_run(groups *gs, const char *key, const char *name)
{
	if (gs->n && strcmp(gs->g[gs->n - 1].key, key) == 0)
		return &gs->g[gs->n - 1];
	return group_push(gs, key, name);
}

static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static zx_due_group *group_hashed(groups *gs, const char *key)
{
	if (gs->n * 2 >= gs->nslots) {
		int ns = gs->nslots ? gs->nslots * 2 : 256;
		int *slots = malloc((size_t)ns * sizeof(int));
		if (!slots)
			return NULL;
		for (int i = 0; i < ns; i++)
			slots[i] = -1;
		for (int i = 0; i < gs->n; i++) {
			uint32_t k = fnv(gs->g[i].key) & (uint32_t)(ns - 1);
			while (slots[k] >= 0)
				k = (k + 1) & (uint32_t)(ns - 1);
			slots[k] = i;
		}
		free(gs->slots);
		gs->slots = slots;
		gs->nslots = ns;
	}
	uint32_t k = fnv(key) & (uint32_t)(gs->nslots - 1);
	while (gs->slots[k] >= 0) {
		if (strcmp(gs->g[gs->slots[k]].key, key) == 0)
			return &gs->g[gs->slots[k]];
		k = (k + 1) & (uint32_t)(gs->nslots - 1);
	}
	zx_due_group *g = group_push(gs, key, "");
	if (g)
		gs->slots[k] = gs->n - 1;
	return g;
}

static void count(zx_due_group *g, zx_due_state st)
{
	g->scheduled++;
	g->due += st == ZX_DUE_SOON;
	g->overdue += st == ZX_DUE_OVERDUE;
}

static int item_cmp(const void *x, const void *y)
{
	const zx_due_item *a = x, *b = y;
	if (a->state != b->state)
		return a->state == ZX_DUE_OVERDUE ? -1 : 1;
	if (a->due_ymd != b->due_ymd)
		return a->due_ymd < b->due_ymd ? -1 : 1;
	return strcmp(a->hh_no, b->hh_no);
}

static int person_cmp(const void *x, const void *y)
{
	const zx_due_group *a = x, *b = y;
	if (a->overdue != b->overdue)
		return a->overdue > b->overdue ? -1 : 1;
	return strcmp(a->key, b->key);
}

typedef struct scan {
	zx_due_report *r;
	const zx_schedule *sched;
	groups persons, villages, towns;
	int items_cap;
	int max_items;
} scan;

static zx_err scan_row(scan *sc, zx_stmt *s)
{
	zx_due_report *r = sc->r;
	const char *area = zx_col_text(s, 2);
	zx_visit_target t = zx_visit_target_of(zx_col_text(s, 5), zx_col_text(s, 6));
	int interval = zx_schedule_interval(sc->sched, area, t, NULL);
	int last = zx_col_null(s, 9) ? 0 : (int)zx_col_int(s, 9);
	int due_ymd, late;
	zx_due_state st =
	    zx_visit_due(r->today_ymd, interval, last, zx_ymd_of(zx_col_int(s, 8)), &due_ymd, &late);
	if (st == ZX_DUE_NONE)
		return ZX_OK;
	char town[13];
	snprintf(town, sizeof(town), "%.9s000", area);
	const char *helper = zx_col_text(s, 7);
	zx_due_group *v = group_run(&sc->villages, area, zx_col_text(s, 10));
	zx_due_group *tw = group_run(&sc->towns, town, zx_col_text(s, 11));
	zx_due_group *p = group_hashed(&sc->persons, helper[0] ? helper : "（未指定）");
	if (!v || !tw || !p)
		return ZX_ENOMEM;
	count(v, st);
	count(tw, st);
	count(p, st);
	r->scheduled++;
	r->due += st == ZX_DUE_SOON;
	r->overdue += st == ZX_DUE_OVERDUE;
	if (st == ZX_DUE_OK)
		return ZX_OK;
	r->items_total++;
	if (r->nitems == sc->items_cap) {
		int cap = sc->items_cap ? sc->items_cap * 2 : 256;
		zx_due_item *ni = realloc(r->items, (size_t)cap * sizeof(*ni));
		if (!ni)
			return ZX_ENOMEM;
		r->items = ni;
		sc->items_cap = cap;
	}
	zx_due_item *it = &r->items[r->nitems++];
	memset(it, 0, sizeof(*it));
	it->household_id = zx_col_int(s, 0);
	snprintf(it->hh_no, sizeof(it->hh_no), "%s", zx_col_text(s, 1));
	snprintf(it->area_code, sizeof(it->area_code), "%s", area);
	snprintf(it->village_name, sizeof(it->village_name), "%s", zx_col_text(s, 10));
	snprintf(it->grp, sizeof(it->grp), "%s", zx_col_text(s, 3));
	snprintf(it->head_name, sizeof(it->head_name), "%s", zx_col_text(s, 4));
	snprintf(it->helper, sizeof(it->helper), "%s", helper);
	it->target = t;
	it->interval_days = interval;
	it->last_visit_ymd = last;
	it->due_ymd = due_ymd;
	it->days_late = late;
	it->state = st;
	return ZX_OK;
}

static zx_err run_scan(zx_conn *c, const zx_scope *sc_area, const char *person, scan *sc)
{
	bool general = zx_schedule_interval(sc->sched, sc_area->lo, ZX_TARGET_GENERAL, NULL) > 0;
	for (int i = 0; !general && i < sc->sched->n; i++)
		general =
		    sc->sched->rows[i].target == ZX_TARGET_GENERAL && sc->sched->rows[i].interval_days > 0;
	zx_stmt *s;
	zx_err e = zx_query_open(c, sc_area, ZXQ_visit_due_scan,
	                         ZX_ARGS(ZX_INT(general ? 1 : 0), ZX_TEXT(person)), &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row)
		if ((e = scan_row(sc, s)) != ZX_OK)
			break;
	zx_stmt_done(s);
	return e;
}

zx_err zx_visit_due_report(zx_conn *c, const zx_actor *a, const zx_due_filter *f, zx_due_report *out,
                           zx_errinfo *ei)
{
	memset(out, 0, sizeof(*out));
	out->today_ymd = zx_today_ymd();
	char code[13];
	zx_err e = zx_asst_area(c, a, f->area, code, NULL, ei);
	if (e)
		return e;
	const char *person = a->role == ZX_ROLE_HELPER ? a->display_name : f->person ? f->person : "";
	zx_schedule *sched = malloc(sizeof(*sched));
	if (!sched)
		return ZX_ENOMEM;
	char county[7];
	snprintf(county, sizeof(county), "%.6s", code);
	scan sc = {.r = out,
	           .sched = sched,
	           .max_items = f->max_items > 0 && f->max_items <= 2000 ? f->max_items : 200};
	zx_scope area;
	zx_scope_of_area(code, &area);
	e = zx_schedule_load(c, county, sched);
	if (!e)
		e = run_scan(c, &area, person, &sc);
	free(sched);
	free(sc.persons.slots);
	out->persons = sc.persons.g;
	out->npersons = sc.persons.n;
	out->villages = sc.villages.g;
	out->nvillages = sc.villages.n;
	out->towns = sc.towns.g;
	out->ntowns = sc.towns.n;
	if (e) {
		zx_due_report_release(out);
		return e;
	}
	if (out->nitems > 1)
		qsort(out->items, (size_t)out->nitems, sizeof(*out->items), item_cmp);
	if (out->nitems > sc.max_items)
		out->nitems = sc.max_items;
	if (out->npersons > 1)
		qsort(out->persons, (size_t)out->npersons, sizeof(*out->persons), person_cmp);
	return ZX_OK;
}

void zx_due_report_release(zx_due_report *r)
{
	if (!r)
		return;
	free(r->items);
	free(r->persons);
	free(r->villages);
	free(r->towns);
	memset(r, 0, sizeof(*r));
}
