/*
 * import.c — the household importer's front: choosing the import area, reading the file
 * row by row (table.h), mapping the header, checking each row and staging it, then
 * handing over to the household and database checks (import_check.c) and the writer
 * (import_write.c). See import.h for the contract.
 *
 * Invariants:
 *   - nothing is written unless every row passed every rule (r->error_count == 0);
 *   - every error names the file row and the column as the header spells it, and the
 *     value of a 证件号码/联系电话 cell only masked;
 *   - the staging area is the only copy of the file kept in memory, in its compact form;
 *   - rows are numbered as the user sees them (table.h), header row included.
 */
#include "domain/registry/import.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/clock.h"
#include "base/idcard.h"
#include "base/log.h"
#include "base/table.h"
#include "domain/auth/audit.h"
#include "domain/registry/import_internal.h"

#define HEADER_SEARCH_ROWS 10
#define MAX_CELL_BYTES 4096
#define MAX_HH_NO 32
#define MAX_NAME 64
#define MAX_SHORT 32 /* 民族, 组 */
#define MAX_HELPER 64

/* ---- errors and progress ----------------------------------------------------------------- */

int64_t imp_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void imp_progress(imp_ctx *x, zx_import_phase phase, int64_t done, int64_t total, bool force)
{
	if (!x->o->progress)
		return;
	int64_t now = imp_ms();
	if (!force && now - x->last_progress_ms < 200)
		return;
	x->last_progress_ms = now;
	if (total < done)
		total = done;
	x->o->progress(x->o->progress_ctx, phase, done, total);
}

const char *imp_enum_text(zx_template_col col, uint8_t v)
{
	const zx_template_column *c = &zx_template_columns(NULL)[col];
	return v && c->values ? c->values[v - 1] : "";
}

/* ---- header ----------------------------------------------------------------------------- */

/* A header cell as the template names it: "证件号码", also "证件号码*" / "*证件号码" (required
 * markers of some templates). */
static const zx_template_column *header_column(const char *cell)
{
	char name[64];
	size_t n = strlen(cell);
	if (n >= sizeof(name))
		return NULL;
	memcpy(name, cell, n + 1);
	const char *p = name;
	while (*p == '*')
		p++;
	while (n > 0 && name[n - 1] == '*')
		name[--n] = '\0';
	if (n >= 3 && strcmp(name + n - 3, "＊") == 0)
		name[n - 3] = '\0';
	return zx_template_find(p);
}

static zx_err header_row(imp_ctx *x, const zx_row *row, zx_errinfo *ei)
{
	bool is_header = false;
	for (size_t i = 0; i < row->ncells && !is_header; i++) {
		const zx_template_column *t = header_column(row->cells[i]);
		is_header = t && (t->id == ZX_COL_HH_NO || t->id == ZX_COL_ID);
	}
	if (!is_header) {
		if (row->rowno < HEADER_SEARCH_ROWS)
			return ZX_OK; /* a title line above the header */
		return zx_fail(
		    ei, ZX_EVALIDATION, "header_not_found", NULL, row->rowno,
		    "前 %d 行中没有找到表头（应包含“户编号”“证件号码”等列名），请使用全国防返贫监测"
		    "家庭成员模板",
		    HEADER_SEARCH_ROWS);
	}
	for (int c = 0; c < ZX_COL__COUNT; c++)
		x->colmap[c] = -1;
	for (size_t i = 0; i < row->ncells; i++) {
		const char *cell = row->cells[i];
		if (!*cell)
			continue;
		char letters[8];
		zx_table_col_name(i, letters);
		const zx_template_column *t = header_column(cell);
		if (!t) {
			if (imp_add_warning(x->r, "已忽略未知列“%s”（第 %s 列）", cell, letters))
				return ZX_ENOMEM;
			zx_info("import: ignoring an unknown column (%s)", letters);
			continue;
		}
		if (x->colmap[t->id] >= 0) {
			char first[8];
			zx_table_col_name((size_t)x->colmap[t->id], first);
			return zx_fail(ei, ZX_EVALIDATION, "duplicate_column", t->name, row->rowno,
			               "第%ld行表头中“%s”列出现了两次（第 %s 列和第 %s 列），请删除其中一列",
			               row->rowno, t->name, first, letters);
		}
		x->colmap[t->id] = (int)i;
		snprintf(x->colname[t->id], sizeof(x->colname[t->id]), "%s", t->name);
	}
	char missing[512] = "";
	size_t nm = 0, cols;
	const zx_template_column *tc = zx_template_columns(&cols);
	for (size_t c = 0; c < cols; c++) {
		if (!tc[c].required || x->colmap[c] >= 0)
			continue;
		size_t len = strlen(missing);
		snprintf(missing + len, sizeof(missing) - len, "%s“%s”", nm ? "、" : "", tc[c].name);
		nm++;
	}
	if (nm)
		return zx_fail(ei, ZX_EVALIDATION, "missing_columns", NULL, row->rowno,
		               "文件缺少必需的列：%s（表头在第%ld行），整个文件未导入", missing, row->rowno);
	x->have_header = true;
	return ZX_OK;
}

