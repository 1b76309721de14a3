-- Citus-valid keys (issue #10; docs/scaling.md, "Citus: what is distributed, what is
-- reference"). Citus needs the distribution column, `county`, in every primary key and
-- unique constraint of a distributed table, and in both sides of every foreign key between
-- two distributed tables. This migration makes today's schema so, on populated databases:
--
-- * county is APPENDED to every key — PRIMARY KEY (id, county), UNIQUE (household_id,
--   year, county) — never put in front: Citus does not care about the order, and the
--   leading columns keep serving the lookups by id, household, area range they served
--   (a (county, id) key would need a second index on id for every `WHERE id = $1`);
-- * foreign keys between distributed tables become composite,
--   (household_id, county) REFERENCES households (id, county); the two ON DELETE SET NULL
--   ones of ledger_entries null only their id column (PostgreSQL 15's column list), never
--   county; foreign keys to reference tables (areas, indicators, policies) stay;
-- * dept_warnings.batch_id loses its foreign key: a city-level 部门 import writes one batch
--   (in the importer's area) whose warnings fall in several counties — a cross-county
--   reference; the batch id stays a plain column, as household_changes keeps its ids;
-- * the derived tables household_counts, household_totals and income_rollup get a county
--   column (substr(area_code, 1, 6), filled from existing rows and by their functions) at
--   the end of their keys, and the ON CONFLICT targets name the new keys.
-- tests/api/citus_schema.test.mjs checks the result against the classification table of
-- docs/scaling.md; citus_schema's upgrade test runs this on a database with rows in every
-- table.

-- 1. Foreign keys that reference a key about to change go first.
ALTER TABLE persons DROP CONSTRAINT persons_household_id_fkey;
ALTER TABLE income_surveys DROP CONSTRAINT income_surveys_household_id_fkey;
ALTER TABLE dept_warnings DROP CONSTRAINT dept_warnings_household_id_fkey,
	DROP CONSTRAINT dept_warnings_person_id_fkey, DROP CONSTRAINT dept_warnings_batch_id_fkey;
ALTER TABLE warning_unmatched DROP CONSTRAINT warning_unmatched_batch_id_fkey;
ALTER TABLE household_events DROP CONSTRAINT household_events_household_id_fkey;
ALTER TABLE screening_candidates DROP CONSTRAINT screening_candidates_screening_id_fkey,
	DROP CONSTRAINT screening_candidates_household_id_fkey;
ALTER TABLE cases DROP CONSTRAINT cases_screening_id_fkey, DROP CONSTRAINT cases_household_id_fkey;
ALTER TABLE case_steps DROP CONSTRAINT case_steps_case_id_fkey;
ALTER TABLE plans DROP CONSTRAINT plans_household_id_fkey;
ALTER TABLE measures DROP CONSTRAINT measures_household_id_fkey, DROP CONSTRAINT measures_plan_id_fkey;
ALTER TABLE visits DROP CONSTRAINT visits_household_id_fkey;
ALTER TABLE eliminations DROP CONSTRAINT eliminations_household_id_fkey;
ALTER TABLE elimination_steps DROP CONSTRAINT elimination_steps_elimination_id_fkey;
ALTER TABLE campaign_households DROP CONSTRAINT campaign_households_campaign_id_fkey,
	DROP CONSTRAINT campaign_households_household_id_fkey;
ALTER TABLE campaign_issues DROP CONSTRAINT campaign_issues_household_id_fkey,
	DROP CONSTRAINT campaign_issues_campaign_id_fkey;
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_household_id_fkey,
	DROP CONSTRAINT ledger_entries_parent_id_fkey, DROP CONSTRAINT ledger_entries_person_id_fkey;
ALTER TABLE ledger_beneficiaries DROP CONSTRAINT ledger_beneficiaries_entry_id_fkey,
	DROP CONSTRAINT ledger_beneficiaries_household_id_fkey;
ALTER TABLE ranking_rows DROP CONSTRAINT ranking_rows_ranking_id_fkey;

-- 2. Primary keys: (id, county).
ALTER TABLE households DROP CONSTRAINT households_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE persons DROP CONSTRAINT persons_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE household_changes DROP CONSTRAINT household_changes_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE household_events DROP CONSTRAINT household_events_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE income_surveys DROP CONSTRAINT income_surveys_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE warning_batches DROP CONSTRAINT warning_batches_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE dept_warnings DROP CONSTRAINT dept_warnings_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE warning_unmatched DROP CONSTRAINT warning_unmatched_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE screenings DROP CONSTRAINT screenings_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE screening_candidates DROP CONSTRAINT screening_candidates_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE cases DROP CONSTRAINT cases_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE case_steps DROP CONSTRAINT case_steps_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE plans DROP CONSTRAINT plans_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE measures DROP CONSTRAINT measures_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE visits DROP CONSTRAINT visits_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE visit_schedules DROP CONSTRAINT visit_schedules_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE eliminations DROP CONSTRAINT eliminations_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE elimination_steps DROP CONSTRAINT elimination_steps_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE campaigns DROP CONSTRAINT campaigns_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE campaign_households DROP CONSTRAINT campaign_households_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE campaign_issues DROP CONSTRAINT campaign_issues_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE report_drafts DROP CONSTRAINT report_drafts_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE ledger_beneficiaries DROP CONSTRAINT ledger_beneficiaries_pkey,
	ADD PRIMARY KEY (entry_id, household_id, county);
ALTER TABLE ledger_settings DROP CONSTRAINT ledger_settings_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE indicator_targets DROP CONSTRAINT indicator_targets_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE rankings DROP CONSTRAINT rankings_pkey, ADD PRIMARY KEY (id, county);
ALTER TABLE ranking_rows DROP CONSTRAINT ranking_rows_pkey, ADD PRIMARY KEY (id, county);

-- 3. Unique constraints and unique indexes: county appended (households and persons already
-- lead theirs with it).
ALTER TABLE income_surveys DROP CONSTRAINT income_surveys_household_id_year_key,
	ADD UNIQUE (household_id, year, county);
ALTER TABLE plans DROP CONSTRAINT plans_household_id_key, ADD UNIQUE (household_id, county);
ALTER TABLE visits DROP CONSTRAINT visits_client_key_key, ADD UNIQUE (client_key, county);
ALTER TABLE visit_schedules DROP CONSTRAINT visit_schedules_area_code_target_key,
	ADD UNIQUE (area_code, target, county);
ALTER TABLE campaign_households DROP CONSTRAINT campaign_households_campaign_id_household_id_key,
	ADD UNIQUE (campaign_id, household_id, county);
ALTER TABLE ledger_settings DROP CONSTRAINT ledger_settings_area_code_year_key_key,
	ADD UNIQUE (area_code, year, key, county);
ALTER TABLE indicator_targets DROP CONSTRAINT indicator_targets_area_code_indicator_id_year_period_key,
	ADD UNIQUE (area_code, indicator_id, year, period, county);
DROP INDEX dept_warnings_unique;
CREATE UNIQUE INDEX dept_warnings_unique
	ON dept_warnings (person_id, source_dept, type, occurred_ymd, coalesce(amount, -1), county);
DROP INDEX cases_open_household;
CREATE UNIQUE INDEX cases_open_household ON cases (household_id, county) WHERE closed_at IS NULL;
DROP INDEX eliminations_pending;
CREATE UNIQUE INDEX eliminations_pending ON eliminations (household_id, county) WHERE status = 'pending';

-- 4. Foreign keys between distributed tables: composite, county on both sides.
ALTER TABLE persons ADD FOREIGN KEY (household_id, county) REFERENCES households (id, county) ON DELETE CASCADE;
ALTER TABLE income_surveys
	ADD FOREIGN KEY (household_id, county) REFERENCES households (id, county) ON DELETE CASCADE;
ALTER TABLE dept_warnings
	ADD FOREIGN KEY (household_id, county) REFERENCES households (id, county) ON DELETE CASCADE,
	ADD FOREIGN KEY (person_id, county) REFERENCES persons (id, county) ON DELETE CASCADE;
ALTER TABLE warning_unmatched ADD FOREIGN KEY (batch_id, county) REFERENCES warning_batches (id, county);
ALTER TABLE household_events
	ADD FOREIGN KEY (household_id, county) REFERENCES households (id, county) ON DELETE CASCADE;
ALTER TABLE screening_candidates
	ADD FOREIGN KEY (screening_id, county) REFERENCES screenings (id, county) ON DELETE CASCADE,
	ADD FOREIGN KEY (household_id, county) REFERENCES households (id, county) ON DELETE CASCADE;
ALTER TABLE cases
	ADD FOREIGN KEY (household_id, county) REFERENCES households (id, county) ON DELETE CASCADE,
	ADD FOREIGN KEY (screening_id, county) REFERENCES screenings (id, county);
ALTER TABLE case_steps ADD FOREIGN KEY (case_id, county) REFERENCES cases (id, county) ON DELETE CASCADE;
ALTER TABLE plans ADD FOREIGN KEY (household_id, county) REFERENCES households (id, county) ON DELETE CASCADE;
ALTER TABLE measures
	ADD FOREIGN KEY (plan_id, county) REFERENCES plans (id, county) ON DELETE CASCADE,
	ADD FOREIGN KEY (household_id, county) REFERENCES households (id, county) ON DELETE CASCADE;
ALTER TABLE visits ADD FOREIGN KEY (household_id, county) REFERENCES households (id, county) ON DELETE CASCADE;
ALTER TABLE eliminations
	ADD FOREIGN KEY (household_id, county) REFERENCES households (id, county) ON DELETE CASCADE;
ALTER TABLE elimination_steps
	ADD FOREIGN KEY (elimination_id, county) REFERENCES eliminations (id, county) ON DELETE CASCADE;
ALTER TABLE campaign_households
	ADD FOREIGN KEY (campaign_id, county) REFERENCES campaigns (id, county) ON DELETE CASCADE,
	ADD FOREIGN KEY (household_id, county) REFERENCES households (id, county) ON DELETE CASCADE;
ALTER TABLE campaign_issues
	ADD FOREIGN KEY (campaign_id, county) REFERENCES campaigns (id, county) ON DELETE CASCADE,
	ADD FOREIGN KEY (household_id, county) REFERENCES households (id, county) ON DELETE CASCADE;
ALTER TABLE ledger_entries
	ADD FOREIGN KEY (person_id, county) REFERENCES persons (id, county) ON DELETE SET NULL (person_id),
	ADD FOREIGN KEY (household_id, county) REFERENCES households (id, county) ON DELETE SET NULL (household_id),
	ADD FOREIGN KEY (parent_id, county) REFERENCES ledger_entries (id, county) ON DELETE CASCADE;
ALTER TABLE ledger_beneficiaries
	ADD FOREIGN KEY (entry_id, county) REFERENCES ledger_entries (id, county) ON DELETE CASCADE,
	ADD FOREIGN KEY (household_id, county) REFERENCES households (id, county) ON DELETE CASCADE;
ALTER TABLE ranking_rows ADD FOREIGN KEY (ranking_id, county) REFERENCES rankings (id, county) ON DELETE CASCADE;

-- 5. Derived tables: county from the area code, at the end of the key.
ALTER TABLE household_counts ADD COLUMN county TEXT NOT NULL DEFAULT '';
UPDATE household_counts SET county = substr(area_code, 1, 6);
ALTER TABLE household_counts ALTER COLUMN county DROP DEFAULT,
	DROP CONSTRAINT household_counts_pkey, ADD PRIMARY KEY (area_code, hh_type, category, county);

ALTER TABLE household_totals ADD COLUMN county TEXT NOT NULL DEFAULT '';
UPDATE household_totals SET county = substr(area_code, 1, 6);
ALTER TABLE household_totals ALTER COLUMN county DROP DEFAULT,
	DROP CONSTRAINT household_totals_pkey, ADD PRIMARY KEY (area_code, hh_type, category, county);

ALTER TABLE income_rollup ADD COLUMN county TEXT NOT NULL DEFAULT '';
UPDATE income_rollup SET county = substr(area_code, 1, 6);
ALTER TABLE income_rollup ALTER COLUMN county DROP DEFAULT,
	DROP CONSTRAINT income_rollup_pkey, ADD PRIMARY KEY (area_code, year, hh_type, monitored, band, county);

-- The functions of migrations 0006, 0012 and 0013 with county written and in the conflict
-- target (a trigger only ever touches rows of its own row's county).
CREATE OR REPLACE FUNCTION household_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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

CREATE OR REPLACE FUNCTION income_rollup_add(p_area TEXT, p_year BIGINT, p_type TEXT, p_mon BIGINT, p_band BIGINT,
                                             p_hh BIGINT, p_persons BIGINT, p_net BIGINT) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO income_rollup (county, area_code, year, hh_type, monitored, band, households, persons, net)
	VALUES (substr(p_area, 1, 6), p_area, p_year, p_type, p_mon, p_band, p_hh, p_persons, p_net)
	ON CONFLICT (area_code, year, hh_type, monitored, band, county) DO UPDATE
	SET households = income_rollup.households + EXCLUDED.households,
	    persons = income_rollup.persons + EXCLUDED.persons,
	    net = income_rollup.net + EXCLUDED.net;
$$;
