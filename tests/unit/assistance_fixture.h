/*
 * assistance_fixture.h — what the 帮扶 unit tests share (test_elimination, test_visits,
 * test_plans, test_campaigns): a migrated database with the 三台县 hierarchy and a frozen
 * clock, households with chosen facts, raw SQL for facts another module owns (surveys,
 * policies, workflow cases) and actors of any role.
 *
 * Header-only on top of tests/lib/zxtest.h; include after <cmocka.h>. Helpers assert as
 * they go, so a broken fixture fails the test that uses it.
 */
#ifndef ZX_ASSISTANCE_FIXTURE_H
#define ZX_ASSISTANCE_FIXTURE_H

#include <sqlite3.h>
#include <stdarg.h>

#include "../lib/zxtest.h"
#include "domain/assistance/assistance.h"

/* 2026-06-15 12:00 in UTC+8: every test starts here. */
#define FX_T0 ((int64_t)1781496000)
#define FX_DAY ((int64_t)86400)

typedef struct fx {
	zxt_db d;
	int serial;
} fx;

ZXT_FN void fx_open(fx *f)
{
	memset(f, 0, sizeof(*f));
	zx_clock_set(FX_T0);
	zxt_db_open(&f->d, 0);
	zxt_load_county(&f->d);
	f->serial = 600;
}

ZXT_FN void fx_close(fx *f)
{
	zxt_db_close(&f->d);
}

