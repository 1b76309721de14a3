/*
 * policy.c — versioned policy parameters (see policy.h).
 *
 * Invariants: a policies row is never updated or deleted; the version of a new row is
 * computed inside the INSERT under the write lock, so two concurrent changes cannot get
 * the same number; every write is audited in its transaction.
 */
#include "domain/monitoring/policy.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/auth/audit.h"
#include "domain/monitoring/money.h"
#include "domain/monitoring/monitoring.h"

#define LINE_MAX_FEN ((int64_t)100000 * 100)     /* 10 万元 per person */
#define SELFPAY_MAX_FEN ((int64_t)1000000 * 100) /* 100 万元 */

static void read_policy(zx_stmt *s, zx_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->id = zx_col_int(s, 0);
	snprintf(p->county, sizeof(p->county), "%s", zx_col_text(s, 1));
	snprintf(p->area_code, sizeof(p->area_code), "%s", zx_col_text(s, 2));
	p->year = (int)zx_col_int(s, 3);
	p->version = (int)zx_col_int(s, 4);
	p->income_line = zx_col_int(s, 5);
	p->warning_factor = zx_col_int(s, 6);
	p->drop_percent = zx_col_int(s, 7);
	p->medical_selfpay = zx_col_int(s, 8);
	p->medical_selfpay_ratio = zx_col_int(s, 9);
	snprintf(p->created_by, sizeof(p->created_by), "%s", zx_col_text(s, 10));
	p->created_at = zx_col_int(s, 11);
}

static zx_err one_policy(zx_conn *c, zx_query q, const zx_val *args, int nargs, zx_policy *out)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, q, args, nargs, &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row)
		read_policy(s, out);
	zx_stmt_done(s);
	if (!e && row)
		zx_mon_area_name(c, out->area_code, out->area_name, sizeof(out->area_name), NULL);
	return e ? e : row ? ZX_OK : ZX_ENOTFOUND;
}

static zx_err latest(zx_conn *c, const char *area12, int year, zx_policy *out)
{
	return one_policy(c, ZXQ_policy_latest, ZX_ARGS(ZX_TEXT(area12), ZX_INT(year)), out);
}

zx_err zx_policy_by_id(zx_conn *c, int64_t id, zx_policy *out)
{
	return one_policy(c, ZXQ_policy_by_id, ZX_ARGS(ZX_INT(id)), out);
}

static void county_of(const char *area12, char out[13])
{
	snprintf(out, 13, "%.6s000000", area12);
}

static void province_of(const char *area12, char out[13])
{
	snprintf(out, 13, "%.2s0000000000", area12);
}

zx_err zx_policy_effective(zx_conn *c, const char *area12, int year, zx_policy *out, zx_errinfo *ei)
{
	char county[13], province[13];
	if (!area12 || strlen(area12) != 12)
		return zx_fail(ei, ZX_EINVAL, "invalid_area_code", "area", 0, "区划代码应为12位数字");
	county_of(area12, county);
	province_of(area12, province);
	zx_err e = latest(c, county, year, out);
	if (e == ZX_ENOTFOUND)
		e = latest(c, province, year, out);
	if (e == ZX_ENOTFOUND) {
		char name[128] = "";
		if (zx_mon_area_name(c, county, name, sizeof(name), NULL) != ZX_OK)
			snprintf(name, sizeof(name), "%.6s", area12);
		return zx_fail(ei, ZX_EVALIDATION, "no_policy", "year", 0,
		               "%d年 %s 未设置监测线（政策参数），请县级管理员先设置", year, name);
	}
	return e;
}

static zx_err check_range(zx_errinfo *ei, const char *field, int64_t v, int64_t lo, int64_t hi,
                          const char *what)
{
	if (v >= lo && v <= hi)
		return ZX_OK;
	return zx_fail(ei, ZX_EVALIDATION, "invalid_policy", field, 0, "%s超出允许范围", what);
}

