/*
 * warnings.c — importing department warnings and recording sudden events (see
 * warnings.h).
 *
 * Invariants: a 证件号码 from a file is used only to compute its blind index and its
 * masked form — it is never written to the database or to a log in clear; the import is
 * one transaction with its batch row and audit row; unmatched rows are either an error
 * or stored and listed, never dropped.
 */
#include "domain/monitoring/warnings.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/idcard.h"
#include "base/log.h"
#include "base/mask.h"
#include "base/table.h"
#include "domain/auth/audit.h"
#include "domain/monitoring/money.h"

#define TYPE_MAX 64
#define NOTE_MAX 500

const char *zx_warning_dept_normalize(const char *s)
{
	static const struct {
		const char *alias, *dept;
	} aliases[] = {
	    {"医保", "医保"},           {"医疗保障", "医保"},     {"民政", "民政"},
	    {"残联", "残联"},           {"残疾人联合会", "残联"}, {"教育", "教育"},
	    {"教体", "教育"},           {"人社", "人社"},         {"人力资源和社会保障", "人社"},
	    {"卫健", "卫健"},           {"卫生健康", "卫健"},     {"住建", "住建"},
	    {"住房和城乡建设", "住建"}, {"水利", "水利"},         {"应急", "应急"},
	    {"应急管理", "应急"},       {"农业农村", "农业农村"}, {"乡村振兴", "乡村振兴"},
	    {"其他", "其他"},
	};
	char buf[96];
	if (!s || strlen(s) >= sizeof(buf))
		return NULL;
	snprintf(buf, sizeof(buf), "%s", s);
	size_t n = strlen(buf), k = strlen("局");
	if (n > k && strcmp(buf + n - k, "局") == 0)
		buf[n - k] = '\0';
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(buf, aliases[i].alias) == 0)
			return aliases[i].dept;
	return NULL;
}

enum { W_ID, W_DEPT, W_TYPE, W_AMOUNT, W_DATE, W_NOTE, W_NCOLS };
static const char *const wcol_names[W_NCOLS] = {"证件号码", "来源部门", "预警类型",
                                                "金额",     "发生日期", "说明"};
static const bool wcol_required[W_NCOLS] = {true, true, true, false, true, false};

typedef struct warn_import {
	zx_conn *c;
	const zx_actor *a;
	const zx_keys *keys;
	zx_mon_finder finder;
	bool allow_unmatched;
	bool have_header;
	int col[W_NCOLS];
	int64_t batch_id;
	char batch_county[7];
	char batch_area[13];
	int today;
	zx_mon_import *r;
	zx_mon_import *unmatched; /* allow_unmatched: the rows listed after success */
} warn_import;

static zx_err map_header(warn_import *im, const zx_row *row, zx_errinfo *ei)
{
	zx_err e = zx_mon_map_header(row, wcol_names, W_NCOLS, im->col, im->r, ei);
	if (e)
		return e;
	for (int k = 0; k < W_NCOLS; k++)
		if (wcol_required[k] && im->col[k] < 0)
			return zx_fail(ei, ZX_EVALIDATION, "missing_column", wcol_names[k], row->rowno,
			               "文件缺少必需的列“%s”（表头应含 "
			               "证件号码、来源部门、预警类型、金额、发生日期、说明）",
			               wcol_names[k]);
	im->have_header = true;
	return ZX_OK;
}

static const char *cell(const zx_row *row, int col)
{
	return col >= 0 ? zx_row_cell(row, (size_t)col) : "";
}

typedef struct warn_row {
	zx_idcard id;
	const char *dept;
	const char *type;
	int64_t amount; /* -1 none */
	int ymd;
	const char *note;
} warn_row;

