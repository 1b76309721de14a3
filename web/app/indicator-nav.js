// The 指标考核 menu: 指标与目标 and 晾晒/红黑榜, their nav entries, sub-menu and pages
// (nav.js and main.js spread these in).
import { seesAreaData } from './store.js';
import IndicatorsPage from './pages/indicators.js';
import RankingsPage from './pages/rankings.js';

export const INDICATOR_GROUP = { indicators: { title: '指标考核', icon: 'TrendCharts' } };

export const INDICATOR_NAV = [
  { path: '/indicators', title: '指标与目标', icon: 'Aim', group: 'indicators', areaScoped: true, allowed: seesAreaData },
  { path: '/rankings', title: '晾晒/红黑榜', icon: 'Trophy', group: 'indicators', areaScoped: true, allowed: seesAreaData },
];

export const INDICATOR_PAGES = {
  '/indicators': IndicatorsPage,
  '/rankings': RankingsPage,
};

// Periods of a year as the API names them.
export const PERIODS = [
  { code: 'Y', label: '全年' }, { code: 'H1', label: '上半年' }, { code: 'H2', label: '下半年' },
  { code: 'Q1', label: '第一季度' }, { code: 'Q2', label: '第二季度' }, { code: 'Q3', label: '第三季度' },
  { code: 'Q4', label: '第四季度' },
  ...Array.from({ length: 12 }, (_, i) => ({ code: 'M' + String(i + 1).padStart(2, '0'), label: `${i + 1}月` })),
];

export function thisYear() {
  return new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
}

export function years() {
  const y = thisYear();
  return [y + 1, y, y - 1, y - 2];
}

// Width of a completion bar: the percentage, capped at 100.
export function bar(ratio) {
  return ratio == null ? 0 : Math.max(0, Math.min(100, Math.round(ratio * 1000) / 10));
}
