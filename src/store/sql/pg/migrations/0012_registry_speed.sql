-- Registry speed (issue 4, targets P1/P3): the PostgreSQL twin of sqlite 0012.
--
-- SQLite's 姓名 indexes move to ICU sort keys (zh_key(name)); PostgreSQL compares with its
-- own ICU collation "zh" inside the index already, so persons_name and persons_area_name
-- of 0006 stay, and pg/households.sql keeps the `COLLATE zh` form of the name searches.

-- household_totals: household_counts rolled up to every town and county (see the SQLite
-- twin), kept by a trigger on household_counts.
CREATE TABLE household_totals (
	area_code TEXT NOT NULL,
	hh_type TEXT NOT NULL,
	category TEXT NOT NULL,
	households BIGINT NOT NULL,
	persons BIGINT NOT NULL,
	PRIMARY KEY (area_code, hh_type, category)
);

INSERT INTO household_totals (area_code, hh_type, category, households, persons)
SELECT substr(area_code, 1, 9) || '000', hh_type, category, sum(households), sum(persons)
FROM household_counts GROUP BY 1, 2, 3;
INSERT INTO household_totals (area_code, hh_type, category, households, persons)
SELECT substr(area_code, 1, 6) || '000000', hh_type, category, sum(households), sum(persons)
FROM household_counts GROUP BY 1, 2, 3;

CREATE FUNCTION household_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE household_totals SET households = households - OLD.households, persons = persons - OLD.persons
		WHERE area_code IN (substr(OLD.area_code, 1, 9) || '000', substr(OLD.area_code, 1, 6) || '000000')
		  AND hh_type = OLD.hh_type AND category = OLD.category;
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		INSERT INTO household_totals (area_code, hh_type, category, households, persons)
		VALUES (substr(NEW.area_code, 1, 9) || '000', NEW.hh_type, NEW.category, NEW.households, NEW.persons),
		       (substr(NEW.area_code, 1, 6) || '000000', NEW.hh_type, NEW.category, NEW.households, NEW.persons)
		ON CONFLICT (area_code, hh_type, category) DO UPDATE
		SET households = household_totals.households + EXCLUDED.households,
		    persons = household_totals.persons + EXCLUDED.persons;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER household_totals_track
AFTER INSERT OR DELETE OR UPDATE ON household_counts
FOR EACH ROW EXECUTE FUNCTION household_totals_track();