/* Checks every field of a row; adds one issue per bad field. */
static bool parse_row(warn_import *im, const zx_row *row, warn_row *w)
{
	zx_mon_import *r = im->r;
	long rn = row->rowno;
	bool ok = true;
	const char *v = cell(row, im->col[W_ID]);
	zx_idcard_status st = zx_idcard_parse(v, im->today, &w->id);
	if (st != ZX_ID_OK) {
		zx_mon_issue_add(r, rn, "证件号码", "第%ld行 证件号码：%s", rn, zx_idcard_status_message(st));
		ok = false;
	}
	v = cell(row, im->col[W_DEPT]);
	w->dept = zx_warning_dept_normalize(v);
	if (!w->dept) {
		zx_mon_issue_add(r, rn, "来源部门",
		                 "第%ld行 来源部门“%.40s”不是已知部门（医保、民政、残联、教育、人社等）", rn,
		                 v);
		ok = false;
	}
	w->type = cell(row, im->col[W_TYPE]);
	if (!*w->type || strlen(w->type) > TYPE_MAX) {
		zx_mon_issue_add(r, rn, "预警类型", "第%ld行 预警类型%s", rn, *w->type ? "过长" : "不能为空");
		ok = false;
	}
	v = cell(row, im->col[W_AMOUNT]);
	w->amount = -1;
	if (*v) {
		zx_money_status ms = zx_money_parse(v, false, &w->amount);
		if (ms != ZX_MONEY_OK) {
			zx_mon_issue_add(r, rn, "金额", "第%ld行 金额：%s", rn, zx_money_status_message(ms));
			ok = false;
		}
	}
	v = cell(row, im->col[W_DATE]);
	if (!zx_mon_parse_date(v, &w->ymd) || w->ymd > im->today) {
		zx_mon_issue_add(r, rn, "发生日期",
		                 "第%ld行 发生日期“%.20s”不正确（应为 YYYY-MM-DD，且不晚于今天）", rn, v);
		ok = false;
	}
	w->note = cell(row, im->col[W_NOTE]);
	if (strlen(w->note) > NOTE_MAX) {
		zx_mon_issue_add(r, rn, "说明", "第%ld行 说明超过 %d 字节", rn, NOTE_MAX);
		ok = false;
	}
	return ok;
}

/* Looks the person up by blind index in each county of the scope. */
static zx_err find_person(warn_import *im, const char *bidx, int64_t *pid)
{
	for (int i = 0; i < im->finder.ncounties; i++) {
		zx_stmt *s;
		zx_err e = zx_query_open(im->c, &im->finder.scope, ZXQ_mon_person_by_bidx,
		                         ZX_ARGS(ZX_TEXT(im->finder.counties[i]), ZX_TEXT(bidx)), &s);
		if (e)
			return e;
		bool row;
		e = zx_stmt_next(s, &row);
		if (!e && row)
			*pid = zx_col_int(s, 0);
		zx_stmt_done(s);
		if (e || row)
			return e;
	}
	return ZX_ENOTFOUND;
}

static zx_val opt_amount(int64_t v)
{
	return v < 0 ? ZX_NULLV : ZX_INT(v);
}

static zx_err unmatched_row(warn_import *im, const zx_row *row, const warn_row *w)
{
	char masked[40];
	zx_mask_id(w->id.norm, masked, sizeof(masked));
	im->r->unmatched++;
	if (!im->allow_unmatched) {
		zx_mon_issue_add(im->r, row->rowno, "证件号码",
		                 "第%ld行 证件号码 %s 在登记库（您的管理范围）中找不到；可核对后重试，"
		                 "或用 --allow-unmatched 只导入能匹配的行",
		                 row->rowno, masked);
		return ZX_OK;
	}
	zx_mon_issue_add(im->unmatched, row->rowno, "证件号码", "第%ld行 证件号码 %s 未匹配（%s %s）",
	                 row->rowno, masked, w->dept, w->type);
	if (im->r->issues_total > 0)
		return ZX_OK;
	return zx_exec(im->c, NULL, ZXQ_warning_unmatched_insert,
	               ZX_ARGS(ZX_TEXT(im->batch_county), ZX_TEXT(im->batch_area), ZX_INT(im->batch_id),
	                       ZX_INT(row->rowno), ZX_TEXT(masked), ZX_TEXT(w->dept), ZX_TEXT(w->type),
	                       opt_amount(w->amount), ZX_INT(w->ymd)),
	               NULL);
}

