-- SQLite tuning of the connection that runs a household import (domain/registry/import.c).
-- The blind-index unique index takes random inserts: with the default page cache (16 MiB)
-- a county-sized import spills and re-reads index pages from the WAL for every row.

-- name: import_cache_big
PRAGMA cache_size = -98304;

-- name: import_cache_normal
PRAGMA cache_size = -16384;
