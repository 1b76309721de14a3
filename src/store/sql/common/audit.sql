-- name: audit_last
SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1;

-- name: audit_insert
INSERT INTO audit_log (id, ts, user_id, username, area_code, action, object, result, client_ip, detail,
                       prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: audit_head_set
INSERT INTO meta (key, value) VALUES ('audit_head', $1)
ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: audit_head_get
SELECT value FROM meta WHERE key = 'audit_head';

-- name: audit_all
SELECT id, ts, user_id, username, area_code, action, object, result, client_ip, detail, prev_hash, hash
FROM audit_log ORDER BY id;

-- Audit rows of the caller's subtree, plus rows without an area (failed logins of
-- unknown user names). $3 action filter, $4 username filter ('' = any).
-- name: audit_list scoped
SELECT id, ts, username, area_code, action, object, result, client_ip, detail
FROM audit_log
WHERE (area_code BETWEEN $1 AND $2 OR area_code = '')
  AND ($3 = '' OR action = $3) AND ($4 = '' OR username = $4)
ORDER BY id DESC LIMIT $5 OFFSET $6;

-- name: audit_count scoped
SELECT count(*) FROM audit_log
WHERE (area_code BETWEEN $1 AND $2 OR area_code = '')
  AND ($3 = '' OR action = $3) AND ($4 = '' OR username = $4);
