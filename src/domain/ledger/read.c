/*
 * read.c — ledger rows as the API and the export show them (display JSON with masked
 * persons and computed flags), the filtered list and the totals other modules use.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "domain/ledger/ledger_internal.h"
#include "domain/monitoring/money.h"

/* Columns of ledger_get / ledger_list. */
enum {
	C_ID,
	C_AREA,
	C_AREA_NAME,
	C_FIELDS,
	C_STATUS,
	C_CATEGORY,
	C_TITLE,
	C_DATE,
	C_END,
	C_AMOUNT,
	C_QTY,
	C_PERSON,
	C_PERSON_NAME,
	C_PERSON_MASKED,
	C_HH,
	C_HH_NO,
	C_HH_HEAD,
	C_PARENT,
	C_PARENT_TITLE,
	C_CREATED_BY,
	C_CREATED_AT,
	C_UPDATED_BY,
	C_UPDATED_AT,
};

static json_t *beneficiaries_json(zx_ledger_ctx *x, int64_t id)
{
	json_t *arr = json_array();
	zx_stmt *s;
	if (zx_query_open(x->c, &x->a->scope, ZXQ_ledger_beneficiaries_of, ZX_ARGS(ZX_INT(id)), &s))
		return arr;
	bool row = false;
	while (!zx_stmt_next(s, &row) && row)
		json_array_append_new(arr,
		                      json_pack("{s:I,s:s,s:s}", "id", (json_int_t)zx_col_int(s, 0), "hh_no",
		                                zx_col_text(s, 1), "head_name", zx_col_text(s, 2)));
	zx_stmt_done(s);
	return arr;
}

json_t *zx_ledger_row_json(zx_ledger_ctx *x, const zx_ledger_kind *k, zx_stmt *s, bool beneficiaries)
{
	int64_t id = zx_col_int(s, C_ID);
	json_t *o = json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)id, "kind", k->key, "area_code",
	                      zx_col_text(s, C_AREA), "area_name", zx_col_text(s, C_AREA_NAME));
	json_t *fj = json_loads(zx_col_text(s, C_FIELDS), 0, NULL);
	for (int i = 0; i < k->nfields; i++) {
		const zx_ledger_field *f = &k->fields[i];
		json_t *v = fj ? json_object_get(fj, f->key) : NULL;
		json_t *out = NULL;
		char buf[48];
		switch (f->type) {
		case ZX_LF_MONEY:
			if (json_is_integer(v)) {
				zx_money_exact(json_integer_value(v), buf, sizeof(buf));
				out = json_string(buf);
			}
			break;
		case ZX_LF_PERSON:
			if (zx_col_int(s, C_PERSON))
				out = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)zx_col_int(s, C_PERSON),
				                "name", zx_col_text(s, C_PERSON_NAME), "id_masked",
				                zx_col_text(s, C_PERSON_MASKED));
			break;
		case ZX_LF_HOUSEHOLD:
			if (zx_col_int(s, C_HH))
				out = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)zx_col_int(s, C_HH),
				                "hh_no", zx_col_text(s, C_HH_NO), "head_name",
				                zx_col_text(s, C_HH_HEAD));
			break;
		case ZX_LF_PARENT:
			if (zx_col_int(s, C_PARENT))
				out = json_pack("{s:I,s:s}", "id", (json_int_t)zx_col_int(s, C_PARENT),
				                "title", zx_col_text(s, C_PARENT_TITLE));
			break;
		case ZX_LF_HOUSEHOLDS:
			if (beneficiaries)
				out = beneficiaries_json(x, id);
			else
				out = json_integer(v ? (json_int_t)json_array_size(v) : 0);
			break;
		case ZX_LF_COMPUTED:
			if (strcmp(f->key, "overdue") == 0)
				out = json_string(zx_ledger_loan_overdue(zx_col_text(s, C_STATUS),
				                                         zx_col_text(s, C_END), x->today)
				                      ? "是"
				                      : "否");
			else if (strcmp(f->key, "weak") == 0) {
				int64_t min = zx_ledger_setting(x->c, zx_col_text(s, C_AREA),
				                                zx_ledger_date_year(zx_col_text(s, C_DATE)),
				                                ZX_LEDGER_SET_WEAK_VILLAGE);
				out = json_string(zx_col_int(s, C_AMOUNT) < min ? "是" : "否");
			}
			break;
		default:
			if (v)
				out = json_incref(v);
			break;
		}
		json_object_set_new(o, f->key, out ? out : json_null());
	}
	json_decref(fj);
	json_object_set_new(o, "created_by", json_string(zx_col_text(s, C_CREATED_BY)));
	json_object_set_new(o, "created_at", json_integer(zx_col_int(s, C_CREATED_AT)));
	json_object_set_new(o, "updated_by", json_string(zx_col_text(s, C_UPDATED_BY)));
	json_object_set_new(o, "updated_at", json_integer(zx_col_int(s, C_UPDATED_AT)));
	return o;
}

