// The 台账 menu: one entry per ledger kind, all served by the one generic page
// (pages/ledger.js) that builds its list, form, import, export and checks from the
// kind descriptors of GET /api/v1/ledgers. nav.js and main.js spread these in.
import { seesAreaData } from './store.js';
import LedgerPage from './pages/ledger.js';

export const LEDGER_GROUP = { ledger: { title: '台账', icon: 'Notebook' } };

// Kind keys in menu order (the server's order) with their menu icon.
export const LEDGER_KINDS = [
  ['project', '项目与资金', 'OfficeBuilding'],
  ['subsidy', '产业奖补', 'Present'],
  ['microloan', '小额信贷', 'CreditCard'],
  ['public_post', '公益性岗位', 'Avatar'],
  ['employment', '务工就业', 'Suitcase'],
  ['collective', '村集体经济', 'Coin'],
  ['inspection', '巡查', 'View'],
  ['milestone', '里程碑', 'Flag'],
];

export const LEDGER_NAV = LEDGER_KINDS.map(([key, title, icon]) => ({
  path: '/ledger/' + key, title, icon, group: 'ledger', areaScoped: true, allowed: seesAreaData,
}));

export const LEDGER_PAGES = Object.fromEntries(LEDGER_KINDS.map(([key]) => ['/ledger/' + key, LedgerPage]));
