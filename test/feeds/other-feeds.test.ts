/**
 * The order flow's other feeds: customers → customer ids → sales orders → order/line ids →
 * deposits; fulfilment both ways (NetSuite shipments in, store shipments out).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { runBrokering } from '../../src/app/brokering';
import { createOrder, getOrder } from '../../src/app/orders';
import { ledgerInconsistencies } from '../../src/db/inventory.repo';
import { customers, orderItems, orderPayments, orders, reservations } from '../../src/db/schema';
import { runImport } from '../../src/feeds/import-runner';
import { depositIdsImport } from '../../src/feeds/deposit-ids';
import { markShipped } from '../../src/feeds/fulfillment';
import { ENGINES } from '../support/db';
import { expectOk, orderBody } from '../support/fixtures';
import { approvedOrder, feedEnv, listNames, netsuiteWrites, readFeedFiles, recordingContext, seedLoopCatalog, setNetsuiteIds, type FeedEnv } from './helpers';

describe.each(ENGINES)('order flow feeds on %s', (engine) => {
  let env: FeedEnv;
  beforeEach(async () => {
    env = await feedEnv(engine);
    await seedLoopCatalog(env.d.db);
  });
  afterEach(async () => { await env.close(); });

  it('customers → customer ids → sales orders → order and line ids → deposits', async () => {
    const db = env.d.db;
    const { order } = expectOk(await db.transaction((tx) => createOrder(tx, orderBody({
      orderDate: '2026-11-20T10:00:00Z', shippingMethod: 'TWO_DAY', shippingCost: 12.95,
      items: [{ productId: 'SKU1', quantity: 2, unitPrice: 10 }, { productId: 'SKU2', quantity: 1, unitPrice: 5.5 }],
      payments: [{ method: 'CREDIT_CARD', amount: 38.45 }],
    }))));
    const [cust] = await db.select().from(customers).where(eq(customers.id, order.customerId!));

    expect((await env.run('GEN_CRT_ORD_FD')).counts).toMatchObject({ filesCreated: 0, waitingForCustomerId: 1 });
    expect((await env.run('GEN_CRT_CUST_FD')).counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    const [cf] = await readFeedFiles(env.netsuite, 'customers');
    expect(cf.rows).toEqual([{ HCCustomerId: cust.id, externalId: 'C-1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: undefined, subsidiary: '1', individual: true }]);
    expect((await env.run('GEN_CRT_CUST_FD')).counts).toMatchObject({ filesCreated: 0 });

    await netsuiteWrites(env.netsuite, 'customer/import', '2026-11-20-CustomerExport.csv',
      `partyId,partyIdentificationTypeId,idValue\n${cust.id},NETSUITE_CUSTOMER_ID,4001\nCUS-NOPE,NETSUITE_CUSTOMER_ID,4002\n${cust.id},NETSUITE_CUSTOMER_ID,4001\n${cust.id},NETSUITE_CUSTOMER_ID,4009\n`);
    const ci = await env.run('IMP_CUST_IDENT');
    expect(ci.counts).toMatchObject({ rowsApplied: 1, rowsNoop: 1, rowErrors: 2 });
    expect(ci.rowErrors.map((e) => [e.row, e.field])).toEqual([[2, 'partyId'], [4, 'idValue']]);
    expect((await db.select().from(customers).where(eq(customers.id, cust.id)))[0].netsuiteCustomerId).toBe('4001');

    const so = await env.run('GEN_CRT_ORD_FD');
    expect(so.counts).toMatchObject({ filesCreated: 1, rowsExported: 2 });
    const [sf] = await readFeedFiles(env.netsuite, 'sales-orders');
    expect(sf.rows.map((r) => [r.HCOrderId, r.customer, r.date, r.orderLineId, r.item, r.quantity, r.price, r.shippingMethod, r.shippingCost, r.closed]))
      .toEqual([[order.id, '4001', '11/20/2026', '00001', '501', 2, '10.00', 'TWO_DAY', '12.95', false], [order.id, '4001', '11/20/2026', '00002', '502', 1, '5.50', 'TWO_DAY', '12.95', false]]);
    expect(sf.rows[0]).toMatchObject({ externalId: order.externalId, subsidiary: '1', addressee: 'Ada Lovelace', city: 'New York', zip: '10002', country: 'US' });

    expect((await env.run('GEN_CUST_DEP_FD')).counts).toMatchObject({ filesCreated: 0, waitingForOrderId: 1 });
    await netsuiteWrites(env.netsuite, 'salesorder/import/orderidentification', '1-SalesOrderExport.csv',
      `orderId,orderIdentificationTypeId,idValue\n${order.id},NETSUITE_ORDER_ID,7001\nORD-NOPE,NETSUITE_ORDER_ID,7002\n${order.id},SHOPIFY_ORDER_ID,1\n`);
    const oi = await env.run('IMP_ORDER_IDENT');
    expect(oi.counts).toMatchObject({ rowsApplied: 1, rowErrors: 2 });
    expect(oi.rowErrors.map((e) => [e.row, e.field])).toEqual([[2, 'orderId'], [3, 'orderIdentificationTypeId']]);
    await netsuiteWrites(env.netsuite, 'salesorder/import/orderidentification', '2-SalesOrderExport.csv',
      `orderId,orderIdentificationTypeId,idValue\n${order.id},NETSUITE_ORDER_ID,7999\n`);
    expect((await env.run('IMP_ORDER_IDENT')).rowErrors[0].message).toMatch(/already has NetSuite order id 7001; not changed/);
    expect((await db.select().from(orders).where(eq(orders.id, order.id)))[0].netsuiteOrderId).toBe('7001');

    // A second order paid with a method the map does not know waits.
    const { order: other } = expectOk(await db.transaction((tx) => createOrder(tx, orderBody({ payments: [{ method: 'BITCOIN', amount: 10 }] }))));
    await db.update(orders).set({ netsuiteOrderId: '7003' }).where(eq(orders.id, other.id));
    const dep = await env.run('GEN_CUST_DEP_FD', { paymentMethods: { CREDIT_CARD: '42' } });
    expect(dep.counts).toMatchObject({ filesCreated: 1, rowsExported: 1, waitingForPaymentMethod: 1 });
    const [depName] = await listNames(env.netsuite, 'salesorder/customerdeposit');
    expect(depName).toMatch(/^CustomerDepositFeed_\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}_.+\.json$/);
    const text = (await env.netsuite.read('salesorder/customerdeposit', depName)).toString();
    expect(text).toContain('"totalAmount":38.45');
    expect(JSON.parse(text)).toEqual([{ orderId: '7001', totalAmount: 38.45, paymentMethod: '42', externalId: order.payments[0].id }]);
    expect((await env.run('GEN_CUST_DEP_FD', { paymentMethods: { CREDIT_CARD: '42' } })).counts).toMatchObject({ filesCreated: 0 });
  });

  it('line ids go onto the named item only (a split piece gets its own when NetSuite reports its line); a different value is refused', async () => {
    // Contract v2 ("Split lines"): a piece split from a line has no NetSuite line id until NetSuite
    // reports the line it added for it. Before v2 the line id was copied onto the split pieces.
    const db = env.d.db;
    const id = await approvedOrder(db, { items: [{ productId: 'SKU1', quantity: 3, unitPrice: 10 }] });
    // As a split by brokering would leave it: 00002 split from 00001.
    await db.update(orderItems).set({ quantity: 1 }).where(and(eq(orderItems.orderId, id), eq(orderItems.seqId, '00001')));
    await db.insert(orderItems).values({ orderId: id, seqId: '00002', parentSeqId: '00001', productId: 'SKU1', quantity: 2, unitPrice: '10', status: 'APPROVED', facilityId: '_NA_' });
    await netsuiteWrites(env.netsuite, 'salesorder/import/orderitemattribute', 'a-SalesOrderItemExport.csv',
      `orderId,orderItemSeqId,attrName,attrValue\n${id},00001,NetsuiteItemLineId,5\n${id},00007,NetsuiteItemLineId,6\nORD-X,00001,NetsuiteItemLineId,6\n${id},00001,NetsuiteDiscountItemLineId,9\n`);
    const r = await env.run('IMP_ORDER_ITM_ATTR');
    expect(r.counts).toMatchObject({ rowsApplied: 1, rowErrors: 3 });
    expect(r.rowErrors.map((e) => [e.row, e.field])).toEqual([[2, 'orderItemSeqId'], [3, 'orderId'], [4, 'attrName']]);
    expect((await getOrder(db, id))!.items.map((i) => [i.seqId, i.netsuiteLineId])).toEqual([['00001', '5'], ['00002', null]]);
    await netsuiteWrites(env.netsuite, 'salesorder/import/orderitemattribute', 'b-SalesOrderItemExport.csv',
      `orderId,orderItemSeqId,attrName,attrValue\n${id},00001,NetsuiteItemLineId,5\n${id},00001,NetsuiteItemLineId,8\n${id},00002,NetsuiteItemLineId,6\n${id},00002,NetsuiteItemLineId,6\n`);
    const again = await env.run('IMP_ORDER_ITM_ATTR');
    expect(again.counts).toMatchObject({ rowsApplied: 1, rowsNoop: 2, rowErrors: 1 });
    expect(again.rowErrors.map((e) => [e.row, e.field])).toEqual([[2, 'attrValue']]);
    expect((await getOrder(db, id))!.items.map((i) => [i.seqId, i.netsuiteLineId])).toEqual([['00001', '5'], ['00002', '6']]);
    // The exported line carries the quantity of the split items too.
    await db.execute(sql`update customers set netsuite_customer_id = '4001'`);
    await env.run('GEN_CRT_ORD_FD');
    const [sf] = await readFeedFiles(env.netsuite, 'sales-orders');
    expect(sf.rows.map((x) => [x.orderLineId, x.quantity])).toEqual([['00001', 3]]);
  });

  it('deposit ids come back onto the payments (IMP_CUST_DEP_IDENT)', async () => {
    const db = env.d.db;
    const { order } = expectOk(await db.transaction((tx) => createOrder(tx, orderBody({ payments: [{ method: 'CREDIT_CARD', amount: 20 }, { method: 'CASH', amount: 5 }] }))));
    const { order: other } = expectOk(await db.transaction((tx) => createOrder(tx, orderBody({ payments: [{ method: 'CASH', amount: 9 }] }))));
    const [p1, p2] = order.payments.map((p) => p.id);
    const p3 = other.payments[0].id;
    const dir = 'salesorder/import/orderpayment';
    await netsuiteWrites(env.netsuite, dir, '2026-11-20 10:00:00-CustomerDepositExport.csv', [
      'orderId,internalId,manualRefNumber',
      `${order.id},9101,${p1}`, // applied
      `${order.id},9101,${p1}`, // the same again: no-op
      `${order.id},9102,PAY-NOPE`, // unknown payment
      `${order.id},9103,${p3}`, // payment of another order
      `${order.id},9199,${p1}`, // a different id: refused
      `${order.id},9104,${p2}`, // applied
      '',
    ].join('\n'));
    await netsuiteWrites(env.netsuite, dir, 'other.csv', `orderId,internalId,manualRefNumber\n${other.id},1,${p3}\n`); // not the feed's name: not read
    const r = await env.run('IMP_CUST_DEP_IDENT');
    expect(r.counts).toMatchObject({ filesApplied: 1, rowsApplied: 2, rowsNoop: 1, rowErrors: 3 });
    expect(r.rowErrors.map((e) => [e.row, e.field])).toEqual([[3, 'manualRefNumber'], [4, 'orderId'], [5, 'internalId']]);
    expect(r.rowErrors[2].message).toMatch(/already has NetSuite deposit id 9101; not changed to 9199/);
    const pays = Object.fromEntries((await db.select().from(orderPayments)).map((p) => [p.id, p.netsuiteDepositId]));
    expect(pays).toEqual({ [p1]: '9101', [p2]: '9104', [p3]: null });
    expect(await listNames(env.netsuite, `${dir}/archive`)).toEqual(['2026-11-20 10:00:00-CustomerDepositExport.csv']);
    // Row by row, the same file under a new name: every row a no-op or the same errors.
    await netsuiteWrites(env.netsuite, dir, 'again-CustomerDepositExport.csv', (await env.netsuite.read(`${dir}/archive`, '2026-11-20 10:00:00-CustomerDepositExport.csv')).toString());
    const ctx = recordingContext();
    const rr = await runImport(env.deps, depositIdsImport(), ctx, { rowByRow: true });
    expect(rr.counts).toMatchObject({ filesApplied: 1, rowsApplied: 0, rowsNoop: 3, rowErrors: 3 });
  });

  it('fulfilment both ways: NetSuite shipments mark items shipped; store shipments are sent once with the tag', async () => {
    const db = env.d.db;
    const nsOrder = await approvedOrder(db, { items: [{ productId: 'SKU1', quantity: 2, unitPrice: 10 }] });
    const storeOrder = await approvedOrder(db, { items: [{ productId: 'SKU2', quantity: 1, unitPrice: 5 }] });
    const noIds = await approvedOrder(db, { items: [{ productId: 'SKU2', quantity: 1, unitPrice: 5 }] });
    await setNetsuiteIds(db, [nsOrder, storeOrder]);
    await runBrokering(env.d, { trigger: 'test' });
    expect((await getOrder(db, nsOrder))!.items[0].facilityId).toBe('WH_NJ');
    expect((await getOrder(db, storeOrder))!.items[0].facilityId).toBe('STORE_NYC');

    const header = 'orderId,orderItemSeqId,externalFacilityId,shippedDate,quantity,trackingNumber,carrier,shippingMethod,shippingMethodId';
    const name = '2026-11-21-10-00-00-SalesOrderFulfillment.csv';
    await netsuiteWrites(env.netsuite, 'salesorder/import/fulfillment', name, [
      header,
      `${nsOrder},00001,11,2026-11-21T09:30:00Z,2,1Z999 | 1Z998,UPS,Ground,`,
      `${storeOrder},00001,11,2026-11-21,1,1Z7,UPS,Ground,`,
      `${nsOrder},00009,11,2026-11-21,1,,,,`,
      `${nsOrder},00001,11,not a date,2,,,,`,
      '',
    ].join('\n'));
    const f = await env.run('IMP_ODR_ITM_FLFLMNT');
    expect(f.counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowErrors: 3 });
    expect(f.rowErrors.map((e) => [e.row, e.field])).toEqual([[2, 'orderItemSeqId'], [3, 'orderItemSeqId'], [4, 'shippedDate']]);
    const shipped = (await getOrder(db, nsOrder))!;
    expect(shipped.status).toBe('COMPLETED');
    expect(shipped.items[0]).toMatchObject({ status: 'SHIPPED', trackingNumber: '1Z999 | 1Z998', carrier: 'UPS' });
    expect(shipped.items[0].shippedAt!.toISOString()).toBe('2026-11-21T09:30:00.000Z');
    const [res] = await db.select().from(reservations).where(eq(reservations.orderId, nsOrder));
    expect(res.status).toBe('CONSUMED');
    const [{ on_hand }] = (await db.execute(sql`select on_hand from inventory_levels where product_id = 'SKU1' and facility_id = 'WH_NJ'`) as any).rows;
    expect(on_hand).toBe(498);
    // The same shipment again, in another file: a no-op.
    await netsuiteWrites(env.netsuite, 'salesorder/import/fulfillment', 'again-SalesOrderFulfillment.csv', `${header}\n${nsOrder},00001,11,2026-11-21,2,1Z999,UPS,Ground,\n`);
    expect((await env.run('IMP_ODR_ITM_FLFLMNT')).counts).toMatchObject({ rowsApplied: 0, rowsNoop: 1, rowErrors: 0 });

    // The store ships its items; NetSuite learns of the one with ids, once.
    for (const o of [storeOrder, noIds]) {
      const r = await db.transaction(async (tx) => markShipped(tx, { orderId: o, seqId: '00001', source: 'STORE', actor: 'store:nyc' }));
      expect(r).toEqual({ kind: 'ok' });
    }
    const out = await env.run('GEN_FLFLD_ORD_FD_NS');
    expect(out.counts).toMatchObject({ filesCreated: 1, rowsExported: 1, waitingForIds: 1 });
    const [ff] = await readFeedFiles(env.netsuite, 'fulfilled-items');
    expect(ff.name).toMatch(/^fulfilledOrderItemsFeed_/);
    expect(ff.rows).toEqual([{ internalId: `SO-${storeOrder}`, lineId: '00001', item: '502', quantity: 1, location: '21', tags: 'oms-fulfilled', orderLineId: '00001' }]);
    expect((await env.run('GEN_FLFLD_ORD_FD_NS')).counts).toMatchObject({ filesCreated: 0 });
    expect(await ledgerInconsistencies(db)).toEqual([]);
  });
});