zx_err zx_ledger_get_json(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, int64_t id, void **out,
                          zx_errinfo *ei)
{
	zx_ledger_ctx x;
	zx_ledger_ctx_init(&x, c, a, NULL);
	zx_err e = zx_ledger_may_read(a, ei);
	if (e)
		return e;
	zx_stmt *s;
	e = zx_query_open(c, &a->scope, ZXQ_ledger_get, ZX_ARGS(ZX_INT(id), ZX_TEXT(k->key)), &s);
	if (e)
		return e;
	bool row = false;
	json_t *o = NULL;
	e = zx_stmt_next(s, &row);
	if (!e && row)
		o = zx_ledger_row_json(&x, k, s, true);
	zx_stmt_done(s);
	if (!e && !row)
		e = zx_fail(ei, ZX_ENOTFOUND, "not_found", NULL, 0, "没有编号为 %" PRId64 " 的%s记录", id,
		            k->name);
	if (e)
		return e;
	*out = o;
	return ZX_OK;
}

/* Filter arguments $3.. of ledger_list / ledger_count. */
typedef struct fargs {
	char from[11], to[11];
	char like[300];
} fargs;

static zx_err filter_args(zx_ledger_ctx *x, const zx_ledger_filter *f, zx_scope *sc, fargs *fa,
                          zx_errinfo *ei)
{
	char code[13];
	zx_err e = zx_ledger_area_scope(x, f->area, sc, code, ei);
	if (e)
		return e;
	fa->from[0] = fa->to[0] = '\0';
	if (f->year) {
		if (f->year < 2000 || f->year > 2100)
			return zx_fail(ei, ZX_EINVAL, "invalid_year", "year", 0, "年度应在 2000～2100 之间");
		snprintf(fa->from, sizeof(fa->from), "%04d-01-01", f->year);
		snprintf(fa->to, sizeof(fa->to), "%04d-12-31", f->year);
	}
	if (f->from && *f->from && !zx_ledger_parse_date(f->from, fa->from))
		return zx_fail(ei, ZX_EINVAL, "invalid_date", "from", 0, "起始日期无效");
	if (f->to && *f->to && !zx_ledger_parse_date(f->to, fa->to))
		return zx_fail(ei, ZX_EINVAL, "invalid_date", "to", 0, "截止日期无效");
	const char *q = f->q ? f->q : "";
	if (strlen(q) > 100)
		return zx_fail(ei, ZX_EINVAL, "query_too_long", "q", 0, "搜索词过长");
	if (*q) {
		/* LIKE matching the text literally: % _ and the escape ! escaped with ! (ESCAPE '!'
		 * in ledger_list/ledger_count), so "%" or "_" finds rows holding them, not every row */
		size_t j = 0;
		fa->like[j++] = '%';
		for (const char *p = q; *p && j < sizeof(fa->like) - 3; p++) {
			if (*p == '%' || *p == '_' || *p == '!')
				fa->like[j++] = '!';
			fa->like[j++] = *p;
		}
		fa->like[j++] = '%';
		fa->like[j] = '\0';
	} else {
		fa->like[0] = '\0';
	}
	return ZX_OK;
}

#define FILTER_ARGS(k, f, fa)                                                                                \
	ZX_TEXT((k)->key), ZX_TEXT((fa).from), ZX_TEXT((fa).to), ZX_TEXT((f)->status ? (f)->status : ""),    \
	    ZX_TEXT((f)->category ? (f)->category : ""), ZX_TEXT((f)->q ? (f)->q : ""), ZX_TEXT((fa).like),  \
	    ZX_INT((f)->parent_id)

