-- Serialises audit writers: the chain needs the previous row, and PostgreSQL (unlike
-- SQLite's single writer) runs write transactions concurrently. Released at commit.
-- name: audit_lock
SELECT pg_advisory_xact_lock(7301);
