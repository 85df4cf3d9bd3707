/**
 * Fulfilled order items — OMS → NetSuite, job `GEN_FLFLD_ORD_FD_NS`.
 * `salesorder/update/fulfilledOrderItemsFeed_{ts}_{run}.csv`: `internalId,lineId,item,quantity,location,tags,orderLineId`.
 *
 * Eligible: an item SHIPPED from an OMS-fulfilled (store) facility — its CONSUMED reservation at a
 * non-virtual facility whose fulfillment system is OMS — with no `external_fulfillment` row of kind
 * FULFILLED for that reservation: each shipment is sent once. `tags` is the configured fulfilment
 * tag (`NETSUITE_FULFILLMENT_TAG`). Items shipped by NetSuite are not sent back to it.
 *
 * Needs the order's NetSuite id, the line id and the facility's NetSuite location id; without them
 * the item waits (`waitingForIds`). `item` is optional (NetSuite finds the line by `lineId`). The
 * split-line rule of the brokered-items feed applies: a piece NetSuite has no line for, never
 * announced, goes with an empty `lineId` and its `orderLineId` once every original line of the
 * order is known; a piece announced already waits for its line id. Both feeds of
 * `salesorder/update/` claim under one lock, so a piece is announced by one of them only.
 */
import { sql, type SQL } from 'drizzle-orm';
import { createFulfilledItemsEncoder, fulfilledItemsFeed, type FulfilledItemRow } from './codec';
import { queryRows, safeId, fromOutboundFeed } from './common';
import { readOutboxFile, SALESORDER_UPDATE_LOCK, type OutboxHint } from './brokered-items';
import type { ExportSpec } from './export-runner';

const unsentShipments = (extra: SQL) => sql`
  from reservations r
  join order_items oi on oi.order_id = r.order_id and oi.seq_id = r.order_item_seq_id
  join facilities f on f.id = r.facility_id
  join orders o on o.id = r.order_id
  join products p on p.id = oi.product_id
  where r.status = 'CONSUMED' and oi.status = 'SHIPPED'
    and f.fulfillment_system = 'OMS' and f.type <> 'VIRTUAL'
    and not exists (select 1 from external_fulfillment ef
                    where ef.reservation_id = r.id and ef.kind = 'FULFILLED' and ef.superseded_at is null)
    ${extra}`;

/**
 * The line NetSuite will find: its line id, or — for a piece of a split line never announced, once
 * every original line of the order is known — a new line (empty lineId + orderLineId).
 */
const lineKnownOrNew = sql`(oi.netsuite_line_id is not null or (
  oi.parent_seq_id is not null
  and not exists (select 1 from external_fulfillment ea
                  where ea.order_id = oi.order_id and ea.order_item_seq_id = oi.seq_id
                    and ea.line_id is null and ea.superseded_at is null)
  and not exists (select 1 from order_items o2
                  where o2.order_id = oi.order_id and o2.parent_seq_id is null and o2.netsuite_line_id is null)))`;
const idsPresent = sql`o.netsuite_order_id is not null and ${lineKnownOrNew} and f.netsuite_location_id is not null`;
const idsValid = sql`${safeId(sql`o.netsuite_order_id`)} and (oi.netsuite_line_id is null or ${safeId(sql`oi.netsuite_line_id`)})
  and ${safeId(sql`f.netsuite_location_id`)} and ${safeId(sql`oi.seq_id`)}
  and (p.netsuite_item_id is null or ${safeId(sql`p.netsuite_item_id`)})`;

export function fulfilledItemsExport(): ExportSpec<FulfilledItemRow> {
  return {
    ...fromOutboundFeed(fulfilledItemsFeed),
    lockName: SALESORDER_UPDATE_LOCK,
    createEncoder: (deps) => createFulfilledItemsEncoder(deps.config.NETSUITE_FULFILLMENT_TAG),

    async claim(tx, { fileId, limit, state }) {
      const after = Number(state.afterReservation ?? 0);
      const [r] = await queryRows<{ n: number; picked: number; first: string | null; lastId: string | null; last: string | null }>(tx, sql`
        with picked as (
          select r.id as reservation_id, r.order_id, r.order_item_seq_id, r.facility_id, oi.quantity,
                 oi.netsuite_line_id as line_id, f.netsuite_location_id as location
          ${unsentShipments(sql`and r.id > ${after} and ${idsPresent} and ${idsValid}`)}
          order by r.id
          limit ${limit}
        ), ins as (
          insert into external_fulfillment (reservation_id, order_id, order_item_seq_id, facility_id, quantity, kind, line_id, location, feed_file_id)
          select reservation_id, order_id, order_item_seq_id, facility_id, quantity, 'FULFILLED', line_id, location, ${fileId}
          from picked order by reservation_id
          on conflict do nothing
          returning id
        )
        select (select count(*) from ins)::int as n, (select count(*) from picked)::int as picked,
               (select min(id) from ins)::text as first, (select max(id) from ins)::text as "lastId", (select max(reservation_id) from picked)::text as last`);
      if (r?.last) state.afterReservation = Number(r.last);
      return { rows: r?.n ?? 0, hint: r?.first ? { firstId: r.first, lastId: r.lastId ?? undefined } : undefined, more: (r?.picked ?? 0) >= limit };
    },

    async *rows(db, args) {
      for await (const r of readOutboxFile(db, 'FULFILLED', args.fileId, args.rowCount, args.hint as OutboxHint | undefined)) {
        yield { internalId: r.internalId, lineId: r.lineId ?? undefined, item: r.item ?? undefined, quantity: r.quantity, location: r.location ?? '', orderLineId: r.orderLineId };
      }
    },

    async waiting(db) {
      const [r] = await queryRows<{ waiting: number; invalid: number }>(db, sql`
        select count(*) filter (where not (${idsPresent}))::int as waiting,
               count(*) filter (where ${idsPresent} and not (${idsValid}))::int as invalid
        ${unsentShipments(sql``)}`);
      return { waitingForIds: r?.waiting ?? 0, invalidIds: r?.invalid ?? 0 };
    },
  };
}
