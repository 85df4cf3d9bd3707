/**
 * The API calls and types of the routing editor, the facilities map and the inventory pages of the
 * operations console (routing profiles, their what-if and history; facilities; stock).
 */
import { call } from '../../api';

export type Settings = Record<string, unknown> & { preassignedCarrierSplitsOrder: { enabled: boolean; carrier: string | null } };
export interface SettingField { key: string; label: string; help: string; alsoIn?: string }
export interface RuleGroup { id: 'general' | 'special' | 'exception'; title: string; fields: SettingField[] }
export interface ExclusivePair { a: string; b: string; reason: string }
export interface RoutingForm { groups: RuleGroup[]; exclusivePairs: ExclusivePair[]; overriddenByProduct: string[]; defaults: Settings }

export interface Profile { id: string; name: string; salesChannel: string | null; settings: Settings; updatedAt: string; updatedBy: string }
export interface Snapshot { name: string; salesChannel: string | null; settings: Partial<Settings>; comment?: string }
export interface HistoryRow { id: number; profileId: string; before: Snapshot | null; after: Snapshot; actor: string; createdAt: string }

export interface Stats {
  orders: number; allocated: number; partiallyAllocated: number; queued: number; exception: number;
  shipmentsPerOrder: number; averageDistanceKm: number | null; shipments: number; splitOrders: number; totalDistanceKm: number;
}
export interface Outcome {
  status: string; exceptionReason: string | null; distanceKm: number;
  shipments: { facilityId: string; backordered: boolean; distanceKm: number | null; items: { seq: string; quantity: number }[] }[];
}
export interface OrderChange { orderId: string; changed: string[]; before: Outcome; after: Outcome }
export interface WhatIf {
  replayed: { orders: number; inAll: number; maxOrders: number | null; capped: boolean };
  current: Stats; proposed: Stats; changedOrders: number; changes: OrderChange[]; changesCapped: boolean; warnings: string[];
}

export interface MapFacility {
  id: string; name: string; type: string; fulfillmentSystem: string; active: boolean; city: string | null; state: string | null;
  postalCode: string | null; latitude: number | null; longitude: number | null; dailyOrderLimit: number | null; ranking: number;
}
export interface Level {
  productId: string; facilityId: string; onHand: number; reserved: number; safetyStock: number; available: number; assignedWarehouseId: string | null;
}

const seg = encodeURIComponent;

export const routingApi = {
  form: () => call<RoutingForm>('GET', '/routing-settings'),
  profiles: () => call<{ profiles: Profile[] }>('GET', '/routing-profiles'),
  profile: (id: string) => call<Profile>('GET', `/routing-profiles/${seg(id)}`),
  history: (id: string) => call<{ history: HistoryRow[] }>('GET', `/routing-profiles/${seg(id)}/history`),
  whatIf: (id: string, settings: Settings) => call<WhatIf>('POST', `/routing-profiles/${seg(id)}/what-if`, { settings }),
  save: (id: string, settings: Settings, comment: string) =>
    call<Profile & { warnings: string[] }>('PUT', `/routing-profiles/${seg(id)}`, { settings, ...(comment.trim() ? { comment: comment.trim() } : {}) }),

  /** Every facility, all pages. */
  async facilities(): Promise<MapFacility[]> {
    const all: MapFacility[] = [];
    for (let offset: number | null = 0; offset !== null;) {
      const page: { facilities: MapFacility[]; nextOffset: number | null } = await call('GET', `/facilities?limit=1000&offset=${offset}`);
      all.push(...page.facilities);
      offset = page.nextOffset;
    }
    return all;
  },
  inventory: (q: { productId?: string; facilityId?: string; limit: number; offset: number }) => {
    const query = new URLSearchParams({ limit: String(q.limit), offset: String(q.offset) });
    if (q.productId) query.set('productId', q.productId);
    if (q.facilityId) query.set('facilityId', q.facilityId);
    return call<{ inventory: Level[]; nextOffset: number | null }>('GET', `/inventory?${query}`);
  },
  adjust: (productId: string, facilityId: string, delta: number, reason: string) =>
    call<Level>('POST', `/inventory/${seg(productId)}/${seg(facilityId)}/adjust`, { delta, reason }),
  count: (productId: string, facilityId: string, onHand: number) => call<Level>('PUT', `/inventory/${seg(productId)}/${seg(facilityId)}`, { onHand }),
};
