/*
 * test_workflow.c — 识别纳入 as a state machine: every state × action × role, allowed or
 * refused, through the real transaction (state, step row, audit row); 公示 of at least five
 * days on the injectable clock; overdue after fifteen days; what 纳入监测 writes; scopes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/monitoring/screening.h"
#include "domain/monitoring/workflow.h"
#include "monitoring_fixture.h"

#define DAY 86400
#define T0 INT64_C(1748736000) /* 2025-06-01 00:00 UTC */
#define NHH 64

static char hh_nos[NHH][24];
static int next_hh;

static int setup(void **state)
{
	zxt_db *d = calloc(1, sizeof(*d));
	zxt_db_open(d, 0);
	zxt_load_county(d);
	zx_clock_set(T0);
	for (int i = 0; i < NHH; i++) {
		snprintf(hh_nos[i], sizeof(hh_nos[i]), "51072210100200%02d", i + 1);
		mont_hh h = {ZXT_VILLAGE_A1, hh_nos[i], 1, i == 0 ? "脱贫户" : NULL, NULL, 1, 1, 0, 0,
		             2000 + i * 2};
		mont_household(d, &h);
	}
	mont_plain(d, ZXT_VILLAGE_B1, "5107221040030001", 1, 3000);
	next_hh = 1; /* hh_nos[0] is the 脱贫户, kept for the category test */
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	zxt_db_close(*state);
	free(*state);
	return 0;
}

/* Who the specification lets take each step (domain.md §3 and the brief): village clerks the
 * village steps, town admins 乡镇审核 and everything below, county admins everything. */
#define RV (1u << ZX_ROLE_VILLAGE_CLERK)
#define RT (1u << ZX_ROLE_TOWN_ADMIN)
#define RC (1u << ZX_ROLE_COUNTY_ADMIN)

static unsigned spec_roles(zx_case_state s, zx_case_action a, zx_case_state *to)
{
	static const zx_case_state next[] = {ZX_CASE_VERIFIED,        ZX_CASE_REVIEWED,
	                                     ZX_CASE_NOTICED,         ZX_CASE_TOWN_APPROVED,
	                                     ZX_CASE_COUNTY_APPROVED, ZX_CASE_INCLUDED};
	static const unsigned step_roles[] = {RV | RT | RC, RV | RT | RC, RV | RT | RC, RT | RC, RC, RC};
	if (zx_case_state_closed(s))
		return 0;
	if ((int)a <= ZX_ACT_INCLUDE) /* forward: the action belongs to exactly one state */
		return (int)a == (int)s ? (*to = next[s], step_roles[s]) : 0;
	if (a == ZX_ACT_RETURN) { /* one step back: whoever handles the current step */
		if (s == ZX_CASE_DISCOVERED)
			return 0;
		*to = (zx_case_state)(s - 1);
		return s <= ZX_CASE_NOTICED ? RV | RT | RC : RC;
	}
	*to = ZX_CASE_REJECTED; /* 不予纳入: village before 公示, township during it, county after */
	return s <= ZX_CASE_REVIEWED ? RV | RT | RC : s == ZX_CASE_NOTICED ? RT | RC : RC;
}

static void actor_for(zx_role r, zx_actor *a)
{
	const char *area = r == ZX_ROLE_VILLAGE_CLERK || r == ZX_ROLE_HELPER ? ZXT_VILLAGE_A1
	                   : r == ZX_ROLE_TOWN_ADMIN                         ? ZXT_TOWN_A
	                                                                     : ZXT_COUNTY12;
	zxt_actor(a, r, area);
}

static int64_t new_case(zxt_db *d)
{
	assert_true(next_hh < NHH);
	zx_actor a;
	actor_for(ZX_ROLE_VILLAGE_CLERK, &a);
	zx_case_input in = {hh_nos[next_hh++], "cadre", 0,     "干部排查发现因病支出大",
	                    "边缘易致贫户",    "因病",  "李四"};
	int64_t id = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_case_create(d->c, &a, &in, &id, &ei);
	if (e)
		fail_msg("create: %s", ei.message);
	return id;
}

