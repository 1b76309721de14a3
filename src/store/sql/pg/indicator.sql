-- PostgreSQL forms of the indicator queries whose SQLite text uses json_extract (see
-- common/indicator.sql for what they do).

-- name: indicator_status scoped
SELECT x.*, CASE WHEN x.target_eff > 0 AND x.actual IS NOT NULL THEN x.actual::float8 / x.target_eff END
FROM (
	SELECT i.id, i.key, i.name, i.unit, i.source, i.ledger_kind, i.agg, i.filter_field, i.filter_value,
	       i.figure, i.weight, i.higher_better, i.builtin,
	       t.target_eff AS target_eff, coalesce(t.share_bp, 0) AS share_bp,
	       CASE WHEN t.indicator_id IS NULL THEN 0 ELSE 1 END AS has_target,
	       CASE WHEN i.source = 'ledger' THEN (
	           SELECT CASE i.agg WHEN 'count' THEN count(*) * 100
	                             WHEN 'sum_amount' THEN coalesce(sum(l.amount_fen), 0)
	                             WHEN 'sum_quantity' THEN CAST(round(coalesce(sum(l.quantity), 0) * 100) AS BIGINT)
	                             ELSE count(DISTINCT l.person_id) * 100 END
	           FROM ledger_entries l
	           WHERE l.area_code BETWEEN $1 AND $2 AND l.kind = i.ledger_kind
	             AND l.entry_date BETWEEN $6::text AND $7::text
	             AND (i.filter_field = ''
	                  OR (i.filter_field = 'status' AND l.status = i.filter_value)
	                  OR (i.filter_field = 'category' AND l.category = i.filter_value)
	                  OR (i.filter_field NOT IN ('status', 'category')
	                      AND (l.fields::jsonb ->> i.filter_field) = i.filter_value)))
	       END AS actual
	FROM indicators i
	LEFT JOIN (
		SELECT t.indicator_id, t.share_bp,
		       coalesce(t.target, (SELECT y.target * t.share_bp / 10000 FROM indicator_targets y
		                           WHERE y.area_code = t.area_code AND y.indicator_id = t.indicator_id
		                             AND y.year = t.year AND y.period = 'Y')) AS target_eff
		FROM indicator_targets t WHERE t.area_code = $3::text AND t.year = $4::int AND t.period = $5::text
	) t ON t.indicator_id = i.id
) x
ORDER BY x.builtin DESC, x.id;
