/**
 * The write of a brokering plan in one statement, whose parts (one per table, each a set-based
 * statement over `unnest(...)` of parallel arrays) run as data-modifying CTEs: the guarded
 * reservation of stock, the reservations and their RESERVE ledger rows, the items (updated, and
 * the new pieces of split lines), the item history, the routing decisions, the order statuses and
 * the daily order counts. A batch is written in a few of these (one per chunk of its orders, the
 * stock and the daily counts with the last), in the batch's transaction, rolled back when the
 * guard refused a row. Each UPDATE joins its rows through the primary key and is also bounded by
 * `= any(keys)`, so the planner never hashes the whole table.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from './client';
import { queryRows } from './rows';
import type { OrderResult } from '../domain/routing/types';

/** The values of one field of every row, as one array parameter (cast it in the SQL). */
const column = <T, K extends keyof T>(rows: readonly T[], k: K) => sql.param(rows.map((r) => r[k] ?? null));
const distinct = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** Units to reserve at one inventory row. */
export interface LevelReservation { productId: string; facilityId: string; quantity: number }

/** One item's reservation at a facility (quantity 0: a backordered piece with no stock yet). */
export interface PlannedReservation { orderId: string; seq: string; productId: string; facilityId: string; quantity: number }

/** An item's new state. `split`: the line was split; NetSuite must learn its new quantity (marker `netsuite_sync = SPLIT`). */
export interface PlannedItemUpdate {
  orderId: string; seq: string; status: string; facilityId: string; quantity: number;
  carrier: string | null; backordered: boolean; group: string | null; split: boolean;
}

/** A new piece of a split line: no NetSuite line id until NetSuite reports the line it adds for it. */
export interface SplitItem {
  orderId: string; seq: string; parentSeq: string; productId: string; quantity: number; unitPrice: string;
  status: string; facilityId: string; carrier: string | null; backordered: boolean; group: string | null;
}

/** One move of an item, written with the run and its actor. */
export interface PlannedMove {
  orderId: string; orderItemSeqId: string; fromStatus: string | null; toStatus: string; fromFacilityId: string | null;
  toFacilityId: string; reason: string; rule: string;
}

/** An order's routing result in a run. */
export interface PlannedDecision { orderId: string; status: string; exceptionReason: string | null; result: OrderResult }

/** An order's status after routing; a null exception reason or message keeps the one stored. */
export interface RoutedOrder { id: string; status: string; exceptionReason: string | null; exceptionMessage: string | null }

/** Everything one batch writes. `guard`: reserve only where available-to-promise covers the quantity. */
export interface PlanRows {
  runId: string; actor: string; day: string; guard: boolean;
  /** The reservations summed per inventory row (rows of 0 left out), in (product, facility) order. */
  levels: LevelReservation[];
  reservations: PlannedReservation[]; itemUpdates: PlannedItemUpdate[]; newItems: SplitItem[]; history: PlannedMove[];
  decisions: PlannedDecision[]; orders: RoutedOrder[];
  /** Orders each facility took, in facility order (the order every writer of the counts locks in). */
  facilityOrders: { facilityId: string; orders: number }[];
}

/**
 * Writes the plan in one statement and returns how many of `levels` the guarded update reserved
 * at: fewer than given means the guard refused a row (on hand - reserved - safety stock below its
 * quantity), and the caller must roll the transaction back.
 */
export async function writeBrokeringPlan(tx: Tx, p: PlanRows): Promise<number> {
  const parts: SQL[] = [];
  const part = (name: string, body: SQL | null) => { if (body) parts.push(sql`${sql.raw(name)} as (${body})`); };
  part('planned_reservations', plannedReservations(p.reservations));
  part('planned_levels', plannedLevels(p.levels));
  part('reserved', p.levels.length ? reserveLevels(p.levels, p.guard) : null);
  part('reservations_added', p.reservations.length ? insertReservations(p.runId) : null);
  part('ledger_added', p.reservations.length ? insertReserveLedger(p.runId, p.actor) : null);
  part('items_updated', updatePlannedItems(p.itemUpdates));
  part('pieces_added', insertSplitItems(p.newItems));
  part('moves_added', insertHistory(p.history, p.runId, p.actor));
  part('decisions_added', insertRoutingDecisions(p.runId, p.decisions));
  part('orders_routed', updateRoutedOrders(p.orders));
  part('counts_added', addFacilityOrderCounts(p.day, p.facilityOrders));
  if (!parts.length) return 0;
  const reserved = p.levels.length ? sql`(select count(*) from reserved)::int` : sql`0`;
  const [r] = await queryRows<{ reserved: number }>(tx, sql`with ${sql.join(parts, sql`, `)} select ${reserved} as reserved`);
  return r.reserved;
}

/** The units to reserve per inventory row as a relation (`planned_levels`). */
function plannedLevels(rows: LevelReservation[]): SQL | null {
  if (!rows.length) return null;
  return sql`
      select *
      from unnest(
             ${column(rows, 'productId')}::text[],
             ${column(rows, 'facilityId')}::text[],
             ${column(rows, 'quantity')}::int[]
           ) as level(product_id, facility_id, quantity)`;
}

