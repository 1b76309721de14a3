// Security-probe fixture: one demo county with users of every kind in two villages of
// different towns, the API's route table read from the sources (so a new route is probed
// without editing the probes), and the checks every probe shares.
//
// Routes come from the `{"METHOD", "/pattern", handler, FLAGS}` rows of src/api/*.c. A row
// whose file is not yet wired into the server answers 404/405 without a session and is
// skipped (registered() tells); so the suite follows the code as resources land.
//
// Leak check: every 12- or 16-digit number starting with the city prefix in an answer is
// read as an area code (a 户编号 starts with its village's code) and must lie inside the
// caller's scope or be one of its ancestors. 18-digit ID numbers never match.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { request, startCounty } from '../lib/zxserver.mjs';
import { sql } from '../crash/lib.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const API_DIR = path.join(ROOT, 'src/api');

// ---- the route table --------------------------------------------------------------------

const ROUTE_RE = /\{\s*"(GET|POST|PUT|DELETE|PATCH)"\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,\s*([^}]*)\}/g;
const QUERY_RE = /\b(?:api_query_str|zx_req_query|\w*query_\w+|int_param|\w+_param)\(\s*c(?:->req)?\s*,\s*"([a-z_]+)"/g;
const BODY_RE = /\b(?:api_body_\w+|\w+_body_\w+)\(\s*c\s*,\s*"([a-z_]+)"|\{\s*"([a-z_]+)"\s*,\s*&/g;

let routesCache;

// [{method, pattern, handler, file, public, personal, json, upload, queryKeys, bodyKeys}]
export function routes() {
  if (routesCache) return routesCache;
  routesCache = [];
  for (const f of readdirSync(API_DIR).filter((x) => x.endsWith('.c')).sort()) {
    const src = readFileSync(path.join(API_DIR, f), 'utf8');
    const queryKeys = new Set([...src.matchAll(QUERY_RE)].map((m) => m[1]));
    const bodyKeys = new Set([...src.matchAll(BODY_RE)].map((m) => m[1] || m[2]));
    for (const m of src.matchAll(ROUTE_RE)) {
      const flags = m[4];
      routesCache.push({
        method: m[1], pattern: m[2], handler: m[3], file: f,
        public: flags.includes('API_PUBLIC'),
        personal: flags.includes('API_PERSONAL'),
        json: flags.includes('API_JSON'),
        upload: flags.includes('API_UPLOAD'),
        queryKeys, bodyKeys,
      });
    }
  }
  assert.ok(routesCache.length >= 10, 'found too few routes in src/api/*.c: ' + routesCache.length);
  return routesCache;
}

export const label = (r) => `${r.method} ${r.pattern}`;

// Fills the {params} of a pattern from objs ({code, hh_no, person_id, user_id, session_id,
// year, ids: {segment: id}}); null when a parameter has no value.
export function fill(pattern, objs) {
  let ok = true;
  const out = pattern.replace(/\{(\w+)\}/g, (_, name, at) => {
    const seg = pattern.slice(0, at).split('/').filter(Boolean).pop();
    let v;
    if (name === 'kind') v = objs.ledger_kind;
    else if (name === 'key') v = objs.indicator_key;
    else if (seg === '{kind}') v = objs.ids?.ledgers;
    else if (name === 'code') v = objs.code;
    else if (name === 'hh_no') v = objs.hh_no;
    else if (name === 'person_id') v = objs.person_id;
    else if (name === 'year') v = objs.year ?? 2024;
    else if (seg === 'users') v = objs.user_id;
    else if (seg === 'persons') v = objs.person_id;
    else if (seg === 'sessions') v = objs.session_id;
    else v = objs.ids?.[seg];
    if (v === undefined || v === null) ok = false;
    return encodeURIComponent(String(v));
  });
  return ok ? out : null;
}

// Whether the running server routes this row: without a session a routed non-public
// path answers 401 (or 403 for the CSRF check of a public one), an unrouted one 404/405.
const routedCache = new Map();
export async function registered(url, r) {
  if (r.public) return true;
  const key = url + label(r);
  if (!routedCache.has(key)) {
    const p = r.pattern.replace(/\{(\w+)\}/g, '1');
    const res = await request(url, p, { method: r.method });
    routedCache.set(key, res.status !== 404 && res.status !== 405);
  }
  return routedCache.get(key);
}

// The set of route rows the server at url serves.
export async function servedRoutes(url) {
  const served = new Set();
  for (const r of routes()) if (await registered(url, r)) served.add(r);
  return served;
}

// ---- areas and leaks --------------------------------------------------------------------

// The significant prefix of a 12-digit code (510722000000 → 510722, 510722101000 → 510722101).
export function areaPrefix(code) {
  if (code.slice(6) === '000000') {
    if (code.slice(4, 6) === '00') return code.slice(2, 4) === '00' ? code.slice(0, 2) : code.slice(0, 4);
    return code.slice(0, 6);
  }
  return code.slice(9) === '000' ? code.slice(0, 9) : code;
}

// True if code is inside the scope of `scope` or one of its ancestors.
export function visibleFrom(scope, code) {
  return code.startsWith(areaPrefix(scope)) || scope.startsWith(areaPrefix(code));
}

// Area codes (and the villages of 户编号) mentioned in a text.
export function areaCodesIn(text, city = '5107') {
  const out = new Set();
  for (const m of String(text).matchAll(/(?<![\dX*])\d+(?![\dX*])/g)) {
    if ((m[0].length === 12 || m[0].length === 16) && m[0].startsWith(city)) out.add(m[0].slice(0, 12));
  }
  return [...out];
}

// Fails if an answer (a response or a text) names an area outside the caller's scope. A
// refusal may echo the codes the request itself carried (`supplied`: strings holding them).
export function assertNoForeignAreas(res, scope, what, supplied = []) {
  const text = typeof res === 'string' ? res : res.text;
  const echo = typeof res !== 'string' && res.status >= 400 ? areaCodesIn(supplied.join(' ')) : [];
  const foreign = areaCodesIn(text).filter((c) => !visibleFrom(scope, c) && !echo.includes(c));
  assert.deepEqual(foreign, [], `${what}: answer names areas outside ${scope}: ${String(text).slice(0, 600)}`);
}

// ---- the county ---------------------------------------------------------------------------

export const USERS = [
  { name: 'clerk_a', role: 'village_clerk', where: 'villageA' },
  { name: 'clerk_b', role: 'village_clerk', where: 'villageB' },
  { name: 'town_a', role: 'town_admin', where: 'townA' },
  { name: 'helper_a', role: 'helper', where: 'villageA' },
  { name: 'audit_c', role: 'audit_admin', where: 'county' },
  { name: 'sys_c', role: 'sys_admin', where: 'county' },
  { name: 'sec_c', role: 'sec_admin', where: 'county' },
];

// startCounty() plus logged-in sessions of every user (s.admin, s.clerk_a …), each user's
// id and area, and the objects of village A and village B (objs.A / objs.B) that the
// probes aim at. extraUsers are made too (not logged in).
export async function startProbeCounty({ households = 200, extraUsers = [] } = {}) {
  const zx = await startCounty({ households, users: [...USERS, ...extraUsers] });
  try {
    const s = { admin: await zx.login(zx.admin.username) };
    for (const u of USERS) s[u.name] = await zx.login(u.name);
    zx.s = s;
    zx.scopeOf = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.user.area_code]));
    zx.objs = { A: await sideObjects(zx, 'A'), B: await sideObjects(zx, 'B') };
    for (const side of ['A', 'B']) await seedObjects(zx, zx.objs[side], zx.areas['village' + side]);
    for (const side of ['A', 'B']) await seedAreaObjects(zx, zx.objs[side], side);
  } catch (e) {
    await zx.stop().catch(() => {});
    throw e;
  }
  return zx;
}

