-- 集中排查 / 回头看 (domain/assistance/campaign*.c): campaigns, the snapshot of their household
-- set, progress and issues.

-- name: campaign_insert
INSERT INTO campaigns (county, area_code, area_lo, area_hi, name, kind, start_ymd, end_ymd, targets, created_by,
                       created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- The household set into campaign $3 (targets $4: 1 脱贫户, 2 监测户, 4 every household),
-- over the campaign's area as the scope.
-- name: campaign_snapshot scoped
INSERT INTO campaign_households (county, area_code, campaign_id, household_id)
SELECT h.county, h.area_code, $3, h.id FROM households h
WHERE h.area_code BETWEEN $1 AND $2
  AND ((($4 & 1) <> 0 AND h.hh_type = '脱贫户') OR (($4 & 2) <> 0 AND h.category <> '') OR ($4 & 4) <> 0);

-- name: campaign_set_households
UPDATE campaigns SET households = $2 WHERE id = $1;

-- Visible: inside the scope, or covering it.
-- name: campaign_get scoped
SELECT k.id, k.area_code, coalesce(a.name, ''), k.name, k.kind, k.start_ymd, k.end_ymd, k.targets, k.households,
       k.created_by, k.created_at
FROM campaigns k LEFT JOIN areas a ON a.code = k.area_code
WHERE k.id = $3 AND ((k.area_code BETWEEN $1 AND $2) OR (k.area_lo <= $1 AND k.area_hi >= $2));

-- name: campaign_list scoped
SELECT k.id, k.area_code, coalesce(a.name, ''), k.name, k.kind, k.start_ymd, k.end_ymd, k.targets, k.households,
       k.created_by, k.created_at
FROM campaigns k LEFT JOIN areas a ON a.code = k.area_code
WHERE (k.area_code BETWEEN $1 AND $2) OR (k.area_lo <= $1 AND k.area_hi >= $2)
ORDER BY k.start_ymd DESC, k.id DESC LIMIT $3 OFFSET $4;

-- name: campaign_count scoped
SELECT count(*) FROM campaigns k
WHERE (k.area_code BETWEEN $1 AND $2) OR (k.area_lo <= $1 AND k.area_hi >= $2);

-- Per village of the caller's scope: households of the set, and those visited between
-- $4 and $5 (the campaign's dates).
-- name: campaign_progress scoped
SELECT ch.area_code, coalesce(a.name, ''), count(*),
       coalesce(sum(CASE WHEN EXISTS (SELECT 1 FROM visits v WHERE v.household_id = ch.household_id
                                         AND v.visit_ymd BETWEEN $4 AND $5) THEN 1 ELSE 0 END), 0)
FROM campaign_households ch LEFT JOIN areas a ON a.code = ch.area_code
WHERE ch.campaign_id = $3 AND ch.area_code BETWEEN $1 AND $2
GROUP BY ch.area_code, a.name ORDER BY ch.area_code;

-- name: campaign_in_set scoped
SELECT count(*) FROM campaign_households ch
WHERE ch.campaign_id = $3 AND ch.household_id = $4 AND ch.area_code BETWEEN $1 AND $2;

-- Households of the set with their newest visit inside the dates. $4/$5 dates, $6 village
-- ('' = any), $7 visited (-1 any, 0 not yet, 1 visited), $8 limit, $9 offset.
-- name: campaign_households_list scoped
SELECT * FROM (
	SELECT h.id AS id, h.hh_no AS hh_no, h.area_code AS area_code, coalesce(a.name, '') AS village_name,
	       h.grp AS grp, h.head_name AS head_name, h.hh_type AS hh_type, h.category AS category,
	       h.helper AS helper,
	       coalesce((SELECT max(v.visit_ymd) FROM visits v WHERE v.household_id = ch.household_id
	                   AND v.visit_ymd BETWEEN $4 AND $5), 0) AS last_visit,
	       (SELECT count(*) FROM campaign_issues i WHERE i.campaign_id = ch.campaign_id
	          AND i.household_id = ch.household_id AND i.status <> '已整改') AS open_issues
	FROM campaign_households ch
	JOIN households h ON h.id = ch.household_id
	LEFT JOIN areas a ON a.code = h.area_code
	WHERE ch.campaign_id = $3 AND ch.area_code BETWEEN $1 AND $2 AND ($6 = '' OR ch.area_code = $6)
) x
WHERE $7 < 0 OR ($7 = 0 AND x.last_visit = 0) OR ($7 = 1 AND x.last_visit > 0)
ORDER BY x.area_code, x.hh_no LIMIT $8 OFFSET $9;

-- name: campaign_households_count scoped
SELECT count(*) FROM campaign_households ch
WHERE ch.campaign_id = $3 AND ch.area_code BETWEEN $1 AND $2 AND ($6 = '' OR ch.area_code = $6)
  AND ($7 < 0
       OR ($7 = 0 AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.household_id = ch.household_id
                                    AND v.visit_ymd BETWEEN $4 AND $5))
       OR ($7 = 1 AND EXISTS (SELECT 1 FROM visits v WHERE v.household_id = ch.household_id
                                AND v.visit_ymd BETWEEN $4 AND $5)));

-- --- issues ----------------------------------------------------------------------------------------

-- $3 campaign, $4 the area (a 个性问题: the household's village, inside the caller's scope).
-- name: issue_insert scoped
INSERT INTO campaign_issues (county, area_code, campaign_id, scope, household_id, description, rectification,
                             status, rectified_at, created_by, created_at, updated_by, updated_at)
SELECT substr(a.code, 1, 6), a.code, $3, $5, $6, $7, $8, $9, $10, $11, $12, $11, $12
FROM areas a WHERE a.code = $4 AND a.code BETWEEN $1 AND $2;

-- name: issue_update scoped
UPDATE campaign_issues SET description = $4, rectification = $5, status = $6, rectified_at = $7, updated_by = $8,
                           updated_at = $9
WHERE id = $3 AND area_code BETWEEN $1 AND $2;

-- name: issue_get scoped
SELECT i.id, i.campaign_id, i.area_code, coalesce(a.name, ''), i.scope, coalesce(i.household_id, 0),
       coalesce(h.hh_no, ''), coalesce(h.head_name, ''), i.description, i.rectification, i.status,
       coalesce(i.rectified_at, 0), i.created_by, i.created_at, i.updated_by, i.updated_at, coalesce(h.helper, '')
FROM campaign_issues i LEFT JOIN households h ON h.id = i.household_id LEFT JOIN areas a ON a.code = i.area_code
WHERE i.id = $3 AND i.campaign_id = $4 AND i.area_code BETWEEN $1 AND $2;

-- $4 status ('' = any).
-- name: issue_list scoped
SELECT i.id, i.campaign_id, i.area_code, coalesce(a.name, ''), i.scope, coalesce(i.household_id, 0),
       coalesce(h.hh_no, ''), coalesce(h.head_name, ''), i.description, i.rectification, i.status,
       coalesce(i.rectified_at, 0), i.created_by, i.created_at, i.updated_by, i.updated_at, coalesce(h.helper, '')
FROM campaign_issues i LEFT JOIN households h ON h.id = i.household_id LEFT JOIN areas a ON a.code = i.area_code
WHERE i.campaign_id = $3 AND i.area_code BETWEEN $1 AND $2 AND ($4 = '' OR i.status = $4)
ORDER BY i.id LIMIT 1000;

-- name: issue_totals scoped
SELECT i.scope, count(*), coalesce(sum(CASE WHEN i.status = '已整改' THEN 1 ELSE 0 END), 0)
FROM campaign_issues i WHERE i.campaign_id = $3 AND i.area_code BETWEEN $1 AND $2 GROUP BY i.scope;