static zx_err step(zxt_db *d, int64_t id, zx_role role, zx_case_action act, zx_errinfo *ei)
{
	zx_actor a;
	actor_for(role, &a);
	zx_transition_input in = {.action = zx_case_action_key(act), .opinion = "同意"};
	zx_errinfo_clear(ei);
	return zx_case_transition(d->c, &a, id, &in, NULL, ei);
}

/* A new case moved to state s by the county admin (公示 already five days old). */
static int64_t case_in(zxt_db *d, zx_case_state s)
{
	int64_t id = new_case(d);
	zx_errinfo ei;
	if (s == ZX_CASE_REJECTED) {
		assert_int_equal(step(d, id, ZX_ROLE_COUNTY_ADMIN, ZX_ACT_REJECT, &ei), ZX_OK);
		return id;
	}
	for (int k = 0; k < (int)s; k++) {
		zx_err e = step(d, id, ZX_ROLE_COUNTY_ADMIN, (zx_case_action)k, &ei);
		if (e)
			fail_msg("to %s: %s", zx_case_state_key(s), ei.message);
		if (k == ZX_ACT_PUBLISH)
			zx_clock_advance(ZX_NOTICE_DAYS * DAY);
	}
	return id;
}

static zx_case_state state_of(zxt_db *d, int64_t id)
{
	zx_actor a;
	zx_actor_cli(&a);
	zx_case k;
	assert_int_equal(zx_case_get(d->c, &a, id, &k), ZX_OK);
	return k.state;
}

static int64_t steps_of(zxt_db *d, int64_t id)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM case_steps WHERE case_id = %lld", (long long)id);
	return mont_sql_int(d, sql);
}

static void test_the_transition_table_matches_the_specification(void **state)
{
	(void)state;
	for (int s = 0; s < ZX_CASE__COUNT; s++)
		for (int a = 0; a < ZX_ACT__COUNT; a++)
			for (int r = 1; r < ZX_ROLE__COUNT; r++) {
				zx_case_state want = ZX_CASE_DISCOVERED, got = ZX_CASE_DISCOVERED;
				unsigned roles = spec_roles((zx_case_state)s, (zx_case_action)a, &want);
				zx_case_verdict v =
				    zx_case_check((zx_case_state)s, (zx_case_action)a, (zx_role)r, &got);
				zx_case_verdict expect = !roles              ? ZX_CASE_OUT_OF_ORDER
				                         : roles & (1u << r) ? ZX_CASE_OK
				                                             : ZX_CASE_WRONG_ROLE;
				if (v != expect)
					fail_msg("%s × %s × %s: got %d, want %d",
					         zx_case_state_key((zx_case_state)s),
					         zx_case_action_key((zx_case_action)a),
					         zx_role_key((zx_role)r), v, expect);
				if (v == ZX_CASE_OK)
					assert_int_equal(got, want);
			}
}

