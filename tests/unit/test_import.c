/*
 * test_import.c — the household import pipeline (domain/registry/import*.c) and the change
 * history it writes (domain/registry/history.c): one behaviour per test, each naming the
 * row and column it expects in the error, against a fresh SQLite database of 三台县.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/zxtest.h"
#include "base/clock.h"
#include "domain/area/area.h"
#include "domain/registry/history.h"
#include "domain/registry/import.h"
#include "domain/registry/template.h"
#include "store/store.h"

#define VILLAGE "510722101001"

typedef struct fixture {
	char dir[64];
	char db[160];
	zx_store *st;
	zx_conn *c;
	zx_actor cli;
	zx_keys keys;
	zx_import_result r;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/zx-test-import-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	zxt_db_location(f->dir, "t.db", f->db, sizeof f->db);
	zx_errinfo ei;
	zx_store_opts o = {.pool_size = 2, .create = true};
	assert_int_equal(zx_store_open(f->db, &o, &f->st, &ei), ZX_OK);
	assert_int_equal(zx_store_migrate(f->st, 0, &ei), ZX_OK);
	f->c = zx_store_acquire(f->st);
	assert_non_null(f->c);
	int64_t n;
	assert_int_equal(zx_tx_begin_write(f->c), ZX_OK);
	assert_int_equal(zx_area_load_county(f->c, "510722", &n, &ei), ZX_OK);
	assert_int_equal(zx_tx_commit(f->c), ZX_OK);
	zx_actor_cli(&f->cli);
	memset(&f->keys, 0x5a, sizeof(f->keys));
	zx_import_result_init(&f->r);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	zx_import_result_release(&f->r);
	zx_store_release(f->st, f->c);
	zx_store_close(f->st);
	zxt_db_drop(f->db);
	char p[200];
	const char *sfx[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", f->db, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* ---- history ----------------------------------------------------------------------- */

typedef struct hist_rows {
	int n;
	char field[8][64];
	char old_value[8][64];
	char new_value[8][64];
	int64_t person[8];
} hist_rows;

static bool collect(void *ctx, const zx_history_entry *e)
{
	hist_rows *r = ctx;
	if (r->n < 8) {
		snprintf(r->field[r->n], 64, "%s", e->field);
		snprintf(r->old_value[r->n], 64, "%s", e->old_value);
		snprintf(r->new_value[r->n], 64, "%s", e->new_value);
		r->person[r->n] = e->person_id;
		r->n++;
	}
	return true;
}

static void test_history_masks_id_and_phone_and_lists_newest_first(void **state)
{
	fixture *f = *state;
	assert_int_equal(zx_tx_begin_write(f->c), ZX_OK);
	assert_int_equal(zx_history_record(f->c, &f->cli, 7, 0, VILLAGE, "import", "住房安全", "否", "是"),
	                 ZX_OK);
	assert_int_equal(zx_history_record(f->c, &f->cli, 7, 3, VILLAGE, "edit", "证件号码",
	                                   "510722198001011234", "51072219800101123X"),
	                 ZX_OK);
	assert_int_equal(
	    zx_history_record(f->c, &f->cli, 7, 3, VILLAGE, "edit", "联系电话", "13812345678", "13987654321"),
	    ZX_OK);
	assert_int_equal(zx_tx_commit(f->c), ZX_OK);
	hist_rows r = {0};
	assert_int_equal(zx_history_list(f->c, &f->cli, 7, 0, 50, collect, &r), ZX_OK);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.field[0], "联系电话");
	assert_string_equal(r.old_value[0], "138****5678");
	assert_string_equal(r.new_value[0], "139****4321");
	assert_string_equal(r.field[1], "证件号码");
	assert_string_equal(r.old_value[1], "5107**********1234");
	assert_string_equal(r.new_value[1], "5107**********123X");
	assert_int_equal(r.person[1], 3);
	assert_string_equal(r.field[2], "住房安全");
	assert_int_equal(r.person[2], 0);
}

