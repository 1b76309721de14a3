/*
 * visit.c — recording and reading visits (see visit.h). Schedules and due lists are in
 * visit_due.c.
 *
 * Invariants: the client key is looked up inside the same write transaction that inserts
 * the visit (SQLite BEGIN IMMEDIATE serialises writers; the UNIQUE constraint backs it on
 * PostgreSQL), so a key never names two visits; a replay returns the first visit and
 * writes nothing, not even an audit row.
 */
#include "domain/assistance/visit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "domain/auth/audit.h"

bool zx_visit_key_ok(const char *key)
{
	size_t n = key ? strlen(key) : 0;
	if (n < ZX_VISIT_KEY_MIN || n > ZX_VISIT_KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = key[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      ch == '-' || ch == '_'))
			return false;
	}
	return true;
}

static void read_visit(zx_stmt *s, zx_visit *v)
{
	memset(v, 0, sizeof(*v));
	v->id = zx_col_int(s, 0);
	v->household_id = zx_col_int(s, 1);
	snprintf(v->area_code, sizeof(v->area_code), "%s", zx_col_text(s, 2));
	snprintf(v->hh_no, sizeof(v->hh_no), "%s", zx_col_text(s, 3));
	snprintf(v->head_name, sizeof(v->head_name), "%s", zx_col_text(s, 4));
	v->visitor_id = zx_col_int(s, 5);
	snprintf(v->visitor, sizeof(v->visitor), "%s", zx_col_text(s, 6));
	v->visit_ymd = (int)zx_col_int(s, 7);
	v->checklist = (unsigned)zx_col_int(s, 8);
	snprintf(v->findings, sizeof(v->findings), "%s", zx_col_text(s, 9));
	snprintf(v->followups, sizeof(v->followups), "%s", zx_col_text(s, 10));
	v->created_at = zx_col_int(s, 11);
}

/* Reads one visit; with helper_only, a helper's read of another's household is not found. */
static zx_err get_visit(zx_conn *c, const zx_actor *a, int64_t id, zx_visit *out)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_visit_get, ZX_ARGS(ZX_INT(id)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		read_visit(s, out);
		if (!zx_asst_assigned(a, zx_col_text(s, 12)))
			row = false;
	}
	zx_stmt_done(s);
	return e ? e : row ? ZX_OK : ZX_ENOTFOUND;
}

zx_err zx_visit_get(zx_conn *c, const zx_actor *a, int64_t id, zx_visit *out)
{
	return get_visit(c, a, id, out);
}

static zx_err check_input(const zx_visit_input *in, int *ymd, zx_errinfo *ei)
{
	int today = zx_today_ymd();
	*ymd = today;
	if (in->date && *in->date && !zx_asst_ymd_parse(in->date, ymd))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_date", "date", 0,
		               "走访日期应为 YYYY-MM-DD 格式的有效日期");
	if (*ymd > today)
		return zx_fail(ei, ZX_EVALIDATION, "future_date", "date", 0, "走访日期不能晚于今天");
	if (in->checklist > ZX_VISIT_ALL)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_checklist", "checklist", 0, "六必访项目不正确");
	if (in->client_key && *in->client_key && !zx_visit_key_ok(in->client_key))
		return zx_fail(ei, ZX_EINVAL, "invalid_idempotency_key", "Idempotency-Key", 0,
		               "幂等键应为 %d 到 %d 个字母、数字、“-”或“_”", ZX_VISIT_KEY_MIN,
		               ZX_VISIT_KEY_MAX);
	zx_err e = zx_asst_text(in->findings, ZX_VISIT_TEXT_MAX, "findings", "走访发现", ei);
	if (!e)
		e = zx_asst_text(in->followups, ZX_VISIT_TEXT_MAX, "followups", "后续跟进", ei);
	return e;
}

/* The visit already stored under the key, if any: ZX_OK with *found. */
static zx_err find_by_key(zx_conn *c, const zx_actor *a, const char *key, const zx_asst_household *h,
                          int64_t *found, zx_errinfo *ei)
{
	*found = 0;
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_visit_by_key, ZX_ARGS(ZX_TEXT(key)), &s);
	if (e)
		return e;
	bool row;
	int64_t id = 0, hid = 0, vid = 0;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		id = zx_col_int(s, 0);
		hid = zx_col_int(s, 1);
		vid = zx_col_int(s, 2);
	}
	zx_stmt_done(s);
	if (e || !row)
		return e;
	if (hid != h->id || vid != a->user_id)
		return zx_fail(ei, ZX_ECONFLICT, "idempotency_conflict", "Idempotency-Key", 0,
		               "该幂等键已用于另一条走访记录，请重新生成后提交");
	*found = id;
	return ZX_OK;
}

