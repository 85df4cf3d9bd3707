import { describe, expect, it } from 'vitest';
import {
  createRoutingContext,
  createStockState,
  inventoryLeft,
  InvalidRoutingSettingsError,
  routeOrder,
  routeOrders,
  sortBrokeringQueue,
  type Facility,
  type Order,
  type RouteInput,
} from '../../../src/domain/routing/index';

const facilities: Facility[] = [
  { id: 'A', type: 'WAREHOUSE', ranking: 2, country: 'US', latitude: 40, longitude: -74.1 },
  { id: 'B', type: 'WAREHOUSE', ranking: 1, country: 'US', latitude: 40, longitude: -75 },
];
const order = (id: string, qty: number, extra: Partial<Order> = {}): Order => ({
  id,
  shipTo: { country: 'US', latitude: 40, longitude: -74 },
  items: [{ seq: '1', productId: 'SKU1', quantity: qty }],
  ...extra,
});
const input = (orders: Order[], settings: RouteInput['settings'] = {}): RouteInput => ({
  settings,
  facilities,
  products: [{ id: 'SKU1' }],
  inventory: [
    { productId: 'SKU1', facilityId: 'A', available: 3 },
    { productId: 'SKU1', facilityId: 'B', available: 3 },
  ],
  orders,
});

describe('routeOrders', () => {
  it('refuses a conflicting profile with an error naming the pairs', () => {
    expect(() => routeOrders(input([], { allowSplitFulfillment: true, noSplitOrder: true }))).toThrow(InvalidRoutingSettingsError);
    expect(() => routeOrders(input([], { allowSplitFulfillment: true, noSplitOrder: true }))).toThrow('allowSplitFulfillment with noSplitOrder');
  });

  it('routes in the given order, never by priority', () => {
    const out = routeOrders(input([order('LOW', 3, { priority: 0 }), order('HIGH', 3, { priority: 9 }), order('LATE', 1, { priority: 99 })]));
    expect(out.orders.map((o) => [o.id, o.status, o.shipments[0]?.facilityId])).toEqual([
      ['LOW', 'ALLOCATED', 'B'],
      ['HIGH', 'ALLOCATED', 'A'],
      ['LATE', 'EXCEPTION', undefined],
    ]);
  });

  it('does not mutate its input and is deterministic', () => {
    const inp = input([order('O1', 2), order('O2', 2)], { shipFromClosestLocation: true });
    const before = JSON.stringify(inp);
    const a = routeOrders(inp);
    const b = routeOrders(inp);
    expect(JSON.stringify(inp)).toBe(before);
    expect(a).toEqual(b);
    expect(a.inventory).toEqual([
      { productId: 'SKU1', facilityId: 'A', available: 1 },
      { productId: 'SKU1', facilityId: 'B', available: 1 },
    ]);
  });

  it('gives the same results order by order through routeOrder', () => {
    const inp = input([order('O1', 2), order('O2', 2), order('O3', 2)], { shipFromClosestLocation: true });
    const ctx = createRoutingContext(inp);
    const stock = createStockState(ctx, inp.inventory);
    const one = inp.orders.map((o) => routeOrder(o, ctx, stock));
    const all = routeOrders(inp);
    expect(one).toEqual(all.orders);
    expect(inventoryLeft(stock)).toEqual(all.inventory);
  });

  it('reports distances in km (whole metres) and the deciding rule', () => {
    const out = routeOrders(input([order('O1', 1)], { shipFromClosestLocation: true }));
    expect(out.orders[0].shipments[0]).toMatchObject({ facilityId: 'A', distanceKm: 8.518, decidedBy: 'SINGLE_FACILITY' });
  });

  it('caps long lists of dropped facilities in explanations', () => {
    const many: Facility[] = Array.from({ length: 25 }, (_, i) => ({ id: `OFF${String(i).padStart(2, '0')}`, type: 'STORE', ranking: 1, country: 'US', active: false }));
    const out = routeOrders({ ...input([order('O1', 1)]), facilities: [...facilities, ...many] });
    const line = out.orders[0].explanation.find((l) => l.includes('never candidates')) ?? '';
    expect(line).toBe('25 facilities are never candidates (inactive: OFF00, OFF01, OFF02, OFF03, OFF04, OFF05, OFF06, OFF07, OFF08, OFF09 and 15 more)');
  });

  it('prefixes explanation lines with the group when an order has several', () => {
    const out = routeOrders({
      ...input([{ id: 'H', shipTo: { country: 'US' }, items: [{ seq: '1', productId: 'SKU1', quantity: 1 }, { seq: '2', productId: 'HZ', quantity: 1 }] }], {
        preassignedCarrierSplitsOrder: { enabled: true, carrier: 'HAZ' },
      }),
      products: [{ id: 'SKU1' }, { id: 'HZ', hazmat: true }],
      inventory: [
        { productId: 'SKU1', facilityId: 'A', available: 3 },
        { productId: 'HZ', facilityId: 'A', available: 3 },
      ],
    });
    const text = out.orders[0].explanation.join('\n');
    expect(text).toContain('preassignedCarrierSplitsOrder: hazmat line 2 ship in their own group with carrier HAZ');
    expect(text).toContain('group 1 (line 1): A takes the whole group (SINGLE_FACILITY)');
    expect(text).toContain('group 2 (hazmat, carrier HAZ; line 2): A takes the whole group (SINGLE_FACILITY)');
    expect(out.orders[0].shipments.map((s) => s.carrier)).toEqual([null, 'HAZ']);
  });

  it('explains an insufficient-stock exception and keeps the stock', () => {
    const out = routeOrders(input([order('O1', 4)]));
    expect(out.orders[0].exception).toEqual({ reason: 'INSUFFICIENT_STOCK', message: 'insufficient stock: line 1 short by 4' });
    expect(out.orders[0].explanation).toContain('no single candidate holds every line; split fulfillment is off');
    expect(out.inventory.map((r) => r.available)).toEqual([3, 3]);
  });
});

describe('sortBrokeringQueue', () => {
  it('sorts by priority descending, then order date ascending, stable otherwise', () => {
    const q = [
      { id: 'a', priority: 0, orderDate: '2026-01-02T00:00:00Z' },
      { id: 'b', priority: 5, orderDate: '2026-01-03T00:00:00Z' },
      { id: 'c', priority: 5, orderDate: '2026-01-01T00:00:00Z' },
      { id: 'd', orderDate: '2026-01-01T00:00:00Z' },
      { id: 'e', priority: 0 },
      { id: 'f', priority: 0 },
    ];
    expect(sortBrokeringQueue(q).map((o) => o.id)).toEqual(['c', 'b', 'd', 'a', 'e', 'f']);
    expect(q[0].id).toBe('a');
  });
});

describe('carrier split off', () => {
  it('keeps hazmat items in the order group with no carrier', () => {
    const out = routeOrders({
      ...input([{ id: 'H', shipTo: { country: 'US' }, items: [{ seq: '1', productId: 'SKU1', quantity: 1 }, { seq: '2', productId: 'HZ', quantity: 1 }] }]),
      products: [{ id: 'SKU1' }, { id: 'HZ', hazmat: true }],
      inventory: [
        { productId: 'SKU1', facilityId: 'A', available: 3 },
        { productId: 'HZ', facilityId: 'A', available: 3 },
      ],
    });
    expect(out.orders[0].shipments).toEqual([
      { facilityId: 'A', carrier: null, backordered: false, items: [{ seq: '1', quantity: 1 }, { seq: '2', quantity: 1 }], decidedBy: 'SINGLE_FACILITY', distanceKm: null },
    ]);
  });
});
