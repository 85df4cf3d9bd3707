/**
 * The bulk writes of the demo seed: one statement per table for a whole chunk of rows, each column
 * bound as one array parameter and spread by `unnest(...)` (a few statements for the whole data
 * set instead of thousands of one-row ones).
 */
import { inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { facilities } from './schema';
import { pgArray } from './rows';

/** The first of these facilities that exists, or undefined. */
export async function firstExistingFacility(db: Db, ids: string[]): Promise<string | undefined> {
  const [found] = await db.select({ id: facilities.id }).from(facilities).where(inArray(facilities.id, ids)).limit(1);
  return found?.id;
}

/** A stock row to seed: product, facility, on hand. */
export type SeedStock = [productId: string, facilityId: string, onHand: number];

/** The values of one field of every row, as one array (missing values are nulls). */
const col = <T, K extends keyof T>(rows: readonly T[], k: K) => rows.map((r) => r[k] ?? null);

/** Inserts new inventory rows (nothing reserved). */
export async function insertSeedLevels(tx: Tx, rows: readonly SeedStock[]): Promise<void> {
  await tx.execute(sql`
    insert into inventory_levels (product_id, facility_id, on_hand)
    select * from unnest(${pgArray(rows.map((r) => r[0]), 'text')}, ${pgArray(rows.map((r) => r[1]), 'text')}, ${pgArray(rows.map((r) => r[2]), 'int')})`);
}

/** Inserts a SET_ON_HAND ledger row for each stock row, with its whole on hand as the delta. */
export async function insertSeedLedgerRows(tx: Tx, rows: readonly SeedStock[], reason: string, actor: string): Promise<void> {
  await tx.execute(sql`
    insert into inventory_ledger (product_id, facility_id, kind, on_hand_delta, reason, actor)
    select p, f, 'SET_ON_HAND', n, ${reason}, ${actor}
    from unnest(${pgArray(rows.map((r) => r[0]), 'text')}, ${pgArray(rows.map((r) => r[1]), 'text')}, ${pgArray(rows.map((r) => r[2]), 'int')}) as v(p, f, n)`);
}

/** A product of the catalog as the seed writes it (not auto-created). */
export interface SeedProduct {
  id: string; sku: string; name: string; hazmat: boolean; sample: boolean; warehouseId: string | null; netsuiteItemId: string | null;
}

export async function insertSeedProducts(tx: Tx, rows: readonly SeedProduct[]): Promise<void> {
  await tx.execute(sql`
    insert into products (id, sku, name, hazmat, sample, warehouse_id, netsuite_item_id, auto_created)
    select *, false from unnest(
      ${pgArray(col(rows, 'id'), 'text')}, ${pgArray(col(rows, 'sku'), 'text')}, ${pgArray(col(rows, 'name'), 'text')},
      ${pgArray(col(rows, 'hazmat'), 'bool')}, ${pgArray(col(rows, 'sample'), 'bool')},
      ${pgArray(col(rows, 'warehouseId'), 'text')}, ${pgArray(col(rows, 'netsuiteItemId'), 'text')})`);
}

export interface SeedCustomer {
  id: string; externalId: string | null; firstName: string | null; lastName: string | null; email: string | null; phone: string | null;
}

export async function insertSeedCustomers(tx: Tx, rows: readonly SeedCustomer[]): Promise<void> {
  await tx.execute(sql`
    insert into customers (id, external_id, first_name, last_name, email, phone)
    select * from unnest(
      ${pgArray(col(rows, 'id'), 'text')}, ${pgArray(col(rows, 'externalId'), 'text')}, ${pgArray(col(rows, 'firstName'), 'text')},
      ${pgArray(col(rows, 'lastName'), 'text')}, ${pgArray(col(rows, 'email'), 'text')}, ${pgArray(col(rows, 'phone'), 'text')})`);
}

/** An order row; `shipTo` is its JSON text, `shippingCost` a decimal string, `orderDate` an ISO instant. */
export interface SeedOrder {
  id: string; externalId: string | null; salesChannel: string; accountingCode: string | null; priority: number; orderDate: string;
  status: string; customerId: string | null; originFacilityId: string | null; shipTo: string; shippingMethod: string | null;
  shippingCost: string | null; currency: string;
}

export async function insertSeedOrders(tx: Tx, rows: readonly SeedOrder[]): Promise<void> {
  await tx.execute(sql`
    insert into orders (id, external_id, sales_channel, accounting_code, priority, order_date, status, customer_id,
                        origin_facility_id, ship_to, shipping_method, shipping_cost, currency)
    select id, ext, channel, code, prio, placed::timestamptz, status, customer, origin, ship_to::jsonb, method, cost::numeric, currency
    from unnest(
      ${pgArray(col(rows, 'id'), 'text')}, ${pgArray(col(rows, 'externalId'), 'text')}, ${pgArray(col(rows, 'salesChannel'), 'text')},
      ${pgArray(col(rows, 'accountingCode'), 'text')}, ${pgArray(col(rows, 'priority'), 'int')}, ${pgArray(col(rows, 'orderDate'), 'text')},
      ${pgArray(col(rows, 'status'), 'text')}, ${pgArray(col(rows, 'customerId'), 'text')}, ${pgArray(col(rows, 'originFacilityId'), 'text')},
      ${pgArray(col(rows, 'shipTo'), 'text')}, ${pgArray(col(rows, 'shippingMethod'), 'text')}, ${pgArray(col(rows, 'shippingCost'), 'text')},
      ${pgArray(col(rows, 'currency'), 'text')})
      as v(id, ext, channel, code, prio, placed, status, customer, origin, ship_to, method, cost, currency)`);
}

/** An order line; `unitPrice` is a decimal string. */
export interface SeedItem {
  orderId: string; seqId: string; productId: string; quantity: number; unitPrice: string; status: string; facilityId: string | null;
}

export async function insertSeedItems(tx: Tx, rows: readonly SeedItem[]): Promise<void> {
  await tx.execute(sql`
    insert into order_items (order_id, seq_id, product_id, quantity, unit_price, status, facility_id)
    select o, s, p, q, price::numeric, status, f
    from unnest(
      ${pgArray(col(rows, 'orderId'), 'text')}, ${pgArray(col(rows, 'seqId'), 'text')}, ${pgArray(col(rows, 'productId'), 'text')},
      ${pgArray(col(rows, 'quantity'), 'int')}, ${pgArray(col(rows, 'unitPrice'), 'text')}, ${pgArray(col(rows, 'status'), 'text')},
      ${pgArray(col(rows, 'facilityId'), 'text')})
      as v(o, s, p, q, price, status, f)`);
}

/** A payment; `amount` is a decimal string. */
export interface SeedPayment { id: string; orderId: string; method: string; amount: string }

export async function insertSeedPayments(tx: Tx, rows: readonly SeedPayment[]): Promise<void> {
  await tx.execute(sql`
    insert into order_payments (id, order_id, method, amount)
    select id, o, m, a::numeric
    from unnest(${pgArray(col(rows, 'id'), 'text')}, ${pgArray(col(rows, 'orderId'), 'text')}, ${pgArray(col(rows, 'method'), 'text')},
      ${pgArray(col(rows, 'amount'), 'text')}) as v(id, o, m, a)`);
}
