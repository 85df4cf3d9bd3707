/**
 * The NetSuite update outbox (`external_fulfillment`): which items need a row in the
 * brokered-items feed, the facts the planner decides on, and the claims that write a file's rows.
 * A file's rows are its outbox rows in id order (the refusal reports count rows that way), read
 * back by `outbox-files.repo.ts`.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { queryRows as select } from './rows';
import type { LineFact, OrderLineFacts, PlannedRow } from '../domain/netsuite-lines';

const p = sql.param;

/** Facilities fulfilled by NetSuite. */
export function netsuiteFacilityIds(db: Db): Promise<{ id: string }[]> {
  return select(db, sql`select id from facilities where fulfillment_system = 'NETSUITE'`);
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
  /** Claim sources: the reservation id the order was found at (null: found by order id). */
  at: string | null;
}

/**
 * What the planner needs of every item of the orders `wanted`, each lookup a probe by primary key
 * or unique index (never a hash of a whole table). `wanted` is a relation of `id` (the order id),
 * `at`, and, when the statement found exactly one reservation of the order ACTIVE and unsent, that
 * reservation's item and facility (`known_seq`, `known_facility`; its id is `at`): that item skips
 * its reservation and outbox probes (scalar subqueries inside CASE, evaluated only when needed;
 * `offset 0` keeps the reservation found from being recomputed per use).
 */
const factsOf = (wanted: SQL) => sql`
    select w.at::text as at,
           oi.order_id as "orderId",
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
           case when coalesce(r.known, false) then false else exists (
             select 1 from external_fulfillment
             where reservation_id = r.id and kind = 'BROKERED' and superseded_at is null) end as "allocationSent",
           oi.netsuite_line_id as "lineId",
           oi.netsuite_line_qty as "lineQty",
           oi.netsuite_sync as sync,
           coalesce(e.announced, false) as announced,
           coalesce(e.closed_sent, false) as "closedSent"
    from ${wanted} w
    cross join lateral (
      select netsuite_order_id,
             feed_file_id
      from orders where id = w.id limit 1) o
    -- Items reached through the primary key order by order, never by a scan of order_items.
    cross join lateral (
      select * from order_items where order_id = w.id) oi
    cross join lateral (
      select netsuite_item_id from products where id = oi.product_id limit 1) pr
    left join facilities f on f.id = oi.facility_id
    cross join lateral (
      select oi.seq_id = w.known_seq as known,
             case when oi.seq_id = w.known_seq then case when w.known_facility = oi.facility_id then w.at end
                  else (select id from reservations
                        where order_id = oi.order_id and order_item_seq_id = oi.seq_id
                          and status = 'ACTIVE' and facility_id = oi.facility_id
                        limit 1) end as id
      offset 0) r
    left join lateral (
      -- Only an item without a line id can have been announced, only a cancelled one closed.
      select bool_or(ef.line_id is null) as announced,
             bool_or(ef.closed) as closed_sent
      from external_fulfillment ef
      where (oi.netsuite_line_id is null or oi.status = 'CANCELLED')
        and ef.order_id = oi.order_id
        and ef.order_item_seq_id = oi.seq_id
        and (ef.line_id is null or ef.closed)
        and ef.superseded_at is null) e on true
    -- Computed once per item, however often a caller's expressions use a column.
    offset 0`;

/** `wanted` columns of orders found by id: no reservation known (see `factsOf`). */
const NOTHING_KNOWN = sql`null::bigint as at, null::text as known_seq, null::text as known_facility`;

/** Every item of the orders with what the planner needs, in the order of `orderIds`, each order's items in sequence order. */
export async function lineFacts(db: Db, orderIds: string[]): Promise<OrderLineFacts[]> {
  if (!orderIds.length) return [];
  const rows = await select<LineRow>(db, factsOf(sql`(select id, ${NOTHING_KNOWN} from unnest(${p(orderIds)}::text[]) as u(id))`));
  const found = new Map(groupByOrder(rows).map((o) => [o.facts.orderId, o.facts]));
  return orderIds.map((id) => found.get(id)).filter((o): o is OrderLineFacts => o !== undefined);
}

/** An order a claim looks at: its facts, and the reservation id it was found at (allocations source). */
export interface ClaimCandidate { facts: OrderLineFacts; at: number | null }

/**
 * Claim source 1, in one statement: the next `limit` orders (after order id `after`, in id order)
 * with a NetSuite id holding items whose `netsuite_sync` marker is set, with their facts.
 */
