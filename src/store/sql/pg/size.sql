-- The database's size on disk for /metrics (zx_db_size_bytes): every table of the
-- schema zhenxing uses, with its indexes and TOAST (SQLite: the file plus its WAL).

-- name: db_size_bytes
SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'm');
