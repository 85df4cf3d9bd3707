/**
 * The real server under SIGKILL (issue 7): `oms serve` on a PostgreSQL test database with a
 * `file://` feed folder and a short staleness limit (OMS_JOB_STALE_AFTER_SECONDS=3) is killed in
 * the middle of (a) a brokering run and (b) a GEN_BRKR_ORD_FD_NS export, each time as soon as the
 * database shows the run RUNNING with some progress. After each restart the dead run is recognised
 * (FAILED, with a reason), the next run of the job starts within 90 s and completes, no queued
 * order is left or allocated twice, and every exported item is in exactly one uploaded file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client';
import { LocalDirTransport } from '../../src/sftp';
import { seedAllocatedItems } from '../../bench/feeds/seed';
import { createTestDatabase, ENGINES } from '../support/db';
import { readFeedFiles } from '../feeds/helpers';
import { waitFor } from '../jobs/helpers';
import { fetchAs, testAdmin, type TestUser } from '../support/auth';

const ORDERS = 4000;
const EXPORT_ITEMS = 20_000;
const JOB_NAMES = ['BROKERING_RUN', 'GEN_CRT_CUST_FD', 'GEN_CRT_ORD_FD', 'IMP_CUST_IDENT', 'IMP_ORDER_IDENT', 'IMP_ORDER_ITM_ATTR', 'GEN_CUST_DEP_FD',
  'GEN_BRKR_ORD_FD_NS', 'IMP_ORDER_ITM_RJCT', 'GEN_INV_VAR_FEED_NS', 'IMP_ODR_ITM_FLFLMNT', 'GEN_FLFLD_ORD_FD_NS', 'IMP_NS_IMPORT_ERRORS', 'IMP_CUST_DEP_IDENT'];

interface Server { p: ChildProcess; url: string; startedAt: number; logs: string[] }

async function q<T>(d: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await d.db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** Queued orders (one item each) and a store with deep stock: what a brokering run routes. */
async function seedQueue(d: Database, n: number) {
  await d.db.execute(sql`insert into facilities (id, name, type, fulfillment_system, postal_code, country, latitude, longitude, ranking)
    values ('CR_STORE', 'Crash store', 'STORE', 'OMS', '10001', 'US', 40.75, -73.99, 1)`);
  await d.db.execute(sql`insert into products (id, sku, name) values ('CR_SKU', 'CR_SKU', 'Crash product')`);
  await d.db.execute(sql`insert into inventory_levels (product_id, facility_id, on_hand) values ('CR_SKU', 'CR_STORE', 1000000)`);
  await d.db.execute(sql`insert into orders (id, order_date, status, ship_to)
    select 'CR-' || lpad(g::text, 6, '0'), now(), 'APPROVED', '{"country":"US","postalCode":"10001","latitude":40.75,"longitude":-73.99}'::jsonb
    from generate_series(1, ${n}::int) g`);
  await d.db.execute(sql`insert into order_items (order_id, seq_id, product_id, quantity, unit_price, status, facility_id)
    select 'CR-' || lpad(g::text, 6, '0'), '00001', 'CR_SKU', 1, 10, 'APPROVED', '_NA_' from generate_series(1, ${n}::int) g`);
}

function start(env: Record<string, string>): Promise<Server> {
  const startedAt = Date.now();
  const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no "OMS listening" within 60 s: ${logs.join('').slice(-3000)}`)), 60_000);
    p.stdout!.on('data', (c) => {
      buf += c; logs.push(String(c));
      const m = /"address":"(http:\/\/[^"]+)"[^\n]*OMS listening|OMS listening[^\n]*"address":"(http:\/\/[^"]+)"/.exec(buf);
      if (m) { clearTimeout(timer); resolve({ p, url: m[1] ?? m[2], startedAt, logs }); }
    });
    p.stderr!.on('data', (c) => logs.push(String(c)));
    p.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${logs.join('').slice(-3000)}`)); });
  });
}

const exited = (p: ChildProcess) => new Promise<number | null>((resolve) => {
  if (p.exitCode !== null || p.signalCode !== null) { resolve(p.exitCode); return; }
  p.removeAllListeners('exit');
  p.once('exit', (code) => resolve(code));
});

async function kill(s: Server) {
  const done = exited(s.p);
  s.p.kill('SIGKILL');
  await done;
}

