/*
 * test_export_std.c — the standard exports (domain/registry/export_std.c): 监测对象,
 * 帮扶措施台账, 走访记录 and 消除名单 written as XLSX and read back with the project's own
 * reader (headers, values, masked 证件号码, row counts), the sheet XML's frozen header row
 * and column widths, CSV, the year filter, scope, refused roles and the audit row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <zip.h>

#include "assistance_fixture.h"
#include "base/xlsx_read.h"
#include "domain/registry/export_std.h"

#define A1 ZXT_VILLAGE_A1
#define B1 ZXT_VILLAGE_B1
#define MAXR 8
#define MAXC 20

typedef struct fix {
	fx f;
	int64_t h1, h2, h3;
	char id1[19];
	char path[200];
} fix;

typedef struct table {
	int n; /* rows, header included */
	char cells[MAXR][MAXC][128];
	size_t ncells[MAXR];
} table;

static int setup(void **state)
{
	fix *x = calloc(1, sizeof(*x));
	if (!x)
		return -1;
	fx_open(&x->f);
	x->h1 = fx_monitored(&x->f, A1, A1 "0001");
	zxt_id_number(601, x->id1); /* h1's 户主: the first serial of the fixture */
	x->h2 = fx_monitored(&x->f, B1, B1 "0001");
	x->h3 = fx_household(&x->f, A1, A1 "0002", &(fx_hh){.n = 1});
	fx_included_case(&x->f, x->h1, FX_T0 - 30 * FX_DAY);
	fx_sql(
	    &x->f,
	    "INSERT INTO plans (county, area_code, household_id, goal, responsible, created_at, updated_at)"
	    " SELECT county, area_code, id, '稳定增收', '李帮扶', %lld, %lld FROM households WHERE id = %lld",
	    (long long)FX_T0, (long long)FX_T0, (long long)x->h1);
	static const char *const measures[][4] = {{"产业帮扶", "发展养殖, \"土鸡\"", "20260301", "150050"},
	                                          {"就业帮扶", "公益性岗位", "20250501", "0"}};
	for (int i = 0; i < 2; i++)
		fx_sql(
		    &x->f,
		    "INSERT INTO measures (county, area_code, plan_id, household_id, kind, content, "
		    "planned_ymd,"
		    " actual_ymd, amount, responsible, status, created_at, updated_at)"
		    " SELECT p.county, p.area_code, p.id, p.household_id, '%s', '%s', %s, NULL, %s, '李帮扶',"
		    " '实施中', %lld, %lld FROM plans p WHERE p.household_id = %lld",
		    measures[i][0], measures[i][1], measures[i][2], measures[i][3], (long long)FX_T0,
		    (long long)FX_T0, (long long)x->h1);
	fx_sql(&x->f,
	       "INSERT INTO visits (county, area_code, household_id, visitor, visit_ymd, checklist, findings,"
	       " followups, client_key, created_at) SELECT county, area_code, id, '李帮扶', 20260601, 3,"
	       " '家中有病人', '联系医保', 'k1', %lld FROM households WHERE id = %lld",
	       (long long)FX_T0, (long long)x->h1);
	fx_sql(&x->f,
	       "INSERT INTO visits (county, area_code, household_id, visitor, visit_ymd, checklist, findings,"
	       " followups, client_key, created_at) SELECT county, area_code, id, '周走访', 20260602, 63, "
	       "'正常',"
	       " '', 'k2', %lld FROM households WHERE id = %lld",
	       (long long)FX_T0, (long long)x->h2);
	fx_sql(
	    &x->f,
	    "INSERT INTO eliminations (county, area_code, household_id, kind, category, risk_type, state,"
	    " status, reason, applied_by, applied_at, notice_at, updated_at) SELECT county, area_code, id,"
	    " '帮扶消除', category, risk_type, 'town_approved', 'pending', '收入稳定', '村干部', %lld, %lld,"
	    " %lld FROM households WHERE id = %lld",
	    (long long)FX_T0, (long long)(FX_T0 + 2 * FX_DAY), (long long)FX_T0, (long long)x->h1);
	fx_sql(
	    &x->f,
	    "INSERT INTO elimination_steps (county, area_code, elimination_id, from_state, to_state, action,"
	    " username, role, ts) SELECT county, area_code, id, 'noticed', 'town_approved', 'town_approve',"
	    " '镇审核员', 'town_admin', %lld FROM eliminations WHERE household_id = %lld",
	    (long long)(FX_T0 + 9 * FX_DAY), (long long)x->h1);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	fix *x = *state;
	fx_close(&x->f);
	free(x);
	return 0;
}

