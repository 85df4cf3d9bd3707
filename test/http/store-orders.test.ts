/**
 * The Store Fulfillment App's order routes over the real server (fastify inject, API tokens):
 * the store's tabs with counts (one statement for the list, one for the counts), search, one order,
 * pack / ship as one package / reject the whole order, the reject of part of an item (a split), the
 * next brokering run, and the outcomes: 404 for another store's order, 409 when the order changed
 * meanwhile (a NetSuite rejection re-brokered to the store, a parallel reject holding the order's
 * lock), 400 naming the field, and nothing half applied.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InjectOptions } from 'fastify';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { buildServer, type App } from '../../src/http/server';
import { createJobRegistry, seedJobDefinitions, setJobEnabled } from '../../src/jobs';
import { brokeringJob } from '../../src/wiring';
import { approveOrder, createOrder, getOrder, lockOrder } from '../../src/app/orders';
import { packItem } from '../../src/app/fulfilment';
import { rejectItem } from '../../src/app/rejections';
import { runBrokering } from '../../src/app/brokering';
import { setInventory } from '../../src/app/catalog';
import { saveProfile } from '../../src/app/routing-profiles';
import { ledgerInconsistencies } from '../../src/db/inventory.repo';
import { rejections } from '../../src/db/schema';
import type { Database } from '../../src/db/client';
import { createTestDatabase, ENGINES } from '../support/db';
import { expectOk, orderBody, seedCatalog, WH_NJ } from '../support/fixtures';
import { injectAs, testUser, type TestUser } from '../support/auth';

const NYC = { id: 'STORE_NYC', name: 'NYC Store', type: 'STORE' as const, postalCode: '10001', city: 'New York', state: 'NY', ranking: 1 };
const BOS = { id: 'STORE_BOS', name: 'Boston Store', type: 'STORE' as const, postalCode: '02108', city: 'Boston', state: 'MA', ranking: 2 };
const BOSTON_SHIP_TO = { name: 'Grace Hopper', address1: '2 Beacon St', city: 'Boston', state: 'MA', postalCode: '02108', country: 'US' };

describe.each(ENGINES)('store orders API on %s', (engine) => {
  let d: Database;
  let app: App;
  let now = new Date();
  let nyc: TestUser, bos: TestUser, ops: TestUser;
  const config = loadConfig({ LOG_LEVEL: 'silent', OMS_JOBS: 'false' });

  type Call = ReturnType<typeof injectAs>;
  let asNyc: Call, asBos: Call, asOps: Call;
  const get = (as: Call, url: string) => as({ method: 'GET', url });
  const post = (as: Call, url: string, payload: unknown = {}) => as({ method: 'POST', url, payload: payload as InjectOptions['payload'] });
  const list = async (as: Call, store: string, query = '') => {
    const r = await get(as, `/facilities/${store}/orders${query}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { facility: { id: string; name: string }; now: string; orders: any[]; counts: Record<string, number>; nextOffset: number | null };
  };
  const ids = (orders: { id: string }[]) => orders.map((o) => o.id);
  const order = async (id: string) => (await getOrder(d.db, id))!;

  let day = 0;
  /** Creates and approves an order (placed `day` days after the first, so the lists' order is known). */
  const place = async (items: { productId: string; quantity: number }[], over: Record<string, unknown> = {}) => {
    const orderDate = new Date(Date.UTC(2026, 10, 1 + day++, 10)).toISOString();
    const { order: o } = expectOk(await d.db.transaction((tx) => createOrder(tx, orderBody({ items, orderDate, ...over }))));
    expectOk(await d.db.transaction((tx) => approveOrder(tx, o.id)));
    return o.id;
  };
  const broker = () => runBrokering(d, { trigger: 'test' });

  beforeAll(async () => {
    d = await createTestDatabase(engine);
    await seedCatalog(d.db, {
      facilities: [NYC, BOS, WH_NJ],
      products: [
        { id: 'SKU1', sku: 'MUG-BLUE', name: 'Blue Ceramic Mug' }, { id: 'SKU2', sku: 'TOTE-CANVAS', name: 'Canvas Tote Bag' },
        { id: 'SKU3', sku: 'LAMP-DESK', name: 'Desk Lamp' }, { id: 'SKU4', sku: 'RUG-WOOL', name: 'Wool Rug', netsuiteItemId: '9004' },
      ],
      stock: [['SKU1', 'STORE_NYC', 50], ['SKU2', 'STORE_NYC', 50], ['SKU3', 'STORE_BOS', 20], ['SKU1', 'STORE_BOS', 20], ['SKU4', 'WH_NJ', 5]],
    });
    expectOk(await d.db.transaction((tx) => saveProfile(tx, 'default', { settings: { allowSplitFulfillment: true } }, 'test')));
    const registry = createJobRegistry([brokeringJob(d, config)]);
    await seedJobDefinitions(d.db, registry);
    nyc = await testUser(d.db, 'store', ['STORE_NYC'], 'nyc-clerk');
    bos = await testUser(d.db, 'store', ['STORE_BOS'], 'bos-clerk');
    ops = await testUser(d.db, 'operations', [], 'ops-user');
    app = await buildServer({ database: d, config, log: createLogger('silent'), jobs: { registry }, clock: () => now });
    await app.ready();
    [asNyc, asBos, asOps] = [nyc, bos, ops].map((u) => injectAs(app, u));
  });
  afterAll(async () => { await app?.close(); await d?.close(); });

  it('lists the open tab oldest first with the items at the store, products named, ship-to, age and counts; another store sees none of it', async () => {
    const A = await place([{ productId: 'SKU1', quantity: 2 }, { productId: 'SKU2', quantity: 1 }], { shippingMethod: 'GROUND' });
    const B = await place([{ productId: 'SKU2', quantity: 1 }], { shippingMethod: 'NEXT_DAY' });
    const C = await place([{ productId: 'SKU3', quantity: 1 }], { shipTo: BOSTON_SHIP_TO, customer: { firstName: 'Grace', lastName: 'Hopper' } });
    expect(await broker()).toMatchObject({ status: 'COMPLETED', allocated: 4 });

    const page = await list(asNyc, 'STORE_NYC');
    expect(page.facility).toEqual({ id: 'STORE_NYC', name: 'NYC Store', city: 'New York', state: 'NY' });
    expect(new Date(page.now).getTime()).toBe(now.getTime());
    expect(ids(page.orders)).toEqual([A, B]);
    expect(page.counts).toEqual({ open: 2, 'in-progress': 0, 'completed-today': 0 });
    expect(page.orders[0]).toMatchObject({
      id: A, tab: 'open', shippingMethod: 'GROUND', orderDate: new Date(Date.UTC(2026, 10, 1, 10)).toISOString(), customerName: 'Ada Lovelace',
      shipTo: { name: 'Ada Lovelace', address1: '1 Main St', city: 'New York', state: 'NY', postalCode: '10002', country: 'US' },
      items: [
        { seqId: '00001', productId: 'SKU1', sku: 'MUG-BLUE', productName: 'Blue Ceramic Mug', quantity: 2, status: 'ALLOCATED' },
        { seqId: '00002', productId: 'SKU2', sku: 'TOTE-CANVAS', productName: 'Canvas Tote Bag', quantity: 1, status: 'ALLOCATED' },
      ],
    });
    // Nothing of the customer beyond the ship-to and the name: no e-mail, no phone.
    expect(JSON.stringify(page)).not.toContain('ada@example.com');

    const boston = await list(asBos, 'STORE_BOS');
    expect(ids(boston.orders)).toEqual([C]);
    expect(boston.orders[0].items.map((i: any) => i.sku)).toEqual(['LAMP-DESK']);
    // Another store's list, or one of its orders, is the 404 of an unknown facility or order.
    const theirs = await get(asNyc, '/facilities/STORE_BOS/orders');
    expect(theirs.statusCode).toBe(404);
    const unknown = (await get(asNyc, '/facilities/NO_SUCH_STORE/orders')).json();
    expect(theirs.json()).toEqual({ ...unknown, message: unknown.message.replace('NO_SUCH_STORE', 'STORE_BOS') });
    const other = await get(asNyc, `/facilities/STORE_NYC/orders/${C}`);
    expect(other.statusCode).toBe(404);
    expect(other.json().message).toBe((await get(asNyc, '/facilities/STORE_NYC/orders/ORD-NOPE')).json().message.replace('ORD-NOPE', C));
    expect((await get(asNyc, `/facilities/STORE_NYC/orders/${A}`)).json().order).toEqual(page.orders[0]);
    // A facility the OMS does not fulfil as a store (operations may ask): 409 naming its type.
    expect((await get(asOps, '/facilities/WH_NJ/orders')).statusCode).toBe(409);
  });

  it('reads a list with one statement and its counts with another, whatever the number of orders and items', async () => {
    const execute = vi.spyOn(d.db, 'execute');
    const dialect = new PgDialect();
    try {
      const page = await list(asNyc, 'STORE_NYC');
      expect(page.orders.flatMap((o) => o.items).length).toBeGreaterThanOrEqual(3);
      const statements = execute.mock.calls.map(([q]) => dialect.sqlToQuery(q as any).sql).filter((s) => s.includes('order_items'));
      expect(statements).toHaveLength(2);
      expect(statements[0]).toContain('json_agg');
      expect(statements[1]).toContain('count(*)');
    } finally {
      execute.mockRestore();
    }
  });

  it('searches by part of the order id, the SKU and the customer or ship-to name, in every tab; pages with limit', async () => {
    const [A, B] = ids((await list(asNyc, 'STORE_NYC')).orders);
    expect(ids((await list(asNyc, 'STORE_NYC', `?q=${A.slice(-6).toLowerCase()}`)).orders)).toEqual([A]);
    expect(ids((await list(asNyc, 'STORE_NYC', '?q=mug-blue')).orders)).toEqual([A]);
    expect(ids((await list(asNyc, 'STORE_NYC', '?q=tote')).orders)).toEqual([A, B]);
    expect(ids((await list(asNyc, 'STORE_NYC', '?q=lovelace')).orders)).toEqual([A, B]);
    // The search holds the store to its own items: Boston's lamp is not found at NYC.
    const none = await list(asNyc, 'STORE_NYC', '?q=LAMP');
    expect(none).toMatchObject({ orders: [], counts: { open: 0, 'in-progress': 0, 'completed-today': 0 } });
    const first = await list(asNyc, 'STORE_NYC', '?limit=1');
    expect([ids(first.orders), first.nextOffset]).toEqual([[A], 1]);
    const second = await list(asNyc, 'STORE_NYC', '?limit=1&offset=1');
    expect([ids(second.orders), second.nextOffset]).toEqual([[B], null]);
    const bad = await get(asNyc, '/facilities/STORE_NYC/orders?tab=later');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('tab');
  });

  it('packs the rest of a partly packed order (In progress), ships it as one package, then Completed today until the day ends', async () => {
    const [A] = ids((await list(asNyc, 'STORE_NYC')).orders);
    // One item packed through the item route first: the order is in progress.
    expectOk(await d.db.transaction((tx) => packItem(tx, { orderId: A, seqId: '00001', facilityId: 'STORE_NYC', actor: 'nyc-clerk' })));
    expect((await list(asNyc, 'STORE_NYC', '?tab=in-progress')).orders.map((o) => [o.id, o.items.map((i: any) => i.status)]))
      .toEqual([[A, ['PACKED', 'ALLOCATED']]]);
    const packed = await post(asNyc, `/facilities/STORE_NYC/orders/${A}/pack`, { seqIds: ['00001', '00002'] });
    expect(packed.statusCode, packed.body).toBe(200);
    expect(packed.json()).toMatchObject({ seqIds: ['00002'], order: { id: A, tab: 'in-progress', items: [{ status: 'PACKED' }, { status: 'PACKED' }] } });
    expect(await post(asNyc, `/facilities/STORE_NYC/orders/${A}/pack`)).toMatchObject({ statusCode: 200 });
    expect((await post(asNyc, `/facilities/STORE_NYC/orders/${A}/pack`)).json()).toEqual({ noop: true, message: `every item of order ${A} at STORE_NYC is packed already` });

    const missing = await post(asNyc, `/facilities/STORE_NYC/orders/${A}/ship`, { trackingNumber: '1Z999' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual([{ field: 'carrier', message: 'is required' }]);
    const shipped = await post(asNyc, `/facilities/STORE_NYC/orders/${A}/ship`, { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' });
    expect(shipped.statusCode, shipped.body).toBe(200);
    expect(shipped.json()).toMatchObject({ seqIds: ['00001', '00002'], order: { id: A, tab: 'completed-today' } });
    const o = await order(A);
    expect(o.status).toBe('COMPLETED');
    expect(o.items.map((i) => [i.status, i.carrier, i.trackingNumber])).toEqual([['SHIPPED', 'UPS', '1Z999AA10123456784'], ['SHIPPED', 'UPS', '1Z999AA10123456784']]);
    const history = (await get(asOps, `/orders/${A}/items/00002/history`)).json().history;
    expect(history.slice(-2).map((h: any) => [h.toStatus, h.actor])).toEqual([['PACKED', 'nyc-clerk'], ['SHIPPED', 'nyc-clerk']]);
    const page = await list(asNyc, 'STORE_NYC', '?tab=completed-today');
    expect(ids(page.orders)).toEqual([A]);
    expect(page.counts).toEqual({ open: 1, 'in-progress': 0, 'completed-today': 1 });

    const again = await post(asNyc, `/facilities/STORE_NYC/orders/${A}/ship`, { carrier: 'UPS', trackingNumber: '1Z000' });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe(`order ${A} has nothing left to do at STORE_NYC: its items there are shipped`);
    // The next day the order has left the lists.
    const today = now;
    now = new Date(today.getTime() + 86_400_000);
    try {
      expect((await list(asNyc, 'STORE_NYC', '?tab=completed-today')).counts['completed-today']).toBe(0);
    } finally {
      now = today;
    }
  });

  it('an order split across two stores: each store sees and ships only its own items', async () => {
    const M = await place([{ productId: 'SKU2', quantity: 1 }, { productId: 'SKU3', quantity: 1 }]);
    expect(await broker()).toMatchObject({ status: 'COMPLETED' });
    expect((await order(M)).items.map((i) => i.facilityId)).toEqual(['STORE_NYC', 'STORE_BOS']);
    const atNyc = (await get(asNyc, `/facilities/STORE_NYC/orders/${M}`)).json().order;
    expect(atNyc.items.map((i: any) => i.seqId)).toEqual(['00001']);
    const shipped = await post(asNyc, `/facilities/STORE_NYC/orders/${M}/ship`, { carrier: 'FedEx', trackingNumber: 'FX1', seqIds: ['00001'] });
    expect(shipped.json()).toMatchObject({ seqIds: ['00001'], order: { tab: 'completed-today' } });
    expect((await order(M)).items.map((i) => i.status)).toEqual(['SHIPPED', 'ALLOCATED']);
    expect((await get(asBos, `/facilities/STORE_BOS/orders/${M}`)).json().order).toMatchObject({ tab: 'open', items: [{ seqId: '00002', sku: 'LAMP-DESK' }] });
    // Boston cannot act on NYC's item of it: its seq is not at Boston, so it is unknown there.
    const theirs = await post(asBos, `/facilities/STORE_BOS/orders/${M}/pack`, { seqIds: ['00001', '00002'] });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().message).toBe(`order item ${M}/00001 at STORE_BOS not found`);
  });

  it('rejects a whole order with one reason: every item at the store back in the queue, the store excluded; a bad reason changes nothing', async () => {
    const R = await place([{ productId: 'SKU1', quantity: 1 }, { productId: 'SKU2', quantity: 2 }]);
    expect(await broker()).toMatchObject({ status: 'COMPLETED' });
    const url = `/facilities/STORE_NYC/orders/${R}/reject`;
    const unknown = await post(asNyc, url, { reasonId: 'NO_SUCH_REASON' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: 'invalid', errors: [{ field: 'reasonId', message: 'unknown rejection reason NO_SUCH_REASON' }] });
    expect((await post(asNyc, url, {})).json().errors).toEqual([{ field: 'reasonId', message: 'is required' }]);
    expect((await order(R)).items.map((i) => [i.status, i.facilityId])).toEqual([['ALLOCATED', 'STORE_NYC'], ['ALLOCATED', 'STORE_NYC']]);
    // Operations read the store lists but do not act for a store.
    expect((await post(asOps, url, { reasonId: 'REJECT_ENTIRE_ORDER' })).statusCode).toBe(403);

    const r = await post(asNyc, url, { reasonId: 'REJECT_ENTIRE_ORDER', comments: 'customer called', seqIds: ['00001', '00002'] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ seqIds: ['00001', '00002'], order: null });
    const o = (await get(asOps, `/orders/${R}`)).json();
    expect(o.items.map((i: any) => [i.status, i.facilityId])).toEqual([['APPROVED', '_NA_'], ['APPROVED', '_NA_']]);
    const recorded = (await d.db.select().from(rejections)).filter((x) => x.orderId === R);
    expect(recorded.map((x) => [x.orderItemSeqId, x.reason, x.comments, x.actor, x.quantity])).toEqual([
      ['00001', 'REJECT_ENTIRE_ORDER', 'customer called', 'nyc-clerk', 1], ['00002', 'REJECT_ENTIRE_ORDER', 'customer called', 'nyc-clerk', 2],
    ]);
    expect((await get(asNyc, `/facilities/STORE_NYC/orders/${R}`)).statusCode).toBe(404);
    // The next run places them elsewhere: NYC is excluded for both, Boston has them.
    expectOk(await d.db.transaction((tx) => setInventory(tx, 'SKU2', 'STORE_BOS', 5, 'test')));
    await broker();
    expect((await order(R)).items.map((i) => i.facilityId)).toEqual(['STORE_BOS', 'STORE_BOS']);
    expect((await post(asNyc, url, { reasonId: 'REJECT_ENTIRE_ORDER' })).json()).toMatchObject({
      error: 'conflict', message: `order ${R} has no item left at STORE_NYC: another operation moved them`,
    });
    expect(await ledgerInconsistencies(d.db)).toEqual([]);
  });

  it('rejects part of an item by splitting it: the rest stays at the store with its share of the reservation, the piece goes back to the queue', async () => {
    const P = await place([{ productId: 'SKU1', quantity: 3 }]);
    expect(await broker()).toMatchObject({ status: 'COMPLETED' });
    const level = async () => (await get(asNyc, '/inventory?productId=SKU1&facilityId=STORE_NYC')).json().inventory[0];
    const before = await level();
    const url = `/facilities/STORE_NYC/orders/${P}/items/00001/reject`;
    const tooMany = await post(asNyc, url, { reasonId: 'VAR_DAMAGED', quantity: 4 });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors).toEqual([{ field: 'quantity', message: `must be at most 3, the quantity of item ${P}/00001` }]);

    const r = await post(asNyc, url, { reasonId: 'VAR_DAMAGED', quantity: 1, comments: 'dented' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ rejectedSeqId: '00002', quantity: 1, kept: { seqId: '00001', quantity: 2 }, order: { items: [{ seqId: '00001', quantity: 2 }] } });
    const o = await order(P);
    expect(o.items.map((i) => [i.seqId, i.parentSeqId, i.quantity, i.status, i.facilityId, i.netsuiteSync])).toEqual([
      ['00001', null, 2, 'ALLOCATED', 'STORE_NYC', 'SPLIT'], ['00002', '00001', 1, 'APPROVED', '_NA_', 'SPLIT'],
    ]);
    // Damaged: one unit less on hand; the rejected unit's reservation released, the rest still reserved.
    expect(await level()).toMatchObject({ onHand: before.onHand - 1, reserved: before.reserved - 1 });
    expect(await ledgerInconsistencies(d.db)).toEqual([]);
    const history = (await get(asOps, `/orders/${P}/items/00002/history`)).json().history;
    expect(history.map((h: any) => [h.toStatus, h.toFacilityId, h.reason])).toEqual([
      ['ALLOCATED', 'STORE_NYC', 'SPLIT_FROM 00001'], ['APPROVED', '_NA_', 'REJECTED VAR_DAMAGED by STORE'],
    ]);
    // The whole rest: no split, the item itself is rejected.
    const rest = await post(asNyc, url, { reasonId: 'NO_VARIANCE_LOG', quantity: 2 });
    expect(rest.json()).toMatchObject({ rejectedSeqId: '00001', quantity: 2, kept: null, order: null });
    expect((await order(P)).items.map((i) => [i.seqId, i.quantity, i.facilityId])).toEqual([['00001', 2, '_NA_'], ['00002', 1, '_NA_']]);
    expect(await ledgerInconsistencies(d.db)).toEqual([]);
  });

  it('409 and nothing shipped when NetSuite rejected an item that brokering then placed at the store after the associate loaded the order', async () => {
    const N = await place([{ productId: 'SKU2', quantity: 1 }, { productId: 'SKU4', quantity: 1 }]);
    expect(await broker()).toMatchObject({ status: 'COMPLETED' });
    expect((await order(N)).items.map((i) => i.facilityId)).toEqual(['STORE_NYC', 'WH_NJ']);
    const seen = (await get(asNyc, `/facilities/STORE_NYC/orders/${N}`)).json().order.items.map((i: any) => i.seqId);
    expect(seen).toEqual(['00001']);
    // NetSuite rejects the warehouse line; the next run finds the rug at NYC now.
    expectOk(await d.db.transaction((tx) => rejectItem(tx, { orderId: N, seqId: '00002', source: 'NETSUITE', actor: 'netsuite' })));
    expectOk(await d.db.transaction((tx) => setInventory(tx, 'SKU4', 'STORE_NYC', 1, 'test')));
    expect(await broker()).toMatchObject({ status: 'COMPLETED' });
    const r = await post(asNyc, `/facilities/STORE_NYC/orders/${N}/ship`, { carrier: 'UPS', trackingNumber: '1ZRACE', seqIds: seen });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toEqual({ error: 'conflict', message: `item ${N}/00002 was allocated to STORE_NYC meanwhile; reload the order` });
    expect((await order(N)).items.map((i) => [i.status, i.trackingNumber])).toEqual([['ALLOCATED', null], ['ALLOCATED', null]]);
  });

  it('a ship that waits for the lock of a parallel reject of one of its items: 409, the other item not shipped', async () => {
    const S = await place([{ productId: 'SKU1', quantity: 1 }, { productId: 'SKU2', quantity: 1 }]);
    expect(await broker()).toMatchObject({ status: 'COMPLETED' });
    let release!: () => void;
    const released = new Promise<void>((r) => { release = r; });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => { locked = r; });
    // Another associate's reject holds the order's lock until the ship request waits for it.
    const other = d.db.transaction(async (tx) => {
      await lockOrder(tx, S);
      expectOk(await rejectItem(tx, { orderId: S, seqId: '00002', reasonId: 'NOT_IN_STOCK', source: 'STORE', actor: 'other', expectedFacilityId: 'STORE_NYC' }));
      locked();
      await released;
    });
    await isLocked;
    const ship = post(asNyc, `/facilities/STORE_NYC/orders/${S}/ship`, { carrier: 'UPS', trackingNumber: '1ZLOCK', seqIds: ['00001', '00002'] });
    if (engine === 'postgres') await waitForLockWaiter(d);
    release();
    await other;
    const r = await ship;
    expect(r.statusCode).toBe(409);
    expect(r.json().message).toBe(`item ${S}/00002 is no longer at STORE_NYC: another operation moved it`);
    expect((await order(S)).items.map((i) => [i.status, i.facilityId])).toEqual([['ALLOCATED', 'STORE_NYC'], ['APPROVED', '_NA_']]);
    // Without the associate's view, the ship sends what is at the store now.
    expect((await post(asNyc, `/facilities/STORE_NYC/orders/${S}/ship`, { carrier: 'UPS', trackingNumber: '1ZLOCK' })).json()).toMatchObject({ seqIds: ['00001'] });
  });

  it('names the next brokering run from the job schedule; none while the job is paused', async () => {
    const r = await get(asNyc, '/brokering/next-run');
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ job: 'BROKERING_RUN', cron: '*/15 * * * *', enabled: true, running: false });
    const next = new Date(body.nextRunAt);
    expect(next.getTime()).toBeGreaterThan(now.getTime());
    expect(next.getTime() - now.getTime()).toBeLessThanOrEqual(15 * 60_000);
    expect(next.getUTCMinutes() % 15).toBe(0);
    expectOk(await setJobEnabled(d.db, undefined, 'BROKERING_RUN', false));
    expect((await get(asNyc, '/brokering/next-run')).json()).toMatchObject({ nextRunAt: null, enabled: false });
  });
});

/** Waits until a backend of the test database waits for a lock (the request blocked on the order's row lock). */
async function waitForLockWaiter(d: Database) {
  for (;;) {
    const r = await d.db.execute(sql`
      select count(*)::int as n
      from pg_stat_activity
      where datname = current_database()
        and wait_event_type = 'Lock'`);
    if ((r as unknown as { rows: { n: number }[] }).rows[0].n > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
