/*
 * income.c — income surveys: one survey written through the API, and the bulk import
 * of a CSV/XLSX file (see income.h).
 *
 * Invariants: figures are integer 分 from the first byte (money.c parses text, never a
 * double); a survey is written only after every check passed; an import runs in one
 * write transaction with its audit row and stops writing at the first bad row (it keeps
 * reading to report every error, then rolls back).
 */
#include "domain/monitoring/income.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/table.h"
#include "domain/auth/audit.h"
#include "domain/monitoring/money.h"

const char *const zx_income_field_names[5] = {"工资性收入", "生产经营性收入", "财产性收入", "转移性收入",
                                              "生产经营性支出"};

static int64_t *field_ptr(zx_income_figures *f, int i)
{
	int64_t *p[5] = {&f->wage, &f->business, &f->property, &f->transfer, &f->expense};
	return p[i];
}

static int64_t field_val(const zx_income_figures *f, int i)
{
	return *field_ptr((zx_income_figures *)f, i);
}

int64_t zx_income_net(const zx_income_figures *f)
{
	return f->wage + f->business + f->property + f->transfer - f->expense;
}

zx_err zx_income_check(const zx_income_figures *f, int size, long row, zx_errinfo *ei)
{
	if (size <= 0)
		return zx_fail(ei, ZX_EVALIDATION, "household_empty", "户编号", row,
		               "该户没有家庭成员，无法计算人均纯收入");
	for (int i = 0; i < 5; i++) {
		int64_t v = field_val(f, i);
		if (v < 0)
			return zx_fail(ei, ZX_EVALIDATION, "negative_income", zx_income_field_names[i], row,
			               "%s不能为负数", zx_income_field_names[i]);
		if (v > ZX_INCOME_MAX_PER_PERSON_FEN * size)
			return zx_fail(ei, ZX_EVALIDATION, "absurd_income", zx_income_field_names[i], row,
			               "%s超出合理范围（人均超过1000万元）", zx_income_field_names[i]);
	}
	return ZX_OK;
}

static void fill_survey(const zx_mon_household *hh, int year, const zx_income_figures *f, zx_income_survey *s)
{
	memset(s, 0, sizeof(*s));
	s->household_id = hh->id;
	s->year = year;
	s->f = *f;
	s->net = zx_income_net(f);
	s->size = hh->size;
	s->net_per_capita = zx_money_per_capita_fen(s->net, hh->size);
}

static zx_err write_survey(zx_conn *c, const zx_actor *a, const zx_mon_household *hh,
                           const zx_income_survey *s)
{
	int64_t changes = 0;
	zx_err e = zx_exec(c, &a->scope, ZXQ_income_upsert,
	                   ZX_ARGS(ZX_INT(hh->id), ZX_INT(s->year), ZX_INT(s->f.wage), ZX_INT(s->f.business),
	                           ZX_INT(s->f.property), ZX_INT(s->f.transfer), ZX_INT(s->f.expense),
	                           ZX_INT(s->net), ZX_INT(s->size), ZX_INT(s->net_per_capita),
	                           ZX_TEXT(a->username), ZX_INT(zx_now())),
	                   &changes);
	return e ? e : changes == 1 ? ZX_OK : ZX_ENOTFOUND;
}

zx_err zx_income_put(zx_conn *c, const zx_actor *a, const zx_mon_household *hh, int year,
                     const zx_income_figures *f, zx_income_survey *out, zx_errinfo *ei)
{
	if (!zx_mon_year_ok(year))
		return zx_fail(ei, ZX_EINVAL, "invalid_year", "year", 0, "年度应在 %d 至 %d 之间",
		               ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX);
	if (!zx_role_sees_personal_data(a->role) || a->role == ZX_ROLE_DEPT_USER)
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s无权录入收入",
		               zx_role_name(a->role));
	zx_err e = zx_income_check(f, hh->size, 0, ei);
	if (e)
		return e;
	zx_income_survey s;
	fill_survey(hh, year, f, &s);
	e = zx_tx_begin_write(c);
	if (!e)
		e = write_survey(c, a, hh, &s);
	if (!e) {
		char obj[96], detail[64];
		snprintf(obj, sizeof(obj), "household:%s", hh->hh_no);
		snprintf(detail, sizeof(detail), "year=%d", year);
		e = zx_audit_write(c, a, "income.put", obj, "ok", detail);
	}
	if (!e)
		e = zx_tx_commit(c);
	if (e) {
		zx_tx_rollback(c);
		return e;
	}
	return zx_income_get(c, a, hh, year, out);
}

zx_err zx_income_get(zx_conn *c, const zx_actor *a, const zx_mon_household *hh, int year,
                     zx_income_survey *out)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_income_get, ZX_ARGS(ZX_INT(hh->id), ZX_INT(year)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		memset(out, 0, sizeof(*out));
		out->household_id = zx_col_int(s, 0);
		out->year = (int)zx_col_int(s, 1);
		for (int i = 0; i < 5; i++)
			*field_ptr(&out->f, i) = zx_col_int(s, 2 + i);
		out->net = zx_col_int(s, 7);
		out->size = (int)zx_col_int(s, 8);
		out->net_per_capita = zx_col_int(s, 9);
		snprintf(out->updated_by, sizeof(out->updated_by), "%s", zx_col_text(s, 10));
		out->updated_at = zx_col_int(s, 11);
	}
	zx_stmt_done(s);
	return e ? e : row ? ZX_OK : ZX_ENOTFOUND;
}

