/*
 * test_plans.c — 一户一策: plans and measures only for 监测户, measure rules (catalogue,
 * status, actual date, delete only while 计划), the helper's assignment, and the 30-day flag
 * (pure rule and the list) moved through time with the injectable clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assistance_fixture.h"
#include "domain/assistance/plan.h"

static zx_err add(fx *f, const zx_actor *a, const char *hh_no, zx_measure_input in, int64_t *id,
                  zx_errinfo *ei)
{
	zx_errinfo_clear(ei);
	if (in.ledger_id == 0)
		in.ledger_id = -1;
	return zx_measure_add(f->d.c, a, hh_no, &in, id, ei);
}

static void test_measures_and_plans_refused_for_a_household_not_monitored(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	fx_hh tp = {.hh_type = "脱贫户", .helper = "李帮扶"};
	fx_household(&f, ZXT_VILLAGE_A1, "510722101002301", &tp);
	zx_actor clerk;
	fx_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, NULL);
	zx_errinfo ei;
	assert_int_equal(
	    add(&f, &clerk, "510722101002301", (zx_measure_input){.kind = "产业帮扶"}, NULL, &ei),
	    ZX_EVALIDATION);
	assert_string_equal(ei.code, "not_monitored");
	assert_string_equal(ei.field, "户编号");
	zx_plan_input pin = {.risk_analysis = "x"};
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_plan_put(f.d.c, &clerk, "510722101002301", &pin, NULL, &ei), ZX_EVALIDATION);
	assert_int_equal(
	    fx_int(&f, "SELECT count(*) FROM measures") + fx_int(&f, "SELECT count(*) FROM plans"), 0);
	fx_close(&f);
}

static void test_plan_put_creates_then_updates_and_audits(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	fx_monitored(&f, ZXT_VILLAGE_A1, "510722101002302");
	zx_actor clerk;
	fx_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, NULL);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	bool created = false;
	zx_plan_input pin = {.risk_analysis = "因病支出大", .goal = "年内稳定增收"};
	assert_int_equal(zx_plan_put(f.d.c, &clerk, "510722101002302", &pin, &created, &ei), ZX_OK);
	assert_true(created);
	zx_plan_input upd = {.goal = "两年内脱离风险"};
	assert_int_equal(zx_plan_put(f.d.c, &clerk, "510722101002302", &upd, &created, &ei), ZX_OK);
	assert_false(created);
	zx_asst_household h;
	zx_plan *p = malloc(sizeof(*p));
	assert_int_equal(zx_plan_get(f.d.c, &clerk, "510722101002302", &h, p, &ei), ZX_OK);
	assert_string_equal(p->risk_analysis, "因病支出大"); /* kept: not sent */
	assert_string_equal(p->goal, "两年内脱离风险");
	assert_string_equal(p->responsible, "李帮扶"); /* the household's 帮扶责任人 by default */
	free(p);
	assert_int_equal(fx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'plan.put'"), 2);
	fx_close(&f);
}

