-- zx:foreign_keys=off
-- The persons table rebuilt so that its blind-index uniqueness is a named index (issue 4, P1).
--
-- `UNIQUE (county, id_bidx)` was a table constraint, whose automatic index SQLite will not
-- let go of: a first import into an empty registry inserted 1M HMAC keys into it at random,
-- and at that size its pages no longer fit the page cache the RSS budget allows (SQLite
-- re-read them from the WAL for every row). As `persons_bidx` the same uniqueness is an
-- index the bulk import can drop inside its transaction and rebuild by one sort before the
-- commit (sqlite/import.sql), like the 姓名 indexes. Same columns, same order, same rule.
--
-- SQLite's table rebuild (https://sqlite.org/lang_altertable.html, "making other kinds of
-- table schema changes"): the store runs this migration with foreign keys off (the first
-- line above) so that dropping the old table neither cascades into nor nulls the rows that
-- reference persons, and checks `foreign_key_check` before it commits. Rows keep their ids.
CREATE TABLE persons_new (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
	area_code TEXT NOT NULL,
	seq INTEGER NOT NULL,               -- order inside the household (户主 first)
	name TEXT NOT NULL,
	id_enc TEXT NOT NULL,
	id_bidx TEXT NOT NULL,
	id_masked TEXT NOT NULL,
	relation TEXT NOT NULL,
	gender TEXT NOT NULL,
	birth_ymd INTEGER NOT NULL,
	nation TEXT NOT NULL DEFAULT '',
	education TEXT NOT NULL DEFAULT '',
	school TEXT NOT NULL DEFAULT '',
	health TEXT NOT NULL DEFAULT '',
	disability TEXT NOT NULL DEFAULT '',
	labor TEXT NOT NULL DEFAULT '',
	work TEXT NOT NULL DEFAULT '',
	work_months INTEGER,
	insured INTEGER,
	phone_enc TEXT NOT NULL DEFAULT '',
	phone_masked TEXT NOT NULL DEFAULT ''
);
INSERT INTO persons_new (id, county, household_id, area_code, seq, name, id_enc, id_bidx, id_masked,
                         relation, gender, birth_ymd, nation, education, school, health, disability,
                         labor, work, work_months, insured, phone_enc, phone_masked)
SELECT id, county, household_id, area_code, seq, name, id_enc, id_bidx, id_masked, relation, gender,
       birth_ymd, nation, education, school, health, disability, labor, work, work_months, insured,
       phone_enc, phone_masked
FROM persons;
DROP TABLE persons;
ALTER TABLE persons_new RENAME TO persons;
CREATE UNIQUE INDEX persons_bidx ON persons (county, id_bidx);
CREATE INDEX persons_household ON persons (household_id, seq);
CREATE INDEX persons_dropout ON persons (area_code, household_id) WHERE school = '失学辍学';
CREATE INDEX persons_uninsured ON persons (area_code, household_id) WHERE insured = 0;
CREATE INDEX persons_name ON persons (county, zh_key(name), name, area_code, household_id);
CREATE INDEX persons_area_name ON persons (area_code, zh_key(name), name, household_id);