zx_err zx_income_area_totals(zx_conn *c, const zx_actor *a, const char *area12, int year, const char *hh_type,
                             int64_t *net_sum, int64_t *persons, int64_t *households)
{
	zx_scope sc;
	zx_scope_of_area(area12, &sc);
	if (!zx_scope_contains(&a->scope, area12))
		return ZX_ENOTFOUND;
	zx_stmt *s;
	zx_err e = zx_query_open(c, &sc, ZXQ_income_area_totals,
	                         ZX_ARGS(ZX_INT(year), ZX_TEXT(hh_type ? hh_type : "")), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	*net_sum = row ? zx_col_int(s, 0) : 0;
	*persons = row ? zx_col_int(s, 1) : 0;
	*households = row ? zx_col_int(s, 2) : 0;
	zx_stmt_done(s);
	return e;
}

/* --- import ---------------------------------------------------------------------------------- */

enum { COL_HH, COL_YEAR, COL_F0, NCOLS = COL_F0 + 5 };

/* (household, year) pairs seen in the file: open addressing, grown at half load. */
typedef struct seen_set {
	uint64_t *keys;
	long *rows;
	size_t cap, n;
} seen_set;

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

/* Returns the earlier row of key, 0 if new (then remembered). -1 out of memory. */
static long seen_put(seen_set *s, uint64_t key, long row)
{
	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 4096;
		uint64_t *nk = calloc(ncap, sizeof(*nk));
		long *nr = calloc(ncap, sizeof(*nr));
		if (!nk || !nr) {
			free(nk);
			free(nr);
			return -1;
		}
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->keys[i])
				continue;
			size_t j = mix(s->keys[i]) & (ncap - 1);
			while (nk[j])
				j = (j + 1) & (ncap - 1);
			nk[j] = s->keys[i];
			nr[j] = s->rows[i];
		}
		free(s->keys);
		free(s->rows);
		s->keys = nk;
		s->rows = nr;
		s->cap = ncap;
	}
	size_t j = mix(key) & (s->cap - 1);
	while (s->keys[j]) {
		if (s->keys[j] == key)
			return s->rows[j];
		j = (j + 1) & (s->cap - 1);
	}
	s->keys[j] = key;
	s->rows[j] = row;
	s->n++;
	return 0;
}

typedef struct income_import {
	zx_conn *c;
	const zx_actor *a;
	zx_mon_finder finder;
	int year;
	bool have_header;
	int col[NCOLS];
	zx_mon_import *r;
	seen_set seen;
} income_import;

static const char *const col_names[NCOLS] = {"户编号",     "年度",       "工资性收入",    "生产经营性收入",
                                             "财产性收入", "转移性收入", "生产经营性支出"};

static zx_err map_header(income_import *im, const zx_row *row, zx_errinfo *ei)
{
	zx_err e = zx_mon_map_header(row, col_names, NCOLS, im->col, im->r, ei);
	if (e)
		return e;
	for (int k = 0; k < NCOLS; k++) {
		if (im->col[k] >= 0 || (k == COL_YEAR && im->year > 0))
			continue;
		return zx_fail(ei, ZX_EVALIDATION, "missing_column", col_names[k], row->rowno,
		               "文件缺少必需的列“%s”（表头应含 户编号、年度、工资性收入、生产经营性收入、"
		               "财产性收入、转移性收入、生产经营性支出）",
		               col_names[k]);
	}
	im->have_header = true;
	return ZX_OK;
}

static const char *cell(const zx_row *row, int col)
{
	return col >= 0 ? zx_row_cell(row, (size_t)col) : "";
}

static bool parse_year(income_import *im, const zx_row *row, int *year)
{
	const char *y = cell(row, im->col[COL_YEAR]);
	long rn = row->rowno;
	if (!*y) {
		if (im->year > 0) {
			*year = im->year;
			return true;
		}
		zx_mon_issue_add(im->r, rn, "年度", "第%ld行 年度不能为空", rn);
		return false;
	}
	char *end;
	long v = strtol(y, &end, 10);
	if (*end || !zx_mon_year_ok((int)v)) {
		zx_mon_issue_add(im->r, rn, "年度", "第%ld行 年度“%.16s”不正确", rn, y);
		return false;
	}
	if (im->year > 0 && v != im->year) {
		zx_mon_issue_add(im->r, rn, "年度", "第%ld行 年度 %ld 与导入指定的年度 %d 不一致", rn, v,
		                 im->year);
		return false;
	}
	*year = (int)v;
	return true;
}

