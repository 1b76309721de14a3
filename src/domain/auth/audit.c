/*
 * audit.c — writing and verifying the SM3 hash chain described in audit.h.
 */
#include "domain/auth/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/log.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_FIELD_MAX 1024 /* longer values are cut: the log must never refuse a row */

typedef struct audit_row {
	int64_t id, ts, user_id;
	const char *username, *area_code, *action, *object, *result, *client_ip, *detail;
} audit_row;

static void add_field(zx_buf *b, const char *s)
{
	zx_buf_addf(b, "%zu:", strlen(s));
	zx_buf_adds(b, s);
}

/* hash = hex(SM3(prev_hash || canonical(row))) */
static zx_err row_hash(const audit_row *r, const char *prev, char out[2 * ZX_SM3_LEN + 1])
{
	zx_buf b = ZX_BUF_INIT(64 * 1024);
	char num[32];
	zx_buf_adds(&b, prev);
	snprintf(num, sizeof(num), "%" PRId64, r->id);
	add_field(&b, num);
	snprintf(num, sizeof(num), "%" PRId64, r->ts);
	add_field(&b, num);
	if (r->user_id > 0)
		snprintf(num, sizeof(num), "%" PRId64, r->user_id);
	else
		num[0] = '\0';
	add_field(&b, num);
	add_field(&b, r->username);
	add_field(&b, r->area_code);
	add_field(&b, r->action);
	add_field(&b, r->object);
	add_field(&b, r->result);
	add_field(&b, r->client_ip);
	add_field(&b, r->detail);
	/* An append failure would leave the buffer short; detect it with one final append. */
	zx_err e = zx_buf_add(&b, "", 0);
	if (!e) {
		uint8_t h[ZX_SM3_LEN];
		zx_sm3(b.data, b.len, h);
		zx_hex(h, sizeof(h), out);
	}
	zx_buf_release(&b);
	return e;
}

