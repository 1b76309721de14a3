/*
 * test_visits.c — 走访: the idempotent insert (one visit per client key whatever the number
 * of submissions), the refusals (future date, a helper's household not assigned, a key
 * reused elsewhere), the schedule's precedence, and the due/overdue computation — the pure
 * rule and the report — moved through time with the injectable clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assistance_fixture.h"
#include "domain/assistance/visit.h"

static zx_err record(fx *f, const zx_actor *a, const char *hh_no, const char *date, const char *key,
                     zx_visit *v, bool *dup, zx_errinfo *ei)
{
	zx_visit_input in = {.hh_no = hh_no,
	                     .date = date,
	                     .checklist = ZX_VISIT_INCOME | ZX_VISIT_WATER,
	                     .findings = "正常",
	                     .client_key = key};
	zx_errinfo_clear(ei);
	return zx_visit_record(f->d.c, a, &in, v, dup, ei);
}

static void test_same_key_twice_stores_one_visit_and_returns_the_first(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	fx_monitored(&f, ZXT_VILLAGE_A1, "510722101002101");
	zx_actor helper;
	fx_actor(&helper, ZX_ROLE_HELPER, ZXT_VILLAGE_A1, "李帮扶");
	zx_visit v1, v2;
	bool dup = true;
	zx_errinfo ei;
	assert_int_equal(
	    record(&f, &helper, "510722101002101", "2026-06-14", "7c2d1f7e-0001", &v1, &dup, &ei), ZX_OK);
	assert_false(dup);
	assert_int_equal(v1.visit_ymd, 20260614);
	assert_int_equal(v1.checklist, ZX_VISIT_INCOME | ZX_VISIT_WATER);
	assert_string_equal(v1.visitor, "李帮扶");
	/* The retry after a lost answer, even with other content, finds the first visit. */
	zx_visit_input again = {.hh_no = "510722101002101",
	                        .date = "2026-06-15",
	                        .findings = "改了",
	                        .client_key = "7c2d1f7e-0001"};
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_visit_record(f.d.c, &helper, &again, &v2, &dup, &ei), ZX_OK);
	assert_true(dup);
	assert_int_equal(v2.id, v1.id);
	assert_string_equal(v2.findings, "正常");
	assert_int_equal(fx_int(&f, "SELECT count(*) FROM visits"), 1);
	assert_int_equal(fx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'visit.create'"), 1);
	fx_close(&f);
}

static void test_key_of_another_household_or_visitor_is_a_conflict(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	fx_monitored(&f, ZXT_VILLAGE_A1, "510722101002102");
	fx_monitored(&f, ZXT_VILLAGE_A1, "510722101002103");
	zx_actor a, b;
	fx_actor(&a, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, "甲");
	fx_actor(&b, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, "乙");
	b.user_id = 4242;
	zx_visit v;
	bool dup;
	zx_errinfo ei;
	assert_int_equal(record(&f, &a, "510722101002102", NULL, "key-aaaa-0001", &v, &dup, &ei), ZX_OK);
	assert_int_equal(record(&f, &a, "510722101002103", NULL, "key-aaaa-0001", &v, &dup, &ei),
	                 ZX_ECONFLICT);
	assert_string_equal(ei.code, "idempotency_conflict");
	assert_int_equal(record(&f, &b, "510722101002102", NULL, "key-aaaa-0001", &v, &dup, &ei),
	                 ZX_ECONFLICT);
	assert_int_equal(fx_int(&f, "SELECT count(*) FROM visits"), 1);
	fx_close(&f);
}

static void test_without_key_every_submission_is_a_new_visit(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	fx_monitored(&f, ZXT_VILLAGE_A1, "510722101002104");
	zx_actor a;
	fx_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL);
	zx_visit v;
	bool dup;
	zx_errinfo ei;
	assert_int_equal(record(&f, &a, "510722101002104", NULL, NULL, &v, &dup, &ei), ZX_OK);
	assert_int_equal(record(&f, &a, "510722101002104", NULL, "", &v, &dup, &ei), ZX_OK);
	assert_int_equal(fx_int(&f, "SELECT count(*) FROM visits WHERE client_key LIKE 'srv-%%'"), 2);
	assert_int_equal(v.visit_ymd, 20260615); /* no date: today */
	fx_close(&f);
}

