-- PostgreSQL needs no per-connection tuning for a household import (see sqlite/import.sql).

-- name: import_cache_big
SELECT 1;

-- name: import_cache_medium
SELECT 1;

-- name: import_cache_small
SELECT 1;

-- name: import_cache_normal
SELECT 1;
