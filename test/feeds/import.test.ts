/**
 * The import runner with the rejected-items feed (reliability.md scenarios 10–12): the v2 file
 * registry (name + SHA-256), partial failure with an error report, unreadable files, two workers, crash leftovers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { runBrokering } from '../../src/app/brokering';
import { createOrder, approveOrder } from '../../src/app/orders';
import { rejectItem } from '../../src/app/rejections';
import { ledgerInconsistencies } from '../../src/db/inventory.repo';
import { feedFiles, feedRowsApplied, inventoryLedger, rejections } from '../../src/db/schema';
import { LocalDirTransport } from '../../src/sftp';
import { runImport } from '../../src/feeds/import-runner';
import { rejectedItemsImport } from '../../src/feeds/rejected-items';
import { collectDecoded, decodeCsv } from '../../src/feeds/codec';
import { z } from 'zod';
import { ENGINES } from '../support/db';
import { expectOk, orderBody } from '../support/fixtures';
import { feedEnv, listNames, netsuiteWrites, q, recordingContext, seedLoopCatalog, type FeedEnv } from './helpers';

const DIR = 'salesorder/rejectedorderitem';
const HEADER = 'orderId,orderItemSeqId,rejectionComments,rejectionReason';
const csv = (rows: string[]) => `${HEADER}\n${rows.join('\n')}\n`;
const row = (i: { orderId: string; seqId: string }, comment = 'Order Item Rejected from NetSuite') => `${i.orderId},${i.seqId},${comment},`;

/** `n` items allocated at WH_NJ, three per order. */
async function allocated(env: FeedEnv, n: number) {
  const db = env.d.db;
  const items: { orderId: string; seqId: string }[] = [];
  for (let o = 0; o * 3 < n; o++) {
    const count = Math.min(3, n - o * 3);
    const { order } = expectOk(await db.transaction((tx) => createOrder(tx, orderBody({ items: Array.from({ length: count }, () => ({ productId: 'SKU1', quantity: 1, unitPrice: 10 })) }))));
    expectOk(await db.transaction((tx) => approveOrder(tx, order.id)));
    for (const it of order.items) items.push({ orderId: order.id, seqId: it.seqId });
  }
  await runBrokering(env.d, { trigger: 'test' });
  const [{ n: placed }] = await q<{ n: number }>(db, sql`select count(*)::int as n from order_items where status = 'ALLOCATED' and facility_id = 'WH_NJ'`);
  expect(placed).toBe(n);
  return items;
}

/** What must not change when a file is not applied again. */
async function stateOf(env: FeedEnv) {
  const db = env.d.db;
  return {
    items: await q(db, sql`select order_id, seq_id, status, facility_id from order_items order by order_id, seq_id`),
    ledger: (await q<{ n: number }>(db, sql`select count(*)::int as n from inventory_ledger`))[0].n,
    rejections: (await q<{ n: number }>(db, sql`select count(*)::int as n from rejections`))[0].n,
    keys: (await q<{ n: number }>(db, sql`select count(*)::int as n from feed_rows_applied`))[0].n,
  };
}

const reportSchema = z.object({ row: z.string(), field: z.string(), message: z.string() });
async function readReport(env: FeedEnv, name: string) {
  const cols = [{ name: 'row', kind: 'text' }, { name: 'field', kind: 'text' }, { name: 'message', kind: 'text' }] as const;
  const { rows } = await collectDecoded(decodeCsv(cols, await env.netsuite.read(`${DIR}/error`, name), reportSchema));
  return rows.map((r) => ({ ...r.value, row: Number(r.value.row) }));
}

