/*
 * test_report_template.c — specification of the report template language (template.h),
 * the Markdown writer (markdown.h) and the default template (report.h), with a fixed
 * resolver standing in for the figure registry's values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/report/figures.h"
#include "domain/report/markdown.h"
#include "domain/report/report.h"
#include "domain/report/template.h"

typedef struct fixed {
	int calls;
} fixed;

/* tuopin_households → 318户, tuopin_persons → 922人, income → 14439元, growth → 16.6%. */
static zx_err fixed_resolve(void *ctx, const char *name, zx_tpl_figure *out)
{
	fixed *f = ctx;
	f->calls++;
	static const struct {
		const char *name, *text, *label;
	} t[] = {
	    {"tuopin_households", "318户", "脱贫户户数"},
	    {"tuopin_persons", "922人", "脱贫人口"},
	    {"tuopin_income_per_capita", "14439元", "脱贫户人均纯收入"},
	    {"tuopin_income_growth_pct", "16.6%", "脱贫户人均纯收入同比增长"},
	    {"markup", "<a&b>\"", "带标记"},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].name, name) == 0) {
			*out = (zx_tpl_figure){.text = t[i].text,
			                       .label = t[i].label,
			                       .unit = "",
			                       .definition = "定义",
			                       .source = "fig_query",
			                       .as_of = "2026-11-23"};
			return ZX_OK;
		}
	return ZX_ENOTFOUND;
}

static zx_rdoc *render_ok(const char *text, fixed *f)
{
	zx_rdoc *d = NULL;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_tpl_render(text, strlen(text), fixed_resolve, f, &d, &ei);
	if (e)
		fail_msg("render failed: %s", ei.message);
	return d;
}

static zx_err render_err(const char *text, zx_errinfo *ei)
{
	zx_rdoc *d = NULL;
	fixed f = {0};
	zx_errinfo_clear(ei);
	zx_err e = zx_tpl_render(text, strlen(text), fixed_resolve, &f, &d, ei);
	assert_null(d);
	return e;
}

static void test_seed_sentence_renders_with_its_figures_in_place(void **state)
{
	(void)state;
	fixed f = {0};
	zx_rdoc *d = render_ok(
	    "集中力量对全镇{{tuopin_households}}、{{tuopin_persons}}脱贫人口进行全覆盖排查。"
	    "脱贫户人均纯收入达{{tuopin_income_per_capita}}，同比增长{{ tuopin_income_growth_pct }}。",
	    &f);
	assert_int_equal(d->nblocks, 1);
	assert_int_equal(d->blocks[0].kind, ZX_RB_PARA);
	assert_string_equal(
	    zx_rblock_text(d, &d->blocks[0]),
	    "集中力量对全镇318户、922人脱贫人口进行全覆盖排查。脱贫户人均纯收入达14439元，同比增长16.6%。");
	/* literal, figure, literal, figure, … : 4 figures and 5 literals */
	assert_int_equal(d->blocks[0].nruns, 9);
	assert_string_equal(d->blocks[0].runs[1].name, "tuopin_households");
	assert_string_equal(d->blocks[0].runs[1].fig->source, "fig_query");
	assert_string_equal(d->blocks[0].runs[1].fig->as_of, "2026-11-23");
	assert_null(d->blocks[0].runs[0].name);
	assert_int_equal(d->nfigs, 4);
	zx_rdoc_free(d);
}

static void test_each_figure_is_resolved_once_however_often_it_is_used(void **state)
{
	(void)state;
	fixed f = {0};
	zx_rdoc *d = render_ok("{{tuopin_households}}{{tuopin_households}}\n\n{{tuopin_households}}", &f);
	assert_int_equal(f.calls, 1);
	assert_int_equal(d->nfigs, 1);
	assert_int_equal(d->nblocks, 2);
	assert_string_equal(zx_rblock_text(d, &d->blocks[0]), "318户318户");
	zx_rdoc_free(d);
}

static void test_headings_and_paragraphs_split_into_blocks(void **state)
{
	(void)state;
	fixed f = {0};
	zx_rdoc *d =
	    render_ok("# 某镇工作汇报\r\n\r\n前言第一行\n　　前言第二行\n\n## 一、主要做法及成效\n### "
	              "（一）巩固脱贫成果\n正文。\n#不是标题\n\n\n\n## 二、存在问题\n",
	              &f);
	assert_int_equal(d->nblocks, 6);
	zx_rblock_kind kinds[] = {ZX_RB_TITLE, ZX_RB_PARA, ZX_RB_H1, ZX_RB_H2, ZX_RB_PARA, ZX_RB_H1};
	for (int i = 0; i < 6; i++)
		assert_int_equal(d->blocks[i].kind, kinds[i]);
	assert_string_equal(zx_rblock_text(d, &d->blocks[0]), "某镇工作汇报");
	assert_string_equal(zx_rblock_text(d, &d->blocks[1]), "前言第一行前言第二行");
	assert_int_equal(d->blocks[1].line, 3);
	assert_string_equal(zx_rblock_text(d, &d->blocks[3]), "（一）巩固脱贫成果");
	assert_string_equal(zx_rblock_text(d, &d->blocks[4]), "正文。#不是标题");
	assert_int_equal(d->blocks[5].line, 13);
	zx_rdoc_free(d);
}

