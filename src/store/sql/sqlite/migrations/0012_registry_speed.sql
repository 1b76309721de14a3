-- Registry speed (issue 4, targets P1/P3).
--
-- 姓名 indexes by ICU sort key: zh_key(name) is the sort key of the collator behind
-- `COLLATE zh` (store_sqlite.c registers both on every connection), a BLOB ordered by
-- memcmp exactly as the collation orders the names. Inserting or sorting 1M names then
-- compares bytes instead of calling ICU for every comparison (an import into an empty
-- registry builds these two indexes by one sort each: import_write.c). `name` follows the
-- key so that ties keep the byte order of `COLLATE zh` and the search's exact-prefix test
-- is answered from the index. The old indexes are dropped and the new ones computed from
-- the rows already there (no row changes).
DROP INDEX persons_name;
DROP INDEX persons_area_name;
CREATE INDEX persons_name ON persons (county, zh_key(name), name, area_code, household_id);
CREATE INDEX persons_area_name ON persons (area_code, zh_key(name), name, household_id);

-- household_totals: household_counts rolled up to every town (乡镇, code xxxxxxxxx000) and
-- county (xxxxxx000000), per (户类型, 监测对象类别): the exact total of a town's or the
-- county's list is then a sum over a handful of rows instead of one row per village
-- (2,607 in 三台县). Kept by triggers on household_counts, in the same transaction as the
-- household write that moved the village's count (household_counts' own triggers).
CREATE TABLE household_totals (
	area_code TEXT NOT NULL,
	hh_type TEXT NOT NULL,
	category TEXT NOT NULL,
	households INTEGER NOT NULL,
	persons INTEGER NOT NULL,
	PRIMARY KEY (area_code, hh_type, category)
) WITHOUT ROWID;

INSERT INTO household_totals (area_code, hh_type, category, households, persons)
SELECT substr(area_code, 1, 9) || '000', hh_type, category, sum(households), sum(persons)
FROM household_counts GROUP BY 1, 2, 3;
INSERT INTO household_totals (area_code, hh_type, category, households, persons)
SELECT substr(area_code, 1, 6) || '000000', hh_type, category, sum(households), sum(persons)
FROM household_counts GROUP BY 1, 2, 3;

CREATE TRIGGER household_totals_insert AFTER INSERT ON household_counts
BEGIN
	INSERT INTO household_totals (area_code, hh_type, category, households, persons)
	VALUES (substr(new.area_code, 1, 9) || '000', new.hh_type, new.category, new.households, new.persons),
	       (substr(new.area_code, 1, 6) || '000000', new.hh_type, new.category, new.households, new.persons)
	ON CONFLICT (area_code, hh_type, category)
	DO UPDATE SET households = households + excluded.households, persons = persons + excluded.persons;
END;

CREATE TRIGGER household_totals_update AFTER UPDATE ON household_counts
BEGIN
	UPDATE household_totals SET households = households - old.households, persons = persons - old.persons
	WHERE area_code IN (substr(old.area_code, 1, 9) || '000', substr(old.area_code, 1, 6) || '000000')
	  AND hh_type = old.hh_type AND category = old.category;
	INSERT INTO household_totals (area_code, hh_type, category, households, persons)
	VALUES (substr(new.area_code, 1, 9) || '000', new.hh_type, new.category, new.households, new.persons),
	       (substr(new.area_code, 1, 6) || '000000', new.hh_type, new.category, new.households, new.persons)
	ON CONFLICT (area_code, hh_type, category)
	DO UPDATE SET households = households + excluded.households, persons = persons + excluded.persons;
END;

CREATE TRIGGER household_totals_delete AFTER DELETE ON household_counts
BEGIN
	UPDATE household_totals SET households = households - old.households, persons = persons - old.persons
	WHERE area_code IN (substr(old.area_code, 1, 9) || '000', substr(old.area_code, 1, 6) || '000000')
	  AND hh_type = old.hh_type AND category = old.category;
END;
