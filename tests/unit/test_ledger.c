/*
 * test_ledger.c — the generic ledger engine (台账): kinds as data, value parsing (元/万元,
 * dates), each kind's validation and checks (loan limits and overdue flag, overlapping
 * 公益性岗位, 村集体经济 薄弱村 and its configurable threshold, 产业发展类 share of 衔接资金,
 * project funds, milestones), persons/households outside the row's area, scope, audit rows,
 * totals, and the import cases of tests/data/ledger (all-or-nothing by counts).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <unistd.h>

#include "../lib/zxtest.h"
#include "domain/ledger/ledger.h"
#include "domain/ledger/ledger_internal.h"

#define P1 "510722198501011019" /* A1, household 510722101002001 */
#define P2 "510722198502021024" /* A1, household 510722101002002 */
#define P3 "510722198603031037" /* A2, household 510722101003001 */
#define P4 "51072219870404104X" /* B1, household 510722104003001 */

/* tests/data/ledger as seen from the working directory (repo root under tests/run, the
 * build directory or tests/ under meson test). */
static const char *data_dir(void)
{
	const char *candidates[] = {"tests/data/ledger", "../tests/data/ledger", "../../tests/data/ledger"};
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (access(candidates[i], R_OK) == 0)
			return candidates[i];
	fail_msg("tests/data/ledger not found from the working directory");
	return NULL;
}

/* A 脱贫户 of one member, 王五 (born 1985), with the given ID number. */
static void person_household(zxt_db *d, const char *village, const char *hh_no, const char *id)
{
	zx_person_rec m = zxt_member("王五", id, "户主");
	m.birth_ymd = 19850101;
	zxt_household_of(d, village, hh_no, "脱贫户", &m, 1);
}

static void fixture_people(zxt_db *d)
{
	person_household(d, ZXT_VILLAGE_A1, "510722101002001", P1);
	person_household(d, ZXT_VILLAGE_A1, "510722101002002", P2);
	person_household(d, ZXT_VILLAGE_A2, "510722101003001", P3);
	person_household(d, ZXT_VILLAGE_B1, "510722104003001", P4);
}

static void open_db(zxt_db *d)
{
	zxt_quiet();
	zxt_db_open(d, 0);
	zxt_load_county(d);
	fixture_people(d);
	zx_clock_set(1750000000); /* 2025-06-15 (UTC+8) */
}

/* Raw SQL beside the store's connection (SQLite file or the test's PostgreSQL database). */
static long long sql_run(zxt_db *d, const char *sql)
{
	return zxt_sql(d->path, sql, NULL, 0);
}

static long long sql_int(zxt_db *d, const char *sql)
{
	return zxt_sql_int(d->path, sql);
}

/* Input by field key. */
typedef struct kv {
	const char *k, *v;
} kv;

static zx_ledger_input input(const zx_ledger_kind *k, const kv *pairs)
{
	zx_ledger_input in;
	memset(&in, 0, sizeof(in));
	in.keys = zxt_keys();
	for (; pairs && pairs->k; pairs++) {
		int i = zx_ledger_field_find(k, pairs->k, NULL);
		assert_true(i >= 0);
		in.val[i] = pairs->v;
	}
	return in;
}

static zx_err add(zxt_db *d, const zx_actor *a, const char *kind, const kv *pairs, int64_t *id,
                  zx_errinfo *ei)
{
	const zx_ledger_kind *k = zx_ledger_kind_find(kind);
	assert_non_null(k);
	zx_ledger_input in = input(k, pairs);
	zx_errinfo_clear(ei);
	return zx_ledger_add(d->c, a, k, &in, id, ei);
}

/* ---- kinds and values ------------------------------------------------------------------ */

static void test_kinds_are_well_formed(void **state)
{
	(void)state;
	int n = 0;
	const zx_ledger_kind *ks = zx_ledger_kinds(&n);
	assert_int_equal(n, 8);
	for (int i = 0; i < n; i++) {
		const zx_ledger_kind *k = &ks[i];
		assert_true(k->nfields > 0 && k->nfields <= ZX_LEDGER_MAX_FIELDS);
		int roles[16] = {0};
		for (int f = 0; f < k->nfields; f++) {
			if (k->fields[f].role != ZX_LR_NONE)
				roles[k->fields[f].role]++;
			assert_true(roles[k->fields[f].role] <= 1 || k->fields[f].role == ZX_LR_NONE);
			for (int g = 0; g < f; g++) {
				assert_string_not_equal(k->fields[f].key, k->fields[g].key);
				assert_string_not_equal(k->fields[f].label, k->fields[g].label);
			}
			if (k->fields[f].type == ZX_LF_ENUM)
				assert_non_null(k->fields[f].enums);
		}
		assert_ptr_equal(zx_ledger_kind_find(k->key), k);
	}
	assert_null(zx_ledger_kind_find("nope"));
	bool wan = false;
	const zx_ledger_kind *loan = zx_ledger_kind_find("microloan");
	int i = zx_ledger_field_find(loan, "贷款金额（万元）", &wan);
	assert_string_equal(loan->fields[i].key, "amount");
	assert_true(wan);
	assert_int_equal(zx_ledger_field_find(loan, "贷款金额(元)", &wan), i);
	assert_false(wan);
	assert_int_equal(zx_ledger_field_find(loan, "贷款期限（月）", &wan),
	                 zx_ledger_field_find(loan, "term", NULL));
	assert_false(wan); /* 万 only converts money */
	assert_int_equal(zx_ledger_field_find(loan, "金额", NULL), -1);
}