static void test_refusals_future_date_bad_key_unassigned_helper_outside_scope(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	fx_monitored(&f, ZXT_VILLAGE_A1, "510722101002105");
	fx_monitored(&f, ZXT_VILLAGE_B1, "510722104003105");
	zx_actor mine, other, dept, clerk_b;
	fx_actor(&mine, ZX_ROLE_HELPER, ZXT_VILLAGE_A1, "李帮扶");
	fx_actor(&other, ZX_ROLE_HELPER, ZXT_VILLAGE_A1, "张别人");
	fx_actor(&dept, ZX_ROLE_DEPT_USER, ZXT_COUNTY12, NULL);
	fx_actor(&clerk_b, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_B1, NULL);
	zx_visit v;
	bool dup;
	zx_errinfo ei;
	assert_int_equal(record(&f, &mine, "510722101002105", "2026-06-16", "k-future-01", &v, &dup, &ei),
	                 ZX_EVALIDATION);
	assert_string_equal(ei.code, "future_date");
	assert_int_equal(record(&f, &mine, "510722101002105", "2026-02-30", "k-baddate-1", &v, &dup, &ei),
	                 ZX_EVALIDATION);
	assert_int_equal(record(&f, &mine, "510722101002105", NULL, "short", &v, &dup, &ei), ZX_EINVAL);
	assert_int_equal(record(&f, &mine, "510722101002105", NULL, "has space 1234", &v, &dup, &ei),
	                 ZX_EINVAL);
	assert_int_equal(record(&f, &other, "510722101002105", NULL, "k-other-001", &v, &dup, &ei),
	                 ZX_EFORBIDDEN);
	assert_string_equal(ei.code, "not_assigned");
	assert_int_equal(record(&f, &dept, "510722101002105", NULL, "k-dept-0001", &v, &dup, &ei),
	                 ZX_EFORBIDDEN);
	assert_int_equal(record(&f, &clerk_b, "510722101002105", NULL, "k-scope-001", &v, &dup, &ei),
	                 ZX_ENOTFOUND);
	assert_int_equal(record(&f, &mine, "510722104003105", NULL, "k-scope-002", &v, &dup, &ei),
	                 ZX_ENOTFOUND);
	assert_int_equal(fx_int(&f, "SELECT count(*) FROM visits"), 0);
	/* Today is fine, and so is the helper's own household. */
	assert_int_equal(record(&f, &mine, "510722101002105", "2026-06-15", "k-today-001", &v, &dup, &ei),
	                 ZX_OK);
	fx_close(&f);
}

static bool count_visit(void *ctx, const zx_visit *v)
{
	(void)v;
	(*(int *)ctx)++;
	return true;
}

static void test_helper_lists_only_visits_of_own_households(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	fx_monitored(&f, ZXT_VILLAGE_A1, "510722101002106");
	fx_hh s = {.hh_type = "脱贫户", .helper = "王另一"};
	fx_household(&f, ZXT_VILLAGE_A1, "510722101002107", &s);
	zx_actor clerk, helper;
	fx_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, NULL);
	fx_actor(&helper, ZX_ROLE_HELPER, ZXT_VILLAGE_A1, "李帮扶");
	zx_visit v;
	bool dup;
	zx_errinfo ei;
	assert_int_equal(record(&f, &clerk, "510722101002106", NULL, "k-list-0001", &v, &dup, &ei), ZX_OK);
	assert_int_equal(record(&f, &clerk, "510722101002107", NULL, "k-list-0002", &v, &dup, &ei), ZX_OK);
	zx_visit_filter fl = {.area = "", .limit = 50};
	int64_t total = 0;
	zx_errinfo_clear(&ei);
	int seen = 0;
	assert_int_equal(zx_visit_list(f.d.c, &helper, &fl, count_visit, &seen, &total, &ei), ZX_OK);
	assert_int_equal(total, 1);
	assert_int_equal(seen, 1);
	assert_int_equal(zx_visit_get(f.d.c, &helper, v.id, &v), ZX_ENOTFOUND);
	seen = 0;
	assert_int_equal(zx_visit_list(f.d.c, &clerk, &fl, count_visit, &seen, &total, &ei), ZX_OK);
	assert_int_equal(total, 2);
	assert_int_equal(seen, 2);
	fx_close(&f);
}

/* ---- schedule and due --------------------------------------------------------------------- */

