/*
 * io.c — ledger import (CSV/XLSX through base/table.h, all-or-nothing, row errors in
 * Chinese naming row and column, 万元 headers converted) and export (XLSX/CSV with the
 * kind's Chinese headers, persons masked).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/table.h"
#include "domain/auth/audit.h"
#include "domain/ledger/ledger_internal.h"

#define MAX_COLS 128

typedef struct imp {
	zx_ledger_ctx x;
	const zx_ledger_kind *k;
	const zx_ledger_import_opts *o;
	zx_ledger_import_result *res;
	int col_field[MAX_COLS];
	bool col_wan[MAX_COLS];
	size_t ncols;
	bool header_done;
	zx_ledger_import_error *all; /* every error, for the errors file */
	size_t nall, capall;
} imp;

static zx_err add_error(imp *m, long row, const char *column, const char *message)
{
	zx_ledger_import_result *r = m->res;
	zx_ledger_import_error er;
	memset(&er, 0, sizeof(er));
	er.row = row;
	snprintf(er.column, sizeof(er.column), "%s", column ? column : "");
	snprintf(er.message, sizeof(er.message), "%s", message);
	if (r->nfirst < ZX_LEDGER_IMPORT_FIRST)
		r->first[r->nfirst++] = er;
	if (m->o->errors_csv) {
		if (m->nall == m->capall) {
			size_t cap = m->capall ? m->capall * 2 : 64;
			zx_ledger_import_error *n = realloc(m->all, cap * sizeof(*n));
			if (!n)
				return ZX_ENOMEM;
			m->all = n;
			m->capall = cap;
		}
		m->all[m->nall++] = er;
	}
	return ZX_OK;
}

static zx_err on_header(imp *m, const zx_row *row)
{
	m->ncols = row->ncells < MAX_COLS ? row->ncells : MAX_COLS;
	bool seen[ZX_LEDGER_MAX_FIELDS] = {false};
	for (size_t i = 0; i < m->ncols; i++) {
		m->col_field[i] = zx_ledger_field_find(m->k, zx_row_cell(row, i), &m->col_wan[i]);
		if (m->col_field[i] >= 0) {
			if (seen[m->col_field[i]]) {
				char msg[200];
				snprintf(msg, sizeof(msg), "第1行：列「%s」重复",
				         m->k->fields[m->col_field[i]].label);
				m->res->errors++;
				return add_error(m, 1, m->k->fields[m->col_field[i]].label, msg);
			}
			seen[m->col_field[i]] = true;
		}
	}
	for (int f = 0; f < m->k->nfields; f++)
		if (m->k->fields[f].required && !m->k->fields[f].def && !seen[f]) {
			char msg[200];
			snprintf(msg, sizeof(msg), "第1行：缺少必填列「%s」", m->k->fields[f].label);
			m->res->errors++;
			zx_err e = add_error(m, 1, m->k->fields[f].label, msg);
			if (e)
				return e;
		}
	return ZX_OK;
}

static zx_err on_row(void *ctx, const zx_row *row, zx_errinfo *ei)
{
	imp *m = ctx;
	if (!m->header_done) {
		m->header_done = true;
		zx_err e = on_header(m, row);
		if (!e && m->res->errors)
			*row->stop = 1; /* a broken header: every row would fail */
		return e;
	}
	m->res->rows++;
	if (m->o->progress && m->res->rows % 1000 == 0)
		m->o->progress(m->o->progress_ctx, m->res->rows);
	zx_ledger_input in;
	memset(&in, 0, sizeof(in));
	in.keys = m->o->keys;
	in.rowno = row->rowno;
	for (size_t i = 0; i < m->ncols; i++) {
		int f = m->col_field[i];
		if (f < 0)
			continue;
		const char *v = zx_row_cell(row, i);
		in.val[f] = *v ? v : NULL;
		in.wan[f] = m->col_wan[i];
	}
	zx_ledger_row r;
	memset(&r, 0, sizeof(r));
	zx_errinfo rei;
	zx_errinfo_clear(&rei);
	zx_err e = zx_ledger_validate(&m->x, m->k, &in, &r, &rei);
	if (!e)
		e = zx_ledger_write_row(&m->x, &r, &rei);
	zx_ledger_row_free(&r);
	if (!e) {
		m->res->valid++;
		return ZX_OK;
	}
	if (e != ZX_EVALIDATION && e != ZX_ECONFLICT && e != ZX_EINVAL) {
		if (ei && rei.err)
			*ei = rei;
		return e;
	}
	m->res->errors++;
	return add_error(m, row->rowno, rei.field, rei.message);
}

