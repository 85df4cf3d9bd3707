/**
 * Parallel claims of the brokered-items export (`claimLanes`): once a run has filled a file, the
 * lanes claim at once, each from its part of the allocations (a hash of the order id). Every
 * allocation is still sent exactly once, an order's rows stay in one file, a failed upload in one
 * lane stops the run and loses nothing, and two runs at once never pick the same allocation.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FileTransport } from '../../src/sftp';
import { FeedUploadError, runExport, type LineExportSpec } from '../../src/feeds/export-runner';
import { feedJob } from '../../src/feeds/jobs';
import { seedAllocatedItems } from '../../bench/feeds/seed';
import type { Db } from '../../src/db/client';
import { ENGINES } from '../support/db';
import { feedEnv, withPut, q, readFeedFiles, recordingContext, type FeedEnv } from './helpers';

const JOB = 'GEN_BRKR_ORD_FD_NS';
const PLAIN = 700;
const TWO_ITEM = 60;
const ROWS = PLAIN + 2 * TWO_ITEM;

/** `n` orders of two items, both allocated at the seeded NetSuite warehouse (planned by `planOrderLines`, not in SQL). */
async function seedTwoItemOrders(db: Db, n: number) {
  const oid = sql`'LM-' || lpad(g::text, 6, '0')`;
  await db.execute(sql`insert into orders (id, order_date, status, ship_to, netsuite_order_id)
    select ${oid}, now(), 'ALLOCATED', '{"country":"US"}'::jsonb, 'NSLM' || g from generate_series(1, ${n}::int) g`);
  await db.execute(sql`insert into order_items (order_id, seq_id, product_id, quantity, unit_price, status, facility_id, netsuite_line_id)
    select ${oid}, s.seq, 'BENCH_SKU', 1, 10, 'ALLOCATED', 'BENCH_WH', s.line
    from generate_series(1, ${n}::int) g cross join (values ('00001', '1'), ('00002', '2')) s(seq, line)`);
  await db.execute(sql`insert into reservations (order_id, order_item_seq_id, product_id, facility_id, quantity, status, run_id)
    select ${oid}, s.seq, 'BENCH_SKU', 'BENCH_WH', 1, 'ACTIVE', 'seed'
    from generate_series(1, ${n}::int) g cross join (values ('00001'), ('00002')) s(seq)`);
  await db.execute(sql`update inventory_levels set on_hand = on_hand + ${2 * n}::int, reserved = reserved + ${2 * n}::int
    where product_id = 'BENCH_SKU' and facility_id = 'BENCH_WH'`);
}

/** Per file (in creation order): its row count and the lanes (of `count`) its orders fall in. */
async function fileLanes(db: Db, count: number) {
  return q<{ rows: number; lanes: number[] }>(db, sql`
    select count(*)::int as rows,
           array_agg(distinct (hashtext(ef.order_id) & 2147483647) % ${count}::int) as lanes
    from external_fulfillment ef
    join feed_files ff on ff.id = ef.feed_file_id
    where ef.kind = 'BROKERED'
    group by ff.id, ff.created_at
    order by ff.created_at, ff.id`);
}

/** Every allocation sent exactly once, by the outbox and by the files NetSuite reads; each order's rows in one file. */
async function expectEachOnce(env: FeedEnv) {
  const [{ n, distinct, unsent }] = await q<{ n: number; distinct: number; unsent: number }>(env.d.db, sql`
    select (select count(*)::int from external_fulfillment where kind = 'BROKERED') as n,
           (select count(distinct reservation_id)::int from external_fulfillment where kind = 'BROKERED') as distinct,
           (select count(*)::int from reservations r where r.status = 'ACTIVE' and not exists (
              select 1 from external_fulfillment ef where ef.reservation_id = r.id and ef.kind = 'BROKERED')) as unsent`);
  expect({ n, distinct, unsent }).toEqual({ n: ROWS, distinct: ROWS, unsent: 0 });
  const files = await readFeedFiles(env.netsuite, 'brokered-items');
  expect(files.every((f) => f.errors.length === 0)).toBe(true);
  const keys = files.flatMap((f) => f.rows.map((r) => `${r.internalId}/${r.orderLineId}`));
  expect(keys).toHaveLength(ROWS);
  expect(new Set(keys).size).toBe(ROWS);
  const fileOf = new Map<string, string>();
  for (const f of files) {
    for (const r of f.rows) {
      expect(fileOf.get(r.internalId) ?? f.name).toBe(f.name);
      fileOf.set(r.internalId, f.name);
    }
  }
  return files;
}

