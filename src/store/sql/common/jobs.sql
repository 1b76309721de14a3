-- Background jobs (domain/jobs/jobs.c, migration 0003).

-- name: job_insert
INSERT INTO jobs (kind, status, area_code, user_id, username, params, created_at)
VALUES ($1, 'queued', $2, $3, $4, $5, $6);

-- name: job_start
UPDATE jobs SET status = 'running', started_at = $2 WHERE id = $1;

-- name: job_finish
UPDATE jobs SET status = $2, progress = $3, total = $4, finished_at = $5, result = $6, message = $7,
                error_file = $8
WHERE id = $1;

-- Jobs a previous server process left behind.
-- name: job_fail_stale
UPDATE jobs SET status = 'failed', finished_at = $1, message = $2
WHERE status IN ('queued', 'running');

-- name: job_get scoped
SELECT id, kind, status, progress, total, area_code, coalesce(user_id, 0), username, created_at,
       coalesce(started_at, 0), coalesce(finished_at, 0), result, params, message, error_file
FROM jobs WHERE id = $3 AND area_code BETWEEN $1 AND $2;
