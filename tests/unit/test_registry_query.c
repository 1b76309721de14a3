/*
 * test_registry_query.c — reading the registry (domain/registry/query.c): the list of an
 * area and its filters, search by 证件号码 (blind index), 户编号 prefix and 姓名 prefix in
 * Chinese collation order, scope (a village clerk sees only the village; an area outside
 * the scope is refused, a household outside it does not exist), one household with its
 * derived facts, and the audited unmasking.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/registry/query.h"
#include "registry_fixture.h"

/* A1 and A2 are villages of town A, B1 of town B. */
#define A1 ZXT_VILLAGE_A1
#define A2 ZXT_VILLAGE_A2
#define B1 ZXT_VILLAGE_B1

typedef struct page_rows {
	int n;
	char hh_no[64][32];
	char head[64][64];
	char head_id[64][24];
	char village[64][16];
	char village_name[64][128];
	char town_name[64][64];
	int size[64];
} page_rows;

static bool collect(void *ctx, const zx_hh_summary *h)
{
	page_rows *r = ctx;
	if (r->n < 64) {
		snprintf(r->hh_no[r->n], 32, "%s", h->hh_no);
		snprintf(r->head[r->n], 64, "%s", h->head_name);
		snprintf(r->head_id[r->n], 24, "%s", h->head_id_masked);
		snprintf(r->village[r->n], 16, "%s", h->village_code);
		snprintf(r->village_name[r->n], 128, "%s", h->village_name);
		snprintf(r->town_name[r->n], 64, "%s", h->town_name);
		r->size[r->n] = h->size;
		r->n++;
	}
	return true;
}

/* Runs a search; returns the error and fills rows and count. */
static zx_err search(zxt_db *d, const zx_actor *a, zx_hh_filter f, int64_t limit, int64_t offset,
                     page_rows *r, zx_hh_count *count)
{
	memset(r, 0, sizeof(*r));
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	return zx_household_search(d->c, a, zxt_keys(), &f, limit, offset, collect, r, count, &ei);
}

/* The registry every test starts from: 6 households in A1, 2 in A2, 2 in B1. */
static int setup(void **state)
{
	zxt_db *d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	zxt_db_open(d, 0);
	zxt_load_county(d);
	rf_hh hs[] = {
	    {.village = A1,
	     .hh_no = A1 "0001",
	     .group = "1组",
	     .n = 3,
	     .names = {"李陈", "王芳", "李小"},
	     .ids = {101, 102, 103}},
	    {.village = A1,
	     .hh_no = A1 "0002",
	     .hh_type = "脱贫户",
	     .category = "脱贫不稳定户",
	     .group = "2组",
	     .tuopin_year = 2016,
	     .helper = "赵干部",
	     .n = 2,
	     .names = {"李阿", "刘红"},
	     .ids = {104, 106}},
	    {.village = A1,
	     .hh_no = A1 "0003",
	     .hh_type = "脱贫户",
	     .group = "2组",
	     .tuopin_year = 2018,
	     .n = 1,
	     .names = {"李白"},
	     .ids = {107}},
	    {.village = A1,
	     .hh_no = A1 "0004",
	     .category = "边缘易致贫户",
	     .group = "1组",
	     .n = 2,
	     .names = {"张三", "李雷"},
	     .ids = {109, 111}},
	    {.village = A1,
	     .hh_no = A1 "0005",
	     .group = "3组",
	     .n = 2,
	     .names = {"阿依", "李李"},
	     .ids = {113, 115}},
	    {.village = A1, .hh_no = A1 "0006", .group = "1组", .n = 1, .names = {"欧阳明"}, .ids = {117}},
	    {.village = A2, .hh_no = A2 "0001", .group = "1组", .n = 1, .names = {"李成"}, .ids = {119}},
	    {.village = A2, .hh_no = A2 "0002", .group = "1组", .n = 1, .names = {"白云"}, .ids = {121}},
	    {.village = B1,
	     .hh_no = B1 "0001",
	     .group = "1组",
	     .n = 2,
	     .names = {"李波", "陈静"},
	     .ids = {123, 125}},
	    {.village = B1,
	     .hh_no = B1 "0002",
	     .hh_type = "脱贫户",
	     .category = "脱贫不稳定户",
	     .group = "1组",
	     .tuopin_year = 2019,
	     .n = 1,
	     .names = {"周强"},
	     .ids = {127}},
	};
	for (size_t i = 0; i < sizeof(hs) / sizeof(hs[0]); i++)
		rf_insert(d, &hs[i]);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	zxt_db *d = *state;
	zxt_db_close(d);
	free(d);
	return 0;
}

