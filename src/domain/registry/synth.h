/*
 * synth.h — a deterministic synthetic rural population for demos, tests and benchmarks.
 *
 * Households look like a Sichuan county's registry: weighted real surnames, consistent
 * family structures (户主, 配偶, children, parents, 儿媳, grandchildren), valid and unique
 * 居民身份证号 whose area is the village's county, and the national template's value lists
 * (see template.h). Nothing here is real personal data.
 *
 * Determinism: the same seed, the same villages (in the same order) and the same today_ymd
 * give a byte-identical sequence of households on every platform (own PRNG, no rand(), no
 * floating point in decisions, every string field zero-padded).
 */
#ifndef ZX_SYNTH_H
#define ZX_SYNTH_H

#include <stddef.h>
#include <stdint.h>

typedef struct zx_synth_person {
	char name[32];
	char id[19];
	char relation[16];
	char gender[4];
	char nation[16];
	char education[24];
	char school[24];
	char health[24];
	char disability[16]; /* 残疾等级, "" unless health is 残疾 */
	char labor[40];
	char work[24];
	int work_months;
	char insured[4];
	char phone[12]; /* 户主 only; "" for others */
} zx_synth_person;

typedef struct zx_synth_household {
	char hh_no[24];    /* village code (12) + serial within the village (4 digits, more if needed) */
	char village[13];  /* 12-digit village code */
	char group[16];    /* "1组".."12组" */
	char hh_type[16];  /* 脱贫户 / 一般农户 */
	char category[24]; /* 监测对象类别, "" when not monitored */
	int tuopin_year;   /* 脱贫年度 for 脱贫户, else 0 */
	char housing_safe[4];
	char water_safe[4];
	char risk_type[32]; /* 风险类型, only for 监测户 */
	char helper[32];    /* 帮扶责任人 for 脱贫户 and 监测户 */
	int n;              /* members, 1..7; m[0] is the 户主 */
	zx_synth_person m[10];
} zx_synth_household;

/* The date synthetic populations are generated "as of": fixed, so that the same seed gives
 * byte-identical households on any day (ages and birth dates do not drift with the
 * calendar). It lies in the past, so no generated birth date is ever in the future. */
#define ZX_SYNTH_AS_OF_YMD 20260101

typedef struct zx_synth zx_synth;

/* A generator over villages (12-digit codes, copied); today_ymd (YYYYMMDD) anchors ages and
 * keeps birth dates in the past. NULL on bad arguments or out of memory. */
zx_synth *zx_synth_new(uint64_t seed, const char *const *villages, size_t nvillages, int today_ymd);
void zx_synth_free(zx_synth *s);

/* Writes the next household of the sequence into out (fully overwritten, padding zeroed). */
void zx_synth_next(zx_synth *s, zx_synth_household *out);

#endif
