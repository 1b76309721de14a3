/*
 * query.c — household list/search, one household with its members, audited unmasking
 * (see query.h).
 *
 * A list page is one query: an index-only walk to the page's ids (deep pages walk further
 * along the index, never the table) joined to what the page shows; its exact total is a
 * sum over household_counts (kept by triggers), so neither grows with the area. A search
 * runs one index-driven query that yields the household ids of the page and, from the same
 * cursor, the count up to a cap; hh_summary then renders each id.
 *
 * Invariants:
 *   - the scope handed to the store is the actor's or an area checked to lie inside it
 *     (zx_hh_filter_scope), never wider;
 *   - a name search returns each household once, at the position of its first matching
 *     member in collation order;
 *   - plaintext personal data leaves only through zx_person_unmask, after its audit row
 *     committed; its buffers are wiped on every failure.
 */
#include "domain/registry/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/idcard.h"
#include "base/log.h"
#include "domain/auth/audit.h"

#define PAGE_MAX 500

/* U+FFFF: ICU gives it a primary weight above every character, so [q, q U+FFFF) holds
 * every string that starts with q in collation order. */
#define COLLATION_MAX "\xEF\xBF\xBF"

const char *zx_yes_no(int v)
{
	return v == 1 ? "是" : v == 0 ? "否" : "";
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

zx_hh_search_kind zx_hh_search_kind_of(const char *q)
{
	if (!q || !*q)
		return ZX_HH_SEARCH_NONE;
	size_t n = strlen(q);
	zx_idcard card;
	if (n == 18 && zx_idcard_parse(q, zx_today_ymd(), &card) == ZX_ID_OK)
		return ZX_HH_SEARCH_ID;
	if (n >= 6 && n <= 30 && all_digits(q))
		return ZX_HH_SEARCH_HHNO;
	return ZX_HH_SEARCH_NAME;
}

/* 6, 9 or 12 digits → 12 digits. */
static bool area12(const char *in, char out[13])
{
	size_t n = strlen(in);
	if ((n != 6 && n != 9 && n != 12) || !all_digits(in))
		return false;
	memset(out, '0', 12);
	memcpy(out, in, n);
	out[12] = '\0';
	return true;
}

static bool scope_inside(const zx_scope *outer, const zx_scope *inner)
{
	return strcmp(inner->lo, outer->lo) >= 0 && strcmp(inner->hi, outer->hi) <= 0;
}

zx_err zx_hh_filter_scope(const zx_actor *a, const zx_hh_filter *f, zx_scope *out, char county[7],
                          bool *one_village, zx_errinfo *ei)
{
	char code[13];
	const char *area = f && f->area && *f->area ? f->area : a->area_code;
	if (!*area)
		return zx_fail(ei, ZX_EINVAL, "missing_area", "area", 0, "请指定区划代码");
	if (!area12(area, code))
		return zx_fail(ei, ZX_EINVAL, "invalid_area", "area", 0, "区划代码应为 12 位数字: %s", area);
	if (code[4] == '0' && code[5] == '0')
		return zx_fail(ei, ZX_EINVAL, "invalid_area", "area", 0, "区划代码须为县、乡镇或村级: %s",
		               code);
	zx_scope s;
	zx_scope_of_area(code, &s);
	if (!scope_inside(&a->scope, &s))
		return zx_fail(ei, ZX_EFORBIDDEN, "area_forbidden", "area", 0, "无权查看该区划的数据: %s",
		               code);
	if (f && f->village && *f->village) {
		char v[13];
		zx_scope vs;
		if (!area12(f->village, v) || !memcmp(v + 9, "000", 3))
			return zx_fail(ei, ZX_EINVAL, "invalid_village", "village", 0,
			               "村级区划代码应为 12 位数字: %s", f->village);
		zx_scope_of_area(v, &vs);
		if (!scope_inside(&s, &vs) || !scope_inside(&a->scope, &vs))
			return zx_fail(ei, ZX_EFORBIDDEN, "area_forbidden", "village", 0,
			               "无权查看该区划的数据: %s", v);
		s = vs;
	}
	*out = s;
	memcpy(county, s.lo, 6);
	county[6] = '\0';
	*one_village = strcmp(s.lo, s.hi) == 0;
	return ZX_OK;
}

/* ---- the ids of a page ------------------------------------------------------------- */

typedef struct page {
	int64_t ids[PAGE_MAX];
	int n;
	int64_t seen; /* distinct households walked */
	int64_t offset, limit;
} page;

static void page_take(page *p, int64_t id)
{
	if (p->seen >= p->offset && p->n < p->limit)
		p->ids[p->n++] = id;
	p->seen++;
}

/* Walks a cursor of household ids (one per row, distinct) of at most `rows` rows. */
static zx_err walk_ids(zx_stmt *s, page *p, int64_t rows, zx_hh_count *count, int64_t cap)
{
	bool row;
	zx_err e;
	while (!(e = zx_stmt_next(s, &row)) && row)
		page_take(p, zx_col_int(s, 0));
	zx_stmt_done(s);
	if (e)
		return e;
	if (p->seen < rows) {
		count->total = p->seen;
		count->total_exact = true;
	} else {
		count->total = rows == cap + 1 ? cap : p->seen;
		count->total_exact = false;
	}
	return ZX_OK;
}

/* A small open-addressing set of household ids (dedupe of name matches). */
#define SET_SLOTS 2048 /* power of two, > 2 * (ZX_HH_SEARCH_MAX + 1) */
_Static_assert(SET_SLOTS > 2 * (ZX_HH_SEARCH_MAX + 1), "the id set stays sparse");
typedef struct idset {
	int64_t slot[SET_SLOTS];
	int n;
} idset;

static bool idset_add(idset *s, int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;
	for (size_t i = (size_t)(h >> 32) & (SET_SLOTS - 1);; i = (i + 1) & (SET_SLOTS - 1)) {
		if (s->slot[i] == id)
			return false;
		if (s->slot[i] == 0) {
			s->slot[i] = id;
			s->n++;
			return true;
		}
	}
}

static zx_err walk_name_rows(zx_stmt *s, page *p, int64_t rows, zx_hh_count *count)
{
	idset *set = calloc(1, sizeof(*set));
	if (!set) {
		zx_stmt_done(s);
		return ZX_ENOMEM;
	}
	bool row, full = false;
	int64_t nrows = 0;
	zx_err e;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		nrows++;
		int64_t id = zx_col_int(s, 0);
		if (!idset_add(set, id))
			continue;
		if (set->n > ZX_HH_SEARCH_MAX) {
			full = true;
			break;
		}
		page_take(p, id);
	}
	zx_stmt_done(s);
	free(set);
	if (e)
		return e;
	count->total = p->seen;
	count->total_exact = !full && nrows < rows;
	return ZX_OK;
}

