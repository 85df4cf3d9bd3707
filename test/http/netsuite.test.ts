/**
 * Over HTTP: each item's NetSuite state on GET /orders/:id (waiting for ids, to send, pending
 * upload, sent, refused, rejected, fulfilled by NetSuite or a store, closed, not NetSuite's), the
 * refusal endpoints, and the store endpoints refusing facilities that are not OMS stores.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { buildServer, type App } from '../../src/http/server';
import { runBrokering } from '../../src/app/brokering';
import { createOrder } from '../../src/app/orders';
import { rejectItem } from '../../src/app/rejections';
import { markShipped } from '../../src/app/fulfilment';
import { feedFiles } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { authorizeAsAdmin } from '../support/auth';
import { expectOk, orderBody } from '../support/fixtures';
import { approvedOrder, feedEnv, netsuiteWrites, q, seedLoopCatalog, setNetsuiteIds, type FeedEnv } from '../feeds/helpers';

const SKU1 = { items: [{ productId: 'SKU1', quantity: 1, unitPrice: 10 }] };
const SKU2 = { items: [{ productId: 'SKU2', quantity: 1, unitPrice: 10 }] };

describe.each(ENGINES)('NetSuite state and refusals over HTTP on %s', (engine) => {
  let env: FeedEnv;
  let app: App;
  const call = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
    const r = await app.inject({ method, url, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: r.statusCode, body: r.json() };
  };
  const netsuite = async (orderId: string) => {
    const r = await call('GET', `/orders/${orderId}`);
    expect(r.status).toBe(200);
    return r.body.items[0].netsuite;
  };
  beforeEach(async () => {
    env = await feedEnv(engine);
    await seedLoopCatalog(env.d.db);
    app = await authorizeAsAdmin(await buildServer({ database: env.d, config: loadConfig({ LOG_LEVEL: 'silent', OMS_JOBS: 'false' }), log: createLogger('silent') }), env.d.db, 'netsuite-operator');
  });
  afterEach(async () => {
    await app.close();
    await env.close();
  });

  it('GET /orders/:id shows per item where it stands with NetSuite, through the whole loop', async () => {
    const db = env.d.db;
    const [a, b, c, d, f] = [await approvedOrder(db, SKU1), await approvedOrder(db, SKU1), await approvedOrder(db, SKU1), await approvedOrder(db, SKU2), await approvedOrder(db, SKU1)];
    const { order: created } = expectOk(await db.transaction((tx) => createOrder(tx, orderBody(SKU1))));
    await setNetsuiteIds(db, [b, c, d, f]);
    await runBrokering(env.d, { trigger: 'test' });

    expect(await netsuite(a)).toEqual({ state: 'WAITING_FOR_IDS', feed: 'brokered-items', missing: ['order', 'line'] });
    expect(await netsuite(b)).toEqual({ state: 'TO_SEND', feed: 'brokered-items' });
    expect(await netsuite(d)).toMatchObject({ state: 'NOT_NETSUITE', why: expect.stringContaining('STORE_NYC') });
    expect(await netsuite(created.id)).toMatchObject({ state: 'NOT_NETSUITE' });

    await setNetsuiteIds(db, [a]);
    await env.run('GEN_BRKR_ORD_FD_NS');
    const [file] = await db.select().from(feedFiles).where(and(eq(feedFiles.feed, 'brokered-items'), eq(feedFiles.direction, 'OUT')));
    expect(await netsuite(a)).toEqual({ state: 'SENT', feed: 'brokered-items', file: file.fileName, at: file.completedAt!.toISOString() });
    await db.update(feedFiles).set({ status: 'PENDING_UPLOAD' }).where(eq(feedFiles.id, file.id));
    expect(await netsuite(a)).toMatchObject({ state: 'PENDING_UPLOAD', file: file.fileName, at: file.createdAt.toISOString() });
    await db.update(feedFiles).set({ status: 'UPLOADED' }).where(eq(feedFiles.id, file.id));

    // NetSuite refuses a's row.
    const rows = await q<{ seq: string; order_id: string }>(db, sql`select order_item_seq_id as seq, order_id from external_fulfillment where feed_file_id = ${file.id} order by id`);
    const rowOfA = rows.findIndex((r) => r.order_id === a) + 1;
    await netsuiteWrites(env.netsuite, 'salesorder/update/error', file.fileName.replace(/\.csv$/, '.errors.csv'),
      `row,internalId,lineId,orderLineId,message\n${rowOfA},SO-${a},00001,00001,Item not available at location\n`);
    await env.run('IMP_NS_IMPORT_ERRORS');
    expect(await netsuite(a)).toMatchObject({ state: 'REFUSED', message: 'Item not available at location', file: file.fileName, row: rowOfA });

    // NetSuite rejects b: back in the queue.
    expectOk(await db.transaction((tx) => rejectItem(tx, { orderId: b, seqId: '00001', reasonId: 'NOT_IN_STOCK', comments: 'none left', source: 'NETSUITE', actor: 'test' })));
    expect(await netsuite(b)).toMatchObject({ state: 'REJECTED', facilityId: 'WH_NJ', reason: 'NOT_IN_STOCK', comments: 'none left' });

    // NetSuite ships c.
    expect(await db.transaction((tx) => markShipped(tx, { orderId: c, seqId: '00001', source: 'NETSUITE', actor: 'test' }))).toEqual({ kind: 'ok' });
    expect(await netsuite(c)).toMatchObject({ state: 'FULFILLED', by: 'NETSUITE', facilityId: 'WH_NJ' });

    // The store ships d: to send with the fulfilled-items feed, then fulfilled.
    expect((await call('POST', `/facilities/STORE_NYC/items/${d}/00001/ship`, { trackingNumber: '1Z' })).status).toBe(200);
    expect(await netsuite(d)).toEqual({ state: 'TO_SEND', feed: 'fulfilled-items' });
    await env.run('GEN_FLFLD_ORD_FD_NS');
    const [ful] = await db.select().from(feedFiles).where(and(eq(feedFiles.feed, 'fulfilled-items'), eq(feedFiles.direction, 'OUT')));
    expect(await netsuite(d)).toMatchObject({ state: 'FULFILLED', by: 'STORE', facilityId: 'STORE_NYC', file: ful.fileName });

    // f is cancelled: its line must be closed in NetSuite, then the close is sent.
    expect((await call('POST', `/orders/${f}/cancel`)).status).toBe(200);
    expect(await netsuite(f)).toEqual({ state: 'TO_SEND', feed: 'brokered-items' });
    await db.execute(sql`insert into feed_files (id, feed, direction, file_name, folder, status, row_count, completed_at)
      values ('FF-CLOSE', 'brokered-items', 'OUT', 'brokeredOrderItemsFeed_2026-11-20-10-00-00_close.csv', 'salesorder/update/', 'UPLOADED', 1, now())`);
    await db.execute(sql`insert into external_fulfillment (order_id, order_item_seq_id, facility_id, quantity, kind, line_id, closed, feed_file_id)
      values (${f}, '00001', 'WH_NJ', 1, 'BROKERED', '00001', true, 'FF-CLOSE')`);
    expect(await netsuite(f)).toMatchObject({ state: 'CLOSED_SENT', file: 'brokeredOrderItemsFeed_2026-11-20-10-00-00_close.csv' });
  });

  it('refusal endpoints: list (default OPEN, by order), re-send, dismiss; 409 unless OPEN; 404 unknown', async () => {
    const db = env.d.db;
    const a = await approvedOrder(db, SKU1);
    const b = await approvedOrder(db, SKU1);
    await setNetsuiteIds(db);
    await runBrokering(env.d, { trigger: 'test' });
    await env.run('GEN_BRKR_ORD_FD_NS');
    const [file] = await db.select().from(feedFiles).where(and(eq(feedFiles.feed, 'brokered-items'), eq(feedFiles.direction, 'OUT')));
    await netsuiteWrites(env.netsuite, 'salesorder/update/error', file.fileName.replace(/\.csv$/, '.errors.csv'),
      'row,internalId,lineId,orderLineId,message\n1,,,00001,First refused\n2,,,00001,Second refused\n');
    expect((await env.run('IMP_NS_IMPORT_ERRORS')).counts).toMatchObject({ rowsApplied: 2 });

    const open = await call('GET', '/netsuite/refusals');
    expect(open.status).toBe(200);
    expect(open.body.refusals).toHaveLength(2);
    const ofA = (await call('GET', `/netsuite/refusals?orderId=${a}`)).body.refusals;
    expect(ofA).toHaveLength(1);
    const ofB = (await call('GET', `/netsuite/refusals?orderId=${b}&status=OPEN`)).body.refusals;
    expect((await call('GET', '/netsuite/refusals?status=NOPE')).status).toBe(400);

    const resent = await call('POST', `/netsuite/refusals/${ofA[0].id}/resend`);
    expect(resent).toMatchObject({ status: 200, body: { id: ofA[0].id, status: 'RESENT', resolvedBy: 'netsuite-operator' } });
    expect(await netsuite(a)).toEqual({ state: 'TO_SEND', feed: 'brokered-items' });
    expect(await call('POST', `/netsuite/refusals/${ofA[0].id}/resend`)).toMatchObject({ status: 409, body: { error: 'conflict' } });
    expect(await call('POST', `/netsuite/refusals/${ofA[0].id}/dismiss`)).toMatchObject({ status: 409 });
    expect(await call('POST', `/netsuite/refusals/${ofB[0].id}/dismiss`)).toMatchObject({ status: 200, body: { status: 'DISMISSED' } });
    expect(await netsuite(b)).toMatchObject({ state: 'SENT', file: file.fileName });
    expect((await call('POST', '/netsuite/refusals/424242/resend')).status).toBe(404);
    expect((await call('POST', '/netsuite/refusals/abc/resend')).status).toBe(400);
    expect((await call('GET', '/netsuite/refusals')).body.refusals).toEqual([]);
    expect((await call('GET', '/netsuite/refusals?status=DISMISSED')).body.refusals.map((r: { id: number }) => r.id)).toEqual([ofB[0].id]);
    const docs = (await call('GET', '/docs/json')).body;
    expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/netsuite/refusals', '/netsuite/refusals/{id}/resend', '/netsuite/refusals/{id}/dismiss']));
  });

  it('store endpoints refuse a NetSuite warehouse or a virtual facility (409 naming its type) and an unknown one (404)', async () => {
    const db = env.d.db;
    const a = await approvedOrder(db, SKU1);
    await runBrokering(env.d, { trigger: 'test' });
    const [item] = await q<{ facility_id: string; status: string }>(db, sql`select facility_id, status from order_items where order_id = ${a}`);
    expect(item).toEqual({ facility_id: 'WH_NJ', status: 'ALLOCATED' });

    for (const action of ['reject', 'pack', 'ship']) {
      const r = await call('POST', `/facilities/WH_NJ/items/${a}/00001/${action}`, action === 'reject' ? { reasonId: 'VAR_DAMAGED' } : {});
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ error: 'conflict', message: expect.stringMatching(/WH_NJ is a WAREHOUSE \(fulfilled by NETSUITE\)/) });
    }
    expect((await call('GET', '/facilities/WH_NJ/items')).status).toBe(409);
    expect((await call('GET', '/facilities/_NA_/items')).body.message).toMatch(/_NA_ is a VIRTUAL/);
    expect((await call('GET', '/facilities/NO_SUCH/items'))).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect((await call('POST', `/facilities/NO_SUCH/items/${a}/00001/reject`, { reasonId: 'VAR_DAMAGED' })).status).toBe(404);
    // Nothing happened to the item, and no variance was recorded.
    const [after] = await q<{ facility_id: string; status: string }>(db, sql`select facility_id, status from order_items where order_id = ${a}`);
    expect(after).toEqual(item);
    expect((await q<{ n: number }>(db, sql`select count(*)::int as n from variances`))[0].n).toBe(0);
    expect((await call('GET', '/facilities/STORE_NYC/items')).status).toBe(200);
  });

  it('store item routes: a no-op (the wanted state holds) is 200 { noop }; what the item state forbids is 409 illegal_transition', async () => {
    const a = await approvedOrder(env.d.db, SKU2);
    await runBrokering(env.d, { trigger: 'test' });
    const at = `/facilities/STORE_NYC/items/${a}/00001`;
    expect(await call('POST', `${at}/pack`, {})).toMatchObject({ status: 200, body: { status: 'PACKED' } });
    expect(await call('POST', `${at}/pack`, {})).toEqual({ status: 200, body: { noop: true, message: `item ${a}/00001 is already packed` } });
    expect(await call('POST', `${at}/ship`, {})).toMatchObject({ status: 200, body: { status: 'SHIPPED' } });
    expect(await call('POST', `${at}/ship`, {})).toEqual({ status: 200, body: { noop: true, message: `item ${a}/00001 is already shipped` } });
    expect(await call('POST', `${at}/reject`, { reasonId: 'VAR_DAMAGED' })).toEqual({
      status: 409, body: { error: 'illegal_transition', message: `cannot reject item ${a}/00001: it is SHIPPED` },
    });
  });
});
