-- 帮扶 (domain/assistance/): households as assistance sees them, 一户一策 plans and measures.
-- Visits: assistance_visits.sql; elimination: assistance_elimination.sql; campaigns:
-- assistance_campaigns.sql; the household timeline: assistance_timeline.sql.

-- name: asst_household_by_no scoped
SELECT id, county, area_code, hh_no, grp, head_name, hh_type, category, risk_type, helper, size, housing_safe,
       water_safe, created_at
FROM households WHERE county = $3 AND hh_no = $4 AND area_code BETWEEN $1 AND $2;

-- A scope wider than one county (the CLI operator): 户编号 alone, first match.
-- name: asst_household_by_no_any scoped
SELECT id, county, area_code, hh_no, grp, head_name, hh_type, category, risk_type, helper, size, housing_safe,
       water_safe, created_at
FROM households WHERE hh_no = $3 AND area_code BETWEEN $1 AND $2 ORDER BY id LIMIT 1;

-- name: asst_household_by_id scoped
SELECT id, county, area_code, hh_no, grp, head_name, hh_type, category, risk_type, helper, size, housing_safe,
       water_safe, created_at
FROM households WHERE id = $3 AND area_code BETWEEN $1 AND $2;

-- name: asst_area_level
SELECT level FROM areas WHERE code = $1;

-- name: asst_area_name
SELECT name, level FROM areas WHERE code = $1;

-- The newest 纳入监测 of the identification workflow (0: none).
-- name: asst_included_case scoped
SELECT coalesce(max(closed_at), 0) FROM cases
WHERE household_id = $3 AND state = 'included' AND area_code BETWEEN $1 AND $2;

-- The newest registry change that gave the household a 监测对象类别 (0: none).
-- name: asst_included_history scoped
SELECT coalesce(max(ts), 0) FROM household_changes
WHERE household_id = $3 AND field = '监测对象类别' AND new_value <> '' AND area_code BETWEEN $1 AND $2;

-- --- plans -------------------------------------------------------------------------------------

-- name: plan_get scoped
SELECT id, risk_analysis, goal, responsible, created_by, created_at, updated_by, updated_at
FROM plans WHERE household_id = $3 AND area_code BETWEEN $1 AND $2;

-- Writes go through the household inside the caller's scope ($3 the household), and the
-- plan's area_code follows the household's village.
-- name: plan_insert scoped
INSERT INTO plans (county, area_code, household_id, risk_analysis, goal, responsible, created_by, created_at,
                   updated_by, updated_at)
SELECT h.county, h.area_code, h.id, $4, $5, h.helper, $6, $7, $6, $7
FROM households h WHERE h.id = $3 AND h.area_code BETWEEN $1 AND $2;

-- name: plan_update scoped
UPDATE plans SET area_code = (SELECT h.area_code FROM households h WHERE h.id = $3), risk_analysis = $4,
                 goal = $5, responsible = $6, updated_by = $7, updated_at = $8
WHERE household_id = $3
  AND EXISTS (SELECT 1 FROM households h WHERE h.id = $3 AND h.area_code BETWEEN $1 AND $2);

-- name: plan_touch scoped
UPDATE plans SET area_code = (SELECT h.area_code FROM households h WHERE h.id = $3), updated_by = $4,
                 updated_at = $5
WHERE household_id = $3
  AND EXISTS (SELECT 1 FROM households h WHERE h.id = $3 AND h.area_code BETWEEN $1 AND $2);

