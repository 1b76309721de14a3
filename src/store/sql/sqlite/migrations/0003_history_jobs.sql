-- Change history of households and background jobs.
--
-- household_changes: one row per changed field, written in the same transaction as the
-- change (import or edit). Values of 证件号码 and 联系电话 are stored masked only, never in
-- plaintext. No foreign key: history outlives a removed member or household.
CREATE TABLE household_changes (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,            -- the household's village at the time of the change
	household_id INTEGER NOT NULL,
	person_id INTEGER,                  -- NULL for household-level fields
	ts INTEGER NOT NULL,
	user_id INTEGER,                    -- NULL for the CLI operator
	username TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL CHECK (source IN ('import', 'edit')),
	field TEXT NOT NULL,                -- the template's Chinese column name, e.g. 联系电话
	old_value TEXT NOT NULL DEFAULT '',
	new_value TEXT NOT NULL DEFAULT ''
);
CREATE INDEX household_changes_household ON household_changes (household_id, id);
CREATE INDEX household_changes_area ON household_changes (area_code, id);

-- Background jobs (imports, later exports and reports). The queue itself lives in memory;
-- this table is what GET /api/v1/jobs/{id} reads. Jobs still queued or running when the
-- server stops are marked failed at the next start.
CREATE TABLE jobs (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,                 -- e.g. import.households
	status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
	progress INTEGER NOT NULL DEFAULT 0,
	total INTEGER NOT NULL DEFAULT 0,   -- an estimate while running; 0 = unknown
	area_code TEXT NOT NULL,            -- the area the job works on (scoping)
	user_id INTEGER,                    -- the creator; NULL for the CLI operator
	username TEXT NOT NULL DEFAULT '',
	params TEXT NOT NULL DEFAULT '{}',  -- JSON: the options the job was started with
	created_at INTEGER NOT NULL,
	started_at INTEGER,
	finished_at INTEGER,
	result TEXT NOT NULL DEFAULT '{}',  -- JSON: counts, first errors, error_count
	message TEXT NOT NULL DEFAULT '',   -- Chinese one-line outcome for the user
	error_file TEXT NOT NULL DEFAULT '' -- path of the full error list (CSV), '' if none
);
CREATE INDEX jobs_area ON jobs (area_code, id);