/* ---- one row -------------------------------------------------------------------------- */

typedef struct rowview {
	imp_ctx *x;
	const zx_row *row;
	long rn;
	bool head;
	uint32_t bad; /* columns already reported: one error per cell */
} rowview;

static const char *cell(const rowview *v, zx_template_col c)
{
	int i = v->x->colmap[c];
	return i < 0 ? "" : zx_row_cell(v->row, (size_t)i);
}

static void err(rowview *v, zx_template_col c, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void err(rowview *v, zx_template_col c, const char *fmt, ...)
{
	if (v->bad & (1u << c))
		return;
	v->bad |= 1u << c;
	char reason[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	imp_error(v->x, v->rn, zx_template_columns(NULL)[c].name, cell(v, c), "%s", reason);
}

/* Cells Excel damaged (digits lost, formulas): reported once per cell, then treated as wrong. */
static bool cells_intact(rowview *v)
{
	bool ok = true;
	for (int c = 0; c < ZX_COL__COUNT; c++) {
		int i = v->x->colmap[c];
		if (i < 0 || (size_t)i >= v->row->ncells)
			continue;
		unsigned f = v->row->flags[i];
		if (f & ZX_CELL_DIGITS_LOST) {
			err(v, (zx_template_col)c,
			    "%s在 Excel "
			    "中被存成了数字，超过15位的数字已丢失；请把该列设为“文本”格式后重新填写",
			    zx_template_columns(NULL)[c].name);
			ok = false;
		} else if (f & ZX_CELL_FORMULA) {
			err(v, (zx_template_col)c, "单元格是公式，请复制该列后“选择性粘贴-数值”再导入");
			ok = false;
		}
	}
	return ok;
}

static void list_values(zx_template_col c, char *out, size_t cap)
{
	const zx_template_column *t = &zx_template_columns(NULL)[c];
	out[0] = '\0';
	for (size_t i = 0; t->values && t->values[i]; i++) {
		size_t len = strlen(out);
		snprintf(out + len, cap - len, "%s%s", i ? "、" : "", t->values[i]);
	}
}

/* An enumerated column: *out = index + 1, 0 for blank. blank_ok overrides the template. */
static bool enum_cell(rowview *v, zx_template_col c, bool blank_ok, uint8_t *out)
{
	const zx_template_column *t = &zx_template_columns(NULL)[c];
	const char *s = cell(v, c);
	*out = 0;
	if (!*s) {
		if (blank_ok)
			return true;
		err(v, c, "%s不能为空", t->name);
		return false;
	}
	for (size_t i = 0; t->values[i]; i++)
		if (strcmp(t->values[i], s) == 0) {
			*out = (uint8_t)(i + 1);
			return true;
		}
	char list[400];
	list_values(c, list, sizeof(list));
	err(v, c, "“%s”不是有效的%s（可填：%s）", s, t->name, list);
	return false;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Mobile 1[3-9]xxxxxxxxx, or a landline 0xx(x)-xxxxxxx(x) with or without the dash. */
static bool phone_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' && all_digits(s, n))
		return true;
	if (n < 10 || n > 13 || s[0] != '0')
		return false;
	const char *dash = strchr(s, '-');
	if (!dash)
		return all_digits(s, n);
	size_t a = (size_t)(dash - s), b = n - a - 1;
	return a >= 3 && a <= 4 && b >= 7 && b <= 8 && all_digits(s, a) && all_digits(dash + 1, b);
}

static bool text_cell(rowview *v, zx_template_col c, size_t max, bool required)
{
	const char *s = cell(v, c);
	if (required && !*s) {
		err(v, c, "%s不能为空", zx_template_columns(NULL)[c].name);
		return false;
	}
	if (strlen(s) > max) {
		err(v, c, "%s过长（最多 %zu 字节）", zx_template_columns(NULL)[c].name, max);
		return false;
	}
	return true;
}

static bool village_cell(rowview *v, uint16_t *village)
{
	imp_ctx *x = v->x;
	const char *s = cell(v, ZX_COL_AREA);
	if (!*s) {
		err(v, ZX_COL_AREA, "行政区划代码不能为空");
		return false;
	}
	if (strlen(s) != 12 || !all_digits(s, 12)) {
		err(v, ZX_COL_AREA, "行政区划代码应为12位数字（村级统计用区划代码）");
		return false;
	}
	if (x->nvillages && strcmp(x->villages[x->last_village].code, s) == 0) {
		*village = x->last_village;
	} else {
		size_t lo = 0, hi = x->nvillages;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			int cmp = strcmp(x->villages[mid].code, s);
			if (cmp == 0) {
				lo = mid;
				break;
			}
			if (cmp < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo >= x->nvillages || strcmp(x->villages[lo].code, s) != 0) {
			if (strncmp(s, x->county, 6) != 0)
				err(v, ZX_COL_AREA, "行政区划代码不在本次导入区域（%s）内", x->area);
			else
				err(v, ZX_COL_AREA, "行政区划代码不是本县已登记的村（社区）");
			return false;
		}
		*village = (uint16_t)lo;
		x->last_village = (uint16_t)lo;
	}
	if (!zx_scope_contains(&x->area_scope, s)) {
		err(v, ZX_COL_AREA, "该村不在本次导入区域（%s）内", x->area);
		return false;
	}
	return true;
}

/* The household of this row, created at its first row. Leaving a household for a new one
 * completes it (the stream may write it); coming back to an earlier one ends the stream. */
static zx_err row_household(imp_ctx *x, const char *hh_no, long rn, uint32_t *idx)
{
	if (x->cur_hh != IMP_NONE) {
		imp_household *h = imp_vec_at(&x->households, x->cur_hh);
		if (strcmp(imp_pool_str(&x->pool, h->hh_no), hh_no) == 0) {
			*idx = x->cur_hh;
			return ZX_OK;
		}
	}
	uint32_t found;
	zx_err e = imp_map_household(&x->by_hh_no, &x->households, &x->pool, hh_no, IMP_NONE, &found);
	if (e)
		return e;
	if (found != IMP_NONE)
		imp_stream_stop(x); /* its rows are not together */
	else if (x->cur_hh != IMP_NONE)
		imp_stream_household(x, x->cur_hh);
	if (found == IMP_NONE) {
		uint32_t off;
		if ((e = imp_pool_add(&x->pool, hh_no, strlen(hh_no), &off)))
			return e;
		imp_household *h = imp_vec_push(&x->households, &found);
		if (!h)
			return ZX_ENOMEM;
		h->hh_no = off;
		h->row = (uint32_t)rn;
		h->first = h->last = h->head = IMP_NONE;
		h->village = UINT16_MAX;
		uint32_t dummy;
		if ((e = imp_map_household(&x->by_hh_no, &x->households, &x->pool, hh_no, found, &dummy)))
			return e;
	}
	x->cur_hh = found;
	*idx = found;
	return ZX_OK;
}

static void id_cell(rowview *v, imp_person *p, uint32_t pidx)
{
	imp_ctx *x = v->x;
	const char *s = cell(v, ZX_COL_ID);
	if (!*s) {
		err(v, ZX_COL_ID, "证件号码不能为空");
		return;
	}
	zx_idcard card;
	zx_idcard_status st = zx_idcard_parse(s, x->today, &card);
	if (st != ZX_ID_OK) {
		err(v, ZX_COL_ID, "%s", zx_idcard_status_message(st));
		return;
	}
	uint64_t digits = 0;
	for (int i = 0; i < 17; i++)
		digits = digits * 10 + (uint64_t)(card.norm[i] - '0');
	p->id = digits * 11 + (uint64_t)(card.norm[17] == 'X' ? 10 : card.norm[17] - '0');
	uint32_t other;
	if (imp_map_person(&x->by_id, &x->persons, p->id, pidx, &other) != ZX_OK) {
		imp_error(x, v->rn, "证件号码", s, "内存不足");
		return;
	}
	if (other != IMP_NONE) {
		const imp_person *o = imp_vec_at(&x->persons, other);
		err(v, ZX_COL_ID, "证件号码与第%u行重复（同一人在文件中出现了两次）", o->row);
		return;
	}
	p->flags |= IMP_P_ID_OK;
	const char *g = cell(v, ZX_COL_GENDER);
	const char *want = card.gender == 1 ? "男" : "女";
	if (*g && (strcmp(g, "男") == 0 || strcmp(g, "女") == 0) && strcmp(g, want) != 0)
		err(v, ZX_COL_GENDER, "性别与证件号码不符（证件号码显示为%s）", want);
}

static bool small_int_cell(rowview *v, zx_template_col c, int lo, int hi, int *out)
{
	const char *s = cell(v, c);
	size_t n = strlen(s);
	*out = -1;
	if (!n)
		return true;
	int val = 0;
	if (n <= 4 && all_digits(s, n)) {
		for (size_t i = 0; i < n; i++)
			val = val * 10 + (s[i] - '0');
		if (val >= lo && val <= hi) {
			*out = val;
			return true;
		}
	}
	if (c == ZX_COL_TUOPIN_YEAR)
		err(v, c, "脱贫年度应为 %d 至 %d 之间的年份", lo, hi);
	else
		err(v, c, "%s应为 %d 至 %d 的整数", zx_template_columns(NULL)[c].name, lo, hi);
	return false;
}

/* Household-level columns of this row. Stored per household although the template repeats
 * some on every row (户类型, 监测对象类别, 脱贫年度, 组): all of them are read from the 户主's row
 * and another row may leave them blank but not contradict it (import_check.c). */
static zx_err hh_values(rowview *v, imp_hhvals *hv)
{
	imp_ctx *x = v->x;
	int year;
	enum_cell(v, ZX_COL_HH_TYPE, !v->head, &hv->hh_type);
	enum_cell(v, ZX_COL_CATEGORY, true, &hv->category);
	enum_cell(v, ZX_COL_HOUSING_SAFE, true, &hv->housing);
	enum_cell(v, ZX_COL_WATER_SAFE, true, &hv->water);
	enum_cell(v, ZX_COL_RISK_TYPE, true, &hv->risk);
	if (small_int_cell(v, ZX_COL_TUOPIN_YEAR, 2013, 2020, &year) && year > 0)
		hv->tuopin_year = (uint16_t)year;
	zx_err e = ZX_OK;
	if (text_cell(v, ZX_COL_GROUP, MAX_SHORT, false))
		e = imp_intern_add(&x->interned, &x->pool, cell(v, ZX_COL_GROUP),
		                   strlen(cell(v, ZX_COL_GROUP)), &hv->group);
	if (!e && text_cell(v, ZX_COL_HELPER, MAX_HELPER, false))
		e = imp_intern_add(&x->interned, &x->pool, cell(v, ZX_COL_HELPER),
		                   strlen(cell(v, ZX_COL_HELPER)), &hv->helper);
	return e;
}

static zx_err person_values(rowview *v, imp_person *p)
{
	imp_ctx *x = v->x;
	zx_err e = ZX_OK;
	if (text_cell(v, ZX_COL_NAME, MAX_NAME, true))
		e = imp_pool_add(&x->pool, cell(v, ZX_COL_NAME), strlen(cell(v, ZX_COL_NAME)), &p->name);
	if (!e && text_cell(v, ZX_COL_NATION, MAX_SHORT, false))
		e = imp_intern_add(&x->interned, &x->pool, cell(v, ZX_COL_NATION),
		                   strlen(cell(v, ZX_COL_NATION)), &p->nation);
	const char *phone = cell(v, ZX_COL_PHONE);
	if (!e && *phone) {
		if (phone_ok(phone))
			e = imp_pool_add(&x->pool, phone, strlen(phone), &p->phone);
		else
			err(v, ZX_COL_PHONE, "联系电话格式不正确（应为11位手机号或带区号的固定电话）");
	}
	uint8_t gender;
	enum_cell(v, ZX_COL_GENDER, false, &gender);
	enum_cell(v, ZX_COL_EDUCATION, true, &p->education);
	enum_cell(v, ZX_COL_SCHOOL, true, &p->school);
	enum_cell(v, ZX_COL_HEALTH, true, &p->health);
	if (enum_cell(v, ZX_COL_DISABILITY, true, &p->disability) && p->disability &&
	    strcmp(imp_enum_text(ZX_COL_HEALTH, p->health), "残疾") != 0)
		err(v, ZX_COL_DISABILITY, "填写了残疾等级，但健康状况不是“残疾”");
	enum_cell(v, ZX_COL_LABOR, true, &p->labor);
	enum_cell(v, ZX_COL_WORK, true, &p->work);
	enum_cell(v, ZX_COL_INSURED, true, &p->insured);
	int months;
	small_int_cell(v, ZX_COL_WORK_MONTHS, 0, 12, &months);
	p->work_months = (int8_t)months;
	return e;
}

static zx_err data_row(imp_ctx *x, const zx_row *row)
{
	rowview v = {x, row, row->rowno, false, 0};
	if (row->rowno > (long)UINT32_MAX - 1)
		return ZX_ETOOBIG;
	cells_intact(&v);
	const char *hh_no = cell(&v, ZX_COL_HH_NO);
	if (!*hh_no) {
		err(&v, ZX_COL_HH_NO, "户编号不能为空");
		return ZX_OK;
	}
	if (!text_cell(&v, ZX_COL_HH_NO, MAX_HH_NO, true))
		return ZX_OK;
	uint8_t relation;
	if (enum_cell(&v, ZX_COL_RELATION, false, &relation))
		v.head = strcmp(imp_enum_text(ZX_COL_RELATION, relation), "户主") == 0;
	uint16_t village = UINT16_MAX;
	bool village_ok = village_cell(&v, &village);
	uint32_t hidx, pidx;
	zx_err e = row_household(x, hh_no, v.rn, &hidx);
	if (e)
		return e;
	imp_household *h = imp_vec_at(&x->households, hidx);
	if (village_ok && h->village == UINT16_MAX) {
		h->village = village;
		h->village_row = (uint32_t)v.rn;
	} else if (village_ok && h->village != village) {
		err(&v, ZX_COL_AREA, "同一户的行政区划代码不一致（本户第%u行为 %s）", h->village_row,
		    x->villages[h->village].code);
	}
	imp_person *p = imp_vec_push(&x->persons, &pidx);
	if (!p)
		return ZX_ENOMEM;
	p->row = (uint32_t)v.rn;
	p->hh = hidx;
	p->next = IMP_NONE;
	p->relation = relation;
	if (v.head)
		p->flags |= IMP_P_HEAD;
	if (h->last == IMP_NONE)
		h->first = pidx;
	else
		((imp_person *)imp_vec_at(&x->persons, h->last))->next = pidx;
	h->last = pidx;
	if (h->n < UINT16_MAX)
		h->n++;
	id_cell(&v, p, pidx);
	if ((e = person_values(&v, p)) || (e = hh_values(&v, &p->hv)))
		return e;
	return ZX_OK;
}

static zx_err on_row(void *ctx, const zx_row *row, zx_errinfo *ei)
{
	imp_ctx *x = ctx;
	if (!x->have_header)
		return header_row(x, row, ei);
	x->r->rows++;
	imp_progress(x, ZX_IMPORT_READING, x->r->rows, x->total_estimate, false);
	zx_err e = data_row(x, row);
	if (e)
		return zx_fail(ei, e, e == ZX_ENOMEM ? "out_of_memory" : "too_large", NULL, row->rowno,
		               "第%ld行：文件过大，内存不足，无法导入", row->rowno);
	return ZX_OK;
}

/* ---- area -------------------------------------------------------------------------------- */

static zx_err resolve_area(imp_ctx *x)
{
	const char *want = x->o->area_code;
	char buf[13] = "";
	if (!want || !*want)
		want = x->a->area_code;
	if (!want || !*want) {
		/* The CLI operator: the only county of the database. */
		zx_stmt *s;
		zx_err e = zx_query_open(x->c, NULL, ZXQ_import_counties, ZX_NOARGS, &s);
		if (e)
			return e;
		bool row;
		int n = 0;
		while (!(e = zx_stmt_next(s, &row)) && row)
			if (n++ == 0)
				snprintf(buf, sizeof(buf), "%s", zx_col_text(s, 0));
		zx_stmt_done(s);
		if (e)
			return e;
		if (n != 1)
			return zx_fail(
			    x->ei, ZX_EINVAL, "area_required", "--area", 0,
			    n ? "数据库中有多个县，请用 --area 指定导入区域"
			      : "数据库中还没有区划数据，请先用 zhenxing demo 或 migrate 创建县级数据库");
		want = buf;
	}
	if (strlen(want) != 12 || !all_digits(want, 12))
		return zx_fail(x->ei, ZX_EINVAL, "invalid_area_code", "area", 0, "导入区域应为12位区划代码");
	if (!zx_scope_contains(&x->a->scope, want))
		return zx_fail(x->ei, ZX_EFORBIDDEN, "area_forbidden", "area", 0,
		               "导入区域 %s 不在您的管理范围内", want);
	int64_t level = 0;
	zx_err e = zx_query_int(x->c, NULL, ZXQ_import_area_get, ZX_ARGS(ZX_TEXT(want)), &level);
	if (e == ZX_ENOTFOUND || (!e && (level < 3 || level > 5)))
		return zx_fail(x->ei, ZX_ENOTFOUND, "area_not_found", "area", 0,
		               "导入区域 %s 不存在或不是县、乡镇或村级区划", want);
	if (e)
		return e;
	snprintf(x->area, sizeof(x->area), "%s", want);
	memcpy(x->county, want, 6);
	x->county[6] = '\0';
	zx_scope_of_area(x->area, &x->area_scope);
	zx_scope_of_area(x->county, &x->county_scope);
	snprintf(x->r->area_code, sizeof(x->r->area_code), "%s", x->area);
	return ZX_OK;
}

static zx_err load_villages(imp_ctx *x)
{
	zx_stmt *s;
	zx_err e = zx_query_open(x->c, &x->county_scope, ZXQ_import_villages, ZX_NOARGS, &s);
	if (e)
		return e;
	bool row;
	size_t cap = 0;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		if (x->nvillages == UINT16_MAX - 1) {
			e = ZX_ETOOBIG;
			break;
		}
		if (x->nvillages == cap) {
			cap = cap ? cap * 2 : 512;
			imp_village *nv = realloc(x->villages, cap * sizeof(*nv));
			if (!nv) {
				e = ZX_ENOMEM;
				break;
			}
			x->villages = nv;
		}
		imp_village *v = &x->villages[x->nvillages];
		snprintf(v->code, sizeof(v->code), "%s", zx_col_text(s, 0));
		if (!(v->name = strdup(zx_col_text(s, 1)))) {
			e = ZX_ENOMEM;
			break;
		}
		x->nvillages++;
	}
	zx_stmt_done(s);
	return e;
}

/* ---- the whole import ---------------------------------------------------------------------- */

static void ctx_release(imp_ctx *x)
{
	imp_pool_release(&x->pool);
	imp_intern_release(&x->interned);
	imp_vec_release(&x->persons);
	imp_vec_release(&x->households);
	imp_map_release(&x->by_hh_no);
	imp_map_release(&x->by_id);
	for (size_t i = 0; i < x->nvillages; i++)
		free(x->villages[i].name);
	free(x->villages);
}

static int64_t estimate_rows(const char *path)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return 0;
	FILE *f = fopen(path, "rb");
	char magic[2] = {0};
	if (f) {
		if (fread(magic, 1, 2, f) != 2)
			magic[0] = 0;
		fclose(f);
	}
	/* A template row is ~175 bytes of CSV, ~45 bytes of zipped XLSX. */
	return (int64_t)sb.st_size / (magic[0] == 'P' && magic[1] == 'K' ? 45 : 175) + 1;
}

