-- Rows in every table of schema 0014, valid on both backends (plain INSERTs with explicit
-- ids), for tests/api/citus_schema.test.mjs: migration 0015 must upgrade a populated
-- database. Two counties (三台县 510722, 盐亭县 510723); a 绵阳市 department batch of
-- warnings that fall in both (a cross-county reference 0014 allowed and 0015 keeps).
INSERT INTO meta (key, value) VALUES ('marker', 'kept');
INSERT INTO areas (code, name, level, parent, county) VALUES
	('510000000000', '四川省', 1, NULL, ''),
	('510700000000', '绵阳市', 2, '510000000000', ''),
	('510722000000', '三台县', 3, '510700000000', '510722'),
	('510722101000', '潼川镇', 4, '510722000000', '510722'),
	('510722101002', '老西街社区', 5, '510722101000', '510722'),
	('510723000000', '盐亭县', 3, '510700000000', '510723'),
	('510723100000', '云溪镇', 4, '510723000000', '510723'),
	('510723100001', '城关社区', 5, '510723100000', '510723');
INSERT INTO users (id, username, role, area_code, pw_hash, created_at) VALUES
	(1, 'old_admin', 'county_admin', '510722000000', 'x', 1700000000),
	(2, 'old_dept', 'dept_user', '510700000000', 'x', 1700000000);
INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen) VALUES ('t1', 1, 'c1', 1700000000, 1700000000);
INSERT INTO password_history (id, user_id, pw_hash, changed_at) VALUES (1, 1, 'x', 1700000000);
INSERT INTO login_throttle (username, failed_count, locked_until) VALUES ('nobody', 2, 0);
INSERT INTO audit_log (id, ts, action, result, prev_hash, hash) VALUES (1, 1700000000, 'test.seed', 'ok', '', 'h1');
INSERT INTO jobs (id, kind, status, area_code, created_at) VALUES (1, 'import.households', 'done', '510722000000', 1700000000);
INSERT INTO households (id, county, area_code, hh_no, hh_type, category, size, created_at, updated_at) VALUES
	(1, '510722', '510722101002', '5107221010020001', '脱贫户', '', 2, 1700000000, 1700000000),
	(2, '510722', '510722101002', '5107221010020002', '一般农户', '边缘易致贫户', 1, 1700000000, 1700000000),
	(3, '510723', '510723100001', '5107231000010001', '脱贫户', '', 1, 1700000000, 1700000000);
INSERT INTO persons (id, county, household_id, area_code, seq, name, id_enc, id_bidx, id_masked, relation, gender,
                     birth_ymd) VALUES
	(1, '510722', 1, '510722101002', 1, '张一', 'e1', 'b1', '5107**********0011', '户主', '男', 19700101),
	(2, '510722', 1, '510722101002', 2, '张二', 'e2', 'b2', '5107**********0022', '配偶', '女', 19720101),
	(3, '510722', 2, '510722101002', 1, '李三', 'e3', 'b3', '5107**********0033', '户主', '男', 19650101),
	(4, '510723', 3, '510723100001', 1, '王四', 'e4', 'b4', '5107**********0044', '户主', '女', 19600101);
INSERT INTO household_changes (id, county, area_code, household_id, person_id, ts, source, field, old_value, new_value)
	VALUES (1, '510722', '510722101002', 1, 1, 1700000000, 'edit', '联系电话', '', '138****0000');
INSERT INTO policies (id, county, area_code, year, version, income_line, warning_factor, drop_percent,
                      medical_selfpay, medical_selfpay_ratio, created_at) VALUES
	(1, '', '510000000000', 2024, 1, 700000, 1500, 50, 1000000, 0, 1700000000),
	(2, '510722', '510722000000', 2024, 1, 720000, 1500, 50, 1000000, 0, 1700000000);
INSERT INTO income_surveys (id, county, area_code, household_id, year, wage, business, property, transfer, expense,
                            net, size, net_per_capita, updated_at) VALUES
	(1, '510722', '510722101002', 1, 2024, 1000000, 0, 0, 0, 0, 1000000, 2, 500000, 1700000000),
	(2, '510723', '510723100001', 3, 2024, 900000, 0, 0, 0, 0, 900000, 1, 900000, 1700000000);
INSERT INTO warning_batches (id, county, area_code, rows_total, rows_matched, rows_duplicate, rows_unmatched,
                             created_at) VALUES
	(1, '510700', '510700000000', 3, 2, 0, 1, 1700000000);
INSERT INTO dept_warnings (id, county, area_code, household_id, person_id, source_dept, type, amount, occurred_ymd,
                           batch_id, created_at) VALUES
	(1, '510722', '510722101002', 1, 1, '医保', '大额医疗支出', 2000000, 20240301, 1, 1700000000),
	(2, '510723', '510723100001', 3, 4, '民政', '低保', NULL, 20240302, 1, 1700000000);
INSERT INTO warning_unmatched (id, county, area_code, batch_id, row_no, id_masked, source_dept, type, occurred_ymd)
	VALUES (1, '510700', '510700000000', 1, 4, '5107**********9999', '医保', '大额医疗支出', 20240303);
INSERT INTO household_events (id, county, area_code, household_id, type, occurred_ymd, created_at)
	VALUES (1, '510722', '510722101002', 2, '重大疾病', 20240305, 1700000000);
