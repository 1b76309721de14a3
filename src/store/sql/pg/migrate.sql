-- PostgreSQL twin of sqlite/migrate.sql: its migrations never switch foreign keys off (DDL
-- keeps them checked), so there is never a violation to report.

-- name: migrate_fk_violations
SELECT 0;
