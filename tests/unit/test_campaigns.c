/*
 * test_campaigns.c — 集中排查 / 回头看: the household set snapshot by target group, progress
 * counting only visits inside the campaign's dates (per village, limited to the caller's
 * scope), issues (个性问题 of a household in the set, 共性问题 of an area inside the campaign),
 * rectification and the completion rate, and what blocks elimination meanwhile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assistance_fixture.h"
#include "domain/assistance/campaign.h"
#include "domain/assistance/visit.h"

/* Town A: a 监测户 and a 脱贫户 in A1, a 一般农户 in A2; town B: a 脱贫户. */
static void households(fx *f)
{
	fx_monitored(f, ZXT_VILLAGE_A1, "510722101002501");
	fx_hh tp = {.hh_type = "脱贫户", .helper = "赵帮扶"};
	fx_household(f, ZXT_VILLAGE_A1, "510722101002502", &tp);
	fx_hh general = {0};
	fx_household(f, ZXT_VILLAGE_A2, "510722101003503", &general);
	fx_household(f, ZXT_VILLAGE_B1, "510722104003504", &tp);
}

static int64_t create(fx *f, const zx_actor *a, const char *area, unsigned targets, const char *start,
                      const char *end, zx_err want)
{
	zx_campaign_input in = {.name = "2026年回头看",
	                        .kind = "回头看",
	                        .area = area,
	                        .start = start,
	                        .end = end,
	                        .targets = targets};
	int64_t id = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_campaign_create(f->d.c, a, &in, &id, &ei);
	if (e != want)
		fail_msg("create: %s %s", zx_err_name(e), ei.message);
	return id;
}

static void test_snapshot_holds_the_chosen_groups_of_the_area(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	households(&f);
	zx_actor county;
	fx_actor(&county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL);
	zx_campaign k;
	int64_t id = create(&f, &county, ZXT_TOWN_A, ZX_CAMPAIGN_TUOPIN | ZX_CAMPAIGN_MONITORED, "2026-06-01",
	                    "2026-06-30", ZX_OK);
	assert_int_equal(zx_campaign_get(f.d.c, &county, id, &k), ZX_OK);
	assert_int_equal(k.households, 2);
	id = create(&f, &county, "", ZX_CAMPAIGN_ALL, "2026-06-01", "2026-06-30", ZX_OK);
	assert_int_equal(zx_campaign_get(f.d.c, &county, id, &k), ZX_OK);
	assert_int_equal(k.households, 4);
	id = create(&f, &county, "", ZX_CAMPAIGN_MONITORED, "2026-06-01", "2026-06-30", ZX_OK);
	assert_int_equal(zx_campaign_get(f.d.c, &county, id, &k), ZX_OK);
	assert_int_equal(k.households, 1);
	/* Bad input. */
	create(&f, &county, "", 0, "2026-06-01", "2026-06-30", ZX_EVALIDATION);
	create(&f, &county, "", ZX_CAMPAIGN_ALL, "2026-06-30", "2026-06-01", ZX_EVALIDATION);
	create(&f, &county, "", ZX_CAMPAIGN_ALL, "2026-01-01", "2027-06-30", ZX_EVALIDATION);
	zx_actor town, helper;
	fx_actor(&town, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A, NULL);
	fx_actor(&helper, ZX_ROLE_HELPER, ZXT_VILLAGE_A1, "李帮扶");
	create(&f, &town, ZXT_TOWN_B, ZX_CAMPAIGN_ALL, "2026-06-01", "2026-06-30", ZX_EFORBIDDEN);
	create(&f, &helper, "", ZX_CAMPAIGN_ALL, "2026-06-01", "2026-06-30", ZX_EFORBIDDEN);
	assert_int_equal(fx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'campaign.create'"), 3);
	fx_close(&f);
}

static void visit(fx *f, const char *hh_no, const char *date, const char *key)
{
	zx_actor a;
	fx_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL);
	zx_visit v;
	bool dup;
	zx_visit_input in = {.hh_no = hh_no, .date = date, .client_key = key};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_visit_record(f->d.c, &a, &in, &v, &dup, &ei), ZX_OK);
}

