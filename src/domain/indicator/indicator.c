/*
 * indicator.c — indicator values, periods, definitions, targets and completion (see
 * indicator.h).
 *
 * Invariants: values are exact integers in base units from parsing to SQL and back; the
 * only floating-point number is the completion ratio SQL divides out, and it is rounded only
 * when formatted. Every target write runs in one transaction with its audit row, through a
 * scoped statement that refuses an area outside the actor's range.
 */
#include "domain/indicator/indicator.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/assistance/assistance.h"
#include "domain/auth/audit.h"
#include "domain/indicator/indicator_internal.h"

#define MAX_BASE ((int64_t)1000000000000)

/* ---- values ----------------------------------------------------------------------------- */

int64_t zx_ind_unit_scale(const char *unit)
{
	return unit && strcmp(unit, "万元") == 0 ? 1000000 : 100;
}

static int scale_decimals(int64_t scale)
{
	int d = 0;
	while (scale > 1) {
		scale /= 10;
		d++;
	}
	return d;
}

bool zx_ind_value_parse(const char *unit, const char *s, int64_t *out)
{
	if (!s || !*s)
		return false;
	int64_t scale = zx_ind_unit_scale(unit);
	int maxdec = scale_decimals(scale);
	int64_t ip = 0, fp = 0;
	int dec = -1, digits = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '.') {
			if (dec >= 0 || digits == 0)
				return false;
			dec = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			return false;
		if (dec >= 0) {
			if (++dec > maxdec)
				return false;
			fp = fp * 10 + (*p - '0');
		} else {
			if (++digits > 13)
				return false;
			ip = ip * 10 + (*p - '0');
		}
	}
	if (dec == 0)
		return false; /* "12." */
	for (int i = dec < 0 ? 0 : dec; i < maxdec; i++)
		fp *= 10;
	if (ip > MAX_BASE / scale)
		return false;
	int64_t v = ip * scale + fp;
	if (v > MAX_BASE)
		return false;
	*out = v;
	return true;
}

void zx_ind_value_format(const char *unit, int64_t v, char *out, size_t outsz)
{
	int64_t scale = zx_ind_unit_scale(unit);
	int dec = scale_decimals(scale);
	bool neg = v < 0;
	uint64_t a = neg ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
	char frac[32];
	snprintf(frac, sizeof(frac), "%0*" PRIu64, dec & 15, a % (uint64_t)scale);
	int n = dec;
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	snprintf(out, outsz, "%s%" PRIu64 "%s%s", neg ? "-" : "", a / (uint64_t)scale, n ? "." : "", frac);
}

void zx_ind_pct_format(double ratio, char *out, size_t outsz)
{
	/* Half away from zero at the second decimal of the percentage; the nudge absorbs the
	 * binary representation of ratios like 1.05425 that are exact in decimal. */
	double p = ratio * 10000.0;
	double r = p >= 0 ? floor(p + 0.5 + 1e-7) : -floor(-p + 0.5 + 1e-7);
	long long c = (long long)r;
	long long a = c < 0 ? -c : c;
	snprintf(out, outsz, "%s%lld.%02lld", c < 0 ? "-" : "", a / 100, a % 100);
}

/* ---- periods ---------------------------------------------------------------------------- */

static const char *const cn_num[] = {"", "一", "二", "三", "四"};

static void set_range(zx_period *p, int m0, int d0, int m1, int d1)
{
	zx_asst_ymd_format(p->year * 10000 + m0 * 100 + d0, p->start, sizeof(p->start));
	zx_asst_ymd_format(p->year * 10000 + m1 * 100 + d1, p->end, sizeof(p->end));
}

static int last_day(int year, int month)
{
	int d = 31;
	while (d > 28 && !zx_asst_ymd_valid(year * 10000 + month * 100 + d))
		d--;
	return d;
}

