/*
 * figures.c — GET /api/v1/figures (every named figure of the registry for an area and year)
 * and GET /api/v1/dashboard (the same figures plus the series the 首页驾驶舱 draws: households
 * and persons by 户类型 and category, the monitoring funnel, the 人均纯收入 histogram against
 * the 监测线, overdue counts, and per-child figures for the bars and the ranking table).
 * Both are computed by domain/report/figures*.c, so they never disagree with the report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/monitoring_api.h"
#include "base/clock.h"
#include "domain/monitoring/monitoring.h"
#include "domain/report/figures.h"
#include "domain/report/figures_internal.h"

static json_t *iso_time(int64_t t)
{
	time_t cst = (time_t)(t + 8 * 3600);
	struct tm tm;
	char buf[40];
	if (!gmtime_r(&cst, &tm))
		return json_null();
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S+08:00", &tm);
	return json_string(buf);
}

static const char *kind_key(zx_fig_kind k)
{
	return k == ZX_FIG_MONEY ? "money" : k == ZX_FIG_PERCENT ? "percent" : "count";
}

static json_t *figure_json(const zx_figure *f)
{
	const zx_figure_def *d = f->def;
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:o}", "name", d->name, "label", d->label,
	                      "unit", d->unit, "kind", kind_key(d->kind), "precision", d->precision, "text",
	                      f->text, "number", f->v.has ? f->number : "", "source", d->source, "definition",
	                      d->definition, "as_of", iso_time(f->as_of));
	json_object_set_new(o, "value", f->v.has ? json_real(f->value) : json_null());
	json_object_set_new(o, "link", *f->link ? json_string(f->link) : json_null());
	return o;
}

/* Parses area and year, starts the computation; false after replying with the error. */
static bool start(api_call *c, zx_fig_ctx *x)
{
	const char *area;
	int64_t year;
	if (!mon_query_area(c, &area) ||
	    !mon_query_int(c, "year", ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX, 0, &year))
		return false;
	if (!year)
		year = zx_today_ymd() / 10000;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_fig_ctx_init(x, c->conn, c->actor, area, (int)year, &ei);
	if (e) {
		api_error(c, e, &ei);
		return false;
	}
	return true;
}

static json_t *head_json(const zx_fig_ctx *x)
{
	return json_pack("{s:s,s:s,s:i,s:i,s:o}", "area", x->area, "area_name", x->area_name, "level",
	                 x->level, "year", x->year, "as_of", iso_time(x->now));
}

/* Every figure into an array (and out[], which the caller frees). */
static zx_err all_figures(zx_fig_ctx *x, zx_figure **out, json_t **arr)
{
	int n = zx_figures_count();
	zx_figure *f = calloc((size_t)n, sizeof(*f));
	if (!f)
		return ZX_ENOMEM;
	zx_err e = zx_figures_all(x, f);
	if (e) {
		free(f);
		return e;
	}
	*arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(*arr, figure_json(&f[i]));
	*out = f;
	return ZX_OK;
}

static void figures_get(api_call *c)
{
	zx_fig_ctx x;
	if (!start(c, &x))
		return;
	zx_figure *f = NULL;
	json_t *arr = NULL;
	zx_err e = all_figures(&x, &f, &arr);
	if (e) {
		zx_fig_ctx_done(&x);
		api_error(c, e, NULL);
		return;
	}
	json_t *o = head_json(&x);
	json_object_set_new(o, "figures", arr);
	free(f);
	zx_fig_ctx_done(&x);
	api_json(c, 200, o);
}

/* --- dashboard series ------------------------------------------------------------------------ */

static const zx_figure *find(const zx_figure *f, const char *name)
{
	for (int i = 0, n = zx_figures_count(); i < n; i++)
		if (strcmp(f[i].def->name, name) == 0)
			return &f[i];
	return NULL;
}

static json_t *pair(const char *name, int64_t households, int64_t persons, const char *link)
{
	return json_pack("{s:s,s:I,s:I,s:s}", "name", name, "households", (json_int_t)households, "persons",
	                 (json_int_t)persons, "link", link);
}

