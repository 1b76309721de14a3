/*
 * import_check.c — the household importer's rules that need more than one row (each
 * household has exactly one 户主; household columns agree with the 户主's row; 脱贫不稳定户
 * and 脱贫年度 only for 脱贫户) and the checks against the database (a 户编号 registered
 * outside the import area, a 证件号码 registered in another household), plus writing the
 * error list as CSV.
 *
 * Invariants: these checks only add errors, they never write; the database is asked
 * nothing when the county holds no household yet (a first import); a member registered
 * in another household that this same file re-imports is a move (flag IMP_P_MOVING), not
 * an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "domain/registry/import_internal.h"

/* ---- households ------------------------------------------------------------------------- */

static const char *text_or_blank(const char *s)
{
	return *s ? s : "空";
}

static void conflict(imp_ctx *x, const imp_person *p, const imp_person *head, const char *column,
                     const char *mine, const char *theirs)
{
	char quoted[160];
	snprintf(quoted, sizeof(quoted), *theirs ? "“%s”" : "%s", text_or_blank(theirs));
	imp_error(x, p->row, column, mine,
	          "与本户户主行（第%u行）的%s不一致（户主行为%s）；户级信息以户主行为准", head->row, column,
	          quoted);
}

static void compare_enum(imp_ctx *x, const imp_person *p, const imp_person *head, zx_template_col col,
                         uint8_t mine, uint8_t theirs)
{
	if (mine && mine != theirs)
		conflict(x, p, head, zx_template_columns(NULL)[col].name, imp_enum_text(col, mine),
		         imp_enum_text(col, theirs));
}

static void compare_text(imp_ctx *x, const imp_person *p, const imp_person *head, zx_template_col col,
                         uint32_t mine, uint32_t theirs)
{
	if (mine && mine != theirs)
		conflict(x, p, head, zx_template_columns(NULL)[col].name, imp_pool_str(&x->pool, mine),
		         imp_pool_str(&x->pool, theirs));
}

static void household_fields(imp_ctx *x, const imp_household *h, const imp_person *head)
{
	const imp_hhvals *H = &head->hv;
	for (uint32_t j = h->first; j != IMP_NONE;) {
		const imp_person *p = imp_vec_at(&x->persons, j);
		j = p->next;
		if (p == head)
			continue;
		const imp_hhvals *v = &p->hv;
		compare_text(x, p, head, ZX_COL_GROUP, v->group, H->group);
		compare_enum(x, p, head, ZX_COL_HH_TYPE, v->hh_type, H->hh_type);
		compare_enum(x, p, head, ZX_COL_CATEGORY, v->category, H->category);
		if (v->tuopin_year && v->tuopin_year != H->tuopin_year) {
			char mine[8], theirs[8] = "";
			snprintf(mine, sizeof(mine), "%u", v->tuopin_year);
			if (H->tuopin_year)
				snprintf(theirs, sizeof(theirs), "%u", H->tuopin_year);
			conflict(x, p, head, "脱贫年度", mine, theirs);
		}
		compare_enum(x, p, head, ZX_COL_HOUSING_SAFE, v->housing, H->housing);
		compare_enum(x, p, head, ZX_COL_WATER_SAFE, v->water, H->water);
		compare_enum(x, p, head, ZX_COL_RISK_TYPE, v->risk, H->risk);
		compare_text(x, p, head, ZX_COL_HELPER, v->helper, H->helper);
	}
	const char *type = imp_enum_text(ZX_COL_HH_TYPE, H->hh_type);
	const char *category = imp_enum_text(ZX_COL_CATEGORY, H->category);
	if (strcmp(category, "脱贫不稳定户") == 0 && *type && strcmp(type, "脱贫户") != 0)
		imp_error(x, head->row, "监测对象类别", category,
		          "脱贫不稳定户只能是脱贫户（本户户类型为“%s”）", type);
	if (H->tuopin_year && *type && strcmp(type, "脱贫户") != 0) {
		char year[8];
		snprintf(year, sizeof(year), "%u", H->tuopin_year);
		imp_error(x, head->row, "脱贫年度", year, "只有脱贫户填写脱贫年度（本户户类型为“%s”）", type);
	}
}