/** The planned reservations as a relation (`planned_reservations`). */
function plannedReservations(rows: PlannedReservation[]): SQL | null {
  if (!rows.length) return null;
  return sql`
      select *
      from unnest(
             ${column(rows, 'orderId')}::text[],
             ${column(rows, 'seq')}::text[],
             ${column(rows, 'productId')}::text[],
             ${column(rows, 'facilityId')}::text[],
             ${column(rows, 'quantity')}::int[]
           ) as held(order_id, seq_id, product_id, facility_id, quantity)`;
}

/**
 * Adds each row's quantity (`planned_levels`) to `reserved`. With `guard`, a row whose
 * available-to-promise is below its quantity is left alone: overselling stays impossible even if
 * a bug slipped into the plan. The rows are already locked, in (product, facility) order.
 */
function reserveLevels(rows: LevelReservation[], guard: boolean): SQL {
  return sql`
      update inventory_levels il
      set reserved = il.reserved + levels.quantity,
          updated_at = now()
      from planned_levels levels,
           facilities f
      where il.product_id = any(${sql.param(distinct(rows.map((r) => r.productId)))}::text[])
        and il.product_id = levels.product_id
        and il.facility_id = levels.facility_id
        and f.id = il.facility_id
        and (${!guard} or il.on_hand - il.reserved - coalesce(il.safety_stock, f.safety_stock) >= levels.quantity)
      returning il.product_id`;
}

/** Inserts the planned reservations (ACTIVE), each tagged with the run. */
function insertReservations(runId: string): SQL {
  return sql`
      insert into reservations (
        order_id,
        order_item_seq_id,
        product_id,
        facility_id,
        quantity,
        run_id)
      select order_id,
             seq_id,
             product_id,
             facility_id,
             quantity,
             ${runId}
      from planned_reservations`;
}

/** One RESERVE ledger row per planned reservation of some units. */
function insertReserveLedger(runId: string, actor: string): SQL {
  return sql`
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
      select product_id,
             facility_id,
             'RESERVE',
             0,
             quantity,
             ${`run ${runId}`},
             order_id,
             seq_id,
             ${actor}
      from planned_reservations
      where quantity > 0`;
}

/** Updates the items' status, place, quantity, carrier, backorder flag and shipment group. */
function updatePlannedItems(rows: PlannedItemUpdate[]): SQL | null {
  if (!rows.length) return null;
  return sql`
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
        and oi.seq_id = planned.seq_id`;
}

/** Inserts the new pieces of split lines, each marked `netsuite_sync = SPLIT`. */
function insertSplitItems(rows: SplitItem[]): SQL | null {
  if (!rows.length) return null;
  return sql`
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
             ${column(rows, 'group')}::text[])`;
}

/** Appends the item moves, each naming the run, its actor and the routing rule. */
function insertHistory(rows: PlannedMove[], runId: string, actor: string): SQL | null {
  if (!rows.length) return null;
  return sql`
      insert into item_history (
        order_id,
        order_item_seq_id,
        from_status,
        to_status,
        from_facility_id,
        to_facility_id,
        reason,
        actor,
        run_id,
        rule)
      select moved.order_id,
             moved.seq_id,
             moved.from_status,
             moved.to_status,
             moved.from_facility_id,
             moved.to_facility_id,
             moved.reason,
             ${actor},
             ${runId},
             moved.rule
      from unnest(
             ${column(rows, 'orderId')}::text[],
             ${column(rows, 'orderItemSeqId')}::text[],
             ${column(rows, 'fromStatus')}::text[],
             ${column(rows, 'toStatus')}::text[],
             ${column(rows, 'fromFacilityId')}::text[],
             ${column(rows, 'toFacilityId')}::text[],
             ${column(rows, 'reason')}::text[],
             ${column(rows, 'rule')}::text[]
           ) as moved(order_id, seq_id, from_status, to_status, from_facility_id, to_facility_id, reason, rule)`;
}

/**
 * Inserts the routing decisions with the whole result as the explanation. The rows travel as one
 * JSON document, parsed once into jsonb (a `jsonb[]` literal escapes every quote in the client and
 * parses each result on its own: a third more database time).
 */
function insertRoutingDecisions(runId: string, rows: PlannedDecision[]): SQL | null {
  if (!rows.length) return null;
  const doc = JSON.stringify(rows.map((r) => ({ order_id: r.orderId, status: r.status, exception_reason: r.exceptionReason, result: r.result })));
  return sql`
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
      from jsonb_to_recordset(${doc}::jsonb) as decided(order_id text, status text, exception_reason text, result jsonb)`;
}

/** Sets the routed orders' statuses (and exception reasons). */
function updateRoutedOrders(rows: RoutedOrder[]): SQL | null {
  if (!rows.length) return null;
  return sql`
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
        and orders.id = routed.id`;
}

/** Adds to the facilities' order counts of `day`. */
function addFacilityOrderCounts(day: string, rows: { facilityId: string; orders: number }[]): SQL | null {
  if (!rows.length) return null;
  return sql`
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
      on conflict (facility_id, day) do update set count = facility_order_counts.count + excluded.count`;
}
