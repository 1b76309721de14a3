/*
 * test_synth.c — the synthetic population is deterministic, internally consistent (IDs,
 * relations, ages, household facts) and statistically plausible for a rural county.
 *
 * The check character is recomputed here independently of base/idcard.c, so a wrong
 * generator cannot hide behind a wrong validator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "domain/area/division.h"
#include "domain/registry/synth.h"

#define TODAY 20250601

static const char *const three_villages[] = {"510722101002", "510722101003", "510722204212"};

static zx_synth *new_three(uint64_t seed)
{
	zx_synth *s = zx_synth_new(seed, three_villages, 3, TODAY);
	assert_non_null(s);
	return s;
}

/* n households from seed over the three villages; caller frees. */
static zx_synth_household *generate(uint64_t seed, size_t n)
{
	zx_synth_household *h = calloc(n, sizeof *h);
	assert_non_null(h);
	zx_synth *s = new_three(seed);
	for (size_t i = 0; i < n; i++)
		zx_synth_next(s, &h[i]);
	zx_synth_free(s);
	return h;
}

static char expected_check_char(const char *id)
{
	static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char map[] = "10X98765432";
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (id[i] - '0') * weights[i];
	return map[sum % 11];
}

static int digits(const char *s, int from, int len)
{
	int v = 0;
	for (int i = from; i < from + len; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int birth_year(const zx_synth_person *p)
{
	return digits(p->id, 6, 4);
}

static int age_of(const zx_synth_person *p)
{
	int b = digits(p->id, 6, 8);
	int age = TODAY / 10000 - b / 10000;
	return TODAY % 10000 < b % 10000 ? age - 1 : age;
}

static int is_real_date(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

static void test_same_seed_gives_byte_identical_households(void **state)
{
	(void)state;
	zx_synth_household *a = generate(20240101, 1000);
	zx_synth_household *b = generate(20240101, 1000);
	assert_memory_equal(a, b, 1000 * sizeof *a);
	free(a);
	free(b);
}

static void test_different_seed_gives_different_households(void **state)
{
	(void)state;
	zx_synth_household *a = generate(1, 100);
	zx_synth_household *b = generate(2, 100);
	size_t same = 0;
	for (size_t i = 0; i < 100; i++)
		same += memcmp(&a[i], &b[i], sizeof a[i]) == 0;
	assert_int_equal(same, 0);
	free(a);
	free(b);
}

static void test_every_id_has_valid_check_char_and_matches_gender_birth_and_area(void **state)
{
	(void)state;
	zx_synth_household *h = generate(7, 3000);
	for (size_t i = 0; i < 3000; i++) {
		for (int j = 0; j < h[i].n; j++) {
			const zx_synth_person *p = &h[i].m[j];
			assert_int_equal(strlen(p->id), 18);
			for (int k = 0; k < 17; k++)
				assert_true(p->id[k] >= '0' && p->id[k] <= '9');
			assert_int_equal(p->id[17], expected_check_char(p->id));
			assert_memory_equal(p->id, h[i].village, 6);
			int b = digits(p->id, 6, 8);
			assert_true(is_real_date(b / 10000, b / 100 % 100, b % 100));
			assert_true(b <= TODAY);
			assert_true(b / 10000 >= TODAY / 10000 - 100);
			int seq = digits(p->id, 14, 3);
			assert_true(seq >= 1);
			assert_string_equal(p->gender, seq % 2 ? "男" : "女");
		}
	}
	free(h);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_id_numbers_are_unique_across_households(void **state)
{
	(void)state;
	zx_synth_household *h = generate(11, 10000);
	const char **ids = malloc(10000 * 7 * sizeof *ids);
	assert_non_null(ids);
	size_t n = 0;
	for (size_t i = 0; i < 10000; i++)
		for (int j = 0; j < h[i].n; j++)
			ids[n++] = h[i].m[j].id;
	qsort(ids, n, sizeof *ids, cmp_str);
	for (size_t i = 1; i < n; i++)
		assert_string_not_equal(ids[i - 1], ids[i]);
	free(ids);
	free(h);
}

static void test_household_number_is_village_code_plus_serial_and_unique(void **state)
{
	(void)state;
	zx_synth_household *h = generate(3, 10000);
	const char **nos = malloc(10000 * sizeof *nos);
	assert_non_null(nos);
	for (size_t i = 0; i < 10000; i++) {
		assert_int_equal(strlen(h[i].hh_no), 16);
		assert_memory_equal(h[i].hh_no, h[i].village, 12);
		nos[i] = h[i].hh_no;
	}
	qsort(nos, 10000, sizeof *nos, cmp_str);
	for (size_t i = 1; i < 10000; i++)
		assert_string_not_equal(nos[i - 1], nos[i]);
	free(nos);
	free(h);
}

static void test_each_household_has_exactly_one_head_listed_first(void **state)
{
	(void)state;
	zx_synth_household *h = generate(5, 5000);
	for (size_t i = 0; i < 5000; i++) {
		assert_true(h[i].n >= 1 && h[i].n <= 7);
		int heads = 0;
		for (int j = 0; j < h[i].n; j++)
			heads += strcmp(h[i].m[j].relation, "户主") == 0;
		assert_int_equal(heads, 1);
		assert_string_equal(h[i].m[0].relation, "户主");
	}
	free(h);
}

static int is_child(const char *rel)
{
	return !strcmp(rel, "之子") || !strcmp(rel, "之女");
}

static int is_grandchild(const char *rel)
{
	return !strcmp(rel, "之孙子") || !strcmp(rel, "之孙女");
}

static void test_ages_and_surnames_follow_relations(void **state)
{
	(void)state;
	zx_synth_household *h = generate(9, 5000);
	size_t children = 0, grandchildren = 0, parents = 0;
	for (size_t i = 0; i < 5000; i++) {
		const zx_synth_person *head = &h[i].m[0];
		int hb = birth_year(head);
		for (int j = 1; j < h[i].n; j++) {
			const zx_synth_person *p = &h[i].m[j];
			int d = birth_year(p) - hb;
			if (is_child(p->relation)) {
				children++;
				assert_true(d >= 20 && d <= 40);
				assert_memory_equal(p->name, head->name, 3); /* one-character surname */
				assert_string_equal(p->gender, !strcmp(p->relation, "之子") ? "男" : "女");
			} else if (is_grandchild(p->relation)) {
				grandchildren++;
				assert_true(d >= 40 && d <= 80);
				assert_memory_equal(p->name, head->name, 3);
			} else if (!strcmp(p->relation, "之父") || !strcmp(p->relation, "之母")) {
				parents++;
				assert_true(-d >= 20 && -d <= 40);
			} else if (!strcmp(p->relation, "配偶")) {
				assert_string_not_equal(p->gender, head->gender);
			} else {
				assert_string_equal(p->relation, "之儿媳");
			}
		}
	}
	/* The family shapes all occur. */
	assert_true(children > 1000);
	assert_true(grandchildren > 100);
	assert_true(parents > 50);
	free(h);
}

static void test_school_and_labor_follow_age(void **state)
{
	(void)state;
	zx_synth_household *h = generate(13, 5000);
	for (size_t i = 0; i < 5000; i++) {
		for (int j = 0; j < h[i].n; j++) {
			const zx_synth_person *p = &h[i].m[j];
			int age = age_of(p);
			int dropout = !strcmp(p->school, "失学辍学");
			if (age >= 6 && age <= 12)
				assert_true(!strcmp(p->school, "小学") || dropout);
			else if (age >= 13 && age <= 15)
				assert_true(!strcmp(p->school, "初中") || dropout);
			else if (age >= 23 || age < 3)
				assert_string_equal(p->school, "非在校生");
			if (age < 16)
				assert_string_equal(p->labor, "无劳动力");
			if (age < 16 || !strcmp(p->labor, "无劳动力") || !strcmp(p->labor, "丧失劳动力")) {
				assert_string_equal(p->work, "未务工");
				assert_int_equal(p->work_months, 0);
			}
			assert_true(p->work_months >= 0 && p->work_months <= 12);
			assert_true(strcmp(p->work, "未务工") == 0 || p->work_months > 0);
			assert_true(!strcmp(p->health, "残疾") == (p->disability[0] != '\0'));
		}
	}
	free(h);
}

static void test_only_the_head_has_a_mobile_number(void **state)
{
	(void)state;
	zx_synth_household *h = generate(17, 2000);
	for (size_t i = 0; i < 2000; i++) {
		const char *ph = h[i].m[0].phone;
		assert_int_equal(strlen(ph), 11);
		assert_int_equal(ph[0], '1');
		assert_true(ph[1] >= '3' && ph[1] <= '9');
		for (int k = 2; k < 11; k++)
			assert_true(ph[k] >= '0' && ph[k] <= '9');
		for (int j = 1; j < h[i].n; j++)
			assert_string_equal(h[i].m[j].phone, "");
	}
	free(h);
}

static void test_household_facts_obey_category_rules(void **state)
{
	(void)state;
	zx_synth_household *h = generate(19, 20000);
	for (size_t i = 0; i < 20000; i++) {
		const zx_synth_household *x = &h[i];
		int tuopin = !strcmp(x->hh_type, "脱贫户");
		assert_true(tuopin || !strcmp(x->hh_type, "一般农户"));
		if (!strcmp(x->category, "脱贫不稳定户"))
			assert_true(tuopin);
		if (tuopin)
			assert_true(x->tuopin_year >= 2014 && x->tuopin_year <= 2020);
		else
			assert_int_equal(x->tuopin_year, 0);
		int monitored = x->category[0] != '\0';
		assert_true(monitored == (x->risk_type[0] != '\0'));
		assert_true((tuopin || monitored) == (x->helper[0] != '\0'));
		assert_true(!strcmp(x->housing_safe, "是") || !strcmp(x->housing_safe, "否"));
		assert_true(!strcmp(x->water_safe, "是") || !strcmp(x->water_safe, "否"));
		char *end = NULL;
		long g = strtol(x->group, &end, 10);
		assert_true(g >= 1 && g <= 12);
		assert_string_equal(end, "组");
	}
	free(h);
}

static void test_distributions_are_plausible_for_a_rural_county(void **state)
{
	(void)state;
	enum { N = 20000 };
	zx_synth_household *h = generate(23, N);
	size_t tuopin = 0, monitored = 0, persons = 0, han = 0, insured = 0, healthy = 0, unsafe = 0;
	size_t unstable = 0, edge = 0, sudden = 0;
	for (size_t i = 0; i < N; i++) {
		tuopin += !strcmp(h[i].hh_type, "脱贫户");
		monitored += h[i].category[0] != '\0';
		unstable += !strcmp(h[i].category, "脱贫不稳定户");
		edge += !strcmp(h[i].category, "边缘易致贫户");
		sudden += !strcmp(h[i].category, "突发严重困难户");
		unsafe += !strcmp(h[i].housing_safe, "否");
		for (int j = 0; j < h[i].n; j++) {
			persons++;
			han += !strcmp(h[i].m[j].nation, "汉族");
			insured += !strcmp(h[i].m[j].insured, "是");
			healthy += !strcmp(h[i].m[j].health, "健康");
		}
	}
	assert_in_range(tuopin * 100 / N, 10, 19);
	assert_in_range(monitored * 1000 / N, 8, 25); /* ≈1.5% */
	assert_true(unstable > 0 && edge > 0 && sudden > 0);
	assert_in_range(persons * 100 / N, 260, 340); /* mean size ≈ 3 */
	assert_in_range(han * 100 / persons, 93, 99);
	assert_in_range(insured * 100 / persons, 96, 99);
	assert_in_range(healthy * 100 / persons, 70, 92);
	assert_in_range(unsafe * 1000 / N, 3, 25);
	free(h);
}

static void test_households_spread_over_every_village_of_santai(void **state)
{
	(void)state;
	const zx_division *sub[600];
	size_t n = zx_division_county_subtree("510722", sub, 600);
	assert_true(n > 0 && n <= 600);
	const char *villages[600];
	size_t nv = 0;
	for (size_t i = 0; i < n; i++)
		if (sub[i]->level == ZX_DIVISION_VILLAGE)
			villages[nv++] = sub[i]->code;
	assert_int_equal(nv, 462);
	zx_synth *s = zx_synth_new(29, villages, nv, TODAY);
	assert_non_null(s);
	unsigned seen[462] = {0};
	zx_synth_household h;
	for (int i = 0; i < 20000; i++) {
		zx_synth_next(s, &h);
		const char **hit = NULL;
		for (size_t v = 0; v < nv && !hit; v++)
			if (!strcmp(villages[v], h.village))
				hit = &villages[v];
		assert_non_null(hit);
		seen[hit - villages]++;
	}
	unsigned min = 20000, max = 0;
	for (size_t v = 0; v < nv; v++) {
		min = seen[v] < min ? seen[v] : min;
		max = seen[v] > max ? seen[v] : max;
	}
	assert_true(min > 0);
	assert_true(max > 2 * min); /* villages differ in size */
	zx_synth_free(s);
}

static void test_new_rejects_bad_villages_and_dates(void **state)
{
	(void)state;
	const char *bad[] = {"51072210100"};
	const char *letters[] = {"51072210100x"};
	assert_null(zx_synth_new(1, NULL, 0, TODAY));
	assert_null(zx_synth_new(1, three_villages, 0, TODAY));
	assert_null(zx_synth_new(1, bad, 1, TODAY));
	assert_null(zx_synth_new(1, letters, 1, TODAY));
	assert_null(zx_synth_new(1, three_villages, 3, 20250230));
	assert_null(zx_synth_new(1, three_villages, 3, 19800101));
	zx_synth_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_seed_gives_byte_identical_households),
	    cmocka_unit_test(test_different_seed_gives_different_households),
	    cmocka_unit_test(test_every_id_has_valid_check_char_and_matches_gender_birth_and_area),
	    cmocka_unit_test(test_id_numbers_are_unique_across_households),
	    cmocka_unit_test(test_household_number_is_village_code_plus_serial_and_unique),
	    cmocka_unit_test(test_each_household_has_exactly_one_head_listed_first),
	    cmocka_unit_test(test_ages_and_surnames_follow_relations),
	    cmocka_unit_test(test_school_and_labor_follow_age),
	    cmocka_unit_test(test_only_the_head_has_a_mobile_number),
	    cmocka_unit_test(test_household_facts_obey_category_rules),
	    cmocka_unit_test(test_distributions_are_plausible_for_a_rural_county),
	    cmocka_unit_test(test_households_spread_over_every_village_of_santai),
	    cmocka_unit_test(test_new_rejects_bad_villages_and_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
