/*
 * test_import_bulk.c — the bulk first import and the registry schema of migration 0012
 * (issue 4, P1/P3): an import into an empty registry drops the 姓名 indexes and the
 * household_counts triggers inside its transaction and rebuilds them before the commit
 * (domain/registry/import_write.c); 姓名 is indexed by ICU sort key (zh_key); the list
 * total of a town or county comes from the household_totals roll-up.
 *
 * What must hold: the schema after a bulk import (or a failed one) is the migrated schema
 * byte for byte; the counts and roll-ups equal what the rows say; later writes keep them
 * (the triggers are back); a name search is in Chinese collation order; an upgrade from
 * the previous schema keeps every row and answers the same searches.
 *
 * SQLite only: the bulk path and zh_key are SQLite's (PostgreSQL keeps its indexes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <unicode/ucol.h>

#include "store/store_impl.h"
#include "registry_fixture.h"
#include "domain/area/area.h"
#include "domain/auth/auth.h"
#include "domain/registry/import.h"
#include "domain/registry/query.h"
#include "domain/registry/template.h"

#define HOUSEHOLDS 600

typedef struct fixture {
	zxt_db d;
	zx_actor cli;
	zx_keys keys;
	char csv[200];
} fixture;

static bool on_pg(void)
{
	const char *u = getenv("ZX_TEST_PG_URL");
	return u && *u;
}

static int setup_at(void **state, int version)
{
	fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	zxt_db_open(&f->d, version);
	zxt_load_county(&f->d);
	zx_actor_cli(&f->cli);
	memset(&f->keys, 0x33, sizeof(f->keys));
	snprintf(f->csv, sizeof(f->csv), "%s/hh.csv", f->d.dir);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_synth_write_csv(f->csv, 7, HOUSEHOLDS, "510722", &ei), ZX_OK);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_at(state, 0);
}

static int teardown(void **state)
{
	fixture *f = *state;
	zxt_db_close(&f->d);
	free(f);
	return 0;
}

static zx_err import_file(fixture *f, const char *path, zx_import_result *r)
{
	zx_import_opts o = {0};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_import_result_init(r);
	zx_err e = zx_import_households(f->d.c, &f->keys, &f->cli, path, &o, r, &ei);
	assert_false(zx_tx_active(f->d.c));
	return e;
}

/* ---- raw reads (a second connection, read-only; zh_key is not needed to read) ---------- */

static sqlite3 *raw_open(fixture *f)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(f->d.path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	return db;
}

