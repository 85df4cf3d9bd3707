/**
 * The whole NetSuite loop in one story (issue 9, item 4): the OMS's real feed jobs on PGlite and
 * the compiled SuiteScripts in the emulator exchange files through one real SFTP server on
 * loopback. Every file and record is checked at each step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { runBrokering } from '../../src/app/brokering/run';
import { approveOrder, createOrder, getOrder } from '../../src/app/orders';
import { saveProfile } from '../../src/app/routing-profiles';
import { customers, orders } from '../../src/db/schema';
import { createTestDatabase } from '../support/db';
import { expectOk, orderBody, seedCatalog } from '../support/fixtures';
import { buildNetsuite } from './support/build';
import { runScheduled } from './support/env';
import { runMapReduce } from './support/mapreduce';
import { createWorld, type World } from './loop/world';

const csvFiles = (names: string[]) => names.filter((n) => n.endsWith('.csv'));

/** A scheduled CSV-import script: submit, NetSuite runs the import, the next run archives. */
function importCycle(w: World, script: string): void {
  runScheduled(w.ns, script);
  w.ns.tasks.runPending();
  runScheduled(w.ns, script);
}

describe('the NetSuite loop: OMS jobs and SuiteScripts over one real SFTP server', () => {
  let w: World;
  let close: () => Promise<void>;
  const ns = { sub: '', account: '', whNj: '', whCa: '', store: '', sku1: '', sku2: '' };
  let orderId = '';

  beforeAll(async () => {
    buildNetsuite();
    const d = await createTestDatabase('pglite');
    w = await createWorld(d, (env) => {
      ns.sub = env.subsidiary('US');
      ns.account = env.account('Inventory Adjustments');
      ns.whNj = env.location('NJ Warehouse');
      ns.whCa = env.location('CA Warehouse');
      ns.store = env.location('NYC Store');
      ns.sku1 = env.item('SKU1');
      ns.sku2 = env.item('SKU2');
      return { NETSUITE_ADJUSTMENT_ACCOUNT: ns.account, NETSUITE_SUBSIDIARY: ns.sub, NETSUITE_FULFILLMENT_TAG: 'oms-fulfilled' };
    });
    close = async () => { await w.close(); await d.close(); };
    await seedCatalog(d.db, {
      facilities: [
        { id: 'WH_NJ', name: 'NJ Warehouse', type: 'WAREHOUSE', fulfillmentSystem: 'NETSUITE', netsuiteLocationId: ns.whNj, postalCode: '07001', ranking: 1 },
        { id: 'STORE_NYC', name: 'NYC Store', type: 'STORE', fulfillmentSystem: 'OMS', netsuiteLocationId: ns.store, postalCode: '10001', ranking: 2 },
        { id: 'WH_CA', name: 'CA Warehouse', type: 'WAREHOUSE', fulfillmentSystem: 'NETSUITE', netsuiteLocationId: ns.whCa, postalCode: '90001', ranking: 3 },
      ],
      products: [{ id: 'SKU1', netsuiteItemId: ns.sku1 }, { id: 'SKU2', netsuiteItemId: ns.sku2 }],
      stock: [['SKU1', 'WH_NJ', 5], ['SKU1', 'STORE_NYC', 1], ['SKU1', 'WH_CA', 2], ['SKU2', 'STORE_NYC', 3]],
    });
    // The web channel may ship one order from several facilities (routing.md, allowSplitFulfillment).
    expectOk(await d.db.transaction((tx) => saveProfile(tx, 'web', { name: 'Web', salesChannel: 'WEB', settings: { allowSplitFulfillment: true } }, 'test')));
  }, 60_000);

  afterAll(async () => { await close?.(); });

  it('1. the order enters the OMS; NetSuite creates the customer and the order; their ids come back', async () => {
    const db = w.oms.database.db;
    const created = expectOk(await db.transaction((tx) => createOrder(tx, orderBody({
      externalId: 'SHOP-1001',
      items: [{ productId: 'SKU1', quantity: 3, unitPrice: 10 }, { productId: 'SKU2', quantity: 1, unitPrice: 5 }],
      payments: [{ method: 'CREDIT_CARD', amount: 35 }],
    }))));
    orderId = created.order.id;

    const cust = await w.job('GEN_CRT_CUST_FD');
    expect(cust.counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    const custFiles = csvFiles(await w.ls('customer/export'));
    expect(custFiles).toHaveLength(1);
    runScheduled(w.ns, 'HC_SC_ImportCustomers');
    w.ns.tasks.runPending();
    runScheduled(w.ns, 'HC_SC_ImportCustomers');
    expect(await w.ls('customer/export/archive')).toEqual(custFiles);
    const nsCustomers = w.ns.store.all('customer').filter((c) => c.fields.custentity_oms_customer_id);
    expect(nsCustomers).toHaveLength(1);
    const nsCustomer = nsCustomers[0];
    expect(nsCustomer.fields.subsidiary).toBe(ns.sub);
    // Nothing of the customer's name or e-mail is logged by the import.
    expect(JSON.stringify(w.ns.logs)).not.toMatch(/Lovelace|ada@example/);

    runMapReduce(w.ns, 'HC_MR_ExportedCustomerCSV');
    const custIds = csvFiles(await w.ls('customer/import'));
    expect(custIds).toHaveLength(1);
    expect(await w.read(`customer/import/${custIds[0]}`)).toContain(`,${nsCustomer.id}`);
    expect((await w.job('IMP_CUST_IDENT')).counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowErrors: 0 });
    const [omsCustomer] = await db.select().from(customers).where(eq(customers.id, created.order.customerId!));
    expect(omsCustomer.netsuiteCustomerId).toBe(nsCustomer.id);

    const ord = await w.job('GEN_CRT_ORD_FD');
    expect(ord.counts).toMatchObject({ filesCreated: 1, rowsExported: 2 });
    const ordFiles = csvFiles(await w.ls('salesorder/export'));
    expect(ordFiles).toHaveLength(1);
    runScheduled(w.ns, 'HC_SC_ImportSalesOrders');
    w.ns.tasks.runPending();
    runScheduled(w.ns, 'HC_SC_ImportSalesOrders');
    expect(await w.ls('salesorder/export/archive')).toEqual(ordFiles);
    const so = w.ns.store.all('salesorder').filter((r) => r.fields[w.ns.ids.SO.orderId] === orderId);
    expect(so).toHaveLength(1);
    const lines = so[0].sublists[w.ns.ids.SO.itemSublist];
    expect(lines.map((l) => [l.item, l.quantity, l[w.ns.ids.SO.lineId]])).toEqual([[ns.sku1, 3, '00001'], [ns.sku2, 1, '00002']]);
    expect(so[0].fields.entity).toBe(nsCustomer.id);

    runMapReduce(w.ns, 'HC_MR_ExportedSalesOrderCSV');
    runMapReduce(w.ns, 'HC_MR_ExportedSalesOrderItemCSV');
    expect(csvFiles(await w.ls('salesorder/import/orderidentification'))).toHaveLength(1);
    expect(csvFiles(await w.ls('salesorder/import/orderitemattribute'))).toHaveLength(1);
    expect((await w.job('IMP_ORDER_IDENT')).counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowErrors: 0 });
    expect((await w.job('IMP_ORDER_ITM_ATTR')).counts).toMatchObject({ filesApplied: 1, rowsApplied: 2, rowErrors: 0 });
    const [omsOrder] = await db.select().from(orders).where(eq(orders.id, orderId));
    expect(omsOrder.netsuiteOrderId).toBe(so[0].id);
    const items = (await getOrder(db, orderId))!.items;
    const nsLine = (n: number) => String(lines[n][w.ns.ids.SO.line]);
    expect(items.map((i) => [i.seqId, i.netsuiteLineId])).toEqual([['00001', nsLine(0)], ['00002', nsLine(1)]]);
    // Every file the jobs consumed was archived on the server.
    expect(csvFiles(await w.ls('customer/import'))).toEqual([]);
    expect(csvFiles(await w.ls('salesorder/import/orderidentification'))).toEqual([]);
    // The scripts went over SSH to the real server, never to the in-memory fake.
    expect(w.sftp.calls.filter((c) => c.op === 'download').length).toBeGreaterThanOrEqual(2);
    expect(w.sftp.calls.filter((c) => c.op === 'upload').length).toBeGreaterThanOrEqual(3);
    expect(w.ns.sftp.calls).toEqual([]);
  });

  it('2. approved and brokered: the NetSuite line gets the warehouse, the store keeps its item', async () => {
    const db = w.oms.database.db;
    expectOk(await db.transaction((tx) => approveOrder(tx, orderId)));
    await runBrokering(w.oms.database, { trigger: 'test' });
    const items = (await getOrder(db, orderId))!.items;
    expect(items.map((i) => [i.seqId, i.status, i.facilityId])).toEqual([['00001', 'ALLOCATED', 'WH_NJ'], ['00002', 'ALLOCATED', 'STORE_NYC']]);

    const brk = await w.job('GEN_BRKR_ORD_FD_NS');
    expect(brk.counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    const files = csvFiles(await w.ls('salesorder/update'));
    expect(files).toHaveLength(1);
    const so = w.ns.store.all('salesorder').find((r) => r.fields[w.ns.ids.SO.orderId] === orderId)!;
    const text = await w.read(`salesorder/update/${files[0]}`);
    expect(text.trim().split('\n').slice(1)).toEqual([`${so.id},1,${ns.sku1},${ns.whNj},3,F,F,00001`]);

    importCycle(w, 'HC_SC_UpdateSalesOrders');
    expect(await w.ls('salesorder/update/archive')).toEqual(files);
    const lines = w.ns.store.must('salesorder', so.id).sublists[w.ns.ids.SO.itemSublist];
    expect(lines.map((l) => [l[w.ns.ids.SO.lineId], l[w.ns.ids.SO.location] ?? ''])).toEqual([['00001', ns.whNj], ['00002', '']]);
  });

  it('3. a NetSuite user rejects the warehouse line; the rejection file puts it back in the brokering queue', async () => {
    const db = w.oms.database.db;
    const so = w.ns.store.all('salesorder').find((r) => r.fields[w.ns.ids.SO.orderId] === orderId)!;
    const rec = (w.ns.modules['N/record'] as { load(o: object): any }).load({ type: 'salesorder', id: so.id });
    const idx = rec.findSublistLineWithValue({ sublistId: w.ns.ids.SO.itemSublist, fieldId: w.ns.ids.SO.lineId, value: '00001' });
    rec.setSublistValue({ sublistId: w.ns.ids.SO.itemSublist, fieldId: w.ns.ids.SO.rejected, line: idx, value: true });
    rec.save();

    const run = runMapReduce(w.ns, 'HC_MR_ExportedRejectedSalesOrderItemCSV');
    expect(run).toMatchObject({ inputError: '', mapErrors: [], reduceErrors: [] });
    const files = csvFiles(await w.ls('salesorder/rejectedorderitem'));
    expect(files).toHaveLength(1);
    const rows = (await w.read(`salesorder/rejectedorderitem/${files[0]}`)).trim().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[1].startsWith(`${orderId},00001,`)).toBe(true);

    const rj = await w.job('IMP_ORDER_ITM_RJCT');
    expect(rj.counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowErrors: 0 });
    expect(await w.ls('salesorder/rejectedorderitem/archive')).toEqual(files);
    const items = (await getOrder(db, orderId))!.items;
    expect(items.map((i) => [i.seqId, i.status, i.facilityId])).toEqual([['00001', 'APPROVED', '_NA_'], ['00002', 'ALLOCATED', 'STORE_NYC']]);
  });

  it('3b. brokering splits the rejected line across the store and the other warehouse; the piece reaches NetSuite', async () => {
    const db = w.oms.database.db;
    await runBrokering(w.oms.database, { trigger: 'test' });
    const items = (await getOrder(db, orderId))!.items;
    const pieces = items.filter((i) => i.seqId === '00001' || i.parentSeqId === '00001');
    expect(pieces.map((i) => [i.status, i.facilityId, i.quantity]).sort()).toEqual([['ALLOCATED', 'STORE_NYC', 1], ['ALLOCATED', 'WH_CA', 2]]);
    const brk = await w.job('GEN_BRKR_ORD_FD_NS');
    expect(brk.counts).toMatchObject({ filesCreated: 1 });
    const files = csvFiles(await w.ls('salesorder/update'));
    expect(files).toHaveLength(1);
    const so = w.ns.store.all('salesorder').find((r) => r.fields[w.ns.ids.SO.orderId] === orderId)!;
    const newSeq = pieces.find((i) => i.facilityId === 'WH_CA')!.seqId;
    // The original line keeps its NetSuite line with the store's share; the warehouse piece is a new line (no line id yet).
    expect((await w.read(`salesorder/update/${files[0]}`)).trim().split('\n').slice(1)).toEqual([
      `${so.id},1,${ns.sku1},,1,F,F,00001`,
      `${so.id},,${ns.sku1},${ns.whCa},2,F,F,${newSeq}`,
    ]);

    importCycle(w, 'HC_SC_UpdateSalesOrders');
    expect(csvFiles(await w.ls('salesorder/update/archive'))).toContain(files[0]);
    const lines = w.ns.store.must('salesorder', so.id).sublists[w.ns.ids.SO.itemSublist];
    const byOms = (seq: string) => lines.find((l) => l[w.ns.ids.SO.lineId] === seq)!;
    expect([byOms('00001').quantity, byOms(newSeq).quantity, byOms(newSeq)[w.ns.ids.SO.location]]).toEqual([1, 2, ns.whCa]);

    runMapReduce(w.ns, 'HC_MR_ExportedSalesOrderItemCSV');
    const attr = await w.job('IMP_ORDER_ITM_ATTR');
    expect(attr.counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowErrors: 0 });
    const after = (await getOrder(db, orderId))!.items.find((i) => i.seqId === newSeq)!;
    expect(after.netsuiteLineId).toBe(String(byOms(newSeq)[w.ns.ids.SO.line]));
  });
});
