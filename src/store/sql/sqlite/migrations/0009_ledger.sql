-- 台账 (domain.md §6): one generic table for every ledger kind (项目与资金, 产业奖补, 小额信贷,
-- 公益性岗位, 务工就业, 村集体经济, 巡查, 里程碑), the households a project benefits, and the
-- configurable thresholds of the ledger checks. The kinds themselves (fields, types, limits,
-- Chinese headers) are data in src/domain/ledger/kinds.c; see ledger.h for the meaning of
-- every column.
--
-- Money is integer 分; entry_date / end_date are 'YYYY-MM-DD' text (UTC+8 calendar days);
-- timestamps are unix seconds. Every table carries county + area_code and an index that
-- starts with area_code (scoping).

CREATE TABLE ledger_entries (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	kind TEXT NOT NULL,                 -- ledger kind key: project, subsidy, microloan, …
	area_code TEXT NOT NULL,            -- the village (or town) the row belongs to
	entry_date TEXT,                    -- YYYY-MM-DD: places the row in a period
	end_date TEXT,                      -- YYYY-MM-DD: due date / end of a period (kinds that have one)
	amount_fen INTEGER CHECK (amount_fen IS NULL OR amount_fen >= 0), -- the kind's main money amount
	quantity REAL CHECK (quantity IS NULL OR quantity >= 0),           -- the kind's main count/area/months
	person_id INTEGER REFERENCES persons (id) ON DELETE SET NULL,
	household_id INTEGER REFERENCES households (id) ON DELETE SET NULL,
	parent_id INTEGER REFERENCES ledger_entries (id) ON DELETE CASCADE, -- e.g. a milestone's project
	status TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL DEFAULT '',  -- the kind's sub-type (项目类型, 巡查类别, 就业地域)
	title TEXT NOT NULL DEFAULT '',     -- the kind's main text (project name, post, item, place)
	fields TEXT NOT NULL DEFAULT '{}',  -- JSON object of every field of the kind
	created_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL
);
CREATE INDEX ledger_entries_area ON ledger_entries (area_code, kind, entry_date);
CREATE INDEX ledger_entries_kind ON ledger_entries (kind, entry_date, area_code);
CREATE INDEX ledger_entries_category ON ledger_entries (area_code, kind, category, entry_date);
CREATE INDEX ledger_entries_person ON ledger_entries (person_id, kind) WHERE person_id IS NOT NULL;
CREATE INDEX ledger_entries_household ON ledger_entries (household_id, kind) WHERE household_id IS NOT NULL;
CREATE INDEX ledger_entries_parent ON ledger_entries (parent_id) WHERE parent_id IS NOT NULL;

-- 受益户 of a project (project → many households).
CREATE TABLE ledger_beneficiaries (
	entry_id INTEGER NOT NULL REFERENCES ledger_entries (id) ON DELETE CASCADE,
	household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,            -- the household's village
	PRIMARY KEY (entry_id, household_id)
);
CREATE INDEX ledger_beneficiaries_area ON ledger_beneficiaries (area_code, entry_id);
CREATE INDEX ledger_beneficiaries_household ON ledger_beneficiaries (household_id);

-- Thresholds of the ledger checks per area (county, town or village; the most specific row
-- wins) and year (0 = every year). Keys: industry_share_min (‰ of 衔接资金 spent on
-- 产业发展类, default 550), weak_village_fen (村集体经济 income below which a village is
-- 薄弱村, default 10000000 = 10万元), loan_max_fen (default 5000000 = 5万元),
-- loan_max_months (default 36).
CREATE TABLE ledger_settings (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	year INTEGER NOT NULL DEFAULT 0,
	key TEXT NOT NULL,
	value INTEGER NOT NULL,
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL,
	UNIQUE (area_code, year, key)
);