static bool small_num(const char *s, int lo, int hi, int *out)
{
	if (!s[0] || strlen(s) > 2 || s[0] < '0' || s[0] > '9' || (s[1] && (s[1] < '0' || s[1] > '9')))
		return false;
	int v = s[1] ? (s[0] - '0') * 10 + (s[1] - '0') : s[0] - '0';
	if (v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

bool zx_period_parse(int year, const char *code, zx_period *out)
{
	memset(out, 0, sizeof(*out));
	if (year < 2000 || year > 2100)
		return false;
	out->year = year;
	const char *s = code ? code : "";
	int v = 0, ymd = 0;
	if (!*s || strcmp(s, "Y") == 0 || strcmp(s, "year") == 0) {
		snprintf(out->code, sizeof(out->code), "Y");
		set_range(out, 1, 1, 12, 31);
		snprintf(out->label, sizeof(out->label), "%d年", year);
	} else if (s[0] == 'H' && small_num(s + 1, 1, 2, &v) && !s[2]) {
		snprintf(out->code, sizeof(out->code), "H%d", v);
		set_range(out, v == 1 ? 1 : 7, 1, v == 1 ? 6 : 12, v == 1 ? 30 : 31);
		snprintf(out->label, sizeof(out->label), "%d年%s半年", year, v == 1 ? "上" : "下");
	} else if (s[0] == 'Q' && small_num(s + 1, 1, 4, &v) && !s[2]) {
		snprintf(out->code, sizeof(out->code), "Q%d", v);
		set_range(out, v * 3 - 2, 1, v * 3, last_day(year, v * 3));
		snprintf(out->label, sizeof(out->label), "%d年第%s季度", year, cn_num[v]);
	} else if (s[0] == 'M' && small_num(s + 1, 1, 12, &v)) {
		snprintf(out->code, sizeof(out->code), "M%02d", v);
		set_range(out, v, 1, v, last_day(year, v));
		snprintf(out->label, sizeof(out->label), "%d年%d月", year, v);
	} else if ((s[0] == 'D' && strlen(s) == 5 && small_num((char[]){s[1], s[2], 0}, 1, 12, &v) &&
	            zx_asst_ymd_valid(ymd = year * 10000 + v * 100 + (s[3] - '0') * 10 + (s[4] - '0')) &&
	            s[3] >= '0' && s[3] <= '9' && s[4] >= '0' && s[4] <= '9') ||
	           (zx_asst_ymd_parse(s, &ymd) && ymd / 10000 == year)) {
		int m = ymd / 100 % 100, d = ymd % 100;
		snprintf(out->code, sizeof(out->code), "D%02d%02d", m, d);
		set_range(out, 1, 1, m, d);
		snprintf(out->label, sizeof(out->label), "%d年%d月%d日前", year, m, d);
	} else {
		return false;
	}
	return true;
}

zx_err zx_period_cut(zx_period *p, const char *as_of, zx_errinfo *ei)
{
	if (!as_of || !*as_of)
		return ZX_OK;
	int ymd = 0;
	if (!zx_asst_ymd_parse(as_of, &ymd))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_date", "as_of", 0, "统计截止日期应为 YYYY-MM-DD");
	char d[11];
	zx_asst_ymd_format(ymd, d, sizeof(d));
	if (strcmp(d, p->start) < 0)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_date", "as_of", 0,
		               "统计截止日期 %s 早于考核期 %s 的开始日期 %s", d, p->label, p->start);
	if (strcmp(d, p->end) < 0)
		memcpy(p->end, d, sizeof(p->end));
	return ZX_OK;
}

/* ---- definitions ------------------------------------------------------------------------ */

static void read_indicator(zx_stmt *s, int col, zx_indicator *d)
{
	memset(d, 0, sizeof(*d));
	d->id = zx_col_int(s, col + 0);
	snprintf(d->key, sizeof(d->key), "%s", zx_col_text(s, col + 1));
	snprintf(d->name, sizeof(d->name), "%s", zx_col_text(s, col + 2));
	snprintf(d->unit, sizeof(d->unit), "%s", zx_col_text(s, col + 3));
	snprintf(d->source, sizeof(d->source), "%s", zx_col_text(s, col + 4));
	snprintf(d->ledger_kind, sizeof(d->ledger_kind), "%s", zx_col_text(s, col + 5));
	snprintf(d->agg, sizeof(d->agg), "%s", zx_col_text(s, col + 6));
	snprintf(d->filter_field, sizeof(d->filter_field), "%s", zx_col_text(s, col + 7));
	snprintf(d->filter_value, sizeof(d->filter_value), "%s", zx_col_text(s, col + 8));
	snprintf(d->figure, sizeof(d->figure), "%s", zx_col_text(s, col + 9));
	d->weight = (int)zx_col_int(s, col + 10);
	d->higher_better = zx_col_int(s, col + 11) != 0;
	d->builtin = zx_col_int(s, col + 12) != 0;
}

zx_err zx_indicator_list(zx_conn *c, zx_indicator_fn fn, void *ctx)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, ZXQ_indicator_list, ZX_NOARGS, &s);
	if (e)
		return e;
	bool row;
	zx_indicator d;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		read_indicator(s, 0, &d);
		if (!fn(ctx, &d))
			break;
	}
	zx_stmt_done(s);
	return e;
}

