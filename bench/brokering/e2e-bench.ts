/**
 * End-to-end brokering on PostgreSQL: load the queue, route, persist, commit — in items per
 * second. One seeded database is copied (CREATE DATABASE … TEMPLATE) for each variant so all start
 * from the same state: the real run (default batch size) and a baseline of
 * small transactions (10 orders each), measured in the same run.
 *
 *   npx tsx bench/brokering/e2e-bench.ts [--quick]
 */
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { runBrokering } from '../../src/app/brokering';
import { DEFAULT_BATCH_SIZE } from '../../src/app/brokering/run';
import { allUsZips, lookupUsZip } from '../../src/geo/zip';
import { ledgerInconsistencies } from '../../src/db/inventory.repo';
import { mulberry32 } from '../../src/domain/prng';

const ADMIN = process.env.OMS_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const rng = mulberry32;

async function admin(text: string) {
  const c = new pg.Client({ connectionString: ADMIN });
  await c.connect();
  try { await c.query(text); } finally { await c.end(); }
}
const urlOf = (name: string) => { const u = new URL(ADMIN); u.pathname = `/${name}`; return u.toString(); };

async function seed(d: Database, o: { facilities: number; products: number; orders: number }) {
  const r = rng(42);
  const zips = allUsZips();
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const fac = Array.from({ length: o.facilities }, (_, i) => {
    const zip = pick(zips); const p = lookupUsZip(zip)!;
    return { id: `F${String(i).padStart(4, '0')}`, type: i % 15 === 0 ? 'WAREHOUSE' : 'STORE', fs: i % 15 === 0 ? 'NETSUITE' : 'OMS', zip, lat: p.latitude, lon: p.longitude, rank: 1 + Math.floor(r() * 50) };
  });
  const P = sql.param;
  await d.db.execute(sql`insert into facilities (id, name, type, fulfillment_system, postal_code, country, market, latitude, longitude, ranking)
    select id, id, t, fs, z, 'US', 'US', la, lo, rk from unnest(${P(fac.map((f) => f.id))}::text[], ${P(fac.map((f) => f.type))}::text[], ${P(fac.map((f) => f.fs))}::text[], ${P(fac.map((f) => f.zip))}::text[], ${P(fac.map((f) => f.lat))}::float8[], ${P(fac.map((f) => f.lon))}::float8[], ${P(fac.map((f) => f.rank))}::int[]) as v(id, t, fs, z, la, lo, rk)`);
  await d.query(`insert into products (id, sku, name, hazmat) select 'P' || g, 'P' || g, 'Product ' || g, g % 50 = 0 from generate_series(1, ${o.products}) g`);
  // Each product at ~12 facilities, uneven quantities (many small, some deep).
  await d.query(`select setseed(0.42)`);
  await d.query(`
    insert into inventory_levels (product_id, facility_id, on_hand)
    select distinct on (p, f) p, f, q from (
      select 'P' || g as p, 'F' || lpad(floor(random() * ${o.facilities})::int::text, 4, '0') as f,
             case when random() < 0.25 then floor(random() * 80)::int else floor(random() * 8)::int end as q
      from generate_series(1, ${o.products}) g, generate_series(1, 12) k) x
    on conflict do nothing`);
  await d.query(`insert into inventory_ledger (product_id, facility_id, kind, on_hand_delta, reason) select product_id, facility_id, 'SET_ON_HAND', on_hand, 'bench' from inventory_levels where on_hand > 0`);
  // Orders: 1–5 lines, Zipf-ish product popularity, real ship-to ZIPs; approved (in the queue).
  let items = 0;
  for (let start = 0; start < o.orders; start += 5000) {
    const n = Math.min(5000, o.orders - start);
    const ids: string[] = [], pri: number[] = [], dates: string[] = [], ship: string[] = [];
    const iOrder: string[] = [], iSeq: string[] = [], iProd: string[] = [], iQty: number[] = [];
    for (let k = 0; k < n; k++) {
      const id = `O${String(start + k).padStart(7, '0')}`;
      const zip = pick(zips); const p = lookupUsZip(zip)!;
      ids.push(id); pri.push(r() < 0.1 ? 1 : 0); dates.push(new Date(Date.UTC(2026, 10, 1) + (start + k) * 1000).toISOString());
      ship.push(JSON.stringify({ address1: 'x', country: 'US', postalCode: zip, latitude: p.latitude, longitude: p.longitude }));
      const lines = 1 + Math.floor(r() * 5);
      for (let l = 1; l <= lines; l++) {
        iOrder.push(id); iSeq.push(String(l).padStart(5, '0'));
        iProd.push(`P${1 + Math.floor(Math.pow(r(), 2) * o.products)}`); iQty.push(r() < 0.8 ? 1 : 2);
      }
    }
    items += iOrder.length;
    await d.db.execute(sql`insert into orders (id, external_id, priority, order_date, status, ship_to)
      select id, id, pr, dt, 'APPROVED', st from unnest(${P(ids)}::text[], ${P(pri)}::int[], ${P(dates)}::timestamptz[], ${P(ship)}::jsonb[]) as v(id, pr, dt, st)`);
    await d.db.execute(sql`insert into order_items (order_id, seq_id, product_id, quantity, status, facility_id)
      select o, s, p, q, 'APPROVED', '_NA_' from unnest(${P(iOrder)}::text[], ${P(iSeq)}::text[], ${P(iProd)}::text[], ${P(iQty)}::int[]) as v(o, s, p, q)`);
  }
  await d.query(`update routing_profiles set settings = '{"allowSplitFulfillment": true, "shipFromClosestLocation": true}' where id = 'default'`);
  await d.query('analyze');
  return items;
}