describe.each(ENGINES)('feed import on %s', (engine) => {
  let env: FeedEnv;
  beforeEach(async () => {
    env = await feedEnv(engine);
    await seedLoopCatalog(env.d.db);
  });
  afterEach(async () => { await env.close(); });

  it('registry v2: the same name and bytes is a duplicate (archived); the same bytes under a new name are read (rows are no-ops); the same name with other bytes goes to failed/', async () => {
    // Contract v2 (feeds.md "A reader takes a file at most once"): files are known by name AND
    // SHA-256. Before v2 identical bytes under a new name were a duplicate too; now they are read.
    const items = await allocated(env, 3);
    const content = csv(items.map((i) => row(i)));
    await netsuiteWrites(env.netsuite, DIR, 'a-RejectedSalesOrderItemExport.csv', content);
    const first = await env.run('IMP_ORDER_ITM_RJCT');
    expect(first.counts).toMatchObject({ filesApplied: 1, rowsApplied: 3, rowErrors: 0, rowsNoop: 0 });
    const before = await stateOf(env);
    expect(before.rejections).toBe(3);

    await netsuiteWrites(env.netsuite, DIR, 'a-RejectedSalesOrderItemExport.csv', content); // the same file again
    await netsuiteWrites(env.netsuite, DIR, 'b-RejectedSalesOrderItemExport.csv', content); // same content, new name
    const again = await env.run('IMP_ORDER_ITM_RJCT');
    expect(again.counts).toMatchObject({ filesApplied: 1, filesDuplicate: 1, rowsApplied: 0, rowsNoop: 3, rowErrors: 0 });
    expect(await stateOf(env)).toEqual(before);
    expect(await listNames(env.netsuite, DIR, /.+\.csv/)).toEqual([]);
    expect(await listNames(env.netsuite, `${DIR}/archive`)).toEqual(['a-RejectedSalesOrderItemExport.csv', 'b-RejectedSalesOrderItemExport.csv']);

    // A writer never reuses a name: the same name with other bytes is refused whole.
    await netsuiteWrites(env.netsuite, DIR, 'a-RejectedSalesOrderItemExport.csv', csv(items.map((i) => row(i, 'other bytes'))));
    const reused = await env.run('IMP_ORDER_ITM_RJCT');
    expect(reused.counts).toMatchObject({ filesFailed: 1, filesApplied: 0, filesDuplicate: 0, rowsApplied: 0 });
    expect(await listNames(env.netsuite, `${DIR}/failed`)).toEqual(['a-RejectedSalesOrderItemExport.csv']);
    expect(await stateOf(env)).toEqual(before);

    const registry = await env.d.db.select().from(feedFiles).where(eq(feedFiles.feed, 'rejected-items'));
    expect(registry.map((f) => `${f.fileName[0]}:${f.status}`).sort()).toEqual(['a:APPLIED', 'a:DUPLICATE', 'a:FAILED', 'b:APPLIED']);
    const applied = registry.find((f) => f.status === 'APPLIED' && f.fileName.startsWith('a'))!;
    expect(registry.find((f) => f.status === 'DUPLICATE')!.lastError).toContain(applied.id);
    const failed = registry.find((f) => f.status === 'FAILED')!;
    expect(failed.lastError).toMatch(new RegExp(`already read as ${applied.id} with other content`));
    expect((await listNames(env.netsuite, `${DIR}/error`)).filter((n) => n.includes(failed.id))).toHaveLength(1);
    expect(await ledgerInconsistencies(env.d.db)).toEqual([]);
  });

  it('partial failure: 97 applied; malformed, unknown and already-rejected rows reported by row number; re-running applies nothing twice', async () => {
    const items = await allocated(env, 98);
    const db = env.d.db;
    const already = items[97];
    expectOk(await db.transaction((tx) => rejectItem(tx, { ...already, source: 'NETSUITE', actor: 'earlier' })));
    const lines: string[] = [];
    let valid = 0;
    for (let r = 1; r <= 100; r++) {
      if (r === 10) lines.push(`BAD ID!,00001,,`);
      else if (r === 50) lines.push(`${items[0].orderId},00099,,`);
      else if (r === 75) lines.push(row(already));
      else lines.push(row(items[valid++]));
    }
    expect(valid).toBe(97);
    const name = '2026-11-20 12:00:00-RejectedSalesOrderItemExport.csv';
    await netsuiteWrites(env.netsuite, DIR, name, csv(lines));
    const run = await env.run('IMP_ORDER_ITM_RJCT');
    expect(run.counts).toMatchObject({ filesApplied: 1, rowsApplied: 97, rowErrors: 2, rowsNoop: 1 });
    expect(run.rowErrors.map((e) => [e.row, e.field])).toEqual([[10, 'orderId'], [50, 'orderItemSeqId']]);

    const [file] = await db.select().from(feedFiles).where(and(eq(feedFiles.feed, 'rejected-items'), eq(feedFiles.fileName, name)));
    expect(file).toMatchObject({ status: 'APPLIED', rowCount: 100, errorCount: 2 });
    const reports = await listNames(env.netsuite, `${DIR}/error`);
    expect(reports).toEqual([`2026-11-20 12:00:00-RejectedSalesOrderItemExport_${file.id}.errors.csv`]);
    const report = await readReport(env, reports[0]);
    expect(report.map((r) => [r.row, r.field])).toEqual([[10, 'orderId'], [50, 'orderItemSeqId'], [75, '']]);
    expect(report[0].message).toMatch(/not a valid identifier/);
    expect(report[1].message).toMatch(/unknown order item .*00099/);
    expect(report[2].message).toMatch(/^no-op: .*already rejected/);
    expect(await listNames(env.netsuite, `${DIR}/archive`)).toEqual([name]);
    const [{ n: queued }] = await q<{ n: number }>(db, sql`select count(*)::int as n from order_items where status = 'APPROVED' and facility_id = '_NA_'`);
    expect(queued).toBe(98);

    // Re-running: the same rows in new files (same bytes or not) are no-ops (registry v2: a new name is read).
    const before = await stateOf(env);
    await netsuiteWrites(env.netsuite, DIR, 'again-RejectedSalesOrderItemExport.csv', csv(lines));
    await netsuiteWrites(env.netsuite, DIR, 'rerun-RejectedSalesOrderItemExport.csv', csv(lines.map((l) => l.replace('from NetSuite', 'again'))));
    const rerun = await env.run('IMP_ORDER_ITM_RJCT');
    expect(rerun.counts).toMatchObject({ filesDuplicate: 0, filesApplied: 2, rowsApplied: 0, rowsNoop: 196, rowErrors: 4 });
    expect(await stateOf(env)).toEqual(before);
    const releases = await db.select().from(inventoryLedger).where(eq(inventoryLedger.kind, 'RELEASE'));
    expect(releases).toHaveLength(98);
    expect(await db.select().from(rejections)).toHaveLength(98);
    expect(await ledgerInconsistencies(db)).toEqual([]);
  });

  it('an unreadable file goes to failed/ with its reason, and nothing of it is applied', async () => {
    const items = await allocated(env, 3);
    await netsuiteWrites(env.netsuite, DIR, 'hdr-RejectedSalesOrderItemExport.csv', `orderId,seq\n${items[0].orderId},00001\n`);
    // Broken quoting after two good rows: the whole file is refused before any row is applied.
    await netsuiteWrites(env.netsuite, DIR, 'quote-RejectedSalesOrderItemExport.csv', `${HEADER}\n${row(items[1])}\n${row(items[2])}\n${items[0].orderId},00001,"unterminated,\n`);
    const run = await env.run('IMP_ORDER_ITM_RJCT');
    expect(run.counts).toMatchObject({ filesFailed: 2, filesApplied: 0, rowsApplied: 0 });
    expect((await listNames(env.netsuite, `${DIR}/failed`)).sort()).toEqual(['hdr-RejectedSalesOrderItemExport.csv', 'quote-RejectedSalesOrderItemExport.csv']);
    const reg = await env.d.db.select().from(feedFiles).where(eq(feedFiles.feed, 'rejected-items'));
    expect(reg.map((f) => f.status)).toEqual(['FAILED', 'FAILED']);
    expect(reg.find((f) => f.fileName.startsWith('hdr'))!.lastError).toMatch(/header/);
    expect(reg.find((f) => f.fileName.startsWith('quote'))!.lastError).toMatch(/CSV|quote/i);
    expect(await listNames(env.netsuite, `${DIR}/error`)).toHaveLength(2);
    const [{ n }] = await q<{ n: number }>(env.d.db, sql`select count(*)::int as n from order_items where status = 'ALLOCATED'`);
    expect(n).toBe(3);
  });

  it('two import workers on the same file: exactly one applies it', async () => {
    const items = await allocated(env, 30);
    await netsuiteWrites(env.netsuite, DIR, 'race-RejectedSalesOrderItemExport.csv', csv(items.map((i) => row(i))));
    const second = { ...env.deps, transport: new LocalDirTransport({ dir: env.rootOnDisk }) };
    const [a, b] = [recordingContext(), recordingContext()];
    const results = await Promise.all([runImport(env.deps, rejectedItemsImport(), a), runImport(second, rejectedItemsImport(), b)]);
    await second.transport.close();
    const applied = results.map((r) => r.counts.filesApplied);
    expect(applied.sort()).toEqual([0, 1]);
    expect(results.reduce((s, r) => s + r.counts.rowsApplied, 0)).toBe(30);
    expect(results.reduce((s, r) => s + r.counts.rowsNoop, 0)).toBe(0);
    const reg = await env.d.db.select().from(feedFiles).where(eq(feedFiles.feed, 'rejected-items'));
    expect(reg.filter((f) => f.status === 'APPLIED')).toHaveLength(1);
    expect(await env.d.db.select().from(rejections)).toHaveLength(30);
    expect(await env.d.db.select().from(feedRowsApplied)).toHaveLength(30);
    expect(await listNames(env.netsuite, `${DIR}/archive`)).toEqual(['race-RejectedSalesOrderItemExport.csv']);
    expect(await ledgerInconsistencies(env.d.db)).toEqual([]);
  });

  it('recovers from a crash: an applied file left in the inbox is archived, not re-applied; a stale claim is taken over', async () => {
    const items = await allocated(env, 4);
    const name = 'crash-RejectedSalesOrderItemExport.csv';
    const content = csv(items.slice(0, 2).map((i) => row(i)));
    await netsuiteWrites(env.netsuite, DIR, name, content);
    await env.run('IMP_ORDER_ITM_RJCT');
    // As if the run had committed APPLIED and died before the move: the file is back in the inbox.
    await env.netsuite.move(`${DIR}/archive`, name, DIR);
    const leftover = await env.run('IMP_ORDER_ITM_RJCT');
    expect(leftover.counts).toMatchObject({ filesDuplicate: 1, rowsApplied: 0 });
    expect((await env.d.db.select().from(feedFiles).where(eq(feedFiles.feed, 'rejected-items'))).map((f) => f.status).sort()).toEqual(['APPLIED', 'DUPLICATE']);

    // A worker claimed this file an hour ago and died (PROCESSING, never finished).
    const content2 = csv(items.slice(2).map((i) => row(i)));
    await netsuiteWrites(env.netsuite, DIR, 'stale-RejectedSalesOrderItemExport.csv', content2);
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(content2).digest('hex');
    await env.d.db.insert(feedFiles).values({ id: 'FF-DEAD', feed: 'rejected-items', direction: 'IN', fileName: 'stale-RejectedSalesOrderItemExport.csv', folder: `${DIR}/`, sha256: sha, status: 'PROCESSING', createdAt: new Date(Date.now() - 3600_000) });
    const taken = await env.run('IMP_ORDER_ITM_RJCT');
    expect(taken.counts).toMatchObject({ filesApplied: 1, rowsApplied: 2 });
    const [dead] = await env.d.db.select().from(feedFiles).where(eq(feedFiles.id, 'FF-DEAD'));
    expect(dead).toMatchObject({ status: 'FAILED' });
    expect(dead.lastError).toMatch(/abandoned/);

    // A fresh claim by another worker is respected: the file is skipped, not touched.
    const content3 = csv([`${items[0].orderId},${items[0].seqId},fresh,`]);
    await netsuiteWrites(env.netsuite, DIR, 'busy-RejectedSalesOrderItemExport.csv', content3);
    await env.d.db.insert(feedFiles).values({ id: 'FF-BUSY', feed: 'rejected-items', direction: 'IN', fileName: 'busy-RejectedSalesOrderItemExport.csv', folder: `${DIR}/`, sha256: createHash('sha256').update(content3).digest('hex'), status: 'PROCESSING' });
    const busy = await env.run('IMP_ORDER_ITM_RJCT');
    expect(busy.counts).toMatchObject({ filesSkipped: 1, filesApplied: 0 });
    expect(await listNames(env.netsuite, DIR, /.+\.csv/)).toEqual(['busy-RejectedSalesOrderItemExport.csv']);
  });
});
