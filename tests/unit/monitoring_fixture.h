/*
 * monitoring_fixture.h — what the monitoring unit tests share (test_income, test_policy,
 * test_screening, test_workflow): a database with the 三台县 hierarchy, households with
 * chosen facts (size, housing, water, members' 在校生情况 and 医保参保), surveys and a
 * policy. Header-only, on top of tests/lib/zxtest.h; include
 * after <cmocka.h>. The helpers assert as they go, so a broken fixture fails the test.
 */
#ifndef ZX_MONITORING_FIXTURE_H
#define ZX_MONITORING_FIXTURE_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/log.h"
#include "domain/area/area.h"
#include "domain/auth/actor.h"
#include "domain/registry/household.h"
#include "store/store.h"
#include "domain/monitoring/income.h"
#include "domain/monitoring/money.h"
#include "domain/monitoring/monitoring.h"
#include "domain/monitoring/policy.h"

/* The database, hierarchy, actor and key fixtures are the shared ones. */
#include "../lib/zxtest.h"

/* A household's facts for mont_household(). */
typedef struct mont_hh {
	const char *village;
	const char *hh_no;
	int size;
	const char *hh_type;  /* NULL: 一般农户 */
	const char *category; /* NULL: not monitored */
	int housing_safe;     /* 1, 0 or -1 unknown */
	int water_safe;
	int uninsured; /* members with 医保参保 = 否 */
	int dropouts;  /* members with 在校生情况 = 失学辍学 */
	int id_base;   /* first serial of the members' ID numbers (unique per test) */
} mont_hh;

/* A valid ID number, unique per serial (0..49999): birth year 1950 + serial / 1000. */
ZXT_FN void mont_id(int serial, char out[19])
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	snprintf(out, 19, "510722%04d0101%03d", 1950 + serial / 1000 % 50, serial % 1000);
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

/* Inserts a household (own transaction); returns its id. */
ZXT_FN int64_t mont_household(zxt_db *d, const mont_hh *h)
{
	zx_person_rec m[8];
	char ids[8][19];
	assert_true(h->size >= 1 && h->size <= 8);
	for (int i = 0; i < h->size; i++) {
		mont_id(h->id_base + i, ids[i]);
		m[i] = (zx_person_rec){.name = i == 0 ? "王大明" : "王小明",
		                       .id_number = ids[i],
		                       .relation = i == 0 ? "户主" : "之子",
		                       .gender = "男",
		                       .birth_ymd = 19800101,
		                       .nation = "汉族",
		                       .education = "",
		                       .school = i < h->dropouts ? "失学辍学" : "非在校生",
		                       .health = "患有大病",
		                       .disability = "",
		                       .labor = "",
		                       .work = "",
		                       .work_months = -1,
		                       .insured = i < h->uninsured ? 0 : 1,
		                       .phone = "13812345678"};
	}
	zx_household_rec r = {.hh_no = h->hh_no,
	                      .village = h->village,
	                      .group = "3组",
	                      .hh_type = h->hh_type ? h->hh_type : "一般农户",
	                      .category = h->category ? h->category : "",
	                      .housing_safe = h->housing_safe,
	                      .water_safe = h->water_safe,
	                      .risk_type = "",
	                      .helper = "",
	                      .n = h->size,
	                      .m = m};
	int64_t id = 0;
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	zx_err e = zx_household_insert(d->c, zxt_keys(), ZXT_COUNTY, &r, &id);
	if (e)
		fail_msg("zx_household_insert(%s): %s", h->hh_no, zx_err_name(e));
	assert_int_equal(zx_tx_commit(d->c), ZX_OK);
	return id;
}

/* A plain household of `size` members with every fact fine. */
ZXT_FN int64_t mont_plain(zxt_db *d, const char *village, const char *hh_no, int size, int id_base)
{
	mont_hh h = {.village = village,
	             .hh_no = hh_no,
	             .size = size,
	             .housing_safe = 1,
	             .water_safe = 1,
	             .id_base = id_base};
	return mont_household(d, &h);
}

/* Sets a policy as the CLI operator; amounts in 元. */
ZXT_FN void mont_policy(zxt_db *d, const char *area12, int year, int64_t line_yuan, int64_t factor_permille,
                        int64_t drop, int64_t selfpay_yuan, int64_t ratio)
{
	zx_actor cli;
	zx_actor_cli(&cli);
	zx_policy_input in = {area12, year, line_yuan * 100, factor_permille, drop, selfpay_yuan * 100,
	                      ratio};
	zx_policy p;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_policy_set(d->c, &cli, &in, &p, &ei);
	if (e)
		fail_msg("zx_policy_set: %s %s", zx_err_name(e), ei.message);
}

/* Writes a survey whose 纯收入 is net_fen (all of it 工资性收入, or an expense when negative). */
ZXT_FN void mont_survey(zxt_db *d, const char *hh_no, int year, int64_t net_fen)
{
	zx_actor cli;
	zx_actor_cli(&cli);
	zx_mon_household hh;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_mon_household_find(d->c, &cli, hh_no, &hh, &ei), ZX_OK);
	zx_income_figures f = {0};
	if (net_fen >= 0)
		f.wage = net_fen;
	else
		f.expense = -net_fen;
	zx_income_survey s;
	zx_err e = zx_income_put(d->c, &cli, &hh, year, &f, &s, &ei);
	if (e)
		fail_msg("zx_income_put(%s): %s %s", hh_no, zx_err_name(e), ei.message);
}

/* Writes text to DIR/name and returns the path (static buffer per call site's copy). */
ZXT_FN void mont_write(const zxt_db *d, const char *name, const char *text, char *path, size_t pathsz)
{
	snprintf(path, pathsz, "%s/%s", d->dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The first column of the first row of sql, read through a separate plain SQLite
 * connection (committed data only, either backend): for checking what a refused write left behind. */
ZXT_FN int64_t mont_sql_int(const zxt_db *d, const char *sql)
{
	char v[64];
	return zxt_sql(d->path, sql, v, sizeof(v)) > 0 ? strtoll(v, NULL, 10) : -1;
}

#endif
