-- 0017: nothing for SQLite. The PostgreSQL twin lets a household import add the counts of
-- the households it copies in one statement per chunk instead of a trigger per row (an
-- in-process SQLite trigger updates its row in place; PostgreSQL writes a new version of the
-- same county row per household, which the next update must walk past: quadratic).
SELECT 1;
