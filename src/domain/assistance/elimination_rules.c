/*
 * elimination_rules.c — the 风险消除 conditions as one pure function (see elimination.h).
 *
 * Invariants: no I/O and no clock here — "today" is a field of the facts — so every
 * condition is tested by building a struct. Money is compared in exact integers (人均纯收入
 * > 监测线 ⇔ 纯收入 > 监测线 × 人口); rounding (half away from zero, whole 元) happens only in
 * the figures shown.
 */
#include "domain/assistance/elimination.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *key, *name;
} conditions[ZX_EC__COUNT] = {
    [ZX_EC_INCOME] = {"income_stable", "收入连续6个月稳定高于监测线"},
    [ZX_EC_GUARANTEES] = {"guarantees", "三保障和饮水安全"},
    [ZX_EC_MEASURE] = {"measure_done", "至少一项帮扶措施已落实"},
    [ZX_EC_MONITORED] = {"monitored_6m", "纳入监测满6个月"},
    [ZX_EC_LABOUR] = {"has_labour", "非无劳动力兜底户"},
    [ZX_EC_ISSUES] = {"issues_closed", "无未整改回头看问题"},
    [ZX_EC_COMPLETE] = {"info_complete", "信息完整"},
};

const char *zx_elim_kind_name(zx_elim_kind k)
{
	return k == ZX_ELIM_NATURAL ? "自然消除" : "帮扶消除";
}

int zx_elim_kind_parse(const char *s)
{
	if (s && strcmp(s, "帮扶消除") == 0)
		return ZX_ELIM_HELPED;
	if (s && strcmp(s, "自然消除") == 0)
		return ZX_ELIM_NATURAL;
	return -1;
}

/* num / den in whole 元 from 分, half away from zero (den > 0). */
static int64_t yuan_rounded(int64_t fen_num, int64_t den)
{
	int64_t n = fen_num < 0 ? -fen_num : fen_num;
	int64_t v = (2 * n + 100 * den) / (200 * den);
	return fen_num < 0 ? -v : v;
}

/* Appends "、"-separated items to a detail buffer. */
static void add_item(char *buf, size_t cap, const char *fmt, int n)
{
	size_t len = strlen(buf);
	if (len + 4 >= cap)
		return;
	if (len)
		len += (size_t)snprintf(buf + len, cap - len, "、");
	if (len < cap)
		snprintf(buf + len, cap - len, fmt, n);
}