describe.each(ENGINES)('brokered-items export in lanes on %s', (engine) => {
  let env: FeedEnv;
  beforeEach(async () => {
    env = await feedEnv(engine);
    await seedAllocatedItems(env.d.db, PLAIN, { prefix: 'LA' });
    await seedTwoItemOrders(env.d.db, TWO_ITEM);
  });
  afterEach(async () => { await env.close(); });

  it('after the first full file, each lane sends its own orders; every allocation once, each order in one file', async () => {
    const run = await env.run(JOB, { maxRowsPerFile: 100, claimLanes: 2 });
    expect(run.counts).toMatchObject({ rowsExported: ROWS });
    const files = await expectEachOnce(env);
    expect(files.every((f) => f.rows.length <= 100)).toBe(true);
    const lanes = await fileLanes(env.d.db, 2);
    expect(lanes.length).toBe(run.counts.filesCreated);
    // The first file is the run's single lane (both parts); every later file holds one lane's orders.
    expect(lanes[0]).toMatchObject({ rows: 100, lanes: [0, 1] });
    expect(lanes.slice(1).every((f) => f.lanes.length === 1)).toBe(true);
    expect(new Set(lanes.slice(1).map((f) => f.lanes[0]))).toEqual(new Set([0, 1]));
    expect((await env.run(JOB, { claimLanes: 2 })).counts).toMatchObject({ filesCreated: 0 });
  }, 120_000);

  it(`by default ${engine === 'postgres' ? 'two lanes' : 'one lane (PGlite runs one transaction at a time)'}`, async () => {
    await env.run(JOB, { maxRowsPerFile: 100 });
    await expectEachOnce(env);
    const later = (await fileLanes(env.d.db, 2)).slice(1);
    if (engine === 'postgres') expect(later.every((f) => f.lanes.length === 1)).toBe(true);
    else expect(later.slice(0, -1).every((f) => f.lanes.length === 2 && f.rows >= 99)).toBe(true);
  }, 120_000);

  it('a failed upload in a lane fails the run; what was claimed stays PENDING_UPLOAD and the next run sends everything once', async () => {
    let puts = 0;
    const inner = env.transport;
    const failing = withPut(inner, (d, n, source) => (++puts === 4 ? Promise.reject(new Error('connection lost')) : inner.putAtomic(d, n, source)));
    const ctx = recordingContext({ maxRowsPerFile: 100, claimLanes: 2 });
    await expect(feedJob({ ...env.deps, transport: failing }, JOB).handler(ctx)).rejects.toThrow(FeedUploadError);
    const [{ pending }] = await q<{ pending: number }>(env.d.db, sql`
      select count(*)::int as pending from feed_files where direction = 'OUT' and status = 'PENDING_UPLOAD'`);
    expect(pending).toBeGreaterThanOrEqual(1);
    const next = await env.run(JOB, { maxRowsPerFile: 100, claimLanes: 2 });
    expect(next.counts.filesReuploaded).toBe(pending);
    await expectEachOnce(env);
    const [{ left }] = await q<{ left: number }>(env.d.db, sql`
      select count(*)::int as left from feed_files where direction = 'OUT' and status <> 'UPLOADED'`);
    expect(left).toBe(0);
  }, 120_000);

  it('two runs at once never pick the same allocation', async () => {
    const a = recordingContext({ maxRowsPerFile: 50, claimLanes: 2 });
    const b = recordingContext({ maxRowsPerFile: 50, claimLanes: 2 });
    const [ra, rb] = await Promise.all([feedJob(env.deps, JOB).handler(a), feedJob(env.deps, JOB).handler(b)]);
    expect(ra.counts.rowsExported + rb.counts.rowsExported).toBe(ROWS);
    await expectEachOnce(env);
  }, 120_000);
});

describe('export lanes in the runner', () => {
  it('a lane whose claim fails while the first file uploads fails the run with its error (never an unhandled rejection)', async () => {
    const env = await feedEnv('pglite');
    try {
      const inner = env.transport;
      const slow = withPut(inner, async (d, n, source) => {
        await new Promise((r) => setTimeout(r, 300));
        return inner.putAtomic(d, n, source);
      });
      const spec: LineExportSpec = {
        feed: 'lanes-test', folder: 'lanes-test/', header: 'a', fileName: (_d, run) => `LanesTest_${run}.csv`,
        claim: async (_tx, { state }) => {
          if (state.lane !== undefined) throw new Error(`lane ${String(state.lane)} claim failed`);
          return { rows: 1, more: true };
        },
        split: (_state, count) => Array.from({ length: count }, (_, lane) => ({ lane })),
        async* lines() { yield 'x'; },
      };
      const err = await runExport({ ...env.deps, transport: slow }, spec, recordingContext({ claimLanes: 2 })).catch((e) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toMatch(/lane \d claim failed/);
      // The run's first file (single lane) was uploaded before the run failed.
      expect(await inner.list('lanes-test', /^LanesTest_.+\.csv$/)).toHaveLength(1);
    } finally {
      await env.close();
    }
  });
});