static zx_err write_errors(const imp *m, const char *path, zx_errinfo *ei)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return zx_fail(ei, ZX_EIO, "errors_file", NULL, 0, "无法写入错误清单 %s", path);
	fputs("\xEF\xBB\xBF行号,列,错误说明\r\n", f);
	for (size_t i = 0; i < m->nall; i++) {
		fprintf(f, "%ld,\"", m->all[i].row);
		for (const char *p = m->all[i].column; *p; p++)
			fputs(*p == '"' ? "\"\"" : (char[]){*p, 0}, f);
		fputs("\",\"", f);
		for (const char *p = m->all[i].message; *p; p++)
			fputs(*p == '"' ? "\"\"" : (char[]){*p, 0}, f);
		fputs("\"\r\n", f);
	}
	return fclose(f) == 0 ? ZX_OK
	                      : zx_fail(ei, ZX_EIO, "errors_file", NULL, 0, "无法写入错误清单 %s", path);
}

zx_err zx_ledger_import(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, const char *path,
                        const zx_ledger_import_opts *o, zx_ledger_import_result *res, zx_errinfo *ei)
{
	memset(res, 0, sizeof(*res));
	zx_err e = zx_ledger_may_write(a, ei);
	if (e)
		return e;
	imp m;
	memset(&m, 0, sizeof(m));
	zx_ledger_ctx_init(&m.x, c, a, o->keys);
	m.k = k;
	m.o = o;
	m.res = res;
	zx_table_opts to = {.encoding = o->encoding, .max_rows = 1000000};
	e = zx_tx_begin_write(c);
	if (!e)
		e = zx_table_read_file(path, &to, on_row, &m, ei);
	if (!e && !m.header_done) {
		res->errors++;
		e = add_error(&m, 0, NULL, "文件为空");
	}
	if (!e && res->errors == 0 && res->rows == 0) {
		res->errors++;
		e = add_error(&m, 0, NULL, "文件中没有数据行");
	}
	if (o->progress)
		o->progress(o->progress_ctx, res->rows);
	if (!e && res->errors == 0 && !o->dry_run) {
		char detail[200];
		snprintf(detail, sizeof(detail), "kind=%s rows=%ld", k->key, res->rows);
		e = zx_audit_write(c, a, "ledger.import", k->key, "ok", detail);
		if (!e)
			e = zx_tx_commit(c);
		if (!e)
			res->imported = res->rows;
	}
	zx_tx_rollback(c); /* nothing left open: errors, dry run or a failed commit */
	if (!e && res->errors) {
		if (o->errors_csv) {
			zx_errinfo wei;
			zx_errinfo_clear(&wei);
			if (write_errors(&m, o->errors_csv, &wei))
				zx_warn("ledger import: cannot write the errors file");
		}
		e = zx_fail(ei, ZX_EVALIDATION, res->first[0].row ? "row_errors" : "file_error",
		            res->first[0].column, res->first[0].row,
		            "导入失败：共 %ld 行有错误，未写入任何数据。%s", res->errors,
		            res->first[0].message);
	}
	free(m.all);
	return e;
}

/* ---- export ------------------------------------------------------------------------------------- */

typedef struct exp {
	const zx_ledger_kind *k;
	bool xlsx;
	FILE *f;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *head;
	zx_buf line; /* CSV: the row being written */
	long row;
	zx_err err;
} exp;

static void put_cell(exp *x, int col, const char *v)
{
	if (x->xlsx) {
		if (worksheet_write_string(x->ws, (lxw_row_t)x->row, (lxw_col_t)col, v,
		                           x->row ? NULL : x->head))
			x->err = ZX_EIO;
		return;
	}
	if (zx_buf_add_csv_text(&x->line, v, col == 0))
		x->err = ZX_ENOMEM;
}

static void end_row(exp *x)
{
	if (!x->xlsx) {
		if (zx_buf_add(&x->line, "\r\n", 2) ||
		    fwrite(x->line.data, 1, x->line.len, x->f) != x->line.len)
			x->err = ZX_EIO;
		zx_buf_reset(&x->line);
	}
	x->row++;
}

static void header(exp *x)
{
	int col = 0;
	put_cell(x, col++, "编号");
	put_cell(x, col++, "所属区域");
	for (int i = 0; i < x->k->nfields; i++) {
		const zx_ledger_field *f = &x->k->fields[i];
		char h[128];
		if (f->type == ZX_LF_PERSON)
			put_cell(x, col++, "姓名");
		if (f->type == ZX_LF_MONEY)
			snprintf(h, sizeof(h), "%s（元）", f->label);
		else
			snprintf(h, sizeof(h), "%s", f->label);
		put_cell(x, col++, h);
		if (f->type == ZX_LF_HOUSEHOLD)
			put_cell(x, col++, "户主姓名");
	}
	end_row(x);
}

