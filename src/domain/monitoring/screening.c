/*
 * screening.c — the screening engine (see screening.h).
 *
 * One run: resolve the policy in force, load the rule table, load the year's department
 * warnings and sudden events of the area (for the wording of reasons only), then stream
 * the one evaluating query. Every rule condition is in that SQL; C renders the templates
 * of the rules that fired and counts them.
 *
 * Invariants: the figures in reasons are computed from the same integers the SQL compared
 * (net 分 and household size), rounded only for display (half away from zero); a run
 * reads one snapshot (read transaction, or the caller's write transaction when stored).
 */
#include "domain/monitoring/screening.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/auth/audit.h"
#include "domain/monitoring/money.h"
#include "domain/monitoring/monitoring.h"

#define REASON_MAX 512
#define DETAIL_MAX 400

zx_err zx_screen_rules(zx_conn *c, zx_screen_rule *out, int max, int *n)
{
	*n = 0;
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, ZXQ_screening_rules_all, ZX_NOARGS, &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row && *n < max) {
		zx_screen_rule *r = &out[(*n)++];
		memset(r, 0, sizeof(*r));
		snprintf(r->id, sizeof(r->id), "%s", zx_col_text(s, 0));
		r->bit = (unsigned)zx_col_int(s, 1);
		snprintf(r->name, sizeof(r->name), "%s", zx_col_text(s, 3));
		snprintf(r->template_text, sizeof(r->template_text), "%s", zx_col_text(s, 4));
		snprintf(r->params, sizeof(r->params), "%s", zx_col_text(s, 5));
		r->enabled = zx_col_int(s, 6) != 0;
	}
	zx_stmt_done(s);
	return e;
}

/* --- details of the year (warnings, events), sorted by household ---------------------------- */

typedef struct year_detail {
	int64_t hid;
	char *a;     /* warnings: department; events: type */
	char *b;     /* warnings: type */
	int64_t num; /* warnings: amount (-1 none); events: date */
} year_detail;

typedef struct details {
	year_detail *v;
	size_t n, cap;
} details;

static void details_free(details *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].a);
		free(d->v[i].b);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static zx_err details_load(zx_conn *c, const zx_scope *sc, zx_query q, int year, bool warnings, details *d)
{
	zx_stmt *s;
	zx_err e =
	    zx_query_open(c, sc, q, ZX_ARGS(ZX_INT(year * 10000 + 101), ZX_INT(year * 10000 + 1231)), &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		if (d->n == d->cap) {
			size_t ncap = d->cap ? d->cap * 2 : 256;
			year_detail *nv = realloc(d->v, ncap * sizeof(*nv));
			if (!nv) {
				e = ZX_ENOMEM;
				break;
			}
			d->v = nv;
			d->cap = ncap;
		}
		year_detail *x = &d->v[d->n];
		x->hid = zx_col_int(s, 0);
		x->a = strdup(zx_col_text(s, 1));
		x->b = strdup(warnings ? zx_col_text(s, 2) : "");
		x->num = warnings ? (zx_col_null(s, 3) ? -1 : zx_col_int(s, 3)) : zx_col_int(s, 2);
		if (!x->a || !x->b) {
			free(x->a);
			free(x->b);
			e = ZX_ENOMEM;
			break;
		}
		d->n++;
	}
	zx_stmt_done(s);
	return e;
}

/* First index with hid >= key (the query sorted by household). */
static size_t details_find(const details *d, int64_t key)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->v[mid].hid < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* --- reasons ------------------------------------------------------------------------------------- */

typedef struct var {
	const char *name;
	char value[DETAIL_MAX + 8];
} var;

enum { V_PC, V_LINE, V_BAND, V_FACTOR, V_LAST, V_DROP, V_LIMIT, V_N, V_DETAIL, V_SELFPAY, NVARS };
static const char *const var_names[NVARS] = {"pc",   "line",  "band", "factor", "last",
                                             "drop", "limit", "n",    "detail", "selfpay"};