static zx_err import_row(void *ctx, const zx_row *row, zx_errinfo *ei)
{
	warn_import *im = ctx;
	if (!im->have_header)
		return map_header(im, row, ei);
	im->r->rows++;
	warn_row w;
	if (!parse_row(im, row, &w))
		return ZX_OK;
	char bidx[ZX_BIDX_HEX_LEN + 1];
	zx_blind_index(im->keys, w.id.norm, bidx);
	int64_t pid = 0;
	zx_err e = find_person(im, bidx, &pid);
	if (e == ZX_ENOTFOUND)
		return unmatched_row(im, row, &w);
	if (e || im->r->issues_total > 0)
		return e;
	int64_t changes = 0;
	e = zx_exec(im->c, &im->finder.scope, ZXQ_warning_insert,
	            ZX_ARGS(ZX_INT(pid), ZX_TEXT(w.dept), ZX_TEXT(w.type), opt_amount(w.amount),
	                    ZX_INT(w.ymd), ZX_TEXT(w.note), ZX_INT(im->batch_id), ZX_INT(zx_now())),
	            &changes);
	if (e)
		return e;
	if (changes > 0)
		im->r->written++;
	else
		im->r->duplicates++;
	return ZX_OK;
}

static bool may_import(zx_role r)
{
	return r == ZX_ROLE_COUNTY_ADMIN || r == ZX_ROLE_TOWN_ADMIN || r == ZX_ROLE_DEPT_USER;
}

static zx_err finish(warn_import *im, const char *path, zx_errinfo *ei)
{
	zx_mon_import *r = im->r;
	zx_err e = zx_exec(im->c, NULL, ZXQ_warning_batch_finish,
	                   ZX_ARGS(ZX_INT(im->batch_id), ZX_INT(r->rows), ZX_INT(r->written),
	                           ZX_INT(r->duplicates), ZX_INT(r->unmatched)),
	                   NULL);
	if (e)
		return e;
	const char *base = strrchr(path, '/');
	char obj[160], detail[160];
	snprintf(obj, sizeof(obj), "warning_batch:%" PRId64 " file:%.100s", im->batch_id,
	         base ? base + 1 : path);
	snprintf(detail, sizeof(detail), "rows=%ld written=%ld duplicates=%ld unmatched=%ld", r->rows,
	         r->written, r->duplicates, r->unmatched);
	(void)ei;
	return zx_audit_write(im->c, im->a, "warnings.import", obj, "ok", detail);
}

zx_err zx_warnings_import_file(zx_conn *c, const zx_actor *a, const zx_keys *keys, const char *path,
                               bool allow_unmatched, zx_mon_import *report, zx_errinfo *ei)
{
	memset(report, 0, sizeof(*report));
	if (!may_import(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s无权导入部门预警",
		               zx_role_name(a->role));
	zx_mon_import *side = calloc(1, sizeof(*side));
	if (!side)
		return ZX_ENOMEM;
	warn_import im = {.c = c,
	                  .a = a,
	                  .keys = keys,
	                  .allow_unmatched = allow_unmatched,
	                  .r = report,
	                  .unmatched = side,
	                  .today = zx_today_ymd()};
	zx_err e = zx_mon_finder_init(c, &a->scope, &im.finder);
	if (!e && im.finder.ncounties == 0)
		e = zx_fail(ei, ZX_EVALIDATION, "no_county", NULL, 0,
		            "您的管理范围内没有县级区划，无法匹配证件号码");
	if (e)
		goto done;
	if (a->area_code[0]) {
		snprintf(im.batch_area, sizeof(im.batch_area), "%s", a->area_code);
	} else {
		snprintf(im.batch_area, sizeof(im.batch_area), "%s000000", im.finder.counties[0]);
	}
	snprintf(im.batch_county, sizeof(im.batch_county), "%.6s", im.batch_area);
	const char *base = strrchr(path, '/');
	e = zx_tx_begin_write(c);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_warning_batch_insert,
		            ZX_ARGS(ZX_TEXT(im.batch_county), ZX_TEXT(im.batch_area),
		                    ZX_TEXT(base ? base + 1 : path), ZX_TEXT(a->username), ZX_INT(zx_now())),
		            NULL);
	if (e)
		goto done;
	im.batch_id = zx_last_insert_id(c);
	e = zx_table_read_file(path, NULL, import_row, &im, ei);
	if (!e && !im.have_header)
		e = zx_fail(ei, ZX_EVALIDATION, "empty_file", NULL, 0, "文件为空（没有表头）");
	if (!e && report->issues_total > 0)
		e = zx_mon_import_fail(report, ei);
	if (!e && report->rows == 0)
		e = zx_fail(ei, ZX_EVALIDATION, "no_rows", NULL, 0, "文件没有数据行");
	if (!e)
		e = finish(&im, path, ei);
	if (!e)
		e = zx_tx_commit(c);
	if (!e) {
		report->batch_id = im.batch_id;
		report->issues_total = side->issues_total;
		report->nissues = side->nissues;
		memcpy(report->issues, side->issues, sizeof(side->issues));
	}
done:
	if (e) {
		zx_tx_rollback(c);
		report->written = report->duplicates = 0;
		if (!ei || !ei->err)
			zx_fail(ei, e, zx_err_code(e), NULL, 0, "%s", zx_err_message(e));
	}
	free(side);
	zx_info("warnings: import of %ld rows %s (%ld issues, %ld unmatched)", report->rows,
	        e ? "failed" : "committed", report->issues_total, report->unmatched);
	return e;
}

