/*
 * assistance.c — shared helpers of the 帮扶 module (see assistance.h): catalogue and
 * checklist, calendar arithmetic on YYYYMMDD dates, 元/分 conversion, household lookup
 * inside the actor's scope and the write permission rule.
 *
 * Invariant: a household is only ever found through a scoped query, so one outside the
 * actor's area is indistinguishable from one that does not exist (404, never 403).
 */
#include "domain/assistance/assistance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const zx_measure_kinds[ZX_MEASURE_KIND_COUNT] = {
    "产业帮扶", "就业帮扶",      "公益性岗位", "健康帮扶",      "教育帮扶", "医保", "民政救助",
    "小额信贷", "住房/饮水保障", "技能培训",   "宣传/扶志扶智", "社会帮扶", "其他",
};

const zx_visit_check zx_visit_checks[ZX_VISIT_CHECK_COUNT] = {
    {ZX_VISIT_INCOME, "income", "收入"},   {ZX_VISIT_HOUSING, "housing", "住房"},
    {ZX_VISIT_WATER, "water", "饮水"},     {ZX_VISIT_EDUCATION, "education", "教育"},
    {ZX_VISIT_MEDICAL, "medical", "医疗"}, {ZX_VISIT_EMPLOYMENT, "employment", "就业/政策落实"},
};

bool zx_measure_kind_ok(const char *s)
{
	for (int i = 0; s && i < ZX_MEASURE_KIND_COUNT; i++)
		if (strcmp(s, zx_measure_kinds[i]) == 0)
			return true;
	return false;
}

bool zx_measure_status_ok(const char *s)
{
	return s && (strcmp(s, ZX_MEASURE_PLANNED) == 0 || strcmp(s, ZX_MEASURE_ACTIVE) == 0 ||
	             strcmp(s, ZX_MEASURE_DONE) == 0 || strcmp(s, ZX_MEASURE_CANCELLED) == 0);
}

unsigned zx_visit_check_parse(const char *s)
{
	for (int i = 0; s && i < ZX_VISIT_CHECK_COUNT; i++)
		if (strcmp(s, zx_visit_checks[i].key) == 0 || strcmp(s, zx_visit_checks[i].name) == 0)
			return zx_visit_checks[i].bit;
	return 0;
}

/* ---- dates ------------------------------------------------------------------------------- */

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

