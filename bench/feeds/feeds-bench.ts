/**
 * NetSuite feeds on PostgreSQL over the real in-process SFTP server (loopback):
 * - export: 1,000,000 brokered items (GEN_BRKR_ORD_FD_NS: each file of 25,000 claimed in one
 *   transaction whose claim statement writes every row's CSV line; the file is its header and those
 *   lines read back in one ordered scan, streamed into an atomic SFTP put), with two claim lanes
 *   (the default on PostgreSQL) and again with one;
 * - import: a 100,000-row rejected-items file (IMP_ORDER_ITM_RJCT: SHA-256, claim, structure check,
 *   every row through `rejectItem` in per-row savepoints, 100 rows per transaction).
 * Reports rows/s and the peak RSS of this process (sampled every 25 ms during each phase; it
 * includes the in-process SFTP server), and the export's ceiling in the same run: the same rows
 * and files through the encoder and SFTP with no database. Goals: export ≥ 60,000 rows/s and ≥ 60%
 * of that ceiling, peak RSS < 256 MB.
 * Data is seeded set-based (generate_series) into a scratch database, dropped at the end.
 *
 *   npx tsx bench/feeds/feeds-bench.ts [--quick]        (--quick: 20,000 / 5,000 rows)
 */
import { randomBytes } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { Database, Db } from '../../src/db/client';
import * as schema from '../../src/db/schema';
import { migrateDatabase } from '../../src/db/migrate';
import { SftpTransport } from '../../src/sftp';
import { runExport } from '../../src/feeds/export-runner';
import { brokeredItemsExport } from '../../src/feeds/brokered-items';
import { brokeredItemsFeed } from '../../src/feeds/codec';
import { quietContext, type FeedConfig, type FeedDeps } from '../../src/feeds/common';
import { startSftpServer } from '../../test/support/sftp-server';
import { seedAllocatedItems, seededOrderId } from './seed';

export interface FeedsBenchOptions {
  quick?: boolean;
  exportRows?: number;
  importRows?: number;
  /** Admin connection (a database is created and dropped). */
  adminUrl?: string;
  log?: (line: string) => void;
}

export interface PhaseResult {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
  /** RSS when the phase started (modules loaded, data seeded). */
  baselineRssMb: number;
  files: number;
  seedSeconds: number;
}

export interface FeedsBenchResult {
  export: PhaseResult & {
    /** Same rows and files through the encoder and SFTP only, no database: this machine's ceiling right now. */
    encodeUploadOnlyRowsPerSecond: number;
    /** rowsPerSecond / encodeUploadOnlyRowsPerSecond. */
    ofCeiling: number;
    /** The same export with `claimLanes: 1` (one claim at a time), same run. */
    oneLane: { rowsPerSecond: number; ofCeiling: number; peakRssMb: number; files: number };
  };
  import: PhaseResult & { rowsApplied: number };
  goals: { exportRowsPerSecond: number; exportOfCeiling: number; peakRssMb: number };
  /** The export's goals (the import phase runs in the same process after the export: its RSS is reported, not judged; the imports bench gives each import a process of its own). */
  pass: { exportThroughput: boolean; exportOfCeiling: boolean; exportRss: boolean };
}

const CONFIG: FeedConfig = { NETSUITE_ADJUSTMENT_ACCOUNT: '927', NETSUITE_SUBSIDIARY: '1', NETSUITE_FULFILLMENT_TAG: 'oms-fulfilled' };
const GOALS = { exportRowsPerSecond: 60_000, exportOfCeiling: 0.6, peakRssMb: 256 };

export async function admin(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { await c.query(text); } finally { await c.end(); }
}

/** Samples RSS every 25 ms until stopped; returns the peak in MB. */
export function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 25);
  return { stop: () => { clearInterval(timer); peak = Math.max(peak, process.memoryUsage().rss); return Math.round(peak / 1024 / 1024); } };
}

const secondsSince = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;

/**
 * A PostgreSQL `Database` like `openDatabase` makes, built here so that this process does not load
 * PGlite (`src/db/client` imports it: ~45 MB of RSS the feed jobs never use on PostgreSQL).
 */
export function postgresDatabase(url: string, max: number): Database {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  const db = drizzle(pool, { schema }) as unknown as Db;
  const query = async <T>(text: string, values?: unknown[]) => ({ rows: (await pool.query(text, values as unknown[])).rows as T[] });
  return { engine: 'postgres', db, query, connectionString: url, executor: { executeSql: (t, v) => query(t, v) }, close: () => pool.end() };
}

