-- Figure registry (domain/report/figures*.c): the queries behind the named figures of the
-- dashboard and the work report. Every one is scoped to the area's range ($1/$2).

-- Households and persons per (户类型, 监测对象类别) from the household_counts roll-up,
-- grouped by the first $3 characters of the village code (6: one row set for the area;
-- 9 or 12: per town or village).
-- name: fig_household_counts scoped
SELECT substr(area_code, 1, $3), hh_type, category, coalesce(sum(households), 0), coalesce(sum(persons), 0)
FROM household_counts WHERE area_code BETWEEN $1 AND $2
GROUP BY substr(area_code, 1, $3), hh_type, category;

-- Income surveys of years $3 (this) and $4 (last) from the income_rollup roll-up (migration
-- 0013) by child prefix (first $5 characters), year, 户类型, monitored and band of 人均纯收入
-- (1000 元 bands; -1 below zero, 30 from 30000 元 up): Σ 纯收入, Σ 人口, households.
-- name: fig_income scoped
SELECT substr(area_code, 1, $5), year, hh_type, monitored, band,
       coalesce(sum(net), 0), coalesce(sum(persons), 0), coalesce(sum(households), 0)
FROM income_rollup
WHERE area_code BETWEEN $1 AND $2 AND year IN ($3, $4)
GROUP BY substr(area_code, 1, $5), year, hh_type, monitored, band;

-- Cases: discovered in [$3, $4), open and overdue (due before $5), by child prefix ($6).
-- name: fig_cases scoped
SELECT substr(area_code, 1, $6),
       coalesce(sum(CASE WHEN discovered_at >= $3 AND discovered_at < $4 THEN 1 ELSE 0 END), 0),
       coalesce(sum(CASE WHEN closed_at IS NULL THEN 1 ELSE 0 END), 0),
       coalesce(sum(CASE WHEN closed_at IS NULL AND due_at < $5 THEN 1 ELSE 0 END), 0)
FROM cases WHERE area_code BETWEEN $1 AND $2
GROUP BY substr(area_code, 1, $6);

-- Households (and their persons) 纳入监测 in [$3, $4).
-- name: fig_included scoped
SELECT count(*), coalesce(sum(h.size), 0) FROM households h
WHERE h.area_code BETWEEN $1 AND $2
  AND h.id IN (SELECT k.household_id FROM cases k
               WHERE k.area_code BETWEEN $1 AND $2 AND k.state = 'included'
                 AND k.closed_at >= $3 AND k.closed_at < $4);

-- Households (and their persons) 风险消除 (审定) in [$3, $4).
-- name: fig_eliminated scoped
SELECT count(*), coalesce(sum(h.size), 0) FROM households h
WHERE h.area_code BETWEEN $1 AND $2
  AND h.id IN (SELECT e.household_id FROM eliminations e
               WHERE e.area_code BETWEEN $1 AND $2 AND e.status = 'eliminated'
                 AND e.decided_at >= $3 AND e.decided_at < $4);

-- Households that were screening candidates (with a survey) in a screening of year $3.
-- name: fig_candidates scoped
SELECT count(DISTINCT c.household_id) FROM screening_candidates c JOIN screenings s ON s.id = c.screening_id
WHERE c.area_code BETWEEN $1 AND $2 AND c.missing_income = 0 AND s.year = $3;

-- Measures 已落实 with their date in [$3, $4] (YYYYMMDD), by kind: count, Σ amount (分).
-- name: fig_measures scoped
SELECT kind, count(*), coalesce(sum(amount), 0) FROM measures
WHERE area_code BETWEEN $1 AND $2 AND status = '已落实' AND actual_ymd BETWEEN $3 AND $4
GROUP BY kind;

-- Households with a measure 已落实 in [$3, $4].
-- name: fig_measure_households scoped
SELECT count(DISTINCT household_id) FROM measures
WHERE area_code BETWEEN $1 AND $2 AND status = '已落实' AND actual_ymd BETWEEN $3 AND $4;

-- Visits in [$3, $4] (YYYYMMDD): count and households visited.
-- name: fig_visits scoped
SELECT count(*), count(DISTINCT household_id) FROM visits
WHERE area_code BETWEEN $1 AND $2 AND visit_ymd BETWEEN $3 AND $4;

-- Campaigns (集中排查, 回头看) that started in [$3, $4] inside the area or covering it.
-- name: fig_campaigns scoped
SELECT count(*) FROM campaigns k
WHERE ((k.area_code BETWEEN $1 AND $2) OR (k.area_lo <= $1 AND k.area_hi >= $2))
  AND k.start_ymd BETWEEN $3 AND $4;

-- Their (campaign, household) pairs in the area, distinct households, and pairs visited
-- between the campaign's dates.
-- name: fig_campaign_coverage scoped
SELECT count(*), count(DISTINCT ch.household_id),
       coalesce(sum(CASE WHEN EXISTS (SELECT 1 FROM visits v WHERE v.household_id = ch.household_id
                                         AND v.visit_ymd BETWEEN k.start_ymd AND k.end_ymd)
                    THEN 1 ELSE 0 END), 0)
FROM campaign_households ch JOIN campaigns k ON k.id = ch.campaign_id
WHERE ch.area_code BETWEEN $1 AND $2 AND k.start_ymd BETWEEN $3 AND $4;

-- Issues of those campaigns in the area by 个性/共性: found and 已整改.
-- name: fig_issues scoped
SELECT i.scope, count(*), coalesce(sum(CASE WHEN i.status = '已整改' THEN 1 ELSE 0 END), 0)
FROM campaign_issues i JOIN campaigns k ON k.id = i.campaign_id
WHERE i.area_code BETWEEN $1 AND $2 AND k.start_ymd BETWEEN $3 AND $4
GROUP BY i.scope;

-- Households with a default visit schedule (监测户, 脱贫户) and their last visit, for the due
-- and overdue counts (the partial index households_visit_due covers it). When 一般农户 are
-- scheduled somewhere the figures use the full due report instead.
-- name: fig_due_scan scoped
SELECT h.area_code, h.hh_type, h.category, h.created_at,
       (SELECT max(v.visit_ymd) FROM visits v WHERE v.household_id = h.id)
FROM households h
WHERE h.area_code BETWEEN $1 AND $2 AND (h.category <> '' OR h.hh_type = '脱贫户');
