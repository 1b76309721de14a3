/*
 * export_std.c — the standard exports (see export_std.h): one row definition table per
 * kind and one generic writer (CSV or XLSX sink, one database cursor, one row of cells at
 * a time) shared by all of them.
 *
 * Invariants:
 *   - a kind's table lists its columns in file order; each cell is made from the column
 *     `src` of the kind's named query (and `enc` for a secret shown unmasked);
 *   - plaintext 证件号码 / 联系电话 exist only in one row's stack buffers, wiped after it;
 *   - the audit row is committed before success is returned; the file is removed on every
 *     failure.
 */
#include "domain/registry/export_std.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/assistance/assistance.h"
#include "domain/assistance/elimination.h"
#include "domain/auth/audit.h"
#include "domain/registry/query.h"

#define CSV_FLUSH (256u * 1024u)
#define MAX_COLS 20
#define CELL_CAP 160

typedef enum cell_kind {
	C_TEXT,        /* as stored */
	C_CODE,        /* a code (户编号, 行政区划代码): text-formatted column */
	C_INT,         /* a count: a number cell */
	C_MONEY,       /* 分 → 元, a number cell with two decimals */
	C_YMD,         /* YYYYMMDD → YYYY-MM-DD; 0 = empty */
	C_TS,          /* unix seconds → YYYY-MM-DD (UTC+8); 0 = empty */
	C_SECRET,      /* masked form at src, encrypted at enc (decrypted when unmasked) */
	C_CHECKLIST,   /* 六必访 bits → item names */
	C_ELIM_STATE,  /* workflow key → its Chinese name */
	C_ELIM_STATUS, /* pending / eliminated / rejected → Chinese */
} cell_kind;

typedef struct std_col {
	const char *head;
	double width;
	cell_kind kind;
	int src, enc;
} std_col;

typedef struct std_def {
	const char *key, *title, *audit;
	zx_query query;
	bool year_ts; /* the year binds as unix seconds (else as YYYYMMDD) */
	bool no_year; /* the query takes no year */
	int ncols;
	std_col cols[MAX_COLS];
} std_def;

