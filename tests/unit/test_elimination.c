/*
 * test_elimination.c — 风险消除: every condition of the rules passing and failing (the pure
 * function over a facts struct), gathering the facts from the database, the application
 * refused with its failing list or accepted, and the way through 评议 → 公示 → 审核 → 审定 to
 * 风险已消除 and back into monitoring (返贫).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assistance_fixture.h"
#include "domain/assistance/elimination.h"
#include "domain/assistance/plan.h"
#include "domain/monitoring/workflow.h"

/* Facts of a household that meets every condition on 2026-06-15. */
static zx_elim_facts good(void)
{
	return (zx_elim_facts){
	    .today_ymd = 20260615,
	    .monitored = true,
	    .survey_year = 2025,
	    .survey_net = 3 * 900000, /* 9000 元 per person */
	    .survey_size = 3,
	    .survey_transfer = 300000,
	    .income_line = 700000, /* 7000 元 */
	    .housing_safe = 1,
	    .water_safe = 1,
	    .members = 3,
	    .measures_done = 1,
	    .included_ymd = 20251201,
	    .included_source = ZX_SINCE_CASE,
	    .size = 3,
	    .has_head = true,
	    .has_risk_type = true,
	    .has_helper = true,
	    .has_plan = true,
	};
}

static zx_elim_result cond(const zx_elim_facts *f, zx_elim_kind kind, zx_elim_cond c)
{
	zx_elim_check ch;
	zx_elim_evaluate(f, kind, &ch);
	return ch.r[c];
}

static void assert_fails_with(const zx_elim_facts *f, zx_elim_cond c, const char *needle)
{
	zx_elim_result r = cond(f, ZX_ELIM_HELPED, c);
	if (r.passed || !strstr(r.detail, needle))
		fail_msg("%s: passed=%d detail=%s (want failure mentioning %s)", r.key, r.passed, r.detail,
		         needle);
}

static void test_household_meeting_every_condition_passes_all_seven(void **state)
{
	(void)state;
	zx_elim_facts f = good();
	zx_elim_check ch;
	zx_elim_evaluate(&f, ZX_ELIM_HELPED, &ch);
	assert_int_equal(ch.failed, 0);
	for (int i = 0; i < ZX_EC__COUNT; i++) {
		assert_true(ch.r[i].passed);
		assert_true(ch.r[i].applicable);
		assert_non_null(ch.r[i].key);
		assert_true(ch.r[i].detail[0] != '\0');
	}
	assert_string_equal(ch.r[ZX_EC_INCOME].detail, "2025年人均纯收入 9000元，高于监测线 7000元");
}

static void test_income_fails_without_survey_naming_missing_data(void **state)
{
	(void)state;
	zx_elim_facts f = good();
	f.survey_year = 0;
	assert_fails_with(&f, ZX_EC_INCOME, "缺少收入采集数据");
}

static void test_income_fails_without_policy_naming_the_year(void **state)
{
	(void)state;
	zx_elim_facts f = good();
	f.income_line = -1;
	assert_fails_with(&f, ZX_EC_INCOME, "缺少2025年监测线");
}

static void test_income_fails_when_survey_is_stale(void **state)
{
	(void)state;
	zx_elim_facts f = good();
	f.survey_year = 2023;
	assert_fails_with(&f, ZX_EC_INCOME, "数据过旧");
}

static void test_income_fails_at_or_below_the_line_with_figures(void **state)
{
	(void)state;
	zx_elim_facts f = good();
	f.survey_net = 3 * 700000; /* exactly the line: not above it */
	assert_fails_with(&f, ZX_EC_INCOME, "人均纯收入 7000元，未高于监测线 7000元");
	f.survey_net = 3 * 700000 + 1; /* one 分 above in total: above */
	assert_true(cond(&f, ZX_ELIM_HELPED, ZX_EC_INCOME).passed);
}

