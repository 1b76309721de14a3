-- Identification workflow (识别纳入): cases and their steps.

-- A new case of household $3 (in the caller's scope; county and village from the household).
-- name: case_insert scoped
INSERT INTO cases (county, area_code, household_id, source, screening_id, reason, state, category, risk_type,
                   helper, discovered_at, due_at, created_by, updated_at)
SELECT h.county, h.area_code, h.id, $4, $5, $6, 'discovered', $7, $8, $9, $10, $11, $12, $10
FROM households h WHERE h.id = $3 AND h.area_code BETWEEN $1 AND $2;

-- The open case of a household (the partial unique index cases_open_household).
-- name: case_open_for_household scoped
SELECT id FROM cases WHERE household_id = $3 AND closed_at IS NULL AND area_code BETWEEN $1 AND $2;

-- name: case_get scoped
SELECT k.id, k.area_code, coalesce(a.name, ''), k.household_id, h.hh_no, h.head_name, h.grp, k.source,
       coalesce(k.screening_id, 0), k.reason, k.state, k.category, k.risk_type, k.helper, k.discovered_at,
       k.due_at, coalesce(k.notice_at, 0), coalesce(k.closed_at, 0), k.created_by, k.updated_at, h.hh_type
FROM cases k JOIN households h ON h.id = k.household_id LEFT JOIN areas a ON a.code = k.area_code
WHERE k.id = $3 AND k.area_code BETWEEN $1 AND $2;

-- $3 state ('' = any), $4 overdue only (1) at time $5, $6 open only (1).
-- name: case_list scoped
SELECT k.id, k.area_code, coalesce(a.name, ''), k.household_id, h.hh_no, h.head_name, h.grp, k.source,
       coalesce(k.screening_id, 0), k.reason, k.state, k.category, k.risk_type, k.helper, k.discovered_at,
       k.due_at, coalesce(k.notice_at, 0), coalesce(k.closed_at, 0), k.created_by, k.updated_at, h.hh_type
FROM cases k JOIN households h ON h.id = k.household_id LEFT JOIN areas a ON a.code = k.area_code
WHERE k.area_code BETWEEN $1 AND $2 AND ($3 = '' OR k.state = $3)
  AND ($4 = 0 OR (k.closed_at IS NULL AND k.due_at < $5)) AND ($6 = 0 OR k.closed_at IS NULL)
ORDER BY k.discovered_at, k.id LIMIT $7 OFFSET $8;

-- name: case_count scoped
SELECT count(*) FROM cases k
WHERE k.area_code BETWEEN $1 AND $2 AND ($3 = '' OR k.state = $3)
  AND ($4 = 0 OR (k.closed_at IS NULL AND k.due_at < $5)) AND ($6 = 0 OR k.closed_at IS NULL);

-- Moves a case on, only from the state the caller saw (a concurrent step makes this a no-op).
-- $5 notice_at (NULL clears), $6 closed_at, $7..$9 proposed category / risk / helper.
-- name: case_set_state scoped
UPDATE cases SET state = $4, notice_at = $5, closed_at = $6, category = $7, risk_type = $8, helper = $9,
                 updated_at = $10
WHERE id = $3 AND state = $11 AND area_code BETWEEN $1 AND $2;

-- name: case_step_insert
INSERT INTO case_steps (county, area_code, case_id, from_state, to_state, action, user_id, username, role,
                        opinion, attachments, ts)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: case_steps_list scoped
SELECT id, from_state, to_state, action, coalesce(user_id, 0), username, role, opinion, attachments, ts
FROM case_steps WHERE case_id = $3 AND area_code BETWEEN $1 AND $2 ORDER BY id;

-- Cases by state with overdue counts at time $3 (the overview).
-- name: case_count_by_state scoped
SELECT state, count(*), sum(CASE WHEN closed_at IS NULL AND due_at < $3 THEN 1 ELSE 0 END)
FROM cases WHERE area_code BETWEEN $1 AND $2 GROUP BY state;

-- 纳入监测: the household becomes a 监测户.
-- name: mon_household_set_monitoring scoped
UPDATE households SET category = $4, risk_type = $5, helper = $6, updated_at = $7
WHERE id = $3 AND area_code BETWEEN $1 AND $2;

-- 公示 of a village: cases in 村内公示. Only name, 组, category and risk type — never an ID,
-- phone or health detail (targets R7).
-- name: notice_list scoped
SELECT h.head_name, h.grp, k.category, k.risk_type, k.notice_at
FROM cases k JOIN households h ON h.id = k.household_id
WHERE k.area_code BETWEEN $1 AND $2 AND k.state = 'noticed'
ORDER BY h.grp, h.hh_no;
