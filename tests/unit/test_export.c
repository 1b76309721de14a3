/*
 * test_export.c — exporting households (domain/registry/export.c): an unmasked CSV holds
 * exactly the inserted values in the template's columns (and imports back as "unchanged"),
 * a masked one hides 证件号码 and 联系电话, the XLSX keeps an 18-digit ID as text, filters and
 * scope apply, and every export is audited while a refused one leaves no file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <zip.h>

#include "domain/registry/export.h"
#include "store/store_impl.h"
#include "domain/registry/template.h"
#include "registry_fixture.h"
#if __has_include("domain/registry/import.h")
#include "domain/registry/import.h"
#define HAVE_IMPORT 1
#endif

#define A1 ZXT_VILLAGE_A1
#define B1 ZXT_VILLAGE_B1

typedef struct fix {
	zxt_db d;
	zx_actor admin;
	char path[160];
} fix;

static const rf_hh households[] = {
    {.village = A1,
     .hh_no = A1 "0001",
     .hh_type = "脱贫户",
     .category = "脱贫不稳定户",
     .group = "2组",
     .tuopin_year = 2016,
     .helper = "赵\"老\",五",
     .n = 3,
     .names = {"李陈", "王芳", "李小"},
     .ids = {101, 102, 103},
     .phones = {"13812345678", "", "0816-5212345"},
     .school = {NULL, NULL, "小学"},
     .insured = {0, 2, 3}},
    {.village = A1, .hh_no = A1 "0002", .n = 1, .names = {"张三"}, .ids = {105}},
    {.village = B1, .hh_no = B1 "0001", .n = 2, .names = {"周五", "吴六"}, .ids = {201, 202}},
};
#define NPERSONS 6

static int setup(void **state)
{
	fix *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	zxt_db_open(&f->d, 0);
	zxt_load_county(&f->d);
	for (size_t i = 0; i < sizeof(households) / sizeof(households[0]); i++)
		rf_insert(&f->d, &households[i]);
	zxt_actor(&f->admin, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fix *f = *state;
	zxt_db_close(&f->d);
	free(f);
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* RFC 4180: splits one CRLF-terminated record at *p into cells (malloc'd). */
static int csv_record(const char **p, char *cells[ZX_COL__COUNT + 1])
{
	int n = 0;
	const char *s = *p;
	for (;;) {
		char cell[512];
		size_t k = 0;
		if (*s == '"') {
			for (s++; !(*s == '"' && s[1] != '"'); s++) {
				if (*s == '"')
					s++;
				cell[k++] = *s;
			}
			s++;
		} else {
			while (*s != ',' && *s != '\r')
				cell[k++] = *s++;
		}
		cell[k] = '\0';
		assert_true(n <= ZX_COL__COUNT);
		cells[n++] = strdup(cell);
		if (*s == ',') {
			s++;
			continue;
		}
		assert_memory_equal(s, "\r\n", 2);
		*p = s + 2;
		return n;
	}
}

static zx_err export(fix *f, const zx_actor *a, zx_export_opts o, zx_export_result *r, zx_errinfo *ei)
{
	zx_errinfo_clear(ei);
	snprintf(f->path, sizeof(f->path), "%s/out.%s", f->d.dir, o.format == ZX_EXPORT_CSV ? "csv" : "xlsx");
	return zx_export_households(f->d.c, a, zxt_keys(), &o, f->path, r, ei);
}

