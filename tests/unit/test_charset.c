/*
 * test_charset.c — encoding detection, streaming GB18030/UTF-16 -> UTF-8, and
 * 繁→简 normalisation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/charset.h"

/* "姓名,张三" in GB18030 and in UTF-8. */
static const char GB_NAME[] = "\xd0\xd5\xc3\xfb,\xd5\xc5\xc8\xfd";
static const char U8_NAME[] = "姓名,张三";

static void test_utf8_valid_accepts_chinese_and_reports_ascii(void **state)
{
	bool ascii = true;
	assert_true(zx_utf8_valid(U8_NAME, strlen(U8_NAME), &ascii));
	assert_false(ascii);
	assert_true(zx_utf8_valid("plain text, 123", 15, &ascii));
	assert_true(ascii);
	assert_true(zx_utf8_valid("\xf0\x9f\x98\x80", 4, NULL)); /* U+1F600 */
}

static void test_utf8_valid_rejects_overlong_surrogate_nul_and_cut_sequences(void **state)
{
	assert_false(zx_utf8_valid("\xc0\xaf", 2, NULL));         /* overlong '/' */
	assert_false(zx_utf8_valid("\xe0\x80\xaf", 3, NULL));     /* overlong */
	assert_false(zx_utf8_valid("\xed\xa0\x80", 3, NULL));     /* surrogate D800 */
	assert_false(zx_utf8_valid("\xf4\x90\x80\x80", 4, NULL)); /* > U+10FFFF */
	assert_false(zx_utf8_valid("ab\0cd", 5, NULL));
	assert_false(zx_utf8_valid("\xe5\xa7", 2, NULL)); /* 姓 cut short */
	assert_false(zx_utf8_valid("12345678\xff", 9, NULL));
}

static void test_detect_utf8_bom_is_utf8(void **state)
{
	zx_charset cs = ZX_CHARSET_UNKNOWN;
	assert_int_equal(zx_charset_detect("\xef\xbb\xbf"
	                                   "a,b",
	                                   6, true, &cs, NULL),
	                 ZX_OK);
	assert_int_equal(cs, ZX_CHARSET_UTF8);
}

static void test_detect_valid_utf8_without_bom_is_utf8(void **state)
{
	zx_charset cs = ZX_CHARSET_UNKNOWN;
	assert_int_equal(zx_charset_detect(U8_NAME, strlen(U8_NAME), true, &cs, NULL), ZX_OK);
	assert_int_equal(cs, ZX_CHARSET_UTF8);
}

static void test_detect_gb18030_bytes_are_gb18030(void **state)
{
	zx_charset cs = ZX_CHARSET_UNKNOWN;
	assert_int_equal(zx_charset_detect(GB_NAME, strlen(GB_NAME), true, &cs, NULL), ZX_OK);
	assert_int_equal(cs, ZX_CHARSET_GB18030);
}

