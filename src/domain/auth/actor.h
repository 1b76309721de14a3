/*
 * actor.h — who is acting: user, role and area scope. Every domain call that reads
 * or writes personal data takes a const zx_actor *, and its scope is what the store
 * binds into scoped queries.
 *
 * Roles (domain.md §1). The three 等保 roles (sys_admin, sec_admin, audit_admin)
 * never receive personal data (三权分立): zx_role_sees_personal_data() is false.
 */
#ifndef ZX_ACTOR_H
#define ZX_ACTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

typedef enum zx_role {
	ZX_ROLE_NONE = 0,
	ZX_ROLE_COUNTY_ADMIN,
	ZX_ROLE_TOWN_ADMIN,
	ZX_ROLE_VILLAGE_CLERK,
	ZX_ROLE_HELPER,
	ZX_ROLE_DEPT_USER,
	ZX_ROLE_SYS_ADMIN,
	ZX_ROLE_SEC_ADMIN,
	ZX_ROLE_AUDIT_ADMIN,
	ZX_ROLE__COUNT
} zx_role;

typedef struct zx_actor {
	int64_t user_id; /* 0 for the operator running the CLI */
	char username[64];
	char display_name[128];
	zx_role role;
	char area_code[13];
	zx_scope scope;
	char client_ip[64];
} zx_actor;

const char *zx_role_key(zx_role r);     /* "county_admin" */
const char *zx_role_name(zx_role r);    /* "县级管理员" */
zx_role zx_role_parse(const char *key); /* ZX_ROLE_NONE if unknown */

bool zx_role_sees_personal_data(zx_role r);
bool zx_role_manages_users(zx_role r);
bool zx_role_reads_audit(zx_role r);
bool zx_role_may_unmask(zx_role r);
/* Lowest area level (3 县, 4 乡镇, 5 村) a role may be bound to, and the highest. */
bool zx_role_fits_level(zx_role r, int level);
/* The range of area levels a role may be bound to (3 县 … 5 村). */
void zx_role_levels(zx_role r, int *min_level, int *max_level);

/* The operator at the command line: whole database, all rights of a county admin. */
void zx_actor_cli(zx_actor *a);

#endif