static void test_single_braces_are_plain_text(void **state)
{
	(void)state;
	fixed f = {0};
	zx_rdoc *d = render_ok("集合{a}与}{", &f);
	assert_string_equal(zx_rblock_text(d, &d->blocks[0]), "集合{a}与}{");
	zx_rdoc_free(d);
}

static void test_unknown_figure_is_an_error_naming_its_line(void **state)
{
	(void)state;
	zx_errinfo ei;
	assert_int_equal(render_err("第一行\n\n{{tuopin_households}}与{{no_such_figure}}", &ei),
	                 ZX_EVALIDATION);
	assert_int_equal(ei.row, 3);
	assert_string_equal(ei.code, "unknown_figure");
	assert_non_null(strstr(ei.message, "第 3 行"));
	assert_non_null(strstr(ei.message, "{{no_such_figure}}"));
}

static void test_unbalanced_braces_are_errors_naming_the_line(void **state)
{
	(void)state;
	zx_errinfo ei;
	assert_int_equal(render_err("好\n{{tuopin_households", &ei), ZX_EVALIDATION);
	assert_int_equal(ei.row, 2);
	assert_non_null(strstr(ei.message, "没有闭合"));
	assert_int_equal(render_err("a}}b", &ei), ZX_EVALIDATION);
	assert_int_equal(ei.row, 1);
	assert_non_null(strstr(ei.message, "多余"));
	/* "{{" must close on its own line */
	assert_int_equal(render_err("{{tuopin_\nhouseholds}}", &ei), ZX_EVALIDATION);
	assert_int_equal(ei.row, 1);
}

static void test_bad_names_and_empty_placeholders_are_refused(void **state)
{
	(void)state;
	zx_errinfo ei;
	assert_int_equal(render_err("{{}}", &ei), ZX_EVALIDATION);
	assert_non_null(strstr(ei.message, "缺少数据项名称"));
	assert_int_equal(render_err("{{Tuopin}}", &ei), ZX_EVALIDATION);
	assert_non_null(strstr(ei.message, "无效"));
	assert_int_equal(render_err("{{脱贫户}}", &ei), ZX_EVALIDATION);
	char longname[100];
	snprintf(longname, sizeof longname, "{{%s}}",
	         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(render_err(longname, &ei), ZX_EVALIDATION);
}

static void test_control_characters_and_bad_utf8_are_refused_with_line(void **state)
{
	(void)state;
	zx_errinfo ei;
	assert_int_equal(render_err("好\n坏\x01字", &ei), ZX_EVALIDATION);
	assert_int_equal(ei.row, 2);
	assert_non_null(strstr(ei.message, "控制字符"));
	assert_int_equal(render_err("a\n\nb\xff\xfe", &ei), ZX_EVALIDATION);
	assert_int_equal(ei.row, 3);
	assert_non_null(strstr(ei.message, "UTF-8"));
	assert_int_equal(render_err("\xef\xbf\xbf", &ei), ZX_EVALIDATION);
}

static void test_text_over_the_size_cap_is_refused(void **state)
{
	(void)state;
	size_t n = ZX_TPL_MAX_BYTES + 1;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'x', n);
	big[n] = '\0';
	zx_errinfo ei;
	assert_int_equal(render_err(big, &ei), ZX_ETOOBIG);
	assert_non_null(strstr(ei.message, "64 KB"));
	big[n - 1] = '\0';
	fixed f = {0};
	zx_rdoc *d = render_ok(big, &f);
	assert_int_equal(d->nblocks, 1);
	zx_rdoc_free(d);
	free(big);
}

static void test_markdown_writes_headings_paragraphs_and_figure_text(void **state)
{
	(void)state;
	fixed f = {0};
	zx_rdoc *d =
	    render_ok("# 汇报\n\n## 一、成效\n### （一）排查\n脱贫户{{tuopin_households}}。\n\n#号开头 "
	              "不是标题\n\n1. 不是列表",
	              &f);
	zx_buf b = ZX_BUF_INIT(1 << 20);
	assert_int_equal(zx_md_write(d, &b), ZX_OK);
	assert_string_equal(zx_buf_str(&b),
	                    "# 汇报\n\n## 一、成效\n\n### （一）排查\n\n脱贫户318户。\n\n\\#号开头 "
	                    "不是标题\n\n\\1. 不是列表\n");
	zx_buf_release(&b);
	zx_rdoc_free(d);
}

typedef struct seen {
	int n;
	char names[4][64];
	int lines[4];
} seen;

static bool collect(void *ctx, const char *name, int line)
{
	seen *s = ctx;
	if (s->n < 4) {
		snprintf(s->names[s->n], sizeof s->names[0], "%s", name);
		s->lines[s->n] = line;
	}
	s->n++;
	return true;
}

