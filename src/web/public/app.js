// Store Fulfillment App: plain ES module, no framework, talks only to the OMS HTTP API (same origin).
// Customer data is kept to the minimum: of an order only the ship-to city and state are kept.
// The user logs in (POST /auth/login sets an HttpOnly session cookie that every call then carries);
// every state-changing call is JSON (the server refuses a cookie request that is not), and a 401
// brings the log-in back.

/** The API root: the app lives at <root>/app/, the API at <root>/. */
const API = new URL('../', location.href);
const STORE_KEY = 'oms.storeApp.lastStore';

const el = (id) => document.querySelector(`[data-testid="${id}"]`);
const ui = {
  session: el('session'), sessionUser: el('session-user'), changeStore: el('change-store'),
  logOut: el('log-out'), login: el('login'), loginForm: el('login-form'), loginUsername: el('login-username'),
  loginPassword: el('login-password'), loginError: el('login-error'),
  picker: el('store-picker'), pickerForm: el('picker-form'), storeSelect: el('store-select'),
  queue: el('queue'), storeName: el('store-name'), summary: el('queue-summary'), refresh: el('refresh'),
  orders: el('orders'), empty: el('empty'), toastStatus: el('toast-status'), toastAlert: el('toast-alert'),
  shipDialog: el('ship-dialog'), shipForm: el('ship-form'), shipItem: el('ship-item'), tracking: el('tracking-input'),
  rejectDialog: el('reject-dialog'), rejectForm: el('reject-form'), rejectItem: el('reject-item'),
  reasonList: el('reason-list'), comments: el('reject-comments'), rejectError: el('reject-error'),
};

const state = {
  user: null, // the logged-in user: { username, role, facilities }
  storeId: null,
  stores: null, // active stores, loaded once
  reasons: null, // rejection reasons, loaded once
  items: [],
  busy: new Set(), // item keys with an action under way
  loadSeq: 0,
  dialogItem: null,
};
const shipToCache = new Map(); // orderId → Promise<{ city, state }>
const productCache = new Map(); // productId → Promise<name>

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

