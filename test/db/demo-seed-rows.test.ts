/**
 * The set-based demo seed writes what the use cases would: the same generated data put through
 * `upsertFacility`, `upsertProduct` and the order import (`createOrder`, then `approveOrder` for
 * the approved ones, one order at a time, which is how the seed wrote it before) leaves the same
 * facilities, products, customers, orders, items, payments and item history, ids and times aside.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { generateDemoData, seedDemo } from '../../src/app/demo';
import { upsertFacility, upsertProduct } from '../../src/app/catalog';
import { importOrders } from '../../src/app/import-orders';
import { customers, facilities, itemHistory, orderItems, orderPayments, orders, products } from '../../src/db/schema';
import type { Database } from '../../src/db/client';
import { createTestDatabase, ENGINES } from '../support/db';

const NOW = new Date('2026-11-20T18:00:00Z');
const OPTS = { orders: 60, seed: 5, now: NOW };

/** The reference: the data set through the use cases, order by order. */
async function throughUseCases(d: Database) {
  const data = generateDemoData(OPTS);
  for (const f of data.facilities) expect((await d.db.transaction((tx) => upsertFacility(tx, f))).kind).toBe('ok');
  for (const p of data.products) {
    const product = { id: p.id, sku: p.id, name: p.name, hazmat: p.hazmat, sample: p.sample, warehouseId: p.warehouseId, netsuiteItemId: p.netsuiteItemId };
    expect((await d.db.transaction((tx) => upsertProduct(tx, product))).kind).toBe('ok');
  }
  const approve = data.orders.length - data.created;
  const a = await importOrders(d.db, { text: JSON.stringify(data.orders.slice(0, approve)), format: 'json' }, { actor: 'demo', approve: true });
  const c = await importOrders(d.db, { text: JSON.stringify(data.orders.slice(approve)), format: 'json' }, { actor: 'demo' });
  expect([a.rejected, c.rejected]).toEqual([[], []]);
}

const omit = <T extends Record<string, unknown>>(row: T, keys: string[]) => Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k)));

/** Each item's moves, in their order. */
function movesByItem(rows: { orderId: string | null | undefined; orderItemSeqId: string }[]) {
  const out = new Map<string, unknown[]>();
  for (const h of rows) {
    const k = `${h.orderId}/${h.orderItemSeqId}`;
    out.set(k, [...(out.get(k) ?? []), omit(h, ['id', 'createdAt', 'orderId'])]);
  }
  return out;
}

/** Every row the seed writes, keyed by external ids instead of generated ids, without timestamps. */
async function canonical(d: Database) {
  const cs = await d.db.select().from(customers);
  const customerExt = new Map(cs.map((c) => [c.id, c.externalId]));
  const os = await d.db.select().from(orders).orderBy(asc(orders.id));
  const orderExt = new Map(os.map((o) => [o.id, o.externalId]));
  const byOrder = <T extends { orderId: string }>(r: T) => ({ ...r, orderId: orderExt.get(r.orderId) });
  const sort = <T>(list: T[]) => list.map((x) => JSON.stringify(x)).sort();
  return {
    facilities: sort((await d.db.select().from(facilities)).map((f) => omit(f, ['createdAt']))),
    products: sort((await d.db.select().from(products)).map((p) => omit(p, ['createdAt']))),
    customers: sort(cs.map((c) => omit(c, ['id', 'createdAt']))),
    orders: sort(os.map((o) => ({ ...omit(o, ['id', 'createdAt', 'updatedAt', 'customerId']), customer: customerExt.get(o.customerId!) }))),
    items: sort((await d.db.select().from(orderItems)).map((i) => omit(byOrder(i), ['updatedAt']))),
    payments: sort((await d.db.select().from(orderPayments)).map((p) => omit(byOrder(p), ['id', 'createdAt']))),
    // An item's moves in their order (by id), every item's list compared.
    history: sort([...movesByItem((await d.db.select().from(itemHistory).orderBy(asc(itemHistory.id))).map(byOrder))]),
    /** Ids sort in creation order, as they did when each order was its own transaction. */
    externalIdsByOrderId: os.map((o) => o.externalId),
  };
}

describe.each(ENGINES)('demo seed rows on %s', { timeout: 240_000 }, (engine) => {
  let seeded: Database;
  let reference: Database;
  beforeAll(async () => {
    [seeded, reference] = await Promise.all([createTestDatabase(engine), createTestDatabase(engine)]);
    const r = await seedDemo(seeded.db, OPTS);
    expect(r).toMatchObject({ skipped: false, orders: { approved: 55, created: 5, existing: 0, rejected: [] } });
    await throughUseCases(reference);
  });
  afterAll(async () => { await seeded?.close(); await reference?.close(); });

  it('are the rows the use cases write, one order at a time', async () => {
    const [a, b] = [await canonical(seeded), await canonical(reference)];
    expect(a.orders.length).toBe(60);
    expect(a.history.length).toBe(a.items.length);
    for (const k of ['facilities', 'products', 'customers', 'orders', 'items', 'payments', 'history'] as const) expect(a[k], k).toEqual(b[k]);
    const inSeedOrder = generateDemoData(OPTS).orders.map((o) => o.externalId);
    expect(a.externalIdsByOrderId).toEqual(inSeedOrder);
    expect(b.externalIdsByOrderId).toEqual(inSeedOrder);
  });
});
