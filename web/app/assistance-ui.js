// What the 帮扶 pages share (visits, plans, plan, campaigns, campaign, timeline):
// their stylesheet, the value lists the server also knows, and small formatters.
const CSS = '/app/assistance.css';

// Adds the pages' stylesheet once (style-src 'self').
export function useAssistanceStyle() {
  if (document.querySelector(`link[href="${CSS}"]`)) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = CSS;
  document.head.appendChild(link);
}

export const CHECKLIST = [
  { key: 'income', name: '收入' },
  { key: 'housing', name: '住房' },
  { key: 'water', name: '饮水' },
  { key: 'education', name: '教育' },
  { key: 'medical', name: '医疗' },
  { key: 'employment', name: '就业/政策落实' },
];

export const MEASURE_KINDS = ['产业帮扶', '就业帮扶', '公益性岗位', '健康帮扶', '教育帮扶', '医保', '民政救助',
  '小额信贷', '住房/饮水保障', '技能培训', '宣传/扶志扶智', '社会帮扶', '其他'];
export const MEASURE_STATUSES = ['计划', '实施中', '已落实', '取消'];
export const ISSUE_STATUSES = ['待整改', '整改中', '已整改'];

// Roles that record visits, measures and issues (the server decides; this hides buttons).
export const ASSIST_WRITE_ROLES = ['county_admin', 'town_admin', 'village_clerk', 'helper'];
export const CADRE_ROLES = ['county_admin', 'town_admin', 'village_clerk'];

// Today in Asia/Shanghai as YYYY-MM-DD.
export function todayStr() {
  const p = {};
  for (const x of new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
  }).formatToParts(new Date())) p[x.type] = x.value;
  return `${p.year}-${p.month}-${p.day}`;
}

export function checklistNames(keys) {
  const set = new Set(keys || []);
  const names = CHECKLIST.filter((c) => set.has(c.key)).map((c) => c.name);
  return names.length ? names.join('、') : '—';
}

export function measureTagType(status) {
  return { 已落实: 'success', 实施中: 'primary', 计划: 'info', 取消: 'danger' }[status] || 'info';
}

export function issueTagType(status) {
  return { 已整改: 'success', 整改中: 'warning', 待整改: 'danger' }[status] || 'info';
}

// "12.5%" or "—".
export function pct(rate) {
  return rate === null || rate === undefined ? '—' : `${Number(rate).toFixed(1)}%`;
}

export function hashParam(prefix) {
  const path = location.hash.replace(/^#/, '').split('?')[0];
  if (!path.startsWith(prefix + '/')) return '';
  const v = path.slice(prefix.length + 1);
  try { return decodeURIComponent(v); } catch (_) { return v; }
}
