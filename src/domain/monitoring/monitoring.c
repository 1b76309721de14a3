/*
 * monitoring.c — shared helpers of the monitoring module (see monitoring.h): finding
 * households by 户编号 within a scope, area checks, value lists and dates.
 *
 * Invariant: every household lookup goes through a scoped query, so a household outside
 * the caller's area is indistinguishable from one that does not exist.
 */
#include "domain/monitoring/monitoring.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idcard.h"

static bool digits(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

zx_err zx_mon_finder_init(zx_conn *c, const zx_scope *scope, zx_mon_finder *f)
{
	memset(f, 0, sizeof(*f));
	f->scope = *scope;
	if (strncmp(scope->lo, scope->hi, 6) == 0) {
		/* The scope lies inside one county: its first six digits name it. */
		memcpy(f->counties[0], scope->lo, 6);
		f->ncounties = 1;
		return ZX_OK;
	}
	zx_stmt *s;
	zx_err e = zx_query_open(c, scope, ZXQ_mon_counties, ZX_NOARGS, &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row && f->ncounties < ZX_MON_MAX_COUNTIES)
		snprintf(f->counties[f->ncounties++], 7, "%s", zx_col_text(s, 0));
	zx_stmt_done(s);
	return e;
}

static void read_household(zx_stmt *s, zx_mon_household *out)
{
	memset(out, 0, sizeof(*out));
	out->id = zx_col_int(s, 0);
	snprintf(out->county, sizeof(out->county), "%s", zx_col_text(s, 1));
	snprintf(out->area_code, sizeof(out->area_code), "%s", zx_col_text(s, 2));
	snprintf(out->hh_no, sizeof(out->hh_no), "%s", zx_col_text(s, 3));
	snprintf(out->grp, sizeof(out->grp), "%s", zx_col_text(s, 4));
	snprintf(out->head_name, sizeof(out->head_name), "%s", zx_col_text(s, 5));
	snprintf(out->hh_type, sizeof(out->hh_type), "%s", zx_col_text(s, 6));
	snprintf(out->category, sizeof(out->category), "%s", zx_col_text(s, 7));
	snprintf(out->risk_type, sizeof(out->risk_type), "%s", zx_col_text(s, 8));
	snprintf(out->helper, sizeof(out->helper), "%s", zx_col_text(s, 9));
	out->size = (int)zx_col_int(s, 10);
}

static zx_err one_household(zx_conn *c, const zx_scope *scope, zx_query q, const zx_val *args, int nargs,
                            zx_mon_household *out)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, scope, q, args, nargs, &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row)
		read_household(s, out);
	zx_stmt_done(s);
	return e ? e : row ? ZX_OK : ZX_ENOTFOUND;
}

zx_err zx_mon_finder_household(zx_conn *c, const zx_mon_finder *f, const char *hh_no, zx_mon_household *out)
{
	if (!hh_no || !*hh_no || strlen(hh_no) >= sizeof(out->hh_no))
		return ZX_ENOTFOUND;
	for (int i = 0; i < f->ncounties; i++) {
		zx_err e = one_household(c, &f->scope, ZXQ_mon_household_by_no,
		                         ZX_ARGS(ZX_TEXT(f->counties[i]), ZX_TEXT(hh_no)), out);
		if (e != ZX_ENOTFOUND)
			return e;
	}
	return ZX_ENOTFOUND;
}

zx_err zx_mon_household_find(zx_conn *c, const zx_actor *a, const char *hh_no, zx_mon_household *out,
                             zx_errinfo *ei)
{
	zx_mon_finder f;
	zx_err e = zx_mon_finder_init(c, &a->scope, &f);
	if (!e)
		e = zx_mon_finder_household(c, &f, hh_no, out);
	if (e == ZX_ENOTFOUND)
		return zx_fail(ei, e, "household_not_found", "户编号", 0,
		               "户编号 %.40s 不存在或不在您的管理范围内", hh_no ? hh_no : "");
	return e;
}

zx_err zx_mon_household_by_id(zx_conn *c, const zx_scope *scope, int64_t id, zx_mon_household *out)
{
	return one_household(c, scope, ZXQ_mon_household_by_id, ZX_ARGS(ZX_INT(id)), out);
}

zx_err zx_mon_area_name(zx_conn *c, const char *code12, char *name, size_t namesz, int *level)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, ZXQ_mon_area_name, ZX_ARGS(ZX_TEXT(code12)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		if (name)
			snprintf(name, namesz, "%s", zx_col_text(s, 0));
		if (level)
			*level = (int)zx_col_int(s, 1);
	}
	zx_stmt_done(s);
	return e ? e : row ? ZX_OK : ZX_ENOTFOUND;
}

zx_err zx_mon_area_check(zx_conn *c, const zx_actor *a, const char *code, bool forbidden_outside, int *level,
                         zx_errinfo *ei)
{
	if (!digits(code, 12))
		return zx_fail(ei, ZX_EINVAL, "invalid_area_code", "area", 0, "区划代码应为12位数字");
	if (!zx_scope_contains(&a->scope, code)) {
		if (forbidden_outside)
			return zx_fail(ei, ZX_EFORBIDDEN, "area_forbidden", "area", 0,
			               "区域 %s 不在您的管理范围内", code);
		return zx_fail(ei, ZX_ENOTFOUND, "not_found", "area", 0, "区域不存在或不在您的管理范围内");
	}
	zx_err e = zx_mon_area_name(c, code, NULL, 0, level);
	if (e == ZX_ENOTFOUND)
		return zx_fail(ei, e, "area_not_found", "area", 0, "区划代码 %s 不存在", code);
	return e;
}

