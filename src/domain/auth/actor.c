/*
 * actor.c — the role table. One row per role; every permission question is a
 * column of this table, so adding a role means adding one row.
 */
#include "domain/auth/actor.h"

#include <stdio.h>
#include <string.h>

typedef struct role_def {
	const char *key;
	const char *name;
	bool personal_data;
	bool manage_users;
	bool read_audit;
	bool unmask;
	int min_level; /* highest area (smallest level number) the role may hold */
	int max_level;
} role_def;

static const role_def roles[ZX_ROLE__COUNT] = {
    [ZX_ROLE_NONE] = {"", "", false, false, false, false, 0, 0},
    [ZX_ROLE_COUNTY_ADMIN] = {"county_admin", "县级管理员", true, true, false, true, 3, 3},
    [ZX_ROLE_TOWN_ADMIN] = {"town_admin", "乡镇管理员", true, true, false, true, 4, 4},
    [ZX_ROLE_VILLAGE_CLERK] = {"village_clerk", "村级信息员", true, false, false, false, 5, 5},
    [ZX_ROLE_HELPER] = {"helper", "帮扶责任人", true, false, false, false, 3, 5},
    [ZX_ROLE_DEPT_USER] = {"dept_user", "部门用户", true, false, false, false, 3, 3},
    [ZX_ROLE_SYS_ADMIN] = {"sys_admin", "系统管理员", false, true, false, false, 3, 3},
    [ZX_ROLE_SEC_ADMIN] = {"sec_admin", "安全管理员", false, false, false, false, 3, 3},
    [ZX_ROLE_AUDIT_ADMIN] = {"audit_admin", "审计管理员", false, false, true, false, 3, 3},
};

static const role_def *def(zx_role r)
{
	return (int)r > 0 && r < ZX_ROLE__COUNT ? &roles[r] : &roles[0];
}

const char *zx_role_key(zx_role r)
{
	return def(r)->key;
}

const char *zx_role_name(zx_role r)
{
	return def(r)->name;
}

zx_role zx_role_parse(const char *key)
{
	for (int i = 1; key && i < ZX_ROLE__COUNT; i++)
		if (strcmp(roles[i].key, key) == 0)
			return (zx_role)i;
	return ZX_ROLE_NONE;
}

bool zx_role_sees_personal_data(zx_role r)
{
	return def(r)->personal_data;
}

bool zx_role_manages_users(zx_role r)
{
	return def(r)->manage_users;
}

bool zx_role_reads_audit(zx_role r)
{
	return def(r)->read_audit;
}

bool zx_role_may_unmask(zx_role r)
{
	return def(r)->unmask;
}

void zx_role_levels(zx_role r, int *min_level, int *max_level)
{
	*min_level = def(r)->min_level;
	*max_level = def(r)->max_level;
}

bool zx_role_fits_level(zx_role r, int level)
{
	return r != ZX_ROLE_NONE && level >= def(r)->min_level && level <= def(r)->max_level;
}

void zx_actor_cli(zx_actor *a)
{
	memset(a, 0, sizeof(*a));
	a->user_id = 0;
	snprintf(a->username, sizeof(a->username), "(命令行)");
	snprintf(a->display_name, sizeof(a->display_name), "命令行操作员");
	a->role = ZX_ROLE_COUNTY_ADMIN;
	a->scope = ZX_SCOPE_ALL;
	snprintf(a->client_ip, sizeof(a->client_ip), "local");
}
