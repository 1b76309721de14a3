// Shared reactive state: the signed-in user, the CSRF token and the
// "current area" that the area tree selects and every page reads.
const { reactive } = window.Vue;

export const ADMIN_ROLES = ['county_admin', 'town_admin', 'sys_admin'];
// Roles that never see personal data or area statistics (三权分立).
export const SECURITY_ROLES = ['sys_admin', 'sec_admin', 'audit_admin'];

export const store = reactive({
  user: null,        // the /me user object, null when signed out
  csrf: '',          // kept in memory only, never in storage
  // Current area: {code, name, level, level_name}; path is the list of
  // areas from the user's root area down to it (for the breadcrumb).
  area: null,
  areaPath: [],
  // Bumped to ask the area tree to select store.area (e.g. from the
  // overview table); the tree ignores its own selections.
  areaSelectSeq: 0,
  // True on phone-sized screens: pages drop secondary table columns.
  narrow: false,
  // Set when the server answered 403 password_change_required: the layout
  // shows the password dialog until the password is changed.
  pwForced: false,
  // Bumped to re-create the routed page (reload its data).
  reloadSeq: 0,
});

const narrowQuery = window.matchMedia('(max-width: 767px)');
store.narrow = narrowQuery.matches;
narrowQuery.addEventListener('change', (e) => { store.narrow = e.matches; });

export function setSession(user, csrf) {
  store.user = user;
  if (csrf) store.csrf = csrf;
}

export function clearSession() {
  store.user = null;
  store.csrf = '';
  store.area = null;
  store.areaPath = [];
  store.pwForced = false;
}

export function canManageUsers() {
  return !!store.user && ADMIN_ROLES.includes(store.user.role);
}

export function isSecAdmin() {
  return !!store.user && store.user.role === 'sec_admin';
}

export function canReadAudit() {
  return !!store.user && store.user.role === 'audit_admin';
}

export function seesAreaData() {
  return !!store.user && !SECURITY_ROLES.includes(store.user.role);
}

// Registry: who may import and edit households, who may see an unmasked
// 证件号码/联系电话 (mirrors the server's role table; the server decides).
export const REGISTRY_EDIT_ROLES = ['county_admin', 'town_admin', 'village_clerk'];
export const UNMASK_ROLES = ['county_admin', 'town_admin'];

export function canEditRegistry() {
  return !!store.user && REGISTRY_EDIT_ROLES.includes(store.user.role);
}

export function canUnmask() {
  return !!store.user && UNMASK_ROLES.includes(store.user.role);
}

// Select an area. path: areas from the root down to (and including) it.
// fromTree: true when the tree itself made the selection.
export function selectArea(area, path, fromTree) {
  store.area = area;
  store.areaPath = path && path.length ? path : [area];
  if (!fromTree) store.areaSelectSeq++;
}
