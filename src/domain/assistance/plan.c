/*
 * plan.c — 一户一策 plans and their measures (see plan.h): reading, writing with the
 * 监测户-only rule, and the list of 监测户 with the 30-day flag.
 *
 * Invariants: every write finds the household inside the actor's scope first, checks the
 * write permission (assistance.h) and the 监测户 rule, and commits with its audit row; the
 * plan's and measures' area_code follow the household's village on every write.
 */
#include "domain/assistance/plan.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/auth/audit.h"

#define DAY 86400

bool zx_plan_flag(int64_t included_at, int64_t plan_created_at, int64_t hh_created_at, int measures_done,
                  int64_t now, int64_t *since, int *days_waiting)
{
	int64_t s = included_at > 0 ? included_at : plan_created_at > 0 ? plan_created_at : hh_created_at;
	if (since)
		*since = s;
	if (days_waiting)
		*days_waiting = measures_done == 0 && s > 0 && now > s ? (int)((now - s) / DAY) : 0;
	return measures_done == 0 && s > 0 && s + ZX_PLAN_FLAG_DAYS * DAY < now;
}

zx_err zx_plan_flag_household(zx_conn *c, const zx_actor *a, const zx_asst_household *h,
                              int64_t plan_created_at, int measures_done, bool *flagged, int64_t *since,
                              int *days_waiting)
{
	int64_t incl = 0;
	zx_err e = zx_query_int(c, &a->scope, ZXQ_asst_included_case, ZX_ARGS(ZX_INT(h->id)), &incl);
	if (!e && incl <= 0)
		e = zx_query_int(c, &a->scope, ZXQ_asst_included_history, ZX_ARGS(ZX_INT(h->id)), &incl);
	if (e == ZX_ENOTFOUND)
		e = ZX_OK;
	if (!e)
		*flagged = zx_plan_flag(incl, plan_created_at, h->created_at, measures_done, zx_now(), since,
		                        days_waiting);
	return e;
}

static void read_plan(zx_stmt *s, zx_plan *p)
{
	p->id = zx_col_int(s, 0);
	snprintf(p->risk_analysis, sizeof(p->risk_analysis), "%s", zx_col_text(s, 1));
	snprintf(p->goal, sizeof(p->goal), "%s", zx_col_text(s, 2));
	snprintf(p->responsible, sizeof(p->responsible), "%s", zx_col_text(s, 3));
	snprintf(p->created_by, sizeof(p->created_by), "%s", zx_col_text(s, 4));
	p->created_at = zx_col_int(s, 5);
	snprintf(p->updated_by, sizeof(p->updated_by), "%s", zx_col_text(s, 6));
	p->updated_at = zx_col_int(s, 7);
}

static zx_err load_plan(zx_conn *c, const zx_actor *a, int64_t household_id, zx_plan *out)
{
	memset(out, 0, sizeof(*out));
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_plan_get, ZX_ARGS(ZX_INT(household_id)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row)
		read_plan(s, out);
	zx_stmt_done(s);
	return e;
}

zx_err zx_plan_get(zx_conn *c, const zx_actor *a, const char *hh_no, zx_asst_household *h, zx_plan *out,
                   zx_errinfo *ei)
{
	zx_err e = zx_asst_household_find(c, a, hh_no, h, ei);
	return e ? e : load_plan(c, a, h->id, out);
}

static void read_measure(zx_stmt *s, zx_measure *m)
{
	memset(m, 0, sizeof(*m));
	m->id = zx_col_int(s, 0);
	m->plan_id = zx_col_int(s, 1);
	m->household_id = zx_col_int(s, 2);
	snprintf(m->kind, sizeof(m->kind), "%s", zx_col_text(s, 3));
	snprintf(m->content, sizeof(m->content), "%s", zx_col_text(s, 4));
	m->planned_ymd = (int)zx_col_int(s, 5);
	m->actual_ymd = (int)zx_col_int(s, 6);
	m->amount = zx_col_int(s, 7);
	snprintf(m->responsible, sizeof(m->responsible), "%s", zx_col_text(s, 8));
	snprintf(m->status, sizeof(m->status), "%s", zx_col_text(s, 9));
	snprintf(m->ledger_kind, sizeof(m->ledger_kind), "%s", zx_col_text(s, 10));
	m->ledger_id = zx_col_int(s, 11);
	snprintf(m->created_by, sizeof(m->created_by), "%s", zx_col_text(s, 12));
	m->created_at = zx_col_int(s, 13);
	snprintf(m->updated_by, sizeof(m->updated_by), "%s", zx_col_text(s, 14));
	m->updated_at = zx_col_int(s, 15);
}