zx_err zx_indicator_find(zx_conn *c, const char *key, zx_indicator *out, zx_errinfo *ei)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, ZXQ_indicator_get, ZX_ARGS(ZX_TEXT(key ? key : "")), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row)
		read_indicator(s, 0, out);
	zx_stmt_done(s);
	if (!e && !row)
		return zx_fail(ei, ZX_ENOTFOUND, "not_found", "key", 0, "指标 %.40s 不存在", key ? key : "");
	return e;
}

static bool ident_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static const char *const ledger_kinds[] = {"project",    "subsidy",    "microloan",  "public_post",
                                           "employment", "collective", "inspection", "milestone"};
static const char *const units[] = {"万元", "元", "人", "次", "个", "户", "亩", "%", "件", "项", "公里"};
static const char *const aggs[] = {"count", "sum_amount", "sum_quantity", "count_person"};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}
#define IN(s, list) in_list(s, list, sizeof(list) / sizeof(list[0]))

static bool is_money(const char *unit)
{
	return strcmp(unit, "万元") == 0 || strcmp(unit, "元") == 0;
}

static zx_err check_definition(const zx_indicator *d, zx_errinfo *ei)
{
	if (!ident_ok(d->key, ZX_IND_KEY_MAX))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_key", "key", 0,
		               "指标代码应为小写字母、数字或下划线，以字母开头，不超过 %d 个字符",
		               ZX_IND_KEY_MAX);
	if (!d->name[0])
		return zx_fail(ei, ZX_EVALIDATION, "missing_field", "name", 0, "请填写指标名称");
	zx_err e = zx_asst_text(d->name, ZX_IND_NAME_MAX, "name", "指标名称", ei);
	if (e)
		return e;
	if (!IN(d->unit, units))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_unit", "unit", 0,
		               "计量单位应为 万元、元、人、次、个、户、亩、%%、件、项 或 公里");
	if (d->weight < 0 || d->weight > 100)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_weight", "weight", 0, "权重应在 0 到 100 之间");
	if (strcmp(d->source, "ledger") == 0) {
		if (!IN(d->ledger_kind, ledger_kinds))
			return zx_fail(ei, ZX_EVALIDATION, "invalid_ledger_kind", "ledger_kind", 0,
			               "台账类别 %.31s 不存在", d->ledger_kind);
		if (!IN(d->agg, aggs))
			return zx_fail(ei, ZX_EVALIDATION, "invalid_agg", "agg", 0,
			               "统计方式应为 计数、金额合计、数量合计 或 人数");
		if ((strcmp(d->agg, "sum_amount") == 0) != is_money(d->unit))
			return zx_fail(ei, ZX_EVALIDATION, "invalid_unit", "unit", 0,
			               "金额合计的单位应为 元 或 万元，其他统计方式不能用金额单位");
		if (d->filter_field[0] && !ident_ok(d->filter_field, sizeof(d->filter_field) - 1))
			return zx_fail(ei, ZX_EVALIDATION, "invalid_filter", "filter_field", 0,
			               "筛选字段应为台账字段代码（小写字母、数字或下划线）");
		if (d->filter_field[0] && !d->filter_value[0])
			return zx_fail(ei, ZX_EVALIDATION, "invalid_filter", "filter_value", 0,
			               "请填写筛选值");
		if ((e = zx_asst_text(d->filter_value, sizeof(d->filter_value) - 1, "filter_value", "筛选值",
		                      ei)))
			return e;
	} else if (strcmp(d->source, "figure") == 0) {
		if (!zx_ind_figure_known(d->figure))
			return zx_fail(ei, ZX_EVALIDATION, "invalid_figure", "figure", 0,
			               "数据指标 %.63s 不存在", d->figure);
		if (is_money(d->unit) != zx_ind_figure_is_money(d->figure))
			return zx_fail(ei, ZX_EVALIDATION, "invalid_unit", "unit", 0,
			               "数据指标 %.63s 的单位与所选计量单位不一致", d->figure);
	} else {
		return zx_fail(ei, ZX_EVALIDATION, "invalid_source", "source", 0,
		               "数据来源应为 台账 或 数据指标");
	}
	return ZX_OK;
}

