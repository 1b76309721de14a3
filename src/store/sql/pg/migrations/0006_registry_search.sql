-- Household list and search (PostgreSQL twin of sqlite/migrations/0006_registry_search.sql;
-- pending until the PG migration 0005 exists: numbering stays gapless).
--
-- The queries in common/households.sql say `name COLLATE zh`: PostgreSQL gets the same
-- Chinese (pinyin) order from an ICU collation of that name.
CREATE COLLATION IF NOT EXISTS zh (provider = icu, locale = 'zh');
CREATE INDEX households_list ON households (area_code, hh_no, hh_type, category, grp);
CREATE INDEX households_category ON households (category, area_code, hh_no, hh_type, grp);
CREATE INDEX persons_name ON persons (county, name COLLATE zh, area_code, household_id);
DROP INDEX persons_area;
CREATE INDEX persons_area_name ON persons (area_code, name COLLATE zh, household_id);

-- Per (village, 户类型, 监测对象类别) counts kept by a trigger (see the SQLite twin).
CREATE TABLE household_counts (
	area_code TEXT NOT NULL,
	hh_type TEXT NOT NULL,
	category TEXT NOT NULL,
	households BIGINT NOT NULL,
	persons BIGINT NOT NULL,
	PRIMARY KEY (area_code, hh_type, category)
);

INSERT INTO household_counts (area_code, hh_type, category, households, persons)
SELECT area_code, hh_type, category, count(*), coalesce(sum(size), 0)
FROM households GROUP BY area_code, hh_type, category;

CREATE FUNCTION household_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE household_counts SET households = households - 1, persons = persons - OLD.size
		WHERE area_code = OLD.area_code AND hh_type = OLD.hh_type AND category = OLD.category;
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		INSERT INTO household_counts (area_code, hh_type, category, households, persons)
		VALUES (NEW.area_code, NEW.hh_type, NEW.category, 1, NEW.size)
		ON CONFLICT (area_code, hh_type, category) DO UPDATE
		SET households = household_counts.households + 1,
		    persons = household_counts.persons + EXCLUDED.persons;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER household_counts_track
AFTER INSERT OR DELETE OR UPDATE OF area_code, hh_type, category, size ON households
FOR EACH ROW EXECUTE FUNCTION household_counts_track();
