-- Household registry: list/search, detail, edit and export (domain/registry/query.c,
-- edit.c, export.c). Every statement over households/persons is scoped: $1/$2 is the
-- area range the store binds from the caller's scope.
--
-- A list page is one query (hh_page_*); searches yield household ids in page order and
-- hh_summary renders each. Filters: '' = any. Indexes (migration 0006): households_list
-- (area_code, hh_no, hh_type, category, grp), households_category (category, area_code,
-- hh_no, hh_type, grp), persons_name (county, zh_key(name), name, area_code, household_id),
-- persons_area_name (area_code, zh_key(name), name, household_id) (migration 0012).

-- A page of the list in (village, 户编号) order, rendered (the columns of hh_summary): the
-- inner query walks households_list alone (the offset costs index entries only), the joins
-- run for the page's rows. $3 hh_type, $4 grp, $5 limit, $6 offset.
-- name: hh_page_all scoped
SELECT h.id, h.hh_no, h.area_code, coalesce(v.name, ''), coalesce(t.name, ''), h.grp, h.head_name,
       coalesce((SELECT p.id_masked FROM persons p WHERE p.household_id = h.id ORDER BY p.seq LIMIT 1), ''),
       h.size, h.hh_type, h.category, coalesce(h.housing_safe, -1), coalesce(h.water_safe, -1), h.helper
FROM (SELECT id FROM households
      WHERE area_code BETWEEN $1 AND $2 AND ($3 = '' OR hh_type = $3) AND ($4 = '' OR grp = $4)
      ORDER BY area_code, hh_no LIMIT $5 OFFSET $6) pg
JOIN households h ON h.id = pg.id
LEFT JOIN areas v ON v.code = h.area_code
LEFT JOIN areas t ON t.code = substr(h.area_code, 1, 9) || '000'
ORDER BY h.area_code, h.hh_no;

-- The same for one 监测对象类别 ($3), on households_category. $4 hh_type, $5 grp, $6 limit, $7 offset.
-- name: hh_page_category scoped
SELECT h.id, h.hh_no, h.area_code, coalesce(v.name, ''), coalesce(t.name, ''), h.grp, h.head_name,
       coalesce((SELECT p.id_masked FROM persons p WHERE p.household_id = h.id ORDER BY p.seq LIMIT 1), ''),
       h.size, h.hh_type, h.category, coalesce(h.housing_safe, -1), coalesce(h.water_safe, -1), h.helper
FROM (SELECT id FROM households
      WHERE category = $3 AND area_code BETWEEN $1 AND $2 AND ($4 = '' OR hh_type = $4)
        AND ($5 = '' OR grp = $5)
      ORDER BY area_code, hh_no LIMIT $6 OFFSET $7) pg
JOIN households h ON h.id = pg.id
LEFT JOIN areas v ON v.code = h.area_code
LEFT JOIN areas t ON t.code = substr(h.area_code, 1, 9) || '000'
ORDER BY h.area_code, h.hh_no;

-- Exact count of an unfiltered list, from the per-village counts that triggers keep
-- (household_counts, migration 0006).
-- name: hh_count_all scoped
SELECT coalesce(sum(households), 0) FROM household_counts WHERE area_code BETWEEN $1 AND $2;

-- The same with 户类型 ($3) and/or 监测对象类别 ($4) ('' = any).
-- name: hh_count_fast scoped
SELECT coalesce(sum(households), 0) FROM household_counts
WHERE area_code BETWEEN $1 AND $2 AND ($3 = '' OR hh_type = $3) AND ($4 = '' OR category = $4);

