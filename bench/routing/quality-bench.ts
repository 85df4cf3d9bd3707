/**
 * Quality benchmark: the engine (closest location, split fulfillment, orders routed one after
 * another) against the exact optimum of a MIP solved with HiGHS on small instances.
 *
 * MIP (per batch of orders, batches solved in run order, each consuming stock for the next):
 *   x[o,l,f] >= 0 integer  units of line l of order o shipped from facility f (f holds the product)
 *   y[o,f]   binary        order o has a shipment from f
 *   u[o,l]   >= 0          units of line l left unfilled
 *   sum_f x[o,l,f] + u[o,l] = q[o,l];  sum over lines of product p of x[.,.,f] <= available[p,f]
 *   x[o,l,f] <= q[o,l] * y[o,f]
 * Objective, lexicographic in two solves: (1) minimise unfilled units, then shipments
 * (weight of a unit = number of y columns + 1, so shipments never outweigh a unit);
 * (2) with both fixed at their optimum, minimise total distance sum d[o,f] * y[o,f]
 * (great-circle km from the ship-to, as the engine reports it). Every solve sets time_limit
 * and mip_rel_gap; a solve stopped by its time limit is reported as such.
 *
 * Note the engine optimises one order at a time (as the contract requires); the MIP sees the
 * whole batch at once, so with scarce stock it may also win by giving stock to other orders.
 *
 * Standalone: `npx tsx bench/routing/quality-bench.ts [--quick]`
 */
import highsLoader from 'highs';
import { distanceKm, routeOrders, type RouteInput } from '../../src/domain/routing/index';
import { generateInstance } from './generate';

export interface QualityBenchOptions {
  quick?: boolean;
  orders?: number;
  facilities?: number;
  skus?: number;
  seeds?: number[];
  /** Orders per MIP (default: all orders in one MIP). */
  batch?: number;
  /** Seconds per solve. */
  timeLimit?: number;
  log?: (line: string) => void;
}

export interface QualityRow {
  seed: number;
  orders: number;
  engine: { unfilled: number; shipments: number; distanceKm: number; seconds: number };
  optimum: { unfilled: number; shipments: number; distanceKm: number; seconds: number; status: string };
  shipmentsPerOrder: { engine: number; optimum: number; ratio: number };
  distanceRatio: number;
}

interface Line {
  o: number;
  l: number;
  p: string;
  q: number;
}

function lp(obj: string[], rows: string[], bounds: string[], generals: string[], binaries: string[]): string {
  const wrap = (terms: string[]) => {
    const out: string[] = [];
    for (let i = 0; i < terms.length; i += 8) out.push(`  ${terms.slice(i, i + 8).join(' ')}`);
    return out.join('\n');
  };
  return [
    'Minimize',
    ` obj: ${obj.length ? '' : '0 dummy'}`,
    wrap(obj),
    'Subject To',
    ...rows,
    'Bounds',
    ...bounds,
    'General',
    wrap(generals),
    'Binary',
    wrap(binaries),
    'End',
  ].join('\n');
}

/** Solves one batch; returns allocations and updates `stock`. */
async function solveBatch(
  highs: Awaited<ReturnType<typeof highsLoader>>,
  input: RouteInput,
  orderIdx: number[],
  stock: Map<string, number>,
  timeLimit: number,
): Promise<{ unfilled: number; shipments: number; distanceKm: number; status: string }> {
  const lines: Line[] = [];
  for (const o of orderIdx) input.orders[o].items.forEach((it, l) => lines.push({ o, l, p: it.productId, q: it.quantity }));
  const facs = input.facilities.filter((f) => f.active !== false && f.type !== 'VIRTUAL');
  const dist = new Map<string, number>();
  const x: { name: string; line: Line; f: string }[] = [];
  const ys = new Map<string, { o: number; f: string }>();
  for (const line of lines) {
    for (const f of facs) {
      if ((stock.get(`${line.p}|${f.id}`) ?? 0) <= 0) continue;
      x.push({ name: `x_${line.o}_${line.l}_${f.id}`, line, f: f.id });
      const y = `y_${line.o}_${f.id}`;
      if (!ys.has(y)) {
        ys.set(y, { o: line.o, f: f.id });
        const st = input.orders[line.o].shipTo;
        dist.set(y, distanceKm(st.latitude as number, st.longitude as number, f.latitude as number, f.longitude as number));
      }
    }
  }
  const unitWeight = ys.size + 1;
  const rows: string[] = [];
  let r = 0;
  for (const line of lines) {
    const terms = x.filter((v) => v.line === line).map((v) => `+ ${v.name}`);
    rows.push(` r${r++}: ${terms.join(' ')} + u_${line.o}_${line.l} = ${line.q}`);
  }
  const byStock = new Map<string, string[]>();
  for (const v of x) {
    const k = `${v.line.p}|${v.f}`;
    if (!byStock.has(k)) byStock.set(k, []);
    (byStock.get(k) as string[]).push(v.name);
  }
  for (const [k, names] of byStock) rows.push(` r${r++}: ${names.map((n) => `+ ${n}`).join(' ')} <= ${stock.get(k)}`);
  for (const v of x) rows.push(` r${r++}: ${v.name} - ${v.line.q} y_${v.line.o}_${v.f} <= 0`);
  const bounds = lines.map((l) => ` 0 <= u_${l.o}_${l.l} <= ${l.q}`).concat(x.map((v) => ` 0 <= ${v.name} <= ${v.line.q}`));
  const us = lines.map((l) => `u_${l.o}_${l.l}`);
  const generals = x.map((v) => v.name);
  const binaries = [...ys.keys()];
  const options = { time_limit: timeLimit, mip_rel_gap: 1e-9, output_flag: false };
  const phase1 = highs.solve(
    lp([...us.map((u) => `+ ${unitWeight} ${u}`), ...binaries.map((y) => `+ ${y}`)], rows, bounds, generals, binaries),
    options,
  );
  if (phase1.Status !== 'Optimal' && phase1.Status !== 'Time limit reached') throw new Error(`MIP phase 1: ${phase1.Status}`);
  const val = (s: typeof phase1, n: string) => Math.round((s.Columns[n] as { Primal?: number } | undefined)?.Primal ?? 0);
  const unfilled = us.reduce((a, u) => a + val(phase1, u), 0);
  const shipments = binaries.reduce((a, y) => a + val(phase1, y), 0);
  const fixRows = [
    ...rows,
    ` fixu: ${us.map((u) => `+ ${u}`).join(' ')} <= ${unfilled}`,
    ` fixy: ${binaries.map((y) => `+ ${y}`).join(' ')} <= ${shipments}`,
  ];
  const phase2 = highs.solve(lp(binaries.map((y) => `+ ${dist.get(y)} ${y}`), fixRows, bounds, generals, binaries), options);
  const best = phase2.Status === 'Optimal' || phase2.Status === 'Time limit reached' ? phase2 : phase1;
  let distance = 0;
  for (const y of binaries) if (val(best, y) === 1) distance += dist.get(y) as number;
  for (const v of x) {
    const k = `${v.line.p}|${v.f}`;
    stock.set(k, (stock.get(k) as number) - val(best, v.name));
  }
  const status = phase1.Status === 'Optimal' && phase2.Status === 'Optimal' ? 'Optimal' : `${phase1.Status} / ${phase2.Status}`;
  return { unfilled, shipments, distanceKm: distance, status };
}

