// Adds the stylesheet of the account pages and dialogs once (style-src 'self').
const CSS = '/app/components/account.css';

export function useAccountStyle() {
  if (document.querySelector(`link[href="${CSS}"]`)) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = CSS;
  document.head.appendChild(link);
}
