-- Household registry (domain.md §2). 证件号码 and 联系电话 are stored only encrypted
-- (SM4-CTR) with an HMAC-SM3 blind index for lookup/uniqueness and a masked form for display.

CREATE TABLE households (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	area_code TEXT NOT NULL REFERENCES areas (code), -- the village
	hh_no TEXT NOT NULL,                -- 户编号
	grp TEXT NOT NULL DEFAULT '',       -- 组
	head_name TEXT NOT NULL DEFAULT '',
	hh_type TEXT NOT NULL,              -- 脱贫户 | 一般农户
	category TEXT NOT NULL DEFAULT '',  -- 监测对象类别 ('' = not monitored)
	tuopin_year INTEGER,
	housing_safe INTEGER,               -- 1 是, 0 否, NULL unknown
	water_safe INTEGER,
	risk_type TEXT NOT NULL DEFAULT '',
	helper TEXT NOT NULL DEFAULT '',    -- 帮扶责任人
	size INTEGER NOT NULL DEFAULT 0,    -- 人口数, derived from persons
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (county, hh_no)
);
CREATE INDEX households_area ON households (area_code, size);

CREATE TABLE persons (
	id INTEGER PRIMARY KEY,
	county TEXT NOT NULL,
	household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
	area_code TEXT NOT NULL,
	seq INTEGER NOT NULL,               -- order inside the household (户主 first)
	name TEXT NOT NULL,
	id_enc TEXT NOT NULL,
	id_bidx TEXT NOT NULL,
	id_masked TEXT NOT NULL,
	relation TEXT NOT NULL,
	gender TEXT NOT NULL,
	birth_ymd INTEGER NOT NULL,
	nation TEXT NOT NULL DEFAULT '',
	education TEXT NOT NULL DEFAULT '',
	school TEXT NOT NULL DEFAULT '',
	health TEXT NOT NULL DEFAULT '',
	disability TEXT NOT NULL DEFAULT '',
	labor TEXT NOT NULL DEFAULT '',
	work TEXT NOT NULL DEFAULT '',
	work_months INTEGER,
	insured INTEGER,
	phone_enc TEXT NOT NULL DEFAULT '',
	phone_masked TEXT NOT NULL DEFAULT '',
	UNIQUE (county, id_bidx)
);
CREATE INDEX persons_household ON persons (household_id, seq);
CREATE INDEX persons_area ON persons (area_code);