/* The columns of hh_summary / hh_page_* as a summary (valid until the next step). */
static zx_hh_summary summary_of(zx_stmt *s)
{
	return (zx_hh_summary){
	    .id = zx_col_int(s, 0),
	    .hh_no = zx_col_text(s, 1),
	    .village_code = zx_col_text(s, 2),
	    .village_name = zx_col_text(s, 3),
	    .town_name = zx_col_text(s, 4),
	    .group = zx_col_text(s, 5),
	    .head_name = zx_col_text(s, 6),
	    .head_id_masked = zx_col_text(s, 7),
	    .size = (int)zx_col_int(s, 8),
	    .hh_type = zx_col_text(s, 9),
	    .category = zx_col_text(s, 10),
	    .housing_safe = (int)zx_col_int(s, 11),
	    .water_safe = (int)zx_col_int(s, 12),
	    .helper = zx_col_text(s, 13),
	};
}

/* Hands every row of a cursor of summaries to fn (which may stop the walk). */
static zx_err emit(zx_stmt *s, zx_hh_fn fn, void *ctx)
{
	bool row, go = true;
	zx_err e;
	while (go && !(e = zx_stmt_next(s, &row)) && row) {
		zx_hh_summary h = summary_of(s);
		go = fn ? fn(ctx, &h) : true;
	}
	zx_stmt_done(s);
	return go ? e : ZX_OK;
}

