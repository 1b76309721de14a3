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

  const e = new ApiError(res.status, data);
  if (res.status === 401 && !noRedirect) {
    clearSession();
    if (location.hash !== '#/login') location.hash = '#/login';
  }
  if (!quiet) ElMessage.error({ message: e.message, grouping: true });
  throw e;
}

export const api = {
  get: (path, params, opts) => request('GET', path, { ...opts, params }),
  post: (path, body, opts) => request('POST', path, { ...opts, body: body || {} }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body: body || {} }),
  del: (path, opts) => request('DELETE', path, opts),
};