/* Substitutes {name} in the template; unknown names stay as written. */
static void render(const char *tmpl, const var *vars, char *out, size_t outsz)
{
	size_t n = 0;
	for (const char *p = tmpl; *p && n + 1 < outsz;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (close) {
			size_t len = (size_t)(close - p - 1);
			int k = 0;
			while (k < NVARS &&
			       !(strlen(var_names[k]) == len && strncmp(p + 1, var_names[k], len) == 0))
				k++;
			if (k < NVARS) {
				int w = snprintf(out + n, outsz - n, "%s", vars[k].value);
				n += w > 0 ? (size_t)w : 0;
				if (n >= outsz)
					n = outsz - 1;
				p = close + 1;
				continue;
			}
		}
		out[n++] = *p++;
	}
	out[n] = '\0';
}

typedef struct run_state {
	const zx_screen_result *res;
	const details *warnings;
	const details *events;
	zx_screen_fn fn;
	void *ctx;
	unsigned enabled;
	char reasons[ZX_SCREEN_MAX_RULES][REASON_MAX];
	char events_text[DETAIL_MAX + 8];
	var vars[NVARS];
} run_state;

static void append(char *buf, size_t cap, const char *sep, const char *text)
{
	size_t n = strlen(buf);
	if (n + strlen(sep) + strlen(text) + 4 >= cap) {
		if (n + 4 < cap && !strstr(buf, "等"))
			snprintf(buf + n, cap - n, "等");
		return;
	}
	snprintf(buf + n, cap - n, "%s%s", n ? sep : "", text);
}

static void dept_detail(run_state *st, int64_t hid, int64_t net, int64_t selfpay, char *out, size_t outsz)
{
	const zx_policy *p = &st->res->policy;
	char a[32], b[32], item[160];
	out[0] = '\0';
	if (selfpay > 0) {
		zx_money_short(selfpay, a, sizeof(a));
		if (selfpay >= p->medical_selfpay) {
			zx_money_short(p->medical_selfpay, b, sizeof(b));
			snprintf(item, sizeof(item), "医保个人自付 %s元 达到 %s元", a, b);
			append(out, outsz, "；", item);
		} else if (p->medical_selfpay_ratio > 0 && selfpay * 100 >= p->medical_selfpay_ratio * net) {
			snprintf(item, sizeof(item), "医保个人自付 %s元 达到家庭纯收入的 %" PRId64 "%%", a,
			         p->medical_selfpay_ratio);
			append(out, outsz, "；", item);
		}
	}
	for (size_t i = details_find(st->warnings, hid); i < st->warnings->n && st->warnings->v[i].hid == hid;
	     i++) {
		const year_detail *w = &st->warnings->v[i];
		if (strcmp(w->a, "医保") == 0 && w->num >= 0)
			continue; /* amounts are summed above */
		snprintf(item, sizeof(item), "%s %s", w->a, w->b);
		if (!strstr(out, item))
			append(out, outsz, "；", item);
	}
}

static void events_text(run_state *st, int64_t hid)
{
	char item[96], date[16];
	st->events_text[0] = '\0';
	for (size_t i = details_find(st->events, hid); i < st->events->n && st->events->v[i].hid == hid;
	     i++) {
		zx_mon_format_date((int)st->events->v[i].num, date, sizeof(date));
		snprintf(item, sizeof(item), "%s（%s）", st->events->v[i].a, date);
		append(st->events_text, sizeof(st->events_text), "；", item);
	}
}

/* Columns of screening_evaluate. */
enum { C_ID, C_HH, C_AREA, C_NET, C_SIZE, C_PNET, C_PSIZE, C_UNINS, C_DROPOUT, C_SELFPAY, C_OTHERS, C_RULES };