bool zx_mon_year_ok(int year)
{
	return year >= ZX_MON_YEAR_MIN && year <= ZX_MON_YEAR_MAX;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

bool zx_mon_category_ok(const char *s)
{
	static const char *const list[] = {"脱贫不稳定户", "边缘易致贫户", "突发严重困难户", NULL};
	return in_list(s, list);
}

bool zx_mon_risk_type_ok(const char *s)
{
	static const char *const list[] = {"因病",           "因残",       "因学",
	                                   "因灾",           "因意外事故", "因产业失败",
	                                   "因务工就业不稳", "缺劳动力",   "住房出现安全问题",
	                                   "其他",           NULL};
	return in_list(s, list);
}

/* Reads up to maxd digits; returns the number of digits read. */
static int read_num(const char **p, int maxd, int *out)
{
	int v = 0, n = 0;
	while (n < maxd && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	*out = v;
	return n;
}

static bool skip_sep(const char **p, const char *const *seps)
{
	for (; *seps; seps++) {
		size_t n = strlen(*seps);
		if (strncmp(*p, *seps, n) == 0) {
			*p += n;
			return true;
		}
	}
	return false;
}

bool zx_mon_parse_date(const char *s, int *ymd)
{
	static const char *const seps[] = {"-", "/", ".", "年", "月", NULL};
	int y, m, d;
	if (!s)
		return false;
	const char *p = s;
	if (digits(s, 8)) {
		y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		m = (s[4] - '0') * 10 + (s[5] - '0');
		d = (s[6] - '0') * 10 + (s[7] - '0');
	} else {
		if (read_num(&p, 4, &y) != 4 || !skip_sep(&p, seps) || read_num(&p, 2, &m) < 1 ||
		    !skip_sep(&p, seps) || read_num(&p, 2, &d) < 1)
			return false;
		if (strncmp(p, "日", strlen("日")) == 0)
			p += strlen("日");
		if (*p)
			return false;
	}
	if (!zx_date_valid(y, m, d))
		return false;
	*ymd = y * 10000 + m * 100 + d;
	return true;
}

void zx_mon_format_date(int ymd, char *out, size_t outsz)
{
	snprintf(out, outsz, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
}

void zx_mon_issue_add(zx_mon_import *r, long row, const char *field, const char *fmt, ...)
{
	r->issues_total++;
	if (r->nissues >= ZX_MON_MAX_ISSUES)
		return;
	zx_mon_issue *is = &r->issues[r->nissues++];
	is->row = row;
	snprintf(is->field, sizeof(is->field), "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(is->message, sizeof(is->message), fmt, ap);
	va_end(ap);
}

zx_err zx_mon_import_fail(const zx_mon_import *r, zx_errinfo *ei)
{
	if (r->nissues == 0)
		return zx_fail(ei, ZX_EVALIDATION, "import_failed", NULL, 0, "导入失败");
	const zx_mon_issue *is = &r->issues[0];
	if (r->issues_total > 1)
		return zx_fail(ei, ZX_EVALIDATION, "import_rejected", is->field, is->row,
		               "%s（共 %ld 处错误，整个文件未导入）", is->message, r->issues_total);
	return zx_fail(ei, ZX_EVALIDATION, "import_rejected", is->field, is->row, "%s（整个文件未导入）",
	               is->message);
}

void zx_mon_header_name(const char *cell, char *out, size_t outsz)
{
	static const char *const suffixes[] = {"（元）", "(元)", NULL};
	size_t n = 0;
	for (const char *p = cell; *p && n + 1 < outsz; p++)
		if (*p != ' ')
			out[n++] = *p;
	out[n] = '\0';
	for (const char *const *sfx = suffixes; *sfx; sfx++) {
		size_t k = strlen(*sfx);
		if (n > k && strcmp(out + n - k, *sfx) == 0) {
			out[n - k] = '\0';
			break;
		}
	}
}

zx_err zx_mon_map_header(const zx_row *row, const char *const *names, int n, int *col, zx_mon_import *r,
                         zx_errinfo *ei)
{
	for (int k = 0; k < n; k++)
		col[k] = -1;
	for (size_t i = 0; i < row->ncells; i++) {
		char name[128];
		zx_mon_header_name(row->cells[i], name, sizeof(name));
		int k = 0;
		while (k < n && strcmp(name, names[k]) != 0)
			k++;
		if (k == n) {
			if (name[0])
				r->ignored_columns++;
			continue;
		}
		if (col[k] >= 0)
			return zx_fail(ei, ZX_EVALIDATION, "duplicate_column", names[k], row->rowno,
			               "第%ld行 表头中“%s”列出现了两次", row->rowno, names[k]);
		col[k] = (int)i;
	}
	return ZX_OK;
}
