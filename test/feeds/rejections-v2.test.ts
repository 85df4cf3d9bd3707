/**
 * NetSuite rejections, feeds v2: the same line rejected twice (byte-identical files under new
 * names) applies twice; stale re-sent rejections are no-ops; and the bulk path leaves exactly the
 * database state the row-by-row path leaves on the same input (bad rows, unknown items, no-ops,
 * duplicates, chunk boundaries).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runBrokering } from '../../src/app/brokering';
import { approveOrder, cancelOrder, createOrder } from '../../src/app/orders';
import { markShipped, packItem } from '../../src/app/fulfilment';
import type { Db } from '../../src/db/client';
import { ledgerInconsistencies } from '../../src/db/inventory.repo';
import { runImport } from '../../src/feeds/import-runner';
import { rejectedItemsImport } from '../../src/feeds/rejected-items';
import { ENGINES } from '../support/db';
import { expectOk, orderBody, WH_CA } from '../support/fixtures';
import { setInventory, upsertFacility } from '../../src/app/catalog';
import { CONFIG, feedEnv, listNames, netsuiteWrites, q, recordingContext, seedLoopCatalog, type FeedEnv } from './helpers';

const DIR = 'salesorder/rejectedorderitem';
const V2 = 'orderId,orderItemSeqId,rejectionComments,rejectionReason,facilityId,rejectionId';
const LEGACY = 'orderId,orderItemSeqId,rejectionComments,rejectionReason';
const file = (header: string, rows: string[]) => `${header}\n${rows.join('\n')}\n`;

async function itemOf(db: Db, orderId: string) {
  return (await q<{ status: string; facility_id: string }>(db, sql`select status, facility_id from order_items where order_id = ${orderId} and seq_id = '00001'`))[0];
}

describe.each(ENGINES)('NetSuite rejections v2 on %s', (engine) => {
  describe('over SFTP', () => {
    let env: FeedEnv;
    beforeEach(async () => {
      env = await feedEnv(engine, { sftp: true, config: { ...CONFIG, REJECTION_EXCLUSION_DAYS: 1 } });
      await seedLoopCatalog(env.d.db);
    });
    afterEach(async () => { await env.close(); });

    it('byte-identical rejections from two NetSuite warehouses in turn apply twice: the item ends at a third facility', async () => {
      const db = env.d.db;
      expectOk(await db.transaction((tx) => upsertFacility(tx, { ...WH_CA, id: 'WH_TX', name: 'TX Warehouse', netsuiteLocationId: '13', postalCode: '75001', ranking: 4 })));
      expectOk(await db.transaction((tx) => setInventory(tx, 'SKU1', 'WH_TX', 50, 'test')));
      const { order } = expectOk(await db.transaction((tx) => createOrder(tx, orderBody({ items: [{ productId: 'SKU1', quantity: 1, unitPrice: 10 }] }))));
      expectOk(await db.transaction((tx) => approveOrder(tx, order.id)));
      const bytes = file(LEGACY, [`${order.id},00001,Order Item Rejected from NetSuite,NOT_IN_STOCK`]);
      for (const [at, name] of [['WH_NJ', 'a'], ['WH_CA', 'b']]) {
        await runBrokering(env.d, { trigger: 'test' });
        expect(await itemOf(db, order.id)).toEqual({ status: 'ALLOCATED', facility_id: at });
        await netsuiteWrites(env.netsuite, DIR, `${name}-RejectedSalesOrderItemExport.csv`, bytes);
        expect((await env.run('IMP_ORDER_ITM_RJCT')).counts).toMatchObject({ filesApplied: 1, filesDuplicate: 0, rowsApplied: 1, rowsNoop: 0 });
      }
      await runBrokering(env.d, { trigger: 'test' });
      expect(await itemOf(db, order.id)).toEqual({ status: 'ALLOCATED', facility_id: 'WH_TX' });
      expect((await q(db, sql`select facility_id from rejections where order_id = ${order.id} order by id`)).map((r) => r.facility_id)).toEqual(['WH_NJ', 'WH_CA']);
      expect(await ledgerInconsistencies(db)).toEqual([]);
    });

    it('the same line rejected twice (byte-identical files under new names, re-brokered to the same warehouse between) applies twice', async () => {
      const db = env.d.db;
      const { order } = expectOk(await db.transaction((tx) => createOrder(tx, orderBody({ items: [{ productId: 'SKU1', quantity: 2, unitPrice: 10 }] }))));
      expectOk(await db.transaction((tx) => approveOrder(tx, order.id)));
      await runBrokering(env.d, { trigger: 'test' });
      expect(await itemOf(db, order.id)).toEqual({ status: 'ALLOCATED', facility_id: 'WH_NJ' });
      const bytes = file(LEGACY, [`${order.id},00001,Order Item Rejected from NetSuite,`]);

      await netsuiteWrites(env.netsuite, DIR, '2026-11-20 11:00:00-RejectedSalesOrderItemExport.csv', bytes);
      expect((await env.run('IMP_ORDER_ITM_RJCT')).counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowsNoop: 0 });
      expect(await itemOf(db, order.id)).toEqual({ status: 'APPROVED', facility_id: '_NA_' });
      // The exclusion of WH_NJ runs out (REJECTION_EXCLUSION_DAYS): brokering picks WH_NJ again.
      await db.execute(sql`update facility_exclusions set until = now() - interval '1 minute' where order_id = ${order.id}`);
      await runBrokering(env.d, { trigger: 'test' });
      expect(await itemOf(db, order.id)).toEqual({ status: 'ALLOCATED', facility_id: 'WH_NJ' });

      // NetSuite rejects the line again: its next file is byte for byte the first one, under a new name.
      await netsuiteWrites(env.netsuite, DIR, '2026-11-21 11:00:00-RejectedSalesOrderItemExport.csv', bytes);
      const second = await env.run('IMP_ORDER_ITM_RJCT');
      expect(second.counts).toMatchObject({ filesApplied: 1, filesDuplicate: 0, rowsApplied: 1, rowsNoop: 0 });
      expect(await itemOf(db, order.id)).toEqual({ status: 'APPROVED', facility_id: '_NA_' });
      await runBrokering(env.d, { trigger: 'test' });
      expect(await itemOf(db, order.id)).toEqual({ status: 'ALLOCATED', facility_id: 'WH_CA' });

      const rej = await q(db, sql`select facility_id, reservation_id is not null as has_res from rejections where order_id = ${order.id} order by id`);
      expect(rej).toEqual([{ facility_id: 'WH_NJ', has_res: true }, { facility_id: 'WH_NJ', has_res: true }]);
      const res = await q(db, sql`select facility_id, status from reservations where order_id = ${order.id} order by id`);
      expect(res).toEqual([{ facility_id: 'WH_NJ', status: 'RELEASED' }, { facility_id: 'WH_NJ', status: 'RELEASED' }, { facility_id: 'WH_CA', status: 'ACTIVE' }]);
      expect(await listNames(env.netsuite, `${DIR}/archive`)).toHaveLength(2);

      // The same name with the same bytes again: archived as a duplicate, nothing applied.
      await netsuiteWrites(env.netsuite, DIR, '2026-11-21 11:00:00-RejectedSalesOrderItemExport.csv', bytes);
      expect((await env.run('IMP_ORDER_ITM_RJCT')).counts).toMatchObject({ filesDuplicate: 1, filesApplied: 0, rowsApplied: 0 });
      expect(await itemOf(db, order.id)).toEqual({ status: 'ALLOCATED', facility_id: 'WH_CA' });
      expect(await ledgerInconsistencies(db)).toEqual([]);
    });

    it('v2 rows: a stale re-sent rejection is a no-op once the item moved; a rejectionId applies once; the location decides', async () => {
      const db = env.d.db;
      const { order } = expectOk(await db.transaction((tx) => createOrder(tx, orderBody({ items: [{ productId: 'SKU1', quantity: 1, unitPrice: 10 }, { productId: 'SKU1', quantity: 1, unitPrice: 10 }] }))));
      expectOk(await db.transaction((tx) => approveOrder(tx, order.id)));
      await runBrokering(env.d, { trigger: 'test' });
      await netsuiteWrites(env.netsuite, DIR, 'a-RejectedSalesOrderItemExport.csv', file(V2, [
        `${order.id},00001,Rejected,,12,SO1-1-1000`, // WH_CA's location: the item is at WH_NJ → no-op
        `${order.id},00001,Rejected,,99,SO1-1-1001`, // unknown location → error
        `${order.id},00001,Rejected,,21,SO1-1-1002`, // a store's location → error
        `${order.id},00001,Rejected,VAR_DAMAGED,11,SO1-1-1003`, // applies; the variance reason is kept in the comments
        `${order.id},00001,Rejected,,11,SO1-1-1003`, // same rejectionId → no-op
        `${order.id},00002,Rejected,,11,`, // rejectionId missing → error
      ]));
      const r = await env.run('IMP_ORDER_ITM_RJCT');
      expect(r.counts).toMatchObject({ rowsApplied: 1, rowsNoop: 2, rowErrors: 3 });
      expect(r.rowErrors.map((e) => [e.row, e.field])).toEqual([[2, 'facilityId'], [3, 'facilityId'], [6, 'rejectionId']]);
      const [rej] = await q(db, sql`select facility_id, reason, comments, netsuite_rejection_id from rejections where order_id = ${order.id}`);
      expect(rej).toEqual({ facility_id: 'WH_NJ', reason: null, comments: 'Rejected; reason VAR_DAMAGED (no inventory effect at a NetSuite facility)', netsuite_rejection_id: 'SO1-1-1003' });

      await runBrokering(env.d, { trigger: 'test' });
      expect(await itemOf(db, order.id)).toEqual({ status: 'ALLOCATED', facility_id: 'WH_CA' });
      // The old rejection re-sent (new id, old location) must not reject the new allocation.
      await netsuiteWrites(env.netsuite, DIR, 'b-RejectedSalesOrderItemExport.csv', file(V2, [`${order.id},00001,Rejected,,11,SO1-1-2000`, `${order.id},00001,Rejected,,11,SO1-1-1003`]));
      const stale = await env.run('IMP_ORDER_ITM_RJCT');
      expect(stale.counts).toMatchObject({ rowsApplied: 0, rowsNoop: 2, rowErrors: 0 });
      expect(await itemOf(db, order.id)).toEqual({ status: 'ALLOCATED', facility_id: 'WH_CA' });
      const [report] = (await listNames(env.netsuite, `${DIR}/error`)).filter((n) => n.startsWith('b-'));
      expect((await env.netsuite.read(`${DIR}/error`, report)).toString()).toMatch(/no-op: item .* is at WH_CA \(location 12\), not at location 11: a stale rejection/);
      // A new rejection at its current location applies.
      await netsuiteWrites(env.netsuite, DIR, 'c-RejectedSalesOrderItemExport.csv', file(V2, [`${order.id},00001,Rejected,,12,SO1-1-3000`]));
      expect((await env.run('IMP_ORDER_ITM_RJCT')).counts).toMatchObject({ rowsApplied: 1 });
      expect(await itemOf(db, order.id)).toEqual({ status: 'APPROVED', facility_id: '_NA_' });
      expect(await ledgerInconsistencies(db)).toEqual([]);
    });
  });

  describe('bulk path vs row-by-row path', () => {
    let a: FeedEnv, b: FeedEnv;
    beforeEach(async () => {
      [a, b] = await Promise.all([feedEnv(engine), feedEnv(engine)]);
      await Promise.all([seedLoopCatalog(a.d.db), seedLoopCatalog(b.d.db)]);
    });
    afterEach(async () => { await Promise.all([a.close(), b.close()]); });

    it('give the same database state and the same row outcomes on the same input', async () => {
      const setups = await Promise.all([a, b].map((env) => generate(env)));
      const lines = setups.map((s) => s.lines);
      for (const [i, env] of [a, b].entries()) {
        await netsuiteWrites(env.netsuite, DIR, 'v2-RejectedSalesOrderItemExport.csv', file(V2, lines[i].v2));
        await netsuiteWrites(env.netsuite, DIR, 'x-legacy-RejectedSalesOrderItemExport.csv', file(LEGACY, lines[i].legacy));
      }
      const spec = { ...rejectedItemsImport(), bulkBatchSize: 7 }; // chunk boundaries inside the duplicates
      const ca = recordingContext(), cb = recordingContext();
      // Three lanes side by side on PostgreSQL (rows of one order stay in one lane, in file order).
      const ra = await runImport(a.deps, spec, ca, { lanes: 3 });
      const rb = await runImport(b.deps, rejectedItemsImport(), cb, { rowByRow: true });
      expect(ra.counts.chunksRowByRow).toBeUndefined();
      expect(ra.counts).toEqual(rb.counts);
      expect(ra.counts).toMatchObject({ filesApplied: 2 });
      expect(ra.counts.rowsApplied).toBeGreaterThan(20);
      expect(ra.counts.rowsNoop).toBeGreaterThan(8);
      expect(ra.counts.rowErrors).toBeGreaterThan(5);
      const text = (e: { file?: string; row: number; field?: string; message: string }) => `${e.file}:${e.row}:${e.field}:${e.message}`;
      expect(ca.rowErrors.map((e) => setups[0].norm(text(e)))).toEqual(cb.rowErrors.map((e) => setups[1].norm(text(e))));
      // The no-ops too, from the error reports.
      const reports = await Promise.all([a, b].map(async (env, i) => {
        const names = (await listNames(env.netsuite, `${DIR}/error`)).filter((n) => !n.startsWith('pre-'));
        return Promise.all(names.map(async (n) => setups[i].norm((await env.netsuite.read(`${DIR}/error`, n)).toString())));
      }));
      expect(reports[0]).toEqual(reports[1]);
      expect(reports[0].join('\n')).toMatch(/no-op: rejection R-PRE|no-op: item ORDER#8\/00001 is not allocated/);
      const [sa, sb] = await Promise.all([snapshot(a.d.db), snapshot(b.d.db)]);
      expect(sa).toEqual(sb);
      expect(sa.rejections.length).toBe(ra.counts.rowsApplied + 1); // + the earlier file's R-PRE
      expect(await ledgerInconsistencies(a.d.db)).toEqual([]);
      expect(await ledgerInconsistencies(b.d.db)).toEqual([]);
    });
  });
});

/**
 * Orders EXT-1… with one item each, allocated by brokering at WH_NJ, some packed, one shipped, one
 * cancelled; an earlier rejection applied; and rows of every kind for a v2 and a legacy file.
 */
