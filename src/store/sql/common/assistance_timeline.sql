-- The household timeline (domain/assistance/timeline.c): every source of events for one
-- household ($3), inside the caller's scope, newest first, at most $4 rows per source.

-- name: tl_changes scoped
SELECT ts, username, source, field, old_value, new_value FROM household_changes
WHERE household_id = $3 AND area_code BETWEEN $1 AND $2 ORDER BY id DESC LIMIT $4;

-- name: tl_surveys scoped
SELECT updated_at, updated_by, year, net, size FROM income_surveys
WHERE household_id = $3 AND area_code BETWEEN $1 AND $2 ORDER BY year DESC LIMIT $4;

-- name: tl_warnings scoped
SELECT w.occurred_ymd, w.source_dept, w.type, coalesce(w.amount, -1), coalesce(p.name, '')
FROM dept_warnings w LEFT JOIN persons p ON p.id = w.person_id
WHERE w.household_id = $3 AND w.area_code BETWEEN $1 AND $2 ORDER BY w.occurred_ymd DESC LIMIT $4;

-- name: tl_events scoped
SELECT occurred_ymd, created_by, type, coalesce(amount, -1), note FROM household_events
WHERE household_id = $3 AND area_code BETWEEN $1 AND $2 ORDER BY occurred_ymd DESC LIMIT $4;

-- name: tl_cases scoped
SELECT id, discovered_at, created_by, source, reason FROM cases
WHERE household_id = $3 AND area_code BETWEEN $1 AND $2 ORDER BY id DESC LIMIT $4;

-- name: tl_case_steps scoped
SELECT s.ts, s.username, s.case_id, s.from_state, s.to_state, s.action, s.opinion
FROM case_steps s JOIN cases k ON k.id = s.case_id
WHERE k.household_id = $3 AND s.area_code BETWEEN $1 AND $2 AND s.action <> 'create'
ORDER BY s.id DESC LIMIT $4;

-- name: tl_plans scoped
SELECT created_at, created_by, updated_at, updated_by FROM plans
WHERE household_id = $3 AND area_code BETWEEN $1 AND $2 LIMIT $4;

-- name: tl_measures scoped
SELECT id, created_at, created_by, kind, content, status, coalesce(actual_ymd, 0), amount FROM measures
WHERE household_id = $3 AND area_code BETWEEN $1 AND $2 ORDER BY id DESC LIMIT $4;

-- name: tl_visits scoped
SELECT id, visit_ymd, visitor, checklist, findings, followups FROM visits
WHERE household_id = $3 AND area_code BETWEEN $1 AND $2 ORDER BY visit_ymd DESC, id DESC LIMIT $4;

-- name: tl_elim_steps scoped
SELECT s.ts, s.username, e.id, e.kind, e.category, s.to_state, s.action, s.opinion
FROM elimination_steps s JOIN eliminations e ON e.id = s.elimination_id
WHERE e.household_id = $3 AND s.area_code BETWEEN $1 AND $2 ORDER BY s.id DESC LIMIT $4;

-- name: tl_issues scoped
SELECT i.id, i.created_at, i.created_by, k.name, k.kind, i.description, i.status, coalesce(i.rectified_at, 0),
       i.rectification, i.updated_by
FROM campaign_issues i JOIN campaigns k ON k.id = i.campaign_id
WHERE i.household_id = $3 AND i.area_code BETWEEN $1 AND $2 ORDER BY i.id DESC LIMIT $4;
