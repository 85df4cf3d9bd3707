/**
 * The NetSuite update outbox (`external_fulfillment`): which items need a row in the
 * brokered-items feed, the facts the planner decides on, and the rows a file holds. A file's rows
 * are its outbox rows in id order (the refusal reports count rows that way).
 */
import { sql } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { queryRows as select } from './rows';
import type { LineFact, OrderLineFacts, PlannedRow } from '../domain/netsuite-lines';

const p = sql.param;

/** Facilities fulfilled by NetSuite. */
export function netsuiteFacilityIds(db: Db): Promise<{ id: string }[]> {
  return select(db, sql`select id from facilities where fulfillment_system = 'NETSUITE'`);
}

/**
 * The next `limit` ACTIVE reservations at NetSuite facilities (after reservation `after`) that no
 * live BROKERED outbox row has sent: their order ids in reservation order.
 */
export function unsentAllocations(db: Db, facilityIds: string[], after: number, limit: number): Promise<{ id: string; orderId: string }[]> {
  return select(db, sql`
    select r.id::text as id,
           r.order_id as "orderId"
    from reservations r
    -- A probe of the outbox per reservation (LATERAL … LIMIT 1 is never turned into an anti join
    -- that reads the whole outbox): the walk costs the same at the first and at the last file.
    left join lateral (
      select 1 as one from external_fulfillment ef
      where ef.reservation_id = r.id and ef.kind = 'BROKERED' and ef.superseded_at is null
      limit 1) sent on true
    where r.status = 'ACTIVE'
      and r.id > ${after}::bigint
      and r.facility_id = any(${p(facilityIds)}::text[])
      and sent.one is null
    order by r.id
    limit ${limit}`);
}

/** Orders with a NetSuite id holding items whose `netsuite_sync` marker is set, after `after`. */
export function markedOrders(db: Db, after: string, limit: number): Promise<{ orderId: string }[]> {
  return select(db, sql`
    select distinct oi.order_id as "orderId"
    from order_items oi
    join orders o on o.id = oi.order_id
    where oi.netsuite_sync is not null
      and oi.order_id > ${after}
      and o.netsuite_order_id is not null
    order by oi.order_id
    limit ${limit}`);
}

/** Marked items whose order has no NetSuite id yet (they wait for it). */
export async function countMarkedWithoutOrderId(db: Db): Promise<number> {
  const [r] = await select<{ n: number }>(db, sql`
    select count(*)::int as n
    from order_items oi
    join orders o on o.id = oi.order_id
    where oi.netsuite_sync is not null
      and o.netsuite_order_id is null`);
  return r?.n ?? 0;
}

interface LineRow extends Omit<LineFact, 'reservationId'> {
  orderId: string;
  internalId: string | null;
  exported: boolean;
  reservationId: string | null;
}

