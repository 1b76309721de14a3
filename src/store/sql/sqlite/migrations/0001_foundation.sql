-- Foundation: admin hierarchy, users, sessions, audit log.
-- Every table that will be distributed on Citus carries the 6-digit county code.

CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE areas (
	code TEXT PRIMARY KEY,              -- 12-digit 统计用区划代码
	name TEXT NOT NULL,
	level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5), -- 1 省 2 市 3 县 4 乡镇 5 村
	parent TEXT,
	county TEXT NOT NULL DEFAULT ''     -- 6-digit county code; '' above county level
);
CREATE INDEX areas_parent ON areas (parent, code);

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL,
	area_code TEXT NOT NULL REFERENCES areas (code),
	pw_hash TEXT NOT NULL,
	must_change INTEGER NOT NULL DEFAULT 0,
	failed_count INTEGER NOT NULL DEFAULT 0,
	locked_until INTEGER NOT NULL DEFAULT 0,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	last_login_at INTEGER,
	last_login_ip TEXT
);
CREATE INDEX users_area ON users (area_code);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,        -- hex SM3 of the cookie token; the token itself is never stored
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	client_ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Append-only; hash = SM3(prev_hash || canonical row). `zhenxing check` verifies.
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	ts INTEGER NOT NULL,
	user_id INTEGER,
	username TEXT NOT NULL DEFAULT '',
	area_code TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	object TEXT NOT NULL DEFAULT '',
	result TEXT NOT NULL,
	client_ip TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_area ON audit_log (area_code, id);
