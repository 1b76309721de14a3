/*
 * ledger.c — the generic ledger engine (ledger.h): input -> validated canonical row (field
 * types from the kind's descriptor, links resolved inside the actor's scope and the row's
 * area), then the kind's check, then one transaction with the row and its audit row.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/idcard.h"
#include "domain/auth/audit.h"
#include "domain/ledger/ledger_internal.h"
#include "domain/monitoring/money.h"

void zx_ledger_row_free(zx_ledger_row *r)
{
	for (int i = 0; i < ZX_LEDGER_MAX_FIELDS; i++) {
		free(r->sval[i]);
		r->sval[i] = NULL;
	}
	free(r->hh_ids);
	r->hh_ids = NULL;
	r->nhh = 0;
}

zx_err zx_ledger_set_str(zx_ledger_row *r, int i, const char *v)
{
	free(r->sval[i]);
	r->sval[i] = strdup(v);
	return r->sval[i] ? ZX_OK : ZX_ENOMEM;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* One given value into the row's canonical form. */
static zx_err parse_value(zx_ledger_ctx *x, const zx_ledger_field *f, const char *v, bool wan,
                          zx_ledger_row *r, int i, zx_ledger_links *lk, zx_errinfo *ei)
{
	int64_t n;
	char *end;
	switch (f->type) {
	case ZX_LF_COMPUTED:
		return ZX_OK;
	case ZX_LF_TEXT:
		if (f->max && utf8_chars(v) > (size_t)f->max)
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "too_long", ei,
			                      "不能超过 %" PRId64 " 个字", f->max);
		r->given[i] = true;
		return zx_ledger_set_str(r, i, v);
	case ZX_LF_ENUM:
		for (const char *const *e = f->enums; *e; e++)
			if (strcmp(*e, v) == 0) {
				r->given[i] = true;
				return zx_ledger_set_str(r, i, v);
			}
		{
			char list[256] = "";
			for (const char *const *e = f->enums; *e; e++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				         e == f->enums ? "" : "、", *e);
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "invalid_enum", ei,
			                      "“%.60s”不是可选值（%s）", v, list);
		}
	case ZX_LF_INT:
	case ZX_LF_YEAR:
		n = strtoll(v, &end, 10);
		if (*v == '-' && end != v && !*end)
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "negative", ei, "不能为负数");
		if (end == v || *end)
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "not_integer", ei, "“%.40s”不是整数", v);
		if ((f->min || f->max) && (n < f->min || n > f->max))
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "out_of_range", ei,
			                      "%" PRId64 " 超出范围（%" PRId64 "～%" PRId64 "）", n, f->min,
			                      f->max);
		r->ival[i] = n;
		r->given[i] = true;
		return ZX_OK;
	case ZX_LF_NUMBER:
		if (*v == '-')
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "negative", ei, "不能为负数");
		if (!zx_decimal_parse(v, 2, f->max ? f->max : INT64_MAX / 10, &n))
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "not_number", ei,
			                      "“%.40s”不是最多两位小数的数", v);
		r->ival[i] = n;
		r->given[i] = true;
		return ZX_OK;
	case ZX_LF_MONEY:
		switch (zx_ledger_parse_money(v, wan, &n)) {
		case 0:
			break;
		case 2:
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "negative_amount", ei,
			                      "金额不能为负数（%.40s）", v);
		case 3:
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "bad_amount", ei,
			                      "金额 %.40s 小数位过多或过大", v);
		default:
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "bad_amount", ei, "“%.40s”不是金额", v);
		}
		if ((f->min || f->max) && (n < f->min || n > f->max)) {
			char lo[32], hi[32];
			zx_money_short(f->min, lo, sizeof(lo));
			zx_money_short(f->max, hi, sizeof(hi));
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "amount_out_of_range", ei,
			                      "金额 %.40s%s 超出范围（%s～%s元）", v, wan ? "万元" : "", lo,
			                      hi);
		}
		r->ival[i] = n;
		r->given[i] = true;
		return ZX_OK;
	case ZX_LF_DATE: {
		char d[11];
		if (!zx_ledger_parse_date(v, d))
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "invalid_date", ei,
			                      "“%.40s”不是有效日期（如 2024-03-05）", v);
		if (strcmp(d, "2000-01-01") < 0 || strcmp(d, "2100-12-31") > 0)
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "date_out_of_range", ei,
			                      "日期 %s 超出范围（2000-01-01～2100-12-31）", d);
		if (f->max == 1 && strcmp(d, x->today) > 0)
			return zx_ledger_fail(x, ZX_EVALIDATION, f, "date_in_future", ei,
			                      "日期 %s 晚于今天（%s）", d, x->today);
		r->given[i] = true;
		return zx_ledger_set_str(r, i, d);
	}
	case ZX_LF_PERSON:
		return zx_ledger_link_person(x, f, v, r, i, lk, ei);
	case ZX_LF_HOUSEHOLD: {
		char area[13];
		zx_err e = zx_ledger_link_household(x, f, v, &r->ival[i], area, ei);
		if (!e) {
			r->given[i] = true;
			snprintf(lk->hh_area, sizeof(lk->hh_area), "%s", area);
		}
		return e;
	}
	case ZX_LF_HOUSEHOLDS:
		return ZX_OK; /* after the area is known */
	case ZX_LF_AREA:
		return zx_ledger_link_area(x, f, v, r, i, ei);
	case ZX_LF_PARENT:
		return zx_ledger_link_parent(x, f, v, r, i, lk, ei);
	}
	return ZX_EINTERNAL;
}

