/*
 * ranking_export.c — a published 晾晒 as files: an XLSX workbook (排名, 红榜, 黑榜, 指标明细;
 * libxlsxwriter, as the registry export) and a Markdown 通报 (title, period, the league
 * table, 红榜, 黑榜 and each area's indicators). Percentages are formatted once, here, with
 * two decimals ("105.42%"); the numbers in the workbook's completion columns are the same
 * rounded values so that the sheet and the 通报 agree.
 */
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "domain/indicator/ranking.h"

static const char *board_name(const char *b)
{
	return strcmp(b, "red") == 0 ? "红榜" : strcmp(b, "black") == 0 ? "黑榜" : "";
}

static void pct(const zx_rank_row *r, char *out, size_t outsz)
{
	if (!r->has_score) {
		snprintf(out, outsz, "未设目标");
		return;
	}
	zx_ind_pct_format(r->score, out, outsz);
	size_t n = strlen(out);
	if (n + 1 < outsz)
		snprintf(out + n, outsz - n, "%%");
}

typedef struct book {
	lxw_workbook *wb;
	lxw_format *head, *title;
	bool bad;
} book;

static lxw_worksheet *sheet(book *b, const char *name, const char *title, const char *const *cols, int ncols)
{
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
	if (!ws) {
		b->bad = true;
		return NULL;
	}
	b->bad |= worksheet_write_string(ws, 0, 0, title, b->title) != LXW_NO_ERROR;
	for (int i = 0; i < ncols; i++) {
		b->bad |= worksheet_write_string(ws, 1, (lxw_col_t)i, cols[i], b->head) != LXW_NO_ERROR;
		b->bad |= worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, i == 1 ? 24 : 14, NULL) !=
		          LXW_NO_ERROR;
	}
	worksheet_freeze_panes(ws, 2, 0);
	return ws;
}

static void cell_s(book *b, lxw_worksheet *ws, int row, int col, const char *v)
{
	b->bad |= worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, v, NULL) != LXW_NO_ERROR;
}

static void cell_n(book *b, lxw_worksheet *ws, int row, int col, double v)
{
	b->bad |= worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, NULL) != LXW_NO_ERROR;
}

static void league_rows(book *b, lxw_worksheet *ws, const zx_ranking *r, const char *only)
{
	int row = 2;
	for (int i = 0; i < r->nrows; i++) {
		const zx_rank_row *w = &r->rows[i];
		if (only && strcmp(w->board, only) != 0)
			continue;
		char p[32];
		pct(w, p, sizeof(p));
		if (w->rank)
			cell_n(b, ws, row, 0, w->rank);
		else
			cell_s(b, ws, row, 0, "—");
		cell_s(b, ws, row, 1, w->area_name);
		cell_s(b, ws, row, 2, w->area_code);
		cell_s(b, ws, row, 3, p);
		cell_n(b, ws, row, 4, w->n);
		cell_s(b, ws, row, 5, board_name(w->board));
		row++;
	}
}

zx_err zx_ranking_export_xlsx(const zx_ranking *r, const char *path, zx_errinfo *ei)
{
	book b = {0};
	b.wb = workbook_new(path);
	if (!b.wb)
		return zx_fail(ei, ZX_EIO, "export_failed", NULL, 0, "无法创建导出文件");
	b.head = workbook_add_format(b.wb);
	format_set_bold(b.head);
	b.title = workbook_add_format(b.wb);
	format_set_bold(b.title);
	format_set_font_size(b.title, 14);
	static const char *const league[] = {"名次",       "区域",       "区划代码",
	                                     "综合完成率", "计分指标数", "红黑榜"};
	char title[ZX_RANK_TITLE_MAX + 64];
	snprintf(title, sizeof(title), "%s（统计截至 %s）", r->title, r->as_of);
	lxw_worksheet *ws = sheet(&b, "晾晒排名", title, league, 6);
	if (ws)
		league_rows(&b, ws, r, NULL);
	if ((ws = sheet(&b, "红榜", title, league, 6)))
		league_rows(&b, ws, r, "red");
	if ((ws = sheet(&b, "黑榜", title, league, 6)))
		league_rows(&b, ws, r, "black");
	static const char *const det[] = {"区域", "指标", "单位", "目标", "完成", "完成率", "权重"};
	if ((ws = sheet(&b, "指标明细", title, det, 7))) {
		int row = 2;
		for (int i = 0; i < r->nrows; i++)
			for (int j = 0; j < r->rows[i].n; j++) {
				const zx_rank_detail *d = &r->rows[i].det[j];
				char t[48], v[48], p[32];
				zx_ind_value_format(d->unit, d->target, t, sizeof(t));
				zx_ind_value_format(d->unit, d->actual, v, sizeof(v));
				zx_ind_pct_format(d->completion, p, sizeof(p));
				strncat(p, "%", sizeof(p) - strlen(p) - 1);
				cell_s(&b, ws, row, 0, r->rows[i].area_name);
				cell_s(&b, ws, row, 1, d->name);
				cell_s(&b, ws, row, 2, d->unit);
				cell_s(&b, ws, row, 3, t);
				cell_s(&b, ws, row, 4, v);
				cell_s(&b, ws, row, 5, p);
				cell_n(&b, ws, row, 6, d->weight);
				row++;
			}
	}
	lxw_error le = workbook_close(b.wb);
	if (le != LXW_NO_ERROR || b.bad)
		return zx_fail(ei, ZX_EIO, "export_failed", NULL, 0, "写入导出文件失败");
	return ZX_OK;
}

