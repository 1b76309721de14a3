/*
 * test_csv_read.c — CSV through zx_table_read_mem()/zx_table_read_file(): quoting,
 * line endings, separators, encodings, caps and the row-number contract.
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

#include "base/buf.h"
#include "base/table.h"

#define MAXR 64
#define MAXC 32
#define MAXLEN 128

typedef struct got {
	long count;      /* rows delivered (also past MAXR) */
	long last_rowno; /* rowno of the last row delivered */
	long stop_after; /* set *stop after this many rows; 0 = never */
	zx_err fail_at;  /* return this from the row ... */
	long fail_rowno; /* ... whose rowno is this */
	long rowno[MAXR];
	size_t ncells[MAXR];
	char cell[MAXR][MAXC][MAXLEN];
} got;

static got *G;

static zx_err collect(void *ctx, const zx_row *r, zx_errinfo *ei)
{
	got *g = ctx;
	if (g->count < MAXR) {
		g->rowno[g->count] = r->rowno;
		g->ncells[g->count] = r->ncells;
		for (size_t i = 0; i < r->ncells && i < MAXC; i++) {
			assert_int_equal(strlen(r->cells[i]), r->lens[i]);
			assert_int_equal(r->flags[i], 0);
			snprintf(g->cell[g->count][i], MAXLEN, "%s", r->cells[i]);
		}
	}
	g->count++;
	g->last_rowno = r->rowno;
	if (g->stop_after && g->count == g->stop_after)
		*r->stop = 1;
	if (g->fail_at && r->rowno == g->fail_rowno)
		return zx_fail(ei, g->fail_at, "caller_says_no", "姓名", r->rowno, "调用方拒绝第%ld行",
		               r->rowno);
	return ZX_OK;
}

static int setup(void **state)
{
	G = calloc(1, sizeof *G);
	return G ? 0 : -1;
}

static int teardown(void **state)
{
	free(G);
	return 0;
}

static zx_err read_bytes(const char *s, size_t n, const zx_table_opts *o, zx_errinfo *ei)
{
	return zx_table_read_mem(s, n, "test.csv", o, collect, G, ei);
}

static zx_err read_str(const char *s, const zx_table_opts *o, zx_errinfo *ei)
{
	return read_bytes(s, strlen(s), o, ei);
}

static void test_reads_header_and_rows_with_crlf(void **state)
{
	assert_int_equal(read_str("户编号,姓名\r\n001,张三\r\n002,李四\r\n", NULL, NULL), ZX_OK);
	assert_int_equal(G->count, 3);
	assert_string_equal(G->cell[0][0], "户编号");
	assert_string_equal(G->cell[1][1], "张三");
	assert_string_equal(G->cell[2][0], "002");
	assert_int_equal(G->rowno[2], 3);
	assert_int_equal(G->ncells[2], 2);
}

static void test_quoted_fields_keep_commas_doubled_quotes_and_newlines(void **state)
{
	assert_int_equal(
	    read_str("a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"line1\r\nline2\"\nnext,2,3\n", NULL, NULL), ZX_OK);
	assert_int_equal(G->count, 3);
	assert_string_equal(G->cell[1][0], "x,y");
	assert_string_equal(G->cell[1][1], "say \"hi\"");
	assert_string_equal(G->cell[1][2], "line1\r\nline2");
	/* The newline inside quotes does not start a row, as in a spreadsheet. */
	assert_int_equal(G->rowno[2], 3);
}

static void test_cells_are_trimmed_of_ascii_nbsp_and_ideographic_spaces(void **state)
{
	assert_int_equal(read_str("a,b,c\n  张三 ,\xe3\x80\x80李四\xe3\x80\x80,\xc2\xa0 5 \t\n", NULL, NULL),
	                 ZX_OK);
	assert_string_equal(G->cell[1][0], "张三");
	assert_string_equal(G->cell[1][1], "李四");
	assert_string_equal(G->cell[1][2], "5");
}