zx_err zx_measure_list(zx_conn *c, const zx_actor *a, int64_t household_id, zx_measure_fn fn, void *ctx)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_measure_list, ZX_ARGS(ZX_INT(household_id)), &s);
	if (e)
		return e;
	bool row;
	zx_measure m;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		read_measure(s, &m);
		if (!fn(ctx, &m))
			break;
	}
	zx_stmt_done(s);
	return e;
}

zx_err zx_measure_get(zx_conn *c, const zx_actor *a, int64_t household_id, int64_t id, zx_measure *out)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_measure_get, ZX_ARGS(ZX_INT(id)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row)
		read_measure(s, out);
	zx_stmt_done(s);
	if (!e && row && out->household_id != household_id)
		row = false;
	return e ? e : row ? ZX_OK : ZX_ENOTFOUND;
}

/* ---- writing ------------------------------------------------------------------------------ */

/* Begins the write transaction and finds a household the actor may write for, a 监测户. */
static zx_err begin(zx_conn *c, const zx_actor *a, const char *hh_no, const char *what, zx_asst_household *h,
                    zx_errinfo *ei)
{
	if (!zx_asst_role_writes(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能登记帮扶信息",
		               zx_role_name(a->role));
	zx_err e = zx_tx_begin_write(c);
	if (!e)
		e = zx_asst_household_find(c, a, hh_no, h, ei);
	if (!e)
		e = zx_asst_may_write(a, h, ei);
	if (!e && !h->category[0])
		e = zx_fail(ei, ZX_EVALIDATION, "not_monitored", "户编号", 0,
		            "户编号 %.40s 不是监测户，不能%s", h->hh_no, what);
	return e;
}

static zx_err finish(zx_conn *c, const zx_actor *a, zx_err e, const char *action, const char *obj,
                     const char *detail)
{
	if (!e)
		e = zx_audit_write(c, a, action, obj, "ok", detail);
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

static zx_err check_plan_input(const zx_plan_input *in, zx_errinfo *ei)
{
	zx_err e = zx_asst_text(in->risk_analysis, ZX_PLAN_TEXT_MAX, "risk_analysis", "风险分析", ei);
	if (!e)
		e = zx_asst_text(in->goal, ZX_PLAN_TEXT_MAX, "goal", "帮扶目标", ei);
	if (!e)
		e = zx_asst_text(in->responsible, ZX_PERSON_NAME_MAX, "responsible", "责任人", ei);
	return e;
}

/* Creates an empty plan (responsible = the 帮扶责任人) when the household has none. */
static zx_err ensure_plan(zx_conn *c, const zx_actor *a, const zx_asst_household *h, zx_plan *p,
                          bool *created)
{
	*created = false;
	zx_err e = load_plan(c, a, h->id, p);
	if (e || p->id)
		return e;
	int64_t n = 0;
	e = zx_exec(c, &a->scope, ZXQ_plan_insert,
	            ZX_ARGS(ZX_INT(h->id), ZX_TEXT(""), ZX_TEXT(""), ZX_TEXT(a->username), ZX_INT(zx_now())),
	            &n);
	if (!e && n != 1)
		e = ZX_ENOTFOUND;
	if (e)
		return e;
	*created = true;
	return load_plan(c, a, h->id, p);
}

zx_err zx_plan_put(zx_conn *c, const zx_actor *a, const char *hh_no, const zx_plan_input *in, bool *created,
                   zx_errinfo *ei)
{
	zx_asst_household h;
	zx_plan p;
	memset(&h, 0, sizeof(h));
	memset(&p, 0, sizeof(p));
	bool made = false;
	zx_err e = check_plan_input(in, ei);
	if (e)
		return e;
	e = begin(c, a, hh_no, "制定帮扶计划", &h, ei);
	if (!e)
		e = ensure_plan(c, a, &h, &p, &made);
	if (!e)
		e = zx_exec(c, &a->scope, ZXQ_plan_update,
		            ZX_ARGS(ZX_INT(h.id),
		                    ZX_TEXT(in->risk_analysis ? in->risk_analysis : p.risk_analysis),
		                    ZX_TEXT(in->goal ? in->goal : p.goal),
		                    ZX_TEXT(in->responsible ? in->responsible : p.responsible),
		                    ZX_TEXT(a->username), ZX_INT(zx_now())),
		            NULL);
	char obj[48], detail[120];
	snprintf(obj, sizeof(obj), "plan:%" PRId64, p.id);
	snprintf(detail, sizeof(detail), "household=%.64s %s", h.hh_no, made ? "created" : "updated");
	e = finish(c, a, e, "plan.put", obj, detail);
	if (!e && created)
		*created = made;
	return e;
}

/* The measure after applying the input to cur (a copy of the stored one, or defaults). */
static zx_err merge_measure(const zx_measure_input *in, zx_measure *m, zx_errinfo *ei)
{
	if (in->kind) {
		if (!zx_measure_kind_ok(in->kind))
			return zx_fail(ei, ZX_EVALIDATION, "invalid_kind", "kind", 0,
			               "措施类别应为 "
			               "产业帮扶、就业帮扶、公益性岗位、健康帮扶、教育帮扶、医保、民政救助、"
			               "小额信贷、住房/饮水保障、技能培训、宣传/扶志扶智、社会帮扶 或 其他");
		snprintf(m->kind, sizeof(m->kind), "%s", in->kind);
	}
	if (in->status) {
		if (!zx_measure_status_ok(in->status))
			return zx_fail(ei, ZX_EVALIDATION, "invalid_status", "status", 0,
			               "措施状态应为 计划、实施中、已落实 或 取消");
		snprintf(m->status, sizeof(m->status), "%s", in->status);
	}
	zx_err e = zx_asst_text(in->content, ZX_MEASURE_TEXT_MAX, "content", "措施内容", ei);
	if (!e)
		e = zx_asst_text(in->responsible, ZX_PERSON_NAME_MAX, "responsible", "责任人", ei);
	if (e)
		return e;
	if (in->content)
		snprintf(m->content, sizeof(m->content), "%s", in->content);
	if (in->responsible)
		snprintf(m->responsible, sizeof(m->responsible), "%s", in->responsible);
	if (in->planned && !*in->planned)
		m->planned_ymd = 0;
	else if (in->planned && !zx_asst_ymd_parse(in->planned, &m->planned_ymd))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_date", "planned_date", 0,
		               "计划完成日期应为 YYYY-MM-DD");
	if (in->actual && !*in->actual)
		m->actual_ymd = 0;
	else if (in->actual && !zx_asst_ymd_parse(in->actual, &m->actual_ymd))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_date", "actual_date", 0,
		               "实际落实日期应为 YYYY-MM-DD");
	if (in->amount && !*in->amount)
		m->amount = 0;
	else if (in->amount && !zx_asst_yuan_parse(in->amount, &m->amount))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_amount", "amount", 0,
		               "金额应为不超过 1 亿的非负数（元，最多两位小数）");
	if (in->ledger_kind) {
		if (strlen(in->ledger_kind) >= sizeof(m->ledger_kind))
			return zx_fail(ei, ZX_EVALIDATION, "invalid_ledger", "ledger_kind", 0,
			               "台账类别过长");
		snprintf(m->ledger_kind, sizeof(m->ledger_kind), "%s", in->ledger_kind);
	}
	if (in->ledger_id >= 0)
		m->ledger_id = in->ledger_id;
	int today = zx_today_ymd();
	if (strcmp(m->status, ZX_MEASURE_DONE) == 0 && !m->actual_ymd)
		m->actual_ymd = today;
	if (m->actual_ymd > today)
		return zx_fail(ei, ZX_EVALIDATION, "future_date", "actual_date", 0,
		               "实际落实日期不能晚于今天");
	return ZX_OK;
}

