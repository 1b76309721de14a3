/*
 * test_import.c — the household import pipeline (domain/registry/import.c) and the change
 * history it writes (domain/registry/history.c): one behaviour per test, each naming the
 * row and column it expects in the error, against a fresh SQLite database of 三台县.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "domain/area/area.h"
#include "domain/registry/history.h"
#include "store/store.h"

#define VILLAGE "510722101001"

typedef struct fixture {
	char dir[64];
	char db[128];
	zx_store *st;
	zx_conn *c;
	zx_actor cli;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/zx-test-import-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof f->db, "%s/t.db", f->dir);
	zx_errinfo ei;
	zx_store_opts o = {.pool_size = 2, .create = true};
	assert_int_equal(zx_store_open(f->db, &o, &f->st, &ei), ZX_OK);
	assert_int_equal(zx_store_migrate(f->st, 0, &ei), ZX_OK);
	f->c = zx_store_acquire(f->st);
	assert_non_null(f->c);
	int64_t n;
	assert_int_equal(zx_tx_begin_write(f->c), ZX_OK);
	assert_int_equal(zx_area_load_county(f->c, "510722", &n, &ei), ZX_OK);
	assert_int_equal(zx_tx_commit(f->c), ZX_OK);
	zx_actor_cli(&f->cli);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	zx_store_release(f->st, f->c);
	zx_store_close(f->st);
	char p[160];
	const char *sfx[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", f->db, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* ---- history ----------------------------------------------------------------------- */

typedef struct hist_rows {
	int n;
	char field[8][64];
	char old_value[8][64];
	char new_value[8][64];
	int64_t person[8];
} hist_rows;

static bool collect(void *ctx, const zx_history_entry *e)
{
	hist_rows *r = ctx;
	if (r->n < 8) {
		snprintf(r->field[r->n], 64, "%s", e->field);
		snprintf(r->old_value[r->n], 64, "%s", e->old_value);
		snprintf(r->new_value[r->n], 64, "%s", e->new_value);
		r->person[r->n] = e->person_id;
		r->n++;
	}
	return true;
}

static void test_history_masks_id_and_phone_and_lists_newest_first(void **state)
{
	fixture *f = *state;
	assert_int_equal(zx_tx_begin_write(f->c), ZX_OK);
	assert_int_equal(zx_history_record(f->c, &f->cli, 7, 0, VILLAGE, "import", "住房安全", "否", "是"),
	                 ZX_OK);
	assert_int_equal(zx_history_record(f->c, &f->cli, 7, 3, VILLAGE, "edit", "证件号码",
	                                   "510722198001011234", "51072219800101123X"),
	                 ZX_OK);
	assert_int_equal(
	    zx_history_record(f->c, &f->cli, 7, 3, VILLAGE, "edit", "联系电话", "13812345678", "13987654321"),
	    ZX_OK);
	assert_int_equal(zx_tx_commit(f->c), ZX_OK);
	hist_rows r = {0};
	assert_int_equal(zx_history_list(f->c, &f->cli, 7, 0, 50, collect, &r), ZX_OK);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.field[0], "联系电话");
	assert_string_equal(r.old_value[0], "138****5678");
	assert_string_equal(r.new_value[0], "139****4321");
	assert_string_equal(r.field[1], "证件号码");
	assert_string_equal(r.old_value[1], "5107**********1234");
	assert_string_equal(r.new_value[1], "5107**********123X");
	assert_int_equal(r.person[1], 3);
	assert_string_equal(r.field[2], "住房安全");
	assert_int_equal(r.person[2], 0);
}

static void test_history_list_is_limited_to_the_actor_scope(void **state)
{
	fixture *f = *state;
	assert_int_equal(zx_tx_begin_write(f->c), ZX_OK);
	assert_int_equal(zx_history_record(f->c, &f->cli, 9, 0, VILLAGE, "import", "组", "1组", "2组"),
	                 ZX_OK);
	assert_int_equal(zx_tx_commit(f->c), ZX_OK);
	zx_actor other = f->cli;
	zx_scope_of_area("510722102000", &other.scope); /* another town */
	hist_rows r = {0};
	assert_int_equal(zx_history_list(f->c, &other, 9, 0, 50, collect, &r), ZX_OK);
	assert_int_equal(r.n, 0);
	zx_scope_of_area("510722101000", &other.scope); /* the village's town */
	assert_int_equal(zx_history_list(f->c, &other, 9, 0, 50, collect, &r), ZX_OK);
	assert_int_equal(r.n, 1);
}

static void test_history_refuses_unknown_source(void **state)
{
	fixture *f = *state;
	assert_int_equal(zx_tx_begin_write(f->c), ZX_OK);
	assert_int_not_equal(zx_history_record(f->c, &f->cli, 1, 0, VILLAGE, "api", "组", "", "1组"), ZX_OK);
	zx_tx_rollback(f->c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_history_masks_id_and_phone_and_lists_newest_first, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_history_list_is_limited_to_the_actor_scope, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_history_refuses_unknown_source, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
