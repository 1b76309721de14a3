/*
 * jobs.h — background jobs of the server (imports now; exports and reports later): a
 * small queue in memory worked by one or two threads, with every job's state kept in the
 * jobs table so GET /api/v1/jobs/{id} can answer for it.
 *
 * A job is submitted by a request (zx_job_submit: a row in state queued), run later on a
 * worker thread with its own database connection, and finished with an outcome (done or
 * failed, a JSON result, a one-line message, an optional error file). Progress of the
 * running job is kept in memory and read back by zx_job_get: a long import holds the
 * database's only write transaction, so the row is written only at start and finish.
 * Jobs still queued or running when the server stops are failed at the next start.
 *
 * Shutdown (SIGTERM) in three steps: zx_jobs_quiesce() takes no new job and fails the
 * queued ones; zx_jobs_wait() lets the running job finish within a grace period;
 * zx_jobs_cancel() then stops it — every later statement on its connection fails, so
 * its transaction rolls back and nothing of it is written — and it is recorded failed
 * with CANCELLED_MESSAGE (the user submits it again). zx_jobs_stop() joins the workers.
 *
 * A job is visible to its creator and to the administrators (county/town admins) whose
 * area holds the job's area; to anyone else it does not exist (ZX_ENOTFOUND).
 */
#ifndef ZX_JOBS_H
#define ZX_JOBS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "domain/auth/actor.h"
#include "store/store.h"

typedef struct zx_jobs zx_jobs;
typedef struct zx_job_run zx_job_run;

/* What a job reports when it ends. The strings must stay valid until the job's arg is
 * freed (keep them in arg): the runner records them after fn returns. */
typedef struct zx_job_outcome {
	bool ok;                /* done, else failed */
	const char *result;     /* JSON object text, NULL = "{}" */
	const char *message;    /* Chinese one-liner for the user, may be NULL */
	const char *error_file; /* path of a file the job left for download, NULL/"" = none */
} zx_job_outcome;

/* Runs on a worker. c is the worker's connection (no transaction open); fill out. */
typedef void (*zx_job_fn)(zx_job_run *run, zx_conn *c, void *arg, zx_job_outcome *out);
/* Frees arg after the job ran or when it is dropped at shutdown (may be NULL). */
typedef void (*zx_job_free_fn)(void *arg);

/* Starts workers (1..4) over st; marks jobs left queued/running by a previous process as
 * failed. */
zx_err zx_jobs_start(zx_store *st, int workers, zx_jobs **out, zx_errinfo *ei);
/* Lets the running jobs finish, fails the queued ones ("服务已停止"), joins the workers. */
void zx_jobs_stop(zx_jobs *j);

/* Shutdown: from now on no job starts and zx_job_submit fails; queued jobs are failed. */
void zx_jobs_quiesce(zx_jobs *j);
/* Number of jobs running now. */
int zx_jobs_running(zx_jobs *j);
/* Waits up to timeout_ms for the running jobs to end; returns how many still run. */
int zx_jobs_wait(zx_jobs *j, int timeout_ms);
/* Cancels the running jobs (see above); returns how many were asked to stop. */
int zx_jobs_cancel(zx_jobs *j);

/* Records a queued job of kind for actor a over area_code (12 digits) and queues fn(arg).
 * On failure arg is freed with free_arg. */
zx_err zx_job_submit(zx_jobs *j, zx_conn *c, const zx_actor *a, const char *kind, const char *area_code,
                     const char *params_json, zx_job_fn fn, void *arg, zx_job_free_fn free_arg,
                     int64_t *id_out);

/* From inside a job: its id, and its progress (done of total; cheap, call freely). */
int64_t zx_job_id(const zx_job_run *run);
void zx_job_progress(zx_job_run *run, int64_t done, int64_t total);

typedef struct zx_job {
	int64_t id;
	char kind[48];
	char status[12]; /* queued | running | done | failed */
	int64_t progress, total;
	char area_code[13];
	int64_t user_id;
	char username[64];
	int64_t created_at, started_at, finished_at;
	char *result; /* JSON text (heap) */
	char *params; /* JSON text (heap) */
	char message[512];
	char error_file[600];
} zx_job;

/* The job as a (the actor) may see it, with live progress when it is running. */
zx_err zx_job_get(zx_jobs *j, zx_conn *c, const zx_actor *a, int64_t id, zx_job *out);
void zx_job_release(zx_job *job);

#endif
