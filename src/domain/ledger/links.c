/*
 * links.c — the ledger fields that point elsewhere, resolved inside the actor's scope: a person
 * by 证件号码 (blind index) or id, a household by 户编号 or id, the 受益户 list of a project, an
 * area by code or name, a parent row (a milestone's project) by id or title. A person known
 * elsewhere in the database is "outside your area", never named.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/idcard.h"
#include "domain/ledger/ledger_internal.h"

/* The county to look a 户编号 / 证件号码 up in (their UNIQUE (county, …) index): the actor's
 * when the actor sits at county level or below, else the 6 leading digits of the value. */
static bool county_of(const zx_ledger_ctx *x, const char *v, char out[7])
{
	const char *a = x->a->area_code;
	if (strlen(a) == 12 && strspn(a, "0123456789") == 12 && strncmp(a + 4, "00", 2) != 0) {
		snprintf(out, 7, "%.6s", a);
		return false; /* certain */
	}
	if (strlen(v) >= 6 && strspn(v, "0123456789") >= 6) {
		snprintf(out, 7, "%.6s", v);
		return true; /* a guess */
	}
	out[0] = '\0';
	return true;
}

/* Runs the county query, and when the county was only guessed and nothing came back, the
 * query over the whole scope. */
static zx_err open_by_county(zx_ledger_ctx *x, const char *v, zx_query by_county, zx_query any,
                             const char *key, zx_stmt **s, bool *row)
{
	char county[7];
	bool guess = county_of(x, v, county);
	zx_err e = ZX_OK;
	*row = false;
	if (county[0]) {
		e = zx_query_open(x->c, &x->a->scope, by_county, ZX_ARGS(ZX_TEXT(key), ZX_TEXT(county)), s);
		if (e) {
			*s = NULL;
			return e;
		}
		e = zx_stmt_next(*s, row);
		if (e || *row || !guess)
			return e;
		zx_stmt_done(*s);
	}
	*s = NULL;
	e = zx_query_open(x->c, &x->a->scope, any, ZX_ARGS(ZX_TEXT(key)), s);
	if (e)
		*s = NULL;
	else
		e = zx_stmt_next(*s, row);
	return e;
}

zx_err zx_ledger_link_person(zx_ledger_ctx *x, const zx_ledger_field *f, const char *v, zx_ledger_row *r,
                             int i, zx_ledger_links *lk, zx_errinfo *ei)
{
	zx_stmt *s = NULL;
	zx_err e = ZX_OK;
	bool by_id = v[0] == '#';
	char bidx[ZX_BIDX_HEX_LEN + 1] = "";
	if (by_id) {
		char *end;
		long long id = strtoll(v + 1, &end, 10);
		if (*end || id <= 0)
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "invalid_person", ei,
			                      "人员编号 %.20s 无效", v + 1);
		e = zx_query_open(x->c, &x->a->scope, ZXQ_ledger_person_by_id, ZX_ARGS(ZX_INT(id)), &s);
	} else {
		zx_idcard card;
		zx_idcard_status st = zx_idcard_parse(v, zx_today_ymd(), &card);
		if (st != ZX_ID_OK)
			return zx_ledger_fail(x, ZX_EVALIDATION, f, zx_idcard_status_code(st), ei, "%s",
			                      zx_idcard_status_message(st));
		if (!x->keys)
			return zx_ledger_fail(x, ZX_EINTERNAL, f, "no_keys", ei, "无法按证件号码查找人员");
		zx_blind_index(x->keys, card.norm, bidx);
	}
	bool row = false;
	if (by_id) {
		if (e)
			return e;
		e = zx_stmt_next(s, &row);
	} else {
		e = open_by_county(x, v, ZXQ_ledger_person_by_county_bidx, ZXQ_ledger_person_by_bidx, bidx,
		                   &s, &row);
	}
	if (!e && row) {
		r->ival[i] = zx_col_int(s, 0);
		lk->person_household = zx_col_int(s, 1);
		snprintf(lk->person_area, sizeof(lk->person_area), "%s", zx_col_text(s, 2));
		snprintf(lk->person_label, sizeof(lk->person_label), "%s（%s）", zx_col_text(s, 4),
		         zx_col_text(s, 5));
		r->given[i] = true;
	}
	if (s)
		zx_stmt_done(s);
	if (e || row)
		return e;
	/* Whether the number is registered elsewhere is not the caller's to know: one answer. */
	return zx_ledger_fail(x, ZX_EVALIDATION, f, "person_not_found", ei,
	                      "您的管理范围内没有该人员（未在户籍信息中登记，或不属于您管理的区域）");
}

