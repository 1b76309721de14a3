-- PostgreSQL twin of sqlite/0010.
-- Failed logins under user names that do not exist (issue 11, username enumeration).
--
-- An existing account locks after 5 consecutive failures (users.failed_count/locked_until);
-- an unknown name keeps the same count here so that it locks and answers exactly alike,
-- and a stranger cannot tell which names exist. One row per name ever tried; a row grows
-- no faster than the audit log, which already records every failed login.
CREATE TABLE login_throttle (
	username TEXT PRIMARY KEY,
	failed_count INTEGER NOT NULL DEFAULT 0,
	locked_until BIGINT NOT NULL DEFAULT 0
);
