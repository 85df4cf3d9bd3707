/**
 * Seeded instance generator for the routing benchmarks: facilities at real US ZIP codes (from
 * the `zipcodes` data; 1 in 10 a warehouse), SKUs whose stock is spread unevenly (every SKU
 * has a home warehouse with 5-205 units; popular SKUs are also held at up to 60% of the
 * facilities, the long tail at one or two; warehouses deep (0-200), stores shallow (0-12)),
 * orders of 1-5 lines drawn with Zipf-like popularity (s = 0.9), ship-tos at real US ZIPs.
 *
 * Standalone: `npx tsx bench/routing/generate.ts [--quick] > instance.json`, or
 * `npx tsx bench/routing/generate.ts --route-scenario=scenario.json` for the `oms route` scenario.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { allUsZips, lookupUsZip } from '../../src/geo/zip';
import type { Facility, Order, Product, RouteInput, RoutingSettings, StockRow } from '../../src/domain/routing/index';

export interface GenerateOptions {
  facilities: number;
  skus: number;
  orders: number;
  /** Lines per order are uniform in 1..maxLines. */
  maxLines?: number;
  seed?: number;
  settings?: Partial<RoutingSettings>;
  /** Share of SKUs flagged hazmat (default 0.02). */
  hazmatShare?: number;
}

/** The seeded PRNG of the instance generators. */
import { mulberry32 } from '../../src/domain/prng';

/** The seeded PRNG of the instance generators. */
export const prng = mulberry32;

/** Cumulative weights for sampling index i with weight 1/(i+1)^s. */
function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += 1 / Math.pow(i + 1, s);
    cdf[i] = acc;
  }
  for (let i = 0; i < n; i++) cdf[i] /= acc;
  return cdf;
}

