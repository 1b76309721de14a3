// What the 工作汇报 pages share: their stylesheet (added once; style-src 'self').
const CSS = '/app/report.css';

export function useReportStyle() {
  if (document.querySelector(`link[href="${CSS}"]`)) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = CSS;
  document.head.appendChild(link);
}
