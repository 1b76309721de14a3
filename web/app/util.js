// Small formatting helpers shared by the pages.

const timeFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

// Unix seconds → "2026-11-23 14:05" in Asia/Shanghai; "—" when absent.
export function formatTime(ts) {
  if (ts === null || ts === undefined || ts === '' || Number(ts) <= 0) return '—';
  const parts = {};
  for (const p of timeFmt.formatToParts(new Date(Number(ts) * 1000))) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

export function formatCount(n) {
  if (n === null || n === undefined || n === '') return '—';
  return Number(n).toLocaleString('zh-CN');
}

export const LEVEL_NAMES = { 1: '省', 2: '市', 3: '县', 4: '乡镇', 5: '村' };

export function levelName(area) {
  if (!area) return '';
  return area.level_name || LEVEL_NAMES[area.level] || '';
}