static long long raw_int(fixture *f, const char *sql)
{
	sqlite3 *db = raw_open(f);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	long long v = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The schema's indexes and triggers on the registry tables, one "type name sql" per line. */
static char *schema_text(fixture *f)
{
	sqlite3 *db = raw_open(f);
	sqlite3_stmt *st;
	assert_int_equal(
	    sqlite3_prepare_v2(db,
	                       "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_schema"
	                       " WHERE type IN ('index', 'trigger') ORDER BY type, name",
	                       -1, &st, NULL),
	    SQLITE_OK);
	size_t cap = 1 << 16, len = 0;
	char *out = calloc(1, cap);
	assert_non_null(out);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		size_t n = strlen(t);
		assert_true(len + n + 2 < cap);
		memcpy(out + len, t, n);
		len += n;
		out[len++] = '\n';
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/* household_counts and household_totals agree with the households table, row for row. */
static void assert_counts_match_rows(fixture *f)
{
	assert_int_equal(raw_int(f,
	                         "SELECT count(*) FROM ("
	                         " SELECT area_code, hh_type, category, count(*), sum(size) FROM households"
	                         " GROUP BY 1, 2, 3"
	                         " EXCEPT SELECT area_code, hh_type, category, households, persons"
	                         " FROM household_counts WHERE households > 0)"),
	                 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM household_counts WHERE households < 0 OR"
	                            " (households = 0 AND persons <> 0)"),
	                 0);
	for (int level = 0; level < 2; level++) {
		const char *key =
		    level ? "substr(area_code, 1, 6) || '000000'" : "substr(area_code, 1, 9) || '000'";
		char sql[600];
		snprintf(
		    sql, sizeof(sql),
		    "SELECT count(*) FROM ("
		    " SELECT %s, hh_type, category, count(*), sum(size) FROM households GROUP BY 1, 2, 3"
		    " EXCEPT SELECT area_code, hh_type, category, households, persons FROM household_totals"
		    " WHERE households > 0)",
		    key);
		assert_int_equal(raw_int(f, sql), 0);
	}
	assert_int_equal(
	    raw_int(f, "SELECT sum(households) FROM household_totals WHERE area_code LIKE '______000000'"),
	    raw_int(f, "SELECT count(*) FROM households"));
}

/* ---- list and name search through the registry API --------------------------------------- */

typedef struct collected {
	int n;
	int64_t id[64];
	char head[64][64];
} collected;

static bool collect(void *ctx, const zx_hh_summary *h)
{
	collected *c = ctx;
	if (c->n < 64) {
		c->id[c->n] = h->id;
		snprintf(c->head[c->n++], sizeof(c->head[0]), "%s", h->head_name);
	}
	return true;
}

static int64_t list_total(fixture *f, const char *area)
{
	zx_hh_filter flt = {.area = area, .q = "", .hh_type = "", .category = "", .group = ""};
	collected c = {0};
	zx_hh_count count;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(
	    zx_household_search(f->d.c, &f->cli, &f->keys, &flt, 20, 0, collect, &c, &count, &ei), ZX_OK);
	assert_true(count.total_exact);
	return count.total;
}

static void assert_list_totals(fixture *f)
{
	assert_int_equal(list_total(f, "510722000000"), raw_int(f, "SELECT count(*) FROM households"));
	assert_int_equal(list_total(f, "510722101000"),
	                 raw_int(f, "SELECT count(*) FROM households WHERE area_code LIKE '510722101%'"));
	assert_int_equal(list_total(f, "510722101002"),
	                 raw_int(f, "SELECT count(*) FROM households WHERE area_code = '510722101002'"));
}

/* A household's place in a name search is its first member (in Chinese collation order)
 * whose name starts with q: this finds that name for household id, from the rows, with ICU. */
static void first_match(fixture *f, UCollator *coll, const char *q, int64_t id, char *out, size_t cap)
{
	sqlite3 *db = raw_open(f);
	sqlite3_stmt *st;
	assert_int_equal(
	    sqlite3_prepare_v2(db, "SELECT name FROM persons WHERE household_id = ?1", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (strncmp(name, q, strlen(q)) != 0)
			continue;
		UErrorCode status = U_ZERO_ERROR;
		if (!out[0] || ucol_strcollUTF8(coll, name, -1, out, -1, &status) == UCOL_LESS)
			snprintf(out, cap, "%s", name);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_true(out[0] != '\0'); /* every household returned has a matching member */
}

/* The households of the search for prefix q come in Chinese collation order of their first
 * matching member (not in code point order), and every household with a match is found. */
static void assert_name_search_in_collation_order(fixture *f, const char *q)
{
	zx_hh_filter flt = {.area = "510722000000", .q = q, .hh_type = "", .category = "", .group = ""};
	collected c = {0};
	zx_hh_count count;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(
	    zx_household_search(f->d.c, &f->cli, &f->keys, &flt, 64, 0, collect, &c, &count, &ei), ZX_OK);
	assert_true(c.n >= 2);
	char sql[200];
	snprintf(sql, sizeof(sql),
	         "SELECT count(DISTINCT household_id) FROM persons WHERE substr(name, 1, %d) = '%s'",
	         (int)strlen(q) / 3, q); /* q is Han characters: 3 bytes each in UTF-8 */
	long long want = raw_int(f, sql);
	assert_int_equal(c.n, want < 64 ? want : 64);
	UErrorCode status = U_ZERO_ERROR;
	UCollator *coll = ucol_open("zh", &status);
	assert_true(U_SUCCESS(status));
	char prev[64] = "", cur[64];
	for (int i = 0; i < c.n; i++) {
		first_match(f, coll, q, c.id[i], cur, sizeof(cur));
		status = U_ZERO_ERROR;
		if (prev[0] && ucol_strcollUTF8(coll, prev, -1, cur, -1, &status) == UCOL_GREATER)
			fail_msg("%s before %s: not in Chinese collation order", prev, cur);
		memcpy(prev, cur, sizeof(prev));
	}
	ucol_close(coll);
}

/* ---- tests --------------------------------------------------------------------------------- */

static void test_bulk_import_leaves_the_migrated_schema_and_exact_counts(void **state)
{
	if (on_pg())
		skip();
	fixture *f = *state;
	char *before = schema_text(f);
	zx_import_result r;
	assert_int_equal(import_file(f, f->csv, &r), ZX_OK);
	assert_int_equal(r.created, HOUSEHOLDS);
	zx_import_result_release(&r);
	char *after = schema_text(f);
	assert_string_equal(before, after);
	/* the rebuilt indexes are the 0012 ones, on sort keys */
	assert_non_null(
	    strstr(after, "persons_name ON persons (county, zh_key(name), name, area_code, household_id)"));
	assert_non_null(strstr(after, "household_counts_insert AFTER INSERT ON households"));
	free(before);
	free(after);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM households"), HOUSEHOLDS);
	assert_counts_match_rows(f);
	assert_list_totals(f);
}

static void test_after_a_bulk_import_writes_keep_counts_and_totals(void **state)
{
	if (on_pg())
		skip();
	fixture *f = *state;
	zx_import_result r;
	assert_int_equal(import_file(f, f->csv, &r), ZX_OK);
	zx_import_result_release(&r);
	/* A second import of the same county (not bulk: the registry is not empty) that adds
	 * households of another seed and updates none: the triggers must count them. */
	char more[200];
	snprintf(more, sizeof(more), "%s/more.csv", f->d.dir);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_synth_write_csv(more, 8, 40, "510722", &ei), ZX_OK);
	zx_err e = import_file(f, more, &r);
	/* the other seed may reuse a 户编号 (then it is an update) or collide on an ID (then
	 * it is refused): either way counts must stay exact */
	(void)e;
	zx_import_result_release(&r);
	assert_counts_match_rows(f);
	assert_list_totals(f);
	/* and a household written by the registry's own insert (the edit API's path) */
	zxt_household(&f->d, "510722101002", "510722101002999", 3);
	assert_counts_match_rows(f);
	assert_list_totals(f);
}

static void test_failed_bulk_import_restores_schema_and_writes_nothing(void **state)
{
	if (on_pg())
		skip();
	fixture *f = *state;
	char *before = schema_text(f);
	/* The good file with one bad ID near its end: the stream has written most households
	 * (and dropped indexes and triggers) when the row is read. */
	char bad[200];
	snprintf(bad, sizeof(bad), "%s/bad.csv", f->d.dir);
	FILE *in = fopen(f->csv, "r"), *out = fopen(bad, "w");
	assert_non_null(in);
	assert_non_null(out);
	char line[4096];
	long rows = 0;
	while (fgets(line, sizeof(line), in))
		rows++;
	rewind(in);
	long row = 0;
	while (fgets(line, sizeof(line), in)) {
		if (++row == rows - 1) {
			char *id = strstr(line, ",510722");
			assert_non_null(id);
			id[18] = id[18] == '1' ? '2' : '1'; /* a wrong check character */
		}
		fputs(line, out);
	}
	fclose(in);
	fclose(out);
	zx_import_result r;
	assert_int_not_equal(import_file(f, bad, &r), ZX_OK);
	assert_false(r.written);
	assert_true(r.error_count >= 1);
	zx_import_result_release(&r);
	char *after = schema_text(f);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM households"), 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM persons"), 0);
	assert_int_equal(raw_int(f, "SELECT coalesce(sum(households), 0) FROM household_counts"), 0);
	assert_int_equal(raw_int(f, "SELECT coalesce(sum(households), 0) FROM household_totals"), 0);
	/* and the good file still goes in afterwards */
	assert_int_equal(import_file(f, f->csv, &r), ZX_OK);
	zx_import_result_release(&r);
	assert_counts_match_rows(f);
}

