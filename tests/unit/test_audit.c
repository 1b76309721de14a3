/*
 * test_audit.c — the SM3 hash-chained audit log: rows chain to each other, the chain
 * verifies, and any edit, deletion (middle or newest) or forged row is found and
 * named by row id. Tampering goes around zhenxing straight to the database (the sqlite3
 * API on the file, or libpq on PostgreSQL), as an attacker with the file or a login would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../lib/zxtest.h"
#include "domain/auth/audit.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static int setup(void **state)
{
	static zxt_db d;
	zxt_db_open(&d, 0);
	zx_clock_set(1750000000);
	*state = &d;
	return 0;
}

static int teardown(void **state)
{
	zxt_db_close(*state);
	return 0;
}

static void write_rows(zxt_db *d, int n)
{
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_TOWN_ADMIN, ZXT_TOWN_A);
	for (int i = 0; i < n; i++) {
		char obj[32];
		snprintf(obj, sizeof(obj), "user:%d", i + 1);
		zx_clock_advance(7);
		assert_int_equal(zx_audit_write_tx(d->c, &a, "user.create", obj, "ok", "详情 detail"), ZX_OK);
	}
}

/* Tampering and raw reads go around the store, on either backend (zxt_sql). */
static void raw(zxt_db *d, const char *sql)
{
	long n = zxt_sql(d->path, sql, NULL, 0);
	assert_true(n > 0 || strncmp(sql, "UPDATE meta", 11) == 0);
}

static void raw_text(zxt_db *d, const char *sql, char *out, size_t cap)
{
	zxt_sql(d->path, sql, out, cap);
}

static zx_err verify(zxt_db *d, int64_t *rows, int64_t *bad, zx_errinfo *ei)
{
	zx_errinfo_clear(ei);
	return zx_audit_verify(d->c, rows, bad, ei);
}

static void assert_intact(zxt_db *d, int64_t want_rows)
{
	int64_t rows = -1, bad = -1;
	zx_errinfo ei;
	zx_err e = verify(d, &rows, &bad, &ei);
	if (e)
		fail_msg("chain broken: %s (bad id %lld)", ei.message, (long long)bad);
	assert_int_equal(rows, want_rows);
	assert_int_equal(bad, 0);
}

/* Verification fails, naming row `id` in bad_id and in the Chinese message. */
static void assert_broken_at(zxt_db *d, int64_t id, const char *code)
{
	int64_t rows = -1, bad = -1;
	zx_errinfo ei;
	assert_int_equal(verify(d, &rows, &bad, &ei), ZX_EVALIDATION);
	assert_int_equal(bad, id);
	assert_string_equal(ei.code, code);
	char needle[32];
	snprintf(needle, sizeof(needle), "第 %lld 条", (long long)id);
	if (!strstr(ei.message, needle))
		fail_msg("message does not name row %lld: %s", (long long)id, ei.message);
}

static void test_rows_chain_each_to_the_previous_hash(void **state)
{
	zxt_db *d = *state;
	write_rows(d, 4);
	char prev[80], hash[80], sql[128];
	raw_text(d, "SELECT prev_hash FROM audit_log WHERE id = 1", prev, sizeof(prev));
	assert_string_equal(prev, GENESIS);
	for (int id = 2; id <= 4; id++) {
		snprintf(sql, sizeof(sql), "SELECT hash FROM audit_log WHERE id = %d", id - 1);
		raw_text(d, sql, hash, sizeof(hash));
		snprintf(sql, sizeof(sql), "SELECT prev_hash FROM audit_log WHERE id = %d", id);
		raw_text(d, sql, prev, sizeof(prev));
		assert_int_equal(strlen(hash), 64);
		assert_string_equal(prev, hash);
	}
	/* The head in meta names the newest row and its hash. */
	char head[160], want[160];
	raw_text(d, "SELECT hash FROM audit_log WHERE id = 4", hash, sizeof(hash));
	raw_text(d, "SELECT value FROM meta WHERE key = 'audit_head'", head, sizeof(head));
	snprintf(want, sizeof(want), "4:%s", hash);
	assert_string_equal(head, want);
}

static void test_row_records_who_what_and_when(void **state)
{
	zxt_db *d = *state;
	write_rows(d, 1);
	char v[160];
	raw_text(d, "SELECT username || '|' || area_code || '|' || action || '|' || object || '|' || result"
	            " || '|' || client_ip || '|' || ts || '|' || user_id FROM audit_log WHERE id = 1",
	         v, sizeof(v));
	assert_string_equal(v, "t_town_admin|" ZXT_TOWN_A "|user.create|user:1|ok|127.0.0.1|1750000007|9999");
}

static void test_intact_chain_verifies(void **state)
{
	zxt_db *d = *state;
	assert_intact(d, 0);
	write_rows(d, 6);
	assert_intact(d, 6);
}

