-- SQLite has one writer at a time (BEGIN IMMEDIATE): nothing to lock.
-- name: audit_lock
SELECT 1;
