/*
 * timeline.c — one household's history from every source, merged in time order (see
 * timeline.h).
 *
 * Invariants: each source is one scoped query capped at ZX_TL_PER_SOURCE rows; texts are
 * cut at a UTF-8 boundary to fit their buffers; the merge is a stable sort by time, so
 * events of the same second keep the order of the sources (registry first, campaign
 * findings last).
 */
#include "domain/assistance/timeline.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/assistance/elimination.h"
#include "domain/monitoring/workflow.h"

/* Unix time of 00:00 (UTC+8) of a YYYYMMDD date; 0 for a bad date. */
static int64_t ts_of_ymd(int ymd)
{
	return zx_asst_ymd_valid(ymd) ? zx_asst_days_of(ymd) * 86400 - 8 * 3600 : 0;
}

/* snprintf that never leaves half a UTF-8 character at the end. */
static void fmt(char *out, size_t cap, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *out, size_t cap, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(out, cap, f, ap);
	va_end(ap);
	if (n < 0 || (size_t)n < cap)
		return;
	size_t len = cap - 1;
	while (len > 0 && ((unsigned char)out[len] & 0xC0) == 0x80)
		len--;
	out[len] = '\0';
}

static zx_tl_event *add(zx_timeline *t, int64_t ts, const char *kind, const char *user, int64_t ref)
{
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 64;
		zx_tl_event *ne = realloc(t->ev, (size_t)cap * sizeof(*ne));
		if (!ne)
			return NULL;
		t->ev = ne;
		t->cap = cap;
	}
	zx_tl_event *e = &t->ev[t->n++];
	memset(e, 0, sizeof(*e));
	e->ts = ts;
	e->kind = kind;
	e->ref = ref;
	e->seq = t->n - 1;
	fmt(e->user, sizeof(e->user), "%s", user ? user : "");
	return e;
}

static void yuan(int64_t fen, char *out, size_t n)
{
	zx_asst_yuan_format(fen, out, n);
}

typedef zx_err (*row_fn)(zx_timeline *t, zx_stmt *s);

static zx_err source(zx_conn *c, const zx_actor *a, zx_query q, int64_t hid, zx_timeline *t, row_fn fn)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, q, ZX_ARGS(ZX_INT(hid), ZX_INT(ZX_TL_PER_SOURCE)), &s);
	if (e)
		return e;
	bool row;
	int n = 0;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		n++;
		if ((e = fn(t, s)) != ZX_OK)
			break;
	}
	zx_stmt_done(s);
	if (n >= ZX_TL_PER_SOURCE)
		t->truncated++;
	return e;
}

static zx_err on_change(zx_timeline *t, zx_stmt *s)
{
	zx_tl_event *e = add(t, zx_col_int(s, 0), "change", zx_col_text(s, 1), 0);
	if (!e)
		return ZX_ENOMEM;
	bool import = strcmp(zx_col_text(s, 2), "import") == 0;
	fmt(e->title, sizeof(e->title), "%s：%s", import ? "导入更新" : "信息变更", zx_col_text(s, 3));
	const char *o = zx_col_text(s, 4), *nv = zx_col_text(s, 5);
	fmt(e->detail, sizeof(e->detail), "%s → %s", *o ? o : "（空）", *nv ? nv : "（空）");
	return ZX_OK;
}

static zx_err on_survey(zx_timeline *t, zx_stmt *s)
{
	zx_tl_event *e = add(t, zx_col_int(s, 0), "survey", zx_col_text(s, 1), 0);
	if (!e)
		return ZX_ENOMEM;
	int64_t net = zx_col_int(s, 3), size = zx_col_int(s, 4);
	char pc[32];
	yuan(size > 0 ? net / size : 0, pc, sizeof(pc));
	fmt(e->title, sizeof(e->title), "收入采集（%lld年）", (long long)zx_col_int(s, 2));
	fmt(e->detail, sizeof(e->detail), "家庭纯收入 %lld 元，%lld 人，人均纯收入约 %s 元",
	    (long long)(net / 100), (long long)size, pc);
	return ZX_OK;
}

static zx_err on_warning(zx_timeline *t, zx_stmt *s)
{
	zx_tl_event *e = add(t, ts_of_ymd((int)zx_col_int(s, 0)), "warning", zx_col_text(s, 1), 0);
	if (!e)
		return ZX_ENOMEM;
	fmt(e->title, sizeof(e->title), "部门预警（%s）", zx_col_text(s, 1));
	char amt[40] = "";
	if (zx_col_int(s, 3) >= 0) {
		char y[32];
		yuan(zx_col_int(s, 3), y, sizeof(y));
		fmt(amt, sizeof(amt), "，金额 %s 元", y);
	}
	fmt(e->detail, sizeof(e->detail), "%s：%s%s", zx_col_text(s, 4), zx_col_text(s, 2), amt);
	return ZX_OK;
}