/** Rows/s of encoding `rows` synthetic brokered rows and uploading them in 25,000-row files (no database). */
async function encodeUploadOnly(transport: SftpTransport, rows: number): Promise<number> {
  const t = process.hrtime.bigint();
  for (let file = 0, from = 0; from < rows; file++, from += 25_000) {
    const n = Math.min(25_000, rows - from);
    const src = pipeline(Readable.from((function* () {
      for (let i = from; i < from + n; i++) yield { internalId: `NS${i}`, lineId: '1', item: '9001', location: '901', quantity: 1, closed: 'F', orderLineId: '00001' };
    })()), brokeredItemsFeed.createEncoder(), () => {});
    await transport.putAtomic('bench-baseline', `baseline-${file}.csv`, src);
  }
  return Math.round(rows / secondsSince(t));
}

/**
 * One run of what the GEN_BRKR_ORD_FD_NS handler runs, with `claimLanes` lanes (imported directly:
 * the job list also loads the import feeds, whose use cases pull in the ZIP database, ~80 MB,
 * unused by exports); its time, files and the peak RSS.
 */
async function timedExport(deps: FeedDeps, rows: number, claimLanes: number) {
  const rss = rssSampler();
  const baseline = Math.round(process.memoryUsage().rss / 1024 / 1024);
  const t = process.hrtime.bigint();
  const r = await runExport(deps, brokeredItemsExport(), quietContext(`BENCH-EXPORT-${claimLanes}`, { maxFiles: 10_000, claimLanes }));
  const seconds = secondsSince(t);
  const peak = rss.stop();
  if (r.counts.rowsExported !== rows) throw new Error(`exported ${r.counts.rowsExported} rows with ${claimLanes} lane(s), expected ${rows}`);
  return { seconds, peak, baseline, files: r.counts.filesUploaded };
}

