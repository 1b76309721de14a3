/*
 * campaign_issue.c — the issues a campaign finds (个性问题, 共性问题) and their rectification
 * (see campaign.h).
 *
 * Invariants: a 个性问题 names a household of the campaign's set inside the actor's scope; a
 * 共性问题 names an area inside both the campaign's area and the actor's scope; 已整改 always
 * has a rectification text and a rectified_at time, and leaving 已整改 clears the time.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/assistance/campaign.h"
#include "domain/auth/audit.h"

static void read_issue(zx_stmt *s, zx_issue *i)
{
	memset(i, 0, sizeof(*i));
	i->id = zx_col_int(s, 0);
	i->campaign_id = zx_col_int(s, 1);
	snprintf(i->area_code, sizeof(i->area_code), "%s", zx_col_text(s, 2));
	snprintf(i->area_name, sizeof(i->area_name), "%s", zx_col_text(s, 3));
	snprintf(i->scope, sizeof(i->scope), "%s", zx_col_text(s, 4));
	i->household_id = zx_col_int(s, 5);
	snprintf(i->hh_no, sizeof(i->hh_no), "%s", zx_col_text(s, 6));
	snprintf(i->head_name, sizeof(i->head_name), "%s", zx_col_text(s, 7));
	snprintf(i->description, sizeof(i->description), "%s", zx_col_text(s, 8));
	snprintf(i->rectification, sizeof(i->rectification), "%s", zx_col_text(s, 9));
	snprintf(i->status, sizeof(i->status), "%s", zx_col_text(s, 10));
	i->rectified_at = zx_col_int(s, 11);
	snprintf(i->created_by, sizeof(i->created_by), "%s", zx_col_text(s, 12));
	i->created_at = zx_col_int(s, 13);
	snprintf(i->updated_by, sizeof(i->updated_by), "%s", zx_col_text(s, 14));
	i->updated_at = zx_col_int(s, 15);
}

/* Reads an issue and whether the actor may write it (a helper: their own household's). */
static zx_err get_issue(zx_conn *c, const zx_actor *a, int64_t campaign_id, int64_t issue_id, zx_issue *out,
                        bool *assigned)
{
	zx_stmt *s;
	zx_err e =
	    zx_query_open(c, &a->scope, ZXQ_issue_get, ZX_ARGS(ZX_INT(issue_id), ZX_INT(campaign_id)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		read_issue(s, out);
		if (assigned)
			*assigned = out->household_id > 0 && zx_asst_assigned(a, zx_col_text(s, 16));
	}
	zx_stmt_done(s);
	return e ? e : row ? ZX_OK : ZX_ENOTFOUND;
}

zx_err zx_issue_get(zx_conn *c, const zx_actor *a, int64_t campaign_id, int64_t issue_id, zx_issue *out)
{
	return get_issue(c, a, campaign_id, issue_id, out, NULL);
}

zx_err zx_issue_list(zx_conn *c, const zx_actor *a, int64_t campaign_id, const char *status, zx_issue_fn fn,
                     void *ctx)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_issue_list,
	                         ZX_ARGS(ZX_INT(campaign_id), ZX_TEXT(status ? status : "")), &s);
	if (e)
		return e;
	bool row;
	zx_issue i;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		read_issue(s, &i);
		if (!fn(ctx, &i))
			break;
	}
	zx_stmt_done(s);
	return e;
}

static zx_err check_texts(const zx_issue_input *in, zx_errinfo *ei)
{
	zx_err e = zx_asst_text(in->description, ZX_ISSUE_TEXT_MAX, "description", "问题描述", ei);
	if (!e)
		e = zx_asst_text(in->rectification, ZX_ISSUE_TEXT_MAX, "rectification", "整改情况", ei);
	if (!e && in->status && !zx_issue_status_ok(in->status))
		e = zx_fail(ei, ZX_EVALIDATION, "invalid_status", "status", 0,
		            "整改状态应为 待整改、整改中 或 已整改");
	return e;
}

/* Where a new issue belongs: a household of the set (个性问题) or an area (共性问题). */
static zx_err issue_target(zx_conn *c, const zx_actor *a, const zx_campaign *k, const zx_issue_input *in,
                           zx_asst_household *h, char area[13], zx_errinfo *ei)
{
	bool personal = in->scope && strcmp(in->scope, "个性问题") == 0;
	if (!personal && (!in->scope || strcmp(in->scope, "共性问题") != 0))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_scope", "scope", 0,
		               "问题类型应为 个性问题 或 共性问题");
	if (personal) {
		zx_err e = zx_asst_household_find(c, a, in->hh_no, h, ei);
		if (!e)
			e = zx_asst_may_write(a, h, ei);
		int64_t n = 0;
		if (!e)
			e = zx_query_int(c, &a->scope, ZXQ_campaign_in_set,
			                 ZX_ARGS(ZX_INT(k->id), ZX_INT(h->id)), &n);
		if (!e && n == 0)
			e = zx_fail(ei, ZX_EVALIDATION, "not_in_campaign", "hh_no", 0,
			            "户编号 %.40s 不在本次排查范围内", h->hh_no);
		if (!e)
			memcpy(area, h->area_code, 13);
		return e;
	}
	if (a->role == ZX_ROLE_HELPER)
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", "scope", 0,
		               "帮扶责任人只能登记所帮扶农户的个性问题");
	const char *want = in->area && *in->area ? in->area : NULL;
	if (!want)
		want = zx_scope_contains(&a->scope, k->area_code) ? k->area_code : a->area_code;
	zx_err e = zx_asst_area(c, a, want, area, NULL, ei);
	if (e)
		return e;
	zx_scope ks;
	zx_scope_of_area(k->area_code, &ks);
	if (!zx_scope_contains(&ks, area))
		return zx_fail(ei, ZX_EVALIDATION, "area_outside_campaign", "area", 0,
		               "区域 %s 不在本次排查范围内", area);
	h->id = 0;
	return ZX_OK;
}

