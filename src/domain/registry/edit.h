/*
 * edit.h — changing one household by hand: its household-level fields, a member's fields,
 * adding and removing members.
 *
 * Every change runs in one write transaction with its audit row and one history row per
 * changed field (zx_history_record, source "edit"), so all three commit or none does. The
 * rules are the import's (template value lists, ID check character / birth date / gender
 * agreement, one 户主, 脱贫不稳定户 only for 脱贫户, phone format, an ID once per county); the
 * field checks live in rules.h.
 *
 * Values are given as the template spells them (strings: "是", "2016", "6"); NULL leaves a
 * field as it is. Only the county admin, the town admin and the village clerk may edit,
 * inside their scope; a household outside it is ZX_ENOTFOUND.
 */
#ifndef ZX_REGISTRY_EDIT_H
#define ZX_REGISTRY_EDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/crypto.h"
#include "domain/auth/actor.h"
#include "store/store.h"

typedef struct zx_hh_changes {
	const char *village_code; /* 行政区划代码: move to another village of the county */
	const char *group;        /* 组 */
	const char *hh_type;      /* 户类型 */
	const char *category;     /* 监测对象类别 ("" = none) */
	const char *tuopin_year;  /* 脱贫年度 ("" = none) */
	const char *housing_safe; /* 住房安全 是 / 否 / "" */
	const char *water_safe;   /* 饮水安全 */
	const char *risk_type;    /* 风险类型 */
	const char *helper;       /* 帮扶责任人 */
} zx_hh_changes;

typedef struct zx_member_changes {
	const char *name;
	const char *id_number; /* plaintext, 18 characters (lower-case x accepted) */
	const char *relation;
	const char *gender;
	const char *nation;
	const char *education;
	const char *school;
	const char *health;
	const char *disability;
	const char *labor;
	const char *work;
	const char *work_months; /* "" or 0..12 */
	const char *insured;     /* 是 / 否 / "" */
	const char *phone;
	/* When relation becomes 户主: the relation the current 户主 takes instead (e.g. 配偶). */
	const char *previous_head_relation;
} zx_member_changes;

/* True for the roles that may edit the registry (county/town admin, village clerk). */
bool zx_registry_may_edit(zx_role r);

/* *changed (may be NULL) receives the number of fields that changed (0: nothing written). */
zx_err zx_household_edit(zx_conn *c, const zx_actor *a, const char *hh_no, const zx_hh_changes *ch,
                         int *changed, zx_errinfo *ei);
zx_err zx_member_edit(zx_conn *c, const zx_actor *a, const zx_keys *k, const char *hh_no, int64_t person_id,
                      const zx_member_changes *ch, int *changed, zx_errinfo *ei);
/* name, id_number, relation and gender are required. */
zx_err zx_member_add(zx_conn *c, const zx_actor *a, const zx_keys *k, const char *hh_no,
                     const zx_member_changes *ch, int64_t *person_id, zx_errinfo *ei);
/* The 户主 cannot be removed (make another member 户主 first). */
zx_err zx_member_remove(zx_conn *c, const zx_actor *a, const char *hh_no, int64_t person_id, zx_errinfo *ei);

#endif
