-- 防返贫动态监测: households as monitoring sees them, policy parameters, income surveys,
-- department warnings and sudden events. Screening: monitoring_screening.sql; the
-- identification workflow: monitoring_cases.sql. Money is integer 分.

-- Counties (level 3 areas) inside a scope.
-- name: mon_counties scoped
SELECT substr(code, 1, 6) FROM areas WHERE level = 3 AND code BETWEEN $1 AND $2 ORDER BY code;

-- A household by 户编号 (UNIQUE (county, hh_no)), inside the caller's scope.
-- name: mon_household_by_no scoped
SELECT id, county, area_code, hh_no, grp, head_name, hh_type, category, risk_type, helper, size
FROM households WHERE county = $3 AND hh_no = $4 AND area_code BETWEEN $1 AND $2;

-- name: mon_household_by_id scoped
SELECT id, county, area_code, hh_no, grp, head_name, hh_type, category, risk_type, helper, size
FROM households WHERE id = $3 AND area_code BETWEEN $1 AND $2;

-- name: mon_area_name
SELECT name, level FROM areas WHERE code = $1;

-- --- policy parameters ------------------------------------------------------------------

-- name: policy_insert
INSERT INTO policies (county, area_code, year, version, income_line, warning_factor, drop_percent,
                      medical_selfpay, medical_selfpay_ratio, created_by, created_at)
VALUES ($1, $2, $3, (SELECT coalesce(max(version), 0) + 1 FROM policies WHERE area_code = $2 AND year = $3),
        $4, $5, $6, $7, $8, $9, $10);

-- The newest version for one area and year.
-- name: policy_latest
SELECT id, county, area_code, year, version, income_line, warning_factor, drop_percent, medical_selfpay,
       medical_selfpay_ratio, created_by, created_at
FROM policies WHERE area_code = $1 AND year = $2 ORDER BY version DESC LIMIT 1;

-- name: policy_by_id
SELECT id, county, area_code, year, version, income_line, warning_factor, drop_percent, medical_selfpay,
       medical_selfpay_ratio, created_by, created_at
FROM policies WHERE id = $1;

-- Every version of a county's and its province's parameters ($1 county code, $2 province
-- code), $3 year (0 = all).
-- name: policy_list
SELECT id, county, area_code, year, version, income_line, warning_factor, drop_percent, medical_selfpay,
       medical_selfpay_ratio, created_by, created_at
FROM policies WHERE area_code IN ($1, $2) AND ($3 = 0 OR year = $3)
ORDER BY year DESC, area_code DESC, version DESC LIMIT 500;

-- --- income surveys -----------------------------------------------------------------------

-- name: income_get scoped
SELECT household_id, year, wage, business, property, transfer, expense, net, size, net_per_capita,
       updated_by, updated_at
FROM income_surveys WHERE household_id = $3 AND year = $4 AND area_code BETWEEN $1 AND $2;

-- name: income_exists scoped
SELECT count(*) FROM income_surveys WHERE household_id = $3 AND year = $4 AND area_code BETWEEN $1 AND $2;

-- Creates or replaces a survey; county and area come from the household, which must lie in
-- the caller's scope (no row written otherwise). $3 household, $4 year, $5..$9 the five
-- figures, $10 纯收入, $11 size, $12 人均 (分), $13 user, $14 time.
-- name: income_upsert scoped
INSERT INTO income_surveys (county, area_code, household_id, year, wage, business, property, transfer,
                            expense, net, size, net_per_capita, updated_by, updated_at)
SELECT h.county, h.area_code, h.id, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14
FROM households h WHERE h.id = $3 AND h.area_code BETWEEN $1 AND $2
ON CONFLICT (household_id, year, county) DO UPDATE SET
	area_code = excluded.area_code, wage = excluded.wage,
	business = excluded.business, property = excluded.property, transfer = excluded.transfer,
	expense = excluded.expense, net = excluded.net, size = excluded.size,
	net_per_capita = excluded.net_per_capita, updated_by = excluded.updated_by,
	updated_at = excluded.updated_at;

-- Population-weighted 人均纯收入 of an area for a year: Σ纯收入, Σ人口, households ($4: '' all
-- or a 户类型 such as 脱贫户).
-- name: income_area_totals scoped
SELECT coalesce(sum(s.net), 0), coalesce(sum(s.size), 0), count(*)
FROM income_surveys s JOIN households h ON h.id = s.household_id
WHERE s.area_code BETWEEN $1 AND $2 AND s.year = $3 AND ($4 = '' OR h.hh_type = $4);

-- --- department warnings ------------------------------------------------------------------

-- A person by blind index of the 证件号码 (UNIQUE (county, id_bidx)).
-- name: mon_person_by_bidx scoped
SELECT id FROM persons
WHERE county = $3 AND id_bidx = $4 AND area_code BETWEEN $1 AND $2;

-- name: warning_batch_insert
INSERT INTO warning_batches (county, area_code, file_name, rows_total, rows_matched, rows_duplicate,
                             rows_unmatched, created_by, created_at)
VALUES ($1, $2, $3, 0, 0, 0, 0, $4, $5);

-- name: warning_batch_finish
UPDATE warning_batches SET rows_total = $2, rows_matched = $3, rows_duplicate = $4, rows_unmatched = $5
WHERE id = $1;

