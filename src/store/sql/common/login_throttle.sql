-- Failed logins under user names that do not exist (migration 0010): counted and locked
-- like an account, so that the answers do not tell which names exist (auth.c).

-- name: login_throttle_get
SELECT failed_count, locked_until FROM login_throttle WHERE username = $1;

-- name: login_throttle_set
INSERT INTO login_throttle (username, failed_count, locked_until) VALUES ($1, $2, $3)
ON CONFLICT (username) DO UPDATE SET failed_count = excluded.failed_count,
                                     locked_until = excluded.locked_until;
