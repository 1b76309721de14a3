/*
 * test_template.c — the national template's column table, the CSV writer, and the
 * streaming generator that writes a county's synthetic households to a file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "domain/registry/template.h"

static const char *const expected_header[] = {
    "户编号",   "行政区划代码", "组",           "姓名",       "证件号码", "与户主关系",
    "性别",     "民族",         "文化程度",     "在校生情况", "健康状况", "残疾等级",
    "劳动技能", "务工状况",     "务工时间(月)", "医保参保",   "户类型",   "监测对象类别",
    "脱贫年度", "联系电话",     "住房安全",     "饮水安全",   "风险类型", "帮扶责任人"};

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, "\r\n")); p += 2)
		n++;
	return n;
}

/* Splits one CSV line (no quoted fields) in place; returns the number of fields. */
static size_t split_simple(char *line, char **fields, size_t cap)
{
	size_t n = 0;
	char *p = line;
	for (;;) {
		char *comma = strchr(p, ',');
		if (n < cap)
			fields[n] = p;
		n++;
		if (!comma)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	return n;
}

static zx_synth_household sample_household(void)
{
	static const char *const v[] = {"510722101002"};
	zx_synth *s = zx_synth_new(99, v, 1, 20250601);
	assert_non_null(s);
	zx_synth_household h;
	do
		zx_synth_next(s, &h);
	while (h.n < 3);
	zx_synth_free(s);
	return h;
}

static void test_columns_are_in_template_order_with_matching_ids(void **state)
{
	(void)state;
	size_t n = 0;
	const zx_template_column *c = zx_template_columns(&n);
	assert_int_equal(n, sizeof expected_header / sizeof expected_header[0]);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(c[i].id, i);
		assert_string_equal(c[i].name, expected_header[i]);
		assert_ptr_equal(zx_template_find(expected_header[i]), &c[i]);
	}
	assert_null(zx_template_find("身份证号"));
	assert_null(zx_template_find(NULL));
}

static void test_required_and_household_level_flags(void **state)
{
	(void)state;
	static const char *const required[] = {"户编号",     "行政区划代码", "姓名",   "证件号码",
	                                       "与户主关系", "性别",         "户类型", "监测对象类别"};
	static const char *const household[] = {"住房安全", "饮水安全", "风险类型", "帮扶责任人"};
	size_t n = 0, nreq = 0, nhh = 0;
	const zx_template_column *c = zx_template_columns(&n);
	for (size_t i = 0; i < n; i++) {
		nreq += c[i].required;
		nhh += c[i].household;
	}
	assert_int_equal(nreq, 8);
	assert_int_equal(nhh, 4);
	for (size_t i = 0; i < 8; i++)
		assert_true(zx_template_find(required[i])->required);
	for (size_t i = 0; i < 4; i++)
		assert_true(zx_template_find(household[i])->household);
}

static void test_enum_columns_accept_listed_values_only(void **state)
{
	(void)state;
	const zx_template_column *gender = zx_template_find("性别");
	assert_true(zx_template_value_ok(gender, "男"));
	assert_true(zx_template_value_ok(gender, "女"));
	assert_false(zx_template_value_ok(gender, "M"));
	assert_false(zx_template_value_ok(gender, ""));
	const zx_template_column *cat = zx_template_find("监测对象类别");
	assert_true(zx_template_value_ok(cat, ""));
	assert_true(zx_template_value_ok(cat, "脱贫不稳定户"));
	assert_false(zx_template_value_ok(cat, "低保户"));
	assert_true(zx_template_value_ok(zx_template_find("劳动技能"), "弱劳动力或半劳动力"));
	assert_true(zx_template_value_ok(zx_template_find("在校生情况"), "失学辍学"));
	assert_true(zx_template_value_ok(zx_template_find("风险类型"), "住房出现安全问题"));
	assert_true(zx_template_value_ok(zx_template_find("残疾等级"), "四级"));
	assert_false(zx_template_value_ok(zx_template_find("医保参保"), "Y"));
	/* free text */
	assert_true(zx_template_value_ok(zx_template_find("姓名"), "欧阳娜娜"));
	assert_false(zx_template_value_ok(zx_template_find("姓名"), ""));
	assert_false(zx_template_value_ok(NULL, "男"));
}