static bool candidate_row(run_state *st, zx_stmt *s, zx_screen_result *res)
{
	unsigned bits = (unsigned)zx_col_int(s, C_RULES) & st->enabled;
	if (!bits)
		return true;
	zx_screen_candidate cand = {
	    .household_id = zx_col_int(s, C_ID),
	    .hh_no = zx_col_text(s, C_HH),
	    .area_code = zx_col_text(s, C_AREA),
	    .rules = bits,
	    .net = zx_col_int(s, C_NET),
	    .size = (int)zx_col_int(s, C_SIZE),
	    .prev_net = zx_col_int(s, C_PNET),
	    .prev_size = (int)zx_col_int(s, C_PSIZE),
	    .events = "",
	};
	res->candidates++;
	for (int i = 0; i < res->nrules; i++)
		if (bits & res->rules[i].bit)
			res->counts[i]++;
	if (!st->fn)
		return true;
	var *v = st->vars;
	zx_money_per_capita_yuan(cand.net, cand.size, v[V_PC].value, sizeof(v[V_PC].value));
	zx_money_per_capita_yuan(cand.prev_net, cand.prev_size, v[V_LAST].value, sizeof(v[V_LAST].value));
	v[V_DROP].value[0] = '\0';
	if (cand.prev_net > 0)
		zx_tenths_format(-zx_growth_tenths(cand.net, cand.size, cand.prev_net, cand.prev_size),
		                 v[V_DROP].value, sizeof(v[V_DROP].value));
	zx_money_short(zx_col_int(s, C_SELFPAY), v[V_SELFPAY].value, sizeof(v[V_SELFPAY].value));
	v[V_DETAIL].value[0] = '\0';
	if (bits & ZX_RULE_DEPT_WARNING)
		dept_detail(st, cand.household_id, cand.net, zx_col_int(s, C_SELFPAY), v[V_DETAIL].value,
		            sizeof(v[V_DETAIL].value));
	for (int i = 0; i < res->nrules; i++) {
		const zx_screen_rule *r = &res->rules[i];
		if (!(bits & r->bit))
			continue;
		int64_t n = r->bit == ZX_RULE_MEDICAL_UNINSURED ? zx_col_int(s, C_UNINS)
		            : r->bit == ZX_RULE_SCHOOL_DROPOUT  ? zx_col_int(s, C_DROPOUT)
		                                                : 0;
		snprintf(v[V_N].value, sizeof(v[V_N].value), "%" PRId64, n);
		render(r->template_text, v, st->reasons[cand.nrules], REASON_MAX);
		cand.rule_ids[cand.nrules] = r->id;
		cand.reasons[cand.nrules] = st->reasons[cand.nrules];
		cand.nrules++;
	}
	if (st->events->n) {
		events_text(st, cand.household_id);
		cand.events = st->events_text;
	}
	return st->fn(st->ctx, &cand);
}

static void policy_vars(run_state *st)
{
	const zx_policy *p = &st->res->policy;
	var *v = st->vars;
	for (int i = 0; i < NVARS; i++) {
		v[i].name = var_names[i];
		v[i].value[0] = '\0';
	}
	zx_money_short(p->income_line, v[V_LINE].value, sizeof(v[V_LINE].value));
	zx_money_short(zx_div_round(p->income_line * p->warning_factor, 1000), v[V_BAND].value,
	               sizeof(v[V_BAND].value));
	zx_decimal_format(p->warning_factor, 3, v[V_FACTOR].value, sizeof(v[V_FACTOR].value));
	snprintf(v[V_LIMIT].value, sizeof(v[V_LIMIT].value), "%" PRId64, p->drop_percent);
}

/* Households screened and without a survey, from counts over indexes only. */
static zx_err totals(zx_conn *c, const zx_scope *sc, zx_screen_result *res)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, sc, ZXQ_screening_totals, ZX_ARGS(ZX_INT(res->year)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		int64_t all = zx_col_int(s, 0), monitored = zx_col_int(s, 1), surveyed = zx_col_int(s, 2),
		        monitored_surveyed = zx_col_int(s, 3);
		res->screened = surveyed - monitored_surveyed;
		res->missing_income = all - monitored - res->screened;
	}
	zx_stmt_done(s);
	return e;
}

