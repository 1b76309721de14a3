/*
 * test_jobs.c — the background job runner (domain/jobs/jobs.c): a submitted job runs on a
 * worker and its outcome lands in the jobs table; live progress is visible while it runs;
 * a job is visible to its creator and the administrators of its area only; jobs left by a
 * previous process are failed at start; stopping fails the queued jobs and frees every arg;
 * at shutdown a running job past its grace period is cancelled and rolled back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/zxtest.h"
#include "domain/area/area.h"
#include "domain/jobs/jobs.h"
#include "store/store.h"

typedef struct fixture {
	char dir[64];
	char db[160];
	zx_store *st;
	zx_conn *c;
	zx_actor clerk, admin, other;
} fixture;

static void actor(zx_actor *a, int64_t id, zx_role role, const char *area)
{
	memset(a, 0, sizeof(*a));
	a->user_id = id;
	snprintf(a->username, sizeof(a->username), "u%lld", (long long)id);
	a->role = role;
	snprintf(a->area_code, sizeof(a->area_code), "%s", area);
	zx_scope_of_area(area, &a->scope);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/zx-test-jobs-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	zxt_db_location(f->dir, "t.db", f->db, sizeof f->db);
	zx_errinfo ei;
	zx_store_opts o = {.pool_size = 4, .create = true};
	assert_int_equal(zx_store_open(f->db, &o, &f->st, &ei), ZX_OK);
	assert_int_equal(zx_store_migrate(f->st, 0, &ei), ZX_OK);
	f->c = zx_store_acquire(f->st);
	actor(&f->clerk, 11, ZX_ROLE_VILLAGE_CLERK, "510722101002");
	actor(&f->admin, 12, ZX_ROLE_TOWN_ADMIN, "510722101000");
	actor(&f->other, 13, ZX_ROLE_VILLAGE_CLERK, "510722101003");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	zx_store_release(f->st, f->c);
	zx_store_close(f->st);
	zxt_db_drop(f->db);
	char p[200];
	const char *sfx[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", f->db, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* A job that reports progress, then waits until the test lets it finish. */
typedef struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool started, release;
	int freed;
	bool ok;
} gate;

static void gate_init(gate *g)
{
	memset(g, 0, sizeof(*g));
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	g->ok = true;
}

static void gated_job(zx_job_run *run, zx_conn *c, void *arg, zx_job_outcome *out)
{
	(void)c;
	gate *g = arg;
	zx_job_progress(run, 3, 10);
	pthread_mutex_lock(&g->mu);
	g->started = true;
	pthread_cond_broadcast(&g->cv);
	while (!g->release)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
	zx_job_progress(run, 10, 10);
	*out =
	    (zx_job_outcome){.ok = g->ok, .result = "{\"households\":3}", .message = g->ok ? "完成" : "失败"};
}

static void gate_free(void *arg)
{
	gate *g = arg;
	pthread_mutex_lock(&g->mu);
	g->freed++;
	pthread_mutex_unlock(&g->mu);
}

static void wait_started(gate *g)
{
	pthread_mutex_lock(&g->mu);
	while (!g->started)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
}

static void open_gate(gate *g)
{
	pthread_mutex_lock(&g->mu);
	g->release = true;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

static void wait_status(fixture *f, zx_jobs *j, int64_t id, const char *status, zx_job *out)
{
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(zx_job_get(j, f->c, &f->clerk, id, out), ZX_OK);
		if (strcmp(out->status, status) == 0)
			return;
		zx_job_release(out);
		usleep(5000);
	}
	fail_msg("job %lld never became %s", (long long)id, status);
}

static void test_job_runs_with_live_progress_and_records_its_outcome(void **state)
{
	fixture *f = *state;
	zx_jobs *j;
	zx_errinfo ei;
	assert_int_equal(zx_jobs_start(f->st, 1, &j, &ei), ZX_OK);
	gate g;
	gate_init(&g);
	int64_t id = 0;
	assert_int_equal(zx_job_submit(j, f->c, &f->clerk, "test.gated", "510722101002", "{\"a\":1}",
	                               gated_job, &g, gate_free, &id),
	                 ZX_OK);
	assert_true(id > 0);
	wait_started(&g);
	zx_job job;
	wait_status(f, j, id, "running", &job);
	assert_int_equal(job.progress, 3);
	assert_int_equal(job.total, 10);
	assert_string_equal(job.params, "{\"a\":1}");
	zx_job_release(&job);
	open_gate(&g);
	wait_status(f, j, id, "done", &job);
	assert_int_equal(job.progress, 10);
	assert_string_equal(job.result, "{\"households\":3}");
	assert_string_equal(job.message, "完成");
	assert_true(job.finished_at >= job.started_at && job.started_at > 0);
	zx_job_release(&job);
	zx_jobs_stop(j);
	assert_int_equal(g.freed, 1);
}