static void test_name_search_after_bulk_import_is_in_chinese_collation_order(void **state)
{
	if (on_pg())
		skip();
	fixture *f = *state;
	zx_import_result r;
	assert_int_equal(import_file(f, f->csv, &r), ZX_OK);
	zx_import_result_release(&r);
	assert_name_search_in_collation_order(f, "张");
	assert_name_search_in_collation_order(f, "李");
	assert_name_search_in_collation_order(f, "王");
}

/* Heads named 李 + one of these, one household each: Latin case, code points out of
 * pinyin order (白 U+767D < 阿 U+963F), equal pinyin with other tones. */
static const char *const li_names[] = {"李阿", "李白", "李波", "李陈", "李成",    "李雷",
                                       "李李", "李小", "李A",  "李a",  "李Zhang", "李zhang"};
enum { LI_N = sizeof(li_names) / sizeof(li_names[0]) };

static void insert_li_households(fixture *f)
{
	for (int i = 0; i < LI_N; i++) {
		char hh_no[24];
		snprintf(hh_no, sizeof(hh_no), "5107221010028%03d", i);
		rf_hh h = {.village = "510722101002",
		           .hh_no = hh_no,
		           .n = 1,
		           .names = {li_names[i]},
		           .ids = {100 + i}};
		rf_insert(&f->d, &h);
	}
}

