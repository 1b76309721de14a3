/*
 * synth.c — deterministic synthetic households for demos and benchmarks (see synth.h).
 *
 * How a household is made:
 *   1. a village is drawn with fixed per-village weights (so villages differ in size) and
 *      the household takes the next serial of that village: 户编号 = village + serial, unique;
 *   2. its size (1–7, mean ≈ 3) and structure: 户主, usually a 配偶, sometimes the 户主's
 *      parents, then either children or (older heads) a son, his wife and grandchildren;
 *      birth years keep every parent 20–40 years older than each child;
 *   3. each member gets a name (children take the 户主's surname), an ID with the village's
 *      county as area and a birth date matching the age, then the age-driven template fields;
 *   4. household facts: 户类型, 监测对象类别 (with a matching 风险类型), housing, water, helper.
 *
 * Invariants:
 *   - decisions use only integer draws from xoshiro256** seeded by splitmix64: no rand(),
 *     no floating point, so the sequence is identical on every platform;
 *   - each household's draws come from its own stream seeded by (seed, index); the only
 *     state carried between households is the village serials and the ID sequence
 *     counters, both deterministic;
 *   - ID numbers are unique within a generator: the 3-digit sequence is allocated per
 *     (birth date, gender) from a counter, never drawn at random;
 *   - every string is written with set() which asserts it fits, so no field is truncated.
 */
#include "domain/registry/synth.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idcard.h"

/* ---- PRNG ------------------------------------------------------------------------------ */

typedef struct rng {
	uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n); rejection keeps it unbiased. */
static uint32_t below(rng *r, uint32_t n)
{
	assert(n > 0);
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;
	do
		x = rng_next(r);
	while (x >= limit);
	return (uint32_t)(x % n);
}

static int between(rng *r, int lo, int hi)
{
	assert(lo <= hi);
	return lo + (int)below(r, (uint32_t)(hi - lo + 1));
}

/* True with probability per10k / 10000. */
static int chance(rng *r, uint32_t per10k)
{
	return below(r, 10000) < per10k;
}

typedef struct weighted {
	const char *value;
	uint32_t weight;
} weighted;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *pick_weighted(rng *r, const weighted *w, size_t n)
{
	uint32_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += w[i].weight;
	uint32_t x = below(r, total);
	for (size_t i = 0; i < n; i++) {
		if (x < w[i].weight)
			return w[i].value;
		x -= w[i].weight;
	}
	return w[n - 1].value;
}