static void test_guarantees_fail_for_each_unmet_guarantee(void **state)
{
	(void)state;
	zx_elim_facts f = good();
	f.housing_safe = 0;
	assert_fails_with(&f, ZX_EC_GUARANTEES, "住房安全未保障");
	f = good();
	f.water_safe = -1;
	assert_fails_with(&f, ZX_EC_GUARANTEES, "饮水安全情况不详");
	f = good();
	f.dropouts = 1;
	assert_fails_with(&f, ZX_EC_GUARANTEES, "1名成员失学辍学");
	f = good();
	f.uninsured = 2;
	assert_fails_with(&f, ZX_EC_GUARANTEES, "2名成员未参加基本医疗保险");
	f = good();
	f.insured_unknown = 1;
	assert_fails_with(&f, ZX_EC_GUARANTEES, "参保情况不详");
	assert_true(cond(&(zx_elim_facts){0}, ZX_ELIM_HELPED, ZX_EC_GUARANTEES).passed == false);
}

static void test_measure_required_for_helped_not_for_natural(void **state)
{
	(void)state;
	zx_elim_facts f = good();
	f.measures_done = 0;
	assert_fails_with(&f, ZX_EC_MEASURE, "没有已落实的帮扶措施");
	zx_elim_result r = cond(&f, ZX_ELIM_NATURAL, ZX_EC_MEASURE);
	assert_true(r.passed);
	assert_false(r.applicable);
	zx_elim_check ch;
	zx_elim_evaluate(&f, ZX_ELIM_NATURAL, &ch);
	assert_int_equal(ch.failed, 0);
}

static void test_monitored_six_months_counts_calendar_months(void **state)
{
	(void)state;
	zx_elim_facts f = good();
	f.included_ymd = 20251216; /* six months later is 2026-06-16: one day short */
	assert_fails_with(&f, ZX_EC_MONITORED, "2026-06-16 才满6个月");
	f.included_ymd = 20251215;
	assert_true(cond(&f, ZX_ELIM_HELPED, ZX_EC_MONITORED).passed);
	/* 08-31 + 6 months is the last day of February. */
	f.included_ymd = 20250831;
	f.today_ymd = 20260227;
	assert_fails_with(&f, ZX_EC_MONITORED, "2026-02-28 才满6个月");
	f.today_ymd = 20260228;
	assert_true(cond(&f, ZX_ELIM_HELPED, ZX_EC_MONITORED).passed);
	f.included_ymd = 0;
	assert_fails_with(&f, ZX_EC_MONITORED, "纳入监测日期不详");
	f = good();
	f.included_source = ZX_SINCE_REGISTRY;
	assert_true(strstr(cond(&f, ZX_ELIM_HELPED, ZX_EC_MONITORED).detail, "以录入系统日期计") != NULL);
}

static void test_household_without_labour_is_kept_under_monitoring(void **state)
{
	(void)state;
	zx_elim_facts f = good();
	f.no_labour = 3;
	assert_fails_with(&f, ZX_EC_LABOUR, "全部 3 名成员无劳动力或丧失劳动力，转移性收入占纯收入 11%");
	f.no_labour = 2;
	assert_true(cond(&f, ZX_ELIM_HELPED, ZX_EC_LABOUR).passed);
}

static void test_open_campaign_issues_block_elimination(void **state)
{
	(void)state;
	zx_elim_facts f = good();
	f.open_issues = 2;
	assert_fails_with(&f, ZX_EC_ISSUES, "有 2 个排查/回头看问题尚未整改完成");
	f.open_issues = 0;
	assert_true(cond(&f, ZX_ELIM_HELPED, ZX_EC_ISSUES).passed);
}