static zx_err run(fix *x, zx_role role, const char *area12, zx_std_opts o, int64_t *rows, zx_errinfo *ei)
{
	zx_actor a;
	fx_actor(&a, role, area12, NULL);
	snprintf(x->path, sizeof(x->path), "%s/std.%s", x->f.d.dir,
	         o.format == ZX_EXPORT_CSV ? "csv" : "xlsx");
	zx_errinfo_clear(ei);
	return zx_export_standard(x->f.d.c, &a, zxt_keys(), &o, x->path, rows, ei);
}

static zx_err collect(void *ctx, const zx_row *row, zx_errinfo *ei)
{
	(void)ei;
	table *t = ctx;
	assert_true(t->n < MAXR);
	t->ncells[t->n] = row->ncells;
	for (size_t i = 0; i < row->ncells && i < MAXC; i++)
		snprintf(t->cells[t->n][i], sizeof(t->cells[0][0]), "%s", row->cells[i]);
	t->n++;
	return ZX_OK;
}

static void read_xlsx(const char *path, table *t)
{
	memset(t, 0, sizeof(*t));
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_xlsx_read_file(path, NULL, collect, t, &ei), ZX_OK);
}

static void expect_header(const table *t, const char *const *heads, size_t n)
{
	assert_true(t->n >= 1);
	assert_int_equal(t->ncells[0], n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(t->cells[0][i], heads[i]);
}

static char *sheet_xml(const char *path)
{
	int err = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &err);
	assert_non_null(z);
	zip_stat_t st;
	assert_int_equal(zip_stat(z, "xl/worksheets/sheet1.xml", 0, &st), 0);
	char *buf = calloc(1, st.size + 1);
	zip_file_t *zf = zip_fopen(z, "xl/worksheets/sheet1.xml", 0);
	assert_non_null(zf);
	assert_int_equal(zip_fread(zf, buf, st.size), (zip_int64_t)st.size);
	zip_fclose(zf);
	zip_close(z);
	return buf;
}

/* The header row is frozen and every column has a width. */
static void expect_frozen_and_widths(const char *path, int ncols)
{
	char *xml = sheet_xml(path);
	assert_non_null(strstr(xml, "<pane ySplit=\"1\" topLeftCell=\"A2\""));
	assert_non_null(strstr(xml, "state=\"frozen\""));
	int cols = 0;
	for (const char *p = xml; (p = strstr(p, "<col ")); p++, cols++)
		assert_non_null(strstr(p, "customWidth=\"1\""));
	assert_int_equal(cols, ncols);
	free(xml);
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *b = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(b, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return b;
}

static void test_monitored_xlsx_is_masked_with_a_frozen_header(void **state)
{
	fix *x = *state;
	static const char *const heads[] = {
	    "户编号", "户主姓名",     "证件号码", "联系电话",   "行政区划代码", "村",       "组",
	    "户类型", "监测对象类别", "风险类型", "帮扶责任人", "人口数",       "纳入日期", "状态"};
	int64_t rows = 0;
	zx_errinfo ei;
	int64_t audits = fx_int(&x->f, "SELECT count(*) FROM audit_log WHERE action = 'monitored.export'");
	assert_int_equal(run(x, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12,
	                     (zx_std_opts){.kind = ZX_STD_MONITORED, .format = ZX_EXPORT_XLSX}, &rows, &ei),
	                 ZX_OK);
	assert_int_equal(rows, 2); /* h3 is not monitored */
	table t;
	read_xlsx(x->path, &t);
	expect_header(&t, heads, 14);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.cells[1][0], A1 "0001");
	assert_string_equal(t.cells[1][1], "王一");
	char masked[64];
	assert_true(zxt_sql(x->f.d.path,
	                    "SELECT id_masked FROM persons WHERE relation = '户主' ORDER BY id LIMIT 1",
	                    masked, sizeof(masked)) > 0);
	assert_string_equal(t.cells[1][2], masked);
	assert_string_not_equal(t.cells[1][2], x->id1);
	assert_null(strstr(t.cells[1][2], x->id1 + 6)); /* the birth date and serial are hidden */
	assert_string_equal(t.cells[1][4], A1);
	assert_string_equal(t.cells[1][8], "脱贫不稳定户");
	assert_string_equal(t.cells[1][10], "李帮扶");
	assert_string_equal(t.cells[1][11], "3");
	assert_string_equal(t.cells[1][12], "2026-05-16");
	assert_string_equal(t.cells[1][13], "风险消除审批中");
	assert_string_equal(t.cells[2][0], B1 "0001");
	assert_string_equal(t.cells[2][12], "");
	assert_string_equal(t.cells[2][13], "监测中");
	expect_frozen_and_widths(x->path, 14);
	assert_int_equal(fx_int(&x->f, "SELECT count(*) FROM audit_log WHERE action = 'monitored.export'"),
	                 audits + 1);
}