zx_err zx_ledger_link_household(zx_ledger_ctx *x, const zx_ledger_field *f, const char *v, int64_t *id,
                                char area[13], zx_errinfo *ei)
{
	zx_stmt *s = NULL;
	zx_err e = ZX_OK;
	if (v[0] == '#') {
		char *end;
		long long hid = strtoll(v + 1, &end, 10);
		if (*end || hid <= 0)
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "invalid_household", ei,
			                      "户编号 %.40s 无效", v);
		e = zx_query_open(x->c, &x->a->scope, ZXQ_ledger_household_by_id, ZX_ARGS(ZX_INT(hid)), &s);
	}
	bool row = false;
	if (v[0] == '#') {
		if (e)
			return e;
		e = zx_stmt_next(s, &row);
	} else {
		e = open_by_county(x, v, ZXQ_ledger_household_by_county_no, ZXQ_ledger_household_by_no, v, &s,
		                   &row);
	}
	if (!e && row) {
		*id = zx_col_int(s, 0);
		snprintf(area, 13, "%s", zx_col_text(s, 1));
	}
	if (s)
		zx_stmt_done(s);
	if (!e && !row)
		e = zx_ledger_fail(x, ZX_EVALIDATION, f, "household_not_found", ei,
		                   "您的管理范围内没有户编号为 %.40s 的农户", v[0] == '#' ? v + 1 : v);
	return e;
}

zx_err zx_ledger_link_households(zx_ledger_ctx *x, const zx_ledger_field *f, const char *v, zx_ledger_row *r,
                                 int i, zx_errinfo *ei)
{
	free(r->hh_ids);
	r->hh_ids = NULL;
	r->nhh = 0;
	char *copy = strdup(v);
	if (!copy)
		return ZX_ENOMEM;
	/* separators: 、，,;；space; replace the multi-byte ones by spaces first */
	static const char *const wide[] = {"、", "，", "；"};
	for (size_t w = 0; w < 3; w++)
		for (char *p = strstr(copy, wide[w]); p; p = strstr(p, wide[w]))
			memset(p, ' ', strlen(wide[w]));
	zx_err e = ZX_OK;
	int cap = 0;
	char *save = NULL;
	for (char *tok = strtok_r(copy, " ,;\t", &save); tok && !e; tok = strtok_r(NULL, " ,;\t", &save)) {
		int64_t id;
		char area[13];
		e = zx_ledger_link_household(x, f, tok, &id, area, ei);
		if (e)
			break;
		if (r->area_code[0]) {
			zx_scope sc;
			zx_scope_of_area(r->area_code, &sc);
			if (!zx_scope_contains(&sc, area)) {
				e = zx_ledger_fail(x, ZX_EVALIDATION, f, "household_outside_area", ei,
				                   "户编号 %.40s 的农户不在本条台账的区域（%s）内", tok,
				                   r->area_code);
				break;
			}
		}
		bool dup = false;
		for (int j = 0; j < r->nhh; j++)
			dup |= r->hh_ids[j] == id;
		if (dup)
			continue;
		if (r->nhh == cap) {
			cap = cap ? cap * 2 : 8;
			int64_t *n = realloc(r->hh_ids, (size_t)cap * sizeof(*n));
			if (!n) {
				e = ZX_ENOMEM;
				break;
			}
			r->hh_ids = n;
		}
		r->hh_ids[r->nhh++] = id;
	}
	free(copy);
	if (!e)
		r->given[i] = r->nhh > 0;
	return e;
}