static zx_err fill_and_check(const zx_policy *prev, const zx_policy_input *in, zx_policy *p, zx_errinfo *ei)
{
	p->income_line = in->income_line >= 0 ? in->income_line : prev ? prev->income_line : -1;
	p->warning_factor = in->warning_factor >= 0 ? in->warning_factor
	                    : prev                  ? prev->warning_factor
	                                            : ZX_POLICY_DEFAULT_FACTOR;
	p->drop_percent = in->drop_percent >= 0 ? in->drop_percent
	                  : prev                ? prev->drop_percent
	                                        : ZX_POLICY_DEFAULT_DROP;
	p->medical_selfpay = in->medical_selfpay >= 0 ? in->medical_selfpay
	                     : prev                   ? prev->medical_selfpay
	                                              : ZX_POLICY_DEFAULT_SELFPAY;
	p->medical_selfpay_ratio = in->medical_selfpay_ratio >= 0 ? in->medical_selfpay_ratio
	                           : prev                         ? prev->medical_selfpay_ratio
	                                                          : ZX_POLICY_DEFAULT_RATIO;
	if (p->income_line < 0)
		return zx_fail(ei, ZX_EVALIDATION, "missing_income_line", "income_line", 0,
		               "首次设置 %d 年政策参数时必须给出监测线（元）", in->year);
	zx_err e =
	    check_range(ei, "income_line", p->income_line, 100, LINE_MAX_FEN, "监测线（1元 至 10万元）");
	if (!e)
		e = check_range(ei, "warning_factor", p->warning_factor, 1000, 5000, "预警带系数（1 至 5）");
	if (!e)
		e = check_range(ei, "drop_percent", p->drop_percent, 1, 100, "收入下降幅度（1% 至 100%）");
	if (!e)
		e = check_range(ei, "medical_selfpay", p->medical_selfpay, 0, SELFPAY_MAX_FEN,
		                "医保个人自付标准（0 至 100万元）");
	if (!e)
		e = check_range(ei, "medical_selfpay_ratio", p->medical_selfpay_ratio, 0, 100,
		                "医保个人自付占收入比例（0% 至 100%）");
	return e;
}

zx_err zx_policy_set(zx_conn *c, const zx_actor *a, const zx_policy_input *in, zx_policy *out, zx_errinfo *ei)
{
	if (a->role != ZX_ROLE_COUNTY_ADMIN)
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "只有县级管理员可以设置政策参数");
	if (!zx_mon_year_ok(in->year))
		return zx_fail(ei, ZX_EINVAL, "invalid_year", "year", 0, "年度应在 %d 至 %d 之间",
		               ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX);
	int level = 0;
	zx_err e = zx_mon_area_check(c, a, in->area, true, &level, ei);
	if (e)
		return e;
	if (level != 1 && level != 3)
		return zx_fail(ei, ZX_EVALIDATION, "policy_area_level", "area", 0,
		               "政策参数只能按省或县设置（%s 不是省级或县级区划）", in->area);
	zx_policy prev, p;
	memset(&p, 0, sizeof(p));
	e = zx_tx_begin_write(c);
	if (e)
		return e;
	zx_err pe = latest(c, in->area, in->year, &prev);
	if (pe && pe != ZX_ENOTFOUND) {
		e = pe;
		goto out;
	}
	e = fill_and_check(pe ? NULL : &prev, in, &p, ei);
	if (e)
		goto out;
	char county[7] = "";
	if (level == 3)
		snprintf(county, sizeof(county), "%.6s", in->area);
	e = zx_exec(c, NULL, ZXQ_policy_insert,
	            ZX_ARGS(ZX_TEXT(county), ZX_TEXT(in->area), ZX_INT(in->year), ZX_INT(p.income_line),
	                    ZX_INT(p.warning_factor), ZX_INT(p.drop_percent), ZX_INT(p.medical_selfpay),
	                    ZX_INT(p.medical_selfpay_ratio), ZX_TEXT(a->username), ZX_INT(zx_now())),
	            NULL);
	if (!e)
		e = latest(c, in->area, in->year, out);
	if (!e) {
		char detail[256], obj[64];
		snprintf(obj, sizeof(obj), "policy:%" PRId64, out->id);
		snprintf(detail, sizeof(detail),
		         "area=%s year=%d version=%d line=%" PRId64 " factor=%" PRId64 " drop=%" PRId64
		         " selfpay=%" PRId64 " ratio=%" PRId64,
		         in->area, in->year, out->version, out->income_line, out->warning_factor,
		         out->drop_percent, out->medical_selfpay, out->medical_selfpay_ratio);
		e = zx_audit_write(c, a, "policy.set", obj, "ok", detail);
	}
	if (!e)
		e = zx_tx_commit(c);
out:
	if (e)
		zx_tx_rollback(c);
	return e;
}

zx_err zx_policy_list(zx_conn *c, const char *area12, int year, zx_policy_fn fn, void *ctx)
{
	char county[13], province[13];
	county_of(area12, county);
	province_of(area12, province);
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, ZXQ_policy_list,
	                         ZX_ARGS(ZX_TEXT(county), ZX_TEXT(province), ZX_INT(year)), &s);
	if (e)
		return e;
	bool row;
	zx_policy p;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		read_policy(s, &p);
		zx_mon_area_name(c, p.area_code, p.area_name, sizeof(p.area_name), NULL);
		if (!fn(ctx, &p))
			break;
	}
	zx_stmt_done(s);
	return e;
}
