/*
 * household.h — writing households and their members into the registry.
 *
 * The record types are plain views (const char * fields) so that the importer, the
 * demo generator and the edit API can fill them from their own buffers. Personal
 * data is encrypted here and nowhere else: 证件号码 and 联系电话 go to the database
 * only as SM4 ciphertext + HMAC-SM3 blind index + masked display form.
 */
#ifndef ZX_HOUSEHOLD_H
#define ZX_HOUSEHOLD_H

#include <stdbool.h>
#include <stdint.h>

#include "base/crypto.h"
#include "domain/auth/actor.h"
#include "store/store.h"

typedef struct zx_person_rec {
	const char *name;
	const char *id_number; /* 18 characters, already validated */
	const char *relation;  /* 与户主关系 */
	const char *gender;    /* 男 / 女 */
	int birth_ymd;
	const char *nation;
	const char *education;
	const char *school; /* 在校生情况 */
	const char *health;
	const char *disability; /* 残疾等级 */
	const char *labor;      /* 劳动技能 */
	const char *work;       /* 务工状况 */
	int work_months;        /* -1 unknown */
	int insured;            /* 医保参保: 1 是, 0 否, -1 unknown */
	const char *phone;      /* "" if none */
} zx_person_rec;

typedef struct zx_household_rec {
	const char *hh_no;    /* 户编号 */
	const char *village;  /* 12-digit 行政区划代码 */
	const char *group;    /* 组 */
	const char *hh_type;  /* 脱贫户 / 一般农户 */
	const char *category; /* 监测对象类别, "" if none */
	int tuopin_year;      /* 0 if none */
	int housing_safe;     /* 1 是, 0 否, -1 unknown */
	int water_safe;
	const char *risk_type;
	const char *helper;
	int n;
	const zx_person_rec *m; /* m[0] is the 户主 */
} zx_household_rec;

/* Inserts a new household with its members (caller holds a write transaction).
 * ZX_ECONFLICT if the 户编号 or a member's 证件号码 already exists in the county. */
zx_err zx_household_insert(zx_conn *c, const zx_keys *k, const char *county6, const zx_household_rec *h,
                           int64_t *id_out);

#endif