async function generate(env: FeedEnv) {
  const db = env.d.db;
  const ids: string[] = [];
  for (let i = 1; i <= 40; i++) {
    const { order } = expectOk(await db.transaction((tx) => createOrder(tx, orderBody({ externalId: `EXT-${String(i).padStart(3, '0')}`, orderDate: `2026-11-20T10:${String(i).padStart(2, '0')}:00Z` }))));
    expectOk(await db.transaction((tx) => approveOrder(tx, order.id)));
    ids.push(order.id);
  }
  await runBrokering(env.d, { trigger: 'test' });
  for (const i of [3, 4, 5]) expectOk(await db.transaction((tx) => packItem(tx, { orderId: ids[i], seqId: '00001', actor: 't' })));
  await db.transaction(async (tx) => { await markShipped(tx, { orderId: ids[6], seqId: '00001', source: 'NETSUITE', actor: 't' }); });
  expectOk(await db.transaction((tx) => cancelOrder(tx, ids[7])));
  // An earlier file applied rejection R-PRE of item 8.
  await netsuiteWrites(env.netsuite, DIR, 'pre-RejectedSalesOrderItemExport.csv', file(V2, [`${ids[8]},00001,early,,11,R-PRE`]));
  await runImport(env.deps, rejectedItemsImport(), recordingContext());
  const v2: string[] = [];
  for (let i = 0; i < 30; i++) {
    v2.push(`${ids[i]},00001,Rejected from NetSuite,${i % 5 === 0 ? 'VAR_DAMAGED' : i % 7 === 0 ? 'NO_VARIANCE_LOG' : ''},11,R-${i}`);
    if (i % 4 === 1) v2.push(`${ids[i]},00001,again,,11,R-${i}`); // same rejection twice (a duplicate row)
    if (i % 6 === 2) v2.push(`${ids[i]},00001,other,,11,R-${i}-b`); // a second rejection id for a now-queued item
  }
  v2.push(`${ids[8]},00001,late,,11,R-PRE`, `${ids[9]},00001,x,,12,R-W`, `${ids[9]},00001,x,,99,R-U`, `${ids[9]},00001,x,,21,R-S`,
    'ORD-NOPE,00001,x,,11,R-N', `${ids[9]},00077,x,,11,R-I`, `BAD ID!,00001,x,,11,R-B`, `${ids[9]},00001,x,,11,`);
  const legacy: string[] = [];
  for (let i = 30; i < 40; i++) legacy.push(`${ids[i]},00001,legacy,${i === 31 ? 'VAR_FOUND' : ''}`);
  legacy.push(`${ids[30]},00001,legacy twice,`, `${ids[0]},00001,already queued,`, `${ids[6]},00001,shipped,`, 'ORD-NOPE,00001,x,');
  // Order ids are random per database: messages are compared with each id replaced by its position.
  const norm = (s: string) => ids.reduce((acc, id, i) => acc.replaceAll(id, `ORDER#${i}`), s);
  return { lines: { v2, legacy }, norm };
}