static void test_money_and_dates(void **state)
{
	(void)state;
	int64_t fen = 0;
	assert_int_equal(zx_ledger_parse_money("50000", false, &fen), 0);
	assert_int_equal(fen, 5000000);
	assert_int_equal(zx_ledger_parse_money("5万元", false, &fen), 0);
	assert_int_equal(fen, 5000000);
	assert_int_equal(zx_ledger_parse_money("147.6241", true, &fen), 0);
	assert_int_equal(fen, 147624100);
	assert_int_equal(zx_ledger_parse_money("1,234.5元", false, &fen), 0);
	assert_int_equal(fen, 123450);
	assert_int_equal(zx_ledger_parse_money("-3", false, &fen), 2);
	assert_int_equal(zx_ledger_parse_money("-3", true, &fen), 2);
	assert_int_equal(zx_ledger_parse_money("1.234", false, &fen), 3);
	assert_int_equal(zx_ledger_parse_money("1.2345678", true, &fen), 3);
	assert_int_equal(zx_ledger_parse_money("abc", false, &fen), 1);
	assert_int_equal(zx_ledger_parse_money("", false, &fen), 1);
	char d[11];
	assert_true(zx_ledger_parse_date("2024-03-05", d));
	assert_string_equal(d, "2024-03-05");
	assert_true(zx_ledger_parse_date("2024/3/5", d));
	assert_string_equal(d, "2024-03-05");
	assert_true(zx_ledger_parse_date("20240305", d));
	assert_true(zx_ledger_parse_date("2024年3月5日", d));
	assert_string_equal(d, "2024-03-05");
	assert_true(zx_ledger_parse_date("2024-03-05 00:00:00", d));
	assert_false(zx_ledger_parse_date("2024-02-30", d));
	assert_false(zx_ledger_parse_date("2024-13-01", d));
	assert_false(zx_ledger_parse_date("3/5/2024", d));
	assert_false(zx_ledger_parse_date("", d));
	assert_true(zx_ledger_loan_overdue("正常", "2025-01-01", "2025-06-15"));
	assert_false(zx_ledger_loan_overdue("已还清", "2025-01-01", "2025-06-15"));
	assert_false(zx_ledger_loan_overdue("正常", "2025-06-15", "2025-06-15"));
}

/* ---- microloan ------------------------------------------------------------------------------ */

