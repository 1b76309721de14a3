/*
 * checks.c — the rules of the ledger kinds a descriptor cannot say: write-time checks (loan
 * limits, overlapping 公益性岗位, one 村集体经济 row per village and year, milestones inside
 * their project), the check panel of a kind for an area and year (产业发展类 share of
 * 衔接资金, overdue loans, 薄弱村, links that left the area) and the thresholds they use.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/auth/audit.h"
#include "domain/ledger/ledger_internal.h"
#include "domain/monitoring/money.h"

/* ---- settings ------------------------------------------------------------------------------- */

static int64_t setting_default(const char *key)
{
	if (strcmp(key, ZX_LEDGER_SET_INDUSTRY_SHARE) == 0)
		return ZX_LEDGER_DEF_INDUSTRY_SHARE;
	if (strcmp(key, ZX_LEDGER_SET_WEAK_VILLAGE) == 0)
		return ZX_LEDGER_DEF_WEAK_VILLAGE;
	if (strcmp(key, ZX_LEDGER_SET_LOAN_MAX) == 0)
		return ZX_LEDGER_DEF_LOAN_MAX;
	if (strcmp(key, ZX_LEDGER_SET_LOAN_MONTHS) == 0)
		return ZX_LEDGER_DEF_LOAN_MONTHS;
	return -1;
}

int64_t zx_ledger_setting(zx_conn *c, const char *area12, int year, const char *key)
{
	char village[13], town[13], county[13];
	snprintf(village, sizeof(village), "%.12s", area12 ? area12 : "");
	snprintf(town, sizeof(town), "%.9s000", village);
	snprintf(county, sizeof(county), "%.6s000000", village);
	int64_t v = 0;
	zx_err e = zx_query_int(
	    c, NULL, ZXQ_ledger_setting_get,
	    ZX_ARGS(ZX_TEXT(village), ZX_TEXT(town), ZX_TEXT(county), ZX_INT(year), ZX_TEXT(key)), &v);
	return e ? setting_default(key) : v;
}

zx_err zx_ledger_setting_set(zx_conn *c, const zx_actor *a, const char *area12, int year, const char *key,
                             int64_t value, zx_errinfo *ei)
{
	if (a->role != ZX_ROLE_COUNTY_ADMIN && a->role != ZX_ROLE_TOWN_ADMIN)
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能设置台账参数",
		               zx_role_name(a->role));
	if (setting_default(key) < 0)
		return zx_fail(ei, ZX_EINVAL, "unknown_setting", "key", 0, "没有名为 %.40s 的台账参数", key);
	if (!area12 || strlen(area12) != 12 || strspn(area12, "0123456789") != 12)
		return zx_fail(ei, ZX_EINVAL, "invalid_area_code", "area", 0, "区划代码应为12位数字");
	if (!zx_scope_contains(&a->scope, area12))
		return zx_fail(ei, ZX_EFORBIDDEN, "area_forbidden", "area", 0, "区域 %s 不在您的管理范围内",
		               area12);
	if (year != 0 && (year < 2000 || year > 2100))
		return zx_fail(ei, ZX_EINVAL, "invalid_year", "year", 0, "年度应在 2000～2100 之间");
	if (value < 0 || (strcmp(key, ZX_LEDGER_SET_INDUSTRY_SHARE) == 0 && value > 1000))
		return zx_fail(ei, ZX_EINVAL, "invalid_value", "value", 0, "参数值超出范围");
	char county[7];
	snprintf(county, sizeof(county), "%.6s", area12);
	zx_err e = zx_tx_begin_write(c);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_ledger_setting_upsert,
		            ZX_ARGS(ZX_TEXT(county), ZX_TEXT(area12), ZX_INT(year), ZX_TEXT(key),
		                    ZX_INT(value), ZX_TEXT(a->username), ZX_INT(zx_now())),
		            NULL);
	char detail[160];
	snprintf(detail, sizeof(detail), "area=%s year=%d key=%s value=%" PRId64, area12, year, key, value);
	if (!e)
		e = zx_audit_write(c, a, "ledger.setting", key, "ok", detail);
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

/* ---- write-time checks ------------------------------------------------------------------------ */