typedef struct villages {
	int n;
	char code[4][13];
	int64_t households[4], visited[4];
} villages;

static bool take_village(void *ctx, const zx_campaign_village *v)
{
	villages *vs = ctx;
	if (vs->n < 4) {
		snprintf(vs->code[vs->n], 13, "%s", v->area_code);
		vs->households[vs->n] = v->households;
		vs->visited[vs->n] = v->visited;
	}
	vs->n++;
	return true;
}

static void test_progress_counts_visits_inside_the_dates_per_village(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	households(&f);
	zx_actor county, clerk_a2;
	fx_actor(&county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL);
	fx_actor(&clerk_a2, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A2, NULL);
	int64_t id = create(&f, &county, ZXT_TOWN_A, ZX_CAMPAIGN_ALL, "2026-06-10", "2026-06-20", ZX_OK);
	visit(&f, "510722101002501", "2026-06-09", "k-camp-0001"); /* before the campaign */
	visit(&f, "510722101002502", "2026-06-12", "k-camp-0002");
	visit(&f, "510722101002502", "2026-06-13", "k-camp-0003"); /* twice: counted once */
	visit(&f, "510722104003504", "2026-06-12", "k-camp-0004"); /* outside the area */
	zx_campaign k;
	assert_int_equal(zx_campaign_get(f.d.c, &county, id, &k), ZX_OK);
	villages vs = {0};
	zx_campaign_totals t;
	assert_int_equal(zx_campaign_progress(f.d.c, &county, &k, take_village, &vs, &t), ZX_OK);
	assert_int_equal(t.households, 3);
	assert_int_equal(t.visited, 1);
	assert_int_equal(vs.n, 2);
	assert_string_equal(vs.code[0], ZXT_VILLAGE_A1);
	assert_int_equal(vs.households[0], 2);
	assert_int_equal(vs.visited[0], 1);
	assert_int_equal(vs.visited[1], 0);
	/* A village clerk sees the town's campaign, with the figures of the village only. */
	assert_int_equal(zx_campaign_get(f.d.c, &clerk_a2, id, &k), ZX_OK);
	assert_int_equal(zx_campaign_progress(f.d.c, &clerk_a2, &k, NULL, NULL, &t), ZX_OK);
	assert_int_equal(t.households, 1);
	assert_int_equal(t.visited, 0);
	/* A clerk of another town does not see it at all. */
	zx_actor clerk_b;
	fx_actor(&clerk_b, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_B1, NULL);
	assert_int_equal(zx_campaign_get(f.d.c, &clerk_b, id, &k), ZX_ENOTFOUND);
	fx_close(&f);
}

static zx_err issue(fx *f, const zx_actor *a, int64_t cid, zx_issue_input in, int64_t *id, zx_errinfo *ei)
{
	zx_errinfo_clear(ei);
	return zx_issue_add(f->d.c, a, cid, &in, id, ei);
}

