/**
 * The OMS HTTP API as the app uses it: same origin, the session cookie (HttpOnly) sent by the
 * browser, and every state-changing call as JSON (`{}` when it has no body), which the server
 * requires of cookie requests (CSRF). A failure is an `ApiError` with the server's message.
 */

export type Role = 'admin' | 'operations' | 'store' | 'integration';
export interface User { username: string; role: Role; facilities: string[] }
export interface Me { user: User; permissions: string[] }

export interface Facility {
  id: string; name: string; type: string; fulfillmentSystem: string; active: boolean; city: string | null; state: string | null;
}

export type StoreTab = 'open' | 'in-progress' | 'completed-today';
export const STORE_TABS: readonly StoreTab[] = ['open', 'in-progress', 'completed-today'];

export interface StoreItem {
  seqId: string; parentSeqId: string | null; productId: string; sku: string; productName: string; quantity: number;
  status: 'ALLOCATED' | 'PACKED' | 'SHIPPED'; carrier: string | null; trackingNumber: string | null; shippedAt: string | null;
}
export interface ShipTo { name?: string; address1?: string; address2?: string; city?: string; state?: string; postalCode?: string; country?: string }
export interface StoreOrder {
  id: string; externalId: string | null; orderDate: string; status: string; shippingMethod: string | null; salesChannel: string;
  shipTo: ShipTo; customerName: string | null; tab: StoreTab; items: StoreItem[];
}
export interface StoreFacility { id: string; name: string; city: string | null; state: string | null }
export interface StoreOrdersPage {
  facility: StoreFacility; now: string; orders: StoreOrder[]; counts: Record<StoreTab, number>; nextOffset: number | null;
}
export interface StoreOrderView { facility: StoreFacility; now: string; order: StoreOrder }
export interface ActionResult { seqIds: string[]; order: StoreOrder | null }
export interface ItemRejectResult {
  rejectedSeqId: string; quantity: number; kept: { seqId: string; quantity: number } | null; rejectionId: number; order: StoreOrder | null;
}
export interface RejectionReason { id: string; description: string; varianceType: string; pushToNetsuite: boolean }
export interface NextRun { job: string; nextRunAt: string | null; cron: string | null; enabled: boolean; running: boolean }
export interface Noop { noop: true; message: string }

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** Hears of a 401 on any call but the log-in (the session ended): the app goes back to the log-in page. */
let onUnauthenticated: () => void = () => {};
export const whenUnauthenticated = (fn: () => void) => { onUnauthenticated = fn; };

const seg = encodeURIComponent;

export async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (method !== 'GET') {
    init.headers = { ...init.headers, 'content-type': 'application/json' };
    init.body = JSON.stringify(body ?? {});
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let json: any = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: a proxy's page */ }
  if (!res.ok) {
    if (res.status === 401 && path !== '/auth/login') onUnauthenticated();
    throw new ApiError(res.status, json?.error ?? 'http', json?.message ?? `${res.status} ${res.statusText}`);
  }
  return json as T;
}

export const api = {
  me: () => call<Me>('GET', '/auth/me'),
  login: (username: string, password: string) => call<{ user: User }>('POST', '/auth/login', { username, password }),
  logout: () => call<{ loggedOut: true }>('POST', '/auth/logout'),

  /** Every facility the user may see (a store user: theirs), all pages. */
  async facilities(): Promise<Facility[]> {
    const all: Facility[] = [];
    for (let offset: number | null = 0; offset !== null;) {
      const page: { facilities: Facility[]; nextOffset: number | null } = await call('GET', `/facilities?limit=1000&offset=${offset}`);
      all.push(...page.facilities);
      offset = page.nextOffset;
    }
    return all;
  },

  storeOrders(facilityId: string, tab: StoreTab, q: string, limit = 100) {
    const query = new URLSearchParams({ tab, limit: String(limit) });
    if (q.trim()) query.set('q', q.trim());
    return call<StoreOrdersPage>('GET', `/facilities/${seg(facilityId)}/orders?${query}`);
  },
  storeOrder: (facilityId: string, orderId: string) => call<StoreOrderView>('GET', `/facilities/${seg(facilityId)}/orders/${seg(orderId)}`),
  pack: (facilityId: string, orderId: string, seqIds: string[]) =>
    call<ActionResult | Noop>('POST', `/facilities/${seg(facilityId)}/orders/${seg(orderId)}/pack`, { seqIds }),
  ship: (facilityId: string, orderId: string, b: { carrier: string; trackingNumber: string; seqIds: string[] }) =>
    call<ActionResult>('POST', `/facilities/${seg(facilityId)}/orders/${seg(orderId)}/ship`, b),
  rejectOrder: (facilityId: string, orderId: string, b: { reasonId: string; comments?: string; seqIds: string[] }) =>
    call<ActionResult>('POST', `/facilities/${seg(facilityId)}/orders/${seg(orderId)}/reject`, b),
  rejectItem: (facilityId: string, orderId: string, seqId: string, b: { reasonId: string; quantity: number; comments?: string }) =>
    call<ItemRejectResult | Noop>('POST', `/facilities/${seg(facilityId)}/orders/${seg(orderId)}/items/${seg(seqId)}/reject`, b),

  reasons: () => call<{ reasons: RejectionReason[] }>('GET', '/rejection-reasons'),
  nextRun: () => call<NextRun>('GET', '/brokering/next-run'),
};

export const isNoop = (x: object): x is Noop => 'noop' in x;