static void test_history_list_is_limited_to_the_actor_scope(void **state)
{
	fixture *f = *state;
	assert_int_equal(zx_tx_begin_write(f->c), ZX_OK);
	assert_int_equal(zx_history_record(f->c, &f->cli, 9, 0, VILLAGE, "import", "组", "1组", "2组"),
	                 ZX_OK);
	assert_int_equal(zx_tx_commit(f->c), ZX_OK);
	zx_actor other = f->cli;
	zx_scope_of_area("510722102000", &other.scope); /* another town */
	hist_rows r = {0};
	assert_int_equal(zx_history_list(f->c, &other, 9, 0, 50, collect, &r), ZX_OK);
	assert_int_equal(r.n, 0);
	zx_scope_of_area("510722101000", &other.scope); /* the village's town */
	assert_int_equal(zx_history_list(f->c, &other, 9, 0, 50, collect, &r), ZX_OK);
	assert_int_equal(r.n, 1);
}

static void test_history_refuses_unknown_source(void **state)
{
	fixture *f = *state;
	assert_int_equal(zx_tx_begin_write(f->c), ZX_OK);
	assert_int_not_equal(zx_history_record(f->c, &f->cli, 1, 0, VILLAGE, "api", "组", "", "1组"), ZX_OK);
	zx_tx_rollback(f->c);
}

/* ---- import helpers ------------------------------------------------------------------- */

/* tests/data/import as seen from the working directory (repo root under tests/run, the
 * build directory under meson test). */
static const char *data_dir(void)
{
	static char dir[512];
	if (dir[0])
		return dir;
	const char *candidates[] = {"tests/data/import", "../tests/data/import", "../../tests/data/import"};
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		char probe[600];
		snprintf(probe, sizeof probe, "%s/good.csv", candidates[i]);
		if (access(probe, R_OK) == 0) {
			snprintf(dir, sizeof dir, "%s", candidates[i]);
			return dir;
		}
	}
	fail_msg("tests/data/import not found from the working directory");
	return NULL;
}

static void data_path(const char *name, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s", data_dir(), name);
}

static zx_err import_path(fixture *f, const char *path, const char *area, bool dry_run)
{
	zx_import_result_release(&f->r);
	zx_import_result_init(&f->r);
	zx_import_opts o = {.area_code = area, .dry_run = dry_run};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_import_households(f->c, &f->keys, &f->cli, path, &o, &f->r, &ei);
	assert_false(zx_tx_active(f->c));
	if (e && getenv("ZX_TEST_VERBOSE"))
		for (size_t i = 0; i < f->r.nerrors; i++)
			print_message("  row %ld [%s] %s\n", f->r.errors[i].row, f->r.errors[i].column,
			              f->r.errors[i].reason);
	return e;
}

static zx_err import_data(fixture *f, const char *name, const char *area, bool dry_run)
{
	char path[600];
	data_path(name, path, sizeof path);
	return import_path(f, path, area, dry_run);
}

/* One integer from the test database, read directly (not through the importer). */
static long long sql_int(fixture *f, const char *sql)
{
	char v[64];
	assert_true(zxt_sql(f->db, sql, v, sizeof(v)) > 0);
	return strtoll(v, NULL, 10);
}

static void sql_text(fixture *f, const char *sql, char *out, size_t cap)
{
	zxt_sql(f->db, sql, out, cap);
}

/* The members of a household, comma-separated in their order (either backend's aggregate). */
static void member_names(fixture *f, const char *hh_no, char *out, size_t cap)
{
	char sql[400];
	snprintf(sql, sizeof sql,
	         "SELECT %s FROM (SELECT p.name, p.seq FROM persons p JOIN households h ON "
	         "h.id = p.household_id WHERE h.hh_no = '%s' ORDER BY p.seq) AS m",
	         zxt_pg_url() ? "string_agg(name, ',' ORDER BY seq)" : "group_concat(name, ',')", hh_no);
	sql_text(f, sql, out, cap);
}

static void assert_registry_empty(fixture *f)
{
	assert_int_equal(sql_int(f, "SELECT count(*) FROM households"), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM persons"), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM household_changes"), 0);
}

/* The error list holds one at row/column whose reason contains want. */
static void assert_error(const zx_import_result *r, long row, const char *column, const char *want)
{
	for (size_t i = 0; i < r->nerrors; i++)
		if (r->errors[i].row == row && strcmp(r->errors[i].column, column) == 0 &&
		    strstr(r->errors[i].reason, want))
			return;
	for (size_t i = 0; i < r->nerrors; i++)
		print_message("  got: row %ld [%s] %s\n", r->errors[i].row, r->errors[i].column,
		              r->errors[i].reason);
	fail_msg("no error at row %ld column [%s] containing [%s]", row, column, want);
}