static bool parse_figures(income_import *im, const zx_row *row, zx_income_figures *f)
{
	bool ok = true;
	for (int i = 0; i < 5; i++) {
		const char *v = cell(row, im->col[COL_F0 + i]);
		int64_t fen = 0;
		zx_money_status st = *v ? zx_money_parse(v, false, &fen) : ZX_MONEY_OK;
		if (st != ZX_MONEY_OK) {
			zx_mon_issue_add(im->r, row->rowno, zx_income_field_names[i], "第%ld行 %s：%s",
			                 row->rowno, zx_income_field_names[i], zx_money_status_message(st));
			ok = false;
		}
		*field_ptr(f, i) = fen;
	}
	return ok;
}

static zx_err import_row(void *ctx, const zx_row *row, zx_errinfo *ei)
{
	income_import *im = ctx;
	if (!im->have_header)
		return map_header(im, row, ei);
	zx_mon_import *r = im->r;
	long rn = row->rowno;
	r->rows++;
	const char *hh_no = cell(row, im->col[COL_HH]);
	int year = 0;
	zx_income_figures f;
	bool ok = parse_year(im, row, &year);
	ok = parse_figures(im, row, &f) && ok;
	if (!*hh_no) {
		zx_mon_issue_add(r, rn, "户编号", "第%ld行 户编号不能为空", rn);
		return ZX_OK;
	}
	zx_mon_household hh;
	zx_err e = zx_mon_finder_household(im->c, &im->finder, hh_no, &hh);
	if (e == ZX_ENOTFOUND) {
		zx_mon_issue_add(r, rn, "户编号", "第%ld行 户编号 %.40s 不存在或不在您的管理范围内", rn,
		                 hh_no);
		return ZX_OK;
	}
	if (e)
		return e;
	if (!ok)
		return ZX_OK;
	long earlier = seen_put(&im->seen, (uint64_t)hh.id * 10000u + (uint64_t)year, rn);
	if (earlier < 0)
		return ZX_ENOMEM;
	if (earlier > 0) {
		zx_mon_issue_add(r, rn, "户编号", "第%ld行 户编号 %.40s 的 %d 年收入与第%ld行重复", rn, hh_no,
		                 year, earlier);
		return ZX_OK;
	}
	zx_errinfo ci;
	zx_errinfo_clear(&ci);
	if (zx_income_check(&f, hh.size, rn, &ci)) {
		zx_mon_issue_add(r, rn, ci.field, "第%ld行 %s", rn, ci.message);
		return ZX_OK;
	}
	if (r->issues_total > 0)
		return ZX_OK; /* the file fails anyway: keep checking, stop writing */
	int64_t exists = 0;
	e = zx_query_int(im->c, &im->finder.scope, ZXQ_income_exists, ZX_ARGS(ZX_INT(hh.id), ZX_INT(year)),
	                 &exists);
	zx_income_survey s;
	fill_survey(&hh, year, &f, &s);
	if (!e)
		e = write_survey(im->c, im->a, &hh, &s);
	if (e)
		return e;
	r->written++;
	r->replaced += exists > 0;
	return ZX_OK;
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

zx_err zx_income_import_file(zx_conn *c, const zx_actor *a, const char *path, int year, zx_mon_import *report,
                             zx_errinfo *ei)
{
	memset(report, 0, sizeof(*report));
	if (year != 0 && !zx_mon_year_ok(year))
		return zx_fail(ei, ZX_EINVAL, "invalid_year", "--year", 0, "年度应在 %d 至 %d 之间",
		               ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX);
	if (!zx_role_sees_personal_data(a->role) || a->role == ZX_ROLE_DEPT_USER)
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s无权导入收入",
		               zx_role_name(a->role));
	income_import im = {.c = c, .a = a, .year = year, .r = report};
	zx_err e = zx_mon_finder_init(c, &a->scope, &im.finder);
	if (!e)
		e = zx_tx_begin_write(c);
	if (e)
		goto done;
	e = zx_table_read_file(path, NULL, import_row, &im, ei);
	if (!e && !im.have_header)
		e = zx_fail(ei, ZX_EVALIDATION, "empty_file", NULL, 0, "文件为空（没有表头）");
	if (!e && report->issues_total > 0)
		e = zx_mon_import_fail(report, ei);
	if (!e && report->rows == 0)
		e = zx_fail(ei, ZX_EVALIDATION, "no_rows", NULL, 0, "文件没有数据行");
	if (!e) {
		char obj[160], detail[160];
		snprintf(obj, sizeof(obj), "file:%.120s", base_name(path));
		snprintf(detail, sizeof(detail), "year=%d rows=%ld written=%ld replaced=%ld", year,
		         report->rows, report->written, report->replaced);
		e = zx_audit_write(c, a, "income.import", obj, "ok", detail);
	}
	if (!e)
		e = zx_tx_commit(c);
	if (e) {
		zx_tx_rollback(c);
		report->written = report->replaced = 0;
	}
done:
	free(im.seen.keys);
	free(im.seen.rows);
	if (e && (!ei || !ei->err))
		zx_fail(ei, e, zx_err_code(e), NULL, 0, "%s", zx_err_message(e));
	zx_info("income: import of %ld rows %s (%ld issues)", report->rows, e ? "failed" : "committed",
	        report->issues_total);
	return e;
}
