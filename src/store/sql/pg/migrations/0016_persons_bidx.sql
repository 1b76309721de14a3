-- PostgreSQL twin of sqlite/0016, which rebuilds SQLite's persons table so that the blind
-- index's uniqueness becomes an index the bulk first import can drop and rebuild. PostgreSQL
-- can drop a constraint in place, and its import never takes the bulk path (pg/import.sql):
-- its persons table keeps the uniqueness as it is, so nothing changes here.
SELECT 1;