static zx_err render(zx_conn *c, const zx_scope *scope, const page *p, zx_hh_fn fn, void *ctx)
{
	for (int i = 0; i < p->n; i++) {
		zx_stmt *s;
		zx_err e = zx_query_open(c, scope, ZXQ_hh_summary, ZX_ARGS(ZX_INT(p->ids[i])), &s);
		if (!e)
			e = emit(s, fn, ctx);
		if (e)
			return e;
	}
	return ZX_OK;
}

typedef struct search_args {
	const zx_scope *scope;
	const char *county;
	bool one_village;
	const char *village; /* scope.lo when one_village */
	const char *q;
	const char *type, *category, *group;
} search_args;

/* True when the scope is exactly one town (xxxxxxxxx000..xxxxxxxxx999) or one county
 * (xxxxxx000000..xxxxxx999999), i.e. zx_scope_of_area of a town or county code (a city's
 * range differs in its county digits): household_totals has its rows under lo. */
static bool rollup_scope(const zx_scope *s)
{
	if (strlen(s->lo) != 12 || strlen(s->hi) != 12)
		return false;
	for (size_t n = 6; n <= 9; n += 3) /* county, town */
		if (memcmp(s->lo, s->hi, n) == 0 && strspn(s->lo + n, "0") == 12 - n &&
		    strspn(s->hi + n, "9") == 12 - n)
			return true;
	return false;
}

/* The list (no q): an exact total from household_counts (or a capped count with a 组
 * filter), then one query renders the page. */
static zx_err search_list(zx_conn *c, const search_args *sa, int64_t limit, int64_t offset, zx_hh_fn fn,
                          void *ctx, zx_hh_count *count)
{
	zx_err e;
	if (!*sa->group && rollup_scope(sa->scope)) {
		e = zx_query_int(c, sa->scope, ZXQ_hh_count_rollup,
		                 ZX_ARGS(ZX_TEXT(sa->scope->lo), ZX_TEXT(sa->type), ZX_TEXT(sa->category)),
		                 &count->total);
		count->total_exact = true;
	} else if (!*sa->group) {
		e = zx_query_int(c, sa->scope, ZXQ_hh_count_fast,
		                 ZX_ARGS(ZX_TEXT(sa->type), ZX_TEXT(sa->category)), &count->total);
		count->total_exact = true;
	} else {
		int64_t n = 0;
		e = zx_query_int(c, sa->scope, ZXQ_hh_count_capped,
		                 ZX_ARGS(ZX_TEXT(sa->type), ZX_TEXT(sa->category), ZX_TEXT(sa->group),
		                         ZX_INT(ZX_HH_COUNT_CAP + 1)),
		                 &n);
		count->total = n > ZX_HH_COUNT_CAP ? ZX_HH_COUNT_CAP : n;
		count->total_exact = n <= ZX_HH_COUNT_CAP;
	}
	if (e || (count->total_exact && offset >= count->total))
		return e;
	zx_stmt *s;
	if (*sa->category)
		e = zx_query_open(c, sa->scope, ZXQ_hh_page_category,
		                  ZX_ARGS(ZX_TEXT(sa->category), ZX_TEXT(sa->type), ZX_TEXT(sa->group),
		                          ZX_INT(limit), ZX_INT(offset)),
		                  &s);
	else
		e = zx_query_open(
		    c, sa->scope, ZXQ_hh_page_all,
		    ZX_ARGS(ZX_TEXT(sa->type), ZX_TEXT(sa->group), ZX_INT(limit), ZX_INT(offset)), &s);
	return e ? e : emit(s, fn, ctx);
}

static zx_err search_hh_no(zx_conn *c, const search_args *sa, page *p, zx_hh_count *count)
{
	char hi[40];
	size_t n = strlen(sa->q);
	if (n >= sizeof(hi))
		return ZX_EINVAL;
	memcpy(hi, sa->q, n + 1);
	hi[n - 1]++; /* digits: '9' + 1 = ':' still sorts after every digit */
	int64_t rows = ZX_HH_SEARCH_MAX + 1;
	zx_stmt *s;
	zx_err e = zx_query_open(
	    c, sa->scope, sa->one_village ? ZXQ_hh_ids_no_prefix_village : ZXQ_hh_ids_no_prefix,
	    ZX_ARGS(ZX_TEXT(sa->one_village ? sa->village : sa->county), ZX_TEXT(sa->q), ZX_TEXT(hi),
	            ZX_TEXT(sa->type), ZX_TEXT(sa->category), ZX_TEXT(sa->group), ZX_INT(rows), ZX_INT(0)),
	    &s);
	return e ? e : walk_ids(s, p, rows, count, ZX_HH_SEARCH_MAX);
}