export async function markedOrderFacts(db: Db, after: string, limit: number): Promise<ClaimCandidate[]> {
  const rows = await select<LineRow>(db, sql`
    with wanted as (
      select distinct oi.order_id as id,
             ${NOTHING_KNOWN}
      from order_items oi
      join orders o on o.id = oi.order_id
      where oi.netsuite_sync is not null
        and oi.order_id > ${after}
        and o.netsuite_order_id is not null
      order by oi.order_id
      limit ${limit})
    ${factsOf(sql`wanted`)}`);
  return groupByOrder(rows);
}

/** A safe NetSuite id as a regex piece: `SAFE_ID_RE` of the codec (cells.ts), its length checked apart. */
const ID = '[A-Za-z0-9_][A-Za-z0-9_.:#/@+-]*';
/** A brokered-items line of safe ids: `internalId,lineId,item,location,quantity,F,F,orderLineId`, all present. */
const PLAIN_LINE = `^${ID},${ID},${ID},${ID},[0-9]+,F,F,${ID}$`;

/**
 * The picked reservations whose order has that one item and no other, with the planner's rules
 * (src/domain/netsuite-lines.ts) in SQL: such an order is **plain** when its item is not
 * cancelled, carries no marker, is not a split piece and has no quantity change, and — when its
 * allocation is unsent at its NetSuite facility (`sends`; picked means unsent) — every id is
 * present and safe (its line matches `PLAIN_LINE`, each id at most 255 characters). A plain order
 * gets exactly the rows `planOrderLines` gives it: none, or its allocation under its line id with
 * its facility's location (no waits, no marker, no line quantity);
 * `test/feeds/export-plain.test.ts` cross-checks it. The line is the codec's (`encodeLine`): safe
 * ids, a positive integer and flags are written as they are, never quoted.
 */
const singleOrders = sql`
      select r.id as at,
             r.order_id,
             r.order_item_seq_id as seq_id,
             oi.facility_id,
             oi.quantity,
             oi.netsuite_line_id as line_id,
             f.netsuite_location_id as location,
             x.sends,
             x.plain,
             case when x.sends and x.plain then x.line end as payload
      from picked r
      -- The order's items (one index range), counted: only an order of one item is taken here.
      cross join lateral (
        select i.*, count(*) over () as n_items from order_items i where i.order_id = r.order_id) oi
      cross join lateral (
        select netsuite_order_id from orders where id = r.order_id limit 1) o
      -- Probes by primary key (LATERAL … LIMIT 1): a plain join let the planner, which expects a few
      -- picked rows, loop over a materialized copy of the whole products table for each of them.
      left join lateral (
        select netsuite_item_id from products where id = oi.product_id limit 1) pr on true
      left join lateral (
        select fulfillment_system, netsuite_location_id from facilities where id = oi.facility_id limit 1) f on true
      cross join lateral (
        select s.sends,
               s.line,
               oi.status <> 'CANCELLED' and oi.netsuite_sync is null and oi.parent_seq_id is null
                 and not coalesce(oi.netsuite_line_id is not null and oi.netsuite_line_qty <> oi.quantity, false)
                 and (not s.sends or coalesce(s.line ~ ${PLAIN_LINE} and length(o.netsuite_order_id) <= 255
                                              and length(oi.netsuite_line_id) <= 255 and length(pr.netsuite_item_id) <= 255
                                              and length(f.netsuite_location_id) <= 255 and length(oi.seq_id) <= 255, false)) as plain
        from (
          select coalesce(f.fulfillment_system = 'NETSUITE' and oi.status in ('ALLOCATED', 'PACKED')
                          and r.facility_id = oi.facility_id, false) as sends,
                 o.netsuite_order_id || ',' || oi.netsuite_line_id || ',' || pr.netsuite_item_id || ',' || f.netsuite_location_id || ','
                   || oi.quantity::text || ',F,F,' || oi.seq_id as line) s
        -- Computed once per item, however often it is used.
        offset 0) x
      where oi.seq_id = r.order_item_seq_id
        and oi.n_items = 1`;

/** Reservations walked per reservation a round may pick (sent ones are walked past). */
const WALK_FACTOR = 4;

/** What `claimPlainAllocations` did: rows written and their bytes, the last reservation looked at, the orders left to the planner. */
export interface PlainClaim {
  inserted: number;
  bytes: number;
  /** The last reservation id looked at (null: none left). */
  last: number | null;
  /** The orders it did not write (more than one item, not plain, or past the bytes), with their facts, for `planOrderLines`. */
  others: ClaimCandidate[];
}

