/*
 * import_update.c — re-importing a registered household (same 户编号): compare the file
 * with the registry field by field and write only what differs, each difference also as
 * a history row (history.h).
 *
 * Invariants: members are matched by the blind index of their 证件号码, never by name or
 * position; a registered member missing from the file is removed, a new one inserted;
 * a household whose fields, members and member order all equal the file is not written
 * at all (counted unchanged); 联系电话 is compared in plaintext after decryption and
 * recorded masked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/registry/history.h"
#include "domain/registry/household.h"
#include "domain/registry/import_internal.h"

enum {
	PF_NAME,
	PF_RELATION,
	PF_NATION,
	PF_EDUCATION,
	PF_SCHOOL,
	PF_HEALTH,
	PF_DISABILITY,
	PF_LABOR,
	PF_WORK,
	PF_MONTHS,
	PF_INSURED,
	PF_PHONE,
	PF__COUNT
};

static const char *const person_fields[PF__COUNT] = {
    "姓名",     "与户主关系", "民族",     "文化程度",     "在校生情况", "健康状况",
    "残疾等级", "劳动技能",   "务工状况", "务工时间(月)", "医保参保",   "联系电话",
};

enum {
	HF_AREA,
	HF_GROUP,
	HF_TYPE,
	HF_CATEGORY,
	HF_YEAR,
	HF_HOUSING,
	HF_WATER,
	HF_RISK,
	HF_HELPER,
	HF__COUNT
};

static const char *const household_fields[HF__COUNT] = {
    "行政区划代码", "组",       "户类型",   "监测对象类别", "脱贫年度",
    "住房安全",     "饮水安全", "风险类型", "帮扶责任人",
};

typedef struct old_member {
	int64_t id;
	int seq;
	bool matched;
	char bidx[ZX_BIDX_HEX_LEN + 1];
	char *f[PF__COUNT];
} old_member;

typedef struct old_household {
	char *f[HF__COUNT];
	int size;
	old_member *m;
	size_t n;
} old_household;

static const char *tri_text(int v)
{
	return v < 0 ? "" : v ? "是" : "否";
}

static void int_text(int v, char *out, size_t cap)
{
	if (v < 0)
		out[0] = '\0';
	else
		snprintf(out, cap, "%d", v);
}

static void old_release(old_household *o)
{
	for (size_t i = 0; i < HF__COUNT; i++)
		free(o->f[i]);
	for (size_t i = 0; i < o->n; i++)
		for (size_t j = 0; j < PF__COUNT; j++)
			free(o->m[i].f[j]);
	free(o->m);
}

static zx_err load_household(imp_ctx *x, int64_t id, old_household *o)
{
	zx_stmt *s;
	zx_err e = zx_query_open(x->c, &x->area_scope, ZXQ_import_household_get, ZX_ARGS(ZX_INT(id)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && !row)
		e = ZX_ECONFLICT; /* removed since it was checked */
	if (!e) {
		char year[16], *f = NULL;
		int_text(zx_col_int(s, 5) > 0 ? (int)zx_col_int(s, 5) : -1, year, sizeof(year));
		const char *src[HF__COUNT] = {zx_col_text(s, 1),
		                              zx_col_text(s, 2),
		                              zx_col_text(s, 3),
		                              zx_col_text(s, 4),
		                              year,
		                              tri_text((int)zx_col_int(s, 6)),
		                              tri_text((int)zx_col_int(s, 7)),
		                              zx_col_text(s, 8),
		                              zx_col_text(s, 9)};
		for (size_t i = 0; i < HF__COUNT && (f = strdup(src[i])); i++)
			o->f[i] = f;
		if (!f)
			e = ZX_ENOMEM;
		o->size = (int)zx_col_int(s, 10);
	}
	zx_stmt_done(s);
	return e;
}

static zx_err load_member(imp_ctx *x, zx_stmt *s, old_member *m)
{
	char months[16], phone[64] = "";
	const char *enc = zx_col_text(s, 16);
	if (*enc && zx_field_decrypt(x->k, enc, phone, sizeof(phone)) != ZX_OK)
		phone[0] = '\0'; /* unreadable: any file value counts as a change */
	int_text((int)zx_col_int(s, 14), months, sizeof(months));
	m->id = zx_col_int(s, 0);
	m->seq = (int)zx_col_int(s, 1);
	snprintf(m->bidx, sizeof(m->bidx), "%s", zx_col_text(s, 2));
	const char *src[PF__COUNT] = {zx_col_text(s, 3),
	                              zx_col_text(s, 4),
	                              zx_col_text(s, 7),
	                              zx_col_text(s, 8),
	                              zx_col_text(s, 9),
	                              zx_col_text(s, 10),
	                              zx_col_text(s, 11),
	                              zx_col_text(s, 12),
	                              zx_col_text(s, 13),
	                              months,
	                              tri_text((int)zx_col_int(s, 15)),
	                              phone};
	for (size_t i = 0; i < PF__COUNT; i++)
		if (!(m->f[i] = strdup(src[i])))
			return ZX_ENOMEM;
	return ZX_OK;
}