zx_err zx_indicator_define(zx_conn *c, const zx_actor *a, const zx_indicator *in, bool *created,
                           zx_errinfo *ei)
{
	if (a->role != ZX_ROLE_COUNTY_ADMIN)
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "只有县级管理员可以定义考核指标");
	zx_indicator d = *in, old;
	zx_errinfo ign;
	zx_errinfo_clear(&ign);
	zx_err e = zx_indicator_find(c, d.key, &old, &ign);
	bool exists = e == ZX_OK;
	if (e && e != ZX_ENOTFOUND)
		return e;
	if (exists && old.builtin) { /* a built-in keeps its source */
		memcpy(d.source, old.source, sizeof(d.source));
		memcpy(d.ledger_kind, old.ledger_kind, sizeof(d.ledger_kind));
		memcpy(d.agg, old.agg, sizeof(d.agg));
		memcpy(d.filter_field, old.filter_field, sizeof(d.filter_field));
		memcpy(d.filter_value, old.filter_value, sizeof(d.filter_value));
		memcpy(d.figure, old.figure, sizeof(d.figure));
		if (zx_ind_unit_scale(d.unit) != zx_ind_unit_scale(old.unit) ||
		    is_money(d.unit) != is_money(old.unit))
			memcpy(d.unit, old.unit, sizeof(d.unit));
	}
	if (strcmp(d.source, "figure") == 0) {
		d.ledger_kind[0] = d.agg[0] = d.filter_field[0] = d.filter_value[0] = '\0';
	} else {
		d.figure[0] = '\0';
		if (!d.filter_field[0])
			d.filter_value[0] = '\0';
	}
	if ((e = check_definition(&d, ei)))
		return e;
	if (exists && !old.builtin && zx_ind_unit_scale(d.unit) != zx_ind_unit_scale(old.unit))
		return zx_fail(
		    ei, ZX_ECONFLICT, "unit_change", "unit", 0,
		    "指标 %s 已存在，计量单位不能在 万元 与其他单位之间更改（已有目标值的含义会改变）",
		    d.key);
	int64_t now = zx_now();
	if ((e = zx_tx_begin_write(c)))
		return e;
	if (exists)
		e = zx_exec(c, NULL, ZXQ_indicator_update,
		            ZX_ARGS(ZX_TEXT(d.key), ZX_TEXT(d.name), ZX_TEXT(d.unit), ZX_TEXT(d.source),
		                    ZX_TEXT(d.ledger_kind), ZX_TEXT(d.agg), ZX_TEXT(d.filter_field),
		                    ZX_TEXT(d.filter_value), ZX_TEXT(d.figure), ZX_INT(d.weight),
		                    ZX_INT(d.higher_better), ZX_INT(now)),
		            NULL);
	else
		e = zx_exec(c, NULL, ZXQ_indicator_insert,
		            ZX_ARGS(ZX_TEXT(d.key), ZX_TEXT(d.name), ZX_TEXT(d.unit), ZX_TEXT(d.source),
		                    ZX_TEXT(d.ledger_kind), ZX_TEXT(d.agg), ZX_TEXT(d.filter_field),
		                    ZX_TEXT(d.filter_value), ZX_TEXT(d.figure), ZX_INT(d.weight),
		                    ZX_INT(d.higher_better), ZX_TEXT(a->username), ZX_INT(now)),
		            NULL);
	if (!e) {
		char obj[64], detail[400];
		snprintf(obj, sizeof(obj), "indicator:%s", d.key);
		snprintf(detail, sizeof(detail),
		         "name=%s unit=%s source=%s %s%s%s weight=%d higher_better=%d", d.name, d.unit,
		         d.source, d.source[0] == 'f' ? d.figure : d.ledger_kind, d.agg[0] ? "/" : "", d.agg,
		         d.weight, d.higher_better);
		e = zx_audit_write(c, a, exists ? "indicator.update" : "indicator.create", obj, "ok", detail);
	}
	if (!e)
		e = zx_tx_commit(c);
	if (e) {
		zx_tx_rollback(c);
		return e;
	}
	if (created)
		*created = !exists;
	return ZX_OK;
}