static zx_err load_campaign(zx_conn *c, const zx_actor *a, int64_t id, zx_campaign *k, zx_errinfo *ei)
{
	zx_err e = zx_campaign_get(c, a, id, k);
	if (e == ZX_ENOTFOUND)
		return zx_fail(ei, e, "not_found", NULL, 0, "排查不存在或不在您的管理范围内");
	return e;
}

static zx_err audit_commit(zx_conn *c, const zx_actor *a, zx_err e, const char *action, int64_t id,
                           const char *status)
{
	if (!e) {
		char obj[48], detail[80];
		snprintf(obj, sizeof(obj), "campaign_issue:%" PRId64, id);
		snprintf(detail, sizeof(detail), "status=%s", status);
		e = zx_audit_write(c, a, action, obj, "ok", detail);
	}
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

zx_err zx_issue_add(zx_conn *c, const zx_actor *a, int64_t campaign_id, const zx_issue_input *in,
                    int64_t *id_out, zx_errinfo *ei)
{
	if (!zx_asst_role_writes(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能登记排查问题",
		               zx_role_name(a->role));
	if (!in->description || !*in->description)
		return zx_fail(ei, ZX_EINVAL, "missing_field", "description", 0, "请填写问题描述");
	zx_err e = check_texts(in, ei);
	if (e)
		return e;
	const char *status = in->status ? in->status : "待整改";
	const char *rect = in->rectification ? in->rectification : "";
	if (strcmp(status, "已整改") == 0 && !*rect)
		return zx_fail(ei, ZX_EVALIDATION, "rectification_required", "rectification", 0,
		               "已整改的问题须填写整改情况");
	zx_campaign k;
	zx_asst_household h;
	memset(&h, 0, sizeof(h));
	char area[13] = "";
	int64_t id = 0;
	e = zx_tx_begin_write(c);
	if (!e)
		e = load_campaign(c, a, campaign_id, &k, ei);
	if (!e)
		e = issue_target(c, a, &k, in, &h, area, ei);
	if (!e) {
		int64_t now = zx_now(), n = 0;
		e = zx_exec(c, &a->scope, ZXQ_issue_insert,
		            ZX_ARGS(ZX_INT(k.id), ZX_TEXT(area), ZX_TEXT(in->scope),
		                    h.id ? ZX_INT(h.id) : ZX_NULLV, ZX_TEXT(in->description), ZX_TEXT(rect),
		                    ZX_TEXT(status), strcmp(status, "已整改") == 0 ? ZX_INT(now) : ZX_NULLV,
		                    ZX_TEXT(a->username), ZX_INT(now)),
		            &n);
		if (!e && n != 1)
			e = ZX_EINTERNAL;
	}
	if (!e)
		id = zx_last_insert_id(c);
	e = audit_commit(c, a, e, "campaign_issue.add", id, status);
	if (!e && id_out)
		*id_out = id;
	return e;
}

zx_err zx_issue_update(zx_conn *c, const zx_actor *a, int64_t campaign_id, int64_t issue_id,
                       const zx_issue_input *in, zx_errinfo *ei)
{
	if (!zx_asst_role_writes(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能整改排查问题",
		               zx_role_name(a->role));
	zx_err e = check_texts(in, ei);
	if (e)
		return e;
	if (in->description && !*in->description)
		return zx_fail(ei, ZX_EVALIDATION, "missing_field", "description", 0, "问题描述不能为空");
	zx_campaign k;
	zx_issue cur;
	bool assigned = false;
	e = zx_tx_begin_write(c);
	if (!e)
		e = load_campaign(c, a, campaign_id, &k, ei);
	if (!e)
		e = get_issue(c, a, campaign_id, issue_id, &cur, &assigned);
	if (e == ZX_ENOTFOUND && (!ei || !ei->err))
		e = zx_fail(ei, e, "not_found", NULL, 0, "问题不存在或不在您的管理范围内");
	if (!e && a->role == ZX_ROLE_HELPER && !assigned)
		e = zx_fail(ei, ZX_EFORBIDDEN, "not_assigned", NULL, 0, "只能整改所帮扶农户的个性问题");
	const char *desc = in->description ? in->description : cur.description;
	const char *rect = in->rectification ? in->rectification : cur.rectification;
	const char *status = in->status ? in->status : cur.status;
	if (!e && strcmp(status, "已整改") == 0 && !*rect)
		e = zx_fail(ei, ZX_EVALIDATION, "rectification_required", "rectification", 0,
		            "已整改的问题须填写整改情况");
	if (!e) {
		int64_t now = zx_now();
		int64_t at = strcmp(status, "已整改") != 0 ? 0
		             : cur.rectified_at > 0        ? cur.rectified_at
		                                           : now;
		int64_t changes = 0;
		e = zx_exec(c, &a->scope, ZXQ_issue_update,
		            ZX_ARGS(ZX_INT(issue_id), ZX_TEXT(desc), ZX_TEXT(rect), ZX_TEXT(status),
		                    at ? ZX_INT(at) : ZX_NULLV, ZX_TEXT(a->username), ZX_INT(now)),
		            &changes);
		if (!e && changes != 1)
			e = ZX_ENOTFOUND;
	}
	return audit_commit(c, a, e, "campaign_issue.update", issue_id, e ? "" : status);
}