export async function runBrokeringBench(opts: { quick?: boolean; batchSize?: number; baselineBatchSize?: number } = {}) {
  const size = opts.quick ? { facilities: 100, products: 2000, orders: 2000 } : { facilities: 300, products: 10000, orders: 20000 };
  const base = `oms_bench_${Date.now()}`;
  const names = [base, `${base}_a`, `${base}_b`];
  await admin(`create database ${base}`);
  try {
    const d = await openDatabase({ databaseUrl: urlOf(base) });
    await migrateDatabase(d);
    const items = await seed(d, size);
    await d.close();
    await admin(`create database ${names[1]} template ${base}`);
    await admin(`create database ${names[2]} template ${base}`);
    const bs = opts.batchSize ?? Number(process.env.OMS_BENCH_BATCH ?? DEFAULT_BATCH_SIZE), base0 = opts.baselineBatchSize ?? 10;
    const variants = [{ name: `batched (${bs} orders/transaction)`, db: names[1], batchSize: bs }, { name: `baseline (${base0} orders/transaction)`, db: names[2], batchSize: base0 }];
    const results = [];
    for (const v of variants) {
      const db = await openDatabase({ databaseUrl: urlOf(v.db) });
      const t0 = performance.now();
      const run = await runBrokering(db, { trigger: 'bench', batchSize: v.batchSize });
      const secs = (performance.now() - t0) / 1000;
      const bad = await ledgerInconsistencies(db.db);
      await db.close();
      if (run.status !== 'COMPLETED') throw new Error(`run failed: ${run.error}`);
      if (bad.length) throw new Error(`ledger inconsistent after ${v.name}`);
      results.push({ variant: v.name, orders: run.orders, items: run.items, allocated: run.allocated, exception: run.exception, queued: run.queued, seconds: Math.round(secs * 100) / 100, itemsPerSecond: Math.round(run.items / secs) });
    }
    const report = { ...size, queueItems: items, results, speedupOverBaseline: Math.round((results[0].itemsPerSecond / results[1].itemsPerSecond) * 100) / 100, goal: '>= 5,000 items/s', met: results[0].itemsPerSecond >= 5000 };
    console.log(JSON.stringify({ brokeringE2E: report }, null, 2));
    return report;
  } finally {
    for (const n of names.reverse()) await admin(`drop database if exists ${n} with (force)`).catch(() => {});
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runBrokeringBench({ quick: process.argv.includes('--quick') });
}