static void test_blank_lines_are_skipped_but_counted_in_row_numbers(void **state)
{
	assert_int_equal(read_str("h1,h2\r\n\r\n1,2\r\n , \r\n\n3,4\r\n\r\n\r\n", NULL, NULL), ZX_OK);
	assert_int_equal(G->count, 3);
	assert_int_equal(G->rowno[0], 1);
	assert_int_equal(G->rowno[1], 3);
	assert_int_equal(G->rowno[2], 6);
	assert_string_equal(G->cell[2][1], "4");
}

static void test_a_million_blank_lines_read_fast_as_no_data_rows(void **state)
{
	size_t n = 1000000;
	char *s = malloc(n + 16);
	assert_non_null(s);
	memcpy(s, "h1,h2\n", 6);
	memset(s + 6, '\n', n);
	clock_t t0 = clock();
	assert_int_equal(read_bytes(s, n + 6, NULL, NULL), ZX_OK);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_int_equal(G->count, 1);
	assert_true(secs < 5.0);
	free(s);
}

static void test_tab_separated_is_detected_from_the_header(void **state)
{
	assert_int_equal(read_str("姓名\t证件号码\t备注\n张三\t510722198001011234\ta,b\n", NULL, NULL),
	                 ZX_OK);
	assert_int_equal(G->ncells[1], 3);
	assert_string_equal(G->cell[1][1], "510722198001011234");
	assert_string_equal(G->cell[1][2], "a,b");
}

static void test_comma_file_keeps_tabs_inside_cells(void **state)
{
	assert_int_equal(read_str("a,b,c\nx\ty,2,3\n", NULL, NULL), ZX_OK);
	assert_int_equal(G->ncells[1], 3);
	assert_string_equal(G->cell[1][0], "x\ty");
}

static void test_utf8_bom_is_not_part_of_the_first_header(void **state)
{
	assert_int_equal(read_str("\xef\xbb\xbf户编号,姓名\n1,张三\n", NULL, NULL), ZX_OK);
	assert_string_equal(G->cell[0][0], "户编号");
}

static void test_gb18030_file_is_decoded_to_utf8(void **state)
{
	/* "姓名,户类型\n张三,脱贫户\n" as saved by Excel on a Chinese Windows. */
	const char gb[] =
	    "\xd0\xd5\xc3\xfb,\xbb\xa7\xc0\xe0\xd0\xcd\n\xd5\xc5\xc8\xfd,\xcd\xd1\xc6\xb6\xbb\xa7\n";
	assert_int_equal(read_str(gb, NULL, NULL), ZX_OK);
	assert_int_equal(G->count, 2);
	assert_string_equal(G->cell[0][1], "户类型");
	assert_string_equal(G->cell[1][0], "张三");
	assert_string_equal(G->cell[1][1], "脱贫户");
}

static void test_gb18030_after_200k_of_ascii_is_still_decoded(void **state)
{
	zx_buf b = ZX_BUF_INIT(1 << 22);
	zx_buf_adds(&b, "id,name\n");
	for (int i = 0; i < 20000; i++)
		zx_buf_addf(&b, "%d,abcdef\n", i);
	zx_buf_adds(&b, "last,\xd5\xc5\xc8\xfd\n");
	assert_int_equal(read_bytes(b.data, b.len, NULL, NULL), ZX_OK);
	assert_int_equal(G->count, 20002);
	assert_int_equal(G->last_rowno, 20002);
	zx_buf_release(&b);
}

static void test_forced_gb18030_encoding_is_used(void **state)
{
	/* The UTF-8 bytes of "中文" are also three valid GB18030 characters. */
	zx_table_opts o = {.encoding = "GB18030"};
	assert_int_equal(read_str("h\n中文\n", NULL, NULL), ZX_OK);
	assert_string_equal(G->cell[1][0], "中文");
	G->count = 0;
	assert_int_equal(read_str("h\n中文\n", &o, NULL), ZX_OK);
	assert_string_not_equal(G->cell[1][0], "中文");
	assert_int_equal(strlen(G->cell[1][0]), 9); /* three CJK characters, 3 UTF-8 bytes each */
}