/** Calls the API with the session cookie; every call but a GET is JSON (`{}` when it has no body). A 401 shows the log-in. */
async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(new URL(path.replace(/^\//, ''), API), {
      method, headers, credentials: 'same-origin', body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check the connection and try again.');
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (res.status === 401 && path !== '/auth/login' && state.user) {
    signedOut('Your session has ended: log in again.');
  }
  if (!res.ok) throw new ApiError(res.status, data?.error ?? 'http', data?.message ?? `Request failed (HTTP ${res.status}).`);
  return data;
}

const seg = encodeURIComponent;
const itemPath = (it, action) => `/facilities/${seg(state.storeId)}/items/${seg(it.orderId)}/${seg(it.seqId)}/${action}`;

async function loadStores() {
  if (!state.stores) {
    // The list comes a page at a time (nextOffset: the next page, null after the last).
    const facilities = [];
    for (let offset = 0; offset !== null;) {
      const page = await api(`/facilities?limit=1000&offset=${offset}`);
      facilities.push(...page.facilities);
      offset = page.nextOffset;
    }
    state.stores = facilities.filter((f) => f.type === 'STORE' && f.active)
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }
  return state.stores;
}

async function loadReasons() {
  if (!state.reasons) state.reasons = (await api('/rejection-reasons')).reasons;
  return state.reasons;
}

/** Only the city and state of the ship-to address are kept, nothing else of the order. */
function shipTo(orderId) {
  if (!shipToCache.has(orderId)) {
    const p = api(`/orders/${seg(orderId)}`).then((o) => ({ city: o.shipTo?.city ?? '', state: o.shipTo?.state ?? '' }));
    p.catch(() => shipToCache.delete(orderId));
    shipToCache.set(orderId, p);
  }
  return shipToCache.get(orderId).catch(() => ({ city: '', state: '' }));
}

function productName(productId) {
  if (!productCache.has(productId)) {
    const p = api(`/products/${seg(productId)}`).then((x) => x.name || productId);
    p.catch(() => productCache.delete(productId));
    productCache.set(productId, p);
  }
  return productCache.get(productId).catch(() => productId);
}

// ---------------------------------------------------------------- DOM helpers

function h(tag, attrs = {}, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') n.className = v;
    else if (k === 'text') n.textContent = v;
    else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
    else n.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) n.append(c);
  return n;
}

const keyOf = (it) => `${it.orderId}/${it.seqId}`;
const describe = (it) => `${it.productName} (order ${it.orderId}, line ${it.seqId})`;

/** Shows a result: the newest success/info replaces older ones; errors stay until dismissed (at most 2). */
function toast(kind, message, title) {
  const region = kind === 'error' ? ui.toastAlert : ui.toastStatus;
  if (kind !== 'error') region.replaceChildren();
  const t = h('div', { class: `toast toast-${kind}`, 'data-testid': 'toast', 'data-kind': kind },
    h('p', { class: 'toast-body' },
      title ? h('strong', { class: 'toast-title', text: `${title} ` }) : null,
      h('span', { class: 'toast-text', text: message })),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss message', text: '×', onclick: () => t.remove() }));
  region.prepend(t);
  while (region.children.length > 2) region.lastElementChild.remove();
  if (kind !== 'error') setTimeout(() => t.remove(), 8000);
}

function keepFocus(fallback) {
  if (!document.activeElement || document.activeElement === document.body) fallback?.focus();
}

// ---------------------------------------------------------------- views

function showSession() {
  ui.sessionUser.textContent = state.user.username;
  ui.session.hidden = false;
}

/** The log-in form; `message`: why it is shown again (a session that ended). */
function showLogin(message) {
  state.storeId = null;
  ui.queue.hidden = true;
  ui.picker.hidden = true;
  ui.session.hidden = true;
  ui.login.hidden = false;
  document.title = 'Log in · Store Fulfillment';
  ui.loginPassword.value = '';
  ui.loginError.textContent = message ?? '';
  ui.loginError.hidden = !message;
  (ui.loginUsername.value ? ui.loginPassword : ui.loginUsername).focus();
}

/** The session is gone (logged out, expired, disabled): forget what it saw and log in again. */
function signedOut(message) {
  state.user = null;
  state.stores = null;
  state.items = [];
  ui.orders.replaceChildren();
  showLogin(message);
}

async function showPicker() {
  state.storeId = null;
  ui.login.hidden = true;
  ui.queue.hidden = true;
  ui.picker.hidden = false;
  showSession();
  document.title = 'Choose your store · Store Fulfillment';
  try {
    const stores = await loadStores();
    const last = localStorage.getItem(STORE_KEY);
    ui.storeSelect.replaceChildren(
      h('option', { value: '', text: stores.length ? 'Select a store…' : 'No active stores' }),
      ...stores.map((s) => h('option', { value: s.id, selected: s.id === last, text: `${s.name} (${s.id})${s.city ? ` · ${s.city}` : ''}` })));
  } catch (e) {
    ui.storeSelect.replaceChildren(h('option', { value: '', text: 'Stores could not be loaded' }));
    if (e.status !== 401) toast('error', e.message);
  }
  if (state.user) ui.storeSelect.focus();
}

async function showQueue(storeId) {
  let store;
  try {
    store = (await loadStores()).find((s) => s.id === storeId);
  } catch (e) {
    toast('error', e.message);
  }
  if (!store) {
    if (state.stores) toast('error', `${storeId} is not an active store.`);
    location.hash = '#/';
    return;
  }
  state.storeId = store.id;
  localStorage.setItem(STORE_KEY, store.id);
  ui.login.hidden = true;
  ui.picker.hidden = true;
  ui.queue.hidden = false;
  showSession();
  ui.storeName.textContent = `${store.name} (${store.id})`;
  document.title = `${store.name} · Store Fulfillment`;
  state.items = [];
  ui.orders.replaceChildren();
  ui.empty.hidden = true;
  await loadQueue();
}

/** Loads the store's items and their product names and ship-to city/state; the newest load wins. */
async function loadQueue() {
  if (!state.storeId) return;
  const seq = ++state.loadSeq;
  const storeId = state.storeId;
  ui.orders.setAttribute('aria-busy', 'true');
  ui.refresh.disabled = true;
  ui.summary.textContent = 'Loading…';
  try {
    const { items } = await api(`/facilities/${seg(storeId)}/items`);
    const enriched = await Promise.all(items.map(async (it) => {
      const [name, to] = await Promise.all([productName(it.productId), shipTo(it.orderId)]);
      return { ...it, productName: name, shipTo: to };
    }));
    if (seq !== state.loadSeq || storeId !== state.storeId) return;
    enriched.sort((a, b) => a.orderId.localeCompare(b.orderId) || a.seqId.localeCompare(b.seqId));
    state.items = enriched;
    renderQueue();
  } catch (e) {
    if (seq === state.loadSeq) { ui.summary.textContent = 'The list could not be loaded.'; toast('error', e.message); }
  } finally {
    if (seq === state.loadSeq) { ui.orders.setAttribute('aria-busy', 'false'); ui.refresh.disabled = false; }
  }
}

function renderQueue() {
  const groups = new Map();
  for (const it of state.items) {
    if (!groups.has(it.orderId)) groups.set(it.orderId, []);
    groups.get(it.orderId).push(it);
  }
  const packed = state.items.filter((i) => i.status === 'PACKED').length;
  const n = state.items.length;
  const time = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  ui.summary.textContent = n
    ? `${n} item${n === 1 ? '' : 's'} in ${groups.size} order${groups.size === 1 ? '' : 's'} · ${packed} packed · updated ${time}`
    : `Updated ${time}`;
  ui.empty.hidden = n > 0;
  ui.orders.replaceChildren(...[...groups].map(([orderId, items]) => renderOrder(orderId, items)));
}

function renderOrder(orderId, items) {
  const { city, state: st } = items[0].shipTo;
  const where = [city, st].filter(Boolean).join(', ') || 'unknown';
  const titleId = `order-title-${orderId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return h('article', { class: 'order', 'data-testid': `order-${orderId}`, 'aria-labelledby': titleId },
    h('header', { class: 'order-head' },
      h('h3', { id: titleId }, 'Order ', h('span', { class: 'mono', 'data-testid': 'order-id', text: orderId })),
      h('p', { class: 'ship-to', 'data-testid': 'ship-to' }, h('span', { class: 'muted', text: 'Ship to ' }), where)),
    h('ul', { class: 'items' }, items.map(renderItem)));
}

function renderItem(it) {
  const busy = state.busy.has(keyOf(it));
  const label = describe(it);
  const btn = (action, text, cls, enabled) => h('button', {
    type: 'button', class: cls, 'data-testid': action, disabled: busy || !enabled,
    'aria-label': `${text} ${label}`, onclick: () => actions[action](it),
  }, text);
  return h('li', { class: 'item', 'data-testid': `item-${it.orderId}-${it.seqId}`, 'data-status': it.status, 'aria-busy': busy ? 'true' : 'false' },
    h('div', { class: 'item-main' },
      h('span', { class: 'product', 'data-testid': 'item-product', text: it.productName }),
      h('span', { class: 'muted small', text: `${it.productId} · line ${it.seqId}` })),
    h('span', { class: 'qty', 'data-testid': 'item-quantity' }, h('span', { class: 'muted', text: 'Qty ' }), String(it.quantity)),
    h('span', { class: `badge status status-${it.status.toLowerCase()}`, 'data-testid': 'item-status', text: it.status }),
    h('div', { class: 'item-actions' },
      btn('pack', 'Pack', '', it.status === 'ALLOCATED'),
      btn('ship', 'Ship', 'primary', it.status === 'ALLOCATED' || it.status === 'PACKED'),
      btn('reject', 'Reject', 'danger-outline', it.status === 'ALLOCATED' || it.status === 'PACKED')));
}

// ---------------------------------------------------------------- actions

/** Runs one mutation for an item: buttons disabled meanwhile, the result shown, the list reloaded. */
async function perform(it, verb, fn, success) {
  const key = keyOf(it);
  if (state.busy.has(key)) return;
  state.busy.add(key);
  renderQueue();
  try {
    const r = await fn();
    if (r?.noop) toast('info', r.message);
    else toast('success', success(r));
  } catch (e) {
    toast('error', e.message, `Could not ${verb} ${it.productName}:`);
  } finally {
    state.busy.delete(key);
    await loadQueue();
    // Keyboard users stay on the item if it is still listed, else go to the queue heading.
    const row = document.querySelector(`[data-testid="item-${CSS.escape(it.orderId)}-${CSS.escape(it.seqId)}"]`);
    keepFocus(row?.querySelector('button:not(:disabled)') ?? ui.storeName);
  }
}

const actions = {
  pack: (it) => perform(it, 'pack', () => api(itemPath(it, 'pack'), { method: 'POST' }), () => `Packed ${describe(it)}.`),
  ship: (it) => {
    state.dialogItem = it;
    ui.shipItem.textContent = `${describe(it)} · qty ${it.quantity}`;
    ui.tracking.value = '';
    ui.shipDialog.showModal();
    ui.tracking.focus();
  },
  reject: async (it) => {
    let reasons;
    try { reasons = await loadReasons(); } catch (e) { toast('error', e.message); return; }
    state.dialogItem = it;
    ui.rejectItem.textContent = `${describe(it)} · qty ${it.quantity}`;
    ui.comments.value = '';
    ui.rejectError.hidden = true;
    ui.reasonList.replaceChildren(...reasons.map(renderReason));
    ui.rejectDialog.showModal();
    ui.reasonList.querySelector('input')?.focus();
  },
};

function effectText(r) {
  if (r.varianceType === 'ZERO_OUT') return 'Sets on hand to zero';
  if (r.varianceType === 'ADJUST_BY_QTY') return (r.varianceSign ?? -1) > 0 ? 'Adds the quantity to on hand' : 'Removes the quantity from on hand';
  return 'No inventory change';
}

function renderReason(r) {
  const id = `reason-${r.id}`;
  const descId = `${id}-desc`;
  return h('div', { class: 'reason' },
    h('input', { type: 'radio', name: 'reasonId', value: r.id, id, 'data-testid': id, required: true, 'aria-describedby': descId }),
    h('label', { for: id },
      h('span', { class: 'reason-name', text: r.description }),
      h('span', { class: 'reason-meta', id: descId },
        h('span', { class: 'mono small muted', text: r.id }),
        h('span', { class: 'small muted', text: ` · ${effectText(r)}` }),
        r.pushToNetsuite ? h('span', { class: 'badge ns', 'data-testid': 'netsuite-badge', title: 'Also reports an inventory variance to NetSuite', text: 'NetSuite' }) : null)));
}

ui.shipForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const it = state.dialogItem;
  const trackingNumber = ui.tracking.value.trim();
  ui.shipDialog.close();
  perform(it, 'ship', () => api(itemPath(it, 'ship'), { method: 'POST', body: trackingNumber ? { trackingNumber } : {} }),
    () => `Shipped ${describe(it)}${trackingNumber ? `, tracking ${trackingNumber}` : ''}.`);
});

ui.rejectForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const it = state.dialogItem;
  const reasonId = ui.rejectForm.elements.reasonId?.value;
  if (!reasonId) {
    ui.rejectError.textContent = 'Choose a reason.';
    ui.rejectError.hidden = false;
    ui.reasonList.querySelector('input')?.focus();
    return;
  }
  const comments = ui.comments.value.trim();
  ui.rejectDialog.close();
  perform(it, 'reject', () => api(itemPath(it, 'reject'), { method: 'POST', body: comments ? { reasonId, comments } : { reasonId } }),
    () => `Rejected ${describe(it)}: sent back to brokering.`);
});

ui.reasonList.addEventListener('change', () => { ui.rejectError.hidden = true; });
el('ship-cancel').addEventListener('click', () => ui.shipDialog.close());
el('reject-cancel').addEventListener('click', () => ui.rejectDialog.close());
ui.refresh.addEventListener('click', () => loadQueue());
ui.changeStore.addEventListener('click', () => { location.hash = '#/'; });

ui.pickerForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const storeId = ui.storeSelect.value;
  if (!storeId) { toast('error', 'Choose a store.'); ui.storeSelect.focus(); return; }
  location.hash = `#/store/${seg(storeId)}`;
});

ui.loginForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const username = ui.loginUsername.value.trim();
  const password = ui.loginPassword.value;
  const fail = (message) => { ui.loginError.textContent = message; ui.loginError.hidden = false; };
  if (!username || !password) { fail('Enter your username and password.'); return; }
  ui.loginError.hidden = true;
  try {
    const r = await api('/auth/login', { method: 'POST', body: { username, password } });
    state.user = r.user;
    ui.loginPassword.value = '';
    route();
  } catch (e) {
    fail(e.status === 401 ? 'Wrong username or password.' : e.message);
    ui.loginPassword.select();
  }
});

ui.logOut.addEventListener('click', async () => {
  try { await api('/auth/logout', { method: 'POST' }); } catch { /* the session is gone either way */ }
  signedOut();
});

// ---------------------------------------------------------------- routing: #/ (picker), #/store/<id> (queue)

function route() {
  if (!state.user) { showLogin(); return; }
  const m = /^#\/store\/([^/]+)$/.exec(location.hash);
  if (m) showQueue(decodeURIComponent(m[1]));
  else showPicker();
}

/** Who is logged in (the session cookie), then the page of the address. */
async function start() {
  try {
    state.user = (await api('/auth/me')).user;
  } catch (e) {
    if (e.status !== 401) toast('error', e.message);
  }
  route();
}

window.addEventListener('hashchange', route);
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible' && state.storeId) loadQueue(); });
start();
