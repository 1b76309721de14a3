/*
 * test_registry_edit.c — hand edits (domain/registry/edit.c) and the value rules they share
 * with the importer (rules.c): each rule refuses with the field named and writes nothing;
 * an accepted change writes one history row per changed field and one audit row in the
 * same transaction; 户主 handover, member add/remove, ID changes through the blind index,
 * roles and scope.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/registry/edit.h"
#include "domain/registry/history.h"
#include "domain/registry/query.h"
#include "domain/registry/rules.h"
#include "registry_fixture.h"

#define A1 ZXT_VILLAGE_A1
#define A2 ZXT_VILLAGE_A2
#define B1 ZXT_VILLAGE_B1
#define HH A1 "0001"

typedef struct fix fix;
static zx_hh_detail last_detail; /* the newest detail(); released by teardown */
struct fix {
	zxt_db d;
	zx_actor admin, clerk;
	int64_t hh_id;
};

static int setup(void **state)
{
	fix *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	zxt_db_open(&f->d, 0);
	zxt_load_county(&f->d);
	f->hh_id = rf_insert(&f->d, &(rf_hh){.village = A1,
	                                     .hh_no = HH,
	                                     .n = 3,
	                                     .names = {"李一", "王二", "李三"},
	                                     .ids = {101, 102, 103},
	                                     .phones = {"13812345678"}});
	rf_insert(&f->d,
	          &(rf_hh){.village = B1, .hh_no = B1 "0001", .n = 1, .names = {"周五"}, .ids = {201}});
	zxt_actor(&f->admin, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	zxt_actor(&f->clerk, ZX_ROLE_VILLAGE_CLERK, A1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fix *f = *state;
	zx_hh_detail_release(&last_detail);
	zxt_db_close(&f->d);
	free(f);
	return 0;
}

typedef struct hist {
	int n;
	char field[16][32];
	char old_value[16][64];
	char new_value[16][64];
	int64_t person[16];
} hist;

static bool add_hist(void *ctx, const zx_history_entry *e)
{
	hist *h = ctx;
	if (h->n < 16) {
		snprintf(h->field[h->n], 32, "%s", e->field);
		snprintf(h->old_value[h->n], 64, "%s", e->old_value);
		snprintf(h->new_value[h->n], 64, "%s", e->new_value);
		h->person[h->n] = e->person_id;
		h->n++;
	}
	return true;
}

/* History of the test household, oldest first. */
static hist history(fix *f)
{
	hist h = {0}, r = {0};
	assert_int_equal(zx_history_list(f->d.c, &f->admin, f->hh_id, 0, 16, add_hist, &h), ZX_OK);
	r.n = h.n;
	for (int i = 0; i < h.n; i++) {
		memcpy(r.field[i], h.field[h.n - 1 - i], 32);
		memcpy(r.old_value[i], h.old_value[h.n - 1 - i], 64);
		memcpy(r.new_value[i], h.new_value[h.n - 1 - i], 64);
		r.person[i] = h.person[h.n - 1 - i];
	}
	return r;
}

static zx_hh_detail *detail(fix *f, const char *hh_no)
{
	zx_hh_detail_release(&last_detail);
	assert_int_equal(zx_household_get(f->d.c, &f->admin, hh_no, &last_detail, NULL), ZX_OK);
	return &last_detail;
}

static int64_t member_id(fix *f, int i)
{
	return detail(f, HH)->m[i].id;
}

/* The list total of an area (optionally of one 户类型). */
static int64_t area_total(fix *f, const char *area, const char *type)
{
	zx_hh_filter flt = {.area = area, .hh_type = type};
	zx_hh_count n;
	assert_int_equal(
	    zx_household_search(f->d.c, &f->admin, zxt_keys(), &flt, 10, 0, NULL, NULL, &n, NULL), ZX_OK);
	assert_true(n.total_exact);
	return n.total;
}

/* Expects a refusal naming field, and that nothing (history, audit) was written. */
static void refused(fix *f, zx_err got, const zx_errinfo *ei, zx_err want, const char *field)
{
	assert_int_equal(got, want);
	if (field)
		assert_string_equal(ei->field, field);
	assert_true(ei->message[0] != '\0');
	assert_int_equal(history(f).n, 0);
	assert_false(zx_tx_active(f->d.c));
}

static zx_err update_hh(fix *f, const zx_actor *a, zx_hh_changes ch, zx_errinfo *ei)
{
	zx_errinfo_clear(ei);
	int changed;
	return zx_household_edit(f->d.c, a, HH, &ch, &changed, ei);
}

static zx_err update_member(fix *f, const zx_actor *a, int i, zx_member_changes ch, zx_errinfo *ei)
{
	zx_errinfo_clear(ei);
	int64_t id = member_id(f, i);
	return zx_member_edit(f->d.c, a, zxt_keys(), HH, id, &ch, NULL, ei);
}

/* ---- household fields ---- */

static void test_household_edit_writes_a_history_row_per_field_and_one_audit_row(void **state)
{
	fix *f = *state;
	int64_t audits = rf_count_audit(&f->d, "household.update");
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	int changed = 0;
	zx_hh_changes ch = {.group = "3组", .housing_safe = "否", .helper = "赵干部", .hh_type = "一般农户"};
	assert_int_equal(zx_household_edit(f->d.c, &f->clerk, HH, &ch, &changed, &ei), ZX_OK);
	assert_int_equal(changed, 3); /* 户类型 was already 一般农户 */
	hist h = history(f);
	assert_int_equal(h.n, 3);
	assert_string_equal(h.field[0], "组");
	assert_string_equal(h.old_value[0], "1组");
	assert_string_equal(h.new_value[0], "3组");
	assert_string_equal(h.field[1], "住房安全");
	assert_string_equal(h.old_value[1], "是");
	assert_string_equal(h.new_value[1], "否");
	assert_string_equal(h.field[2], "帮扶责任人");
	assert_int_equal(h.person[2], 0);
	assert_int_equal(rf_count_audit(&f->d, "household.update"), audits + 1);
	zx_hh_detail *d = detail(f, HH);
	assert_string_equal(d->h.group, "3组");
	assert_int_equal(d->h.housing_safe, 0);
	assert_string_equal(d->h.helper, "赵干部");
	/* The same values again: nothing to write, nothing audited. */
	assert_int_equal(zx_household_edit(f->d.c, &f->clerk, HH, &ch, &changed, &ei), ZX_OK);
	assert_int_equal(changed, 0);
	assert_int_equal(history(f).n, 3);
	assert_int_equal(rf_count_audit(&f->d, "household.update"), audits + 1);
}

static void test_household_values_outside_the_template_lists_are_refused(void **state)
{
	fix *f = *state;
	zx_errinfo ei;
	refused(f, update_hh(f, &f->admin, (zx_hh_changes){.hh_type = "贫困户"}, &ei), &ei, ZX_EVALIDATION,
	        "户类型");
	refused(f, update_hh(f, &f->admin, (zx_hh_changes){.hh_type = ""}, &ei), &ei, ZX_EVALIDATION,
	        "户类型");
	refused(f, update_hh(f, &f->admin, (zx_hh_changes){.water_safe = "有"}, &ei), &ei, ZX_EVALIDATION,
	        "饮水安全");
	refused(f, update_hh(f, &f->admin, (zx_hh_changes){.risk_type = "因懒"}, &ei), &ei, ZX_EVALIDATION,
	        "风险类型");
	refused(f, update_hh(f, &f->admin, (zx_hh_changes){.group = "一二三四五六七八九十一"}, &ei), &ei,
	        ZX_EVALIDATION, "组");
	/* A valid change together with an invalid one: neither is written. */
	refused(f, update_hh(f, &f->admin, (zx_hh_changes){.group = "2组", .category = "低保户"}, &ei), &ei,
	        ZX_EVALIDATION, "监测对象类别");
	assert_string_equal(detail(f, HH)->h.group, "1组");
}

static void test_tuopin_buwending_and_tuopin_year_only_for_tuopin_households(void **state)
{
	fix *f = *state;
	zx_errinfo ei;
	refused(f, update_hh(f, &f->admin, (zx_hh_changes){.category = "脱贫不稳定户"}, &ei), &ei,
	        ZX_EVALIDATION, "监测对象类别");
	refused(f, update_hh(f, &f->admin, (zx_hh_changes){.tuopin_year = "2016"}, &ei), &ei, ZX_EVALIDATION,
	        "脱贫年度");
	refused(f, update_hh(f, &f->admin, (zx_hh_changes){.hh_type = "脱贫户", .tuopin_year = "2021"}, &ei),
	        &ei, ZX_EVALIDATION, "脱贫年度");
	assert_int_equal(
	    update_hh(f, &f->admin,
	              (zx_hh_changes){.hh_type = "脱贫户", .category = "脱贫不稳定户", .tuopin_year = "2016"},
	              &ei),
	    ZX_OK);
	zx_hh_detail *d = detail(f, HH);
	assert_int_equal(d->h.tuopin_year, 2016);
	assert_string_equal(d->h.category, "脱贫不稳定户");
	/* Back to 一般农户 while still 脱贫不稳定户: refused. */
	assert_int_equal(update_hh(f, &f->admin, (zx_hh_changes){.hh_type = "一般农户"}, &ei),
	                 ZX_EVALIDATION);
	assert_string_equal(ei.field, "监测对象类别");
}

static void test_moving_to_another_village_moves_members_and_stays_in_scope(void **state)
{
	fix *f = *state;
	zx_errinfo ei;
	/* The clerk of A1 cannot move a household out of the village. */
	refused(f, update_hh(f, &f->clerk, (zx_hh_changes){.village_code = A2}, &ei), &ei, ZX_EVALIDATION,
	        "行政区划代码");
	refused(f, update_hh(f, &f->admin, (zx_hh_changes){.village_code = "510722101999"}, &ei), &ei,
	        ZX_EVALIDATION, "行政区划代码");
	refused(f, update_hh(f, &f->admin, (zx_hh_changes){.village_code = ZXT_TOWN_A}, &ei), &ei,
	        ZX_EVALIDATION, "行政区划代码");
	assert_int_equal(area_total(f, A1, NULL), 1);
	assert_int_equal(area_total(f, A2, NULL), 0);
	assert_int_equal(
	    update_hh(f, &f->admin, (zx_hh_changes){.village_code = A2, .hh_type = "脱贫户"}, &ei), ZX_OK);
	/* The list totals (kept by triggers) follow the move and the type change. */
	assert_int_equal(area_total(f, A1, NULL), 0);
	assert_int_equal(area_total(f, A2, NULL), 1);
	assert_int_equal(area_total(f, A2, "一般农户"), 0);
	assert_int_equal(area_total(f, A2, "脱贫户"), 1);
	assert_int_equal(area_total(f, ZXT_TOWN_A, "脱贫户"), 1);
	/* Now the A1 clerk does not see it, an A2 clerk sees it with its members. */
	zx_hh_detail d;
	assert_int_equal(zx_household_get(f->d.c, &f->clerk, HH, &d, NULL), ZX_ENOTFOUND);
	zx_hh_detail_release(&d);
	zx_actor a2;
	zxt_actor(&a2, ZX_ROLE_VILLAGE_CLERK, A2);
	assert_int_equal(zx_household_get(f->d.c, &a2, HH, &d, NULL), ZX_OK);
	assert_int_equal(d.n, 3);
	zx_hh_detail_release(&d);
}

/* ---- roles and scope ---- */

static void test_only_admins_and_the_village_clerk_edit_and_only_inside_scope(void **state)
{
	fix *f = *state;
	zx_errinfo ei;
	zx_actor helper, dept, audit, other;
	zxt_actor(&helper, ZX_ROLE_HELPER, A1);
	zxt_actor(&dept, ZX_ROLE_DEPT_USER, ZXT_COUNTY12);
	zxt_actor(&audit, ZX_ROLE_AUDIT_ADMIN, ZXT_COUNTY12);
	zxt_actor(&other, ZX_ROLE_VILLAGE_CLERK, B1);
	refused(f, update_hh(f, &helper, (zx_hh_changes){.group = "2组"}, &ei), &ei, ZX_EFORBIDDEN, NULL);
	refused(f, update_hh(f, &dept, (zx_hh_changes){.group = "2组"}, &ei), &ei, ZX_EFORBIDDEN, NULL);
	refused(f, update_hh(f, &audit, (zx_hh_changes){.group = "2组"}, &ei), &ei, ZX_EFORBIDDEN, NULL);
	refused(f, update_hh(f, &other, (zx_hh_changes){.group = "2组"}, &ei), &ei, ZX_ENOTFOUND, NULL);
	refused(f, update_member(f, &other, 1, (zx_member_changes){.nation = "回族"}, &ei), &ei, ZX_ENOTFOUND,
	        NULL);
	zx_errinfo_clear(&ei);
	refused(f, zx_member_remove(f->d.c, &other, HH, member_id(f, 2), &ei), &ei, ZX_ENOTFOUND, NULL);
	assert_true(zx_registry_may_edit(ZX_ROLE_TOWN_ADMIN));
	assert_false(zx_registry_may_edit(ZX_ROLE_HELPER));
}

/* ---- member fields ---- */

static void test_member_rules_name_the_field_and_write_nothing(void **state)
{
	fix *f = *state;
	zx_errinfo ei;
	char bad[19];
	rf_id(150, bad);
	bad[17] = bad[17] == '1' ? '2' : '1';
	refused(f, update_member(f, &f->admin, 1, (zx_member_changes){.id_number = bad}, &ei), &ei,
	        ZX_EVALIDATION, "证件号码");
	assert_string_equal(ei.code, "invalid_id_number");
	refused(f,
	        update_member(f, &f->admin, 1, (zx_member_changes){.id_number = "51072230000101001X"}, &ei),
	        &ei, ZX_EVALIDATION, "证件号码");
	refused(f, update_member(f, &f->admin, 1, (zx_member_changes){.relation = "邻居"}, &ei), &ei,
	        ZX_EVALIDATION, "与户主关系");
	refused(f, update_member(f, &f->admin, 1, (zx_member_changes){.name = ""}, &ei), &ei, ZX_EVALIDATION,
	        "姓名");
	refused(f, update_member(f, &f->admin, 1, (zx_member_changes){.phone = "12345"}, &ei), &ei,
	        ZX_EVALIDATION, "联系电话");
	refused(f, update_member(f, &f->admin, 1, (zx_member_changes){.work_months = "13"}, &ei), &ei,
	        ZX_EVALIDATION, "务工时间(月)");
	refused(f, update_member(f, &f->admin, 1, (zx_member_changes){.disability = "二级"}, &ei), &ei,
	        ZX_EVALIDATION, "残疾等级");
	refused(f, update_member(f, &f->admin, 1, (zx_member_changes){.school = "大学"}, &ei), &ei,
	        ZX_EVALIDATION, "在校生情况");
	/* 王二 (serial 102, even) is a woman: 男 contradicts the ID. */
	refused(f, update_member(f, &f->admin, 1, (zx_member_changes){.gender = "男"}, &ei), &ei,
	        ZX_EVALIDATION, "性别");
	/* A new ID of a man without changing 性别 女: refused on 性别. */
	char man[19];
	rf_id(151, man);
	refused(f, update_member(f, &f->admin, 1, (zx_member_changes){.id_number = man}, &ei), &ei,
	        ZX_EVALIDATION, "性别");
	/* 残疾 with a 等级 is fine. */
	assert_int_equal(
	    update_member(f, &f->admin, 1, (zx_member_changes){.health = "残疾", .disability = "二级"}, &ei),
	    ZX_OK);
}

static void test_an_id_registered_elsewhere_in_the_county_is_a_conflict_naming_it(void **state)
{
	fix *f = *state;
	zx_errinfo ei;
	char taken[19];
	rf_id(201, taken); /* 周五 in B1, outside the clerk's village */
	refused(f, update_member(f, &f->clerk, 2, (zx_member_changes){.id_number = taken}, &ei), &ei,
	        ZX_ECONFLICT, "证件号码");
	assert_non_null(strstr(ei.message, B1 "0001"));
	/* Its own ID again is no change at all. */
	char own[19];
	rf_id(103, own);
	assert_int_equal(update_member(f, &f->clerk, 2, (zx_member_changes){.id_number = own}, &ei), ZX_OK);
	assert_int_equal(history(f).n, 0);
}

static void test_id_and_phone_changes_are_sealed_searchable_and_masked_in_history(void **state)
{
	fix *f = *state;
	zx_errinfo ei;
	char id[19];
	rf_id(303, id); /* odd: 男, like 李三 (103) */
	int64_t pid = member_id(f, 2);
	assert_int_equal(update_member(f, &f->clerk, 2,
	                               (zx_member_changes){.id_number = id, .phone = "0816-5212345"}, &ei),
	                 ZX_OK);
	hist h = history(f);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.field[0], "证件号码");
	assert_null(strstr(h.new_value[0], id + 6)); /* never the plaintext */
	assert_memory_equal(h.new_value[0], "5107**********", 14);
	assert_string_equal(h.field[1], "联系电话");
	assert_string_equal(h.old_value[1], "");
	assert_null(strstr(h.new_value[1], "5212345"));
	assert_int_equal(h.person[1], pid);
	/* The new ID finds the household, the old one does not; unmasking shows the new values. */
	zx_hh_filter flt = {.q = id};
	zx_hh_count n;
	assert_int_equal(
	    zx_household_search(f->d.c, &f->admin, zxt_keys(), &flt, 10, 0, NULL, NULL, &n, NULL), ZX_OK);
	assert_int_equal(n.total, 1);
	char old[19];
	rf_id(103, old);
	flt.q = old;
	assert_int_equal(
	    zx_household_search(f->d.c, &f->admin, zxt_keys(), &flt, 10, 0, NULL, NULL, &n, NULL), ZX_OK);
	assert_int_equal(n.total, 0);
	char idn[64], phone[64];
	assert_int_equal(
	    zx_person_unmask(f->d.c, &f->admin, zxt_keys(), pid, idn, sizeof idn, phone, sizeof phone, NULL),
	    ZX_OK);
	assert_string_equal(idn, id);
	assert_string_equal(phone, "0816-5212345");
	/* The birth date follows the ID. */
	assert_int_equal(detail(f, HH)->m[2].birth_ymd, 19800101);
}

static void test_a_new_head_needs_the_old_heads_new_relation_and_swaps_places(void **state)
{
	fix *f = *state;
	zx_errinfo ei;
	/* The 户主 cannot simply stop being 户主, nor can a second one appear. */
	refused(f, update_member(f, &f->admin, 0, (zx_member_changes){.relation = "配偶"}, &ei), &ei,
	        ZX_EVALIDATION, "与户主关系");
	refused(f, update_member(f, &f->admin, 2, (zx_member_changes){.relation = "户主"}, &ei), &ei,
	        ZX_EVALIDATION, "与户主关系");
	refused(f,
	        update_member(f, &f->admin, 2,
	                      (zx_member_changes){.relation = "户主", .previous_head_relation = "户主"}, &ei),
	        &ei, ZX_EVALIDATION, "与户主关系");
	int64_t old_head = member_id(f, 0), new_head = member_id(f, 2);
	assert_int_equal(
	    update_member(f, &f->admin, 2,
	                  (zx_member_changes){.relation = "户主", .previous_head_relation = "之父"}, &ei),
	    ZX_OK);
	zx_hh_detail *d = detail(f, HH);
	assert_int_equal(d->m[0].id, new_head);
	assert_string_equal(d->m[0].relation, "户主");
	assert_string_equal(d->h.head_name, "李三");
	const zx_member_view *o = zx_hh_detail_member(d, old_head);
	assert_string_equal(o->relation, "之父");
	hist h = history(f);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.person[0], old_head);
	assert_string_equal(h.new_value[0], "之父");
	assert_int_equal(h.person[1], new_head);
	assert_string_equal(h.new_value[1], "户主");
	/* The list shows the new head's name and masked ID. */
	char id[19];
	rf_id(103, id);
	zx_hh_filter flt = {.q = HH};
	zx_hh_count n;
	assert_int_equal(
	    zx_household_search(f->d.c, &f->admin, zxt_keys(), &flt, 10, 0, NULL, NULL, &n, NULL), ZX_OK);
	assert_int_equal(n.total, 1);
}

