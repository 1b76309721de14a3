/*
 * jobs.c — the background job runner (see jobs.h): a FIFO of submitted jobs in memory,
 * worker threads each with a database connection of their own, and the jobs table.
 *
 * Invariants: a job's row goes queued -> running -> done|failed and never back; only the
 * worker that took a job writes its row after submission; live progress is guarded by
 * the runner's mutex and exists only while the job runs; every submitted arg is freed
 * exactly once (after its run, or when the runner stops before running it).
 */
#include "domain/jobs/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"

#define MAX_WORKERS 4
#define STOPPED_MESSAGE "服务已停止，任务未执行，请重新提交"
#define STALE_MESSAGE "服务重启时任务未完成，请重新提交"
#define CANCELLED_MESSAGE "服务停止时任务未能在限定时间内完成，已中止并回滚，未写入任何数据，请重新提交"

typedef struct job_item {
	struct job_item *next;
	int64_t id;
	zx_job_fn fn;
	void *arg;
	zx_job_free_fn free_arg;
} job_item;

struct zx_job_run {
	zx_jobs *jobs;
	int64_t id;
	int64_t done, total; /* guarded by jobs->mu */
	zx_conn *conn;       /* the worker's connection while the job runs (guarded by jobs->mu) */
	bool cancelled;      /* zx_jobs_cancel asked it to stop (guarded by jobs->mu) */
};

typedef struct worker {
	zx_jobs *jobs;
	pthread_t thread;
	bool started;
	zx_job_run *running; /* guarded by jobs->mu */
} worker;

struct zx_jobs {
	zx_store *st;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_cond_t idle; /* signalled when a job ends */
	job_item *head, *tail;
	bool stopping;
	int running;
	int nworkers;
	worker w[MAX_WORKERS];
};

static void finish_row(zx_conn *c, int64_t id, const zx_job_run *run, const zx_job_outcome *o)
{
	zx_err e = zx_exec(c, NULL, ZXQ_job_finish,
	                   ZX_ARGS(ZX_INT(id), ZX_TEXT(o->ok ? "done" : "failed"),
	                           ZX_INT(run ? run->done : 0), ZX_INT(run ? run->total : 0),
	                           ZX_INT(zx_now()), ZX_TEXT(o->result && *o->result ? o->result : "{}"),
	                           ZX_TEXT(o->message ? o->message : ""),
	                           ZX_TEXT(o->error_file ? o->error_file : "")),
	                   NULL);
	if (e)
		zx_error("jobs: cannot record the end of job %lld: %s", (long long)id, zx_err_name(e));
}

static void run_one(worker *w, job_item *it)
{
	zx_jobs *j = w->jobs;
	zx_job_run run = {.jobs = j, .id = it->id};
	zx_conn *c = zx_store_acquire(j->st);
	pthread_mutex_lock(&j->mu);
	w->running = &run;
	run.conn = c;
	pthread_mutex_unlock(&j->mu);
	zx_job_outcome out = {.ok = false, .message = "数据库暂时不可用，任务未执行"};
	if (c) {
		zx_err e = zx_exec(c, NULL, ZXQ_job_start, ZX_ARGS(ZX_INT(it->id), ZX_INT(zx_now())), NULL);
		if (e)
			zx_error("jobs: cannot mark job %lld running: %s", (long long)it->id, zx_err_name(e));
		memset(&out, 0, sizeof(out));
		it->fn(&run, c, it->arg, &out);
		pthread_mutex_lock(&j->mu);
		run.conn = NULL; /* no cancel reaches c from here on */
		zx_job_run snap = run;
		pthread_mutex_unlock(&j->mu);
		zx_conn_cancel(c, false);
		if (zx_tx_active(c)) {
			zx_error("jobs: job %lld left a transaction open", (long long)it->id);
			zx_tx_rollback(c);
		}
		/* A job that committed before the cancel took effect keeps its outcome. */
		if (snap.cancelled && !out.ok) {
			out.message = CANCELLED_MESSAGE;
			zx_warn("jobs: job %lld cancelled at shutdown, its transaction rolled back",
			        (long long)it->id);
		}
		finish_row(c, it->id, &snap, &out);
		zx_store_release(j->st, c);
	}
	zx_info("jobs: job %lld %s", (long long)it->id, out.ok ? "done" : "failed");
	pthread_mutex_lock(&j->mu);
	w->running = NULL;
	j->running--;
	pthread_cond_broadcast(&j->idle);
	pthread_mutex_unlock(&j->mu);
	if (it->free_arg)
		it->free_arg(it->arg);
	free(it);
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	zx_jobs *j = w->jobs;
	for (;;) {
		pthread_mutex_lock(&j->mu);
		while (!j->head && !j->stopping)
			pthread_cond_wait(&j->cv, &j->mu);
		job_item *it = j->stopping ? NULL : j->head;
		if (it) {
			j->head = it->next;
			if (!j->head)
				j->tail = NULL;
			j->running++;
		}
		pthread_mutex_unlock(&j->mu);
		if (!it)
			return NULL;
		run_one(w, it);
	}
}