zx_err zx_visit_record(zx_conn *c, const zx_actor *a, const zx_visit_input *in, zx_visit *out,
                       bool *duplicate, zx_errinfo *ei)
{
	*duplicate = false;
	int ymd = 0;
	char key[ZX_VISIT_KEY_MAX + 1];
	zx_err e = check_input(in, &ymd, ei);
	if (e)
		return e;
	if (!zx_asst_role_writes(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能登记走访",
		               zx_role_name(a->role));
	if (in->client_key && *in->client_key) {
		snprintf(key, sizeof(key), "%s", in->client_key);
	} else {
		unsigned char rnd[16];
		if ((e = zx_random_bytes(rnd, sizeof(rnd))) != ZX_OK)
			return e;
		memcpy(key, "srv-", 4);
		zx_hex(rnd, sizeof(rnd), key + 4);
	}
	zx_asst_household h;
	int64_t id = 0;
	e = zx_tx_begin_write(c);
	if (!e)
		e = zx_asst_household_find(c, a, in->hh_no, &h, ei);
	if (!e)
		e = zx_asst_may_write(a, &h, ei);
	if (!e)
		e = find_by_key(c, a, key, &h, &id, ei);
	if (e || id) {
		zx_tx_rollback(c);
		if (!e) {
			*duplicate = true;
			e = get_visit(c, a, id, out);
		}
		return e;
	}
	int64_t n = 0;
	e = zx_exec(c, &a->scope, ZXQ_visit_insert,
	            ZX_ARGS(ZX_INT(h.id), a->user_id > 0 ? ZX_INT(a->user_id) : ZX_NULLV,
	                    ZX_TEXT(a->display_name[0] ? a->display_name : a->username), ZX_INT(ymd),
	                    ZX_INT(in->checklist), ZX_TEXT(in->findings ? in->findings : ""),
	                    ZX_TEXT(in->followups ? in->followups : ""), ZX_TEXT(key), ZX_INT(zx_now())),
	            &n);
	if (!e && n != 1)
		e = ZX_EINTERNAL;
	if (!e) {
		id = zx_last_insert_id(c);
		char obj[48], detail[160];
		snprintf(obj, sizeof(obj), "visit:%" PRId64, id);
		snprintf(detail, sizeof(detail), "household=%.64s date=%d checklist=%u", h.hh_no, ymd,
		         in->checklist);
		e = zx_audit_write(c, a, "visit.create", obj, "ok", detail);
	}
	if (!e)
		e = zx_tx_commit(c);
	if (e) {
		zx_tx_rollback(c);
		if (e != ZX_ECONFLICT)
			return e;
		/* PostgreSQL runs two submissions of one key side by side: both found no visit under
		 * the key, and this insert waited for the other to commit and then failed the key's
		 * unique index. The other's visit is visible now: answer it as the duplicate it is.
		 * (SQLite serialises the writers, so there the lookup above already found it.) */
		int64_t first = 0;
		e = zx_tx_begin_read(c);
		if (!e)
			e = find_by_key(c, a, key, &h, &first, ei);
		zx_tx_rollback(c);
		if (!e && first) {
			*duplicate = true;
			return get_visit(c, a, first, out);
		}
		if (!e)
			e = zx_fail(ei, ZX_ECONFLICT, "idempotency_conflict", "Idempotency-Key", 0,
			            "该走访已提交，请刷新后查看");
		return e;
	}
	return get_visit(c, a, id, out);
}

zx_err zx_visit_list(zx_conn *c, const zx_actor *a, const zx_visit_filter *f, zx_visit_fn fn, void *ctx,
                     int64_t *total, zx_errinfo *ei)
{
	char code[13];
	zx_err e = zx_asst_area(c, a, f->area, code, NULL, ei);
	if (e)
		return e;
	zx_scope sc;
	zx_scope_of_area(code, &sc);
	const char *helper = a->role == ZX_ROLE_HELPER ? a->display_name : "";
	const char *visitor = f->visitor ? f->visitor : "";
	if (total) {
		e = zx_query_int(c, &sc, ZXQ_visit_count,
		                 ZX_ARGS(ZX_INT(f->household_id), ZX_TEXT(visitor), ZX_INT(f->from_ymd),
		                         ZX_INT(f->to_ymd), ZX_TEXT(helper)),
		                 total);
		if (e)
			return e;
	}
	zx_stmt *s;
	e = zx_query_open(c, &sc, ZXQ_visit_list,
	                  ZX_ARGS(ZX_INT(f->household_id), ZX_TEXT(visitor), ZX_INT(f->from_ymd),
	                          ZX_INT(f->to_ymd), ZX_TEXT(helper), ZX_INT(f->limit), ZX_INT(f->offset)),
	                  &s);
	if (e)
		return e;
	bool row;
	zx_visit v;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		read_visit(s, &v);
		if (!fn(ctx, &v))
			break;
	}
	zx_stmt_done(s);
	return e;
}