static zx_err search_name(zx_conn *c, const search_args *sa, page *p, zx_hh_count *count)
{
	char hi[256];
	if ((size_t)snprintf(hi, sizeof(hi), "%s%s", sa->q, COLLATION_MAX) >= sizeof(hi))
		return ZX_EINVAL;
	/* Families share surnames: allow a few matching members per household. */
	int64_t rows = 8 * (ZX_HH_SEARCH_MAX + 1);
	zx_stmt *s;
	zx_err e = zx_query_open(c, sa->scope, sa->one_village ? ZXQ_hh_name_rows_village : ZXQ_hh_name_rows,
	                         ZX_ARGS(ZX_TEXT(sa->one_village ? sa->village : sa->county), ZX_TEXT(sa->q),
	                                 ZX_TEXT(hi), ZX_TEXT(sa->type), ZX_TEXT(sa->category),
	                                 ZX_TEXT(sa->group), ZX_INT(rows)),
	                         &s);
	return e ? e : walk_name_rows(s, p, rows, count);
}

static zx_err search_id(zx_conn *c, const zx_keys *k, const search_args *sa, page *p, zx_hh_count *count)
{
	zx_idcard card;
	if (zx_idcard_parse(sa->q, zx_today_ymd(), &card) != ZX_ID_OK)
		return ZX_EINVAL;
	char bidx[ZX_BIDX_HEX_LEN + 1];
	zx_blind_index(k, card.norm, bidx);
	zx_stmt *s;
	zx_err e = zx_query_open(c, sa->scope, ZXQ_hh_ids_by_id_bidx,
	                         ZX_ARGS(ZX_TEXT(sa->county), ZX_TEXT(bidx), ZX_TEXT(sa->type),
	                                 ZX_TEXT(sa->category), ZX_TEXT(sa->group)),
	                         &s);
	return e ? e : walk_ids(s, p, 2, count, 1);
}