/* ---- targets ---------------------------------------------------------------------------- */

bool zx_ind_role_reads(zx_role r)
{
	return r == ZX_ROLE_COUNTY_ADMIN || r == ZX_ROLE_TOWN_ADMIN || r == ZX_ROLE_VILLAGE_CLERK ||
	       r == ZX_ROLE_HELPER || r == ZX_ROLE_DEPT_USER;
}

/* Common part of set and delete: role, area and level, indicator, period. */
static zx_err target_prepare(zx_conn *c, const zx_actor *a, const zx_target_input *in, char code[13],
                             zx_indicator *d, zx_period *p, zx_errinfo *ei)
{
	if (a->role != ZX_ROLE_COUNTY_ADMIN && a->role != ZX_ROLE_TOWN_ADMIN)
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0,
		               "只有县级、乡镇管理员可以设置目标任务");
	int level = 0, own = a->role == ZX_ROLE_COUNTY_ADMIN ? 3 : 4;
	zx_err e = zx_asst_area(c, a, in->area, code, &level, ei);
	if (e)
		return e;
	if (level < 3 || level > 5 || (a->role == ZX_ROLE_TOWN_ADMIN && level <= own))
		return zx_fail(ei, ZX_EFORBIDDEN, "area_level", "area", 0,
		               a->role == ZX_ROLE_TOWN_ADMIN ? "乡镇管理员只能为本乡镇的村（社区）设置目标"
		                                             : "目标应设置到县、乡镇或村");
	if ((e = zx_indicator_find(c, in->key, d, ei)))
		return e;
	if (!zx_period_parse(in->year, in->period, p))
		return zx_fail(
		    ei, ZX_EVALIDATION, "invalid_period", "period", 0,
		    "考核期应为 Y、H1、H2、Q1–Q4、M01–M12 或 本年内的日期（如 %d-06-30），年度应在 2000–2100",
		    in->year);
	return ZX_OK;
}

zx_err zx_target_set(zx_conn *c, const zx_actor *a, const zx_target_input *in, zx_errinfo *ei)
{
	char code[13];
	zx_indicator d;
	zx_period p;
	zx_err e = target_prepare(c, a, in, code, &d, &p, ei);
	if (e)
		return e;
	bool has_value = in->value && *in->value, has_share = in->share && *in->share;
	int64_t value = 0, share = 0;
	if (has_value == has_share)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_target", "target", 0,
		               has_value ? "目标值与占年度目标比例只能填一项" : "请填写目标值");
	if (has_value && (!zx_ind_value_parse(d.unit, in->value, &value) || value == 0))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_target", "target", 0,
		               "%s的目标值应为大于 0 的数（单位%s，最多 %d 位小数）：%.32s", d.name, d.unit,
		               scale_decimals(zx_ind_unit_scale(d.unit)), in->value);
	if (has_share && p.code[0] != 'D')
		return zx_fail(ei, ZX_EVALIDATION, "invalid_share", "share", 0,
		               "只有按日期的节点目标（如 %d-06-30）可以按年度目标的比例设置", in->year);
	if (has_share && (!zx_ind_value_parse("%", in->share, &share) || share == 0 || share > 10000))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_share", "share", 0,
		               "占年度目标比例应在 0 到 100 之间（%%，最多 2 位小数）：%.32s", in->share);
	zx_scope sc;
	zx_scope_of_area(code, &sc);
	if ((e = zx_tx_begin_write(c)))
		return e;
	int64_t n = 0;
	e = zx_exec(c, &sc, ZXQ_indicator_target_upsert,
	            ZX_ARGS(ZX_TEXT(code), ZX_INT(d.id), ZX_INT(p.year), ZX_TEXT(p.code), ZX_TEXT(p.start),
	                    ZX_TEXT(p.end), has_value ? ZX_INT(value) : ZX_NULLV,
	                    has_share ? ZX_INT(share) : ZX_NULLV, ZX_TEXT(a->username), ZX_INT(zx_now())),
	            &n);
	if (!e && n != 1)
		e = ZX_EINTERNAL;
	if (!e) {
		char obj[96], detail[200], v[48];
		snprintf(obj, sizeof(obj), "indicator_target:%s/%s/%d/%s", code, d.key, p.year, p.code);
		if (has_value)
			zx_ind_value_format(d.unit, value, v, sizeof(v));
		else
			zx_ind_value_format("%", share, v, sizeof(v));
		snprintf(detail, sizeof(detail), "%s=%s%s", has_value ? "target" : "share", v,
		         has_value ? d.unit : "%");
		e = zx_audit_write(c, a, "indicator.target.set", obj, "ok", detail);
	}
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

