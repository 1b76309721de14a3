// Offline outbox for visits (走访): a visit whose POST fails for lack of network
// is kept in IndexedDB with the idempotency key made before the first attempt,
// and sent again on the 'online' event, on page load and on demand. The server
// stores one visit per key, so a retry after an answer that got lost returns
// the first visit instead of writing a second one. An entry leaves the outbox
// only when the server has answered: 200/201 (stored), or a refusal that no
// retry can change (4xx other than 401/408/429), which is kept aside with its
// message for the user to read and discard.
import { store } from './store.js';

const DB_NAME = 'zx-visits';
const STORE = 'outbox';
const listeners = new Set();
let flushing = null;

function openDb() {
  return new Promise((resolve, reject) => {
    if (!window.indexedDB) {
      reject(new Error('IndexedDB unavailable'));
      return;
    }
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'key' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx(mode, fn) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const os = t.objectStore(STORE);
      let result;
      const r = fn(os);
      if (r) r.onsuccess = () => { result = r.result; };
      t.oncomplete = () => resolve(result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  } finally {
    db.close();
  }
}

// A fresh idempotency key (RFC 4122 v4).
export function newKey() {
  if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function owner() {
  return store.user ? store.user.username : '';
}

// Entries of the signed-in user, oldest first.
export async function pendingVisits() {
  try {
    const all = (await tx('readonly', (os) => os.getAll())) || [];
    return all.filter((e) => e.owner === owner()).sort((a, b) => a.queued_at - b.queued_at);
  } catch (_) {
    return [];
  }
}

export async function pendingCount() {
  return (await pendingVisits()).filter((e) => !e.error).length;
}

function changed() {
  for (const fn of listeners) {
    try { fn(); } catch (_) { /* a listener's problem */ }
  }
}

// Adds (or replaces) a visit: {key, body, label}.
export async function enqueue(entry) {
  await tx('readwrite', (os) => os.put({ ...entry, owner: owner(), queued_at: Date.now(), error: '' }));
  changed();
}

export async function discard(key) {
  await tx('readwrite', (os) => os.delete(key));
  changed();
}

async function markFailed(entry, message) {
  await tx('readwrite', (os) => os.put({ ...entry, error: message || '服务器拒绝了该走访记录' }));
}

// POSTs one visit with its key. Resolves {ok, status, data}; rejects on network failure.
export async function sendVisit(key, body) {
  const headers = {
    Accept: 'application/json', 'Content-Type': 'application/json', 'Idempotency-Key': key,
  };
  if (store.csrf) headers['X-CSRF-Token'] = store.csrf;
  const res = await fetch('/api/v1/visits', {
    method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin', cache: 'no-store',
  });
  let data = null;
  try { data = await res.json(); } catch (_) { data = null; }
  return { ok: res.ok, status: res.status, data };
}

function retryable(status) {
  return status === 401 || status === 408 || status === 429 || status >= 500;
}

// Sends every queued visit of the user once; stops at the first network failure.
// Resolves {sent, failed, left}. A call while a pass runs gets one more pass after it:
// the running pass read the outbox before an entry queued since then.
export function flushQueue() {
  if (flushing) return flushing.then(() => flushQueue());
  flushing = (async () => {
    let sent = 0;
    let failed = 0;
    if (!store.user || !store.csrf) return { sent, failed, left: await pendingCount() };
    for (const e of await pendingVisits()) {
      if (e.error) continue;
      let r;
      try {
        r = await sendVisit(e.key, e.body);
      } catch (_) {
        break; /* still offline */
      }
      if (r.ok) {
        await discard(e.key);
        sent++;
      } else if (retryable(r.status)) {
        break;
      } else {
        await markFailed(e, r.data && r.data.error ? r.data.error.message : '');
        failed++;
      }
    }
    changed();
    return { sent, failed, left: await pendingCount() };
  })().finally(() => { flushing = null; });
  return flushing;
}

// Calls fn whenever the outbox may have changed (returns an unsubscribe function).
export function onQueueChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

let started = false;
let doneFn = null;

async function autoRun() {
  const r = await flushQueue();
  if (doneFn && (r.sent || r.failed)) doneFn(r);
}

// Flushes now and whenever the browser comes back online. onDone(result) is told
// when something was sent or refused (the last caller's function); null only
// silences the notices.
export function startAutoFlush(onDone) {
  if (onDone === null) {
    doneFn = null; /* the page that listened is gone */
    return Promise.resolve();
  }
  if (onDone !== undefined) doneFn = onDone;
  if (!started) {
    started = true;
    window.addEventListener('online', autoRun);
  }
  return autoRun();
}