static void test_incomplete_information_names_what_is_missing(void **state)
{
	(void)state;
	zx_elim_facts f = good();
	f.has_helper = false;
	f.labour_unknown = 2;
	f.has_plan = false;
	assert_fails_with(&f, ZX_EC_COMPLETE, "缺少：帮扶责任人、2名成员的劳动技能、一户一策帮扶计划");
	f = good();
	f.size = 4;
	assert_fails_with(&f, ZX_EC_COMPLETE, "人口数 4 与家庭成员 3 人不一致");
	f = good();
	f.has_risk_type = false;
	assert_fails_with(&f, ZX_EC_COMPLETE, "风险类型");
}

static void test_failed_count_matches_failing_conditions(void **state)
{
	(void)state;
	zx_elim_facts f = good();
	f.survey_year = 0;
	f.open_issues = 1;
	f.housing_safe = 0;
	zx_elim_check ch;
	zx_elim_evaluate(&f, ZX_ELIM_HELPED, &ch);
	assert_int_equal(ch.failed, 3);
	assert_false(ch.r[ZX_EC_INCOME].passed);
	assert_false(ch.r[ZX_EC_GUARANTEES].passed);
	assert_false(ch.r[ZX_EC_ISSUES].passed);
}

/* ---- with a database -------------------------------------------------------------------- */

/* A 监测户 that meets every condition at FX_T0 + 200 days. */
static int64_t ready_household(fx *f, const char *hh_no)
{
	int64_t hid = fx_monitored(f, ZXT_VILLAGE_A1, hh_no);
	fx_survey(f, hid, 2025, 27000, 3, 3000);
	fx_included_case(f, hid, FX_T0 - 200 * FX_DAY);
	zx_actor clerk;
	fx_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, NULL);
	zx_plan_input pin = {.risk_analysis = "因病"};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_plan_put(f->d.c, &clerk, hh_no, &pin, NULL, &ei), ZX_OK);
	zx_measure_input min = {.kind = "健康帮扶", .status = "已落实", .ledger_id = -1};
	assert_int_equal(zx_measure_add(f->d.c, &clerk, hh_no, &min, NULL, &ei), ZX_OK);
	return hid;
}

static void test_gather_reads_every_fact_from_the_database(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	fx_hh s = {.hh_type = "脱贫户",
	           .category = "边缘易致贫户",
	           .helper = "李帮扶",
	           .n = 4,
	           .labor = "丧失劳动力",
	           .uninsured = true,
	           .school = "失学辍学",
	           .water_unknown = true};
	int64_t hid = fx_household(&f, ZXT_VILLAGE_A1, "510722101002001", &s);
	fx_survey(&f, hid, 2024, 20000, 4, 8000);
	fx_survey(&f, hid, 2025, 32000, 4, 8000);
	fx_policy(&f, "510000000000", 2025, 6000, 1);
	fx_policy(&f, ZXT_COUNTY12, 2025, 7000, 1);
	fx_policy(&f, ZXT_COUNTY12, 2025, 7500, 2);
	zx_actor a;
	fx_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL);
	zx_asst_household h;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_asst_household_find(f.d.c, &a, "510722101002001", &h, &ei), ZX_OK);
	zx_elim_facts facts;
	assert_int_equal(zx_elim_gather(f.d.c, &a, &h, 20260615, &facts), ZX_OK);
	assert_int_equal(facts.members, 4);
	assert_int_equal(facts.no_labour, 4);
	assert_int_equal(facts.uninsured, 4);
	assert_int_equal(facts.dropouts, 1);
	assert_int_equal(facts.water_safe, -1);
	assert_int_equal(facts.survey_year, 2025);
	assert_int_equal(facts.survey_net, 3200000);
	assert_int_equal(facts.income_line, 750000); /* the county's newest version beats the province */
	assert_int_equal(facts.included_source, ZX_SINCE_REGISTRY);
	assert_int_equal(facts.included_ymd, 20260615);
	assert_false(facts.has_plan);
	assert_true(facts.has_head);
	fx_close(&f);
}

