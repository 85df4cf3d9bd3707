/**
 * The first `npm start`: the demo seed (set-based, src/app/demo/seed.ts) against the path it
 * replaced in the same run (the same orders through the order import, one transaction per create
 * and one per approve, on the same catalog and stock), both on a fresh in-memory PGlite; then the
 * whole first start, `node bin/oms.js serve --demo` on a fresh embedded folder until "OMS listening",
 * against a first start without the demo (`serve` alone) and one with the demo but without the
 * build's migrated PGlite template (initdb and every migration, as before it) in the same run.
 * Goal (issue 12): the seed ≤ 15 s, with progress on the terminal.
 *
 *   npx tsx bench/cli/seed-bench.ts [--quick]      (--quick: 200 orders, no whole-process start)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemoData, seedDemo } from '../../src/app/demo';
import { importOrders } from '../../src/app/import-orders';
import { openDatabase } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { templatePath } from '../../src/db/pglite-template';
import { build } from '../../scripts/build.mjs';

export const SEED_GOALS = { seconds: 15 };

export interface SeedBenchResult {
  orders: number;
  /** The set-based seed: all of it, and its order writes. */
  seed: { totalMs: number; ordersMs: number };
  /** The same orders through the import, one order at a time (the path the seed used before). */
  oneOrderAtATime: { ordersMs: number };
  /** oneOrderAtATime.ordersMs / seed.ordersMs */
  ordersRatio: number;
  /** Whole process, fresh embedded folder, until "OMS listening": with the demo, without, and with the demo but no template (same run). */
  firstStart?: { withDemoMs: number; withoutDemoMs: number; seedMsInLog: number; initdbWithDemoMs: number };
  goals: typeof SEED_GOALS;
  pass: { seconds: boolean };
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOW = new Date();

async function freshDatabase() {
  const d = await openDatabase({});
  await migrateDatabase(d);
  return d;
}

/** The set-based seed of `orders` orders. */
async function setBased(orders: number) {
  const d = await freshDatabase();
  try {
    const r = await seedDemo(d.db, { orders, now: NOW });
    if (r.skipped || r.orders.rejected.length) throw new Error(`seed: ${JSON.stringify(r).slice(0, 300)}`);
    return { totalMs: r.ms.total, ordersMs: r.ms.orders };
  } finally { await d.close(); }
}

/** The same catalog and stock (the seed with no order), then the same orders through the import, one order per transaction. */
async function oneAtATime(orders: number) {
  const d = await freshDatabase();
  try {
    await seedDemo(d.db, { orders: 0, now: NOW });
    const data = generateDemoData({ orders, now: NOW });
    const approve = data.orders.length - data.created;
    const started = performance.now();
    const a = await importOrders(d.db, { text: JSON.stringify(data.orders.slice(0, approve)), format: 'json' }, { actor: 'demo', approve: true });
    const c = await importOrders(d.db, { text: JSON.stringify(data.orders.slice(approve)), format: 'json' }, { actor: 'demo' });
    if (a.created + c.created !== orders) throw new Error(`import created ${a.created + c.created} of ${orders}`);
    return { ordersMs: Math.round(performance.now() - started) };
  } finally { await d.close(); }
}

/** Runs `fn` with the build's PGlite template renamed away (a first start then runs initdb and the migrations), then puts it back. */
async function withoutTemplate<T>(fn: () => Promise<T>): Promise<T> {
  const path = templatePath();
  const aside = `${path}.bench-aside`;
  renameSync(path, aside);
  try { return await fn(); } finally { renameSync(aside, path); }
}

/** `node bin/oms.js serve [--demo]` on a fresh folder: ms until "OMS listening", and the seed's own ms from its log line. */
function firstStart(demo: boolean): Promise<{ ms: number; seedMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'oms-first-start-'));
  const started = performance.now();
  const p = spawn(process.execPath, ['bin/oms.js', 'serve', ...(demo ? ['--demo'] : [])], {
    cwd: ROOT, env: { ...process.env, OMS_DATA_DIR: dir, DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    p.stdout.on('data', (c) => {
      out += c;
      if (!/"OMS listening"/.test(out)) return;
      const ms = Math.round(performance.now() - started);
      const seedMs = Number(/"demo":\{[^\n]*?"ms":\{"total":(\d+)/.exec(out)?.[1] ?? 0);
      p.once('exit', () => { rmSync(dir, { recursive: true, force: true }); resolve({ ms, seedMs }); });
      p.kill('SIGTERM');
    });
    p.once('exit', (code) => { if (!/"OMS listening"/.test(out)) reject(new Error(`serve exited ${code}: ${out.slice(-2000)}`)); });
  });
}

export async function runSeedBench(opts: { quick?: boolean } = {}): Promise<SeedBenchResult> {
  const orders = opts.quick ? 200 : 1000;
  const seed = await setBased(orders);
  const old = await oneAtATime(orders);
  const ordersRatio = Math.round((old.ordersMs / Math.max(1, seed.ordersMs)) * 10) / 10;
  console.log(`demo seed of ${orders} orders: ${seed.totalMs} ms (order writes ${seed.ordersMs} ms); `
    + `one order at a time: ${old.ordersMs} ms (${ordersRatio}x the set-based order writes)`);
  let first: SeedBenchResult['firstStart'];
  if (!opts.quick) {
    await build({ ifStale: true });
    const without = await firstStart(false);
    const withDemo = await firstStart(true);
    // The baseline: the same first start with the build's template out of the way (initdb and every migration).
    const initdb = await withoutTemplate(() => firstStart(true));
    first = { withDemoMs: withDemo.ms, withoutDemoMs: without.ms, seedMsInLog: withDemo.seedMs, initdbWithDemoMs: initdb.ms };
    console.log(`first start to "OMS listening": ${withDemo.ms} ms with the demo (seed ${withDemo.seedMs} ms), ${without.ms} ms without; `
      + `${initdb.ms} ms with the demo and no template (initdb and the migrations), ${(initdb.ms / withDemo.ms).toFixed(2)}x`);
  }
  return {
    orders, seed, oneOrderAtATime: old, ordersRatio, firstStart: first, goals: SEED_GOALS,
    pass: { seconds: (first?.seedMsInLog || seed.totalMs) <= SEED_GOALS.seconds * 1000 },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await runSeedBench({ quick: process.argv.includes('--quick') }), null, 2));
}
