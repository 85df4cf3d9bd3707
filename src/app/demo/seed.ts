/**
 * Writes the demo data set into a database, set-based and in one transaction (all of it or none):
 * facilities through the catalog use case, products checked by the catalog's schema, stock with
 * its ledger rows, and the orders as `createOrder` and `approveOrder` would leave them (see
 * order-rows.ts), each table written with one statement per chunk of rows.
 */
import type { Db, Tx } from '../../db/client';
import { recordHistory } from '../../db/history.repo';
import {
  firstExistingFacility, insertSeedCustomers, insertSeedItems, insertSeedLedgerRows, insertSeedLevels, insertSeedOrders, insertSeedPayments,
  insertSeedProducts, type SeedProduct, type SeedStock,
} from '../../db/demo-seed.repo';
import { productSchema, upsertFacility, type FacilityInput } from '../catalog';
import type { ImportRowError } from '../import-orders';
import { formatIssues } from '../order-input';
import { DEFAULT_DEMO_SEED, generateDemoData, type DemoDataOptions } from './generate';
import { demoOrderRows, type DemoOrderRows } from './order-rows';
import { DEMO_FACILITY_IDS } from './places';
import type { DemoProduct } from './products';
import { seedDemoUsers, type DemoUser } from './users';

/** What the seed is writing: `done` of `total` rows of that part (facilities, products, stock rows, orders). */
export interface DemoProgress { stage: 'facilities' | 'products' | 'stock' | 'orders'; done: number; total: number }

export interface SeedDemoOptions extends DemoDataOptions {
  /** Hears each part of the seed as it is written (after each chunk). */
  onProgress?: (p: DemoProgress) => void;
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
/** Rows of stock, and orders, per statement. */
const STOCK_CHUNK = 5000;
const ORDER_CHUNK = 500;

/**
 * Seeds the demo once: when one of its facilities already exists the call does nothing and
 * returns `{ skipped: true }`. The seed is one transaction, so an interrupted one leaves nothing.
 */
export async function seedDemo(db: Db, opts: SeedDemoOptions = {}): Promise<DemoSummary> {
  const started = performance.now();
  const present = await firstExistingFacility(db, DEMO_FACILITY_IDS);
  if (present) return { skipped: true, reason: `demo data already present (facility ${present})` };

  const data = generateDemoData(opts);
  const progress = opts.onProgress ?? (() => {});
  const rows = demoOrderRows(data.orders, {
    approve: data.orders.length - data.created, actor: ACTOR,
    products: new Set(data.products.map((p) => p.id)), facilities: new Set(data.facilities.map((f) => f.id)),
  });
  let ordersStarted = 0;
  const users = await db.transaction(async (tx) => {
    await writeFacilities(tx, data.facilities, progress);
    await writeProducts(tx, data.products, data.facilities, progress);
    await writeStock(tx, data.inventory, progress);
    const created = await seedDemoUsers(tx);
    ordersStarted = performance.now();
    await writeOrders(tx, rows, progress);
    return created;
  });
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
    customers: rows.customers.length,
    orders: { approved: rows.approved, created: rows.created, existing: 0, rejected: rows.rejected },
    users,
    ms: { total: Math.round(end - started), orders: Math.round(end - ordersStarted) },
  };
}

function must(r: { kind: string; message?: string }, what: string) {
  if (r.kind !== 'ok') throw new Error(`demo data: ${what} refused: ${r.message ?? r.kind}`);
}

async function writeFacilities(tx: Tx, list: readonly FacilityInput[], progress: (p: DemoProgress) => void) {
  for (const f of list) must(await upsertFacility(tx, f), `facility ${f.id}`);
  progress({ stage: 'facilities', done: list.length, total: list.length });
}

