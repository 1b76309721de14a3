-- 台账 (domain/ledger/): the generic ledger rows, project beneficiaries and check thresholds.
-- Every query over ledger rows is scoped: $1/$2 is the area range (the actor's, or an area
-- inside it).

-- name: ledger_area_info
SELECT name, level, county FROM areas WHERE code = $1;

-- An area by its name as published or without 村民委员会 / 居民委员会 ("老西街社区").
-- name: ledger_area_by_name scoped
SELECT code FROM areas
WHERE (name = $3 OR name = $3 || '村民委员会' OR name = $3 || '居民委员会') AND code BETWEEN $1 AND $2
ORDER BY level DESC, code LIMIT 2;

-- name: ledger_person_by_bidx scoped
SELECT p.id, p.household_id, p.area_code, p.county, p.name, p.id_masked FROM persons p
WHERE p.id_bidx = $3 AND p.area_code BETWEEN $1 AND $2 ORDER BY p.id LIMIT 1;

-- The same through UNIQUE (county, id_bidx): county $4.
-- name: ledger_person_by_county_bidx scoped
SELECT p.id, p.household_id, p.area_code, p.county, p.name, p.id_masked FROM persons p
WHERE p.county = $4 AND p.id_bidx = $3 AND p.area_code BETWEEN $1 AND $2;

-- name: ledger_person_by_id scoped
SELECT p.id, p.household_id, p.area_code, p.county, p.name, p.id_masked FROM persons p
WHERE p.id = $3 AND p.area_code BETWEEN $1 AND $2;

-- name: ledger_household_by_no scoped
SELECT h.id, h.area_code, h.county, h.hh_no, h.head_name FROM households h
WHERE h.hh_no = $3 AND h.area_code BETWEEN $1 AND $2 ORDER BY h.id LIMIT 1;

-- The same through UNIQUE (county, hh_no): county $4.
-- name: ledger_household_by_county_no scoped
SELECT h.id, h.area_code, h.county, h.hh_no, h.head_name FROM households h
WHERE h.county = $4 AND h.hh_no = $3 AND h.area_code BETWEEN $1 AND $2;

-- name: ledger_household_by_id scoped
SELECT h.id, h.area_code, h.county, h.hh_no, h.head_name FROM households h
WHERE h.id = $3 AND h.area_code BETWEEN $1 AND $2;

-- name: ledger_insert scoped
INSERT INTO ledger_entries (county, kind, area_code, entry_date, end_date, amount_fen, quantity, person_id,
                            household_id, parent_id, status, category, title, fields, created_by, created_at,
                            updated_by, updated_at)
SELECT $3, $4, a.code, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $17, $18
FROM areas a WHERE a.code = $5 AND a.code BETWEEN $1 AND $2;

-- name: ledger_update scoped
UPDATE ledger_entries SET county = $4, area_code = $5, entry_date = $6, end_date = $7, amount_fen = $8,
                          quantity = $9, person_id = $10, household_id = $11, parent_id = $12, status = $13,
                          category = $14, title = $15, fields = $16, updated_by = $17, updated_at = $18
WHERE id = $3 AND kind = $19 AND area_code BETWEEN $1 AND $2
  AND EXISTS (SELECT 1 FROM areas a WHERE a.code = $5 AND a.code BETWEEN $1 AND $2);

-- name: ledger_delete scoped
DELETE FROM ledger_entries WHERE id = $3 AND kind = $4 AND area_code BETWEEN $1 AND $2;

-- name: ledger_get scoped
SELECT e.id, e.area_code, coalesce(a.name, ''), e.fields, e.status, e.category, e.title,
       coalesce(e.entry_date, ''), coalesce(e.end_date, ''), e.amount_fen, e.quantity,
       coalesce(e.person_id, 0), coalesce(p.name, ''), coalesce(p.id_masked, ''),
       coalesce(e.household_id, 0), coalesce(h.hh_no, ''), coalesce(h.head_name, ''),
       coalesce(e.parent_id, 0), coalesce(pe.title, ''), e.created_by, e.created_at, e.updated_by, e.updated_at
FROM ledger_entries e
LEFT JOIN areas a ON a.code = e.area_code
LEFT JOIN persons p ON p.id = e.person_id
LEFT JOIN households h ON h.id = e.household_id
LEFT JOIN ledger_entries pe ON pe.id = e.parent_id
WHERE e.id = $3 AND e.kind = $4 AND e.area_code BETWEEN $1 AND $2;