zx_err zx_jobs_start(zx_store *st, int workers, zx_jobs **out, zx_errinfo *ei)
{
	*out = NULL;
	if (workers < 1 || workers > MAX_WORKERS)
		return zx_fail(ei, ZX_EINVAL, "invalid_workers", NULL, 0, "后台任务线程数应为 1 到 %d",
		               MAX_WORKERS);
	zx_conn *c = zx_store_acquire(st);
	if (!c)
		return zx_fail(ei, ZX_EDB, "db_unavailable", NULL, 0, "无法连接数据库");
	int64_t stale = 0;
	zx_err e =
	    zx_exec(c, NULL, ZXQ_job_fail_stale, ZX_ARGS(ZX_INT(zx_now()), ZX_TEXT(STALE_MESSAGE)), &stale);
	zx_store_release(st, c);
	if (e)
		return zx_fail(ei, e, "jobs_unavailable", NULL, 0, "无法读取后台任务表");
	if (stale)
		zx_warn("jobs: %lld jobs of a previous run marked failed", (long long)stale);
	zx_jobs *j = calloc(1, sizeof(*j));
	if (!j)
		return ZX_ENOMEM;
	j->st = st;
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	pthread_cond_init(&j->idle, NULL);
	for (int i = 0; i < workers; i++) {
		j->w[i].jobs = j;
		if (pthread_create(&j->w[i].thread, NULL, worker_main, &j->w[i]) != 0) {
			zx_jobs_stop(j);
			return zx_fail(ei, ZX_ENOMEM, "thread_failed", NULL, 0, "无法启动后台任务线程");
		}
		j->w[i].started = true;
		j->nworkers++;
	}
	*out = j;
	return ZX_OK;
}

void zx_jobs_quiesce(zx_jobs *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	j->stopping = true;
	job_item *left = j->head;
	j->head = j->tail = NULL;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
	/* The queued jobs end now, before waiting for the running ones. */
	zx_conn *c = left ? zx_store_acquire(j->st) : NULL;
	while (left) {
		job_item *it = left;
		left = it->next;
		zx_job_outcome o = {.ok = false, .message = STOPPED_MESSAGE};
		if (c)
			finish_row(c, it->id, NULL, &o);
		if (it->free_arg)
			it->free_arg(it->arg);
		free(it);
	}
	zx_store_release(j->st, c);
}

int zx_jobs_running(zx_jobs *j)
{
	if (!j)
		return 0;
	pthread_mutex_lock(&j->mu);
	int n = j->running;
	pthread_mutex_unlock(&j->mu);
	return n;
}

int zx_jobs_wait(zx_jobs *j, int timeout_ms)
{
	if (!j)
		return 0;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&j->mu);
	while (j->running > 0 && timeout_ms > 0)
		if (pthread_cond_timedwait(&j->idle, &j->mu, &until) == ETIMEDOUT)
			break;
	int n = j->running;
	pthread_mutex_unlock(&j->mu);
	return n;
}

int zx_jobs_cancel(zx_jobs *j)
{
	if (!j)
		return 0;
	int n = 0;
	pthread_mutex_lock(&j->mu);
	for (int i = 0; i < MAX_WORKERS; i++) {
		zx_job_run *run = j->w[i].running;
		if (!run || run->cancelled)
			continue;
		run->cancelled = true;
		zx_conn_cancel(run->conn, true);
		zx_warn("jobs: cancelling job %lld (shutdown grace period over)", (long long)run->id);
		n++;
	}
	pthread_mutex_unlock(&j->mu);
	return n;
}

void zx_jobs_stop(zx_jobs *j)
{
	if (!j)
		return;
	zx_jobs_quiesce(j);
	for (int i = 0; i < MAX_WORKERS; i++)
		if (j->w[i].started)
			pthread_join(j->w[i].thread, NULL);
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	pthread_cond_destroy(&j->idle);
	free(j);
}

