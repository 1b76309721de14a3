-- SQLite tuning of the connection that runs a household import (domain/registry/import.c).
-- Index B-trees take random inserts: with the default page cache (16 MiB) a county-sized
-- import re-reads index pages from the WAL for every row. The importer picks the largest
-- cache that keeps the process under its memory budget next to the staging area.

-- name: import_cache_big
PRAGMA cache_size = -98304;

-- name: import_cache_medium
PRAGMA cache_size = -65536;

-- name: import_cache_small
PRAGMA cache_size = -32768;

-- name: import_cache_normal
PRAGMA cache_size = -16384;
