// The 监测帮扶 menu: its entries for nav.js and the sub-menu's title.
import { seesAreaData } from './store.js';

export const MONITORING_GROUP = { monitoring: { title: '监测帮扶', icon: 'Warning' } };

export const MONITORING_NAV = [
  { path: '/policy', title: '政策参数', icon: 'Setting', group: 'monitoring', allowed: seesAreaData },
  { path: '/income', title: '收入采集', icon: 'Money', group: 'monitoring', allowed: seesAreaData },
  { path: '/income', title: '收入采集', hidden: true, menu: '/income', allowed: seesAreaData },
  { path: '/screening', title: '排查', icon: 'Search', group: 'monitoring', areaScoped: true, allowed: seesAreaData },
  { path: '/cases', title: '识别纳入', icon: 'Finished', group: 'monitoring', areaScoped: true, allowed: seesAreaData },
  { path: '/case', title: '识别纳入流程', hidden: true, menu: '/cases', allowed: seesAreaData },
  { path: '/notice', title: '公示', icon: 'Notification', group: 'monitoring', areaScoped: true, allowed: seesAreaData },
  { path: '/notice', title: '公示', hidden: true, menu: '/notice', allowed: seesAreaData },
  { path: '/monitored', title: '监测户', icon: 'UserFilled', group: 'monitoring', areaScoped: true, allowed: seesAreaData },
];