static void test_editing_any_field_of_a_row_is_detected_and_names_the_row(void **state)
{
	zxt_db *d = *state;
	write_rows(d, 5);
	static const char *const edits[][2] = {
	    {"result", "'fail'"},        {"username", "'mallory'"},  {"action", "'login'"},
	    {"object", "'user:99'"},     {"detail", "''"},           {"area_code", "'510722104000'"},
	    {"client_ip", "'10.6.6.6'"}, {"ts", "ts + 1"},           {"user_id", "NULL"},
	    {"hash", "prev_hash"},       {"prev_hash", "hash"},
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		char saved[1100], sql[1300];
		snprintf(sql, sizeof(sql), "SELECT %s(%s) FROM audit_log WHERE id = 3",
		         zxt_pg_url() ? "quote_nullable" : "quote", edits[i][0]);
		raw_text(d, sql, saved, sizeof(saved));
		snprintf(sql, sizeof(sql), "UPDATE audit_log SET %s = %s WHERE id = 3", edits[i][0], edits[i][1]);
		raw(d, sql);
		assert_broken_at(d, 3, "audit_row_altered");
		/* Put it back: the chain verifies again, so the edit alone was detected. */
		snprintf(sql, sizeof(sql), "UPDATE audit_log SET %s = %s WHERE id = 3", edits[i][0], saved);
		raw(d, sql);
		assert_intact(d, 5);
	}
}

static void test_edited_first_row_is_named(void **state)
{
	zxt_db *d = *state;
	write_rows(d, 3);
	raw(d, "UPDATE audit_log SET result = 'x' WHERE id = 1");
	assert_broken_at(d, 1, "audit_row_altered");
}

static void test_deleting_a_middle_row_names_the_missing_id(void **state)
{
	zxt_db *d = *state;
	write_rows(d, 5);
	raw(d, "DELETE FROM audit_log WHERE id = 3");
	assert_broken_at(d, 3, "audit_row_missing");
}

static void test_deleting_the_first_row_names_it(void **state)
{
	zxt_db *d = *state;
	write_rows(d, 3);
	raw(d, "DELETE FROM audit_log WHERE id = 1");
	assert_broken_at(d, 1, "audit_row_missing");
}