static void test_failed_job_is_recorded_failed(void **state)
{
	fixture *f = *state;
	zx_jobs *j;
	zx_errinfo ei;
	assert_int_equal(zx_jobs_start(f->st, 2, &j, &ei), ZX_OK);
	gate g;
	gate_init(&g);
	g.ok = false;
	g.release = true;
	int64_t id;
	assert_int_equal(zx_job_submit(j, f->c, &f->clerk, "test.gated", "510722101002", NULL, gated_job, &g,
	                               gate_free, &id),
	                 ZX_OK);
	zx_job job;
	wait_status(f, j, id, "failed", &job);
	assert_string_equal(job.message, "失败");
	zx_job_release(&job);
	zx_jobs_stop(j);
}

static void test_job_is_visible_to_creator_and_area_admin_only(void **state)
{
	fixture *f = *state;
	zx_jobs *j;
	zx_errinfo ei;
	assert_int_equal(zx_jobs_start(f->st, 1, &j, &ei), ZX_OK);
	gate g;
	gate_init(&g);
	g.release = true;
	int64_t id;
	assert_int_equal(zx_job_submit(j, f->c, &f->clerk, "test.gated", "510722101002", NULL, gated_job, &g,
	                               gate_free, &id),
	                 ZX_OK);
	zx_job job;
	wait_status(f, j, id, "done", &job);
	zx_job_release(&job);
	assert_int_equal(zx_job_get(j, f->c, &f->admin, id, &job), ZX_OK); /* town admin of the area */
	zx_job_release(&job);
	assert_int_equal(zx_job_get(j, f->c, &f->other, id, &job), ZX_ENOTFOUND); /* another village */
	zx_actor clerk2;
	actor(&clerk2, 14, ZX_ROLE_VILLAGE_CLERK, "510722101002"); /* same village, not the creator */
	assert_int_equal(zx_job_get(j, f->c, &clerk2, id, &job), ZX_ENOTFOUND);
	zx_actor town2;
	actor(&town2, 15, ZX_ROLE_TOWN_ADMIN, "510722104000"); /* admin of another town */
	assert_int_equal(zx_job_get(j, f->c, &town2, id, &job), ZX_ENOTFOUND);
	zx_actor sys;
	actor(&sys, 16, ZX_ROLE_SYS_ADMIN, "510722000000"); /* 等保 role: no personal data */
	assert_int_equal(zx_job_get(j, f->c, &sys, id, &job), ZX_ENOTFOUND);
	assert_int_equal(zx_job_get(j, f->c, &f->clerk, id + 100, &job), ZX_ENOTFOUND);
	zx_jobs_stop(j);
}

static void *stop_thread(void *arg)
{
	zx_jobs_stop(arg);
	return NULL;
}

static void test_stop_fails_queued_jobs_and_frees_their_args(void **state)
{
	fixture *f = *state;
	zx_jobs *j;
	zx_errinfo ei;
	assert_int_equal(zx_jobs_start(f->st, 1, &j, &ei), ZX_OK);
	gate running, queued;
	gate_init(&running);
	gate_init(&queued);
	int64_t id1, id2;
	assert_int_equal(zx_job_submit(j, f->c, &f->clerk, "test.gated", "510722101002", NULL, gated_job,
	                               &running, gate_free, &id1),
	                 ZX_OK);
	wait_started(&running);
	assert_int_equal(zx_job_submit(j, f->c, &f->clerk, "test.gated", "510722101002", NULL, gated_job,
	                               &queued, gate_free, &id2),
	                 ZX_OK);
	pthread_t stopper;
	assert_int_equal(pthread_create(&stopper, NULL, stop_thread, j), 0);
	/* the queued job is failed while the running one still runs */
	zx_job job;
	for (int i = 0;; i++) {
		assert_int_equal(zx_job_get(NULL, f->c, &f->clerk, id2, &job), ZX_OK);
		bool failed = strcmp(job.status, "failed") == 0;
		if (failed)
			break;
		zx_job_release(&job);
		assert_true(i < 2000);
		usleep(5000);
	}
	assert_non_null(strstr(job.message, "服务已停止"));
	zx_job_release(&job);
	open_gate(&running); /* the running one is allowed to finish */
	pthread_join(stopper, NULL);
	assert_int_equal(running.freed, 1);
	assert_int_equal(queued.freed, 1);
	assert_false(queued.started);
	assert_int_equal(zx_job_get(NULL, f->c, &f->clerk, id1, &job), ZX_OK);
	assert_string_equal(job.status, "done");
	zx_job_release(&job);
}

/* A job that writes row after row in one transaction until a statement fails. */
typedef struct looper {
	_Atomic int rows;
	int freed;
} looper;

