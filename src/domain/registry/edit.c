/*
 * edit.c — hand edits of one household and its members (see edit.h).
 *
 * Each operation: role check → BEGIN IMMEDIATE → read the household as the actor sees it
 * (404 outside scope) → apply the changes to a copy, checking every value → compare old
 * and new field by field → write rows, one history row per changed field and one audit
 * row → COMMIT. Any failure rolls everything back.
 *
 * Invariants:
 *   - a household keeps exactly one 户主, and the 户主 has the lowest seq (the list shows
 *     the first member's masked ID as the 户主's);
 *   - households.head_name and size follow the members;
 *   - 证件号码 and 联系电话 are written only sealed (SM4 + blind index + mask); an unchanged
 *     value keeps its stored ciphertext; history receives them masked (history.c);
 *   - an ID exists once per county (checked by blind index against the whole county so the
 *     error names the other household, and by the unique index underneath).
 */
#include "domain/registry/edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/idcard.h"
#include "domain/auth/audit.h"
#include "domain/registry/history.h"
#include "domain/registry/household.h"
#include "domain/registry/query.h"
#include "domain/registry/rules.h"

bool zx_registry_may_edit(zx_role r)
{
	return r == ZX_ROLE_COUNTY_ADMIN || r == ZX_ROLE_TOWN_ADMIN || r == ZX_ROLE_VILLAGE_CLERK;
}

/* ---- shared steps ------------------------------------------------------------------ */

static int tri_of(const char *v)
{
	return !strcmp(v, "是") ? 1 : !strcmp(v, "否") ? 0 : -1;
}

static void set(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src);
}

