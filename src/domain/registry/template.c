/*
 * template.c — the national household template's columns and value lists, and the CSV
 * writer used by the demo/benchmark generator.
 *
 * Invariants:
 *   - columns[] is in template order and columns[i].id == i (checked by the tests), so
 *     callers may index by zx_template_col;
 *   - value lists are the only spelling the rest of zhenxing accepts: synth.c draws from
 *     the same words, and the template tests check every generated value against them;
 *   - CSV output is RFC 4180: CRLF line ends, a field is quoted iff it holds , " CR or LF,
 *     quotes doubled inside. UTF-8 without BOM.
 */
#include "domain/registry/template.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "domain/area/division.h"

static const char *const v_relation[] = {
    "户主",     "配偶",     "之子",       "之女",     "之儿媳",   "之女婿", "之孙子", "之孙女", "之外孙子",
    "之外孙女", "之父",     "之母",       "之岳父",   "之岳母",   "之公公", "之婆婆", "之祖父", "之祖母",
    "之外祖父", "之外祖母", "之兄弟姐妹", "之曾孙子", "之曾孙女", "其他",   NULL};
static const char *const v_gender[] = {"男", "女", NULL};
static const char *const v_education[] = {"学龄前儿童", "文盲或半文盲", "小学",       "初中", "高中",
                                          "中专",       "大专",         "本科及以上", NULL};
static const char *const v_school[] = {"非在校生", "学前教育", "小学",       "初中",     "高中",
                                       "中职",     "高职",     "大专及以上", "失学辍学", NULL};
static const char *const v_health[] = {"健康", "长期慢性病", "患有大病", "残疾", NULL};
static const char *const v_disability[] = {"一级", "二级", "三级", "四级", NULL};
static const char *const v_labor[] = {"普通劳动力", "技能劳动力", "弱劳动力或半劳动力",
                                      "丧失劳动力", "无劳动力",   NULL};
static const char *const v_work[] = {"未务工",   "乡镇内务工", "县内乡镇外务工", "省内县外务工", "省外务工",
                                     "境外务工", NULL};
static const char *const v_yes_no[] = {"是", "否", NULL};
static const char *const v_hh_type[] = {"脱贫户", "一般农户", NULL};
static const char *const v_category[] = {"脱贫不稳定户", "边缘易致贫户", "突发严重困难户", NULL};
static const char *const v_risk[] = {"因病",           "因残",       "因学",
                                     "因灾",           "因意外事故", "因产业失败",
                                     "因务工就业不稳", "缺劳动力",   "住房出现安全问题",
                                     "其他",           NULL};

/* Required: without these a row cannot be placed (户编号, area, who) or would be silently
 * misclassified (户类型, 监测对象类别), so a file lacking the column fails as a whole. */
static const zx_template_column columns[ZX_COL__COUNT] = {
    {ZX_COL_HH_NO, "户编号", true, false, false, NULL},
    {ZX_COL_AREA, "行政区划代码", true, false, false, NULL},
    {ZX_COL_GROUP, "组", false, false, true, NULL},
    {ZX_COL_NAME, "姓名", true, false, false, NULL},
    {ZX_COL_ID, "证件号码", true, false, false, NULL},
    {ZX_COL_RELATION, "与户主关系", true, false, false, v_relation},
    {ZX_COL_GENDER, "性别", true, false, false, v_gender},
    {ZX_COL_NATION, "民族", false, false, true, NULL},
    {ZX_COL_EDUCATION, "文化程度", false, false, true, v_education},
    {ZX_COL_SCHOOL, "在校生情况", false, false, true, v_school},
    {ZX_COL_HEALTH, "健康状况", false, false, true, v_health},
    {ZX_COL_DISABILITY, "残疾等级", false, false, true, v_disability},
    {ZX_COL_LABOR, "劳动技能", false, false, true, v_labor},
    {ZX_COL_WORK, "务工状况", false, false, true, v_work},
    {ZX_COL_WORK_MONTHS, "务工时间(月)", false, false, true, NULL},
    {ZX_COL_INSURED, "医保参保", false, false, true, v_yes_no},
    {ZX_COL_HH_TYPE, "户类型", true, false, false, v_hh_type},
    {ZX_COL_CATEGORY, "监测对象类别", true, false, true, v_category},
    {ZX_COL_TUOPIN_YEAR, "脱贫年度", false, false, true, NULL},
    {ZX_COL_PHONE, "联系电话", false, false, true, NULL},
    {ZX_COL_HOUSING_SAFE, "住房安全", false, true, true, v_yes_no},
    {ZX_COL_WATER_SAFE, "饮水安全", false, true, true, v_yes_no},
    {ZX_COL_RISK_TYPE, "风险类型", false, true, true, v_risk},
    {ZX_COL_HELPER, "帮扶责任人", false, true, true, NULL},
};

