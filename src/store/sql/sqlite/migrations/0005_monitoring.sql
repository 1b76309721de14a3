-- 防返贫动态监测 (domain.md §3): policy parameters, income surveys, department warnings,
-- sudden events, screening runs and the identification workflow (识别纳入).
-- Money is integer 分 everywhere. Every table carries county + area_code and an index that
-- starts with area_code (scoping; Citus distribution by county later).

-- Policy parameters per area (province 2-digit-padded or county) and year. Never updated in
-- place: a change is a new row with version + 1, so a screening can name the version it used.
CREATE TABLE policies (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,               -- '' for a province-level row
	area_code TEXT NOT NULL,            -- 510000000000 (province) or 510722000000 (county)
	year INTEGER NOT NULL,
	version INTEGER NOT NULL,           -- 1, 2, … per (area_code, year)
	income_line INTEGER NOT NULL,       -- 监测线, 分 per person and year
	warning_factor INTEGER NOT NULL,    -- 预警带 factor in per-mille (1500 = line × 1.5)
	drop_percent INTEGER NOT NULL,      -- income_drop threshold, whole percent
	medical_selfpay INTEGER NOT NULL,   -- 医保 个人自付 threshold, 分 per year
	medical_selfpay_ratio INTEGER NOT NULL, -- … or this percent of the household's 纯收入 (0 = off)
	created_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	UNIQUE (area_code, year, version)
);

-- One survey per household and year. net = 四项收入 − 生产经营性支出; size is the household
-- size when the survey was written, so per-capita figures never change behind the user's back.
CREATE TABLE income_surveys (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
	year INTEGER NOT NULL,
	wage INTEGER NOT NULL,              -- 工资性收入
	business INTEGER NOT NULL,          -- 生产经营性收入
	property INTEGER NOT NULL,          -- 财产性收入
	transfer INTEGER NOT NULL,          -- 转移性收入
	expense INTEGER NOT NULL,           -- 生产经营性支出
	net INTEGER NOT NULL,               -- 纯收入 (may be negative)
	size INTEGER NOT NULL CHECK (size > 0),
	net_per_capita INTEGER NOT NULL,    -- net / size in 分, rounded half away from zero (display)
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL,
	UNIQUE (household_id, year)
);
-- Covering index: screening reads a whole area's surveys of one year without the table.
CREATE INDEX income_surveys_area ON income_surveys (area_code, year, household_id, net, size);

