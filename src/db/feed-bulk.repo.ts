/**
 * The set-based writes (and the reads they decide on) of the feed imports, one statement per
 * function. Reads take `= any($1)` arrays; writes take parallel arrays through `unnest(...)`. Locks
 * are taken in a fixed order (orders by id, inventory rows by (product, facility)), the order every
 * other writer uses, so a bulk chunk never deadlocks with a brokering run.
 */
import { sql } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { pgArray, queryRows } from './rows';

/** One column of the rows, as an array. */
const col = <T, K extends keyof T>(rows: readonly T[], k: K) => rows.map((r) => r[k]);
const distinct = <T>(xs: T[]): T[] => [...new Set(xs)];

// --- facts ------------------------------------------------------------------------------------

/** An order as the imports decide on it. */
export interface OrderFact { id: string; netsuiteOrderId: string | null }

/** Locks the orders that exist among `ids`, in id order. */
export async function lockOrders(tx: Tx, ids: string[]): Promise<OrderFact[]> {
  if (!ids.length) return [];
  return queryRows<OrderFact>(tx, sql`
    select id,
           netsuite_order_id as "netsuiteOrderId"
    from orders
    where id = any(${pgArray(ids, 'text')})
    order by id
    for update`);
}

/** An order item as the imports decide on it. */
export interface ItemFact {
  orderId: string; seqId: string; status: string; facilityId: string | null; productId: string; quantity: number;
  netsuiteLineId: string | null;
}

/** Every item of the orders (their statuses derive the order status). Call after `lockOrders`. */
export async function loadOrderItems(db: Db, orderIds: string[]): Promise<ItemFact[]> {
  if (!orderIds.length) return [];
  return queryRows<ItemFact>(db, sql`
    select order_id as "orderId",
           seq_id as "seqId",
           status,
           facility_id as "facilityId",
           product_id as "productId",
           quantity,
           netsuite_line_id as "netsuiteLineId"
    from order_items
    where order_id = any(${pgArray(orderIds, 'text')})
    order by order_id, seq_id`);
}

/** An ACTIVE reservation of an item. */
export interface ReservationFact { id: number; orderId: string; seqId: string; productId: string; facilityId: string; quantity: number }

/** The ACTIVE reservations of the orders' items. */
export async function loadActiveReservations(db: Db, orderIds: string[]): Promise<ReservationFact[]> {
  if (!orderIds.length) return [];
  const r = await queryRows<ReservationFact>(db, sql`
    select id,
           order_id as "orderId",
           order_item_seq_id as "seqId",
           product_id as "productId",
           facility_id as "facilityId",
           quantity
    from reservations
    where order_id = any(${pgArray(orderIds, 'text')}) and status = 'ACTIVE'`);
  return r.map((x) => ({ ...x, id: Number(x.id) }));
}

/** A facility as the imports check it. */
export interface FacilityFact { id: string; type: string; fulfillmentSystem: string; netsuiteLocationId: string | null }

/** Every facility, with what the imports check (type, fulfilment system, NetSuite location). */
export async function loadFacilities(db: Db): Promise<FacilityFact[]> {
  return queryRows<FacilityFact>(db, sql`
    select id,
           type,
           fulfillment_system as "fulfillmentSystem",
           netsuite_location_id as "netsuiteLocationId"
    from facilities`);
}

/** A rejection reason: its variance type and where a rejected item goes. */
export interface ReasonFact { id: string; varianceType: string; targetFacilityId: string }

/** Every rejection reason, with its variance type and the facility a rejected item goes to. */
export async function loadRejectionReasons(db: Db): Promise<ReasonFact[]> {
  return queryRows<ReasonFact>(db, sql`
    select id,
           variance_type as "varianceType",
           target_facility_id as "targetFacilityId"
    from rejection_reasons`);
}

// --- inventory --------------------------------------------------------------------------------

/** Summed counter changes of one inventory row. */
export interface LevelDelta { productId: string; facilityId: string; reservedDelta: number; onHandDelta: number }

/** Locks the inventory rows in (product, facility) order. */
export async function lockLevels(tx: Tx, pairs: { productId: string; facilityId: string }[]): Promise<void> {
  if (!pairs.length) return;
  await tx.execute(sql`
    select 1
    from inventory_levels il
    join unnest(${pgArray(col(pairs, 'productId'), 'text')}, ${pgArray(col(pairs, 'facilityId'), 'text')}) as v(product_id, facility_id)
      on il.product_id = v.product_id and il.facility_id = v.facility_id
    where il.product_id = any(${pgArray(distinct(col(pairs, 'productId')), 'text')})
    order by il.product_id, il.facility_id
    for update of il`);
}

