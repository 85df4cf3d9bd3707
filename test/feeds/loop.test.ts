/**
 * THE LOOP, end to end over the real in-process SFTP server: allocation at a NetSuite warehouse →
 * brokered-items file → NetSuite rejection file → back to the queue → re-brokered elsewhere → sent
 * again; a store rejection with VAR_DAMAGED → an inventory-adjustment row.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { runBrokering } from '../../src/app/brokering';
import { getOrder } from '../../src/app/orders';
import { rejectItem } from '../../src/app/rejections';
import { ledgerInconsistencies } from '../../src/db/inventory.repo';
import { externalFulfillment, facilityExclusions, feedFiles, rejections } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { expectOk } from '../support/fixtures';
import { approvedOrder, feedEnv, listNames, netsuiteWrites, readFeedFiles, seedLoopCatalog, type FeedEnv } from './helpers';

describe.each(ENGINES)('the NetSuite loop over SFTP on %s', (engine) => {
  let env: FeedEnv;
  beforeEach(async () => {
    env = await feedEnv(engine, { sftp: true });
    await seedLoopCatalog(env.d.db);
  });
  afterEach(async () => { await env.close(); });

  it('allocation → brokered file → NetSuite rejection → re-brokered to another warehouse → sent again; store VAR_DAMAGED → variance file', async () => {
    const db = env.d.db;
    const orderId = await approvedOrder(db, { items: [{ productId: 'SKU1', quantity: 2, unitPrice: 10 }] });

    // NetSuite sends back its ids for the order and its line.
    await netsuiteWrites(env.netsuite, 'salesorder/import/orderidentification', '2026-11-20 10:00:00-SalesOrderExport.csv',
      `orderId,orderIdentificationTypeId,idValue\n${orderId},NETSUITE_ORDER_ID,7001\n`);
    await netsuiteWrites(env.netsuite, 'salesorder/import/orderitemattribute', '2026-11-20 10:00:00-SalesOrderItemExport.csv',
      `orderId,orderItemSeqId,attrName,attrValue\n${orderId},00001,NetsuiteItemLineId,3\n`);
    expect((await env.run('IMP_ORDER_IDENT')).counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowErrors: 0 });
    expect((await env.run('IMP_ORDER_ITM_ATTR')).counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowErrors: 0 });
    expect(await listNames(env.netsuite, 'salesorder/import/orderidentification/archive')).toEqual(['2026-11-20 10:00:00-SalesOrderExport.csv']);

    // Nothing allocated yet: the export writes nothing.
    expect((await env.run('GEN_BRKR_ORD_FD_NS')).counts).toMatchObject({ filesCreated: 0, rowsExported: 0 });

    // Brokering allocates it to WH_NJ (ranking 1, a NetSuite warehouse).
    await runBrokering(env.d, { trigger: 'test' });
    expect((await getOrder(db, orderId))!.items[0]).toMatchObject({ status: 'ALLOCATED', facilityId: 'WH_NJ' });

    const first = await env.run('GEN_BRKR_ORD_FD_NS');
    expect(first.counts).toMatchObject({ filesCreated: 1, filesUploaded: 1, rowsExported: 1 });
    let files = await readFeedFiles(env.netsuite, 'brokered-items');
    expect(files).toHaveLength(1);
    expect(files[0].name).toContain(first.runId);
    expect(files[0].rows).toEqual([{ internalId: '7001', lineId: '3', item: '501', location: '11', quantity: 2, closed: false, rejected: false, orderLineId: '00001' }]);
    // A second run finds nothing new.
    expect((await env.run('GEN_BRKR_ORD_FD_NS')).counts).toMatchObject({ filesCreated: 0 });

    // NetSuite cannot fulfil it: its rejection export lands in rejectedorderitem/.
    const rejName = '2026-11-20T11:05:00Z-RejectedSalesOrderItemExport.csv';
    await netsuiteWrites(env.netsuite, 'salesorder/rejectedorderitem', rejName,
      `orderId,orderItemSeqId,rejectionComments,rejectionReason\n${orderId},00001,Order Item Rejected from NetSuite,\n`);
    // A hostile listing (reliability.md scenario 21): names that leave the folder are never read.
    env.server!.injectReaddirNames(['../../x-RejectedSalesOrderItemExport.csv', 'a/b-RejectedSalesOrderItemExport.csv', '..', '/etc/passwd', 'x.csv\u0000-RejectedSalesOrderItemExport.csv']
      .map((name) => ({ name, dir: `${env.server!.homeDir}/netsuite/salesorder/rejectedorderitem` })));
    const rj = await env.run('IMP_ORDER_ITM_RJCT');
    env.server!.clearInjectedNames();
    expect(rj.counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowErrors: 0 });
    expect(rj.rowErrors).toEqual([]);
    expect(await listNames(env.netsuite, 'salesorder/rejectedorderitem/archive')).toEqual([rejName]);
    expect(await listNames(env.netsuite, 'salesorder/rejectedorderitem', /.+\.csv/)).toEqual([]);
    expect((await getOrder(db, orderId))!.items[0]).toMatchObject({ status: 'APPROVED', facilityId: '_NA_' });
    const [rej] = await db.select().from(rejections).where(eq(rejections.orderId, orderId));
    expect(rej).toMatchObject({ source: 'NETSUITE', facilityId: 'WH_NJ', comments: 'Order Item Rejected from NetSuite' });
    expect(await db.select().from(facilityExclusions).where(eq(facilityExclusions.orderId, orderId))).toHaveLength(1);
    const [rejFile] = await db.select().from(feedFiles).where(and(eq(feedFiles.feed, 'rejected-items'), eq(feedFiles.fileName, rejName)));
    expect(rejFile).toMatchObject({ direction: 'IN', status: 'APPLIED', rowCount: 1, errorCount: 0 });

    // The next brokering run places it at the other NetSuite warehouse (the store has no SKU1).
    await runBrokering(env.d, { trigger: 'test' });
    expect((await getOrder(db, orderId))!.items[0]).toMatchObject({ status: 'ALLOCATED', facilityId: 'WH_CA' });
    const second = await env.run('GEN_BRKR_ORD_FD_NS');
    expect(second.counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    files = await readFeedFiles(env.netsuite, 'brokered-items');
    expect(files).toHaveLength(2);
    const resent = files.find((f) => f.name.includes(second.runId))!;
    expect(resent.rows).toEqual([{ internalId: '7001', lineId: '3', item: '501', location: '12', quantity: 2, closed: false, rejected: false, orderLineId: '00001' }]);
    const outbox = await db.select().from(externalFulfillment).where(eq(externalFulfillment.orderId, orderId));
    expect(outbox.map((o) => [o.facilityId, o.kind])).toEqual([['WH_NJ', 'BROKERED'], ['WH_CA', 'BROKERED']]);
    expect(new Set(outbox.map((o) => o.reservationId)).size).toBe(2);

    // A store rejection with VAR_DAMAGED → one inventory adjustment in the next variance file.
    const storeOrder = await approvedOrder(db, { items: [{ productId: 'SKU2', quantity: 1, unitPrice: 5 }] });
    await runBrokering(env.d, { trigger: 'test' });
    expect((await getOrder(db, storeOrder))!.items[0]).toMatchObject({ status: 'ALLOCATED', facilityId: 'STORE_NYC' });
    const r = expectOk(await db.transaction((tx) => rejectItem(tx, { orderId: storeOrder, seqId: '00001', reasonId: 'VAR_DAMAGED', comments: '=HYPERLINK("x")', source: 'STORE', actor: 'store:nyc' })));
    expect(r.varianceId).toBeTruthy();
    const inv = await env.run('GEN_INV_VAR_FEED_NS');
    expect(inv.counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    const adj = await readFeedFiles(env.netsuite, 'inventory-adjustment');
    expect(adj).toHaveLength(1);
    const today = new Date();
    expect(adj[0].rows).toEqual([{
      referenceNo: r.varianceId, adjustmentAccount: '927', item: '502', adjustQtyBy: -1, location: '21',
      date: `${today.getUTCMonth() + 1}/${today.getUTCDate()}/${today.getUTCFullYear()}`,
      memo: `VAR_DAMAGED, order ${storeOrder}`, subsidiary: '1', hcInventoryAdjId: r.varianceId, adjustmentLocation: '21',
    }]);
    const text = (await env.netsuite.read('inventoryadjustment/csv', adj[0].name)).toString();
    expect(text.split('\n')[0]).toBe('Reference No,Adjustment Account,Item,Adjust Qty By,Location,Date,Memo,Subsidiary,HC Inventory Adj Id,Adjustment Location');
    expect(text).toContain(`,502,-1,21,`);
    expect((await env.run('GEN_INV_VAR_FEED_NS')).counts).toMatchObject({ filesCreated: 0 });

    expect(await ledgerInconsistencies(db)).toEqual([]);
  });
});
