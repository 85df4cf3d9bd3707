/**
 * Routing a profile segment chunk by chunk (as a batch is routed while its earlier chunks are
 * written) plans exactly what routing the whole segment in one engine call plans: the same
 * decisions, reservations (backordered lines included), item moves and order statuses, whatever
 * the chunk size. Pure: no database.
 */
import { describe, expect, it } from 'vitest';
import { availableStock, BackorderStock, emptyPlan, placedInFull, planOrder, type Plan } from '../../src/app/brokering/persist';
import { SegmentEngine } from '../../src/app/brokering/route-batch';
import type { ClaimedOrder, ItemFact, LockedLevel } from '../../src/db/brokering.repo';
import { BROKERING_QUEUE } from '../../src/db/reference-data';
import { mulberry32 } from '../../src/domain/prng';
import { routeOrders, withDefaults, type Facility, type Order, type RoutingSettings } from '../../src/domain/routing/index';

function instance(seed: number) {
  const r = mulberry32(seed);
  const int = (n: number) => Math.floor(r() * n);
  const facilities: Facility[] = Array.from({ length: 8 }, (_, i) => ({
    id: `F${i}`, type: i % 3 === 0 ? 'WAREHOUSE' : 'STORE', ranking: 1 + int(4), country: 'US', latitude: 38 + r() * 6, longitude: -80 + r() * 8,
    dailyOrderLimit: r() < 0.3 ? 2 + int(4) : null,
  }));
  const products = Array.from({ length: 5 }, (_, p) => ({ id: `P${p}`, hazmat: r() < 0.2, warehouseId: r() < 0.7 ? facilities[int(8)].id : null }));
  const levels: LockedLevel[] = [];
  for (const p of products) {
    for (const f of facilities) if (r() < 0.5) levels.push({ productId: p.id, facilityId: f.id, onHand: int(7), reserved: int(2), safetyStock: int(2) });
  }
  const orders: { o: ClaimedOrder; r: Order }[] = Array.from({ length: 40 }, (_, k) => {
    const id = `O${String(k).padStart(3, '0')}`;
    const shipTo = { country: 'US', latitude: 38 + r() * 6, longitude: -80 + r() * 8 };
    const items: ItemFact[] = Array.from({ length: 1 + int(3) }, (_, i) => ({
      orderId: id, seqId: String(i + 1).padStart(5, '0'), productId: `P${int(5)}`, quantity: 1 + int(4), status: 'APPROVED', facilityId: BROKERING_QUEUE, unitPrice: '1',
    }));
    const o: ClaimedOrder = { id, priority: 0, orderDate: new Date(0), salesChannel: 'WEB', accountingCode: null, shipTo, items, exclusions: new Map() };
    return { o, r: { id, shipTo, items: items.map((i) => ({ seq: i.seqId, productId: i.productId, quantity: i.quantity })) } };
  });
  return { facilities, products, levels, orders };
}

const settingsList: Partial<RoutingSettings>[] = [
  { routeToHighestPriorityWarehouse: true, allowSplitFulfillment: true },
  { routeToHighestPriorityWarehouse: true, noSplitOrder: true },
  { assignWarehouseByProduct: true },
  { allowSplitFulfillment: true, shipFromClosestLocation: true, setOrderStatusToException: false },
  {},
];

/** A plan without its per-call bookkeeping, comparable as a whole. */
const rows = (p: Plan) => ({ ...p, facilityOrders: [...p.facilityOrders].sort() });

/** The plans of the chunks, concatenated in order. */
function concat(plans: Plan[]): Plan {
  const all = emptyPlan();
  for (const p of plans) {
    for (const k of ['reservations', 'itemUpdates', 'newItems', 'history', 'decisions', 'orders'] as const) (all[k] as unknown[]).push(...p[k]);
    for (const [f, n] of p.facilityOrders) all.facilityOrders.set(f, (all.facilityOrders.get(f) ?? 0) + n);
    for (const k of ['allocated', 'exception', 'queued'] as const) all.counts[k] += p.counts[k];
  }
  return all;
}

describe('a segment routed chunk by chunk', () => {
  it('plans what one engine call over the whole segment plans, for any chunk size', () => {
    let backordered = 0;
    for (let seed = 1; seed <= 30; seed++) {
      for (const settings of settingsList) {
        const inst = instance(seed);
        const stock = availableStock(inst.levels);
        const whole = emptyPlan();
        const out = routeOrders({ settings, facilities: inst.facilities, products: inst.products, inventory: stock, orders: inst.orders.map((x) => x.r) });
        const items = new Map(inst.orders.map((x) => [x.o.id, x.o.items]));
        const backorders = new BackorderStock(stock, out.inventory, placedInFull(out.orders, items));
        out.orders.forEach((result, k) => planOrder(whole, inst.orders[k].o.id, inst.orders[k].o.items, result, backorders));
        backordered += whole.itemUpdates.filter((u) => u.backordered).length;
        for (const size of [1, 7, 40]) {
          const engine = new SegmentEngine(withDefaults(settings), inst.facilities, inst.products, stock);
          const plans: Plan[] = [];
          for (let at = 0; at < inst.orders.length; at += size) plans.push(engine.plan(inst.orders.slice(at, at + size)));
          expect(rows(concat(plans)), `seed ${seed} ${JSON.stringify(settings)} chunks of ${size}`).toEqual(rows(whole));
          expect(engine.remaining()).toEqual(out.inventory);
        }
      }
    }
    expect(backordered).toBeGreaterThan(0);
  });
});