static void test_due_rule_never_visited_due_soon_and_overdue(void **state)
{
	(void)state;
	int due, late;
	/* Not scheduled. */
	assert_int_equal(zx_visit_due(20260615, 0, 0, 20260101, &due, &late), ZX_DUE_NONE);
	/* Visited 10 days ago, monthly: fine until 2026-07-05. */
	assert_int_equal(zx_visit_due(20260615, 30, 20260605, 20250101, &due, &late), ZX_DUE_OK);
	assert_int_equal(due, 20260705);
	/* Visited 25 days ago: due within the week. */
	assert_int_equal(zx_visit_due(20260615, 30, 20260521, 20250101, &due, &late), ZX_DUE_SOON);
	assert_int_equal(due, 20260620);
	/* Due today is still "due", not overdue. */
	assert_int_equal(zx_visit_due(20260615, 30, 20260516, 20250101, &due, &late), ZX_DUE_SOON);
	assert_int_equal(late, 0);
	/* Visited 40 days ago: 10 days late. */
	assert_int_equal(zx_visit_due(20260615, 30, 20260506, 20250101, &due, &late), ZX_DUE_OVERDUE);
	assert_int_equal(late, 10);
	/* Never visited: counted from entry into the registry. */
	assert_int_equal(zx_visit_due(20260615, 90, 0, 20260601, &due, &late), ZX_DUE_OK);
	assert_int_equal(due, 20260830);
	assert_int_equal(zx_visit_due(20260615, 90, 0, 20260101, &due, &late), ZX_DUE_OVERDUE);
	assert_int_equal(late, 75);
}

static void test_schedule_town_row_beats_county_row_beats_default(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	zx_actor county, town, clerk;
	fx_actor(&county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL);
	fx_actor(&town, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A, NULL);
	fx_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, NULL);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_schedule_set(f.d.c, &county, "", "脱贫户", 60, &ei), ZX_OK);
	assert_int_equal(zx_schedule_set(f.d.c, &town, ZXT_TOWN_A, "脱贫户", 45, &ei), ZX_OK);
	assert_int_equal(zx_schedule_set(f.d.c, &town, ZXT_TOWN_B, "脱贫户", 10, &ei), ZX_EFORBIDDEN);
	assert_int_equal(zx_schedule_set(f.d.c, &clerk, ZXT_VILLAGE_A1, "脱贫户", 10, &ei), ZX_EFORBIDDEN);
	assert_int_equal(zx_schedule_set(f.d.c, &county, ZXT_VILLAGE_A1, "脱贫户", 10, &ei), ZX_EVALIDATION);
	assert_int_equal(zx_schedule_set(f.d.c, &county, "", "五保户", 10, &ei), ZX_EVALIDATION);
	assert_int_equal(zx_schedule_set(f.d.c, &county, "", "监测户", 400, &ei), ZX_EVALIDATION);
	zx_schedule s;
	assert_int_equal(zx_schedule_load(f.d.c, ZXT_COUNTY, &s), ZX_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(zx_schedule_interval(&s, ZXT_VILLAGE_A1, ZX_TARGET_TUOPIN, NULL), 45);
	assert_int_equal(zx_schedule_interval(&s, ZXT_VILLAGE_B1, ZX_TARGET_TUOPIN, NULL), 60);
	assert_int_equal(zx_schedule_interval(&s, ZXT_VILLAGE_B1, ZX_TARGET_MONITORED, NULL), 30);
	assert_int_equal(zx_schedule_interval(&s, ZXT_VILLAGE_B1, ZX_TARGET_GENERAL, NULL), 0);
	assert_int_equal(zx_visit_target_of("脱贫户", "边缘易致贫户"), ZX_TARGET_MONITORED);
	assert_int_equal(zx_visit_target_of("脱贫户", ""), ZX_TARGET_TUOPIN);
	fx_close(&f);
}

static const zx_due_group *group(const zx_due_group *g, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (strcmp(g[i].key, key) == 0)
			return &g[i];
	fail_msg("no group %s", key);
	return NULL;
}

