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

-- The households' count triggers step aside for the COPY of a chunk (migration 0017), and the
-- chunk's counts are added with one grouped statement per table ($3: the chunk's household
-- ids as an array literal '{1,2,…}'). Adding, never recounting, keeps concurrent writers'
-- own trigger updates of the same rows correct.

-- name: import_counts_defer
SELECT set_config('zx.counts_deferred', 'on', true);

-- name: import_counts_resume
SELECT set_config('zx.counts_deferred', 'off', true);

-- name: import_counts_add scoped
INSERT INTO household_counts (county, area_code, hh_type, category, households, persons)
SELECT county, area_code, hh_type, category, count(*), sum(size)
FROM households WHERE area_code BETWEEN $1 AND $2 AND id = ANY($3::bigint[])
GROUP BY county, area_code, hh_type, category
ON CONFLICT (area_code, hh_type, category, county) DO UPDATE
SET households = household_counts.households + EXCLUDED.households,
    persons = household_counts.persons + EXCLUDED.persons;

-- name: import_totals_add scoped
INSERT INTO household_totals (county, area_code, hh_type, category, households, persons)
SELECT h.county, up.code, h.hh_type, h.category, count(*), sum(h.size)
FROM households h
CROSS JOIN LATERAL (VALUES (substr(h.area_code, 1, 9) || '000'), (substr(h.area_code, 1, 6) || '000000')) up (code)
WHERE h.area_code BETWEEN $1 AND $2 AND h.id = ANY($3::bigint[])
GROUP BY h.county, up.code, h.hh_type, h.category
ON CONFLICT (area_code, hh_type, category, county) DO UPDATE
SET households = household_totals.households + EXCLUDED.households,
    persons = household_totals.persons + EXCLUDED.persons;