static const char *jstr(const json_t *v)
{
	const char *s = json_string_value(v);
	return s ? s : "";
}

static bool export_row(void *ctx, json_t *o)
{
	exp *x = ctx;
	int col = 0;
	char buf[64];
	snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(o, "id")));
	put_cell(x, col++, buf);
	put_cell(x, col++, jstr(json_object_get(o, "area_name")));
	for (int i = 0; i < x->k->nfields; i++) {
		const zx_ledger_field *f = &x->k->fields[i];
		json_t *v = json_object_get(o, f->key);
		const char *s = "";
		char *joined = NULL;
		if (f->type == ZX_LF_PERSON) {
			put_cell(x, col++, jstr(json_object_get(v, "name")));
			s = jstr(json_object_get(v, "id_masked"));
		} else if (f->type == ZX_LF_HOUSEHOLD) {
			put_cell(x, col++, jstr(json_object_get(v, "hh_no")));
			s = jstr(json_object_get(v, "head_name"));
		} else if (f->type == ZX_LF_PARENT) {
			s = jstr(json_object_get(v, "title"));
		} else if (f->type == ZX_LF_HOUSEHOLDS && json_is_array(v)) {
			zx_buf b;
			zx_buf_init(&b, (size_t)1 << 20);
			size_t j;
			json_t *h;
			json_array_foreach(v, j, h)
			{
				if (j)
					zx_buf_add(&b, "、", 3);
				const char *no = jstr(json_object_get(h, "hh_no"));
				zx_buf_add(&b, no, strlen(no));
			}
			joined = strdup(b.data ? b.data : "");
			zx_buf_release(&b);
			s = joined ? joined : "";
		} else if (json_is_string(v)) {
			s = json_string_value(v);
		} else if (json_is_integer(v)) {
			snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
			s = buf;
		} else if (json_is_real(v)) {
			snprintf(buf, sizeof(buf), "%.2f", json_real_value(v));
			s = buf;
		}
		put_cell(x, col++, s);
		free(joined);
	}
	end_row(x);
	return x->err == ZX_OK;
}

zx_err zx_ledger_export(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, const zx_ledger_filter *f,
                        bool xlsx, const char *path, long *rows_out, zx_errinfo *ei)
{
	zx_err e = zx_ledger_may_read(a, ei);
	if (e)
		return e;
	exp x;
	memset(&x, 0, sizeof(x));
	x.k = k;
	x.xlsx = xlsx;
	if (xlsx) {
		x.wb = workbook_new(path);
		x.ws = x.wb ? workbook_add_worksheet(x.wb, k->name) : NULL;
		x.head = x.wb ? workbook_add_format(x.wb) : NULL;
		if (!x.ws || !x.head) {
			if (x.wb)
				workbook_close(x.wb);
			return zx_fail(ei, ZX_EIO, "export_failed", NULL, 0, "无法创建导出文件");
		}
		format_set_bold(x.head);
		worksheet_freeze_panes(x.ws, 1, 0);
	} else {
		x.f = fopen(path, "wb");
		if (!x.f)
			return zx_fail(ei, ZX_EIO, "export_failed", NULL, 0, "无法创建导出文件");
		fputs("\xEF\xBB\xBF", x.f);
		zx_buf_init(&x.line, 1 << 20);
	}
	header(&x);
	e = zx_tx_begin_read(c);
	if (!e)
		e = zx_ledger_walk(c, a, k, f, export_row, &x, ei);
	zx_tx_rollback(c);
	if (!e)
		e = x.err;
	if (xlsx) {
		if (workbook_close(x.wb) != LXW_NO_ERROR && !e)
			e = ZX_EIO;
	} else {
		zx_buf_release(&x.line);
		if (fclose(x.f) != 0 && !e)
			e = ZX_EIO;
	}
	if (e) {
		remove(path);
		return e;
	}
	long rows = x.row - 1;
	if (rows_out)
		*rows_out = rows;
	char detail[160];
	snprintf(detail, sizeof(detail), "kind=%s rows=%ld format=%s area=%s", k->key, rows,
	         xlsx ? "xlsx" : "csv", f->area && *f->area ? f->area : a->area_code);
	return zx_audit_write_tx(c, a, "ledger.export", k->key, "ok", detail);
}