zx_err zx_target_delete(zx_conn *c, const zx_actor *a, const zx_target_input *in, zx_errinfo *ei)
{
	char code[13];
	zx_indicator d;
	zx_period p;
	zx_err e = target_prepare(c, a, in, code, &d, &p, ei);
	if (e)
		return e;
	zx_scope sc;
	zx_scope_of_area(code, &sc);
	if ((e = zx_tx_begin_write(c)))
		return e;
	int64_t n = 0;
	e = zx_exec(c, &sc, ZXQ_indicator_target_delete,
	            ZX_ARGS(ZX_TEXT(code), ZX_INT(d.id), ZX_INT(p.year), ZX_TEXT(p.code)), &n);
	if (!e && n == 0)
		e = zx_fail(ei, ZX_ENOTFOUND, "not_found", "period", 0, "%s 没有 %s 的%s目标", code, p.label,
		            d.name);
	if (!e) {
		char obj[96];
		snprintf(obj, sizeof(obj), "indicator_target:%s/%s/%d/%s", code, d.key, p.year, p.code);
		e = zx_audit_write(c, a, "indicator.target.delete", obj, "ok", "");
	}
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

/* ---- completion ------------------------------------------------------------------------- */

zx_err zx_ind_status_of(zx_conn *c, const zx_actor *a, const char *code, const zx_period *p,
                        zx_ind_status_fn fn, void *ctx)
{
	zx_scope sc;
	zx_scope_of_area(code, &sc);
	zx_stmt *s;
	zx_err e = zx_query_open(
	    c, &sc, ZXQ_indicator_status,
	    ZX_ARGS(ZX_TEXT(code), ZX_INT(p->year), ZX_TEXT(p->code), ZX_TEXT(p->start), ZX_TEXT(p->end)),
	    &s);
	if (e)
		return e;
	bool row;
	zx_indicator d;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		read_indicator(s, 0, &d);
		zx_ind_status st = {.ind = &d};
		st.has_target = zx_col_int(s, 15) != 0 && !zx_col_null(s, 13);
		st.target = zx_col_int(s, 13);
		st.share_bp = (int)zx_col_int(s, 14);
		st.has_actual = !zx_col_null(s, 16);
		st.actual = zx_col_int(s, 16);
		st.has_completion = !zx_col_null(s, 17);
		st.completion = zx_col_real(s, 17);
		if (strcmp(d.source, "figure") == 0) {
			zx_err fe = zx_ind_figure_actual(c, a, code, p->year, &d, &st.has_actual, &st.actual);
			if (fe) {
				e = fe;
				break;
			}
			st.has_completion = st.has_actual && st.has_target && st.target > 0;
			st.completion = st.has_completion ? (double)st.actual / (double)st.target : 0;
		}
		if (!fn(ctx, &st))
			break;
	}
	zx_stmt_done(s);
	return e;
}

zx_err zx_indicator_status(zx_conn *c, const zx_actor *a, const char *area, const zx_period *p,
                           zx_ind_status_fn fn, void *ctx, zx_errinfo *ei)
{
	if (!zx_ind_role_reads(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能查看考核指标",
		               zx_role_name(a->role));
	char code[13];
	zx_err e = zx_asst_area(c, a, area, code, NULL, ei);
	if (e)
		return e;
	return zx_ind_status_of(c, a, code, p, fn, ctx);
}