/* Stored ids are re-resolved on update, so a moved person is seen. */
static void stored_as_input(const zx_ledger_row *r, int i, char *buf, size_t cap)
{
	snprintf(buf, cap, "#%" PRId64, r->ival[i]);
}

static bool inside(const char *area, const char *code)
{
	zx_scope sc;
	zx_scope_of_area(area, &sc);
	return zx_scope_contains(&sc, code);
}

/* Columns from the canonical values, by role. */
static void fill_columns(zx_ledger_row *r)
{
	const zx_ledger_kind *k = r->kind;
	r->entry_date[0] = r->end_date[0] = r->status[0] = r->category[0] = r->title[0] = '\0';
	r->has_amount = r->has_quantity = false;
	r->person_id = r->parent_id = 0;
	for (int i = 0; i < k->nfields; i++) {
		const zx_ledger_field *f = &k->fields[i];
		if (!r->given[i])
			continue;
		switch (f->role) {
		case ZX_LR_DATE:
			if (f->type == ZX_LF_YEAR)
				snprintf(r->entry_date, sizeof(r->entry_date), "%04d-12-31", (int)r->ival[i]);
			else
				snprintf(r->entry_date, sizeof(r->entry_date), "%s", r->sval[i]);
			break;
		case ZX_LR_END:
			snprintf(r->end_date, sizeof(r->end_date), "%s", r->sval[i]);
			break;
		case ZX_LR_AMOUNT:
			r->has_amount = true;
			r->amount_fen = r->ival[i];
			break;
		case ZX_LR_QUANTITY:
			r->has_quantity = true;
			r->quantity =
			    f->type == ZX_LF_NUMBER ? (double)r->ival[i] / 100.0 : (double)r->ival[i];
			break;
		case ZX_LR_PERSON:
			r->person_id = r->ival[i];
			break;
		case ZX_LR_HOUSEHOLD:
			r->household_id = r->ival[i];
			break;
		case ZX_LR_PARENT:
			r->parent_id = r->ival[i];
			break;
		case ZX_LR_STATUS:
			snprintf(r->status, sizeof(r->status), "%s", r->sval[i]);
			break;
		case ZX_LR_CATEGORY:
			snprintf(r->category, sizeof(r->category), "%s", r->sval[i]);
			break;
		case ZX_LR_TITLE:
			snprintf(r->title, sizeof(r->title), "%s", r->sval[i]);
			break;
		default:
			break;
		}
	}
}