/** Everything a rejection touches, keyed by external order id (order ids and serial ids differ between databases). */
async function snapshot(db: Db) {
  const ext = sql`(select external_id from orders o where o.id = t.order_id)`;
  return {
    orders: await q(db, sql`select external_id, status from orders order by external_id`),
    items: await q(db, sql`select ${ext} as o, seq_id, status, facility_id, backordered, carrier from order_items t order by 1, 2`),
    reservations: await q(db, sql`select ${ext} as o, order_item_seq_id, product_id, facility_id, quantity, status from reservations t order by 1, 2, id`),
    ledger: await q(db, sql`select ${ext} as o, order_item_seq_id, product_id, facility_id, kind, on_hand_delta, reserved_delta, regexp_replace(reason, '^run .*', 'run') as reason, actor like 'feed:%' as feed from inventory_ledger t order by 1, 2, id`),
    levels: await q(db, sql`select product_id, facility_id, on_hand, reserved from inventory_levels order by 1, 2`),
    history: await q(db, sql`select ${ext} as o, order_item_seq_id, from_status, to_status, from_facility_id, to_facility_id, regexp_replace(reason, 'RUN-[A-Z0-9]+', 'RUN') as reason, actor like 'feed:%' as feed from item_history t order by 1, 2, id`),
    exclusions: await q(db, sql`select ${ext} as o, order_item_seq_id, facility_id, until is null as forever, reason from facility_exclusions t order by 1, 2, 3`),
    rejections: await q(db, sql`select ${ext} as o, order_item_seq_id, facility_id, quantity, source, reason, comments, netsuite_rejection_id,
      (select r.facility_id || ':' || r.status from reservations r where r.id = t.reservation_id) as res from rejections t order by 1, 2, id`),
    keys: await q(db, sql`select count(*)::int as n, sum(row_number)::int as rows from feed_rows_applied`),
  };
}
