// What the 防返贫动态监测 pages share (policy, income, screening, cases, case,
// notice, monitored): their stylesheet, value lists the server also checks,
// the rule names, and small formatters.
import { api } from './api.js';
import { store } from './store.js';

const CSS = '/app/monitoring.css';

// Adds the pages' stylesheet once (style-src 'self').
export function useMonitoringStyle() {
  if (document.querySelector(`link[href="${CSS}"]`)) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = CSS;
  document.head.appendChild(link);
}

export const CATEGORIES = ['脱贫不稳定户', '边缘易致贫户', '突发严重困难户'];
export const RISK_TYPES = ['因病', '因残', '因学', '因灾', '因意外事故', '因产业失败', '因务工就业不稳',
  '缺劳动力', '住房出现安全问题', '其他'];
export const SOURCES = [
  { key: 'self_report', name: '农户自主申报' },
  { key: 'cadre', name: '干部排查' },
  { key: 'dept', name: '部门筛查预警' },
];

// Rule ids → Chinese names; replaced by the server's rule table once loaded.
export const RULE_NAMES = {
  income_below_line: '收入低于监测线',
  income_warning_band: '收入处于预警带',
  income_drop: '收入大幅下降',
  housing_unsafe: '住房不安全',
  water_unsafe: '饮水不安全',
  medical_uninsured: '未参加医保',
  school_dropout: '失学辍学',
  dept_warning: '部门预警',
};
let rulesLoaded = null;
export function loadRules() {
  if (!rulesLoaded) {
    rulesLoaded = api.get('/screening-rules', null, { quiet: true }).then((res) => {
      for (const r of res.items || []) if (r.name) RULE_NAMES[r.id] = r.name;
      return res.items || [];
    }).catch(() => { rulesLoaded = null; return []; });
  }
  return rulesLoaded;
}
export function ruleName(id) {
  return RULE_NAMES[id] || id;
}
// Tag colour of a rule: income rules red/orange, 三保障 rules blue, the rest grey.
export function ruleType(id) {
  if (id === 'income_below_line') return 'danger';
  if (id === 'income_warning_band' || id === 'income_drop') return 'warning';
  if (id === 'dept_warning') return 'info';
  return 'primary';
}

// The main path of 识别纳入 (rejected is off it).
export const STEPS = [
  { key: 'discovered', name: '发现登记' },
  { key: 'verified', name: '入户核实' },
  { key: 'reviewed', name: '村民代表评议' },
  { key: 'noticed', name: '村内公示' },
  { key: 'town_approved', name: '乡镇审核' },
  { key: 'county_approved', name: '县级审定' },
  { key: 'included', name: '纳入监测' },
];

export function stateType(state) {
  if (state === 'included') return 'success';
  if (state === 'rejected') return 'info';
  if (state === 'noticed') return 'warning';
  return 'primary';
}

// Survey years: the year before this one is the default (surveys close after new year).
export function thisYear() {
  return Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
}
export function defaultYear() {
  return thisYear() - 1;
}
export function yearOptions() {
  const out = [];
  for (let y = thisYear() + 1; y >= 2016; y--) out.push(y);
  return out;
}

// Unix seconds → "2026-11-23" in Asia/Shanghai.
const dateFmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
export function formatDate(ts) {
  if (!ts || Number(ts) <= 0) return '—';
  return dateFmt.format(new Date(Number(ts) * 1000));
}

// "12345.67" → "12,345.67 元"-style display without the unit; "—" when absent.
export function money(v) {
  if (v === null || v === undefined || v === '') return '—';
  const n = Number(v);
  if (!Number.isFinite(n)) return String(v);
  return n.toLocaleString('zh-CN', { minimumFractionDigits: 0, maximumFractionDigits: 2 });
}

// A money field as typed: up to two decimals, not negative.
export function moneyOk(s) {
  return /^\d{1,9}(\.\d{1,2})?$/.test(String(s ?? '').trim());
}

// To 分 (integer) without float drift.
export function toFen(s) {
  const [i, f = ''] = String(s).trim().split('.');
  return Number(i) * 100 + Number((f + '00').slice(0, 2));
}

// Half away from zero of a/b (both integers, b > 0), as in the server.
export function divRound(a, b) {
  const q = Math.floor(Math.abs(a) / b);
  const r = Math.abs(a) - q * b;
  const v = r * 2 >= b ? q + 1 : q;
  return a < 0 ? -v : v;
}

export const CADRE_ROLES = ['county_admin', 'town_admin', 'village_clerk'];
export function isCadre() {
  return !!store.user && CADRE_ROLES.includes(store.user.role);
}
export function isCountyAdmin() {
  return !!store.user && store.user.role === 'county_admin';
}