static void test_loan_limits_dates_and_overdue_flag(void **state)
{
	(void)state;
	zxt_db d;
	open_db(&d);
	zx_actor clerk;
	zxt_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1);
	zx_errinfo ei;
	int64_t id = 0;
	kv ok[] = {{"borrower", P1},         {"amount", "5万元"},   {"term", "36"},
	           {"issued", "2022-03-01"}, {"due", "2025-02-28"}, {NULL, NULL}};
	assert_int_equal(add(&d, &clerk, "microloan", ok, &id, &ei), ZX_OK);
	assert_true(id > 0);
	assert_int_equal(sql_int(&d, "SELECT amount_fen FROM ledger_entries"), 5000000);
	assert_int_equal(sql_int(&d, "SELECT quantity FROM ledger_entries"), 36);
	assert_int_equal(
	    sql_int(
	        &d,
	        "SELECT count(*) FROM ledger_entries WHERE status = '正常' AND area_code = '" ZXT_VILLAGE_A1
	        "' AND household_id IS NOT NULL AND end_date = '2025-02-28'"),
	    1);
	kv over[] = {{"borrower", P2},         {"amount", "50000.01"}, {"term", "12"},
	             {"issued", "2024-03-01"}, {"due", "2025-02-28"},  {NULL, NULL}};
	assert_int_equal(add(&d, &clerk, "microloan", over, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "loan_over_limit");
	assert_string_equal(ei.field, "贷款金额");
	kv longer[] = {{"borrower", P2},         {"amount", "1000"},    {"term", "48"},
	               {"issued", "2024-03-01"}, {"due", "2028-02-28"}, {NULL, NULL}};
	assert_int_equal(add(&d, &clerk, "microloan", longer, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "loan_term_over_limit");
	kv backwards[] = {{"borrower", P2},         {"amount", "1000"},    {"term", "12"},
	                  {"issued", "2024-03-01"}, {"due", "2024-02-28"}, {NULL, NULL}};
	assert_int_equal(add(&d, &clerk, "microloan", backwards, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "end_before_start");
	kv future[] = {{"borrower", P2},         {"amount", "1000"},    {"term", "12"},
	               {"issued", "2025-07-01"}, {"due", "2026-06-30"}, {NULL, NULL}};
	assert_int_equal(add(&d, &clerk, "microloan", future, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "date_in_future");
	kv neg[] = {{"borrower", P2},         {"amount", "-1000"},   {"term", "12"},
	            {"issued", "2024-03-01"}, {"due", "2025-02-28"}, {NULL, NULL}};
	assert_int_equal(add(&d, &clerk, "microloan", neg, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "negative_amount");
	kv bad_id[] = {{"borrower", "510722198501011010"}, {"amount", "1000"},    {"term", "12"},
	               {"issued", "2024-03-01"},           {"due", "2025-02-28"}, {NULL, NULL}};
	assert_int_equal(add(&d, &clerk, "microloan", bad_id, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.field, "借款人证件号码");
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM ledger_entries"), 1);

	/* a higher limit for the county lets the same loan in */
	zx_actor county;
	zxt_actor(&county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	zx_errinfo_clear(&ei);
	assert_int_equal(
	    zx_ledger_setting_set(d.c, &county, ZXT_COUNTY12, 0, ZX_LEDGER_SET_LOAN_MAX, 10000000, &ei),
	    ZX_OK);
	assert_int_equal(add(&d, &clerk, "microloan", over, NULL, &ei), ZX_OK);

	/* overdue: due 2025-02-28 passed on 2025-06-15 unless repaid */
	const zx_ledger_kind *k = zx_ledger_kind_find("microloan");
	json_t *o = NULL;
	assert_int_equal(zx_ledger_get_json(d.c, &clerk, k, id, (void **)&o, &ei), ZX_OK);
	assert_string_equal(json_string_value(json_object_get(o, "overdue")), "是");
	assert_string_equal(json_string_value(json_object_get(o, "amount")), "50000.00");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "borrower"), "id_masked")),
	                    "5107**********1019");
	json_decref(o);
	json_t *checks = NULL;
	assert_int_equal(zx_ledger_checks_json(d.c, &clerk, k, NULL, 2022, (void **)&checks, &ei), ZX_OK);
	assert_int_equal(json_array_size(checks), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(checks, 0), "code")),
	                    "loan_overdue");
	json_decref(checks);
	zx_ledger_input repaid = input(k, (kv[]){{"status", "已还清"}, {NULL, NULL}});
	assert_int_equal(zx_ledger_update(d.c, &clerk, k, id, &repaid, &ei), ZX_OK);
	assert_int_equal(zx_ledger_get_json(d.c, &clerk, k, id, (void **)&o, &ei), ZX_OK);
	assert_string_equal(json_string_value(json_object_get(o, "overdue")), "否");
	assert_int_equal(json_integer_value(json_object_get(o, "term")), 36); /* kept */
	json_decref(o);
	/* moving the clock back makes a loan current again */
	zx_clock_set(1700000000); /* 2023-11-15 */
	zx_ledger_input unpaid = input(k, (kv[]){{"status", "正常"}, {"issued", "2022-03-01"}, {NULL, NULL}});
	assert_int_equal(zx_ledger_update(d.c, &clerk, k, id, &unpaid, &ei), ZX_OK);
	assert_int_equal(zx_ledger_get_json(d.c, &clerk, k, id, (void **)&o, &ei), ZX_OK);
	assert_string_equal(json_string_value(json_object_get(o, "overdue")), "否");
	json_decref(o);
	zxt_db_close(&d);
}

/* ---- areas and scope ---------------------------------------------------------------------- */