static void test_due_report_moves_with_the_clock(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	/* Entered on 2026-06-15: 监测户 monthly, 脱贫户 quarterly, 一般农户 not at all. */
	fx_monitored(&f, ZXT_VILLAGE_A1, "510722101002201");
	fx_monitored(&f, ZXT_VILLAGE_A2, "510722101003202");
	fx_hh tp = {.hh_type = "脱贫户", .helper = "赵帮扶"};
	fx_household(&f, ZXT_VILLAGE_B1, "510722104003203", &tp);
	fx_hh general = {0};
	fx_household(&f, ZXT_VILLAGE_B1, "510722104003204", &general);
	zx_actor county;
	fx_actor(&county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL);
	zx_due_filter df = {.area = "", .person = "", .max_items = 100};
	zx_due_report r;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_visit_due_report(f.d.c, &county, &df, &r, &ei), ZX_OK);
	assert_int_equal(r.scheduled, 3);
	assert_int_equal(r.due + r.overdue, 0);
	zx_due_report_release(&r);

	/* 25 days on, both 监测户 are due within the week. */
	zx_clock_advance(25 * FX_DAY);
	assert_int_equal(zx_visit_due_report(f.d.c, &county, &df, &r, &ei), ZX_OK);
	assert_int_equal(r.due, 2);
	assert_int_equal(r.overdue, 0);
	assert_int_equal(r.nitems, 2);
	assert_string_equal(r.items[0].helper, "李帮扶");
	assert_int_equal(r.items[0].due_ymd, 20260715);
	zx_due_report_release(&r);

	/* One is visited; 40 days on the other is overdue by 10 days. */
	zx_visit v;
	bool dup;
	assert_int_equal(record(&f, &county, "510722101002201", NULL, "k-due-00001", &v, &dup, &ei), ZX_OK);
	zx_clock_advance(15 * FX_DAY);
	assert_int_equal(zx_visit_due_report(f.d.c, &county, &df, &r, &ei), ZX_OK);
	assert_int_equal(r.overdue, 1);
	assert_int_equal(r.due, 0);
	assert_int_equal(r.items[0].state, ZX_DUE_OVERDUE);
	assert_string_equal(r.items[0].hh_no, "510722101003202");
	assert_int_equal(r.items[0].days_late, 10);
	assert_int_equal(group(r.persons, r.npersons, "李帮扶")->overdue, 1);
	assert_int_equal(group(r.persons, r.npersons, "李帮扶")->scheduled, 2);
	assert_int_equal(group(r.villages, r.nvillages, ZXT_VILLAGE_A2)->overdue, 1);
	assert_int_equal(group(r.villages, r.nvillages, ZXT_VILLAGE_A1)->overdue, 0);
	assert_int_equal(group(r.towns, r.ntowns, ZXT_TOWN_A)->scheduled, 2);
	assert_int_equal(group(r.towns, r.ntowns, ZXT_TOWN_B)->scheduled, 1);
	assert_true(group(r.villages, r.nvillages, ZXT_VILLAGE_A2)->name[0] != '\0');
	zx_due_report_release(&r);

	/* 100 days after entry the 脱贫户 is overdue too; a helper sees only their own list. */
	zx_clock_advance(60 * FX_DAY);
	zx_actor helper;
	fx_actor(&helper, ZX_ROLE_HELPER, ZXT_COUNTY12, "赵帮扶");
	assert_int_equal(zx_visit_due_report(f.d.c, &helper, &df, &r, &ei), ZX_OK);
	assert_int_equal(r.scheduled, 1);
	assert_int_equal(r.overdue, 1);
	assert_string_equal(r.items[0].hh_no, "510722104003203");
	assert_int_equal(r.items[0].target, ZX_TARGET_TUOPIN);
	zx_due_report_release(&r);
	fx_close(&f);
}

static void test_due_report_refuses_an_area_outside_the_scope(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	zx_actor town;
	fx_actor(&town, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A, NULL);
	zx_due_filter df = {.area = ZXT_TOWN_B, .max_items = 10};
	zx_due_report r;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_visit_due_report(f.d.c, &town, &df, &r, &ei), ZX_EFORBIDDEN);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_key_twice_stores_one_visit_and_returns_the_first),
	    cmocka_unit_test(test_key_of_another_household_or_visitor_is_a_conflict),
	    cmocka_unit_test(test_without_key_every_submission_is_a_new_visit),
	    cmocka_unit_test(test_refusals_future_date_bad_key_unassigned_helper_outside_scope),
	    cmocka_unit_test(test_helper_lists_only_visits_of_own_households),
	    cmocka_unit_test(test_due_rule_never_visited_due_soon_and_overdue),
	    cmocka_unit_test(test_schedule_town_row_beats_county_row_beats_default),
	    cmocka_unit_test(test_due_report_moves_with_the_clock),
	    cmocka_unit_test(test_due_report_refuses_an_area_outside_the_scope),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