static const zx_ledger_field *field(const zx_ledger_kind *k, const char *key, int *idx)
{
	for (int i = 0; i < k->nfields; i++)
		if (strcmp(k->fields[i].key, key) == 0) {
			if (idx)
				*idx = i;
			return &k->fields[i];
		}
	return NULL;
}

zx_err zx_ledger_check_project(zx_ledger_ctx *x, const zx_ledger_row *r, zx_errinfo *ei)
{
	int ia = 0, is = 0, ip = 0;
	const zx_ledger_field *fa = field(r->kind, "allocated", &ia);
	const zx_ledger_field *fs = field(r->kind, "spent", &is);
	field(r->kind, "planned", &ip);
	char a[32], b[32];
	if (r->given[is] && r->ival[is] > r->ival[ia]) {
		zx_money_short(r->ival[is], a, sizeof(a));
		zx_money_short(r->ival[ia], b, sizeof(b));
		return zx_ledger_fail(x, ZX_EVALIDATION, fs, "spent_over_allocated", ei,
		                      "已支付 %s 元超过%s %s 元", a, fa->label, b);
	}
	if (r->given[ip] && r->ival[ip] < r->ival[ia]) {
		zx_money_short(r->ival[ia], a, sizeof(a));
		zx_money_short(r->ival[ip], b, sizeof(b));
		return zx_ledger_fail(x, ZX_EVALIDATION, fa, "allocated_over_planned", ei,
		                      "%s 元超过计划投资 %s 元", a, b);
	}
	return ZX_OK;
}

zx_err zx_ledger_check_loan(zx_ledger_ctx *x, const zx_ledger_row *r, zx_errinfo *ei)
{
	int year = zx_ledger_date_year(r->entry_date);
	int64_t max_fen = zx_ledger_setting(x->c, r->area_code, year, ZX_LEDGER_SET_LOAN_MAX);
	int64_t max_months = zx_ledger_setting(x->c, r->area_code, year, ZX_LEDGER_SET_LOAN_MONTHS);
	if (r->amount_fen > max_fen) {
		char a[32], m[32];
		zx_money_short(r->amount_fen, a, sizeof(a));
		zx_money_short(max_fen, m, sizeof(m));
		return zx_ledger_fail(x, ZX_EVALIDATION, field(r->kind, "amount", NULL), "loan_over_limit",
		                      ei, "贷款金额 %s 元超过上限 %s 元", a, m);
	}
	if (r->quantity > (double)max_months)
		return zx_ledger_fail(x, ZX_EVALIDATION, field(r->kind, "term", NULL), "loan_term_over_limit",
		                      ei, "贷款期限 %.0f 个月超过上限 %" PRId64 " 个月", r->quantity,
		                      max_months);
	return ZX_OK;
}

zx_err zx_ledger_check_post(zx_ledger_ctx *x, const zx_ledger_row *r, zx_errinfo *ei)
{
	zx_stmt *s;
	zx_err e = zx_query_open(
	    x->c, &ZX_SCOPE_ALL, ZXQ_ledger_post_overlap,
	    ZX_ARGS(ZX_INT(r->person_id), ZX_INT(r->id), ZX_TEXT(r->entry_date), ZX_TEXT(r->end_date)), &s);
	if (e)
		return e;
	bool row = false;
	char title[256] = "", from[11] = "", to[11] = "";
	int64_t other = 0;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		other = zx_col_int(s, 0);
		snprintf(title, sizeof(title), "%s", zx_col_text(s, 1));
		snprintf(from, sizeof(from), "%s", zx_col_text(s, 2));
		snprintf(to, sizeof(to), "%s", zx_col_text(s, 3));
	}
	zx_stmt_done(s);
	if (e || !row)
		return e;
	return zx_ledger_fail(x, ZX_ECONFLICT, field(r->kind, "person", NULL), "post_overlap", ei,
	                      "该人员已在岗位“%s”（编号 %" PRId64
	                      "，%s 至 %s），同一时间不能担任两个公益性岗位",
	                      title, other, from, to[0] ? to : "今");
}