// A household (and member) of the village, the village's clerk and one of its sessions.
async function sideObjects(zx, side) {
  const village = zx.areas['village' + side];
  const clerk = zx.s['clerk_' + side.toLowerCase()];
  const o = { code: village, user_id: clerk.user.id, ids: {} };
  const me = await request(zx.url, '/api/v1/me/sessions', { session: clerk });
  o.session_id = me.json?.items?.find((x) => x.current)?.id;
  const list = await request(zx.url, `/api/v1/households?village=${village}&per_page=5`, { session: zx.s.admin });
  if (list.status === 200 && list.json.items.length) {
    o.hh_no = list.json.items[0].hh_no;
    o.hh_nos = list.json.items.map((h) => h.hh_no);
    const hh = await request(zx.url, `/api/v1/households/${o.hh_no}`, { session: zx.s.admin });
    o.person_id = hh.json?.members?.[0]?.id;
    o.household = hh.json;
  }
  // A background job of the village's clerk (a dry-run import whose error list names the
  // village and a 户编号 of it), for /jobs/{id}.
  const up = await request(zx.url, `/api/v1/imports?kind=households&dry_run=1&area=${village}`, {
    method: 'POST', session: clerk, headers: { 'Content-Type': 'text/csv', 'X-File-Name': 'probe.csv' },
    body: TEMPLATE_HEADER + `\n${village}9999,${village},1组,张三,110101199003077777,户主,男\n`,
  });
  if (up.status === 202) o.ids.jobs = up.json.job.id;
  // An export job of the village's clerk, for /exports/{id} (its file goes to the clerk only).
  const ex = await request(zx.url, `/api/v1/exports?kind=households&format=csv&village=${village}`, { method: 'POST', session: clerk });
  if (ex.status === 202) o.ids.exports = ex.json.job.id;
  return o;
}