/**
 * Claim source 2, in ONE statement: the next `limit` ACTIVE reservations at the NetSuite facilities
 * `facilityIds` (after reservation `after`, in id order, among the next `limit × WALK_FACTOR`; of
 * the orders of `lane` only, when given)
 * that no live BROKERED outbox row has sent; for the plain orders of one item among them (see
 * `singleOrders`), in reservation order while they fit in `roomBytes` bytes, the file's outbox
 * rows with their CSV lines, written to file `fileId` (one row per reservation: at most `limit`).
 * Every other order found comes back with its facts.
 */
export async function claimPlainAllocations(
  tx: Tx, a: { fileId: string; facilityIds: string[]; after: number; limit: number; roomBytes: number; lane?: ClaimLane },
): Promise<PlainClaim> {
  const w = { facilityIds: a.facilityIds, after: a.after, scan: a.limit * WALK_FACTOR, lane: a.lane };
  const rows = await select<LineRow & { inserted: number; bytes: number; last: string | null }>(tx, sql`
    with picked as (${pickUnsent(w, a.limit)}),
    ins as (${insertPlainRows(a.fileId, a.roomBytes)}),
    -- Materialized: the orders left to the planner, read once (never re-joined per item).
    others as materialized (
      select order_id as id,
             min(id) as at,
             case when count(*) = 1 then min(order_item_seq_id) end as known_seq,
             case when count(*) = 1 then min(facility_id) end as known_facility
      from picked
      -- (nothing to look for when every picked reservation was written, the usual case)
      where (select count(*) from ins) < (select count(*) from picked)
        and id not in (select at from ins)
      group by order_id)
    select s.*, o.*
    from (select (select count(*) from ins)::int as inserted,
                 (select coalesce(sum(bytes), 0) from ins)::int as bytes,
                 coalesce((select case when count(*) >= ${a.limit} then max(id) end from picked),
                          (select max(id) from (${walk(w)}) walked))::text as last) s
    left join (${factsOf(sql`others`)}) o on true`);
  const head = rows[0];
  const others = head && head.orderId !== null ? groupByOrder(rows.map(({ inserted: _n, bytes: _b, last: _l, ...r }) => r)) : [];
  return { inserted: head?.inserted ?? 0, bytes: head?.bytes ?? 0, others, last: head?.last == null ? null : Number(head.last) };
}

/**
 * One of `count` disjoint parts of the allocations, by a hash of the order id (every reservation of
 * an order falls in the same part): claims of different lanes never look at the same order.
 */
export interface ClaimLane { index: number; count: number }

interface Walk { facilityIds: string[]; after: number; scan: number; lane?: ClaimLane }

/** The order ids of the lane's part (all of them without a lane). */
const inLane = (lane: ClaimLane | undefined) => (lane && lane.count > 1
  ? sql`and (hashtext(order_id) & 2147483647) % ${lane.count}::int = ${lane.index}::int`
  : sql``);

/** The next `scan` ACTIVE reservations at the NetSuite facilities after `after` (of the lane): an ordered primary-key range. */
const walk = ({ facilityIds, after, scan, lane }: Walk) => sql`
      select id,
             order_id,
             order_item_seq_id,
             facility_id
      from reservations
      where status = 'ACTIVE'
        and id > ${after}::bigint
        and facility_id = any(${p(facilityIds)}::text[])
        ${inLane(lane)}
      order by id
      limit ${scan}`;

/**
 * The reservations a claim round picks: the first `limit` of the walk that no live BROKERED
 * outbox row has sent (a probe each: LATERAL … LIMIT 1 is never turned into an anti join that
 * reads the whole outbox, so the walk costs the same at the first and at the last file).
 */
const pickUnsent = (w: Walk, limit: number) => sql`
      select w.*
      from (${walk(w)}) w
      left join lateral (
        select 1 as one from external_fulfillment ef
        where ef.reservation_id = w.id and ef.kind = 'BROKERED' and ef.superseded_at is null
        limit 1) sent on true
      where sent.one is null
      order by w.id
      limit ${limit}`;

/**
 * The plain rows of `singleOrders` that fit in `roomBytes` (a prefix in reservation order), written
 * in that order (their outbox ids ascending); returns each row's reservation id and bytes.
 */
