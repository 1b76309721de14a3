-- 指标与目标, 晾晒 and 红黑榜 (domain/indicator/). Values in base units (分, or hundredths);
-- see indicator.h. Completion is computed here from integers; rounding only at display.

-- name: indicator_list
SELECT id, key, name, unit, source, ledger_kind, agg, filter_field, filter_value, figure, weight,
       higher_better, builtin
FROM indicators ORDER BY builtin DESC, id;

-- name: indicator_get
SELECT id, key, name, unit, source, ledger_kind, agg, filter_field, filter_value, figure, weight,
       higher_better, builtin
FROM indicators WHERE key = $1;

-- name: indicator_insert
INSERT INTO indicators (key, name, unit, source, ledger_kind, agg, filter_field, filter_value, figure, weight,
                        higher_better, builtin, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12, $13, $13);

-- name: indicator_update
UPDATE indicators SET name = $2, unit = $3, source = $4, ledger_kind = $5, agg = $6, filter_field = $7,
       filter_value = $8, figure = $9, weight = $10, higher_better = $11, updated_at = $12
WHERE key = $1;

-- name: indicator_area_get
SELECT name, level FROM areas WHERE code = $1;

-- $3 area, $4 indicator id, $5 year, $6 period, $7/$8 dates, $9 target, $10 share_bp, $11 by, $12 at.
-- Parameters are cast: PostgreSQL cannot infer their types in an INSERT … SELECT list.
-- name: indicator_target_upsert scoped
INSERT INTO indicator_targets (county, area_code, area_lo, area_hi, indicator_id, year, period, start_date,
                               end_date, target, share_bp, set_by, set_at)
SELECT a.county, a.code, CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($4 AS BIGINT), CAST($5 AS INTEGER),
       CAST($6 AS TEXT), CAST($7 AS TEXT), CAST($8 AS TEXT), CAST($9 AS BIGINT), CAST($10 AS INTEGER),
       CAST($11 AS TEXT), CAST($12 AS BIGINT)
FROM areas a
WHERE a.code = CAST($3 AS TEXT) AND a.code BETWEEN $1 AND $2
ON CONFLICT (area_code, indicator_id, year, period, county) DO UPDATE SET
	start_date = excluded.start_date, end_date = excluded.end_date, target = excluded.target,
	share_bp = excluded.share_bp, set_by = excluded.set_by, set_at = excluded.set_at;

-- name: indicator_target_delete scoped
DELETE FROM indicator_targets
WHERE area_code = $3 AND area_code BETWEEN $1 AND $2 AND indicator_id = $4 AND year = $5 AND period = $6;

-- Every indicator of area $3 (its subtree is $1..$2) for year $4, period $5, counting the
-- ledger rows dated $6..$7: the target (a milestone share resolved against the year target),
-- the actual value of ledger indicators, and completion = actual / target.
-- name: indicator_status scoped
SELECT x.*, CASE WHEN x.target_eff > 0 AND x.actual IS NOT NULL THEN x.actual * 1.0 / x.target_eff END
FROM (
	SELECT i.id, i.key, i.name, i.unit, i.source, i.ledger_kind, i.agg, i.filter_field, i.filter_value,
	       i.figure, i.weight, i.higher_better, i.builtin,
	       t.target_eff AS target_eff, coalesce(t.share_bp, 0) AS share_bp,
	       CASE WHEN t.indicator_id IS NULL THEN 0 ELSE 1 END AS has_target,
	       CASE WHEN i.source = 'ledger' THEN (
	           SELECT CASE i.agg WHEN 'count' THEN count(*) * 100
	                             WHEN 'sum_amount' THEN coalesce(sum(l.amount_fen), 0)
	                             WHEN 'sum_quantity' THEN CAST(round(coalesce(sum(l.quantity), 0) * 100) AS INTEGER)
	                             ELSE count(DISTINCT l.person_id) * 100 END
	           FROM ledger_entries l
	           WHERE l.area_code BETWEEN $1 AND $2 AND l.kind = i.ledger_kind AND l.entry_date BETWEEN $6 AND $7
	             AND (i.filter_field = ''
	                  OR (i.filter_field = 'status' AND l.status = i.filter_value)
	                  OR (i.filter_field = 'category' AND l.category = i.filter_value)
	                  OR (i.filter_field NOT IN ('status', 'category')
	                      AND json_extract(l.fields, '$.' || i.filter_field) = i.filter_value)))
	       END AS actual
	FROM indicators i
	LEFT JOIN (
		SELECT t.indicator_id, t.share_bp,
		       coalesce(t.target, (SELECT y.target * t.share_bp / 10000 FROM indicator_targets y
		                           WHERE y.area_code = t.area_code AND y.indicator_id = t.indicator_id
		                             AND y.year = t.year AND y.period = 'Y')) AS target_eff
		FROM indicator_targets t WHERE t.area_code = $3 AND t.year = $4 AND t.period = $5
	) t ON t.indicator_id = i.id
) x
ORDER BY x.builtin DESC, x.id;

-- Child areas of $3 inside the scope (towns of a county, villages of a town).
-- name: indicator_area_children scoped
SELECT code, name FROM areas WHERE parent = $3 AND code BETWEEN $1 AND $2 ORDER BY code;

-- --- rankings ------------------------------------------------------------------------------

-- name: ranking_insert
INSERT INTO rankings (county, area_code, area_lo, area_hi, year, period, as_of, title, top_n, areas, created_by,
                      created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: ranking_row_insert
INSERT INTO ranking_rows (ranking_id, county, area_code, area_name, position, rank, score, indicators, board,
                          detail)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- Visible: inside the scope, or covering it.
-- name: ranking_get scoped
SELECT r.id, r.area_code, coalesce(a.name, ''), r.year, r.period, r.as_of, r.title, r.top_n, r.areas,
       r.created_by, r.created_at
FROM rankings r LEFT JOIN areas a ON a.code = r.area_code
WHERE r.id = $3 AND ((r.area_code BETWEEN $1 AND $2) OR (r.area_lo <= $1 AND r.area_hi >= $2));

-- name: ranking_list scoped
SELECT r.id, r.area_code, coalesce(a.name, ''), r.year, r.period, r.as_of, r.title, r.top_n, r.areas,
       r.created_by, r.created_at
FROM rankings r LEFT JOIN areas a ON a.code = r.area_code
WHERE (r.area_code BETWEEN $1 AND $2) OR (r.area_lo <= $1 AND r.area_hi >= $2)
ORDER BY r.created_at DESC, r.id DESC LIMIT $3 OFFSET $4;

-- name: ranking_count scoped
SELECT count(*) FROM rankings r
WHERE (r.area_code BETWEEN $1 AND $2) OR (r.area_lo <= $1 AND r.area_hi >= $2);

-- name: ranking_rows_of
SELECT area_code, area_name, position, coalesce(rank, 0), score, indicators, board, detail
FROM ranking_rows WHERE ranking_id = $1 ORDER BY position;