/* The case of expect.tsv named file: import (after its prerequisite), expect the file
 * rejected, nothing new written, and the expected error among those reported. */
static void expect_case(fixture *f, const char *file)
{
	char path[600], line[1024];
	data_path("expect.tsv", path, sizeof path);
	FILE *in = fopen(path, "r");
	assert_non_null(in);
	bool found = false;
	while (!found && fgets(line, sizeof line, in)) {
		line[strcspn(line, "\r\n")] = '\0';
		char *field[6] = {0};
		char *p = line;
		for (int i = 0; i < 6; i++) {
			field[i] = p;
			p = p ? strchr(p, '\t') : NULL;
			if (p)
				*p++ = '\0';
		}
		if (line[0] == '#' || strcmp(field[0], file) != 0)
			continue;
		found = true;
		const char *area = field[4] && *field[4] ? field[4] : NULL;
		long long before = 0;
		if (field[5] && *field[5]) {
			assert_int_equal(import_data(f, field[5], NULL, false), ZX_OK);
			before = sql_int(f, "SELECT count(*) FROM persons");
		}
		zx_err e = import_data(f, file, area, false);
		assert_int_not_equal(e, ZX_OK);
		assert_false(f->r.written);
		assert_true(f->r.error_count >= 1);
		assert_error(&f->r, strtol(field[1], NULL, 10), field[2], field[3]);
		assert_int_equal(sql_int(f, "SELECT count(*) FROM persons"), before);
	}
	fclose(in);
	assert_true(found);
}

/* ---- import: a good file ------------------------------------------------------------- */

static void test_import_good_file_writes_households_members_and_one_audit_row(void **state)
{
	fixture *f = *state;
	assert_int_equal(import_data(f, "good.csv", NULL, false), ZX_OK);
	assert_true(f->r.written);
	assert_int_equal(f->r.households, 3);
	assert_int_equal(f->r.persons, 7);
	assert_int_equal(f->r.created, 3);
	assert_int_equal(f->r.error_count, 0);
	assert_string_equal(f->r.area_code, "510722000000");
	assert_int_equal(sql_int(f, "SELECT count(*) FROM households"), 3);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM persons"), 7);
	assert_int_equal(sql_int(f, "SELECT size FROM households WHERE hh_no = '5107221010020001'"), 3);
	/* 户主 first, then the file's order; household columns from the 户主's row */
	char s[128];
	member_names(f, "5107221010020002", s, sizeof s);
	assert_string_equal(s, "李秀英,李强");
	sql_text(f,
	         "SELECT category || '/' || tuopin_year || '/' || helper FROM households WHERE hh_no = "
	         "'5107221010020002'",
	         s, sizeof s);
	assert_string_equal(s, "脱贫不稳定户/2016/王建国");
	/* personal data only sealed */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM persons WHERE id_enc LIKE '%510722%' OR "
	                            "phone_enc LIKE '%1554055%' OR id_masked NOT LIKE '5107**********%'"),
	                 0);
	sql_text(f, "SELECT phone_masked FROM persons WHERE name = '张光永'", s, sizeof s);
	assert_string_equal(s, "155****6978");
	assert_int_equal(sql_int(f, "SELECT count(*) FROM audit_log WHERE action = 'import.households' AND "
	                            "result = 'ok' AND detail LIKE '%created=3%'"),
	                 1);
	assert_int_equal(sql_int(f,
	                         "SELECT count(*) FROM audit_log WHERE detail LIKE '%5107221985%' OR detail "
	                         "LIKE '%张%'"),
	                 0);
}

/* ---- import: one rule each (expect.tsv names row, column and reason) ------------------ */

static void test_import_rejects_bad_check_digit_and_names_row_and_column(void **state)
{
	fixture *f = *state;
	expect_case(f, "bad_check_digit.csv");
	/* the value shown is masked */
	for (size_t i = 0; i < f->r.nerrors; i++)
		if (strcmp(f->r.errors[i].column, "证件号码") == 0)
			assert_non_null(strstr(f->r.errors[i].value, "**********"));
}

static void test_import_rejects_birth_date_in_the_future(void **state)
{
	expect_case(*state, "bad_future_birth.csv");
}

static void test_import_rejects_gender_that_contradicts_the_id(void **state)
{
	expect_case(*state, "bad_gender.csv");
}