static zx_err on_event(zx_timeline *t, zx_stmt *s)
{
	zx_tl_event *e = add(t, ts_of_ymd((int)zx_col_int(s, 0)), "event", zx_col_text(s, 1), 0);
	if (!e)
		return ZX_ENOMEM;
	fmt(e->title, sizeof(e->title), "突发事件：%s", zx_col_text(s, 2));
	fmt(e->detail, sizeof(e->detail), "%s", zx_col_text(s, 4));
	return ZX_OK;
}

static zx_err on_case(zx_timeline *t, zx_stmt *s)
{
	zx_tl_event *e = add(t, zx_col_int(s, 1), "case", zx_col_text(s, 2), zx_col_int(s, 0));
	if (!e)
		return ZX_ENOMEM;
	const char *src = zx_case_source_name(zx_col_text(s, 3));
	fmt(e->title, sizeof(e->title), "识别纳入：发现（%s）", src ? src : zx_col_text(s, 3));
	fmt(e->detail, sizeof(e->detail), "%s", zx_col_text(s, 4));
	return ZX_OK;
}

static zx_err on_case_step(zx_timeline *t, zx_stmt *s)
{
	zx_tl_event *e = add(t, zx_col_int(s, 0), "case", zx_col_text(s, 1), zx_col_int(s, 2));
	if (!e)
		return ZX_ENOMEM;
	int act = zx_case_action_parse(zx_col_text(s, 5));
	int to = zx_case_state_parse(zx_col_text(s, 4));
	fmt(e->title, sizeof(e->title), "识别纳入：%s",
	    act >= 0 ? zx_case_action_name((zx_case_action)act) : zx_col_text(s, 5));
	fmt(e->detail, sizeof(e->detail), "%s%s%s", to >= 0 ? zx_case_state_name((zx_case_state)to) : "",
	    *zx_col_text(s, 6) ? "：" : "", zx_col_text(s, 6));
	return ZX_OK;
}

static zx_err on_plan(zx_timeline *t, zx_stmt *s)
{
	zx_tl_event *e = add(t, zx_col_int(s, 0), "plan", zx_col_text(s, 1), 0);
	if (!e)
		return ZX_ENOMEM;
	fmt(e->title, sizeof(e->title), "制定一户一策帮扶计划");
	if (zx_col_int(s, 2) > zx_col_int(s, 0))
		fmt(e->detail, sizeof(e->detail), "最近由 %s 更新", zx_col_text(s, 3));
	return ZX_OK;
}

static zx_err on_measure(zx_timeline *t, zx_stmt *s)
{
	int64_t id = zx_col_int(s, 0);
	zx_tl_event *e = add(t, zx_col_int(s, 1), "measure", zx_col_text(s, 2), id);
	if (!e)
		return ZX_ENOMEM;
	fmt(e->title, sizeof(e->title), "登记帮扶措施：%s", zx_col_text(s, 3));
	fmt(e->detail, sizeof(e->detail), "%s（当前状态：%s）", zx_col_text(s, 4), zx_col_text(s, 5));
	int actual = (int)zx_col_int(s, 6);
	if (actual > 0 && strcmp(zx_col_text(s, 5), ZX_MEASURE_DONE) == 0) {
		zx_tl_event *d = add(t, ts_of_ymd(actual), "measure", "", id);
		if (!d)
			return ZX_ENOMEM;
		char amt[32];
		yuan(zx_col_int(s, 7), amt, sizeof(amt));
		fmt(d->title, sizeof(d->title), "帮扶措施已落实：%s", zx_col_text(s, 3));
		fmt(d->detail, sizeof(d->detail), "%s%s%s%s", zx_col_text(s, 4),
		    zx_col_int(s, 7) > 0 ? "，金额 " : "", zx_col_int(s, 7) > 0 ? amt : "",
		    zx_col_int(s, 7) > 0 ? " 元" : "");
	}
	return ZX_OK;
}

static zx_err on_visit(zx_timeline *t, zx_stmt *s)
{
	zx_tl_event *e =
	    add(t, ts_of_ymd((int)zx_col_int(s, 1)), "visit", zx_col_text(s, 2), zx_col_int(s, 0));
	if (!e)
		return ZX_ENOMEM;
	char items[128] = "";
	unsigned bits = (unsigned)zx_col_int(s, 3);
	for (int i = 0; i < ZX_VISIT_CHECK_COUNT; i++)
		if (bits & zx_visit_checks[i].bit)
			fmt(items + strlen(items), sizeof(items) - strlen(items), "%s%s",
			    items[0] ? "、" : "", zx_visit_checks[i].name);
	fmt(e->title, sizeof(e->title), "入户走访");
	fmt(e->detail, sizeof(e->detail), "查看：%s%s%s%s%s", items[0] ? items : "无",
	    *zx_col_text(s, 4) ? "；发现：" : "", zx_col_text(s, 4), *zx_col_text(s, 5) ? "；跟进：" : "",
	    zx_col_text(s, 5));
	return ZX_OK;
}