static void test_person_or_household_outside_the_area_is_refused(void **state)
{
	(void)state;
	zxt_db d;
	open_db(&d);
	zx_actor county, clerk_b;
	zxt_actor(&county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	zxt_actor(&clerk_b, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_B1);
	zx_errinfo ei;
	/* a post in 塔山社区 for a person of 老西街社区 */
	kv post[] = {{"person", P1},          {"post", "护林员"}, {"village", ZXT_VILLAGE_B1},
	             {"start", "2024-01-01"}, {"pay", "800"},     {NULL, NULL}};
	assert_int_equal(add(&d, &county, "public_post", post, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "person_outside_area");
	assert_string_equal(ei.field, "证件号码");
	assert_non_null(strstr(ei.message, ZXT_VILLAGE_B1));
	/* the clerk of B1 cannot reach a person of A1 at all */
	kv post_b[] = {
	    {"person", P1}, {"post", "护林员"}, {"start", "2024-01-01"}, {"pay", "800"}, {NULL, NULL}};
	assert_int_equal(add(&d, &clerk_b, "public_post", post_b, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "person_not_found"); /* never "registered elsewhere" */
	assert_null(strstr(ei.message, "王五"));
	/* a subsidy of another village's household */
	kv sub[] = {{"household", "510722101002001"},
	            {"item", "茶叶"},
	            {"amount", "100"},
	            {"date", "2024-01-01"},
	            {NULL, NULL}};
	assert_int_equal(add(&d, &clerk_b, "subsidy", sub, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "household_not_found");
	/* a project in A2 with a beneficiary of A1 */
	kv proj[] = {{"name", "道路硬化"},
	             {"area", ZXT_VILLAGE_A2},
	             {"type", "基础设施类"},
	             {"allocated", "10万元"},
	             {"start", "2024-03-01"},
	             {"beneficiaries", "510722101003001、510722101002001"},
	             {NULL, NULL}};
	assert_int_equal(add(&d, &county, "project", proj, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "household_outside_area");
	assert_string_equal(ei.field, "受益户编号");
	/* an area outside the actor's scope */
	kv proj_b[] = {{"name", "道路硬化"},  {"area", ZXT_VILLAGE_A2}, {"type", "基础设施类"},
	               {"allocated", "1000"}, {"start", "2024-03-01"},  {NULL, NULL}};
	assert_int_equal(add(&d, &clerk_b, "project", proj_b, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "area_outside_scope");
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM ledger_entries"), 0);
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM ledger_beneficiaries"), 0);
	/* a town project may name households of its villages */
	kv proj_town[] = {{"name", "产业园"},
	                  {"area", ZXT_TOWN_A},
	                  {"type", "产业发展类"},
	                  {"allocated", "1000"},
	                  {"start", "2024-03-01"},
	                  {"beneficiaries", "510722101003001 510722101002001"},
	                  {NULL, NULL}};
	int64_t id = 0;
	assert_int_equal(add(&d, &county, "project", proj_town, &id, &ei), ZX_OK);
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM ledger_beneficiaries"), 2);
	zxt_db_close(&d);
}

static void test_scope_audit_update_delete(void **state)
{
	(void)state;
	zxt_db d;
	open_db(&d);
	zx_actor clerk_a, clerk_b, helper;
	zxt_actor(&clerk_a, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1);
	zxt_actor(&clerk_b, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_B1);
	zxt_actor(&helper, ZX_ROLE_HELPER, ZXT_VILLAGE_A1);
	zx_errinfo ei;
	int64_t id = 0;
	long long audit0 = sql_int(&d, "SELECT count(*) FROM audit_log WHERE action LIKE 'ledger.%'");
	kv insp[] = {{"type", "巡河"},       {"area", "老西街社区"}, {"inspector", "李四"},
	             {"date", "2025-03-01"}, {"place", "凯江"},      {NULL, NULL}};
	assert_int_equal(add(&d, &helper, "inspection", insp, NULL, &ei), ZX_EFORBIDDEN);
	if (add(&d, &clerk_a, "inspection", insp, &id, &ei) != ZX_OK)
		fail_msg("%s", ei.message);
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM ledger_entries WHERE area_code = '" ZXT_VILLAGE_A1
	                             "' AND category = '巡河' AND status = '无问题' AND title = '凯江'"),
	                 1);
	const zx_ledger_kind *k = zx_ledger_kind_find("inspection");
	json_t *o = NULL;
	assert_int_equal(zx_ledger_get_json(d.c, &clerk_b, k, id, (void **)&o, &ei), ZX_ENOTFOUND);
	assert_int_equal(
	    zx_ledger_get_json(d.c, &clerk_a, zx_ledger_kind_find("project"), id, (void **)&o, &ei),
	    ZX_ENOTFOUND);
	zx_ledger_input upd =
	    input(k, (kv[]){{"findings", "河道有垃圾"}, {"status", "待整改"}, {NULL, NULL}});
	assert_int_equal(zx_ledger_update(d.c, &clerk_b, k, id, &upd, &ei), ZX_ENOTFOUND);
	assert_int_equal(zx_ledger_update(d.c, &clerk_a, k, id, &upd, &ei), ZX_OK);
	assert_int_equal(
	    sql_int(&d, "SELECT count(*) FROM ledger_entries WHERE status = '待整改' AND title = '凯江'"), 1);
	zx_ledger_input bad = input(k, (kv[]){{"status", "完成"}, {NULL, NULL}});
	assert_int_equal(zx_ledger_update(d.c, &clerk_a, k, id, &bad, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "invalid_enum");
	zx_ledger_input clear = input(k, (kv[]){{"inspector", ""}, {NULL, NULL}});
	assert_int_equal(zx_ledger_update(d.c, &clerk_a, k, id, &clear, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "required");
	assert_int_equal(zx_ledger_delete(d.c, &clerk_b, k, id, &ei), ZX_ENOTFOUND);
	assert_int_equal(zx_ledger_delete(d.c, &clerk_a, k, id, &ei), ZX_OK);
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM ledger_entries"), 0);
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM audit_log WHERE action LIKE 'ledger.%'") - audit0,
	                 3);
	assert_int_equal(
	    sql_int(&d,
	            "SELECT count(*) FROM audit_log WHERE action = 'ledger.update' AND object = 'ledger:1'"),
	    1);
	zxt_db_close(&d);
}

/* ---- public posts ------------------------------------------------------------------------------ */

static void test_one_person_never_holds_two_overlapping_posts(void **state)
{
	(void)state;
	zxt_db d;
	open_db(&d);
	zx_actor clerk;
	zxt_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1);
	zx_errinfo ei;
	kv first[] = {{"person", P1},        {"post", "保洁员"}, {"start", "2024-01-01"},
	              {"end", "2024-12-31"}, {"pay", "600"},     {NULL, NULL}};
	int64_t id1 = 0;
	assert_int_equal(add(&d, &clerk, "public_post", first, &id1, &ei), ZX_OK);
	kv overlap[] = {
	    {"person", P1}, {"post", "护林员"}, {"start", "2024-12-01"}, {"pay", "800"}, {NULL, NULL}};
	assert_int_equal(add(&d, &clerk, "public_post", overlap, NULL, &ei), ZX_ECONFLICT);
	assert_string_equal(ei.code, "post_overlap");
	assert_non_null(strstr(ei.message, "保洁员"));
	kv after[] = {
	    {"person", P1}, {"post", "护林员"}, {"start", "2025-01-01"}, {"pay", "800"}, {NULL, NULL}};
	int64_t id2 = 0;
	assert_int_equal(add(&d, &clerk, "public_post", after, &id2, &ei), ZX_OK);
	kv other[] = {
	    {"person", P2}, {"post", "护林员"}, {"start", "2024-06-01"}, {"pay", "800"}, {NULL, NULL}};
	assert_int_equal(add(&d, &clerk, "public_post", other, NULL, &ei), ZX_OK);
	/* extending the first post into the second is refused too; updating itself is not an overlap */
	const zx_ledger_kind *k = zx_ledger_kind_find("public_post");
	zx_ledger_input longer = input(k, (kv[]){{"end", "2025-02-01"}, {NULL, NULL}});
	assert_int_equal(zx_ledger_update(d.c, &clerk, k, id1, &longer, &ei), ZX_ECONFLICT);
	zx_ledger_input pay = input(k, (kv[]){{"pay", "650"}, {NULL, NULL}});
	assert_int_equal(zx_ledger_update(d.c, &clerk, k, id1, &pay, &ei), ZX_OK);
	/* the check panel finds overlaps written before the rule (here: straight into the table) */
	char sql[200];
	snprintf(sql, sizeof(sql), "UPDATE ledger_entries SET end_date = NULL WHERE id = %lld",
	         (long long)id1);
	sql_run(&d, sql);
	json_t *checks = NULL;
	assert_int_equal(zx_ledger_checks_json(d.c, &clerk, k, NULL, 2024, (void **)&checks, &ei), ZX_OK);
	assert_int_equal(json_array_size(checks), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(checks, 0), "code")),
	                    "post_overlap");
	json_decref(checks);
	zxt_db_close(&d);
}

/* ---- collective economy ----------------------------------------------------------------------- */

static void test_collective_weak_village_threshold_and_one_row_a_year(void **state)
{
	(void)state;
	zxt_db d;
	open_db(&d);
	zx_actor town, county;
	zxt_actor(&town, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A);
	zxt_actor(&county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	zx_errinfo ei;
	int64_t id = 0;
	kv a1[] = {{"village", ZXT_VILLAGE_A1}, {"year", "2024"}, {"income", "8万元"}, {NULL, NULL}};
	assert_int_equal(add(&d, &town, "collective", a1, &id, &ei), ZX_OK);
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM ledger_entries WHERE entry_date = '2024-12-31'"),
	                 1);
	kv a2[] = {{"village", ZXT_VILLAGE_A2}, {"year", "2024"}, {"income", "120000"}, {NULL, NULL}};
	assert_int_equal(add(&d, &town, "collective", a2, NULL, &ei), ZX_OK);
	assert_int_equal(add(&d, &town, "collective", a1, NULL, &ei), ZX_ECONFLICT);
	assert_string_equal(ei.code, "duplicate_year");
	kv townrow[] = {{"village", ZXT_TOWN_A}, {"year", "2024"}, {"income", "1"}, {NULL, NULL}};
	assert_int_equal(add(&d, &town, "collective", townrow, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "not_a_village");
	kv year[] = {{"village", ZXT_VILLAGE_A2}, {"year", "1999"}, {"income", "1"}, {NULL, NULL}};
	assert_int_equal(add(&d, &town, "collective", year, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "out_of_range");

	const zx_ledger_kind *k = zx_ledger_kind_find("collective");
	json_t *checks = NULL, *o = NULL;
	assert_int_equal(zx_ledger_checks_json(d.c, &town, k, NULL, 2024, (void **)&checks, &ei), ZX_OK);
	assert_int_equal(json_array_size(checks), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(checks, 0), "area_code")),
	                    ZXT_VILLAGE_A1);
	json_decref(checks);
	assert_int_equal(zx_ledger_get_json(d.c, &town, k, id, (void **)&o, &ei), ZX_OK);
	assert_string_equal(json_string_value(json_object_get(o, "weak")), "是");
	json_decref(o);
	/* the county lowers the line to 5万元 for 2024: no weak village left */
	assert_int_equal(
	    zx_ledger_setting_set(d.c, &town, ZXT_COUNTY12, 2024, ZX_LEDGER_SET_WEAK_VILLAGE, 5000000, &ei),
	    ZX_EFORBIDDEN);
	assert_int_equal(
	    zx_ledger_setting_set(d.c, &county, ZXT_COUNTY12, 2024, ZX_LEDGER_SET_WEAK_VILLAGE, 5000000, &ei),
	    ZX_OK);
	assert_int_equal(zx_ledger_setting(d.c, ZXT_VILLAGE_A1, 2024, ZX_LEDGER_SET_WEAK_VILLAGE), 5000000);
	assert_int_equal(zx_ledger_setting(d.c, ZXT_VILLAGE_A1, 2025, ZX_LEDGER_SET_WEAK_VILLAGE), 10000000);
	assert_int_equal(zx_ledger_checks_json(d.c, &town, k, NULL, 2024, (void **)&checks, &ei), ZX_OK);
	assert_int_equal(json_array_size(checks), 0);
	json_decref(checks);
	assert_int_equal(zx_ledger_get_json(d.c, &town, k, id, (void **)&o, &ei), ZX_OK);
	assert_string_equal(json_string_value(json_object_get(o, "weak")), "否");
	json_decref(o);
	zxt_db_close(&d);
}

/* ---- projects ------------------------------------------------------------------------------------ */

static void test_project_funds_and_industry_share(void **state)
{
	(void)state;
	zxt_db d;
	open_db(&d);
	zx_actor county;
	zxt_actor(&county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	zx_errinfo ei;
	kv overspent[] = {{"name", "茶园"},     {"area", ZXT_VILLAGE_A1}, {"type", "产业发展类"},
	                  {"allocated", "100"}, {"spent", "100.01"},      {"start", "2024-01-01"},
	                  {NULL, NULL}};
	assert_int_equal(add(&d, &county, "project", overspent, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "spent_over_allocated");
	kv industry[] = {{"name", "茶园"},        {"area", ZXT_VILLAGE_A1}, {"type", "产业发展类"},
	                 {"allocated", "50万元"}, {"start", "2024-01-01"},  {NULL, NULL}};
	int64_t pid = 0;
	assert_int_equal(add(&d, &county, "project", industry, &pid, &ei), ZX_OK);
	kv road[] = {{"name", "道路"},
	             {"area", ZXT_VILLAGE_B1},
	             {"type", "基础设施类"},
	             {"allocated", "50万元"},
	             {"start", "2024-02-01"},
	             {"status", "在建"},
	             {NULL, NULL}};
	assert_int_equal(add(&d, &county, "project", road, NULL, &ei), ZX_OK);
	/* 50% < 55%: a warning for the county; town A 100%, town B 0% */
	const zx_ledger_kind *k = zx_ledger_kind_find("project");
	json_t *checks = NULL;
	assert_int_equal(zx_ledger_checks_json(d.c, &county, k, NULL, 2024, (void **)&checks, &ei), ZX_OK);
	assert_int_equal(json_array_size(checks), 3);
	json_t *c0 = json_array_get(checks, 0);
	assert_string_equal(json_string_value(json_object_get(c0, "code")), "industry_share_low");
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(c0, "figures"), "share_permille")), 500);
	assert_string_equal(json_string_value(json_object_get(json_array_get(checks, 1), "code")),
	                    "industry_share_ok");
	assert_string_equal(json_string_value(json_object_get(json_array_get(checks, 1), "area_code")),
	                    ZXT_TOWN_A);
	assert_string_equal(json_string_value(json_object_get(json_array_get(checks, 2), "code")),
	                    "industry_share_low");
	json_decref(checks);
	assert_int_equal(
	    zx_ledger_setting_set(d.c, &county, ZXT_COUNTY12, 2024, ZX_LEDGER_SET_INDUSTRY_SHARE, 500, &ei),
	    ZX_OK);
	assert_int_equal(zx_ledger_checks_json(d.c, &county, k, NULL, 2024, (void **)&checks, &ei), ZX_OK);
	assert_string_equal(json_string_value(json_object_get(json_array_get(checks, 0), "code")),
	                    "industry_share_ok");
	json_decref(checks);
	/* milestones: inside their project; 已完成 needs the date and the planned progress */
	kv ms[] = {{"project", "茶园"},
	           {"name", "完成种植"},
	           {"percent", "80"},
	           {"due", "2024-06-30"},
	           {NULL, NULL}};
	int64_t mid = 0;
	assert_int_equal(add(&d, &county, "milestone", ms, &mid, &ei), ZX_OK);
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM ledger_entries WHERE kind = 'milestone' AND "
	                             "area_code = '" ZXT_VILLAGE_A1 "' AND parent_id IS NOT NULL"),
	                 1);
	kv done[] = {{"project", "茶园"}, {"name", "验收"},       {"percent", "100"},   {"due", "2024-09-30"},
	             {"actual", "90"},    {"done", "2024-09-01"}, {"status", "已完成"}, {NULL, NULL}};
	assert_int_equal(add(&d, &county, "milestone", done, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "progress_below_plan");
	kv nope[] = {{"project", "不存在的项目"},
	             {"name", "x"},
	             {"percent", "1"},
	             {"due", "2024-09-30"},
	             {NULL, NULL}};
	assert_int_equal(add(&d, &county, "milestone", nope, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "parent_not_found");
	assert_int_equal(zx_ledger_delete(d.c, &county, k, pid, &ei), ZX_OK);
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM ledger_entries WHERE kind = 'milestone'"), 0);
	zxt_db_close(&d);
}

static void test_employment_months_and_region(void **state)
{
	(void)state;
	zxt_db d;
	open_db(&d);
	zx_actor clerk;
	zxt_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A2);
	zx_errinfo ei;
	kv ok[] = {{"person", P3},        {"place", "浙江宁波"},  {"region", "省外"}, {"months", "10"},
	           {"income", "4.2万元"}, {"date", "2024-12-31"}, {NULL, NULL}};
	assert_int_equal(add(&d, &clerk, "employment", ok, NULL, &ei), ZX_OK);
	assert_int_equal(
	    sql_int(&d, "SELECT count(*) FROM ledger_entries WHERE category = '省外' AND quantity = 10 AND "
	                "amount_fen = 4200000 AND person_id IS NOT NULL AND household_id IS NOT NULL"),
	    1);
	kv months[] = {{"person", P3},  {"place", "宁波"},      {"months", "13"},
	               {"income", "1"}, {"date", "2024-12-31"}, {NULL, NULL}};
	assert_int_equal(add(&d, &clerk, "employment", months, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "out_of_range");
	assert_string_equal(ei.field, "务工月数");
	kv region[] = {{"person", P3},  {"place", "宁波"},      {"region", "国外"}, {"months", "1"},
	               {"income", "1"}, {"date", "2024-12-31"}, {NULL, NULL}};
	assert_int_equal(add(&d, &clerk, "employment", region, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "invalid_enum");
	kv nobody[] = {
	    {"place", "宁波"}, {"months", "1"}, {"income", "1"}, {"date", "2024-12-31"}, {NULL, NULL}};
	assert_int_equal(add(&d, &clerk, "employment", nobody, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "required");
	assert_non_null(strstr(ei.message, "证件号码"));
	zxt_db_close(&d);
}

/* ---- totals and list ---------------------------------------------------------------------------- */

static void test_totals_and_list_filters(void **state)
{
	(void)state;
	zxt_db d;
	open_db(&d);
	zx_actor county, town_b;
	zxt_actor(&county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	zxt_actor(&town_b, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_B);
	zx_errinfo ei;
	const char *hh[] = {"510722101002001", "510722101002002", "510722104003001"};
	const char *amt[] = {"100.5", "200", "0.25万元"};
	const char *date[] = {"2024-01-10", "2024-12-31", "2025-01-01"};
	for (int i = 0; i < 3; i++) {
		kv s[] = {{"household", hh[i]}, {"item", i == 1 ? "养蜂" : "茶叶"},
		          {"amount", amt[i]},   {"date", date[i]},
		          {"scale", "1.5"},     {NULL, NULL}};
		assert_int_equal(add(&d, &county, "subsidy", s, NULL, &ei), ZX_OK);
	}
	zx_ledger_totals t;
	assert_int_equal(zx_ledger_totals_get(d.c, &county, NULL, "subsidy", NULL, NULL, NULL, NULL, &t, &ei),
	                 ZX_OK);
	assert_int_equal(t.count, 3);
	assert_int_equal(t.amount_fen, 10050 + 20000 + 250000);
	assert_true(t.quantity > 4.49 && t.quantity < 4.51);
	assert_int_equal(zx_ledger_totals_get(d.c, &county, ZXT_TOWN_A, "subsidy", "2024-01-01", "2024-12-31",
	                                      NULL, NULL, &t, &ei),
	                 ZX_OK);
	assert_int_equal(t.count, 2);
	assert_int_equal(t.amount_fen, 30050);
	assert_int_equal(
	    zx_ledger_totals_get(d.c, &town_b, ZXT_TOWN_A, "subsidy", NULL, NULL, NULL, NULL, &t, &ei),
	    ZX_ENOTFOUND);
	assert_int_equal(zx_ledger_totals_get(d.c, &town_b, NULL, "subsidy", NULL, NULL, NULL, NULL, &t, &ei),
	                 ZX_OK);
	assert_int_equal(t.count, 1);
	const zx_ledger_kind *k = zx_ledger_kind_find("subsidy");
	json_t *items = NULL;
	int64_t total = 0;
	zx_ledger_filter f = {.year = 2024};
	assert_int_equal(zx_ledger_list_json(d.c, &county, k, &f, (void **)&items, &total, &ei), ZX_OK);
	assert_int_equal(total, 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "item")),
	                    "养蜂"); /* newest first */
	json_decref(items);
	f = (zx_ledger_filter){.q = "茶叶", .limit = 1};
	assert_int_equal(zx_ledger_list_json(d.c, &county, k, &f, (void **)&items, &total, &ei), ZX_OK);
	assert_int_equal(total, 2);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
	f = (zx_ledger_filter){.q = "510722104003001"};
	assert_int_equal(zx_ledger_list_json(d.c, &county, k, &f, (void **)&items, &total, &ei), ZX_OK);
	assert_int_equal(total, 1);
	json_decref(items);
	f = (zx_ledger_filter){.area = ZXT_TOWN_A};
	assert_int_equal(zx_ledger_list_json(d.c, &town_b, k, &f, (void **)&items, &total, &ei),
	                 ZX_ENOTFOUND);
	zxt_db_close(&d);
}

/* ---- import ---------------------------------------------------------------------------------------- */

static zx_err import(zxt_db *d, const char *kind, const char *file, bool dry, zx_ledger_import_result *r,
                     zx_errinfo *ei)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", data_dir(), file);
	zx_actor cli;
	zx_actor_cli(&cli);
	zx_ledger_import_opts o = {.keys = zxt_keys(), .dry_run = dry};
	zx_errinfo_clear(ei);
	return zx_ledger_import(d->c, &cli, zx_ledger_kind_find(kind), path, &o, r, ei);
}

static void test_import_files(void **state)
{
	(void)state;
	zxt_db d;
	open_db(&d);
	static zx_ledger_import_result r;
	zx_errinfo ei;
	assert_int_equal(import(&d, "microloan", "microloan_good.csv", true, &r, &ei), ZX_OK);
	assert_int_equal(r.rows, 3);
	assert_int_equal(r.imported, 0);
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM ledger_entries"), 0);
	assert_int_equal(import(&d, "microloan", "microloan_good.csv", false, &r, &ei), ZX_OK);
	assert_int_equal(r.imported, 3);
	assert_int_equal(sql_int(&d, "SELECT sum(amount_fen) FROM ledger_entries"),
	                 5000000 + 3000050 + 2000000);
	assert_int_equal(sql_int(&d,
	                         "SELECT count(*) FROM ledger_entries WHERE entry_date = '2023-06-01' AND "
	                         "end_date = '2024-05-31' AND area_code = '" ZXT_VILLAGE_A2 "'"),
	                 1);
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM audit_log WHERE action = 'ledger.import'"), 1);

	assert_int_equal(import(&d, "microloan", "microloan_wan.csv", false, &r, &ei), ZX_OK);
	assert_int_equal(
	    sql_int(&d, "SELECT count(*) FROM ledger_entries WHERE amount_fen IN (5000000, 3500000) AND "
	                "entry_date >= '2024-03-05'"),
	    2 + 1);

	long long before = sql_int(&d, "SELECT count(*) FROM ledger_entries");
	assert_int_equal(import(&d, "microloan", "microloan_bad.csv", false, &r, &ei), ZX_EVALIDATION);
	assert_int_equal(r.rows, 4);
	assert_int_equal(r.errors, 3);
	assert_int_equal(r.imported, 0);
	assert_int_equal(r.nfirst, 3);
	assert_int_equal(r.first[0].row, 3);
	assert_string_equal(r.first[0].column, "贷款金额");
	assert_non_null(strstr(r.first[0].message, "第3行「贷款金额」"));
	assert_non_null(strstr(r.first[0].message, "负数"));
	assert_int_equal(r.first[1].row, 4);
	assert_string_equal(r.first[1].column, "发放日期");
	assert_non_null(strstr(r.first[1].message, "超出范围"));
	assert_int_equal(r.first[2].row, 5);
	assert_non_null(strstr(r.first[2].message, "上限"));
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM ledger_entries"),
	                 before); /* the good row is not written */

	assert_int_equal(import(&d, "public_post", "post_outside.csv", false, &r, &ei), ZX_EVALIDATION);
	assert_int_equal(r.errors, 1);
	assert_non_null(strstr(r.first[0].message, "不在本条台账的区域"));
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM ledger_entries WHERE kind = 'public_post'"), 0);

	assert_int_equal(import(&d, "subsidy", "subsidy_good.csv", false, &r, &ei), ZX_OK);
	assert_int_equal(sql_int(&d, "SELECT sum(amount_fen) FROM ledger_entries WHERE kind = 'subsidy'"),
	                 1474100);

	/* a file without a required column fails on its header */
	assert_int_equal(import(&d, "collective", "subsidy_good.csv", false, &r, &ei), ZX_EVALIDATION);
	assert_int_equal(r.first[0].row, 1);
	assert_non_null(strstr(r.first[0].message, "缺少必填列"));
	zxt_db_close(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kinds_are_well_formed),
	    cmocka_unit_test(test_money_and_dates),
	    cmocka_unit_test(test_loan_limits_dates_and_overdue_flag),
	    cmocka_unit_test(test_person_or_household_outside_the_area_is_refused),
	    cmocka_unit_test(test_scope_audit_update_delete),
	    cmocka_unit_test(test_one_person_never_holds_two_overlapping_posts),
	    cmocka_unit_test(test_collective_weak_village_threshold_and_one_row_a_year),
	    cmocka_unit_test(test_project_funds_and_industry_share),
	    cmocka_unit_test(test_employment_months_and_region),
	    cmocka_unit_test(test_totals_and_list_filters),
	    cmocka_unit_test(test_import_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