static void test_sort_key_index_orders_names_as_the_collation_does(void **state)
{
	if (on_pg())
		skip();
	fixture *f = *state;
	insert_li_households(f);
	assert_name_search_in_collation_order(f, "李");
	/* all of them, and the exact-prefix test keeps 李a out of a search for 李A */
	zx_hh_filter flt = {.area = "510722000000", .q = "李", .hh_type = "", .category = "", .group = ""};
	collected c = {0};
	zx_hh_count count;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(
	    zx_household_search(f->d.c, &f->cli, &f->keys, &flt, 64, 0, collect, &c, &count, &ei), ZX_OK);
	assert_int_equal(c.n, LI_N);
	/* pinyin, not code points: 李阿 (a) first among the Han names, before 李白 (bai) */
	int a = -1, bai = -1;
	for (int i = 0; i < c.n; i++) {
		if (strcmp(c.head[i], "李阿") == 0)
			a = i;
		if (strcmp(c.head[i], "李白") == 0)
			bai = i;
	}
	assert_true(a >= 0 && bai > a);
	flt.q = "李A";
	c.n = 0;
	assert_int_equal(
	    zx_household_search(f->d.c, &f->cli, &f->keys, &flt, 64, 0, collect, &c, &count, &ei), ZX_OK);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.head[0], "李A");
	/* the plan reads the sort-key index (no ICU collation index is left to read) */
	char *schema = schema_text(f);
	assert_null(strstr(schema, "COLLATE zh"));
	free(schema);
}

/* A registry written at schema 0011 (COLLATE zh indexes, no roll-up) upgraded to the latest:
 * every row kept, indexes recomputed on sort keys, totals filled. */
static void test_upgrade_from_previous_schema_keeps_rows_and_fills_totals(void **state)
{
	if (on_pg())
		skip();
	fixture *f = *state;
	insert_li_households(f);
	for (int i = 0; i < 30; i++) {
		char hh_no[24];
		snprintf(hh_no, sizeof(hh_no), "5107221010029%03d", i);
		zxt_household(&f->d, i % 2 ? "510722101002" : "510722104003", hh_no, 1 + i % 4);
	}
	long long persons = raw_int(f, "SELECT count(*) FROM persons");
	long long households = raw_int(f, "SELECT count(*) FROM households");
	assert_int_equal(households, LI_N + 30);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM sqlite_schema WHERE name = 'household_totals'"), 0);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_store_migrate(f->d.st, 0, &ei), ZX_OK);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM persons"), persons);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM households"), households);
	char *schema = schema_text(f);
	assert_non_null(strstr(schema, "zh_key(name)"));
	assert_null(strstr(schema, "COLLATE zh"));
	free(schema);
	assert_counts_match_rows(f);
	assert_list_totals(f);
	assert_name_search_in_collation_order(f, "李");
	assert_name_search_in_collation_order(f, "张");
}

