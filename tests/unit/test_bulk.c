/*
 * test_bulk.c — zx_bulk (store.h): the rows of a named statement written as a batch, with
 * COPY on PostgreSQL and row by row on SQLite, through the household import's queries
 * (import_household_ids, import_household_copy, import_person_copy). On both backends:
 * values arrive exactly (COPY text escaping, NULLs, numbers), reserved ids are new, the
 * count triggers fire, a duplicate is ZX_ECONFLICT, rows not flushed or rolled back leave
 * nothing, and the fault hook and the cancel flag stop a bulk like any statement.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "store/native.h"
#include "../lib/zxtest.h"

static int setup(void **state)
{
	zxt_db *d = calloc(1, sizeof(*d));
	zxt_db_open(d, 0);
	zxt_load_county(d);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	zxt_db *d = *state;
	zx_conn_cancel(d->c, false);
	zx_tx_rollback(d->c);
	zxt_db_close(d);
	free(d);
	return 0;
}

/* n new household ids from the store. */
static void reserve(zxt_db *d, int n, int64_t *ids)
{
	zx_stmt *s;
	assert_int_equal(zx_query_open(d->c, NULL, ZXQ_import_household_ids, ZX_ARGS(ZX_INT(n)), &s), ZX_OK);
	bool row;
	int k = 0;
	while (zx_stmt_next(s, &row) == ZX_OK && row) {
		assert_true(k < n);
		ids[k++] = zx_col_int(s, 0);
	}
	zx_stmt_done(s);
	assert_int_equal(k, n);
}

static zx_err add_household(zx_bulk *b, int64_t id, const char *hh_no, const char *grp, const char *helper,
                            int size)
{
	return zx_bulk_add(b, ZX_ARGS(ZX_INT(id), ZX_TEXT(ZXT_COUNTY), ZX_TEXT(ZXT_VILLAGE_A1),
	                              ZX_TEXT(hh_no), ZX_TEXT(grp), ZX_TEXT("张三"), ZX_TEXT("脱贫户"),
	                              ZX_TEXT(""), ZX_NULLV, ZX_INT(1), ZX_NULLV, ZX_TEXT(""),
	                              ZX_TEXT(helper), ZX_INT(size), ZX_INT(1700000000), ZX_INT(1700000000)));
}

static zx_err add_person(zx_bulk *b, int64_t hid, int seq, const char *name, const char *bidx)
{
	return zx_bulk_add(b, ZX_ARGS(ZX_TEXT(ZXT_COUNTY), ZX_INT(hid), ZX_TEXT(ZXT_VILLAGE_A1), ZX_INT(seq),
	                              ZX_TEXT(name), ZX_TEXT("enc"), ZX_TEXT(bidx),
	                              ZX_TEXT("5107**********0011"), ZX_TEXT("户主"), ZX_TEXT("男"),
	                              ZX_INT(19800101), ZX_TEXT("汉族"), ZX_TEXT(""), ZX_TEXT(""),
	                              ZX_TEXT(""), ZX_TEXT(""), ZX_TEXT(""), ZX_TEXT(""), ZX_NULLV, ZX_INT(0),
	                              ZX_TEXT(""), ZX_TEXT("")));
}

static void test_copy_escape_escapes_backslash_tab_newline_and_carriage_return(void **state)
{
	(void)state;
	const char in[] = "a\tb\nc\rd\\e 张\\N";
	char out[2 * sizeof(in)];
	size_t n = zx_copy_escape(out, in, strlen(in));
	out[n] = '\0';
	assert_string_equal(out, "a\\tb\\nc\\rd\\\\e 张\\\\N");
}