/* The evaluation proper; the caller holds a transaction and resolved the policy. */
static zx_err evaluate(zx_conn *c, const zx_scope *sc, zx_screen_result *res, zx_screen_fn fn, void *ctx)
{
	details warnings = {0}, events = {0};
	run_state *st = calloc(1, sizeof(*st));
	if (!st)
		return ZX_ENOMEM;
	zx_err e = zx_screen_rules(c, res->rules, ZX_SCREEN_MAX_RULES, &res->nrules);
	for (int i = 0; i < res->nrules; i++)
		if (res->rules[i].enabled)
			st->enabled |= res->rules[i].bit;
	if (!e && fn)
		e = details_load(c, sc, ZXQ_screening_warning_details, res->year, true, &warnings);
	if (!e && fn)
		e = details_load(c, sc, ZXQ_screening_event_details, res->year, false, &events);
	st->res = res;
	st->warnings = &warnings;
	st->events = &events;
	st->fn = fn;
	st->ctx = ctx;
	policy_vars(st);
	const zx_policy *p = &res->policy;
	zx_stmt *s = NULL;
	if (!e)
		e = zx_query_open(c, sc, ZXQ_screening_evaluate,
		                  ZX_ARGS(ZX_INT(res->year), ZX_INT(p->income_line),
		                          ZX_INT(p->warning_factor), ZX_INT(p->drop_percent),
		                          ZX_INT(p->medical_selfpay), ZX_INT(p->medical_selfpay_ratio),
		                          ZX_INT(res->year * 10000 + 101), ZX_INT(res->year * 10000 + 1231)),
		                  &s);
	bool row;
	while (!e && !(e = zx_stmt_next(s, &row)) && row)
		if (!candidate_row(st, s, res))
			break;
	zx_stmt_done(s);
	if (!e)
		e = totals(c, sc, res);
	details_free(&warnings);
	details_free(&events);
	free(st);
	return e;
}