static void test_every_allowed_and_every_refused_transition_through_the_database(void **state)
{
	zxt_db *d = *state;
	int allowed = 0, refused = 0;
	for (int s = 0; s < ZX_CASE__COUNT; s++) {
		int64_t shared = case_in(d, (zx_case_state)s); /* refusals leave it as it is */
		for (int a = 0; a < ZX_ACT__COUNT; a++) {
			for (int r = 1; r < ZX_ROLE__COUNT; r++) {
				zx_case_state want = ZX_CASE_DISCOVERED;
				unsigned roles = spec_roles((zx_case_state)s, (zx_case_action)a, &want);
				bool ok = roles & (1u << r);
				int64_t id = ok ? case_in(d, (zx_case_state)s) : shared;
				int64_t steps = steps_of(d, id);
				int64_t audits = mont_sql_int(d, "SELECT count(*) FROM audit_log");
				zx_errinfo ei;
				zx_err e = step(d, id, (zx_role)r, (zx_case_action)a, &ei);
				const char *what = zx_case_action_key((zx_case_action)a);
				if (ok) {
					if (e)
						fail_msg("%s by %s from %s refused: %s", what,
						         zx_role_key((zx_role)r),
						         zx_case_state_key((zx_case_state)s), ei.message);
					assert_int_equal(state_of(d, id), want);
					assert_int_equal(steps_of(d, id), steps + 1);
					assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM audit_log"),
					                 audits + 1);
					allowed++;
				} else {
					/* Roles that never handle cases are refused before the table is read.
					 */
					bool cadre = r == ZX_ROLE_VILLAGE_CLERK || r == ZX_ROLE_TOWN_ADMIN ||
					             r == ZX_ROLE_COUNTY_ADMIN;
					zx_err expect = !cadre   ? ZX_EFORBIDDEN
					                : !roles ? ZX_ECONFLICT
					                         : ZX_EFORBIDDEN;
					if (e != expect)
						fail_msg("%s by %s from %s: got %s (%s), want %s", what,
						         zx_role_key((zx_role)r),
						         zx_case_state_key((zx_case_state)s), zx_err_name(e),
						         ei.message, zx_err_name(expect));
					assert_int_equal(state_of(d, id), s);
					assert_int_equal(steps_of(d, id), steps);
					assert_int_equal(mont_sql_int(d, "SELECT count(*) FROM audit_log"),
					                 audits);
					refused++;
				}
			}
		}
	}
	assert_int_equal(allowed, 37);
	assert_int_equal(allowed + refused, ZX_CASE__COUNT * ZX_ACT__COUNT * (ZX_ROLE__COUNT - 1));
}

