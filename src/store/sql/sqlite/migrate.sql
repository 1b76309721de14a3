-- Used by the migration runner (store.c) around a migration that rebuilds a table with
-- foreign keys off: any row left pointing nowhere fails the migration before it commits.

-- name: migrate_fk_violations
SELECT count(*) FROM pragma_foreign_key_check;
