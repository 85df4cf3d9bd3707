/**
 * NetSuite's refusal reports (job IMP_NS_IMPORT_ERRORS) and what operators do with them: a report
 * flags exactly the refused rows; re-reading records nothing twice; a report of a file the OMS never
 * wrote is row errors; re-send supersedes the outbox row and flags the item; dismiss; the
 * inventory-adjustment report.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { runBrokering } from '../../src/app/brokering';
import { rejectItem } from '../../src/app/rejections';
import { dismissRefusal, listNetsuiteRefusals, resendRefusal } from '../../src/app/netsuite-refusals';
import { getOrderDetail } from '../../src/app/netsuite-state';
import { feedFiles, netsuiteRefusals } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { expectOk } from '../support/fixtures';
import { approvedOrder, feedEnv, listNames, netsuiteWrites, q, seedLoopCatalog, setNetsuiteIds, type FeedEnv } from './helpers';

const UPDATE_ERR = 'salesorder/update/error';
const ADJ_ERR = 'inventoryadjustment/csv/error';
const UPDATE_HEADER = 'row,internalId,lineId,orderLineId,message';
const reportName = (file: string) => file.replace(/\.csv$/, '.errors.csv');

/** One order of three items at WH_NJ, sent in one brokered-items file. */
async function sentFile(env: FeedEnv) {
  const db = env.d.db;
  const orderId = await approvedOrder(db, { items: [1, 2, 3].map(() => ({ productId: 'SKU1', quantity: 1, unitPrice: 10 })) });
  await setNetsuiteIds(db, [orderId]);
  await runBrokering(env.d, { trigger: 'test' });
  expect((await env.run('GEN_BRKR_ORD_FD_NS')).counts).toMatchObject({ filesUploaded: 1, rowsExported: 3 });
  const [file] = await db.select().from(feedFiles).where(and(eq(feedFiles.feed, 'brokered-items'), eq(feedFiles.direction, 'OUT')));
  const outbox = await q<{ id: number; seq: string }>(db, sql`
    select id::int as id, order_item_seq_id as seq from external_fulfillment where feed_file_id = ${file.id} order by id`);
  expect(outbox).toHaveLength(3);
  return { orderId, file, outbox };
}

const states = async (env: FeedEnv, orderId: string) =>
  Object.fromEntries((await getOrderDetail(env.d.db, orderId))!.items.map((i) => [i.seqId, i.netsuite]));

