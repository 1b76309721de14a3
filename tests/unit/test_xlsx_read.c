/*
 * test_xlsx_read.c — XLSX through zx_table_read_file()/zx_table_read_mem().
 *
 * Workbooks are made here: with libxlsxwriter (what Excel-like writers produce)
 * and as small zips of hand-written XML (inline strings, prefixed namespaces, rich
 * text, missing cells, hostile files), so no binary fixtures are committed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "base/buf.h"
#include "base/table.h"
#include "base/xlsx_read.h"

#define MAXR 16
#define MAXC 16
#define MAXLEN 128

typedef struct got {
	long count;
	long stop_after;
	long rowno[MAXR];
	size_t ncells[MAXR];
	char cell[MAXR][MAXC][MAXLEN];
	unsigned char flags[MAXR][MAXC];
} got;

static got *G;
static char path[64];

static zx_err collect(void *ctx, const zx_row *r, zx_errinfo *ei)
{
	got *g = ctx;
	if (g->count < MAXR) {
		g->rowno[g->count] = r->rowno;
		g->ncells[g->count] = r->ncells;
		for (size_t i = 0; i < r->ncells && i < MAXC; i++) {
			assert_int_equal(strlen(r->cells[i]), r->lens[i]);
			snprintf(g->cell[g->count][i], MAXLEN, "%s", r->cells[i]);
			g->flags[g->count][i] = r->flags[i];
		}
	}
	g->count++;
	if (g->stop_after && g->count == g->stop_after)
		*r->stop = 1;
	return ZX_OK;
}

static int setup(void **state)
{
	G = calloc(1, sizeof *G);
	snprintf(path, sizeof path, "/tmp/zx_test_xlsx_XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0 || !G)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	free(G);
	return 0;
}

/* ---- hand-written packages --------------------------------------------------- */

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG "http://schemas.openxmlformats.org/package/2006/relationships"
#define SHEET(rows) "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>" rows "</sheetData></worksheet>"
#define SST(items) "<sst xmlns=\"" NS_MAIN "\">" items "</sst>"