void imp_check_household(imp_ctx *x, uint32_t idx)
{
	imp_household *h = imp_vec_at(&x->households, idx);
	if (h->checked)
		return;
	h->checked = true;
	const char *no = imp_pool_str(&x->pool, h->hh_no);
	const imp_person *head = NULL;
	for (uint32_t j = h->first; j != IMP_NONE;) {
		const imp_person *p = imp_vec_at(&x->persons, j);
		if (p->flags & IMP_P_HEAD) {
			if (!head) {
				head = p;
				h->head = j;
			} else {
				imp_error(x, p->row, "与户主关系", "户主",
				          "户编号 %s 已有户主（第%u行），一户只能有一名户主", no, head->row);
			}
		}
		j = p->next;
	}
	if (h->n > IMP_MAX_MEMBERS)
		imp_error(x, h->row, "户编号", no,
		          "户编号 %s 有 %u 名成员，超过上限 %d 人，请检查户编号是否填错", no, h->n,
		          IMP_MAX_MEMBERS);
	if (!head)
		imp_error(x, h->row, "与户主关系", "",
		          "户编号 %s 没有户主（从第%u行起的 %u 行），每户须有且只有一名户主", no, h->row,
		          h->n);
	else
		household_fields(x, h, head);
}

zx_err imp_check_households(imp_ctx *x)
{
	for (uint32_t i = 0; i < x->households.n; i++)
		imp_check_household(x, i);
	return ZX_OK;
}

/* ---- the database ------------------------------------------------------------------------ */

static const char *village_name(const imp_ctx *x, const char *code)
{
	size_t lo = 0, hi = x->nvillages;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(x->villages[mid].code, code);
		if (c == 0)
			return x->villages[mid].name;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return code;
}

static zx_err find_household(imp_ctx *x, imp_household *h)
{
	const char *no = imp_pool_str(&x->pool, h->hh_no);
	zx_stmt *s;
	zx_err e = zx_query_open(x->c, &x->county_scope, ZXQ_import_household_find,
	                         ZX_ARGS(ZX_TEXT(x->county), ZX_TEXT(no)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		const char *area = zx_col_text(s, 1);
		if (!zx_scope_contains(&x->area_scope, area)) {
			imp_error(x, h->row, "户编号", no,
			          "户编号 %s 已登记在%s（%s），不在本次导入区域（%s）内", no,
			          village_name(x, area), area, x->area);
		} else {
			h->db_id = zx_col_int(s, 0);
			x->r->existing++;
		}
	}
	zx_stmt_done(s);
	return e;
}

static zx_err find_person(imp_ctx *x, imp_person *p)
{
	char id[19], bidx[ZX_BIDX_HEX_LEN + 1];
	imp_id_unpack(p->id, id);
	zx_blind_index(x->k, id, bidx);
	zx_stmt *s;
	zx_err e = zx_query_open(x->c, &x->county_scope, ZXQ_import_person_find,
	                         ZX_ARGS(ZX_TEXT(x->county), ZX_TEXT(bidx)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		const imp_household *own = imp_vec_at(&x->households, p->hh);
		const char *other_no = zx_col_text(s, 2);
		bool same = zx_col_int(s, 1) == own->db_id ||
		            strcmp(other_no, imp_pool_str(&x->pool, own->hh_no)) == 0;
		uint32_t in_file = IMP_NONE;
		if (!same)
			e = imp_map_household(&x->by_hh_no, &x->households, &x->pool, other_no, IMP_NONE,
			                      &in_file);
		if (!e && !same && in_file != IMP_NONE)
			p->flags |= IMP_P_MOVING; /* its household is re-imported without it */
		else if (!e && !same)
			imp_error(x, p->row, "证件号码", id,
			          "该证件号码已登记在户编号 %s（%s）的家庭中，同一人不能在本县重复登记",
			          other_no, village_name(x, zx_col_text(s, 3)));
	}
	zx_stmt_done(s);
	return e;
}

zx_err imp_check_database(imp_ctx *x)
{
	int64_t any = 0;
	zx_err e =
	    zx_query_int(x->c, NULL, ZXQ_import_county_has_households, ZX_ARGS(ZX_TEXT(x->county)), &any);
	if (e || !any)
		return e;
	int64_t total = (int64_t)(x->households.n + x->persons.n), done = 0;
	for (uint32_t i = 0; !e && i < x->households.n; i++, done++) {
		e = find_household(x, imp_vec_at(&x->households, i));
		imp_progress(x, ZX_IMPORT_CHECKING, done, total, false);
	}
	for (uint32_t i = 0; !e && i < x->persons.n; i++, done++) {
		imp_person *p = imp_vec_at(&x->persons, i);
		if (p->flags & IMP_P_ID_OK)
			e = find_person(x, p);
		if ((i & 1023) == 0)
			imp_progress(x, ZX_IMPORT_CHECKING, done, total, false);
	}
	imp_progress(x, ZX_IMPORT_CHECKING, total, total, true);
	return e;
}