/* The file could not be read as a whole: that one reason is the error list. */
static zx_err file_failed(imp_ctx *x, zx_err e)
{
	if (e != ZX_ENOMEM && e != ZX_EDB && e != ZX_EIO && x->ei->message[0])
		imp_error(x, x->ei->row, x->ei->field, "", "%s", x->ei->message);
	return e;
}

static zx_err read_file(imp_ctx *x, const char *path)
{
	zx_table_opts to = {
	    .max_cell = MAX_CELL_BYTES,
	    .max_cells_per_row = 256,
	    .encoding = x->o->encoding,
	    .normalize_t2s = x->o->t2s,
	    .allow_lost_digits = 1, /* reported per cell, naming the column */
	};
	zx_err e = zx_table_read_file(path, &to, on_row, x, x->ei);
	if (!e && !x->have_header)
		e = zx_fail(x->ei, ZX_EVALIDATION, "empty_file", NULL, 0,
		            "文件为空或没有表头（应包含“户编号”“证件号码”等列名）");
	if (!e && x->r->rows == 0)
		e = zx_fail(x->ei, ZX_EVALIDATION, "no_rows", NULL, 0, "文件中没有数据行");
	imp_progress(x, ZX_IMPORT_READING, x->r->rows, x->r->rows, true);
	return e ? file_failed(x, e) : ZX_OK;
}

