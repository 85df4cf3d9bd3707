/**
 * Bulk vs row-by-row NetSuite imports on PostgreSQL, measured in the same run:
 * - IMP_ORDER_ITM_RJCT: a 25,000-row v2 rejected-items file (every row applies: reservation
 *   released, rejection, exclusion, item back to the queue, history, order status);
 * - IMP_ORDER_ITM_ATTR: a 25,000-row line-id file (every row sets a line id).
 * The bulk path (`applyBatch`, the default) reads the whole file; the row-by-row path (savepoint
 * per row, the rejection through the `rejectItem` use case) reads a 1,000-row slice of the same
 * shape. Reports rows/s of each, the ratio, and the peak RSS of the process that ran the import
 * (each import runs in a child process of its own; seeding stays in this one).
 * Goals: bulk ≥ 10,000 rows/s, ≥ 50× the row-by-row path, peak RSS < 256 MB.
 *
 *   npx tsx bench/feeds/import-bench.ts [--quick]        (--quick: 5,000 / 500 rows)
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { LocalDirTransport } from '../../src/sftp';
import { runImport, type ImportSpec } from '../../src/feeds/import-runner';
import { rejectedItemsImport } from '../../src/feeds/rejected-items';
import { orderItemAttributeImport } from '../../src/feeds/id-sync';
import { quietContext, type FeedConfig, type FeedDeps } from '../../src/feeds/common';
import { admin, postgresDatabase, rssSampler } from './feeds-bench';
import { seedAllocatedItems, seededOrderId } from './seed';

const CONFIG: FeedConfig = { NETSUITE_ADJUSTMENT_ACCOUNT: '927', NETSUITE_SUBSIDIARY: '1', NETSUITE_FULFILLMENT_TAG: 'oms-fulfilled' };
export const IMPORT_GOALS = { bulkRowsPerSecond: 10_000, ratio: 50, peakRssMb: 256 };

export interface PathResult { rows: number; seconds: number; rowsPerSecond: number; peakRssMb: number }
export interface FeedImportResult { bulk: PathResult; rowByRow: PathResult; ratio: number }
export interface ImportBenchResult {
  rejections: FeedImportResult;
  lineIds: FeedImportResult;
  goals: typeof IMPORT_GOALS;
  pass: { throughput: boolean; ratio: boolean; rss: boolean };
}

const secondsSince = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;

interface Case { name: string; dir: string; fileName: string; header: string; line(orderId: string, i: number): string; spec(): ImportSpec<any>; seed(db: Database, n: number, prefix: string): Promise<void> }

const CASES: Case[] = [
  {
    name: 'rejections', dir: 'salesorder/rejectedorderitem', fileName: 'RejectedSalesOrderItemExport.csv',
    header: 'orderId,orderItemSeqId,rejectionComments,rejectionReason,facilityId,rejectionId',
    line: (o) => `${o},00001,Order Item Rejected from NetSuite,,901,NS${o}-1-1767600000000`,
    spec: rejectedItemsImport,
    seed: (d, n, prefix) => seedAllocatedItems(d.db, n, { prefix }),
  },
  {
    name: 'lineIds', dir: 'salesorder/import/orderitemattribute', fileName: 'SalesOrderItemExport.csv',
    header: 'orderId,orderItemSeqId,attrName,attrValue',
    line: (o, i) => `${o},00001,NetsuiteItemLineId,${i}`,
    spec: orderItemAttributeImport,
    seed: async (d, n, prefix) => {
      await seedAllocatedItems(d.db, n, { prefix });
      await d.db.execute(sql`update order_items set netsuite_line_id = null where order_id like ${`${prefix}-%`}`);
      await d.db.execute(sql`vacuum analyze order_items`);
    },
  },
];

interface ChildArgs { url: string; dir: string; caseName: string; prefix: string; rowByRow: boolean; lanes?: number }

/**
 * Seeds `rows` items and writes the file here; the import itself runs in a child process of its
 * own, so its peak RSS is that of a process doing just this import (not of the bench's seeding).
 */
async function measure(d: Database, deps: FeedDeps, c: Case, rows: number, prefix: string, rowByRow: boolean, child: Omit<ChildArgs, 'caseName' | 'prefix' | 'rowByRow'>): Promise<PathResult> {
  await c.seed(d, rows, prefix);
  const lines = [c.header];
  for (let i = 1; i <= rows; i++) lines.push(c.line(seededOrderId(i, prefix), i));
  await deps.transport.putAtomic(c.dir, `${prefix}-${c.fileName}`, Buffer.from(`${lines.join('\n')}\n`));
  const args: ChildArgs = { ...child, caseName: c.name, prefix, rowByRow };
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    p.stdout.on('data', (b: Buffer) => { text += b.toString(); });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`${c.name} ${prefix}: import process exited ${code}`))));
  });
  const r = JSON.parse(out.slice(out.indexOf('{'))) as { seconds: number; peakRssMb: number; counts: Record<string, number> };
  if (r.counts.rowsApplied !== rows) throw new Error(`${c.name} ${prefix}: applied ${r.counts.rowsApplied} of ${rows} rows (errors ${r.counts.rowErrors}, no-ops ${r.counts.rowsNoop})`);
  return { rows, seconds: +r.seconds.toFixed(2), rowsPerSecond: Math.round(rows / r.seconds), peakRssMb: r.peakRssMb };
}

