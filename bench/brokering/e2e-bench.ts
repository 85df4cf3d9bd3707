/**
 * End-to-end brokering on PostgreSQL: the queue claimed, routed, persisted and committed, in
 * items per second. One seeded database is copied (CREATE DATABASE … TEMPLATE) for each variant
 * so all start from the same state; each variant runs in worker processes (bench/brokering/
 * worker.ts) released together, timed from the release to the last worker's end:
 *
 * - one process, the default batch size (the real run), with its time per phase;
 * - two processes on the same queue at once (the runs share it through SKIP LOCKED claims);
 * - the baseline: one process, small transactions (10 orders each), measured in the same run.
 *
 * After each variant the database is checked (`checkBrokering`): every queued item routed exactly
 * once (one move, one decision per order), no item holding two reservations, every allocated
 * item holding its own, nothing oversold, Σ ledger = on hand and reserved = Σ active
 * reservations. A failed check fails the bench (non-zero exit).
 *
 *   npx tsx bench/brokering/e2e-bench.ts [--quick]
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { openDatabase } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { DEFAULT_BATCH_SIZE } from '../../src/app/brokering/run';
import { checkBrokering, type BrokeringCheck } from './check';
import { seed } from './seed';

const ADMIN = process.env.OMS_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BARRIER = 727200;

async function admin(text: string) {
  const c = new pg.Client({ connectionString: ADMIN });
  await c.connect();
  try { await c.query(text); } finally { await c.end(); }
}
const urlOf = (name: string) => { const u = new URL(ADMIN); u.pathname = `/${name}`; return u.toString(); };

interface WorkerOut {
  run: { status: string; error?: string; orders: number; items: number; allocated: number; exception: number; queued: number };
  ms: number; phases: Record<string, number>; cpuMs: number;
}

/** Starts `n` workers on the database, releases them together once all are ready; resolves with their outputs and the wall time. */
async function workers(url: string, n: number, batchSize: number): Promise<{ outs: WorkerOut[]; seconds: number }> {
  const gate = new pg.Client({ connectionString: url });
  await gate.connect();
  await gate.query('select pg_advisory_lock($1)', [BARRIER]);
  let ready = 0;
  let t0 = 0;
  const done = Array.from({ length: n }, () => new Promise<WorkerOut & { end: number }>((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'bench/brokering/worker.ts', url, String(batchSize), String(BARRIER)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (c) => { out += c; if (out.startsWith('ready\n') && !(p as any).counted) { (p as any).counted = true; ready++; } });
    p.stderr.on('data', (c) => (err += c));
    p.on('exit', (code) => {
      const end = performance.now();
      if (code !== 0) return reject(new Error(`brokering worker exited ${code}: ${err}`));
      resolve({ ...JSON.parse(out.slice(out.indexOf('\n') + 1)), end });
    });
  }));
  while (ready < n) await new Promise((r) => setTimeout(r, 20));
  t0 = performance.now();
  await gate.query('select pg_advisory_unlock($1)', [BARRIER]);
  await gate.end();
  const outs = await Promise.all(done);
  return { outs, seconds: (Math.max(...outs.map((o) => o.end)) - t0) / 1000 };
}

const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;

/** Per-phase share of the batches' time, in % (the one-process run). */
function phaseShares(phases: Record<string, number>) {
  const total = Object.values(phases).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, `${round((100 * v) / total, 1)}% (${round(v / 1000, 2)} s)`]));
}

interface Variant { name: string; processes: number; batchSize: number }

async function runVariant(base: string, v: Variant, items: number) {
  const name = `${base}_${v.processes}p_${v.batchSize}`;
  await admin(`create database ${name} template ${base}`);
  try {
    const { outs, seconds } = await workers(urlOf(name), v.processes, v.batchSize);
    const failed = outs.find((o) => o.run.status !== 'COMPLETED');
    if (failed) throw new Error(`${v.name}: run failed: ${failed.run.error}`);
    const sum = (k: keyof WorkerOut['run']) => outs.reduce((n, o) => n + Number(o.run[k]), 0);
    const d = await openDatabase({ databaseUrl: urlOf(name), poolSize: 2 });
    let check: BrokeringCheck;
    try { check = await checkBrokering(d, items, { items: sum('items'), allocated: sum('allocated'), exception: sum('exception'), queued: sum('queued') }); } finally { await d.close(); }
    return {
      variant: v.name, processes: v.processes, batchSize: v.batchSize, seconds: round(seconds, 2), itemsPerSecond: round(sum('items') / seconds),
      perProcess: outs.map((o) => ({ orders: o.run.orders, items: o.run.items, seconds: round(o.ms / 1000, 2), cpuSeconds: round(o.cpuMs / 1000, 2) })),
      allocated: sum('allocated'), exception: sum('exception'), queued: sum('queued'),
      phases: v.processes === 1 ? phaseShares(outs[0].phases) : undefined, check,
    };
  } finally {
    await admin(`drop database if exists ${name} with (force)`).catch(() => {});
  }
}

export async function runBrokeringBench(opts: { quick?: boolean; batchSize?: number; baselineBatchSize?: number } = {}) {
  const size = opts.quick ? { facilities: 100, products: 2000, orders: 2000 } : { facilities: 300, products: 10000, orders: 20000 };
  const base = `oms_bench_${Date.now()}`;
  await admin(`create database ${base}`);
  try {
    const d = await openDatabase({ databaseUrl: urlOf(base) });
    await migrateDatabase(d);
    const items = await seed(d, size);
    await d.close();
    const bs = opts.batchSize ?? Number(process.env.OMS_BENCH_BATCH ?? DEFAULT_BATCH_SIZE), small = opts.baselineBatchSize ?? 10;
    const variants: Variant[] = [
      { name: `one process, ${bs} orders/transaction`, processes: 1, batchSize: bs },
      { name: `two processes on one queue, ${bs} orders/transaction`, processes: 2, batchSize: bs },
      { name: `baseline: one process, ${small} orders/transaction`, processes: 1, batchSize: small },
    ];
    const results = [];
    for (const v of variants) results.push(await runVariant(base, v, items));
    const [one, two, baseline] = results;
    const report = {
      ...size, queueItems: items, results,
      speedupOverBaseline: round(one.itemsPerSecond / baseline.itemsPerSecond, 2),
      twoProcessesOverOne: round(two.itemsPerSecond / one.itemsPerSecond, 2),
      goal: '>= 10,000 items/s (one process)', met: one.itemsPerSecond >= 10_000,
      correct: results.every((r) => r.check.ok),
    };
    console.log(JSON.stringify({ brokeringE2E: report }, null, 2));
    for (const r of results) console.log(`correctness, ${r.variant}: ${r.check.ok ? 'OK' : 'FAILED'} — ${r.check.summary}`);
    if (!report.correct) throw new Error(`brokering correctness check failed: ${results.filter((r) => !r.check.ok).map((r) => r.variant).join('; ')}`);
    return report;
  } finally {
    await admin(`drop database if exists ${base} with (force)`).catch(() => {});
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runBrokeringBench({ quick: process.argv.includes('--quick') });
}