static void expect_row(char **cells, const rf_hh *h, int i, bool unmasked)
{
	char id[19], masked[24];
	rf_id(h->ids[i], id);
	const char *phone = h->phones[i] ? h->phones[i] : "";
	bool head = i == 0;
	static const char *const rel[] = {"户主", "配偶", "之子"};
	char year[8] = "";
	if (h->tuopin_year)
		snprintf(year, sizeof(year), "%d", h->tuopin_year);
	assert_string_equal(cells[ZX_COL_HH_NO], h->hh_no);
	assert_string_equal(cells[ZX_COL_AREA], h->village);
	assert_string_equal(cells[ZX_COL_GROUP], h->group ? h->group : "1组");
	assert_string_equal(cells[ZX_COL_NAME], h->names[i]);
	if (unmasked) {
		assert_string_equal(cells[ZX_COL_ID], id);
		assert_string_equal(cells[ZX_COL_PHONE], phone);
	} else {
		snprintf(masked, sizeof(masked), "5107**********%s", id + 14);
		assert_string_equal(cells[ZX_COL_ID], masked);
		assert_true(!*phone || strstr(cells[ZX_COL_PHONE], "****"));
	}
	assert_string_equal(cells[ZX_COL_RELATION], rel[i]);
	assert_string_equal(cells[ZX_COL_GENDER], rf_gender(id));
	assert_string_equal(cells[ZX_COL_NATION], "汉族");
	assert_string_equal(cells[ZX_COL_EDUCATION], "初中");
	assert_string_equal(cells[ZX_COL_SCHOOL], h->school[i] ? h->school[i] : "非在校生");
	assert_string_equal(cells[ZX_COL_HEALTH], "健康");
	assert_string_equal(cells[ZX_COL_DISABILITY], "");
	assert_string_equal(cells[ZX_COL_LABOR], "普通劳动力");
	assert_string_equal(cells[ZX_COL_WORK], "乡镇内务工");
	assert_string_equal(cells[ZX_COL_WORK_MONTHS], "6");
	assert_string_equal(cells[ZX_COL_INSURED], h->insured[i] == 0   ? "是"
	                                           : h->insured[i] == 2 ? "否"
	                                                                : "");
	assert_string_equal(cells[ZX_COL_HH_TYPE], h->hh_type ? h->hh_type : "一般农户");
	assert_string_equal(cells[ZX_COL_CATEGORY], h->category ? h->category : "");
	assert_string_equal(cells[ZX_COL_TUOPIN_YEAR], year);
	/* Household-level columns on the 户主's row only. */
	assert_string_equal(cells[ZX_COL_HOUSING_SAFE], head ? "是" : "");
	assert_string_equal(cells[ZX_COL_WATER_SAFE], head ? "是" : "");
	assert_string_equal(cells[ZX_COL_RISK_TYPE], "");
	assert_string_equal(cells[ZX_COL_HELPER], head && h->helper ? h->helper : "");
}

/* Reads the CSV at f->path and checks it holds `nh` households of `households` from `first`. */
static void check_csv(fix *f, size_t first, size_t nh, bool unmasked)
{
	size_t len;
	char *buf = slurp(f->path, &len);
	assert_memory_equal(buf, "\xEF\xBB\xBF", 3);
	const char *p = buf + 3;
	char *cells[ZX_COL__COUNT + 1];
	size_t ncols;
	const zx_template_column *cols = zx_template_columns(&ncols);
	assert_int_equal(csv_record(&p, cells), ZX_COL__COUNT);
	for (size_t i = 0; i < ncols; i++) {
		assert_string_equal(cells[i], cols[i].name);
		free(cells[i]);
	}
	for (size_t h = first; h < first + nh; h++)
		for (int i = 0; i < households[h].n; i++) {
			assert_int_equal(csv_record(&p, cells), ZX_COL__COUNT);
			expect_row(cells, &households[h], i, unmasked);
			for (int k = 0; k < ZX_COL__COUNT; k++)
				free(cells[k]);
		}
	assert_int_equal(*p, '\0');
	free(buf);
}

static void test_unmasked_csv_holds_exactly_the_registered_values_in_template_order(void **state)
{
	fix *f = *state;
	zx_export_result r;
	zx_errinfo ei;
	int64_t audits = rf_count_audit(&f->d, "household.export");
	assert_int_equal(
	    export(f, &f->admin, (zx_export_opts){.format = ZX_EXPORT_CSV, .unmasked = true}, &r, &ei),
	    ZX_OK);
	assert_int_equal(r.households, 3);
	assert_int_equal(r.persons, NPERSONS);
	check_csv(f, 0, 3, true);
	assert_int_equal(rf_count_audit(&f->d, "household.export"), audits + 1);
	assert_false(zx_tx_active(f->d.c));
}

static void test_masked_csv_hides_ids_and_phones(void **state)
{
	fix *f = *state;
	zx_export_result r;
	zx_errinfo ei;
	assert_int_equal(export(f, &f->admin, (zx_export_opts){.format = ZX_EXPORT_CSV}, &r, &ei), ZX_OK);
	check_csv(f, 0, 3, false);
	size_t len;
	char *buf = slurp(f->path, &len);
	char id[19];
	rf_id(101, id);
	assert_null(strstr(buf, id));
	assert_null(strstr(buf, "13812345678"));
	free(buf);
}

static void test_filters_and_area_choose_the_households(void **state)
{
	fix *f = *state;
	zx_export_result r;
	zx_errinfo ei;
	assert_int_equal(export(f, &f->admin,
	                        (zx_export_opts){.format = ZX_EXPORT_CSV,
	                                         .unmasked = true,
	                                         .filter = {.category = "脱贫不稳定户"}},
	                        &r, &ei),
	                 ZX_OK);
	assert_int_equal(r.households, 1);
	check_csv(f, 0, 1, true);
	assert_int_equal(
	    export(f, &f->admin,
	           (zx_export_opts){.format = ZX_EXPORT_CSV, .unmasked = true, .filter = {.area = B1}}, &r,
	           &ei),
	    ZX_OK);
	check_csv(f, 2, 1, true);
	/* A search exports its matches. */
	assert_int_equal(
	    export(f, &f->admin,
	           (zx_export_opts){.format = ZX_EXPORT_CSV, .unmasked = true, .filter = {.q = "张"}}, &r,
	           &ei),
	    ZX_OK);
	check_csv(f, 1, 1, true);
}

