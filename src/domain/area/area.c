/*
 * area.c — see area.h. Counts come from one range scan of households per call: the
 * children's counts are grouped by the children's code prefix in that same scan.
 */
#include "domain/area/area.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/area/division.h"

const char *zx_area_level_name(int level)
{
	static const char *names[] = {"", "省", "市", "县", "乡镇", "村"};
	return level >= 1 && level <= 5 ? names[level] : "";
}

static bool code_ok(const char *code)
{
	if (!code || strlen(code) != 12)
		return false;
	for (int i = 0; i < 12; i++)
		if (code[i] < '0' || code[i] > '9')
			return false;
	return true;
}

static zx_err counts(zx_conn *c, const zx_area *a, int64_t *hh, int64_t *persons)
{
	zx_scope s;
	zx_scope_of_area(a->code, &s);
	zx_stmt *st;
	zx_err e = zx_query_open(c, &s, ZXQ_household_counts, ZX_NOARGS, &st);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(st, &row);
	*hh = row ? zx_col_int(st, 0) : 0;
	*persons = row ? zx_col_int(st, 1) : 0;
	zx_stmt_done(st);
	return e;
}

zx_err zx_area_get(zx_conn *c, const zx_actor *a, const char *code, zx_area *out, zx_errinfo *ei)
{
	memset(out, 0, sizeof(*out));
	if (!code_ok(code))
		return zx_fail(ei, ZX_EINVAL, "invalid_area_code", "code", 0, "区划代码应为12位数字");
	if (!zx_scope_contains(&a->scope, code))
		return zx_fail(ei, ZX_ENOTFOUND, "not_found", NULL, 0, "区域不存在或不在您的管理范围内");
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, ZXQ_area_get, ZX_ARGS(ZX_TEXT(code)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		snprintf(out->code, sizeof(out->code), "%s", zx_col_text(s, 0));
		snprintf(out->name, sizeof(out->name), "%s", zx_col_text(s, 1));
		out->level = (int)zx_col_int(s, 2);
		snprintf(out->parent, sizeof(out->parent), "%s", zx_col_text(s, 3));
		snprintf(out->county, sizeof(out->county), "%s", zx_col_text(s, 4));
	}
	zx_stmt_done(s);
	if (e)
		return e;
	if (!row)
		return zx_fail(ei, ZX_ENOTFOUND, "not_found", NULL, 0, "区域不存在或不在您的管理范围内");
	e = zx_query_int(c, NULL, ZXQ_area_child_count, ZX_ARGS(ZX_TEXT(code)), &out->children);
	if (!e)
		e = counts(c, out, &out->households, &out->persons);
	return e;
}

static int prefix_len_of_level(int level)
{
	static const int len[] = {0, 2, 4, 6, 9, 12};
	return level >= 1 && level <= 5 ? len[level] : 12;
}

zx_err zx_area_children(zx_conn *c, const zx_actor *a, const zx_area *parent, zx_area_fn fn, void *ctx)
{
	(void)a;
	enum { MAX_CHILDREN = 4096 }; /* the largest towns have a few hundred villages */
	zx_area *kids = NULL;
	int n = 0, cap = 0;
	zx_stmt *s;
	zx_err e = zx_query_open(c, NULL, ZXQ_area_children, ZX_ARGS(ZX_TEXT(parent->code)), &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row && n < MAX_CHILDREN) {
		if (n == cap) {
			int ncap = cap ? cap * 2 : 64;
			zx_area *nk = realloc(kids, (size_t)ncap * sizeof(*nk));
			if (!nk) {
				e = ZX_ENOMEM;
				break;
			}
			kids = nk;
			cap = ncap;
		}
		zx_area *k = &kids[n++];
		memset(k, 0, sizeof(*k));
		snprintf(k->code, sizeof(k->code), "%s", zx_col_text(s, 0));
		snprintf(k->name, sizeof(k->name), "%s", zx_col_text(s, 1));
		k->level = (int)zx_col_int(s, 2);
		snprintf(k->parent, sizeof(k->parent), "%s", parent->code);
	}
	zx_stmt_done(s);
	if (e || n == 0)
		goto out;
	/* One grouped scan over the parent's range gives every child's counts. */
	zx_scope ps;
	zx_scope_of_area(parent->code, &ps);
	int plen = prefix_len_of_level(kids[0].level);
	e = zx_query_open(c, &ps, ZXQ_household_counts_by_prefix, ZX_ARGS(ZX_INT(plen)), &s);
	if (e)
		goto out;
	int hint = 0; /* both lists are in code order: walk them together */
	while (!(e = zx_stmt_next(s, &row)) && row) {
		const char *p = zx_col_text(s, 0);
		for (int k = 0; k < n; k++) {
			int i = (hint + k) % n;
			if (strncmp(kids[i].code, p, (size_t)plen) == 0) {
				kids[i].households = zx_col_int(s, 1);
				kids[i].persons = zx_col_int(s, 2);
				hint = i + 1;
				break;
			}
		}
	}
	zx_stmt_done(s);
	for (int i = 0; !e && i < n; i++)
		if (!fn(ctx, &kids[i]))
			break;
out:
	free(kids);
	return e;
}

zx_err zx_area_load_county(zx_conn *c, const char *county6, int64_t *count, zx_errinfo *ei)
{
	enum { MAX_AREAS = 8192 };
	static const zx_division *rows[MAX_AREAS];
	*count = 0;
	size_t n = zx_division_county_subtree(county6, rows, MAX_AREAS);
	if (n == 0)
		return zx_fail(ei, ZX_EVALIDATION, "unknown_county", "--county", 0,
		               "没有县级区划 %s 的乡镇和村数据（编译时 demo_counties 选项未包含该县）",
		               county6);
	char county12[13];
	snprintf(county12, sizeof(county12), "%.6s000000", county6);
	const zx_division *cty = zx_division_find(county12);
	/* The county's ancestors first, so that parents always exist. */
	const zx_division *chain[3] = {NULL, NULL, cty};
	if (cty && cty->parent)
		chain[1] = zx_division_find(cty->parent);
	if (chain[1] && chain[1]->parent)
		chain[0] = zx_division_find(chain[1]->parent);
	zx_err e = ZX_OK;
	for (int i = 0; !e && i < 2; i++) {
		if (!chain[i])
			continue;
		e = zx_exec(c, NULL, ZXQ_area_insert,
		            ZX_ARGS(ZX_TEXT(chain[i]->code), ZX_TEXT(chain[i]->name), ZX_INT(chain[i]->level),
		                    ZX_TEXT(chain[i]->parent && *chain[i]->parent ? chain[i]->parent : NULL),
		                    ZX_TEXT("")),
		            NULL);
		(*count)++;
	}
	for (size_t i = 0; !e && i < n; i++) {
		const zx_division *d = rows[i];
		e = zx_exec(c, NULL, ZXQ_area_insert,
		            ZX_ARGS(ZX_TEXT(d->code), ZX_TEXT(d->name), ZX_INT(d->level),
		                    ZX_TEXT(d->parent && *d->parent ? d->parent : NULL), ZX_TEXT(county6)),
		            NULL);
		(*count)++;
	}
	return e;
}