// The id in an answer: {id} or {<thing>: {id}}.
function idOf(json) {
  if (!json || typeof json !== 'object') return undefined;
  if (json.id !== undefined) return json.id;
  return Object.values(json).find((v) => v && typeof v === 'object' && v.id !== undefined)?.id;
}

// Objects of the monitoring and assistance resources in a village, made by the county
// admin where the routes are served (best effort: a resource whose rules changed stays
// without an object, and its probes fall back or skip). Keyed by the URL segment before
// {id}, as fill() looks them up.
async function seedObjects(zx, o, village) {
  if (!o.hh_no) return;
  const post = async (p, json, method = 'POST') => {
    const r = await request(zx.url, p, { method, session: zx.s.admin, json });
    return r.status < 300 ? idOf(r.json) : undefined;
  };
  o.ids.cases = await post('/api/v1/cases', { household: o.hh_no, source: 'cadre', reason: '安全探针' });
  o.ids.campaigns = await post('/api/v1/campaigns', {
    name: '安全探针', kind: '集中排查', area: village, start_date: '2026-01-01', end_date: '2026-12-31', targets: ['全部农户'],
  });
  if (o.ids.campaigns) {
    o.ids.issues = await post(`/api/v1/campaigns/${o.ids.campaigns}/issues`, { scope: '个性问题', hh_no: o.hh_no, description: '安全探针' });
  }
  // 帮扶计划 need a monitored household.
  await post(`/api/v1/households/${o.hh_no}`, { category: '边缘易致贫户' }, 'PUT');
  await post(`/api/v1/plans/${o.hh_no}`, { goal: '安全探针' }, 'PUT');
  o.ids.measures = await post(`/api/v1/plans/${o.hh_no}/measures`, { kind: '产业帮扶', content: '安全探针' });
  // A visit of the household, for /visits/{id}.
  const v = await request(zx.url, '/api/v1/visits', {
    method: 'POST', session: zx.s.admin, headers: { 'Idempotency-Key': `probe-visit-${village}` },
    json: { hh_no: o.hh_no, checklist: ['income'], findings: '安全探针' },
  });
  if (v.status < 300) o.ids.visits = idOf(v.json);
  // A screening of the village (it needs the county's 监测线; the first call sets it), for
  // /screenings/{id}.
  await post('/api/v1/policies', { year: 2026, income_line: 7000 });
  o.ids.screenings = await post('/api/v1/screenings', { area: village, year: 2026 });
  // A pending 风险消除 application, for /eliminations/{id}: its rules need half a year of
  // monitoring and an income survey, so the row the application would make is written
  // into the SQLite file directly (probe fixture only; PostgreSQL runs go without).
  if (!String(zx.db).startsWith('postgres')) {
    const now = Math.floor(Date.now() / 1000);
    const rows = await sql(zx.db, 'INSERT INTO eliminations (county, area_code, household_id, kind, category, state, status, reason, ' +
      `applied_by, applied_at, updated_at) SELECT county, area_code, id, '自然消除', category, 'applied', 'pending', '安全探针', ` +
      `'probe', ${now}, ${now} FROM households WHERE hh_no = '${o.hh_no}' RETURNING id`);
    o.ids.eliminations = rows[0]?.id;
  }
  for (const k of Object.keys(o.ids)) if (o.ids[k] === undefined) delete o.ids[k];
  const hh = await request(zx.url, `/api/v1/households/${o.hh_no}`, { session: zx.s.admin });
  o.household = hh.json;
}

