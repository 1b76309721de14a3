-- 工作汇报 drafts (domain.md §7): one narrative per area and year and title, edited in the
-- browser. The text is the template language of src/domain/report/template.h — placeholders
-- {{figure}} stay in it so the figures keep following the data. version counts saves
-- (optimistic concurrency: a PUT names the version it edited). Timestamps are unix seconds.
CREATE TABLE report_drafts (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL,            -- the area the report is about (county, town or village)
	year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	title TEXT NOT NULL,
	body TEXT NOT NULL,                 -- template text
	version INTEGER NOT NULL DEFAULT 1,
	created_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL
);
CREATE INDEX report_drafts_area ON report_drafts (area_code, year, id);
