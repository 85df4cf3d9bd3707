/**
 * Brokered order items (allocation sync) — OMS → NetSuite, job `GEN_BRKR_ORD_FD_NS`.
 * `salesorder/update/brokeredOrderItemsFeed_{ts}_{run}.csv`: `internalId,lineId,item,location,quantity,closed,rejected`.
 *
 * Eligible: an item ALLOCATED or PACKED at a facility whose fulfillment system is NETSUITE, holding
 * an ACTIVE reservation (= this allocation) with no `external_fulfillment` row of kind BROKERED.
 * The outbox row is keyed by the reservation, so an item re-brokered after a rejection (a new
 * reservation) is sent again, and one allocation is sent once. `quantity` is the item's quantity.
 *
 * An eligible item whose order has no NetSuite order id, or whose line, product or facility has no
 * NetSuite id, waits (never dropped) and is counted as `waitingForIds`; one whose ids are present
 * but not valid NetSuite ids is counted as `invalidIds` (also waits: it would make the file invalid).
 *
 * Claiming walks the ACTIVE reservations at NetSuite facilities in id order from a per-run cursor,
 * up to `WINDOW` unsent ones per statement (index range scan and primary-key probes, so a claim
 * costs the same at the 1st and the 40th file of a million-row run), and counts the waiting items
 * on the way.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { brokeredItemsFeed } from './codec';
import { queryRows, safeId, SAFE_ID_SQL, fromOutboundFeed } from './common';
import type { ExportSpec } from './export-runner';

const PAGE = 5000;
const WINDOW = 25_000;

export interface OutboxRow {
  internalId: string;
  lineId: string;
  /** Brokered: always set; fulfilled: may be absent (the line is found by `lineId`). */
  item?: string;
  location: string;
  quantity: number;
}

interface ClaimState {
  afterReservation?: number;
  waitingForIds?: number;
  invalidIds?: number;
}

export function brokeredItemsExport(): ExportSpec<OutboxRow> {
  return {
    ...fromOutboundFeed(brokeredItemsFeed),
    createEncoder: () => brokeredItemsFeed.createEncoder(),

    async claim(tx, { fileId, limit, state: s }) {
      const state = s as ClaimState;
      // NetSuite facilities (a small table): all of them, and those with a usable location id.
      const facs = await queryRows<{ id: string; loc: string | null }>(tx, sql`
        select id, netsuite_location_id as loc from facilities where fulfillment_system = 'NETSUITE'`);
      if (!facs.length) return { rows: 0, more: false };
      const all = facs.map((f) => f.id);
      const located = facs.filter((f) => f.loc !== null).map((f) => f.id);
      const valid = facs.filter((f) => f.loc !== null && new RegExp(SAFE_ID_SQL).test(f.loc)).map((f) => f.id);

      // The windows are big; JIT compilation would cost more than it saves (and PGlite accepts it too).
      await tx.execute(sql`set local jit = off`);
      let remaining = limit;
      let rows = 0;
      let first: string | undefined;
      let last: string | undefined;
      let exhausted = false;
      while (remaining > 0 && !exhausted) {
        const after = state.afterReservation ?? 0;
        const [r] = await queryRows<{ n: number; picked: number; first: string | null; last: string | null; upto: string | null; found: number; waiting: number; invalid: number }>(tx, sql`
          with cand as (
            -- The next WINDOW not-yet-sent allocations at NetSuite facilities, walked in reservation id
            -- order (LATERAL … LIMIT 1 is never flattened: one primary-key probe per row, no table scans).
            select r.id, r.order_id, r.order_item_seq_id, r.facility_id, oi.quantity,
                   (o.netsuite_order_id is not null and oi.netsuite_line_id is not null and p.netsuite_item_id is not null
                     and r.facility_id = any(${sql.param(located)}::text[])) as present,
                   (${safeId(sql`o.netsuite_order_id`)} and ${safeId(sql`oi.netsuite_line_id`)} and ${safeId(sql`p.netsuite_item_id`)}
                     and r.facility_id = any(${sql.param(valid)}::text[])) as valid
            from reservations r
            cross join lateral (select quantity, status, facility_id, netsuite_line_id, product_id from order_items oi
                                where oi.order_id = r.order_id and oi.seq_id = r.order_item_seq_id limit 1) oi
            cross join lateral (select netsuite_order_id from orders o where o.id = r.order_id limit 1) o
            join products p on p.id = oi.product_id
            left join lateral (select 1 as sent from external_fulfillment ef where ef.reservation_id = r.id and ef.kind = 'BROKERED' limit 1) ef on true
            where r.status = 'ACTIVE' and r.id > ${after}::bigint and r.facility_id = any(${sql.param(all)}::text[])
              and oi.status in ('ALLOCATED', 'PACKED') and oi.facility_id = r.facility_id and ef.sent is null
            order by r.id
            limit ${WINDOW}
          ), pick as (
            select * from cand where present and valid order by id limit ${remaining}
          ), ins as (
            insert into external_fulfillment (reservation_id, order_id, order_item_seq_id, facility_id, quantity, kind, feed_file_id)
            select id, order_id, order_item_seq_id, facility_id, quantity, 'BROKERED', ${fileId} from pick order by id
            on conflict do nothing
            returning id
          ), bound as (
            -- Where this statement stopped: the last picked row when the file is full, else the last candidate.
            select case when (select count(*) from pick) >= ${remaining} then (select max(id) from pick) else (select max(id) from cand) end as upto
          )
          select (select count(*) from ins)::int as n, (select count(*) from pick)::int as picked,
                 (select min(id) from ins)::text as first, (select max(id) from ins)::text as last, (select upto from bound)::text as upto,
                 (select count(*) from cand)::int as found,
                 (select count(*) from cand, bound where cand.id <= bound.upto and not present)::int as waiting,
                 (select count(*) from cand, bound where cand.id <= bound.upto and present and not valid)::int as invalid`);
        if (r.upto !== null) state.afterReservation = Number(r.upto);
        state.waitingForIds = (state.waitingForIds ?? 0) + r.waiting;
        state.invalidIds = (state.invalidIds ?? 0) + r.invalid;
        exhausted = r.found < WINDOW && r.picked < remaining;
        rows += r.n;
        remaining -= r.n;
        if (r.first !== null && first === undefined) first = r.first;
        if (r.last !== null) last = r.last;
      }
      return { rows, hint: first ? { firstId: first, lastId: last } : undefined, more: !exhausted };
    },

    rows: (db, args) => readOutboxRows(db, 'BROKERED', args.fileId, args.rowCount, args.hint as OutboxHint | undefined),

    async waiting(_db, _deps, state) {
      const s = state as ClaimState;
      return { waitingForIds: s.waitingForIds ?? 0, invalidIds: s.invalidIds ?? 0 };
    },
  };
}

