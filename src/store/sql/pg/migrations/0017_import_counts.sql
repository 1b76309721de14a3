-- 0017: the count triggers of 0015 step aside while a household import copies households in.
--
-- Every household insert updated its village's household_counts row, and that update its
-- town's and county's household_totals rows. Inside one transaction each update writes a new
-- version of the row, and the next update walks past every earlier one (none can be pruned
-- before the commit): a first import of 20,000 households took 209 s, of 66,845 more than
-- ten minutes, nearly all of it in these triggers. With zx.counts_deferred set in the
-- transaction (set_config(…, true): the import's own session only, only around its COPY,
-- see pg/import_copy.sql), an INSERT into households leaves household_counts alone and a
-- change of household_counts leaves household_totals alone; the import then adds each chunk's
-- counts with one grouped statement per table. Every other write keeps the triggers as they
-- were (the bodies below are those of 0015 plus the first IF).

CREATE OR REPLACE FUNCTION household_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' AND current_setting('zx.counts_deferred', true) = 'on' THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE household_counts SET households = households - 1, persons = persons - OLD.size
		WHERE area_code = OLD.area_code AND hh_type = OLD.hh_type AND category = OLD.category
		  AND county = substr(OLD.area_code, 1, 6);
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		INSERT INTO household_counts (county, area_code, hh_type, category, households, persons)
		VALUES (substr(NEW.area_code, 1, 6), NEW.area_code, NEW.hh_type, NEW.category, 1, NEW.size)
		ON CONFLICT (area_code, hh_type, category, county) DO UPDATE
		SET households = household_counts.households + 1,
		    persons = household_counts.persons + EXCLUDED.persons;
	END IF;
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION household_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('zx.counts_deferred', true) = 'on' THEN
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE household_totals SET households = households - OLD.households, persons = persons - OLD.persons
		WHERE area_code IN (substr(OLD.area_code, 1, 9) || '000', substr(OLD.area_code, 1, 6) || '000000')
		  AND hh_type = OLD.hh_type AND category = OLD.category AND county = OLD.county;
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		INSERT INTO household_totals (county, area_code, hh_type, category, households, persons)
		VALUES (NEW.county, substr(NEW.area_code, 1, 9) || '000', NEW.hh_type, NEW.category, NEW.households,
		        NEW.persons),
		       (NEW.county, substr(NEW.area_code, 1, 6) || '000000', NEW.hh_type, NEW.category, NEW.households,
		        NEW.persons)
		ON CONFLICT (area_code, hh_type, category, county) DO UPDATE
		SET households = household_totals.households + EXCLUDED.households,
		    persons = household_totals.persons + EXCLUDED.persons;
	END IF;
	RETURN NULL;
END $$;