static void test_invalid_utf8_in_a_utf8_file_names_row_and_column(void **state)
{
	/* Past the first 64 KiB, after the file was recognised as UTF-8. */
	zx_errinfo ei = {0};
	zx_buf b = ZX_BUF_INIT(1 << 20);
	zx_buf_adds(&b, "姓名,证件号码\n");
	for (int i = 0; i < 10000; i++)
		zx_buf_adds(&b, "张三,1\n");
	zx_buf_adds(&b, "李四,\xc3\x28\n");
	assert_int_equal(read_bytes(b.data, b.len, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "invalid_text");
	assert_int_equal(ei.row, 10002);
	assert_string_equal(ei.field, "证件号码");
	assert_non_null(strstr(ei.message, "第10002行 证件号码 列"));
	zx_buf_release(&b);
}

static void test_nul_bytes_fail_as_binary_file(void **state)
{
	zx_errinfo ei = {0};
	assert_int_equal(read_bytes("a,b\n1,2\n\0\0\0\0", 12, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "binary_file");
	assert_int_equal(ei.row, 3);
}

static void test_undecodable_file_fails_with_encoding_hint(void **state)
{
	zx_errinfo ei = {0};
	assert_int_equal(read_str("a,b\n\xff\xfe\xff,\xff\n", NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "unknown_encoding");
	assert_non_null(strstr(ei.message, "文件编码无法识别，请另存为 UTF-8 或 GB18030 编码的 CSV"));
}

static void test_cell_over_the_cap_fails_naming_row_and_column(void **state)
{
	zx_errinfo ei = {0};
	zx_table_opts o = {.max_cell = 8};
	assert_int_equal(read_str("姓名,备注\n张三,123456789\n", &o, &ei), ZX_ETOOBIG);
	assert_string_equal(ei.code, "cell_too_long");
	assert_int_equal(ei.row, 2);
	assert_string_equal(ei.field, "备注");
	assert_non_null(strstr(ei.message, "第2行 备注 列"));
}

static void test_unterminated_quote_over_many_megabytes_stops_at_the_cap(void **state)
{
	size_t n = 8u << 20;
	char *s = malloc(n);
	assert_non_null(s);
	memcpy(s, "a,b\n1,\"", 7);
	memset(s + 7, 'x', n - 7);
	zx_errinfo ei = {0};
	assert_int_equal(read_bytes(s, n, NULL, &ei), ZX_ETOOBIG);
	assert_string_equal(ei.code, "cell_too_long");
	assert_int_equal(ei.row, 2);
	free(s);
}

static void test_unclosed_quote_at_end_names_the_row(void **state)
{
	zx_errinfo ei = {0};
	assert_int_equal(read_str("a,b\n1,2\n3,\"oops\n", NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "unclosed_quote");
	assert_int_equal(ei.row, 3);
}

static void test_too_many_cells_in_a_row_fails_naming_the_row(void **state)
{
	zx_errinfo ei = {0};
	zx_table_opts o = {.max_cells_per_row = 3};
	assert_int_equal(read_str("a,b,c\n1,2,3\n1,2,3,4\n", &o, &ei), ZX_ETOOBIG);
	assert_string_equal(ei.code, "too_many_columns");
	assert_int_equal(ei.row, 3);
}

static void test_trailing_empty_fields_past_the_cell_cap_are_harmless(void **state)
{
	zx_table_opts o = {.max_cells_per_row = 2};
	assert_int_equal(read_str("a,b,,,,\n1,2,,,\n", &o, NULL), ZX_OK);
	assert_int_equal(G->count, 2);
}

static void test_too_many_data_rows_fails_at_the_first_extra_row(void **state)
{
	zx_errinfo ei = {0};
	zx_table_opts o = {.max_rows = 2};
	assert_int_equal(read_str("h\n1\n\n2\n3\n4\n", &o, &ei), ZX_ETOOBIG);
	assert_string_equal(ei.code, "too_many_rows");
	assert_int_equal(ei.row, 5);
	assert_int_equal(G->count, 3);
}

static void test_callback_error_stops_reading_and_is_returned_with_its_message(void **state)
{
	zx_errinfo ei = {0};
	G->fail_at = ZX_EVALIDATION;
	G->fail_rowno = 2;
	assert_int_equal(read_str("h\nA\nB\nC\n", NULL, &ei), ZX_EVALIDATION);
	assert_int_equal(G->count, 2);
	assert_string_equal(ei.code, "caller_says_no");
	assert_string_equal(ei.message, "调用方拒绝第2行");
}

static void test_stop_flag_ends_reading_early_without_error(void **state)
{
	G->stop_after = 2;
	assert_int_equal(read_str("h\nA\nB\nC\n\"unclosed", NULL, NULL), ZX_OK);
	assert_int_equal(G->count, 2);
}

static void test_short_rows_read_as_empty_cells_past_the_end(void **state)
{
	assert_int_equal(read_str("a,b,c\n1\n", NULL, NULL), ZX_OK);
	assert_int_equal(G->ncells[1], 1);
	zx_row r = {.ncells = 1, .cells = (const char *const[]){"1"}};
	assert_string_equal(zx_row_cell(&r, 0), "1");
	assert_string_equal(zx_row_cell(&r, 2), "");
}

static void test_traditional_chinese_is_normalised_when_asked(void **state)
{
	zx_table_opts o = {.normalize_t2s = 1};
	assert_int_equal(read_str("姓名,地址\n張三豐,雲南省\n", &o, NULL), ZX_OK);
	assert_string_equal(G->cell[1][0], "张三丰");
	assert_string_equal(G->cell[1][1], "云南省");
}

static void test_traditional_chinese_is_normalised_only_in_the_listed_columns(void **state)
{
	static const char *const names[] = {"姓名", NULL};
	zx_table_opts o = {.t2s_columns = names};
	assert_int_equal(read_str("姓名,備註\n張三豐,雲南省\n", &o, NULL), ZX_OK);
	assert_string_equal(G->cell[0][1], "备注"); /* the header is always normalised */
	assert_string_equal(G->cell[1][0], "张三丰");
	assert_string_equal(G->cell[1][1], "雲南省");
}

static void test_rows_spanning_chunk_boundaries_are_read_intact(void **state)
{
	zx_buf b = ZX_BUF_INIT(1 << 22);
	zx_buf_adds(&b, "n,text,check\n");
	for (int i = 0; i < 5000; i++)
		zx_buf_addf(&b, "%d,\"行%d,含逗号\n和换行\",%d\n", i, i, i * 7);
	long sum = 0;
	assert_int_equal(read_bytes(b.data, b.len, NULL, NULL), ZX_OK);
	assert_int_equal(G->count, 5001);
	assert_int_equal(G->last_rowno, 5001);
	for (int i = 1; i < MAXR; i++)
		sum += strtol(G->cell[i][2], NULL, 10) == (long)(i - 1) * 7;
	assert_int_equal(sum, MAXR - 1);
	assert_string_equal(G->cell[5][1], "行4,含逗号\n和换行");
	zx_buf_release(&b);
}

static void test_empty_input_reads_no_rows(void **state)
{
	assert_int_equal(read_bytes("", 0, NULL, NULL), ZX_OK);
	assert_int_equal(G->count, 0);
}

static void test_old_xls_files_are_refused_with_a_save_as_hint(void **state)
{
	zx_errinfo ei = {0};
	assert_int_equal(read_bytes("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, NULL, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "xls_unsupported");
}

static void test_read_file_streams_a_csv_from_disk(void **state)
{
	char path[] = "/tmp/zx_test_csv_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char body[] = "姓名,年龄\n张三,30\n";
	assert_int_equal(write(fd, body, sizeof body - 1), (ssize_t)(sizeof body - 1));
	close(fd);
	assert_int_equal(zx_table_read_file(path, NULL, collect, G, NULL), ZX_OK);
	unlink(path);
	assert_int_equal(G->count, 2);
	assert_string_equal(G->cell[1][1], "30");
}

static void test_read_file_of_a_missing_path_is_an_io_error(void **state)
{
	zx_errinfo ei = {0};
	assert_int_equal(zx_table_read_file("/nonexistent/zx.csv", NULL, collect, G, &ei), ZX_EIO);
	assert_string_equal(ei.code, "cannot_open");
}

static void test_col_name_matches_excel_letters(void **state)
{
	char s[8];
	zx_table_col_name(0, s);
	assert_string_equal(s, "A");
	zx_table_col_name(25, s);
	assert_string_equal(s, "Z");
	zx_table_col_name(26, s);
	assert_string_equal(s, "AA");
	zx_table_col_name(16383, s);
	assert_string_equal(s, "XFD");
}

/* What zhenxing writes (zx_buf_add_csv / zx_buf_add_csv_text) reads back as it was, except
 * that a value a spreadsheet would run as a formula comes back as text behind a '. */
static void test_written_fields_read_back_and_formulas_become_text(void **state)
{
	static const char *const v[] = {"张三", "x,y", "say \"hi\"", "line1\r\nline2", "",
	                                "=1+1", "-5",  "@SUM(A1)",   "+86 138",        "a=b"};
	enum { N = sizeof(v) / sizeof(v[0]) };
	zx_buf b = ZX_BUF_INIT(1 << 16);
	for (int i = 0; i < N; i++)
		assert_int_equal(zx_buf_add_csv(&b, i ? "h" : "h0", i == 0), ZX_OK);
	assert_int_equal(zx_buf_adds(&b, "\r\n"), ZX_OK);
	for (int i = 0; i < N; i++)
		assert_int_equal(zx_buf_add_csv(&b, v[i], i == 0), ZX_OK);
	assert_int_equal(zx_buf_adds(&b, "\r\n"), ZX_OK);
	for (int i = 0; i < N; i++)
		assert_int_equal(zx_buf_add_csv_text(&b, v[i], i == 0), ZX_OK);
	assert_int_equal(zx_buf_adds(&b, "\r\n"), ZX_OK);
	assert_int_equal(read_bytes(b.data, b.len, NULL, NULL), ZX_OK);
	zx_buf_release(&b);
	assert_int_equal(G->count, 3);
	assert_int_equal(G->ncells[1], N);
	assert_int_equal(G->ncells[2], N);
	for (int i = 0; i < N; i++) {
		assert_string_equal(G->cell[1][i], v[i]);
		char want[64];
		snprintf(want, sizeof(want), "%s%s", strchr("=+-@", v[i][0]) && v[i][0] ? "'" : "", v[i]);
		assert_string_equal(G->cell[2][i], want);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_reads_header_and_rows_with_crlf),
	    T(test_written_fields_read_back_and_formulas_become_text),
	    T(test_quoted_fields_keep_commas_doubled_quotes_and_newlines),
	    T(test_cells_are_trimmed_of_ascii_nbsp_and_ideographic_spaces),
	    T(test_blank_lines_are_skipped_but_counted_in_row_numbers),
	    T(test_a_million_blank_lines_read_fast_as_no_data_rows),
	    T(test_tab_separated_is_detected_from_the_header),
	    T(test_comma_file_keeps_tabs_inside_cells),
	    T(test_utf8_bom_is_not_part_of_the_first_header),
	    T(test_gb18030_file_is_decoded_to_utf8),
	    T(test_gb18030_after_200k_of_ascii_is_still_decoded),
	    T(test_forced_gb18030_encoding_is_used),
	    T(test_invalid_utf8_in_a_utf8_file_names_row_and_column),
	    T(test_nul_bytes_fail_as_binary_file),
	    T(test_undecodable_file_fails_with_encoding_hint),
	    T(test_cell_over_the_cap_fails_naming_row_and_column),
	    T(test_unterminated_quote_over_many_megabytes_stops_at_the_cap),
	    T(test_unclosed_quote_at_end_names_the_row),
	    T(test_too_many_cells_in_a_row_fails_naming_the_row),
	    T(test_trailing_empty_fields_past_the_cell_cap_are_harmless),
	    T(test_too_many_data_rows_fails_at_the_first_extra_row),
	    T(test_callback_error_stops_reading_and_is_returned_with_its_message),
	    T(test_stop_flag_ends_reading_early_without_error),
	    T(test_short_rows_read_as_empty_cells_past_the_end),
	    T(test_traditional_chinese_is_normalised_when_asked),
	    T(test_traditional_chinese_is_normalised_only_in_the_listed_columns),
	    T(test_rows_spanning_chunk_boundaries_are_read_intact),
	    T(test_empty_input_reads_no_rows),
	    T(test_old_xls_files_are_refused_with_a_save_as_hint),
	    T(test_read_file_streams_a_csv_from_disk),
	    T(test_read_file_of_a_missing_path_is_an_io_error),
	    T(test_col_name_matches_excel_letters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