-- The same for a whole town or county ($3 = its code, the scope's lo), from the roll-up of
-- household_counts (household_totals, migration 0012): a few rows instead of one per village.
-- name: hh_count_rollup scoped
SELECT coalesce(sum(households), 0) FROM household_totals
WHERE area_code = $3 AND area_code BETWEEN $1 AND $2 AND ($4 = '' OR hh_type = $4)
  AND ($5 = '' OR category = $5);

-- Persons of a list without a 组 filter (an export's expected rows). $3 hh_type, $4 category.
-- name: hh_persons_fast scoped
SELECT coalesce(sum(persons), 0) FROM household_counts
WHERE area_code BETWEEN $1 AND $2 AND ($3 = '' OR hh_type = $3) AND ($4 = '' OR category = $4);

-- Count of a list with a 组 filter ($5), up to $6 rows, index-only on households_list.
-- name: hh_count_capped scoped
SELECT count(*) FROM (SELECT 1 FROM households
                      WHERE area_code BETWEEN $1 AND $2 AND ($3 = '' OR hh_type = $3)
                        AND ($4 = '' OR category = $4) AND grp = $5 LIMIT $6) x;

-- 户编号 prefix over a town or county: $3 county, [$4, $5) the prefix range,
-- $6 hh_type, $7 category, $8 grp, $9 limit, $10 offset.
-- name: hh_ids_no_prefix scoped
SELECT h.id FROM households h
WHERE h.county = $3 AND h.hh_no >= $4 AND h.hh_no < $5 AND h.area_code BETWEEN $1 AND $2
  AND ($6 = '' OR h.hh_type = $6) AND ($7 = '' OR h.category = $7) AND ($8 = '' OR h.grp = $8)
ORDER BY h.hh_no LIMIT $9 OFFSET $10;

-- The same inside one village ($3), on households_list.
-- name: hh_ids_no_prefix_village scoped
SELECT h.id FROM households h
WHERE h.area_code = $3 AND h.hh_no >= $4 AND h.hh_no < $5 AND h.area_code BETWEEN $1 AND $2
  AND ($6 = '' OR h.hh_type = $6) AND ($7 = '' OR h.category = $7) AND ($8 = '' OR h.grp = $8)
ORDER BY h.hh_no LIMIT $9 OFFSET $10;

-- Members whose 姓名 starts with $4, over a town or county ($3), in Chinese collation order;
-- [$4, $5) is the collation range ($5 = $4 || U+FFFF), the substr test the exact prefix.
-- SQLite compares ICU sort keys (zh_key, migration 0012: the index persons_name holds
-- zh_key(name) then name, the same order as name COLLATE zh with its byte tie-break);
-- PostgreSQL's twin in pg/households.sql says COLLATE zh.
-- One row per matching member: the caller keeps the first row of each household. The
-- households table is read only when a filter asks for it ($6 hh_type, $7 category, $8 grp);
-- the index alone answers an unfiltered search. $9 limit (rows).
-- name: hh_name_rows scoped
SELECT p.household_id FROM persons p
WHERE p.county = $3 AND zh_key(p.name) >= zh_key($4) AND zh_key(p.name) < zh_key($5)
  AND substr(p.name, 1, length($4)) = $4 AND p.area_code BETWEEN $1 AND $2
  AND (($6 = '' AND $7 = '' AND $8 = '')
       OR EXISTS (SELECT 1 FROM households h WHERE h.id = p.household_id AND ($6 = '' OR h.hh_type = $6)
                  AND ($7 = '' OR h.category = $7) AND ($8 = '' OR h.grp = $8)))
ORDER BY zh_key(p.name), p.name, p.area_code, p.household_id LIMIT $9;

-- The same inside one village ($3), on persons_area_name.
-- name: hh_name_rows_village scoped
SELECT p.household_id FROM persons p
WHERE p.area_code = $3 AND zh_key(p.name) >= zh_key($4) AND zh_key(p.name) < zh_key($5)
  AND substr(p.name, 1, length($4)) = $4 AND p.area_code BETWEEN $1 AND $2
  AND (($6 = '' AND $7 = '' AND $8 = '')
       OR EXISTS (SELECT 1 FROM households h WHERE h.id = p.household_id AND ($6 = '' OR h.hh_type = $6)
                  AND ($7 = '' OR h.category = $7) AND ($8 = '' OR h.grp = $8)))
ORDER BY zh_key(p.name), p.name, p.household_id LIMIT $9;

-- The household of the member with blind index $4 in county $3 (at most one: unique index).
-- name: hh_ids_by_id_bidx scoped
SELECT h.id FROM persons p JOIN households h ON h.id = p.household_id
WHERE p.county = $3 AND p.id_bidx = $4 AND h.area_code BETWEEN $1 AND $2
  AND ($5 = '' OR h.hh_type = $5) AND ($6 = '' OR h.category = $6) AND ($7 = '' OR h.grp = $7);

-- One row of the list.
-- name: hh_summary scoped
SELECT h.id, h.hh_no, h.area_code, coalesce(v.name, ''), coalesce(t.name, ''), h.grp, h.head_name,
       coalesce((SELECT p.id_masked FROM persons p WHERE p.household_id = h.id ORDER BY p.seq LIMIT 1), ''),
       h.size, h.hh_type, h.category, coalesce(h.housing_safe, -1), coalesce(h.water_safe, -1), h.helper
FROM households h
LEFT JOIN areas v ON v.code = h.area_code
LEFT JOIN areas t ON t.code = substr(h.area_code, 1, 9) || '000'
WHERE h.id = $3 AND h.area_code BETWEEN $1 AND $2;

-- One household by 户编号 ($4) in county $3.
-- name: hh_get scoped
SELECT h.id, h.hh_no, h.area_code, coalesce(v.name, ''), substr(h.area_code, 1, 9) || '000',
       coalesce(t.name, ''), h.grp, h.head_name, h.hh_type, h.category, coalesce(h.tuopin_year, 0),
       coalesce(h.housing_safe, -1), coalesce(h.water_safe, -1), h.risk_type, h.helper, h.size,
       h.created_at, h.updated_at
FROM households h
LEFT JOIN areas v ON v.code = h.area_code
LEFT JOIN areas t ON t.code = substr(h.area_code, 1, 9) || '000'
WHERE h.county = $3 AND h.hh_no = $4 AND h.area_code BETWEEN $1 AND $2;

-- The members of household $3 in order (户主 first).
-- name: hh_members scoped
SELECT p.id, p.seq, p.name, p.id_masked, p.id_bidx, p.relation, p.gender, p.birth_ymd, p.nation,
       p.education, p.school, p.health, p.disability, p.labor, p.work, coalesce(p.work_months, -1),
       coalesce(p.insured, -1), p.phone_masked
FROM persons p
WHERE p.household_id = $3 AND p.area_code BETWEEN $1 AND $2
ORDER BY p.seq, p.id;

-- The ciphertexts of one member (for an audited unmask) and the 户编号 of the household.
-- name: person_secret scoped
SELECT p.id_enc, p.phone_enc, h.hh_no
FROM persons p JOIN households h ON h.id = p.household_id
WHERE p.id = $3 AND p.area_code BETWEEN $1 AND $2;

-- Who holds the 证件号码 with blind index $4 in county $3 (uniqueness check of an edit;
-- run with the county's scope so a duplicate in another village is found and named).
-- name: person_by_bidx scoped
SELECT p.id, p.household_id, h.hh_no, h.area_code, coalesce(v.name, '')
FROM persons p JOIN households h ON h.id = p.household_id
LEFT JOIN areas v ON v.code = h.area_code
WHERE p.county = $3 AND p.id_bidx = $4 AND p.area_code BETWEEN $1 AND $2;

-- Moves the members of household $3 with it to village $4.
-- name: hh_members_move scoped
UPDATE persons SET area_code = $4 WHERE household_id = $3 AND area_code BETWEEN $1 AND $2;

-- The household row of an edit: $3 id; $4 area_code, $5 grp, $6 head_name, $7 hh_type,
-- $8 category, $9 tuopin_year, $10 housing_safe, $11 water_safe, $12 risk_type, $13 helper,
-- $14 size, $15 updated_at.
-- name: hh_row_update scoped
UPDATE households SET area_code = $4, grp = $5, head_name = $6, hh_type = $7, category = $8,
       tuopin_year = $9, housing_safe = $10, water_safe = $11, risk_type = $12, helper = $13,
       size = $14, updated_at = $15
WHERE id = $3 AND area_code BETWEEN $1 AND $2;

-- One member of an edit, every column: $3 person id; $4 seq, $5 name, $6 id_enc, $7 id_bidx,
-- $8 id_masked, $9 relation, $10 gender, $11 birth_ymd, $12 nation, $13 education, $14 school,
-- $15 health, $16 disability, $17 labor, $18 work, $19 work_months, $20 insured, $21 phone_enc,
-- $22 phone_masked.
-- name: person_row_update scoped
UPDATE persons SET seq = $4, name = $5, id_enc = $6, id_bidx = $7, id_masked = $8, relation = $9,
       gender = $10, birth_ymd = $11, nation = $12, education = $13, school = $14, health = $15,
       disability = $16, labor = $17, work = $18, work_months = $19, insured = $20,
       phone_enc = $21, phone_masked = $22
WHERE id = $3 AND area_code BETWEEN $1 AND $2;

-- name: person_row_delete scoped
DELETE FROM persons WHERE id = $3 AND area_code BETWEEN $1 AND $2;

-- The former 户主 of a household that got a new one: $3 person id, $4 relation, $5 seq.
-- name: person_set_relation_seq scoped
UPDATE persons SET relation = $4, seq = $5 WHERE id = $3 AND area_code BETWEEN $1 AND $2;

-- The stored ciphertexts of one member (kept as they are when the value does not change).
-- name: person_enc scoped
SELECT p.id_enc, p.phone_enc FROM persons p WHERE p.id = $3 AND p.area_code BETWEEN $1 AND $2;

-- Export: every member of the households in scope in template order, a page of $8 households
-- at a time after the (area_code, hh_no) of the last one written ($6, $7; the first page passes
-- the scope's $1 and ''): PostgreSQL materialises a result set in the client, so one cursor
-- over a county held all of it in memory (734 MB at 1M persons). The page's lower bound is the
-- keyset alone ($6 >= $1 keeps it in scope; the outer BETWEEN restates the scope) so that both
-- backends seek to the next page instead of walking the scope from its start. A household
-- without members gives one row of NULLs (seq -1): it moves the page on and writes nothing.
-- $3 hh_type, $4 category, $5 grp. (area_code, hh_no) is unique, so ordering by every column of
-- households_list and then h.id changes nothing but lets the planner walk the index and each
-- household's members (persons_household).
-- name: export_rows scoped
SELECT h.hh_no, h.area_code, h.grp, p.name, p.id_enc, p.id_masked, p.relation, p.gender, p.nation,
       p.education, p.school, p.health, p.disability, p.labor, p.work, coalesce(p.work_months, -1),
       coalesce(p.insured, -1), h.hh_type, h.category, coalesce(h.tuopin_year, 0), p.phone_enc,
       p.phone_masked, coalesce(h.housing_safe, -1), coalesce(h.water_safe, -1), h.risk_type, h.helper,
       coalesce(p.seq, -1), h.id
FROM (SELECT id FROM households
      WHERE (area_code, hh_no) > ($6, $7) AND area_code <= $2 AND ($3 = '' OR hh_type = $3)
        AND ($4 = '' OR category = $4) AND ($5 = '' OR grp = $5)
      ORDER BY area_code, hh_no, hh_type, category, grp, id
      LIMIT $8) page
JOIN households h ON h.id = page.id AND h.area_code BETWEEN $1 AND $2
LEFT JOIN persons p ON p.household_id = h.id
ORDER BY h.area_code, h.hh_no, h.hh_type, h.category, h.grp, h.id, p.seq, p.id;

-- Export of one household (the matches of a search), same columns as export_rows.
-- name: export_rows_hh scoped
SELECT h.hh_no, h.area_code, h.grp, p.name, p.id_enc, p.id_masked, p.relation, p.gender, p.nation,
       p.education, p.school, p.health, p.disability, p.labor, p.work, coalesce(p.work_months, -1),
       coalesce(p.insured, -1), h.hh_type, h.category, coalesce(h.tuopin_year, 0), p.phone_enc,
       p.phone_masked, coalesce(h.housing_safe, -1), coalesce(h.water_safe, -1), h.risk_type, h.helper,
       p.seq, h.id
FROM households h JOIN persons p ON p.household_id = h.id
WHERE h.id = $3 AND h.area_code BETWEEN $1 AND $2
ORDER BY p.seq, p.id;