static size_t pick_index(rng *r, const uint32_t *w, size_t n)
{
	uint32_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += w[i];
	uint32_t x = below(r, total);
	for (size_t i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

#define PICK(r, table) pick_weighted((r), (table), COUNT(table))

/* ---- value tables ------------------------------------------------------------------------ */

/* The 100 most common surnames, weights ≈ share of the population in 1/10000 (2020 census). */
static const weighted surnames[] = {
    {"王", 712}, {"李", 700}, {"张", 674}, {"刘", 538}, {"陈", 453}, {"杨", 308}, {"赵", 229}, {"黄", 223},
    {"吴", 205}, {"周", 203}, {"徐", 167}, {"孙", 154}, {"马", 129}, {"朱", 126}, {"胡", 120}, {"郭", 118},
    {"何", 117}, {"高", 108}, {"林", 107}, {"罗", 106}, {"郑", 88},  {"梁", 87},  {"谢", 79},  {"宋", 75},
    {"唐", 75},  {"许", 68},  {"韩", 66},  {"冯", 66},  {"邓", 65},  {"曹", 62},  {"彭", 61},  {"曾", 60},
    {"肖", 57},  {"田", 56},  {"董", 53},  {"袁", 52},  {"潘", 52},  {"于", 51},  {"蒋", 50},  {"蔡", 49},
    {"余", 48},  {"杜", 48},  {"叶", 46},  {"程", 45},  {"苏", 44},  {"魏", 43},  {"吕", 43},  {"丁", 42},
    {"任", 41},  {"沈", 40},  {"姚", 39},  {"卢", 39},  {"姜", 38},  {"崔", 37},  {"钟", 37},  {"谭", 36},
    {"陆", 35},  {"汪", 35},  {"范", 34},  {"金", 33},  {"石", 33},  {"廖", 32},  {"贾", 31},  {"夏", 30},
    {"韦", 30},  {"付", 29},  {"方", 29},  {"白", 28},  {"邹", 28},  {"孟", 27},  {"熊", 27},  {"秦", 26},
    {"邱", 26},  {"江", 26},  {"尹", 25},  {"薛", 24},  {"闫", 24},  {"段", 23},  {"雷", 23},  {"侯", 22},
    {"龙", 22},  {"史", 22},  {"陶", 21},  {"黎", 21},  {"贺", 21},  {"顾", 20},  {"毛", 20},  {"郝", 20},
    {"龚", 19},  {"邵", 19},  {"万", 18},  {"钱", 18},  {"严", 17},  {"覃", 17},  {"武", 17},  {"戴", 16},
    {"莫", 16},  {"孔", 15},  {"向", 15},  {"汤", 15},
};

/* Common given-name characters; fashions changed around 1990, so two eras per gender. */
static const char *const male_old[] = {"国", "建", "华", "明", "德", "文", "志", "军", "平", "强",
                                       "福", "贵", "发", "荣", "富", "才", "永", "洪", "春", "海",
                                       "云", "清", "全", "学", "祥", "成", "良", "正", "光", "忠",
                                       "义", "昌", "元", "世", "生", "长", "中", "安", "林", "兵"};
static const char *const male_young[] = {"伟", "杰", "涛", "斌", "超", "鹏", "飞", "波", "俊", "峰",
                                         "磊", "浩", "东", "亮", "宇", "锋", "宏", "龙", "鑫", "睿",
                                         "轩", "子", "博", "航", "宁", "思", "远", "泽", "翔", "健",
                                         "辰", "阳", "楠", "凯", "铭", "晨", "豪", "毅", "然", "奕"};
static const char *const female_old[] = {"秀", "英", "兰", "芳", "桂", "珍", "凤", "琴", "梅", "华",
                                         "玉", "翠", "菊", "莲", "素", "群", "碧", "琼", "淑", "美",
                                         "春", "红", "霞", "萍", "燕", "玲", "娟", "荣", "金", "容"};
static const char *const female_young[] = {"静", "丽", "艳", "敏", "婷", "雪", "慧", "琳", "莉", "颖",
                                           "佳", "倩", "欣", "怡", "悦", "彤", "雨", "晶", "露", "丹",
                                           "洁", "萱", "涵", "诗", "梓", "晴", "瑶", "妍", "婉", "月",
                                           "蕾", "冰", "艺", "可", "馨", "语", "芸", "琪", "蓉", "薇"};

static const weighted nations[] = {
    {"汉族", 9700}, {"彝族", 120}, {"藏族", 80}, {"羌族", 60}, {"回族", 40},
};

static const weighted disability_levels[] = {
    {"一级", 10},
    {"二级", 20},
    {"三级", 30},
    {"四级", 40},
};

static const weighted work_places[] = {
    {"省外务工", 30},
    {"省内县外务工", 30},
    {"县内乡镇外务工", 20},
    {"乡镇内务工", 20},
};

static const weighted risk_types[] = {
    {"因病", 35},
    {"因残", 15},
    {"因学", 8},
    {"因灾", 5},
    {"因意外事故", 7},
    {"因产业失败", 3},
    {"因务工就业不稳", 10},
    {"缺劳动力", 10},
    {"住房出现安全问题", 2},
    {"其他", 5},
};

static const weighted categories_tuopin[] = {
    {"脱贫不稳定户", 75},
    {"突发严重困难户", 20},
    {"边缘易致贫户", 5},
};

static const weighted categories_general[] = {
    {"边缘易致贫户", 65},
    {"突发严重困难户", 35},
};

/* ---- dates ------------------------------------------------------------------------------- */

/* Days since 1970-01-01 of a Gregorian date (H. Hinnant's days_from_civil). */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int ymd_from_days(long z)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp < 10 ? mp + 3 : mp - 9;
	return (int)((y + (m <= 2)) * 10000 + m * 100 + d);
}

static long days_of_ymd(int ymd)
{
	return days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100);
}

/* ---- the generator ------------------------------------------------------------------------ */

#define SYNTH_MIN_BIRTH_YEAR 1900
#define SYNTH_MAX_AGE 100
#define SYNTH_MAX_MEMBERS 7
/* Sequence numbers per (birth date, gender): odd 001..999 for men, even 002..998 for women. */
#define SEQ_PER_DAY_MALE 500
#define SEQ_PER_DAY_FEMALE 499