-- One row per imported file of department warnings.
CREATE TABLE warning_batches (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,            -- the importer's area
	file_name TEXT NOT NULL DEFAULT '',
	rows_total INTEGER NOT NULL,
	rows_matched INTEGER NOT NULL,
	rows_duplicate INTEGER NOT NULL,
	rows_unmatched INTEGER NOT NULL,
	created_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE INDEX warning_batches_area ON warning_batches (area_code, id);

-- Department warnings matched to a person (by the 证件号码 blind index).
CREATE TABLE dept_warnings (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
	person_id INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
	source_dept TEXT NOT NULL,          -- 医保 | 民政 | 残联 | 教育 | 人社 | …
	type TEXT NOT NULL,                 -- 预警类型
	amount INTEGER,                     -- 分; NULL when the warning has no amount
	occurred_ymd INTEGER NOT NULL,      -- 发生日期 YYYYMMDD
	note TEXT NOT NULL DEFAULT '',
	batch_id INTEGER NOT NULL REFERENCES warning_batches (id),
	created_at INTEGER NOT NULL
);
-- Re-importing a file skips what is already there (a NULL amount counts as equal).
CREATE UNIQUE INDEX dept_warnings_unique
	ON dept_warnings (person_id, source_dept, type, occurred_ymd, coalesce(amount, -1));
CREATE INDEX dept_warnings_area ON dept_warnings (area_code, occurred_ymd);
CREATE INDEX dept_warnings_household ON dept_warnings (household_id, occurred_ymd);

-- Rows of a warnings file whose 证件号码 matched nobody: kept (masked) so that they are
-- listed, never silently dropped.
CREATE TABLE warning_unmatched (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	batch_id INTEGER NOT NULL REFERENCES warning_batches (id),
	row_no INTEGER NOT NULL,
	id_masked TEXT NOT NULL,
	source_dept TEXT NOT NULL,
	type TEXT NOT NULL,
	amount INTEGER,
	occurred_ymd INTEGER NOT NULL
);
CREATE INDEX warning_unmatched_area ON warning_unmatched (area_code, batch_id);

-- Sudden events entered by cadres (重大疾病, 残疾, 意外事故, 自然灾害 …).
CREATE TABLE household_events (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
	type TEXT NOT NULL,
	occurred_ymd INTEGER NOT NULL,
	amount INTEGER,                     -- loss or cost in 分, optional
	note TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE INDEX household_events_area ON household_events (area_code, occurred_ymd);
CREATE INDEX household_events_household ON household_events (household_id, occurred_ymd);

-- The screening rules as data. The conditions live in the named query screening_evaluate
-- (SQL set operations); bit is the rule's bit in its result, template its reason text.
CREATE TABLE screening_rules (
	id TEXT PRIMARY KEY,
	bit INTEGER NOT NULL UNIQUE,
	seq INTEGER NOT NULL,
	name TEXT NOT NULL,
	template TEXT NOT NULL,
	params TEXT NOT NULL,               -- policy parameters it reads, comma-separated
	enabled INTEGER NOT NULL DEFAULT 1
);
INSERT INTO screening_rules (id, bit, seq, name, template, params) VALUES
	('income_below_line', 1, 1, '人均纯收入低于监测线', '人均纯收入 {pc}元 低于监测线 {line}元', 'income_line'),
	('income_warning_band', 2, 2, '人均纯收入处于预警带', '人均纯收入 {pc}元 处于预警带（监测线 {line}元 至 {band}元）', 'income_line,warning_factor'),
	('income_drop', 4, 3, '人均纯收入大幅下降', '人均纯收入 {pc}元 比上年 {last}元 下降 {drop}%，超过 {limit}%', 'drop_percent'),
	('housing_unsafe', 8, 4, '住房安全未保障', '住房安全未保障', ''),
	('water_unsafe', 16, 5, '饮水安全未保障', '饮水安全未保障', ''),
	('medical_uninsured', 32, 6, '有成员未参加基本医疗保险', '{n}名家庭成员未参加基本医疗保险', ''),
	('school_dropout', 64, 7, '有义务教育阶段失学辍学', '{n}名家庭成员失学辍学', ''),
	('dept_warning', 128, 8, '部门筛查预警', '部门预警：{detail}', 'medical_selfpay,medical_selfpay_ratio');

-- One screening run and its result (candidates and the households without a survey).
CREATE TABLE screenings (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	year INTEGER NOT NULL,
	policy_id INTEGER NOT NULL REFERENCES policies (id),
	policy_version INTEGER NOT NULL,
	candidates INTEGER NOT NULL,
	missing_income INTEGER NOT NULL,
	counts TEXT NOT NULL,               -- JSON {"rule_id": n, …}
	created_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE INDEX screenings_area ON screenings (area_code, year, id);

CREATE TABLE screening_candidates (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,            -- the household's village
	screening_id INTEGER NOT NULL REFERENCES screenings (id) ON DELETE CASCADE,
	household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
	missing_income INTEGER NOT NULL DEFAULT 0, -- 1: no survey for the year (not a candidate)
	rules INTEGER NOT NULL,             -- bitmask of screening_rules.bit
	rule_ids TEXT NOT NULL,             -- "income_below_line,housing_unsafe"
	reasons TEXT NOT NULL               -- one reason per line
);
CREATE INDEX screening_candidates_area ON screening_candidates (area_code, screening_id);
CREATE INDEX screening_candidates_run ON screening_candidates (screening_id, missing_income, id);

-- Identification workflow (识别纳入): one case per household path, one step row per
-- transition. At most one open case per household.
CREATE TABLE cases (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,            -- the household's village
	household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
	source TEXT NOT NULL,               -- self_report | cadre | dept | screening
	screening_id INTEGER REFERENCES screenings (id),
	reason TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL,
	category TEXT NOT NULL DEFAULT '',  -- proposed 监测对象类别
	risk_type TEXT NOT NULL DEFAULT '', -- proposed 风险类型
	helper TEXT NOT NULL DEFAULT '',    -- proposed 帮扶责任人
	discovered_at INTEGER NOT NULL,
	due_at INTEGER NOT NULL,            -- discovered_at + 15 days
	notice_at INTEGER,                  -- 村内公示 started
	closed_at INTEGER,                  -- included or rejected
	created_by TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL
);
CREATE INDEX cases_area ON cases (area_code, state, id);
CREATE UNIQUE INDEX cases_open_household ON cases (household_id) WHERE closed_at IS NULL;

CREATE TABLE case_steps (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	from_state TEXT NOT NULL,
	to_state TEXT NOT NULL,
	action TEXT NOT NULL,
	user_id INTEGER,
	username TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL DEFAULT '',
	opinion TEXT NOT NULL DEFAULT '',
	attachments TEXT NOT NULL DEFAULT '[]', -- JSON [{name,size,sha256}] (metadata only)
	ts INTEGER NOT NULL
);
CREATE INDEX case_steps_area ON case_steps (area_code, case_id);
CREATE INDEX case_steps_case ON case_steps (case_id, id);

-- 监测户 lists and counts read only the monitored households.
CREATE INDEX households_monitored ON households (area_code, category) WHERE category <> '';
-- housing_unsafe / water_unsafe read only the households concerned.
CREATE INDEX households_unsafe ON households (area_code) WHERE housing_safe = 0 OR water_safe = 0;

-- Person-level screening rules read only the few persons they concern.
CREATE INDEX persons_dropout ON persons (area_code, household_id) WHERE school = '失学辍学';
CREATE INDEX persons_uninsured ON persons (area_code, household_id) WHERE insured = 0;