-- Filters: $4 from, $5 to (entry_date, '' = open), $6 status, $7 category, $8 text ('' = any;
-- $9 the LIKE pattern of it, its % _ ! escaped with !), $10 parent id (0 = any). Newest first.
-- name: ledger_list scoped
SELECT e.id, e.area_code, coalesce(a.name, ''), e.fields, e.status, e.category, e.title,
       coalesce(e.entry_date, ''), coalesce(e.end_date, ''), e.amount_fen, e.quantity,
       coalesce(e.person_id, 0), coalesce(p.name, ''), coalesce(p.id_masked, ''),
       coalesce(e.household_id, 0), coalesce(h.hh_no, ''), coalesce(h.head_name, ''),
       coalesce(e.parent_id, 0), coalesce(pe.title, ''), e.created_by, e.created_at, e.updated_by, e.updated_at
FROM ledger_entries e
LEFT JOIN areas a ON a.code = e.area_code
LEFT JOIN persons p ON p.id = e.person_id
LEFT JOIN households h ON h.id = e.household_id
LEFT JOIN ledger_entries pe ON pe.id = e.parent_id
WHERE e.kind = $3 AND e.area_code BETWEEN $1 AND $2
  AND ($4 = '' OR e.entry_date >= $4) AND ($5 = '' OR e.entry_date <= $5)
  AND ($6 = '' OR e.status = $6) AND ($7 = '' OR e.category = $7)
  AND ($8 = '' OR e.title LIKE $9 ESCAPE '!' OR e.fields LIKE $9 ESCAPE '!' OR p.name = $8 OR h.hh_no = $8 OR h.head_name = $8)
  AND ($10 = 0 OR e.parent_id = $10)
ORDER BY e.entry_date DESC, e.id DESC LIMIT $11 OFFSET $12;

-- name: ledger_count scoped
SELECT count(*) FROM ledger_entries e
LEFT JOIN persons p ON p.id = e.person_id
LEFT JOIN households h ON h.id = e.household_id
WHERE e.kind = $3 AND e.area_code BETWEEN $1 AND $2
  AND ($4 = '' OR e.entry_date >= $4) AND ($5 = '' OR e.entry_date <= $5)
  AND ($6 = '' OR e.status = $6) AND ($7 = '' OR e.category = $7)
  AND ($8 = '' OR e.title LIKE $9 ESCAPE '!' OR e.fields LIKE $9 ESCAPE '!' OR p.name = $8 OR h.hh_no = $8 OR h.head_name = $8)
  AND ($10 = 0 OR e.parent_id = $10);

-- Totals for reports and indicators: kind $3, entry_date in [$4, $5] ('' = open), status $6,
-- category $7 ('' = any).
-- name: ledger_totals scoped
SELECT count(*), coalesce(sum(amount_fen), 0), coalesce(sum(quantity), 0) FROM ledger_entries
WHERE kind = $3 AND area_code BETWEEN $1 AND $2
  AND ($4 = '' OR entry_date >= $4) AND ($5 = '' OR entry_date <= $5)
  AND ($6 = '' OR status = $6) AND ($7 = '' OR category = $7);

-- name: ledger_beneficiary_insert scoped
INSERT INTO ledger_beneficiaries (entry_id, household_id, county, area_code)
SELECT $3, h.id, h.county, h.area_code FROM households h WHERE h.id = $4 AND h.area_code BETWEEN $1 AND $2;

-- name: ledger_beneficiaries_clear scoped
DELETE FROM ledger_beneficiaries WHERE entry_id = $3 AND area_code BETWEEN $1 AND $2;

-- name: ledger_beneficiaries_of scoped
SELECT h.id, h.hh_no, h.head_name FROM ledger_beneficiaries b JOIN households h ON h.id = b.household_id
WHERE b.entry_id = $3 AND b.area_code BETWEEN $1 AND $2 ORDER BY h.hh_no;

-- Another 公益性岗位 of the same person overlapping [$5, $6] ('' = open end); $4 = the row
-- itself (0 on add).
-- name: ledger_post_overlap scoped
SELECT id, title, coalesce(entry_date, ''), coalesce(end_date, '') FROM ledger_entries
WHERE kind = 'public_post' AND person_id = $3 AND id <> $4 AND area_code BETWEEN $1 AND $2
  AND coalesce(entry_date, '0000-00-00') <= (CASE WHEN $6 = '' THEN '9999-12-31' ELSE $6 END)
  AND $5 <= coalesce(end_date, '9999-12-31')
ORDER BY entry_date LIMIT 1;

