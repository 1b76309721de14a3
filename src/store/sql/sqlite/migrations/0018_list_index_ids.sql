-- SQLite twin of pg/0018, which includes the household id in PostgreSQL's list indexes so a
-- paged list skips its OFFSET by an index-only scan. SQLite's indexes carry the rowid already.
SELECT 1;