static void md_list(FILE *f, const zx_ranking *r, const char *board)
{
	int n = 0;
	for (int i = 0; i < r->nrows; i++) {
		const zx_rank_row *w = &r->rows[i];
		if (strcmp(w->board, board) != 0)
			continue;
		char p[32];
		pct(w, p, sizeof(p));
		fprintf(f, "%s第%d名 %s，综合完成率 %s", n ? "；" : "", w->rank, w->area_name, p);
		n++;
	}
	fprintf(f, n ? "。\n" : "无。\n");
}

zx_err zx_ranking_export_markdown(const zx_ranking *r, const char *path, zx_errinfo *ei)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return zx_fail(ei, ZX_EIO, "export_failed", NULL, 0, "无法创建导出文件");
	int ranked = 0;
	for (int i = 0; i < r->nrows; i++)
		ranked += r->rows[i].rank > 0;
	fprintf(f, "# %s\n\n", r->title);
	fprintf(f, "考核期：%s，统计截至 %s。参与排名 %d 个，未设目标 %d 个；红黑榜各取前后 %d 名。\n\n",
	        r->period.label, r->as_of, ranked, r->nrows - ranked, r->top_n);
	fprintf(
	    f,
	    "## 一、综合排名\n\n| 名次 | 区域 | 综合完成率 | 计分指标数 | 红黑榜 |\n|---|---|---|---|---|\n");
	for (int i = 0; i < r->nrows; i++) {
		const zx_rank_row *w = &r->rows[i];
		char p[32], rk[16];
		pct(w, p, sizeof(p));
		if (w->rank)
			snprintf(rk, sizeof(rk), "%d", w->rank);
		else
			snprintf(rk, sizeof(rk), "—");
		fprintf(f, "| %s | %s | %s | %d | %s |\n", rk, w->area_name, p, w->n, board_name(w->board));
	}
	fprintf(f, "\n## 二、红榜\n\n");
	md_list(f, r, "red");
	fprintf(f, "\n## 三、黑榜\n\n");
	md_list(f, r, "black");
	fprintf(f, "\n## 四、指标完成情况\n");
	for (int i = 0; i < r->nrows; i++) {
		const zx_rank_row *w = &r->rows[i];
		if (!w->n)
			continue;
		fprintf(f, "\n%s：", w->area_name);
		for (int j = 0; j < w->n; j++) {
			const zx_rank_detail *d = &w->det[j];
			char t[48], v[48], p[32];
			zx_ind_value_format(d->unit, d->target, t, sizeof(t));
			zx_ind_value_format(d->unit, d->actual, v, sizeof(v));
			zx_ind_pct_format(d->completion, p, sizeof(p));
			fprintf(f, "%s%s计划%s%s，完成%s%s，完成率%s%%", j ? "；" : "", d->name, t, d->unit,
			        v, d->unit, p);
		}
		fprintf(f, "。\n");
	}
	bool bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad)
		return zx_fail(ei, ZX_EIO, "export_failed", NULL, 0, "写入导出文件失败");
	return ZX_OK;
}
