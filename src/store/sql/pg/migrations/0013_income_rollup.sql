-- Income roll-up for the figure registry (PostgreSQL twin of sqlite/0013_income_rollup.sql:
-- the same table, backfill and bookkeeping; see the comments there).
CREATE TABLE income_rollup (
	area_code TEXT NOT NULL,
	year BIGINT NOT NULL,
	hh_type TEXT NOT NULL,
	monitored BIGINT NOT NULL,
	band BIGINT NOT NULL,
	households BIGINT NOT NULL,
	persons BIGINT NOT NULL,
	net BIGINT NOT NULL,
	PRIMARY KEY (area_code, year, hh_type, monitored, band)
);

CREATE FUNCTION income_band(npc BIGINT) RETURNS INTEGER LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN npc < 0 THEN -1 WHEN npc >= 3000000 THEN 30 ELSE (npc / 100000)::INTEGER END
$$;

INSERT INTO income_rollup (area_code, year, hh_type, monitored, band, households, persons, net)
SELECT s.area_code, s.year, h.hh_type, CASE WHEN h.category <> '' THEN 1 ELSE 0 END,
       income_band(s.net_per_capita), count(*), sum(s.size), sum(s.net)
FROM income_surveys s JOIN households h ON h.id = s.household_id
GROUP BY 1, 2, 3, 4, 5;

CREATE FUNCTION income_rollup_add(p_area TEXT, p_year BIGINT, p_type TEXT, p_mon BIGINT, p_band BIGINT,
                                  p_hh BIGINT, p_persons BIGINT, p_net BIGINT) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO income_rollup (area_code, year, hh_type, monitored, band, households, persons, net)
	VALUES (p_area, p_year, p_type, p_mon, p_band, p_hh, p_persons, p_net)
	ON CONFLICT (area_code, year, hh_type, monitored, band) DO UPDATE
	SET households = income_rollup.households + EXCLUDED.households,
	    persons = income_rollup.persons + EXCLUDED.persons,
	    net = income_rollup.net + EXCLUDED.net;
$$;

CREATE FUNCTION income_rollup_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	t TEXT;
	m BIGINT;
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		SELECT h.hh_type, CASE WHEN h.category <> '' THEN 1 ELSE 0 END INTO t, m
		FROM households h WHERE h.id = OLD.household_id;
		IF FOUND THEN
			PERFORM income_rollup_add(OLD.area_code, OLD.year, t, m, income_band(OLD.net_per_capita),
			                          -1, -OLD.size, -OLD.net);
		END IF;
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		SELECT h.hh_type, CASE WHEN h.category <> '' THEN 1 ELSE 0 END INTO t, m
		FROM households h WHERE h.id = NEW.household_id;
		IF FOUND THEN
			PERFORM income_rollup_add(NEW.area_code, NEW.year, t, m, income_band(NEW.net_per_capita),
			                          1, NEW.size, NEW.net);
		END IF;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER income_rollup_track AFTER INSERT OR DELETE OR UPDATE ON income_surveys
FOR EACH ROW EXECUTE FUNCTION income_rollup_track();

CREATE FUNCTION income_rollup_household_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM income_surveys WHERE household_id = OLD.id;
	RETURN OLD;
END $$;

CREATE TRIGGER income_rollup_household_delete BEFORE DELETE ON households
FOR EACH ROW EXECUTE FUNCTION income_rollup_household_delete();

CREATE FUNCTION income_rollup_household_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF OLD.hh_type <> NEW.hh_type OR (OLD.category <> '') <> (NEW.category <> '') THEN
		PERFORM income_rollup_add(s.area_code, s.year, OLD.hh_type, CASE WHEN OLD.category <> '' THEN 1 ELSE 0 END,
		                          income_band(s.net_per_capita), -1, -s.size, -s.net)
		FROM income_surveys s WHERE s.household_id = NEW.id;
		PERFORM income_rollup_add(s.area_code, s.year, NEW.hh_type, CASE WHEN NEW.category <> '' THEN 1 ELSE 0 END,
		                          income_band(s.net_per_capita), 1, s.size, s.net)
		FROM income_surveys s WHERE s.household_id = NEW.id;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER income_rollup_household_update AFTER UPDATE OF hh_type, category ON households
FOR EACH ROW EXECUTE FUNCTION income_rollup_household_update();

-- Due visits for the figures (fig_due_scan): the households that have a visit schedule by
-- default (监测户 and 脱贫户) with what the due rule reads, without touching the table rows.
CREATE INDEX households_visit_due ON households (area_code, hh_type, category, created_at)
	WHERE category <> '' OR hh_type = '脱贫户';
