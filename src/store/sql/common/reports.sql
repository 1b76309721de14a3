-- 工作汇报 drafts (domain/report/report.c, migration 0008). Every query is scoped by the
-- draft's area: a draft outside the caller's area does not exist for them.

-- name: report_list scoped
SELECT d.id, d.area_code, coalesce(a.name, ''), d.year, d.title, d.version, d.created_by, d.created_at,
       d.updated_by, d.updated_at
FROM report_drafts d LEFT JOIN areas a ON a.code = d.area_code
WHERE d.area_code BETWEEN $1 AND $2
  AND ($3 = '' OR d.area_code = $3) AND ($4 = 0 OR d.year = $4)
ORDER BY d.year DESC, d.updated_at DESC, d.id DESC LIMIT 500;

-- name: report_get scoped
SELECT d.id, d.area_code, coalesce(a.name, ''), d.year, d.title, d.body, d.version, d.created_by,
       d.created_at, d.updated_by, d.updated_at
FROM report_drafts d LEFT JOIN areas a ON a.code = d.area_code
WHERE d.id = $3 AND d.area_code BETWEEN $1 AND $2;

-- name: report_insert scoped
INSERT INTO report_drafts (county, area_code, year, title, body, version, created_by, created_at,
                           updated_by, updated_at)
SELECT substr(a.code, 1, 6), a.code, $4, $5, $6, 1, $7, $8, $7, $8
FROM areas a WHERE a.code = $3 AND a.code BETWEEN $1 AND $2;

-- Saves an edit made to `version`; no row changes when someone saved in between.
-- name: report_update scoped
UPDATE report_drafts SET title = $5, body = $6, version = version + 1, updated_by = $7, updated_at = $8
WHERE id = $3 AND version = $4 AND area_code BETWEEN $1 AND $2;

-- name: report_delete scoped
DELETE FROM report_drafts WHERE id = $3 AND area_code BETWEEN $1 AND $2;