static zx_err rejected(imp_ctx *x)
{
	zx_import_result *r = x->r;
	imp_sort_errors(r);
	if (!r->nerrors)
		return zx_fail(x->ei, ZX_EVALIDATION, "import_rejected", NULL, 0,
		               "导入失败: 共 %lld 处错误，未写入任何数据", (long long)r->error_count);
	const zx_import_error *f = &r->errors[0];
	zx_fail(x->ei, ZX_EVALIDATION, "import_rejected", f->column, f->row,
	        "导入失败: 共 %lld 处错误，未写入任何数据。第一处：第%ld行 %s：%s", (long long)r->error_count,
	        f->row, f->column, f->reason);
	return ZX_EVALIDATION;
}

zx_err zx_import_households(zx_conn *c, const zx_keys *k, const zx_actor *a, const char *path,
                            const zx_import_opts *o, zx_import_result *r, zx_errinfo *ei)
{
	static const zx_import_opts defaults;
	imp_ctx x = {.c = c, .k = k, .a = a, .o = o ? o : &defaults, .r = r, .ei = ei};
	zx_errinfo local;
	if (!x.ei) {
		zx_errinfo_clear(&local);
		x.ei = &local;
	}
	x.max_errors = x.o->max_errors > 0 ? x.o->max_errors : ZX_IMPORT_MAX_ERRORS;
	x.today = zx_today_ymd();
	x.cur_hh = IMP_NONE;
	imp_vec_init(&x.persons, sizeof(imp_person));
	imp_vec_init(&x.households, sizeof(imp_household));
	zx_err e = imp_pool_init(&x.pool);
	if (!e)
		e = resolve_area(&x);
	if (!e)
		e = load_villages(&x);
	if (e)
		goto out;
	int64_t t0 = imp_ms();
	x.total_estimate = estimate_rows(path);
	imp_stream_start(&x);
	e = read_file(&x, path);
	if (!e && x.cur_hh != IMP_NONE)
		imp_stream_household(&x, x.cur_hh); /* the last household is complete too */
	if (!e)
		e = imp_check_households(&x);
	x.t_read = imp_ms() - t0;
	imp_map_release(&x.by_id); /* file duplicates are known: free it before the write phase */
	if (e || r->error_count > 0)
		imp_stream_stop(&x);
	if (!e && !x.stream && r->error_count < x.max_errors)
		e = imp_check_database(&x);
	x.t_check = imp_ms() - t0 - x.t_read;
	if (e)
		goto out;
	r->households = (int64_t)x.households.n;
	r->persons = (int64_t)x.persons.n;
	if (r->error_count > 0) {
		e = rejected(&x);
		goto out;
	}
	if (x.stream)
		e = imp_stream_finish(&x);
	else if (!x.o->dry_run)
		e = imp_write(&x);
	else
		r->created = r->households - r->existing;
out:
	if (e && r->error_count > 0 && !x.o->dry_run) {
		char detail[160];
		snprintf(detail, sizeof(detail), "rows=%lld errors=%lld", (long long)r->rows,
		         (long long)r->error_count);
		zx_audit_write_tx(c, a, "import.households", x.area[0] ? x.area : "", "rejected", detail);
	}
	const char *what = e ? "rejected" : x.o->dry_run ? "checked" : "written";
	zx_info(
	    "import: %s area=%s rows=%lld households=%lld persons=%lld errors=%lld read=%lldms check=%lldms "
	    "write=%lldms commit=%lldms bulk=%d rebuild=%lldms journal=%s",
	    what, x.area, (long long)r->rows, (long long)r->households, (long long)r->persons,
	    (long long)r->error_count, (long long)x.t_read, (long long)x.t_check, (long long)x.t_write,
	    (long long)x.t_commit, x.bulk ? 1 : 0, (long long)x.t_rebuild,
	    x.rollback_journal ? "rollback" : "wal");
	ctx_release(&x);
	return e;
}
