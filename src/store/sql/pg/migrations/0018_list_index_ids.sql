-- Paged household lists (registry/query.c) skip OFFSET entries through households_list or
-- households_category and then read the page's ids. SQLite's indexes carry the rowid, so the
-- skip never touches the table; PostgreSQL's do not carry the id, and every skipped entry cost
-- a heap fetch (P3 on PostgreSQL, docs/benchmarks.md: a county's page 500 took 18.8 ms). With
-- the id included the skip is an index-only scan (2.7 ms on the same 1M-person copy after
-- VACUUM; autovacuum keeps the visibility map that needs).
DROP INDEX households_list;
CREATE INDEX households_list ON households (area_code, hh_no, hh_type, category, grp) INCLUDE (id);
DROP INDEX households_category;
CREATE INDEX households_category ON households (category, area_code, hh_no, hh_type, grp) INCLUDE (id);