struct zx_synth {
	uint64_t seed;
	uint64_t index; /* households generated so far */
	int today_ymd, today_year;
	long today_days, first_days; /* first_days: 1900-01-01 */
	size_t nvillages;
	char (*villages)[13];
	uint32_t *cumweight; /* cumulative village weights, for a weighted draw */
	unsigned *serial;    /* households so far per village */
	unsigned char *ngroups;
	uint16_t *seq_used; /* [day - first_days][gender 0 male, 1 female] */
};

static void set(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	assert(n < cap);
	if (n >= cap)
		n = cap - 1; /* unreachable with the tables above; keeps NDEBUG builds memory-safe */
	memcpy(dst, src, n);
	dst[n] = '\0';
}

#define SET(field, value) set((field), sizeof(field), (value))

static int is_code12(const char *s)
{
	if (!s || strlen(s) != 12)
		return 0;
	for (int i = 0; i < 12; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

void zx_synth_free(zx_synth *s)
{
	if (!s)
		return;
	free(s->villages);
	free(s->cumweight);
	free(s->serial);
	free(s->ngroups);
	free(s->seq_used);
	free(s);
}

zx_synth *zx_synth_new(uint64_t seed, const char *const *villages, size_t nvillages, int today_ymd)
{
	if (!villages || nvillages == 0 || nvillages > UINT32_MAX / 256)
		return NULL;
	int y = today_ymd / 10000;
	if (y < SYNTH_MIN_BIRTH_YEAR + SYNTH_MAX_AGE || y > 9999 ||
	    !zx_date_valid(y, today_ymd / 100 % 100, today_ymd % 100))
		return NULL;
	for (size_t i = 0; i < nvillages; i++)
		if (!is_code12(villages[i]))
			return NULL;

	zx_synth *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->seed = seed;
	s->today_ymd = today_ymd;
	s->today_year = y;
	s->today_days = days_of_ymd(today_ymd);
	s->first_days = days_from_civil(SYNTH_MIN_BIRTH_YEAR, 1, 1);
	s->nvillages = nvillages;
	s->villages = calloc(nvillages, sizeof *s->villages);
	s->cumweight = calloc(nvillages, sizeof *s->cumweight);
	s->serial = calloc(nvillages, sizeof *s->serial);
	s->ngroups = calloc(nvillages, sizeof *s->ngroups);
	s->seq_used = calloc((size_t)(s->today_days - s->first_days + 1) * 2, sizeof *s->seq_used);
	if (!s->villages || !s->cumweight || !s->serial || !s->ngroups || !s->seq_used)
		goto fail;

	/* Village sizes and group counts depend on the seed only, so they stay put as
	 * households are added. */
	rng r;
	rng_seed(&r, seed ^ 0x76696c6c61676573ULL);
	uint32_t total = 0;
	for (size_t i = 0; i < nvillages; i++) {
		memcpy(s->villages[i], villages[i], 13);
		total += (uint32_t)between(&r, 40, 160);
		s->cumweight[i] = total;
		s->ngroups[i] = (unsigned char)between(&r, 6, 12);
	}
	return s;
fail:
	zx_synth_free(s);
	return NULL;
}

static size_t pick_village(const zx_synth *s, rng *r)
{
	uint32_t x = below(r, s->cumweight[s->nvillages - 1]);
	size_t lo = 0, hi = s->nvillages - 1;
	while (lo < hi) { /* first i with cumweight[i] > x */
		size_t mid = lo + (hi - lo) / 2;
		if (s->cumweight[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* ---- people ------------------------------------------------------------------------------- */

enum { MALE = 1, FEMALE = 2 };

typedef struct member_plan {
	const char *relation;
	int gender;
	int birth_year;
	int own_surname; /* 1: shares the 户主's surname; 0: married in, draws another */
} member_plan;

static void make_name(rng *r, char *out, size_t cap, const char *surname, int gender, int birth_year)
{
	int young = birth_year >= 1990;
	const char *const *chars =
	    gender == MALE ? (young ? male_young : male_old) : (young ? female_young : female_old);
	size_t n = gender == MALE ? (young ? COUNT(male_young) : COUNT(male_old))
	                          : (young ? COUNT(female_young) : COUNT(female_old));
	char name[32];
	/* About a quarter of rural given names have a single character. */
	if (chance(r, 2500))
		snprintf(name, sizeof name, "%s%s", surname, chars[below(r, (uint32_t)n)]);
	else
		snprintf(name, sizeof name, "%s%s%s", surname, chars[below(r, (uint32_t)n)],
		         chars[below(r, (uint32_t)n)]);
	set(out, cap, name);
}

static int age_on(int birth_ymd, int today_ymd)
{
	int age = today_ymd / 10000 - birth_ymd / 10000;
	if (today_ymd % 10000 < birth_ymd % 10000)
		age--;
	return age;
}

/* A birth date in birth_year, not after today; then a free ID sequence for it. */
static void make_id(zx_synth *s, rng *r, const char *area6, int gender, int birth_year, char out[19],
                    int *birth_ymd)
{
	long d0 = days_from_civil(birth_year, 1, 1);
	long d1 = days_from_civil(birth_year + 1, 1, 1) - 1;
	if (d1 > s->today_days)
		d1 = s->today_days;
	long day = d0 + (long)below(r, (uint32_t)(d1 - d0 + 1));
	int g = gender == MALE ? 0 : 1;
	unsigned cap = gender == MALE ? SEQ_PER_DAY_MALE : SEQ_PER_DAY_FEMALE;
	/* A full day (hundreds of same-gender births on one date) moves to a neighbouring day,
	 * forward first; the date space is far larger than any county, so this terminates. */
	for (long step = 0;; step++) {
		long cand = step % 2 == 0 ? day + step / 2 : day - (step + 1) / 2;
		if (cand < s->first_days || cand > s->today_days)
			continue;
		uint16_t *used = &s->seq_used[(cand - s->first_days) * 2 + g];
		if (*used < cap) {
			day = cand;
			break;
		}
		assert(step < 2 * (s->today_days - s->first_days) + 2);
	}
	uint16_t *used = &s->seq_used[(day - s->first_days) * 2 + g];
	/* Spread the sequence over its range with a per-day offset and a stride coprime to
	 * the range, so IDs do not all end in 001, 003… yet stay unique. */
	unsigned k = (unsigned)((uint64_t)(day * 2654435761UL) % cap);
	unsigned slot = (k + (unsigned)*used * 137u) % cap;
	(*used)++;
	unsigned seq = gender == MALE ? 2 * slot + 1 : 2 * slot + 2;
	*birth_ymd = ymd_from_days(day);
	/* Digits written by hand: both values are range-checked, and this runs a million times
	 * per benchmark file. */
	memcpy(out, area6, 6);
	for (int i = 13, v = *birth_ymd; i >= 6; i--, v /= 10)
		out[i] = (char)('0' + v % 10);
	for (int i = 16, v = (int)seq; i >= 14; i--, v /= 10)
		out[i] = (char)('0' + v % 10);
	out[17] = '\0';
	out[17] = zx_idcard_check_char(out);
	out[18] = '\0';
}

static void assign_school_education(rng *r, zx_synth_person *p, int age)
{
	const char *school = "非在校生", *edu = NULL;
	if (age < 3) {
		edu = "学龄前儿童";
	} else if (age < 6) {
		school = chance(r, 8500) ? "学前教育" : "非在校生";
		edu = "学龄前儿童";
	} else if (age <= 15) {
		school = age <= 12 ? "小学" : "初中";
		edu = school;
		if (age >= 7 && chance(r, 15)) { /* rare, and exactly what screening looks for */
			school = "失学辍学";
			edu = age <= 12 ? "小学" : "初中";
		}
	} else if (age <= 18) {
		static const weighted w[] = {{"高中", 55}, {"中职", 30}, {"非在校生", 15}};
		school = PICK(r, w);
		edu = !strcmp(school, "高中") ? "高中" : !strcmp(school, "中职") ? "中专" : "初中";
	} else if (age <= 22) {
		static const weighted w[] = {{"大专及以上", 30}, {"高职", 12}, {"非在校生", 58}};
		school = PICK(r, w);
		if (!strcmp(school, "大专及以上"))
			edu = chance(r, 5000) ? "本科及以上" : "大专";
		else if (!strcmp(school, "高职"))
			edu = "大专";
	}
	if (!edu) {
		/* Out of school: attainment by birth cohort, older generations had less schooling. */
		static const weighted young[] = {{"初中", 35}, {"高中", 22},       {"中专", 14},
		                                 {"大专", 17}, {"本科及以上", 10}, {"小学", 2}};
		static const weighted middle[] = {{"小学", 15}, {"初中", 55}, {"高中", 14},
		                                  {"中专", 7},  {"大专", 6},  {"本科及以上", 3}};
		static const weighted older[] = {
		    {"文盲或半文盲", 10}, {"小学", 40}, {"初中", 40}, {"高中", 8}, {"中专", 2}};
		static const weighted old[] = {{"文盲或半文盲", 40}, {"小学", 45}, {"初中", 13}, {"高中", 2}};
		edu = age < 30   ? PICK(r, young)
		      : age < 50 ? PICK(r, middle)
		      : age < 70 ? PICK(r, older)
		                 : PICK(r, old);
	}
	SET(p->school, school);
	SET(p->education, edu);
}

static void assign_health(rng *r, zx_synth_person *p, int age)
{
	static const weighted child[] = {
	    {"健康", 9700}, {"长期慢性病", 150}, {"患有大病", 50}, {"残疾", 100}};
	static const weighted adult[] = {
	    {"健康", 8800}, {"长期慢性病", 700}, {"患有大病", 150}, {"残疾", 350}};
	static const weighted elder[] = {
	    {"健康", 6200}, {"长期慢性病", 2800}, {"患有大病", 300}, {"残疾", 700}};
	SET(p->health, age < 16 ? PICK(r, child) : age < 60 ? PICK(r, adult) : PICK(r, elder));
	SET(p->disability, !strcmp(p->health, "残疾") ? PICK(r, disability_levels) : "");
}

static int is_student(const zx_synth_person *p)
{
	return strcmp(p->school, "非在校生") != 0 && strcmp(p->school, "失学辍学") != 0;
}

/* 劳动技能 from age, schooling and health; then 务工 from 劳动技能. */
static void assign_labor_work(rng *r, zx_synth_person *p, int age)
{
	const char *labor;
	int severe_disability = !strcmp(p->disability, "一级") || !strcmp(p->disability, "二级");
	if (age < 16 || is_student(p))
		labor = "无劳动力";
	else if (!strcmp(p->health, "患有大病"))
		labor = chance(r, 7000) ? "丧失劳动力" : "弱劳动力或半劳动力";
	else if (severe_disability)
		labor = "丧失劳动力";
	else if (!strcmp(p->health, "残疾"))
		labor = "弱劳动力或半劳动力";
	else if (age >= 75)
		labor = chance(r, 6000) ? "无劳动力" : "弱劳动力或半劳动力";
	else if (age >= 65 || !strcmp(p->health, "长期慢性病"))
		labor = chance(r, 6000) ? "弱劳动力或半劳动力" : "普通劳动力";
	else
		labor = chance(r, 7800) ? "普通劳动力" : "技能劳动力";
	SET(p->labor, labor);

	int able = !strcmp(labor, "普通劳动力") || !strcmp(labor, "技能劳动力");
	if (able && age <= 64 && chance(r, 6800)) {
		SET(p->work, PICK(r, work_places));
		static const int months[] = {3, 4, 5, 6, 6, 8, 9, 10, 10, 11, 12, 12, 12, 12};
		p->work_months = months[below(r, COUNT(months))];
	} else if (!strcmp(labor, "弱劳动力或半劳动力") && age < 70 && chance(r, 1500)) {
		SET(p->work, "乡镇内务工");
		p->work_months = between(r, 2, 8);
	} else {
		SET(p->work, "未务工");
		p->work_months = 0;
	}
}

static void make_person(zx_synth *s, rng *r, const char *area6, const char *head_surname, const char *nation,
                        const member_plan *plan, zx_synth_person *p)
{
	const char *surname = plan->own_surname ? head_surname : PICK(r, surnames);
	make_name(r, p->name, sizeof p->name, surname, plan->gender, plan->birth_year);
	int birth_ymd = 0;
	make_id(s, r, area6, plan->gender, plan->birth_year, p->id, &birth_ymd);
	int age = age_on(birth_ymd, s->today_ymd);
	SET(p->relation, plan->relation);
	SET(p->gender, plan->gender == MALE ? "男" : "女");
	/* Members born into the family share its 民族; those who married in may differ. */
	SET(p->nation, plan->own_surname ? nation : PICK(r, nations));
	assign_school_education(r, p, age);
	assign_health(r, p, age);
	assign_labor_work(r, p, age);
	SET(p->insured, chance(r, 9800) ? "是" : "否");
}

/* ---- households --------------------------------------------------------------------------- */

/* A child's birth year: 20–40 years after both parents (b2 < 0: single parent), never in
 * the future. Returns -1 when no year fits. */
static int child_birth_year(rng *r, int b1, int b2, int today_year)
{
	int lo = b1 + 20, hi = b1 + 40;
	if (b2 > 0) {
		lo = b2 + 20 > lo ? b2 + 20 : lo;
		hi = b2 + 40 < hi ? b2 + 40 : hi;
	}
	if (hi > today_year)
		hi = today_year;
	/* Most children arrive when parents are in their twenties. */
	if (hi > lo + 10 && chance(r, 7000))
		hi = lo + 10;
	return lo <= hi ? between(r, lo, hi) : -1;
}

typedef struct age_band {
	uint32_t weight;
	int lo, hi;
} age_band;

/* The 户主's age by household size: people living alone are mostly old, couples with
 * children are middle-aged; rural registries skew old (young adults are away working but
 * stay registered in their parents' household). */
static int head_age_for(rng *r, int n)
{
	static const age_band alone[] = {{50, 70, 92}, {35, 55, 69}, {15, 40, 54}};
	static const age_band pair[] = {{55, 60, 88}, {30, 45, 59}, {15, 35, 44}};
	static const age_band family[] = {{25, 30, 40}, {45, 41, 55}, {30, 56, 78}};
	const age_band *b = n == 1 ? alone : n == 2 ? pair : family;
	uint32_t w[3] = {b[0].weight, b[1].weight, b[2].weight};
	size_t k = pick_index(r, w, 3);
	return between(r, b[k].lo, b[k].hi);
}

static int clamp_birth_year(int by, int today_year)
{
	int min = today_year - SYNTH_MAX_AGE;
	return by < min ? min : by > today_year ? today_year : by;
}

/* Plans relations, genders and birth years for a household of n; returns members planned. */
static int plan_household(rng *r, int n, int today_year, member_plan *plan)
{
	int k = 0;
	int head_age = head_age_for(r, n);
	int head_gender = chance(r, 8500) ? MALE : FEMALE;
	int hb = today_year - head_age;
	plan[k++] = (member_plan){"户主", head_gender, hb, 1};

	int sb = -1;
	if (n > 1 && chance(r, n == 2 ? 7000 : 9000)) {
		/* Wives are usually a little younger. */
		int diff = between(r, -2, 6);
		sb = clamp_birth_year(head_gender == MALE ? hb + diff : hb - diff, today_year);
		plan[k++] = (member_plan){"配偶", head_gender == MALE ? FEMALE : MALE, sb, 0};
	}
	if (k < n && head_age <= 50 && chance(r, 2500)) {
		int both = n - k >= 2 && chance(r, 5000);
		if (both || chance(r, 6000))
			plan[k++] = (member_plan){"之母", FEMALE,
			                          clamp_birth_year(hb - between(r, 22, 38), today_year), 0};
		if (k < n && (both || plan[k - 1].gender != FEMALE))
			plan[k++] = (member_plan){"之父", MALE,
			                          clamp_birth_year(hb - between(r, 22, 38), today_year), 1};
	}
	/* Older heads often live with a married son and his children (三代同堂). */
	if (n - k >= 3 && head_age >= 50 && chance(r, 6000)) {
		int son = child_birth_year(r, hb, sb, today_year - 24);
		if (son > 0) {
			int dil = son + between(r, -3, 2);
			plan[k++] = (member_plan){"之子", MALE, son, 1};
			plan[k++] = (member_plan){"之儿媳", FEMALE, dil, 0};
			while (k < n) {
				int g = chance(r, 5200) ? MALE : FEMALE;
				int by = child_birth_year(r, son, dil, today_year);
				if (by < 0)
					break;
				plan[k++] = (member_plan){g == MALE ? "之孙子" : "之孙女", g, by, 1};
			}
		}
	}
	while (k < n) {
		int g = chance(r, 5200) ? MALE : FEMALE;
		int by = child_birth_year(r, hb, sb, today_year);
		if (by < 0)
			break;
		plan[k++] = (member_plan){g == MALE ? "之子" : "之女", g, by, 1};
	}
	return k;
}

static void make_phone(rng *r, char out[12])
{
	static const weighted pw[] = {{"13", 40}, {"15", 25}, {"18", 20}, {"17", 6},
	                              {"19", 6},  {"14", 2},  {"16", 1}};
	char p[12];
	snprintf(p, sizeof p, "%s%09u", PICK(r, pw), below(r, 1000000000u));
	set(out, 12, p);
}

/* The 帮扶责任人 pool of a village: 8 cadres whose names depend on (seed, village) only,
 * so the same person turns up across that village's households. */
static void helper_name(const zx_synth *s, size_t village, uint32_t which, char *out, size_t cap)
{
	rng hr;
	rng_seed(&hr, s->seed ^ ((uint64_t)village << 8 | which) ^ 0x68656c706572ULL);
	int g = chance(&hr, 6000) ? MALE : FEMALE;
	make_name(&hr, out, cap, PICK(&hr, surnames), g, between(&hr, 1965, 1998));
}

static int birth_of_id(const char *id)
{
	int ymd = 0;
	for (int i = 6; i < 14; i++)
		ymd = ymd * 10 + (id[i] - '0');
	return ymd;
}

/* A monitored household's risk shows in its members: 因病 means someone is ill, etc. */
static void apply_risk(zx_synth *s, rng *r, zx_synth_household *h)
{
	int ill = !strcmp(h->risk_type, "因病"), disabled = !strcmp(h->risk_type, "因残");
	if (!strcmp(h->risk_type, "住房出现安全问题"))
		SET(h->housing_safe, "否");
	if (!ill && !disabled)
		return;
	zx_synth_person *p = &h->m[below(r, (uint32_t)h->n)];
	if (ill) {
		SET(p->health, chance(r, 7000) ? "患有大病" : "长期慢性病");
		SET(p->disability, "");
	} else {
		SET(p->health, "残疾");
		SET(p->disability, PICK(r, disability_levels));
	}
	assign_labor_work(r, p, age_on(birth_of_id(p->id), s->today_ymd));
}

void zx_synth_next(zx_synth *s, zx_synth_household *out)
{
	memset(out, 0, sizeof *out);
	rng r;
	uint64_t mix = s->seed;
	(void)splitmix64(&mix);
	rng_seed(&r, mix ^ (s->index * 0xd1b54a32d192ed03ULL));
	s->index++;

	size_t v = pick_village(s, &r);
	const char *village = s->villages[v];
	s->serial[v]++;
	snprintf(out->hh_no, sizeof out->hh_no, "%s%04u", village, s->serial[v]);
	SET(out->village, village);
	char group[16];
	snprintf(group, sizeof group, "%u组", 1 + below(&r, s->ngroups[v]));
	SET(out->group, group);

	/* Household sizes 1..7, mean ≈ 3 (a county of 1M people has ≈ 330k households). */
	static const uint32_t size_weights[SYNTH_MAX_MEMBERS] = {17, 27, 22, 17, 10, 5, 2};
	int n = 1 + (int)pick_index(&r, size_weights, SYNTH_MAX_MEMBERS);
	member_plan plan[SYNTH_MAX_MEMBERS];
	out->n = plan_household(&r, n, s->today_year, plan);

	const char *surname = PICK(&r, surnames);
	const char *nation = PICK(&r, nations);
	for (int i = 0; i < out->n; i++)
		make_person(s, &r, village, surname, nation, &plan[i], &out->m[i]);
	make_phone(&r, out->m[0].phone);

	int tuopin = chance(&r, 1500);
	SET(out->hh_type, tuopin ? "脱贫户" : "一般农户");
	if (tuopin) {
		static const int years[] = {2014, 2015, 2015, 2016, 2016, 2016, 2016, 2017, 2017, 2017,
		                            2017, 2018, 2018, 2018, 2018, 2019, 2019, 2019, 2020, 2020};
		out->tuopin_year = years[below(&r, COUNT(years))];
	}
	SET(out->housing_safe, chance(&r, 9900) ? "是" : "否");
	SET(out->water_safe, chance(&r, 9930) ? "是" : "否");
	/* ≈1.5% monitored overall: former poor households are monitored far more often. */
	if (chance(&r, tuopin ? 500 : 90)) {
		SET(out->category, tuopin ? PICK(&r, categories_tuopin) : PICK(&r, categories_general));
		SET(out->risk_type, PICK(&r, risk_types));
		apply_risk(s, &r, out);
	}
	if (tuopin || out->category[0])
		helper_name(s, v, below(&r, 8), out->helper, sizeof out->helper);
}