-- Another 村集体经济 row of the same village and year.
-- name: ledger_same_area_date scoped
SELECT id FROM ledger_entries
WHERE kind = $3 AND area_code = $4 AND entry_date = $5 AND id <> $6 AND area_code BETWEEN $1 AND $2 LIMIT 1;

-- name: ledger_parent_get scoped
SELECT id, area_code, title FROM ledger_entries WHERE id = $3 AND kind = $4 AND area_code BETWEEN $1 AND $2;

-- name: ledger_parent_by_title scoped
SELECT id, area_code, title FROM ledger_entries WHERE title = $3 AND kind = $4 AND area_code BETWEEN $1 AND $2
ORDER BY id LIMIT 2;

-- --- checks ----------------------------------------------------------------------------------

-- Sums per area_code of a kind in [$4, $5]: total and where category = $6.
-- name: ledger_sums_by_area scoped
SELECT area_code, coalesce(sum(amount_fen), 0),
       coalesce(sum(CASE WHEN category = $6 THEN amount_fen ELSE 0 END), 0), count(*)
FROM ledger_entries
WHERE kind = $3 AND area_code BETWEEN $1 AND $2 AND entry_date >= $4 AND entry_date <= $5
GROUP BY area_code ORDER BY area_code;

-- Rows of a kind in [$4, $5] for the checks: id, area, title, amount, quantity, status, dates,
-- person name.
-- name: ledger_check_rows scoped
SELECT e.id, e.area_code, coalesce(a.name, ''), e.title, coalesce(e.amount_fen, 0), coalesce(e.quantity, 0),
       e.status, coalesce(e.entry_date, ''), coalesce(e.end_date, ''), coalesce(p.name, '')
FROM ledger_entries e
LEFT JOIN areas a ON a.code = e.area_code
LEFT JOIN persons p ON p.id = e.person_id
WHERE e.kind = $3 AND e.area_code BETWEEN $1 AND $2 AND e.entry_date >= $4 AND e.entry_date <= $5
ORDER BY e.area_code, e.entry_date, e.id LIMIT 5000;

-- Pairs of 公益性岗位 of one person that overlap.
-- name: ledger_post_overlaps scoped
SELECT x.id, y.id, coalesce(p.name, ''), x.title, y.title, x.area_code
FROM ledger_entries x
JOIN ledger_entries y ON y.person_id = x.person_id AND y.id > x.id AND y.kind = 'public_post'
LEFT JOIN persons p ON p.id = x.person_id
WHERE x.kind = 'public_post' AND x.area_code BETWEEN $1 AND $2 AND y.area_code BETWEEN $1 AND $2
  AND x.entry_date <= coalesce(y.end_date, '9999-12-31') AND y.entry_date <= coalesce(x.end_date, '9999-12-31')
ORDER BY x.id LIMIT 1000;

-- Rows of a kind whose person or household now lives elsewhere than the row's area
-- (the caller checks containment for town-level rows).
-- name: ledger_links_moved scoped
SELECT e.id, e.area_code, coalesce(p.area_code, h.area_code, ''), coalesce(p.name, h.head_name, ''), e.title
FROM ledger_entries e
LEFT JOIN persons p ON p.id = e.person_id
LEFT JOIN households h ON h.id = e.household_id
WHERE e.kind = $3 AND e.area_code BETWEEN $1 AND $2
  AND ((p.id IS NOT NULL AND p.area_code <> e.area_code) OR (h.id IS NOT NULL AND h.area_code <> e.area_code))
ORDER BY e.id LIMIT 1000;

-- 受益户 outside their project's area.
-- name: ledger_beneficiaries_moved scoped
SELECT e.id, e.area_code, h.area_code, h.hh_no, e.title
FROM ledger_beneficiaries b
JOIN ledger_entries e ON e.id = b.entry_id
JOIN households h ON h.id = b.household_id
WHERE e.area_code BETWEEN $1 AND $2 AND h.area_code <> e.area_code
ORDER BY e.id LIMIT 1000;

-- --- settings ---------------------------------------------------------------------------------

-- The most specific row for the area chain ($1 village, $2 town, $3 county) and year $4 or 0.
-- name: ledger_setting_get
SELECT value FROM ledger_settings
WHERE key = $5 AND area_code IN ($1, $2, $3) AND year IN ($4, 0)
ORDER BY length(rtrim(area_code, '0')) DESC, year DESC LIMIT 1;

-- name: ledger_setting_upsert
INSERT INTO ledger_settings (county, area_code, year, key, value, updated_by, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (area_code, year, key, county) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by,
                                                        updated_at = excluded.updated_at;