function sample(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

let zipCache: { zip: string; latitude: number; longitude: number }[] | null = null;
function usZips(): { zip: string; latitude: number; longitude: number }[] {
  if (zipCache === null) {
    zipCache = allUsZips()
      .sort()
      .map((zip) => ({ zip, ...(lookupUsZip(zip) as { latitude: number; longitude: number }) }))
      // contiguous US only (keeps distances realistic for a US retailer)
      .filter((z) => z.latitude > 24 && z.latitude < 50 && z.longitude > -125 && z.longitude < -66);
  }
  return zipCache;
}

/** Generates one instance (deterministic for a given seed and sizes). */
export function generateInstance(opts: GenerateOptions): RouteInput {
  const rnd = prng(opts.seed ?? 42);
  const zips = usZips();
  const pickZip = () => zips[Math.floor(rnd() * zips.length)];
  const F = opts.facilities;
  const facilities: Facility[] = [];
  const facWeight: number[] = [];
  for (let i = 0; i < F; i++) {
    const z = pickZip();
    const warehouse = i % 10 === 0;
    facilities.push({
      id: `${warehouse ? 'WH' : 'ST'}${String(i).padStart(5, '0')}`,
      type: warehouse ? 'WAREHOUSE' : 'STORE',
      fulfillmentSystem: warehouse ? 'NETSUITE' : 'OMS',
      ranking: 1 + Math.floor(rnd() * 20),
      country: 'US',
      postalCode: z.zip,
      latitude: z.latitude,
      longitude: z.longitude,
      active: rnd() > 0.01,
    });
    facWeight.push(warehouse ? 10 : 1);
  }
  facilities.push({ id: 'REJECTED_ORDERS', type: 'VIRTUAL', ranking: 99, country: 'US' });
  const facCdf = new Float64Array(F);
  let acc = 0;
  for (let i = 0; i < F; i++) facCdf[i] = acc += facWeight[i];
  for (let i = 0; i < F; i++) facCdf[i] /= acc;

  const hazShare = opts.hazmatShare ?? 0.02;
  const products: Product[] = [];
  const inventory: StockRow[] = [];
  const held = new Set<number>();
  for (let r = 0; r < opts.skus; r++) {
    const id = `SKU${String(r).padStart(6, '0')}`;
    const wh = facilities[Math.floor(rnd() * (F / 10)) * 10]?.id ?? facilities[0].id;
    products.push({ id, hazmat: rnd() < hazShare, sample: false, warehouseId: wh });
    // popular SKUs are stocked at many facilities, the long tail at one or two
    const holders = Math.max(1, Math.min(F, Math.round((0.6 * F) / Math.pow(1 + r / 20, 0.8))));
    held.clear();
    // every SKU has one home warehouse with real stock; then more holders, fewer for the tail
    held.add(Math.floor(rnd() * Math.ceil(F / 10)) * 10);
    for (let t = 0; held.size < holders && t < holders * 4; t++) held.add(sample(facCdf, rnd()));
    let first = true;
    for (const f of held) {
      const deep = facilities[f].type === 'WAREHOUSE';
      const available = first ? 5 + Math.floor(rnd() * rnd() * 200) : Math.floor(rnd() * rnd() * (deep ? 200 : 12));
      first = false;
      inventory.push({ productId: id, facilityId: facilities[f].id, available });
    }
  }
  const skuCdf = zipfCdf(opts.skus, 0.9);
  const maxLines = opts.maxLines ?? 5;
  const orders: Order[] = [];
  for (let i = 0; i < opts.orders; i++) {
    const z = pickZip();
    const n = 1 + Math.floor(rnd() * maxLines);
    const items = [];
    for (let j = 0; j < n; j++) {
      const u = rnd();
      items.push({
        seq: String(j + 1).padStart(5, '0'),
        productId: products[sample(skuCdf, rnd())].id,
        quantity: u < 0.7 ? 1 : u < 0.9 ? 2 : 1 + Math.floor(rnd() * 5),
      });
    }
    orders.push({
      id: `SO${String(i).padStart(7, '0')}`,
      priority: 0,
      shipTo: { country: 'US', postalCode: z.zip, latitude: z.latitude, longitude: z.longitude },
      items,
    });
  }
  return { settings: opts.settings ?? {}, facilities, products, inventory, orders };
}

/** Number of order lines in an instance. */
export function lineCount(input: RouteInput): number {
  let n = 0;
  for (const o of input.orders) n += o.items.length;
  return n;
}

/**
 * The `oms route` scenario of the routing benchmark: 10,000 orders at 1,000 facilities, split
 * fulfilment and closest location on (~38 MB of JSON, most of it products and stock rows).
 */
export const ROUTE_SCENARIO: GenerateOptions = {
  facilities: 1000,
  skus: 170000,
  orders: 10000,
  seed: 11,
  settings: { allowSplitFulfillment: true, shipFromClosestLocation: true },
};

/**
 * Writes the `oms route` benchmark scenario to `path` as JSON, in pieces (the whole text is
 * never one string). Returns its size in bytes.
 */
export function writeRouteScenario(path: string, opts: GenerateOptions = ROUTE_SCENARIO): number {
  const inst = generateInstance(opts);
  const fd = openSync(path, 'w');
  let bytes = 0;
  const put = (s: string) => (bytes += writeSync(fd, s));
  try {
    put(`{"settings":${JSON.stringify(inst.settings)}`);
    for (const key of ['facilities', 'products', 'inventory', 'orders'] as const) {
      const list: readonly unknown[] = inst[key];
      put(`,"${key}":[`);
      for (let i = 0; i < list.length; i += 1000) {
        const part = JSON.stringify(list.slice(i, i + 1000));
        put((i > 0 ? ',' : '') + part.slice(1, -1));
      }
      put(']');
    }
    put('}');
  } finally {
    closeSync(fd);
  }
  return bytes;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const out = process.argv.find((a) => a.startsWith('--route-scenario='));
  if (out !== undefined) {
    const bytes = writeRouteScenario(out.slice('--route-scenario='.length));
    process.stderr.write(`wrote ${(bytes / 1e6).toFixed(1)} MB\n`);
  } else {
    const quick = process.argv.includes('--quick');
    const inst = generateInstance(
      quick ? { facilities: 30, skus: 200, orders: 50, seed: 1 } : { facilities: 1000, skus: 50000, orders: 100000, seed: 1 },
    );
    process.stdout.write(JSON.stringify(inst));
  }
}