static void test_issues_rectification_and_completion_rate(void **state)
{
	(void)state;
	fx f;
	fx_open(&f);
	households(&f);
	zx_actor county, town, helper;
	fx_actor(&county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, NULL);
	fx_actor(&town, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A, NULL);
	fx_actor(&helper, ZX_ROLE_HELPER, ZXT_VILLAGE_A1, "李帮扶");
	int64_t cid = create(&f, &town, "", ZX_CAMPAIGN_TUOPIN | ZX_CAMPAIGN_MONITORED, "2026-06-01",
	                     "2026-06-30", ZX_OK);
	int64_t p1 = 0, p2 = 0, c1 = 0;
	zx_errinfo ei;
	/* 个性问题: a household of the set; the helper for their own household only. */
	assert_int_equal(issue(&f, &helper, cid,
	                       (zx_issue_input){.scope = "个性问题",
	                                        .hh_no = "510722101002501",
	                                        .description = "饮水管老化"},
	                       &p1, &ei),
	                 ZX_OK);
	assert_int_equal(
	    issue(&f, &helper, cid,
	          (zx_issue_input){.scope = "个性问题", .hh_no = "510722101002502", .description = "x"}, NULL,
	          &ei),
	    ZX_EFORBIDDEN);
	assert_int_equal(
	    issue(&f, &town, cid,
	          (zx_issue_input){.scope = "个性问题", .hh_no = "510722101003503", .description = "x"}, NULL,
	          &ei),
	    ZX_EVALIDATION);
	assert_string_equal(ei.code, "not_in_campaign");
	assert_int_equal(issue(&f, &town, cid,
	                       (zx_issue_input){.scope = "个性问题",
	                                        .hh_no = "510722101002502",
	                                        .description = "收入证明缺失"},
	                       &p2, &ei),
	                 ZX_OK);
	/* 共性问题: an area inside the campaign; the helper may not. */
	assert_int_equal(issue(&f, &town, cid,
	                       (zx_issue_input){.scope = "共性问题", .description = "政策知晓率低"}, &c1,
	                       &ei),
	                 ZX_OK);
	assert_int_equal(issue(&f, &county, cid,
	                       (zx_issue_input){.scope = "共性问题", .area = ZXT_TOWN_B, .description = "x"},
	                       NULL, &ei),
	                 ZX_EVALIDATION);
	assert_int_equal(
	    issue(&f, &helper, cid, (zx_issue_input){.scope = "共性问题", .description = "x"}, NULL, &ei),
	    ZX_EFORBIDDEN);
	assert_int_equal(
	    issue(&f, &town, cid, (zx_issue_input){.scope = "其他", .description = "x"}, NULL, &ei),
	    ZX_EVALIDATION);
	/* Rectification: 已整改 needs a text; the time is kept. */
	zx_errinfo_clear(&ei);
	zx_issue_input done = {.status = "已整改"};
	assert_int_equal(zx_issue_update(f.d.c, &town, cid, p1, &done, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "rectification_required");
	done.rectification = "已更换水管";
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_issue_update(f.d.c, &helper, cid, p1, &done, &ei), ZX_OK);
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_issue_update(f.d.c, &helper, cid, p2, &done, &ei), ZX_EFORBIDDEN);
	zx_clock_advance(FX_DAY);
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_issue_update(f.d.c, &town, cid, c1, &done, &ei), ZX_OK);
	zx_issue is;
	assert_int_equal(zx_issue_get(f.d.c, &town, cid, p1, &is), ZX_OK);
	assert_string_equal(is.status, "已整改");
	assert_int_equal(is.rectified_at, FX_T0);
	zx_campaign k;
	zx_campaign_totals t;
	assert_int_equal(zx_campaign_get(f.d.c, &town, cid, &k), ZX_OK);
	assert_int_equal(zx_campaign_progress(f.d.c, &town, &k, NULL, NULL, &t), ZX_OK);
	assert_int_equal(t.issues_personal, 2);
	assert_int_equal(t.issues_common, 1);
	assert_int_equal(t.issues_rectified, 2);
	/* Back to 整改中 clears the time. */
	zx_issue_input reopen = {.status = "整改中"};
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_issue_update(f.d.c, &town, cid, p1, &reopen, &ei), ZX_OK);
	assert_int_equal(zx_issue_get(f.d.c, &town, cid, p1, &is), ZX_OK);
	assert_int_equal(is.rectified_at, 0);
	/* An issue of another campaign id is not found. */
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_issue_update(f.d.c, &town, cid + 1, p1, &done, &ei), ZX_ENOTFOUND);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_snapshot_holds_the_chosen_groups_of_the_area),
	    cmocka_unit_test(test_progress_counts_visits_inside_the_dates_per_village),
	    cmocka_unit_test(test_issues_rectification_and_completion_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
