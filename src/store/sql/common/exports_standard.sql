-- Standard exports (domain/registry/export_std.c): 监测对象, 帮扶措施台账, 走访记录, 消除名单.
-- Columns are read by position by the kind's row definition table; keep them in step.
-- $3/$4: the year as a YYYYMMDD range (dates a user picks) or, for eliminations, as unix
-- seconds [lo, hi); 0/0 = every year. 户主 masked and encrypted 证件号码 / 联系电话 come
-- from persons (relation 户主).

-- 监测对象: every household with a 监测对象类别; 纳入日期 = the latest included case.
-- name: export_monitored scoped
SELECT h.hh_no, h.head_name, coalesce(p.id_masked, ''), coalesce(p.id_enc, ''),
       coalesce(p.phone_masked, ''), coalesce(p.phone_enc, ''), h.area_code, coalesce(a.name, ''), h.grp,
       h.hh_type, h.category, h.risk_type, h.helper, h.size,
       coalesce((SELECT max(k.closed_at) FROM cases k
                 WHERE k.household_id = h.id AND k.state = 'included' AND k.area_code BETWEEN $1 AND $2), 0),
       CASE WHEN EXISTS (SELECT 1 FROM eliminations e
                         WHERE e.household_id = h.id AND e.status = 'pending' AND e.area_code BETWEEN $1 AND $2)
            THEN '风险消除审批中' ELSE '监测中' END
FROM households h
LEFT JOIN areas a ON a.code = h.area_code
LEFT JOIN persons p ON p.household_id = h.id AND p.relation = '户主'
WHERE h.area_code BETWEEN $1 AND $2 AND h.category <> ''
ORDER BY h.area_code, h.hh_no, h.id, p.seq;

-- 帮扶措施台账: the measures of the plans, planned or carried out in the year.
-- name: export_measures scoped
SELECT h.hh_no, h.head_name, m.area_code, coalesce(a.name, ''), pl.goal, m.kind, m.content, m.amount,
       coalesce(m.planned_ymd, 0), coalesce(m.actual_ymd, 0), m.responsible, m.status
FROM measures m
JOIN households h ON h.id = m.household_id
JOIN plans pl ON pl.id = m.plan_id
LEFT JOIN areas a ON a.code = m.area_code
WHERE m.area_code BETWEEN $1 AND $2
  AND ($3 = 0 OR m.planned_ymd BETWEEN $3 AND $4 OR m.actual_ymd BETWEEN $3 AND $4)
ORDER BY m.area_code, h.hh_no, m.id;

-- 走访记录 of the year.
-- name: export_visits scoped
SELECT h.hh_no, h.head_name, v.area_code, coalesce(a.name, ''), v.visitor, v.visit_ymd, v.checklist,
       v.findings, v.followups
FROM visits v
JOIN households h ON h.id = v.household_id
LEFT JOIN areas a ON a.code = v.area_code
WHERE v.area_code BETWEEN $1 AND $2 AND ($3 = 0 OR v.visit_ymd BETWEEN $3 AND $4)
ORDER BY v.area_code, v.visit_ymd, h.hh_no, v.id;

-- 消除名单: eliminations applied or decided in the year, with who approved each step.
-- name: export_eliminations scoped
SELECT h.hh_no, h.head_name, e.area_code, coalesce(a.name, ''), e.kind, e.category, e.risk_type,
       e.state, e.status, e.applied_by, e.applied_at, coalesce(e.notice_at, 0),
       coalesce((SELECT s.username FROM elimination_steps s WHERE s.elimination_id = e.id
                 AND s.to_state = 'town_approved' AND s.area_code BETWEEN $1 AND $2
                 ORDER BY s.id DESC LIMIT 1), ''),
       coalesce((SELECT s.username FROM elimination_steps s WHERE s.elimination_id = e.id
                 AND s.to_state = 'county_approved' AND s.area_code BETWEEN $1 AND $2
                 ORDER BY s.id DESC LIMIT 1), ''),
       coalesce(e.decided_at, 0), e.reason
FROM eliminations e
JOIN households h ON h.id = e.household_id
LEFT JOIN areas a ON a.code = e.area_code
WHERE e.area_code BETWEEN $1 AND $2
  AND ($3 = 0 OR (e.applied_at >= $3 AND e.applied_at < $4) OR (e.decided_at >= $3 AND e.decided_at < $4))
ORDER BY e.area_code, h.hh_no, e.id;
