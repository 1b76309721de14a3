-- PostgreSQL needs no per-connection tuning for a household import (see sqlite/import.sql).

-- name: import_cache_big
SELECT 1;

-- name: import_cache_medium
SELECT 1;

-- name: import_cache_small
SELECT 1;

-- name: import_cache_normal
SELECT 1;

-- The bulk first import (sqlite/import.sql) is SQLite's: PostgreSQL keeps its indexes and
-- triggers, so the import never finds itself eligible and the rest is never run.

-- name: import_bulk_eligible scoped
SELECT count(*) * 0 FROM areas WHERE code BETWEEN $1 AND $2;

-- name: import_bulk_drop_name
SELECT 1;

-- name: import_bulk_drop_area_name
SELECT 1;

-- name: import_bulk_drop_bidx
SELECT 1;

-- name: import_bulk_drop_counts_insert
SELECT 1;

-- name: import_bulk_drop_counts_delete
SELECT 1;

-- name: import_bulk_drop_counts_update
SELECT 1;

-- name: import_bulk_build_name
SELECT 1;

-- name: import_bulk_build_bidx
SELECT 1;

-- name: import_bulk_build_area_name
SELECT 1;

-- name: import_bulk_build_counts_insert
SELECT 1;

-- name: import_bulk_build_counts_delete
SELECT 1;

-- name: import_bulk_build_counts_update
SELECT 1;

-- name: import_bulk_counts scoped
SELECT count(*) FROM areas WHERE code BETWEEN $1 AND $2;

-- PostgreSQL has no journal mode to change (sqlite/import.sql): it stays as it is.
-- name: import_journal_rollback
SELECT 'wal';

-- name: import_journal_wal
SELECT 'wal';
