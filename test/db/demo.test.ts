import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { generateDemoData, seedDemo, type DemoSummary } from '../../src/app/demo';
import { ledgerInconsistencies } from '../../src/db/inventory.repo';
import { customers, facilities, inventoryLevels, orderItems, orderPayments, orders, products } from '../../src/db/schema';
import { lookupUsZip } from '../../src/geo/zip';
import type { Database } from '../../src/db/client';
import { createTestDatabase, ENGINES } from '../support/db';

const NOW = new Date('2026-11-20T18:00:00Z');

describe('demo data generator', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateDemoData({ orders: 40, seed: 7, now: NOW });
    const b = generateDemoData({ orders: 40, seed: 7, now: NOW });
    expect(b).toEqual(a);
    const c = generateDemoData({ orders: 40, seed: 8, now: NOW });
    expect(c.orders.map((o) => o.items)).not.toEqual(a.orders.map((o) => o.items));
    expect(c.products.map((p) => p.id)).not.toEqual(a.products.map((p) => p.id));
  });

  it('spreads orders over the last days with 1-4 lines, mostly priority 0, at real US ZIP codes', () => {
    const d = generateDemoData({ orders: 400, seed: 3, days: 4, now: NOW });
    expect(d.orders).toHaveLength(400);
    const dates = d.orders.map((o) => Date.parse(o.orderDate as string));
    expect(Math.min(...dates)).toBeGreaterThanOrEqual(NOW.getTime() - 4 * 86_400_000);
    expect(Math.max(...dates)).toBeLessThanOrEqual(NOW.getTime());
    expect(dates).toEqual([...dates].sort((x, y) => x - y));
    const lines = d.orders.map((o) => (o.items as unknown[]).length);
    expect(Math.min(...lines)).toBe(1);
    expect(Math.max(...lines)).toBe(4);
    const prio = d.orders.map((o) => o.priority as number);
    expect(prio.filter((p) => p === 0).length).toBeGreaterThan(prio.length * 0.6);
    expect(new Set(prio)).toEqual(new Set([0, 1, 2]));
    expect(new Set(d.orders.map((o) => o.salesChannel))).toEqual(new Set(['WEB', 'POS', 'MARKETPLACE']));
    const zips = d.orders.map((o) => (o.shipTo as { postalCode: string }).postalCode);
    expect(zips.every((z) => lookupUsZip(z) !== null)).toBe(true);
    expect(new Set(zips.map((z) => z[0])).size).toBeGreaterThanOrEqual(8); // all over the country
    for (const o of d.orders) {
      const items = o.items as { quantity: number; unitPrice: number }[];
      const paid = (o.payments as { amount: number }[]).reduce((s, p) => s + p.amount, 0);
      expect(paid).toBeCloseTo(items.reduce((s, i) => s + i.quantity * i.unitPrice, 0) + (o.shippingCost as number), 2);
      expect((o.payments as { amount: number }[]).every((p) => p.amount > 0)).toBe(true);
    }
  });
});

