// Navigation: which pages exist, who may see them, where each role lands.
// Later milestones add 农户台账, 监测帮扶, 台账, 报告 here.
import { store, canManageUsers, canReadAudit, seesAreaData } from './store.js';

export const NAV = [
  { path: '/overview', title: '概览', icon: 'DataBoard', areaScoped: true, allowed: () => !!store.user },
  { path: '/users', title: '用户管理', icon: 'User', allowed: canManageUsers },
  { path: '/audit', title: '审计日志', icon: 'Document', allowed: canReadAudit },
];

export function navAllowed(path) {
  const item = NAV.find((n) => n.path === path);
  return !!item && item.allowed();
}

// Pages that follow the current area show the area breadcrumb.
export function isAreaScoped(path) {
  const item = NAV.find((n) => n.path === path);
  return !!item && !!item.areaScoped;
}

export function visibleNav() {
  return NAV.filter((n) => n.allowed());
}

// The first page a role sees after signing in.
export function defaultRoute() {
  if (canReadAudit()) return '/audit';
  if (!seesAreaData() && canManageUsers()) return '/users';
  return '/overview';
}