static const std_def defs[] = {
    [ZX_STD_MONITORED] = {"monitored",
                          "监测对象",
                          "monitored.export",
                          ZXQ_export_monitored,
                          false,
                          true,
                          14,
                          {{"户编号", 20, C_CODE, 0, -1},
                           {"户主姓名", 10, C_TEXT, 1, -1},
                           {"证件号码", 21, C_SECRET, 2, 3},
                           {"联系电话", 15, C_SECRET, 4, 5},
                           {"行政区划代码", 15, C_CODE, 6, -1},
                           {"村", 12, C_TEXT, 7, -1},
                           {"组", 8, C_TEXT, 8, -1},
                           {"户类型", 10, C_TEXT, 9, -1},
                           {"监测对象类别", 16, C_TEXT, 10, -1},
                           {"风险类型", 14, C_TEXT, 11, -1},
                           {"帮扶责任人", 12, C_TEXT, 12, -1},
                           {"人口数", 8, C_INT, 13, -1},
                           {"纳入日期", 12, C_TS, 14, -1},
                           {"状态", 14, C_TEXT, 15, -1}}},
    [ZX_STD_MEASURES] = {"measures",
                         "帮扶措施台账",
                         "measure.export",
                         ZXQ_export_measures,
                         false,
                         false,
                         12,
                         {{"户编号", 20, C_CODE, 0, -1},
                          {"户主姓名", 10, C_TEXT, 1, -1},
                          {"行政区划代码", 15, C_CODE, 2, -1},
                          {"村", 12, C_TEXT, 3, -1},
                          {"帮扶目标", 24, C_TEXT, 4, -1},
                          {"措施类型", 14, C_TEXT, 5, -1},
                          {"措施内容", 30, C_TEXT, 6, -1},
                          {"金额（元）", 12, C_MONEY, 7, -1},
                          {"计划完成日期", 13, C_YMD, 8, -1},
                          {"实际落实日期", 13, C_YMD, 9, -1},
                          {"责任人", 10, C_TEXT, 10, -1},
                          {"状态", 8, C_TEXT, 11, -1}}},
    [ZX_STD_VISITS] = {"visits",
                       "走访记录",
                       "visit.export",
                       ZXQ_export_visits,
                       false,
                       false,
                       9,
                       {{"户编号", 20, C_CODE, 0, -1},
                        {"户主姓名", 10, C_TEXT, 1, -1},
                        {"行政区划代码", 15, C_CODE, 2, -1},
                        {"村", 12, C_TEXT, 3, -1},
                        {"走访人", 10, C_TEXT, 4, -1},
                        {"走访日期", 12, C_YMD, 5, -1},
                        {"走访事项（六必访）", 30, C_CHECKLIST, 6, -1},
                        {"走访发现", 36, C_TEXT, 7, -1},
                        {"后续跟进", 30, C_TEXT, 8, -1}}},
    [ZX_STD_ELIMINATIONS] = {"eliminations",
                             "消除名单",
                             "elimination.export",
                             ZXQ_export_eliminations,
                             true,
                             false,
                             16,
                             {{"户编号", 20, C_CODE, 0, -1},
                              {"户主姓名", 10, C_TEXT, 1, -1},
                              {"行政区划代码", 15, C_CODE, 2, -1},
                              {"村", 12, C_TEXT, 3, -1},
                              {"消除方式", 10, C_TEXT, 4, -1},
                              {"监测对象类别", 16, C_TEXT, 5, -1},
                              {"风险类型", 14, C_TEXT, 6, -1},
                              {"当前环节", 22, C_ELIM_STATE, 7, -1},
                              {"状态", 10, C_ELIM_STATUS, 8, -1},
                              {"申请人", 10, C_TEXT, 9, -1},
                              {"申请日期", 12, C_TS, 10, -1},
                              {"公示日期", 12, C_TS, 11, -1},
                              {"乡镇审核人", 12, C_TEXT, 12, -1},
                              {"县级审定人", 12, C_TEXT, 13, -1},
                              {"审定日期", 12, C_TS, 14, -1},
                              {"理由", 30, C_TEXT, 15, -1}}},
};

#define NDEFS ((int)(sizeof(defs) / sizeof(defs[0])))

zx_std_kind zx_std_kind_parse(const char *s)
{
	for (int i = 1; s && i < NDEFS; i++)
		if (!strcmp(s, defs[i].key))
			return (zx_std_kind)i;
	return 0;
}

const char *zx_std_kind_title(zx_std_kind k)
{
	return k > 0 && (int)k < NDEFS ? defs[k].title : "";
}

/* ---- the sink ---------------------------------------------------------------------- */

typedef struct sink {
	const std_def *def;
	zx_export_format format;
	FILE *f;
	zx_buf buf;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *text, *head, *money;
	int sheets;
	uint32_t row;
} sink;

static zx_err csv_flush(sink *s)
{
	if (s->buf.len && fwrite(s->buf.data, 1, s->buf.len, s->f) != s->buf.len)
		return ZX_EIO;
	zx_buf_reset(&s->buf);
	return ZX_OK;
}

static bool text_col(cell_kind k)
{
	return k == C_CODE || k == C_SECRET;
}

static zx_err xlsx_sheet(sink *s)
{
	char name[32];
	const std_def *d = s->def;
	if (++s->sheets == 1)
		snprintf(name, sizeof(name), "%s", d->title);
	else
		snprintf(name, sizeof(name), "%s%d", d->title, s->sheets);
	if (!(s->ws = workbook_add_worksheet(s->wb, name)))
		return ZX_EIO;
	for (int i = 0; i < d->ncols; i++)
		if (worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i, d->cols[i].width,
		                         text_col(d->cols[i].kind) ? s->text : NULL))
			return ZX_EIO;
	worksheet_freeze_panes(s->ws, 1, 0);
	for (int i = 0; i < d->ncols; i++)
		if (worksheet_write_string(s->ws, 0, (lxw_col_t)i, d->cols[i].head, s->head))
			return ZX_EIO;
	s->row = 1;
	return ZX_OK;
}

