/*
 * ranking_docx.c — a published 晾晒 as a 通报 DOCX in 公文 format through the report module's
 * writer (domain/report/docx.h): the 通报 is written as report-template text (title, numbered
 * headings, one paragraph per area — no tables, which 公文 avoids), parsed without figures and
 * rendered by zx_docx_write, so its fonts, grid and page numbers are the report's own.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "domain/indicator/ranking.h"
#include "domain/report/docx.h"
#include "domain/report/template.h"

#define DOCX_MAX ((size_t)16 << 20)

/* Template text must not hold "{{" or "}}" (placeholders): area and indicator names never
 * do, but a title is user text, so braces are replaced by their full-width forms. */
static void add_plain(zx_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '{')
			zx_buf_adds(b, "｛");
		else if (*s == '}')
			zx_buf_adds(b, "｝");
		else if (*s == '\n' || *s == '\r')
			zx_buf_addc(b, ' ');
		else
			zx_buf_addc(b, *s);
	}
}

static void score_text(const zx_rank_row *w, char *out, size_t outsz)
{
	if (!w->has_score) {
		snprintf(out, outsz, "未设目标");
		return;
	}
	zx_ind_pct_format(w->score, out, outsz);
	strncat(out, "%", outsz - strlen(out) - 1);
}

static void board_para(zx_buf *b, const zx_ranking *r, const char *board, const char *none)
{
	int n = 0;
	for (int i = 0; i < r->nrows; i++) {
		const zx_rank_row *w = &r->rows[i];
		if (strcmp(w->board, board) != 0)
			continue;
		char p[32];
		score_text(w, p, sizeof(p));
		zx_buf_addf(b, "%s第%d名%s（综合完成率%s）", n++ ? "，" : "", w->rank, w->area_name, p);
	}
	zx_buf_adds(b, n ? "。\n\n" : none);
}

zx_err zx_ranking_export_docx(const zx_ranking *r, const char *path, zx_errinfo *ei)
{
	zx_buf t = ZX_BUF_INIT((size_t)4 << 20);
	int ranked = 0;
	for (int i = 0; i < r->nrows; i++)
		ranked += r->rows[i].rank > 0;
	zx_buf_adds(&t, "# ");
	add_plain(&t, r->title);
	zx_buf_addf(&t, "\n\n考核期为%s，统计截至%s。参与排名%d个，未设目标%d个，红黑榜各取前后%d名。\n\n",
	            r->period.label, r->as_of, ranked, r->nrows - ranked, r->top_n);
	zx_buf_adds(&t, "## 一、红榜\n\n");
	board_para(&t, r, "red", "无。\n\n");
	zx_buf_adds(&t, "## 二、黑榜\n\n");
	board_para(&t, r, "black", "无。\n\n");
	zx_buf_adds(&t, "## 三、综合排名及指标完成情况\n\n");
	for (int i = 0; i < r->nrows; i++) {
		const zx_rank_row *w = &r->rows[i];
		char p[32];
		score_text(w, p, sizeof(p));
		if (w->rank)
			zx_buf_addf(&t, "第%d名，%s，综合完成率%s", w->rank, w->area_name, p);
		else
			zx_buf_addf(&t, "%s，未设目标，不参与排名", w->area_name);
		for (int j = 0; j < w->n; j++) {
			const zx_rank_detail *d = &w->det[j];
			char tv[48], av[48], cp[32];
			zx_ind_value_format(d->unit, d->target, tv, sizeof(tv));
			zx_ind_value_format(d->unit, d->actual, av, sizeof(av));
			zx_ind_pct_format(d->completion, cp, sizeof(cp));
			zx_buf_addf(&t, "%s%s计划%s%s，完成%s%s，完成率%s%%", j ? "；" : "：", d->name, tv,
			            d->unit, av, d->unit, cp);
		}
		zx_buf_adds(&t, "。\n\n");
	}
	zx_err e = ZX_OK;
	if (t.len > ZX_TPL_MAX_BYTES || t.len == 0) {
		zx_buf_release(&t);
		return zx_fail(ei, ZX_ETOOBIG, "too_big", NULL, 0, "晾晒通报内容过长，无法生成 DOCX");
	}
	zx_rdoc *doc = NULL;
	e = zx_tpl_render(zx_buf_str(&t), t.len, NULL, NULL, &doc, ei);
	zx_buf_release(&t);
	if (e)
		return e;
	zx_buf out = ZX_BUF_INIT(DOCX_MAX);
	e = zx_docx_write(doc, &(zx_docx_meta){.title = r->title, .creator = "zhenxing"}, &out, ei);
	zx_rdoc_free(doc);
	if (!e) {
		FILE *f = fopen(path, "wb");
		bool ok = f && fwrite(out.data, 1, out.len, f) == out.len;
		if (f && fclose(f) != 0)
			ok = false;
		if (!ok)
			e = zx_fail(ei, ZX_EIO, "export_failed", NULL, 0, "写入导出文件失败");
	}
	zx_buf_release(&out);
	return e;
}
