-- bench/gen_warnings.sql — deterministic department warnings and sudden events for bench/screen,
-- written straight into the tables (the bench database's ID numbers exist only encrypted, so a
-- warnings file cannot be made from it; the import path is tested in tests/unit/test_screening.c).
--
--   sqlite3 DB.db < bench/gen_warnings.sql
--
-- Every 97th person: a 医保 住院自付 of 0–12000元 in 2025; every 389th: 民政 低保 (no amount);
-- every 500th household: a 重大疾病 event.
INSERT INTO warning_batches (county, area_code, file_name, rows_total, rows_matched, rows_duplicate,
                             rows_unmatched, created_by, created_at)
VALUES ('510722', '510722000000', 'bench/gen_warnings.sql', 0, 0, 0, 0, 'bench', 0);
INSERT INTO dept_warnings (county, area_code, household_id, person_id, source_dept, type, amount, occurred_ymd,
                           note, batch_id, created_at)
SELECT county, area_code, household_id, id, '医保', '住院自付', (id * 37) % 1200000,
       20250000 + 100 * (1 + id % 12) + 1 + id % 28, '', (SELECT max(id) FROM warning_batches), 0
FROM persons WHERE id % 97 = 0;
INSERT INTO dept_warnings (county, area_code, household_id, person_id, source_dept, type, amount, occurred_ymd,
                           note, batch_id, created_at)
SELECT county, area_code, household_id, id, '民政', '低保', NULL, 20250601, '', (SELECT max(id) FROM warning_batches), 0
FROM persons WHERE id % 389 = 0;
INSERT INTO household_events (county, area_code, household_id, type, occurred_ymd, amount, note, created_by, created_at)
SELECT county, area_code, id, '重大疾病', 20250315, NULL, '', 'bench', 0 FROM households WHERE id % 500 = 0;