static zx_err sink_open(sink *s, const std_def *d, zx_export_format format, const char *path,
                        const char *tmpdir)
{
	memset(s, 0, sizeof(*s));
	s->def = d;
	s->format = format;
	if (format == ZX_EXPORT_CSV) {
		zx_buf_init(&s->buf, 4u * CSV_FLUSH);
		if (!(s->f = fopen(path, "wb")))
			return ZX_EIO;
		zx_err e = zx_buf_add(&s->buf, "\xEF\xBB\xBF", 3);
		for (int i = 0; !e && i < d->ncols; i++)
			e = zx_buf_add_csv(&s->buf, d->cols[i].head, i == 0);
		return e ? e : zx_buf_add(&s->buf, "\r\n", 2);
	}
	lxw_workbook_options o = {
	    .constant_memory = LXW_TRUE, .tmpdir = (char *)tmpdir, .use_zip64 = LXW_TRUE};
	if (!(s->wb = workbook_new_opt(path, &o)))
		return ZX_EIO;
	s->text = workbook_add_format(s->wb);
	s->head = workbook_add_format(s->wb);
	s->money = workbook_add_format(s->wb);
	if (!s->text || !s->head || !s->money)
		return ZX_ENOMEM;
	format_set_num_format(s->text, "@");
	format_set_bold(s->head);
	format_set_num_format(s->head, "@");
	format_set_num_format(s->money, "0.00");
	return xlsx_sheet(s);
}

/* One data row: cells[i] as text; nums[i] >= 0 marks a number cell (value in num[i]). */
static zx_err sink_row(sink *s, const char *const *cells, const double *num, const bool *is_num)
{
	const std_def *d = s->def;
	if (s->format == ZX_EXPORT_CSV) {
		zx_err e = ZX_OK;
		for (int i = 0; !e && i < d->ncols; i++)
			e = zx_buf_add_csv(&s->buf, cells[i], i == 0);
		if (!e)
			e = zx_buf_add(&s->buf, "\r\n", 2);
		if (!e && s->buf.len >= CSV_FLUSH)
			e = csv_flush(s);
		return e;
	}
	if (s->row >= LXW_ROW_MAX) {
		zx_err e = xlsx_sheet(s);
		if (e)
			return e;
	}
	for (int i = 0; i < d->ncols; i++) {
		lxw_error le = LXW_NO_ERROR;
		if (is_num[i])
			le = worksheet_write_number(s->ws, s->row, (lxw_col_t)i, num[i],
			                            d->cols[i].kind == C_MONEY ? s->money : NULL);
		else if (*cells[i])
			le = worksheet_write_string(s->ws, s->row, (lxw_col_t)i, cells[i], NULL);
		if (le) {
			zx_error("export: xlsx cell failed: %s", lxw_strerror(le));
			return ZX_EIO;
		}
	}
	s->row++;
	return ZX_OK;
}

static zx_err sink_close(sink *s, bool failed)
{
	zx_err e = ZX_OK;
	if (s->format == ZX_EXPORT_CSV) {
		if (!failed)
			e = csv_flush(s);
		if (s->f && fclose(s->f) != 0 && !e)
			e = ZX_EIO;
		zx_buf_release(&s->buf);
	} else if (s->wb) {
		lxw_error le = workbook_close(s->wb);
		if (le && !failed) {
			zx_error("export: xlsx close failed: %s", lxw_strerror(le));
			e = ZX_EIO;
		}
	}
	memset(s, 0, sizeof(*s));
	return e;
}

/* ---- cells ------------------------------------------------------------------------- */

static void ymd_text(char *out, size_t cap, int64_t ymd)
{
	if (ymd <= 0)
		*out = 0;
	else
		snprintf(out, cap, "%04lld-%02lld-%02lld", (long long)(ymd / 10000),
		         (long long)(ymd / 100 % 100), (long long)(ymd % 100));
}

