/*
 * test_store.c — the storage interface over SQLite: opening, numbered migrations and
 * upgrading an older database, scope enforcement for `scoped` queries (and a catalog
 * check that every query on personal tables is scoped), transactions under injected
 * write faults, WAL readers beside a writer, and the busy timeout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../lib/zxtest.h"

static int setup_db(void **state)
{
	static zxt_db d;
	zxt_db_open(&d, 0);
	*state = &d;
	return 0;
}

static int teardown_db(void **state)
{
	zxt_db_close(*state);
	return 0;
}

/* Raw reads and writes around the store, on either backend (tests/lib/zxtest.h). */
static int64_t count_sql(const char *path, const char *sql)
{
	char v[64];
	return zxt_sql(path, sql, v, sizeof(v)) > 0 ? strtoll(v, NULL, 10) : -1;
}

static void raw_exec(const char *path, const char *sql)
{
	zxt_sql(path, sql, NULL, 0);
}

/* The backend under test, and how many tables, indexes, views… its schema holds. */
static zx_backend test_backend(void)
{
	return zxt_pg_url() ? ZX_BACKEND_PG : ZX_BACKEND_SQLITE;
}

#define SCHEMA_OBJECTS                                                                                       \
	(zxt_pg_url() ? "SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace"           \
	              : "SELECT count(*) FROM sqlite_schema")

/* A fingerprint of the whole schema: objects and constraints, and on SQLite the text of every
 * definition (a rebuilt table's columns and keys show in it). */
#define SCHEMA_SHAPE                                                                                         \
	(zxt_pg_url() ? "SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace)" \
	                " || ':' || (SELECT count(*) FROM pg_constraint"                                             \
	                " WHERE connamespace = current_schema()::regnamespace)"                                      \
	              : "SELECT count(*) || ':' || sum(length(name) + length(coalesce(sql, ''))) FROM sqlite_schema")

static void schema_shape(const char *path, char *out, size_t cap)
{
	assert_true(zxt_sql(path, SCHEMA_SHAPE, out, cap) > 0);
}

static void insert_area(zx_conn *c, const char *code, const char *name, int level, const char *parent)
{
	assert_int_equal(zx_exec(c, NULL, ZXQ_area_insert,
	                         ZX_ARGS(ZX_TEXT(code), ZX_TEXT(name), ZX_INT(level), ZX_TEXT(parent),
	                                 ZX_TEXT(level >= 3 ? "510722" : "")),
	                         NULL),
	                 ZX_OK);
}

static int64_t area_count(zx_conn *c)
{
	int64_t n = -1;
	assert_int_equal(zx_query_int(c, NULL, ZXQ_area_count, ZX_NOARGS, &n), ZX_OK);
	return n;
}

/* --- open and migrate ------------------------------------------------------------------- */

static void test_fresh_database_migrates_to_the_latest_schema_version(void **state)
{
	zxt_db *d = *state;
	int latest = zx_store_latest_version(test_backend());
	assert_true(latest >= 2);
	assert_int_equal(zx_store_backend(d->st), test_backend());
	assert_int_equal(zx_store_schema_version(d->c), latest);
	assert_int_equal(count_sql(d->path, "SELECT max(version) FROM zx_schema"), latest);
	/* Exactly one version row: the version is a value, not a log. */
	assert_int_equal(count_sql(d->path, "SELECT count(*) FROM zx_schema"), 1);
}

static void test_migrating_again_is_a_no_op(void **state)
{
	zxt_db *d = *state;
	int64_t tables = count_sql(d->path, SCHEMA_OBJECTS);
	zx_errinfo ei;
	assert_int_equal(zx_store_migrate(d->st, 0, &ei), ZX_OK);
	assert_int_equal(zx_store_schema_version(d->c), zx_store_latest_version(test_backend()));
	assert_int_equal(count_sql(d->path, SCHEMA_OBJECTS), tables);
}