/** The products, checked by the catalog's schema; a warehouse they are assigned to must be an active demo warehouse. */
async function writeProducts(tx: Tx, list: readonly DemoProduct[], facilities: readonly FacilityInput[], progress: (p: DemoProgress) => void) {
  const warehouses = new Set(facilities.filter((f) => f.type === 'WAREHOUSE' && f.active !== false).map((f) => f.id));
  const rows: SeedProduct[] = list.map((p) => {
    const r = productSchema.safeParse({
      id: p.id, sku: p.id, name: p.name, hazmat: p.hazmat, sample: p.sample, warehouseId: p.warehouseId, netsuiteItemId: p.netsuiteItemId,
    });
    if (!r.success) throw new Error(`demo data: product ${p.id} refused: ${formatIssues(r.error).map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    const v = r.data;
    if (v.warehouseId && !warehouses.has(v.warehouseId)) throw new Error(`demo data: product ${p.id}: ${v.warehouseId} is not an active warehouse`);
    return {
      id: v.id, sku: v.sku ?? v.id, name: v.name ?? v.id, hazmat: v.hazmat, sample: v.sample,
      warehouseId: v.warehouseId ?? null, netsuiteItemId: v.netsuiteItemId ?? null,
    };
  });
  if (new Set(rows.map((p) => p.sku)).size !== rows.length) throw new Error('demo data: two products share a SKU');
  await insertSeedProducts(tx, rows);
  progress({ stage: 'products', done: rows.length, total: rows.length });
}

/** Stock as `setInventory` would leave it on new facilities: a level row plus a SET_ON_HAND ledger row for its units. */
async function writeStock(tx: Tx, rows: readonly SeedStock[], progress: (p: DemoProgress) => void) {
  for (const [, , n] of rows) if (!Number.isInteger(n) || n < 0) throw new Error(`demo data: bad on-hand ${n}`);
  for (let i = 0; i < rows.length; i += STOCK_CHUNK) {
    const chunk = rows.slice(i, i + STOCK_CHUNK);
    await insertSeedLevels(tx, chunk);
    const moved = chunk.filter(([, , n]) => n > 0);
    if (moved.length) await insertSeedLedgerRows(tx, moved, 'DEMO_SEED', ACTOR);
    progress({ stage: 'stock', done: i + chunk.length, total: rows.length });
  }
}

/** Customers first, then per chunk of orders: their rows, items, payments; the history last (created moves before approvals). */
async function writeOrders(tx: Tx, rows: DemoOrderRows, progress: (p: DemoProgress) => void) {
  const total = rows.orders.length;
  for (let i = 0; i < rows.customers.length; i += STOCK_CHUNK) await insertSeedCustomers(tx, rows.customers.slice(i, i + STOCK_CHUNK));
  progress({ stage: 'orders', done: 0, total });
  let items = 0, payments = 0;
  for (let i = 0; i < total; i += ORDER_CHUNK) {
    const orders = rows.orders.slice(i, i + ORDER_CHUNK);
    const ids = new Set(orders.map((o) => o.id));
    const itemsEnd = endOfRun(rows.items, items, ids), paymentsEnd = endOfRun(rows.payments, payments, ids);
    await insertSeedOrders(tx, orders);
    await insertSeedItems(tx, rows.items.slice(items, itemsEnd));
    if (paymentsEnd > payments) await insertSeedPayments(tx, rows.payments.slice(payments, paymentsEnd));
    [items, payments] = [itemsEnd, paymentsEnd];
    progress({ stage: 'orders', done: i + orders.length, total });
  }
  for (let i = 0; i < rows.history.length; i += STOCK_CHUNK) await recordHistory(tx, rows.history.slice(i, i + STOCK_CHUNK));
}

/** Where the rows of these orders end, from `from` on (the rows of the orders come in the orders' order). */
function endOfRun(list: readonly { orderId: string }[], from: number, ids: ReadonlySet<string>): number {
  let k = from;
  while (k < list.length && ids.has(list[k].orderId)) k++;
  return k;
}
