-- New households and their members of a household import (zx_bulk, store.h; import_copy.c):
-- SQLite inserts each row at once with these statements (PostgreSQL sends the same columns
-- with COPY: pg/import_copy.sql). The ids are the ones INTEGER PRIMARY KEY would assign
-- (max + 1 onwards): the import holds the write lock, so nobody else inserts households.

-- name: import_household_ids
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
SELECT (SELECT coalesce(max(id), 0) FROM households) + i FROM n;

-- name: import_household_copy
INSERT INTO households (id, county, area_code, hh_no, grp, head_name, hh_type, category, tuopin_year,
                        housing_safe, water_safe, risk_type, helper, size, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16);

-- name: import_person_copy
INSERT INTO persons (county, household_id, area_code, seq, name, id_enc, id_bidx, id_masked, relation,
                     gender, birth_ymd, nation, education, school, health, disability, labor, work,
                     work_months, insured, phone_enc, phone_masked)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
        $21, $22);

-- SQLite's count triggers stay on during the import (in process, each updates its row in
-- place), so there is nothing to defer and nothing to add afterwards (pg/import_copy.sql).

-- name: import_counts_defer
SELECT 1;

-- name: import_counts_resume
SELECT 1;

-- name: import_counts_add scoped
SELECT count(*) FROM areas WHERE code BETWEEN $1 AND $2 AND $3 IS NULL;

-- name: import_totals_add scoped
SELECT count(*) FROM areas WHERE code BETWEEN $1 AND $2 AND $3 IS NULL;