export interface OutboxHint {
  /** First and last outbox id of the file (known in the run that claimed it). */
  firstId?: string;
  lastId?: string;
}

/**
 * The rows of an outbox file (`external_fulfillment` of `kind` marked with `fileId`), in outbox
 * order, with the NetSuite ids of the order, line, product and facility. Pages are taken from the
 * outbox first (primary-key range) and joined after; the next page is fetched while the current
 * one is consumed.
 */

export async function* readOutboxRows(db: Db, kind: 'BROKERED' | 'FULFILLED', fileId: string, rowCount: number, hint?: OutboxHint): AsyncGenerator<OutboxRow> {
  // Without a hint (a re-upload in a later run) the first page scans the outbox up to the file's rows.
  const upto = hint?.lastId ? sql`and id <= ${hint.lastId}::bigint` : sql``;
  const page = (after: string, n: number) => queryRows<OutboxRow & { id: string }>(db, sql`
    select ef.id::text as id, o.netsuite_order_id as "internalId", oi.netsuite_line_id as "lineId",
           p.netsuite_item_id as item, f.netsuite_location_id as location, ef.quantity
    from (select * from external_fulfillment
          where feed_file_id = ${fileId} and kind = ${kind} and id > ${after}::bigint ${upto}
          order by id limit ${n}) ef
    cross join lateral (select netsuite_order_id from orders o where o.id = ef.order_id limit 1) o
    cross join lateral (select netsuite_line_id, product_id from order_items oi where oi.order_id = ef.order_id and oi.seq_id = ef.order_item_seq_id limit 1) oi
    join products p on p.id = oi.product_id
    join facilities f on f.id = ef.facility_id
    order by ef.id`);
  // A file's outbox rows were inserted by one claim transaction, so their ids are close together:
  // starting at the first one (when known), bounded by the last, and stopping after `rowCount` rows
  // keeps every page a short primary-key range scan.
  let after = hint?.firstId ? String(BigInt(hint.firstId) - 1n) : '0';
  let left = rowCount;
  const fetch = (n: number) => {
    const p = page(after, Math.min(PAGE, n));
    p.catch(() => {}); // an abandoned prefetch must not become an unhandled rejection
    return p;
  };
  let next = left > 0 ? fetch(left) : undefined;
  while (next) {
    const rows = await next;
    if (!rows.length) return;
    left -= rows.length;
    after = rows[rows.length - 1].id;
    next = left > 0 ? fetch(left) : undefined;
    for (const r of rows) yield { internalId: r.internalId, lineId: r.lineId, item: r.item ?? undefined, location: r.location, quantity: r.quantity };
  }
}