static json_t *funnel_step(const zx_figure *f, const char *name, const char *fig)
{
	const zx_figure *g = find(f, fig);
	return json_pack("{s:s,s:s,s:I,s:s}", "name", name, "figure", fig, "value",
	                 (json_int_t)(g ? g->v.num : 0), "link", g ? g->link : "");
}

static json_t *histogram_json(const fig_cache *k)
{
	json_t *bins = json_array();
	for (int b = -1; b <= ZX_FIG_NBINS; b++) {
		int64_t from = b < 0 ? 0 : b * (ZX_FIG_BIN_FEN / 100);
		json_t *o = json_pack("{s:I,s:I,s:I}", "from", (json_int_t)from, "tuopin",
		                      (json_int_t)k->inc.hist_tuopin[b + 1], "monitored",
		                      (json_int_t)k->inc.hist_monitored[b + 1]);
		json_object_set_new(o, "to",
		                    b < 0 || b == ZX_FIG_NBINS ? json_null()
		                                               : json_integer(from + ZX_FIG_BIN_FEN / 100));
		if (b < 0)
			json_object_set_new(o, "negative", json_true());
		json_array_append_new(bins, o);
	}
	json_t *h = json_pack("{s:I,s:o}", "bin_yuan", (json_int_t)(ZX_FIG_BIN_FEN / 100), "bins", bins);
	json_object_set_new(h, "line_yuan",
	                    k->policy_found ? json_integer(k->income_line / 100) : json_null());
	return h;
}

static int64_t sum_row(const int64_t v[FIG_NTYPES][FIG_NCATS], int type, int mon)
{
	int64_t s = 0;
	for (int t = 0; t < FIG_NTYPES; t++)
		for (int g = 0; g < FIG_NCATS; g++)
			if ((type < 0 || t == type) && (mon < 0 || (g > 0) == mon))
				s += v[t][g];
	return s;
}

typedef struct rank_item {
	const fig_child *ch;
	int64_t net, persons; /* 脱贫户 this year */
} rank_item;

/* By 脱贫户人均纯收入 descending (net/persons compared exactly), areas without surveys last. */
static int rank_cmp(const void *pa, const void *pb)
{
	const rank_item *a = pa, *b = pb;
	if (!a->persons || !b->persons)
		return (a->persons == 0) - (b->persons == 0);
	__int128 l = (__int128)a->net * b->persons, r = (__int128)b->net * a->persons;
	return l > r ? -1 : l < r ? 1 : strcmp(a->ch->code, b->ch->code);
}

static json_t *children_json(const zx_fig_ctx *x, const fig_cache *k)
{
	const zx_figure_def *inc = zx_figure_def_find("tuopin_income_per_capita");
	const zx_figure_def *gr = zx_figure_def_find("tuopin_income_growth_pct");
	rank_item *items = calloc((size_t)(k->nchildren ? k->nchildren : 1), sizeof(*items));
	if (!items)
		return json_array();
	for (int i = 0; i < k->nchildren; i++)
		items[i] =
		    (rank_item){&k->children[i], k->children[i].inc_net[0], k->children[i].inc_persons[0]};
	qsort(items, (size_t)k->nchildren, sizeof(*items), rank_cmp);
	json_t *arr = json_array();
	for (int i = 0; i < k->nchildren; i++) {
		const fig_child *ch = items[i].ch;
		char itext[64], gtext[64];
		zx_fig_value iv = zx_fig_ratio(ch->inc_net[0], ch->inc_persons[0]);
		zx_fig_value gv =
		    zx_fig_growth(ch->inc_net[0], ch->inc_persons[0], ch->inc_net[1], ch->inc_persons[1]);
		zx_fig_format(inc, iv, itext, sizeof(itext));
		zx_fig_format(gr, gv, gtext, sizeof(gtext));
		int64_t hh = sum_row(ch->households, -1, -1), mon = sum_row(ch->households, -1, 1);
		zx_fig_value share = zx_fig_ratio(mon, hh);
		char stext[32];
		zx_fig_format_number(ZX_FIG_PERCENT, "%", 1, share, stext, sizeof(stext));
		json_t *o = json_pack(
		    "{s:i,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:s,s:s,s:I,s:I,s:I}", "rank", i + 1, "code",
		    ch->code, "name", ch->name, "households", (json_int_t)hh, "persons",
		    (json_int_t)sum_row(ch->persons, -1, -1), "tuopin_households",
		    (json_int_t)sum_row(ch->households, 0, -1), "tuopin_persons",
		    (json_int_t)sum_row(ch->persons, 0, -1), "monitored_households", (json_int_t)mon,
		    "monitored_persons", (json_int_t)sum_row(ch->persons, -1, 1), "monitored_share",
		    share.has ? stext : "—", "tuopin_income_per_capita", itext, "tuopin_income_growth_pct",
		    gtext, "open_cases", (json_int_t)ch->open_cases, "overdue_cases",
		    (json_int_t)ch->overdue_cases, "overdue_visits", (json_int_t)ch->overdue_visits);
		json_object_set_new(o, "tuopin_income_value",
		                    iv.has ? json_real(zx_fig_display_value(inc, iv)) : json_null());
		char link[64];
		snprintf(link, sizeof(link), "#/dashboard?area=%s&year=%d", ch->code, x->year);
		json_object_set_new(o, "link", json_string(link));
		json_array_append_new(arr, o);
	}
	free(items);
	return arr;
}

