/**
 * The export runner (reliability.md scenarios 13, 15, 16, 18, 19): upload failures, a remote file
 * already present, splitting past 25,000 rows, formula injection and signed quantities.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { externalFulfillment, feedFiles } from '../../src/db/schema';
import type { FileTransport } from '../../src/sftp';
import { FeedUploadError } from '../../src/feeds/export-runner';
import { feedJob } from '../../src/feeds/jobs';
import { createOrder } from '../../src/app/orders';
import { seedAllocatedItems } from '../../bench/feeds/seed';
import { ENGINES } from '../support/db';
import { expectOk, orderBody } from '../support/fixtures';
import { feedEnv, withPut, listNames, q, readFeedFiles, recordingContext, type FeedEnv } from './helpers';

const UPDATE = 'salesorder/update';

async function outFiles(env: FeedEnv, feed = 'brokered-items') {
  return env.d.db.select().from(feedFiles).where(and(eq(feedFiles.feed, feed), eq(feedFiles.direction, 'OUT'))).orderBy(feedFiles.createdAt);
}

describe.each(ENGINES)('feed export on %s', (engine) => {
  let env: FeedEnv;
  beforeEach(async () => { env = await feedEnv(engine); });
  afterEach(async () => { await env.close(); });

  it('an upload failure leaves the file PENDING_UPLOAD; the next run uploads the same name; nothing lost, nothing twice', async () => {
    await seedAllocatedItems(env.d.db, 5, { prefix: 'UA' });
    // The connection drops after the first chunk of the upload.
    const dropping = withPut(env.transport, async (_d, _n, source) => {
      for await (const _ of source as AsyncIterable<Buffer>) break;
      throw new Error('connection lost');
    });
    const job = feedJob({ ...env.deps, transport: dropping }, 'GEN_BRKR_ORD_FD_NS');
    await expect(job.handler(recordingContext())).rejects.toThrow(FeedUploadError);
    let files = await outFiles(env);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ status: 'PENDING_UPLOAD', attempts: 1, rowCount: 5 });
    expect(files[0].lastError).toContain('connection lost');
    expect(await listNames(env.netsuite, UPDATE)).toEqual([]);
    const pendingName = files[0].fileName;

    // Another failure (the server refuses outright) keeps it pending, attempts counted.
    const refusing = withPut(env.transport, async () => { throw new Error('auth failed'); });
    await expect(feedJob({ ...env.deps, transport: refusing }, 'GEN_BRKR_ORD_FD_NS').handler(recordingContext())).rejects.toThrow(/auth failed/);
    expect((await outFiles(env))[0]).toMatchObject({ status: 'PENDING_UPLOAD', attempts: 2, fileName: pendingName });

    // More items become eligible meanwhile; the healthy run sends the pending file first, then a new one.
    await seedAllocatedItems(env.d.db, 2, { prefix: 'UB' });
    const ok = await env.run('GEN_BRKR_ORD_FD_NS');
    expect(ok.counts).toMatchObject({ filesReuploaded: 1, filesCreated: 1, filesUploaded: 1, rowsExported: 7 });
    files = await outFiles(env);
    expect(files.map((f) => [f.status, f.rowCount])).toEqual([['UPLOADED', 5], ['UPLOADED', 2]]);
    expect(files[0]).toMatchObject({ fileName: pendingName, attempts: 3, lastError: null });
    const remote = await readFeedFiles(env.netsuite, 'brokered-items');
    expect(remote.map((f) => f.name).sort()).toEqual(files.map((f) => f.fileName).sort());
    const ids = remote.flatMap((f) => f.rows.map((r) => r.internalId));
    expect(ids).toHaveLength(7);
    expect(new Set(ids).size).toBe(7);
    expect(remote.find((f) => f.name === pendingName)!.rows.map((r) => r.internalId).sort()).toEqual(['NSUA1', 'NSUA2', 'NSUA3', 'NSUA4', 'NSUA5']);
  });

  it('a remote file already there: identical content counts as uploaded; different content is an error and is not overwritten', async () => {
    await seedAllocatedItems(env.d.db, 3, { prefix: 'RA' });
    // The upload completes but the acknowledgement is lost (crash before marking UPLOADED).
    const lostAck = withPut(env.transport, async (d, n, s) => {
      await env.transport.putAtomic(d, n, s);
      throw new Error('ack lost');
    });
    await expect(feedJob({ ...env.deps, transport: lostAck }, 'GEN_BRKR_ORD_FD_NS').handler(recordingContext())).rejects.toThrow(/ack lost/);
    const [pending] = await outFiles(env);
    expect(pending.status).toBe('PENDING_UPLOAD');
    expect(await listNames(env.netsuite, UPDATE)).toEqual([pending.fileName]);
    const ok = await env.run('GEN_BRKR_ORD_FD_NS');
    expect(ok.counts).toMatchObject({ filesReuploaded: 1, filesCreated: 0 });
    const [uploaded] = await outFiles(env);
    expect(uploaded).toMatchObject({ status: 'UPLOADED', sha256: await env.netsuite.sha256(UPDATE, pending.fileName) });
    expect(await listNames(env.netsuite, UPDATE)).toEqual([pending.fileName]);

    // Now a file is pending and someone put a different file under its name.
    await seedAllocatedItems(env.d.db, 2, { prefix: 'RB' });
    await expect(feedJob({ ...env.deps, transport: withPut(env.transport, async () => { throw new Error('down'); }) }, 'GEN_BRKR_ORD_FD_NS')
      .handler(recordingContext())).rejects.toThrow(/down/);
    const second = (await outFiles(env)).find((f) => f.status === 'PENDING_UPLOAD')!;
    const foreign = Buffer.from('internalId,lineId,item,location,quantity,closed,rejected\nX,1,1,1,1,F,F\n');
    await env.netsuite.putAtomic(UPDATE, second.fileName, foreign);
    await expect(env.run('GEN_BRKR_ORD_FD_NS')).rejects.toThrow(/already exists with different content/);
    const [after] = await env.d.db.select().from(feedFiles).where(eq(feedFiles.id, second.id));
    expect(after).toMatchObject({ status: 'PENDING_UPLOAD', attempts: 2 });
    expect(after.lastError).toMatch(/different content/);
    expect(await env.netsuite.read(UPDATE, second.fileName)).toEqual(foreign);
  });

  it('splits more than 25,000 eligible rows into files of at most 25,000, each item in exactly one', async () => {
    await seedAllocatedItems(env.d.db, 25_010, { prefix: 'SP' });
    // One lane: the rows cut at 25,000 (lanes would split the rest by order; export-lanes.test.ts).
    const run = await env.run('GEN_BRKR_ORD_FD_NS', { claimLanes: 1 });
    expect(run.counts).toMatchObject({ filesCreated: 2, filesUploaded: 2, rowsExported: 25_010 });
    const files = await readFeedFiles(env.netsuite, 'brokered-items');
    expect(files.map((f) => f.rows.length).sort((a, b) => b - a)).toEqual([25_000, 10]);
    expect(files.every((f) => f.errors.length === 0)).toBe(true);
    const ids = new Set(files.flatMap((f) => f.rows.map((r) => r.internalId)));
    expect(ids.size).toBe(25_010);
    const [{ n }] = await q<{ n: number }>(env.d.db, sql`select count(distinct reservation_id)::int as n from external_fulfillment where kind = 'BROKERED'`);
    expect(n).toBe(25_010);
    // A smaller per-file limit from the job params.
    await seedAllocatedItems(env.d.db, 7, { prefix: 'SQ' });
    expect((await env.run('GEN_BRKR_ORD_FD_NS', { maxRowsPerFile: 3, claimLanes: 1 })).counts).toMatchObject({ filesCreated: 3, rowsExported: 7 });
  }, 180_000); // seeds and reads back 25,010 rows: minutes on a loaded machine

  it('neutralises formula injection in free-text cells, keeps numbers and signed quantities as they are', async () => {
    const db = env.d.db;
    await db.execute(sql`insert into facilities (id, name, type, fulfillment_system, netsuite_location_id) values ('ST1', 'Store', 'STORE', 'OMS', '31')`);
    await db.execute(sql`insert into products (id, sku, name, netsuite_item_id) values ('P1', 'P1', 'P1', '77')`);
    expectOk(await db.transaction((tx) => createOrder(tx, orderBody({
      customer: { externalId: 'C-9', firstName: '=HYPERLINK("http://evil.example","x")', lastName: '@SUM(A1)', email: 'c9@example.com', phone: '-2+3' },
      shipTo: { name: '\tTab', address1: '=1+1', address2: 'a","=1+1', city: '\rCity', postalCode: '10001', country: 'US' },
      items: [{ productId: 'P1', quantity: 2, unitPrice: 9.5 }],
    }))));
    await db.execute(sql`update customers set email = '+cmd|calc'`); // e.g. imported from a shop without validation
    const cust = await env.run('GEN_CRT_CUST_FD');
    expect(cust.counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    const [cf] = await readFeedFiles(env.netsuite, 'customers');
    expect(cf.rows[0]).toMatchObject({ firstName: `'=HYPERLINK("http://evil.example","x")`, lastName: "'@SUM(A1)", email: "'+cmd|calc", phone: "'-2+3", individual: true });
    const raw = (await env.netsuite.read('customer/export', cf.name)).toString();
    expect(raw).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);

    await db.execute(sql`update customers set netsuite_customer_id = '4001'`);
    expect((await env.run('GEN_CRT_ORD_FD')).counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    const [of] = await readFeedFiles(env.netsuite, 'sales-orders');
    expect(of.rows[0]).toMatchObject({ customer: '4001', item: '77', quantity: 2, price: '9.50', addressee: "'\tTab", address1: "'=1+1", address2: 'a","=1+1', city: "'\rCity", closed: false });

    // Variances: the signed delta is written as is.
    await db.execute(sql`insert into variances (id, product_id, facility_id, reason, quantity, order_id, push_to_netsuite)
      values ('VAR-A', 'P1', 'ST1', 'VAR_DAMAGED', -1, 'ORD-1', true), ('VAR-B', 'P1', 'ST1', 'VAR_FOUND', 3, null, true),
             ('VAR-C', 'P1', 'ST1', 'NOT_IN_STOCK', -4, null, false)`);
    expect((await env.run('GEN_INV_VAR_FEED_NS')).counts).toMatchObject({ filesCreated: 1, rowsExported: 2 });
    const [vf] = await readFeedFiles(env.netsuite, 'inventory-adjustment');
    expect(vf.rows.map((r) => [r.referenceNo, r.adjustQtyBy, r.memo])).toEqual([['VAR-A', -1, 'VAR_DAMAGED, order ORD-1'], ['VAR-B', 3, 'VAR_FOUND']]);
    const text = (await env.netsuite.read('inventoryadjustment/csv', vf.name)).toString();
    expect(text).toContain('VAR-A,927,77,-1,31,');
    expect(text).toContain('VAR-B,927,77,3,31,');
    expect(text).not.toContain("'-1");
  });

  it('counts items waiting for NetSuite ids and sends them once the ids arrive', async () => {
    await seedAllocatedItems(env.d.db, 4, { prefix: 'WI' });
    await env.d.db.execute(sql`update orders set netsuite_order_id = null where id in ('WI-00000001', 'WI-00000002')`);
    await env.d.db.execute(sql`update order_items set netsuite_line_id = 'bad id!' where order_id = 'WI-00000003'`);
    const first = await env.run('GEN_BRKR_ORD_FD_NS');
    expect(first.counts).toMatchObject({ rowsExported: 1, waitingForIds: 2, invalidIds: 1 });
    await env.d.db.execute(sql`update orders set netsuite_order_id = 'NS-LATE-' || id where netsuite_order_id is null`);
    await env.d.db.execute(sql`update order_items set netsuite_line_id = '1' where order_id = 'WI-00000003'`);
    const second = await env.run('GEN_BRKR_ORD_FD_NS');
    expect(second.counts).toMatchObject({ rowsExported: 3 });
    expect(second.counts.waitingForIds ?? 0).toBe(0);
    const rows = (await readFeedFiles(env.netsuite, 'brokered-items')).flatMap((f) => f.rows.map((r) => r.internalId));
    expect(rows.sort()).toEqual(['NS-LATE-WI-00000001', 'NS-LATE-WI-00000002', 'NSWI3', 'NSWI4']);
    expect(await env.d.db.select().from(externalFulfillment)).toHaveLength(4);
  });
});