/** Closes ACTIVE reservations by id; returns the ids closed. */
export async function closeReservationsById(db: Db, ids: number[], how: 'RELEASED' | 'CONSUMED'): Promise<number[]> {
  if (!ids.length) return [];
  const r = await queryRows<{ id: number }>(db, sql`
    update reservations
    set status = ${how},
        closed_at = now()
    where id = any(${pgArray(ids, 'bigint')}) and status = 'ACTIVE'
    returning id`);
  return r.map((x) => Number(x.id));
}

/**
 * Adds summed deltas to the counters (one row per (product, facility)), exactly as the ledger rows
 * written with them say: nothing is clamped. A delta that would take on hand below zero fails the
 * table's check (a shipment records the units it finds first, see `foundAtShipment`).
 */
export async function applyLevelDeltas(db: Db, d: LevelDelta[]): Promise<void> {
  if (!d.length) return;
  await db.execute(sql`
    update inventory_levels il
    set reserved = il.reserved + v.reserved_delta,
        on_hand = il.on_hand + v.on_hand_delta,
        updated_at = now()
    from unnest(${pgArray(col(d, 'productId'), 'text')},
                ${pgArray(col(d, 'facilityId'), 'text')},
                ${pgArray(col(d, 'reservedDelta'), 'int')},
                ${pgArray(col(d, 'onHandDelta'), 'int')}) as v(product_id, facility_id, reserved_delta, on_hand_delta)
    where il.product_id = any(${pgArray(distinct(col(d, 'productId')), 'text')})
      and il.product_id = v.product_id
      and il.facility_id = v.facility_id`);
}

/** An inventory ledger row to append. */
export interface LedgerRow {
  productId: string; facilityId: string; kind: string; onHandDelta: number; reservedDelta: number;
  reason: string | null; orderId: string; seqId: string; actor: string;
}

/** Appends inventory ledger rows. */
export async function insertLedgerRows(db: Db, l: LedgerRow[]): Promise<void> {
  if (!l.length) return;
  await db.execute(sql`
    insert into inventory_ledger (
      product_id,
      facility_id,
      kind,
      on_hand_delta,
      reserved_delta,
      reason,
      order_id,
      order_item_seq_id,
      actor)
    select * from unnest(${pgArray(col(l, 'productId'), 'text')},
                         ${pgArray(col(l, 'facilityId'), 'text')},
                         ${pgArray(col(l, 'kind'), 'text')},
                         ${pgArray(col(l, 'onHandDelta'), 'int')},
                         ${pgArray(col(l, 'reservedDelta'), 'int')},
                         ${pgArray(col(l, 'reason'), 'text')},
                         ${pgArray(col(l, 'orderId'), 'text')},
                         ${pgArray(col(l, 'seqId'), 'text')},
                         ${pgArray(col(l, 'actor'), 'text')})`);
}

// --- items and orders -------------------------------------------------------------------------

/** Rejected items back to the queue (or a parking): status, place, and no carrier / shipment group / backorder. */
export async function moveRejectedItems(db: Db, m: { orderId: string; seqId: string; status: string; facilityId: string }[]): Promise<void> {
  if (!m.length) return;
  await db.execute(sql`
    update order_items oi
    set status = v.status,
        facility_id = v.facility_id,
        updated_at = now(),
        backordered = false,
        carrier = null,
        shipment_group = null
    from unnest(${pgArray(col(m, 'orderId'), 'text')},
                ${pgArray(col(m, 'seqId'), 'text')},
                ${pgArray(col(m, 'status'), 'text')},
                ${pgArray(col(m, 'facilityId'), 'text')}) as v(order_id, seq_id, status, facility_id)
    where oi.order_id = any(${pgArray(distinct(col(m, 'orderId')), 'text')})
      and oi.order_id = v.order_id
      and oi.seq_id = v.seq_id`);
}

/** An item to mark SHIPPED. */
export interface ShippedItem { orderId: string; seqId: string; shippedAt: string; trackingNumber: string | null; carrier: string | null }