static void test_upgrade_keeps_rows_written_by_the_previous_schema(void **state)
{
	(void)state;
	int latest = zx_store_latest_version(test_backend());
	char fresh[128], upgraded[128];
	zxt_db f;
	zxt_db_open(&f, latest);
	schema_shape(f.path, fresh, sizeof(fresh));
	zxt_db_close(&f);
	zxt_db d;
	zxt_db_open(&d, latest - 1);
	assert_int_equal(zx_store_schema_version(d.c), latest - 1);
	/* Rows valid since migration 0001, written with plain SQL (the catalog's queries may
	 * already name newer columns). */
	zx_store_release(d.st, d.c);
	d.c = NULL;
	raw_exec(d.path, "INSERT INTO areas (code, name, level, parent, county) VALUES"
	                 " ('510722000000', '三台县', 3, NULL, '510722'),"
	                 " ('510722101000', '潼川镇', 4, '510722000000', '510722');"
	                 "INSERT INTO users (username, display_name, role, area_code, pw_hash, created_at)"
	                 " VALUES ('old_admin', '老管理员', 'county_admin', '510722000000', 'x', 1700000000);"
	                 "INSERT INTO meta (key, value) VALUES ('marker', 'kept');");
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_store_migrate(d.st, 0, &ei), ZX_OK);
	d.c = zx_store_acquire(d.st);
	assert_int_equal(zx_store_schema_version(d.c), latest);
	/* The upgraded schema is the one a new database gets, and nothing old was lost. */
	schema_shape(d.path, upgraded, sizeof(upgraded));
	assert_string_equal(upgraded, fresh);
	assert_int_equal(count_sql(d.path, "SELECT count(*) FROM areas"), 2);
	assert_int_equal(count_sql(d.path, "SELECT count(*) FROM users WHERE username = 'old_admin'"
	                                   " AND area_code = '510722000000' AND created_at = 1700000000"),
	                 1);
	assert_int_equal(count_sql(d.path, "SELECT count(*) FROM meta WHERE value = 'kept'"), 1);
	/* And the upgraded database works through the catalog's queries. */
	assert_int_equal(area_count(d.c), 2);
	zxt_db_close(&d);
}

static void test_each_migration_step_records_its_version(void **state)
{
	(void)state;
	int latest = zx_store_latest_version(test_backend());
	zxt_db d;
	zxt_db_open(&d, 1);
	assert_int_equal(zx_store_schema_version(d.c), 1);
	for (int v = 2; v <= latest; v++) {
		zx_errinfo ei;
		assert_int_equal(zx_store_migrate(d.st, v, &ei), ZX_OK);
		assert_int_equal(zx_store_schema_version(d.c), v);
	}
	zxt_db_close(&d);
}

static void test_database_newer_than_the_program_is_refused(void **state)
{
	zxt_db *d = *state;
	int latest = zx_store_latest_version(test_backend());
	char sql[128];
	snprintf(sql, sizeof(sql), "UPDATE zx_schema SET version = %d", latest + 1);
	raw_exec(d->path, sql);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_store_migrate(d->st, 0, &ei), ZX_EDB);
	assert_string_equal(ei.code, "schema_too_new");
	assert_non_null(strstr(ei.message, "版本"));
}

static void test_failed_migration_leaves_the_previous_version_intact(void **state)
{
	(void)state;
	int latest = zx_store_latest_version(test_backend());
	zxt_db d;
	zxt_db_open(&d, latest - 1);
	int64_t objects = count_sql(d.path, SCHEMA_OBJECTS);
	/* Hand the pooled connection back so that migrate reuses it (opening a new one
	 * would spend writes on its PRAGMAs). */
	zx_store_release(d.st, d.c);
	/* Let CREATE zx_schema and BEGIN through, fail the migration's own SQL. */
	zx_store_fault_after(2);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_store_migrate(d.st, 0, &ei), ZX_EIO);
	zx_store_fault_after(-1);
	d.c = zx_store_acquire(d.st);
	assert_string_equal(ei.code, "migration_failed");
	assert_int_equal(zx_store_schema_version(d.c), latest - 1);
	assert_int_equal(count_sql(d.path, SCHEMA_OBJECTS), objects);
	/* The next run finishes the job. */
	assert_int_equal(zx_store_migrate(d.st, 0, &ei), ZX_OK);
	assert_int_equal(zx_store_schema_version(d.c), latest);
	zxt_db_close(&d);
}

static void test_open_without_create_reports_a_missing_file_in_chinese(void **state)
{
	ZXT_SQLITE_ONLY("a missing database file");
	(void)state;
	zxt_db d;
	zxt_tmpdir(&d);
	zx_store_opts o = {.create = false};
	zx_store *st = (zx_store *)1;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_store_open(d.path, &o, &st, &ei), ZX_EINVAL);
	assert_null(st);
	assert_string_equal(ei.code, "db_not_found");
	assert_non_null(strstr(ei.message, "数据库文件不存在"));
	assert_int_equal(access(d.path, F_OK), -1);
	zxt_rm_rf(d.dir);
}

static void test_open_refuses_a_file_that_is_not_a_database(void **state)
{
	ZXT_SQLITE_ONLY("a file that is not a SQLite database");
	(void)state;
	zxt_db d;
	zxt_tmpdir(&d);
	FILE *f = fopen(d.path, "w");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("这不是数据库 this is not a database\n", f);
	fclose(f);
	zx_store_opts o = {.create = false};
	zx_store *st = NULL;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_store_open(d.path, &o, &st, &ei);
	assert_int_not_equal(e, ZX_OK);
	assert_null(st);
	assert_string_equal(ei.code, "db_open_failed");
	zxt_rm_rf(d.dir);
}

