-- 走访 (domain/assistance/visit*.c): visits, the schedule and the due scan.

-- A key used outside the caller's scope is not seen here; the UNIQUE constraint still
-- refuses it at insert.
-- name: visit_by_key scoped
SELECT id, household_id, coalesce(visitor_id, 0) FROM visits
WHERE client_key = $3 AND area_code BETWEEN $1 AND $2;

-- $3 the household (inside the caller's scope).
-- name: visit_insert scoped
INSERT INTO visits (county, area_code, household_id, visitor_id, visitor, visit_ymd, checklist, findings,
                    followups, client_key, created_at)
SELECT h.county, h.area_code, h.id, $4, $5, $6, $7, $8, $9, $10, $11
FROM households h WHERE h.id = $3 AND h.area_code BETWEEN $1 AND $2;

-- name: visit_get scoped
SELECT v.id, v.household_id, v.area_code, h.hh_no, h.head_name, coalesce(v.visitor_id, 0), v.visitor,
       v.visit_ymd, v.checklist, v.findings, v.followups, v.created_at, h.helper
FROM visits v JOIN households h ON h.id = v.household_id
WHERE v.id = $3 AND v.area_code BETWEEN $1 AND $2;

-- $3 household (0 = any), $4 visitor ('' = any), $5 from, $6 to (YYYYMMDD; 0 = open),
-- $7 helper of the household ('' = any), $8 limit, $9 offset. Newest first.
-- name: visit_list scoped
SELECT v.id, v.household_id, v.area_code, h.hh_no, h.head_name, coalesce(v.visitor_id, 0), v.visitor,
       v.visit_ymd, v.checklist, v.findings, v.followups, v.created_at
FROM visits v JOIN households h ON h.id = v.household_id
WHERE v.area_code BETWEEN $1 AND $2 AND ($3 = 0 OR v.household_id = $3) AND ($4 = '' OR v.visitor = $4)
  AND ($5 = 0 OR v.visit_ymd >= $5) AND ($6 = 0 OR v.visit_ymd <= $6) AND ($7 = '' OR h.helper = $7)
ORDER BY v.visit_ymd DESC, v.id DESC LIMIT $8 OFFSET $9;

-- name: visit_count scoped
SELECT count(*)
FROM visits v JOIN households h ON h.id = v.household_id
WHERE v.area_code BETWEEN $1 AND $2 AND ($3 = 0 OR v.household_id = $3) AND ($4 = '' OR v.visitor = $4)
  AND ($5 = 0 OR v.visit_ymd >= $5) AND ($6 = 0 OR v.visit_ymd <= $6) AND ($7 = '' OR h.helper = $7);

-- --- schedule -----------------------------------------------------------------------------------

-- name: schedule_list
SELECT area_code, target, interval_days FROM visit_schedules WHERE county = $1 ORDER BY area_code, target;

-- name: schedule_upsert
INSERT INTO visit_schedules (county, area_code, target, interval_days, updated_by, updated_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (area_code, target, county) DO UPDATE SET
	interval_days = excluded.interval_days, updated_by = excluded.updated_by, updated_at = excluded.updated_at;

-- Households that may have a schedule, with their last visit, village and town names, in
-- (village, 户编号) order. $3 = 1 when 一般农户 are scheduled somewhere in the scope,
-- $4 帮扶责任人 ('' = everyone).
-- name: visit_due_scan scoped
SELECT h.id, h.hh_no, h.area_code, h.grp, h.head_name, h.hh_type, h.category, h.helper, h.created_at,
       (SELECT max(v.visit_ymd) FROM visits v WHERE v.household_id = h.id),
       coalesce(a.name, ''), coalesce(t.name, '')
FROM households h
LEFT JOIN areas a ON a.code = h.area_code
LEFT JOIN areas t ON t.code = substr(h.area_code, 1, 9) || '000'
WHERE h.area_code BETWEEN $1 AND $2 AND (h.category <> '' OR h.hh_type = '脱贫户' OR $3 = 1)
  AND ($4 = '' OR h.helper = $4)
ORDER BY h.area_code, h.hh_no;
