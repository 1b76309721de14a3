-- PostgreSQL's form of the 姓名 searches of common/households.sql: its persons_name and
-- persons_area_name (migration 0006) compare with the ICU collation "zh" themselves, where
-- SQLite indexes zh_key(name) (migration 0012). Same arguments, same order.

-- Members whose 姓名 starts with $4, over a town or county ($3), in Chinese collation order;
-- [$4, $5) is the collation range ($5 = $4 || U+FFFF), the substr test the exact prefix.
-- One row per matching member: the caller keeps the first row of each household. The
-- households table is read only when a filter asks for it ($6 hh_type, $7 category, $8 grp);
-- the index alone answers an unfiltered search. $9 limit (rows).
-- name: hh_name_rows scoped
SELECT p.household_id FROM persons p
WHERE p.county = $3 AND p.name COLLATE zh >= $4 AND p.name COLLATE zh < $5
  AND substr(p.name, 1, length($4)) = $4 AND p.area_code BETWEEN $1 AND $2
  AND (($6 = '' AND $7 = '' AND $8 = '')
       OR EXISTS (SELECT 1 FROM households h WHERE h.id = p.household_id AND ($6 = '' OR h.hh_type = $6)
                  AND ($7 = '' OR h.category = $7) AND ($8 = '' OR h.grp = $8)))
ORDER BY p.name COLLATE zh, p.area_code, p.household_id LIMIT $9;

-- The same inside one village ($3), on persons_area_name.
-- name: hh_name_rows_village scoped
SELECT p.household_id FROM persons p
WHERE p.area_code = $3 AND p.name COLLATE zh >= $4 AND p.name COLLATE zh < $5
  AND substr(p.name, 1, length($4)) = $4 AND p.area_code BETWEEN $1 AND $2
  AND (($6 = '' AND $7 = '' AND $8 = '')
       OR EXISTS (SELECT 1 FROM households h WHERE h.id = p.household_id AND ($6 = '' OR h.hh_type = $6)
                  AND ($7 = '' OR h.category = $7) AND ($8 = '' OR h.grp = $8)))
ORDER BY p.name COLLATE zh, p.household_id LIMIT $9;