/** Every item of the orders with what the planner needs (each order's items in sequence order, from its primary key). */
export async function lineFacts(db: Db, orderIds: string[]): Promise<OrderLineFacts[]> {
  if (!orderIds.length) return [];
  // Every lookup is a LATERAL … LIMIT 1 probe (never flattened into a hash of a whole table).
  const rows = await select<LineRow>(db, sql`
    select oi.order_id as "orderId",
           o.netsuite_order_id as "internalId",
           (o.feed_file_id is not null) as exported,
           oi.seq_id as "seqId",
           oi.parent_seq_id as "parentSeqId",
           oi.status,
           oi.quantity,
           oi.facility_id as "facilityId",
           coalesce(f.fulfillment_system = 'NETSUITE', false) as "netsuiteFacility",
           f.netsuite_location_id as location,
           pr.netsuite_item_id as item,
           r.id::text as "reservationId",
           (sent.one is not null) as "allocationSent",
           oi.netsuite_line_id as "lineId",
           oi.netsuite_line_qty as "lineQty",
           oi.netsuite_sync as sync,
           coalesce(e.announced, false) as announced,
           coalesce(e.closed_sent, false) as "closedSent"
    from unnest(${p(orderIds)}::text[]) as wanted(id)
    -- Items reached through the primary key order by order, never by a scan of order_items.
    cross join lateral (
      select * from order_items where order_id = wanted.id) oi
    cross join lateral (
      select netsuite_order_id,
             feed_file_id
      from orders where id = oi.order_id limit 1) o
    cross join lateral (
      select netsuite_item_id from products where id = oi.product_id limit 1) pr
    left join facilities f on f.id = oi.facility_id
    left join lateral (
      select id from reservations
      where order_id = oi.order_id and order_item_seq_id = oi.seq_id
        and status = 'ACTIVE' and facility_id = oi.facility_id
      limit 1) r on true
    left join lateral (
      select 1 as one from external_fulfillment
      where reservation_id = r.id and kind = 'BROKERED' and superseded_at is null
      limit 1) sent on true
    left join lateral (
      -- Only an item without a line id can have been announced, only a cancelled one closed.
      select bool_or(ef.line_id is null) as announced,
             bool_or(ef.closed) as closed_sent
      from external_fulfillment ef
      where (oi.netsuite_line_id is null or oi.status = 'CANCELLED')
        and ef.order_id = oi.order_id
        and ef.order_item_seq_id = oi.seq_id
        and (ef.line_id is null or ef.closed)
        and ef.superseded_at is null) e on true`);
  return byOrder(orderIds, rows);
}

/** The rows of `lineFacts` grouped by order, in the order of `orderIds`, each order's lines in seq order. */
function byOrder(orderIds: string[], rows: LineRow[]): OrderLineFacts[] {
  const orders = new Map<string, OrderLineFacts>();
  for (const r of rows) {
    let o = orders.get(r.orderId);
    if (!o) orders.set(r.orderId, (o = { orderId: r.orderId, internalId: r.internalId, exported: r.exported, lines: [] }));
    const { orderId: _o, internalId: _i, exported: _e, reservationId, ...line } = r;
    o.lines.push({
      ...line,
      quantity: Number(line.quantity),
      lineQty: line.lineQty === null ? null : Number(line.lineQty),
      reservationId: reservationId === null ? null : Number(reservationId),
    });
  }
  const out = orderIds.map((id) => orders.get(id)).filter((o): o is OrderLineFacts => o !== undefined);
  for (const o of out) if (o.lines.length > 1) o.lines.sort((a, b) => (a.seqId < b.seqId ? -1 : a.seqId > b.seqId ? 1 : 0));
  return out;
}

const col = <K extends keyof PlannedRow>(rows: PlannedRow[], k: K) => p(rows.map((r) => r[k]));

/** Inserts the file's outbox rows in file order, in its claim transaction; returns their ids (ascending). */
export async function insertBrokeredRows(tx: Tx, fileId: string, rows: PlannedRow[]): Promise<{ id: string }[]> {
  if (!rows.length) return [];
  return select(tx, sql`
    insert into external_fulfillment (
      reservation_id,
      order_id,
      order_item_seq_id,
      facility_id,
      quantity,
      kind,
      line_id,
      location,
      closed,
      feed_file_id)
    select v.reservation_id,
           v.order_id,
           v.seq_id,
           v.facility_id,
           v.quantity,
           'BROKERED',
           v.line_id,
           v.location,
           v.closed,
           ${fileId}
    from unnest(${col(rows, 'reservationId')}::bigint[],
                ${col(rows, 'orderId')}::text[],
                ${col(rows, 'seqId')}::text[],
                ${col(rows, 'facilityId')}::text[],
                ${col(rows, 'quantity')}::int[],
                ${col(rows, 'lineId')}::text[],
                ${col(rows, 'location')}::text[],
                ${col(rows, 'closed')}::bool[]) with ordinality
      as v(reservation_id, order_id, seq_id, facility_id, quantity, line_id, location, closed, n)
    order by v.n
    returning id::text as id`);
}

