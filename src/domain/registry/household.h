/*
 * household.h — writing households and their members into the registry.
 *
 * The record types are plain views (const char * fields) so that the importer, the
 * demo generator and the edit API can fill them from their own buffers. Personal
 * data is encrypted here and nowhere else: 证件号码 and 联系电话 go to the database
 * only as SM4 ciphertext + HMAC-SM3 blind index + masked display form (zx_sealed).
 *
 * Every function writes inside the caller's write transaction; the caller records
 * history (history.h) and audit (audit.h) in the same transaction.
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

/* A personal value as stored: all three strings are "" for a blank value. */
typedef struct zx_sealed {
	char enc[80]; /* base64(iv || SM4-CTR(value)); values are at most 40 bytes */
	char bidx[ZX_BIDX_HEX_LEN + 1];
	char masked[48];
} zx_sealed;

#define ZX_SEALED_MAX_PLAIN 40

/* Seals a 证件号码 / 联系电话 (masks differ). ZX_ETOOBIG past ZX_SEALED_MAX_PLAIN bytes. */
zx_err zx_seal_id(const zx_keys *k, const char *id_number, zx_sealed *out);
zx_err zx_seal_phone(const zx_keys *k, const char *phone, zx_sealed *out);

/* Inserts a new household with its members (caller holds a write transaction).
 * ZX_ECONFLICT if the 户编号 or a member's 证件号码 already exists in the county. */
zx_err zx_household_insert(zx_conn *c, const zx_keys *k, const char *county6, const zx_household_rec *h,
                           int64_t *id_out);

/* The same with the members' values already sealed: ids[i] and phones[i] belong to h->m[i].
 * Lets a caller seal on another thread while this one writes. */
zx_err zx_household_insert_sealed(zx_conn *c, const char *county6, const zx_household_rec *h,
                                  const zx_sealed *ids, const zx_sealed *phones, int64_t *id_out);

/* Rewrites the household row id (inside scope) from h: village, group, type, category,
 * facts, head name (h->m[0].name) and size (h->n). Members are not touched.
 * ZX_ENOTFOUND if the row is not in scope. */
zx_err zx_household_row_update(zx_conn *c, const zx_scope *scope, int64_t id, const zx_household_rec *h);

/* Inserts one member of household_id at position seq (1 = 户主). */
zx_err zx_person_insert(zx_conn *c, const char *county6, int64_t household_id, const char *village, int seq,
                        const zx_person_rec *p, const zx_sealed *id, const zx_sealed *phone, int64_t *id_out);

/* Rewrites every field of member person_id except the 证件号码 (matched by it), moving it to
 * village and position seq. ZX_ENOTFOUND if the row is not in scope. */
zx_err zx_person_row_update(zx_conn *c, const zx_scope *scope, int64_t person_id, const char *village,
                            int seq, const zx_person_rec *p, const zx_sealed *phone);

/* Removes member person_id. ZX_ENOTFOUND if the row is not in scope. */
zx_err zx_person_row_delete(zx_conn *c, const zx_scope *scope, int64_t person_id);

#endif