/** The child: one import of one file, timed, with this process's peak RSS. */
async function runChild(a: ChildArgs): Promise<void> {
  const c = CASES.find((x) => x.name === a.caseName)!;
  const d = postgresDatabase(a.url, 4);
  const transport = new LocalDirTransport({ dir: a.dir });
  const deps: FeedDeps = { database: d, transport, config: CONFIG };
  try {
    const rss = rssSampler();
    const t = process.hrtime.bigint();
    const r = await runImport(deps, c.spec(), quietContext(`BENCH-${a.prefix}`), { rowByRow: a.rowByRow, lanes: a.lanes });
    const seconds = secondsSince(t);
    process.stdout.write(JSON.stringify({ seconds, peakRssMb: rss.stop(), counts: r.counts }));
  } finally {
    await transport.close();
    await d.close();
  }
}

export async function runImportBench(opts: { quick?: boolean; rows?: number; slice?: number; lanes?: number; adminUrl?: string; log?: (s: string) => void } = {}): Promise<ImportBenchResult> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const rows = opts.rows ?? (opts.quick ? 5_000 : 25_000);
  const slice = opts.slice ?? (opts.quick ? 500 : 1_000);
  const adminUrl = opts.adminUrl ?? process.env.OMS_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `import_bench_${randomBytes(4).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  await admin(adminUrl, `create database ${dbName}`);
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'oms-import-bench-'));
  let d: Database | undefined;
  const transport = new LocalDirTransport({ dir: tmp });
  try {
    d = postgresDatabase(url.toString(), 4);
    await migrateDatabase(d);
    const deps: FeedDeps = { database: d, transport, config: CONFIG };
    const child = { url: url.toString(), dir: tmp, lanes: opts.lanes };
    const out: Record<string, FeedImportResult> = {};
    for (const [k, c] of CASES.entries()) {
      const bulk = await measure(d, deps, c, rows, `B${k}`, false, child);
      const rowByRow = await measure(d, deps, c, slice, `R${k}`, true, child);
      out[c.name] = { bulk, rowByRow, ratio: +(bulk.rowsPerSecond / rowByRow.rowsPerSecond).toFixed(1) };
      log(`${c.name}: bulk ${bulk.rowsPerSecond.toLocaleString('en-US')} rows/s (${rows.toLocaleString('en-US')} rows, ${bulk.seconds} s, peak RSS ${bulk.peakRssMb} MB); ` +
        `row by row ${rowByRow.rowsPerSecond.toLocaleString('en-US')} rows/s (${slice.toLocaleString('en-US')} rows); ${out[c.name].ratio}×`);
    }
    const all = Object.values(out);
    const pass = {
      throughput: all.every((r) => r.bulk.rowsPerSecond >= IMPORT_GOALS.bulkRowsPerSecond),
      ratio: all.every((r) => r.ratio >= IMPORT_GOALS.ratio),
      rss: all.every((r) => r.bulk.peakRssMb < IMPORT_GOALS.peakRssMb && r.rowByRow.peakRssMb < IMPORT_GOALS.peakRssMb),
    };
    log(`goals: bulk ≥ ${IMPORT_GOALS.bulkRowsPerSecond.toLocaleString('en-US')} rows/s ${pass.throughput ? 'met' : 'MISSED'}; ≥ ${IMPORT_GOALS.ratio}× ${pass.ratio ? 'met' : 'MISSED'}; peak RSS < ${IMPORT_GOALS.peakRssMb} MB ${pass.rss ? 'met' : 'MISSED'}`);
    return { rejections: out.rejections, lineIds: out.lineIds, goals: IMPORT_GOALS, pass };
  } finally {
    await transport.close();
    await d?.close();
    await fsp.rm(tmp, { recursive: true, force: true });
    await admin(adminUrl, `drop database if exists ${dbName} with (force)`);
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt > 0) {
  await runChild(JSON.parse(process.argv[childAt + 1]) as ChildArgs);
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runImportBench({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(result, null, 2));
  if (!Object.values(result.pass).every(Boolean)) process.exitCode = 1;
}
