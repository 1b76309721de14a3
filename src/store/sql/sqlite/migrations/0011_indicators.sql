-- 指标与目标, 晾晒 and 红黑榜 (domain.md §5): indicator definitions, targets per area and
-- period, and published rankings (snapshots kept as history).
--
-- Values are integers in the indicator's base unit: 分 for money (agg sum_amount), and
-- hundredths for counts and quantities (a target of 12 人 is 1200), so completion is exact
-- to the 分 and rounding happens only at display. Dates are 'YYYY-MM-DD' text like the
-- ledger's entry_date. See src/domain/indicator/indicator.h.

-- Indicator definitions (county-wide). source 'ledger': agg over ledger_entries of
-- ledger_kind, optionally where filter_field (status, category or a key of the row's JSON
-- fields) equals filter_value; source 'figure': the report figure named `figure`.
-- weight: its weight in rankings; higher_better 0 for indicators where less is better.
CREATE TABLE indicators (
	id INTEGER PRIMARY KEY,
	key TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	unit TEXT NOT NULL,                 -- display unit: 万元, 元, 人, 次, 个, 户, 亩, %
	source TEXT NOT NULL CHECK (source IN ('ledger', 'figure')),
	ledger_kind TEXT NOT NULL DEFAULT '',
	agg TEXT NOT NULL DEFAULT '' CHECK (agg IN ('', 'count', 'sum_amount', 'sum_quantity', 'count_person')),
	filter_field TEXT NOT NULL DEFAULT '',
	filter_value TEXT NOT NULL DEFAULT '',
	figure TEXT NOT NULL DEFAULT '',
	weight INTEGER NOT NULL DEFAULT 10 CHECK (weight BETWEEN 0 AND 100),
	higher_better INTEGER NOT NULL DEFAULT 1 CHECK (higher_better IN (0, 1)),
	builtin INTEGER NOT NULL DEFAULT 0,
	created_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL DEFAULT 0,
	updated_at INTEGER NOT NULL DEFAULT 0
);

-- A target of an area (county, town or village) for one period of a year. period: Y (year),
-- H1/H2, Q1..Q4, M01..M12, or Dmmdd — a dated milestone counted from 1 January to that day
-- (D0630: by 30 June). target is the value in base units; a milestone may instead give
-- share_bp, its share of the area's year target in basis points (7000 = 70%).
-- area_lo/area_hi: the area's subtree, the ledger rows counted for it.
CREATE TABLE indicator_targets (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	area_lo TEXT NOT NULL,
	area_hi TEXT NOT NULL,
	indicator_id INTEGER NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
	year INTEGER NOT NULL,
	period TEXT NOT NULL,
	start_date TEXT NOT NULL,
	end_date TEXT NOT NULL,
	target INTEGER CHECK (target IS NULL OR target > 0),
	share_bp INTEGER CHECK (share_bp IS NULL OR share_bp BETWEEN 1 AND 100000),
	set_by TEXT NOT NULL DEFAULT '',
	set_at INTEGER NOT NULL,
	CHECK (target IS NOT NULL OR share_bp IS NOT NULL),
	UNIQUE (area_code, indicator_id, year, period)
);
CREATE INDEX indicator_targets_area ON indicator_targets (area_code, year, period);

-- A published 晾晒: the league table of the child areas of area_code (towns of a county,
-- villages of a town) for a year and period, counted up to as_of. Visible to users inside
-- area_lo..area_hi and above it.
CREATE TABLE rankings (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	area_lo TEXT NOT NULL,
	area_hi TEXT NOT NULL,
	year INTEGER NOT NULL,
	period TEXT NOT NULL,
	as_of TEXT NOT NULL,
	title TEXT NOT NULL,
	top_n INTEGER NOT NULL,
	areas INTEGER NOT NULL DEFAULT 0,
	created_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE INDEX rankings_area ON rankings (area_code, created_at);

-- One child area of a published ranking. score: weighted completion as a ratio (1.0542 =
-- 105.42%), NULL when the area had no target; board: 'red', 'black' or ''. detail: JSON array
-- of the indicators counted ({key, name, unit, target, actual, completion, weight}).
CREATE TABLE ranking_rows (
	id INTEGER PRIMARY KEY,
	ranking_id INTEGER NOT NULL REFERENCES rankings (id) ON DELETE CASCADE,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	area_name TEXT NOT NULL DEFAULT '',
	position INTEGER NOT NULL,
	rank INTEGER,
	score REAL,
	indicators INTEGER NOT NULL DEFAULT 0,
	board TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX ranking_rows_area ON ranking_rows (area_code, ranking_id);
CREATE INDEX ranking_rows_ranking ON ranking_rows (ranking_id, position);

-- Built-in indicators (the figures the seeds report every year).
INSERT INTO indicators (key, name, unit, source, ledger_kind, agg, filter_field, filter_value, weight, builtin) VALUES
	('microloan', '小额信贷发放额', '万元', 'ledger', 'microloan', 'sum_amount', '', '', 20, 1),
	('public_post', '公益性岗位人数', '人', 'ledger', 'public_post', 'count_person', '', '', 15, 1),
	('river_patrol', '巡河次数', '次', 'ledger', 'inspection', 'count', 'category', '巡河', 15, 1),
	('industry_subsidy', '产业奖补金额', '万元', 'ledger', 'subsidy', 'sum_amount', '', '', 15, 1),
	('collective_income', '村集体经济收入', '万元', 'ledger', 'collective', 'sum_amount', '', '', 20, 1),
	('employment', '务工就业人数', '人', 'ledger', 'employment', 'count_person', '', '', 15, 1),
	('projects', '衔接资金项目个数', '个', 'ledger', 'project', 'count', '', '', 0, 1);
