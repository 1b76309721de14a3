/*
 * test_ledger_io.c — ledger export and import as files: the XLSX and CSV exports carry the
 * Chinese headers and mask persons; an exported XLSX imports again (the header "（元）" and
 * the extra columns 编号 / 所属区域 / 户主姓名 are understood), all or nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../lib/zxtest.h"
#include "domain/ledger/ledger.h"

#define P1 "510722198501011019"

static void open_db(zxt_db *d)
{
	zxt_quiet();
	zxt_db_open(d, 0);
	zxt_load_county(d);
	zx_person_rec m = zxt_member("王五", P1, "户主");
	m.birth_ymd = 19850101;
	zxt_household_of(d, ZXT_VILLAGE_A1, "510722101002001", "脱贫户", &m, 1);
	zx_clock_set(1750000000); /* 2025-06-15 */
}

static long long sql_int(zxt_db *d, const char *sql)
{
	return zxt_sql_int(d->path, sql);
}

static void add(zxt_db *d, const zx_actor *a, const char *kind, const char *const *kv)
{
	const zx_ledger_kind *k = zx_ledger_kind_find(kind);
	zx_ledger_input in;
	memset(&in, 0, sizeof(in));
	in.keys = zxt_keys();
	for (; *kv; kv += 2)
		in.val[zx_ledger_field_find(k, kv[0], NULL)] = kv[1];
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_ledger_add(d->c, a, k, &in, NULL, &ei);
	if (e)
		fail_msg("%s", ei.message);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_csv_export_headers_and_masking(void **state)
{
	(void)state;
	zxt_db d;
	open_db(&d);
	zx_actor county;
	zxt_actor(&county, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	add(&d, &county, "microloan",
	    (const char *const[]){"borrower", P1, "amount", "5万元", "term", "36", "issued", "2024-03-05",
	                          "due", "2027-03-04", "bank", "=HYPERLINK(\"x\")", NULL});
	char path[300];
	snprintf(path, sizeof(path), "%s/loans.csv", d.dir);
	long rows = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_ledger_filter f = {0};
	assert_int_equal(
	    zx_ledger_export(d.c, &county, zx_ledger_kind_find("microloan"), &f, false, path, &rows, &ei),
	    ZX_OK);
	assert_int_equal(rows, 1);
	const char *text = slurp(path);
	assert_non_null(strstr(
	    text,
	    "编号,所属区域,姓名,借款人证件号码,贷款金额（元）,贷款期限,发放日期,到期日期,放贷银行,还款状态,"
	    "是否逾期\r\n"));
	assert_non_null(strstr(text, "王五,5107**********1019,50000.00,36,2024-03-05,2027-03-04,"));
	assert_null(strstr(text, P1));
	assert_non_null(strstr(text, "\"'=HYPERLINK(\"\"x\"\")\"")); /* no formula */
	assert_non_null(strstr(text, ",正常,否\r\n"));
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM audit_log WHERE action = 'ledger.export'"), 1);
	/* a 等保 role never receives personal data */
	zx_actor sys;
	zxt_actor(&sys, ZX_ROLE_SYS_ADMIN, ZXT_COUNTY12);
	assert_int_equal(
	    zx_ledger_export(d.c, &sys, zx_ledger_kind_find("microloan"), &f, false, path, &rows, &ei),
	    ZX_EFORBIDDEN);
	zxt_db_close(&d);
}

static void test_exported_xlsx_imports_again(void **state)
{
	(void)state;
	zxt_db d;
	open_db(&d);
	zx_actor clerk;
	zxt_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, ZXT_VILLAGE_A1);
	add(&d, &clerk, "subsidy",
	    (const char *const[]){"household", "510722101002001", "item", "茶叶种植", "amount", "0.85万元",
	                          "date", "2024-06-01", "scale", "2.5", NULL});
	add(&d, &clerk, "subsidy",
	    (const char *const[]){"household", "510722101002001", "item", "养蜂", "amount", "6241", "date",
	                          "2024-06-15", NULL});
	char path[300];
	snprintf(path, sizeof(path), "%s/subsidy.xlsx", d.dir);
	long rows = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_ledger_filter f = {.year = 2024};
	const zx_ledger_kind *k = zx_ledger_kind_find("subsidy");
	assert_int_equal(zx_ledger_export(d.c, &clerk, k, &f, true, path, &rows, &ei), ZX_OK);
	assert_int_equal(rows, 2);
	assert_memory_equal(slurp(path), "PK", 2);
	static zx_ledger_import_result r;
	zx_ledger_import_opts o = {.keys = zxt_keys()};
	assert_int_equal(zx_ledger_import(d.c, &clerk, k, path, &o, &r, &ei), ZX_OK);
	assert_int_equal(r.imported, 2);
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM ledger_entries WHERE kind = 'subsidy'"), 4);
	assert_int_equal(sql_int(&d, "SELECT sum(amount_fen) FROM ledger_entries WHERE kind = 'subsidy'"),
	                 2 * (850000 + 624100));
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM ledger_entries WHERE quantity = 2.5"), 2);
	/* the same file for another kind fails on its header; nothing is written */
	assert_int_equal(zx_ledger_import(d.c, &clerk, zx_ledger_kind_find("inspection"), path, &o, &r, &ei),
	                 ZX_EVALIDATION);
	assert_int_equal(r.first[0].row, 1);
	assert_int_equal(sql_int(&d, "SELECT count(*) FROM ledger_entries"), 4);
	/* a helper cannot import */
	zx_actor helper;
	zxt_actor(&helper, ZX_ROLE_HELPER, ZXT_VILLAGE_A1);
	assert_int_equal(zx_ledger_import(d.c, &helper, k, path, &o, &r, &ei), ZX_EFORBIDDEN);
	zxt_db_close(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_export_headers_and_masking),
	    cmocka_unit_test(test_exported_xlsx_imports_again),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