zx_err zx_ledger_validate(zx_ledger_ctx *x, const zx_ledger_kind *k, const zx_ledger_input *in,
                          zx_ledger_row *r, zx_errinfo *ei)
{
	zx_ledger_links lk;
	memset(&lk, 0, sizeof(lk));
	r->kind = k;
	x->rowno = in->rowno;
	const char *hh_list = NULL;
	int hh_field = -1;
	for (int i = 0; i < k->nfields; i++) {
		const zx_ledger_field *f = &k->fields[i];
		const char *v = in->val[i];
		char stored[32];
		if (f->type == ZX_LF_HOUSEHOLDS) {
			hh_field = i;
			hh_list = v;
			continue;
		}
		if (!v && r->given[i] &&
		    (f->type == ZX_LF_PERSON || f->type == ZX_LF_HOUSEHOLD || f->type == ZX_LF_PARENT)) {
			stored_as_input(r, i, stored, sizeof(stored));
			v = stored;
		} else if (!v && r->given[i] && f->type == ZX_LF_AREA) {
			v = r->sval[i];
		}
		if (!v && !r->id && f->def)
			v = f->def;
		if (!v)
			continue;
		if (!*v) {
			r->given[i] = false;
			continue;
		}
		char vcopy[64];
		if (v == r->sval[i]) { /* parse_area replaces sval[i] */
			snprintf(vcopy, sizeof(vcopy), "%s", v);
			v = vcopy;
		}
		zx_err e = parse_value(x, f, v, in->wan[i], r, i, &lk, ei);
		if (e)
			return e;
	}
	for (int i = 0; i < k->nfields; i++)
		if (k->fields[i].required && !r->given[i] && k->fields[i].type != ZX_LF_HOUSEHOLDS)
			return zx_ledger_fail(x, ZX_EVALIDATION, &k->fields[i], "required", ei, "不能为空");
	/* the row's area: the area field, else the person's / household's / parent's */
	int af = zx_ledger_role_field(k, ZX_LR_AREA);
	r->household_id = 0;
	if (af >= 0 && r->given[af])
		snprintf(r->area_code, sizeof(r->area_code), "%s", r->sval[af]);
	else if (lk.person_area[0])
		snprintf(r->area_code, sizeof(r->area_code), "%s", lk.person_area);
	else if (lk.hh_area[0])
		snprintf(r->area_code, sizeof(r->area_code), "%s", lk.hh_area);
	else if (lk.parent_area[0])
		snprintf(r->area_code, sizeof(r->area_code), "%s", lk.parent_area);
	else
		return zx_ledger_fail(x, ZX_EVALIDATION, af >= 0 ? &k->fields[af] : NULL, "area_missing", ei,
		                      "无法确定所属区域");
	int pf = zx_ledger_role_field(k, ZX_LR_PERSON);
	if (lk.person_area[0] && !inside(r->area_code, lk.person_area))
		return zx_ledger_fail(x, ZX_EVALIDATION, &k->fields[pf], "person_outside_area", ei,
		                      "人员 %s 的户籍在 %s，不在本条台账的区域（%s）内", lk.person_label,
		                      lk.person_area, r->area_code);
	int hf = zx_ledger_role_field(k, ZX_LR_HOUSEHOLD);
	if (lk.hh_area[0] && !inside(r->area_code, lk.hh_area))
		return zx_ledger_fail(x, ZX_EVALIDATION, &k->fields[hf], "household_outside_area", ei,
		                      "该户在 %s，不在本条台账的区域（%s）内", lk.hh_area, r->area_code);
	int parf = zx_ledger_role_field(k, ZX_LR_PARENT);
	if (lk.parent_area[0] && !inside(lk.parent_area, r->area_code) &&
	    !inside(r->area_code, lk.parent_area))
		return zx_ledger_fail(x, ZX_EVALIDATION, &k->fields[parf], "parent_outside_area", ei,
		                      "所属项目不在本区域内");
	if (hh_field >= 0 && hh_list) {
		if (*hh_list) {
			zx_err e =
			    zx_ledger_link_households(x, &k->fields[hh_field], hh_list, r, hh_field, ei);
			if (e)
				return e;
		} else {
			r->nhh = 0;
			r->given[hh_field] = false;
		}
	}
	snprintf(r->county, sizeof(r->county), "%.6s", r->area_code);
	fill_columns(r);
	if (lk.person_household)
		r->household_id = lk.person_household;
	if (r->entry_date[0] && r->end_date[0] && strcmp(r->end_date, r->entry_date) < 0) {
		int df = zx_ledger_role_field(k, ZX_LR_DATE), ef = zx_ledger_role_field(k, ZX_LR_END);
		return zx_ledger_fail(x, ZX_EVALIDATION, &k->fields[ef], "end_before_start", ei,
		                      "%s 早于%s %s", r->end_date, k->fields[df].label, r->entry_date);
	}
	return k->check ? k->check(x, r, ei) : ZX_OK;
}

