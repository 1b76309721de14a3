-- SQLite tuning of the connection that runs a household import (domain/registry/import.c).
-- Index B-trees take random inserts: with the default page cache (16 MiB) a county-sized
-- import re-reads index pages from the WAL for every row. The importer picks the largest
-- cache that keeps the process under its memory budget next to the staging area.

-- name: import_cache_big
PRAGMA cache_size = -98304;

-- name: import_cache_medium
PRAGMA cache_size = -65536;

-- name: import_cache_small
PRAGMA cache_size = -40960;

-- name: import_cache_normal
PRAGMA cache_size = -16384;

-- Bulk first import (import_write.c): when the registry holds no household and no person at
-- all, the import's write transaction drops the two 姓名 indexes and persons_bidx (random inserts: at 1M
-- persons their pages no longer fit the page cache and SQLite re-reads them from the WAL
-- for every row; built afterwards by one sort each) and the household_counts triggers, and rebuilds all of them from the
-- written rows before the audit row and the commit. Everything happens inside that one
-- transaction: a failure or a crash rolls the schema back with the rows. The definitions
-- below are those of migrations 0006 (triggers), 0012 and 0016 (indexes) verbatim (SQLite keeps them without IF [NOT] EXISTS); tests/unit/test_import_bulk.c checks that the
-- schema after a bulk import is identical to the migrated one.

-- Called with the whole database as scope: no household and no person anywhere.
-- name: import_bulk_eligible scoped
SELECT NOT EXISTS (SELECT 1 FROM households WHERE area_code BETWEEN $1 AND $2)
   AND NOT EXISTS (SELECT 1 FROM persons WHERE area_code BETWEEN $1 AND $2);

-- name: import_bulk_drop_name
DROP INDEX IF EXISTS persons_name;

-- name: import_bulk_drop_area_name
DROP INDEX IF EXISTS persons_area_name;

-- name: import_bulk_drop_bidx
DROP INDEX IF EXISTS persons_bidx;

-- name: import_bulk_drop_counts_insert
DROP TRIGGER IF EXISTS household_counts_insert;

-- name: import_bulk_drop_counts_delete
DROP TRIGGER IF EXISTS household_counts_delete;

-- name: import_bulk_drop_counts_update
DROP TRIGGER IF EXISTS household_counts_update;

-- name: import_bulk_build_name
CREATE INDEX IF NOT EXISTS persons_name ON persons (county, zh_key(name), name, area_code, household_id);

-- name: import_bulk_build_bidx
CREATE UNIQUE INDEX IF NOT EXISTS persons_bidx ON persons (county, id_bidx);

-- name: import_bulk_build_area_name
CREATE INDEX IF NOT EXISTS persons_area_name ON persons (area_code, zh_key(name), name, household_id);

-- What the insert trigger would have added, household by household, summed in one pass
-- over the import's county ($1/$2).
-- name: import_bulk_counts scoped
INSERT INTO household_counts (area_code, hh_type, category, households, persons)
SELECT area_code, hh_type, category, count(*), coalesce(sum(size), 0) FROM households
WHERE area_code BETWEEN $1 AND $2
GROUP BY area_code, hh_type, category
ON CONFLICT (area_code, hh_type, category)
DO UPDATE SET households = households + excluded.households, persons = persons + excluded.persons;

-- name: import_bulk_build_counts_insert
CREATE TRIGGER IF NOT EXISTS household_counts_insert AFTER INSERT ON households
BEGIN
	INSERT INTO household_counts (area_code, hh_type, category, households, persons)
	VALUES (new.area_code, new.hh_type, new.category, 1, new.size)
	ON CONFLICT (area_code, hh_type, category)
	DO UPDATE SET households = households + 1, persons = persons + excluded.persons;
END;

-- name: import_bulk_build_counts_delete
CREATE TRIGGER IF NOT EXISTS household_counts_delete AFTER DELETE ON households
BEGIN
	UPDATE household_counts SET households = households - 1, persons = persons - old.size
	WHERE area_code = old.area_code AND hh_type = old.hh_type AND category = old.category;
END;

-- name: import_bulk_build_counts_update
CREATE TRIGGER IF NOT EXISTS household_counts_update AFTER UPDATE OF area_code, hh_type, category, size ON households
BEGIN
	UPDATE household_counts SET households = households - 1, persons = persons - old.size
	WHERE area_code = old.area_code AND hh_type = old.hh_type AND category = old.category;
	INSERT INTO household_counts (area_code, hh_type, category, households, persons)
	VALUES (new.area_code, new.hh_type, new.category, 1, new.size)
	ON CONFLICT (area_code, hh_type, category)
	DO UPDATE SET households = households + 1, persons = persons + excluded.persons;
END;

-- An exclusive first import (the CLI's, import_write.c) leaves WAL mode for its transaction;
-- SQLite answers the mode it is in ("wal" when another connection has the database open).
-- name: import_journal_rollback
PRAGMA journal_mode = DELETE;

-- name: import_journal_wal
PRAGMA journal_mode = WAL;
