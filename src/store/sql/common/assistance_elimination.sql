-- 风险消除 (domain/assistance/elimination*.c): the facts the rules need, applications and
-- their steps. Facts are read per household; the rules themselves are C (a pure function).

-- Members: count, 失学辍学, 未参保, 参保不详, 无劳动能力, 劳动技能不详, 健康状况不详, 户主.
-- name: elim_members scoped
SELECT count(*),
       coalesce(sum(CASE WHEN school = '失学辍学' THEN 1 ELSE 0 END), 0),
       coalesce(sum(CASE WHEN insured = 0 THEN 1 ELSE 0 END), 0),
       coalesce(sum(CASE WHEN insured IS NULL THEN 1 ELSE 0 END), 0),
       coalesce(sum(CASE WHEN labor IN ('无劳动力', '丧失劳动力') THEN 1 ELSE 0 END), 0),
       coalesce(sum(CASE WHEN labor = '' THEN 1 ELSE 0 END), 0),
       coalesce(sum(CASE WHEN health = '' THEN 1 ELSE 0 END), 0),
       coalesce(sum(CASE WHEN relation = '户主' THEN 1 ELSE 0 END), 0)
FROM persons WHERE household_id = $3 AND area_code BETWEEN $1 AND $2;

-- The newest income survey of a household.
-- name: elim_last_survey scoped
SELECT year, net, size, transfer FROM income_surveys
WHERE household_id = $3 AND area_code BETWEEN $1 AND $2
ORDER BY year DESC LIMIT 1;

-- The 监测线 in force for a year: the county's newest version, else the province's.
-- $1 county (12 digits), $2 province (12 digits), $3 year.
-- name: elim_income_line
SELECT income_line FROM policies WHERE area_code IN ($1, $2) AND year = $3
ORDER BY CASE WHEN area_code = $1 THEN 0 ELSE 1 END, version DESC LIMIT 1;

-- name: elim_measures_done scoped
SELECT count(*) FROM measures WHERE household_id = $3 AND status = '已落实' AND area_code BETWEEN $1 AND $2;

-- name: elim_open_issues scoped
SELECT count(*) FROM campaign_issues
WHERE household_id = $3 AND status <> '已整改' AND area_code BETWEEN $1 AND $2;

-- name: elim_has_plan scoped
SELECT count(*) FROM plans WHERE household_id = $3 AND area_code BETWEEN $1 AND $2;

-- --- applications ---------------------------------------------------------------------------

-- name: elim_pending_for_household scoped
SELECT id FROM eliminations WHERE household_id = $3 AND status = 'pending' AND area_code BETWEEN $1 AND $2;

-- The household's category and risk type as they are now. $3 household.
-- name: elim_insert scoped
INSERT INTO eliminations (county, area_code, household_id, kind, category, risk_type, state, status, reason,
                          checks, applied_by, applied_at, updated_at)
SELECT h.county, h.area_code, h.id, $4, h.category, h.risk_type, 'applied', 'pending', $5, $6, $7, $8, $8
FROM households h WHERE h.id = $3 AND h.area_code BETWEEN $1 AND $2;

-- name: elim_get scoped
SELECT e.id, e.household_id, e.area_code, h.hh_no, h.head_name, h.grp, e.kind, e.category, e.risk_type,
       e.state, e.status, e.reason, e.applied_by, e.applied_at, coalesce(e.notice_at, 0),
       coalesce(e.decided_at, 0), e.updated_at
FROM eliminations e JOIN households h ON h.id = e.household_id
WHERE e.id = $3 AND e.area_code BETWEEN $1 AND $2;

-- name: elim_list_household scoped
SELECT e.id, e.household_id, e.area_code, h.hh_no, h.head_name, h.grp, e.kind, e.category, e.risk_type,
       e.state, e.status, e.reason, e.applied_by, e.applied_at, coalesce(e.notice_at, 0),
       coalesce(e.decided_at, 0), e.updated_at
FROM eliminations e JOIN households h ON h.id = e.household_id
WHERE e.household_id = $3 AND e.area_code BETWEEN $1 AND $2
ORDER BY e.id DESC LIMIT 100;

-- $3 status ('' = any).
-- name: elim_list scoped
SELECT e.id, e.household_id, e.area_code, h.hh_no, h.head_name, h.grp, e.kind, e.category, e.risk_type,
       e.state, e.status, e.reason, e.applied_by, e.applied_at, coalesce(e.notice_at, 0),
       coalesce(e.decided_at, 0), e.updated_at
FROM eliminations e JOIN households h ON h.id = e.household_id
WHERE e.area_code BETWEEN $1 AND $2 AND ($3 = '' OR e.status = $3)
ORDER BY e.id DESC LIMIT $4 OFFSET $5;

-- name: elim_count scoped
SELECT count(*) FROM eliminations e WHERE e.area_code BETWEEN $1 AND $2 AND ($3 = '' OR e.status = $3);

-- Moves an application on, only from the state the caller saw. $4 state, $5 status,
-- $6 notice_at (NULL clears), $7 decided_at, $8 now, $9 the state seen.
-- name: elim_set_state scoped
UPDATE eliminations SET state = $4, status = $5, notice_at = $6, decided_at = $7, updated_at = $8
WHERE id = $3 AND state = $9 AND status = 'pending' AND area_code BETWEEN $1 AND $2;

-- name: elim_step_insert
INSERT INTO elimination_steps (county, area_code, elimination_id, from_state, to_state, action, user_id,
                               username, role, opinion, ts)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: elim_steps_list scoped
SELECT id, from_state, to_state, action, coalesce(user_id, 0), username, role, opinion, ts
FROM elimination_steps WHERE elimination_id = $3 AND area_code BETWEEN $1 AND $2 ORDER BY id;

-- 风险已消除: the household is no longer a 监测户 (its category stays in the elimination row
-- and in household_changes).
-- name: elim_household_clear_category scoped
UPDATE households SET category = '', updated_at = $4 WHERE id = $3 AND area_code BETWEEN $1 AND $2;