static void test_adding_and_removing_members_keeps_size_and_history(void **state)
{
	fix *f = *state;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	char id[19];
	rf_id(160, id); /* even: 女 */
	int64_t pid = 0;
	zx_member_changes add = {.name = "李四", .relation = "之女", .gender = "男", .id_number = id};
	assert_int_equal(zx_member_add(f->d.c, &f->clerk, zxt_keys(), HH, &add, &pid, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.field, "性别");
	add.gender = "女";
	add.name = NULL;
	assert_int_equal(zx_member_add(f->d.c, &f->clerk, zxt_keys(), HH, &add, &pid, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.field, "姓名");
	add.name = "李四";
	assert_int_equal(zx_member_add(f->d.c, &f->clerk, zxt_keys(), HH, &add, &pid, &ei), ZX_OK);
	assert_true(pid > 0);
	zx_hh_detail *d = detail(f, HH);
	assert_int_equal(d->h.size, 4);
	assert_int_equal(d->n, 4);
	assert_string_equal(d->m[3].name, "李四");
	/* The same ID twice: conflict. */
	add.name = "李五";
	assert_int_equal(zx_member_add(f->d.c, &f->clerk, zxt_keys(), HH, &add, NULL, &ei), ZX_ECONFLICT);
	/* The 户主 cannot be removed; another member can. */
	assert_int_equal(zx_member_remove(f->d.c, &f->clerk, HH, member_id(f, 0), &ei), ZX_EVALIDATION);
	assert_int_equal(zx_member_remove(f->d.c, &f->clerk, HH, pid, &ei), ZX_OK);
	assert_int_equal(detail(f, HH)->h.size, 3);
	/* Members come and go; the household count of the village stays. */
	assert_int_equal(area_total(f, A1, NULL), 1);
	hist h = history(f);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.field[0], ZX_HISTORY_MEMBER_ADDED);
	assert_non_null(strstr(h.new_value[0], "李四"));
	assert_null(strstr(h.new_value[0], id + 6));
	assert_string_equal(h.field[1], ZX_HISTORY_MEMBER_REMOVED);
	assert_int_equal(rf_count_audit(&f->d, "person.add"), 1);
	assert_int_equal(rf_count_audit(&f->d, "person.remove"), 1);
}

static void test_rules_phone_and_values(void **state)
{
	(void)state;
	zx_errinfo ei;
	const char *good[] = {
	    "", "13812345678", "19912345678", "0816-5212345", "08165212345", "010-12345678"};
	const char *bad[] = {"12812345678", "1381234567", "138123456789",
	                     "816-5212345", "0816-52123", "0816_5212345"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(zx_rule_phone(good[i], &ei), ZX_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		zx_errinfo_clear(&ei);
		assert_int_equal(zx_rule_phone(bad[i], &ei), ZX_EVALIDATION);
		assert_string_equal(ei.field, "联系电话");
	}
	assert_int_equal(zx_rule_value(ZX_COL_TUOPIN_YEAR, "2013", &ei), ZX_OK);
	assert_int_equal(zx_rule_value(ZX_COL_TUOPIN_YEAR, "2012", &ei), ZX_EVALIDATION);
	assert_int_equal(zx_rule_value(ZX_COL_WORK_MONTHS, "0", &ei), ZX_OK);
	assert_int_equal(zx_rule_value(ZX_COL_WORK_MONTHS, "-1", &ei), ZX_EVALIDATION);
	assert_int_equal(zx_rule_value(ZX_COL_NAME, "张\n三", &ei), ZX_EVALIDATION);
	assert_int_equal(zx_rule_value(ZX_COL_CATEGORY, "", &ei), ZX_OK);
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_rule_value(ZX_COL_GENDER, "M", &ei), ZX_EVALIDATION);
	assert_non_null(strstr(ei.message, "男、女"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_household_edit_writes_a_history_row_per_field_and_one_audit_row),
	    T(test_household_values_outside_the_template_lists_are_refused),
	    T(test_tuopin_buwending_and_tuopin_year_only_for_tuopin_households),
	    T(test_moving_to_another_village_moves_members_and_stays_in_scope),
	    T(test_only_admins_and_the_village_clerk_edit_and_only_inside_scope),
	    T(test_member_rules_name_the_field_and_write_nothing),
	    T(test_an_id_registered_elsewhere_in_the_county_is_a_conflict_naming_it),
	    T(test_id_and_phone_changes_are_sealed_searchable_and_masked_in_history),
	    T(test_a_new_head_needs_the_old_heads_new_relation_and_swaps_places),
	    T(test_adding_and_removing_members_keeps_size_and_history),
	    cmocka_unit_test(test_rules_phone_and_values),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