/** Runs the comparison, prints a table through `log` and returns the rows. */
export async function runQualityBench(opts: QualityBenchOptions = {}): Promise<QualityRow[]> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const N = opts.orders ?? (opts.quick ? 40 : 200);
  const F = opts.facilities ?? (opts.quick ? 12 : 30);
  const S = opts.skus ?? (opts.quick ? 30 : 80);
  const seeds = opts.seeds ?? (opts.quick ? [1] : [1, 2, 3]);
  const batch = opts.batch ?? N;
  const timeLimit = opts.timeLimit ?? (opts.quick ? 10 : 40);
  const highs = await highsLoader();
  const rows: QualityRow[] = [];
  log(`quality: ${N} orders x ${F} facilities, ${S} SKUs, split on, closest location; MIP batches of ${batch} orders, ${timeLimit} s per solve`);
  for (const seed of seeds) {
    const input = generateInstance({ facilities: F, skus: S, orders: N, seed, maxLines: 4 });
    input.facilities = input.facilities.filter((f) => f.type !== 'VIRTUAL');
    const settings = { shipFromClosestLocation: true, allowSplitFulfillment: true, setOrderStatusToException: false };
    const t0 = performance.now();
    const out = routeOrders({ ...input, settings });
    const engineSeconds = (performance.now() - t0) / 1000;
    let eShip = 0;
    let eDist = 0;
    let eUnfilled = 0;
    for (const o of out.orders) {
      eShip += o.shipments.length;
      for (const s of o.shipments) eDist += s.distanceKm ?? 0;
      for (const q of o.queued) eUnfilled += q.quantity;
    }
    const stock = new Map(input.inventory.map((r) => [`${r.productId}|${r.facilityId}`, r.available]));
    const t1 = performance.now();
    const opt = { unfilled: 0, shipments: 0, distanceKm: 0, status: 'Optimal' };
    for (let i = 0; i < N; i += batch) {
      const idx = Array.from({ length: Math.min(batch, N - i) }, (_, k) => i + k);
      const b = await solveBatch(highs, input, idx, stock, timeLimit);
      opt.unfilled += b.unfilled;
      opt.shipments += b.shipments;
      opt.distanceKm += b.distanceKm;
      if (b.status !== 'Optimal') opt.status = b.status;
    }
    const optSeconds = (performance.now() - t1) / 1000;
    const row: QualityRow = {
      seed,
      orders: N,
      engine: { unfilled: eUnfilled, shipments: eShip, distanceKm: eDist, seconds: engineSeconds },
      optimum: { ...opt, seconds: optSeconds },
      shipmentsPerOrder: { engine: eShip / N, optimum: opt.shipments / N, ratio: eShip / opt.shipments },
      distanceRatio: eDist / opt.distanceKm,
    };
    rows.push(row);
    log(
      `seed ${seed}: shipments/order engine ${row.shipmentsPerOrder.engine.toFixed(3)} vs optimum ${row.shipmentsPerOrder.optimum.toFixed(3)} (ratio ${row.shipmentsPerOrder.ratio.toFixed(3)}); ` +
        `distance engine ${eDist.toFixed(0)} km vs optimum ${opt.distanceKm.toFixed(0)} km (ratio ${row.distanceRatio.toFixed(3)}); ` +
        `unfilled units ${eUnfilled} vs ${opt.unfilled}; MIP ${opt.status} in ${optSeconds.toFixed(1)} s, engine ${(engineSeconds * 1000).toFixed(1)} ms`,
    );
  }
  return rows;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) await runQualityBench({ quick: process.argv.includes('--quick') });