zx_err zx_ledger_list_json(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, const zx_ledger_filter *f,
                           void **items_out, int64_t *total_out, zx_errinfo *ei)
{
	zx_ledger_ctx x;
	zx_ledger_ctx_init(&x, c, a, NULL);
	zx_err e = zx_ledger_may_read(a, ei);
	zx_scope sc;
	fargs fa;
	if (!e)
		e = filter_args(&x, f, &sc, &fa, ei);
	if (e)
		return e;
	int64_t limit = f->limit > 0 ? f->limit : 50;
	if (limit > 500)
		limit = 500;
	int64_t total = 0;
	e = zx_tx_begin_read(c);
	if (!e)
		e = zx_query_int(c, &sc, ZXQ_ledger_count, ZX_ARGS(FILTER_ARGS(k, f, fa)), &total);
	zx_stmt *s = NULL;
	if (!e)
		e = zx_query_open(
		    c, &sc, ZXQ_ledger_list,
		    ZX_ARGS(FILTER_ARGS(k, f, fa), ZX_INT(limit), ZX_INT(f->offset > 0 ? f->offset : 0)), &s);
	json_t *arr = json_array();
	bool row = false;
	while (!e && !(e = zx_stmt_next(s, &row)) && row)
		json_array_append_new(arr, zx_ledger_row_json(&x, k, s, false));
	if (s)
		zx_stmt_done(s);
	zx_tx_rollback(c);
	if (e) {
		json_decref(arr);
		return e;
	}
	*items_out = arr;
	*total_out = total;
	return ZX_OK;
}

/* Used by export.c: walks every matching row (no page cap). */
zx_err zx_ledger_walk(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, const zx_ledger_filter *f,
                      bool (*fn)(void *ctx, json_t *row), void *ctx, zx_errinfo *ei)
{
	zx_ledger_ctx x;
	zx_ledger_ctx_init(&x, c, a, NULL);
	zx_err e = zx_ledger_may_read(a, ei);
	zx_scope sc;
	fargs fa;
	if (!e)
		e = filter_args(&x, f, &sc, &fa, ei);
	if (e)
		return e;
	zx_stmt *s;
	e = zx_query_open(c, &sc, ZXQ_ledger_list,
	                  ZX_ARGS(FILTER_ARGS(k, f, fa), ZX_INT(INT64_MAX), ZX_INT(0)), &s);
	if (e)
		return e;
	bool row = false;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		json_t *o = zx_ledger_row_json(&x, k, s, true);
		bool go = fn(ctx, o);
		json_decref(o);
		if (!go)
			break;
	}
	zx_stmt_done(s);
	return e;
}

zx_err zx_ledger_totals_get(zx_conn *c, const zx_actor *a, const char *area, const char *kind,
                            const char *from, const char *to, const char *status, const char *category,
                            zx_ledger_totals *out, zx_errinfo *ei)
{
	memset(out, 0, sizeof(*out));
	if (!zx_ledger_kind_find(kind))
		return zx_fail(ei, ZX_EINVAL, "unknown_kind", "kind", 0, "没有名为 %.40s 的台账",
		               kind ? kind : "");
	zx_ledger_ctx x;
	zx_ledger_ctx_init(&x, c, a, NULL);
	zx_scope sc;
	char code[13];
	zx_err e = zx_ledger_area_scope(&x, area, &sc, code, ei);
	if (e)
		return e;
	zx_stmt *s;
	e = zx_query_open(c, &sc, ZXQ_ledger_totals,
	                  ZX_ARGS(ZX_TEXT(kind), ZX_TEXT(from ? from : ""), ZX_TEXT(to ? to : ""),
	                          ZX_TEXT(status ? status : ""), ZX_TEXT(category ? category : "")),
	                  &s);
	if (e)
		return e;
	bool row = false;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		out->count = zx_col_int(s, 0);
		out->amount_fen = zx_col_int(s, 1);
		out->quantity = zx_col_real(s, 2);
	}
	zx_stmt_done(s);
	return e;
}