static void test_bulk_rows_arrive_with_their_exact_values(void **state)
{
	zxt_db *d = *state;
	const char *tricky = "组\t1\n\\N 末\r尾\\";
	int64_t ids[2];
	zx_bulk *h = NULL, *p = NULL;
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	reserve(d, 2, ids);
	assert_int_equal(zx_bulk_open(d->c, ZXQ_import_household_copy, &h), ZX_OK);
	assert_int_equal(zx_bulk_open(d->c, ZXQ_import_person_copy, &p), ZX_OK);
	assert_int_equal(add_household(h, ids[0], "5107221010020001", tricky, "\\", 1), ZX_OK);
	assert_int_equal(add_household(h, ids[1], "5107221010020002", "", "", 0), ZX_OK);
	assert_int_equal(add_person(p, ids[0], 1, "李\t四", "b1"), ZX_OK);
	assert_int_equal(zx_bulk_flush(h), ZX_OK);
	assert_int_equal(zx_bulk_pending(h), 0);
	assert_int_equal(zx_bulk_flush(p), ZX_OK);
	zx_bulk_free(h);
	zx_bulk_free(p);
	assert_int_equal(zx_tx_commit(d->c), ZX_OK);

	char v[128], q[200];
	snprintf(q, sizeof(q), "SELECT grp FROM households WHERE id = %lld", (long long)ids[0]);
	zxt_sql(d->path, q, v, sizeof(v));
	assert_string_equal(v, tricky);
	assert_int_equal(zxt_sql_int(d->path, "SELECT count(*) FROM households WHERE helper = '\\'"), 1);
	/* NULLs stay NULL, numbers arrive as numbers. */
	assert_int_equal(zxt_sql_int(d->path,
	                             "SELECT count(*) FROM households WHERE water_safe IS NULL AND "
	                             "tuopin_year IS NULL AND housing_safe = 1 AND created_at = 1700000000"),
	                 2);
	zxt_sql(d->path, "SELECT name FROM persons WHERE id_bidx = 'b1'", v, sizeof(v));
	assert_string_equal(v, "李\t四");
	snprintf(q, sizeof(q), "SELECT household_id FROM persons WHERE id_bidx = 'b1'");
	assert_int_equal(zxt_sql_int(d->path, q), ids[0]);
}

static void test_bulk_reserved_ids_are_new_and_distinct(void **state)
{
	zxt_db *d = *state;
	int64_t a[3], b[3];
	zx_bulk *h = NULL;
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	reserve(d, 3, a);
	assert_int_equal(zx_bulk_open(d->c, ZXQ_import_household_copy, &h), ZX_OK);
	assert_int_equal(add_household(h, a[0], "5107221010020001", "", "", 0), ZX_OK);
	assert_int_equal(zx_bulk_flush(h), ZX_OK);
	reserve(d, 3, b);
	for (int i = 0; i < 3; i++) {
		assert_true(b[i] > a[0]);
		for (int j = 0; j < i; j++)
			assert_true(a[i] != a[j] && b[i] != b[j]);
	}
	zx_bulk_free(h);
	assert_int_equal(zx_tx_commit(d->c), ZX_OK);
}

static void test_bulk_rows_fire_the_count_triggers(void **state)
{
	zxt_db *d = *state;
	int64_t ids[3];
	zx_bulk *h = NULL, *p = NULL;
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	reserve(d, 3, ids);
	assert_int_equal(zx_bulk_open(d->c, ZXQ_import_household_copy, &h), ZX_OK);
	assert_int_equal(zx_bulk_open(d->c, ZXQ_import_person_copy, &p), ZX_OK);
	char hh[20], bidx[8];
	for (int i = 0; i < 3; i++) {
		snprintf(hh, sizeof(hh), "510722101002000%d", i + 1);
		assert_int_equal(add_household(h, ids[i], hh, "", "", 2), ZX_OK);
		for (int s = 1; s <= 2; s++) {
			snprintf(bidx, sizeof(bidx), "b%d%d", i, s);
			assert_int_equal(add_person(p, ids[i], s, "某", bidx), ZX_OK);
		}
	}
	assert_int_equal(zx_bulk_flush(h), ZX_OK);
	assert_int_equal(zx_bulk_flush(p), ZX_OK);
	zx_bulk_free(h);
	zx_bulk_free(p);
	assert_int_equal(zx_tx_commit(d->c), ZX_OK);
	assert_int_equal(
	    zxt_sql_int(d->path, "SELECT households FROM household_counts WHERE area_code = '" ZXT_VILLAGE_A1
	                         "' AND hh_type = '脱贫户'"),
	    3);
	assert_int_equal(zxt_sql_int(d->path,
	                             "SELECT persons FROM household_counts WHERE area_code = '" ZXT_VILLAGE_A1
	                             "' AND hh_type = '脱贫户'"),
	                 6);
	assert_int_equal(zxt_sql_int(d->path, "SELECT count(*) FROM persons"), 6);
}

