-- Household list and search (domain/registry/query.c, api/households.c).
--
-- households_list: the list of an area in (village, 户编号) order, with the filter columns
-- so that a filtered list is read from the index alone.
-- households_category: one 监测对象类别 in an area, in the same order.
-- persons_name: 姓名 prefix search in Chinese collation order (ICU "zh", registered on every
-- connection by store_sqlite.c) over a county; area_code and household_id in the index let a
-- town's search filter and find households without reading the persons table.
-- persons_area_name replaces 0002's persons_area (area_code): the same leading column for
-- every query by area, plus 姓名 in collation order for a village clerk's search — one index
-- instead of two, so an import maintains no more person indexes than before.
CREATE INDEX households_list ON households (area_code, hh_no, hh_type, category, grp);
CREATE INDEX households_category ON households (category, area_code, hh_no, hh_type, grp);
CREATE INDEX persons_name ON persons (county, name COLLATE zh, area_code, household_id);
DROP INDEX persons_area;
CREATE INDEX persons_area_name ON persons (area_code, name COLLATE zh, household_id);

-- household_counts: households and persons per (village, 户类型, 监测对象类别), kept exact by
-- the triggers below in the same transaction as every insert, update and delete of a
-- household. A list's total (and an area's counts) is a sum over at most a few thousand rows
-- instead of a walk over every household of the county.
CREATE TABLE household_counts (
	area_code TEXT NOT NULL,
	hh_type TEXT NOT NULL,
	category TEXT NOT NULL,
	households INTEGER NOT NULL,
	persons INTEGER NOT NULL,
	PRIMARY KEY (area_code, hh_type, category)
) WITHOUT ROWID;

INSERT INTO household_counts (area_code, hh_type, category, households, persons)
SELECT area_code, hh_type, category, count(*), coalesce(sum(size), 0)
FROM households GROUP BY area_code, hh_type, category;

CREATE TRIGGER household_counts_insert AFTER INSERT ON households
BEGIN
	INSERT INTO household_counts (area_code, hh_type, category, households, persons)
	VALUES (new.area_code, new.hh_type, new.category, 1, new.size)
	ON CONFLICT (area_code, hh_type, category)
	DO UPDATE SET households = households + 1, persons = persons + excluded.persons;
END;

CREATE TRIGGER household_counts_delete AFTER DELETE ON households
BEGIN
	UPDATE household_counts SET households = households - 1, persons = persons - old.size
	WHERE area_code = old.area_code AND hh_type = old.hh_type AND category = old.category;
END;

CREATE TRIGGER household_counts_update AFTER UPDATE OF area_code, hh_type, category, size ON households
BEGIN
	UPDATE household_counts SET households = households - 1, persons = persons - old.size
	WHERE area_code = old.area_code AND hh_type = old.hh_type AND category = old.category;
	INSERT INTO household_counts (area_code, hh_type, category, households, persons)
	VALUES (new.area_code, new.hh_type, new.category, 1, new.size)
	ON CONFLICT (area_code, hh_type, category)
	DO UPDATE SET households = households + 1, persons = persons + excluded.persons;
END;
