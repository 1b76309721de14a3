-- Income roll-up for the figure registry (issue #7, domain/report/figures*.c).
--
-- income_rollup: the income surveys of every village and year summed per 户类型, monitored
-- (监测对象类别 not empty) and band of 人均纯收入 (net_per_capita in 分 / 100000, i.e. 1000 元
-- bands 0…29, -1 below zero, 30 from 30000 元 up — ZX_FIG_BIN_FEN and ZX_FIG_NBINS in
-- figures_internal.h): households, Σ 人口, Σ 纯收入. The dashboard's and the report's income
-- figures (population-weighted 人均纯收入 of 脱贫户 and 监测户, growth, the histogram) then sum a
-- few thousand rows instead of joining every survey of the county to its household.
--
-- Kept exact by triggers in the same transaction as every write: a survey inserted, updated
-- (the import's upsert) or deleted moves its own row's amounts; a household whose 户类型 or
-- monitored state changes moves all its surveys to the new key; a household being deleted
-- deletes its surveys first (while the household still gives the key), so the cascade finds
-- nothing left.
CREATE TABLE income_rollup (
	area_code TEXT NOT NULL,
	year INTEGER NOT NULL,
	hh_type TEXT NOT NULL,
	monitored INTEGER NOT NULL,
	band INTEGER NOT NULL,
	households INTEGER NOT NULL,
	persons INTEGER NOT NULL,
	net INTEGER NOT NULL,
	PRIMARY KEY (area_code, year, hh_type, monitored, band)
) WITHOUT ROWID;

INSERT INTO income_rollup (area_code, year, hh_type, monitored, band, households, persons, net)
SELECT s.area_code, s.year, h.hh_type, CASE WHEN h.category <> '' THEN 1 ELSE 0 END,
       CASE WHEN s.net_per_capita < 0 THEN -1 WHEN s.net_per_capita >= 3000000 THEN 30
            ELSE s.net_per_capita / 100000 END,
       count(*), sum(s.size), sum(s.net)
FROM income_surveys s JOIN households h ON h.id = s.household_id
GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER income_rollup_insert AFTER INSERT ON income_surveys
BEGIN
	INSERT INTO income_rollup (area_code, year, hh_type, monitored, band, households, persons, net)
	SELECT new.area_code, new.year, h.hh_type, CASE WHEN h.category <> '' THEN 1 ELSE 0 END,
	       CASE WHEN new.net_per_capita < 0 THEN -1 WHEN new.net_per_capita >= 3000000 THEN 30
	            ELSE new.net_per_capita / 100000 END, 1, new.size, new.net
	FROM households h WHERE h.id = new.household_id
	ON CONFLICT (area_code, year, hh_type, monitored, band) DO UPDATE
	SET households = households + 1, persons = persons + excluded.persons, net = net + excluded.net;
END;

CREATE TRIGGER income_rollup_delete AFTER DELETE ON income_surveys
BEGIN
	UPDATE income_rollup SET households = households - 1, persons = persons - old.size, net = net - old.net
	WHERE area_code = old.area_code AND year = old.year
	  AND band = CASE WHEN old.net_per_capita < 0 THEN -1 WHEN old.net_per_capita >= 3000000 THEN 30
	                  ELSE old.net_per_capita / 100000 END
	  AND (hh_type, monitored) = (SELECT h.hh_type, CASE WHEN h.category <> '' THEN 1 ELSE 0 END
	                              FROM households h WHERE h.id = old.household_id);
END;

CREATE TRIGGER income_rollup_update AFTER UPDATE ON income_surveys
BEGIN
	UPDATE income_rollup SET households = households - 1, persons = persons - old.size, net = net - old.net
	WHERE area_code = old.area_code AND year = old.year
	  AND band = CASE WHEN old.net_per_capita < 0 THEN -1 WHEN old.net_per_capita >= 3000000 THEN 30
	                  ELSE old.net_per_capita / 100000 END
	  AND (hh_type, monitored) = (SELECT h.hh_type, CASE WHEN h.category <> '' THEN 1 ELSE 0 END
	                              FROM households h WHERE h.id = old.household_id);
	INSERT INTO income_rollup (area_code, year, hh_type, monitored, band, households, persons, net)
	SELECT new.area_code, new.year, h.hh_type, CASE WHEN h.category <> '' THEN 1 ELSE 0 END,
	       CASE WHEN new.net_per_capita < 0 THEN -1 WHEN new.net_per_capita >= 3000000 THEN 30
	            ELSE new.net_per_capita / 100000 END, 1, new.size, new.net
	FROM households h WHERE h.id = new.household_id
	ON CONFLICT (area_code, year, hh_type, monitored, band) DO UPDATE
	SET households = households + 1, persons = persons + excluded.persons, net = net + excluded.net;
END;

CREATE TRIGGER income_rollup_household_delete BEFORE DELETE ON households
BEGIN
	DELETE FROM income_surveys WHERE household_id = old.id;
END;

CREATE TRIGGER income_rollup_household_update AFTER UPDATE OF hh_type, category ON households
WHEN old.hh_type <> new.hh_type OR (old.category <> '') <> (new.category <> '')
BEGIN
	INSERT INTO income_rollup (area_code, year, hh_type, monitored, band, households, persons, net)
	SELECT s.area_code, s.year, k.hh_type, k.monitored,
	       CASE WHEN s.net_per_capita < 0 THEN -1 WHEN s.net_per_capita >= 3000000 THEN 30
	            ELSE s.net_per_capita / 100000 END, k.sign, k.sign * s.size, k.sign * s.net
	FROM income_surveys s,
	     (SELECT old.hh_type AS hh_type, CASE WHEN old.category <> '' THEN 1 ELSE 0 END AS monitored, -1 AS sign
	      UNION ALL
	      SELECT new.hh_type, CASE WHEN new.category <> '' THEN 1 ELSE 0 END, 1) k
	WHERE s.household_id = new.id AND true
	ON CONFLICT (area_code, year, hh_type, monitored, band) DO UPDATE
	SET households = households + excluded.households, persons = persons + excluded.persons,
	    net = net + excluded.net;
END;

-- Due visits for the figures (fig_due_scan): the households that have a visit schedule by
-- default (监测户 and 脱贫户) with what the due rule reads, without touching the table rows.
CREATE INDEX households_visit_due ON households (area_code, hh_type, category, created_at)
	WHERE category <> '' OR hh_type = '脱贫户';
