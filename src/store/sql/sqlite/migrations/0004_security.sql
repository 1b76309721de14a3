-- 等保 controls: password age and history, TOTP second factor (issue 11).
--
-- pw_changed_at: when the password was last set (0 = never changed: created_at counts).
-- totp_secret: the base32 secret, SM4-encrypted with the key file's field key ('' = none);
-- totp_enabled: 1 once the user confirmed a code; totp_last_step: the newest accepted
-- 30-second step (a code is accepted once).
ALTER TABLE users ADD COLUMN pw_changed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- The argon2id hashes of a user's previous passwords (newest ZX_PASSWORD_HISTORY kept).
CREATE TABLE password_history (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	pw_hash TEXT NOT NULL,
	changed_at INTEGER NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id);
CREATE INDEX audit_ts ON audit_log (ts);
