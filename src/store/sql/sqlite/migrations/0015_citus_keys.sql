-- SQLite twin of pg/0015_citus_keys.sql, which makes the PostgreSQL schema valid for Citus
-- (county in every key of a distributed table). SQLite is one county's file and is never
-- distributed: its tables keep their keys and foreign keys (no table is rebuilt here).
-- What the two backends must share is added:
--
-- * the unique indexes the common queries' ON CONFLICT targets now name (county appended,
--   as on PostgreSQL): a SQLite upsert target must match a unique index column for column.
--   Each is implied by the older, stricter constraint beside it;
-- * the county column of the derived tables household_counts, household_totals and
--   income_rollup (`zhenxing copy` moves the same columns both ways), filled from existing
--   rows and, for new rows, by the triggers below — so the triggers of migrations 0006,
--   0012 and 0013 and the bulk import's rebuild of them (sqlite/import.sql) stay as they are.

CREATE UNIQUE INDEX income_surveys_household_year_county ON income_surveys (household_id, year, county);
CREATE UNIQUE INDEX visit_schedules_area_target_county ON visit_schedules (area_code, target, county);
CREATE UNIQUE INDEX indicator_targets_key_county
	ON indicator_targets (area_code, indicator_id, year, period, county);
CREATE UNIQUE INDEX ledger_settings_key_county ON ledger_settings (area_code, year, key, county);

ALTER TABLE household_counts ADD COLUMN county TEXT NOT NULL DEFAULT '';
UPDATE household_counts SET county = substr(area_code, 1, 6);
ALTER TABLE household_totals ADD COLUMN county TEXT NOT NULL DEFAULT '';
UPDATE household_totals SET county = substr(area_code, 1, 6);
ALTER TABLE income_rollup ADD COLUMN county TEXT NOT NULL DEFAULT '';
UPDATE income_rollup SET county = substr(area_code, 1, 6);

-- A new roll-up row gets its county (rows are only ever inserted by the roll-up triggers
-- and the bulk import, none of which names the column).
CREATE TRIGGER household_counts_county AFTER INSERT ON household_counts WHEN new.county = ''
BEGIN
	UPDATE household_counts SET county = substr(new.area_code, 1, 6)
	WHERE area_code = new.area_code AND hh_type = new.hh_type AND category = new.category;
END;

CREATE TRIGGER household_totals_county AFTER INSERT ON household_totals WHEN new.county = ''
BEGIN
	UPDATE household_totals SET county = substr(new.area_code, 1, 6)
	WHERE area_code = new.area_code AND hh_type = new.hh_type AND category = new.category;
END;

CREATE TRIGGER income_rollup_county AFTER INSERT ON income_rollup WHEN new.county = ''
BEGIN
	UPDATE income_rollup SET county = substr(new.area_code, 1, 6)
	WHERE area_code = new.area_code AND year = new.year AND hh_type = new.hh_type
	  AND monitored = new.monitored AND band = new.band;
END;

-- household_counts' update trigger of 0012 fired on any column; setting county above must
-- not move the totals (it would subtract and add the same figures): only the counts do.
DROP TRIGGER household_totals_update;
CREATE TRIGGER household_totals_update AFTER UPDATE OF households, persons ON household_counts
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
