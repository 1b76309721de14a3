-- The database's size on disk (PostgreSQL's twin in pg/size.sql; /metrics reads the
-- SQLite file and its WAL directly).

-- name: db_size_bytes
SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size();
