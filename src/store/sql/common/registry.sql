-- Household and person counts of a subtree (covering index households_area).
-- name: household_counts scoped
SELECT count(*), coalesce(sum(size), 0) FROM households WHERE area_code BETWEEN $1 AND $2;

-- The same grouped by the first $3 characters of the area code (the children's level).
-- name: household_counts_by_prefix scoped
SELECT substr(area_code, 1, $3) AS prefix, count(*), coalesce(sum(size), 0)
FROM households WHERE area_code BETWEEN $1 AND $2
GROUP BY prefix;

-- name: household_insert
INSERT INTO households (county, area_code, hh_no, grp, head_name, hh_type, category, tuopin_year,
                        housing_safe, water_safe, risk_type, helper, size, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14);

-- name: person_insert
INSERT INTO persons (county, household_id, area_code, seq, name, id_enc, id_bidx, id_masked, relation,
                     gender, birth_ymd, nation, education, school, health, disability, labor, work,
                     work_months, insured, phone_enc, phone_masked)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
        $21, $22);