zx_err zx_job_submit(zx_jobs *j, zx_conn *c, const zx_actor *a, const char *kind, const char *area_code,
                     const char *params_json, zx_job_fn fn, void *arg, zx_job_free_fn free_arg,
                     int64_t *id_out)
{
	zx_err e = ZX_OK;
	job_item *it = calloc(1, sizeof(*it));
	if (!j || !it || !fn) {
		e = !it ? ZX_ENOMEM : ZX_EINTERNAL;
		goto fail;
	}
	e = zx_exec(c, NULL, ZXQ_job_insert,
	            ZX_ARGS(ZX_TEXT(kind), ZX_TEXT(area_code), a->user_id > 0 ? ZX_INT(a->user_id) : ZX_NULLV,
	                    ZX_TEXT(a->username), ZX_TEXT(params_json ? params_json : "{}"),
	                    ZX_INT(zx_now())),
	            NULL);
	if (e)
		goto fail;
	it->id = zx_last_insert_id(c);
	it->fn = fn;
	it->arg = arg;
	it->free_arg = free_arg;
	pthread_mutex_lock(&j->mu);
	bool stopping = j->stopping;
	if (!stopping) {
		if (j->tail)
			j->tail->next = it;
		else
			j->head = it;
		j->tail = it;
		pthread_cond_signal(&j->cv);
	}
	pthread_mutex_unlock(&j->mu);
	if (stopping) {
		zx_job_outcome o = {.ok = false, .message = STOPPED_MESSAGE};
		finish_row(c, it->id, NULL, &o);
		e = ZX_EINTERNAL;
		goto fail;
	}
	if (id_out)
		*id_out = it->id;
	return ZX_OK;
fail:
	free(it);
	if (free_arg)
		free_arg(arg);
	return e;
}

int64_t zx_job_id(const zx_job_run *run)
{
	return run->id;
}

void zx_job_progress(zx_job_run *run, int64_t done, int64_t total)
{
	pthread_mutex_lock(&run->jobs->mu);
	run->done = done;
	run->total = total;
	pthread_mutex_unlock(&run->jobs->mu);
}

static char *dup_text(const char *s)
{
	return strdup(s ? s : "");
}

/* The creator sees the job; so do the administrators who see personal data in its area. */
static bool may_see(const zx_actor *a, int64_t user_id)
{
	if (a->user_id == user_id)
		return true;
	return zx_role_manages_users(a->role) && zx_role_sees_personal_data(a->role);
}

zx_err zx_job_get(zx_jobs *j, zx_conn *c, const zx_actor *a, int64_t id, zx_job *out)
{
	memset(out, 0, sizeof(*out));
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_job_get, ZX_ARGS(ZX_INT(id)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row) {
		out->id = zx_col_int(s, 0);
		snprintf(out->kind, sizeof(out->kind), "%s", zx_col_text(s, 1));
		snprintf(out->status, sizeof(out->status), "%s", zx_col_text(s, 2));
		out->progress = zx_col_int(s, 3);
		out->total = zx_col_int(s, 4);
		snprintf(out->area_code, sizeof(out->area_code), "%s", zx_col_text(s, 5));
		out->user_id = zx_col_int(s, 6);
		snprintf(out->username, sizeof(out->username), "%s", zx_col_text(s, 7));
		out->created_at = zx_col_int(s, 8);
		out->started_at = zx_col_int(s, 9);
		out->finished_at = zx_col_int(s, 10);
		out->result = dup_text(zx_col_text(s, 11));
		out->params = dup_text(zx_col_text(s, 12));
		snprintf(out->message, sizeof(out->message), "%s", zx_col_text(s, 13));
		snprintf(out->error_file, sizeof(out->error_file), "%s", zx_col_text(s, 14));
		if (!out->result || !out->params)
			e = ZX_ENOMEM;
	}
	zx_stmt_done(s);
	if (!e && (!row || !may_see(a, out->user_id)))
		e = ZX_ENOTFOUND;
	if (e) {
		zx_job_release(out);
		return e;
	}
	if (j && strcmp(out->status, "running") == 0) {
		pthread_mutex_lock(&j->mu);
		for (int i = 0; i < MAX_WORKERS; i++)
			if (j->w[i].running && j->w[i].running->id == id) {
				out->progress = j->w[i].running->done;
				out->total = j->w[i].running->total;
			}
		pthread_mutex_unlock(&j->mu);
	}
	return ZX_OK;
}

void zx_job_release(zx_job *job)
{
	if (!job)
		return;
	free(job->result);
	free(job->params);
	job->result = job->params = NULL;
}
