/**
 * Feeds v2 on the OMS side, over the real in-process SFTP server: a line split across two NetSuite
 * warehouses is one row per piece with distinct line keys (the new piece with an empty lineId and
 * its orderLineId); after NetSuite reports the new line's id each piece is rejected on its own and
 * re-sent under its own line; a cancelled item is closed once; an order's rows never straddle files.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { runBrokering } from '../../src/app/brokering';
import { cancelOrder, getOrder } from '../../src/app/orders';
import { saveProfile } from '../../src/app/routing-profiles';
import { ledgerInconsistencies } from '../../src/db/inventory.repo';
import { externalFulfillment, orderItems } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { expectOk, WH_CA } from '../support/fixtures';
import { setInventory, upsertFacility } from '../../src/app/catalog';
import { markShipped } from '../../src/app/fulfilment';
import { approvedOrder, feedEnv, netsuiteWrites, q, readFeedFiles, seedLoopCatalog, setNetsuiteIds, type FeedEnv } from './helpers';

const REJ_HEADER = 'orderId,orderItemSeqId,rejectionComments,rejectionReason,facilityId,rejectionId';

describe.each(ENGINES)('split lines and cancellations in the brokered-items feed on %s', (engine) => {
  let env: FeedEnv;
  beforeEach(async () => {
    env = await feedEnv(engine, { sftp: true });
    await seedLoopCatalog(env.d.db);
    // One unit at each NetSuite warehouse, and a channel whose profile splits lines.
    await env.d.db.execute(sql`update inventory_levels set on_hand = 1 where product_id = 'SKU1'`);
    await env.d.db.execute(sql`insert into inventory_ledger (product_id, facility_id, kind, on_hand_delta, actor)
                               select product_id, facility_id, 'ADJUST', -499, 'test' from inventory_levels where product_id = 'SKU1'`);
    expectOk(await env.d.db.transaction((tx) => saveProfile(tx, 'pos', { name: 'POS', salesChannel: 'POS', settings: { allowSplitFulfillment: true } }, 'test')));
  });
  afterEach(async () => { await env.close(); });

  const items = async (orderId: string) => (await getOrder(env.d.db, orderId))!.items.map((i) => [i.seqId, i.status, i.facilityId, i.quantity, i.netsuiteLineId]);

  it('one row per piece with distinct keys; after the line-id import each piece is rejected on its own and re-sent under its own line', async () => {
    const db = env.d.db;
    const id = await approvedOrder(db, { salesChannel: 'POS', items: [{ productId: 'SKU1', quantity: 2, unitPrice: 10 }] });
    await setNetsuiteIds(db, [id]);
    await runBrokering(env.d, { trigger: 'test' });
    expect(await items(id)).toEqual([['00001', 'ALLOCATED', 'WH_NJ', 1, '00001'], ['00002', 'ALLOCATED', 'WH_CA', 1, null]]);

    const first = await env.run('GEN_BRKR_ORD_FD_NS');
    expect(first.counts).toMatchObject({ filesCreated: 1, rowsExported: 2 });
    let [file] = await readFeedFiles(env.netsuite, 'brokered-items');
    expect(file.rows).toEqual([
      { internalId: `SO-${id}`, lineId: '00001', item: '501', location: '11', quantity: 1, closed: false, rejected: false, orderLineId: '00001' },
      { internalId: `SO-${id}`, lineId: undefined, item: '501', location: '12', quantity: 1, closed: false, rejected: false, orderLineId: '00002' },
    ]);
    // Nothing new to say; the piece is not announced twice while its line id is on its way.
    const idle = await env.run('GEN_BRKR_ORD_FD_NS');
    expect(idle.counts).toMatchObject({ filesCreated: 0 });
    expect(idle.counts.waitingForIds ?? 0).toBe(0);

    // NetSuite added the line for the piece and reports its id.
    await netsuiteWrites(env.netsuite, 'salesorder/import/orderitemattribute', 'p-SalesOrderItemExport.csv',
      `orderId,orderItemSeqId,attrName,attrValue\n${id},00002,NetsuiteItemLineId,9\n`);
    expect((await env.run('IMP_ORDER_ITM_ATTR')).counts).toMatchObject({ rowsApplied: 1, rowErrors: 0 });

    // Each piece is rejected on its own, from the warehouse it is at.
    await netsuiteWrites(env.netsuite, 'salesorder/rejectedorderitem', 'a-RejectedSalesOrderItemExport.csv',
      `${REJ_HEADER}\n${id},00002,,NOT_IN_STOCK,12,SO-${id}-9-1000\n`);
    expect((await env.run('IMP_ORDER_ITM_RJCT')).counts).toMatchObject({ rowsApplied: 1, rowErrors: 0 });
    expect(await items(id)).toEqual([['00001', 'ALLOCATED', 'WH_NJ', 1, '00001'], ['00002', 'APPROVED', '_NA_', 1, '9']]);
    await netsuiteWrites(env.netsuite, 'salesorder/rejectedorderitem', 'b-RejectedSalesOrderItemExport.csv',
      `${REJ_HEADER}\n${id},00001,,NOT_IN_STOCK,11,SO-${id}-00001-2000\n`);
    expect((await env.run('IMP_ORDER_ITM_RJCT')).counts).toMatchObject({ rowsApplied: 1, rowErrors: 0 });

    // Re-brokered to a third NetSuite warehouse (the order's group excludes both that rejected it),
    // and sent under their own lines.
    expectOk(await db.transaction((tx) => upsertFacility(tx, { ...WH_CA, id: 'WH_TX', name: 'TX Warehouse', netsuiteLocationId: '13', postalCode: '75001', ranking: 4 })));
    expectOk(await db.transaction((tx) => setInventory(tx, 'SKU1', 'WH_TX', 5, 'test')));
    await runBrokering(env.d, { trigger: 'test' });
    expect(await items(id)).toEqual([['00001', 'ALLOCATED', 'WH_TX', 1, '00001'], ['00002', 'ALLOCATED', 'WH_TX', 1, '9']]);
    const second = await env.run('GEN_BRKR_ORD_FD_NS');
    expect(second.counts).toMatchObject({ filesCreated: 1, rowsExported: 2 });
    file = (await readFeedFiles(env.netsuite, 'brokered-items')).find((f) => f.name.includes(second.runId))!;
    expect(file.rows.map((r) => [r.lineId, r.location, r.quantity, r.orderLineId])).toEqual([['00001', '13', 1, '00001'], ['9', '13', 1, '00002']]);
    const keys = file.rows.map((r) => `${r.internalId}/${r.lineId}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(await ledgerInconsistencies(db)).toEqual([]);
  });

  it('a piece at a store is announced with an empty location; once shipped, the fulfilled-items row waits for its line id, then goes under it', async () => {
    const db = env.d.db;
    expectOk(await db.transaction((tx) => setInventory(tx, 'SKU1', 'WH_CA', 0, 'test')));
    expectOk(await db.transaction((tx) => setInventory(tx, 'SKU1', 'STORE_NYC', 1, 'test')));
    const id = await approvedOrder(db, { salesChannel: 'POS', items: [{ productId: 'SKU1', quantity: 2, unitPrice: 10 }] });
    await setNetsuiteIds(db, [id]);
    await runBrokering(env.d, { trigger: 'test' });
    expect(await items(id)).toEqual([['00001', 'ALLOCATED', 'WH_NJ', 1, '00001'], ['00002', 'ALLOCATED', 'STORE_NYC', 1, null]]);
    const brokered = await env.run('GEN_BRKR_ORD_FD_NS');
    const [file] = await readFeedFiles(env.netsuite, 'brokered-items');
    expect(file.rows.map((r) => [r.lineId, r.location, r.quantity, r.orderLineId])).toEqual([['00001', '11', 1, '00001'], [undefined, undefined, 1, '00002']]);
    expect(brokered.counts).toMatchObject({ rowsExported: 2 });

    expectOk(await db.transaction(async (tx) => markShipped(tx, { orderId: id, seqId: '00002', source: 'STORE', actor: 'store:nyc' })) as { kind: 'ok' });
    const waiting = await env.run('GEN_FLFLD_ORD_FD_NS');
    expect(waiting.counts).toMatchObject({ filesCreated: 0, waitingForIds: 1 });
    await netsuiteWrites(env.netsuite, 'salesorder/import/orderitemattribute', 's-SalesOrderItemExport.csv',
      `orderId,orderItemSeqId,attrName,attrValue\n${id},00002,NetsuiteItemLineId,9\n`);
    await env.run('IMP_ORDER_ITM_ATTR');
    const sent = await env.run('GEN_FLFLD_ORD_FD_NS');
    expect(sent.counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    const [ff] = await readFeedFiles(env.netsuite, 'fulfilled-items');
    expect(ff.rows).toEqual([{ internalId: `SO-${id}`, lineId: '9', item: '501', quantity: 1, location: '21', tags: 'oms-fulfilled', orderLineId: '00002' }]);
    expect(await ledgerInconsistencies(db)).toEqual([]);
  });

  it('a cancelled item whose line NetSuite knows is sent once with closed=T; an order NetSuite never knew sends nothing', async () => {
    const db = env.d.db;
    const id = await approvedOrder(db, { items: [{ productId: 'SKU1', quantity: 1, unitPrice: 10 }] });
    const unknown = await approvedOrder(db, { items: [{ productId: 'SKU2', quantity: 1, unitPrice: 10 }] });
    await setNetsuiteIds(db, [id]);
    await runBrokering(env.d, { trigger: 'test' });
    expect((await env.run('GEN_BRKR_ORD_FD_NS')).counts).toMatchObject({ rowsExported: 1 });

    expectOk(await db.transaction((tx) => cancelOrder(tx, id, 'test')));
    expectOk(await db.transaction((tx) => cancelOrder(tx, unknown, 'test')));
    const closed = await env.run('GEN_BRKR_ORD_FD_NS');
    expect(closed.counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    const file = (await readFeedFiles(env.netsuite, 'brokered-items')).find((f) => f.name.includes(closed.runId))!;
    expect(file.rows).toEqual([{ internalId: `SO-${id}`, lineId: '00001', item: '501', location: undefined, quantity: 1, closed: true, rejected: false, orderLineId: '00001' }]);
    expect((await env.run('GEN_BRKR_ORD_FD_NS')).counts).toMatchObject({ filesCreated: 0 });
    const marked = await q(db, sql`select order_id from order_items where netsuite_sync is not null`);
    expect(marked).toEqual([]);
    expect(await ledgerInconsistencies(db)).toEqual([]);
  });

  it('all rows of one sales order go to one file: a file never cuts an order', async () => {
    const db = env.d.db;
    await db.execute(sql`update inventory_levels set on_hand = 500 where product_id = 'SKU1'`);
    await db.execute(sql`insert into inventory_ledger (product_id, facility_id, kind, on_hand_delta, actor)
                         select product_id, facility_id, 'ADJUST', 499, 'test' from inventory_levels where product_id = 'SKU1'`);
    await db.execute(sql`update inventory_levels set on_hand = 500 where product_id = 'SKU2' and facility_id = 'STORE_NYC'`);
    await db.execute(sql`insert into inventory_ledger (product_id, facility_id, kind, on_hand_delta, actor) values ('SKU2', 'STORE_NYC', 'ADJUST', 450, 'test')`);
    await db.execute(sql`insert into inventory_levels (product_id, facility_id, on_hand) values ('SKU2', 'WH_NJ', 100)`);
    await db.execute(sql`insert into inventory_ledger (product_id, facility_id, kind, on_hand_delta, actor) values ('SKU2', 'WH_NJ', 'ADJUST', 100, 'test')`);
    await db.execute(sql`update facilities set ranking = 9 where id = 'STORE_NYC'`);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await approvedOrder(db, { items: [{ productId: 'SKU1', quantity: 1, unitPrice: 10 }, { productId: 'SKU2', quantity: 1, unitPrice: 5 }] }));
    }
    await setNetsuiteIds(db, ids);
    await runBrokering(env.d, { trigger: 'test' });
    const r = await env.run('GEN_BRKR_ORD_FD_NS', { maxRowsPerFile: 3 });
    expect(r.counts).toMatchObject({ filesCreated: 3, rowsExported: 6 });
    const files = await readFeedFiles(env.netsuite, 'brokered-items');
    for (const f of files) expect(new Set(f.rows.map((x) => x.internalId)).size).toBe(1);
    expect(files.map((f) => f.rows[0].internalId).sort()).toEqual(ids.map((x) => `SO-${x}`).sort());
    const outbox = await db.select().from(externalFulfillment).where(and(eq(externalFulfillment.kind, 'BROKERED')));
    expect(outbox).toHaveLength(6);
    // Sent once: a second run finds nothing.
    expect((await env.run('GEN_BRKR_ORD_FD_NS', { maxRowsPerFile: 3 })).counts).toMatchObject({ filesCreated: 0 });
    expect((await db.select().from(orderItems).where(eq(orderItems.orderId, ids[0]))).map((i) => i.netsuiteSync)).toEqual([null, null]);
  });
});
