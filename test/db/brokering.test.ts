import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { approveOrder, createOrder, getItemHistory, getOrder } from '../../src/app/orders';
import { getAvailability } from '../../src/app/catalog';
import { getRun, listExceptions, orderExplanation, retryException, runBrokering } from '../../src/app/brokering';
import { saveProfile } from '../../src/app/routing-profiles';
import { ledgerInconsistencies } from '../../src/db/inventory.repo';
import { lockLevels } from '../../src/db/brokering.repo';
import { facilities, facilityExclusions, facilityOrderCounts, reservations } from '../../src/db/schema';
import type { Database } from '../../src/db/client';
import { createTestDatabase, ENGINES } from '../support/db';
import { expectOk, orderBody, seedCatalog, STORE_NYC, WH_CA, WH_NJ } from '../support/fixtures';

describe.each(ENGINES)('brokering runs on %s', (engine) => {
  let d: Database;
  const order = async (over: Record<string, unknown>) => {
    const { order: o } = expectOk(await d.db.transaction((tx) => createOrder(tx, orderBody(over))));
    expectOk(await d.db.transaction((tx) => approveOrder(tx, o.id)));
    return o.id;
  };
  beforeEach(async () => {
    d = await createTestDatabase(engine);
    await seedCatalog(d.db, {
      facilities: [STORE_NYC, WH_NJ, WH_CA],
      products: [{ id: 'SKU1' }, { id: 'SKU2' }, { id: 'HOT' }],
      stock: [['SKU1', 'WH_NJ', 5], ['SKU1', 'STORE_NYC', 1], ['SKU2', 'WH_CA', 2], ['SKU2', 'STORE_NYC', 1], ['HOT', 'WH_CA', 1]],
    });
  });
  afterEach(async () => { await d.close(); });

  it('allocates by ranking, reserves, writes history with run and rule, and keeps the explanation', async () => {
    const id = await order({ items: [{ productId: 'SKU1', quantity: 2 }] });
    const run = await runBrokering(d, { trigger: 'test' });
    expect(run).toMatchObject({ status: 'COMPLETED', orders: 1, items: 1, allocated: 1, exception: 0, queued: 0 });
    const o = (await getOrder(d.db, id))!;
    expect(o.status).toBe('ALLOCATED');
    expect(o.items[0]).toMatchObject({ status: 'ALLOCATED', facilityId: 'WH_NJ', quantity: 2 });
    expect((await getAvailability(d.db, { productId: 'SKU1', facilityId: 'WH_NJ' }))[0]).toMatchObject({ reserved: 2, available: 3 });
    const hist = await getItemHistory(d.db, id, '00001');
    expect(hist.at(-1)).toMatchObject({ fromFacilityId: '_NA_', toFacilityId: 'WH_NJ', runId: run.id, rule: 'SINGLE_FACILITY', toStatus: 'ALLOCATED' });
    const ex = expectOk(await orderExplanation(d.db, id));
    expect(ex.decisions[0].runId).toBe(run.id);
    expect((ex.decisions[0].result as any).explanation.join('\n')).toContain('WH_NJ');
    const r = expectOk(await getRun(d.db, run.id));
    expect(r.run).toMatchObject({ status: 'COMPLETED', allocated: 1 });
    // A second run finds nothing to do.
    expect(await runBrokering(d, { trigger: 'test' })).toMatchObject({ orders: 0, items: 0 });
  });

  it('routes by priority first, then order date: the urgent late order gets the last unit', async () => {
    const early = await order({ orderDate: '2026-11-01T00:00:00Z', priority: 0, items: [{ productId: 'HOT', quantity: 1 }] });
    const urgent = await order({ orderDate: '2026-11-05T00:00:00Z', priority: 2, items: [{ productId: 'HOT', quantity: 1 }] });
    await runBrokering(d, { trigger: 'test' });
    expect((await getOrder(d.db, urgent))!.status).toBe('ALLOCATED');
    const e = (await getOrder(d.db, early))!;
    expect(e.status).toBe('EXCEPTION');
    expect(e.exceptionReason).toBe('INSUFFICIENT_STOCK');
    expect(e.items[0]).toMatchObject({ status: 'EXCEPTION', facilityId: 'EXCEPTION_PARKING' });
    expect((await listExceptions(d.db)).rows.map((x) => [x.id, x.reason])).toEqual([[early, 'INSUFFICIENT_STOCK']]);
    // Retry: back to the queue; still no stock → Exception again.
    expect(expectOk(await d.db.transaction((tx) => retryException(tx, early))).order.items[0]).toMatchObject({ status: 'APPROVED', facilityId: '_NA_' });
    expect((await d.db.transaction((tx) => retryException(tx, early))).kind).toBe('illegal_transition');
    await runBrokering(d, { trigger: 'test' });
    expect((await getOrder(d.db, early))!.status).toBe('EXCEPTION');
    expect(await ledgerInconsistencies(d.db)).toEqual([]);
  });

  it("uses the sales channel's profile; a split line becomes two items, each with its reservation", async () => {
    expectOk(await d.db.transaction((tx) => saveProfile(tx, 'pos', { name: 'POS', salesChannel: 'POS', settings: { allowSplitFulfillment: true } }, 'test')));
    const id = await order({ salesChannel: 'POS', items: [{ productId: 'SKU2', quantity: 3 }] });
    const web = await order({ salesChannel: 'WEB', items: [{ productId: 'SKU2', quantity: 3 }] });
    const run = await runBrokering(d, { trigger: 'test' });
    const o = (await getOrder(d.db, id))!;
    expect(o.status).toBe('ALLOCATED');
    expect(o.items.map((i) => [i.seqId, i.facilityId, i.quantity, i.parentSeqId])).toEqual([
      // Split across the set in candidate (ranking) order: STORE_NYC (2) before WH_CA (3).
      ['00001', 'STORE_NYC', 1, null], ['00002', 'WH_CA', 2, '00001'],
    ]);
    const res = await d.db.select().from(reservations).where(eq(reservations.orderId, id));
    expect(res.map((r) => [r.orderItemSeqId, r.facilityId, r.quantity]).sort()).toEqual([['00001', 'STORE_NYC', 1], ['00002', 'WH_CA', 2]]);
    // WEB uses the default profile: no split, stock gone → Exception.
    expect((await getOrder(d.db, web))!.exceptionReason).toBe('INSUFFICIENT_STOCK');
    expect(run).toMatchObject({ orders: 2, allocated: 1, exception: 1 });
    expect(await ledgerInconsistencies(d.db)).toEqual([]);
  });

  it('never offers an item to a facility that rejected it', async () => {
    const id = await order({ items: [{ productId: 'SKU1', quantity: 1 }] });
    await d.db.insert(facilityExclusions).values({ orderId: id, orderItemSeqId: '00001', facilityId: 'WH_NJ', reason: 'test' });
    await runBrokering(d, { trigger: 'test' });
    expect((await getOrder(d.db, id))!.items[0].facilityId).toBe('STORE_NYC');
  });

  it("counts the orders a facility took in one profile segment of a batch when the next segment is routed (daily limit)", async () => {
    await d.db.update(facilities).set({ dailyOrderLimit: 2 }).where(eq(facilities.id, 'WH_NJ'));
    expectOk(await d.db.transaction((tx) => saveProfile(tx, 'pos', { name: 'POS', salesChannel: 'POS', settings: {} }, 'test')));
    // One batch, two segments in queue order: two WEB orders (default profile), then two POS orders. All prefer WH_NJ (ranking 1).
    const web = [await order({ orderDate: '2026-11-01T01:00:00Z' }), await order({ orderDate: '2026-11-01T02:00:00Z' })];
    const pos = [await order({ salesChannel: 'POS', orderDate: '2026-11-01T03:00:00Z' }), await order({ salesChannel: 'POS', orderDate: '2026-11-01T04:00:00Z' })];
    const run = await runBrokering(d, { trigger: 'test' });
    expect(run).toMatchObject({ status: 'COMPLETED', orders: 4 });
    const placed = new Map<string, string | null>();
    for (const id of [...web, ...pos]) placed.set(id, (await getOrder(d.db, id))!.items[0].facilityId);
    expect([...placed].filter(([, f]) => f === 'WH_NJ').map(([id]) => id)).toEqual(web);
    expect(placed.get(pos[0])).toBe('STORE_NYC');
    const [count] = await d.db.select().from(facilityOrderCounts).where(eq(facilityOrderCounts.facilityId, 'WH_NJ'));
    expect(count.count).toBe(2);
    expect(await ledgerInconsistencies(d.db)).toEqual([]);
  });

  it('routes a queue in batches of two (each batch claimed while the one before it writes) exactly as in one batch', async () => {
    const CATALOG = {
      facilities: [STORE_NYC, { ...WH_NJ, dailyOrderLimit: 3 }, WH_CA],
      products: [{ id: 'SKU1' }, { id: 'SKU2' }, { id: 'HOT' }],
      stock: [['SKU1', 'WH_NJ', 20], ['SKU1', 'STORE_NYC', 1], ['SKU2', 'WH_CA', 2], ['SKU2', 'STORE_NYC', 1], ['HOT', 'WH_CA', 1]] as [string, string, number][],
    };
    const lines = [['SKU1', 1], ['SKU2', 2], ['SKU1', 2], ['HOT', 1], ['SKU2', 1], ['SKU1', 1]] as const;
    const outcome = async (batchSize: number) => {
      const db = await createTestDatabase(engine);
      try {
        await seedCatalog(db.db, CATALOG);
        expectOk(await db.db.transaction((tx) => saveProfile(tx, 'pos', { name: 'POS', salesChannel: 'POS', settings: { allowSplitFulfillment: true } }, 'test')));
        const ids: string[] = [];
        for (let k = 0; k < 12; k++) {
          const [productId, quantity] = lines[k % lines.length];
          const items = [{ productId, quantity, unitPrice: 10 }, ...(k % 3 === 0 ? [{ productId: 'SKU2', quantity: 1, unitPrice: 10 }] : [])];
          const body = orderBody({ externalId: `B-${k}`, salesChannel: k % 4 < 2 ? 'WEB' : 'POS', orderDate: `2026-11-01T${String(k).padStart(2, '0')}:00:00Z`, items });
          const { order: o } = expectOk(await db.db.transaction((tx) => createOrder(tx, body)));
          expectOk(await db.db.transaction((tx) => approveOrder(tx, o.id)));
          ids.push(o.id);
        }
        const run = await runBrokering(db, { trigger: 'test', batchSize });
        expect(run.status).toBe('COMPLETED');
        const orders = [];
        for (const id of ids) {
          const o = (await getOrder(db.db, id))!;
          const held = await db.db.select().from(reservations).where(eq(reservations.orderId, id));
          orders.push({
            status: o.status, reason: o.exceptionReason,
            items: o.items.map((i) => [i.seqId, i.status, i.facilityId, i.quantity]),
            reservations: held.map((r) => [r.orderItemSeqId, r.facilityId, r.quantity, r.status]).sort(),
          });
        }
        const counts = (await db.db.select().from(facilityOrderCounts)).map((c) => [c.facilityId, c.count]).sort();
        expect(await ledgerInconsistencies(db.db)).toEqual([]);
        return { counts: { orders: run.orders, items: run.items, allocated: run.allocated, exception: run.exception, queued: run.queued }, orders, facilityCounts: counts };
      } finally {
        await db.close();
      }
    };
    const whole = await outcome(1000);
    expect(whole.facilityCounts).toContainEqual(['WH_NJ', 3]);
    expect(whole.orders.filter((o) => o.status === 'ALLOCATED').length).toBeGreaterThan(2);
    expect(whole.orders.filter((o) => o.status === 'EXCEPTION').length).toBeGreaterThan(0);
    expect(await outcome(2)).toEqual(whole);
  });

  it('locks and reads stock rows whatever characters their ids hold', async () => {
    const odd = ['P 12 3', 'P\u{1F600}x', '7 ', 'é\u{1F680}\u{1F680} '];
    await d.query(`insert into facilities (id, name, type, fulfillment_system, country, ranking) values ('F 1\u{1F3EC}', 'odd', 'STORE', 'OMS', 'US', 5)`);
    for (const [k, id] of odd.entries()) {
      await d.query('insert into products (id, sku, name) values ($1, $1, $1)', [id]);
      await d.query('insert into inventory_levels (product_id, facility_id, on_hand, reserved, safety_stock) values ($1, $2, $3, 1, $4)', [id, 'F 1\u{1F3EC}', 10 + k, k % 2 ? null : 2]);
      await d.query("insert into inventory_levels (product_id, facility_id, on_hand) values ($1, 'WH_NJ', $2)", [id, 20 + k]);
    }
    const levels = await d.db.transaction((tx) => lockLevels(tx, [...odd, 'SKU1']));
    const expected = [...odd, 'SKU1'].sort().flatMap((p) => [
      ...(odd.includes(p) ? [{ productId: p, facilityId: 'F 1\u{1F3EC}', onHand: 10 + odd.indexOf(p), reserved: 1, safetyStock: odd.indexOf(p) % 2 ? 0 : 2 }] : []),
      ...(p === 'SKU1' ? [{ productId: p, facilityId: 'STORE_NYC', onHand: 1, reserved: 0, safetyStock: 0 }] : []),
      { productId: p, facilityId: 'WH_NJ', onHand: odd.includes(p) ? 20 + odd.indexOf(p) : 5, reserved: 0, safetyStock: 0 },
    ]);
    const key = (l: { productId: string; facilityId: string }) => `${l.productId}\u0000${l.facilityId}`;
    expect([...levels].sort((a, b) => (key(a) < key(b) ? -1 : 1))).toEqual(expected.sort((a, b) => (key(a) < key(b) ? -1 : 1)));
  });
});