static zx_err begin(zx_conn *c, const zx_actor *a, const char *hh_no, zx_hh_detail *d, zx_errinfo *ei)
{
	memset(d, 0, sizeof(*d));
	if (!a || !zx_role_sees_personal_data(a->role) || !zx_registry_may_edit(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s只能查看，不能修改农户信息",
		               a ? zx_role_name(a->role) : "");
	zx_err e = zx_tx_begin_write(c);
	if (e)
		return e;
	e = zx_household_get(c, a, hh_no, d, ei);
	if (e)
		zx_tx_rollback(c);
	return e;
}

static zx_val tri_val(int v)
{
	return v < 0 ? ZX_NULLV : ZX_INT(v);
}

/* Writes the household row from v (size, head_name and every fact). */
static zx_err write_household(zx_conn *c, const zx_actor *a, const zx_hh_view *v)
{
	int64_t changes = 0;
	zx_err e = zx_exec(c, &a->scope, ZXQ_hh_row_update,
	                   ZX_ARGS(ZX_INT(v->id), ZX_TEXT(v->village_code), ZX_TEXT(v->group),
	                           ZX_TEXT(v->head_name), ZX_TEXT(v->hh_type), ZX_TEXT(v->category),
	                           v->tuopin_year > 0 ? ZX_INT(v->tuopin_year) : ZX_NULLV,
	                           tri_val(v->housing_safe), tri_val(v->water_safe), ZX_TEXT(v->risk_type),
	                           ZX_TEXT(v->helper), ZX_INT(v->size), ZX_INT(zx_now())),
	                   &changes);
	return e ? e : changes == 1 ? ZX_OK : ZX_ENOTFOUND;
}

/* Appends "、field" to the audit detail. */
static void note(char *detail, size_t cap, const char *field)
{
	size_t n = strlen(detail);
	if (n + strlen(field) + 4 < cap)
		snprintf(detail + n, cap - n, "%s%s", n && detail[n - 1] != ' ' ? "、" : "", field);
}

static zx_err finish(zx_conn *c, const zx_actor *a, zx_err e, const char *action, const char *hh_no,
                     const char *detail)
{
	char obj[96];
	snprintf(obj, sizeof(obj), "household:%s", hh_no);
	if (!e)
		e = zx_audit_write(c, a, action, obj, "ok", detail);
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

/* ---- household fields -------------------------------------------------------------- */

typedef struct hh_field {
	zx_template_col col;
	const char *const *change; /* pointer into zx_hh_changes */
} hh_field;

static zx_err move_village(zx_conn *c, const zx_actor *a, zx_hh_view *n, const char *code, zx_errinfo *ei)
{
	zx_stmt *s;
	bool row = false;
	int level = 0;
	zx_err e = zx_query_open(c, NULL, ZXQ_area_get, ZX_ARGS(ZX_TEXT(code)), &s);
	if (e)
		return e;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		level = (int)zx_col_int(s, 2);
		set(n->village_name, sizeof(n->village_name), zx_col_text(s, 1));
	}
	zx_stmt_done(s);
	if (e)
		return e;
	if (!row || level != 5)
		return zx_fail(ei, ZX_EVALIDATION, "unknown_village", "行政区划代码", 0,
		               "行政区划代码 %s 不是已登记的村（社区）", code);
	if (!zx_scope_contains(&a->scope, code) || strncmp(code, n->village_code, 6) != 0)
		return zx_fail(ei, ZX_EVALIDATION, "village_out_of_scope", "行政区划代码", 0,
		               "行政区划代码 %s 不在您管辖的本县范围内", code);
	set(n->village_code, sizeof(n->village_code), code);
	return ZX_OK;
}

zx_err zx_household_edit(zx_conn *c, const zx_actor *a, const char *hh_no, const zx_hh_changes *ch,
                         int *changed, zx_errinfo *ei)
{
	if (changed)
		*changed = 0;
	zx_hh_detail d;
	zx_err e = begin(c, a, hh_no, &d, ei);
	if (e) {
		zx_hh_detail_release(&d);
		return e;
	}
	const zx_hh_view *o = &d.h;
	zx_hh_view n = d.h;
	char year[12] = "", oyear[12] = "";
	if (o->tuopin_year > 0)
		snprintf(oyear, sizeof(oyear), "%d", o->tuopin_year);
	set(year, sizeof(year), oyear);
	const hh_field fields[] = {
	    {ZX_COL_AREA, &ch->village_code},       {ZX_COL_GROUP, &ch->group},
	    {ZX_COL_HH_TYPE, &ch->hh_type},         {ZX_COL_CATEGORY, &ch->category},
	    {ZX_COL_TUOPIN_YEAR, &ch->tuopin_year}, {ZX_COL_HOUSING_SAFE, &ch->housing_safe},
	    {ZX_COL_WATER_SAFE, &ch->water_safe},   {ZX_COL_RISK_TYPE, &ch->risk_type},
	    {ZX_COL_HELPER, &ch->helper},
	};
	for (size_t i = 0; !e && i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *v = *fields[i].change;
		if (!v)
			continue;
		e = zx_rule_value(fields[i].col, v, ei);
		if (e)
			break;
		switch (fields[i].col) {
		case ZX_COL_AREA:
			if (strcmp(v, o->village_code) != 0)
				e = move_village(c, a, &n, v, ei);
			break;
		case ZX_COL_GROUP:
			set(n.group, sizeof(n.group), v);
			break;
		case ZX_COL_HH_TYPE:
			set(n.hh_type, sizeof(n.hh_type), v);
			break;
		case ZX_COL_CATEGORY:
			set(n.category, sizeof(n.category), v);
			break;
		case ZX_COL_TUOPIN_YEAR:
			set(year, sizeof(year), v);
			n.tuopin_year = *v ? (int)strtol(v, NULL, 10) : 0;
			break;
		case ZX_COL_HOUSING_SAFE:
			n.housing_safe = tri_of(v);
			break;
		case ZX_COL_WATER_SAFE:
			n.water_safe = tri_of(v);
			break;
		case ZX_COL_RISK_TYPE:
			set(n.risk_type, sizeof(n.risk_type), v);
			break;
		default:
			set(n.helper, sizeof(n.helper), v);
		}
	}
	if (!e)
		e = zx_rule_household(n.hh_type, n.category, year, ei);
	const struct {
		const char *field, *old, *new_;
	} diff[] = {
	    {"行政区划代码", o->village_code, n.village_code},
	    {"组", o->group, n.group},
	    {"户类型", o->hh_type, n.hh_type},
	    {"监测对象类别", o->category, n.category},
	    {"脱贫年度", oyear, year},
	    {"住房安全", zx_yes_no(o->housing_safe), zx_yes_no(n.housing_safe)},
	    {"饮水安全", zx_yes_no(o->water_safe), zx_yes_no(n.water_safe)},
	    {"风险类型", o->risk_type, n.risk_type},
	    {"帮扶责任人", o->helper, n.helper},
	};
	char detail[512] = "";
	int nchanged = 0;
	for (size_t i = 0; !e && i < sizeof(diff) / sizeof(diff[0]); i++) {
		if (!strcmp(diff[i].old, diff[i].new_))
			continue;
		nchanged++;
		note(detail, sizeof(detail), diff[i].field);
		/* History stays with the village the household was in when it changed. */
		e = zx_history_record(c, a, o->id, 0, o->village_code, "edit", diff[i].field, diff[i].old,
		                      diff[i].new_);
	}
	if (!e && nchanged == 0) {
		zx_tx_rollback(c);
		zx_hh_detail_release(&d);
		return ZX_OK;
	}
	if (!e)
		e = write_household(c, a, &n);
	if (!e && strcmp(o->village_code, n.village_code) != 0)
		e = zx_exec(c, &a->scope, ZXQ_hh_members_move,
		            ZX_ARGS(ZX_INT(o->id), ZX_TEXT(n.village_code)), NULL);
	char msg[600];
	snprintf(msg, sizeof(msg), "修改户信息: %s", detail);
	e = finish(c, a, e, "household.update", o->hh_no, msg);
	if (!e && changed)
		*changed = nchanged;
	zx_hh_detail_release(&d);
	return e;
}

/* ---- members ------------------------------------------------------------------------ */

typedef struct member_edit {
	zx_member_view v; /* the member as it will be */
	zx_sealed id;     /* 证件号码 as stored: the old one, or the new one when id_changed */
	zx_sealed phone;  /* 联系电话 likewise */
	char id_norm[19]; /* the new plaintext ID when id_changed (for history, which masks it) */
	char phone_plain[32];
	int id_gender; /* 1 男, 2 女 according to the new ID */
	bool id_changed, phone_changed;
} member_edit;

static zx_err read_sealed(zx_conn *c, const zx_actor *a, const zx_member_view *o, member_edit *me)
{
	zx_stmt *s;
	bool row = false;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_person_enc, ZX_ARGS(ZX_INT(o->id)), &s);
	if (e)
		return e;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		set(me->id.enc, sizeof(me->id.enc), zx_col_text(s, 0));
		set(me->phone.enc, sizeof(me->phone.enc), zx_col_text(s, 1));
	}
	zx_stmt_done(s);
	set(me->id.bidx, sizeof(me->id.bidx), o->id_bidx);
	set(me->id.masked, sizeof(me->id.masked), o->id_masked);
	set(me->phone.masked, sizeof(me->phone.masked), o->phone_masked);
	return e ? e : row ? ZX_OK : ZX_ENOTFOUND;
}

