// The 帮扶走访 menu: its entries for nav.js, the sub-menu's title, and the landing
// page of a 帮扶责任人 (who works from a phone: the visit list first).
import { store, seesAreaData } from './store.js';

export const ASSISTANCE_GROUP = { assistance: { title: '帮扶走访', icon: 'Van' } };

export const ASSISTANCE_NAV = [
  { path: '/visits', title: '走访', icon: 'Location', group: 'assistance', areaScoped: true, allowed: seesAreaData },
  { path: '/plans', title: '一户一策', icon: 'Notebook', group: 'assistance', areaScoped: true, allowed: seesAreaData },
  { path: '/plan', title: '一户一策', hidden: true, menu: '/plans', allowed: seesAreaData },
  { path: '/campaigns', title: '集中排查/回头看', icon: 'Checked', group: 'assistance', areaScoped: true, allowed: seesAreaData },
  { path: '/campaign', title: '排查详情', hidden: true, menu: '/campaigns', allowed: seesAreaData },
  { path: '/timeline', title: '农户时间线', hidden: true, menu: '/households', allowed: seesAreaData },
];

// '/visits' for a 帮扶责任人, '' for everyone else.
export function assistanceLanding() {
  return store.user && store.user.role === 'helper' ? '/visits' : '';
}