static zx_err write_measure(zx_conn *c, const zx_actor *a, const zx_asst_household *h, int64_t plan_id,
                            const zx_measure *m, int64_t *id)
{
	int64_t now = zx_now();
	zx_val planned = m->planned_ymd ? ZX_INT(m->planned_ymd) : ZX_NULLV;
	zx_val actual = m->actual_ymd ? ZX_INT(m->actual_ymd) : ZX_NULLV;
	zx_val ledger = m->ledger_id > 0 ? ZX_INT(m->ledger_id) : ZX_NULLV;
	zx_err e;
	if (*id == 0) {
		int64_t n = 0;
		e = zx_exec(c, &a->scope, ZXQ_measure_insert,
		            ZX_ARGS(ZX_INT(h->id), ZX_INT(plan_id), ZX_TEXT(m->kind), ZX_TEXT(m->content),
		                    planned, actual, ZX_INT(m->amount), ZX_TEXT(m->responsible),
		                    ZX_TEXT(m->status), ZX_TEXT(m->ledger_kind), ledger, ZX_TEXT(a->username),
		                    ZX_INT(now)),
		            &n);
		if (!e && n != 1)
			e = ZX_ENOTFOUND;
		if (!e)
			*id = zx_last_insert_id(c);
	} else {
		int64_t changes = 0;
		e = zx_exec(c, &a->scope, ZXQ_measure_update,
		            ZX_ARGS(ZX_INT(*id), ZX_TEXT(h->area_code), ZX_TEXT(m->kind), ZX_TEXT(m->content),
		                    planned, actual, ZX_INT(m->amount), ZX_TEXT(m->responsible),
		                    ZX_TEXT(m->status), ZX_TEXT(m->ledger_kind), ledger, ZX_TEXT(a->username),
		                    ZX_INT(now)),
		            &changes);
		if (!e && changes != 1)
			e = ZX_ENOTFOUND;
	}
	if (!e)
		e = zx_exec(c, &a->scope, ZXQ_plan_touch,
		            ZX_ARGS(ZX_INT(h->id), ZX_TEXT(a->username), ZX_INT(now)), NULL);
	return e;
}