static void test_import_rejects_unknown_village_code(void **state)
{
	expect_case(*state, "bad_unknown_village.csv");
}

static void test_import_rejects_village_outside_the_import_area(void **state)
{
	expect_case(*state, "bad_village_outside_area.csv");
}

static void test_import_rejects_two_heads_in_one_household(void **state)
{
	expect_case(*state, "bad_two_heads.csv");
}

static void test_import_rejects_household_without_head(void **state)
{
	expect_case(*state, "bad_no_head.csv");
}

static void test_import_rejects_unstable_category_for_ordinary_household(void **state)
{
	expect_case(*state, "bad_unstable_not_tuopin.csv");
}

static void test_import_rejects_bad_phone(void **state)
{
	expect_case(*state, "bad_phone.csv");
}

static void test_import_rejects_duplicate_id_in_file_naming_both_rows(void **state)
{
	expect_case(*state, "bad_duplicate_id.csv");
}

static void test_import_rejects_id_registered_in_another_household_naming_it(void **state)
{
	fixture *f = *state;
	expect_case(f, "bad_registered_elsewhere.csv");
	/* the other household's village is named too */
	assert_error(&f->r, 2, "证件号码", "老西街社区");
}

static void test_import_rejects_conflicting_household_value(void **state)
{
	expect_case(*state, "bad_household_conflict.csv");
}

static void test_import_rejects_value_outside_the_list(void **state)
{
	expect_case(*state, "bad_enum.csv");
}

static void test_import_rejects_file_missing_a_required_column_naming_it(void **state)
{
	fixture *f = *state;
	expect_case(f, "bad_missing_column.csv");
	assert_int_equal(f->r.rows, 0);
}

static void test_import_unknown_column_is_only_a_warning(void **state)
{
	fixture *f = *state;
	assert_int_equal(import_data(f, "unknown_column.csv", NULL, false), ZX_OK);
	assert_int_equal(f->r.persons, 7);
	assert_int_equal(f->r.nwarnings, 1);
	assert_non_null(strstr(f->r.warnings[0], "备注"));
}

static void test_import_xlsx_id_stored_as_number_fails_with_clear_message(void **state)
{
	fixture *f = *state;
	assert_int_equal(import_data(f, "bad_id_as_number.xlsx", NULL, false), ZX_EVALIDATION);
	assert_error(&f->r, 3, "证件号码", "存成了数字");
	assert_registry_empty(f);
}

static void test_import_xlsx_imports_the_same_as_csv(void **state)
{
	fixture *f = *state;
	assert_int_equal(import_data(f, "good.xlsx", NULL, false), ZX_OK);
	assert_int_equal(f->r.created, 3);
	assert_int_equal(f->r.persons, 7);
	assert_int_equal(import_data(f, "good.csv", NULL, false), ZX_OK);
	assert_int_equal(f->r.unchanged, 3);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM household_changes"), 0);
}

static void test_import_gb18030_csv_imports_the_same_as_utf8(void **state)
{
	fixture *f = *state;
	assert_int_equal(import_data(f, "good_gb18030.csv", NULL, false), ZX_OK);
	assert_int_equal(f->r.created, 3);
	assert_int_equal(f->r.persons, 7);
	char s[64];
	sql_text(f, "SELECT name FROM persons WHERE name LIKE '李秀%'", s, sizeof s);
	assert_string_equal(s, "李秀英");
	/* the UTF-8 file carries exactly the same data: nothing to change */
	assert_int_equal(import_data(f, "good.csv", NULL, false), ZX_OK);
	assert_int_equal(f->r.unchanged, 3);
	assert_int_equal(f->r.updated + f->r.created, 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM household_changes"), 0);
}

/* ---- import: whole-file behaviour --------------------------------------------------------- */

/* Rewrites line `line` (1-based) of a file through fn. */
static void rewrite_line(const char *path, int line, void (*fn)(char *s, size_t cap))
{
	FILE *in = fopen(path, "rb");
	assert_non_null(in);
	char tmp[600];
	snprintf(tmp, sizeof tmp, "%s.new", path);
	FILE *out = fopen(tmp, "wb");
	assert_non_null(out);
	char buf[4096];
	for (int n = 1; fgets(buf, sizeof buf, in); n++) {
		if (n == line)
			fn(buf, sizeof buf);
		fputs(buf, out);
	}
	fclose(in);
	fclose(out);
	assert_int_equal(rename(tmp, path), 0);
}

/* Breaks the check character of the line's 证件号码 (fifth field). */
static void break_id(char *s, size_t cap)
{
	(void)cap;
	char *p = s;
	for (int i = 0; i < 4; i++)
		p = strchr(p, ',') + 1;
	p[17] = p[17] == '0' ? '1' : '0';
}

static void test_import_all_or_nothing_one_bad_row_among_a_thousand_writes_nothing(void **state)
{
	fixture *f = *state;
	char path[128];
	snprintf(path, sizeof path, "%s/big.csv", f->dir);
	zx_errinfo ei;
	assert_int_equal(zx_synth_write_csv(path, 7, 340, "510722", &ei), ZX_OK);
	rewrite_line(path, 900, break_id);
	assert_int_equal(import_path(f, path, NULL, false), ZX_EVALIDATION);
	assert_true(f->r.rows >= 1000);
	assert_int_equal(f->r.error_count, 1);
	assert_error(&f->r, 900, "证件号码", "校验位");
	assert_registry_empty(f);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM audit_log WHERE action = 'import.households' AND "
	                            "result = 'rejected'"),
	                 1);
	unlink(path);
}