bool zx_asst_ymd_valid(int ymd)
{
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t zx_asst_days_of(int ymd)
{
	int64_t y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int zx_asst_ymd_of_days(int64_t z)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	return (int)(y * 10000 + m * 100 + d);
}

int zx_asst_ymd_add_days(int ymd, int64_t days)
{
	return zx_asst_ymd_of_days(zx_asst_days_of(ymd) + days);
}

int64_t zx_asst_ymd_diff(int a, int b)
{
	return zx_asst_days_of(a) - zx_asst_days_of(b);
}

int zx_asst_ymd_add_months(int ymd, int months)
{
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	int total = y * 12 + (m - 1) + months;
	y = total / 12;
	m = total % 12 + 1;
	int last = month_days(y, m);
	return y * 10000 + m * 100 + (d > last ? last : d);
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool zx_asst_ymd_parse(const char *s, int *ymd)
{
	if (!s)
		return false;
	size_t n = strlen(s);
	int v;
	if (n == 8 && all_digits(s, 8)) {
		v = (int)strtol(s, NULL, 10);
	} else if (n == 10 && s[4] == '-' && s[7] == '-' && all_digits(s, 4) && all_digits(s + 5, 2) &&
	           all_digits(s + 8, 2)) {
		v = (int)(strtol(s, NULL, 10) * 10000 + strtol(s + 5, NULL, 10) * 100 +
		          strtol(s + 8, NULL, 10));
	} else {
		return false;
	}
	if (!zx_asst_ymd_valid(v) || v < 20000101 || v > 21001231)
		return false;
	*ymd = v;
	return true;
}

void zx_asst_ymd_format(int ymd, char *out, size_t outsz)
{
	if (ymd <= 0)
		snprintf(out, outsz, "%s", "");
	else
		snprintf(out, outsz, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
}

/* ---- money ------------------------------------------------------------------------------- */

bool zx_asst_yuan_parse(const char *s, int64_t *fen)
{
	if (!s || !*s || strlen(s) > 16)
		return false;
	int64_t yuan = 0, cents = 0;
	const char *p = s;
	int ndig = 0;
	while (*p >= '0' && *p <= '9') {
		yuan = yuan * 10 + (*p++ - '0');
		ndig++;
	}
	if (ndig == 0 || ndig > 11)
		return false;
	if (*p == '.') {
		p++;
		int nd = 0;
		while (*p >= '0' && *p <= '9' && nd < 2) {
			cents = cents * 10 + (*p++ - '0');
			nd++;
		}
		if (nd == 0)
			return false;
		if (nd == 1)
			cents *= 10;
	}
	if (*p)
		return false;
	int64_t v = yuan * 100 + cents;
	if (v > ZX_ASST_MAX_FEN)
		return false;
	*fen = v;
	return true;
}

void zx_asst_yuan_format(int64_t fen, char *out, size_t outsz)
{
	const char *sign = fen < 0 ? "-" : "";
	int64_t a = fen < 0 ? -fen : fen;
	snprintf(out, outsz, "%s%lld.%02lld", sign, (long long)(a / 100), (long long)(a % 100));
}

/* ---- households -------------------------------------------------------------------------- */

static void read_household(zx_stmt *s, zx_asst_household *out)
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
	out->housing_safe = zx_col_null(s, 11) ? -1 : (int)zx_col_int(s, 11);
	out->water_safe = zx_col_null(s, 12) ? -1 : (int)zx_col_int(s, 12);
	out->created_at = zx_col_int(s, 13);
}

static zx_err one_household(zx_conn *c, const zx_scope *scope, zx_query q, const zx_val *args, int nargs,
                            zx_asst_household *out)
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

zx_err zx_asst_household_find(zx_conn *c, const zx_actor *a, const char *hh_no, zx_asst_household *out,
                              zx_errinfo *ei)
{
	zx_err e = ZX_ENOTFOUND;
	if (hh_no && *hh_no && strlen(hh_no) < sizeof(out->hh_no)) {
		if (strncmp(a->scope.lo, a->scope.hi, 6) == 0) {
			/* Every role is bound to a county or below: the scope names the county,
			 * and (county, 户编号) is the registry's unique key. */
			char county[7];
			snprintf(county, sizeof(county), "%.6s", a->scope.lo);
			e = one_household(c, &a->scope, ZXQ_asst_household_by_no,
			                  ZX_ARGS(ZX_TEXT(county), ZX_TEXT(hh_no)), out);
		} else {
			e = one_household(c, &a->scope, ZXQ_asst_household_by_no_any, ZX_ARGS(ZX_TEXT(hh_no)),
			                  out);
		}
	}
	if (e == ZX_ENOTFOUND)
		return zx_fail(ei, e, "household_not_found", "户编号", 0,
		               "户编号 %.40s 不存在或不在您的管理范围内", hh_no ? hh_no : "");
	return e;
}

zx_err zx_asst_household_by_id(zx_conn *c, const zx_scope *scope, int64_t id, zx_asst_household *out)
{
	return one_household(c, scope, ZXQ_asst_household_by_id, ZX_ARGS(ZX_INT(id)), out);
}

bool zx_asst_role_writes(zx_role r)
{
	return r == ZX_ROLE_COUNTY_ADMIN || r == ZX_ROLE_TOWN_ADMIN || r == ZX_ROLE_VILLAGE_CLERK ||
	       r == ZX_ROLE_HELPER;
}

bool zx_asst_assigned(const zx_actor *a, const char *helper)
{
	if (a->role != ZX_ROLE_HELPER)
		return true;
	return helper && *helper && a->display_name[0] && strcmp(helper, a->display_name) == 0;
}

zx_err zx_asst_may_write(const zx_actor *a, const zx_asst_household *h, zx_errinfo *ei)
{
	if (!zx_asst_role_writes(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能登记帮扶信息",
		               zx_role_name(a->role));
	if (!zx_asst_assigned(a, h->helper))
		return zx_fail(ei, ZX_EFORBIDDEN, "not_assigned", "户编号", 0,
		               "户编号 %.40s 的帮扶责任人不是您，不能为该户登记", h->hh_no);
	return ZX_OK;
}

zx_err zx_asst_area(zx_conn *c, const zx_actor *a, const char *code, char out[13], int *level, zx_errinfo *ei)
{
	if (!code || !*code)
		code = a->area_code;
	if (strlen(code) != 12 || !all_digits(code, 12))
		return zx_fail(ei, ZX_EINVAL, "invalid_area_code", "area", 0, "区划代码应为12位数字");
	if (!zx_scope_contains(&a->scope, code))
		return zx_fail(ei, ZX_EFORBIDDEN, "area_forbidden", "area", 0, "区域 %s 不在您的管理范围内",
		               code);
	int64_t lv = 0;
	zx_err e = zx_query_int(c, NULL, ZXQ_asst_area_level, ZX_ARGS(ZX_TEXT(code)), &lv);
	if (e == ZX_ENOTFOUND)
		return zx_fail(ei, e, "not_found", "area", 0, "区划代码 %s 不存在", code);
	if (e)
		return e;
	memcpy(out, code, 13);
	if (level)
		*level = (int)lv;
	return ZX_OK;
}

zx_err zx_asst_text(const char *v, size_t max, const char *field, const char *label, zx_errinfo *ei)
{
	if (!v)
		return ZX_OK;
	size_t n = strlen(v);
	if (n > max)
		return zx_fail(ei, ZX_EVALIDATION, "field_too_long", field, 0,
		               "%s不能超过 %zu 字节（约 %zu 个汉字）", label, max, max / 3);
	const unsigned char *p = (const unsigned char *)v;
	while (*p) {
		unsigned char b = *p;
		size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
		if (len == 0)
			goto bad;
		for (size_t i = 1; i < len; i++)
			if ((p[i] & 0xC0) != 0x80)
				goto bad;
		if (len == 1 && b < 0x20 && b != '\n' && b != '\t' && b != '\r')
			goto bad;
		if (b == 0x7f)
			goto bad;
		p += len;
	}
	return ZX_OK;
bad:
	return zx_fail(ei, ZX_EVALIDATION, "invalid_text", field, 0, "%s含有无效字符", label);
}
