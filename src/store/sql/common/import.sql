-- Household import (domain/registry/import.c) and the registry writes it shares with the
-- edit API (household.c): updates and deletes are scoped on the row's current area.

-- name: import_household_update scoped
UPDATE households SET area_code = $4, grp = $5, head_name = $6, hh_type = $7, category = $8,
                      tuopin_year = $9, housing_safe = $10, water_safe = $11, risk_type = $12,
                      helper = $13, size = $14, updated_at = $15
WHERE id = $3 AND area_code BETWEEN $1 AND $2;

-- name: import_person_update scoped
UPDATE persons SET area_code = $4, seq = $5, name = $6, relation = $7, gender = $8, birth_ymd = $9,
                   nation = $10, education = $11, school = $12, health = $13, disability = $14,
                   labor = $15, work = $16, work_months = $17, insured = $18, phone_enc = $19,
                   phone_masked = $20
WHERE id = $3 AND area_code BETWEEN $1 AND $2;

-- name: import_person_delete scoped
DELETE FROM persons WHERE id = $3 AND area_code BETWEEN $1 AND $2;

-- Whether the county holds any household at all (a first import skips every lookup).
-- name: import_county_has_households
SELECT EXISTS (SELECT 1 FROM households WHERE county = $1);

-- The counties present (the CLI operator's default import area when there is one).
-- name: import_counties
SELECT code FROM areas WHERE level = 3 ORDER BY code LIMIT 2;

-- Villages of a subtree (the import's county), for code checks and messages.
-- name: import_villages scoped
SELECT code, name FROM areas WHERE level = 5 AND code BETWEEN $1 AND $2 ORDER BY code;

-- name: import_area_get
SELECT level FROM areas WHERE code = $1;

-- A household by 户编号 anywhere in the county (scope = the county; the importer itself
-- checks the row against the caller's area).
-- name: import_household_find scoped
SELECT id, area_code FROM households WHERE county = $3 AND hh_no = $4 AND area_code BETWEEN $1 AND $2;

-- The member with this blind index anywhere in the county, with its household.
-- name: import_person_find scoped
SELECT p.id, p.household_id, h.hh_no, h.area_code, p.name
FROM persons p JOIN households h ON h.id = p.household_id
WHERE p.county = $3 AND p.id_bidx = $4 AND p.area_code BETWEEN $1 AND $2;

-- name: import_household_get scoped
SELECT id, area_code, grp, hh_type, category, coalesce(tuopin_year, 0), coalesce(housing_safe, -1),
       coalesce(water_safe, -1), risk_type, helper, size, head_name
FROM households WHERE id = $3 AND area_code BETWEEN $1 AND $2;

-- name: import_members scoped
SELECT id, seq, id_bidx, name, relation, gender, birth_ymd, nation, education, school, health,
       disability, labor, work, coalesce(work_months, -1), coalesce(insured, -1), phone_enc
FROM persons WHERE household_id = $3 AND area_code BETWEEN $1 AND $2 ORDER BY seq;