/* Household 5107221010020001's second member comes after household ...0002: the rows of a
 * household need not be together (the streaming writer must give way to the full check). */
static void test_import_joins_household_rows_that_are_apart(void **state)
{
	fixture *f = *state;
	char src[600], path[128], line[16][1024];
	data_path("good.csv", src, sizeof src);
	snprintf(path, sizeof path, "%s/apart.csv", f->dir);
	FILE *in = fopen(src, "rb");
	assert_non_null(in);
	int n = 0;
	while (n < 16 && fgets(line[n], sizeof line[n], in))
		n++;
	fclose(in);
	assert_int_equal(n, 8);
	FILE *out = fopen(path, "wb");
	int order[] = {0, 1, 3, 4, 5, 2, 6, 7}; /* line 3 (尹莲兰) after household 2 */
	for (int i = 0; i < n; i++)
		fputs(line[order[i]], out);
	fclose(out);
	assert_int_equal(import_path(f, path, NULL, false), ZX_OK);
	assert_int_equal(f->r.households, 3);
	assert_int_equal(f->r.created, 3);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM persons"), 7);
	assert_int_equal(sql_int(f, "SELECT size FROM households WHERE hh_no = '5107221010020001'"), 3);
	char s[128];
	member_names(f, "5107221010020001", s, sizeof s);
	assert_string_equal(s, "张光永,张小明,尹莲兰");
	/* a household whose 户主 row comes after its other rows is no error either */
	int late_head[] = {0, 2, 3, 1, 4, 5, 6, 7};
	out = fopen(path, "wb");
	for (int i = 0; i < n; i++)
		fputs(line[late_head[i]], out);
	fclose(out);
	assert_int_equal(import_path(f, path, NULL, false), ZX_OK);
	assert_int_equal(f->r.unchanged + f->r.updated, 3);
	unlink(path);
}

static void test_import_dry_run_checks_but_writes_nothing(void **state)
{
	fixture *f = *state;
	assert_int_equal(import_data(f, "good.csv", NULL, true), ZX_OK);
	assert_false(f->r.written);
	assert_int_equal(f->r.households, 3);
	assert_int_equal(f->r.created, 3);
	assert_registry_empty(f);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM audit_log WHERE action LIKE 'import%'"), 0);
	assert_int_equal(import_data(f, "bad_two_heads.csv", NULL, true), ZX_EVALIDATION);
	assert_error(&f->r, 3, "与户主关系", "已有户主");
}

static void test_import_area_outside_the_actor_scope_is_forbidden(void **state)
{
	fixture *f = *state;
	zx_actor clerk = f->cli;
	snprintf(clerk.area_code, sizeof clerk.area_code, "510722101002");
	zx_scope_of_area(clerk.area_code, &clerk.scope);
	char path[600];
	data_path("good.csv", path, sizeof path);
	zx_import_opts o = {.area_code = "510722000000"};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_import_households(f->c, &f->keys, &clerk, path, &o, &f->r, &ei), ZX_EFORBIDDEN);
	/* by default the clerk imports into the own village: the other village's rows are refused */
	zx_import_result_release(&f->r);
	zx_import_result_init(&f->r);
	assert_int_equal(zx_import_households(f->c, &f->keys, &clerk, path, NULL, &f->r, &ei),
	                 ZX_EVALIDATION);
	assert_error(&f->r, 7, "行政区划代码", "不在本次导入区域");
	assert_registry_empty(f);
}

