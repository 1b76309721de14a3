/*
 * ranking.c — 晾晒 league tables, 红榜/黑榜 and published snapshots (see ranking.h).
 *
 * Invariants: a table is computed from the same completion query as 指标与目标 (one per
 * child area, inside one transaction, so every area is counted on the same data); a
 * published snapshot and its rows are written in one transaction with the audit row and
 * never rewritten.
 */
#include "domain/indicator/ranking.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/assistance/assistance.h"
#include "domain/auth/audit.h"
#include "domain/indicator/indicator_internal.h"

void zx_ranking_free(zx_ranking *r)
{
	for (int i = 0; r->rows && i < r->nrows; i++)
		free(r->rows[i].det);
	free(r->rows);
	r->rows = NULL;
	r->nrows = 0;
}

/* ---- scoring and order ------------------------------------------------------------------ */

static double indicator_score(const zx_ind_status *s)
{
	if (s->ind->higher_better)
		return s->completion;
	if (s->actual <= s->target)
		return 1.0;
	return (double)s->target / (double)s->actual;
}

static int64_t score_key(const zx_rank_row *r)
{
	return r->has_score ? llround(r->score * 1e9) : INT64_MIN;
}

static int cmp_rows(const void *pa, const void *pb)
{
	const zx_rank_row *a = pa, *b = pb;
	int64_t ka = score_key(a), kb = score_key(b);
	if (ka != kb)
		return ka > kb ? -1 : 1;
	return strcmp(a->area_code, b->area_code);
}

void zx_ranking_order(zx_rank_row *rows, int n, int top_n)
{
	qsort(rows, (size_t)n, sizeof(*rows), cmp_rows);
	int scored = 0;
	for (int i = 0; i < n; i++) {
		rows[i].position = i + 1;
		rows[i].board[0] = '\0';
		rows[i].rank = 0;
		if (!rows[i].has_score)
			continue;
		scored++;
		rows[i].rank =
		    i > 0 && score_key(&rows[i - 1]) == score_key(&rows[i]) ? rows[i - 1].rank : i + 1;
		if (rows[i].rank <= top_n)
			snprintf(rows[i].board, sizeof(rows[i].board), "red");
	}
	/* 黑榜: fewer than top_n areas score strictly lower. Rows are sorted, so the areas scoring
	 * lower than row i are those after the last row equal to it. */
	for (int i = 0; i < scored; i++) {
		int j = i;
		while (j + 1 < scored && score_key(&rows[j + 1]) == score_key(&rows[i]))
			j++;
		int lower = scored - 1 - j;
		for (int k = i; k <= j; k++)
			if (lower < top_n && !rows[k].board[0])
				snprintf(rows[k].board, sizeof(rows[k].board), "black");
		i = j;
	}
}

/* ---- computing -------------------------------------------------------------------------- */

typedef struct collect {
	zx_rank_row *row;
	int cap;
	double wsum, wscore;
	bool oom;
} collect;

static bool collect_status(void *ctx, const zx_ind_status *s)
{
	collect *k = ctx;
	if (!s->has_target || s->target <= 0 || !s->has_actual || s->ind->weight <= 0)
		return true;
	if (k->row->n == k->cap) {
		int cap = k->cap ? k->cap * 2 : 8;
		zx_rank_detail *d = realloc(k->row->det, (size_t)cap * sizeof(*d));
		if (!d) {
			k->oom = true;
			return false;
		}
		k->row->det = d;
		k->cap = cap;
	}
	zx_rank_detail *d = &k->row->det[k->row->n++];
	memset(d, 0, sizeof(*d));
	snprintf(d->key, sizeof(d->key), "%s", s->ind->key);
	snprintf(d->name, sizeof(d->name), "%s", s->ind->name);
	snprintf(d->unit, sizeof(d->unit), "%s", s->ind->unit);
	d->weight = s->ind->weight;
	d->target = s->target;
	d->actual = s->actual;
	d->completion = s->has_completion ? s->completion : (double)s->actual / (double)s->target;
	zx_ind_status tmp = *s;
	tmp.completion = d->completion;
	d->score = indicator_score(&tmp);
	k->wsum += d->weight;
	k->wscore += d->weight * d->score;
	return true;
}

typedef struct child_list {
	zx_rank_row *rows;
	int n, cap;
} child_list;