static void test_apply_refused_lists_the_failing_conditions(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	fx_monitored(&f, ZXT_VILLAGE_A1, "510722101002002");
	zx_actor a;
	fx_actor(&a, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, NULL);
	zx_elim_check ch;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_elim_apply(f.d.c, &a, "510722101002002", ZX_ELIM_HELPED, "", &ch, NULL, &ei);
	assert_int_equal(e, ZX_EVALIDATION);
	assert_string_equal(ei.code, "elimination_refused");
	assert_true(strstr(ei.message, "收入连续6个月稳定高于监测线") != NULL);
	assert_true(strstr(ei.message, "纳入监测满6个月") != NULL);
	assert_true(ch.failed >= 4);
	assert_int_equal(fx_int(&f, "SELECT count(*) FROM eliminations"), 0);
	fx_close(&f);
}

static void test_apply_refuses_a_household_that_is_not_monitored(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	fx_hh s = {0};
	fx_household(&f, ZXT_VILLAGE_A1, "510722101002003", &s);
	zx_actor a;
	fx_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL);
	zx_elim_check ch;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_elim_apply(f.d.c, &a, "510722101002003", ZX_ELIM_NATURAL, NULL, &ch, NULL, &ei),
	                 ZX_EVALIDATION);
	assert_string_equal(ei.code, "not_monitored");
	fx_close(&f);
}

static void test_helper_and_outside_scope_cannot_apply(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	ready_household(&f, "510722101002004");
	fx_policy(&f, ZXT_COUNTY12, 2025, 7000, 1);
	zx_actor helper, other;
	fx_actor(&helper, ZX_ROLE_HELPER, ZXT_VILLAGE_A1, "李帮扶");
	fx_actor(&other, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_B1, NULL);
	zx_elim_check ch;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(
	    zx_elim_apply(f.d.c, &helper, "510722101002004", ZX_ELIM_HELPED, NULL, &ch, NULL, &ei),
	    ZX_EFORBIDDEN);
	zx_errinfo_clear(&ei);
	assert_int_equal(
	    zx_elim_apply(f.d.c, &other, "510722101002004", ZX_ELIM_HELPED, NULL, &ch, NULL, &ei),
	    ZX_ENOTFOUND);
	fx_close(&f);
}

static zx_err step(fx *f, const zx_actor *a, int64_t id, const char *action, const char *opinion,
                   zx_errinfo *ei)
{
	zx_elim_check ch;
	zx_errinfo_clear(ei);
	return zx_elim_transition(f->d.c, a, id, action, opinion, &ch, NULL, ei);
}

