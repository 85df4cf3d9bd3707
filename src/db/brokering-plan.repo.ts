/**
 * The set-based writes of a brokering plan, one statement per function, each taking parallel
 * arrays through `unnest(...)`: the guarded reservation of stock, the reservations, the items
 * (updated, and the new pieces of split lines), the routing decisions, the order statuses and the
 * daily order counts. The caller runs them in one transaction. Each UPDATE is also bounded by
 * `= any(keys)`, so the planner reaches the rows through the primary key instead of hashing the
 * whole table.
 */
import { sql } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { rowsOf } from './rows';
import type { OrderResult } from '../domain/routing/types';

/** The values of one field of every row, as one array parameter (cast it in the SQL). */
const column = <T, K extends keyof T>(rows: readonly T[], k: K) => sql.param(rows.map((r) => r[k]));
const distinct = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** Units to reserve at one inventory row. */
export interface LevelReservation { productId: string; facilityId: string; quantity: number }

/**
 * Adds the quantities to `reserved`, one row each (give them in (product, facility) order, the
 * order every writer locks in). With `guard`, a row whose available-to-promise (on hand - reserved
 * - safety stock) is below its quantity is left alone: overselling stays impossible even if a bug
 * slipped into the plan. Returns how many rows were updated.
 */
export async function reserveLevels(tx: Tx, rows: LevelReservation[], guard: boolean): Promise<number> {
  if (!rows.length) return 0;
  const updated = await tx.execute(sql`
    update inventory_levels il
    set reserved = il.reserved + planned.quantity,
        updated_at = now()
    from unnest(
           ${column(rows, 'productId')}::text[],
           ${column(rows, 'facilityId')}::text[],
           ${column(rows, 'quantity')}::int[]
         ) as planned(product_id, facility_id, quantity),
         facilities f
    where il.product_id = any(${sql.param(distinct(rows.map((r) => r.productId)))}::text[])
      and il.product_id = planned.product_id
      and il.facility_id = planned.facility_id
      and f.id = il.facility_id
      and (${!guard} or il.on_hand - il.reserved - coalesce(il.safety_stock, f.safety_stock) >= planned.quantity)
    returning il.product_id`);
  return rowsOf(updated).length;
}

/** One item's reservation at a facility (quantity 0: a backordered piece with no stock yet). */
export interface PlannedReservation { orderId: string; seq: string; productId: string; facilityId: string; quantity: number }

/** Inserts the reservations (ACTIVE), each tagged with the run. */
export async function insertReservations(db: Db, runId: string, rows: PlannedReservation[]): Promise<void> {
  if (!rows.length) return;
  await db.execute(sql`
    insert into reservations (
      order_id,
      order_item_seq_id,
      product_id,
      facility_id,
      quantity,
      run_id)
    select held.order_id,
           held.seq_id,
           held.product_id,
           held.facility_id,
           held.quantity,
           ${runId}
    from unnest(
           ${column(rows, 'orderId')}::text[],
           ${column(rows, 'seq')}::text[],
           ${column(rows, 'productId')}::text[],
           ${column(rows, 'facilityId')}::text[],
           ${column(rows, 'quantity')}::int[]
         ) as held(order_id, seq_id, product_id, facility_id, quantity)`);
}

/** An item's new state. `split`: the line was split; NetSuite must learn its new quantity (marker `netsuite_sync = SPLIT`). */
export interface PlannedItemUpdate {
  orderId: string; seq: string; status: string; facilityId: string; quantity: number;
  carrier: string | null; backordered: boolean; group: string | null; split: boolean;
}

/** Updates the items' status, place, quantity, carrier, backorder flag and shipment group. */
export async function updatePlannedItems(db: Db, rows: PlannedItemUpdate[]): Promise<void> {
  if (!rows.length) return;
  await db.execute(sql`
    update order_items oi
    set status = planned.status,
        facility_id = planned.facility_id,
        quantity = planned.quantity,
        carrier = planned.carrier,
        backordered = planned.backordered,
        shipment_group = planned.shipment_group,
        updated_at = now(),
        netsuite_sync = case when planned.split then coalesce(oi.netsuite_sync, 'SPLIT') else oi.netsuite_sync end
    from unnest(
           ${column(rows, 'orderId')}::text[],
           ${column(rows, 'seq')}::text[],
           ${column(rows, 'status')}::text[],
           ${column(rows, 'facilityId')}::text[],
           ${column(rows, 'quantity')}::int[],
           ${column(rows, 'carrier')}::text[],
           ${column(rows, 'backordered')}::bool[],
           ${column(rows, 'group')}::text[],
           ${column(rows, 'split')}::bool[]
         ) as planned(order_id, seq_id, status, facility_id, quantity, carrier, backordered, shipment_group, split)
    where oi.order_id = any(${sql.param(distinct(rows.map((r) => r.orderId)))}::text[])
      and oi.order_id = planned.order_id
      and oi.seq_id = planned.seq_id`);
}