/* ---- re-import ------------------------------------------------------------------------- */

static void change_head_phone(char *s, size_t cap)
{
	char *p = strstr(s, "15540556978");
	assert_non_null(p);
	memcpy(p, "13900001111", 11);
	p = strstr(s, ",是,是,,");
	assert_non_null(p);
	memcpy(p, ",否,", 4); /* 住房安全 是 -> 否 */
	(void)cap;
}

static void replace_son(char *s, size_t cap)
{
	/* 张小明 (之子) leaves; 张小红 (之女) is born */
	snprintf(s, cap,
	         "5107221010020001,510722101002,1组,张小红,510722201503011121,之女,女,汉族,小学,小学,健康,,"
	         "无劳动力,"
	         "未务工,0,是,一般农户,,,,,,,\r\n");
}

static void test_reimport_updates_in_place_with_history_and_no_duplicates(void **state)
{
	fixture *f = *state;
	assert_int_equal(import_data(f, "good.csv", NULL, false), ZX_OK);
	long long hid = sql_int(f, "SELECT id FROM households WHERE hh_no = '5107221010020001'");
	long long head = sql_int(f, "SELECT id FROM persons WHERE name = '张光永'");
	char path[128], src[600];
	snprintf(path, sizeof path, "%s/changed.csv", f->dir);
	data_path("good.csv", src, sizeof src);
	FILE *in = fopen(src, "rb"), *out = fopen(path, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[4096];
	while (fgets(buf, sizeof buf, in))
		fputs(buf, out);
	fclose(in);
	fclose(out);
	rewrite_line(path, 2, change_head_phone);
	rewrite_line(path, 4, replace_son);
	assert_int_equal(import_path(f, path, NULL, false), ZX_OK);
	assert_int_equal(f->r.created, 0);
	assert_int_equal(f->r.updated, 1);
	assert_int_equal(f->r.unchanged, 2);
	assert_int_equal(f->r.members_added, 1);
	assert_int_equal(f->r.members_removed, 1);
	assert_int_equal(f->r.members_updated, 1);
	/* in place: same household and 户主 rows, no duplicates */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM households"), 3);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM persons"), 7);
	assert_int_equal(sql_int(f, "SELECT id FROM households WHERE hh_no = '5107221010020001'"), hid);
	assert_int_equal(sql_int(f, "SELECT id FROM persons WHERE name = '张光永'"), head);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM persons WHERE name = '张小明'"), 0);
	hist_rows h = {0};
	assert_int_equal(zx_history_list(f->c, &f->cli, hid, 0, 50, collect, &h), ZX_OK);
	assert_int_equal(h.n, 4);
	bool phone = false, housing = false, added = false, removed = false;
	for (int i = 0; i < h.n; i++) {
		if (!strcmp(h.field[i], "联系电话"))
			phone =
			    !strcmp(h.old_value[i], "155****6978") && !strcmp(h.new_value[i], "139****1111");
		if (!strcmp(h.field[i], "住房安全"))
			housing = !strcmp(h.old_value[i], "是") && !strcmp(h.new_value[i], "否");
		if (!strcmp(h.field[i], ZX_HISTORY_MEMBER_ADDED))
			added = !strcmp(h.new_value[i], "张小红");
		if (!strcmp(h.field[i], ZX_HISTORY_MEMBER_REMOVED))
			removed = !strcmp(h.old_value[i], "张小明");
	}
	assert_true(phone && housing && added && removed);
	assert_int_equal(sql_int(f,
	                         "SELECT count(*) FROM household_changes WHERE old_value LIKE '%1554055%' OR "
	                         "new_value LIKE '%1390000%'"),
	                 0);
	/* the same file again changes nothing */
	assert_int_equal(import_path(f, path, NULL, false), ZX_OK);
	assert_int_equal(f->r.unchanged, 3);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM household_changes"), 4);
	unlink(path);
}