static void test_elimination_goes_through_review_notice_and_approvals(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	int64_t hid = ready_household(&f, "510722101002005");
	fx_policy(&f, ZXT_COUNTY12, 2025, 7000, 1);
	zx_actor clerk, town, county;
	fx_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, NULL);
	fx_actor(&town, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A, NULL);
	fx_actor(&county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL);
	zx_elim_check ch;
	zx_elimination el;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(
	    zx_elim_apply(f.d.c, &clerk, "510722101002005", ZX_ELIM_HELPED, "收入稳定", &ch, &el, &ei),
	    ZX_OK);
	assert_int_equal(ch.failed, 0);
	assert_int_equal(el.state, ZX_ES_APPLIED);
	assert_string_equal(el.status, "pending");
	/* A second application while one is pending. */
	zx_errinfo_clear(&ei);
	assert_int_equal(
	    zx_elim_apply(f.d.c, &clerk, "510722101002005", ZX_ELIM_HELPED, NULL, &ch, NULL, &ei),
	    ZX_ECONFLICT);
	/* Out of order, wrong role, 公示 too short. */
	assert_int_equal(step(&f, &clerk, el.id, "publish", NULL, &ei), ZX_ECONFLICT);
	assert_string_equal(ei.code, "out_of_order");
	assert_int_equal(step(&f, &clerk, el.id, "review", "同意", &ei), ZX_OK);
	assert_int_equal(step(&f, &clerk, el.id, "publish", NULL, &ei), ZX_OK);
	assert_int_equal(step(&f, &clerk, el.id, "town_approve", NULL, &ei), ZX_EFORBIDDEN);
	assert_int_equal(step(&f, &town, el.id, "town_approve", NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "notice_too_short");
	zx_clock_advance(5 * FX_DAY);
	assert_int_equal(step(&f, &town, el.id, "town_approve", "审核通过", &ei), ZX_OK);
	assert_int_equal(step(&f, &town, el.id, "county_approve", NULL, &ei), ZX_EFORBIDDEN);
	assert_int_equal(step(&f, &county, el.id, "county_approve", "同意消除", &ei), ZX_OK);
	/* 风险已消除: no longer a 监测户, history and steps kept. */
	assert_int_equal(
	    fx_int(&f, "SELECT count(*) FROM households WHERE id = %lld AND category = ''", (long long)hid),
	    1);
	assert_int_equal(
	    fx_int(&f, "SELECT count(*) FROM eliminations WHERE status = 'eliminated' AND category = "
	               "'脱贫不稳定户' AND decided_at > 0"),
	    1);
	assert_int_equal(
	    fx_int(&f,
	           "SELECT count(*) FROM household_changes WHERE household_id = %lld AND field = "
	           "'监测对象类别' AND old_value = '脱贫不稳定户' AND new_value = ''",
	           (long long)hid),
	    1);
	assert_int_equal(fx_int(&f, "SELECT count(*) FROM elimination_steps"), 5);
	assert_int_equal(fx_int(&f, "SELECT count(*) FROM audit_log WHERE action LIKE 'elimination.%%'"), 5);
	/* Closed: no more steps. */
	assert_int_equal(step(&f, &county, el.id, "reject", "x", &ei), ZX_ECONFLICT);
	/* 返贫: included again (as the workflow does), a new application is possible later. */
	fx_sql(&f, "UPDATE households SET category = '突发严重困难户' WHERE id = %lld", (long long)hid);
	zx_asst_household h;
	assert_int_equal(
	    zx_elim_check_household(f.d.c, &county, "510722101002005", ZX_ELIM_HELPED, &h, &ch, &ei), ZX_OK);
	assert_int_equal(
	    fx_int(&f, "SELECT count(*) FROM eliminations WHERE household_id = %lld", (long long)hid), 1);
	fx_close(&f);
}

/* 风险已消除, then 返贫: the identification workflow includes the household again; the
 * elimination and both category changes stay in the history, and the six months count
 * from the new inclusion. */