/**
 * The quantity NetSuite's line holds once a brokered-items file with these rows is claimed (in its
 * claim transaction); their `netsuite_sync` markers are settled.
 */
export async function recordSentLineQuantities(tx: Tx, lines: { orderId: string; seqId: string; quantity: number }[]): Promise<void> {
  if (!lines.length) return;
  await tx.execute(sql`
    update order_items oi
    set netsuite_line_qty = v.quantity,
        netsuite_sync = null
    from unnest(${p(lines.map((l) => l.orderId))}::text[],
                ${p(lines.map((l) => l.seqId))}::text[],
                ${p(lines.map((l) => l.quantity))}::int[])
      as v(order_id, seq_id, quantity)
    where oi.order_id = any(${p([...new Set(lines.map((l) => l.orderId))])}::text[])
      and oi.order_id = v.order_id
      and oi.seq_id = v.seq_id`);
}

/** Clears the `netsuite_sync` markers of the items (nothing left to tell NetSuite), in a claim transaction. */
export async function clearSyncMarkers(tx: Tx, items: { orderId: string; seqId: string }[]): Promise<void> {
  if (!items.length) return;
  await tx.execute(sql`
    update order_items oi
    set netsuite_sync = null
    from unnest(${p(items.map((r) => r.orderId))}::text[], ${p(items.map((r) => r.seqId))}::text[])
      as v(order_id, seq_id)
    where oi.order_id = any(${p([...new Set(items.map((r) => r.orderId))])}::text[])
      and oi.order_id = v.order_id
      and oi.seq_id = v.seq_id
      and oi.netsuite_sync is not null`);
}

/** The quantity each NetSuite line holds after a sales-order export (the original items), in its claim transaction. */
export async function recordLineQuantities(tx: Tx, lines: { orderId: string; seqId: string; quantity: number }[]): Promise<void> {
  if (!lines.length) return;
  await tx.execute(sql`
    update order_items oi
    set netsuite_line_qty = v.quantity
    from unnest(${p(lines.map((l) => l.orderId))}::text[],
                ${p(lines.map((l) => l.seqId))}::text[],
                ${p(lines.map((l) => l.quantity))}::int[])
      as v(order_id, seq_id, quantity)
    where oi.order_id = any(${p([...new Set(lines.map((l) => l.orderId))])}::text[])
      and oi.order_id = v.order_id
      and oi.seq_id = v.seq_id`);
}

/** An outbox row as a file holds it (with the order's and product's NetSuite ids). */
export interface OutboxFileRow {
  id: string;
  internalId: string;
  lineId: string | null;
  item: string | null;
  location: string | null;
  quantity: number;
  closed: boolean;
  orderLineId: string;
}

/**
 * A page of a file's outbox rows (kind, file), after outbox id `after` and up to `upto`, with the
 * order's and the product's NetSuite ids. The line id and location are those recorded at claim
 * time, so a re-upload regenerates the same bytes.
 */
export function outboxPage(
  db: Db, kind: 'BROKERED' | 'FULFILLED', fileId: string, after: string, upto: string | null, limit: number,
): Promise<OutboxFileRow[]> {
  const bound = upto ? sql`and id <= ${upto}::bigint` : sql``;
  return select(db, sql`
    select ef.id::text as id,
           o.netsuite_order_id as "internalId",
           ef.line_id as "lineId",
           p.netsuite_item_id as item,
           ef.location,
           ef.quantity,
           ef.closed,
           ef.order_item_seq_id as "orderLineId"
    from (select * from external_fulfillment
          where feed_file_id = ${fileId} and kind = ${kind} and id > ${after}::bigint ${bound}
          order by id
          limit ${limit}) ef
    cross join lateral (select netsuite_order_id from orders o where o.id = ef.order_id limit 1) o
    cross join lateral (select product_id from order_items oi
                        where oi.order_id = ef.order_id and oi.seq_id = ef.order_item_seq_id limit 1) oi
    join products p on p.id = oi.product_id
    order by ef.id`);
}