const zx_template_column *zx_template_columns(size_t *n)
{
	if (n)
		*n = ZX_COL__COUNT;
	return columns;
}

const zx_template_column *zx_template_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < ZX_COL__COUNT; i++)
		if (!strcmp(columns[i].name, name))
			return &columns[i];
	return NULL;
}

bool zx_template_value_ok(const zx_template_column *c, const char *v)
{
	if (!c || !v)
		return false;
	if (!*v)
		return c->blank_ok;
	if (!c->values)
		return true;
	for (const char *const *p = c->values; *p; p++)
		if (!strcmp(*p, v))
			return true;
	return false;
}

/* ---- CSV ----------------------------------------------------------------------------- */

static zx_err csv_int(zx_buf *out, int v, int blank_if_zero)
{
	char s[16] = "";
	if (v || !blank_if_zero)
		snprintf(s, sizeof s, "%d", v);
	return zx_buf_add_csv(out, s, false);
}

zx_err zx_template_write_csv_header(zx_buf *out)
{
	zx_err e = ZX_OK;
	for (size_t i = 0; i < ZX_COL__COUNT && !e; i++)
		e = zx_buf_add_csv(out, columns[i].name, i == 0);
	return e ? e : zx_buf_add(out, "\r\n", 2);
}

static zx_err csv_person(zx_buf *out, const zx_synth_household *h, const zx_synth_person *p, int head)
{
	zx_err e;
	/* Order must match columns[]; the template test compares a row against the header. */
	if ((e = zx_buf_add_csv(out, h->hh_no, true)) || (e = zx_buf_add_csv(out, h->village, false)) ||
	    (e = zx_buf_add_csv(out, h->group, false)) || (e = zx_buf_add_csv(out, p->name, false)) ||
	    (e = zx_buf_add_csv(out, p->id, false)) || (e = zx_buf_add_csv(out, p->relation, false)) ||
	    (e = zx_buf_add_csv(out, p->gender, false)) || (e = zx_buf_add_csv(out, p->nation, false)) ||
	    (e = zx_buf_add_csv(out, p->education, false)) || (e = zx_buf_add_csv(out, p->school, false)) ||
	    (e = zx_buf_add_csv(out, p->health, false)) || (e = zx_buf_add_csv(out, p->disability, false)) ||
	    (e = zx_buf_add_csv(out, p->labor, false)) || (e = zx_buf_add_csv(out, p->work, false)) ||
	    (e = csv_int(out, p->work_months, 0)) || (e = zx_buf_add_csv(out, p->insured, false)) ||
	    (e = zx_buf_add_csv(out, h->hh_type, false)) || (e = zx_buf_add_csv(out, h->category, false)) ||
	    (e = csv_int(out, h->tuopin_year, 1)) || (e = zx_buf_add_csv(out, p->phone, false)))
		return e;
	/* Household-level facts live on the 户主's row only, as the national template does. */
	if ((e = zx_buf_add_csv(out, head ? h->housing_safe : "", false)) ||
	    (e = zx_buf_add_csv(out, head ? h->water_safe : "", false)) ||
	    (e = zx_buf_add_csv(out, head ? h->risk_type : "", false)) ||
	    (e = zx_buf_add_csv(out, head ? h->helper : "", false)))
		return e;
	return zx_buf_add(out, "\r\n", 2);
}

zx_err zx_template_write_csv_household(zx_buf *out, const zx_synth_household *h)
{
	if (!out || !h || h->n < 1 || h->n > (int)(sizeof h->m / sizeof h->m[0]))
		return ZX_EINVAL;
	size_t start = out->len;
	for (int i = 0; i < h->n; i++) {
		zx_err e = csv_person(out, h, &h->m[i], i == 0);
		if (e) {
			out->len = start; /* never leave half a household behind */
			if (out->data)
				out->data[start] = '\0';
			return e;
		}
	}
	return ZX_OK;
}

/* ---- the generator ------------------------------------------------------------------- */

/* Caps: enough for a province-sized benchmark, small enough to catch a typo'd count. */
#define WRITE_MAX_HOUSEHOLDS 20000000L
#define WRITE_FLUSH_BYTES (256u * 1024u)
#define WRITE_BUF_MAX (1024u * 1024u)

