-- 帮扶 (domain.md §4): 一户一策 plans and their measures, visits (走访) and their schedule,
-- risk elimination (风险消除), campaigns (集中排查 / 回头看) with the snapshot of their household
-- set and the issues they find.
--
-- Money is integer 分; dates a user picks are YYYYMMDD integers (UTC+8); timestamps are unix
-- seconds. Every table carries county + area_code (the household's village, or the area a
-- campaign / 共性问题 covers) and an index that starts with area_code (scoping).

-- 一户一策: one plan per household (a 监测户 when written). area_code follows the household
-- and is rewritten on every write of the plan or its measures.
CREATE TABLE plans (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	household_id INTEGER NOT NULL UNIQUE REFERENCES households (id) ON DELETE CASCADE,
	risk_analysis TEXT NOT NULL DEFAULT '', -- 风险分析
	goal TEXT NOT NULL DEFAULT '',          -- 帮扶目标
	responsible TEXT NOT NULL DEFAULT '',   -- 责任人 (defaults to the household's 帮扶责任人)
	created_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL
);
CREATE INDEX plans_area ON plans (area_code, household_id);

-- 帮扶措施 from the catalogue (assistance.h). ledger_kind/ledger_id point at the ledger row
-- that carries the measure (e.g. a 公益性岗位 record) once the ledger module exists.
CREATE TABLE measures (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
	household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	content TEXT NOT NULL DEFAULT '',
	planned_ymd INTEGER,                -- 计划完成日期
	actual_ymd INTEGER,                 -- 实际落实日期
	amount INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
	responsible TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('计划', '实施中', '已落实', '取消')),
	ledger_kind TEXT NOT NULL DEFAULT '',
	ledger_id INTEGER,
	created_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL
);
CREATE INDEX measures_area ON measures (area_code, household_id, status);
CREATE INDEX measures_plan ON measures (plan_id, id);
CREATE INDEX measures_household ON measures (household_id, status);

-- 走访. client_key is the client's idempotency key: a repeated submission finds the first
-- visit instead of writing a second one. checklist: the 六必访 bits (assistance.h).
CREATE TABLE visits (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
	visitor_id INTEGER,                 -- users.id; NULL for the CLI operator
	visitor TEXT NOT NULL,              -- the visitor's display name when recorded
	visit_ymd INTEGER NOT NULL,
	checklist INTEGER NOT NULL DEFAULT 0 CHECK (checklist BETWEEN 0 AND 63),
	findings TEXT NOT NULL DEFAULT '',
	followups TEXT NOT NULL DEFAULT '',
	client_key TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);
CREATE INDEX visits_area ON visits (area_code, visit_ymd);
CREATE INDEX visits_household ON visits (household_id, visit_ymd);

-- Visit interval per target group, for a county or a town (the most specific row wins;
-- without a row the built-in defaults apply: 监测户 30 days, 脱贫户 90, 一般农户 none).
-- interval_days 0 = the group has no schedule.
CREATE TABLE visit_schedules (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	target TEXT NOT NULL CHECK (target IN ('监测户', '脱贫户', '一般农户')),
	interval_days INTEGER NOT NULL CHECK (interval_days BETWEEN 0 AND 366),
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL,
	UNIQUE (area_code, target)
);

-- 风险消除 of a 监测户: the application with the checks as they stood (JSON) and its way
-- through 评议 → 公示 → 审核 → 审定 (state: the step reached, with the workflow's keys
-- reviewed / noticed / town_approved / county_approved; applied = 申请 after the checks).
-- status: pending until the 县级审定 (eliminated) or a rejection. At most one pending
-- elimination per household.
CREATE TABLE eliminations (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('帮扶消除', '自然消除')),
	category TEXT NOT NULL,             -- the 监测对象类别 being eliminated
	risk_type TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pending', 'eliminated', 'rejected')),
	reason TEXT NOT NULL DEFAULT '',
	checks TEXT NOT NULL DEFAULT '[]',
	applied_by TEXT NOT NULL DEFAULT '',
	applied_at INTEGER NOT NULL,
	notice_at INTEGER,                  -- 村内公示 started
	decided_at INTEGER,                 -- 县级审定 or rejection
	updated_at INTEGER NOT NULL
);
CREATE INDEX eliminations_area ON eliminations (area_code, status, household_id);
CREATE INDEX eliminations_household ON eliminations (household_id, id);
CREATE UNIQUE INDEX eliminations_pending ON eliminations (household_id) WHERE status = 'pending';

-- One row per step of an elimination (who, when, opinion), like case_steps.
CREATE TABLE elimination_steps (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	elimination_id INTEGER NOT NULL REFERENCES eliminations (id) ON DELETE CASCADE,
	from_state TEXT NOT NULL,
	to_state TEXT NOT NULL,
	action TEXT NOT NULL,
	user_id INTEGER,
	username TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL DEFAULT '',
	opinion TEXT NOT NULL DEFAULT '',
	ts INTEGER NOT NULL
);
CREATE INDEX elimination_steps_area ON elimination_steps (area_code, elimination_id);
CREATE INDEX elimination_steps_elimination ON elimination_steps (elimination_id, id);

-- 集中排查 / 回头看. area_lo/area_hi: the covered subtree as a code range, so that users of a
-- village inside it see the campaign. targets: bits of the household set (1 脱贫户, 2 监测户,
-- 4 every household).
CREATE TABLE campaigns (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,
	area_lo TEXT NOT NULL,
	area_hi TEXT NOT NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('集中排查', '回头看')),
	start_ymd INTEGER NOT NULL,
	end_ymd INTEGER NOT NULL,
	targets INTEGER NOT NULL CHECK (targets BETWEEN 1 AND 7),
	households INTEGER NOT NULL DEFAULT 0,
	created_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	CHECK (end_ymd >= start_ymd)
);
CREATE INDEX campaigns_area ON campaigns (area_code, start_ymd);
CREATE INDEX campaigns_range ON campaigns (area_lo, area_hi);

-- The household set of a campaign as it was when the campaign was created.
CREATE TABLE campaign_households (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,            -- the household's village at the snapshot
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
	household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
	UNIQUE (campaign_id, household_id)
);
CREATE INDEX campaign_households_area ON campaign_households (area_code, campaign_id, household_id);

-- Findings of a campaign: 个性问题 (one household) or 共性问题 (an area), with rectification.
CREATE TABLE campaign_issues (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,            -- the household's village, or the area of a 共性问题
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
	scope TEXT NOT NULL CHECK (scope IN ('个性问题', '共性问题')),
	household_id INTEGER REFERENCES households (id) ON DELETE CASCADE,
	description TEXT NOT NULL,
	rectification TEXT NOT NULL DEFAULT '', -- 整改措施 / 整改情况
	status TEXT NOT NULL CHECK (status IN ('待整改', '整改中', '已整改')),
	rectified_at INTEGER,
	created_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL,
	CHECK ((scope = '个性问题') = (household_id IS NOT NULL))
);
CREATE INDEX campaign_issues_area ON campaign_issues (area_code, campaign_id, status);
CREATE INDEX campaign_issues_household ON campaign_issues (household_id, status)
	WHERE household_id IS NOT NULL;
