-- PostgreSQL twin of sqlite/0014.
-- 指标与目标 (domain/indicator/): a covering index for the completion query (indicator_status),
-- which aggregates one ledger kind over an area range and a date range and filters on
-- category/status. Without it every matching row is a table lookup: at 300,000 ledger rows
-- the county's completion took ~1 s CPU and a town's 晾晒 (one query per village) far longer,
-- as the planner seeked by kind and scanned the year; with it the county takes ~0.1 s CPU and
-- a village ~1 ms (docs/benchmarks.md, "Indicators and 晾晒").
CREATE INDEX ledger_entries_indicator
	ON ledger_entries (kind, area_code, entry_date, category, status, amount_fen, quantity, person_id);