static json_t *fields_json(const zx_ledger_row *r)
{
	json_t *o = json_object();
	const zx_ledger_kind *k = r->kind;
	for (int i = 0; i < k->nfields; i++) {
		const zx_ledger_field *f = &k->fields[i];
		if (!r->given[i])
			continue;
		json_t *v = NULL;
		switch (f->type) {
		case ZX_LF_NUMBER:
			v = json_real((double)r->ival[i] / 100.0);
			break;
		case ZX_LF_INT:
		case ZX_LF_YEAR:
		case ZX_LF_MONEY:
		case ZX_LF_PERSON:
		case ZX_LF_HOUSEHOLD:
		case ZX_LF_PARENT:
			v = json_integer(r->ival[i]);
			break;
		case ZX_LF_HOUSEHOLDS:
			v = json_array();
			for (int j = 0; j < r->nhh; j++)
				json_array_append_new(v, json_integer(r->hh_ids[j]));
			break;
		case ZX_LF_COMPUTED:
			break;
		default:
			v = json_string(r->sval[i] ? r->sval[i] : "");
			break;
		}
		if (v)
			json_object_set_new(o, f->key, v);
	}
	return o;
}

zx_err zx_ledger_write_row(zx_ledger_ctx *x, zx_ledger_row *r, zx_errinfo *ei)
{
	(void)ei;
	json_t *fj = fields_json(r);
	char *fields = json_dumps(fj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(fj);
	if (!fields)
		return ZX_ENOMEM;
	zx_val ent = r->entry_date[0] ? ZX_TEXT(r->entry_date) : ZX_NULLV;
	zx_val end = r->end_date[0] ? ZX_TEXT(r->end_date) : ZX_NULLV;
	zx_val amt = r->has_amount ? ZX_INT(r->amount_fen) : ZX_NULLV;
	zx_val qty = r->has_quantity ? ZX_REAL(r->quantity) : ZX_NULLV;
	zx_val per = r->person_id ? ZX_INT(r->person_id) : ZX_NULLV;
	zx_val hh = r->household_id ? ZX_INT(r->household_id) : ZX_NULLV;
	zx_val par = r->parent_id ? ZX_INT(r->parent_id) : ZX_NULLV;
	int64_t now = zx_now(), n = 0;
	zx_err e;
	if (!r->id) {
		e = zx_exec(x->c, &x->a->scope, ZXQ_ledger_insert,
		            ZX_ARGS(ZX_TEXT(r->county), ZX_TEXT(r->kind->key), ZX_TEXT(r->area_code), ent,
		                    end, amt, qty, per, hh, par, ZX_TEXT(r->status), ZX_TEXT(r->category),
		                    ZX_TEXT(r->title), ZX_TEXT(fields), ZX_TEXT(x->a->username), ZX_INT(now)),
		            &n);
		if (!e && n == 1)
			r->id = zx_last_insert_id(x->c);
	} else {
		e = zx_exec(x->c, &x->a->scope, ZXQ_ledger_update,
		            ZX_ARGS(ZX_INT(r->id), ZX_TEXT(r->county), ZX_TEXT(r->area_code), ent, end, amt,
		                    qty, per, hh, par, ZX_TEXT(r->status), ZX_TEXT(r->category),
		                    ZX_TEXT(r->title), ZX_TEXT(fields), ZX_TEXT(x->a->username), ZX_INT(now),
		                    ZX_TEXT(r->kind->key)),
		            &n);
	}
	free(fields);
	if (!e && n != 1)
		e = ZX_ENOTFOUND;
	int hf = -1;
	for (int i = 0; i < r->kind->nfields; i++)
		if (r->kind->fields[i].type == ZX_LF_HOUSEHOLDS)
			hf = i;
	if (!e && hf >= 0) {
		e = zx_exec(x->c, &x->a->scope, ZXQ_ledger_beneficiaries_clear, ZX_ARGS(ZX_INT(r->id)), NULL);
		for (int j = 0; !e && j < r->nhh; j++)
			e = zx_exec(x->c, &x->a->scope, ZXQ_ledger_beneficiary_insert,
			            ZX_ARGS(ZX_INT(r->id), ZX_INT(r->hh_ids[j])), NULL);
	}
	return e;
}

/* Loads a stored row's canonical values (for update / delete). */
static zx_err load_row(zx_ledger_ctx *x, const zx_ledger_kind *k, int64_t id, zx_ledger_row *r,
                       zx_errinfo *ei)
{
	zx_stmt *s;
	zx_err e =
	    zx_query_open(x->c, &x->a->scope, ZXQ_ledger_get, ZX_ARGS(ZX_INT(id), ZX_TEXT(k->key)), &s);
	if (e)
		return e;
	bool row = false;
	json_t *fj = NULL;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		r->id = id;
		r->kind = k;
		snprintf(r->area_code, sizeof(r->area_code), "%s", zx_col_text(s, 1));
		fj = json_loads(zx_col_text(s, 3), 0, NULL);
	}
	zx_stmt_done(s);
	if (e)
		return e;
	if (!row)
		return zx_fail(ei, ZX_ENOTFOUND, "not_found", NULL, 0, "没有编号为 %" PRId64 " 的%s记录", id,
		               k->name);
	for (int i = 0; fj && i < k->nfields; i++) {
		json_t *v = json_object_get(fj, k->fields[i].key);
		if (!v)
			continue;
		r->given[i] = true;
		if (json_is_integer(v))
			r->ival[i] = json_integer_value(v);
		else if (json_is_real(v))
			r->ival[i] = (int64_t)(json_real_value(v) * 100.0 + 0.5);
		else if (json_is_string(v))
			e = zx_ledger_set_str(r, i, json_string_value(v));
		else if (json_is_array(v)) {
			size_t n = json_array_size(v);
			r->hh_ids = n ? calloc(n, sizeof(int64_t)) : NULL;
			for (size_t j = 0; r->hh_ids && j < n; j++)
				r->hh_ids[r->nhh++] = json_integer_value(json_array_get(v, j));
		}
	}
	json_decref(fj);
	return e;
}

