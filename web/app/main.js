// Entry point: builds the Vue app, restores the session from GET /me and
// routes on the URL hash (#/login, #/overview, #/users, #/audit, #/households,
// #/household/<户编号>, #/import).
import { api } from './api.js';
import { store, setSession } from './store.js';
import { navAllowed, navItem, defaultRoute } from './nav.js';
import AppLayout from './layout.js';
import LoginPage from './pages/login.js';
import OverviewPage from './pages/overview.js';
import DashboardPage from './pages/dashboard.js';
import UsersPage from './pages/users.js';
import AuditPage from './pages/audit.js';
import HouseholdsPage from './pages/households.js';
import HouseholdPage from './pages/household.js';
import ImportPage from './pages/import.js';
import { ASSISTANCE_PAGES } from './assistance-pages.js';
import { MONITORING_PAGES } from './monitoring-pages.js';
import { LEDGER_PAGES } from './ledger-nav.js';
import { INDICATOR_PAGES } from './indicator-nav.js';
import AccountPage from './pages/account.js';
import SessionsPage from './pages/sessions.js';
import ReportsPage from './pages/reports.js';
import ReportPage from './pages/report.js';

const { createApp, reactive } = window.Vue;

const PAGES = {
  '/dashboard': DashboardPage,
  '/overview': OverviewPage,
  '/users': UsersPage,
  '/audit': AuditPage,
  '/households': HouseholdsPage,
  '/household': HouseholdPage,
  '/import': ImportPage,
  ...ASSISTANCE_PAGES,
  ...MONITORING_PAGES,
  ...LEDGER_PAGES,
  ...INDICATOR_PAGES,
  '/account': AccountPage,
  '/sessions': SessionsPage,
  '/reports': ReportsPage,
  '/report': ReportPage,
};

// The page of a path: exact, or '/name/<param>' for pages that take one.
function pageOf(path) {
  const item = navItem(path);
  return item ? PAGES[item.path] : null;
}

const route = reactive({ path: '', ready: false });

function currentPath() {
  const h = location.hash.replace(/^#/, '');
  const path = h.split('?')[0];
  return path || '/';
}

// Decide where the current hash may go; rewrite the hash when it may not.
function resolve() {
  const path = currentPath();
  if (!store.user) {
    if (path !== '/login') {
      location.replace('#/login');
      return;
    }
  } else if (path === '/login' || path === '/' || !pageOf(path) || !navAllowed(path)) {
    location.replace('#' + defaultRoute());
    return;
  }
  route.path = path;
  document.title = titleFor(path);
}

function titleFor(path) {
  const names = { '/login': '登录', '/overview': '概览', '/users': '用户管理', '/audit': '审计日志' };
  const item = navItem(path);
  const name = names[path] || (item && item.title);
  return (name ? name + ' - ' : '') + '振兴台 · 乡村振兴工作平台';
}

const Root = {
  components: { AppLayout, LoginPage },
  template: `
  <div v-if="!route.ready" class="boot-loading">振兴台 正在加载…</div>
  <login-page v-else-if="route.path === '/login'"></login-page>
  <app-layout v-else-if="page" :path="route.path" :key="reloadSeq">
    <component :is="page" :key="route.path"></component>
  </app-layout>`,
  data() {
    return { route };
  },
  computed: {
    page() {
      return store.user ? pageOf(this.route.path) : null;
    },
    // Bumped after a forced password change: the layout (area tree) and the
    // page are made again and load what the server refused.
    reloadSeq() {
      return store.reloadSeq;
    },
  },
};

async function boot() {
  const app = createApp(Root);
  app.use(window.ElementPlus, { locale: window.ElementPlusLocaleZhCn });
  for (const [name, comp] of Object.entries(window.ElementPlusIconsVue)) {
    app.component(name, comp);
  }
  app.mount('#app');

  try {
    const me = await api.get('/me', null, { quiet: true, noRedirect: true });
    setSession(me.user, me.csrf_token);
  } catch (_) {
    // Not signed in (or the server is unreachable): the login page shows.
  }
  window.addEventListener('hashchange', resolve);
  resolve();
  route.ready = true;
}

boot();
