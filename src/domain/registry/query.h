/*
 * query.h — reading the household registry: the list/search of an area, one household
 * with its members, and the audited unmasking of one member's 证件号码 and 联系电话.
 *
 * Scope: every read runs through scoped store queries with the actor's scope or a
 * narrower area inside it. A list asked for an area outside the actor's scope fails
 * with ZX_EFORBIDDEN (403); a household outside it is ZX_ENOTFOUND (404), exactly as if
 * it did not exist. Only masked personal data leaves this module, except through
 * zx_person_unmask(), which writes the audit row before it returns anything.
 */
#ifndef ZX_REGISTRY_QUERY_H
#define ZX_REGISTRY_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/crypto.h"
#include "domain/auth/actor.h"
#include "store/store.h"

/* Exact totals up to this many households; beyond it total_exact is false. */
#define ZX_HH_COUNT_CAP 10000
/* A search (q) pages through at most this many households. */
#define ZX_HH_SEARCH_MAX 500

typedef struct zx_hh_filter {
	const char *area;    /* 12-digit code (6/9 digits accepted); NULL or "" = the actor's area */
	const char *village; /* 12-digit village inside area; NULL or "" = any */
	const char *q;       /* 18-char 证件号码 | 户编号 prefix (digits) | 姓名 prefix; "" = none */
	const char *hh_type; /* 户类型; "" = any */
	const char *category; /* 监测对象类别; "" = any */
	const char *group;    /* 组; "" = any */
} zx_hh_filter;

typedef enum zx_hh_search_kind {
	ZX_HH_SEARCH_NONE, /* the list of the area */
	ZX_HH_SEARCH_ID,   /* exact 证件号码 through the blind index */
	ZX_HH_SEARCH_HHNO, /* 户编号 prefix */
	ZX_HH_SEARCH_NAME, /* 姓名 prefix of the 户主 or any member, Chinese collation order */
} zx_hh_search_kind;

/* How q is read: a valid 18-character ID → ID; 6..30 digits → 户编号 prefix; else a name. */
zx_hh_search_kind zx_hh_search_kind_of(const char *q);

typedef struct zx_hh_summary {
	int64_t id;
	const char *hh_no;
	const char *village_code;
	const char *village_name;
	const char *town_name;
	const char *group;
	const char *head_name;
	const char *head_id_masked;
	int size;
	const char *hh_type;
	const char *category;
	int housing_safe; /* 1 是, 0 否, -1 unknown */
	int water_safe;
	const char *helper;
} zx_hh_summary;

/* Strings are valid only during the call; return false to stop. */
typedef bool (*zx_hh_fn)(void *ctx, const zx_hh_summary *h);

typedef struct zx_hh_count {
	int64_t total;    /* households matching (exact when total_exact) */
	bool total_exact; /* false: at least total (capped) */
} zx_hh_count;

/* One page (limit 1..500 households from offset) of the households matching f, in order:
 * (village, 户编号) for lists, 户编号 for 户编号 searches, collation order of the matching
 * name for name searches. keys: for the blind index of an ID search. */
zx_err zx_household_search(zx_conn *c, const zx_actor *a, const zx_keys *k, const zx_hh_filter *f,
                           int64_t limit, int64_t offset, zx_hh_fn fn, void *ctx, zx_hh_count *count,
                           zx_errinfo *ei);

/* Resolves f->area / f->village against the actor: the scope to read (inside the actor's).
 * ZX_EINVAL for a malformed code, ZX_EFORBIDDEN for one outside the actor's scope. */
zx_err zx_hh_filter_scope(const zx_actor *a, const zx_hh_filter *f, zx_scope *out, char county[7],
                          bool *one_village, zx_errinfo *ei);

/* ---- one household ---------------------------------------------------------------- */

#define ZX_HH_TEXT 256

typedef struct zx_hh_view {
	int64_t id;
	char hh_no[64];
	char village_code[13];
	char village_name[128];
	char town_code[13];
	char town_name[128];
	char group[ZX_HH_TEXT];
	char head_name[ZX_HH_TEXT];
	char hh_type[32];
	char category[32];
	int tuopin_year;  /* 0 = none */
	int housing_safe; /* 1 是, 0 否, -1 unknown */
	int water_safe;
	char risk_type[64];
	char helper[ZX_HH_TEXT];
	int size;
	int64_t created_at;
	int64_t updated_at;
} zx_hh_view;

typedef struct zx_member_view {
	int64_t id;
	int seq;
	char name[ZX_HH_TEXT];
	char id_masked[48];
	char id_bidx[ZX_BIDX_HEX_LEN + 1];
	char relation[32];
	char gender[8];
	int birth_ymd;
	char nation[64];
	char education[32];
	char school[32];
	char health[32];
	char disability[16];
	char labor[48];
	char work[48];
	int work_months; /* -1 unknown */
	int insured;     /* 1 是, 0 否, -1 unknown */
	char phone_masked[48];
} zx_member_view;

/* Members kept per household (a cap against runaway data, far above real families). */
#define ZX_HH_MAX_MEMBERS 100

typedef struct zx_hh_detail {
	zx_hh_view h;
	int n;
	zx_member_view *m; /* n members, 户主 first; owned, see zx_hh_detail_release */
} zx_hh_detail;

/* The household with 户编号 hh_no (in the actor's county) and its members, 户主 first.
 * ZX_ENOTFOUND outside the actor's scope. Release out even on failure. */
zx_err zx_household_get(zx_conn *c, const zx_actor *a, const char *hh_no, zx_hh_detail *out, zx_errinfo *ei);
void zx_hh_detail_release(zx_hh_detail *d);
/* The member with this id, or NULL. */
const zx_member_view *zx_hh_detail_member(const zx_hh_detail *d, int64_t person_id);

/* Derived facts (domain.md §2): 义务教育保障 is 否 when a member is 失学辍学, else 是;
 * 基本医疗保障 is 是 when every member is insured, 否 when one is not, -1 when unknown. */
int zx_hh_education_ok(const zx_hh_detail *d);
int zx_hh_medical_ok(const zx_hh_detail *d);

/* 是 / 否 / "" of a tri-state. */
const char *zx_yes_no(int v);

/* The plaintext 证件号码 and 联系电话 of a member in scope, for roles that may unmask only
 * (ZX_EFORBIDDEN otherwise). Writes the audit row "person.unmask" in its own transaction
 * and returns the values only after it committed. id_out/phone_out: >= 64 bytes. */
zx_err zx_person_unmask(zx_conn *c, const zx_actor *a, const zx_keys *k, int64_t person_id, char *id_out,
                        size_t id_cap, char *phone_out, size_t phone_cap, zx_errinfo *ei);

#endif
