-- New households and their members of a household import, written with COPY (zx_bulk,
-- store.h; import_copy.c): ids of the new households are taken from the identity's sequence
-- first, so the members' rows can name their household before either is sent. Column lists
-- only, no constraint names (the keys may change, e.g. for Citus). Twins: sqlite/import_copy.sql.

-- name: import_household_ids
SELECT nextval(pg_get_serial_sequence('households', 'id')) FROM generate_series(1, $1);

-- name: import_household_copy
COPY households (id, county, area_code, hh_no, grp, head_name, hh_type, category, tuopin_year,
                 housing_safe, water_safe, risk_type, helper, size, created_at, updated_at) FROM STDIN;

-- name: import_person_copy
COPY persons (county, household_id, area_code, seq, name, id_enc, id_bidx, id_masked, relation, gender,
              birth_ymd, nation, education, school, health, disability, labor, work, work_months,
              insured, phone_enc, phone_masked) FROM STDIN;