static void test_every_synthetic_value_is_in_the_template_lists(void **state)
{
	(void)state;
	static const char *const v[] = {"510722101002", "510722204212"};
	zx_synth *s = zx_synth_new(5, v, 2, 20250601);
	assert_non_null(s);
	zx_synth_household h;
	for (int i = 0; i < 5000; i++) {
		zx_synth_next(s, &h);
		assert_true(zx_template_value_ok(zx_template_find("户类型"), h.hh_type));
		assert_true(zx_template_value_ok(zx_template_find("监测对象类别"), h.category));
		assert_true(zx_template_value_ok(zx_template_find("住房安全"), h.housing_safe));
		assert_true(zx_template_value_ok(zx_template_find("饮水安全"), h.water_safe));
		assert_true(zx_template_value_ok(zx_template_find("风险类型"), h.risk_type));
		for (int j = 0; j < h.n; j++) {
			const zx_synth_person *p = &h.m[j];
			assert_true(zx_template_value_ok(zx_template_find("与户主关系"), p->relation));
			assert_true(zx_template_value_ok(zx_template_find("性别"), p->gender));
			assert_true(zx_template_value_ok(zx_template_find("文化程度"), p->education));
			assert_true(zx_template_value_ok(zx_template_find("在校生情况"), p->school));
			assert_true(zx_template_value_ok(zx_template_find("健康状况"), p->health));
			assert_true(zx_template_value_ok(zx_template_find("残疾等级"), p->disability));
			assert_true(zx_template_value_ok(zx_template_find("劳动技能"), p->labor));
			assert_true(zx_template_value_ok(zx_template_find("务工状况"), p->work));
			assert_true(zx_template_value_ok(zx_template_find("医保参保"), p->insured));
		}
	}
	zx_synth_free(s);
}

static void test_header_line_lists_columns_in_order(void **state)
{
	(void)state;
	zx_buf b = ZX_BUF_INIT(1 << 16);
	assert_int_equal(zx_template_write_csv_header(&b), ZX_OK);
	zx_buf want = ZX_BUF_INIT(1 << 16);
	for (size_t i = 0; i < sizeof expected_header / sizeof expected_header[0]; i++) {
		if (i)
			zx_buf_addc(&want, ',');
		zx_buf_adds(&want, expected_header[i]);
	}
	zx_buf_adds(&want, "\r\n");
	assert_string_equal(zx_buf_str(&b), zx_buf_str(&want));
	zx_buf_release(&b);
	zx_buf_release(&want);
}

static void test_household_writes_one_line_per_member_with_household_facts_on_head_row(void **state)
{
	(void)state;
	zx_synth_household h = sample_household();
	snprintf(h.helper, sizeof h.helper, "%s", "张三");
	zx_buf b = ZX_BUF_INIT(1 << 16);
	assert_int_equal(zx_template_write_csv_household(&b, &h), ZX_OK);
	assert_int_equal(count_lines(zx_buf_str(&b)), (size_t)h.n);

	char *text = b.data;
	for (int i = 0; i < h.n; i++) {
		char *end = strstr(text, "\r\n");
		assert_non_null(end);
		*end = '\0';
		char *f[32];
		assert_int_equal(split_simple(text, f, 32), ZX_COL__COUNT);
		assert_string_equal(f[ZX_COL_HH_NO], h.hh_no);
		assert_string_equal(f[ZX_COL_AREA], h.village);
		assert_string_equal(f[ZX_COL_NAME], h.m[i].name);
		assert_string_equal(f[ZX_COL_ID], h.m[i].id);
		assert_string_equal(f[ZX_COL_RELATION], h.m[i].relation);
		assert_string_equal(f[ZX_COL_HH_TYPE], h.hh_type);
		assert_string_equal(f[ZX_COL_HOUSING_SAFE], i == 0 ? h.housing_safe : "");
		assert_string_equal(f[ZX_COL_WATER_SAFE], i == 0 ? h.water_safe : "");
		assert_string_equal(f[ZX_COL_HELPER], i == 0 ? "张三" : "");
		assert_string_equal(f[ZX_COL_PHONE], h.m[i].phone);
		text = end + 2;
	}
	assert_string_equal(text, "");
	zx_buf_release(&b);
}