static void test_measure_rules_catalogue_dates_amount_and_delete(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	int64_t hid = fx_monitored(&f, ZXT_VILLAGE_A1, "510722101002303");
	zx_actor clerk;
	fx_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, NULL);
	const char *hh = "510722101002303";
	zx_errinfo ei;
	int64_t planned = 0, done = 0;
	assert_int_equal(add(&f, &clerk, hh, (zx_measure_input){.kind = "五保"}, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.field, "kind");
	assert_int_equal(add(&f, &clerk, hh, (zx_measure_input){.content = "x"}, NULL, &ei), ZX_EINVAL);
	assert_int_equal(add(&f, &clerk, hh, (zx_measure_input){.kind = "医保", .status = "完成"}, NULL, &ei),
	                 ZX_EVALIDATION);
	assert_int_equal(
	    add(&f, &clerk, hh, (zx_measure_input){.kind = "医保", .amount = "12.345"}, NULL, &ei),
	    ZX_EVALIDATION);
	assert_string_equal(ei.field, "amount");
	assert_int_equal(
	    add(&f, &clerk, hh,
	        (zx_measure_input){.kind = "小额信贷", .status = "已落实", .actual = "2026-06-16"}, NULL,
	        &ei),
	    ZX_EVALIDATION);
	assert_string_equal(ei.code, "future_date");
	/* A plan is created on the way; defaults: 计划, responsible = 帮扶责任人. */
	assert_int_equal(
	    add(&f, &clerk, hh,
	        (zx_measure_input){.kind = "公益性岗位", .amount = "600", .planned = "2026-07-01"}, &planned,
	        &ei),
	    ZX_OK);
	assert_int_equal(add(&f, &clerk, hh,
	                     (zx_measure_input){.kind = "健康帮扶", .status = "已落实", .amount = "1200.5"},
	                     &done, &ei),
	                 ZX_OK);
	zx_measure m;
	assert_int_equal(zx_measure_get(f.d.c, &clerk, hid, planned, &m), ZX_OK);
	assert_string_equal(m.status, "计划");
	assert_string_equal(m.responsible, "李帮扶");
	assert_int_equal(m.amount, 60000);
	assert_int_equal(m.planned_ymd, 20260701);
	assert_int_equal(zx_measure_get(f.d.c, &clerk, hid, done, &m), ZX_OK);
	assert_int_equal(m.actual_ymd, 20260615); /* 已落实 without a date: today */
	assert_int_equal(m.amount, 120050);
	assert_int_equal(fx_int(&f, "SELECT count(*) FROM plans WHERE household_id = %lld", (long long)hid),
	                 1);
	/* Only a measure still 计划 may be deleted. */
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_measure_delete(f.d.c, &clerk, hh, done, &ei), ZX_ECONFLICT);
	assert_int_equal(zx_measure_delete(f.d.c, &clerk, hh, planned, &ei), ZX_OK);
	/* Update: 取消 instead. */
	zx_measure_input cancel = {.status = "取消", .ledger_id = -1};
	assert_int_equal(zx_measure_update(f.d.c, &clerk, hh, done, &cancel, &ei), ZX_OK);
	assert_int_equal(zx_measure_get(f.d.c, &clerk, hid, done, &m), ZX_OK);
	assert_string_equal(m.status, "取消");
	assert_string_equal(m.kind, "健康帮扶");
	/* A measure of another household is not found through this one. */
	fx_monitored(&f, ZXT_VILLAGE_A1, "510722101002304");
	assert_int_equal(zx_measure_update(f.d.c, &clerk, "510722101002304", done, &cancel, &ei),
	                 ZX_ENOTFOUND);
	fx_close(&f);
}

static void test_helper_writes_only_for_own_households(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	fx_monitored(&f, ZXT_VILLAGE_A1, "510722101002305");
	zx_actor mine, other, dept;
	fx_actor(&mine, ZX_ROLE_HELPER, ZXT_VILLAGE_A1, "李帮扶");
	fx_actor(&other, ZX_ROLE_HELPER, ZXT_VILLAGE_A1, "周某");
	fx_actor(&dept, ZX_ROLE_DEPT_USER, ZXT_COUNTY12, NULL);
	zx_errinfo ei;
	assert_int_equal(add(&f, &other, "510722101002305", (zx_measure_input){.kind = "其他"}, NULL, &ei),
	                 ZX_EFORBIDDEN);
	assert_int_equal(add(&f, &dept, "510722101002305", (zx_measure_input){.kind = "其他"}, NULL, &ei),
	                 ZX_EFORBIDDEN);
	assert_int_equal(add(&f, &mine, "510722101002305", (zx_measure_input){.kind = "其他"}, NULL, &ei),
	                 ZX_OK);
	fx_close(&f);
}