/** A new piece of a split line: no NetSuite line id until NetSuite reports the line it adds for it. */
export interface SplitItem {
  orderId: string; seq: string; parentSeq: string; productId: string; quantity: number; unitPrice: string;
  status: string; facilityId: string; carrier: string | null; backordered: boolean; group: string | null;
}

/** Inserts the new pieces of split lines, each marked `netsuite_sync = SPLIT`. */
export async function insertSplitItems(db: Db, rows: SplitItem[]): Promise<void> {
  if (!rows.length) return;
  await db.execute(sql`
    insert into order_items (
      order_id,
      seq_id,
      parent_seq_id,
      product_id,
      quantity,
      unit_price,
      status,
      facility_id,
      carrier,
      backordered,
      shipment_group,
      netsuite_sync)
    select *, 'SPLIT'
    from unnest(
           ${column(rows, 'orderId')}::text[],
           ${column(rows, 'seq')}::text[],
           ${column(rows, 'parentSeq')}::text[],
           ${column(rows, 'productId')}::text[],
           ${column(rows, 'quantity')}::int[],
           ${column(rows, 'unitPrice')}::numeric[],
           ${column(rows, 'status')}::text[],
           ${column(rows, 'facilityId')}::text[],
           ${column(rows, 'carrier')}::text[],
           ${column(rows, 'backordered')}::bool[],
           ${column(rows, 'group')}::text[])`);
}

/** An order's routing result in a run. */
export interface PlannedDecision { orderId: string; status: string; exceptionReason: string | null; result: OrderResult }

/** Inserts the routing decisions (with the whole result as the explanation) of a run. */
export async function insertRoutingDecisions(db: Db, runId: string, rows: PlannedDecision[]): Promise<void> {
  if (!rows.length) return;
  await db.execute(sql`
    insert into routing_decisions (
      run_id,
      order_id,
      status,
      exception_reason,
      result)
    select ${runId},
           decided.order_id,
           decided.status,
           decided.exception_reason,
           decided.result
    from unnest(
           ${column(rows, 'orderId')}::text[],
           ${column(rows, 'status')}::text[],
           ${column(rows, 'exceptionReason')}::text[],
           ${sql.param(rows.map((r) => JSON.stringify(r.result)))}::jsonb[]
         ) as decided(order_id, status, exception_reason, result)`);
}

/** An order's status after routing; a null exception reason or message keeps the one stored. */
export interface RoutedOrder { id: string; status: string; exceptionReason: string | null; exceptionMessage: string | null }

/** Sets the routed orders' statuses (and exception reasons). */
export async function updateRoutedOrders(db: Db, rows: RoutedOrder[]): Promise<void> {
  if (!rows.length) return;
  await db.execute(sql`
    update orders
    set status = routed.status,
        exception_reason = coalesce(routed.exception_reason, orders.exception_reason),
        exception_message = coalesce(routed.exception_message, orders.exception_message),
        updated_at = now()
    from unnest(
           ${column(rows, 'id')}::text[],
           ${column(rows, 'status')}::text[],
           ${column(rows, 'exceptionReason')}::text[],
           ${column(rows, 'exceptionMessage')}::text[]
         ) as routed(id, status, exception_reason, exception_message)
    where orders.id = any(${column(rows, 'id')}::text[])
      and orders.id = routed.id`);
}

/** Adds to the facilities' order counts of `day` (give them in facility order, the order every writer locks in). */
export async function addFacilityOrderCounts(db: Db, day: string, rows: { facilityId: string; orders: number }[]): Promise<void> {
  if (!rows.length) return;
  await db.execute(sql`
    insert into facility_order_counts (
      facility_id,
      day,
      count)
    select taken.facility_id,
           ${day},
           taken.orders
    from unnest(
           ${column(rows, 'facilityId')}::text[],
           ${column(rows, 'orders')}::int[]
         ) as taken(facility_id, orders)
    on conflict (facility_id, day) do update set count = facility_order_counts.count + excluded.count`);
}