describe.each(ENGINES)('demo seed on %s', (engine) => {
  let d: Database;
  let summary: DemoSummary;
  beforeAll(async () => {
    d = await createTestDatabase(engine);
    summary = await seedDemo(d.db, { orders: 50, seed: 11, now: NOW });
  });
  afterAll(async () => { await d?.close(); });

  it('creates 20 OMS stores and 3 NetSuite warehouses placed at their ZIP codes', async () => {
    expect(summary).toMatchObject({ skipped: false, facilities: { stores: 20, warehouses: 3 } });
    const all = await d.db.select().from(facilities).where(inArray(facilities.type, ['STORE', 'WAREHOUSE']));
    const stores = all.filter((f) => f.type === 'STORE');
    const whs = all.filter((f) => f.type === 'WAREHOUSE');
    expect(all).toHaveLength(23);
    expect(stores).toHaveLength(20);
    expect(stores.every((f) => f.fulfillmentSystem === 'OMS' && f.id.startsWith('STORE_'))).toBe(true);
    expect(whs).toHaveLength(3);
    for (const w of whs) {
      expect(w.fulfillmentSystem).toBe('NETSUITE');
      expect(w.netsuiteLocationId).toBeTruthy();
      expect(w.zipRanges.length).toBeGreaterThan(0);
      expect(w.accountingCodes.length).toBeGreaterThan(0);
    }
    // The warehouses' ZIP ranges together cover every ZIP.
    const covered = (zip: string) => whs.some((w) => w.zipRanges.some(([lo, hi]) => lo <= zip && zip <= hi));
    expect(['00601', '10001', '38118', '60611', '99501'].every(covered)).toBe(true);
    for (const f of all) {
      const at = lookupUsZip(f.postalCode!);
      expect(at, f.id).not.toBeNull();
      expect(f.latitude).toBeCloseTo(at!.latitude, 3);
      expect(f.longitude).toBeCloseTo(at!.longitude, 3);
    }
    expect(new Set(all.map((f) => f.state)).size).toBeGreaterThanOrEqual(15);
    expect(stores.filter((f) => !f.active)).toHaveLength(1);
    expect(all.filter((f) => f.dailyOrderLimit !== null).length).toBeGreaterThanOrEqual(2);
    expect(all.filter((f) => f.safetyStock > 0).length).toBeGreaterThanOrEqual(2);
    expect(new Set(all.map((f) => f.ranking)).size).toBeGreaterThan(5);
  });

  it('creates a few hundred products with hazmat, samples, warehouse assignments and NetSuite ids', async () => {
    const all = await d.db.select().from(products);
    expect(all.length).toBeGreaterThanOrEqual(200);
    expect(all.every((p) => !!p.netsuiteItemId && !p.autoCreated && p.name !== p.id)).toBe(true);
    const hazmat = all.filter((p) => p.hazmat);
    expect(hazmat.length).toBeGreaterThanOrEqual(5);
    expect(hazmat.some((p) => /aerosol/i.test(p.name))).toBe(true);
    expect(hazmat.some((p) => /batter/i.test(p.name))).toBe(true);
    expect(all.filter((p) => p.sample).length).toBeGreaterThanOrEqual(3);
    const assigned = all.filter((p) => p.warehouseId);
    expect(assigned.length).toBeGreaterThan(0);
    expect(assigned.every((p) => p.warehouseId!.startsWith('WH_'))).toBe(true);
    expect(new Set(all.map((p) => p.netsuiteItemId)).size).toBe(all.length);
  });

  it('spreads stock unevenly: deep warehouses, shallow stores, many zeros, never negative; ledger agrees', async () => {
    const levels = await d.db.select().from(inventoryLevels);
    expect(levels.length).toBeGreaterThan(1000);
    expect(levels.every((l) => l.onHand >= 0 && l.reserved === 0)).toBe(true);
    const sum = (pred: (f: string) => boolean) => levels.filter((l) => pred(l.facilityId)).reduce((s, l) => s + l.onHand, 0);
    const whUnits = sum((f) => f.startsWith('WH_'));
    const storeUnits = sum((f) => f.startsWith('STORE_'));
    expect(whUnits).toBeGreaterThan(storeUnits);
    const storeRows = levels.filter((l) => l.facilityId.startsWith('STORE_'));
    expect(Math.max(...storeRows.map((l) => l.onHand))).toBeLessThanOrEqual(20);
    expect(storeRows.filter((l) => l.onHand === 0).length).toBeGreaterThan(storeRows.length * 0.2);
    const hazmat = new Set((await d.db.select({ id: products.id }).from(products).where(eq(products.hazmat, true))).map((p) => p.id));
    expect(storeRows.some((l) => hazmat.has(l.productId))).toBe(false);
    expect(await ledgerInconsistencies(d.db)).toEqual([]);
  });

  it('creates the orders with customers and payments: most approved in the brokering queue, some still CREATED', async () => {
    if (summary.skipped) throw new Error('seed was skipped');
    expect(summary.orders).toEqual({ approved: 46, created: 4, existing: 0, rejected: [] });
    const all = await d.db.select().from(orders);
    expect(all).toHaveLength(50);
    const approved = all.filter((o) => o.status === 'APPROVED');
    expect(approved).toHaveLength(46);
    expect(all.filter((o) => o.status === 'CREATED')).toHaveLength(4);
    // The CREATED ones are the newest.
    const newestApproved = Math.max(...approved.map((o) => o.orderDate.getTime()));
    expect(all.filter((o) => o.status === 'CREATED').every((o) => o.orderDate.getTime() >= newestApproved)).toBe(true);
    const items = await d.db.select().from(orderItems);
    const byOrder = new Map(all.map((o) => [o.id, o.status]));
    for (const it of items) {
      if (byOrder.get(it.orderId) === 'APPROVED') expect(it).toMatchObject({ status: 'APPROVED', facilityId: '_NA_' });
      else expect(it).toMatchObject({ status: 'CREATED', facilityId: null });
    }
    expect(all.every((o) => typeof o.shipTo.latitude === 'number' && lookupUsZip(o.shipTo.postalCode!) !== null)).toBe(true);
    expect(all.every((o) => o.externalId && o.customerId)).toBe(true);
    const pos = all.filter((o) => o.salesChannel === 'POS');
    expect(pos.length).toBeGreaterThan(0);
    expect(pos.every((o) => o.originFacilityId?.startsWith('STORE_') && o.originFacilityId !== 'STORE_DETROIT')).toBe(true);
    expect((await d.db.select().from(customers)).length).toBeLessThan(50); // customers come back
    expect((await d.db.select().from(orderPayments)).length).toBeGreaterThanOrEqual(50);
    expect(all.every((o) => o.orderDate <= NOW && o.orderDate.getTime() >= NOW.getTime() - 3 * 86_400_000)).toBe(true);
  });

  it('a second seed is skipped and changes nothing', async () => {
    const before = (await d.db.select({ id: orders.id }).from(orders)).length;
    const again = await seedDemo(d.db, { orders: 10 });
    expect(again).toMatchObject({ skipped: true });
    expect((await d.db.select({ id: orders.id }).from(orders)).length).toBe(before);
    expect((await d.db.select({ id: facilities.id }).from(facilities).where(eq(facilities.type, 'STORE'))).length).toBe(20);
  });
});