static zx_err prepare(zx_conn *c, const zx_actor *a, const char *area12, int year, zx_screen_result *out,
                      zx_scope *sc, zx_errinfo *ei)
{
	memset(out, 0, sizeof(*out));
	if (!zx_role_sees_personal_data(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s无权进行排查",
		               zx_role_name(a->role));
	if (!zx_mon_year_ok(year))
		return zx_fail(ei, ZX_EINVAL, "invalid_year", "year", 0, "年度应在 %d 至 %d 之间",
		               ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX);
	int level = 0;
	zx_err e = zx_mon_area_check(c, a, area12, true, &level, ei);
	if (e)
		return e;
	if (level < 3)
		return zx_fail(ei, ZX_EVALIDATION, "area_level", "area", 0,
		               "排查范围应为县、乡镇或村（%s 是%s级区划）", area12, level == 1 ? "省" : "市");
	out->year = year;
	snprintf(out->area, sizeof(out->area), "%s", area12);
	zx_mon_area_name(c, area12, out->area_name, sizeof(out->area_name), NULL);
	zx_scope_of_area(area12, sc);
	return zx_policy_effective(c, area12, year, &out->policy, ei);
}

zx_err zx_screen_run(zx_conn *c, const zx_actor *a, const char *area12, int year, zx_screen_fn fn, void *ctx,
                     zx_screen_result *out, zx_errinfo *ei)
{
	bool own_tx = !zx_tx_active(c);
	zx_scope sc;
	zx_err e = own_tx ? zx_tx_begin_read(c) : ZX_OK;
	if (!e)
		e = prepare(c, a, area12, year, out, &sc, ei);
	if (!e)
		e = evaluate(c, &sc, out, fn, ctx);
	if (own_tx) {
		if (!e)
			e = zx_tx_commit(c);
		else
			zx_tx_rollback(c);
	}
	return e;
}

char *zx_screen_counts_json(const zx_screen_result *r)
{
	zx_buf b = ZX_BUF_INIT(4096);
	zx_err e = zx_buf_addc(&b, '{');
	for (int i = 0, k = 0; !e && i < r->nrules; i++) {
		if (!r->rules[i].enabled)
			continue;
		e = zx_buf_addf(&b, "%s\"%s\":%" PRId64, k++ ? "," : "", r->rules[i].id, r->counts[i]);
	}
	if (!e)
		e = zx_buf_addc(&b, '}');
	if (e) {
		zx_buf_release(&b);
		return NULL;
	}
	return zx_buf_detach(&b, NULL);
}

/* --- stored runs ----------------------------------------------------------------------------- */

typedef struct save_ctx {
	zx_conn *c;
	zx_scope scope;
	int64_t id;
	zx_err err;
	zx_buf ids, reasons;
} save_ctx;

static bool store_candidate(void *ctx, const zx_screen_candidate *cand)
{
	save_ctx *sv = ctx;
	zx_buf_reset(&sv->ids);
	zx_buf_reset(&sv->reasons);
	zx_err e = ZX_OK;
	for (int i = 0; !e && i < cand->nrules; i++) {
		e = zx_buf_addf(&sv->ids, "%s%s", i ? "," : "", cand->rule_ids[i]);
		if (!e)
			e = zx_buf_addf(&sv->reasons, "%s%s", i ? "\n" : "", cand->reasons[i]);
	}
	if (!e)
		e = zx_exec(sv->c, &sv->scope, ZXQ_screening_candidate_insert,
		            ZX_ARGS(ZX_INT(sv->id), ZX_INT(cand->household_id), ZX_INT(cand->rules),
		                    ZX_TEXT(zx_buf_str(&sv->ids)), ZX_TEXT(zx_buf_str(&sv->reasons))),
		            NULL);
	sv->err = e;
	return !e;
}

zx_err zx_screen_save(zx_conn *c, const zx_actor *a, const char *area12, int year, zx_screen_result *out,
                      zx_errinfo *ei)
{
	zx_scope sc;
	save_ctx sv = {.c = c};
	zx_buf_init(&sv.ids, 4096);
	zx_buf_init(&sv.reasons, 64 * 1024);
	char *counts = NULL;
	zx_err e = zx_tx_begin_write(c);
	if (e)
		goto out;
	e = prepare(c, a, area12, year, out, &sc, ei);
	char county[7];
	snprintf(county, sizeof(county), "%.6s", area12);
	if (!e)
		e = zx_exec(c, NULL, ZXQ_screening_insert,
		            ZX_ARGS(ZX_TEXT(county), ZX_TEXT(area12), ZX_INT(year), ZX_INT(out->policy.id),
		                    ZX_INT(out->policy.version), ZX_TEXT(a->username), ZX_INT(zx_now())),
		            NULL);
	if (e)
		goto out;
	sv.id = zx_last_insert_id(c);
	sv.scope = sc;
	e = evaluate(c, &sc, out, store_candidate, &sv);
	if (!e)
		e = sv.err;
	int64_t stored_missing = 0;
	if (!e)
		e = zx_exec(c, &sc, ZXQ_screening_missing_store, ZX_ARGS(ZX_INT(year), ZX_INT(sv.id)),
		            &stored_missing);
	if (!e && !(counts = zx_screen_counts_json(out)))
		e = ZX_ENOMEM;
	if (!e)
		e = zx_exec(c, NULL, ZXQ_screening_finish,
		            ZX_ARGS(ZX_INT(sv.id), ZX_INT(out->candidates), ZX_INT(out->missing_income),
		                    ZX_TEXT(counts)),
		            NULL);
	if (!e) {
		char obj[64], detail[200];
		snprintf(obj, sizeof(obj), "screening:%" PRId64, sv.id);
		snprintf(
		    detail, sizeof(detail),
		    "area=%s year=%d policy=%" PRId64 " version=%d candidates=%" PRId64 " missing=%" PRId64,
		    area12, year, out->policy.id, out->policy.version, out->candidates, out->missing_income);
		e = zx_audit_write(c, a, "screening.run", obj, "ok", detail);
	}
	if (!e)
		e = zx_tx_commit(c);
	if (!e)
		out->screening_id = sv.id;
out:
	if (e)
		zx_tx_rollback(c);
	free(counts);
	zx_buf_release(&sv.ids);
	zx_buf_release(&sv.reasons);
	return e;
}
