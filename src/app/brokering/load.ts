/**
 * Loading the facts of a brokering batch: claim queued orders (SKIP LOCKED, so concurrent runs
 * never take the same order), their items and exclusions, the products, and the inventory rows
 * of those products, locked in a fixed order so reservers never deadlock.
 */
import { rowsOf as rows } from '../../db/rows';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { BROKERING_QUEUE } from '../../db/reference-data';
import type { Facility, Product } from '../../domain/routing/types';


export interface QueueKey { priority: number; orderDate: Date; id: string }

export interface ClaimedOrder {
  id: string; priority: number; orderDate: Date; salesChannel: string; accountingCode: string | null;
  shipTo: { country: string; market?: string; postalCode?: string; latitude?: number; longitude?: number };
}

export interface ItemFact {
  orderId: string; seqId: string; productId: string; quantity: number; status: string; facilityId: string | null;
  unitPrice: string;
}

export interface LockedLevel { productId: string; facilityId: string; onHand: number; reserved: number; safetyStock: number }

/** The next batch of queued orders after `after` (keyset), locked for this transaction. */
export async function claimBatch(db: Db, after: QueueKey | null, limit: number, orderIds?: string[]): Promise<ClaimedOrder[]> {
  const keyset = after
    ? sql`and (o.priority < ${after.priority} or (o.priority = ${after.priority} and (o.order_date > ${after.orderDate.toISOString()}::timestamptz or (o.order_date = ${after.orderDate.toISOString()}::timestamptz and o.id > ${after.id}))))`
    : sql``;
  const only = orderIds ? sql`and o.id = any(${sql.param(orderIds)}::text[])` : sql``;
  const r = await db.execute(sql`
    select o.id, o.priority, o.order_date as "orderDate", o.sales_channel as "salesChannel", o.accounting_code as "accountingCode", o.ship_to as "shipTo"
    from orders o
    where exists (select 1 from order_items i where i.order_id = o.id and i.facility_id = ${BROKERING_QUEUE} and i.status = 'APPROVED')
      ${keyset} ${only}
    order by o.priority desc, o.order_date asc, o.id asc
    limit ${limit}
    for update of o skip locked`);
  return rows<ClaimedOrder>(r).map((o) => ({ ...o, orderDate: new Date(o.orderDate) }));
}

/** Every item of the claimed orders (read after the lock, so statuses are current). */
export async function loadItems(db: Db, orderIds: string[]): Promise<ItemFact[]> {
  const r = await db.execute(sql`
    select order_id as "orderId", seq_id as "seqId", product_id as "productId", quantity, status, facility_id as "facilityId",
           unit_price as "unitPrice"
    from order_items where order_id = any(${sql.param(orderIds)}::text[]) order by order_id, seq_id`);
  return rows<ItemFact>(r);
}

/** Facilities excluded per item (`orderId/seq` → facility ids), expired exclusions ignored. */
export async function loadExclusions(db: Db, orderIds: string[]): Promise<Map<string, string[]>> {
  const r = await db.execute(sql`
    select order_id as "orderId", order_item_seq_id as "seq", facility_id as "facilityId" from facility_exclusions
    where order_id = any(${sql.param(orderIds)}::text[]) and (until is null or until > now())`);
  const m = new Map<string, string[]>();
  for (const x of rows<{ orderId: string; seq: string; facilityId: string }>(r)) {
    const k = `${x.orderId}/${x.seq}`;
    m.set(k, [...(m.get(k) ?? []), x.facilityId]);
  }
  return m;
}

export async function loadProducts(db: Db, ids: string[]): Promise<Product[]> {
  const r = await db.execute(sql`select id, hazmat, sample, warehouse_id as "warehouseId" from products where id = any(${sql.param(ids)}::text[])`);
  return rows<Product>(r);
}

/** Locks the inventory rows of these products, in (product, facility) order, and returns them. */
export async function lockLevels(db: Db, productIds: string[]): Promise<LockedLevel[]> {
  const sorted = [...productIds].sort();
  const r = await db.execute(sql`
    select il.product_id as "productId", il.facility_id as "facilityId", il.on_hand as "onHand", il.reserved,
           coalesce(il.safety_stock, f.safety_stock) as "safetyStock"
    from inventory_levels il join facilities f on f.id = il.facility_id
    where il.product_id = any(${sql.param(sorted)}::text[]) and f.type <> 'VIRTUAL'
    order by il.product_id, il.facility_id
    for update of il`);
  return rows<LockedLevel>(r).map((l) => ({ ...l, onHand: Number(l.onHand), reserved: Number(l.reserved), safetyStock: Number(l.safetyStock) }));
}

/** Today's key for the daily order limit (UTC day). */
export const dayKey = (d = new Date()) => d.toISOString().slice(0, 10);

/** All facilities as routing facts, with the orders they already took today. */
export async function loadFacilities(db: Db): Promise<Facility[]> {
  const r = await db.execute(sql`
    select f.id, f.type, f.fulfillment_system as "fulfillmentSystem", f.ranking, f.country, f.market, f.postal_code as "postalCode",
           f.latitude, f.longitude, f.zip_ranges as "zipRanges", f.accounting_codes as "accountingCodes", f.active,
           f.daily_order_limit as "dailyOrderLimit", coalesce(c.count, 0)::int as "ordersToday"
    from facilities f left join facility_order_counts c on c.facility_id = f.id and c.day = ${dayKey()}
    order by f.id`);
  return rows<Facility>(r);
}