const insertPlainRows = (fileId: string, roomBytes: number) => sql`
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
        feed_file_id,
        payload)
      select at,
             order_id,
             seq_id,
             facility_id,
             quantity,
             'BROKERED',
             line_id,
             location,
             false,
             ${fileId},
             payload
      from (
        select s.*,
               sum(length(payload) + 1) over (order by at) as upto
        from (${singleOrders}) s
        where sends and plain) fill
      where upto <= ${roomBytes}
      order by at
      returning reservation_id as at,
                length(payload) + 1 as bytes`;

/** Fact rows grouped by order: orders by `at`, then id; each order's lines in seq order. */
function groupByOrder(rows: LineRow[]): ClaimCandidate[] {
  const orders = new Map<string, ClaimCandidate>();
  for (const r of rows) {
    let o = orders.get(r.orderId);
    if (!o) {
      o = { facts: { orderId: r.orderId, internalId: r.internalId, exported: r.exported, lines: [] }, at: r.at === null ? null : Number(r.at) };
      orders.set(r.orderId, o);
    }
    const { orderId: _o, internalId: _i, exported: _e, reservationId, at: _a, ...line } = r;
    o.facts.lines.push({
      ...line,
      quantity: Number(line.quantity),
      lineQty: line.lineQty === null ? null : Number(line.lineQty),
      reservationId: reservationId === null ? null : Number(reservationId),
    });
  }
  const out = [...orders.values()];
  out.sort((a, b) => (a.at ?? 0) - (b.at ?? 0) || (a.facts.orderId < b.facts.orderId ? -1 : a.facts.orderId > b.facts.orderId ? 1 : 0));
  for (const o of out) if (o.facts.lines.length > 1) o.facts.lines.sort((a, b) => (a.seqId < b.seqId ? -1 : a.seqId > b.seqId ? 1 : 0));
  return out;
}

/** A planned row with its CSV line, as the claim statement writes it. */
export interface ClaimedRow extends PlannedRow {
  /** The row's line of the file, without its line end (`external_fulfillment.payload`). */
  payload: string;
}

/** What a brokered-items claim also settles on the items: the quantity NetSuite's line now holds (null: unchanged), the marker cleared. */
export interface LineSettlement { orderId: string; seqId: string; quantity: number | null }

const col = <K extends keyof ClaimedRow>(rows: ClaimedRow[], k: K) => p(rows.map((r) => r[k]));

/**
 * The claim of a brokered-items file, in one statement of its claim transaction: the file's outbox
 * rows in file order (ids ascending), each with its frozen CSV line, and the items' settlements
 * (`netsuite_line_qty` recorded where given, `netsuite_sync` cleared). Returns the rows inserted.
 */
export async function claimBrokeredRows(tx: Tx, fileId: string, rows: ClaimedRow[], settle: LineSettlement[]): Promise<number> {
  if (!rows.length && !settle.length) return 0;
  const [r] = await select<{ n: number }>(tx, sql`
    with ins as (
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
        feed_file_id,
        payload)
      select v.reservation_id,
             v.order_id,
             v.seq_id,
             v.facility_id,
             v.quantity,
             'BROKERED',
             v.line_id,
             v.location,
             v.closed,
             ${fileId},
             v.payload
      from unnest(${col(rows, 'reservationId')}::bigint[],
                  ${col(rows, 'orderId')}::text[],
                  ${col(rows, 'seqId')}::text[],
                  ${col(rows, 'facilityId')}::text[],
                  ${col(rows, 'quantity')}::int[],
                  ${col(rows, 'lineId')}::text[],
                  ${col(rows, 'location')}::text[],
                  ${col(rows, 'closed')}::bool[],
                  ${col(rows, 'payload')}::text[]) with ordinality
        as v(reservation_id, order_id, seq_id, facility_id, quantity, line_id, location, closed, payload, n)
      order by v.n
      returning 1
    ), settled as (
      update order_items oi
      set netsuite_line_qty = coalesce(u.quantity, oi.netsuite_line_qty),
          netsuite_sync = null
      from unnest(${p(settle.map((l) => l.orderId))}::text[],
                  ${p(settle.map((l) => l.seqId))}::text[],
                  ${p(settle.map((l) => l.quantity))}::int[])
        as u(order_id, seq_id, quantity)
      where oi.order_id = any(${p([...new Set(settle.map((l) => l.orderId))])}::text[])
        and oi.order_id = u.order_id
        and oi.seq_id = u.seq_id
        and (u.quantity is not null or oi.netsuite_sync is not null)
      returning 1
    )
    select (select count(*) from ins)::int as n`);
  return r?.n ?? 0;
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