static void set(zx_elim_result *r, bool passed, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set(zx_elim_result *r, bool passed, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
	r->passed = passed;
}

static void income(const zx_elim_facts *f, zx_elim_result *r)
{
	int year = f->today_ymd / 10000;
	if (f->survey_year <= 0 || f->survey_size <= 0) {
		set(r, false, "缺少收入采集数据，无法判断收入是否稳定高于监测线");
		return;
	}
	int64_t pc = yuan_rounded(f->survey_net, f->survey_size);
	if (f->survey_year < year - 1) {
		set(r, false,
		    "最近一次收入采集为%d年（人均纯收入 %" PRId64 "元），数据过旧，请先采集%d年收入",
		    f->survey_year, pc, year - 1);
		return;
	}
	if (f->income_line < 0) {
		set(r, false, "缺少%d年监测线（政策参数），无法判断；%d年人均纯收入 %" PRId64 "元",
		    f->survey_year, f->survey_year, pc);
		return;
	}
	int64_t line = yuan_rounded(f->income_line, 1);
	bool above = f->survey_net > f->income_line * (int64_t)f->survey_size;
	if (above)
		set(r, true, "%d年人均纯收入 %" PRId64 "元，高于监测线 %" PRId64 "元", f->survey_year, pc,
		    line);
	else
		set(r, false, "%d年人均纯收入 %" PRId64 "元，未高于监测线 %" PRId64 "元", f->survey_year, pc,
		    line);
}

static void guarantees(const zx_elim_facts *f, zx_elim_result *r)
{
	char bad[sizeof(r->detail)] = "";
	if (f->housing_safe == 0)
		add_item(bad, sizeof(bad), "住房安全未保障", 0);
	else if (f->housing_safe < 0)
		add_item(bad, sizeof(bad), "住房安全情况不详", 0);
	if (f->water_safe == 0)
		add_item(bad, sizeof(bad), "饮水安全未保障", 0);
	else if (f->water_safe < 0)
		add_item(bad, sizeof(bad), "饮水安全情况不详", 0);
	if (f->dropouts > 0)
		add_item(bad, sizeof(bad), "%d名成员失学辍学（义务教育未保障）", f->dropouts);
	if (f->uninsured > 0)
		add_item(bad, sizeof(bad), "%d名成员未参加基本医疗保险", f->uninsured);
	if (f->insured_unknown > 0)
		add_item(bad, sizeof(bad), "%d名成员参保情况不详", f->insured_unknown);
	if (bad[0])
		set(r, false, "%s", bad);
	else
		set(r, true, "住房安全、饮水安全有保障，义务教育和基本医疗有保障");
}

static void measure(const zx_elim_facts *f, zx_elim_kind kind, zx_elim_result *r)
{
	if (kind == ZX_ELIM_NATURAL) {
		r->applicable = false;
		set(r, true, "自然消除不要求帮扶措施");
		return;
	}
	if (f->measures_done > 0)
		set(r, true, "已落实帮扶措施 %d 项", f->measures_done);
	else
		set(r, false, "没有已落实的帮扶措施（帮扶消除至少需要一项）");
}

static void monitored(const zx_elim_facts *f, zx_elim_result *r)
{
	if (f->included_ymd <= 0 || !zx_asst_ymd_valid(f->included_ymd)) {
		set(r, false, "纳入监测日期不详");
		return;
	}
	char since[16], due[16];
	int due_ymd = zx_asst_ymd_add_months(f->included_ymd, 6);
	zx_asst_ymd_format(f->included_ymd, since, sizeof(since));
	zx_asst_ymd_format(due_ymd, due, sizeof(due));
	const char *src = f->included_source == ZX_SINCE_REGISTRY  ? "（以录入系统日期计）"
	                  : f->included_source == ZX_SINCE_HISTORY ? "（以登记变更日期计）"
	                                                           : "";
	if (f->today_ymd >= due_ymd)
		set(r, true, "%s 纳入监测%s，已满6个月", since, src);
	else
		set(r, false, "%s 纳入监测%s，%s 才满6个月", since, src, due);
}

static void labour(const zx_elim_facts *f, zx_elim_result *r)
{
	if (f->members > 0 && f->no_labour >= f->members) {
		char share[64] = "";
		int64_t net = f->survey_net;
		if (f->survey_year > 0 && net > 0 && f->survey_transfer > 0) {
			int64_t pct = (f->survey_transfer * 100 + net / 2) / net;
			snprintf(share, sizeof(share), "，转移性收入占纯收入 %" PRId64 "%%", pct);
		}
		set(r, false, "全部 %d 名成员无劳动力或丧失劳动力%s，应继续监测并落实兜底保障", f->members,
		    share);
		return;
	}
	set(r, true, "%d 名成员中 %d 名有劳动能力或劳动能力不详", f->members, f->members - f->no_labour);
}

static void issues(const zx_elim_facts *f, zx_elim_result *r)
{
	if (f->open_issues > 0)
		set(r, false, "有 %d 个排查/回头看问题尚未整改完成", f->open_issues);
	else
		set(r, true, "没有未整改的排查/回头看问题");
}

static void complete(const zx_elim_facts *f, zx_elim_result *r)
{
	char miss[sizeof(r->detail)] = "";
	if (!f->has_head)
		add_item(miss, sizeof(miss), "户主信息", 0);
	if (!f->has_risk_type)
		add_item(miss, sizeof(miss), "风险类型", 0);
	if (!f->has_helper)
		add_item(miss, sizeof(miss), "帮扶责任人", 0);
	if (f->housing_safe < 0)
		add_item(miss, sizeof(miss), "住房安全", 0);
	if (f->water_safe < 0)
		add_item(miss, sizeof(miss), "饮水安全", 0);
	if (f->labour_unknown > 0)
		add_item(miss, sizeof(miss), "%d名成员的劳动技能", f->labour_unknown);
	if (f->health_unknown > 0)
		add_item(miss, sizeof(miss), "%d名成员的健康状况", f->health_unknown);
	if (f->insured_unknown > 0)
		add_item(miss, sizeof(miss), "%d名成员的参保情况", f->insured_unknown);
	if (!f->has_plan)
		add_item(miss, sizeof(miss), "一户一策帮扶计划", 0);
	if (miss[0]) {
		set(r, false, "缺少：%s", miss);
		return;
	}
	if (f->members <= 0 || f->size != f->members) {
		set(r, false, "人口数 %d 与家庭成员 %d 人不一致", f->size, f->members);
		return;
	}
	set(r, true, "户籍、成员和帮扶信息完整");
}

void zx_elim_evaluate(const zx_elim_facts *f, zx_elim_kind kind, zx_elim_check *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	for (int i = 0; i < ZX_EC__COUNT; i++) {
		out->r[i].key = conditions[i].key;
		out->r[i].name = conditions[i].name;
		out->r[i].applicable = true;
	}
	income(f, &out->r[ZX_EC_INCOME]);
	guarantees(f, &out->r[ZX_EC_GUARANTEES]);
	measure(f, kind, &out->r[ZX_EC_MEASURE]);
	monitored(f, &out->r[ZX_EC_MONITORED]);
	labour(f, &out->r[ZX_EC_LABOUR]);
	issues(f, &out->r[ZX_EC_ISSUES]);
	complete(f, &out->r[ZX_EC_COMPLETE]);
	for (int i = 0; i < ZX_EC__COUNT; i++)
		if (!out->r[i].passed)
			out->failed++;
}