static void test_deleting_the_newest_row_is_detected_by_the_head(void **state)
{
	zxt_db *d = *state;
	write_rows(d, 5);
	raw(d, "DELETE FROM audit_log WHERE id = 5");
	int64_t rows = -1, bad = -1;
	zx_errinfo ei;
	assert_int_equal(verify(d, &rows, &bad, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "audit_tail_missing");
	assert_int_equal(bad, 5);
	assert_int_equal(rows, 4);
}

static void test_deleted_newest_row_stays_detected_after_the_next_write(void **state)
{
	zxt_db *d = *state;
	write_rows(d, 5);
	raw(d, "DELETE FROM audit_log WHERE id = 5");
	/* The next login writes a row: it must not quietly take the deleted row's place. */
	write_rows(d, 1);
	assert_broken_at(d, 5, "audit_row_missing");
	write_rows(d, 2);
	assert_broken_at(d, 5, "audit_row_missing");
}

static void test_deleted_newest_rows_and_head_are_detected(void **state)
{
	zxt_db *d = *state;
	write_rows(d, 5);
	raw(d, "DELETE FROM audit_log WHERE id >= 4; DELETE FROM meta WHERE key = 'audit_head'");
	int64_t rows = -1, bad = -1;
	zx_errinfo ei;
	assert_int_equal(verify(d, &rows, &bad, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "audit_tail_missing");
}

static void test_deleting_every_row_is_detected(void **state)
{
	zxt_db *d = *state;
	write_rows(d, 3);
	raw(d, "DELETE FROM audit_log");
	int64_t rows = -1, bad = -1;
	zx_errinfo ei;
	assert_int_equal(verify(d, &rows, &bad, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "audit_tail_missing");
	assert_int_equal(bad, 1);
}

static void test_renumbering_rows_to_hide_a_deletion_is_detected(void **state)
{
	zxt_db *d = *state;
	write_rows(d, 5);
	raw(d, "DELETE FROM audit_log WHERE id = 3; UPDATE audit_log SET id = id - 1 WHERE id > 3");
	/* Row 3 is now the old row 4, whose hash covered id 4 and the old row 3's hash. */
	assert_broken_at(d, 3, "audit_row_altered");
}

static void test_forged_row_appended_behind_the_head_is_detected(void **state)
{
	zxt_db *d = *state;
	write_rows(d, 3);
	char hash[80], sql[512];
	raw_text(d, "SELECT hash FROM audit_log WHERE id = 3", hash, sizeof(hash));
	snprintf(sql, sizeof(sql),
	         "INSERT INTO audit_log (id, ts, username, action, result, prev_hash, hash)"
	         " VALUES (4, 1, 'x', 'login', 'ok', '%s', '%s')",
	         hash, GENESIS);
	raw(d, sql);
	assert_broken_at(d, 4, "audit_row_altered");
}

static void test_forged_row_stays_detected_after_the_next_write(void **state)
{
	zxt_db *d = *state;
	write_rows(d, 3);
	char hash[80], sql[512];
	raw_text(d, "SELECT hash FROM audit_log WHERE id = 3", hash, sizeof(hash));
	snprintf(sql, sizeof(sql),
	         "INSERT INTO audit_log (id, ts, username, action, result, prev_hash, hash)"
	         " VALUES (4, 1, 'x', 'login', 'ok', '%s', '%s')",
	         hash, GENESIS);
	raw(d, sql);
	write_rows(d, 1);
	assert_broken_at(d, 4, "audit_row_altered");
}

static void test_row_written_inside_a_rolled_back_transaction_leaves_no_trace(void **state)
{
	zxt_db *d = *state;
	write_rows(d, 2);
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	assert_int_equal(zx_audit_write(d->c, &a, "user.delete", "user:1", "ok", ""), ZX_OK);
	zx_tx_rollback(d->c);
	/* Row and head went back together: the chain is whole and the next row is id 3. */
	assert_intact(d, 2);
	write_rows(d, 1);
	assert_intact(d, 3);
}

static void test_failed_audit_write_leaves_the_chain_whole(void **state)
{
	zxt_db *d = *state;
	write_rows(d, 2);
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	/* BEGIN goes through, the row insert fails. */
	zx_store_fault_after(1);
	assert_int_equal(zx_audit_write_tx(d->c, &a, "logout", "session", "ok", ""), ZX_EIO);
	zx_store_fault_after(-1);
	assert_false(zx_tx_active(d->c));
	assert_intact(d, 2);
}

static void test_oversized_fields_are_cut_on_a_character_boundary_and_still_verify(void **state)
{
	zxt_db *d = *state;
	/* 3-byte characters, so a byte cap falls inside one unless cut carefully. */
	static char big[3 * 2000 + 1];
	for (int i = 0; i < 2000; i++)
		memcpy(big + 3 * i, "审", 3);
	big[sizeof(big) - 1] = '\0';
	zx_actor a;
	zxt_actor(&a, ZX_ROLE_COUNTY_ADMIN, ZXT_COUNTY12);
	assert_int_equal(zx_audit_write_tx(d->c, &a, "user.update", big, "ok", big), ZX_OK);
	char v[8000];
	raw_text(d, "SELECT detail FROM audit_log WHERE id = 1", v, sizeof(v));
	size_t n = strlen(v);
	assert_true(n > 0 && n < 1024);
	assert_int_equal(n % 3, 0);
	assert_memory_equal(v, big, n);
	assert_intact(d, 1);
}

static void test_actorless_rows_verify_too(void **state)
{
	zxt_db *d = *state;
	assert_int_equal(zx_audit_write_tx(d->c, NULL, "login", "session", "fail", "unknown"), ZX_OK);
	zx_actor cli;
	zx_actor_cli(&cli);
	assert_int_equal(zx_audit_write_tx(d->c, &cli, "demo.create", ZXT_COUNTY12, "ok", ""), ZX_OK);
	assert_intact(d, 2);
	char v[64];
	raw_text(d, "SELECT coalesce(CAST(user_id AS TEXT), 'null') FROM audit_log WHERE id = 2", v, sizeof(v));
	assert_string_equal(v, "null");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_rows_chain_each_to_the_previous_hash),
	    T(test_row_records_who_what_and_when),
	    T(test_intact_chain_verifies),
	    T(test_editing_any_field_of_a_row_is_detected_and_names_the_row),
	    T(test_edited_first_row_is_named),
	    T(test_deleting_a_middle_row_names_the_missing_id),
	    T(test_deleting_the_first_row_names_it),
	    T(test_deleting_the_newest_row_is_detected_by_the_head),
	    T(test_deleted_newest_row_stays_detected_after_the_next_write),
	    T(test_deleted_newest_rows_and_head_are_detected),
	    T(test_deleting_every_row_is_detected),
	    T(test_renumbering_rows_to_hide_a_deletion_is_detected),
	    T(test_forged_row_appended_behind_the_head_is_detected),
	    T(test_forged_row_stays_detected_after_the_next_write),
	    T(test_row_written_inside_a_rolled_back_transaction_leaves_no_trace),
	    T(test_failed_audit_write_leaves_the_chain_whole),
	    T(test_oversized_fields_are_cut_on_a_character_boundary_and_still_verify),
	    T(test_actorless_rows_verify_too),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