static void test_values_with_comma_or_quote_are_quoted_rfc4180(void **state)
{
	(void)state;
	zx_synth_household h = sample_household();
	h.n = 1;
	snprintf(h.group, sizeof h.group, "%s", "3组,东");
	snprintf(h.m[0].name, sizeof h.m[0].name, "%s", "王\"小\"明");
	zx_buf b = ZX_BUF_INIT(1 << 16);
	assert_int_equal(zx_template_write_csv_household(&b, &h), ZX_OK);
	assert_non_null(strstr(zx_buf_str(&b), ",\"3组,东\",\"王\"\"小\"\"明\","));
	assert_int_equal(count_lines(zx_buf_str(&b)), 1);
	zx_buf_release(&b);
}

static void test_household_that_does_not_fit_leaves_buffer_unchanged(void **state)
{
	(void)state;
	zx_synth_household h = sample_household();
	zx_buf whole = ZX_BUF_INIT(1 << 16);
	assert_int_equal(zx_template_write_csv_household(&whole, &h), ZX_OK);
	/* Room for the prefix and all but the last byte of the household: the first rows fit,
	 * the last does not. */
	zx_buf b = ZX_BUF_INIT(6 + whole.len - 1);
	zx_buf_release(&whole);
	assert_int_equal(zx_buf_adds(&b, "keep\r\n"), ZX_OK);
	assert_int_equal(zx_template_write_csv_household(&b, &h), ZX_ETOOBIG);
	assert_string_equal(zx_buf_str(&b), "keep\r\n");
	h.n = 0;
	assert_int_equal(zx_template_write_csv_household(&b, &h), ZX_EINVAL);
	zx_buf_release(&b);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	char *p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void test_write_csv_streams_a_county_file_deterministically(void **state)
{
	(void)state;
	char dir[] = "/tmp/zx_template_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char a[64], b[64];
	snprintf(a, sizeof a, "%s/a.csv", dir);
	snprintf(b, sizeof b, "%s/b.csv", dir);
	zx_clock_set(1748736000); /* 2025-06-01: ages, hence IDs, depend on today */
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_synth_write_csv(a, 42, 500, "510722", &ei), ZX_OK);
	assert_int_equal(zx_synth_write_csv(b, 42, 500, "510722", &ei), ZX_OK);
	zx_clock_set(-1);

	size_t na, nb;
	char *ta = read_all(a, &na), *tb = read_all(b, &nb);
	assert_int_equal(na, nb);
	assert_memory_equal(ta, tb, na);
	assert_memory_equal(ta, "户编号,", strlen("户编号,")); /* UTF-8, no BOM */
	size_t lines = count_lines(ta);
	assert_true(lines > 1 + 500 && lines <= 1 + 500 * 7);
	/* every data line belongs to 三台县 */
	for (char *p = strstr(ta, "\r\n") + 2; *p; p = strstr(p, "\r\n") + 2)
		assert_memory_equal(p, "510722", 6);
	free(ta);
	free(tb);

	char tmp[80];
	snprintf(tmp, sizeof tmp, "%s.tmp", a);
	assert_int_not_equal(access(tmp, F_OK), 0);
	remove(a);
	remove(b);
	rmdir(dir);
}

static void test_write_csv_rejects_county_without_villages_and_bad_counts(void **state)
{
	(void)state;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_synth_write_csv("/tmp/zx_never.csv", 1, 10, "510703", &ei), ZX_ENOTFOUND);
	assert_string_equal(ei.code, "county_not_embedded");
	assert_non_null(strstr(ei.message, "510703"));
	assert_int_equal(zx_synth_write_csv("/tmp/zx_never.csv", 1, -1, "510722", &ei), ZX_EINVAL);
	assert_int_equal(access("/tmp/zx_never.csv", F_OK), -1);
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_synth_write_csv("/nonexistent-dir/x.csv", 1, 1, "510722", &ei), ZX_EIO);
	assert_string_equal(ei.code, "open_failed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_columns_are_in_template_order_with_matching_ids),
	    cmocka_unit_test(test_required_and_household_level_flags),
	    cmocka_unit_test(test_enum_columns_accept_listed_values_only),
	    cmocka_unit_test(test_every_synthetic_value_is_in_the_template_lists),
	    cmocka_unit_test(test_header_line_lists_columns_in_order),
	    cmocka_unit_test(test_household_writes_one_line_per_member_with_household_facts_on_head_row),
	    cmocka_unit_test(test_values_with_comma_or_quote_are_quoted_rfc4180),
	    cmocka_unit_test(test_household_that_does_not_fit_leaves_buffer_unchanged),
	    cmocka_unit_test(test_write_csv_streams_a_county_file_deterministically),
	    cmocka_unit_test(test_write_csv_rejects_county_without_villages_and_bad_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
