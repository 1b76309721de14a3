/*
 * test_docx.c — specification of the 公文 DOCX writer (docx.h): the archive is opened with
 * libzip and its parts parsed with expat, and the GB/T 9704 layout is asserted on the XML
 * (page size, margins, grid, fonts and sizes of each style, page number footers), as well
 * as escaping and determinism.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <expat.h>
#include <zip.h>

#include "domain/report/docx.h"
#include "domain/report/template.h"

static zx_err resolve(void *ctx, const char *name, zx_tpl_figure *out)
{
	(void)ctx;
	if (strcmp(name, "hh") == 0)
		*out = (zx_tpl_figure){
		    .text = "318户", .label = "脱贫户户数", .source = "q", .as_of = "2026-11-23"};
	else if (strcmp(name, "markup") == 0)
		*out = (zx_tpl_figure){.text = "<b>&\"x\"\x01", .label = "m", .source = "q", .as_of = "d"};
	else
		return ZX_ENOTFOUND;
	return ZX_OK;
}

static const char *const REPORT = "# 某镇2026年工作汇报\n\n"
                                  "## 一、主要做法及成效\n\n"
                                  "### （一）巩固脱贫成果\n\n"
                                  "集中力量对全镇{{hh}}脱贫户进行排查。\n\n"
                                  "标记{{markup}}与 A&B <c>。\n";

static void build(const char *text, zx_buf *out)
{
	zx_rdoc *d = NULL;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_tpl_render(text, strlen(text), resolve, NULL, &d, &ei), ZX_OK);
	zx_buf_init(out, 16u << 20);
	zx_docx_meta meta = {.creator = "测试"};
	assert_int_equal(zx_docx_write(d, &meta, out, &ei), ZX_OK);
	zx_rdoc_free(d);
}

/* The bytes of one part, NUL-terminated (free()), or NULL when missing. */
static char *part(const zx_buf *docx, const char *name)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(docx->data, docx->len, 0, &ze);
	assert_non_null(src);
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	assert_non_null(za);
	zip_stat_t st;
	char *data = NULL;
	if (zip_stat(za, name, 0, &st) == 0) {
		zip_file_t *f = zip_fopen(za, name, 0);
		assert_non_null(f);
		data = malloc(st.size + 1);
		assert_non_null(data);
		assert_int_equal(zip_fread(f, data, st.size), (zip_int64_t)st.size);
		data[st.size] = '\0';
		zip_fclose(f);
	}
	zip_close(za);
	return data;
}

/* Elements of a part as "name a=v a=v" lines, and the text content, collected by expat. */
typedef struct xml {
	zx_buf elems;
	zx_buf text;
} xml;

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	xml *x = ud;
	zx_buf_adds(&x->elems, name);
	for (int i = 0; attrs[i]; i += 2)
		zx_buf_addf(&x->elems, " %s=%s", attrs[i], attrs[i + 1]);
	zx_buf_adds(&x->elems, "\n");
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	zx_buf_add(&((xml *)ud)->text, s, (size_t)len);
}

static void parse(const char *data, xml *x)
{
	zx_buf_init(&x->elems, 4u << 20);
	zx_buf_init(&x->text, 4u << 20);
	XML_Parser p = XML_ParserCreateNS("UTF-8", '|');
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, on_start, NULL);
	XML_SetCharacterDataHandler(p, on_text);
	int ok = XML_Parse(p, data, (int)strlen(data), 1);
	if (!ok)
		fail_msg("XML error: %s at line %lu", XML_ErrorString(XML_GetErrorCode(p)),
		         (unsigned long)XML_GetCurrentLineNumber(p));
	XML_ParserFree(p);
}

static void release(xml *x)
{
	zx_buf_release(&x->elems);
	zx_buf_release(&x->text);
}

#define W "http://schemas.openxmlformats.org/wordprocessingml/2006/main|"

static bool has(const xml *x, const char *line)
{
	return strstr(zx_buf_str(&x->elems), line) != NULL;
}

/* The element lines of one style (from its w:style line up to the next). */
static char *style_of(const xml *x, const char *id)
{
	char key[256];
	snprintf(key, sizeof key, W "styleId=%s", id);
	const char *at = strstr(zx_buf_str(&x->elems), key);
	assert_non_null(at);
	const char *end = strstr(at, "\n" W "style ");
	size_t n = end ? (size_t)(end - at) : strlen(at);
	char *s = malloc(n + 1);
	memcpy(s, at, n);
	s[n] = '\0';
	return s;
}

static void test_archive_holds_every_part_and_opens_consistently(void **state)
{
	(void)state;
	zx_buf b;
	build(REPORT, &b);
	assert_true(b.len > 1000);
	assert_memory_equal(b.data, "PK\x03\x04", 4);
	const char *names[] = {
	    "[Content_Types].xml", "_rels/.rels",      "docProps/core.xml",           "docProps/app.xml",
	    "word/document.xml",   "word/styles.xml",  "word/settings.xml",           "word/fontTable.xml",
	    "word/footer1.xml",    "word/footer2.xml", "word/_rels/document.xml.rels"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *p = part(&b, names[i]);
		if (!p)
			fail_msg("missing part %s", names[i]);
		xml x;
		parse(p, &x); /* every part is well-formed XML */
		release(&x);
		free(p);
	}
	zx_buf_release(&b);
}