-- The 监测户 of an area with their plan, measure counts and the start of the 30-day period
-- (plan.h): the newest 纳入监测 step, else the newest registry change that set the category,
-- else the plan's creation, else the household's.
-- $3 village ('' = any), $4 helper ('' = any), $5 flagged only (1), $6 cut-off (now − 30 days),
-- $7 limit, $8 offset.
-- name: plan_list scoped
SELECT * FROM (
	SELECT h.id AS id, h.hh_no AS hh_no, h.area_code AS area_code, coalesce(a.name, '') AS village_name,
	       h.grp AS grp, h.head_name AS head_name, h.hh_type AS hh_type, h.category AS category,
	       h.risk_type AS risk_type, h.helper AS helper, h.size AS size, h.created_at AS hh_created,
	       coalesce(p.id, 0) AS plan_id, coalesce(p.responsible, '') AS responsible,
	       coalesce(p.created_at, 0) AS plan_created, coalesce(p.updated_at, 0) AS plan_updated,
	       (SELECT count(*) FROM measures m WHERE m.household_id = h.id AND m.status <> '取消') AS n_measures,
	       (SELECT count(*) FROM measures m WHERE m.household_id = h.id AND m.status = '已落实') AS n_done,
	       coalesce((SELECT max(k.closed_at) FROM cases k WHERE k.household_id = h.id AND k.state = 'included'),
	                (SELECT max(c.ts) FROM household_changes c
	                  WHERE c.household_id = h.id AND c.field = '监测对象类别' AND c.new_value <> ''),
	                0) AS included_at
	FROM households h
	LEFT JOIN plans p ON p.household_id = h.id
	LEFT JOIN areas a ON a.code = h.area_code
	WHERE h.area_code BETWEEN $1 AND $2 AND h.category <> '' AND ($3 = '' OR h.area_code = $3)
	  AND ($4 = '' OR h.helper = $4)
) x
WHERE $5 = 0 OR (x.n_done = 0 AND (CASE WHEN x.included_at > 0 THEN x.included_at
                                       WHEN x.plan_created > 0 THEN x.plan_created
                                       ELSE x.hh_created END) < $6)
ORDER BY x.area_code, x.hh_no LIMIT $7 OFFSET $8;

-- Totals of the same list: households, with a plan, flagged. $3..$4 as above, $5 cut-off.
-- name: plan_list_totals scoped
SELECT count(*), coalesce(sum(CASE WHEN x.plan_id > 0 THEN 1 ELSE 0 END), 0),
       coalesce(sum(CASE WHEN x.n_done = 0 AND (CASE WHEN x.included_at > 0 THEN x.included_at
                                                     WHEN x.plan_created > 0 THEN x.plan_created
                                                     ELSE x.hh_created END) < $5 THEN 1 ELSE 0 END), 0)
FROM (
	SELECT coalesce(p.id, 0) AS plan_id, coalesce(p.created_at, 0) AS plan_created, h.created_at AS hh_created,
	       (SELECT count(*) FROM measures m WHERE m.household_id = h.id AND m.status = '已落实') AS n_done,
	       coalesce((SELECT max(k.closed_at) FROM cases k WHERE k.household_id = h.id AND k.state = 'included'),
	                (SELECT max(c.ts) FROM household_changes c
	                  WHERE c.household_id = h.id AND c.field = '监测对象类别' AND c.new_value <> ''),
	                0) AS included_at
	FROM households h
	LEFT JOIN plans p ON p.household_id = h.id
	WHERE h.area_code BETWEEN $1 AND $2 AND h.category <> '' AND ($3 = '' OR h.area_code = $3)
	  AND ($4 = '' OR h.helper = $4)
) x;

-- --- measures ----------------------------------------------------------------------------------

-- $3 household, $4 plan.
-- name: measure_insert scoped
INSERT INTO measures (county, area_code, plan_id, household_id, kind, content, planned_ymd, actual_ymd, amount,
                      responsible, status, ledger_kind, ledger_id, created_by, created_at, updated_by,
                      updated_at)
SELECT h.county, h.area_code, $4, h.id, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $14, $15
FROM households h WHERE h.id = $3 AND h.area_code BETWEEN $1 AND $2;

-- name: measure_update scoped
UPDATE measures SET area_code = $4, kind = $5, content = $6, planned_ymd = $7, actual_ymd = $8, amount = $9,
                    responsible = $10, status = $11, ledger_kind = $12, ledger_id = $13, updated_by = $14,
                    updated_at = $15
WHERE id = $3 AND area_code BETWEEN $1 AND $2;

-- name: measure_delete scoped
DELETE FROM measures WHERE id = $3 AND area_code BETWEEN $1 AND $2;

-- name: measure_get scoped
SELECT id, plan_id, household_id, kind, content, coalesce(planned_ymd, 0), coalesce(actual_ymd, 0), amount,
       responsible, status, ledger_kind, coalesce(ledger_id, 0), created_by, created_at, updated_by, updated_at
FROM measures WHERE id = $3 AND area_code BETWEEN $1 AND $2;

-- name: measure_list scoped
SELECT id, plan_id, household_id, kind, content, coalesce(planned_ymd, 0), coalesce(actual_ymd, 0), amount,
       responsible, status, ledger_kind, coalesce(ledger_id, 0), created_by, created_at, updated_by, updated_at
FROM measures WHERE household_id = $3 AND area_code BETWEEN $1 AND $2 ORDER BY id LIMIT 500;