describe.each(ENGINES)('NetSuite refusals on %s', (engine) => {
  let env: FeedEnv;
  beforeEach(async () => {
    env = await feedEnv(engine);
    await seedLoopCatalog(env.d.db);
  });
  afterEach(async () => { await env.close(); });

  it('a report refusing row 2 of a 3-row file flags only that item; the others stay SENT; re-reading records nothing twice', async () => {
    const { orderId, file, outbox } = await sentFile(env);
    const seq2 = outbox[1].seq;
    const report = `${UPDATE_HEADER}\n2,SO-${orderId},${seq2},${seq2},"Invalid location: inactive, or not allowed"\n`;
    await netsuiteWrites(env.netsuite, UPDATE_ERR, reportName(file.fileName), report);

    const run = await env.run('IMP_NS_IMPORT_ERRORS');
    expect(run.counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowErrors: 0 });
    expect(await listNames(env.netsuite, `${UPDATE_ERR}/archive`)).toEqual([reportName(file.fileName)]);
    expect(await listNames(env.netsuite, UPDATE_ERR, /\.csv$/)).toEqual([]);

    const refusals = await listNetsuiteRefusals(env.d.db);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({
      feed: 'brokered-items', feedFileId: file.id, fileName: file.fileName, rowNumber: 2, orderId, orderItemSeqId: seq2,
      outboxId: outbox[1].id, message: 'Invalid location: inactive, or not allowed', status: 'OPEN', varianceId: null,
    });
    const s = await states(env, orderId);
    expect(s[seq2]).toMatchObject({ state: 'REFUSED', message: 'Invalid location: inactive, or not allowed', file: file.fileName, row: 2, refusalId: refusals[0].id });
    for (const other of [outbox[0].seq, outbox[2].seq]) expect(s[other]).toMatchObject({ state: 'SENT', feed: 'brokered-items', file: file.fileName });

    // The same report again (same name, same bytes): nothing recorded twice.
    await netsuiteWrites(env.netsuite, UPDATE_ERR, reportName(file.fileName), report);
    expect((await env.run('IMP_NS_IMPORT_ERRORS')).counts).toMatchObject({ rowsApplied: 0 });
    // A reader that crashed after recording the row (its claim released): the row key makes it a no-op.
    await env.d.db.update(feedFiles).set({ status: 'FAILED' }).where(eq(feedFiles.feed, 'salesorder-update-refusals'));
    await netsuiteWrites(env.netsuite, UPDATE_ERR, reportName(file.fileName), report);
    expect((await env.run('IMP_NS_IMPORT_ERRORS')).counts).toMatchObject({ filesApplied: 1, rowsApplied: 0, rowsNoop: 1, rowErrors: 0 });
    expect(await env.d.db.select().from(netsuiteRefusals)).toHaveLength(1);
  });

  it('re-send supersedes the refused outbox row and flags the item; dismiss closes another; neither applies twice', async () => {
    const { orderId, file, outbox } = await sentFile(env);
    const [r1, r2] = [outbox[0], outbox[1]];
    await netsuiteWrites(env.netsuite, UPDATE_ERR, reportName(file.fileName),
      `${UPDATE_HEADER}\n1,SO-${orderId},${r1.seq},${r1.seq},Line locked\n2,SO-${orderId},${r2.seq},${r2.seq},Invalid location\n`);
    expect((await env.run('IMP_NS_IMPORT_ERRORS')).counts).toMatchObject({ rowsApplied: 2 });
    const byRow = Object.fromEntries((await listNetsuiteRefusals(env.d.db)).map((r) => [r.rowNumber, r]));

    const resent = expectOk(await env.d.db.transaction((tx) => resendRefusal(tx, byRow[2].id, 'ops:ann')));
    expect(resent.refusal).toMatchObject({ status: 'RESENT', resolvedBy: 'ops:ann' });
    expect(resent.refusal.resolvedAt).toBeInstanceOf(Date);
    const [ef] = await q<{ superseded: boolean }>(env.d.db, sql`select superseded_at is not null as superseded from external_fulfillment where id = ${r2.id}`);
    expect(ef.superseded).toBe(true);
    const [item] = await q<{ netsuite_sync: string }>(env.d.db, sql`select netsuite_sync from order_items where order_id = ${orderId} and seq_id = ${r2.seq}`);
    expect(item.netsuite_sync).toBe('RESEND');

    const dismissed = expectOk(await env.d.db.transaction((tx) => dismissRefusal(tx, byRow[1].id, 'ops:bob')));
    expect(dismissed.refusal).toMatchObject({ status: 'DISMISSED', resolvedBy: 'ops:bob' });
    const [ef1] = await q<{ superseded: boolean }>(env.d.db, sql`select superseded_at is not null as superseded from external_fulfillment where id = ${r1.id}`);
    expect(ef1.superseded).toBe(false);

    // Only from OPEN: a second re-send or dismiss is a conflict and changes nothing.
    expect(await env.d.db.transaction((tx) => resendRefusal(tx, byRow[2].id, 'ops:x'))).toMatchObject({ kind: 'conflict', message: expect.stringContaining('RESENT') });
    expect(await env.d.db.transaction((tx) => dismissRefusal(tx, byRow[2].id, 'ops:x'))).toMatchObject({ kind: 'conflict' });
    expect(await env.d.db.transaction((tx) => resendRefusal(tx, byRow[1].id, 'ops:x'))).toMatchObject({ kind: 'conflict', message: expect.stringContaining('DISMISSED') });
    expect(await env.d.db.transaction((tx) => resendRefusal(tx, 999999, 'ops:x'))).toMatchObject({ kind: 'not_found' });
    expect(await listNetsuiteRefusals(env.d.db)).toEqual([]);
    expect((await listNetsuiteRefusals(env.d.db, { status: 'RESENT' })).map((r) => r.id)).toEqual([byRow[2].id]);
    expect((await listNetsuiteRefusals(env.d.db, { status: 'DISMISSED', orderId })).map((r) => r.id)).toEqual([byRow[1].id]);

    // The re-sent item waits for the next export; the dismissed one stays as sent.
    const s = await states(env, orderId);
    expect(s[r2.seq]).toEqual({ state: 'TO_SEND', feed: 'brokered-items' });
    expect(s[r1.seq]).toMatchObject({ state: 'SENT', file: file.fileName });
  });

  it('row errors: a report of a file the OMS never wrote, a row past the end, a mismatching orderLineId, a malformed row', async () => {
    const { orderId, file, outbox } = await sentFile(env);
    const unknown = 'brokeredOrderItemsFeed_2026-01-01-00-00-00_never-written.errors.csv';
    await netsuiteWrites(env.netsuite, UPDATE_ERR, unknown, `${UPDATE_HEADER}\n1,SO-1,1,00001,Nope\n2,SO-1,2,00002,Nope\n`);
    await netsuiteWrites(env.netsuite, UPDATE_ERR, reportName(file.fileName),
      `${UPDATE_HEADER}\n7,SO-${orderId},1,00001,Past the end\n1,SO-${orderId},${outbox[0].seq},${outbox[1].seq},Wrong line\nx,,,,Bad row\n3,SO-${orderId},${outbox[2].seq},${outbox[2].seq},Refused\n`);
    const run = await env.run('IMP_NS_IMPORT_ERRORS');
    expect(run.counts).toMatchObject({ filesApplied: 2, rowsApplied: 1, rowErrors: 5 });
    const errs = run.rowErrors.map((e) => [e.file, e.row, e.field ?? null]);
    expect(errs).toEqual(expect.arrayContaining([
      [unknown, 1, null], [unknown, 2, null],
      [reportName(file.fileName), 1, 'row'], [reportName(file.fileName), 2, 'orderLineId'], [reportName(file.fileName), 3, 'row'],
    ]));
    expect(run.rowErrors.find((e) => e.file === unknown)!.message).toMatch(/never wrote .*never-written\.csv/);
    expect(await listNames(env.netsuite, `${UPDATE_ERR}/archive`)).toEqual([reportName(file.fileName), unknown].sort());
    expect((await listNames(env.netsuite, `${UPDATE_ERR}/error`)).length).toBe(2); // the OMS's own reports, beneath the folder read
    const refusals = await listNetsuiteRefusals(env.d.db);
    expect(refusals.map((r) => [r.rowNumber, r.orderItemSeqId])).toEqual([[3, outbox[2].seq]]);
  });

  it('the inventory-adjustment report: the refused variance is recorded; re-send makes the next variance file send it again', async () => {
    const db = env.d.db;
    const orderId = await approvedOrder(db, { items: [{ productId: 'SKU2', quantity: 1, unitPrice: 5 }] });
    await runBrokering(env.d, { trigger: 'test' });
    const rej = expectOk(await db.transaction((tx) => rejectItem(tx, { orderId, seqId: '00001', reasonId: 'VAR_DAMAGED', source: 'STORE', actor: 'store:nyc', expectedFacilityId: 'STORE_NYC' })));
    expect(rej.varianceId).toBeTruthy();
    expect((await env.run('GEN_INV_VAR_FEED_NS')).counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    const [file] = await db.select().from(feedFiles).where(and(eq(feedFiles.feed, 'inventory-adjustment'), eq(feedFiles.direction, 'OUT')));

    await netsuiteWrites(env.netsuite, ADJ_ERR, reportName(file.fileName),
      `row,externalId,message\n1,${rej.varianceId},Item not stocked at location\n2,VAR-NOPE,Nope\n`);
    const run = await env.run('IMP_NS_IMPORT_ERRORS');
    expect(run.counts).toMatchObject({ filesApplied: 1, rowsApplied: 1, rowErrors: 1 });
    expect(run.rowErrors[0]).toMatchObject({ row: 2, field: 'externalId' });
    expect(await listNames(env.netsuite, `${ADJ_ERR}/archive`)).toEqual([reportName(file.fileName)]);
    const [refusal] = await listNetsuiteRefusals(db);
    expect(refusal).toMatchObject({
      feed: 'inventory-adjustment', feedFileId: file.id, fileName: file.fileName, rowNumber: 1, varianceId: rej.varianceId,
      orderId, orderItemSeqId: '00001', outboxId: null, message: 'Item not stocked at location',
    });

    expect((await env.run('GEN_INV_VAR_FEED_NS')).counts).toMatchObject({ filesCreated: 0 });
    expectOk(await db.transaction((tx) => resendRefusal(tx, refusal.id, 'ops:ann')));
    const again = await env.run('GEN_INV_VAR_FEED_NS');
    expect(again.counts).toMatchObject({ filesCreated: 1, rowsExported: 1 });
    const [v] = await q<{ feed_file_id: string }>(db, sql`select feed_file_id from variances where id = ${rej.varianceId}`);
    expect(v.feed_file_id).not.toBe(file.id);
    expect(v.feed_file_id).toBeTruthy();
  });
});
