/**
 * Set-based seeding (generate_series) of items allocated at a NetSuite warehouse, each with its
 * ACTIVE reservation and NetSuite ids: what the brokered-items export selects and what a
 * rejected-items file names. Used by the feeds benchmark and by the feed tests that need volume.
 * It bypasses the use cases on purpose (speed); the inventory level carries the reservations so the
 * counters stay consistent (there are no ledger rows for them).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client';

export interface SeedOptions {
  /** Id prefix of the seeded orders (several seeds may coexist), default `BO`. */
  prefix?: string;
  /** NetSuite facility to allocate at (created when missing), default `BENCH_WH` (location 901). */
  facilityId?: string;
  locationId?: string;
  /** Product (created when missing), default `BENCH_SKU` (item 9001). */
  productId?: string;
  /** Orders per statement (keeps each statement's memory bounded). */
  chunk?: number;
}

/** Order id of the i-th (1-based) seeded order. */
export const seededOrderId = (i: number, prefix = 'BO') => `${prefix}-${String(i).padStart(8, '0')}`;

/** Seeds `n` orders of one item each, ALLOCATED at the NetSuite facility with an ACTIVE reservation. */
export async function seedAllocatedItems(db: Db, n: number, opts: SeedOptions = {}): Promise<void> {
  const prefix = opts.prefix ?? 'BO';
  const fac = opts.facilityId ?? 'BENCH_WH';
  const loc = opts.locationId ?? '901';
  const product = opts.productId ?? 'BENCH_SKU';
  const chunk = opts.chunk ?? 100_000;
  await db.execute(sql`insert into facilities (id, name, type, fulfillment_system, netsuite_location_id, postal_code, country)
    values (${fac}, 'Bench warehouse', 'WAREHOUSE', 'NETSUITE', ${loc}, '07001', 'US') on conflict (id) do nothing`);
  await db.execute(sql`insert into products (id, sku, name, netsuite_item_id) values (${product}, ${product}, 'Bench product', '9001')
    on conflict (id) do nothing`);
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1);
    const oid = sql`${prefix} || '-' || lpad(g::text, 8, '0')`;
    await db.execute(sql`insert into orders (id, order_date, status, ship_to, netsuite_order_id)
      select ${oid}, now(), 'ALLOCATED', '{"country":"US"}'::jsonb, 'NS' || ${prefix} || g from generate_series(${from}::int, ${to}::int) g`);
    await db.execute(sql`insert into order_items (order_id, seq_id, product_id, quantity, unit_price, status, facility_id, netsuite_line_id)
      select ${oid}, '00001', ${product}, 1, 10, 'ALLOCATED', ${fac}, '1' from generate_series(${from}::int, ${to}::int) g`);
    await db.execute(sql`insert into reservations (order_id, order_item_seq_id, product_id, facility_id, quantity, status, run_id)
      select ${oid}, '00001', ${product}, ${fac}, 1, 'ACTIVE', 'seed' from generate_series(${from}::int, ${to}::int) g`);
  }
  await db.execute(sql`insert into inventory_levels (product_id, facility_id, on_hand, reserved) values (${product}, ${fac}, ${n}::int, ${n}::int)
    on conflict (product_id, facility_id) do update set on_hand = inventory_levels.on_hand + ${n}::int, reserved = inventory_levels.reserved + ${n}::int`);
  // Settle the new rows (hint bits, visibility map, statistics) so what follows measures itself,
  // not the clean-up of the seeding.
  for (const t of ['orders', 'order_items', 'reservations', 'inventory_levels']) await db.execute(sql.raw(`vacuum analyze ${t}`));
}