/* Runs SQL on a second connection (facts owned by other modules, backdating). */
ZXT_FN void fx_sql(fx *f, const char *fmt, ...)
{
	char sql[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	zxt_sql(f->d.path, sql, NULL, 0);
}

ZXT_FN int64_t fx_int(fx *f, const char *fmt, ...)
{
	char sql[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	char v[64];
	return zxt_sql(f->d.path, sql, v, sizeof(v)) > 0 ? strtoll(v, NULL, 10) : -1;
}

/* A household's facts; zero values mean the ordinary case (see fx_household). */
typedef struct fx_hh {
	const char *hh_type;  /* default 一般农户 */
	const char *category; /* default "" */
	const char *helper;   /* default "" */
	const char *risk_type;
	bool housing_unsafe, housing_unknown; /* default: 住房安全 是 */
	bool water_unsafe, water_unknown;
	int n;                           /* members, default 3 */
	const char *labor;               /* every member's 劳动技能, default 普通劳动力 */
	bool uninsured, insured_unknown; /* every member's 医保参保, default 是 */
	const char *school;              /* the last member's 在校生情况 */
} fx_hh;

/* Inserts a household (own transaction) and returns its id. */
ZXT_FN int64_t fx_household(fx *f, const char *village, const char *hh_no, const fx_hh *s)
{
	zx_person_rec m[8];
	char ids[8][19];
	int n = s->n > 0 ? s->n : 3;
	assert_true(n <= 8);
	for (int i = 0; i < n; i++) {
		zxt_id_number(++f->serial, ids[i]);
		m[i] = (zx_person_rec){.name = i == 0 ? "王一" : "王二",
		                       .id_number = ids[i],
		                       .relation = i == 0 ? "户主" : "之子",
		                       .gender = "男",
		                       .birth_ymd = 19800101,
		                       .nation = "汉族",
		                       .education = "初中",
		                       .school = i == n - 1 && s->school ? s->school : "非在校生",
		                       .health = "健康",
		                       .disability = "",
		                       .labor = s->labor ? s->labor : "普通劳动力",
		                       .work = "",
		                       .work_months = -1,
		                       .insured = s->uninsured         ? 0
		                                  : s->insured_unknown ? -1
		                                                       : 1,
		                       .phone = ""};
	}
	zx_household_rec h = {.hh_no = hh_no,
	                      .village = village,
	                      .group = "2组",
	                      .hh_type = s->hh_type ? s->hh_type : "一般农户",
	                      .category = s->category ? s->category : "",
	                      .housing_safe = s->housing_unsafe    ? 0
	                                      : s->housing_unknown ? -1
	                                                           : 1,
	                      .water_safe = s->water_unsafe    ? 0
	                                    : s->water_unknown ? -1
	                                                       : 1,
	                      .risk_type = s->risk_type ? s->risk_type : (s->category ? "因病" : ""),
	                      .helper = s->helper ? s->helper : "",
	                      .n = n,
	                      .m = m};
	int64_t id = 0;
	assert_int_equal(zx_tx_begin_write(f->d.c), ZX_OK);
	zx_err e = zx_household_insert(f->d.c, zxt_keys(), ZXT_COUNTY, &h, &id);
	if (e)
		fail_msg("zx_household_insert(%s): %s", hh_no, zx_err_name(e));
	assert_int_equal(zx_tx_commit(f->d.c), ZX_OK);
	if (!id)
		id = fx_int(f, "SELECT id FROM households WHERE hh_no = '%s'", hh_no);
	return id;
}

/* A 监测户 of village with helper 李帮扶 and ordinary facts. */
ZXT_FN int64_t fx_monitored(fx *f, const char *village, const char *hh_no)
{
	fx_hh s = {.hh_type = "脱贫户", .category = "脱贫不稳定户", .helper = "李帮扶"};
	return fx_household(f, village, hh_no, &s);
}

ZXT_FN void fx_actor(zx_actor *a, zx_role role, const char *area12, const char *display)
{
	zxt_actor(a, role, area12);
	snprintf(a->display_name, sizeof(a->display_name), "%s", display ? display : zx_role_name(role));
}

/* An income survey (元 figures) as monitoring writes it. */
ZXT_FN void fx_survey(fx *f, int64_t hid, int year, int64_t net_yuan, int size, int64_t transfer_yuan)
{
	fx_sql(f,
	       "INSERT INTO income_surveys (county, area_code, household_id, year, wage, business, property, "
	       "transfer,"
	       " expense, net, size, net_per_capita, updated_by, updated_at)"
	       " SELECT county, area_code, id, %d, %lld, 0, 0, %lld, 0, %lld, %d, %lld, 't', %lld FROM "
	       "households"
	       " WHERE id = %lld",
	       year, (long long)(net_yuan - transfer_yuan) * 100, (long long)transfer_yuan * 100,
	       (long long)net_yuan * 100, size, (long long)(net_yuan * 100 / size), (long long)zx_now(),
	       (long long)hid);
}

/* A 监测线 (元) for an area (county or province, 12 digits) and year. */
ZXT_FN void fx_policy(fx *f, const char *area12, int year, int64_t line_yuan, int version)
{
	fx_sql(f,
	       "INSERT INTO policies (county, area_code, year, version, income_line, warning_factor, "
	       "drop_percent,"
	       " medical_selfpay, medical_selfpay_ratio, created_by, created_at)"
	       " VALUES ('%.6s', '%s', %d, %d, %lld, 1500, 30, 500000, 50, 't', %lld)",
	       area12, area12, year, version, (long long)line_yuan * 100, (long long)zx_now());
}

/* A closed 识别纳入 case (纳入监测 at time t) as the workflow leaves it. */
ZXT_FN void fx_included_case(fx *f, int64_t hid, int64_t t)
{
	fx_sql(
	    f,
	    "INSERT INTO cases (county, area_code, household_id, source, reason, state, category, risk_type,"
	    " helper, discovered_at, due_at, closed_at, created_by, updated_at)"
	    " SELECT county, area_code, id, 'cadre', '测试', 'included', category, risk_type, helper, %lld, "
	    "%lld,"
	    " %lld, 't', %lld FROM households WHERE id = %lld",
	    (long long)(t - 10 * FX_DAY), (long long)(t + 5 * FX_DAY), (long long)t, (long long)t,
	    (long long)hid);
}

#endif