static void test_refused_exports_leave_no_file_and_no_audit(void **state)
{
	fix *f = *state;
	zx_export_result r;
	zx_errinfo ei;
	zx_actor clerk, audit;
	zxt_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, A1);
	zxt_actor(&audit, ZX_ROLE_AUDIT_ADMIN, ZXT_COUNTY12);
	int64_t audits = rf_count_audit(&f->d, "household.export");
	struct stat sb;
	assert_int_equal(
	    export(f, &clerk, (zx_export_opts){.format = ZX_EXPORT_CSV, .filter = {.area = B1}}, &r, &ei),
	    ZX_EFORBIDDEN);
	assert_int_equal(
	    export(f, &clerk, (zx_export_opts){.format = ZX_EXPORT_CSV, .unmasked = true}, &r, &ei),
	    ZX_EFORBIDDEN);
	assert_int_equal(export(f, &audit, (zx_export_opts){.format = ZX_EXPORT_XLSX}, &r, &ei),
	                 ZX_EFORBIDDEN);
	assert_int_not_equal(stat(f->path, &sb), 0);
	assert_int_equal(rf_count_audit(&f->d, "household.export"), audits);
	/* The clerk's own village, masked, is fine and holds only that village. */
	assert_int_equal(export(f, &clerk, (zx_export_opts){.format = ZX_EXPORT_CSV}, &r, &ei), ZX_OK);
	assert_int_equal(r.households, 2);
	check_csv(f, 0, 2, false);
}

static char *zip_entry(const char *path, const char *name)
{
	int err = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &err);
	assert_non_null(z);
	zip_stat_t st;
	assert_int_equal(zip_stat(z, name, 0, &st), 0);
	zip_file_t *zf = zip_fopen(z, name, 0);
	assert_non_null(zf);
	char *buf = calloc(1, (size_t)st.size + 1);
	assert_int_equal(zip_fread(zf, buf, st.size), (zip_int64_t)st.size);
	zip_fclose(zf);
	zip_close(z);
	return buf;
}

static void test_xlsx_keeps_ids_as_text_with_a_frozen_chinese_header(void **state)
{
	fix *f = *state;
	zx_export_result r;
	zx_errinfo ei;
	assert_int_equal(
	    export(f, &f->admin, (zx_export_opts){.format = ZX_EXPORT_XLSX, .unmasked = true}, &r, &ei),
	    ZX_OK);
	assert_int_equal(r.persons, NPERSONS);
	char *sheet = zip_entry(f->path, "xl/worksheets/sheet1.xml");
	char id[19], want[64];
	rf_id(101, id);
	/* An inline string, never a number cell. */
	snprintf(want, sizeof(want), "<t>%s</t>", id);
	assert_non_null(strstr(sheet, want));
	snprintf(want, sizeof(want), "<v>%s</v>", id);
	assert_null(strstr(sheet, want));
	assert_null(strstr(sheet, "E+17"));
	snprintf(want, sizeof(want), "<t>%s</t>", A1 "0001");
	assert_non_null(strstr(sheet, want));
	assert_non_null(strstr(sheet, "<t>证件号码</t>"));
	assert_non_null(strstr(sheet, "<t>帮扶责任人</t>"));
	assert_non_null(strstr(sheet, "state=\"frozen\""));
	assert_non_null(strstr(sheet, "<col "));
	/* 7 rows: header + 6 members. */
	assert_non_null(strstr(sheet, "<row r=\"7\""));
	assert_null(strstr(sheet, "<row r=\"8\""));
	free(sheet);
	char *wb = zip_entry(f->path, "xl/workbook.xml");
	assert_non_null(strstr(wb, "家庭成员"));
	free(wb);
}