static const char CONTENT_TYPES[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" "
    "ContentType=\"application/xml\"/></Types>";
static const char PKG_RELS[] = "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
                               "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char WORKBOOK[] =
    "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL
    "\"><sheets><sheet name=\"户\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char WB_RELS[] =
    "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
    "/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"" NS_REL
    "/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"" NS_REL
    "/styles\" Target=\"styles.xml\"/></Relationships>";

typedef struct part {
	const char *name;
	const char *body;
} part;

static void write_zip(const part *parts, size_t n)
{
	int zerr;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	assert_non_null(z);
	for (size_t i = 0; i < n; i++) {
		if (!parts[i].body)
			continue;
		zip_source_t *src = zip_source_buffer(z, parts[i].body, strlen(parts[i].body), 0);
		assert_non_null(src);
		assert_true(zip_file_add(z, parts[i].name, src, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
}

/* A package around the given sheet; NULL parts are left out, NULL workbook = default. */
static void write_xlsx(const char *sheet, const char *sst, const char *styles, const char *workbook)
{
	const part parts[] = {
	    {"[Content_Types].xml", CONTENT_TYPES},
	    {"_rels/.rels", PKG_RELS},
	    {"xl/workbook.xml", workbook ? workbook : WORKBOOK},
	    {"xl/_rels/workbook.xml.rels", WB_RELS},
	    {"xl/worksheets/sheet1.xml", sheet},
	    {"xl/sharedStrings.xml", sst},
	    {"xl/styles.xml", styles},
	};
	write_zip(parts, sizeof parts / sizeof parts[0]);
}

static zx_err read_path(const zx_table_opts *o, zx_errinfo *ei)
{
	return zx_table_read_file(path, o, collect, G, ei);
}

/* The same file through zx_table_read_mem(), the fuzzers' entry. */
static zx_err read_path_mem(const zx_table_opts *o, zx_errinfo *ei)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	zx_buf b = ZX_BUF_INIT((size_t)1 << 30);
	char chunk[65536];
	size_t nread;
	while ((nread = fread(chunk, 1, sizeof chunk, f)) > 0)
		assert_int_equal(zx_buf_add(&b, chunk, nread), ZX_OK);
	fclose(f);
	zx_err e = zx_table_read_mem(b.data, b.len, "t.xlsx", o, collect, G, ei);
	zx_buf_release(&b);
	return e;
}

/* ---- workbooks written by libxlsxwriter ------------------------------------- */

static void write_household_workbook(void)
{
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy\"年\"m\"月\"d\"日\"");
	lxw_format *stamp = workbook_add_format(wb);
	format_set_num_format(stamp, "yyyy/m/d h:mm");
	worksheet_write_string(ws, 0, 0, "姓名", NULL);
	worksheet_write_string(ws, 0, 1, "证件号码", NULL);
	worksheet_write_string(ws, 0, 2, "脱贫日期", NULL);
	worksheet_write_string(ws, 0, 3, "人数", NULL);
	worksheet_write_string(ws, 1, 0, "  张三  ", NULL);
	worksheet_write_string(ws, 1, 1, "510722198001011234", NULL);
	worksheet_write_number(ws, 1, 2, 43835, date); /* 2020-01-05 */
	worksheet_write_number(ws, 1, 3, 4, NULL);
	worksheet_write_string(ws, 2, 0, "李四", NULL);
	worksheet_write_number(ws, 2, 2, 43835.3541666667, stamp);
	worksheet_write_number(ws, 2, 3, 0.1 + 0.2, NULL);
	worksheet_write_formula_num(ws, 3, 0, "=\"王\"&\"五\"", NULL, 0);
	worksheet_write_formula_num(ws, 3, 3, "=1+2", NULL, 3);
	worksheet_write_boolean(ws, 3, 1, 1, NULL);
	/* row 5 (index 4) left empty; row 6 has only column D */
	worksheet_write_string(ws, 5, 3, "末行", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static void test_reads_strings_numbers_dates_and_keeps_row_numbers(void **state)
{
	write_household_workbook();
	assert_int_equal(read_path(NULL, NULL), ZX_OK);
	assert_int_equal(G->count, 5);
	assert_string_equal(G->cell[0][1], "证件号码");
	assert_string_equal(G->cell[1][0], "张三");
	assert_string_equal(G->cell[1][1], "510722198001011234");
	assert_int_equal(G->flags[1][1], 0);
	assert_string_equal(G->cell[1][2], "2020-01-05");
	assert_true(G->flags[1][2] & ZX_CELL_DATE);
	assert_string_equal(G->cell[1][3], "4");
	assert_int_equal(G->flags[1][3], ZX_CELL_NUMBER);
	assert_string_equal(G->cell[2][2], "2020-01-05 08:30:00");
	assert_string_equal(G->cell[2][3], "0.3");
	assert_int_equal(G->rowno[4], 6);
	assert_int_equal(G->ncells[4], 4);
	assert_string_equal(G->cell[4][0], "");
	assert_string_equal(G->cell[4][3], "末行");
}

static void test_formula_cells_give_their_cached_value_never_evaluated(void **state)
{
	write_household_workbook();
	assert_int_equal(read_path(NULL, NULL), ZX_OK);
	/* libxlsxwriter caches 0 for the string formula: proof we did not evaluate it. */
	assert_string_equal(G->cell[3][0], "0");
	assert_true(G->flags[3][0] & ZX_CELL_FORMULA);
	assert_string_equal(G->cell[3][3], "3");
	assert_string_equal(G->cell[3][1], "TRUE");
	assert_true(G->flags[3][1] & ZX_CELL_BOOL);
}

static void test_date_serials_are_kept_when_asked(void **state)
{
	write_household_workbook();
	zx_table_opts o = {.keep_date_serials = 1};
	assert_int_equal(read_path(&o, NULL), ZX_OK);
	assert_string_equal(G->cell[1][2], "43835");
	assert_true(G->flags[1][2] & ZX_CELL_DATE);
}

static void write_id_as_number_workbook(void)
{
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	worksheet_write_string(ws, 0, 0, "姓名", NULL);
	worksheet_write_string(ws, 0, 1, "证件号码", NULL);
	worksheet_write_string(ws, 0, 2, "联系电话", NULL);
	worksheet_write_string(ws, 1, 0, "张三", NULL);
	worksheet_write_number(ws, 1, 1, 510722198001011.0, NULL);
	worksheet_write_number(ws, 1, 2, 13800138000.0, NULL);
	worksheet_write_string(ws, 2, 0, "李四", NULL);
	worksheet_write_number(ws, 2, 1, 510722198001011234.0, NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static void test_eighteen_digit_id_stored_as_number_fails_naming_row_and_column(void **state)
{
	write_id_as_number_workbook();
	zx_errinfo ei = {0};
	assert_int_equal(read_path(NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "digits_lost");
	assert_int_equal(ei.row, 3);
	assert_string_equal(ei.field, "证件号码");
	assert_string_equal(ei.message,
	                    "第3行 证件号码 列以数值格式保存，后三位已丢失，请将该列设为文本格式后重新导出");
	/* Numbers up to 15 digits (old 15-digit IDs, phone numbers) come out digit for digit. */
	assert_int_equal(G->count, 2);
	assert_string_equal(G->cell[1][1], "510722198001011");
	assert_string_equal(G->cell[1][2], "13800138000");
}

static void test_lost_digits_are_flagged_and_rendered_without_exponent_when_allowed(void **state)
{
	write_id_as_number_workbook();
	zx_table_opts o = {.allow_lost_digits = 1};
	assert_int_equal(read_path(&o, NULL), ZX_OK);
	assert_string_equal(G->cell[2][1], "510722198001011000");
	assert_true(G->flags[2][1] & ZX_CELL_DIGITS_LOST);
	assert_false(G->flags[1][1] & ZX_CELL_DIGITS_LOST);
}

static void test_first_visible_sheet_is_read_when_the_first_is_hidden(void **state)
{
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *hidden = workbook_add_worksheet(wb, "说明");
	lxw_worksheet *data = workbook_add_worksheet(wb, "数据");
	worksheet_write_string(hidden, 0, 0, "hidden", NULL);
	worksheet_write_string(data, 0, 0, "visible", NULL);
	worksheet_activate(data);
	worksheet_hide(hidden);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	assert_int_equal(read_path_mem(NULL, NULL), ZX_OK);
	assert_int_equal(G->count, 1);
	assert_string_equal(G->cell[0][0], "visible");
}

static void test_inline_strings_and_missing_cells_land_in_their_columns(void **state)
{
	write_xlsx(SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>户编号</t></is></c>"
	                 "<c r=\"C1\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> 姓名 </t></is></c></row>"
	                 "<row r=\"4\"><c r=\"B4\" t=\"inlineStr\"><is><t>x</t></is></c>"
	                 "<c r=\"E4\"><v>7</v></c></row>"),
	           NULL, NULL, NULL);
	assert_int_equal(read_path_mem(NULL, NULL), ZX_OK);
	assert_int_equal(G->count, 2);
	assert_int_equal(G->ncells[0], 3);
	assert_string_equal(G->cell[0][1], "");
	assert_string_equal(G->cell[0][2], "姓名");
	assert_int_equal(G->rowno[1], 4);
	assert_int_equal(G->ncells[1], 5);
	assert_string_equal(G->cell[1][1], "x");
	assert_string_equal(G->cell[1][4], "7");
}

static void test_cells_and_rows_without_references_follow_on(void **state)
{
	write_xlsx(SHEET("<row><c t=\"inlineStr\"><is><t>a</t></is></c><c><v>1</v></c></row>"
	                 "<row><c r=\"B2\"><v>2</v></c><c><v>3</v></c></row>"),
	           NULL, NULL, NULL);
	assert_int_equal(read_path(NULL, NULL), ZX_OK);
	assert_int_equal(G->rowno[1], 2);
	assert_string_equal(G->cell[0][1], "1");
	assert_string_equal(G->cell[1][1], "2");
	assert_string_equal(G->cell[1][2], "3");
}

static void test_prefixed_namespaces_read_like_plain_ones(void **state)
{
	const char wb[] =
	    "<x:workbook xmlns:x=\"" NS_MAIN "\" xmlns:rel=\"" NS_REL
	    "\"><x:sheets><x:sheet name=\"a\" sheetId=\"1\" rel:id=\"rId1\"/></x:sheets></x:workbook>";
	write_xlsx(
	    "<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData><x:row r=\"1\">"
	    "<x:c r=\"A1\" t=\"s\"><x:v>1</x:v></x:c><x:c r=\"B1\" t=\"inlineStr\"><x:is><x:t>乙</x:t></x:is>"
	    "</x:c></x:row></x:sheetData></x:worksheet>",
	    "<x:sst xmlns:x=\"" NS_MAIN "\"><x:si><x:t>零</x:t></x:si><x:si><x:t>甲</x:t></x:si></x:sst>",
	    NULL, wb);
	assert_int_equal(read_path(NULL, NULL), ZX_OK);
	assert_int_equal(G->count, 1);
	assert_string_equal(G->cell[0][0], "甲");
	assert_string_equal(G->cell[0][1], "乙");
}

static void test_shared_rich_text_runs_are_joined_and_phonetic_runs_dropped(void **state)
{
	write_xlsx(
	    SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"),
	    SST("<si><r><rPr><b/></rPr><t>脱贫</t></r><r><t>户</t></r><rPh sb=\"0\" "
	        "eb=\"1\"><t>tuo</t></rPh></si>"
	        "<si><t>a_x000D_b</t></si>"),
	    NULL, NULL);
	assert_int_equal(read_path(NULL, NULL), ZX_OK);
	assert_string_equal(G->cell[0][0], "脱贫户");
	assert_string_equal(G->cell[0][1], "a\rb");
}

static void test_formula_strings_errors_and_iso_date_cells_are_rendered(void **state)
{
	write_xlsx(SHEET("<row r=\"1\"><c r=\"A1\" t=\"str\"><f>A2&amp;B2</f><v>合计</v></c>"
	                 "<c r=\"B1\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
	                 "<c r=\"C1\" t=\"d\"><v>2021-03-04T00:00:00</v></c>"
	                 "<c r=\"D1\" t=\"b\"><v>0</v></c><c r=\"E1\"><f>SUM(A1:A2)</f></c></row>"),
	           NULL, NULL, NULL);
	assert_int_equal(read_path(NULL, NULL), ZX_OK);
	assert_string_equal(G->cell[0][0], "合计");
	assert_true(G->flags[0][0] & ZX_CELL_FORMULA);
	assert_string_equal(G->cell[0][1], "#DIV/0!");
	assert_string_equal(G->cell[0][2], "2021-03-04");
	assert_true(G->flags[0][2] & ZX_CELL_DATE);
	assert_string_equal(G->cell[0][3], "FALSE");
	assert_int_equal(G->ncells[0], 4); /* a formula without a cached value is empty */
}

static void test_numbers_render_as_excel_shows_them(void **state)
{
	write_xlsx(SHEET("<row r=\"1\"><c><v>5.1072219800101101E+17</v></c><c><v>1E-3</v></c><c><v>-0</v></c>"
	                 "<c><v>123456789012345</v></c><c><v>0.30000000000000004</v></c><c><v>1.5E2</v></c>"
	                 "<c><v>-12.50</v></c><c><v>99999999999999.99</v></c><c><v>abc</v></c></row>"),
	           NULL, NULL, NULL);
	zx_table_opts o = {.allow_lost_digits = 1};
	assert_int_equal(read_path(&o, NULL), ZX_OK);
	assert_string_equal(G->cell[0][0], "510722198001011000");
	assert_string_equal(G->cell[0][1], "0.001");
	assert_string_equal(G->cell[0][2], "0");
	assert_string_equal(G->cell[0][3], "123456789012345");
	assert_string_equal(G->cell[0][4], "0.3");
	assert_string_equal(G->cell[0][5], "150");
	assert_string_equal(G->cell[0][6], "-12.5");
	assert_string_equal(G->cell[0][7], "100000000000000");
	assert_string_equal(G->cell[0][8], "abc");
}

static void test_date_styles_from_builtin_and_custom_formats_are_recognised(void **state)
{
	write_xlsx(
	    SHEET("<row r=\"1\"><c s=\"1\"><v>29221</v></c><c s=\"2\"><v>29221.75</v></c>"
	          "<c s=\"3\"><v>29221</v></c><c s=\"4\"><v>0.5</v></c><c s=\"5\"><v>44000</v></c></row>"),
	    NULL,
	    "<styleSheet xmlns=\"" NS_MAIN "\"><numFmts><numFmt numFmtId=\"200\" "
	    "formatCode=\"[$-804]yyyy&quot;年&quot;m&quot;月&quot;\"/><numFmt numFmtId=\"201\" "
	    "formatCode=\"#,##0.00&quot;元&quot;\"/></numFmts><cellStyleXfs><xf "
	    "numFmtId=\"14\"/></cellStyleXfs>"
	    "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"22\"/><xf numFmtId=\"200\"/>"
	    "<xf numFmtId=\"20\"/><xf numFmtId=\"201\"/></cellXfs></styleSheet>",
	    NULL);
	assert_int_equal(read_path(NULL, NULL), ZX_OK);
	assert_string_equal(G->cell[0][0], "1980-01-01");
	assert_string_equal(G->cell[0][1], "1980-01-01 18:00:00");
	assert_string_equal(G->cell[0][2], "1980-01-01");
	assert_string_equal(G->cell[0][3], "0.5");   /* a time of day is not a date */
	assert_string_equal(G->cell[0][4], "44000"); /* money format */
	assert_int_equal(G->flags[0][4], ZX_CELL_NUMBER);
}

static void test_1904_date_system_is_honoured(void **state)
{
	const char wb[] =
	    "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><workbookPr date1904=\"1\"/>"
	    "<sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
	write_xlsx(SHEET("<row r=\"1\"><c s=\"1\"><v>0</v></c></row>"), NULL,
	           "<styleSheet xmlns=\"" NS_MAIN
	           "\"><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs>"
	           "</styleSheet>",
	           wb);
	assert_int_equal(read_path(NULL, NULL), ZX_OK);
	assert_string_equal(G->cell[0][0], "1904-01-01");
}

static void test_serial_to_ymd_follows_excel_including_the_1900_leap_bug(void **state)
{
	assert_int_equal(zx_xlsx_serial_to_ymd(1), 19000101);
	assert_int_equal(zx_xlsx_serial_to_ymd(59), 19000228);
	assert_int_equal(zx_xlsx_serial_to_ymd(60), 19000229);
	assert_int_equal(zx_xlsx_serial_to_ymd(61), 19000301);
	assert_int_equal(zx_xlsx_serial_to_ymd(29221), 19800101);
	assert_int_equal(zx_xlsx_serial_to_ymd(43835.99), 20200105);
	assert_int_equal(zx_xlsx_serial_to_ymd(44255), 20210228);
	assert_int_equal(zx_xlsx_serial_to_ymd(2958465), 99991231);
	assert_int_equal(zx_xlsx_serial_to_ymd(0), 0);
	assert_int_equal(zx_xlsx_serial_to_ymd(2958466), 0);
	assert_int_equal(zx_xlsx_serial_to_ymd(-5), 0);
}

static void test_a_million_empty_rows_read_quickly_as_no_data_rows(void **state)
{
	zx_buf b = ZX_BUF_INIT((size_t)1 << 26);
	zx_buf_adds(&b, "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
	                "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>h</t></is></c></row>");
	for (long r = 2; r <= 1048576; r++)
		zx_buf_addf(&b, "<row r=\"%ld\" ht=\"15\"><c r=\"A%ld\" s=\"1\"/></row>", r, r);
	zx_buf_adds(&b, "</sheetData></worksheet>");
	write_xlsx(b.data, NULL, NULL, NULL);
	zx_buf_release(&b);
	time_t t0 = time(NULL);
	assert_int_equal(read_path(NULL, NULL), ZX_OK);
	assert_int_equal(G->count, 1);
	assert_true(time(NULL) - t0 < 30);
}

static void test_highly_compressed_part_is_refused_as_a_zip_bomb(void **state)
{
	size_t n = (size_t)64 << 20;
	char *s = malloc(n + 256);
	assert_non_null(s);
	int k = snprintf(s, 256, "<worksheet xmlns=\"%s\"><sheetData>", NS_MAIN);
	memset(s + k, ' ', n);
	snprintf(s + k + n, 256 - 0, "</sheetData></worksheet>");
	write_xlsx(s, NULL, NULL, NULL);
	free(s);
	zx_errinfo ei = {0};
	assert_int_equal(read_path(NULL, &ei), ZX_ETOOBIG);
	assert_string_equal(ei.code, "xlsx_too_large");
	assert_non_null(strstr(ei.message, "已停止读取"));
}

static void test_inflated_bytes_over_the_total_cap_stop_reading(void **state)
{
	zx_buf b = ZX_BUF_INIT((size_t)1 << 24);
	zx_buf_adds(&b, "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>");
	for (int r = 1; r <= 20000; r++)
		zx_buf_addf(&b, "<row r=\"%d\"><c t=\"inlineStr\"><is><t>%d</t></is></c></row>", r, r * 7919);
	zx_buf_adds(&b, "</sheetData></worksheet>");
	write_xlsx(b.data, NULL, NULL, NULL);
	zx_buf_release(&b);
	zx_errinfo ei = {0};
	zx_table_opts o = {.max_unzipped = 256 * 1024};
	assert_int_equal(read_path(&o, &ei), ZX_ETOOBIG);
	assert_string_equal(ei.code, "xlsx_too_large");
}

static void test_doctype_is_refused(void **state)
{
	write_xlsx("<!DOCTYPE lol [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>"
	           "<worksheet xmlns=\"" NS_MAIN
	           "\"><sheetData><row><c t=\"inlineStr\"><is><t>&b;</t></is></c>"
	           "</row></sheetData></worksheet>",
	           NULL, NULL, NULL);
	zx_errinfo ei = {0};
	assert_int_equal(read_path(NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "bad_xlsx");
	assert_int_equal(G->count, 0);
}

static void test_zip_without_a_workbook_is_not_an_xlsx(void **state)
{
	const part parts[] = {{"word/document.xml", "<w:document/>"}};
	write_zip(parts, 1);
	zx_errinfo ei = {0};
	assert_int_equal(read_path(NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "bad_xlsx");
	assert_non_null(strstr(ei.message, ".xlsx"));
}

static void test_truncated_zip_is_reported_as_damaged(void **state)
{
	write_household_workbook();
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	zx_errinfo ei = {0};
	assert_int_equal(zx_table_read_mem(buf, n / 2, "t.xlsx", NULL, collect, G, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "bad_xlsx");
}

static void test_malformed_sheet_xml_is_reported_as_damaged(void **state)
{
	write_xlsx(SHEET("<row r=\"1\"><c><v>1</v></row>"), NULL, NULL, NULL);
	zx_errinfo ei = {0};
	assert_int_equal(read_path(NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "bad_xlsx");
}

static void test_shared_string_index_out_of_range_names_the_row(void **state)
{
	write_xlsx(
	    SHEET("<row r=\"1\"><c t=\"s\"><v>0</v></c></row><row r=\"2\"><c t=\"s\"><v>9</v></c></row>"),
	    SST("<si><t>a</t></si>"), NULL, NULL);
	zx_errinfo ei = {0};
	assert_int_equal(read_path(NULL, &ei), ZX_EVALIDATION);
	assert_int_equal(ei.row, 2);
	assert_string_equal(ei.code, "bad_xlsx");
}

static void test_non_empty_cell_past_the_column_cap_fails_but_empty_ones_are_ignored(void **state)
{
	write_xlsx(SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"XFD1\" s=\"0\"/></row>"
	                 "<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"XFD2\"><v>5</v></c></row>"),
	           NULL, NULL, NULL);
	zx_errinfo ei = {0};
	assert_int_equal(read_path(NULL, &ei), ZX_ETOOBIG);
	assert_string_equal(ei.code, "too_many_columns");
	assert_int_equal(ei.row, 2);
	assert_int_equal(G->count, 1);
	assert_int_equal(G->ncells[0], 1);
}

static void test_cell_over_the_length_cap_names_row_and_column(void **state)
{
	write_xlsx(SHEET("<row r=\"1\"><c t=\"inlineStr\"><is><t>备注</t></is></c></row>"
	                 "<row r=\"2\"><c t=\"inlineStr\"><is><t>0123456789abcdef</t></is></c></row>"),
	           NULL, NULL, NULL);
	zx_errinfo ei = {0};
	zx_table_opts o = {.max_cell = 10};
	assert_int_equal(read_path(&o, &ei), ZX_ETOOBIG);
	assert_string_equal(ei.code, "cell_too_long");
	assert_string_equal(ei.field, "备注");
	assert_int_equal(ei.row, 2);
}

static void test_shared_string_too_long_to_keep_fails_only_where_used(void **state)
{
	zx_buf sst = ZX_BUF_INIT(1 << 20);
	zx_buf_adds(&sst, "<sst xmlns=\"" NS_MAIN "\"><si><t>");
	for (int i = 0; i < 6000; i++)
		zx_buf_adds(&sst, "长");
	zx_buf_adds(&sst, "</t></si><si><t>短</t></si><si><t>末</t></si></sst>");
	write_xlsx(SHEET("<row r=\"1\"><c t=\"s\"><v>1</v></c><c t=\"s\"><v>2</v></c></row>"
	                 "<row r=\"2\"><c t=\"s\"><v>0</v></c></row>"),
	           sst.data, NULL, NULL);
	zx_buf_release(&sst);
	zx_errinfo ei = {0};
	zx_table_opts o = {.max_cell = 10};
	assert_int_equal(read_path(&o, &ei), ZX_ETOOBIG);
	assert_string_equal(ei.code, "cell_too_long");
	assert_int_equal(ei.row, 2);
	assert_int_equal(G->count, 1);
	assert_string_equal(G->cell[0][0], "短");
	assert_string_equal(G->cell[0][1], "末");
}

static void test_stop_flag_ends_reading_early_without_error(void **state)
{
	write_xlsx(SHEET("<row r=\"1\"><c><v>1</v></c></row><row r=\"2\"><c><v>2</v></c></row>"
	                 "<row r=\"3\"><c><v>3</v></c></row>"),
	           NULL, NULL, NULL);
	G->stop_after = 2;
	assert_int_equal(read_path(NULL, NULL), ZX_OK);
	assert_int_equal(G->count, 2);
}

static void test_traditional_chinese_in_shared_strings_is_normalised_when_asked(void **state)
{
	write_xlsx(SHEET("<row r=\"1\"><c t=\"s\"><v>0</v></c></row>"), SST("<si><t>劉曉華</t></si>"), NULL,
	           NULL);
	zx_table_opts o = {.normalize_t2s = 1};
	assert_int_equal(read_path(&o, NULL), ZX_OK);
	assert_string_equal(G->cell[0][0], "刘晓华");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_reads_strings_numbers_dates_and_keeps_row_numbers),
	    T(test_formula_cells_give_their_cached_value_never_evaluated),
	    T(test_date_serials_are_kept_when_asked),
	    T(test_eighteen_digit_id_stored_as_number_fails_naming_row_and_column),
	    T(test_lost_digits_are_flagged_and_rendered_without_exponent_when_allowed),
	    T(test_first_visible_sheet_is_read_when_the_first_is_hidden),
	    T(test_inline_strings_and_missing_cells_land_in_their_columns),
	    T(test_cells_and_rows_without_references_follow_on),
	    T(test_prefixed_namespaces_read_like_plain_ones),
	    T(test_shared_rich_text_runs_are_joined_and_phonetic_runs_dropped),
	    T(test_formula_strings_errors_and_iso_date_cells_are_rendered),
	    T(test_numbers_render_as_excel_shows_them),
	    T(test_date_styles_from_builtin_and_custom_formats_are_recognised),
	    T(test_1904_date_system_is_honoured),
	    T(test_serial_to_ymd_follows_excel_including_the_1900_leap_bug),
	    T(test_a_million_empty_rows_read_quickly_as_no_data_rows),
	    T(test_highly_compressed_part_is_refused_as_a_zip_bomb),
	    T(test_inflated_bytes_over_the_total_cap_stop_reading),
	    T(test_doctype_is_refused),
	    T(test_zip_without_a_workbook_is_not_an_xlsx),
	    T(test_truncated_zip_is_reported_as_damaged),
	    T(test_malformed_sheet_xml_is_reported_as_damaged),
	    T(test_shared_string_index_out_of_range_names_the_row),
	    T(test_non_empty_cell_past_the_column_cap_fails_but_empty_ones_are_ignored),
	    T(test_cell_over_the_length_cap_names_row_and_column),
	    T(test_shared_string_too_long_to_keep_fails_only_where_used),
	    T(test_stop_flag_ends_reading_early_without_error),
	    T(test_traditional_chinese_in_shared_strings_is_normalised_when_asked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