/* Migration 0016 rebuilds persons (its blind-index uniqueness becomes the droppable index
 * persons_bidx). The rows referencing persons must survive: with foreign keys on, dropping the
 * old table would have deleted the warning and nulled the ledger row's person. */
static void test_persons_rebuild_keeps_rows_and_what_references_them(void **state)
{
	if (on_pg())
		skip();
	fixture *f = *state;
	for (int i = 0; i < 12; i++) {
		char hh_no[24];
		snprintf(hh_no, sizeof(hh_no), "5107221010028%03d", i);
		zxt_household(&f->d, "510722101002", hh_no, 1 + i % 4);
	}
	long long persons = raw_int(f, "SELECT count(*) FROM persons");
	long long person = raw_int(f, "SELECT max(id) FROM persons");
	char sql[1024];
	snprintf(sql, sizeof(sql),
	         "INSERT INTO warning_batches (id, county, area_code, rows_total, rows_matched, rows_duplicate,"
	         " rows_unmatched, created_at) VALUES (1, '510722', '510722000000', 1, 1, 0, 0, 1);"
	         "INSERT INTO dept_warnings (county, area_code, household_id, person_id, source_dept, type,"
	         " occurred_ymd, batch_id, created_at) SELECT county, area_code, household_id, id, '医保', '大额医疗支出',"
	         " 20250101, 1, 1 FROM persons WHERE id = %lld;"
	         "INSERT INTO ledger_entries (county, kind, area_code, person_id, created_at, updated_at)"
	         " VALUES ('510722', 'microloan', '510722101002', %lld, 1, 1);",
	         person, person);
	zxt_sql(f->d.path, sql, NULL, 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM sqlite_schema WHERE name = 'persons_bidx'"), 0);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_store_migrate(f->d.st, 0, &ei), ZX_OK);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM persons"), persons);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM dept_warnings WHERE person_id = %lld", person);
	assert_int_equal(raw_int(f, sql), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM ledger_entries WHERE person_id = %lld", person);
	assert_int_equal(raw_int(f, sql), 1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex_persons%'"), 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM sqlite_schema WHERE name = 'persons_bidx'"), 1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	/* The store's connection has foreign keys on again (a person of no household is
	 * refused), and the uniqueness of the blind index still holds. */
	zx_conn *c = zx_store_acquire(f->d.st);
	assert_int_not_equal(c->store->ops->exec_raw(
	                         c, "INSERT INTO persons (county, household_id, area_code, seq, name, id_enc, id_bidx,"
	                            " id_masked, relation, gender, birth_ymd) VALUES ('510722', 999999999,"
	                            " '510722101002', 1, '无户', 'x', 'nohousehold', 'x', '户主', '男', 19800101)"),
	                     ZX_OK);
	assert_int_not_equal(c->store->ops->exec_raw(
	                         c, "INSERT INTO persons (county, household_id, area_code, seq, name, id_enc, id_bidx,"
	                            " id_masked, relation, gender, birth_ymd) SELECT county, household_id, area_code, 9,"
	                            " '重复', id_enc, id_bidx, id_masked, '其他', '男', 19800101 FROM persons LIMIT 1"),
	                     ZX_OK);
	zx_store_release(f->d.st, c);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM persons"), persons);
	assert_counts_match_rows(f);
}

/* The schema just before 0016. */
static int setup_before_persons_rebuild(void **state)
{
	return setup_at(state, 15);
}

/* The schema just before 0012 (later migrations must not move this test's starting point). */
static int setup_previous(void **state)
{
	return setup_at(state, 11);
}

int main(void)
{
	(void)rf_count_audit; /* registry_fixture.h helper this file does not need */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_bulk_import_leaves_the_migrated_schema_and_exact_counts,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_after_a_bulk_import_writes_keep_counts_and_totals, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_failed_bulk_import_restores_schema_and_writes_nothing, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_name_search_after_bulk_import_is_in_chinese_collation_order,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sort_key_index_orders_names_as_the_collation_does, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_upgrade_from_previous_schema_keeps_rows_and_fills_totals,
	                                    setup_previous, teardown),
	    cmocka_unit_test_setup_teardown(test_persons_rebuild_keeps_rows_and_what_references_them,
	                                    setup_before_persons_rebuild, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