static void test_list_of_county_is_in_village_then_hh_no_order_with_names(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	page_rows r;
	zx_hh_count n;
	assert_int_equal(search(d, &a, (zx_hh_filter){0}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(n.total, 10);
	assert_true(n.total_exact);
	assert_int_equal(r.n, 10);
	assert_string_equal(r.hh_no[0], A1 "0001");
	assert_string_equal(r.hh_no[5], A1 "0006");
	assert_string_equal(r.hh_no[6], A2 "0001");
	assert_string_equal(r.hh_no[9], B1 "0002");
	assert_string_equal(r.head[0], "李陈");
	assert_int_equal(r.size[0], 3);
	assert_string_equal(r.village[0], A1);
	assert_string_equal(r.town_name[0], "潼川镇");
	assert_true(strlen(r.village_name[0]) > 0);
	/* The 户主's ID is shown masked, never whole. */
	assert_int_equal(strlen(r.head_id[0]), 18);
	assert_memory_equal(r.head_id[0], "5107**********", 14);
}

static void test_list_pages_continue_where_the_last_stopped(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	page_rows r;
	zx_hh_count n;
	assert_int_equal(search(d, &a, (zx_hh_filter){0}, 4, 4, &r, &n), ZX_OK);
	assert_int_equal(n.total, 10);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.hh_no[0], A1 "0005");
	assert_string_equal(r.hh_no[3], A2 "0002");
	assert_int_equal(search(d, &a, (zx_hh_filter){0}, 4, 8, &r, &n), ZX_OK);
	assert_int_equal(r.n, 2);
	assert_int_equal(search(d, &a, (zx_hh_filter){0}, 4, 40, &r, &n), ZX_OK);
	assert_int_equal(r.n, 0);
	assert_int_equal(n.total, 10);
}

static void test_filters_by_type_category_village_and_group(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	page_rows r;
	zx_hh_count n;
	assert_int_equal(search(d, &a, (zx_hh_filter){.hh_type = "脱贫户"}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(n.total, 3);
	assert_int_equal(search(d, &a, (zx_hh_filter){.category = "脱贫不稳定户"}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(n.total, 2);
	assert_string_equal(r.hh_no[0], A1 "0002");
	assert_string_equal(r.hh_no[1], B1 "0002");
	assert_int_equal(
	    search(d, &a, (zx_hh_filter){.category = "脱贫不稳定户", .village = B1}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(n.total, 1);
	assert_string_equal(r.hh_no[0], B1 "0002");
	assert_int_equal(search(d, &a, (zx_hh_filter){.area = ZXT_TOWN_A, .group = "2组"}, 20, 0, &r, &n),
	                 ZX_OK);
	assert_int_equal(n.total, 2);
	assert_int_equal(search(d, &a,
	                        (zx_hh_filter){.area = ZXT_TOWN_A, .hh_type = "脱贫户", .group = "1组"}, 20,
	                        0, &r, &n),
	                 ZX_OK);
	assert_int_equal(n.total, 0);
	/* A filter also narrows a search. */
	assert_int_equal(search(d, &a, (zx_hh_filter){.q = "李", .hh_type = "脱贫户"}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(r.n, 2);
}

static void test_full_id_finds_exactly_its_household_through_the_blind_index(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	char id[19];
	rf_id(111, id); /* 李雷, a member (not the 户主) of A1-0004 */
	assert_int_equal(zx_hh_search_kind_of(id), ZX_HH_SEARCH_ID);
	page_rows r;
	zx_hh_count n;
	assert_int_equal(search(d, &a, (zx_hh_filter){.q = id}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(n.total, 1);
	assert_string_equal(r.hh_no[0], A1 "0004");
	/* An ID nobody has: nothing, even though it is valid. */
	rf_id(999, id);
	assert_int_equal(search(d, &a, (zx_hh_filter){.q = id}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(r.n, 0);
}

static void test_id_with_lower_case_x_is_normalised_before_the_blind_index(void **state)
{
	zxt_db *d = *state;
	/* Find a serial whose check character is X. */
	char id[19];
	int serial = 200;
	for (rf_id(serial, id); id[17] != 'X'; rf_id(++serial, id))
		;
	rf_insert(d, &(rf_hh){.village = A2, .hh_no = A2 "0009", .n = 1, .names = {"王叉"}, .ids = {serial}});
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A);
	id[17] = 'x';
	page_rows r;
	zx_hh_count n;
	assert_int_equal(search(d, &a, (zx_hh_filter){.q = id}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hh_no[0], A2 "0009");
}

static void test_digits_search_the_hh_no_prefix(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	page_rows r;
	zx_hh_count n;
	assert_int_equal(zx_hh_search_kind_of(A1 "000"), ZX_HH_SEARCH_HHNO);
	assert_int_equal(search(d, &a, (zx_hh_filter){.q = A1 "000"}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(n.total, 6);
	assert_string_equal(r.hh_no[0], A1 "0001");
	assert_int_equal(search(d, &a, (zx_hh_filter){.q = A2}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(n.total, 2);
	/* 18 digits with a wrong check character are not an ID: a 户编号 prefix, here none. */
	char bad[19];
	rf_id(101, bad);
	bad[17] = bad[17] == '0' ? '1' : '0';
	assert_int_equal(zx_hh_search_kind_of(bad), ZX_HH_SEARCH_HHNO);
	assert_int_equal(search(d, &a, (zx_hh_filter){.q = bad}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(r.n, 0);
	/* A village clerk's prefix search stays in the village. */
	zx_actor clerk;
	zxt_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, A2);
	assert_int_equal(search(d, &clerk, (zx_hh_filter){.q = "510722"}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(n.total, 2);
	assert_string_equal(r.hh_no[0], A2 "0001");
}

static void test_name_prefix_is_sorted_by_chinese_collation_not_code_points(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	page_rows r;
	zx_hh_count n;
	/* Members named 李…: 李阿 (a) < 李白 (bai) < 李波 (bo) < 李陈 (chen) < 李成 (cheng) < 李雷 (lei)
	 * < 李李 (li) < 李小 (xiao). In code points 白 (U+767D) would come before 阿 (U+963F). */
	assert_int_equal(search(d, &a, (zx_hh_filter){.q = "李"}, 20, 0, &r, &n), ZX_OK);
	const char *want[] = {A1 "0002", A1 "0003", B1 "0001", A1 "0001", A2 "0001", A1 "0004", A1 "0005"};
	assert_int_equal(r.n, 7);
	assert_int_equal(n.total, 7);
	assert_true(n.total_exact);
	for (int i = 0; i < 7; i++)
		assert_string_equal(r.hh_no[i], want[i]);
	/* Two-character prefix. */
	assert_int_equal(search(d, &a, (zx_hh_filter){.q = "李李"}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hh_no[0], A1 "0005");
	/* The same order inside one village (a different query plan). */
	zx_actor clerk;
	zxt_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, A1);
	assert_int_equal(search(d, &clerk, (zx_hh_filter){.q = "李"}, 20, 0, &r, &n), ZX_OK);
	const char *want_a1[] = {A1 "0002", A1 "0003", A1 "0001", A1 "0004", A1 "0005"};
	assert_int_equal(r.n, 5);
	for (int i = 0; i < 5; i++)
		assert_string_equal(r.hh_no[i], want_a1[i]);
}

static void test_name_prefix_matches_any_member_and_lists_a_household_once(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A);
	page_rows r;
	zx_hh_count n;
	/* 陈静 is not a 户主 (B1 is outside town A anyway); 刘红 is the 配偶 in A1-0002. */
	assert_int_equal(search(d, &a, (zx_hh_filter){.q = "刘"}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hh_no[0], A1 "0002");
	assert_string_equal(r.head[0], "李阿");
	/* A1-0001 has both 李陈 and 李小: each household once. */
	assert_int_equal(search(d, &a, (zx_hh_filter){.q = "李"}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(r.n, 6);
	for (int i = 0; i < r.n; i++)
		for (int j = i + 1; j < r.n; j++)
			assert_string_not_equal(r.hh_no[i], r.hh_no[j]);
	/* A name nobody has. */
	assert_int_equal(search(d, &a, (zx_hh_filter){.q = "诸葛"}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(r.n, 0);
	assert_int_equal(n.total, 0);
}

static void test_village_clerk_never_gets_another_village(void **state)
{
	zxt_db *d = *state;
	zx_actor clerk;
	zxt_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, A2);
	page_rows r;
	zx_hh_count n;
	assert_int_equal(search(d, &clerk, (zx_hh_filter){0}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(n.total, 2);
	for (int i = 0; i < r.n; i++)
		assert_string_equal(r.village[i], A2);
	/* By name, by ID and by 户编号 of households elsewhere: nothing. */
	assert_int_equal(search(d, &clerk, (zx_hh_filter){.q = "李"}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.hh_no[0], A2 "0001");
	char id[19];
	rf_id(101, id);
	assert_int_equal(search(d, &clerk, (zx_hh_filter){.q = id}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(r.n, 0);
	assert_int_equal(search(d, &clerk, (zx_hh_filter){.q = A1 "0001"}, 20, 0, &r, &n), ZX_OK);
	assert_int_equal(r.n, 0);
	/* Asking for another area is refused outright. */
	assert_int_equal(search(d, &clerk, (zx_hh_filter){.area = A1}, 20, 0, &r, &n), ZX_EFORBIDDEN);
	assert_int_equal(search(d, &clerk, (zx_hh_filter){.area = ZXT_TOWN_A}, 20, 0, &r, &n), ZX_EFORBIDDEN);
	assert_int_equal(search(d, &clerk, (zx_hh_filter){.village = B1}, 20, 0, &r, &n), ZX_EFORBIDDEN);
	/* A town admin of town A may not look at town B's village. */
	zx_actor town;
	zxt_actor(&town, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A);
	assert_int_equal(search(d, &town, (zx_hh_filter){.village = B1}, 20, 0, &r, &n), ZX_EFORBIDDEN);
	assert_int_equal(search(d, &town, (zx_hh_filter){.area = "5107221"}, 20, 0, &r, &n), ZX_EINVAL);
	/* One household outside the scope does not exist for the clerk. */
	zx_hh_detail det;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_household_get(d->c, &clerk, A1 "0001", &det, &ei), ZX_ENOTFOUND);
	zx_hh_detail_release(&det);
	assert_int_equal(zx_household_get(d->c, &clerk, A2 "0001", &det, &ei), ZX_OK);
	zx_hh_detail_release(&det);
}

static void test_dengbao_roles_get_no_personal_data(void **state)
{
	zxt_db *d = *state;
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_AUDIT_ADMIN, ZXT_COUNTY12);
	page_rows r;
	zx_hh_count n;
	assert_int_equal(search(d, &a, (zx_hh_filter){0}, 20, 0, &r, &n), ZX_EFORBIDDEN);
	assert_int_equal(r.n, 0);
	zx_hh_detail det;
	assert_int_equal(zx_household_get(d->c, &a, A1 "0001", &det, NULL), ZX_EFORBIDDEN);
	zx_hh_detail_release(&det);
}

static void test_household_detail_has_members_in_order_and_derived_facts(void **state)
{
	zxt_db *d = *state;
	rf_insert(d, &(rf_hh){.village = A2,
	                      .hh_no = A2 "0010",
	                      .hh_type = "脱贫户",
	                      .category = "脱贫不稳定户",
	                      .group = "5组",
	                      .tuopin_year = 2017,
	                      .helper = "孙帮扶",
	                      .n = 3,
	                      .names = {"杨一", "杨二", "杨三"},
	                      .ids = {301, 302, 303},
	                      .phones = {"13812345678"},
	                      .school = {NULL, NULL, "失学辍学"},
	                      .insured = {0, 2, 0}});
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_VILLAGE_CLERK, A2);
	zx_hh_detail det;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_household_get(d->c, &a, A2 "0010", &det, &ei), ZX_OK);
	assert_string_equal(det.h.hh_type, "脱贫户");
	assert_string_equal(det.h.category, "脱贫不稳定户");
	assert_int_equal(det.h.tuopin_year, 2017);
	assert_string_equal(det.h.group, "5组");
	assert_string_equal(det.h.helper, "孙帮扶");
	assert_string_equal(det.h.town_name, "潼川镇");
	assert_string_equal(det.h.town_code, ZXT_TOWN_A);
	assert_int_equal(det.h.housing_safe, 1);
	assert_int_equal(det.h.size, 3);
	assert_int_equal(det.n, 3);
	assert_string_equal(det.m[0].name, "杨一");
	assert_string_equal(det.m[0].relation, "户主");
	assert_string_equal(det.m[0].phone_masked, "138****5678");
	assert_string_equal(det.m[2].school, "失学辍学");
	assert_int_equal(det.m[1].insured, 0);
	assert_int_equal(det.m[0].work_months, 6);
	/* 义务教育保障: a 失学辍学 member → 否; 基本医疗保障: an uninsured member → 否. */
	assert_int_equal(zx_hh_education_ok(&det), 0);
	assert_int_equal(zx_hh_medical_ok(&det), 0);
	zx_hh_detail_release(&det);
	assert_int_equal(zx_household_get(d->c, &a, A2 "0001", &det, &ei), ZX_OK);
	assert_int_equal(zx_hh_education_ok(&det), 1);
	assert_int_equal(zx_hh_medical_ok(&det), 1);
	zx_hh_detail_release(&det);
}

static void test_unmask_is_for_admins_and_leaves_an_audit_row(void **state)
{
	zxt_db *d = *state;
	rf_insert(d, &(rf_hh){.village = A2,
	                      .hh_no = A2 "0011",
	                      .n = 1,
	                      .names = {"钱多"},
	                      .ids = {401},
	                      .phones = {"13900001111"}});
	zx_actor clerk, town, other;
	zxt_actor(&clerk, ZX_ROLE_VILLAGE_CLERK, A2);
	zxt_actor(&town, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A);
	zxt_actor(&other, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_B);
	zx_hh_detail det;
	assert_int_equal(zx_household_get(d->c, &clerk, A2 "0011", &det, NULL), ZX_OK);
	int64_t pid = det.m[0].id;
	zx_hh_detail_release(&det);
	char idn[64], phone[64];
	int64_t before = rf_count_audit(d, "person.unmask");
	/* The village clerk may read masked data only. */
	assert_int_equal(
	    zx_person_unmask(d->c, &clerk, zxt_keys(), pid, idn, sizeof idn, phone, sizeof phone, NULL),
	    ZX_EFORBIDDEN);
	assert_string_equal(idn, "");
	/* Another town's admin: the person does not exist. */
	assert_int_equal(
	    zx_person_unmask(d->c, &other, zxt_keys(), pid, idn, sizeof idn, phone, sizeof phone, NULL),
	    ZX_ENOTFOUND);
	assert_int_equal(rf_count_audit(d, "person.unmask"), before);
	assert_int_equal(
	    zx_person_unmask(d->c, &town, zxt_keys(), pid, idn, sizeof idn, phone, sizeof phone, NULL),
	    ZX_OK);
	char want[19];
	rf_id(401, want);
	assert_string_equal(idn, want);
	assert_string_equal(phone, "13900001111");
	assert_int_equal(rf_count_audit(d, "person.unmask"), before + 1);
	assert_false(zx_tx_active(d->c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_list_of_county_is_in_village_then_hh_no_order_with_names),
	    T(test_list_pages_continue_where_the_last_stopped),
	    T(test_filters_by_type_category_village_and_group),
	    T(test_full_id_finds_exactly_its_household_through_the_blind_index),
	    T(test_id_with_lower_case_x_is_normalised_before_the_blind_index),
	    T(test_digits_search_the_hh_no_prefix),
	    T(test_name_prefix_is_sorted_by_chinese_collation_not_code_points),
	    T(test_name_prefix_matches_any_member_and_lists_a_household_once),
	    T(test_village_clerk_never_gets_another_village),
	    T(test_dengbao_roles_get_no_personal_data),
	    T(test_household_detail_has_members_in_order_and_derived_facts),
	    T(test_unmask_is_for_admins_and_leaves_an_audit_row),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