zx_err zx_ledger_check_collective(zx_ledger_ctx *x, const zx_ledger_row *r, zx_errinfo *ei)
{
	int iv = 0;
	const zx_ledger_field *fv = field(r->kind, "village", &iv);
	if (r->ival[iv] != 5)
		return zx_ledger_fail(x, ZX_EVALIDATION, fv, "not_a_village", ei, "区划代码 %s 不是村",
		                      r->area_code);
	int64_t other = 0;
	zx_err e = zx_query_int(
	    x->c, &x->a->scope, ZXQ_ledger_same_area_date,
	    ZX_ARGS(ZX_TEXT(r->kind->key), ZX_TEXT(r->area_code), ZX_TEXT(r->entry_date), ZX_INT(r->id)),
	    &other);
	if (e == ZX_ENOTFOUND)
		return ZX_OK;
	if (e)
		return e;
	return zx_ledger_fail(x, ZX_ECONFLICT, field(r->kind, "year", NULL), "duplicate_year", ei,
	                      "%s 的 %d 年村集体经济已登记（编号 %" PRId64 "）", r->area_code,
	                      zx_ledger_date_year(r->entry_date), other);
}

zx_err zx_ledger_check_milestone(zx_ledger_ctx *x, const zx_ledger_row *r, zx_errinfo *ei)
{
	int ia = 0, is = 0, id = 0;
	const zx_ledger_field *fa = field(r->kind, "actual", &ia);
	field(r->kind, "status", &is);
	field(r->kind, "done", &id);
	if (r->given[is] && strcmp(r->sval[is], "已完成") == 0 && !r->given[id])
		return zx_ledger_fail(x, ZX_EVALIDATION, field(r->kind, "done", NULL), "done_date_missing",
		                      ei, "状态为已完成时须填写实际完成日期");
	if (r->given[ia] && r->given[is] && strcmp(r->sval[is], "已完成") == 0 &&
	    r->ival[ia] < (int64_t)r->quantity)
		return zx_ledger_fail(x, ZX_EVALIDATION, fa, "progress_below_plan", ei,
		                      "状态为已完成，但实际进度 %" PRId64 "%% 低于计划进度 %.0f%%",
		                      r->ival[ia], r->quantity);
	return ZX_OK;
}

/* ---- the check panel ----------------------------------------------------------------------------- */

static void add(json_t *out, const char *level, const char *code, const char *area, int64_t entry_id,
                json_t *figures, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void add(json_t *out, const char *level, const char *code, const char *area, int64_t entry_id,
                json_t *figures, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "level", level, "code", code, "message", msg, "area_code",
	                      area ? area : "");
	if (entry_id)
		json_object_set_new(o, "entry_id", json_integer(entry_id));
	if (figures)
		json_object_set_new(o, "figures", figures);
	json_array_append_new(out, o);
}