/** The admin token the calls send (created in the test database before the first start). */
let admin: TestUser;
const api = async (s: Server, method: string, path: string, body?: unknown) => {
  const res = await fetchAs(admin)(`${s.url}${path}`, {
    method, ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
};

describe.skipIf(!ENGINES.includes('postgres'))('oms serve killed mid-run and restarted (postgres)', () => {
  let d: Database & { url?: string };
  let dir: string;
  let env: Record<string, string>;
  const servers: Server[] = [];
  beforeAll(async () => {
    d = await createTestDatabase('postgres');
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'oms-crash-')));
    env = {
      DATABASE_URL: d.url!, FEED_TRANSPORT_URL: `file://${dir}`, OMS_DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'info', OMS_JOB_STALE_AFTER_SECONDS: '3',
    };
    // On-demand only: no cron fires in the middle of the test.
    await d.db.execute(sql`insert into job_definitions (name, description, cron) select n, 'e2e', null from unnest(${sql.param(JOB_NAMES)}::text[]) n`);
    await seedQueue(d, ORDERS);
    admin = await testAdmin(d.db);
    await seedAllocatedItems(d.db, EXPORT_ITEMS, { prefix: 'CX' });
  });
  afterAll(async () => {
    for (const s of servers) if (s.p.exitCode === null && s.p.signalCode === null) s.p.kill('SIGKILL');
    await d?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a brokering run and an export killed mid-way: the dead runs are FAILED with a reason and the next runs complete', async () => {
    // (a) brokering, in small batches so the run is caught half-way
    const s1 = await start(env); servers.push(s1);
    expect((await api(s1, 'PATCH', '/jobs/BROKERING_RUN', { params: { batchSize: 20 } })).status).toBe(200);
    expect((await api(s1, 'PATCH', '/jobs/BROKERING_RUN', { params: { batchSize: 0 } })).status).toBe(400);
    expect((await api(s1, 'POST', '/jobs/BROKERING_RUN/run?async=true')).status).toBe(202);
    const [dying] = await waitFor(() => q<{ id: string; orders: number }>(d, sql`select id, orders from brokering_runs where status = 'RUNNING' and orders > 0`)
      .then((r) => r.length ? r : undefined), 'a brokering run with progress', 60_000);
    await kill(s1);
    const [{ left }] = await q<{ left: number }>(d, sql`select count(*)::int as left from order_items where facility_id = '_NA_' and order_id like 'CR-%'`);
    expect(left, 'killed before the queue was routed').toBeGreaterThan(0);

    const s2 = await start(env); servers.push(s2);
    const deadRun = await waitFor(() => q<{ status: string; error: string }>(d, sql`select status, error from brokering_runs where id = ${dying.id} and status = 'FAILED'`)
      .then((r) => r[0]), 'the dead brokering run to be closed', 60_000);
    expect(deadRun.error).toMatch(/^abandoned: no heartbeat from this cron brokering run since .+Z \(stale after 3 s; \d+ orders routed before\)/);
    const deadJob = await waitFor(() => q<{ error: string }>(d, sql`select error from job_runs where name = 'BROKERING_RUN' and status = 'FAILED'`)
      .then((r) => r[0]), 'the dead job run to be FAILED', 60_000);
    expect(deadJob.error).toMatch(/^abandoned: no heartbeat from .+:\d+ since /);
    const next = await api(s2, 'POST', '/jobs/BROKERING_RUN/run');
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    expect(new Date(next.body.run.startedAt).getTime() - s2.startedAt).toBeLessThan(90_000);
    const [routed] = await q<{ queued: number; active: number; allocated: number }>(d, sql`select
      (select count(*)::int from order_items where facility_id = '_NA_' and order_id like 'CR-%') as queued,
      (select count(*)::int from reservations where status = 'ACTIVE' and order_id like 'CR-%') as active,
      (select count(*)::int from order_items where status = 'ALLOCATED' and order_id like 'CR-%') as allocated`);
    expect(routed).toEqual({ queued: 0, active: ORDERS, allocated: ORDERS });

    // (b) the brokered-items export, 100 rows a file, killed once files are being uploaded
    expect((await api(s2, 'PATCH', '/jobs/GEN_BRKR_ORD_FD_NS', { params: { maxRowsPerFile: 100 } })).status).toBe(200);
    expect((await api(s2, 'POST', '/jobs/GEN_BRKR_ORD_FD_NS/run?async=true')).status).toBe(202);
    const [exporting] = await waitFor(() => q<{ id: string }>(d, sql`select r.id from job_runs r where r.name = 'GEN_BRKR_ORD_FD_NS' and r.status = 'RUNNING'
      and exists (select 1 from feed_files f where f.job_run_id = r.id and f.status = 'UPLOADED')`).then((r) => r.length ? r : undefined), 'an export with files uploaded', 60_000);
    await kill(s2);

    const s3 = await start(env); servers.push(s3);
    const deadExport = await waitFor(() => q<{ error: string }>(d, sql`select error from job_runs where id = ${exporting.id} and status = 'FAILED'`)
      .then((r) => r[0]), 'the dead export to be FAILED', 60_000);
    expect(deadExport.error).toMatch(/^abandoned: no heartbeat from .+:\d+ since /);
    const exported = await api(s3, 'POST', '/jobs/GEN_BRKR_ORD_FD_NS/run');
    expect(exported.status, JSON.stringify(exported.body)).toBe(200);
    expect(new Date(exported.body.run.startedAt).getTime() - s3.startedAt).toBeLessThan(90_000);

    const out = await q<{ file_name: string; status: string; row_count: number }>(d, sql`select file_name, status, row_count from feed_files where feed = 'brokered-items' and direction = 'OUT'`);
    expect(out.filter((f) => f.status !== 'UPLOADED')).toEqual([]);
    const remote = await readFeedFiles(new LocalDirTransport({ dir }), 'brokered-items');
    expect(remote.map((f) => f.name).sort()).toEqual(out.map((f) => f.file_name).sort());
    const seen = new Map<string, number>();
    for (const f of remote) {
      expect(f.errors).toEqual([]);
      for (const r of f.rows) seen.set(r.internalId, (seen.get(r.internalId) ?? 0) + 1);
    }
    expect(seen.size).toBe(EXPORT_ITEMS);
    expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);

    // a graceful stop of an idle server exits 0
    const done = exited(s3.p);
    s3.p.kill('SIGTERM');
    expect(await done).toBe(0);
  }, 180_000);
});
