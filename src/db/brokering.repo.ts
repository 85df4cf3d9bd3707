/**
 * The facts a brokering run routes on: the brokering queue (claimed with SKIP LOCKED, so
 * concurrent runs never take the same order), the queued orders' items and facility exclusions,
 * the products, the inventory rows of those products (locked in a fixed order so reservers never
 * deadlock) and the facilities with the orders they took today. Also the reads of the results
 * (routing decisions, the Exception list) and the what-if replay's order lines.
 */
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { BROKERING_QUEUE } from './reference-data';
import { queryRows } from './rows';
import { orderItems, orders, routingDecisions } from './schema';
import type { Facility, Product } from '../domain/routing/types';

/** A position in the brokering queue (priority descending, then order date, then id). */
export interface QueueKey { priority: number; orderDate: Date; id: string }

export interface ClaimedOrder {
  id: string; priority: number; orderDate: Date; salesChannel: string; accountingCode: string | null;
  shipTo: { country: string; market?: string; postalCode?: string; latitude?: number; longitude?: number };
  /** Every item of the order, by seq (read after the claim, so statuses are current). */
  items: ItemFact[];
  /** The facilities each item (by seq) must not be offered to; expired exclusions left out. */
  exclusions: Map<string, string[]>;
}

export interface ItemFact {
  orderId: string; seqId: string; productId: string; quantity: number; status: string; facilityId: string | null;
  unitPrice: string;
}

/** An inventory row with its effective safety stock (the row's, else the facility's). */
export interface LockedLevel { productId: string; facilityId: string; onHand: number; reserved: number; safetyStock: number }

/** Queue positions after `k` (for the keyset of `queueWindow`). */
function afterKey(k: QueueKey): SQL {
  const date = k.orderDate.toISOString();
  return sql`and (o.priority < ${k.priority}
            or (o.priority = ${k.priority}
                and (o.order_date > ${date}::timestamptz
                     or (o.order_date = ${date}::timestamptz and o.id > ${k.id}))))`;
}

/**
 * The next `limit` orders with queued items after `after` (keyset), in queue order, not locked:
 * the window a run claims its next batches from (one sort of the queue per window, not per batch).
 * `orderIds`: only these orders.
 */
export async function queueWindow(db: Db, after: QueueKey | null, limit: number, orderIds?: string[]): Promise<QueueKey[]> {
  const keys = await queryRows<QueueKey>(db, sql`
    select o.id,
           o.priority,
           o.order_date as "orderDate"
    from orders o
    where exists (select 1
                  from order_items queued
                  where queued.order_id = o.id
                    and queued.facility_id = ${BROKERING_QUEUE}
                    and queued.status = 'APPROVED')
      ${after ? afterKey(after) : sql``}
      ${orderIds ? sql`and o.id = any(${sql.param(orderIds)}::text[])` : sql``}
    order by o.priority desc, o.order_date asc, o.id asc
    limit ${limit}`);
  return keys.map((k) => ({ ...k, orderDate: new Date(k.orderDate) }));
}

/** A claimed order as the claim returns it: its items and exclusions as JSON arrays of positional tuples. */
interface ClaimRow extends Omit<ClaimedOrder, 'items' | 'exclusions'> {
  items: [string, string, number, string, string | null, string][] | null;
  exclusions: [string, string][] | null;
}

/**
 * Claims these orders for this transaction, in queue order, each read with all its items and
 * exclusions (after the lock, so they are current); orders another run holds are skipped. An
 * order may have left the queue since its id was read (another run routed it): its items say so.
 */
export async function claimOrders(tx: Tx, ids: string[]): Promise<ClaimedOrder[]> {
  const claimed = await queryRows<ClaimRow>(tx, sql`
    with claimed as (
      select o.id
      from orders o
      where o.id = any(${sql.param(ids)}::text[])
      for update of o skip locked)
    select o.id,
           o.priority,
           o.order_date as "orderDate",
           o.sales_channel as "salesChannel",
           o.accounting_code as "accountingCode",
           o.ship_to as "shipTo",
           (select json_agg(json_build_array(i.seq_id, i.product_id, i.quantity, i.status, i.facility_id, i.unit_price::text) order by i.seq_id)
            from order_items i
            where i.order_id = o.id) as items,
           (select json_agg(json_build_array(x.order_item_seq_id, x.facility_id))
            from facility_exclusions x
            where x.order_id = o.id
              and (x.until is null or x.until > now())) as exclusions
    from claimed c
    join orders o on o.id = c.id
    order by o.priority desc, o.order_date asc, o.id asc`);
  return claimed.map(claimedOrder);
}