static void test_unreachable_postgresql_server_is_a_chinese_connect_error(void **state)
{
	(void)state;
	/* Nothing listens on port 1: the same answer as a server that is down. */
	zx_store_opts o = {.create = false};
	zx_store *st = (zx_store *)1;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_store_open("postgresql://zx@127.0.0.1:1/zx?connect_timeout=2", &o, &st, &ei);
	assert_int_equal(e, ZX_EIO);
	assert_null(st);
	assert_string_equal(ei.code, "db_connect_failed");
	assert_non_null(strstr(ei.message, "无法连接 PostgreSQL"));
}

static void test_open_refuses_an_empty_url(void **state)
{
	(void)state;
	zx_store *st = NULL;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_store_open("", NULL, &st, &ei), ZX_EINVAL);
	assert_null(st);
	assert_string_equal(ei.code, "missing_db");
}

/* --- scoping ---------------------------------------------------------------------------- */

static void test_scoped_query_without_a_scope_is_refused(void **state)
{
	zxt_db *d = *state;
	zx_stmt *s = (zx_stmt *)1;
	assert_int_equal(zx_query_open(d->c, NULL, ZXQ_household_counts, ZX_NOARGS, &s), ZX_EFORBIDDEN);
	assert_null(s);
	int64_t n;
	assert_int_equal(zx_query_int(d->c, NULL, ZXQ_user_count, ZX_ARGS(ZX_TEXT("")), &n), ZX_EFORBIDDEN);
	assert_int_equal(zx_exec(d->c, NULL, ZXQ_user_delete, ZX_ARGS(ZX_INT(1)), NULL), ZX_EFORBIDDEN);
}

static void test_scoped_query_sees_only_the_scope_it_is_given(void **state)
{
	zxt_db *d = *state;
	zxt_load_county(d);
	zxt_household(d, ZXT_VILLAGE_A1, "HA1-1", 3);
	zxt_household(d, ZXT_VILLAGE_A1, "HA1-2", 2);
	zxt_household(d, ZXT_VILLAGE_A2, "HA2-1", 4);
	zxt_household(d, ZXT_VILLAGE_B1, "HB1-1", 5);
	struct {
		const char *area;
		int64_t hh, persons;
	} want[] = {
	    {ZXT_VILLAGE_A1, 2, 5}, {ZXT_VILLAGE_A2, 1, 4}, {ZXT_TOWN_A, 3, 9},
	    {ZXT_TOWN_B, 1, 5},     {ZXT_COUNTY12, 4, 14},  {"510722101004", 0, 0},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		zx_scope sc;
		zx_scope_of_area(want[i].area, &sc);
		zx_stmt *s;
		assert_int_equal(zx_query_open(d->c, &sc, ZXQ_household_counts, ZX_NOARGS, &s), ZX_OK);
		bool row;
		assert_int_equal(zx_stmt_next(s, &row), ZX_OK);
		assert_true(row);
		assert_int_equal(zx_col_int(s, 0), want[i].hh);
		assert_int_equal(zx_col_int(s, 1), want[i].persons);
		zx_stmt_done(s);
	}
}

/* Tables holding personal data (or rows of it: history keeps masked values). Besides
 * these, every table of the migrated schema with a household_id or person_id column
 * counts (load_personal_tables), so a table added later is covered without an edit here;
 * add a table by name only if it holds personal data without such a column. */
static const char *const personal_named[] = {
    "households",
    "persons",
    "household_changes",
};

enum { MAX_PERSONAL = 64 };
static struct {
	int n;
	char name[MAX_PERSONAL][64];
} personal;

static void add_personal(const char *name)
{
	for (int i = 0; i < personal.n; i++)
		if (strcasecmp(personal.name[i], name) == 0)
			return;
	assert_true(personal.n < MAX_PERSONAL);
	snprintf(personal.name[personal.n++], sizeof(personal.name[0]), "%s", name);
}

static int bytewise(void *ctx, int na, const void *a, int nb, const void *b)
{
	(void)ctx;
	int c = memcmp(a, b, (size_t)(na < nb ? na : nb));
	return c ? c : na - nb;
}

/* Also gives the raw connection stand-ins for the collations the store registers on
 * its own connections, so that queries using them prepare here too. */