static void test_eliminated_household_is_included_again_with_history_kept(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	int64_t hid = ready_household(&f, "510722101002008");
	fx_policy(&f, ZXT_COUNTY12, 2025, 7000, 1);
	zx_actor county;
	fx_actor(&county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL);
	zx_elim_check ch;
	zx_elimination el;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(
	    zx_elim_apply(f.d.c, &county, "510722101002008", ZX_ELIM_HELPED, NULL, &ch, &el, &ei), ZX_OK);
	assert_int_equal(step(&f, &county, el.id, "review", NULL, &ei), ZX_OK);
	assert_int_equal(step(&f, &county, el.id, "publish", NULL, &ei), ZX_OK);
	zx_clock_advance(5 * FX_DAY);
	assert_int_equal(step(&f, &county, el.id, "town_approve", NULL, &ei), ZX_OK);
	assert_int_equal(step(&f, &county, el.id, "county_approve", NULL, &ei), ZX_OK);
	/* 返贫 three months later, through 识别纳入. */
	zx_clock_advance(90 * FX_DAY);
	zx_case_input in = {.hh_no = "510722101002008",
	                    .source = "cadre",
	                    .reason = "因病返贫",
	                    .category = "脱贫不稳定户",
	                    .risk_type = "因病",
	                    .helper = "李帮扶"};
	int64_t cid = 0;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_case_create(f.d.c, &county, &in, &cid, &ei), ZX_OK);
	const char *path[] = {"verify", "review", "publish", "town_approve", "county_approve", "include"};
	for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
		zx_transition_input t = {.action = path[i]};
		zx_errinfo_clear(&ei);
		if (strcmp(path[i], "town_approve") == 0)
			zx_clock_advance(ZX_NOTICE_DAYS * FX_DAY);
		if (zx_case_transition(f.d.c, &county, cid, &t, NULL, &ei) != ZX_OK)
			fail_msg("%s: %s", path[i], ei.message);
	}
	assert_int_equal(
	    fx_int(&f, "SELECT count(*) FROM households WHERE id = %lld AND category = '脱贫不稳定户'",
	           (long long)hid),
	    1);
	assert_int_equal(fx_int(&f,
	                        "SELECT count(*) FROM eliminations WHERE household_id = %lld AND status = "
	                        "'eliminated'",
	                        (long long)hid),
	                 1);
	assert_true(fx_int(&f,
	                   "SELECT count(*) FROM household_changes WHERE household_id = %lld AND field = "
	                   "'监测对象类别'",
	                   (long long)hid) >= 2);
	zx_asst_household h;
	zx_errinfo_clear(&ei);
	assert_int_equal(
	    zx_elim_check_household(f.d.c, &county, "510722101002008", ZX_ELIM_HELPED, &h, &ch, &ei), ZX_OK);
	assert_false(ch.r[ZX_EC_MONITORED].passed);
	assert_true(strstr(ch.r[ZX_EC_MONITORED].detail, "才满6个月") != NULL);
	fx_close(&f);
}

static void test_return_needs_an_opinion_and_reject_closes(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	int64_t hid = ready_household(&f, "510722101002006");
	fx_policy(&f, ZXT_COUNTY12, 2025, 7000, 1);
	zx_actor clerk;
	fx_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1, NULL);
	zx_elim_check ch;
	zx_elimination el;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(
	    zx_elim_apply(f.d.c, &clerk, "510722101002006", ZX_ELIM_NATURAL, NULL, &ch, &el, &ei), ZX_OK);
	assert_int_equal(step(&f, &clerk, el.id, "review", NULL, &ei), ZX_OK);
	assert_int_equal(step(&f, &clerk, el.id, "return", "", &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "opinion_required");
	assert_int_equal(step(&f, &clerk, el.id, "return", "材料不全", &ei), ZX_OK);
	assert_int_equal(step(&f, &clerk, el.id, "reject", "评议未通过", &ei), ZX_OK);
	assert_int_equal(fx_int(&f, "SELECT count(*) FROM eliminations WHERE status = 'rejected'"), 1);
	assert_int_equal(
	    fx_int(&f, "SELECT count(*) FROM households WHERE id = %lld AND category <> ''", (long long)hid),
	    1);
	fx_close(&f);
}

static void test_county_approval_checks_the_conditions_again(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	int64_t hid = ready_household(&f, "510722101002007");
	fx_policy(&f, ZXT_COUNTY12, 2025, 7000, 1);
	zx_actor county;
	fx_actor(&county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL);
	zx_elim_check ch;
	zx_elimination el;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(
	    zx_elim_apply(f.d.c, &county, "510722101002007", ZX_ELIM_HELPED, NULL, &ch, &el, &ei), ZX_OK);
	assert_int_equal(step(&f, &county, el.id, "review", NULL, &ei), ZX_OK);
	assert_int_equal(step(&f, &county, el.id, "publish", NULL, &ei), ZX_OK);
	zx_clock_advance(6 * FX_DAY);
	assert_int_equal(step(&f, &county, el.id, "town_approve", NULL, &ei), ZX_OK);
	/* Meanwhile the house became unsafe. */
	fx_sql(&f, "UPDATE households SET housing_safe = 0 WHERE id = %lld", (long long)hid);
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_elim_transition(f.d.c, &county, el.id, "county_approve", NULL, &ch, NULL, &ei),
	                 ZX_EVALIDATION);
	assert_string_equal(ei.code, "elimination_refused");
	assert_false(ch.r[ZX_EC_GUARANTEES].passed);
	assert_int_equal(fx_int(&f, "SELECT count(*) FROM eliminations WHERE status = 'pending'"), 1);
	fx_close(&f);
}