/* --- sudden events ------------------------------------------------------------------------------ */

bool zx_event_type_ok(const char *type)
{
	static const char *const types[] = {"重大疾病", "残疾", "意外事故", "自然灾害", "其他", NULL};
	for (const char *const *t = types; type && *t; t++)
		if (strcmp(type, *t) == 0)
			return true;
	return false;
}

static bool may_record_events(zx_role r)
{
	return r == ZX_ROLE_COUNTY_ADMIN || r == ZX_ROLE_TOWN_ADMIN || r == ZX_ROLE_VILLAGE_CLERK ||
	       r == ZX_ROLE_HELPER;
}

zx_err zx_event_add(zx_conn *c, const zx_actor *a, const zx_mon_household *hh, const zx_event_input *in,
                    int64_t *id_out, zx_errinfo *ei)
{
	if (!may_record_events(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s无权登记突发事件",
		               zx_role_name(a->role));
	if (!zx_event_type_ok(in->type))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_event_type", "type", 0,
		               "事件类型应为 重大疾病、残疾、意外事故、自然灾害 或 其他");
	if (in->ymd <= 0 || in->ymd > zx_today_ymd())
		return zx_fail(ei, ZX_EVALIDATION, "invalid_date", "date", 0,
		               "发生日期不正确（不能晚于今天）");
	if (in->note && strlen(in->note) > NOTE_MAX)
		return zx_fail(ei, ZX_EVALIDATION, "note_too_long", "note", 0, "说明超过 %d 字节", NOTE_MAX);
	zx_err e = zx_tx_begin_write(c);
	if (!e)
		e = zx_exec(c, &a->scope, ZXQ_event_insert,
		            ZX_ARGS(ZX_INT(hh->id), ZX_TEXT(in->type), ZX_INT(in->ymd),
		                    opt_amount(in->amount), ZX_TEXT(in->note ? in->note : ""),
		                    ZX_TEXT(a->username), ZX_INT(zx_now())),
		            NULL);
	int64_t id = e ? 0 : zx_last_insert_id(c);
	if (!e) {
		char obj[96], detail[64];
		snprintf(obj, sizeof(obj), "household:%s", hh->hh_no);
		snprintf(detail, sizeof(detail), "event=%" PRId64, id);
		e = zx_audit_write(c, a, "event.create", obj, "ok", detail);
	}
	if (!e)
		e = zx_tx_commit(c);
	if (e) {
		zx_tx_rollback(c);
		return e;
	}
	if (id_out)
		*id_out = id;
	return ZX_OK;
}

zx_err zx_event_list(zx_conn *c, const zx_actor *a, const zx_mon_household *hh, zx_event_fn fn, void *ctx)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_event_list_household, ZX_ARGS(ZX_INT(hh->id)), &s);
	if (e)
		return e;
	bool row;
	zx_event ev;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		memset(&ev, 0, sizeof(ev));
		ev.id = zx_col_int(s, 0);
		snprintf(ev.type, sizeof(ev.type), "%s", zx_col_text(s, 1));
		ev.ymd = (int)zx_col_int(s, 2);
		ev.amount = zx_col_null(s, 3) ? -1 : zx_col_int(s, 3);
		snprintf(ev.note, sizeof(ev.note), "%s", zx_col_text(s, 4));
		snprintf(ev.created_by, sizeof(ev.created_by), "%s", zx_col_text(s, 5));
		ev.created_at = zx_col_int(s, 6);
		if (!fn(ctx, &ev))
			break;
	}
	zx_stmt_done(s);
	return e;
}
