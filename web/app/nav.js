// Navigation: which pages exist, who may see them, where each role lands.
// Later milestones add 监测帮扶, 台账, 报告 here.
import { store, canManageUsers, canReadAudit, seesAreaData, canEditRegistry, isSecAdmin } from './store.js';
import { MONITORING_NAV, MONITORING_GROUP } from './monitoring-nav.js';
import { ASSISTANCE_NAV, ASSISTANCE_GROUP, assistanceLanding } from './assistance-nav.js';
import { LEDGER_NAV, LEDGER_GROUP } from './ledger-nav.js';
import { INDICATOR_NAV, INDICATOR_GROUP } from './indicator-nav.js';

// group: the key of a sub-menu in GROUPS. hidden: a page reached from another
// page, not from the menu; its path matches '/name/<param>' as well, and
// `menu` names the entry lit while it shows.
export const NAV = [
  { path: '/dashboard', title: '首页驾驶舱', icon: 'DataAnalysis', areaScoped: true, allowed: seesAreaData },
  { path: '/overview', title: '概览', icon: 'DataBoard', areaScoped: true, allowed: () => !!store.user },
  { path: '/households', title: '农户列表', icon: 'List', group: 'registry', areaScoped: true, allowed: seesAreaData },
  { path: '/household', title: '农户详情', hidden: true, menu: '/households', allowed: seesAreaData },
  { path: '/import', title: '导入', icon: 'Upload', group: 'registry', allowed: canEditRegistry },
  ...MONITORING_NAV,
  ...ASSISTANCE_NAV,
  ...LEDGER_NAV,
  ...INDICATOR_NAV,
  { path: '/reports', title: '工作汇报', icon: 'Document', areaScoped: true, allowed: seesAreaData },
  { path: '/report', title: '工作汇报', hidden: true, menu: '/reports', allowed: seesAreaData },
  { path: '/users', title: '用户管理', icon: 'User', allowed: canManageUsers },
  { path: '/audit', title: '审计日志', icon: 'Document', allowed: canReadAudit },
  { path: '/sessions', title: '会话管理', icon: 'Connection', allowed: isSecAdmin },
  // From the user menu in the top bar.
  { path: '/account', title: '账号安全', hidden: true, allowed: () => !!store.user },
];

export const GROUPS = {
  registry: { title: '农户台账', icon: 'Tickets' },
  ...MONITORING_GROUP,
  ...ASSISTANCE_GROUP,
  ...LEDGER_GROUP,
  ...INDICATOR_GROUP,
};

// The NAV entry of a route path ('/household/5107…' → the '/household' entry).
export function navItem(path) {
  return NAV.find((n) => n.path === path) ||
    NAV.find((n) => n.hidden && path.startsWith(n.path + '/') && path.length > n.path.length + 1);
}

export function navAllowed(path) {
  const item = navItem(path);
  return !!item && item.allowed();
}

// Pages that follow the current area show the area breadcrumb.
export function isAreaScoped(path) {
  const item = navItem(path);
  return !!item && !!item.areaScoped;
}

export function visibleNav() {
  return NAV.filter((n) => !n.hidden && n.allowed());
}

// The menu: top-level entries and sub-menus ({group, title, icon, children}),
// in NAV order; a sub-menu sits where its first visible entry is.
export function navMenu() {
  const out = [];
  const groups = {};
  for (const n of visibleNav()) {
    if (!n.group) {
      out.push(n);
    } else if (groups[n.group]) {
      groups[n.group].children.push(n);
    } else {
      groups[n.group] = { group: n.group, ...GROUPS[n.group], children: [n] };
      out.push(groups[n.group]);
    }
  }
  return out;
}

// The first page a role sees after signing in.
export function defaultRoute() {
  // Roles that must enrol TOTP first (totp_required_roles) land on the enrolment.
  if (store.user && store.user.must_enrol_totp) return '/account';
  if (canReadAudit()) return '/audit';
  if (isSecAdmin()) return '/sessions';
  if (!seesAreaData() && canManageUsers()) return '/users';
  if (assistanceLanding()) return assistanceLanding();
  return seesAreaData() ? '/dashboard' : '/overview';
}