static const char *elim_status(const char *s)
{
	return !strcmp(s, "pending")      ? "审批中"
	       : !strcmp(s, "eliminated") ? "已消除"
	       : !strcmp(s, "rejected")   ? "不予消除"
	                                  : s;
}

/* Makes the cell of column c from the cursor row; buf holds computed text. */
static zx_err make_cell(const std_col *c, zx_stmt *st, const zx_keys *k, bool unmasked, char *buf,
                        const char **out, double *num, bool *is_num)
{
	*is_num = false;
	*out = buf;
	*buf = 0;
	switch (c->kind) {
	case C_TEXT:
	case C_CODE:
		*out = zx_col_text(st, c->src);
		return ZX_OK;
	case C_INT:
		*num = (double)zx_col_int(st, c->src);
		*is_num = true;
		snprintf(buf, CELL_CAP, "%lld", (long long)zx_col_int(st, c->src));
		return ZX_OK;
	case C_MONEY: {
		int64_t fen = zx_col_int(st, c->src);
		*num = (double)fen / 100.0;
		*is_num = true;
		snprintf(buf, CELL_CAP, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
		return ZX_OK;
	}
	case C_YMD:
		ymd_text(buf, CELL_CAP, zx_col_int(st, c->src));
		return ZX_OK;
	case C_TS: {
		int64_t t = zx_col_int(st, c->src);
		ymd_text(buf, CELL_CAP, t > 0 ? zx_ymd_of(t) : 0);
		return ZX_OK;
	}
	case C_SECRET: {
		const char *enc = zx_col_text(st, c->enc);
		if (!unmasked || !*enc) {
			*out = unmasked ? "" : zx_col_text(st, c->src);
			return ZX_OK;
		}
		return zx_field_decrypt(k, enc, buf, CELL_CAP) ? ZX_EINTERNAL : ZX_OK;
	}
	case C_CHECKLIST: {
		int64_t bits = zx_col_int(st, c->src);
		size_t n = 0;
		for (int i = 0; i < ZX_VISIT_CHECK_COUNT; i++)
			if (bits & zx_visit_checks[i].bit)
				n += (size_t)snprintf(buf + n, CELL_CAP - n, "%s%s", n ? "、" : "",
				                      zx_visit_checks[i].name);
		return ZX_OK;
	}
	case C_ELIM_STATE: {
		const char *key = zx_col_text(st, c->src);
		int s = zx_elim_state_parse(key);
		*out = s >= 0 ? zx_elim_state_name((zx_elim_state)s) : key;
		return ZX_OK;
	}
	case C_ELIM_STATUS:
		*out = elim_status(zx_col_text(st, c->src));
		return ZX_OK;
	}
	return ZX_EINTERNAL;
}

/* Writes every row of the cursor; wipes the row's plaintext after each. */
static zx_err write_rows(sink *out, zx_stmt *st, const zx_keys *k, bool unmasked, int64_t *rows)
{
	const std_def *d = out->def;
	char bufs[MAX_COLS][CELL_CAP];
	const char *cells[MAX_COLS];
	double num[MAX_COLS];
	bool is_num[MAX_COLS];
	bool row;
	zx_err e;
	while (!(e = zx_stmt_next(st, &row)) && row) {
		for (int i = 0; !e && i < d->ncols; i++)
			e = make_cell(&d->cols[i], st, k, unmasked, bufs[i], &cells[i], &num[i], &is_num[i]);
		if (e)
			zx_error("export: cannot decrypt a field of %s row %lld", d->key,
			         (long long)*rows + 1);
		if (!e)
			e = sink_row(out, cells, num, is_num);
		memset(bufs, 0, sizeof(bufs));
		if (e)
			break;
		(*rows)++;
	}
	zx_stmt_done(st);
	return e;
}

/* ---- the export -------------------------------------------------------------------- */

/* Unix seconds of Jan 1 00:00 (UTC+8) of year y. */
static int64_t year_start(int y)
{
	int64_t days = 0;
	for (int i = 1970; i < y; i++)
		days += (i % 4 == 0 && i % 100 != 0) || i % 400 == 0 ? 366 : 365;
	return days * 86400 - 8 * 3600;
}

zx_err zx_export_standard(zx_conn *c, const zx_actor *a, const zx_keys *k, const zx_std_opts *o,
                          const char *path, int64_t *rows, zx_errinfo *ei)
{
	int64_t n = 0;
	if (rows)
		*rows = 0;
	if (!a || !o || !path || !k || o->kind <= 0 || (int)o->kind >= NDEFS ||
	    (o->format != ZX_EXPORT_CSV && o->format != ZX_EXPORT_XLSX))
		return ZX_EINVAL;
	const std_def *d = &defs[o->kind];
	if (!zx_role_sees_personal_data(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s无权导出%s", zx_role_name(a->role),
		               d->title);
	if (o->unmasked && !zx_role_may_unmask(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", "unmasked", 0,
		               "%s无权导出未脱敏的证件号码和联系电话", zx_role_name(a->role));
	if (o->year && (o->year < 2000 || o->year > 2100))
		return zx_fail(ei, ZX_EINVAL, "invalid_parameter", "year", 0,
		               "年度应为 2000 至 2100 之间的年份");
	zx_hh_filter f = {.area = o->area ? o->area : "", .village = ""};
	zx_scope scope;
	char county[7];
	bool one_village;
	zx_err e = zx_hh_filter_scope(a, &f, &scope, county, &one_village, ei);
	if (e)
		return e;
	int64_t lo = 0, hi = 0;
	if (o->year && d->year_ts) {
		lo = year_start(o->year);
		hi = year_start(o->year + 1);
	} else if (o->year) {
		lo = (int64_t)o->year * 10000;
		hi = lo + 9999;
	}
	sink *s = calloc(1, sizeof(*s));
	if (!s)
		return ZX_ENOMEM;
	e = sink_open(s, d, o->format, path, o->tmpdir);
	if (!e)
		e = zx_tx_begin_read(c);
	zx_stmt *st = NULL;
	if (!e)
		e = d->no_year ? zx_query_open(c, &scope, d->query, ZX_NOARGS, &st)
		               : zx_query_open(c, &scope, d->query, ZX_ARGS(ZX_INT(lo), ZX_INT(hi)), &st);
	if (!e)
		e = write_rows(s, st, k, o->unmasked, &n);
	if (zx_tx_active(c))
		zx_tx_rollback(c); /* a read snapshot */
	zx_err ce = sink_close(s, e != ZX_OK);
	free(s);
	if (!e)
		e = ce;
	if (!e) {
		char obj[32], detail[256], yr[16] = "";
		if (o->year)
			snprintf(yr, sizeof(yr), "%d年，", o->year);
		snprintf(obj, sizeof(obj), "area:%s", o->area && *o->area ? o->area : a->area_code);
		snprintf(detail, sizeof(detail), "导出%s %lld 行（%s%s，%s）", d->title, (long long)n, yr,
		         o->format == ZX_EXPORT_CSV ? "CSV" : "XLSX", o->unmasked ? "未脱敏" : "脱敏");
		e = zx_audit_write_tx(c, a, d->audit, obj, "ok", detail);
	}
	if (e) {
		remove(path);
		if (!ei || !ei->err)
			zx_fail(ei, e, "export_failed", NULL, 0, "导出失败：%s",
			        e == ZX_EIO ? "无法写入导出文件" : zx_err_message(e));
	} else if (rows) {
		*rows = n;
	}
	zx_info("export: %s, %lld rows (%s, %s): %s", d->key, (long long)n,
	        o->format == ZX_EXPORT_CSV ? "csv" : "xlsx", o->unmasked ? "unmasked" : "masked",
	        zx_err_name(e));
	return e;
}