static void test_bulk_duplicate_is_a_conflict_and_leaves_nothing(void **state)
{
	zxt_db *d = *state;
	int64_t ids[2];
	zx_bulk *h = NULL;
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	reserve(d, 2, ids);
	assert_int_equal(zx_bulk_open(d->c, ZXQ_import_household_copy, &h), ZX_OK);
	zx_err e = add_household(h, ids[0], "5107221010020001", "", "", 0);
	if (!e)
		e = add_household(h, ids[1], "5107221010020001", "", "", 0); /* the same 户编号 */
	if (!e)
		e = zx_bulk_flush(h); /* PostgreSQL: the COPY's constraint error */
	assert_int_equal(e, ZX_ECONFLICT);
	zx_bulk_free(h);
	zx_tx_rollback(d->c);
	assert_int_equal(zxt_sql_int(d->path, "SELECT count(*) FROM households"), 0);
	assert_int_equal(zxt_sql_int(d->path, "SELECT count(*) FROM household_counts WHERE households > 0"),
	                 0);
}

static void test_bulk_rows_not_flushed_are_dropped_with_the_transaction(void **state)
{
	zxt_db *d = *state;
	int64_t ids[1];
	zx_bulk *h = NULL;
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	reserve(d, 1, ids);
	assert_int_equal(zx_bulk_open(d->c, ZXQ_import_household_copy, &h), ZX_OK);
	assert_int_equal(add_household(h, ids[0], "5107221010020001", "", "", 0), ZX_OK);
	zx_bulk_free(h);
	zx_tx_rollback(d->c);
	assert_int_equal(zxt_sql_int(d->path, "SELECT count(*) FROM households"), 0);
	/* The connection is clean for the next transaction. */
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	assert_int_equal(zx_bulk_open(d->c, ZXQ_import_household_copy, &h), ZX_OK);
	assert_int_equal(add_household(h, ids[0] + 1000, "5107221010020001", "", "", 0), ZX_OK);
	assert_int_equal(zx_bulk_flush(h), ZX_OK);
	zx_bulk_free(h);
	assert_int_equal(zx_tx_commit(d->c), ZX_OK);
	assert_int_equal(zxt_sql_int(d->path, "SELECT count(*) FROM households"), 1);
}

static void test_bulk_injected_fault_fails_with_eio_and_nothing_is_written(void **state)
{
	zxt_db *d = *state;
	int64_t ids[40];
	zx_bulk *h = NULL;
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	reserve(d, 40, ids);
	assert_int_equal(zx_bulk_open(d->c, ZXQ_import_household_copy, &h), ZX_OK);
	zx_store_fault_after(10);
	zx_err e = ZX_OK;
	char hh[20];
	for (int i = 0; !e && i < 40; i++) {
		snprintf(hh, sizeof(hh), "51072210100200%02d", i);
		e = add_household(h, ids[i], hh, "", "", 0);
	}
	if (!e)
		e = zx_bulk_flush(h);
	assert_int_equal(e, ZX_EIO);
	zx_store_fault_after(-1);
	zx_bulk_free(h);
	zx_tx_rollback(d->c);
	assert_int_equal(zxt_sql_int(d->path, "SELECT count(*) FROM households"), 0);
}

static void test_bulk_on_a_cancelled_connection_fails_with_eio(void **state)
{
	zxt_db *d = *state;
	int64_t ids[1];
	zx_bulk *h = NULL;
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	reserve(d, 1, ids);
	assert_int_equal(zx_bulk_open(d->c, ZXQ_import_household_copy, &h), ZX_OK);
	zx_conn_cancel(d->c, true);
	zx_err e = add_household(h, ids[0], "5107221010020001", "", "", 0);
	if (!e)
		e = zx_bulk_flush(h);
	assert_int_equal(e, ZX_EIO);
	zx_bulk_free(h);
	zx_tx_rollback(d->c);
	zx_conn_cancel(d->c, false);
	assert_int_equal(zxt_sql_int(d->path, "SELECT count(*) FROM households"), 0);
}

static void test_bulk_refuses_a_scoped_query(void **state)
{
	zxt_db *d = *state;
	zx_bulk *b = (zx_bulk *)1;
	assert_int_equal(zx_bulk_open(d->c, ZXQ_household_counts, &b), ZX_EINTERNAL);
	assert_null(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_copy_escape_escapes_backslash_tab_newline_and_carriage_return),
	    cmocka_unit_test_setup_teardown(test_bulk_rows_arrive_with_their_exact_values, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_reserved_ids_are_new_and_distinct, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_rows_fire_the_count_triggers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_duplicate_is_a_conflict_and_leaves_nothing, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_rows_not_flushed_are_dropped_with_the_transaction,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_injected_fault_fails_with_eio_and_nothing_is_written,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_on_a_cancelled_connection_fails_with_eio, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_refuses_a_scoped_query, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