static zx_err county_villages(const char *county6, const char ***villages, size_t *n, zx_errinfo *ei)
{
	*villages = NULL;
	*n = 0;
	size_t total = zx_division_county_subtree(county6, NULL, 0);
	if (total == 0)
		return zx_fail(ei, ZX_ENOTFOUND, "county_not_embedded", "区划代码", 0,
		               "县级区划代码 %s 不存在或未内置村级数据（构建选项 demo_counties）", county6);
	const zx_division **sub = calloc(total, sizeof *sub);
	const char **codes = calloc(total, sizeof *codes);
	if (!sub || !codes) {
		free(sub);
		free(codes);
		return zx_fail(ei, ZX_ENOMEM, "out_of_memory", "", 0, "内存不足");
	}
	zx_division_county_subtree(county6, sub, total);
	for (size_t i = 0; i < total; i++)
		if (sub[i]->level == ZX_DIVISION_VILLAGE)
			codes[(*n)++] = sub[i]->code;
	free(sub);
	*villages = codes;
	return ZX_OK;
}

static zx_err flush_buf(FILE *f, zx_buf *b)
{
	if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
		return ZX_EIO;
	zx_buf_reset(b);
	return ZX_OK;
}

zx_err zx_synth_write_csv(const char *path, uint64_t seed, long households, const char *county6,
                          zx_errinfo *ei)
{
	zx_err e = ZX_OK;
	const char **villages = NULL;
	size_t nvillages = 0;
	zx_synth *s = NULL;
	FILE *f = NULL;
	zx_buf tmp = ZX_BUF_INIT(4096), out = ZX_BUF_INIT(WRITE_BUF_MAX);
	long persons = 0;

	if (!path || !*path)
		return zx_fail(ei, ZX_EINVAL, "missing_path", "输出文件", 0, "未指定输出文件");
	if (households < 0 || households > WRITE_MAX_HOUSEHOLDS)
		return zx_fail(ei, ZX_EINVAL, "bad_household_count", "户数", 0, "户数须在 0 到 %ld 之间",
		               WRITE_MAX_HOUSEHOLDS);
	if ((e = county_villages(county6 ? county6 : "", &villages, &nvillages, ei)))
		goto out;
	s = zx_synth_new(seed, villages, nvillages, ZX_SYNTH_AS_OF_YMD);
	if (!s) {
		e = zx_fail(ei, ZX_ENOMEM, "out_of_memory", "", 0, "内存不足");
		goto out;
	}
	if ((e = zx_buf_addf(&tmp, "%s.tmp", path))) {
		e = zx_fail(ei, e, "bad_path", "输出文件", 0, "输出文件路径过长");
		goto out;
	}
	f = fopen(tmp.data, "wb");
	if (!f) {
		e = zx_fail(ei, ZX_EIO, "open_failed", "输出文件", 0, "无法创建文件 %s：%s", tmp.data,
		            strerror(errno));
		goto out;
	}
	zx_synth_household h;
	if ((e = zx_template_write_csv_header(&out)))
		goto write_failed;
	for (long i = 0; i < households; i++) {
		zx_synth_next(s, &h);
		persons += h.n;
		if ((e = zx_template_write_csv_household(&out, &h)))
			goto write_failed;
		if (out.len >= WRITE_FLUSH_BYTES && (e = flush_buf(f, &out)))
			goto write_failed;
	}
	if ((e = flush_buf(f, &out)))
		goto write_failed;
	FILE *done = f;
	f = NULL;
	if (fclose(done) != 0) {
		e = ZX_EIO;
		goto write_failed;
	}
	if (rename(tmp.data, path) != 0) {
		e = zx_fail(ei, ZX_EIO, "rename_failed", "输出文件", 0, "无法写入文件 %s：%s", path,
		            strerror(errno));
		goto out;
	}
	zx_info("synth: wrote %ld households, %ld persons for county %s (seed %llu)", households, persons,
	        county6, (unsigned long long)seed);
	goto out;

write_failed:
	e = zx_fail(ei, e, "write_failed", "输出文件", 0, "写入文件 %s 失败：%s", tmp.data,
	            e == ZX_EIO ? strerror(errno) : zx_err_message(e));
out:
	if (f)
		fclose(f);
	if (e && tmp.len)
		remove(tmp.data);
	zx_buf_release(&tmp);
	zx_buf_release(&out);
	zx_synth_free(s);
	free(villages);
	return e;
}
