/**
 * The whole demo data set as plain values, computed from a seed without touching a database:
 * the same seed (and `now`) always gives the same facilities, catalog, stock, customers and orders.
 */
import type { FacilityInput } from '../catalog';
import { demoCustomers, demoOrders, type DemoCustomer } from './order-gen';
import { demoFacilities, facilityPoint, STORE_IDS, WAREHOUSE_IDS } from './places';
import { demoProducts, type DemoProduct } from './products';
import { Rng } from './random';

export interface DemoDataOptions {
  /** Orders to generate; default 1,000. */
  orders?: number;
  /** PRNG seed; default 1. */
  seed?: number;
  /** Orders are spread over the last `days` days before `now`; default 3. */
  days?: number;
  /** End of the order period; default the current time (order dates then move with it). */
  now?: Date;
  /** Catalog size; default 300. */
  products?: number;
}

export interface DemoData {
  facilities: FacilityInput[];
  products: DemoProduct[];
  /** [productId, facilityId, onHand]: rows with 0 are products a facility carries but has run out of. */
  inventory: [string, string, number][];
  customers: DemoCustomer[];
  /** Order bodies, oldest first; the newest `created` ones are left CREATED, the others approved. */
  orders: Record<string, unknown>[];
  /** How many of the newest orders stay CREATED (not yet approved). */
  created: number;
}

export const DEFAULT_DEMO_ORDERS = 1000;
export const DEFAULT_DEMO_SEED = 1;
export const DEFAULT_DEMO_DAYS = 3;

export function generateDemoData(opts: DemoDataOptions = {}): DemoData {
  const orders = Math.max(0, Math.trunc(opts.orders ?? DEFAULT_DEMO_ORDERS));
  const rng = new Rng(opts.seed ?? DEFAULT_DEMO_SEED);
  const facilities = demoFacilities();
  const products = demoProducts(rng, WAREHOUSE_IDS, opts.products ?? 300);
  const inventory = demoInventory(rng, products, facilities);
  const customers = demoCustomers(rng, Math.max(1, Math.round(orders * 0.6)));
  const activeStores = facilities.filter((f) => f.type === 'STORE' && f.active !== false).map(facilityPoint);
  const list = demoOrders(rng, products, customers, { orders, days: opts.days ?? DEFAULT_DEMO_DAYS, now: opts.now ?? new Date(), stores: activeStores });
  // The newest ~8% arrived after the last approval batch.
  const created = orders >= 5 ? Math.max(1, Math.round(orders * 0.08)) : 0;
  return { facilities, products, inventory, customers, orders: list, created };
}

/**
 * Stock spread unevenly: warehouses deep (the west one smaller), stores shallow with many zeros
 * and products they do not carry; hazmat mostly in the central warehouse and never in stores;
 * samples only in warehouses; warehouse-assigned (bulky) goods in their warehouse.
 */
function demoInventory(rng: Rng, products: readonly DemoProduct[], facilities: readonly FacilityInput[]): [string, string, number][] {
  const out: [string, string, number][] = [];
  const depth: Record<string, number> = { [WAREHOUSE_IDS[0]]: 1, [WAREHOUSE_IDS[1]]: 0.8, [WAREHOUSE_IDS[2]]: 0.5 };
  const stores = facilities.filter((f) => STORE_IDS.includes(f.id)).map((f) => f.id);
  const deep = (scale: number) => Math.round(rng.int(20, 400) * scale * (rng.chance(0.2) ? 0.2 : 1));
  for (const p of products) {
    for (const wh of WAREHOUSE_IDS) {
      const scale = depth[wh] ?? 1;
      if (p.sample) out.push([p.id, wh, rng.int(300, 2000)]);
      else if (p.hazmat) {
        if (wh === WAREHOUSE_IDS[1]) out.push([p.id, wh, deep(1)]);
        else if (rng.chance(0.3)) out.push([p.id, wh, rng.int(5, 60)]);
      } else if (p.warehouseId) {
        if (p.warehouseId === wh) out.push([p.id, wh, rng.chance(0.1) ? 0 : deep(1)]);
      } else out.push([p.id, wh, rng.chance(0.08) ? 0 : deep(scale)]);
    }
    if (p.hazmat || p.sample) continue;
    for (const st of stores) {
      const carried = p.warehouseId ? rng.chance(0.15) : rng.chance(0.65);
      if (!carried) continue;
      out.push([p.id, st, rng.chance(0.45) ? 0 : rng.weighted([[rng.int(1, 3), 6], [rng.int(4, 8), 3], [rng.int(9, 15), 1]] as const)]);
    }
  }
  return out;
}