static void audit_detail(const zx_ledger_row *r, char *out, size_t cap)
{
	snprintf(out, cap, "kind=%s area=%s date=%s amount_fen=%" PRId64, r->kind->key, r->area_code,
	         r->entry_date, r->has_amount ? r->amount_fen : 0);
}

static zx_err finish(zx_ledger_ctx *x, zx_err e, const char *action, const zx_ledger_row *r)
{
	if (!e) {
		char obj[48], detail[200];
		snprintf(obj, sizeof(obj), "ledger:%" PRId64, r->id);
		audit_detail(r, detail, sizeof(detail));
		e = zx_audit_write(x->c, x->a, action, obj, "ok", detail);
	}
	if (!e)
		e = zx_tx_commit(x->c);
	if (e)
		zx_tx_rollback(x->c);
	return e;
}

zx_err zx_ledger_add(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, const zx_ledger_input *in,
                     int64_t *id_out, zx_errinfo *ei)
{
	zx_ledger_ctx x;
	zx_ledger_ctx_init(&x, c, a, in->keys);
	zx_err e = zx_ledger_may_write(a, ei);
	if (e)
		return e;
	zx_ledger_row r;
	memset(&r, 0, sizeof(r));
	r.kind = k;
	e = zx_tx_begin_write(c);
	if (!e)
		e = zx_ledger_validate(&x, k, in, &r, ei);
	if (!e)
		e = zx_ledger_write_row(&x, &r, ei);
	e = finish(&x, e, "ledger.create", &r);
	if (!e && id_out)
		*id_out = r.id;
	zx_ledger_row_free(&r);
	return e;
}

zx_err zx_ledger_update(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, int64_t id,
                        const zx_ledger_input *in, zx_errinfo *ei)
{
	zx_ledger_ctx x;
	zx_ledger_ctx_init(&x, c, a, in->keys);
	zx_err e = zx_ledger_may_write(a, ei);
	if (e)
		return e;
	zx_ledger_row r;
	memset(&r, 0, sizeof(r));
	r.kind = k;
	e = zx_tx_begin_write(c);
	if (!e)
		e = load_row(&x, k, id, &r, ei);
	if (!e)
		e = zx_ledger_validate(&x, k, in, &r, ei);
	if (!e)
		e = zx_ledger_write_row(&x, &r, ei);
	e = finish(&x, e, "ledger.update", &r);
	zx_ledger_row_free(&r);
	return e;
}

zx_err zx_ledger_delete(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, int64_t id, zx_errinfo *ei)
{
	zx_ledger_ctx x;
	zx_ledger_ctx_init(&x, c, a, NULL);
	zx_err e = zx_ledger_may_write(a, ei);
	if (e)
		return e;
	zx_ledger_row r;
	memset(&r, 0, sizeof(r));
	r.kind = k;
	e = zx_tx_begin_write(c);
	if (!e)
		e = load_row(&x, k, id, &r, ei);
	if (!e) {
		fill_columns(&r);
		int64_t n = 0;
		e = zx_exec(c, &a->scope, ZXQ_ledger_delete, ZX_ARGS(ZX_INT(id), ZX_TEXT(k->key)), &n);
		if (!e && n != 1)
			e = ZX_ENOTFOUND;
	}
	e = finish(&x, e, "ledger.delete", &r);
	zx_ledger_row_free(&r);
	return e;
}