static void test_page_is_a4_with_gbt9704_margins_and_a_22_by_28_grid(void **state)
{
	(void)state;
	zx_buf b;
	build(REPORT, &b);
	char *doc = part(&b, "word/document.xml");
	xml x;
	parse(doc, &x);
	assert_true(has(&x, W "pgSz " W "w=11906 " W "h=16838"));
	/* 37, 26, 35, 28 mm in twips */
	assert_true(has(&x, W "pgMar " W "top=2098 " W "right=1474 " W "bottom=1984 " W "left=1587"));
	assert_true(has(&x, W "docGrid " W "type=linesAndChars " W "linePitch=579 " W "charSpace=-841"));
	/* 22 lines fill the text height, 28 characters the text width (within a twip per line/char) */
	int text_h = 16838 - 2098 - 1984, text_w = 11906 - 1587 - 1474;
	assert_true(text_h / 579 == 22);
	double pitch_pt = 16.0 - 841.0 / 4096.0;
	assert_true(text_w / (pitch_pt * 20) > 27.99 && text_w / (pitch_pt * 20) < 28.01);
	assert_true(has(&x, W "footerReference " W "type=default"));
	assert_true(has(&x, W "footerReference " W "type=even"));
	release(&x);
	free(doc);
	zx_buf_release(&b);
}

static void test_styles_give_title_headings_and_body_their_fonts_and_sizes(void **state)
{
	(void)state;
	zx_buf b;
	build(REPORT, &b);
	char *sty = part(&b, "word/styles.xml");
	xml x;
	parse(sty, &x);
	struct {
		const char *id, *font, *size;
	} want[] = {
	    {"Normal", "仿宋_GB2312", "32"},   /* 三号 */
	    {"Title", "方正小标宋简体", "44"}, /* 二号 */
	    {"Heading1", "黑体", "32"},        {"Heading2", "楷体_GB2312", "32"},
	    {"Footer", "宋体", "28"}, /* 四号 */
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		char *s = style_of(&x, want[i].id);
		char font[256], size[256];
		snprintf(font, sizeof font, W "eastAsia=%s", want[i].font);
		snprintf(size, sizeof size, W "sz " W "val=%s", want[i].size);
		if (!strstr(s, font) || !strstr(s, size))
			fail_msg("style %s: want %s %s in\n%s", want[i].id, want[i].font, want[i].size, s);
		free(s);
	}
	char *normal = style_of(&x, "Normal");
	assert_non_null(strstr(normal, W "line=579 " W "lineRule=exact"));
	assert_non_null(strstr(normal, W "firstLineChars=200"));
	free(normal);
	char *title = style_of(&x, "Title");
	assert_non_null(strstr(title, W "jc " W "val=center"));
	free(title);
	release(&x);
	free(sty);
	zx_buf_release(&b);
}

static void test_paragraphs_carry_their_styles_and_figure_text(void **state)
{
	(void)state;
	zx_buf b;
	build(REPORT, &b);
	char *doc = part(&b, "word/document.xml");
	xml x;
	parse(doc, &x);
	const char *e = zx_buf_str(&x.elems);
	const char *t = strstr(e, W "pStyle " W "val=Title"), *h1 = strstr(e, W "pStyle " W "val=Heading1"),
	           *h2 = strstr(e, W "pStyle " W "val=Heading2");
	assert_true(t && h1 && h2 && t < h1 && h1 < h2);
	assert_non_null(strstr(zx_buf_str(&x.text), "集中力量对全镇318户脱贫户进行排查。"));
	/* markup in figures and text arrives as text; the control character is dropped */
	assert_non_null(strstr(zx_buf_str(&x.text), "标记<b>&\"x\"与 A&B <c>。"));
	release(&x);
	free(doc);
	zx_buf_release(&b);
}

static void test_footers_number_pages_with_dashes_on_the_outer_side(void **state)
{
	(void)state;
	zx_buf b;
	build(REPORT, &b);
	for (int i = 1; i <= 2; i++) {
		char *f = part(&b, i == 1 ? "word/footer1.xml" : "word/footer2.xml");
		xml x;
		parse(f, &x);
		assert_string_equal(zx_buf_str(&x.text), "—  PAGE 1 —");
		assert_true(has(&x, W "fldChar " W "fldCharType=begin"));
		assert_true(has(&x, i == 1 ? W "jc " W "val=right" : W "jc " W "val=left"));
		assert_true(has(&x, W "eastAsia=宋体"));
		release(&x);
		free(f);
	}
	char *set = part(&b, "word/settings.xml");
	assert_non_null(strstr(set, "<w:evenAndOddHeaders/>"));
	free(set);
	zx_buf_release(&b);
}

static void test_same_report_gives_the_same_bytes(void **state)
{
	(void)state;
	zx_buf a, b;
	build(REPORT, &a);
	build(REPORT, &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	zx_buf_release(&a);
	zx_buf_release(&b);
}

static void test_output_over_the_buffer_cap_fails_cleanly(void **state)
{
	(void)state;
	zx_rdoc *d = NULL;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_tpl_render(REPORT, strlen(REPORT), resolve, NULL, &d, &ei), ZX_OK);
	zx_buf small;
	zx_buf_init(&small, 100);
	assert_int_equal(zx_docx_write(d, NULL, &small, &ei), ZX_ETOOBIG);
	assert_non_null(strstr(ei.message, "过大"));
	zx_buf_release(&small);
	zx_rdoc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_archive_holds_every_part_and_opens_consistently),
	    cmocka_unit_test(test_page_is_a4_with_gbt9704_margins_and_a_22_by_28_grid),
	    cmocka_unit_test(test_styles_give_title_headings_and_body_their_fonts_and_sizes),
	    cmocka_unit_test(test_paragraphs_carry_their_styles_and_figure_text),
	    cmocka_unit_test(test_footers_number_pages_with_dashes_on_the_outer_side),
	    cmocka_unit_test(test_same_report_gives_the_same_bytes),
	    cmocka_unit_test(test_output_over_the_buffer_cap_fails_cleanly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
