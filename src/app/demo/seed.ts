/**
 * Writes the demo data set into a database: facilities and products through the catalog use
 * cases (same validation as the API), stock in bulk with its ledger rows, and orders through the
 * order import (`createOrder`, then `approveOrder` for all but the newest few).
 */
import type { Db } from '../../db/client';
import { firstExistingFacility, insertSeedLedgerRows, insertSeedLevels, type SeedStock } from '../../db/demo-seed.repo';
import { upsertFacility, upsertProduct } from '../catalog';
import { importOrders, type ImportRowError } from '../import-orders';
import { DEFAULT_DEMO_SEED, generateDemoData, type DemoDataOptions } from './generate';
import { DEMO_FACILITY_IDS } from './places';
import { seedDemoUsers, type DemoUser } from './users';

export interface SeedDemoOptions extends DemoDataOptions {
  /** Orders stored so far and in all, while the orders are written. */
  onProgress?: (done: number, total: number) => void;
}

export type DemoSummary =
  | { skipped: true; reason: string }
  | {
    skipped: false;
    seed: number;
    facilities: { stores: number; warehouses: number };
    products: { total: number; hazmat: number; samples: number; assignedToWarehouse: number };
    inventoryRows: number;
    customers: number;
    orders: { created: number; approved: number; existing: number; rejected: ImportRowError[] };
    /** The demo users created, with their passwords (demo only). */
    users: DemoUser[];
    /** Wall time of the seed, and of writing the orders alone. */
    ms: { total: number; orders: number };
  };

const ACTOR = 'demo';
const INSERT_CHUNK = 500;

/**
 * Seeds the demo once: when one of its facilities already exists the call does nothing and
 * returns `{ skipped: true }` (so an interrupted seed is not resumed; start from an empty database).
 */
export async function seedDemo(db: Db, opts: SeedDemoOptions = {}): Promise<DemoSummary> {
  const started = performance.now();
  const present = await firstExistingFacility(db, DEMO_FACILITY_IDS);
  if (present) return { skipped: true, reason: `demo data already present (facility ${present})` };

  const data = generateDemoData(opts);
  for (const f of data.facilities) must(await db.transaction((tx) => upsertFacility(tx, f)), `facility ${f.id}`);
  for (const p of data.products) {
    const product = { id: p.id, sku: p.id, name: p.name, hazmat: p.hazmat, sample: p.sample, warehouseId: p.warehouseId, netsuiteItemId: p.netsuiteItemId };
    must(await db.transaction((tx) => upsertProduct(tx, product)), `product ${p.id}`);
  }
  await writeStock(db, data.inventory);
  const users = await db.transaction((tx) => seedDemoUsers(tx));

  const ordersStarted = performance.now();
  const approveCount = data.orders.length - data.created;
  const total = data.orders.length;
  const progress = (offset: number) => opts.onProgress && ((done: number) => opts.onProgress!(offset + done, total));
  const approved = await importOrders(db, { text: JSON.stringify(data.orders.slice(0, approveCount)), format: 'json' },
    { actor: ACTOR, approve: true, onProgress: progress(0) });
  const created = await importOrders(db, { text: JSON.stringify(data.orders.slice(approveCount)), format: 'json' },
    { actor: ACTOR, onProgress: progress(approveCount) });
  const end = performance.now();

  const stores = data.facilities.filter((f) => f.type === 'STORE').length;
  return {
    skipped: false,
    seed: opts.seed ?? DEFAULT_DEMO_SEED,
    facilities: { stores, warehouses: data.facilities.length - stores },
    products: {
      total: data.products.length, hazmat: data.products.filter((p) => p.hazmat).length,
      samples: data.products.filter((p) => p.sample).length, assignedToWarehouse: data.products.filter((p) => p.warehouseId).length,
    },
    inventoryRows: data.inventory.length,
    customers: new Set(data.orders.map((o) => (o.customer as { externalId: string }).externalId)).size,
    orders: {
      approved: approved.created, created: created.created, existing: approved.existing + created.existing,
      rejected: [...approved.rejected, ...created.rejected.map((e) => ({ ...e, row: e.row && e.row + approveCount }))],
    },
    users,
    ms: { total: Math.round(end - started), orders: Math.round(end - ordersStarted) },
  };
}

function must(r: { kind: string; message?: string }, what: string) {
  if (r.kind !== 'ok') throw new Error(`demo data: ${what} refused: ${r.message ?? r.kind}`);
}

/**
 * Stock as `setInventory` would leave it on new facilities (a level row plus a SET_ON_HAND ledger
 * row for its units), written in bulk: thousands of one-row transactions would dominate the seed.
 */
async function writeStock(db: Db, rows: SeedStock[]) {
  for (const [, , n] of rows) if (!Number.isInteger(n) || n < 0) throw new Error(`demo data: bad on-hand ${n}`);
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      await insertSeedLevels(tx, chunk);
      const moved = chunk.filter(([, , n]) => n > 0);
      if (moved.length) await insertSeedLedgerRows(tx, moved, 'DEMO_SEED', ACTOR);
    }
  });
}