static void test_monitored_unmasked_csv_needs_a_role_that_may_unmask(void **state)
{
	fix *x = *state;
	int64_t rows = 0;
	zx_errinfo ei;
	zx_std_opts o = {.kind = ZX_STD_MONITORED, .format = ZX_EXPORT_CSV, .unmasked = true, .area = A1};
	assert_int_equal(run(x, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, o, &rows, &ei), ZX_OK);
	assert_int_equal(rows, 1);
	char *csv = slurp(x->path);
	assert_memory_equal(csv, "\xEF\xBB\xBF户编号,户主姓名,证件号码,", 3 + 28);
	assert_non_null(strstr(csv, x->id1));
	free(csv);
	/* a village clerk may export masked only; the 等保 roles never */
	o.area = NULL;
	remove(x->path);
	assert_int_equal(run(x, ZX_ROLE_VILLAGE_CLERK, A1, o, &rows, &ei), ZX_EFORBIDDEN);
	assert_int_equal(access(x->path, F_OK), -1);
	o.unmasked = false;
	assert_int_equal(run(x, ZX_ROLE_VILLAGE_CLERK, A1, o, &rows, &ei), ZX_OK);
	assert_int_equal(rows, 1);
	csv = slurp(x->path);
	assert_null(strstr(csv, x->id1));
	free(csv);
	remove(x->path);
	assert_int_equal(run(x, ZX_ROLE_AUDIT_ADMIN, ZXT_COUNTY12, o, &rows, &ei), ZX_EFORBIDDEN);
	assert_int_equal(run(x, ZX_ROLE_SEC_ADMIN, ZXT_COUNTY12, o, &rows, &ei), ZX_EFORBIDDEN);
	assert_int_equal(access(x->path, F_OK), -1);
}

static void test_measures_of_a_year_with_amounts_in_yuan(void **state)
{
	fix *x = *state;
	static const char *const heads[] = {"户编号",       "户主姓名",     "行政区划代码", "村",
	                                    "帮扶目标",     "措施类型",     "措施内容",     "金额（元）",
	                                    "计划完成日期", "实际落实日期", "责任人",       "状态"};
	int64_t rows = 0;
	zx_errinfo ei;
	zx_std_opts o = {.kind = ZX_STD_MEASURES, .format = ZX_EXPORT_XLSX};
	assert_int_equal(run(x, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A, o, &rows, &ei), ZX_OK);
	assert_int_equal(rows, 2);
	o.year = 2026;
	assert_int_equal(run(x, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A, o, &rows, &ei), ZX_OK);
	assert_int_equal(rows, 1);
	table t;
	read_xlsx(x->path, &t);
	expect_header(&t, heads, 12);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.cells[1][4], "稳定增收");
	assert_string_equal(t.cells[1][5], "产业帮扶");
	assert_string_equal(t.cells[1][6], "发展养殖, \"土鸡\"");
	assert_string_equal(t.cells[1][7], "1500.5");
	assert_string_equal(t.cells[1][8], "2026-03-01");
	assert_string_equal(t.cells[1][9], "");
	assert_string_equal(t.cells[1][11], "实施中");
	expect_frozen_and_widths(x->path, 12);
	o.format = ZX_EXPORT_CSV;
	assert_int_equal(run(x, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A, o, &rows, &ei), ZX_OK);
	char *csv = slurp(x->path);
	assert_non_null(strstr(csv, ",\"发展养殖, \"\"土鸡\"\"\",1500.50,2026-03-01,,李帮扶,实施中\r\n"));
	free(csv);
	/* town B has no measures; town A's area is outside its scope */
	assert_int_equal(run(x, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_B, o, &rows, &ei), ZX_OK);
	assert_int_equal(rows, 0);
	o.area = A1;
	remove(x->path);
	assert_int_equal(run(x, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_B, o, &rows, &ei), ZX_EFORBIDDEN);
	assert_int_equal(access(x->path, F_OK), -1);
	o.area = NULL;
	o.year = 1999;
	assert_int_equal(run(x, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A, o, &rows, &ei), ZX_EINVAL);
	assert_string_equal(ei.field, "year");
}

