/*
 * campaign.c — 集中排查 / 回头看 campaigns, their progress and their issues (see campaign.h).
 *
 * Invariants: a campaign and the snapshot of its household set are written in one
 * transaction with the audit row; every figure is read through scoped queries with the
 * actor's own scope, so a village clerk looking at a county campaign sees only the
 * households of the village.
 */
#include "domain/assistance/campaign.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/auth/audit.h"

bool zx_issue_status_ok(const char *s)
{
	return s && (strcmp(s, "待整改") == 0 || strcmp(s, "整改中") == 0 || strcmp(s, "已整改") == 0);
}

static void read_campaign(zx_stmt *s, zx_campaign *k)
{
	memset(k, 0, sizeof(*k));
	k->id = zx_col_int(s, 0);
	snprintf(k->area_code, sizeof(k->area_code), "%s", zx_col_text(s, 1));
	snprintf(k->area_name, sizeof(k->area_name), "%s", zx_col_text(s, 2));
	snprintf(k->name, sizeof(k->name), "%s", zx_col_text(s, 3));
	snprintf(k->kind, sizeof(k->kind), "%s", zx_col_text(s, 4));
	k->start_ymd = (int)zx_col_int(s, 5);
	k->end_ymd = (int)zx_col_int(s, 6);
	k->targets = (unsigned)zx_col_int(s, 7);
	k->households = zx_col_int(s, 8);
	snprintf(k->created_by, sizeof(k->created_by), "%s", zx_col_text(s, 9));
	k->created_at = zx_col_int(s, 10);
}

static bool may_manage(zx_role r)
{
	return r == ZX_ROLE_COUNTY_ADMIN || r == ZX_ROLE_TOWN_ADMIN || r == ZX_ROLE_VILLAGE_CLERK;
}

static zx_err check_campaign(const zx_campaign_input *in, int *start, int *end, zx_errinfo *ei)
{
	if (!in->name || !*in->name)
		return zx_fail(ei, ZX_EINVAL, "missing_field", "name", 0, "请填写排查名称");
	zx_err e = zx_asst_text(in->name, ZX_CAMPAIGN_NAME_MAX, "name", "排查名称", ei);
	if (e)
		return e;
	if (!in->kind || (strcmp(in->kind, "集中排查") != 0 && strcmp(in->kind, "回头看") != 0))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_kind", "kind", 0,
		               "排查类型应为 集中排查 或 回头看");
	if (!zx_asst_ymd_parse(in->start, start))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_date", "start_date", 0,
		               "开始日期应为 YYYY-MM-DD");
	if (!zx_asst_ymd_parse(in->end, end))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_date", "end_date", 0, "结束日期应为 YYYY-MM-DD");
	if (*end < *start)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_range", "end_date", 0,
		               "结束日期不能早于开始日期");
	if (zx_asst_ymd_diff(*end, *start) > ZX_CAMPAIGN_MAX_DAYS)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_range", "end_date", 0,
		               "排查时间跨度不能超过 %d 天", ZX_CAMPAIGN_MAX_DAYS);
	if (in->targets == 0 || in->targets > 7)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_targets", "targets", 0,
		               "请选择排查对象：脱贫户、监测户 或 全部农户");
	return ZX_OK;
}

zx_err zx_campaign_create(zx_conn *c, const zx_actor *a, const zx_campaign_input *in, int64_t *id_out,
                          zx_errinfo *ei)
{
	if (!may_manage(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能发起排查",
		               zx_role_name(a->role));
	int start = 0, end = 0;
	zx_err e = check_campaign(in, &start, &end, ei);
	if (e)
		return e;
	char code[13];
	int level = 0;
	e = zx_asst_area(c, a, in->area, code, &level, ei);
	if (e)
		return e;
	if (level < 3 || level > 5)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_area_level", "area", 0,
		               "排查范围应为县、乡镇或村");
	zx_scope sc;
	zx_scope_of_area(code, &sc);
	char county[7];
	snprintf(county, sizeof(county), "%.6s", code);
	int64_t id = 0, n = 0;
	e = zx_tx_begin_write(c);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_campaign_insert,
		            ZX_ARGS(ZX_TEXT(county), ZX_TEXT(code), ZX_TEXT(sc.lo), ZX_TEXT(sc.hi),
		                    ZX_TEXT(in->name), ZX_TEXT(in->kind), ZX_INT(start), ZX_INT(end),
		                    ZX_INT(in->targets), ZX_TEXT(a->username), ZX_INT(zx_now())),
		            NULL);
	if (!e) {
		id = zx_last_insert_id(c);
		e = zx_exec(c, &sc, ZXQ_campaign_snapshot, ZX_ARGS(ZX_INT(id), ZX_INT(in->targets)), &n);
	}
	if (!e)
		e = zx_exec(c, NULL, ZXQ_campaign_set_households, ZX_ARGS(ZX_INT(id), ZX_INT(n)), NULL);
	if (!e) {
		char obj[48], detail[200];
		snprintf(obj, sizeof(obj), "campaign:%" PRId64, id);
		snprintf(detail, sizeof(detail), "area=%s kind=%s households=%" PRId64, code, in->kind, n);
		e = zx_audit_write(c, a, "campaign.create", obj, "ok", detail);
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

zx_err zx_campaign_get(zx_conn *c, const zx_actor *a, int64_t id, zx_campaign *out)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_campaign_get, ZX_ARGS(ZX_INT(id)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row)
		read_campaign(s, out);
	zx_stmt_done(s);
	return e ? e : row ? ZX_OK : ZX_ENOTFOUND;
}