static zx_err on_elim_step(zx_timeline *t, zx_stmt *s)
{
	zx_tl_event *e = add(t, zx_col_int(s, 0), "elimination", zx_col_text(s, 1), zx_col_int(s, 2));
	if (!e)
		return ZX_ENOMEM;
	const char *action = zx_col_text(s, 6);
	int act = zx_elim_action_parse(action);
	int to = zx_elim_state_parse(zx_col_text(s, 5));
	if (strcmp(action, "apply") == 0)
		fmt(e->title, sizeof(e->title), "申请风险消除（%s）", zx_col_text(s, 3));
	else if (to == ZX_ES_ELIMINATED)
		fmt(e->title, sizeof(e->title), "风险已消除（%s，原类别 %s）", zx_col_text(s, 3),
		    zx_col_text(s, 4));
	else
		fmt(e->title, sizeof(e->title), "风险消除：%s",
		    act >= 0 ? zx_elim_action_name((zx_elim_action)act) : action);
	fmt(e->detail, sizeof(e->detail), "%s%s%s", to >= 0 ? zx_elim_state_name((zx_elim_state)to) : "",
	    *zx_col_text(s, 7) ? "：" : "", zx_col_text(s, 7));
	return ZX_OK;
}

static zx_err on_issue(zx_timeline *t, zx_stmt *s)
{
	int64_t id = zx_col_int(s, 0);
	zx_tl_event *e = add(t, zx_col_int(s, 1), "issue", zx_col_text(s, 2), id);
	if (!e)
		return ZX_ENOMEM;
	fmt(e->title, sizeof(e->title), "%s发现问题：%s", zx_col_text(s, 4), zx_col_text(s, 3));
	fmt(e->detail, sizeof(e->detail), "%s（%s）", zx_col_text(s, 5), zx_col_text(s, 6));
	if (zx_col_int(s, 7) > 0) {
		zx_tl_event *d = add(t, zx_col_int(s, 7), "issue", zx_col_text(s, 9), id);
		if (!d)
			return ZX_ENOMEM;
		fmt(d->title, sizeof(d->title), "问题已整改（%s）", zx_col_text(s, 3));
		fmt(d->detail, sizeof(d->detail), "%s", zx_col_text(s, 8));
	}
	return ZX_OK;
}

static int by_time(const void *x, const void *y)
{
	const zx_tl_event *a = x, *b = y;
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

zx_err zx_timeline_load(zx_conn *c, const zx_actor *a, const char *hh_no, zx_asst_household *h,
                        zx_timeline *out, zx_errinfo *ei)
{
	memset(out, 0, sizeof(*out));
	zx_err e = zx_asst_household_find(c, a, hh_no, h, ei);
	if (e)
		return e;
	zx_tl_event *first = add(out, h->created_at, "registry", "", 0);
	if (!first)
		return ZX_ENOMEM;
	fmt(first->title, sizeof(first->title), "录入农户信息系统");
	fmt(first->detail, sizeof(first->detail), "%s，%d 人，户主 %s", h->hh_type, h->size, h->head_name);
	static const struct {
		zx_query q;
		row_fn fn;
	} sources[] = {
	    {ZXQ_tl_changes, on_change},   {ZXQ_tl_surveys, on_survey},
	    {ZXQ_tl_warnings, on_warning}, {ZXQ_tl_events, on_event},
	    {ZXQ_tl_cases, on_case},       {ZXQ_tl_case_steps, on_case_step},
	    {ZXQ_tl_plans, on_plan},       {ZXQ_tl_measures, on_measure},
	    {ZXQ_tl_visits, on_visit},     {ZXQ_tl_elim_steps, on_elim_step},
	    {ZXQ_tl_issues, on_issue},
	};
	for (size_t i = 0; !e && i < sizeof(sources) / sizeof(sources[0]); i++)
		e = source(c, a, sources[i].q, h->id, out, sources[i].fn);
	if (e) {
		zx_timeline_release(out);
		return e;
	}
	qsort(out->ev, (size_t)out->n, sizeof(*out->ev), by_time);
	return ZX_OK;
}

void zx_timeline_release(zx_timeline *t)
{
	if (!t)
		return;
	free(t->ev);
	memset(t, 0, sizeof(*t));
}