/* 刘芳 moves from 陈国华's household to 李秀英's (both re-imported): a move, not a duplicate. */
static void move_member(char *s, size_t cap)
{
	char *p = strstr(s, "5107221010030001,510722101003,3组");
	assert_non_null(p);
	char rest[1024];
	snprintf(rest, sizeof rest, "%s", p + strlen("5107221010030001,510722101003,3组"));
	char *rel = strstr(rest, ",配偶,");
	assert_non_null(rel);
	memcpy(rel, ",其他,", strlen(",其他,"));
	char *type = strstr(rest, ",一般农户,"); /* household columns: the new household's */
	assert_non_null(type);
	memmove(type + 1, type + strlen(",一般农户"), strlen(type + strlen(",一般农户")) + 1);
	snprintf(s, cap, "5107221010020002,510722101002,1组%s", rest);
}

static void test_reimport_moves_a_member_between_households_of_the_file(void **state)
{
	fixture *f = *state;
	assert_int_equal(import_data(f, "good.csv", NULL, false), ZX_OK);
	char path[128], src[600];
	snprintf(path, sizeof path, "%s/moved.csv", f->dir);
	data_path("good.csv", src, sizeof src);
	FILE *in = fopen(src, "rb"), *out = fopen(path, "wb");
	char buf[4096];
	while (fgets(buf, sizeof buf, in))
		fputs(buf, out);
	fclose(in);
	fclose(out);
	rewrite_line(path, 8, move_member);
	assert_int_equal(import_path(f, path, NULL, false), ZX_OK);
	assert_int_equal(f->r.updated, 2);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM persons"), 7);
	assert_int_equal(sql_int(f,
	                         "SELECT h.hh_no FROM persons p JOIN households h ON h.id = p.household_id "
	                         "WHERE p.name = '刘芳'"),
	                 5107221010020002LL);
	assert_int_equal(sql_int(f, "SELECT size FROM households WHERE hh_no = '5107221010030001'"), 1);
	unlink(path);
}

static void test_errors_csv_has_bom_header_and_masked_values(void **state)
{
	fixture *f = *state;
	assert_int_equal(import_data(f, "bad_check_digit.csv", NULL, false), ZX_EVALIDATION);
	char path[128];
	snprintf(path, sizeof path, "%s/errors.csv", f->dir);
	zx_errinfo ei;
	assert_int_equal(zx_import_errors_write_csv(&f->r, path, &ei), ZX_OK);
	FILE *in = fopen(path, "rb");
	assert_non_null(in);
	char buf[2048] = "";
	size_t n = fread(buf, 1, sizeof buf - 1, in);
	fclose(in);
	buf[n] = '\0';
	assert_memory_equal(buf, "\xEF\xBB\xBF\"行号\",\"列\",\"值\",\"原因\"\r\n", 31);
	assert_non_null(strstr(buf, "\r\n3,证件号码,5107**********"));
	assert_null(strstr(buf, "51072219890518"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_history_masks_id_and_phone_and_lists_newest_first, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_history_list_is_limited_to_the_actor_scope, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_history_refuses_unknown_source, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_good_file_writes_households_members_and_one_audit_row,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_rejects_bad_check_digit_and_names_row_and_column,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_rejects_birth_date_in_the_future, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_rejects_gender_that_contradicts_the_id, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_import_rejects_unknown_village_code, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_rejects_village_outside_the_import_area, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_import_rejects_two_heads_in_one_household, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_rejects_household_without_head, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_rejects_unstable_category_for_ordinary_household,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_rejects_bad_phone, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_rejects_duplicate_id_in_file_naming_both_rows, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_import_rejects_id_registered_in_another_household_naming_it,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_rejects_conflicting_household_value, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_rejects_value_outside_the_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_rejects_file_missing_a_required_column_naming_it,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_unknown_column_is_only_a_warning, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_xlsx_id_stored_as_number_fails_with_clear_message,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_xlsx_imports_the_same_as_csv, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_gb18030_csv_imports_the_same_as_utf8, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        test_import_all_or_nothing_one_bad_row_among_a_thousand_writes_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_joins_household_rows_that_are_apart, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_dry_run_checks_but_writes_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_area_outside_the_actor_scope_is_forbidden, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_reimport_updates_in_place_with_history_and_no_duplicates,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reimport_moves_a_member_between_households_of_the_file,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_errors_csv_has_bom_header_and_masked_values, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