zx_err zx_campaign_list(zx_conn *c, const zx_actor *a, const char *area, int64_t limit, int64_t offset,
                        zx_campaign_fn fn, void *ctx, int64_t *total, zx_errinfo *ei)
{
	zx_scope sc = a->scope;
	zx_err e = ZX_OK;
	if (area && *area) {
		char code[13];
		if ((e = zx_asst_area(c, a, area, code, NULL, ei)) != ZX_OK)
			return e;
		zx_scope_of_area(code, &sc);
	}
	if (total && (e = zx_query_int(c, &sc, ZXQ_campaign_count, ZX_NOARGS, total)) != ZX_OK)
		return e;
	zx_stmt *s;
	e = zx_query_open(c, &sc, ZXQ_campaign_list, ZX_ARGS(ZX_INT(limit), ZX_INT(offset)), &s);
	if (e)
		return e;
	bool row;
	zx_campaign k;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		read_campaign(s, &k);
		if (!fn(ctx, &k))
			break;
	}
	zx_stmt_done(s);
	return e;
}

static zx_err issue_totals(zx_conn *c, const zx_actor *a, int64_t id, zx_campaign_totals *t)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_issue_totals, ZX_ARGS(ZX_INT(id)), &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		bool personal = strcmp(zx_col_text(s, 0), "个性问题") == 0;
		*(personal ? &t->issues_personal : &t->issues_common) += zx_col_int(s, 1);
		t->issues_rectified += zx_col_int(s, 2);
	}
	zx_stmt_done(s);
	return e;
}

zx_err zx_campaign_progress(zx_conn *c, const zx_actor *a, const zx_campaign *k, zx_campaign_village_fn fn,
                            void *ctx, zx_campaign_totals *totals)
{
	zx_campaign_totals t;
	memset(&t, 0, sizeof(t));
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_campaign_progress,
	                         ZX_ARGS(ZX_INT(k->id), ZX_INT(k->start_ymd), ZX_INT(k->end_ymd)), &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		zx_campaign_village v = {.area_code = zx_col_text(s, 0),
		                         .name = zx_col_text(s, 1),
		                         .households = zx_col_int(s, 2),
		                         .visited = zx_col_int(s, 3)};
		t.households += v.households;
		t.visited += v.visited;
		if (fn && !fn(ctx, &v))
			fn = NULL;
	}
	zx_stmt_done(s);
	if (!e)
		e = issue_totals(c, a, k->id, &t);
	if (!e && totals)
		*totals = t;
	return e;
}

zx_err zx_campaign_households(zx_conn *c, const zx_actor *a, const zx_campaign *k, const char *village,
                              int visited, int64_t limit, int64_t offset, zx_campaign_household_fn fn,
                              void *ctx, int64_t *total, zx_errinfo *ei)
{
	const char *v = village ? village : "";
	if (*v && (strlen(v) != 12 || !zx_scope_contains(&a->scope, v)))
		return zx_fail(ei, ZX_EFORBIDDEN, "area_forbidden", "village", 0,
		               "村 %.12s 不在您的管理范围内", v);
	if (visited < -1 || visited > 1)
		visited = -1;
	zx_err e = ZX_OK;
	if (total)
		e = zx_query_int(c, &a->scope, ZXQ_campaign_households_count,
		                 ZX_ARGS(ZX_INT(k->id), ZX_INT(k->start_ymd), ZX_INT(k->end_ymd), ZX_TEXT(v),
		                         ZX_INT(visited)),
		                 total);
	if (e)
		return e;
	zx_stmt *s;
	e = zx_query_open(c, &a->scope, ZXQ_campaign_households_list,
	                  ZX_ARGS(ZX_INT(k->id), ZX_INT(k->start_ymd), ZX_INT(k->end_ymd), ZX_TEXT(v),
	                          ZX_INT(visited), ZX_INT(limit), ZX_INT(offset)),
	                  &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		zx_campaign_household h = {.household_id = zx_col_int(s, 0),
		                           .hh_no = zx_col_text(s, 1),
		                           .area_code = zx_col_text(s, 2),
		                           .village_name = zx_col_text(s, 3),
		                           .grp = zx_col_text(s, 4),
		                           .head_name = zx_col_text(s, 5),
		                           .hh_type = zx_col_text(s, 6),
		                           .category = zx_col_text(s, 7),
		                           .helper = zx_col_text(s, 8),
		                           .last_visit_ymd = (int)zx_col_int(s, 9),
		                           .open_issues = (int)zx_col_int(s, 10)};
		if (!fn(ctx, &h))
			break;
	}
	zx_stmt_done(s);
	return e;
}
