/*
 * rules.c — single-value and single-row registry rules (see rules.h).
 *
 * Invariant: limits and messages match the importer's (import.c, import_check.c), so a
 * value refused by hand is refused by import and the other way round; a change to one
 * rule changes both (tests in test_registry_edit.c pin the wording of each).
 */
#include "domain/registry/rules.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/idcard.h"

static bool digits(const char *s, size_t lo, size_t hi)
{
	size_t n = strlen(s);
	if (n < lo || n > hi)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static size_t text_max(zx_template_col col)
{
	switch (col) {
	case ZX_COL_NAME:
		return ZX_RULE_NAME_MAX;
	case ZX_COL_HELPER:
		return ZX_RULE_HELPER_MAX;
	default:
		return ZX_RULE_SHORT_MAX;
	}
}

static zx_err small_int(const zx_template_column *c, const char *v, int lo, int hi, zx_errinfo *ei)
{
	if (!*v || (digits(v, 1, 4) && strtol(v, NULL, 10) >= lo && strtol(v, NULL, 10) <= hi))
		return ZX_OK;
	if (c->id == ZX_COL_TUOPIN_YEAR)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_value", c->name, 0,
		               "脱贫年度应为 %d 至 %d 之间的年份", lo, hi);
	return zx_fail(ei, ZX_EVALIDATION, "invalid_value", c->name, 0, "%s应为 %d 至 %d 的整数", c->name, lo,
	               hi);
}

zx_err zx_rule_value(zx_template_col col, const char *v, zx_errinfo *ei)
{
	const zx_template_column *c = &zx_template_columns(NULL)[col];
	if (!v)
		v = "";
	if (!*v && !c->blank_ok)
		return zx_fail(ei, ZX_EVALIDATION, "missing_value", c->name, 0, "%s不能为空", c->name);
	if (!zx_template_value_ok(c, v)) {
		char list[400] = "";
		size_t n = 0;
		for (const char *const *p = c->values; p && *p && n + strlen(*p) + 4 < sizeof(list); p++)
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", n ? "、" : "", *p);
		return zx_fail(ei, ZX_EVALIDATION, "invalid_value", c->name, 0,
		               "“%s”不是有效的%s（可填：%s）", v, c->name, list);
	}
	if (c->values)
		return ZX_OK;
	switch (col) {
	case ZX_COL_WORK_MONTHS:
		return small_int(c, v, 0, 12, ei);
	case ZX_COL_TUOPIN_YEAR:
		return small_int(c, v, ZX_RULE_TUOPIN_FIRST, ZX_RULE_TUOPIN_LAST, ei);
	case ZX_COL_AREA:
		return digits(v, 12, 12) ? ZX_OK
		                         : zx_fail(ei, ZX_EVALIDATION, "invalid_value", c->name, 0,
		                                   "行政区划代码应为12位数字（村级统计用区划代码）");
	case ZX_COL_PHONE:
		return zx_rule_phone(v, ei);
	case ZX_COL_ID: {
		char norm[19];
		int birth, gender;
		return zx_rule_id(v, norm, &birth, &gender, ei);
	}
	default:
		break;
	}
	size_t max = text_max(col);
	if (strlen(v) > max)
		return zx_fail(ei, ZX_EVALIDATION, "value_too_long", c->name, 0, "%s过长（最多 %zu 字节）",
		               c->name, max);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return zx_fail(ei, ZX_EVALIDATION, "invalid_value", c->name, 0, "%s含有控制字符",
			               c->name);
	return ZX_OK;
}

zx_err zx_rule_id(const char *v, char norm[19], int *birth_ymd, int *gender, zx_errinfo *ei)
{
	zx_idcard card;
	if (!v || !*v)
		return zx_fail(ei, ZX_EVALIDATION, "missing_value", "证件号码", 0, "证件号码不能为空");
	zx_idcard_status st = zx_idcard_parse(v, zx_today_ymd(), &card);
	if (st != ZX_ID_OK)
		return zx_fail(ei, ZX_EVALIDATION, zx_idcard_status_code(st), "证件号码", 0, "%s",
		               zx_idcard_status_message(st));
	memcpy(norm, card.norm, 19);
	*birth_ymd = card.birth_ymd;
	*gender = card.gender;
	return ZX_OK;
}

zx_err zx_rule_gender(const char *gender, int id_gender, zx_errinfo *ei)
{
	const char *want = id_gender == 1 ? "男" : "女";
	if (!gender || strcmp(gender, want) != 0)
		return zx_fail(ei, ZX_EVALIDATION, "gender_mismatch", "性别", 0,
		               "性别与证件号码不符（证件号码显示为%s）", want);
	return ZX_OK;
}

zx_err zx_rule_phone(const char *v, zx_errinfo *ei)
{
	if (!v || !*v)
		return ZX_OK;
	size_t n = strlen(v);
	bool ok = false;
	if (n == 11 && v[0] == '1' && v[1] >= '3' && v[1] <= '9' && digits(v, 11, 11)) {
		ok = true;
	} else if (n >= 10 && n <= 13 && v[0] == '0') {
		const char *dash = strchr(v, '-');
		if (!dash) {
			ok = digits(v, n, n);
		} else {
			size_t a = (size_t)(dash - v);
			char area[8] = "";
			if (a >= 3 && a <= 4) {
				memcpy(area, v, a);
				area[a] = '\0';
				ok = digits(area, 3, 4) && digits(dash + 1, 7, 8);
			}
		}
	}
	return ok ? ZX_OK
	          : zx_fail(ei, ZX_EVALIDATION, "invalid_phone", "联系电话", 0,
	                    "联系电话格式不正确（应为11位手机号或带区号的固定电话）");
}

zx_err zx_rule_household(const char *hh_type, const char *category, const char *tuopin_year, zx_errinfo *ei)
{
	bool tuopin = hh_type && !strcmp(hh_type, "脱贫户");
	if (category && !strcmp(category, "脱贫不稳定户") && !tuopin)
		return zx_fail(ei, ZX_EVALIDATION, "category_needs_tuopin", "监测对象类别", 0,
		               "脱贫不稳定户只能是脱贫户（本户户类型为“%s”）", hh_type ? hh_type : "");
	if (tuopin_year && *tuopin_year && !tuopin)
		return zx_fail(ei, ZX_EVALIDATION, "tuopin_year_needs_tuopin", "脱贫年度", 0,
		               "只有脱贫户填写脱贫年度（本户户类型为“%s”）", hh_type ? hh_type : "");
	return ZX_OK;
}

zx_err zx_rule_member(const char *health, const char *disability, zx_errinfo *ei)
{
	if (disability && *disability && (!health || strcmp(health, "残疾") != 0))
		return zx_fail(ei, ZX_EVALIDATION, "disability_needs_health", "残疾等级", 0,
		               "填写了残疾等级，但健康状况不是“残疾”");
	return ZX_OK;
}