#ifdef HAVE_IMPORT
static void test_unmasked_export_imports_back_without_any_change(void **state)
{
	fix *f = *state;
	zx_export_result r;
	zx_errinfo ei;
	assert_int_equal(
	    export(f, &f->admin, (zx_export_opts){.format = ZX_EXPORT_CSV, .unmasked = true}, &r, &ei),
	    ZX_OK);
	zx_import_result ir;
	zx_import_result_init(&ir);
	zx_import_opts io = {.area_code = ZXT_COUNTY12};
	zx_errinfo_clear(&ei);
	zx_err e = zx_import_households(f->d.c, zxt_keys(), &f->admin, f->path, &io, &ir, &ei);
	if (e)
		fail_msg("import of the export: %s %s (%s)", zx_err_name(e), ei.message,
		         ir.nerrors ? ir.errors[0].reason : "");
	assert_int_equal(ir.households, 3);
	assert_int_equal(ir.persons, NPERSONS);
	assert_int_equal(ir.created, 0);
	assert_int_equal(ir.updated, 0);
	assert_int_equal(ir.unchanged, 3);
	zx_import_result_release(&ir);
	/* And the XLSX too. */
	assert_int_equal(
	    export(f, &f->admin, (zx_export_opts){.format = ZX_EXPORT_XLSX, .unmasked = true}, &r, &ei),
	    ZX_OK);
	zx_import_result_init(&ir);
	e = zx_import_households(f->d.c, zxt_keys(), &f->admin, f->path, &io, &ir, &ei);
	if (e)
		fail_msg("import of the xlsx export: %s %s (%s)", zx_err_name(e), ei.message,
		         ir.nerrors ? ir.errors[0].reason : "");
	assert_int_equal(ir.unchanged, 3);
	assert_int_equal(ir.updated, 0);
	zx_import_result_release(&ir);
}

/* The county is exported a page of households at a time (export.c, export_rows): more
 * households than two pages come out each once, in 户编号 order, and a household without
 * members on a page boundary neither ends the export nor shows in it. */
static void test_a_county_larger_than_a_page_exports_every_household_once_in_order(void **state)
{
	fix *f = *state;
	enum { MORE = 4300 };
	char csv[200];
	snprintf(csv, sizeof(csv), "%s/more.csv", f->d.dir);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_synth_write_csv(csv, 5, MORE, "510722", &ei), ZX_OK);
	zx_import_result ir;
	zx_import_result_init(&ir);
	zx_import_opts io = {.area_code = ZXT_COUNTY12};
	assert_int_equal(zx_import_households(f->d.c, zxt_keys(), &f->admin, csv, &io, &ir, &ei), ZX_OK);
	zx_import_result_release(&ir);
	/* The 2000th household in export order loses its members (the first page's last one). */
	assert_int_equal(f->d.c->store->ops->exec_raw(
	                     f->d.c, "DELETE FROM persons WHERE household_id = (SELECT id FROM"
	                             " households ORDER BY area_code, hh_no LIMIT 1 OFFSET 1999)"),
	                 ZX_OK);
	long long nhh = zxt_sql_int(f->d.path, "SELECT count(*) FROM households");
	long long persons = zxt_sql_int(f->d.path, "SELECT count(*) FROM persons");
	assert_true(nhh >= MORE); /* (a synthetic 户编号 may be one of the fixture's) */
	zx_export_result r;
	assert_int_equal(export(f, &f->admin, (zx_export_opts){.format = ZX_EXPORT_CSV}, &r, &ei), ZX_OK);
	assert_int_equal(r.households, nhh - 1);
	assert_int_equal(r.persons, persons);
	size_t len;
	char *text = slurp(f->path, &len);
	const char *p = strstr(text, "\r\n") + 2; /* past the header */
	char prev_key[64] = "", *cells[ZX_COL__COUNT + 1];
	long rows = 0, seen = 0;
	while (*p) {
		int n = csv_record(&p, cells);
		char key[64];
		snprintf(key, sizeof(key), "%s/%s", cells[ZX_COL_AREA], cells[ZX_COL_HH_NO]);
		int cmp = strcmp(key, prev_key);
		assert_true(cmp >= 0); /* in order, and a household's rows together */
		if (cmp > 0)
			seen++;
		snprintf(prev_key, sizeof(prev_key), "%s", key);
		rows++;
		for (int i = 0; i < n; i++)
			free(cells[i]);
	}
	free(text);
	assert_int_equal(rows, persons);
	assert_int_equal(seen, nhh - 1);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_unmasked_csv_holds_exactly_the_registered_values_in_template_order),
	    T(test_masked_csv_hides_ids_and_phones),
	    T(test_filters_and_area_choose_the_households),
	    T(test_refused_exports_leave_no_file_and_no_audit),
	    T(test_xlsx_keeps_ids_as_text_with_a_frozen_chinese_header),
#ifdef HAVE_IMPORT
	    T(test_unmasked_export_imports_back_without_any_change),
	    T(test_a_county_larger_than_a_page_exports_every_household_once_in_order),
#endif
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
