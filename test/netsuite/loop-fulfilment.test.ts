/**
 * The NetSuite loop, chapters 4–6 (issue 9, item 4): the same story as `loop.test.ts` (told again
 * through 3b by `loop/story.ts`, checked there), then the store's VAR_STOLEN variance, the shipments
 * both ways, the deposit and the invoice, with every record and file checked after each chapter.
 * The OMS's real jobs on PGlite, the compiled SuiteScripts in the emulator, one real SFTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { getOrder } from '../../src/app/orders';
import { depositIdsFeed, fulfillmentFeed } from '../../src/feeds/codec';
import { variances } from '../../src/db/schema';
import { createTestDatabase } from '../support/db';
import { csvFiles, lineOf, openStory, soLines, type Story } from './loop/story';
import { chapter4, chapter5, chapter6, tellStory } from './loop/story-fulfilment';

async function decoded<T>(feed: { decode(s: string): AsyncGenerator<{ ok: boolean; value?: T; message?: string }> }, text: string): Promise<T[]> {
  const out: T[] = [];
  for await (const r of feed.decode(text)) {
    expect(r.ok, r.message).toBe(true);
    out.push(r.value as T);
  }
  return out;
}

describe('the NetSuite loop, from the store variance to the invoice', () => {
  let s: Story;
  let close: () => Promise<void>;
  const F = () => s.w.ns.ids.SO;
  const omsItems = async () => (await getOrder(s.db, s.orderId))!.items;

  beforeAll(async () => {
    const d = await createTestDatabase('pglite');
    s = await openStory(d);
    close = async () => { await s.close(); await d.close(); };
    await tellStory(s, '3b');
  }, 120_000);

  afterAll(async () => { await close?.(); });

  it('4. the store rejects SKU2 with VAR_STOLEN: one inventory adjustment in NetSuite, however often the file comes; the item goes to WH_CA', async () => {
    const { w } = s;
    const c = await chapter4(s);
    const [v] = await s.db.select().from(variances).where(and(eq(variances.orderId, s.orderId), eq(variances.orderItemSeqId, '00002')));
    expect([v.id, v.reason, v.quantity, v.facilityId, v.productId]).toEqual([c.varianceId, 'VAR_STOLEN', -1, 'STORE_NYC', 'SKU2']);
    expect(c.feed.counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    const day = `${v.createdAt.getUTCMonth() + 1}/${v.createdAt.getUTCDate()}/${v.createdAt.getUTCFullYear()}`;
    expect(c.text).toBe(
      'Reference No,Adjustment Account,Item,Adjust Qty By,Location,Date,Memo,Subsidiary,HC Inventory Adj Id,Adjustment Location\n'
      + `${c.varianceId},${s.ids.account},${s.ids.sku2},-1,${s.ids.store},${day},"VAR_STOLEN, order ${s.orderId}",${s.ids.sub},${c.varianceId},${s.ids.store}\n`,
    );
    // Imported once under its name; the same name and bytes again is a duplicate (no import); the new name is imported.
    expect([c.importsOfFile, c.importsOfDuplicate, c.importsOfResent]).toEqual([1, 0, 1]);
    const adjustments = w.ns.store.all('inventoryadjustment');
    expect(adjustments).toHaveLength(1);
    const [adj] = adjustments;
    expect(adj.fields).toMatchObject({ externalid: c.varianceId, tranid: c.varianceId, account: s.ids.account, subsidiary: s.ids.sub, adjlocation: s.ids.store });
    expect((adj.fields.trandate as Date).toISOString().slice(0, 10)).toBe(v.createdAt.toISOString().slice(0, 10));
    expect(adj.sublists.inventory.map((l) => [l.item, l.location, l.adjustqtyby])).toEqual([[s.ids.sku2, s.ids.store, -1]]);
    expect(await w.ls('inventoryadjustment/csv')).toEqual([]);
    const archive = await w.ls('inventoryadjustment/archive');
    expect(archive).toHaveLength(3);
    expect(archive).toEqual(expect.arrayContaining([c.file, c.resent]));
    expect(await w.ls('inventoryadjustment/csv/error')).toEqual([]);
    expect(await w.ls('inventoryadjustment/failed')).toEqual([]);

    // Brokering again: the store is excluded for the item, WH_CA has SKU2; NetSuite's line 2 gets that location.
    const items = await omsItems();
    expect(items.find((i) => i.seqId === '00002')).toMatchObject({ status: 'ALLOCATED', facilityId: 'WH_CA' });
    expect(c.allocation.text.trim().split('\n').slice(1)).toEqual([`${s.soId},2,${s.ids.sku2},${s.ids.whCa},1,F,F,00002`]);
    expect(lineOf(s, '00002')[F().location]).toBe(s.ids.whCa);
    expect(await w.ls('salesorder/update/error')).toEqual([]);
  });

  it('5. the CA warehouse ships in NetSuite and the OMS marks those items shipped; the store ships and NetSuite fulfils exactly its line', async () => {
    const { w } = s;
    const c = await chapter5(s);
    const piece = lineOf(s, '00003');
    expect(c.shippedLines).toEqual([String(lineOf(s, '00002').line), String(piece.line)]);
    const got = await decoded(fulfillmentFeed, c.exportText);
    expect(got.map((r) => [r.orderId, r.orderItemSeqId, r.externalFacilityId, r.quantity, r.trackingNumber, r.carrier]).sort()).toEqual([
      [s.orderId, '00002', s.ids.whCa, 1, '1ZCA00000001', 'UPS'],
      [s.orderId, '00003', s.ids.whCa, 2, '1ZCA00000001', 'UPS'],
    ]);
    expect(c.shipments.counts).toMatchObject({ filesApplied: 1, rowsApplied: 2, rowErrors: 0 });
    expect(await w.ls('salesorder/import/fulfillment/archive')).toEqual([c.exportFile]);

    // The store's shipment: the fulfilled-items file tags line 1; HC_SC_CreateItemFulfillment fulfils that line alone, once.
    expect(c.storeUpdate.feed.counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    expect(c.storeUpdate.text).toBe(`internalId,lineId,item,quantity,location,tags,orderLineId\n${s.soId},1,${s.ids.sku1},1,${s.ids.store},oms-fulfilled,00001\n`);
    expect(lineOf(s, '00001')).toMatchObject({ [F().itemTag!]: 'oms-fulfilled', [F().location]: s.ids.store, quantity: 1 });
    const fulfilments = w.ns.store.all('itemfulfillment');
    expect(fulfilments.map((f) => f.id)).toEqual([c.warehouseFulfilment, c.storeFulfilment.id]);
    expect(c.storeFulfilment.fields).toMatchObject({ createdfrom: s.soId, shipstatus: 'C', custbody_oms_ful_export_batch: 'OMS' });
    expect(c.storeFulfilment.sublists.item.map((l) => [l.orderline, l.quantity, l.location])).toEqual([['1', 1, s.ids.store]]);
    // The OMS's own fulfilment is never sent back to it.
    expect(c.exportFilesAfter).toEqual([]);
    expect(soLines(s).map((l) => [l[F().lineId], l.quantity, l.quantityfulfilled])).toEqual([['00001', 1, 1], ['00002', 1, 1], ['00003', 2, 2]]);
    expect(w.ns.store.must('salesorder', s.soId).fields.status).toBe('SalesOrd:F');

    const order = (await getOrder(s.db, s.orderId))!;
    expect(order.status).toBe('COMPLETED');
    const { items } = order;
    expect(items.map((i) => [i.seqId, i.status, i.facilityId])).toEqual([['00001', 'SHIPPED', 'STORE_NYC'], ['00002', 'SHIPPED', 'WH_CA'], ['00003', 'SHIPPED', 'WH_CA']]);
    expect(items.find((i) => i.seqId === '00003')).toMatchObject({ trackingNumber: '1ZCA00000001', carrier: 'UPS' });
    expect(await w.ls('salesorder/update/error')).toEqual([]);
  });

  it('6. one deposit however often its file comes, its id back in the OMS; the order invoiced once with the deposit applied', async () => {
    const { w } = s;
    const c = await chapter6(s);
    expect(c.feed.counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    expect(JSON.parse(c.text)).toEqual([{ orderId: s.soId, totalAmount: 35, paymentMethod: '5', externalId: c.paymentId }]);
    const deposits = w.ns.store.all('customerdeposit');
    expect(deposits).toHaveLength(1);
    const [dep] = deposits;
    expect(dep.fields).toMatchObject({ customer: s.nsCustomerId, salesorder: s.soId, payment: 35, paymentmethod: '5', externalid: c.paymentId });
    const archive = await w.ls('salesorder/customerdeposit/archive');
    expect(archive).toHaveLength(3);
    expect(archive).toEqual(expect.arrayContaining([c.file, c.resent]));
    expect(await w.ls('salesorder/customerdeposit')).toEqual([]);
    expect(await w.ls('salesorder/customerdeposit/error')).toEqual([]);

    expect(await decoded(depositIdsFeed, c.idText)).toEqual([{ orderId: s.orderId, internalId: dep.id, manualRefNumber: c.paymentId }]);
    expect(c.depositIds.counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowErrors: 0 });
    const order = (await getOrder(s.db, s.orderId))!;
    expect(order.payments.map((p) => [p.id, p.netsuiteDepositId])).toEqual([[c.paymentId, dep.id]]);
    expect(csvFiles(await w.ls('salesorder/import/orderpayment'))).toEqual([]);

    const invoices = w.ns.store.all('invoice');
    expect(invoices).toHaveLength(1);
    const [inv] = invoices;
    expect(inv.fields).toMatchObject({ createdfrom: s.soId, entity: s.nsCustomerId, total: 35, status: 'CustInvc:B', amountremaining: 0 });
    expect(inv.sublists.item.map((l) => [l.orderline, l.quantity, l.amount]).sort()).toEqual([['1', 1, 10], ['2', 1, 5], ['3', 2, 20]]);
    expect(w.ns.store.all('depositapplication').map((a) => [a.fields.deposit, a.fields.appliedto, a.fields.amount])).toEqual([[dep.id, inv.id, 35]]);
    expect(w.ns.store.must('customerdeposit', dep.id).fields.status).toBe('CustDep:C');
    expect(w.ns.store.must('salesorder', s.soId).fields.status).toBe('SalesOrd:G');

    // NetSuite refused nothing along the way: the refusal job finds no report.
    const refusals = await w.job('IMP_NS_IMPORT_ERRORS');
    expect(refusals.counts.filesApplied ?? 0).toBe(0);
    expect(JSON.stringify(w.ns.logs)).not.toMatch(/Lovelace|ada@example|1 Main St/);
  });
});