/** Items SHIPPED with their date; tracking number and carrier only where given (null keeps the value). */
export async function markItemsShipped(db: Db, s: ShippedItem[]): Promise<void> {
  if (!s.length) return;
  await db.execute(sql`
    update order_items oi
    set status = 'SHIPPED',
        updated_at = now(),
        shipped_at = v.shipped_at,
        tracking_number = coalesce(v.tracking_number, oi.tracking_number),
        carrier = coalesce(v.carrier, oi.carrier)
    from unnest(${pgArray(col(s, 'orderId'), 'text')},
                ${pgArray(col(s, 'seqId'), 'text')},
                ${pgArray(col(s, 'shippedAt'), 'timestamptz')},
                ${pgArray(col(s, 'trackingNumber'), 'text')},
                ${pgArray(col(s, 'carrier'), 'text')}) as v(order_id, seq_id, shipped_at, tracking_number, carrier)
    where oi.order_id = any(${pgArray(distinct(col(s, 'orderId')), 'text')})
      and oi.order_id = v.order_id
      and oi.seq_id = v.seq_id`);
}

/** Sets the orders' statuses (rows whose status is unchanged are not written). */
export async function updateOrderStatuses(db: Db, u: { id: string; status: string }[]): Promise<void> {
  if (!u.length) return;
  await db.execute(sql`
    update orders o
    set status = v.status,
        updated_at = now()
    from unnest(${pgArray(col(u, 'id'), 'text')}, ${pgArray(col(u, 'status'), 'text')}) as v(id, status)
    where o.id = any(${pgArray(col(u, 'id'), 'text')})
      and o.id = v.id
      and o.status is distinct from v.status`);
}

// --- rejections -------------------------------------------------------------------------------

/** A NetSuite rejection to record. */
export interface RejectionRow {
  orderId: string; seqId: string; facilityId: string; quantity: number; reason: string | null; comments: string | null;
  reservationId: number | null; netsuiteRejectionId: string | null; actor: string;
}

/** Records NetSuite rejections (source `NETSUITE`). */
export async function insertRejections(db: Db, r: RejectionRow[]): Promise<void> {
  if (!r.length) return;
  await db.execute(sql`
    insert into rejections (
      order_id,
      order_item_seq_id,
      facility_id,
      quantity,
      source,
      reason,
      comments,
      reservation_id,
      netsuite_rejection_id,
      actor)
    select v.order_id,
           v.seq_id,
           v.facility_id,
           v.quantity,
           'NETSUITE',
           v.reason,
           v.comments,
           v.reservation_id,
           v.netsuite_rejection_id,
           v.actor
    from unnest(${pgArray(col(r, 'orderId'), 'text')},
                ${pgArray(col(r, 'seqId'), 'text')},
                ${pgArray(col(r, 'facilityId'), 'text')},
                ${pgArray(col(r, 'quantity'), 'int')},
                ${pgArray(col(r, 'reason'), 'text')},
                ${pgArray(col(r, 'comments'), 'text')},
                ${pgArray(col(r, 'reservationId'), 'int')},
                ${pgArray(col(r, 'netsuiteRejectionId'), 'text')},
                ${pgArray(col(r, 'actor'), 'text')})
      as v(order_id, seq_id, facility_id, quantity, reason, comments, reservation_id, netsuite_rejection_id, actor)`);
}

/** A facility excluded for an item until `until` (null: no end date). */
export interface ExclusionRow { orderId: string; seqId: string; facilityId: string; until: string | null; reason: string }

/** Excludes facilities for items (an existing exclusion gets the new end and reason). Keys must be distinct. */
export async function upsertExclusions(db: Db, e: ExclusionRow[]): Promise<void> {
  if (!e.length) return;
  await db.execute(sql`
    insert into facility_exclusions (
      order_id,
      order_item_seq_id,
      facility_id,
      until,
      reason)
    select * from unnest(${pgArray(col(e, 'orderId'), 'text')},
                         ${pgArray(col(e, 'seqId'), 'text')},
                         ${pgArray(col(e, 'facilityId'), 'text')},
                         ${pgArray(col(e, 'until'), 'timestamptz')},
                         ${pgArray(col(e, 'reason'), 'text')})
    on conflict (order_id, order_item_seq_id, facility_id) do update
    set until = excluded.until,
        reason = excluded.reason`);
}
