-- name: user_by_name
SELECT u.id, u.username, u.display_name, u.role, u.area_code, u.pw_hash, u.disabled, u.must_change,
       u.failed_count, u.locked_until, coalesce(u.last_login_at, 0), coalesce(u.last_login_ip, ''),
       coalesce(a.name, ''), coalesce(a.level, 0), u.created_at
FROM users u LEFT JOIN areas a ON a.code = u.area_code
WHERE u.username = $1;

-- Users are visible to admins whose scope holds the user's area.
-- name: user_get scoped
SELECT u.id, u.username, u.display_name, u.role, u.area_code, '', u.disabled, u.must_change,
       u.failed_count, u.locked_until, coalesce(u.last_login_at, 0), coalesce(u.last_login_ip, ''),
       coalesce(a.name, ''), coalesce(a.level, 0), u.created_at
FROM users u LEFT JOIN areas a ON a.code = u.area_code
WHERE u.area_code BETWEEN $1 AND $2 AND u.id = $3;

-- $3 is matched literally: a username prefix or part of the display name (% _ ! escaped).
-- name: user_list scoped
SELECT u.id, u.username, u.display_name, u.role, u.area_code, '', u.disabled, u.must_change,
       u.failed_count, u.locked_until, coalesce(u.last_login_at, 0), coalesce(u.last_login_ip, ''),
       coalesce(a.name, ''), coalesce(a.level, 0), u.created_at
FROM users u LEFT JOIN areas a ON a.code = u.area_code
WHERE u.area_code BETWEEN $1 AND $2
  AND ($3 = '' OR u.username LIKE replace(replace(replace($3, '!', '!!'), '%', '!%'), '_', '!_') || '%' ESCAPE '!'
       OR u.display_name LIKE '%' || replace(replace(replace($3, '!', '!!'), '%', '!%'), '_', '!_') || '%' ESCAPE '!')
ORDER BY u.id LIMIT $4 OFFSET $5;

-- name: user_count scoped
SELECT count(*) FROM users u
WHERE u.area_code BETWEEN $1 AND $2
  AND ($3 = '' OR u.username LIKE replace(replace(replace($3, '!', '!!'), '%', '!%'), '_', '!_') || '%' ESCAPE '!'
       OR u.display_name LIKE '%' || replace(replace(replace($3, '!', '!!'), '%', '!%'), '_', '!_') || '%' ESCAPE '!');

-- name: user_insert
INSERT INTO users (username, display_name, role, area_code, pw_hash, must_change, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: user_update scoped
UPDATE users SET display_name = $4, role = $5, area_code = $6, disabled = $7
WHERE area_code BETWEEN $1 AND $2 AND id = $3;

-- name: user_set_password scoped
UPDATE users SET pw_hash = $4, must_change = $5, failed_count = 0, locked_until = 0
WHERE area_code BETWEEN $1 AND $2 AND id = $3;

-- name: user_delete scoped
DELETE FROM users WHERE area_code BETWEEN $1 AND $2 AND id = $3;

-- name: user_login_failed
UPDATE users SET failed_count = $2, locked_until = $3 WHERE id = $1;

-- name: user_login_ok
UPDATE users SET failed_count = 0, locked_until = 0, last_login_at = $2, last_login_ip = $3 WHERE id = $1;

-- name: session_insert
INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen, client_ip)
VALUES ($1, $2, $3, $4, $4, $5);

-- name: session_get
SELECT s.user_id, s.csrf, s.last_seen, u.username, u.display_name, u.role, u.area_code, u.disabled,
       u.must_change, u.pw_changed_at, u.created_at, u.totp_enabled
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1;

-- name: session_touch
UPDATE sessions SET last_seen = $2 WHERE token_hash = $1;

-- name: session_delete
DELETE FROM sessions WHERE token_hash = $1;

-- name: session_delete_user
DELETE FROM sessions WHERE user_id = $1;

-- name: session_expire
DELETE FROM sessions WHERE last_seen < $1;

-- name: area_get
SELECT code, name, level, coalesce(parent, ''), county FROM areas WHERE code = $1;

-- name: area_children
SELECT code, name, level FROM areas WHERE parent = $1 ORDER BY code;

-- name: area_insert
INSERT INTO areas (code, name, level, parent, county) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,
                                 parent = excluded.parent, county = excluded.county;

-- name: area_count
SELECT count(*) FROM areas;

-- name: area_child_count
SELECT count(*) FROM areas WHERE parent = $1;