/* The gender the stored ID says (1/2), decrypting it; 0 if it cannot be read. */
static int stored_id_gender(const zx_keys *k, const char *enc)
{
	char plain[64];
	zx_idcard card;
	int g = 0;
	if (*enc && zx_field_decrypt(k, enc, plain, sizeof(plain)) == ZX_OK &&
	    zx_idcard_parse(plain, zx_today_ymd(), &card) == ZX_ID_OK)
		g = card.gender;
	memset(plain, 0, sizeof(plain));
	return g;
}

static zx_err apply_id(const zx_keys *k, const char *x, bool adding, member_edit *me)
{
	char bidx[ZX_BIDX_HEX_LEN + 1];
	int birth;
	zx_err e = zx_rule_id(x, me->id_norm, &birth, &me->id_gender, NULL);
	if (e)
		return e;
	zx_blind_index(k, me->id_norm, bidx);
	if (!adding && !strcmp(bidx, me->v.id_bidx))
		return ZX_OK;
	me->id_changed = true;
	if ((e = zx_seal_id(k, me->id_norm, &me->id)))
		return e;
	set(me->v.id_bidx, sizeof(me->v.id_bidx), me->id.bidx);
	set(me->v.id_masked, sizeof(me->v.id_masked), me->id.masked);
	me->v.birth_ymd = birth;
	return ZX_OK;
}

static zx_err apply_phone(const zx_keys *k, const char *x, member_edit *me)
{
	char old[64] = "";
	if (*me->phone.enc && zx_field_decrypt(k, me->phone.enc, old, sizeof(old)) != ZX_OK)
		return ZX_EINTERNAL;
	me->phone_changed = strcmp(old, x) != 0;
	memset(old, 0, sizeof(old));
	if (!me->phone_changed)
		return ZX_OK;
	set(me->phone_plain, sizeof(me->phone_plain), x);
	zx_err e = zx_seal_phone(k, x, &me->phone);
	if (!e)
		set(me->v.phone_masked, sizeof(me->v.phone_masked), me->phone.masked);
	return e;
}