static zx_err load_children(zx_conn *c, const char *code, child_list *out)
{
	zx_scope sc;
	zx_scope_of_area(code, &sc);
	zx_stmt *s;
	zx_err e = zx_query_open(c, &sc, ZXQ_indicator_area_children, ZX_ARGS(ZX_TEXT(code)), &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		if (out->n == out->cap) {
			int cap = out->cap ? out->cap * 2 : 32;
			zx_rank_row *r = realloc(out->rows, (size_t)cap * sizeof(*r));
			if (!r) {
				e = ZX_ENOMEM;
				break;
			}
			out->rows = r;
			out->cap = cap;
		}
		zx_rank_row *r = &out->rows[out->n++];
		memset(r, 0, sizeof(*r));
		snprintf(r->area_code, sizeof(r->area_code), "%s", zx_col_text(s, 0));
		snprintf(r->area_name, sizeof(r->area_name), "%s", zx_col_text(s, 1));
	}
	zx_stmt_done(s);
	return e;
}

static zx_err area_name(zx_conn *c, const char *code, char *out, size_t outsz)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, ZXQ_indicator_area_get, ZX_ARGS(ZX_TEXT(code)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	snprintf(out, outsz, "%s", !e && row ? zx_col_text(s, 0) : code);
	zx_stmt_done(s);
	return e;
}

/* The table, inside the caller's transaction. */
static zx_err compute_in_tx(zx_conn *c, const zx_actor *a, const zx_ranking_input *in, zx_ranking *out,
                            zx_errinfo *ei)
{
	int level = 0;
	zx_err e = zx_asst_area(c, a, in->area, out->area_code, &level, ei);
	if (e)
		return e;
	if (level != 3 && level != 4)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_area_level", "area", 0,
		               "晾晒范围应为县（各乡镇排名）或乡镇（各村排名）");
	if (!zx_period_parse(in->year, in->period, &out->period))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_period", "period", 0,
		               "考核期应为 Y、H1、H2、Q1–Q4、M01–M12 或 本年内的日期，年度应在 2000–2100");
	if ((e = zx_period_cut(&out->period, in->as_of, ei)))
		return e;
	snprintf(out->as_of, sizeof(out->as_of), "%s", out->period.end);
	out->top_n = in->top_n ? in->top_n : 3;
	if (out->top_n < 1 || out->top_n > ZX_RANK_TOP_MAX)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_top", "top", 0, "红黑榜人数应在 1 到 %d 之间",
		               ZX_RANK_TOP_MAX);
	if ((e = area_name(c, out->area_code, out->area_name, sizeof(out->area_name))))
		return e;
	if (in->title && *in->title) {
		if ((e = zx_asst_text(in->title, ZX_RANK_TITLE_MAX, "title", "标题", ei)))
			return e;
		snprintf(out->title, sizeof(out->title), "%s", in->title);
	} else {
		snprintf(out->title, sizeof(out->title), "%s%s晾晒", out->area_name, out->period.label);
	}
	child_list ch = {0};
	e = load_children(c, out->area_code, &ch);
	out->rows = ch.rows;
	out->nrows = ch.n;
	for (int i = 0; !e && i < ch.n; i++) {
		collect k = {.row = &ch.rows[i]};
		e = zx_ind_status_of(c, a, ch.rows[i].area_code, &out->period, collect_status, &k);
		if (!e && k.oom)
			e = ZX_ENOMEM;
		ch.rows[i].has_score = k.wsum > 0;
		ch.rows[i].score = k.wsum > 0 ? k.wscore / k.wsum : 0;
	}
	if (!e)
		zx_ranking_order(out->rows, out->nrows, out->top_n);
	return e;
}