static void measure_detail(char *buf, size_t n, const zx_asst_household *h, const zx_measure *m)
{
	snprintf(buf, n, "household=%.64s kind=%s status=%s", h->hh_no, m->kind, m->status);
}

zx_err zx_measure_add(zx_conn *c, const zx_actor *a, const char *hh_no, const zx_measure_input *in,
                      int64_t *id_out, zx_errinfo *ei)
{
	if (!in->kind || !*in->kind)
		return zx_fail(ei, ZX_EINVAL, "missing_field", "kind", 0, "请选择措施类别");
	zx_measure m;
	memset(&m, 0, sizeof(m));
	snprintf(m.status, sizeof(m.status), "%s", ZX_MEASURE_PLANNED);
	zx_err e = merge_measure(in, &m, ei);
	if (e)
		return e;
	zx_asst_household h;
	zx_plan p;
	memset(&h, 0, sizeof(h));
	memset(&p, 0, sizeof(p));
	bool made;
	int64_t id = 0;
	e = begin(c, a, hh_no, "登记帮扶措施", &h, ei);
	if (!e)
		e = ensure_plan(c, a, &h, &p, &made);
	if (!e && !m.responsible[0])
		snprintf(m.responsible, sizeof(m.responsible), "%s",
		         p.responsible[0] ? p.responsible : h.helper);
	if (!e)
		e = write_measure(c, a, &h, p.id, &m, &id);
	char obj[48], detail[200];
	snprintf(obj, sizeof(obj), "measure:%" PRId64, id);
	measure_detail(detail, sizeof(detail), &h, &m);
	e = finish(c, a, e, "measure.add", obj, detail);
	if (!e && id_out)
		*id_out = id;
	return e;
}

static zx_err load_for_write(zx_conn *c, const zx_actor *a, const zx_asst_household *h, int64_t id,
                             zx_measure *m, zx_errinfo *ei)
{
	zx_err e = zx_measure_get(c, a, h->id, id, m);
	if (e == ZX_ENOTFOUND)
		return zx_fail(ei, e, "measure_not_found", NULL, 0, "该户没有编号为 %" PRId64 " 的帮扶措施",
		               id);
	return e;
}

zx_err zx_measure_update(zx_conn *c, const zx_actor *a, const char *hh_no, int64_t id,
                         const zx_measure_input *in, zx_errinfo *ei)
{
	zx_asst_household h;
	zx_measure m;
	memset(&h, 0, sizeof(h));
	memset(&m, 0, sizeof(m));
	zx_err e = begin(c, a, hh_no, "修改帮扶措施", &h, ei);
	if (!e)
		e = load_for_write(c, a, &h, id, &m, ei);
	if (!e)
		e = merge_measure(in, &m, ei);
	if (!e)
		e = write_measure(c, a, &h, m.plan_id, &m, &id);
	char obj[48], detail[200];
	snprintf(obj, sizeof(obj), "measure:%" PRId64, id);
	measure_detail(detail, sizeof(detail), &h, &m);
	return finish(c, a, e, "measure.update", obj, detail);
}