zx_err zx_household_search(zx_conn *c, const zx_actor *a, const zx_keys *k, const zx_hh_filter *f,
                           int64_t limit, int64_t offset, zx_hh_fn fn, void *ctx, zx_hh_count *count,
                           zx_errinfo *ei)
{
	zx_hh_count dummy;
	if (!count)
		count = &dummy;
	*count = (zx_hh_count){0, true};
	if (!a || !f || limit < 1 || limit > PAGE_MAX || offset < 0)
		return ZX_EINVAL;
	if (!zx_role_sees_personal_data(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s无权查看个人信息",
		               zx_role_name(a->role));
	zx_scope scope;
	char county[7];
	search_args sa = {.scope = &scope,
	                  .county = county,
	                  .q = f->q ? f->q : "",
	                  .type = f->hh_type ? f->hh_type : "",
	                  .category = f->category ? f->category : "",
	                  .group = f->group ? f->group : ""};
	zx_err e = zx_hh_filter_scope(a, f, &scope, county, &sa.one_village, ei);
	if (e)
		return e;
	sa.village = scope.lo;
	if (strlen(sa.q) > 64)
		return zx_fail(ei, ZX_EINVAL, "invalid_query", "q", 0, "搜索内容过长（最多 64 字节）");
	zx_hh_search_kind kind = zx_hh_search_kind_of(sa.q);
	if (kind == ZX_HH_SEARCH_NONE)
		return search_list(c, &sa, limit, offset, fn, ctx, count);
	page *p = calloc(1, sizeof(*p));
	if (!p)
		return ZX_ENOMEM;
	p->offset = offset;
	p->limit = limit;
	switch (kind) {
	case ZX_HH_SEARCH_ID:
		e = k ? search_id(c, k, &sa, p, count) : ZX_EINVAL;
		break;
	case ZX_HH_SEARCH_HHNO:
		e = search_hh_no(c, &sa, p, count);
		break;
	default:
		e = search_name(c, &sa, p, count);
	}
	if (!e)
		e = render(c, &scope, p, fn, ctx);
	free(p);
	return e;
}

/* ---- one household ----------------------------------------------------------------- */

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

void zx_hh_detail_release(zx_hh_detail *d)
{
	if (!d)
		return;
	free(d->m);
	d->m = NULL;
	d->n = 0;
}

const zx_member_view *zx_hh_detail_member(const zx_hh_detail *d, int64_t person_id)
{
	for (int i = 0; d && i < d->n; i++)
		if (d->m[i].id == person_id)
			return &d->m[i];
	return NULL;
}

static zx_err load_members(zx_conn *c, const zx_actor *a, zx_hh_detail *d)
{
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_hh_members, ZX_ARGS(ZX_INT(d->h.id)), &s);
	if (e)
		return e;
	bool row;
	int cap = 0;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		if (d->n == ZX_HH_MAX_MEMBERS) {
			zx_error("registry: household %lld has more than %d members", (long long)d->h.id,
			         ZX_HH_MAX_MEMBERS);
			e = ZX_ETOOBIG;
			break;
		}
		if (d->n == cap) {
			cap = cap ? cap * 2 : 8;
			zx_member_view *m = realloc(d->m, (size_t)cap * sizeof(*m));
			if (!m) {
				e = ZX_ENOMEM;
				break;
			}
			d->m = m;
		}
		zx_member_view *m = &d->m[d->n++];
		memset(m, 0, sizeof(*m));
		m->id = zx_col_int(s, 0);
		m->seq = (int)zx_col_int(s, 1);
		copy(m->name, sizeof(m->name), zx_col_text(s, 2));
		copy(m->id_masked, sizeof(m->id_masked), zx_col_text(s, 3));
		copy(m->id_bidx, sizeof(m->id_bidx), zx_col_text(s, 4));
		copy(m->relation, sizeof(m->relation), zx_col_text(s, 5));
		copy(m->gender, sizeof(m->gender), zx_col_text(s, 6));
		m->birth_ymd = (int)zx_col_int(s, 7);
		copy(m->nation, sizeof(m->nation), zx_col_text(s, 8));
		copy(m->education, sizeof(m->education), zx_col_text(s, 9));
		copy(m->school, sizeof(m->school), zx_col_text(s, 10));
		copy(m->health, sizeof(m->health), zx_col_text(s, 11));
		copy(m->disability, sizeof(m->disability), zx_col_text(s, 12));
		copy(m->labor, sizeof(m->labor), zx_col_text(s, 13));
		copy(m->work, sizeof(m->work), zx_col_text(s, 14));
		m->work_months = (int)zx_col_int(s, 15);
		m->insured = (int)zx_col_int(s, 16);
		copy(m->phone_masked, sizeof(m->phone_masked), zx_col_text(s, 17));
	}
	zx_stmt_done(s);
	return e;
}