/* 产业发展类 share of 衔接资金: for the area itself and each of its child areas with projects. */
static zx_err check_industry_share(zx_ledger_ctx *x, const zx_scope *sc, const char *area, int year,
                                   const char *from, const char *to, json_t *out)
{
	zx_stmt *s;
	zx_err e =
	    zx_query_open(x->c, sc, ZXQ_ledger_sums_by_area,
	                  ZX_ARGS(ZX_TEXT("project"), ZX_TEXT(from), ZX_TEXT(to), ZX_TEXT("产业发展类")), &s);
	if (e)
		return e;
	/* child level of `area`: county (6 significant digits) -> towns (9), town -> villages (12) */
	size_t sig = strlen(area);
	while (sig > 6 && area[sig - 1] == '0')
		sig--;
	size_t child = sig <= 6 ? 9 : 12;
	enum { MAXC = 256 };
	struct {
		char code[13];
		int64_t total, industry, n;
	} ch[MAXC];
	int nch = 0;
	int64_t total = 0, industry = 0;
	bool row = false;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		const char *code = zx_col_text(s, 0);
		int64_t t = zx_col_int(s, 1), ind = zx_col_int(s, 2), n = zx_col_int(s, 3);
		total += t;
		industry += ind;
		char key[13];
		snprintf(key, sizeof(key), "%.*s%.*s", (int)child, code, (int)(12 - child), "000");
		int j = 0;
		while (j < nch && strcmp(ch[j].code, key) != 0)
			j++;
		if (j == nch && nch < MAXC) {
			snprintf(ch[nch].code, sizeof(ch[nch].code), "%s", key);
			ch[nch].total = ch[nch].industry = ch[nch].n = 0;
			nch++;
		}
		if (j < MAXC) {
			ch[j].total += t;
			ch[j].industry += ind;
			ch[j].n += n;
		}
	}
	zx_stmt_done(s);
	if (e)
		return e;
	for (int j = -1; j < nch; j++) {
		const char *code = j < 0 ? area : ch[j].code;
		int64_t t = j < 0 ? total : ch[j].total, ind = j < 0 ? industry : ch[j].industry;
		if (t <= 0 || (j >= 0 && strcmp(code, area) == 0))
			continue;
		int64_t min = zx_ledger_setting(x->c, code, year, ZX_LEDGER_SET_INDUSTRY_SHARE);
		int64_t share = zx_div_round(ind * 1000, t); /* ‰ */
		char ts[32], is[32];
		zx_money_short(t, ts, sizeof(ts));
		zx_money_short(ind, is, sizeof(is));
		json_t *fig = json_pack("{s:I,s:I,s:I,s:I}", "total_fen", (json_int_t)t, "industry_fen",
		                        (json_int_t)ind, "share_permille", (json_int_t)share, "min_permille",
		                        (json_int_t)min);
		if (share < min)
			add(out, "warning", "industry_share_low", code, 0, fig,
			    "%s%d 年产业发展类项目衔接资金 %s 元，占衔接资金 %s 元的 %.1f%%，低于 %.1f%% "
			    "的要求",
			    j < 0 ? "本区域" : code, year, is, ts, (double)share / 10.0, (double)min / 10.0);
		else
			add(out, "ok", "industry_share_ok", code, 0, fig,
			    "%s%d 年产业发展类项目占衔接资金 %.1f%%，达到 %.1f%% 的要求",
			    j < 0 ? "本区域" : code, year, (double)share / 10.0, (double)min / 10.0);
	}
	return ZX_OK;
}

static zx_err check_rows(zx_ledger_ctx *x, const zx_ledger_kind *k, const zx_scope *sc, int year,
                         const char *from, const char *to, json_t *out)
{
	/* a loan is checked (overdue, limits) from its issue until it is repaid, whatever year */
	if (strcmp(k->key, "microloan") == 0)
		from = "2000-01-01";
	zx_stmt *s;
	zx_err e = zx_query_open(x->c, sc, ZXQ_ledger_check_rows,
	                         ZX_ARGS(ZX_TEXT(k->key), ZX_TEXT(from), ZX_TEXT(to)), &s);
	if (e)
		return e;
	bool row = false;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		int64_t id = zx_col_int(s, 0), amount = zx_col_int(s, 4);
		const char *area = zx_col_text(s, 1), *aname = zx_col_text(s, 2), *title = zx_col_text(s, 3);
		double qty = zx_col_real(s, 5);
		const char *status = zx_col_text(s, 6), *end = zx_col_text(s, 8), *person = zx_col_text(s, 9);
		char a[32];
		zx_money_short(amount, a, sizeof(a));
		if (strcmp(k->key, "microloan") == 0) {
			if (zx_ledger_loan_overdue(status, end, x->today))
				add(out, "warning", "loan_overdue", area, id, NULL,
				    "%s %s 的小额信贷 %s 元已于 %s 到期未还清", aname, person, a, end);
			int64_t max = zx_ledger_setting(x->c, area, year, ZX_LEDGER_SET_LOAN_MAX);
			int64_t months = zx_ledger_setting(x->c, area, year, ZX_LEDGER_SET_LOAN_MONTHS);
			if (amount > max || qty > (double)months)
				add(out, "warning", "loan_over_limit", area, id, NULL,
				    "%s %s 的小额信贷 %s 元、%.0f 个月超过上限", aname, person, a, qty);
		} else if (strcmp(k->key, "collective") == 0) {
			int64_t min = zx_ledger_setting(x->c, area, year, ZX_LEDGER_SET_WEAK_VILLAGE);
			char m[32];
			zx_money_short(min, m, sizeof(m));
			if (amount < min)
				add(out, "warning", "weak_village", area, id, NULL,
				    "%s %d 年村集体经济收入 %s 元，低于 %s 元（薄弱村）", aname, year, a, m);
		} else if (strcmp(k->key, "milestone") == 0) {
			if (strcmp(status, "已完成") != 0 && strcmp(zx_col_text(s, 7), x->today) < 0)
				add(out, "warning", "milestone_overdue", area, id, NULL,
				    "%s “%s”计划 %s 完成 %.0f%%，尚未完成", aname, title, zx_col_text(s, 7),
				    qty);
		}
	}
	zx_stmt_done(s);
	return e;
}