/* Applies ch to me->v, checking every value. adding: 姓名, 证件号码, 与户主关系, 性别 required. */
static zx_err apply_member(const zx_keys *k, const zx_member_changes *ch, bool adding, member_edit *me,
                           zx_errinfo *ei)
{
	zx_member_view *v = &me->v;
	struct {
		zx_template_col col;
		const char *x;
		char *dst;
		size_t cap;
	} fields[] = {
	    {ZX_COL_NAME, ch->name, v->name, sizeof(v->name)},
	    {ZX_COL_ID, ch->id_number, NULL, 0},
	    {ZX_COL_RELATION, ch->relation, v->relation, sizeof(v->relation)},
	    {ZX_COL_GENDER, ch->gender, v->gender, sizeof(v->gender)},
	    {ZX_COL_NATION, ch->nation, v->nation, sizeof(v->nation)},
	    {ZX_COL_EDUCATION, ch->education, v->education, sizeof(v->education)},
	    {ZX_COL_SCHOOL, ch->school, v->school, sizeof(v->school)},
	    {ZX_COL_HEALTH, ch->health, v->health, sizeof(v->health)},
	    {ZX_COL_DISABILITY, ch->disability, v->disability, sizeof(v->disability)},
	    {ZX_COL_LABOR, ch->labor, v->labor, sizeof(v->labor)},
	    {ZX_COL_WORK, ch->work, v->work, sizeof(v->work)},
	    {ZX_COL_WORK_MONTHS, ch->work_months, NULL, 0},
	    {ZX_COL_INSURED, ch->insured, NULL, 0},
	    {ZX_COL_PHONE, ch->phone, NULL, 0},
	};
	char old_gender[8];
	set(old_gender, sizeof(old_gender), v->gender);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		zx_template_col col = fields[i].col;
		const char *x = fields[i].x;
		const char *name = zx_template_columns(NULL)[col].name;
		zx_err e = ZX_OK;
		if (!x) {
			if (adding && col <= ZX_COL_GENDER)
				return zx_fail(ei, ZX_EVALIDATION, "missing_value", name, 0, "%s不能为空",
				               name);
			continue;
		}
		if ((e = zx_rule_value(col, x, ei)))
			return e;
		if (fields[i].dst)
			set(fields[i].dst, fields[i].cap, x);
		else if (col == ZX_COL_ID)
			e = apply_id(k, x, adding, me);
		else if (col == ZX_COL_WORK_MONTHS)
			v->work_months = *x ? (int)strtol(x, NULL, 10) : -1;
		else if (col == ZX_COL_INSURED)
			v->insured = tri_of(x);
		else
			e = apply_phone(k, x, me);
		if (e)
			return e;
	}
	if (me->id_changed || strcmp(old_gender, v->gender) != 0) {
		int g = me->id_changed ? me->id_gender : stored_id_gender(k, me->id.enc);
		zx_err e = g ? zx_rule_gender(v->gender, g, ei) : ZX_OK;
		if (e)
			return e;
	}
	return zx_rule_member(v->health, v->disability, ei);
}

/* An ID once per county: looks the blind index up over the whole county, so the error can
 * name the other household even outside the actor's area. */