function claimedOrder(o: ClaimRow): ClaimedOrder {
  const items = (o.items ?? []).map(([seqId, productId, quantity, status, facilityId, unitPrice]) =>
    ({ orderId: o.id, seqId, productId, quantity, status, facilityId, unitPrice }));
  const exclusions = new Map<string, string[]>();
  for (const [seq, facilityId] of o.exclusions ?? []) exclusions.set(seq, [...(exclusions.get(seq) ?? []), facilityId]);
  return { ...o, orderDate: new Date(o.orderDate), items, exclusions };
}

/** Facilities excluded per item (`orderId/seq` → facility ids), expired exclusions ignored. */
export async function loadExclusions(db: Db, orderIds: string[]): Promise<Map<string, string[]>> {
  const found = await queryRows<{ orderId: string; seq: string; facilityId: string }>(db, sql`
    select order_id as "orderId",
           order_item_seq_id as "seq",
           facility_id as "facilityId"
    from facility_exclusions
    where order_id = any(${sql.param(orderIds)}::text[])
      and (until is null or until > now())`);
  const byItem = new Map<string, string[]>();
  for (const x of found) {
    const k = `${x.orderId}/${x.seq}`;
    byItem.set(k, [...(byItem.get(k) ?? []), x.facilityId]);
  }
  return byItem;
}

/** These products as routing facts. */
export async function loadProducts(db: Db, ids: string[]): Promise<Product[]> {
  return queryRows<Product>(db, sql`
    select id,
           hazmat,
           sample,
           warehouse_id as "warehouseId"
    from products
    where id = any(${sql.param(ids)}::text[])`);
}

/**
 * Locks the inventory rows of these products at non-virtual facilities, in (product, facility)
 * order, and returns them. Tens of thousands of rows a batch: they come back as one text of
 * length-prefixed fields (`levelsText`), read in a third of the time node-postgres takes to build
 * the rows one by one.
 */
export async function lockLevels(tx: Tx, productIds: string[]): Promise<LockedLevel[]> {
  const sorted = [...productIds].sort();
  const [r] = await queryRows<{ levels: string | null }>(tx, sql`
    with locked as (
      select il.product_id,
             il.facility_id,
             il.on_hand,
             il.reserved,
             coalesce(il.safety_stock, f.safety_stock) as safety_stock
      from inventory_levels il
      join facilities f on f.id = il.facility_id
      where il.product_id = any(${sql.param(sorted)}::text[])
        and f.type <> 'VIRTUAL'
      order by il.product_id, il.facility_id
      for update of il)
    select string_agg(length(product_id) || ' ' || product_id || length(facility_id) || ' ' || facility_id
                      || on_hand || ' ' || reserved || ' ' || safety_stock || ' ', '') as levels
    from locked`);
  return readLevelsText(r?.levels ?? '');
}

/**
 * The rows of `lockLevels`' text: per row the product id and the facility id, each as its length
 * in characters, a space and the id (so an id may hold any character), then on hand, reserved and
 * safety stock, each followed by a space. PostgreSQL counts characters, JavaScript UTF-16 units:
 * a text holding a surrogate pair is walked character by character.
 */
export function readLevelsText(t: string): LockedLevel[] {
  const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
  const astral = /[\uD800-\uDBFF]/.test(t);
  const out: LockedLevel[] = [];
  let i = 0;
  const int = () => {
    const j = t.indexOf(' ', i);
    const v = j > i ? Number(t.slice(i, j)) : NaN;
    if (!Number.isInteger(v)) throw new Error(`unreadable inventory rows at ${i} of ${t.length}`);
    i = j + 1;
    return v;
  };
  const id = () => {
    const chars = int();
    let end = i;
    if (!astral) end += chars;
    else for (let k = 0; k < chars; k++) end += isHighSurrogate(t.charCodeAt(end)) ? 2 : 1;
    const v = t.slice(i, end);
    i = end;
    return v;
  };
  while (i < t.length) {
    const productId = id();
    const facilityId = id();
    out.push({ productId, facilityId, onHand: int(), reserved: int(), safetyStock: int() });
  }
  return out;
}