// Objects of the ledger, indicator and report resources in a village (made by its clerk,
// the ranking snapshot of its town and the indicator target by the county admin), for
// /ledgers/{kind}/{id}, /reports/{id}, /rankings/snapshots/{id} and /indicators/{key}/targets.
// The ledger row is a 巡查 (kind `inspection`); its key and the indicator's are set on the
// side (fill() uses them for {kind} and {key}).
export const PROBE_YEAR = 2026;
async function seedAreaObjects(zx, o, side) {
  const village = zx.areas['village' + side];
  const town = zx.areas['town' + side];
  const clerk = zx.s['clerk_' + side.toLowerCase()];
  const post = async (who, p, json, method = 'POST') => {
    const r = await request(zx.url, p, { method, session: who, json });
    assert.ok(r.status < 300, `seed ${method} ${p}: ${r.status} ${r.text.slice(0, 300)}`);
    return r.json;
  };
  o.ledger_kind = 'inspection';
  o.indicator_key = 'river_patrol';
  o.ids.ledgers = idOf(await post(clerk, '/api/v1/ledgers/inspection', {
    type: '巡河', area: village, inspector: '探针巡查员' + side, date: '2026-01-05', place: '凯江' + side, findings: '安全探针',
  }));
  o.ids.reports = (await post(clerk, '/api/v1/reports', { area: village, year: PROBE_YEAR })).report.id;
  await post(zx.s.admin, `/api/v1/indicators/river_patrol/targets`, { area: village, year: PROBE_YEAR, period: 'Y', target: '10' }, 'PUT');
  o.ids.snapshots = (await post(zx.s.admin, '/api/v1/rankings', {
    area: town, year: PROBE_YEAR, period: 'Y', top: 1, title: '探针晾晒' + side,
  })).ranking.id;
  o.town = town;
}

const TEMPLATE_HEADER = '户编号,行政区划代码,组,姓名,证件号码,与户主关系,性别,民族,文化程度,在校生情况,健康状况,残疾等级,' +
  '劳动技能,务工状况,务工时间(月),医保参保,户类型,监测对象类别,脱贫年度,联系电话,住房安全,饮水安全,风险类型,帮扶责任人';

// Audit rows with the action, newest first (read by the audit admin).
export async function auditRows(zx, action) {
  const r = await request(zx.url, `/api/v1/audit?action=${encodeURIComponent(action)}&per_page=500`, { session: zx.s.audit_c });
  assert.equal(r.status, 200, 'audit list: ' + r.text);
  return r.json.items;
}

// Households and persons of the county, users and the /healthz answer: what an attack
// must not change.
export async function snapshot(zx) {
  const health = await request(zx.url, '/healthz');
  const county = await request(zx.url, `/api/v1/areas/${zx.areas.county}`, { session: zx.s.admin });
  const users = await request(zx.url, '/api/v1/users?per_page=500', { session: zx.s.admin });
  return {
    health: health.status,
    households: county.json?.households,
    persons: county.json?.persons,
    users: users.json?.total,
  };
}

// SQL metacharacters, comment and UNION tricks, LIKE wildcards, a NUL, non-ASCII and an
// over-long value.
export const INJECTIONS = [
  "' OR 1=1 --",
  "' OR '1'='1",
  '" OR ""="',
  '"; DROP TABLE users; --',
  "'; DELETE FROM households; --",
  "%' UNION SELECT username, password_hash, 1, 1 FROM users --",
  '1) OR (1=1',
  '%',
  '_',
  '5107%',
  '*',
  '\u0000',
  'x\u0000\' OR 1=1 --',
  '张三\' OR 1=1 --',
  '\\',
  "' || (SELECT group_concat(password_hash) FROM users) || '",
  'A'.repeat(5000),
];