static void test_detect_nul_bytes_fail_as_binary_file(void **state)
{
	zx_errinfo ei = {0};
	zx_charset cs;
	assert_int_equal(zx_charset_detect("PK\0\0abc", 7, true, &cs, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "binary_file");
	assert_non_null(strstr(ei.message, "二进制"));
}

static void test_detect_undecodable_bytes_fail_with_save_as_hint(void **state)
{
	zx_errinfo ei = {0};
	zx_charset cs;
	/* 0xFF is neither UTF-8 nor a GB18030 lead byte. */
	assert_int_equal(zx_charset_detect("a,\xff\xff\xff", 5, true, &cs, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "unknown_encoding");
	assert_string_equal(ei.message, "文件编码无法识别，请另存为 UTF-8 或 GB18030 编码的 CSV");
}

static void test_charset_parse_accepts_common_names_and_rejects_others(void **state)
{
	zx_charset cs;
	zx_errinfo ei = {0};
	assert_int_equal(zx_charset_parse(NULL, &cs, NULL), ZX_OK);
	assert_int_equal(cs, ZX_CHARSET_UNKNOWN);
	assert_int_equal(zx_charset_parse("utf-8", &cs, NULL), ZX_OK);
	assert_int_equal(cs, ZX_CHARSET_UTF8);
	assert_int_equal(zx_charset_parse("GBK", &cs, NULL), ZX_OK);
	assert_int_equal(cs, ZX_CHARSET_GB18030);
	assert_int_equal(zx_charset_parse("big5", &cs, &ei), ZX_EINVAL);
	assert_string_equal(ei.code, "bad_encoding_name");
}

static void test_to_utf8_converts_gb18030_whole_buffer(void **state)
{
	zx_buf out = ZX_BUF_INIT(1024);
	assert_int_equal(zx_charset_to_utf8(GB_NAME, strlen(GB_NAME), ZX_CHARSET_UNKNOWN, &out, NULL), ZX_OK);
	assert_string_equal(zx_buf_str(&out), U8_NAME);
	zx_buf_release(&out);
}

/* Feeds in pieces of the given size and collects all output. */
static zx_err feed_in_pieces(zx_decoder *d, const char *in, size_t n, size_t piece, zx_buf *out,
                             zx_errinfo *ei)
{
	const char *text;
	size_t tn;
	for (size_t off = 0; off < n; off += piece) {
		size_t len = n - off < piece ? n - off : piece;
		zx_err e = zx_decoder_feed(d, in + off, len, false, &text, &tn, ei);
		assert_int_equal(zx_buf_add(out, text, tn), ZX_OK);
		if (e)
			return e;
	}
	zx_err e = zx_decoder_feed(d, "", 0, true, &text, &tn, ei);
	assert_int_equal(zx_buf_add(out, text, tn), ZX_OK);
	return e;
}

static void test_decoder_gb18030_one_byte_at_a_time_equals_whole_conversion(void **state)
{
	zx_decoder *d = NULL;
	zx_buf out = ZX_BUF_INIT(1 << 20);
	assert_int_equal(zx_decoder_new(ZX_CHARSET_UNKNOWN, &d, NULL), ZX_OK);
	/* Long enough to force the decision after many single-byte feeds. */
	zx_buf in = ZX_BUF_INIT(1 << 20);
	zx_buf want = ZX_BUF_INIT(1 << 20);
	/* Includes a four-byte GB18030 sequence (U+20000) and the euro sign. */
	for (int i = 0; i < 800; i++) {
		zx_buf_adds(&in, GB_NAME);
		zx_buf_adds(&in, "\x95\x32\x82\x36\xa2\xe3\r\n");
		zx_buf_adds(&want, U8_NAME);
		zx_buf_adds(&want, "𠀀€\r\n");
	}
	assert_int_equal(feed_in_pieces(d, in.data, in.len, 1, &out, NULL), ZX_OK);
	assert_int_equal(zx_decoder_charset(d), ZX_CHARSET_GB18030);
	assert_int_equal(out.len, want.len);
	assert_memory_equal(out.data, want.data, want.len);
	zx_decoder_free(d);
	zx_buf_release(&out);
	zx_buf_release(&in);
	zx_buf_release(&want);
}

static void test_decoder_decides_gb18030_after_a_long_ascii_prefix(void **state)
{
	zx_decoder *d = NULL;
	zx_buf in = ZX_BUF_INIT(1 << 20), out = ZX_BUF_INIT(1 << 20);
	for (int i = 0; i < 20000; i++)
		zx_buf_adds(&in, "12345,abc\n");
	zx_buf_adds(&in, GB_NAME);
	assert_int_equal(zx_decoder_new(ZX_CHARSET_UNKNOWN, &d, NULL), ZX_OK);
	assert_int_equal(feed_in_pieces(d, in.data, in.len, 65536, &out, NULL), ZX_OK);
	assert_int_equal(zx_decoder_charset(d), ZX_CHARSET_GB18030);
	assert_int_equal(out.len, 200000 + strlen(U8_NAME));
	assert_string_equal(out.data + 200000, U8_NAME);
	zx_decoder_free(d);
	zx_buf_release(&in);
	zx_buf_release(&out);
}

static void test_decoder_utf8_passes_through_and_drops_bom(void **state)
{
	zx_decoder *d = NULL;
	zx_buf out = ZX_BUF_INIT(1024);
	const char in[] = "\xef\xbb\xbf姓名,张三";
	assert_int_equal(zx_decoder_new(ZX_CHARSET_UNKNOWN, &d, NULL), ZX_OK);
	assert_int_equal(feed_in_pieces(d, in, strlen(in), 2, &out, NULL), ZX_OK);
	assert_string_equal(zx_buf_str(&out), U8_NAME);
	assert_int_equal(zx_decoder_charset(d), ZX_CHARSET_UTF8);
	zx_decoder_free(d);
	zx_buf_release(&out);
}

static void test_decoder_utf16le_with_bom_converts(void **state)
{
	zx_decoder *d = NULL;
	zx_buf out = ZX_BUF_INIT(1024);
	/* BOM, "a", TAB, 张 (U+5F20) as Excel's "Unicode text" writes it. */
	const char in[] = {'\xff', '\xfe', 'a', 0, '\t', 0, 0x20, 0x5f};
	assert_int_equal(zx_decoder_new(ZX_CHARSET_UNKNOWN, &d, NULL), ZX_OK);
	assert_int_equal(feed_in_pieces(d, in, sizeof in, 3, &out, NULL), ZX_OK);
	assert_string_equal(zx_buf_str(&out), "a\t张");
	zx_decoder_free(d);
	zx_buf_release(&out);
}

static void test_decoder_invalid_gb18030_mid_stream_returns_clean_prefix_and_error(void **state)
{
	zx_decoder *d = NULL;
	zx_errinfo ei = {0};
	const char *text;
	size_t tn;
	const char in[] = "\xd5\xc5\xc8\xfd,ok\n\xff\xff";
	assert_int_equal(zx_decoder_new(ZX_CHARSET_GB18030, &d, NULL), ZX_OK);
	assert_int_equal(zx_decoder_feed(d, in, strlen(in), true, &text, &tn, &ei), ZX_EVALIDATION);
	assert_int_equal(tn, strlen("张三,ok\n"));
	assert_memory_equal(text, "张三,ok\n", tn);
	assert_string_equal(ei.code, "bad_encoding");
	zx_decoder_free(d);
}

static void test_decoder_nul_after_utf8_text_fails_as_binary(void **state)
{
	zx_decoder *d = NULL;
	zx_errinfo ei = {0};
	const char *text;
	size_t tn;
	const char in[] = "姓名\n1\0\0\0";
	assert_int_equal(zx_decoder_new(ZX_CHARSET_UTF8, &d, NULL), ZX_OK);
	assert_int_equal(zx_decoder_feed(d, in, sizeof in - 1, true, &text, &tn, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "binary_file");
	assert_int_equal(tn, strlen("姓名\n1"));
	zx_decoder_free(d);
}

static void test_t2s_converts_traditional_names_to_simplified(void **state)
{
	zx_t2s *t = NULL;
	zx_buf out = ZX_BUF_INIT(1024);
	assert_int_equal(zx_t2s_new(&t, NULL), ZX_OK);
	assert_int_equal(zx_t2s_convert(t, "張三豐", strlen("張三豐"), &out), ZX_OK);
	assert_string_equal(zx_buf_str(&out), "张三丰");
	zx_buf_reset(&out);
	assert_int_equal(zx_t2s_convert(t, "劉曉華 鄉鎮", strlen("劉曉華 鄉鎮"), &out), ZX_OK);
	assert_string_equal(zx_buf_str(&out), "刘晓华 乡镇");
	zx_t2s_free(t);
	zx_t2s_free(NULL);
	zx_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_valid_accepts_chinese_and_reports_ascii),
	    cmocka_unit_test(test_utf8_valid_rejects_overlong_surrogate_nul_and_cut_sequences),
	    cmocka_unit_test(test_detect_utf8_bom_is_utf8),
	    cmocka_unit_test(test_detect_valid_utf8_without_bom_is_utf8),
	    cmocka_unit_test(test_detect_gb18030_bytes_are_gb18030),
	    cmocka_unit_test(test_detect_nul_bytes_fail_as_binary_file),
	    cmocka_unit_test(test_detect_undecodable_bytes_fail_with_save_as_hint),
	    cmocka_unit_test(test_charset_parse_accepts_common_names_and_rejects_others),
	    cmocka_unit_test(test_to_utf8_converts_gb18030_whole_buffer),
	    cmocka_unit_test(test_decoder_gb18030_one_byte_at_a_time_equals_whole_conversion),
	    cmocka_unit_test(test_decoder_decides_gb18030_after_a_long_ascii_prefix),
	    cmocka_unit_test(test_decoder_utf8_passes_through_and_drops_bom),
	    cmocka_unit_test(test_decoder_utf16le_with_bom_converts),
	    cmocka_unit_test(test_decoder_invalid_gb18030_mid_stream_returns_clean_prefix_and_error),
	    cmocka_unit_test(test_decoder_nul_after_utf8_text_fails_as_binary),
	    cmocka_unit_test(test_t2s_converts_traditional_names_to_simplified),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