/** The key of a day in `facility_order_counts` (UTC date). */
export const dayKey = (d = new Date()) => d.toISOString().slice(0, 10);

/** All facilities as routing facts, with the orders they took on `day`. */
export async function loadFacilities(db: Db, day = dayKey()): Promise<Facility[]> {
  return queryRows<Facility>(db, sql`
    select f.id,
           f.type,
           f.fulfillment_system as "fulfillmentSystem",
           f.ranking,
           f.country,
           f.market,
           f.postal_code as "postalCode",
           f.latitude,
           f.longitude,
           f.zip_ranges as "zipRanges",
           f.accounting_codes as "accountingCodes",
           f.active,
           f.daily_order_limit as "dailyOrderLimit",
           coalesce(taken.count, 0)::int as "ordersToday"
    from facilities f
    left join facility_order_counts taken on taken.facility_id = f.id and taken.day = ${day}
    order by f.id`);
}

/** One item line of an order the what-if replays, with its order's routing facts. */
export interface ReplayLine {
  id: string; priority: number; orderDate: string | Date; salesChannel: string; accountingCode: string | null;
  shipTo: ClaimedOrder['shipTo']; seqId: string; productId: string; quantity: number;
}

/**
 * The lines the what-if replays, by order and seq: the queued items, or with `range` every item
 * not cancelled of the orders dated in it (open ends: the epoch, now).
 */
export async function replayLines(db: Db, range?: { from?: Date; to?: Date }): Promise<ReplayLine[]> {
  const where = range
    ? sql`i.status <> 'CANCELLED'
      and o.order_date >= ${(range.from ?? new Date(0)).toISOString()}::timestamptz
      and o.order_date <= ${(range.to ?? new Date()).toISOString()}::timestamptz`
    : sql`i.status = 'APPROVED' and i.facility_id = ${BROKERING_QUEUE}`;
  return queryRows<ReplayLine>(db, sql`
    select o.id,
           o.priority,
           o.order_date as "orderDate",
           o.sales_channel as "salesChannel",
           o.accounting_code as "accountingCode",
           o.ship_to as "shipTo",
           i.seq_id as "seqId",
           i.product_id as "productId",
           i.quantity
    from orders o
    join order_items i on i.order_id = o.id
    where ${where}
    order by o.id, i.seq_id`);
}

/** The decisions of a run (at most 5,000). */
export function runDecisions(db: Db, runId: string) {
  return db.select({ orderId: routingDecisions.orderId, status: routingDecisions.status, exceptionReason: routingDecisions.exceptionReason })
    .from(routingDecisions).where(eq(routingDecisions.runId, runId)).limit(5000);
}

/** The routing decisions of an order, newest first (at most 50). */
export function orderDecisions(db: Db, orderId: string) {
  return db.select().from(routingDecisions).where(eq(routingDecisions.orderId, orderId)).orderBy(desc(routingDecisions.id)).limit(50);
}

/** A page of the orders in Exception with their reason, most recently changed first. */
export function exceptionOrders(db: Db, limit: number, offset: number) {
  return db.select({
    id: orders.id,
    externalId: orders.externalId,
    reason: orders.exceptionReason,
    message: orders.exceptionMessage,
    orderDate: orders.orderDate,
    updatedAt: orders.updatedAt,
  }).from(orders).where(eq(orders.status, 'EXCEPTION')).orderBy(desc(orders.updatedAt), asc(orders.id)).limit(limit).offset(offset);
}

/** The order's items parked in Exception. */
export function exceptionItems(db: Db, orderId: string) {
  return db.select().from(orderItems).where(and(eq(orderItems.orderId, orderId), eq(orderItems.status, 'EXCEPTION')));
}
