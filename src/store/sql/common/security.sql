-- 等保 controls: password change and history, TOTP, session lists, audit export.

-- name: user_security_get
SELECT pw_hash, must_change, pw_changed_at, created_at, totp_secret, totp_enabled, totp_last_step, username
FROM users WHERE id = $1;

-- name: user_password_change
UPDATE users SET pw_hash = $2, must_change = 0, pw_changed_at = $3, failed_count = 0, locked_until = 0
WHERE id = $1;

-- name: password_history_list
SELECT pw_hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2;

-- name: password_history_insert
INSERT INTO password_history (user_id, pw_hash, changed_at) VALUES ($1, $2, $3);

-- name: password_history_trim
DELETE FROM password_history
WHERE user_id = $1
  AND id NOT IN (SELECT id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2);

-- name: user_totp_set
UPDATE users SET totp_secret = $2, totp_enabled = $3, totp_last_step = 0 WHERE id = $1;

-- Marks a step used; 0 rows changed when a newer step was already used (replay).
-- name: user_totp_used
UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2;

-- name: session_list_user
SELECT token_hash, created_at, last_seen, client_ip FROM sessions
WHERE user_id = $1 AND last_seen >= $2 ORDER BY last_seen DESC LIMIT 200;

-- Sessions of users in the caller's subtree ($3 = 0: every user).
-- name: session_list_scoped scoped
SELECT s.token_hash, s.user_id, u.username, u.role, s.created_at, s.last_seen, s.client_ip
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE u.area_code BETWEEN $1 AND $2 AND ($3 = 0 OR s.user_id = $3) AND s.last_seen >= $4
ORDER BY s.last_seen DESC LIMIT 500;

-- name: session_owner scoped
SELECT s.user_id, s.token_hash FROM sessions s JOIN users u ON u.id = s.user_id
WHERE u.area_code BETWEEN $1 AND $2 AND substr(s.token_hash, 1, 16) = $3;

-- name: session_delete_id
DELETE FROM sessions WHERE user_id = $1 AND substr(token_hash, 1, 16) = $2;

-- name: session_delete_others
DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2;

-- name: session_count_active
SELECT count(*) FROM sessions WHERE last_seen >= $1;

-- Audit rows for the CSV export: the caller's subtree plus rows without an area, in [$3, $4).
-- name: audit_export scoped
SELECT id, ts, username, area_code, action, object, result, client_ip, detail, hash
FROM audit_log
WHERE (area_code BETWEEN $1 AND $2 OR area_code = '') AND ts >= $3 AND ts < $4
ORDER BY id;

-- Background jobs not finished yet (queue length for /metrics).
-- name: jobs_pending_count
SELECT count(*) FROM jobs WHERE status IN ('queued', 'running');
