// Fetch wrapper for /api/v1: JSON in and out, same-origin cookies, the
// X-CSRF-Token header on every non-GET, server errors shown as messages.
import { store, clearSession } from './store.js';

const { ElMessage } = window.ElementPlus;
const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || httpMessage(status));
    this.status = status;
    this.code = e.code || 'http_' + status;
    this.field = e.field;
    this.row = e.row;
  }
}

function httpMessage(status) {
  if (status === 0) return '无法连接服务器，请检查网络';
  if (status === 403) return '没有权限执行此操作';
  if (status === 404) return '请求的内容不存在';
  if (status === 413) return '上传的文件过大';
  if (status >= 500) return '服务器内部错误，请稍后再试';
  return '请求失败（HTTP ' + status + '）';
}

function query(params) {
  if (!params) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.append(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

// opts.quiet: do not show the error message (the caller handles it).
// opts.noRedirect: do not jump to the login page on 401.
export async function request(method, path, { params, body, quiet, noRedirect } = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET' && method !== 'HEAD') {
    if (store.csrf) headers['X-CSRF-Token'] = store.csrf;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  let res;
  try {
    res = await fetch(BASE + path + query(params), init);
  } catch (err) {
    const e = new ApiError(0, null);
    if (!quiet) ElMessage.error(e.message);
    throw e;
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch (_) { data = null; }
  }
  if (res.ok) return data || {};

  throw failed(new ApiError(res.status, data), { quiet, noRedirect });
}

// What every failed call does besides throwing: a 401 goes to the login page,
// a 403 password_change_required opens the forced password dialog (the layout
// watches store.pwForced) instead of a message, a 403 totp_enrolment_required
// goes to the account page's TOTP enrolment, anything else is shown.
function failed(e, { quiet, noRedirect } = {}) {
  if (e.status === 401 && !noRedirect) {
    clearSession();
    if (location.hash !== '#/login') location.hash = '#/login';
  }
  if (e.status === 403 && e.code === 'password_change_required') {
    if (store.user) store.pwForced = true;
    return e;
  }
  // An admin role without its second factor: the account page enrols it (QR code).
  if (e.status === 403 && e.code === 'totp_enrolment_required') {
    if (store.user) {
      store.user.must_enrol_totp = true;
      if (location.hash !== '#/account') location.hash = '#/account';
    }
    return e;
  }
  if (!quiet) ElMessage.error({ message: e.message, grouping: true });
  return e;
}

// POSTs a file as the raw request body (the server streams it to disk);
// X-File-Name carries its name, percent-encoded.
export async function upload(path, file, { params, quiet } = {}) {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/octet-stream' };
  if (store.csrf) headers['X-CSRF-Token'] = store.csrf;
  if (file && file.name) headers['X-File-Name'] = encodeURIComponent(file.name);
  let res;
  try {
    res = await fetch(BASE + path + query(params), {
      method: 'POST', headers, body: file, credentials: 'same-origin', cache: 'no-store',
    });
  } catch (err) {
    const e = new ApiError(0, null);
    if (!quiet) ElMessage.error(e.message);
    throw e;
  }
  let data = null;
  try { data = JSON.parse(await res.text()); } catch (_) { data = null; }
  if (res.ok) return data || {};
  throw failed(new ApiError(res.status, data), { quiet });
}

// GETs a file and hands it to the browser as a download; the name comes from
// Content-Disposition when the server sends one.
export async function download(path, params, fallbackName) {
  let res;
  try {
    res = await fetch(BASE + path + query(params), { credentials: 'same-origin', cache: 'no-store' });
  } catch (err) {
    const e = new ApiError(0, null);
    ElMessage.error(e.message);
    throw e;
  }
  if (!res.ok) {
    let data = null;
    try { data = JSON.parse(await res.text()); } catch (_) { data = null; }
    throw failed(new ApiError(res.status, data));
  }
  const blob = await res.blob();
  saveBlob(blob, fileName(res.headers.get('Content-Disposition')) || fallbackName || 'download');
}

function fileName(cd) {
  if (!cd) return '';
  const star = cd.match(/filename\*\s*=\s*UTF-8''([^;]+)/i);
  if (star) {
    try { return decodeURIComponent(star[1].trim()); } catch (_) { /* fall through */ }
  }
  const m = cd.match(/filename\s*=\s*"?([^";]+)"?/i);
  return m ? m[1].trim() : '';
}

export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

export const api = {
  get: (path, params, opts) => request('GET', path, { ...opts, params }),
  post: (path, body, opts) => request('POST', path, { ...opts, body: body || {} }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body: body || {} }),
  del: (path, opts) => request('DELETE', path, opts),
  upload,
  download,
};
