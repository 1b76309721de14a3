-- bench/gen_income.sql — a deterministic income survey for every household of a database,
-- as the import template (户编号, 年度, the five figures in 元), for `zhenxing import income`.
--
--   sqlite3 -csv -header DB.db < bench/gen_income.sql > income.csv
--
-- Two years (2024 and 2025) so that income_drop has a last year. The figures depend only on
-- the household's id (a multiplicative hash), so the same database gives the same file.
-- Shape of 人均纯收入 in 2025: ~3% below 7000元, ~7% in 7000–10500元, the rest 10500–40000元;
-- 2024 is 85–105% of it, except ~2% of households whose 2024 figure was 1.6× (a >30% drop).
WITH base AS (
	SELECT id, hh_no, size,
	       (id * 2654435761) % 1000003 AS h1,
	       (id * 40503 + 12345) % 999983 AS h2
	FROM households WHERE size > 0
), pc AS (
	SELECT hh_no, size, h2,
	       CASE WHEN h1 % 1000 < 30 THEN 200000 + h1 % 500000
	            WHEN h1 % 1000 < 100 THEN 700000 + h1 % 350000
	            ELSE 1050000 + h1 % 2950000 END AS pc25
	FROM base
), years AS (
	SELECT hh_no, 2025 AS year, pc25 * size AS net FROM pc
	UNION ALL
	SELECT hh_no, 2024, CASE WHEN h2 % 1000 < 20 THEN pc25 * size * 16 / 10
	                         ELSE pc25 * size * (85 + h2 % 21) / 100 END FROM pc
), split AS (
	-- net = wage + business + property + transfer − expense, all in 分
	SELECT hh_no, year, net,
	       net * 55 / 100 AS wage,
	       net * 3 / 100 AS property,
	       net * 10 / 100 AS expense,
	       net * 20 / 100 AS transfer
	FROM years
)
SELECT hh_no AS 户编号, year AS 年度,
       printf('%d.%02d', wage / 100, wage % 100) AS 工资性收入,
       printf('%d.%02d', (net - wage - property - transfer + expense) / 100,
              (net - wage - property - transfer + expense) % 100) AS 生产经营性收入,
       printf('%d.%02d', property / 100, property % 100) AS 财产性收入,
       printf('%d.%02d', transfer / 100, transfer % 100) AS 转移性收入,
       printf('%d.%02d', expense / 100, expense % 100) AS 生产经营性支出
FROM split ORDER BY year, hh_no;