static const char *cut(char *buf, size_t cap, const char *s)
{
	if (!s)
		return "";
	size_t n = strlen(s);
	if (n < cap)
		return s;
	/* Cut on a UTF-8 character boundary. */
	n = cap - 1;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* The chain continues after the head recorded in meta when the newest rows are gone:
 * continuing after the last row left would re-seal a deleted tail with the next write,
 * while continuing after the head leaves a gap that zx_audit_verify() keeps reporting.
 * Rows beyond the head (forged) are continued from, so verify reports them instead. */
static zx_err continue_after_head(zx_conn *c, int64_t *last_id, char prev[2 * ZX_SM3_LEN + 1])
{
	zx_stmt *h;
	zx_err e = zx_query_open(c, NULL, ZXQ_audit_head_get, ZX_NOARGS, &h);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(h, &row);
	if (!e && row) {
		const char *head = zx_col_text(h, 0);
		const char *colon = strchr(head, ':');
		long long id = strtoll(head, NULL, 10);
		if (colon && strlen(colon + 1) == 2 * ZX_SM3_LEN && id > *last_id) {
			*last_id = id;
			memcpy(prev, colon + 1, 2 * ZX_SM3_LEN + 1);
		}
	}
	zx_stmt_done(h);
	return e;
}

zx_err zx_audit_write(zx_conn *c, const zx_actor *a, const char *action, const char *object,
                      const char *result, const char *detail)
{
	char ob[AUDIT_FIELD_MAX], db[AUDIT_FIELD_MAX];
	audit_row r = {0};
	char prev[2 * ZX_SM3_LEN + 1] = GENESIS;
	zx_stmt *s;
	int64_t locked;
	zx_err e = zx_query_int(c, NULL, ZXQ_audit_lock, ZX_NOARGS, &locked);
	if (!e)
		e = zx_query_open(c, NULL, ZXQ_audit_last, ZX_NOARGS, &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		r.id = zx_col_int(s, 0);
		snprintf(prev, sizeof(prev), "%s", zx_col_text(s, 1));
	}
	zx_stmt_done(s);
	if (!e)
		e = continue_after_head(c, &r.id, prev);
	if (e)
		return e;
	r.id += 1;
	r.ts = zx_now();
	r.user_id = a ? a->user_id : 0;
	r.username = a ? a->username : "";
	r.area_code = a ? a->area_code : "";
	r.action = action;
	r.object = cut(ob, sizeof(ob), object);
	r.result = result;
	r.client_ip = a ? a->client_ip : "";
	r.detail = cut(db, sizeof(db), detail);
	char hash[2 * ZX_SM3_LEN + 1];
	e = row_hash(&r, prev, hash);
	if (e)
		return e;
	e = zx_exec(c, NULL, ZXQ_audit_insert,
	            ZX_ARGS(ZX_INT(r.id), ZX_INT(r.ts), r.user_id > 0 ? ZX_INT(r.user_id) : ZX_NULLV,
	                    ZX_TEXT(r.username), ZX_TEXT(r.area_code), ZX_TEXT(r.action), ZX_TEXT(r.object),
	                    ZX_TEXT(r.result), ZX_TEXT(r.client_ip), ZX_TEXT(r.detail), ZX_TEXT(prev),
	                    ZX_TEXT(hash)),
	            NULL);
	if (e)
		return e;
	char head[128];
	snprintf(head, sizeof(head), "%" PRId64 ":%s", r.id, hash);
	return zx_exec(c, NULL, ZXQ_audit_head_set, ZX_ARGS(ZX_TEXT(head)), NULL);
}

zx_err zx_audit_write_tx(zx_conn *c, const zx_actor *a, const char *action, const char *object,
                         const char *result, const char *detail)
{
	zx_err e = zx_tx_begin_write(c);
	if (!e)
		e = zx_audit_write(c, a, action, object, result, detail);
	if (!e)
		e = zx_tx_commit(c);
	if (e) {
		zx_tx_rollback(c);
		zx_error("audit: cannot write %s row: %s", action, zx_err_name(e));
	}
	return e;
}

zx_err zx_audit_verify(zx_conn *c, int64_t *rows_checked, int64_t *bad_id, zx_errinfo *ei)
{
	*rows_checked = 0;
	*bad_id = 0;
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, ZXQ_audit_all, ZX_NOARGS, &s);
	if (e)
		return e;
	char prev[2 * ZX_SM3_LEN + 1] = GENESIS;
	int64_t expect = 1;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		audit_row r = {
		    .id = zx_col_int(s, 0),
		    .ts = zx_col_int(s, 1),
		    .user_id = zx_col_null(s, 2) ? 0 : zx_col_int(s, 2),
		    .username = zx_col_text(s, 3),
		    .area_code = zx_col_text(s, 4),
		    .action = zx_col_text(s, 5),
		    .object = zx_col_text(s, 6),
		    .result = zx_col_text(s, 7),
		    .client_ip = zx_col_text(s, 8),
		    .detail = zx_col_text(s, 9),
		};
		char hash[2 * ZX_SM3_LEN + 1];
		if (r.id != expect) {
			*bad_id = expect;
			e = zx_fail(ei, ZX_EVALIDATION, "audit_row_missing", NULL, 0,
			            "审计日志不完整：第 %" PRId64 " 条记录缺失（已被删除）", expect);
			break;
		}
		if (strcmp(zx_col_text(s, 10), prev) != 0 || row_hash(&r, prev, hash) != ZX_OK ||
		    strcmp(hash, zx_col_text(s, 11)) != 0) {
			*bad_id = r.id;
			e = zx_fail(ei, ZX_EVALIDATION, "audit_row_altered", NULL, 0,
			            "审计日志被篡改：第 %" PRId64 " 条记录校验失败", r.id);
			break;
		}
		memcpy(prev, hash, sizeof(prev));
		(*rows_checked)++;
		expect++;
	}
	zx_stmt_done(s);
	if (e)
		return e;
	/* The newest rows: the head recorded in meta must be the last row we saw. */
	zx_stmt *h;
	e = zx_query_open(c, NULL, ZXQ_audit_head_get, ZX_NOARGS, &h);
	if (e)
		return e;
	e = zx_stmt_next(h, &row);
	char want[128] = "";
	if (!e && row)
		snprintf(want, sizeof(want), "%s", zx_col_text(h, 0));
	zx_stmt_done(h);
	if (e)
		return e;
	char have[128] = "";
	if (*rows_checked > 0)
		snprintf(have, sizeof(have), "%" PRId64 ":%s", *rows_checked, prev);
	if (strcmp(want, have) != 0) {
		*bad_id = *rows_checked + 1;
		return zx_fail(ei, ZX_EVALIDATION, "audit_tail_missing", NULL, 0,
		               "审计日志不完整：第 %" PRId64 " 条之后的记录缺失或链头不符", *rows_checked);
	}
	return ZX_OK;
}