zx_err zx_measure_delete(zx_conn *c, const zx_actor *a, const char *hh_no, int64_t id, zx_errinfo *ei)
{
	zx_asst_household h;
	zx_measure m;
	memset(&h, 0, sizeof(h));
	memset(&m, 0, sizeof(m));
	zx_err e = begin(c, a, hh_no, "删除帮扶措施", &h, ei);
	if (!e)
		e = load_for_write(c, a, &h, id, &m, ei);
	if (!e && strcmp(m.status, ZX_MEASURE_PLANNED) != 0)
		e = zx_fail(ei, ZX_ECONFLICT, "measure_started", "status", 0,
		            "措施状态为“%s”，不能删除；请将状态改为“取消”", m.status);
	int64_t changes = 0;
	if (!e)
		e = zx_exec(c, &a->scope, ZXQ_measure_delete, ZX_ARGS(ZX_INT(id)), &changes);
	if (!e && changes != 1)
		e = ZX_ENOTFOUND;
	char obj[48], detail[200];
	snprintf(obj, sizeof(obj), "measure:%" PRId64, id);
	measure_detail(detail, sizeof(detail), &h, &m);
	return finish(c, a, e, "measure.delete", obj, detail);
}

/* ---- the list ------------------------------------------------------------------------------ */

zx_err zx_plan_list(zx_conn *c, const zx_actor *a, const zx_plan_filter *f, zx_plan_row_fn fn, void *ctx,
                    zx_plan_totals *totals, zx_errinfo *ei)
{
	char code[13];
	zx_err e = zx_asst_area(c, a, f->area, code, NULL, ei);
	if (e)
		return e;
	const char *village = f->village ? f->village : "";
	if (*village && (strlen(village) != 12 || !zx_scope_contains(&a->scope, village)))
		return zx_fail(ei, ZX_EFORBIDDEN, "area_forbidden", "village", 0,
		               "村 %.12s 不在您的管理范围内", village);
	/* A helper sees only the households they are responsible for. */
	const char *helper = a->role == ZX_ROLE_HELPER ? a->display_name : f->helper ? f->helper : "";
	zx_scope sc;
	zx_scope_of_area(code, &sc);
	int64_t now = zx_now(), cutoff = now - ZX_PLAN_FLAG_DAYS * DAY;
	zx_stmt *s;
	if (totals) {
		memset(totals, 0, sizeof(*totals));
		e = zx_query_open(c, &sc, ZXQ_plan_list_totals,
		                  ZX_ARGS(ZX_TEXT(village), ZX_TEXT(helper), ZX_INT(cutoff)), &s);
		if (e)
			return e;
		bool row;
		e = zx_stmt_next(s, &row);
		if (!e && row) {
			totals->households = zx_col_int(s, 0);
			totals->with_plan = zx_col_int(s, 1);
			totals->flagged = zx_col_int(s, 2);
		}
		zx_stmt_done(s);
		if (e)
			return e;
		totals->listed = f->flagged_only ? totals->flagged : totals->households;
	}
	e = zx_query_open(c, &sc, ZXQ_plan_list,
	                  ZX_ARGS(ZX_TEXT(village), ZX_TEXT(helper), ZX_INT(f->flagged_only ? 1 : 0),
	                          ZX_INT(cutoff), ZX_INT(f->limit), ZX_INT(f->offset)),
	                  &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		zx_plan_row r = {
		    .household_id = zx_col_int(s, 0),
		    .hh_no = zx_col_text(s, 1),
		    .area_code = zx_col_text(s, 2),
		    .village_name = zx_col_text(s, 3),
		    .grp = zx_col_text(s, 4),
		    .head_name = zx_col_text(s, 5),
		    .hh_type = zx_col_text(s, 6),
		    .category = zx_col_text(s, 7),
		    .risk_type = zx_col_text(s, 8),
		    .helper = zx_col_text(s, 9),
		    .size = (int)zx_col_int(s, 10),
		    .plan_id = zx_col_int(s, 12),
		    .responsible = zx_col_text(s, 13),
		    .plan_created_at = zx_col_int(s, 14),
		    .plan_updated_at = zx_col_int(s, 15),
		    .measures = (int)zx_col_int(s, 16),
		    .measures_done = (int)zx_col_int(s, 17),
		};
		r.flagged = zx_plan_flag(zx_col_int(s, 18), r.plan_created_at, zx_col_int(s, 11),
		                         r.measures_done, now, &r.since, &r.days_waiting);
		if (!fn(ctx, &r))
			break;
	}
	zx_stmt_done(s);
	return e;
}