-- A warning of person $3 (in the caller's scope; household and area from the person). One
-- already imported (same person, department, type, date and amount) is skipped.
-- name: warning_insert scoped
INSERT INTO dept_warnings (county, area_code, household_id, person_id, source_dept, type, amount,
                           occurred_ymd, note, batch_id, created_at)
SELECT p.county, p.area_code, p.household_id, p.id, $4, $5, $6, $7, $8, $9, $10
FROM persons p WHERE p.id = $3 AND p.area_code BETWEEN $1 AND $2
ON CONFLICT DO NOTHING;

-- name: warning_unmatched_insert
INSERT INTO warning_unmatched (county, area_code, batch_id, row_no, id_masked, source_dept, type, amount,
                               occurred_ymd)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- Warnings of an area in a date range ($3..$4 YYYYMMDD), $5 department ('' = any).
-- name: warning_list scoped
SELECT w.id, h.hh_no, p.name, p.id_masked, w.source_dept, w.type, w.amount, w.occurred_ymd, w.note,
       w.area_code, w.batch_id
FROM dept_warnings w JOIN persons p ON p.id = w.person_id JOIN households h ON h.id = w.household_id
WHERE w.area_code BETWEEN $1 AND $2 AND w.occurred_ymd BETWEEN $3 AND $4 AND ($5 = '' OR w.source_dept = $5)
ORDER BY w.occurred_ymd DESC, w.id DESC LIMIT $6 OFFSET $7;

-- name: warning_count scoped
SELECT count(*) FROM dept_warnings w
WHERE w.area_code BETWEEN $1 AND $2 AND w.occurred_ymd BETWEEN $3 AND $4 AND ($5 = '' OR w.source_dept = $5);

-- name: warning_batch_list scoped
SELECT id, area_code, file_name, rows_total, rows_matched, rows_duplicate, rows_unmatched, created_by,
       created_at
FROM warning_batches WHERE area_code BETWEEN $1 AND $2 ORDER BY id DESC LIMIT $3 OFFSET $4;

-- name: warning_batch_count scoped
SELECT count(*) FROM warning_batches WHERE area_code BETWEEN $1 AND $2;

-- name: warning_unmatched_list scoped
SELECT row_no, id_masked, source_dept, type, amount, occurred_ymd FROM warning_unmatched
WHERE batch_id = $3 AND area_code BETWEEN $1 AND $2 ORDER BY row_no LIMIT $4 OFFSET $5;

-- --- sudden events ---------------------------------------------------------------------------

-- name: event_insert scoped
INSERT INTO household_events (county, area_code, household_id, type, occurred_ymd, amount, note,
                              created_by, created_at)
SELECT h.county, h.area_code, h.id, $4, $5, $6, $7, $8, $9
FROM households h WHERE h.id = $3 AND h.area_code BETWEEN $1 AND $2;

-- name: event_list_household scoped
SELECT id, type, occurred_ymd, amount, note, created_by, created_at FROM household_events
WHERE household_id = $3 AND area_code BETWEEN $1 AND $2 ORDER BY occurred_ymd DESC, id DESC LIMIT 200;

-- --- lists and counts for the overview ---------------------------------------------------------

-- 监测户 by category: households and persons.
-- name: mon_count_by_category scoped
SELECT category, count(*), coalesce(sum(size), 0) FROM households
WHERE area_code BETWEEN $1 AND $2 AND category <> '' GROUP BY category ORDER BY category;

-- 监测户 per village and category (partial index households_monitored).
-- name: mon_count_by_village scoped
SELECT h.area_code, coalesce(a.name, ''), h.category, count(*), coalesce(sum(h.size), 0)
FROM households h LEFT JOIN areas a ON a.code = h.area_code
WHERE h.area_code BETWEEN $1 AND $2 AND h.category <> ''
GROUP BY h.area_code, a.name, h.category ORDER BY h.area_code, h.category;

-- Open and overdue (due before $3) cases per village.
-- name: case_count_by_village scoped
SELECT k.area_code, coalesce(a.name, ''), count(*), sum(CASE WHEN k.due_at < $3 THEN 1 ELSE 0 END)
FROM cases k LEFT JOIN areas a ON a.code = k.area_code
WHERE k.area_code BETWEEN $1 AND $2 AND k.closed_at IS NULL
GROUP BY k.area_code, a.name ORDER BY k.area_code;

-- 监测户 list, $3 category ('' = all), ordered by village and 户编号.
-- name: mon_household_list scoped
SELECT h.hh_no, h.area_code, coalesce(a.name, ''), h.grp, h.head_name, h.hh_type, h.category,
       h.risk_type, h.helper, h.size
FROM households h LEFT JOIN areas a ON a.code = h.area_code
WHERE h.area_code BETWEEN $1 AND $2 AND h.category <> '' AND ($3 = '' OR h.category = $3)
ORDER BY h.area_code, h.hh_no LIMIT $4 OFFSET $5;

-- name: mon_household_count scoped
SELECT count(*) FROM households h
WHERE h.area_code BETWEEN $1 AND $2 AND h.category <> '' AND ($3 = '' OR h.category = $3);

-- Survey coverage of a year: households in the area, households with a survey.
-- name: mon_survey_coverage scoped
SELECT (SELECT count(*) FROM households WHERE area_code BETWEEN $1 AND $2),
       (SELECT count(*) FROM income_surveys WHERE area_code BETWEEN $1 AND $2 AND year = $3);