static void load_personal_tables(sqlite3 *db)
{
	assert_int_equal(sqlite3_create_collation(db, "zh", SQLITE_UTF8, NULL, bytewise), SQLITE_OK);
	personal.n = 0;
	for (size_t i = 0; i < sizeof(personal_named) / sizeof(personal_named[0]); i++)
		add_personal(personal_named[i]);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT DISTINCT m.name FROM sqlite_schema m, pragma_table_info(m.name) c"
	                                    " WHERE m.type = 'table' AND c.name IN ('household_id', 'person_id')"
	                                    " ORDER BY m.name",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		add_personal((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* Queries on personal tables that may run unscoped, and why. Keep this list short. */
static const char *const unscoped_allowed[] = {
    /* Inserts take the area from the record being written; only domain code that has
     * already checked the caller's scope (registry import/edit, demo) calls them. */
    "household_insert",
    "person_insert",
    "history_insert",
    /* The import's new households and members (zx_bulk: COPY on PostgreSQL), the same
     * inserts as household_insert/person_insert with the household's id given. */
    "import_household_copy",
    "import_person_copy",
    /* Returns only the next free household ids, no row data. */
    "import_household_ids",
    /* Returns no row data, only whether the import's county holds any household yet
     * (a first import skips every duplicate lookup). */
    "import_county_has_households",
};

static int personal_index(const char *table)
{
	for (int t = 0; table && t < personal.n; t++)
		if (strcasecmp(table, personal.name[t]) == 0)
			return t;
	return -1;
}

/* SQLite reports every table a statement reads or writes to the authorizer while it is
 * prepared (a count(*) reads the table with an empty column name), so the check sees
 * tables, not words: a column that happens to be called "households" is no match. */
static int record_personal_tables(void *ctx, int action, const char *a1, const char *a2, const char *db,
                                  const char *trigger)
{
	(void)a2;
	(void)db;
	(void)trigger;
	uint64_t *mask = ctx;
	if (action == SQLITE_READ || action == SQLITE_INSERT || action == SQLITE_UPDATE ||
	    action == SQLITE_DELETE) {
		int t = personal_index(a1);
		if (t >= 0)
			*mask |= UINT64_C(1) << t;
	}
	return SQLITE_OK;
}

/* For text SQLite cannot prepare (PostgreSQL-only): a personal table named right after
 * FROM, JOIN, INTO or UPDATE. */
static uint64_t personal_tables_by_keyword(const char *sql)
{
	static const char *const kw[] = {"FROM", "JOIN", "INTO", "UPDATE"};
	uint64_t mask = 0;
	for (int t = 0; t < personal.n; t++) {
		size_t n = strlen(personal.name[t]);
		for (const char *p = sql; (p = strcasestr(p, personal.name[t])) != NULL; p++) {
			if (isalnum((unsigned char)p[n]) || p[n] == '_')
				continue;
			const char *e = p;
			while (e > sql && isspace((unsigned char)e[-1]))
				e--;
			if (e == p)
				continue; /* part of a longer word */
			for (size_t k = 0; k < sizeof(kw) / sizeof(kw[0]); k++) {
				size_t kl = strlen(kw[k]);
				if ((size_t)(e - sql) >= kl && strncasecmp(e - kl, kw[k], kl) == 0 &&
				    (e - kl == sql || !isalnum((unsigned char)e[-kl - 1])))
					mask |= UINT64_C(1) << t;
			}
		}
	}
	return mask;
}

static bool is_allowed_unscoped(const char *name)
{
	for (size_t i = 0; i < sizeof(unscoped_allowed) / sizeof(unscoped_allowed[0]); i++)
		if (strcmp(unscoped_allowed[i], name) == 0)
			return true;
	return false;
}

/* Which personal tables query q touches, by preparing its SQLite text against the
 * latest schema (db); by keyword where SQLite cannot prepare it (PostgreSQL-only text,
 * or a query the schema cannot run, which the next test reports). */
static uint64_t personal_tables_of(sqlite3 *db, const zx_sql_def *def)
{
	uint64_t mask = 0;
	const char *lite = def->sql[ZX_BACKEND_SQLITE];
	if (lite) {
		sqlite3_set_authorizer(db, record_personal_tables, &mask);
		sqlite3_stmt *st = NULL;
		int rc = sqlite3_prepare_v2(db, lite, -1, &st, NULL);
		sqlite3_set_authorizer(db, NULL, NULL);
		sqlite3_finalize(st);
		if (rc != SQLITE_OK)
			mask |= personal_tables_by_keyword(lite);
	}
	if (def->sql[ZX_BACKEND_PG])
		mask |= personal_tables_by_keyword(def->sql[ZX_BACKEND_PG]);
	return mask;
}

static void test_catalog_every_query_on_personal_tables_is_scoped(void **state)
{
	ZXT_SQLITE_ONLY("reads table names from SQLite EXPLAIN (the catalog is the same for both backends)");
	zxt_db *d = *state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(d->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	load_personal_tables(db);
	int checked = 0, offenders = 0;
	char report[4096] = "";
	for (int q = 0; q < ZXQ__COUNT; q++) {
		const zx_sql_def *def = &zx_sql_defs[q];
		assert_non_null(def->name);
		uint64_t mask = personal_tables_of(db, def);
		for (int t = 0; t < personal.n; t++) {
			if (!(mask & (UINT64_C(1) << t)))
				continue;
			checked++;
			if (!def->scoped && !is_allowed_unscoped(def->name)) {
				offenders++;
				size_t len = strlen(report);
				snprintf(report + len, sizeof(report) - len, " %s(%s)", def->name, personal.name[t]);
			}
		}
	}
	sqlite3_close(db);
	if (offenders)
		fail_msg("unscoped queries on personal tables:%s", report);
	/* The check did look at something: households and persons are queried today. */
	assert_true(checked >= 4);
}

static void test_catalog_every_query_prepares_against_the_latest_schema(void **state)
{
	zxt_db *d = *state;
	/* Through the store's own connection (its collations and PRAGMAs), preparing and
	 * binding only: every $n gets NULL, scoped queries the whole range. */
	zx_val nulls[62];
	for (int i = 0; i < 62; i++)
		nulls[i] = ZX_NULLV;
	char report[4096] = "";
	int failed = 0;
	PGconn *pg = NULL;
	if (zxt_pg_url()) {
		/* PostgreSQL runs what it binds: prepare each query's PostgreSQL text instead. */
		pg = PQconnectdb(d->path);
		assert_int_equal(PQstatus(pg), CONNECTION_OK);
	}
	for (int q = 0; q < ZXQ__COUNT; q++) {
		zx_stmt *st = NULL;
		zx_err e = ZX_OK;
		if (pg) {
			char name[32];
			snprintf(name, sizeof(name), "q%d", q);
			PGresult *r = PQprepare(pg, name, zx_sql_defs[q].sql[ZX_BACKEND_PG], 0, NULL);
			if (PQresultStatus(r) != PGRES_COMMAND_OK) {
				e = ZX_EDB;
				if (getenv("ZXT_LOG"))
					print_message("%s: %s", zx_sql_defs[q].name, PQresultErrorMessage(r));
			}
			PQclear(r);
		} else {
			e = zx_query_open(d->c, &ZX_SCOPE_ALL, (zx_query)q, nulls, 62, &st);
		}
		if (e) {
			failed++;
			size_t len = strlen(report);
			snprintf(report + len, sizeof(report) - len, " %s", zx_sql_defs[q].name);
		}
		zx_stmt_done(st);
	}
	PQfinish(pg);
	if (failed)
		fail_msg("%d queries the migrated schema cannot run (ZXT_LOG=1 shows why):%s", failed, report);
}

static void test_catalog_allow_list_names_only_existing_unscoped_queries(void **state)
{
	(void)state;
	/* A stale entry would silently allow a future query of that name. */
	for (size_t i = 0; i < sizeof(unscoped_allowed) / sizeof(unscoped_allowed[0]); i++) {
		bool found = false;
		for (int q = 0; q < ZXQ__COUNT; q++) {
			if (strcmp(zx_sql_defs[q].name, unscoped_allowed[i]) == 0) {
				found = true;
				assert_false(zx_sql_defs[q].scoped);
			}
		}
		if (!found)
			fail_msg("allow-list names a query that does not exist: %s", unscoped_allowed[i]);
	}
}

/* True if sql has "<…code> BETWEEN $1 AND $2": an area-code column bound to the range. */
static bool binds_range_to_a_code_column(const char *sql)
{
	static const char pat[] = "BETWEEN $1 AND $2";
	for (const char *p = sql; (p = strcasestr(p, pat)) != NULL; p++) {
		const char *end = p;
		while (end > sql && end[-1] == ' ')
			end--;
		const char *start = end;
		while (start > sql && (isalnum((unsigned char)start[-1]) || start[-1] == '_'))
			start--;
		if (end - start >= 4 && strncasecmp(end - 4, "code", 4) == 0)
			return true;
	}
	return false;
}

static void test_catalog_scoped_queries_bind_the_range_to_an_area_code(void **state)
{
	(void)state;
	/* $1/$2 must be the area range, not some other pair of parameters. */
	assert_true(binds_range_to_a_code_column("WHERE u.area_code BETWEEN $1 AND $2"));
	assert_true(binds_range_to_a_code_column("WHERE code BETWEEN $1 AND $2"));
	assert_false(binds_range_to_a_code_column("WHERE ts BETWEEN $1 AND $2"));
	for (int q = 0; q < ZXQ__COUNT; q++) {
		const zx_sql_def *def = &zx_sql_defs[q];
		for (int b = 1; def->scoped && b <= 2; b++) {
			if (def->sql[b] && !binds_range_to_a_code_column(def->sql[b]))
				fail_msg("scoped query %s does not restrict an area code to $1..$2", def->name);
		}
	}
}

static void test_catalog_check_sees_tables_not_words(void **state)
{
	ZXT_SQLITE_ONLY("checks the SQLite EXPLAIN reader");
	zxt_db *d = *state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(d->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	load_personal_tables(db);
	/* Named and discovered tables; the admin hierarchy and accounts are not personal data. */
	assert_int_equal(personal_index("households"), 0);
	assert_int_equal(personal_index("persons"), 1);
	assert_true(personal_index("household_changes") >= 0);
	assert_int_equal(personal_index("areas"), -1);
	assert_int_equal(personal_index("users"), -1);
	zx_sql_def probe = {.name = "probe"};
	/* A count reads the table without naming a column; a join and a subquery count too. */
	probe.sql[ZX_BACKEND_SQLITE] = "SELECT count(*) FROM households";
	assert_int_equal(personal_tables_of(db, &probe), 1u << 0);
	probe.sql[ZX_BACKEND_SQLITE] = "SELECT a.name FROM areas a WHERE EXISTS (SELECT 1 FROM persons p"
	                               " WHERE p.area_code = a.code)";
	assert_int_equal(personal_tables_of(db, &probe), 1u << 1);
	probe.sql[ZX_BACKEND_SQLITE] = "DELETE FROM persons WHERE id = $1";
	assert_int_equal(personal_tables_of(db, &probe), 1u << 1);
	/* A column or alias of that name is not the table. */
	probe.sql[ZX_BACKEND_SQLITE] = "SELECT count(*) AS households FROM areas";
	assert_int_equal(personal_tables_of(db, &probe), 0);
	sqlite3_close(db);
	/* The PostgreSQL fallback reads the word after FROM/JOIN/INTO/UPDATE. */
	assert_int_equal(personal_tables_by_keyword("SELECT x FROM\n  households h"), 1u << 0);
	assert_int_equal(personal_tables_by_keyword("INSERT INTO persons (a) VALUES (1)"), 1u << 1);
	assert_int_equal(personal_tables_by_keyword("UPDATE campaigns SET households = 1"), 0);
	assert_int_equal(personal_tables_by_keyword("SELECT * FROM salespersons"), 0);
}

/* --- statements ------------------------------------------------------------------------- */

static void test_missing_arguments_are_an_internal_error_not_a_null_match(void **state)
{
	zxt_db *d = *state;
	zx_stmt *s;
	assert_int_equal(zx_query_open(d->c, NULL, ZXQ_area_get, ZX_NOARGS, &s), ZX_EINTERNAL);
	assert_int_equal(zx_query_open(d->c, NULL, (zx_query)ZXQ__COUNT, ZX_NOARGS, &s), ZX_EINTERNAL);
}

static void test_same_query_can_be_open_twice_on_one_connection(void **state)
{
	zxt_db *d = *state;
	zxt_load_county(d);
	zx_stmt *outer;
	assert_int_equal(zx_query_open(d->c, NULL, ZXQ_area_children, ZX_ARGS(ZX_TEXT(ZXT_COUNTY12)), &outer),
	                 ZX_OK);
	bool row;
	int towns = 0, villages = 0;
	while (zx_stmt_next(outer, &row) == ZX_OK && row && towns < 3) {
		char town[13];
		snprintf(town, sizeof(town), "%s", zx_col_text(outer, 0));
		zx_stmt *inner;
		assert_int_equal(zx_query_open(d->c, NULL, ZXQ_area_children, ZX_ARGS(ZX_TEXT(town)), &inner),
		                 ZX_OK);
		bool r2;
		while (zx_stmt_next(inner, &r2) == ZX_OK && r2) {
			assert_memory_equal(zx_col_text(inner, 0), town, 9);
			villages++;
		}
		zx_stmt_done(inner);
		/* The outer cursor was not disturbed. */
		assert_string_equal(zx_col_text(outer, 0), town);
		towns++;
	}
	zx_stmt_done(outer);
	assert_int_equal(towns, 3);
	assert_true(villages > 3);
}

static void test_text_and_null_columns_read_back(void **state)
{
	zxt_db *d = *state;
	insert_area(d->c, "510000000000", "四川省", 1, NULL);
	zx_stmt *s;
	assert_int_equal(zx_query_open(d->c, NULL, ZXQ_area_get, ZX_ARGS(ZX_TEXT("510000000000")), &s), ZX_OK);
	bool row;
	assert_int_equal(zx_stmt_next(s, &row), ZX_OK);
	assert_true(row);
	assert_int_equal(zx_stmt_ncols(s), 5);
	assert_string_equal(zx_col_text(s, 1), "四川省");
	assert_int_equal(zx_col_int(s, 2), 1);
	assert_string_equal(zx_col_text(s, 3), ""); /* coalesce(parent, '') */
	assert_string_equal(zx_col_name(s, 0), "code");
	assert_int_equal(zx_stmt_next(s, &row), ZX_OK);
	assert_false(row);
	zx_stmt_done(s);
	int64_t v;
	assert_int_equal(zx_query_int(d->c, NULL, ZXQ_area_child_count, ZX_ARGS(ZX_TEXT("nothing")), &v), ZX_OK);
	assert_int_equal(v, 0);
}

/* --- transactions and faults ----------------------------------------------------------- */

static void test_rollback_discards_the_transaction(void **state)
{
	zxt_db *d = *state;
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	assert_true(zx_tx_active(d->c));
	insert_area(d->c, "510000000000", "四川省", 1, NULL);
	assert_int_equal(area_count(d->c), 1);
	zx_tx_rollback(d->c);
	assert_false(zx_tx_active(d->c));
	assert_int_equal(area_count(d->c), 0);
	zx_tx_rollback(d->c); /* harmless without a transaction */
}

static void test_nested_transactions_are_refused(void **state)
{
	zxt_db *d = *state;
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	assert_int_equal(zx_tx_begin_write(d->c), ZX_EINTERNAL);
	assert_int_equal(zx_tx_begin_read(d->c), ZX_EINTERNAL);
	zx_tx_rollback(d->c);
	assert_int_equal(zx_tx_commit(d->c), ZX_EINTERNAL);
}

static void test_injected_write_fault_fails_with_eio_and_the_transaction_rolls_back(void **state)
{
	zxt_db *d = *state;
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	insert_area(d->c, "510000000000", "四川省", 1, NULL);
	zx_store_fault_after(0);
	zx_err e = zx_exec(d->c, NULL, ZXQ_area_insert,
	                   ZX_ARGS(ZX_TEXT("510700000000"), ZX_TEXT("绵阳市"), ZX_INT(2), ZX_TEXT("510000000000"),
	                           ZX_TEXT("")),
	                   NULL);
	assert_int_equal(e, ZX_EIO);
	/* Reads still work while writes fail; rollback is never refused. */
	assert_int_equal(area_count(d->c), 1);
	zx_tx_rollback(d->c);
	zx_store_fault_after(-1);
	assert_false(zx_tx_active(d->c));
	/* Neither row survived: the first write went with the transaction. */
	assert_int_equal(area_count(d->c), 0);
	assert_int_equal(count_sql(d->path, "SELECT count(*) FROM areas"), 0);
}

static void test_fault_after_n_lets_exactly_n_writes_through(void **state)
{
	zxt_db *d = *state;
	zx_store_fault_after(3);
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK); /* 1 */
	insert_area(d->c, "510000000000", "四川省", 1, NULL); /* 2 */
	insert_area(d->c, "510700000000", "绵阳市", 2, "510000000000"); /* 3 */
	assert_int_equal(zx_exec(d->c, NULL, ZXQ_area_insert,
	                         ZX_ARGS(ZX_TEXT("510722000000"), ZX_TEXT("三台县"), ZX_INT(3),
	                                 ZX_TEXT("510700000000"), ZX_TEXT("510722")),
	                         NULL),
	                 ZX_EIO);
	zx_tx_rollback(d->c);
	zx_store_fault_after(-1);
	assert_int_equal(area_count(d->c), 0);
}

static void test_fault_at_commit_rolls_back_and_leaves_no_transaction(void **state)
{
	zxt_db *d = *state;
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	insert_area(d->c, "510000000000", "四川省", 1, NULL);
	zx_store_fault_after(0);
	assert_int_equal(zx_tx_commit(d->c), ZX_EIO);
	zx_store_fault_after(-1);
	assert_false(zx_tx_active(d->c));
	assert_int_equal(area_count(d->c), 0);
	/* The connection is usable again. */
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	insert_area(d->c, "510000000000", "四川省", 1, NULL);
	assert_int_equal(zx_tx_commit(d->c), ZX_OK);
	assert_int_equal(count_sql(d->path, "SELECT count(*) FROM areas"), 1);
}

static void test_release_inside_a_transaction_rolls_it_back(void **state)
{
	zxt_db *d = *state;
	zx_conn *c = zx_store_acquire(d->st);
	assert_non_null(c);
	assert_int_equal(zx_tx_begin_write(c), ZX_OK);
	insert_area(c, "510000000000", "四川省", 1, NULL);
	zx_store_release(d->st, c);
	assert_int_equal(area_count(d->c), 0);
	/* The writer lock went with it: another connection can write at once. */
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	zx_tx_rollback(d->c);
}

static void test_foreign_keys_are_enforced_on_every_connection(void **state)
{
	zxt_db *d = *state;
	/* users.area_code references areas(code): an unknown area is a conflict. */
	zx_err e = zx_exec(d->c, NULL, ZXQ_user_insert,
	                   ZX_ARGS(ZX_TEXT("ghost"), ZX_TEXT(""), ZX_TEXT("county_admin"), ZX_TEXT("999999000000"),
	                           ZX_TEXT("x"), ZX_INT(0), ZX_INT(1)),
	                   NULL);
	assert_int_equal(e, ZX_ECONFLICT);
	assert_int_equal(count_sql(d->path, "SELECT count(*) FROM users"), 0);
}

static void test_database_is_in_wal_mode(void **state)
{
	ZXT_SQLITE_ONLY("WAL journal mode");
	zxt_db *d = *state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(d->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_reader_sees_the_last_commit_while_a_writer_works(void **state)
{
	zxt_db *d = *state;
	insert_area(d->c, "510000000000", "四川省", 1, NULL);
	zx_conn *w = zx_store_acquire(d->st);
	assert_non_null(w);
	assert_int_equal(zx_tx_begin_write(w), ZX_OK);
	insert_area(w, "510700000000", "绵阳市", 2, "510000000000");
	/* WAL: the reader is neither blocked nor shown the uncommitted row. */
	assert_int_equal(zx_tx_begin_read(d->c), ZX_OK);
	assert_int_equal(area_count(d->c), 1);
	assert_int_equal(zx_tx_commit(w), ZX_OK);
	/* A read transaction keeps its snapshot until it ends. */
	assert_int_equal(area_count(d->c), 1);
	assert_int_equal(zx_tx_commit(d->c), ZX_OK);
	assert_int_equal(area_count(d->c), 2);
	zx_store_release(d->st, w);
}

static void test_second_writer_waits_out_the_busy_timeout_then_fails_cleanly(void **state)
{
	ZXT_SQLITE_ONLY("SQLite has one writer at a time; PostgreSQL writers lock rows, not the database");
	zxt_db *d = *state;
	/* A second store on the same file, with a short busy timeout. */
	zx_store *other = zxt_open(d->path, 2, 50);
	zx_conn *c2 = zx_store_acquire(other);
	assert_non_null(c2);
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	zx_err e = zx_tx_begin_write(c2);
	assert_int_not_equal(e, ZX_OK);
	assert_false(zx_tx_active(c2));
	assert_int_equal(zx_tx_commit(d->c), ZX_OK);
	/* Once the first writer is done, the second gets the lock. */
	assert_int_equal(zx_tx_begin_write(c2), ZX_OK);
	insert_area(c2, "510000000000", "四川省", 1, NULL);
	assert_int_equal(zx_tx_commit(c2), ZX_OK);
	zx_store_release(other, c2);
	zx_store_close(other);
	assert_int_equal(area_count(d->c), 1);
}

static void test_integrity_check_passes_on_a_sound_database(void **state)
{
	zxt_db *d = *state;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_store_integrity(d->c, &ei), ZX_OK);
}

static void test_backup_copies_committed_rows(void **state)
{
	ZXT_SQLITE_ONLY("the SQLite online backup API (PostgreSQL: pg_dump)");
	zxt_db *d = *state;
	insert_area(d->c, "510000000000", "四川省", 1, NULL);
	char dest[160];
	snprintf(dest, sizeof(dest), "%s/backup.db", d->dir);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_store_backup(d->st, dest, &ei), ZX_OK);
	assert_int_equal(count_sql(dest, "SELECT count(*) FROM areas WHERE name = '四川省'"), 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_db, teardown_db)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_fresh_database_migrates_to_the_latest_schema_version),
	    T(test_migrating_again_is_a_no_op),
	    cmocka_unit_test(test_upgrade_keeps_rows_written_by_the_previous_schema),
	    cmocka_unit_test(test_each_migration_step_records_its_version),
	    T(test_database_newer_than_the_program_is_refused),
	    cmocka_unit_test(test_failed_migration_leaves_the_previous_version_intact),
	    cmocka_unit_test(test_open_without_create_reports_a_missing_file_in_chinese),
	    cmocka_unit_test(test_open_refuses_a_file_that_is_not_a_database),
	    cmocka_unit_test(test_unreachable_postgresql_server_is_a_chinese_connect_error),
	    cmocka_unit_test(test_open_refuses_an_empty_url),
	    T(test_scoped_query_without_a_scope_is_refused),
	    T(test_scoped_query_sees_only_the_scope_it_is_given),
	    T(test_catalog_every_query_on_personal_tables_is_scoped),
	    T(test_catalog_every_query_prepares_against_the_latest_schema),
	    cmocka_unit_test(test_catalog_allow_list_names_only_existing_unscoped_queries),
	    cmocka_unit_test(test_catalog_scoped_queries_bind_the_range_to_an_area_code),
	    T(test_catalog_check_sees_tables_not_words),
	    T(test_missing_arguments_are_an_internal_error_not_a_null_match),
	    T(test_same_query_can_be_open_twice_on_one_connection),
	    T(test_text_and_null_columns_read_back),
	    T(test_rollback_discards_the_transaction),
	    T(test_nested_transactions_are_refused),
	    T(test_injected_write_fault_fails_with_eio_and_the_transaction_rolls_back),
	    T(test_fault_after_n_lets_exactly_n_writes_through),
	    T(test_fault_at_commit_rolls_back_and_leaves_no_transaction),
	    T(test_release_inside_a_transaction_rolls_it_back),
	    T(test_foreign_keys_are_enforced_on_every_connection),
	    T(test_database_is_in_wal_mode),
	    T(test_reader_sees_the_last_commit_while_a_writer_works),
	    T(test_second_writer_waits_out_the_busy_timeout_then_fails_cleanly),
	    T(test_integrity_check_passes_on_a_sound_database),
	    T(test_backup_copies_committed_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