static zx_err check_unique_id(zx_conn *c, const zx_hh_view *h, const member_edit *me, int64_t self,
                              zx_errinfo *ei)
{
	zx_scope county;
	char code[13];
	snprintf(code, sizeof(code), "%.6s000000", h->village_code);
	zx_scope_of_area(code, &county);
	char county6[7];
	snprintf(county6, sizeof(county6), "%.6s", h->village_code);
	zx_stmt *s;
	zx_err e = zx_query_open(c, &county, ZXQ_person_by_bidx,
	                         ZX_ARGS(ZX_TEXT(county6), ZX_TEXT(me->id.bidx)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row && zx_col_int(s, 0) != self)
		e = zx_fail(ei, ZX_ECONFLICT, "duplicate_id_number", "证件号码", 0,
		            "该证件号码已登记在%s（户编号 %s），同一证件号码在本县只能登记一次",
		            *zx_col_text(s, 4) ? zx_col_text(s, 4) : zx_col_text(s, 3), zx_col_text(s, 2));
	zx_stmt_done(s);
	return e;
}

static const zx_member_view *head_of(const zx_hh_detail *d)
{
	for (int i = 0; i < d->n; i++)
		if (!strcmp(d->m[i].relation, "户主"))
			return &d->m[i];
	return NULL;
}

/* The member (self; 0 = a new one) becomes 户主: the current 户主 takes
 * previous_head_relation and the two swap places (seq). */
static zx_err take_head(zx_conn *c, const zx_actor *a, const zx_hh_detail *d, const zx_member_changes *ch,
                        int64_t self, int *seq, zx_errinfo *ei)
{
	const zx_member_view *head = head_of(d);
	if (!head || head->id == self)
		return ZX_OK;
	const char *prev = ch->previous_head_relation;
	if (!prev || !*prev)
		return zx_fail(ei, ZX_EVALIDATION, "one_head", "与户主关系", 0,
		               "该户已有户主（%s），请同时指定原户主的新关系（previous_head_relation）",
		               head->name);
	zx_err e = zx_rule_value(ZX_COL_RELATION, prev, ei);
	if (!e && !strcmp(prev, "户主"))
		e = zx_fail(ei, ZX_EVALIDATION, "one_head", "与户主关系", 0, "每户只能有一个户主");
	if (!e)
		e = zx_history_record(c, a, d->h.id, head->id, d->h.village_code, "edit", "与户主关系",
		                      "户主", prev);
	if (!e)
		e = zx_exec(c, &a->scope, ZXQ_person_set_relation_seq,
		            ZX_ARGS(ZX_INT(head->id), ZX_TEXT(prev), ZX_INT(*seq)), NULL);
	*seq = head->seq;
	return e;
}

static zx_person_rec rec_of(const zx_member_view *v)
{
	return (zx_person_rec){
	    .name = v->name,
	    .id_number = "",
	    .relation = v->relation,
	    .gender = v->gender,
	    .birth_ymd = v->birth_ymd,
	    .nation = v->nation,
	    .education = v->education,
	    .school = v->school,
	    .health = v->health,
	    .disability = v->disability,
	    .labor = v->labor,
	    .work = v->work,
	    .work_months = v->work_months,
	    .insured = v->insured,
	    .phone = "",
	};
}

/* Rewrites every column of the member (its 证件号码 and 联系电话 as sealed in me). */
static zx_err write_member(zx_conn *c, const zx_actor *a, const member_edit *me)
{
	const zx_member_view *v = &me->v;
	int64_t changes = 0;
	zx_err e = zx_exec(c, &a->scope, ZXQ_person_row_update,
	                   ZX_ARGS(ZX_INT(v->id), ZX_INT(v->seq), ZX_TEXT(v->name), ZX_TEXT(me->id.enc),
	                           ZX_TEXT(me->id.bidx), ZX_TEXT(me->id.masked), ZX_TEXT(v->relation),
	                           ZX_TEXT(v->gender), ZX_INT(v->birth_ymd), ZX_TEXT(v->nation),
	                           ZX_TEXT(v->education), ZX_TEXT(v->school), ZX_TEXT(v->health),
	                           ZX_TEXT(v->disability), ZX_TEXT(v->labor), ZX_TEXT(v->work),
	                           v->work_months >= 0 ? ZX_INT(v->work_months) : ZX_NULLV,
	                           tri_val(v->insured), ZX_TEXT(me->phone.enc), ZX_TEXT(me->phone.masked)),
	                   &changes);
	return e ? e : changes == 1 ? ZX_OK : ZX_ENOTFOUND;
}

static void months_str(int m, char out[12])
{
	out[0] = '\0';
	if (m >= 0 && m <= 99)
		snprintf(out, 12, "%d", m);
}

/* History rows for every changed member field; *n counts them, detail names them. */
static zx_err member_history(zx_conn *c, const zx_actor *a, const zx_hh_view *h, const zx_member_view *o,
                             const member_edit *me, int *n, char *detail, size_t cap)
{
	const zx_member_view *v = &me->v;
	char om[12], nm[12];
	months_str(o->work_months, om);
	months_str(v->work_months, nm);
	const struct {
		const char *field, *old, *new_;
		bool changed;
	} diff[] = {
	    {"姓名", o->name, v->name, strcmp(o->name, v->name) != 0},
	    {"证件号码", o->id_masked, me->id_norm, me->id_changed},
	    {"与户主关系", o->relation, v->relation, strcmp(o->relation, v->relation) != 0},
	    {"性别", o->gender, v->gender, strcmp(o->gender, v->gender) != 0},
	    {"民族", o->nation, v->nation, strcmp(o->nation, v->nation) != 0},
	    {"文化程度", o->education, v->education, strcmp(o->education, v->education) != 0},
	    {"在校生情况", o->school, v->school, strcmp(o->school, v->school) != 0},
	    {"健康状况", o->health, v->health, strcmp(o->health, v->health) != 0},
	    {"残疾等级", o->disability, v->disability, strcmp(o->disability, v->disability) != 0},
	    {"劳动技能", o->labor, v->labor, strcmp(o->labor, v->labor) != 0},
	    {"务工状况", o->work, v->work, strcmp(o->work, v->work) != 0},
	    {"务工时间(月)", om, nm, strcmp(om, nm) != 0},
	    {"医保参保", zx_yes_no(o->insured), zx_yes_no(v->insured), o->insured != v->insured},
	    {"联系电话", o->phone_masked, me->phone_plain, me->phone_changed},
	};
	zx_err e = ZX_OK;
	for (size_t i = 0; !e && i < sizeof(diff) / sizeof(diff[0]); i++) {
		if (!diff[i].changed)
			continue;
		(*n)++;
		note(detail, cap, diff[i].field);
		e = zx_history_record(c, a, h->id, v->id, h->village_code, "edit", diff[i].field, diff[i].old,
		                      diff[i].new_);
	}
	return e;
}

/* Frees an edit, wiping the plaintext it held. */
static void member_edit_free(member_edit *me)
{
	if (me)
		memset(me, 0, sizeof(*me));
	free(me);
}

zx_err zx_member_edit(zx_conn *c, const zx_actor *a, const zx_keys *k, const char *hh_no, int64_t person_id,
                      const zx_member_changes *ch, int *changed, zx_errinfo *ei)
{
	if (changed)
		*changed = 0;
	zx_hh_detail d;
	zx_err e = begin(c, a, hh_no, &d, ei);
	if (e) {
		zx_hh_detail_release(&d);
		return e;
	}
	member_edit *me = calloc(1, sizeof(*me));
	const zx_member_view *o = zx_hh_detail_member(&d, person_id);
	char detail[512] = "", msg[600];
	int n = 0;
	if (!me)
		e = ZX_ENOMEM;
	else if (!o)
		e = zx_fail(ei, ZX_ENOTFOUND, "person_not_found", NULL, 0, "该户没有这名成员");
	if (!e) {
		me->v = *o;
		e = read_sealed(c, a, o, me);
	}
	if (!e)
		e = apply_member(k, ch, false, me, ei);
	bool was_head = !e && !strcmp(o->relation, "户主"), is_head = !e && !strcmp(me->v.relation, "户主");
	if (!e && was_head && !is_head)
		e = zx_fail(ei, ZX_EVALIDATION, "one_head", "与户主关系", 0,
		            "每户须有一个户主：请把另一名成员设为户主，本人的关系随之修改");
	if (!e && me->id_changed)
		e = check_unique_id(c, &d.h, me, person_id, ei);
	if (!e && is_head && !was_head)
		e = take_head(c, a, &d, ch, person_id, &me->v.seq, ei);
	if (!e)
		e = member_history(c, a, &d.h, o, me, &n, detail, sizeof(detail));
	if (!e && n == 0) {
		zx_tx_rollback(c); /* nothing changed: nothing to write or audit */
		goto out;
	}
	if (!e)
		e = write_member(c, a, me);
	if (!e && is_head)
		set(d.h.head_name, sizeof(d.h.head_name), me->v.name);
	if (!e)
		e = write_household(c, a, &d.h);
	snprintf(msg, sizeof(msg), "修改成员信息（成员 %lld）: %s", (long long)person_id, detail);
	e = finish(c, a, e, "person.update", d.h.hh_no, msg);
	if (!e && changed)
		*changed = n;
out:
	if (e)
		zx_tx_rollback(c);
	member_edit_free(me);
	zx_hh_detail_release(&d);
	return e;
}

/* "姓名 5107**********1234": how history names a whole member. */
static void member_label(const zx_member_view *m, char *out, size_t cap)
{
	snprintf(out, cap, "%s %s", m->name, m->id_masked);
}

static int next_seq(const zx_hh_detail *d)
{
	int seq = 1;
	for (int i = 0; i < d->n; i++)
		if (d->m[i].seq >= seq)
			seq = d->m[i].seq + 1;
	return seq;
}

zx_err zx_member_add(zx_conn *c, const zx_actor *a, const zx_keys *k, const char *hh_no,
                     const zx_member_changes *ch, int64_t *person_id, zx_errinfo *ei)
{
	zx_hh_detail d;
	zx_err e = begin(c, a, hh_no, &d, ei);
	if (e) {
		zx_hh_detail_release(&d);
		return e;
	}
	member_edit *me = calloc(1, sizeof(*me));
	int64_t id = 0;
	char label[400], msg[128];
	if (!me)
		e = ZX_ENOMEM;
	else if (d.n >= ZX_HH_MAX_MEMBERS)
		e = zx_fail(ei, ZX_EVALIDATION, "too_many_members", NULL, 0, "每户最多 %d 名成员",
		            ZX_HH_MAX_MEMBERS);
	if (!e) {
		me->v.work_months = -1;
		me->v.insured = -1;
		me->v.seq = next_seq(&d);
		e = apply_member(k, ch, true, me, ei);
	}
	bool is_head = !e && !strcmp(me->v.relation, "户主");
	if (!e)
		e = check_unique_id(c, &d.h, me, 0, ei);
	if (!e && is_head)
		e = take_head(c, a, &d, ch, 0, &me->v.seq, ei);
	if (!e) {
		zx_person_rec r = rec_of(&me->v);
		char county[7];
		snprintf(county, sizeof(county), "%.6s", d.h.village_code);
		e = zx_person_insert(c, county, d.h.id, d.h.village_code, me->v.seq, &r, &me->id, &me->phone,
		                     &id);
	}
	if (!e) {
		member_label(&me->v, label, sizeof(label));
		e = zx_history_record(c, a, d.h.id, id, d.h.village_code, "edit", ZX_HISTORY_MEMBER_ADDED, "",
		                      label);
	}
	if (!e) {
		d.h.size = d.n + 1;
		if (is_head)
			set(d.h.head_name, sizeof(d.h.head_name), me->v.name);
		e = write_household(c, a, &d.h);
	}
	snprintf(msg, sizeof(msg), "新增成员（成员 %lld）", (long long)id);
	e = finish(c, a, e, "person.add", d.h.hh_no, msg);
	if (!e && person_id)
		*person_id = id;
	member_edit_free(me);
	zx_hh_detail_release(&d);
	return e;
}

zx_err zx_member_remove(zx_conn *c, const zx_actor *a, const char *hh_no, int64_t person_id, zx_errinfo *ei)
{
	zx_hh_detail d;
	zx_err e = begin(c, a, hh_no, &d, ei);
	if (e) {
		zx_hh_detail_release(&d);
		return e;
	}
	const zx_member_view *m = zx_hh_detail_member(&d, person_id);
	char label[400] = "", msg[128];
	if (!m)
		e = zx_fail(ei, ZX_ENOTFOUND, "person_not_found", NULL, 0, "该户没有这名成员");
	else if (!strcmp(m->relation, "户主"))
		e = zx_fail(ei, ZX_EVALIDATION, "cannot_remove_head", "与户主关系", 0,
		            "不能移除户主：请先把另一名成员设为户主");
	if (!e) {
		member_label(m, label, sizeof(label));
		e = zx_history_record(c, a, d.h.id, person_id, d.h.village_code, "edit",
		                      ZX_HISTORY_MEMBER_REMOVED, label, "");
	}
	if (!e)
		e = zx_exec(c, &a->scope, ZXQ_person_row_delete, ZX_ARGS(ZX_INT(person_id)), NULL);
	if (!e) {
		d.h.size = d.n - 1;
		e = write_household(c, a, &d.h);
	}
	snprintf(msg, sizeof(msg), "移除成员（成员 %lld）", (long long)person_id);
	e = finish(c, a, e, "person.remove", d.h.hh_no, msg);
	zx_hh_detail_release(&d);
	return e;
}