zx_err zx_household_get(zx_conn *c, const zx_actor *a, const char *hh_no, zx_hh_detail *out, zx_errinfo *ei)
{
	memset(out, 0, sizeof(*out));
	if (!a || !zx_role_sees_personal_data(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "无权查看个人信息");
	if (!hh_no || !*hh_no || strlen(hh_no) >= sizeof(out->h.hh_no))
		return zx_fail(ei, ZX_ENOTFOUND, "household_not_found", "户编号", 0, "户不存在");
	/* 户编号 is unique per county; the CLI operator (no area) is taken at its word. */
	char county[7];
	snprintf(county, sizeof(county), "%.6s", strlen(a->area_code) >= 6 ? a->area_code : hh_no);
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_hh_get, ZX_ARGS(ZX_TEXT(county), ZX_TEXT(hh_no)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		zx_hh_view *h = &out->h;
		h->id = zx_col_int(s, 0);
		copy(h->hh_no, sizeof(h->hh_no), zx_col_text(s, 1));
		copy(h->village_code, sizeof(h->village_code), zx_col_text(s, 2));
		copy(h->village_name, sizeof(h->village_name), zx_col_text(s, 3));
		copy(h->town_code, sizeof(h->town_code), zx_col_text(s, 4));
		copy(h->town_name, sizeof(h->town_name), zx_col_text(s, 5));
		copy(h->group, sizeof(h->group), zx_col_text(s, 6));
		copy(h->head_name, sizeof(h->head_name), zx_col_text(s, 7));
		copy(h->hh_type, sizeof(h->hh_type), zx_col_text(s, 8));
		copy(h->category, sizeof(h->category), zx_col_text(s, 9));
		h->tuopin_year = (int)zx_col_int(s, 10);
		h->housing_safe = (int)zx_col_int(s, 11);
		h->water_safe = (int)zx_col_int(s, 12);
		copy(h->risk_type, sizeof(h->risk_type), zx_col_text(s, 13));
		copy(h->helper, sizeof(h->helper), zx_col_text(s, 14));
		h->size = (int)zx_col_int(s, 15);
		h->created_at = zx_col_int(s, 16);
		h->updated_at = zx_col_int(s, 17);
	}
	zx_stmt_done(s);
	if (e)
		return e;
	if (!row)
		return zx_fail(ei, ZX_ENOTFOUND, "household_not_found", "户编号", 0, "户不存在: %s", hh_no);
	return load_members(c, a, out);
}

int zx_hh_education_ok(const zx_hh_detail *d)
{
	for (int i = 0; i < d->n; i++)
		if (!strcmp(d->m[i].school, "失学辍学"))
			return 0;
	return 1;
}

int zx_hh_medical_ok(const zx_hh_detail *d)
{
	int unknown = 0;
	for (int i = 0; i < d->n; i++) {
		if (d->m[i].insured == 0)
			return 0;
		if (d->m[i].insured < 0)
			unknown = 1;
	}
	return unknown || d->n == 0 ? -1 : 1;
}

/* ---- unmasking -------------------------------------------------------------------- */

static zx_err decrypt_or_empty(const zx_keys *k, const char *enc, char *out, size_t cap)
{
	if (!*enc) {
		out[0] = '\0';
		return ZX_OK;
	}
	return zx_field_decrypt(k, enc, out, cap);
}

zx_err zx_person_unmask(zx_conn *c, const zx_actor *a, const zx_keys *k, int64_t person_id, char *id_out,
                        size_t id_cap, char *phone_out, size_t phone_cap, zx_errinfo *ei)
{
	id_out[0] = phone_out[0] = '\0';
	if (!a || !zx_role_sees_personal_data(a->role) || !zx_role_may_unmask(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s无权查看完整的证件号码和联系电话",
		               a ? zx_role_name(a->role) : "");
	zx_err e = zx_tx_begin_write(c);
	if (e)
		return e;
	zx_stmt *s = NULL;
	bool row = false;
	char hh_no[64] = "", obj[64], detail[128];
	e = zx_query_open(c, &a->scope, ZXQ_person_secret, ZX_ARGS(ZX_INT(person_id)), &s);
	if (!e)
		e = zx_stmt_next(s, &row);
	if (!e && row) {
		copy(hh_no, sizeof(hh_no), zx_col_text(s, 2));
		e = decrypt_or_empty(k, zx_col_text(s, 0), id_out, id_cap);
		if (!e)
			e = decrypt_or_empty(k, zx_col_text(s, 1), phone_out, phone_cap);
		if (e) {
			zx_error("registry: cannot decrypt person %lld: %s", (long long)person_id,
			         zx_err_name(e));
			e = ZX_EINTERNAL;
		}
	}
	zx_stmt_done(s);
	if (!e && !row)
		e = zx_fail(ei, ZX_ENOTFOUND, "person_not_found", NULL, 0, "人员不存在");
	snprintf(obj, sizeof(obj), "person:%lld", (long long)person_id);
	snprintf(detail, sizeof(detail), "查看完整证件号码和联系电话（户编号 %s）", hh_no);
	if (!e)
		e = zx_audit_write(c, a, "person.unmask", obj, "ok", detail);
	if (!e)
		e = zx_tx_commit(c);
	if (e) {
		zx_tx_rollback(c);
		memset(id_out, 0, id_cap);
		memset(phone_out, 0, phone_cap);
	}
	return e;
}
