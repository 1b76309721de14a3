-- Screening (排查): the rule table, the one evaluating query, and stored runs.

-- name: screening_rules_all
SELECT id, bit, seq, name, template, params, enabled FROM screening_rules ORDER BY seq;

-- Every rule of domain.md §3 at once, as set operations over the area, for households that
-- are not 监测户 and have a survey for year $3. Integer arithmetic only (pc = net / size is
-- never divided): pc < line  <=>  net < line × size, and so on.
--   $3 year, $4 income_line (分), $5 warning_factor (‰), $6 drop_percent, $7 medical_selfpay (分),
--   $8 medical_selfpay_ratio (%), $9 / $10 first and last day of the year (YYYYMMDD).
-- Bits: 1 income_below_line, 2 income_warning_band, 4 income_drop, 8 housing_unsafe,
-- 16 water_unsafe, 32 medical_uninsured, 64 school_dropout, 128 dept_warning.
-- Shape (bench/screen, P2): `inc` reads only the covering index income_surveys_area (this year's
-- row, last year's by seek); `fact` gathers the few households with a non-income fact through
-- partial indexes; households are read by id only for the candidates, at the end, where 监测户
-- are dropped (category <> '').
-- name: screening_evaluate scoped
WITH inc AS (
	SELECT c.area_code, c.household_id, c.net, c.size, coalesce(p.net, 0) AS pnet, coalesce(p.size, 0) AS psize
	FROM income_surveys c
	LEFT JOIN income_surveys p ON p.area_code = c.area_code AND p.year = $3 - 1 AND p.household_id = c.household_id
	WHERE c.area_code BETWEEN $1 AND $2 AND c.year = $3
), facts AS (
	SELECT id AS household_id,
	       CASE WHEN housing_safe = 0 THEN 8 ELSE 0 END + CASE WHEN water_safe = 0 THEN 16 ELSE 0 END AS hw,
	       0 AS uninsured, 0 AS dropout, 0 AS selfpay, 0 AS others
	FROM households WHERE area_code BETWEEN $1 AND $2 AND (housing_safe = 0 OR water_safe = 0)
	UNION ALL
	SELECT household_id, 0, 1, 0, 0, 0 FROM persons WHERE area_code BETWEEN $1 AND $2 AND insured = 0
	UNION ALL
	SELECT household_id, 0, 0, 1, 0, 0 FROM persons WHERE area_code BETWEEN $1 AND $2 AND school = '失学辍学'
	UNION ALL
	SELECT household_id, 0, 0, 0,
	       CASE WHEN source_dept = '医保' AND amount IS NOT NULL THEN amount ELSE 0 END,
	       CASE WHEN source_dept = '医保' AND amount IS NOT NULL THEN 0 ELSE 1 END
	FROM dept_warnings WHERE area_code BETWEEN $1 AND $2 AND occurred_ymd BETWEEN $9 AND $10
), fact AS (
	SELECT household_id, max(hw) AS hw, sum(uninsured) AS uninsured, sum(dropout) AS dropout,
	       sum(selfpay) AS selfpay, sum(others) AS others
	FROM facts GROUP BY household_id
), eval AS (
	SELECT inc.area_code, inc.household_id, inc.net, inc.size, inc.pnet, inc.psize,
	       coalesce(fact.uninsured, 0) AS n_uninsured, coalesce(fact.dropout, 0) AS n_dropout,
	       coalesce(fact.selfpay, 0) AS selfpay, coalesce(fact.others, 0) AS others,
	       (CASE WHEN inc.net < $4 * inc.size THEN 1 ELSE 0 END)
	     | (CASE WHEN inc.net >= $4 * inc.size AND inc.net * 1000 < $4 * $5 * inc.size THEN 2 ELSE 0 END)
	     | (CASE WHEN inc.pnet > 0
	              AND (inc.pnet * inc.size - inc.net * inc.psize) * 100 > $6 * inc.pnet * inc.size
	             THEN 4 ELSE 0 END)
	     | coalesce(fact.hw, 0)
	     | (CASE WHEN fact.uninsured > 0 THEN 32 ELSE 0 END)
	     | (CASE WHEN fact.dropout > 0 THEN 64 ELSE 0 END)
	     | (CASE WHEN fact.others > 0
	              OR (fact.selfpay > 0
	                  AND (fact.selfpay >= $7 OR ($8 > 0 AND fact.selfpay * 100 >= $8 * inc.net)))
	             THEN 128 ELSE 0 END) AS rules
	FROM inc LEFT JOIN fact ON fact.household_id = inc.household_id
)
SELECT h.id, h.hh_no, h.area_code, eval.net, eval.size, eval.pnet, eval.psize, eval.n_uninsured,
       eval.n_dropout, eval.selfpay, eval.others, eval.rules
FROM eval CROSS JOIN households h ON h.id = eval.household_id
WHERE eval.rules <> 0 AND h.area_code BETWEEN $1 AND $2 AND h.category = ''
ORDER BY h.area_code, h.hh_no;

-- The households of the area: all, 监测户, with a survey for year $3, 监测户 with one. Screened =
-- surveyed − monitored_surveyed; 未采集收入 = (all − 监测户) − screened. Indexes only.
-- name: screening_totals scoped
SELECT (SELECT count(*) FROM households WHERE area_code BETWEEN $1 AND $2),
       (SELECT count(*) FROM households WHERE area_code BETWEEN $1 AND $2 AND category <> ''),
       (SELECT count(*) FROM income_surveys WHERE area_code BETWEEN $1 AND $2 AND year = $3),
       (SELECT count(*) FROM households h WHERE h.area_code BETWEEN $1 AND $2 AND h.category <> ''
          AND EXISTS (SELECT 1 FROM income_surveys s WHERE s.household_id = h.id AND s.year = $3));

-- Department warnings of the year, for the reasons of dept_warning ($3..$4 YYYYMMDD).
-- name: screening_warning_details scoped
SELECT household_id, source_dept, type, amount FROM dept_warnings
WHERE area_code BETWEEN $1 AND $2 AND occurred_ymd BETWEEN $3 AND $4
ORDER BY household_id, occurred_ymd, id;

-- Sudden events of the year, shown with the candidates.
-- name: screening_event_details scoped
SELECT household_id, type, occurred_ymd FROM household_events
WHERE area_code BETWEEN $1 AND $2 AND occurred_ymd BETWEEN $3 AND $4
ORDER BY household_id, occurred_ymd, id;

-- name: screening_insert
INSERT INTO screenings (county, area_code, year, policy_id, policy_version, candidates, missing_income,
                        counts, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, 0, 0, '{}', $6, $7);

-- name: screening_finish
UPDATE screenings SET candidates = $2, missing_income = $3, counts = $4 WHERE id = $1;

-- name: screening_candidate_insert scoped
INSERT INTO screening_candidates (county, area_code, screening_id, household_id, missing_income, rules,
                                  rule_ids, reasons)
SELECT h.county, h.area_code, $3, h.id, 0, $5, $6, $7
FROM households h WHERE h.id = $4 AND h.area_code BETWEEN $1 AND $2;

-- The households without a survey, stored with the run in one statement.
-- name: screening_missing_store scoped
INSERT INTO screening_candidates (county, area_code, screening_id, household_id, missing_income, rules,
                                  rule_ids, reasons)
SELECT h.county, h.area_code, $4, h.id, 1, 0, '', '' FROM households h
WHERE h.area_code BETWEEN $1 AND $2 AND h.category = ''
  AND NOT EXISTS (SELECT 1 FROM income_surveys s WHERE s.household_id = h.id AND s.year = $3)
ORDER BY h.area_code, h.hh_no;

-- A run is visible to callers whose scope holds the run's area.
-- name: screening_get scoped
SELECT s.id, s.area_code, coalesce(a.name, ''), s.year, s.policy_id, s.policy_version, s.candidates,
       s.missing_income, s.counts, s.created_by, s.created_at
FROM screenings s LEFT JOIN areas a ON a.code = s.area_code
WHERE s.id = $3 AND s.area_code BETWEEN $1 AND $2;

-- name: screening_list scoped
SELECT s.id, s.area_code, coalesce(a.name, ''), s.year, s.policy_id, s.policy_version, s.candidates,
       s.missing_income, s.counts, s.created_by, s.created_at
FROM screenings s LEFT JOIN areas a ON a.code = s.area_code
WHERE s.area_code BETWEEN $1 AND $2 AND ($3 = 0 OR s.year = $3)
ORDER BY s.id DESC LIMIT $4 OFFSET $5;

-- name: screening_count scoped
SELECT count(*) FROM screenings WHERE area_code BETWEEN $1 AND $2 AND ($3 = 0 OR year = $3);

-- Candidates (or, $4 = 1, the households without a survey) of a run, $5 rule bit filter
-- (0 = any), with the household's open case if any.
-- name: screening_candidates_page scoped
SELECT h.hh_no, c.area_code, coalesce(a.name, ''), h.grp, h.head_name, c.rules, c.rule_ids, c.reasons,
       coalesce((SELECT k.id FROM cases k WHERE k.household_id = c.household_id AND k.closed_at IS NULL), 0),
       c.household_id
FROM screening_candidates c
JOIN households h ON h.id = c.household_id
LEFT JOIN areas a ON a.code = c.area_code
WHERE c.screening_id = $3 AND c.missing_income = $4 AND ($5 = 0 OR (c.rules & $5) <> 0)
  AND c.area_code BETWEEN $1 AND $2
ORDER BY c.id LIMIT $6 OFFSET $7;

-- name: screening_candidates_count scoped
SELECT count(*) FROM screening_candidates c
WHERE c.screening_id = $3 AND c.missing_income = $4 AND ($5 = 0 OR (c.rules & $5) <> 0)
  AND c.area_code BETWEEN $1 AND $2;

-- A stored candidate of a run (cases started from a screening).
-- name: screening_candidate_of scoped
SELECT c.rule_ids, c.reasons FROM screening_candidates c
WHERE c.screening_id = $3 AND c.household_id = $4 AND c.missing_income = 0
  AND c.area_code BETWEEN $1 AND $2;