static void test_flag_rule_thirty_days_without_a_delivered_measure(void **state)
{
	(void)state;
	int64_t since;
	int waiting;
	int64_t t = FX_T0;
	assert_false(zx_plan_flag(t - 30 * FX_DAY, 0, 0, 0, t, &since, &waiting));
	assert_int_equal(waiting, 30);
	assert_true(zx_plan_flag(t - 31 * FX_DAY, 0, 0, 0, t, &since, &waiting));
	assert_false(zx_plan_flag(t - 90 * FX_DAY, 0, 0, 1, t, &since, &waiting));
	/* Without an inclusion date: the plan's creation, then the household's entry. */
	assert_true(zx_plan_flag(0, t - 40 * FX_DAY, t - 400 * FX_DAY, 0, t, &since, &waiting));
	assert_int_equal(since, t - 40 * FX_DAY);
	assert_false(zx_plan_flag(0, t - 10 * FX_DAY, t - 400 * FX_DAY, 0, t, &since, &waiting));
	assert_true(zx_plan_flag(0, 0, t - 400 * FX_DAY, 0, t, &since, &waiting));
}

typedef struct rows {
	int n;
	char hh[4][32];
	bool flagged[4];
} rows;

static bool take(void *ctx, const zx_plan_row *r)
{
	rows *rs = ctx;
	if (rs->n < 4) {
		snprintf(rs->hh[rs->n], sizeof(rs->hh[0]), "%s", r->hh_no);
		rs->flagged[rs->n] = r->flagged;
	}
	rs->n++;
	return true;
}

static void test_list_flags_households_after_thirty_days(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	int64_t a = fx_monitored(&f, ZXT_VILLAGE_A1, "510722101002401");
	fx_monitored(&f, ZXT_VILLAGE_A1, "510722101002402");
	fx_hh general = {0};
	fx_household(&f, ZXT_VILLAGE_A1, "510722101002403", &general);
	/* The first was included through the workflow 45 days ago. */
	fx_included_case(&f, a, FX_T0 - 45 * FX_DAY);
	zx_actor clerk;
	fx_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, NULL);
	zx_plan_filter pf = {.area = "", .limit = 50};
	zx_plan_totals t;
	rows rs = {0};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_plan_list(f.d.c, &clerk, &pf, take, &rs, &t, &ei), ZX_OK);
	assert_int_equal(rs.n, 2); /* 监测户 only */
	assert_int_equal(t.households, 2);
	assert_int_equal(t.flagged, 1);
	assert_true(rs.flagged[0]);
	assert_false(rs.flagged[1]);
	/* A delivered measure clears the flag; 31 days on, the other one is flagged. */
	assert_int_equal(add(&f, &clerk, "510722101002401",
	                     (zx_measure_input){.kind = "就业帮扶", .status = "已落实"}, NULL, &ei),
	                 ZX_OK);
	zx_clock_advance(31 * FX_DAY);
	pf.flagged_only = true;
	memset(&rs, 0, sizeof(rs));
	assert_int_equal(zx_plan_list(f.d.c, &clerk, &pf, take, &rs, &t, &ei), ZX_OK);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.hh[0], "510722101002402");
	assert_int_equal(t.flagged, 1);
	assert_int_equal(t.with_plan, 1);
	/* A helper's list holds their own households only. */
	zx_actor helper;
	fx_actor(&helper, ZX_ROLE_HELPER, ZXT_VILLAGE_A1, "别人");
	memset(&rs, 0, sizeof(rs));
	pf.flagged_only = false;
	assert_int_equal(zx_plan_list(f.d.c, &helper, &pf, take, &rs, &t, &ei), ZX_OK);
	assert_int_equal(rs.n, 0);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_measures_and_plans_refused_for_a_household_not_monitored),
	    cmocka_unit_test(test_plan_put_creates_then_updates_and_audits),
	    cmocka_unit_test(test_measure_rules_catalogue_dates_amount_and_delete),
	    cmocka_unit_test(test_helper_writes_only_for_own_households),
	    cmocka_unit_test(test_flag_rule_thirty_days_without_a_delivered_measure),
	    cmocka_unit_test(test_list_flags_households_after_thirty_days),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