static zx_err check_links(zx_ledger_ctx *x, const zx_ledger_kind *k, const zx_scope *sc, json_t *out)
{
	zx_stmt *s;
	zx_err e = zx_query_open(x->c, sc, ZXQ_ledger_links_moved, ZX_ARGS(ZX_TEXT(k->key)), &s);
	if (e)
		return e;
	bool row = false;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		zx_scope es;
		zx_scope_of_area(zx_col_text(s, 1), &es);
		if (!zx_scope_contains(&es, zx_col_text(s, 2)))
			add(out, "warning", "link_outside_area", zx_col_text(s, 1), zx_col_int(s, 0), NULL,
			    "编号 %" PRId64 " 的记录所关联的 %s 现在 %s，不在本条台账的区域 %s 内",
			    zx_col_int(s, 0), zx_col_text(s, 3), zx_col_text(s, 2), zx_col_text(s, 1));
	}
	zx_stmt_done(s);
	if (e || strcmp(k->key, "project") != 0)
		return e;
	e = zx_query_open(x->c, sc, ZXQ_ledger_beneficiaries_moved, ZX_NOARGS, &s);
	if (e)
		return e;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		zx_scope es;
		zx_scope_of_area(zx_col_text(s, 1), &es);
		if (!zx_scope_contains(&es, zx_col_text(s, 2)))
			add(out, "warning", "beneficiary_outside_area", zx_col_text(s, 1), zx_col_int(s, 0),
			    NULL, "项目“%s”的受益户 %s 不在项目区域 %s 内", zx_col_text(s, 4),
			    zx_col_text(s, 3), zx_col_text(s, 1));
	}
	zx_stmt_done(s);
	return e;
}

static zx_err check_posts(zx_ledger_ctx *x, const zx_scope *sc, json_t *out)
{
	zx_stmt *s;
	zx_err e = zx_query_open(x->c, sc, ZXQ_ledger_post_overlaps, ZX_NOARGS, &s);
	if (e)
		return e;
	bool row = false;
	while (!(e = zx_stmt_next(s, &row)) && row)
		add(out, "warning", "post_overlap", zx_col_text(s, 5), zx_col_int(s, 0), NULL,
		    "%s 同时担任“%s”（编号 %" PRId64 "）和“%s”（编号 %" PRId64 "）两个公益性岗位",
		    zx_col_text(s, 2), zx_col_text(s, 3), zx_col_int(s, 0), zx_col_text(s, 4),
		    zx_col_int(s, 1));
	zx_stmt_done(s);
	return e;
}

zx_err zx_ledger_checks_json(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, const char *area,
                             int year, void **out, zx_errinfo *ei)
{
	zx_ledger_ctx x;
	zx_ledger_ctx_init(&x, c, a, NULL);
	zx_err e = zx_ledger_may_read(a, ei);
	zx_scope sc;
	char code[13];
	if (!e)
		e = zx_ledger_area_scope(&x, area, &sc, code, ei);
	if (e)
		return e;
	if (!year)
		year = zx_ledger_date_year(x.today);
	if (year < 2000 || year > 2100)
		return zx_fail(ei, ZX_EINVAL, "invalid_year", "year", 0, "年度应在 2000～2100 之间");
	char from[11], to[11];
	snprintf(from, sizeof(from), "%04d-01-01", year);
	snprintf(to, sizeof(to), "%04d-12-31", year);
	json_t *arr = json_array();
	e = zx_tx_begin_read(c);
	if (!e && strcmp(k->key, "project") == 0)
		e = check_industry_share(&x, &sc, code, year, from, to, arr);
	if (!e)
		e = check_rows(&x, k, &sc, year, from, to, arr);
	if (!e && strcmp(k->key, "public_post") == 0)
		e = check_posts(&x, &sc, arr);
	if (!e)
		e = check_links(&x, k, &sc, arr);
	zx_tx_rollback(c);
	if (e) {
		json_decref(arr);
		return e;
	}
	*out = arr;
	return ZX_OK;
}