zx_err zx_ranking_compute(zx_conn *c, const zx_actor *a, const zx_ranking_input *in, zx_ranking *out,
                          zx_errinfo *ei)
{
	memset(out, 0, sizeof(*out));
	if (!zx_ind_role_reads(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能查看晾晒排名",
		               zx_role_name(a->role));
	bool own = !zx_tx_active(c);
	zx_err e = own ? zx_tx_begin_read(c) : ZX_OK;
	if (!e)
		e = compute_in_tx(c, a, in, out, ei);
	if (own)
		zx_tx_rollback(c);
	if (e)
		zx_ranking_free(out);
	return e;
}

/* ---- snapshots -------------------------------------------------------------------------- */

static char *detail_json(const zx_rank_row *r)
{
	json_t *arr = json_array();
	for (int i = 0; i < r->n; i++) {
		const zx_rank_detail *d = &r->det[i];
		json_array_append_new(arr,
		                      json_pack("{s:s,s:s,s:s,s:i,s:I,s:I,s:f,s:f}", "key", d->key, "name",
		                                d->name, "unit", d->unit, "weight", d->weight, "target",
		                                (json_int_t)d->target, "actual", (json_int_t)d->actual,
		                                "completion", d->completion, "score", d->score));
	}
	char *s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return s;
}

static const char *jstr(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

static void parse_detail(const char *text, zx_rank_row *r)
{
	json_t *arr = json_loads(text, 0, NULL);
	size_t n = json_is_array(arr) ? json_array_size(arr) : 0;
	r->det = n ? calloc(n, sizeof(*r->det)) : NULL;
	r->n = r->det ? (int)n : 0;
	for (int i = 0; i < r->n; i++) {
		json_t *o = json_array_get(arr, (size_t)i);
		zx_rank_detail *d = &r->det[i];
		snprintf(d->key, sizeof(d->key), "%s", jstr(o, "key"));
		snprintf(d->name, sizeof(d->name), "%s", jstr(o, "name"));
		snprintf(d->unit, sizeof(d->unit), "%s", jstr(o, "unit"));
		d->weight = (int)json_integer_value(json_object_get(o, "weight"));
		d->target = json_integer_value(json_object_get(o, "target"));
		d->actual = json_integer_value(json_object_get(o, "actual"));
		d->completion = json_number_value(json_object_get(o, "completion"));
		d->score = json_number_value(json_object_get(o, "score"));
	}
	json_decref(arr);
}

zx_err zx_ranking_publish(zx_conn *c, const zx_actor *a, const zx_ranking_input *in, int64_t *id_out,
                          zx_errinfo *ei)
{
	if (a->role != ZX_ROLE_COUNTY_ADMIN && a->role != ZX_ROLE_TOWN_ADMIN)
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0,
		               "只有县级、乡镇管理员可以发布晾晒排名");
	zx_ranking r;
	memset(&r, 0, sizeof(r));
	zx_err e = zx_tx_begin_write(c);
	if (e)
		return e;
	e = compute_in_tx(c, a, in, &r, ei);
	int64_t id = 0;
	zx_scope sc;
	zx_scope_of_area(r.area_code, &sc);
	char county[7];
	snprintf(county, sizeof(county), "%.6s", r.area_code);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_ranking_insert,
		            ZX_ARGS(ZX_TEXT(county), ZX_TEXT(r.area_code), ZX_TEXT(sc.lo), ZX_TEXT(sc.hi),
		                    ZX_INT(r.period.year), ZX_TEXT(r.period.code), ZX_TEXT(r.as_of),
		                    ZX_TEXT(r.title), ZX_INT(r.top_n), ZX_INT(r.nrows), ZX_TEXT(a->username),
		                    ZX_INT(zx_now())),
		            NULL);
	if (!e)
		id = zx_last_insert_id(c);
	for (int i = 0; !e && i < r.nrows; i++) {
		const zx_rank_row *w = &r.rows[i];
		char *det = detail_json(w);
		if (!det) {
			e = ZX_ENOMEM;
			break;
		}
		e = zx_exec(c, NULL, ZXQ_ranking_row_insert,
		            ZX_ARGS(ZX_INT(id), ZX_TEXT(county), ZX_TEXT(w->area_code), ZX_TEXT(w->area_name),
		                    ZX_INT(w->position), w->rank ? ZX_INT(w->rank) : ZX_NULLV,
		                    w->has_score ? ZX_REAL(w->score) : ZX_NULLV, ZX_INT(w->n),
		                    ZX_TEXT(w->board), ZX_TEXT(det)),
		            NULL);
		free(det);
	}
	if (!e) {
		char obj[48], detail[300];
		snprintf(obj, sizeof(obj), "ranking:%" PRId64, id);
		snprintf(detail, sizeof(detail), "area=%s year=%d period=%s as_of=%s top=%d areas=%d",
		         r.area_code, r.period.year, r.period.code, r.as_of, r.top_n, r.nrows);
		e = zx_audit_write(c, a, "ranking.publish", obj, "ok", detail);
	}
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	zx_ranking_free(&r);
	if (!e && id_out)
		*id_out = id;
	return e;
}