static zx_err load_members(imp_ctx *x, int64_t id, old_household *o)
{
	zx_stmt *s;
	zx_err e = zx_query_open(x->c, &x->area_scope, ZXQ_import_members, ZX_ARGS(ZX_INT(id)), &s);
	if (e)
		return e;
	bool row;
	size_t cap = 0;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		if (o->n == cap) {
			cap = cap ? cap * 2 : 8;
			old_member *nm = realloc(o->m, cap * sizeof(*nm));
			if (!nm) {
				e = ZX_ENOMEM;
				break;
			}
			o->m = nm;
		}
		memset(&o->m[o->n], 0, sizeof(o->m[0]));
		e = load_member(x, s, &o->m[o->n++]);
		if (e)
			break;
	}
	zx_stmt_done(s);
	return e;
}

static void new_person_fields(const zx_person_rec *p, char months[16], const char *f[PF__COUNT])
{
	int_text(p->work_months, months, 16);
	const char *src[PF__COUNT] = {
	    p->name,  p->relation, p->nation, p->education,         p->school, p->health, p->disability,
	    p->labor, p->work,     months,    tri_text(p->insured), p->phone};
	memcpy(f, src, sizeof(src));
}

/* Writes history for each differing field; *n gets how many differed. */
static zx_err record_diffs(imp_ctx *x, int64_t hid, int64_t pid, const char *village,
                           const char *const *names, char *const *old, const char *const *now, size_t count,
                           int *n)
{
	*n = 0;
	for (size_t i = 0; i < count; i++) {
		if (strcmp(old[i], now[i]) == 0)
			continue;
		(*n)++;
		zx_err e =
		    zx_history_record(x->c, x->a, hid, pid, village, "import", names[i], old[i], now[i]);
		if (e)
			return e;
	}
	return ZX_OK;
}

static zx_err update_members(imp_ctx *x, const imp_household *h, const zx_household_rec *rec,
                             const uint32_t *idx, const zx_sealed *ids, const zx_sealed *phones,
                             old_household *o, bool *changed)
{
	zx_err e = ZX_OK;
	int match[IMP_MAX_MEMBERS];
	for (int i = 0; i < rec->n; i++) {
		match[i] = -1;
		for (size_t j = 0; j < o->n && match[i] < 0; j++)
			if (!o->m[j].matched && strcmp(o->m[j].bidx, ids[i].bidx) == 0) {
				o->m[j].matched = true;
				match[i] = (int)j;
			}
	}
	for (size_t j = 0; !e && j < o->n; j++) {
		if (o->m[j].matched)
			continue;
		e = zx_person_row_delete(x->c, &x->area_scope, o->m[j].id);
		if (!e)
			e = zx_history_record(x->c, x->a, h->db_id, o->m[j].id, rec->village, "import",
			                      ZX_HISTORY_MEMBER_REMOVED, o->m[j].f[PF_NAME], "");
		x->r->members_removed++;
		*changed = true;
	}
	for (int i = 0; !e && i < rec->n; i++) {
		const zx_person_rec *p = &rec->m[i];
		if (match[i] < 0) {
			const imp_person *sp = imp_vec_at(&x->persons, idx[i]);
			int64_t pid = 0;
			if (sp->flags & IMP_P_MOVING)
				e = imp_unregister_elsewhere(x, &ids[i]);
			if (!e)
				e = zx_person_insert(x->c, x->county, h->db_id, rec->village, i + 1, p,
				                     &ids[i], &phones[i], &pid);
			if (!e)
				e = zx_history_record(x->c, x->a, h->db_id, pid, rec->village, "import",
				                      ZX_HISTORY_MEMBER_ADDED, "", p->name);
			x->r->members_added++;
			*changed = true;
			continue;
		}
		old_member *m = &o->m[match[i]];
		char months[16];
		const char *now[PF__COUNT];
		new_person_fields(p, months, now);
		int n = 0;
		e = record_diffs(x, h->db_id, m->id, rec->village, person_fields, m->f, now, PF__COUNT, &n);
		bool moved = strcmp(o->f[HF_AREA], rec->village) != 0;
		if (!e && (n || m->seq != i + 1 || moved)) {
			e = zx_person_row_update(x->c, &x->area_scope, m->id, rec->village, i + 1, p,
			                         &phones[i]);
			*changed = true;
		}
		if (n)
			x->r->members_updated++;
	}
	return e;
}

zx_err imp_update_household(imp_ctx *x, imp_household *h, const imp_view *v, const zx_sealed *ids,
                            const zx_sealed *phones)
{
	const zx_household_rec *rec = &v->rec;
	old_household o = {0};
	bool changed = false;
	zx_err e = load_household(x, h->db_id, &o);
	if (!e)
		e = load_members(x, h->db_id, &o);
	if (!e)
		e = update_members(x, h, rec, v->idx, ids, phones, &o, &changed);
	char year[16];
	int_text(rec->tuopin_year > 0 ? rec->tuopin_year : -1, year, sizeof(year));
	const char *now[HF__COUNT] = {rec->village,
	                              rec->group,
	                              rec->hh_type,
	                              rec->category,
	                              year,
	                              tri_text(rec->housing_safe),
	                              tri_text(rec->water_safe),
	                              rec->risk_type,
	                              rec->helper};
	int n = 0;
	if (!e)
		e = record_diffs(x, h->db_id, 0, rec->village, household_fields, o.f, now, HF__COUNT, &n);
	if (!e && (n || changed || o.size != rec->n)) {
		e = zx_household_row_update(x->c, &x->area_scope, h->db_id, rec);
		changed = true;
	}
	old_release(&o);
	if (e)
		return e;
	h->state = changed ? IMP_H_UPDATED : IMP_H_UNCHANGED;
	if (changed)
		x->r->updated++;
	else
		x->r->unchanged++;
	return ZX_OK;
}