static void test_notice_shorter_than_five_days_is_refused_then_allowed_after_the_clock_moves(void **state)
{
	zxt_db *d = *state;
	int64_t id = new_case(d);
	zx_errinfo ei;
	for (int k = ZX_ACT_VERIFY; k <= ZX_ACT_PUBLISH; k++)
		assert_int_equal(step(d, id, ZX_ROLE_VILLAGE_CLERK, (zx_case_action)k, &ei), ZX_OK);
	zx_clock_advance(ZX_NOTICE_DAYS * DAY - 1);
	assert_int_equal(step(d, id, ZX_ROLE_TOWN_ADMIN, ZX_ACT_TOWN_APPROVE, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "notice_too_short");
	assert_non_null(strstr(ei.message, "2025-06-06"));
	assert_int_equal(state_of(d, id), ZX_CASE_NOTICED);
	zx_clock_advance(1);
	assert_int_equal(step(d, id, ZX_ROLE_TOWN_ADMIN, ZX_ACT_TOWN_APPROVE, &ei), ZX_OK);
	assert_int_equal(state_of(d, id), ZX_CASE_TOWN_APPROVED);
}

static void test_a_return_before_the_notice_restarts_the_notice(void **state)
{
	zxt_db *d = *state;
	int64_t id = case_in(d, ZX_CASE_NOTICED);
	zx_errinfo ei;
	zx_actor a;
	actor_for(ZX_ROLE_TOWN_ADMIN, &a);
	zx_transition_input back = {.action = "return"};
	assert_int_equal(zx_case_transition(d->c, &a, id, &back, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "opinion_required");
	back.opinion = "公示期间有异议，重新评议";
	zx_case k;
	assert_int_equal(zx_case_transition(d->c, &a, id, &back, &k, &ei), ZX_OK);
	assert_int_equal(k.state, ZX_CASE_REVIEWED);
	assert_int_equal(k.notice_at, 0);
	assert_int_equal(step(d, id, ZX_ROLE_VILLAGE_CLERK, ZX_ACT_PUBLISH, &ei), ZX_OK);
	assert_int_equal(step(d, id, ZX_ROLE_TOWN_ADMIN, ZX_ACT_TOWN_APPROVE, &ei), ZX_EVALIDATION);
}

static bool count_case(void *ctx, const zx_case *k)
{
	*(int64_t *)ctx = k->id; /* the id of the (only) case listed */
	return true;
}

static void test_cases_are_overdue_fifteen_days_after_discovery_unless_closed(void **state)
{
	zxt_db *d = *state;
	int64_t open = new_case(d), closed = new_case(d);
	zx_errinfo ei;
	assert_int_equal(step(d, closed, ZX_ROLE_VILLAGE_CLERK, ZX_ACT_VERIFY, &ei), ZX_OK);
	zx_actor a;
	actor_for(ZX_ROLE_VILLAGE_CLERK, &a);
	zx_transition_input no = {.action = "reject", .opinion = "核实后收入稳定"};
	assert_int_equal(zx_case_transition(d->c, &a, closed, &no, NULL, &ei), ZX_OK);
	zx_case k;
	zx_clock_advance(ZX_CASE_DUE_DAYS * DAY);
	assert_int_equal(zx_case_get(d->c, &a, open, &k), ZX_OK);
	assert_false(zx_case_overdue(&k, zx_now()));
	assert_int_equal(zx_case_days_elapsed(&k, zx_now()), 15);
	zx_clock_advance(1);
	assert_true(zx_case_overdue(&k, zx_now()));
	assert_int_equal(zx_case_get(d->c, &a, closed, &k), ZX_OK);
	assert_false(zx_case_overdue(&k, zx_now()));
	assert_int_equal(zx_case_days_elapsed(&k, zx_now()), 0);
	zx_case_filter f = {"", -1, true, false, 100, 0};
	int64_t total = 0, listed = 0;
	assert_int_equal(zx_case_list(d->c, &a, &f, count_case, &listed, &total, &ei), ZX_OK);
	assert_int_equal(total, 1);
	assert_int_equal(listed, open);
}

static void test_include_makes_the_household_a_monitored_one(void **state)
{
	zxt_db *d = *state;
	int64_t id = case_in(d, ZX_CASE_COUNTY_APPROVED);
	zx_actor a;
	actor_for(ZX_ROLE_COUNTY_ADMIN, &a);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_transition_input in = {.action = "include", .helper = "赵六"};
	zx_case k;
	assert_int_equal(zx_case_transition(d->c, &a, id, &in, &k, &ei), ZX_OK);
	assert_int_equal(k.state, ZX_CASE_INCLUDED);
	assert_true(k.closed_at > 0);
	zx_mon_household hh;
	assert_int_equal(zx_mon_household_find(d->c, &a, k.hh_no, &hh, &ei), ZX_OK);
	assert_string_equal(hh.category, "边缘易致贫户");
	assert_string_equal(hh.risk_type, "因病");
	assert_string_equal(hh.helper, "赵六");
	/* The household's timeline shows the three changes. */
	assert_int_equal(
	    mont_sql_int(d, "SELECT count(*) FROM household_changes WHERE source = 'edit' AND field IN "
	                    "('监测对象类别', '风险类型', '帮扶责任人') AND old_value = ''"),
	    3);
	/* A monitored household cannot start another case. */
	zx_case_input again = {k.hh_no, "cadre", 0, "再次排查", NULL, NULL, NULL};
	assert_int_equal(zx_case_create(d->c, &a, &again, NULL, &ei), ZX_ECONFLICT);
	assert_string_equal(ei.code, "already_monitored");
}

static void test_include_checks_category_and_needs_all_three_fields(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	actor_for(ZX_ROLE_COUNTY_ADMIN, &a);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	/* 脱贫不稳定户 needs 户类型 脱贫户 (hh_nos[1] is 一般农户). */
	zx_case_input bad = {hh_nos[next_hh], "self_report", 0, "农户申报", "脱贫不稳定户", NULL, NULL};
	assert_int_equal(zx_case_create(d->c, &a, &bad, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "category_needs_tuopin");
	zx_case_input ok = {hh_nos[0], "self_report", 0, "农户申报", "脱贫不稳定户", NULL, NULL};
	int64_t id = 0;
	assert_int_equal(zx_case_create(d->c, &a, &ok, &id, &ei), ZX_OK);
	for (int k = 0; k < ZX_ACT_INCLUDE; k++) {
		assert_int_equal(step(d, id, ZX_ROLE_COUNTY_ADMIN, (zx_case_action)k, &ei), ZX_OK);
		if (k == ZX_ACT_PUBLISH)
			zx_clock_advance(ZX_NOTICE_DAYS * DAY);
	}
	assert_int_equal(step(d, id, ZX_ROLE_COUNTY_ADMIN, ZX_ACT_INCLUDE, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "include_needs_fields");
	zx_transition_input in = {.action = "include", .risk_type = "因灾", .helper = "钱七"};
	assert_int_equal(zx_case_transition(d->c, &a, id, &in, NULL, &ei), ZX_OK);
}

static void test_one_open_case_per_household_and_sources_are_checked(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	actor_for(ZX_ROLE_VILLAGE_CLERK, &a);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	const char *no = hh_nos[next_hh];
	zx_case_input in = {no, "self_report", 0, "农户申报因病", NULL, NULL, NULL};
	assert_int_equal(zx_case_create(d->c, &a, &in, NULL, &ei), ZX_OK);
	assert_int_equal(zx_case_create(d->c, &a, &in, NULL, &ei), ZX_ECONFLICT);
	assert_string_equal(ei.code, "case_open");
	zx_case_input unknown = {hh_nos[next_hh + 1], "rumour", 0, "x", NULL, NULL, NULL};
	assert_int_equal(zx_case_create(d->c, &a, &unknown, NULL, &ei), ZX_EINVAL);
	zx_case_input no_reason = {hh_nos[next_hh + 1], "cadre", 0, "", NULL, NULL, NULL};
	assert_int_equal(zx_case_create(d->c, &a, &no_reason, NULL, &ei), ZX_EINVAL);
	zx_case_input not_candidate = {hh_nos[next_hh + 1], "screening", 12345, NULL, NULL, NULL, NULL};
	assert_int_equal(zx_case_create(d->c, &a, &not_candidate, NULL, &ei), ZX_EVALIDATION);
	zxt_actor(&a, ZX_ROLE_HELPER, ZXT_VILLAGE_A1);
	assert_int_equal(zx_case_create(d->c, &a, &in, NULL, &ei), ZX_EFORBIDDEN);
}

static void test_a_case_from_a_screening_takes_the_candidates_reasons(void **state)
{
	zxt_db *d = *state;
	const char *no = hh_nos[next_hh];
	mont_survey(d, no, 2025, 612000);
	mont_policy(d, ZXT_COUNTY12, 2025, 7000, 1500, 30, 5000, 50);
	zx_actor a;
	actor_for(ZX_ROLE_VILLAGE_CLERK, &a);
	zx_screen_result r;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_screen_save(d->c, &a, ZXT_VILLAGE_A1, 2025, &r, &ei), ZX_OK);
	zx_case_input in = {no, "screening", r.screening_id, NULL, NULL, NULL, NULL};
	int64_t id = 0;
	assert_int_equal(zx_case_create(d->c, &a, &in, &id, &ei), ZX_OK);
	zx_case k;
	assert_int_equal(zx_case_get(d->c, &a, id, &k), ZX_OK);
	assert_string_equal(k.reason, "人均纯收入 6120元 低于监测线 7000元");
	assert_int_equal(k.due_at - k.discovered_at, ZX_CASE_DUE_DAYS * DAY);
}

static void test_a_case_in_another_village_is_not_found(void **state)
{
	zxt_db *d = *state;
	int64_t id = new_case(d);
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A2);
	zx_case k;
	assert_int_equal(zx_case_get(d->c, &a, id, &k), ZX_ENOTFOUND);
	zx_transition_input in = {.action = "verify"};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_case_transition(d->c, &a, id, &in, NULL, &ei), ZX_ENOTFOUND);
	zxt_actor(&a, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_B);
	assert_int_equal(zx_case_transition(d->c, &a, id, &in, NULL, &ei), ZX_ENOTFOUND);
	assert_int_equal(steps_of(d, id), 1);
}

static bool add_step(void *ctx, const zx_case_step *s)
{
	zx_case_step *out = ctx;
	out[out[0].id == 0 ? 0 : out[1].id == 0 ? 1 : 2] = *s;
	return true;
}

static void test_steps_record_who_what_and_attachments_metadata(void **state)
{
	zxt_db *d = *state;
	int64_t id = new_case(d);
	zx_actor a;
	actor_for(ZX_ROLE_VILLAGE_CLERK, &a);
	zx_attachment att[2] = {
	    {"入户核实表.jpg", 123456, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"},
	    {"x", 1, "not-a-hash"}};
	zx_transition_input in = {.action = "verify", .opinion = "情况属实", .nattach = 2, .attach = att};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_case_transition(d->c, &a, id, &in, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "invalid_attachment");
	in.nattach = 1;
	assert_int_equal(zx_case_transition(d->c, &a, id, &in, NULL, &ei), ZX_OK);
	zx_case_step steps[3];
	memset(steps, 0, sizeof(steps));
	assert_int_equal(zx_case_steps(d->c, &a, id, add_step, steps), ZX_OK);
	assert_string_equal(steps[0].action, "create");
	assert_string_equal(steps[1].action, "verify");
	assert_string_equal(steps[1].from_state, "discovered");
	assert_string_equal(steps[1].to_state, "verified");
	assert_string_equal(steps[1].username, "t_village_clerk");
	assert_string_equal(steps[1].role, "village_clerk");
	assert_string_equal(steps[1].opinion, "情况属实");
	assert_non_null(strstr(steps[1].attachments, "\"sha256\":\"e3b0c442"));
	assert_non_null(strstr(steps[1].attachments, "入户核实表.jpg"));
}

static bool add_notice(void *ctx, const zx_notice_item *it)
{
	(*(int *)ctx)++;
	assert_string_equal(it->name, "王大明");
	assert_string_equal(it->grp, "3组");
	assert_string_equal(it->category, "边缘易致贫户");
	assert_string_equal(it->reason, "因病");
	return true;
}

static void test_the_notice_lists_households_in_notice_only(void **state)
{
	zxt_db *d = *state;
	case_in(d, ZX_CASE_NOTICED);
	case_in(d, ZX_CASE_REVIEWED);
	case_in(d, ZX_CASE_TOWN_APPROVED);
	zx_actor a;
	actor_for(ZX_ROLE_VILLAGE_CLERK, &a);
	char name[128];
	int n = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_notice_list(d->c, &a, ZXT_VILLAGE_A1, name, sizeof(name), add_notice, &n, &ei),
	                 ZX_OK);
	assert_int_equal(n, 1);
	assert_string_equal(name, "老西街社区居民委员会");
	assert_int_equal(zx_notice_list(d->c, &a, ZXT_VILLAGE_B1, name, sizeof(name), add_notice, &n, &ei),
	                 ZX_ENOTFOUND);
	actor_for(ZX_ROLE_TOWN_ADMIN, &a);
	assert_int_equal(zx_notice_list(d->c, &a, ZXT_TOWN_A, name, sizeof(name), add_notice, &n, &ei),
	                 ZX_EVALIDATION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_transition_table_matches_the_specification),
	    cmocka_unit_test_setup_teardown(
	        test_every_allowed_and_every_refused_transition_through_the_database, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_notice_shorter_than_five_days_is_refused_then_allowed_after_the_clock_moves, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(test_a_return_before_the_notice_restarts_the_notice, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_cases_are_overdue_fifteen_days_after_discovery_unless_closed,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_include_makes_the_household_a_monitored_one, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_include_checks_category_and_needs_all_three_fields, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_one_open_case_per_household_and_sources_are_checked, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_a_case_from_a_screening_takes_the_candidates_reasons, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_a_case_in_another_village_is_not_found, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_steps_record_who_what_and_attachments_metadata, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_the_notice_lists_households_in_notice_only, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