static void test_scan_lists_every_placeholder_with_its_line(void **state)
{
	(void)state;
	seen s = {0};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	const char *t = "# {{a}}\n\n{{b}} 与 {{a}}\n\n## {{c_1}}";
	assert_int_equal(zx_tpl_scan(t, strlen(t), collect, &s, &ei), ZX_OK);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.names[0], "a");
	assert_string_equal(s.names[1], "b");
	assert_string_equal(s.names[2], "a");
	assert_string_equal(s.names[3], "c_1");
	assert_int_equal(s.lines[1], 3);
	assert_int_equal(s.lines[3], 5);
}

/* The default template names only figures of the registry or of the report itself, and
 * reads like the seeds: the three numbered parts in order. */
static void test_default_template_uses_only_known_figures_and_the_seed_structure(void **state)
{
	(void)state;
	const char *t = zx_report_default_template();
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	const char *body = strchr(t, '\n');
	assert_non_null(body);
	assert_int_equal(zx_report_check("标题", body, &ei), ZX_OK);
	seen s = {0};
	assert_int_equal(zx_tpl_scan(t, strlen(t), collect, &s, &ei), ZX_OK);
	assert_true(s.n > 30);
	const char *a = strstr(t, "\n## 一、主要做法及成效"), *b = strstr(t, "\n## 二、存在的主要问题"),
	           *c = strstr(t, "\n## 三、下步工作打算");
	assert_true(a && b && c && a < b && b < c);
	assert_non_null(strstr(t, "{{tuopin_households}}、{{tuopin_persons}}脱贫人口"));
	assert_non_null(
	    strstr(t, "人均纯收入达{{tuopin_income_per_capita}}，同比增长{{tuopin_income_growth_pct}}"));
}

static void test_check_refuses_unknown_names_in_title_and_body(void **state)
{
	(void)state;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_report_check("{{area_name}}汇报", "正文{{tuopin_households}}", &ei), ZX_OK);
	assert_int_equal(zx_report_check("{{nope}}汇报", "正文", &ei), ZX_EVALIDATION);
	assert_string_equal(ei.field, "标题");
	assert_non_null(strstr(ei.message, "{{nope}}"));
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_report_check("汇报", "一\n二{{nope_either}}", &ei), ZX_EVALIDATION);
	assert_int_equal(ei.row, 2);
	assert_int_equal(zx_report_check("", "x", &ei), ZX_EVALIDATION);
	assert_int_equal(zx_report_check("a\nb", "x", &ei), ZX_EVALIDATION);
}

/* A title put in front of a body: the body's lines keep their numbers, the title's errors say so. */
static void test_render_from_numbers_lines_from_the_body(void **state)
{
	(void)state;
	zx_rdoc *d = NULL;
	fixed f = {0};
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	const char *t = "# 标题\n\n一\n二{{nope}}";
	assert_int_equal(zx_tpl_render_from(t, strlen(t), -1, fixed_resolve, &f, &d, &ei), ZX_EVALIDATION);
	assert_int_equal(ei.row, 2);
	assert_non_null(strstr(ei.message, "第 2 行"));
	zx_errinfo_clear(&ei);
	t = "# 标题{{nope}}\n\n正文";
	assert_int_equal(zx_tpl_render_from(t, strlen(t), -1, fixed_resolve, &f, &d, &ei), ZX_EVALIDATION);
	assert_int_equal(ei.row, 0);
	assert_string_equal(ei.field, "标题");
	assert_true(strncmp(ei.message, "标题：", strlen("标题：")) == 0);
	t = "# 标题\n\n## 一、{{tuopin_households}}";
	assert_int_equal(zx_tpl_render_from(t, strlen(t), -1, fixed_resolve, &f, &d, &ei), ZX_OK);
	assert_int_equal(d->blocks[0].line, -1);
	assert_int_equal(d->blocks[1].line, 1);
	zx_rdoc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seed_sentence_renders_with_its_figures_in_place),
	    cmocka_unit_test(test_each_figure_is_resolved_once_however_often_it_is_used),
	    cmocka_unit_test(test_headings_and_paragraphs_split_into_blocks),
	    cmocka_unit_test(test_single_braces_are_plain_text),
	    cmocka_unit_test(test_unknown_figure_is_an_error_naming_its_line),
	    cmocka_unit_test(test_unbalanced_braces_are_errors_naming_the_line),
	    cmocka_unit_test(test_bad_names_and_empty_placeholders_are_refused),
	    cmocka_unit_test(test_control_characters_and_bad_utf8_are_refused_with_line),
	    cmocka_unit_test(test_text_over_the_size_cap_is_refused),
	    cmocka_unit_test(test_markdown_writes_headings_paragraphs_and_figure_text),
	    cmocka_unit_test(test_scan_lists_every_placeholder_with_its_line),
	    cmocka_unit_test(test_default_template_uses_only_known_figures_and_the_seed_structure),
	    cmocka_unit_test(test_check_refuses_unknown_names_in_title_and_body),
	    cmocka_unit_test(test_render_from_numbers_lines_from_the_body),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