static void test_visits_name_the_checklist_items(void **state)
{
	fix *x = *state;
	static const char *const heads[] = {"户编号",  "户主姓名", "行政区划代码",       "村",
	                                    "走访人",  "走访日期", "走访事项（六必访）", "走访发现",
	                                    "后续跟进"};
	int64_t rows = 0;
	zx_errinfo ei;
	zx_std_opts o = {.kind = ZX_STD_VISITS, .format = ZX_EXPORT_XLSX, .year = 2026};
	assert_int_equal(run(x, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, o, &rows, &ei), ZX_OK);
	assert_int_equal(rows, 2);
	table t;
	read_xlsx(x->path, &t);
	expect_header(&t, heads, 9);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.cells[1][4], "李帮扶");
	assert_string_equal(t.cells[1][5], "2026-06-01");
	assert_string_equal(t.cells[1][6], "收入、住房");
	assert_string_equal(t.cells[1][7], "家中有病人");
	assert_string_equal(t.cells[2][6], "收入、住房、饮水、教育、医疗、就业/政策落实");
	expect_frozen_and_widths(x->path, 9);
	o.year = 2025;
	assert_int_equal(run(x, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, o, &rows, &ei), ZX_OK);
	assert_int_equal(rows, 0);
	read_xlsx(x->path, &t);
	assert_int_equal(t.n, 1); /* the header alone */
	o.year = 0;
	assert_int_equal(run(x, ZX_ROLE_VILLAGE_CLERK, B1, o, &rows, &ei), ZX_OK);
	assert_int_equal(rows, 1);
}

static void test_eliminations_show_the_step_and_approvers(void **state)
{
	fix *x = *state;
	int64_t rows = 0;
	zx_errinfo ei;
	int64_t audits = fx_int(&x->f, "SELECT count(*) FROM audit_log WHERE action = 'elimination.export'");
	zx_std_opts o = {.kind = ZX_STD_ELIMINATIONS, .format = ZX_EXPORT_XLSX, .year = 2026};
	assert_int_equal(run(x, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, o, &rows, &ei), ZX_OK);
	assert_int_equal(rows, 1);
	table t;
	read_xlsx(x->path, &t);
	assert_int_equal(t.ncells[0], 16);
	assert_string_equal(t.cells[0][0], "户编号");
	assert_string_equal(t.cells[0][12], "乡镇审核人");
	assert_string_equal(t.cells[1][0], A1 "0001");
	assert_string_equal(t.cells[1][4], "帮扶消除");
	assert_string_equal(t.cells[1][7], "乡镇审核");
	assert_string_equal(t.cells[1][8], "审批中");
	assert_string_equal(t.cells[1][10], "2026-06-15");
	assert_string_equal(t.cells[1][11], "2026-06-17");
	assert_string_equal(t.cells[1][12], "镇审核员");
	assert_string_equal(t.cells[1][13], "");
	assert_string_equal(t.cells[1][15], "收入稳定");
	expect_frozen_and_widths(x->path, 16);
	assert_int_equal(fx_int(&x->f, "SELECT count(*) FROM audit_log WHERE action = 'elimination.export'"),
	                 audits + 1);
	o.year = 2027;
	assert_int_equal(run(x, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12, o, &rows, &ei), ZX_OK);
	assert_int_equal(rows, 0);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_int_equal(zx_std_kind_parse("monitored"), ZX_STD_MONITORED);
	assert_int_equal(zx_std_kind_parse("eliminations"), ZX_STD_ELIMINATIONS);
	assert_int_equal(zx_std_kind_parse("households"), 0);
	assert_int_equal(zx_std_kind_parse(NULL), 0);
	assert_string_equal(zx_std_kind_title(ZX_STD_MEASURES), "帮扶措施台账");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_monitored_xlsx_is_masked_with_a_frozen_header, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_monitored_unmasked_csv_needs_a_role_that_may_unmask, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_measures_of_a_year_with_amounts_in_yuan, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_visits_name_the_checklist_items, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_eliminations_show_the_step_and_approvers, setup, teardown),
	    cmocka_unit_test(test_kind_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
