// The 监测帮扶 pages by route path, for main.js.
import PolicyPage from './pages/policy.js';
import IncomePage from './pages/income.js';
import ScreeningPage from './pages/screening.js';
import CasesPage from './pages/cases.js';
import CasePage from './pages/case.js';
import NoticePage from './pages/notice.js';
import MonitoredPage from './pages/monitored.js';

export const MONITORING_PAGES = {
  '/policy': PolicyPage,
  '/income': IncomePage,
  '/screening': ScreeningPage,
  '/cases': CasesPage,
  '/case': CasePage,
  '/notice': NoticePage,
  '/monitored': MonitoredPage,
};