static void test_transition_table_matches_the_inclusion_roles(void **state)
{
	(void)state;
	zx_elim_state to;
	assert_int_equal(zx_elim_step_check(ZX_ES_APPLIED, ZX_EA_REVIEW, ZX_ROLE_VILLAGE_CLERK, &to),
	                 ZX_ELIM_OK);
	assert_int_equal(to, ZX_ES_REVIEWED);
	assert_int_equal(zx_elim_step_check(ZX_ES_APPLIED, ZX_EA_REVIEW, ZX_ROLE_HELPER, &to),
	                 ZX_ELIM_WRONG_ROLE);
	assert_int_equal(zx_elim_step_check(ZX_ES_NOTICED, ZX_EA_TOWN_APPROVE, ZX_ROLE_VILLAGE_CLERK, &to),
	                 ZX_ELIM_WRONG_ROLE);
	assert_int_equal(
	    zx_elim_step_check(ZX_ES_TOWN_APPROVED, ZX_EA_COUNTY_APPROVE, ZX_ROLE_COUNTY_ADMIN, &to),
	    ZX_ELIM_OK);
	assert_int_equal(to, ZX_ES_ELIMINATED);
	assert_int_equal(zx_elim_step_check(ZX_ES_APPLIED, ZX_EA_COUNTY_APPROVE, ZX_ROLE_COUNTY_ADMIN, &to),
	                 ZX_ELIM_OUT_OF_ORDER);
	assert_int_equal(zx_elim_step_check(ZX_ES_ELIMINATED, ZX_EA_RETURN, ZX_ROLE_COUNTY_ADMIN, &to),
	                 ZX_ELIM_OUT_OF_ORDER);
	assert_string_equal(zx_elim_state_key(ZX_ES_ELIMINATED), "county_approved");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_household_meeting_every_condition_passes_all_seven),
	    cmocka_unit_test(test_income_fails_without_survey_naming_missing_data),
	    cmocka_unit_test(test_income_fails_without_policy_naming_the_year),
	    cmocka_unit_test(test_income_fails_when_survey_is_stale),
	    cmocka_unit_test(test_income_fails_at_or_below_the_line_with_figures),
	    cmocka_unit_test(test_guarantees_fail_for_each_unmet_guarantee),
	    cmocka_unit_test(test_measure_required_for_helped_not_for_natural),
	    cmocka_unit_test(test_monitored_six_months_counts_calendar_months),
	    cmocka_unit_test(test_household_without_labour_is_kept_under_monitoring),
	    cmocka_unit_test(test_open_campaign_issues_block_elimination),
	    cmocka_unit_test(test_incomplete_information_names_what_is_missing),
	    cmocka_unit_test(test_failed_count_matches_failing_conditions),
	    cmocka_unit_test(test_gather_reads_every_fact_from_the_database),
	    cmocka_unit_test(test_apply_refused_lists_the_failing_conditions),
	    cmocka_unit_test(test_apply_refuses_a_household_that_is_not_monitored),
	    cmocka_unit_test(test_helper_and_outside_scope_cannot_apply),
	    cmocka_unit_test(test_elimination_goes_through_review_notice_and_approvals),
	    cmocka_unit_test(test_eliminated_household_is_included_again_with_history_kept),
	    cmocka_unit_test(test_return_needs_an_opinion_and_reject_closes),
	    cmocka_unit_test(test_county_approval_checks_the_conditions_again),
	    cmocka_unit_test(test_transition_table_matches_the_inclusion_roles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