static void dashboard_get(api_call *c)
{
	zx_fig_ctx x;
	if (!start(c, &x))
		return;
	zx_err e = zx_tx_begin_read(c->conn);
	if (!e)
		e = zx_fig_load_children(&x);
	if (!e)
		e = zx_fig_load_policy(&x);
	zx_figure *f = NULL;
	json_t *arr = NULL;
	if (!e)
		e = all_figures(&x, &f, &arr);
	if (!e)
		e = zx_tx_commit(c->conn);
	else
		zx_tx_rollback(c->conn);
	if (e) {
		free(f);
		json_decref(arr);
		zx_fig_ctx_done(&x);
		api_error(c, e, NULL);
		return;
	}
	const fig_cache *k = fig_cache_of(&x);
	char base[64];
	snprintf(base, sizeof(base), "#/households?area=%s", x.area);
	char l1[128], l2[128];
	json_t *by_type = json_array(), *by_cat = json_array();
	for (int t = 0; t < FIG_NTYPES; t++) {
		snprintf(l1, sizeof(l1), "#/households?hh_type=%s&area=%s", zx_fig_types[t], x.area);
		json_array_append_new(by_type, pair(zx_fig_types[t], sum_row(k->households, t, -1),
		                                    sum_row(k->persons, t, -1), l1));
	}
	for (int g = 1; g < FIG_NCATS; g++) {
		int64_t h = 0, p = 0;
		for (int t = 0; t < FIG_NTYPES; t++) {
			h += k->households[t][g];
			p += k->persons[t][g];
		}
		snprintf(l2, sizeof(l2), "#/households?category=%s&area=%s", zx_fig_cats[g], x.area);
		json_array_append_new(by_cat, pair(zx_fig_cats[g], h, p, l2));
	}
	json_t *funnel = json_array();
	json_array_append_new(funnel, funnel_step(f, "排查发现", "screening_candidates"));
	json_array_append_new(funnel, funnel_step(f, "识别立案", "cases_opened"));
	json_array_append_new(funnel, funnel_step(f, "纳入监测", "included_households"));
	json_array_append_new(funnel, funnel_step(f, "风险消除", "eliminated_households"));
	json_t *series = json_pack(
	    "{s:o,s:o,s:o,s:o,s:{s:I,s:I},s:o,s:s}", "by_type", by_type, "by_category", by_cat, "funnel",
	    funnel, "income_histogram", histogram_json(k), "overdue", "cases", (json_int_t)k->overdue_cases,
	    "visits", (json_int_t)k->overdue_visits, "children", children_json(&x, k), "child_level",
	    x.level <= 3   ? "乡镇"
	    : x.level == 4 ? "村"
	                   : "");
	json_t *o = head_json(&x);
	json_object_set_new(o, "figures", arr);
	json_object_set_new(o, "series", series);
	free(f);
	zx_fig_ctx_done(&x);
	api_json(c, 200, o);
}

const api_route api_figure_routes[] = {
    {"GET", "/api/v1/figures", figures_get, 0},
    {"GET", "/api/v1/dashboard", dashboard_get, 0},
    {NULL, NULL, NULL, 0},
};