export async function runFeedsBench(opts: FeedsBenchOptions = {}): Promise<FeedsBenchResult> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const exportRows = opts.exportRows ?? (opts.quick ? 20_000 : 1_000_000);
  const importRows = opts.importRows ?? (opts.quick ? 5_000 : 100_000);
  const adminUrl = opts.adminUrl ?? process.env.OMS_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `feeds_bench_${randomBytes(4).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;

  await admin(adminUrl, `create database ${dbName}`);
  let d: Database | undefined;
  let server: Awaited<ReturnType<typeof startSftpServer>> | undefined;
  let transport: SftpTransport | undefined;
  try {
    server = await startSftpServer();
    transport = new SftpTransport({
      host: server.host, port: server.port, username: server.username, privateKey: server.privateKey,
      hostKeySha256: server.hostKeySha256, readyTimeoutMs: 10_000,
    });
    d = postgresDatabase(url.toString(), 4);
    await migrateDatabase(d);
    const deps = { database: d, transport, config: CONFIG };

    // ---- export
    log(`seeding ${exportRows.toLocaleString('en-US')} allocated items…`);
    let t = process.hrtime.bigint();
    await seedAllocatedItems(d.db, exportRows, { prefix: 'EX' });
    const exportSeed = secondsSince(t);
    // The default (two lanes on PostgreSQL), then the same rows again in one lane: the outbox and
    // the OUT files emptied between the two, so both claim the same 1M unsent allocations.
    const lanes = await timedExport(deps, exportRows, 2);
    await d.db.execute(sql`truncate external_fulfillment`);
    await d.db.execute(sql`delete from feed_files where direction = 'OUT'`);
    for (const table of ['external_fulfillment', 'feed_files']) await d.db.execute(sql.raw(`vacuum analyze ${table}`));
    const single = await timedExport(deps, exportRows, 1);
    const ceiling = await encodeUploadOnly(transport, exportRows);
    log(`baseline (encoder + SFTP, no database): ${ceiling.toLocaleString('en-US')} rows/s`);
    const rowsPerSecond = Math.round(exportRows / lanes.seconds);
    const exportResult: FeedsBenchResult['export'] = {
      encodeUploadOnlyRowsPerSecond: ceiling, ofCeiling: +(rowsPerSecond / ceiling).toFixed(3),
      rows: exportRows, seconds: +lanes.seconds.toFixed(2), rowsPerSecond,
      peakRssMb: lanes.peak, baselineRssMb: lanes.baseline, files: lanes.files, seedSeconds: +exportSeed.toFixed(1),
      oneLane: { rowsPerSecond: Math.round(exportRows / single.seconds), ofCeiling: +(exportRows / single.seconds / ceiling).toFixed(3), peakRssMb: single.peak, files: single.files },
    };
    log(`export, 2 lanes (the default on PostgreSQL): ${rowsPerSecond.toLocaleString('en-US')} rows/s (${exportResult.seconds} s, ${exportResult.files} files), `
      + `${Math.round(exportResult.ofCeiling * 100)}% of the ceiling, peak RSS ${lanes.peak} MB (${lanes.baseline} MB at start)`);
    log(`export, 1 lane: ${exportResult.oneLane.rowsPerSecond.toLocaleString('en-US')} rows/s (${single.seconds.toFixed(2)} s, ${single.files} files), `
      + `${Math.round(exportResult.oneLane.ofCeiling * 100)}% of the ceiling, peak RSS ${single.peak} MB`);
    const exportPass = {
      exportThroughput: rowsPerSecond >= GOALS.exportRowsPerSecond,
      exportOfCeiling: exportResult.ofCeiling >= GOALS.exportOfCeiling,
      exportRss: Math.max(lanes.peak, single.peak) < GOALS.peakRssMb,
    };

    // ---- import
    if (importRows <= 0) {
      const none = { rows: 0, seconds: 0, rowsPerSecond: 0, peakRssMb: 0, baselineRssMb: 0, files: 0, seedSeconds: 0, rowsApplied: 0 };
      return { export: exportResult, import: none, goals: GOALS, pass: exportPass };
    }
    log(`seeding ${importRows.toLocaleString('en-US')} allocated items and a rejection file…`);
    t = process.hrtime.bigint();
    await seedAllocatedItems(d.db, importRows, { prefix: 'IM', facilityId: 'BENCH_WH2', locationId: '902' });
    const lines = ['orderId,orderItemSeqId,rejectionComments,rejectionReason'];
    for (let i = 1; i <= importRows; i++) lines.push(`${seededOrderId(i, 'IM')},00001,Order Item Rejected from NetSuite,`);
    await transport.putAtomic('salesorder/rejectedorderitem', 'bench-RejectedSalesOrderItemExport.csv', Buffer.from(`${lines.join('\n')}\n`));
    lines.length = 0;
    const importSeed = secondsSince(t);
    const { feedJob } = await import('../../src/feeds/jobs');
    const imp = feedJob(deps, 'IMP_ORDER_ITM_RJCT');
    const rss = rssSampler();
    const importBaseline = Math.round(process.memoryUsage().rss / 1024 / 1024);
    t = process.hrtime.bigint();
    const ir = await imp.handler(quietContext('BENCH-IMPORT'));
    const importSeconds = secondsSince(t);
    const importPeak = rss.stop();
    if (ir.counts.rowsApplied !== importRows) throw new Error(`applied ${ir.counts.rowsApplied} rows, expected ${importRows} (errors ${ir.counts.rowErrors})`);
    const [{ n }] = (await d.db.execute(sql`select count(*)::int as n from order_items where facility_id = '_NA_' and status = 'APPROVED'`) as unknown as { rows: { n: number }[] }).rows;
    if (n !== importRows) throw new Error(`${n} items back in the queue, expected ${importRows}`);
    const importResult = {
      rows: importRows, seconds: +importSeconds.toFixed(2), rowsPerSecond: Math.round(importRows / importSeconds),
      peakRssMb: importPeak, baselineRssMb: importBaseline, files: ir.counts.filesApplied, seedSeconds: +importSeed.toFixed(1), rowsApplied: ir.counts.rowsApplied,
    };
    log(`import: ${importResult.rowsPerSecond.toLocaleString('en-US')} rows/s (${importResult.seconds} s), peak RSS ${importPeak} MB (${importBaseline} MB at start)`);

    log(`goals: export ≥ ${GOALS.exportRowsPerSecond.toLocaleString('en-US')} rows/s ${exportPass.exportThroughput ? 'met' : 'MISSED'}, `
      + `≥ ${GOALS.exportOfCeiling * 100}% of the ceiling ${exportPass.exportOfCeiling ? 'met' : 'MISSED'}; `
      + `export peak RSS < ${GOALS.peakRssMb} MB ${exportPass.exportRss ? 'met' : 'MISSED'} (the import's ${importPeak} MB is this process after the export; --only=imports gives each import a process of its own)`);
    return { export: exportResult, import: importResult, goals: GOALS, pass: exportPass };
  } finally {
    await transport?.close();
    await server?.close();
    await d?.close();
    await admin(adminUrl, `drop database if exists ${dbName} with (force)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const num = (flag: string) => { const a = process.argv.find((x) => x.startsWith(`--${flag}=`)); return a ? Number(a.split('=')[1]) : undefined; };
  const result = await runFeedsBench({ quick: process.argv.includes('--quick'), exportRows: num('export'), importRows: num('import') });
  console.log(JSON.stringify(result, null, 2));
  if (!Object.values(result.pass).every(Boolean)) process.exitCode = 1;
}
