/**
 * The whole NetSuite loop in one story (issue 9, item 4), chapters 1–3b: the OMS's real feed jobs
 * on PGlite and the compiled SuiteScripts in the emulator exchange files through one real SFTP
 * server on loopback (`loop/story.ts` tells the chapters; this file checks every file and record
 * after each). Chapters 4–6 (variance, shipments, deposit and invoice): `loop-fulfilment.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getOrder } from '../../src/app/orders';
import { customers, orders } from '../../src/db/schema';
import { createTestDatabase } from '../support/db';
import { chapter1, chapter2, chapter3, chapter3b, csvFiles, lineOf, openStory, soLines, type Story } from './loop/story';

describe('the NetSuite loop: OMS jobs and SuiteScripts over one real SFTP server', () => {
  let s: Story;
  let close: () => Promise<void>;
  const F = () => s.w.ns.ids.SO;

  beforeAll(async () => {
    const d = await createTestDatabase('pglite');
    s = await openStory(d);
    close = async () => { await s.close(); await d.close(); };
  }, 60_000);

  afterAll(async () => { await close?.(); });

  it('1. the order enters the OMS; NetSuite creates the customer and the order; their ids come back', async () => {
    const { w, db } = s;
    const c = await chapter1(s);
    expect(c.customerFeed.counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    expect(c.customerFiles).toHaveLength(1);
    expect(await w.ls('customer/export/archive')).toEqual(c.customerFiles);
    const nsCustomers = w.ns.store.all('customer').filter((r) => r.fields.custentity_oms_customer_id);
    expect(nsCustomers.map((r) => [r.id, r.fields.subsidiary])).toEqual([[s.nsCustomerId, s.ids.sub]]);
    // Nothing of the customer's name or e-mail is logged by the import.
    expect(JSON.stringify(w.ns.logs)).not.toMatch(/Lovelace|ada@example/);

    expect(c.customerIdText).toContain(`,${s.nsCustomerId}`);
    expect(c.customerIds.counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowErrors: 0 });
    const order = (await getOrder(db, s.orderId))!;
    const [omsCustomer] = await db.select().from(customers).where(eq(customers.id, order.customerId!));
    expect(omsCustomer.netsuiteCustomerId).toBe(s.nsCustomerId);

    expect(c.orderFeed.counts).toMatchObject({ filesCreated: 1, rowsExported: 2 });
    expect(c.orderFiles).toHaveLength(1);
    expect(await w.ls('salesorder/export/archive')).toEqual(c.orderFiles);
    const so = w.ns.store.all('salesorder').filter((r) => r.fields[F().orderId] === s.orderId);
    expect(so.map((r) => [r.id, r.fields.entity])).toEqual([[s.soId, s.nsCustomerId]]);
    expect(soLines(s).map((l) => [l.item, l.quantity, l[F().lineId]])).toEqual([[s.ids.sku1, 3, '00001'], [s.ids.sku2, 1, '00002']]);

    expect([c.orderIdFiles, c.lineIdFiles].map((f) => f.length)).toEqual([1, 1]);
    expect(c.orderIds.counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowErrors: 0 });
    expect(c.lineIds.counts).toMatchObject({ filesApplied: 1, rowsApplied: 2, rowErrors: 0 });
    const [omsOrder] = await db.select().from(orders).where(eq(orders.id, s.orderId));
    expect(omsOrder.netsuiteOrderId).toBe(s.soId);
    expect(order.items.map((i) => [i.seqId, i.netsuiteLineId])).toEqual([['00001', String(soLines(s)[0].line)], ['00002', String(soLines(s)[1].line)]]);
    // Every file the jobs consumed was archived on the server.
    expect(csvFiles(await w.ls('customer/import'))).toEqual([]);
    expect(csvFiles(await w.ls('salesorder/import/orderidentification'))).toEqual([]);
    expect(csvFiles(await w.ls('salesorder/import/orderitemattribute'))).toEqual([]);
    // The scripts went over SSH to the real server, never to the in-memory fake.
    expect(w.sftp.calls.filter((x) => x.op === 'download').length).toBeGreaterThanOrEqual(2);
    expect(w.sftp.calls.filter((x) => x.op === 'upload').length).toBeGreaterThanOrEqual(3);
    expect(w.ns.sftp.calls).toEqual([]);
  });

  it('2. approved and brokered: the NetSuite line gets the warehouse, the store keeps its item', async () => {
    const run = await chapter2(s);
    const items = (await getOrder(s.db, s.orderId))!.items;
    expect(items.map((i) => [i.seqId, i.status, i.facilityId])).toEqual([['00001', 'ALLOCATED', 'WH_NJ'], ['00002', 'ALLOCATED', 'STORE_NYC']]);
    expect(run.feed.counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    expect(run.text.trim().split('\n').slice(1)).toEqual([`${s.soId},1,${s.ids.sku1},${s.ids.whNj},3,F,F,00001`]);
    expect(await s.w.ls('salesorder/update/archive')).toEqual([run.file]);
    expect(soLines(s).map((l) => [l[F().lineId], l[F().location] ?? ''])).toEqual([['00001', s.ids.whNj], ['00002', '']]);
    // Every row applied: no refusal report.
    expect(await s.w.ls('salesorder/update/error')).toEqual([]);
  });

  it('3. a NetSuite user rejects the warehouse line; the rejection file puts it back in the brokering queue', async () => {
    const c = await chapter3(s);
    const rows = c.exportText.trim().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[1].startsWith(`${s.orderId},00001,`)).toBe(true);
    expect(c.rejections.counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowErrors: 0 });
    expect(await s.w.ls('salesorder/rejectedorderitem/archive')).toEqual([c.exportFile]);
    const items = (await getOrder(s.db, s.orderId))!.items;
    expect(items.map((i) => [i.seqId, i.status, i.facilityId])).toEqual([['00001', 'APPROVED', '_NA_'], ['00002', 'ALLOCATED', 'STORE_NYC']]);
  });

  it('3b. brokering splits the rejected line across the store and the other warehouse; the piece reaches NetSuite', async () => {
    const c = await chapter3b(s);
    const items = (await getOrder(s.db, s.orderId))!.items;
    const pieces = items.filter((i) => i.seqId === '00001' || i.parentSeqId === '00001');
    expect(pieces.map((i) => [i.status, i.facilityId, i.quantity]).sort()).toEqual([['ALLOCATED', 'STORE_NYC', 1], ['ALLOCATED', 'WH_CA', 2]]);
    expect(pieces.find((i) => i.facilityId === 'WH_CA')!.seqId).toBe(c.newSeq);
    expect(c.feed.counts).toMatchObject({ filesCreated: 1 });
    // The original line keeps its NetSuite line with the store's share, moved to the store's location (it
    // leaves NJ, which rejected it: an open, unrejected line there would ship twice); the warehouse
    // piece is a new line (no line id yet).
    expect(c.text.trim().split('\n').slice(1)).toEqual([
      `${s.soId},1,${s.ids.sku1},${s.ids.store},1,F,F,00001`,
      `${s.soId},,${s.ids.sku1},${s.ids.whCa},2,F,F,${c.newSeq}`,
    ]);
    expect(csvFiles(await s.w.ls('salesorder/update/archive'))).toContain(c.file);
    expect([lineOf(s, '00001').quantity, lineOf(s, c.newSeq).quantity, lineOf(s, c.newSeq)[F().location]]).toEqual([1, 2, s.ids.whCa]);
    expect([lineOf(s, '00001')[F().location], lineOf(s, '00001')[F().rejected]]).toEqual([s.ids.store, false]);
    // Both rows went through N/record and applied: no refusal report (feeds.md v2 "Refusals": a report lists refused rows).
    expect(await s.w.ls('salesorder/update/error')).toEqual([]);

    expect(c.lineIds.counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowErrors: 0 });
    const after = (await getOrder(s.db, s.orderId))!.items.find((i) => i.seqId === c.newSeq)!;
    expect(after.netsuiteLineId).toBe(String(lineOf(s, c.newSeq).line));
  });
});