zx_err zx_ledger_link_area(zx_ledger_ctx *x, const zx_ledger_field *f, const char *v, zx_ledger_row *r, int i,
                           zx_errinfo *ei)
{
	char code[13];
	if (strlen(v) == 12 && strspn(v, "0123456789") == 12) {
		snprintf(code, sizeof(code), "%s", v);
	} else {
		zx_stmt *s;
		zx_err e =
		    zx_query_open(x->c, &x->a->scope, ZXQ_ledger_area_by_name, ZX_ARGS(ZX_TEXT(v)), &s);
		if (e)
			return e;
		int n = 0;
		bool row = false;
		while (!(e = zx_stmt_next(s, &row)) && row)
			if (n++ == 0)
				snprintf(code, sizeof(code), "%s", zx_col_text(s, 0));
		zx_stmt_done(s);
		if (e)
			return e;
		if (n != 1)
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "area_unknown", ei,
			                      n ? "区域名称 %.60s 不唯一，请填写12位区划代码"
			                        : "您的管理范围内没有名为 %.60s 的区域",
			                      v);
	}
	if (!zx_scope_contains(&x->a->scope, code))
		return zx_ledger_fail(x, ZX_EVALIDATION, f, "area_outside_scope", ei,
		                      "区域 %s 不在您的管理范围内", code);
	zx_stmt *s;
	zx_err e = zx_query_open(x->c, NULL, ZXQ_ledger_area_info, ZX_ARGS(ZX_TEXT(code)), &s);
	if (e)
		return e;
	bool row = false;
	int level = 0;
	e = zx_stmt_next(s, &row);
	if (!e && row)
		level = (int)zx_col_int(s, 1);
	zx_stmt_done(s);
	if (e)
		return e;
	if (!row)
		return zx_ledger_fail(x, ZX_EVALIDATION, f, "area_unknown", ei, "区划代码 %s 不存在", code);
	if (level < 4)
		return zx_ledger_fail(x, ZX_EVALIDATION, f, "area_level", ei, "区划代码 %s 不是乡镇或村",
		                      code);
	r->given[i] = true;
	r->ival[i] = level;
	return zx_ledger_set_str(r, i, code);
}

zx_err zx_ledger_link_parent(zx_ledger_ctx *x, const zx_ledger_field *f, const char *v, zx_ledger_row *r,
                             int i, zx_ledger_links *lk, zx_errinfo *ei)
{
	zx_stmt *s;
	char *end;
	long long id = strtoll(v[0] == '#' ? v + 1 : v, &end, 10);
	bool numeric = *end == '\0' && id > 0;
	zx_err e = numeric ? zx_query_open(x->c, &x->a->scope, ZXQ_ledger_parent_get,
	                                   ZX_ARGS(ZX_INT(id), ZX_TEXT(f->parent_kind)), &s)
	                   : zx_query_open(x->c, &x->a->scope, ZXQ_ledger_parent_by_title,
	                                   ZX_ARGS(ZX_TEXT(v), ZX_TEXT(f->parent_kind)), &s);
	if (e)
		return e;
	int n = 0;
	bool row = false;
	while (!(e = zx_stmt_next(s, &row)) && row)
		if (n++ == 0) {
			r->ival[i] = zx_col_int(s, 0);
			snprintf(lk->parent_area, sizeof(lk->parent_area), "%s", zx_col_text(s, 1));
		}
	zx_stmt_done(s);
	if (e)
		return e;
	const zx_ledger_kind *pk = zx_ledger_kind_find(f->parent_kind);
	if (n != 1)
		return zx_ledger_fail(x, ZX_EVALIDATION, f, "parent_not_found", ei,
		                      n ? "有多个名为 %.60s 的%s，请填写编号"
		                        : "您的管理范围内没有 %.60s 这个%s",
		                      v, pk ? pk->name : "");
	r->given[i] = true;
	return ZX_OK;
}