static void read_ranking(zx_stmt *s, zx_ranking *r)
{
	memset(r, 0, sizeof(*r));
	r->id = zx_col_int(s, 0);
	snprintf(r->area_code, sizeof(r->area_code), "%s", zx_col_text(s, 1));
	snprintf(r->area_name, sizeof(r->area_name), "%s", zx_col_text(s, 2));
	int year = (int)zx_col_int(s, 3);
	if (!zx_period_parse(year, zx_col_text(s, 4), &r->period))
		r->period.year = year;
	snprintf(r->as_of, sizeof(r->as_of), "%s", zx_col_text(s, 5));
	memcpy(r->period.end, r->as_of, sizeof(r->period.end));
	snprintf(r->title, sizeof(r->title), "%s", zx_col_text(s, 6));
	r->top_n = (int)zx_col_int(s, 7);
	r->nrows = 0;
	snprintf(r->created_by, sizeof(r->created_by), "%s", zx_col_text(s, 9));
	r->created_at = zx_col_int(s, 10);
}

zx_err zx_ranking_get(zx_conn *c, const zx_actor *a, int64_t id, zx_ranking *out)
{
	memset(out, 0, sizeof(*out));
	if (!zx_ind_role_reads(a->role))
		return ZX_ENOTFOUND;
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_ranking_get, ZX_ARGS(ZX_INT(id)), &s);
	if (e)
		return e;
	bool row;
	int64_t areas = 0;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		read_ranking(s, out);
		areas = zx_col_int(s, 8);
	}
	zx_stmt_done(s);
	if (e || !row)
		return e ? e : ZX_ENOTFOUND;
	out->rows = areas > 0 ? calloc((size_t)areas, sizeof(*out->rows)) : NULL;
	if (areas > 0 && !out->rows)
		return ZX_ENOMEM;
	if ((e = zx_query_open(c, NULL, ZXQ_ranking_rows_of, ZX_ARGS(ZX_INT(id)), &s)))
		return e;
	while (!(e = zx_stmt_next(s, &row)) && row && out->nrows < areas) {
		zx_rank_row *r = &out->rows[out->nrows++];
		snprintf(r->area_code, sizeof(r->area_code), "%s", zx_col_text(s, 0));
		snprintf(r->area_name, sizeof(r->area_name), "%s", zx_col_text(s, 1));
		r->position = (int)zx_col_int(s, 2);
		r->rank = (int)zx_col_int(s, 3);
		r->has_score = !zx_col_null(s, 4);
		r->score = zx_col_real(s, 4);
		snprintf(r->board, sizeof(r->board), "%s", zx_col_text(s, 6));
		parse_detail(zx_col_text(s, 7), r);
	}
	zx_stmt_done(s);
	if (e)
		zx_ranking_free(out);
	return e;
}

zx_err zx_ranking_list(zx_conn *c, const zx_actor *a, const char *area, int64_t limit, int64_t offset,
                       zx_ranking_fn fn, void *ctx, int64_t *total, zx_errinfo *ei)
{
	if (!zx_ind_role_reads(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能查看晾晒排名",
		               zx_role_name(a->role));
	zx_scope sc = a->scope;
	zx_err e = ZX_OK;
	if (area && *area) {
		char code[13];
		if ((e = zx_asst_area(c, a, area, code, NULL, ei)) != ZX_OK)
			return e;
		zx_scope_of_area(code, &sc);
	}
	if (total && (e = zx_query_int(c, &sc, ZXQ_ranking_count, ZX_NOARGS, total)) != ZX_OK)
		return e;
	zx_stmt *s;
	if ((e = zx_query_open(c, &sc, ZXQ_ranking_list, ZX_ARGS(ZX_INT(limit), ZX_INT(offset)), &s)))
		return e;
	bool row;
	zx_ranking r;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		read_ranking(s, &r);
		r.nrows = (int)zx_col_int(s, 8);
		if (!fn(ctx, &r))
			break;
	}
	zx_stmt_done(s);
	return e;
}
