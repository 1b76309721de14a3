-- bench/screen_baseline_pg.sql — the baseline of P2 on PostgreSQL (bench/screen --pg): the
-- hand-written rules of bench/screen_baseline.sql in PostgreSQL's dialect (booleans cast to
-- integers for the rule bits), same policy inlined, same output (户编号|bits, then
-- missing_income|count), run by psql -At -F'|'.
SELECT hh_no, bits FROM (
  SELECT h.area_code, h.hh_no,
         (s.net < 700000 * s.size)::int
       | (s.net >= 700000 * s.size AND s.net * 1000 < 700000 * 1500 * s.size)::int * 2
       | coalesce(p.net > 0 AND (p.net * s.size - s.net * p.size) * 100 > 30 * p.net * s.size, false)::int * 4
       | coalesce(h.housing_safe = 0, false)::int * 8
       | coalesce(h.water_safe = 0, false)::int * 16
       | (EXISTS (SELECT 1 FROM persons m WHERE m.area_code = h.area_code AND m.household_id = h.id
                   AND m.insured = 0))::int * 32
       | (EXISTS (SELECT 1 FROM persons m WHERE m.area_code = h.area_code AND m.household_id = h.id
                   AND m.school = '失学辍学'))::int * 64
       | coalesce((SELECT sum(CASE WHEN w.source_dept = '医保' AND w.amount IS NOT NULL THEN 0 ELSE 1 END) > 0
                       OR (sum(CASE WHEN w.source_dept = '医保' THEN coalesce(w.amount, 0) ELSE 0 END) > 0
                           AND (sum(CASE WHEN w.source_dept = '医保' THEN coalesce(w.amount, 0) ELSE 0 END) >= 500000
                                OR sum(CASE WHEN w.source_dept = '医保' THEN coalesce(w.amount, 0) ELSE 0 END) * 100
                                   >= 50 * s.net))
                   FROM dept_warnings w WHERE w.household_id = h.id
                     AND w.occurred_ymd BETWEEN 20250101 AND 20251231), false)::int * 128 AS bits
  FROM income_surveys s
  JOIN households h ON h.id = s.household_id
  LEFT JOIN income_surveys p ON p.household_id = s.household_id AND p.year = 2024
  WHERE s.area_code BETWEEN '510722000000' AND '510722999999' AND s.year = 2025 AND h.category = ''
) x
WHERE bits <> 0 ORDER BY area_code, hh_no;
SELECT 'missing_income', count(*) FROM households h
WHERE h.area_code BETWEEN '510722000000' AND '510722999999' AND h.category = ''
  AND NOT EXISTS (SELECT 1 FROM income_surveys s WHERE s.household_id = h.id AND s.year = 2025);