static void looping_job(zx_job_run *run, zx_conn *c, void *arg, zx_job_outcome *out)
{
	(void)run;
	looper *l = arg;
	zx_err e = zx_tx_begin_write(c);
	for (int i = 0; !e && i < 1000000; i++) {
		char name[32];
		snprintf(name, sizeof name, "loop%d", i);
		e = zx_exec(c, NULL, ZXQ_login_throttle_set, ZX_ARGS(ZX_TEXT(name), ZX_INT(1), ZX_INT(0)),
		            NULL);
		if (!e)
			atomic_fetch_add(&l->rows, 1);
		if (i > 20)
			usleep(500);
	}
	if (!e)
		e = zx_tx_commit(c);
	zx_tx_rollback(c);
	out->ok = !e;
	out->message = e ? "写入失败" : "完成";
}

static void looper_free(void *arg)
{
	((looper *)arg)->freed++;
}

/* Shutdown: quiesce takes no new job, the running one is waited for, then cancelled —
 * its next statement fails, its transaction rolls back, it is recorded failed with the
 * cancel message — and the runner stops cleanly. */
static void test_cancel_rolls_back_the_running_job_and_records_it_failed(void **state)
{
	fixture *f = *state;
	zx_jobs *j;
	zx_errinfo ei;
	assert_int_equal(zx_jobs_start(f->st, 1, &j, &ei), ZX_OK);
	looper l = {.rows = 0};
	int64_t id;
	assert_int_equal(zx_job_submit(j, f->c, &f->clerk, "test.loop", "510722101002", NULL, looping_job, &l,
	                               looper_free, &id),
	                 ZX_OK);
	for (int i = 0; atomic_load(&l.rows) < 20; i++) {
		assert_true(i < 2000);
		usleep(5000);
	}
	zx_jobs_quiesce(j);
	assert_int_equal(zx_jobs_running(j), 1);
	assert_int_equal(zx_jobs_wait(j, 50), 1); /* still writing: the grace period runs out */
	assert_int_equal(zx_jobs_cancel(j), 1);
	assert_int_equal(zx_jobs_wait(j, 10000), 0);
	/* No new job is taken any more. */
	looper l2 = {.rows = 0};
	assert_int_not_equal(zx_job_submit(j, f->c, &f->clerk, "test.loop", "510722101002", NULL, looping_job,
	                                   &l2, looper_free, NULL),
	                     ZX_OK);
	assert_int_equal(l2.freed, 1);
	assert_int_equal(atomic_load(&l2.rows), 0);
	assert_true(atomic_load(&l.rows) >= 20);
	zx_job job;
	assert_int_equal(zx_job_get(NULL, f->c, &f->clerk, id, &job), ZX_OK);
	assert_string_equal(job.status, "failed");
	assert_non_null(strstr(job.message, "已中止并回滚"));
	zx_job_release(&job);
	zx_jobs_stop(j);
	assert_int_equal(l.freed, 1);
	/* Nothing of the job's transaction is in the database. */
	zx_stmt *s;
	assert_int_equal(zx_query_open(f->c, NULL, ZXQ_login_throttle_get, ZX_ARGS(ZX_TEXT("loop0")), &s),
	                 ZX_OK);
	bool row = true;
	assert_int_equal(zx_stmt_next(s, &row), ZX_OK);
	zx_stmt_done(s);
	assert_false(row);
}

static void test_start_fails_jobs_left_by_a_previous_process(void **state)
{
	fixture *f = *state;
	zx_jobs *j;
	zx_errinfo ei;
	assert_int_equal(zx_jobs_start(f->st, 1, &j, &ei), ZX_OK);
	gate g;
	gate_init(&g);
	int64_t id;
	assert_int_equal(zx_job_submit(j, f->c, &f->clerk, "test.gated", "510722101002", NULL, gated_job, &g,
	                               gate_free, &id),
	                 ZX_OK);
	wait_started(&g);
	/* a second runner over the same database = the next server start after a crash */
	zx_jobs *next;
	assert_int_equal(zx_jobs_start(f->st, 1, &next, &ei), ZX_OK);
	zx_job job;
	assert_int_equal(zx_job_get(next, f->c, &f->clerk, id, &job), ZX_OK);
	assert_string_equal(job.status, "failed");
	assert_non_null(strstr(job.message, "重启"));
	zx_job_release(&job);
	zx_jobs_stop(next);
	open_gate(&g);
	zx_jobs_stop(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_job_runs_with_live_progress_and_records_its_outcome, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_failed_job_is_recorded_failed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_job_is_visible_to_creator_and_area_admin_only, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_stop_fails_queued_jobs_and_frees_their_args, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_cancel_rolls_back_the_running_job_and_records_it_failed,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_start_fails_jobs_left_by_a_previous_process, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