INSERT INTO screenings (id, county, area_code, year, policy_id, policy_version, candidates, missing_income, counts,
                        created_at) VALUES
	(1, '510722', '510722000000', 2024, 2, 1, 1, 1, '{}', 1700000000),
	(2, '510723', '510723000000', 2024, 1, 1, 1, 0, '{}', 1700000000);
INSERT INTO screening_candidates (id, county, area_code, screening_id, household_id, rules, rule_ids, reasons) VALUES
	(1, '510722', '510722101002', 1, 2, 1, 'income_below_line', '人均纯收入低于监测线'),
	(2, '510723', '510723100001', 2, 3, 8, 'housing_unsafe', '住房安全未保障');
INSERT INTO cases (id, county, area_code, household_id, source, screening_id, state, discovered_at, due_at, updated_at)
	VALUES (1, '510722', '510722101002', 2, 'screening', 1, 'reported', 1700000000, 1701296000, 1700000000),
	       (2, '510723', '510723100001', 3, 'cadre', NULL, 'reported', 1700000000, 1701296000, 1700000000);
INSERT INTO case_steps (id, county, area_code, case_id, from_state, to_state, action, ts)
	VALUES (1, '510722', '510722101002', 1, '', 'reported', 'report', 1700000000);
INSERT INTO plans (id, county, area_code, household_id, created_at, updated_at)
	VALUES (1, '510722', '510722101002', 2, 1700000000, 1700000000);
INSERT INTO measures (id, county, area_code, plan_id, household_id, kind, status, created_at, updated_at)
	VALUES (1, '510722', '510722101002', 1, 2, '产业帮扶', '计划', 1700000000, 1700000000);
INSERT INTO visits (id, county, area_code, household_id, visitor, visit_ymd, client_key, created_at) VALUES
	(1, '510722', '510722101002', 2, '帮扶员', 20240310, 'k1', 1700000000),
	(2, '510723', '510723100001', 3, '帮扶员', 20240311, 'k2', 1700000000);
INSERT INTO visit_schedules (id, county, area_code, target, interval_days, updated_at)
	VALUES (1, '510722', '510722000000', '监测户', 30, 1700000000);
INSERT INTO eliminations (id, county, area_code, household_id, kind, category, state, status, applied_at, updated_at)
	VALUES (1, '510722', '510722101002', 2, '帮扶消除', '边缘易致贫户', 'applied', 'pending', 1700000000, 1700000000);
INSERT INTO elimination_steps (id, county, area_code, elimination_id, from_state, to_state, action, ts)
	VALUES (1, '510722', '510722101002', 1, '', 'applied', 'apply', 1700000000);
INSERT INTO campaigns (id, county, area_code, area_lo, area_hi, name, kind, start_ymd, end_ymd, targets, created_at)
	VALUES (1, '510722', '510722000000', '510722000000', '510722999999', '集中排查', '集中排查', 20240401, 20240430, 3,
	        1700000000);
INSERT INTO campaign_households (id, county, area_code, campaign_id, household_id)
	VALUES (1, '510722', '510722101002', 1, 1), (2, '510722', '510722101002', 1, 2);
INSERT INTO campaign_issues (id, county, area_code, campaign_id, scope, household_id, description, status, created_at,
                             updated_at)
	VALUES (1, '510722', '510722101002', 1, '个性问题', 2, '住房待核实', '待整改', 1700000000, 1700000000),
	       (2, '510722', '510722101002', 1, '共性问题', NULL, '档案不全', '整改中', 1700000000, 1700000000);
INSERT INTO report_drafts (id, county, area_code, year, title, body, created_at, updated_at)
	VALUES (1, '510722', '510722000000', 2024, '年度报告', '正文', 1700000000, 1700000000);
INSERT INTO ledger_entries (id, county, kind, area_code, entry_date, amount_fen, person_id, household_id, parent_id,
                            title, created_at, updated_at) VALUES
	(1, '510722', 'project', '510722101002', '2024-03-01', 5000000, NULL, NULL, NULL, '道路硬化', 1700000000, 1700000000),
	(2, '510722', 'project', '510722101002', '2024-04-01', NULL, NULL, NULL, 1, '里程碑', 1700000000, 1700000000),
	(3, '510722', 'public_post', '510722101002', '2024-03-01', 60000, 2, 1, NULL, '护林员', 1700000000, 1700000000);
INSERT INTO ledger_beneficiaries (entry_id, household_id, county, area_code)
	VALUES (1, 1, '510722', '510722101002'), (1, 2, '510722', '510722101002');
INSERT INTO ledger_settings (id, county, area_code, year, key, value, updated_at)
	VALUES (1, '510722', '510722000000', 2024, 'budget', 100, 1700000000);
INSERT INTO indicator_targets (id, county, area_code, area_lo, area_hi, indicator_id, year, period, start_date,
                               end_date, target, set_at)
	VALUES (1, '510722', '510722000000', '510722000000', '510722999999', 1, 2024, 'Y', '2024-01-01', '2024-12-31',
	        10, 1700000000);
INSERT INTO rankings (id, county, area_code, area_lo, area_hi, year, period, as_of, title, top_n, created_at)
	VALUES (1, '510722', '510722000000', '510722000000', '510722999999', 2024, 'Y', '2024-12-31', '晾晒', 3,
	        1700000000);
INSERT INTO ranking_rows (id, ranking_id, county, area_code, position) VALUES (1, 1, '510722', '510722101000', 1);
