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
import { claimUnsentShipments, countShipmentsWaiting } from '../db/feed-exports.repo';
import { createFulfilledItemsEncoder, fulfilledItemsFeed, type FulfilledItemRow } from './codec';
import { fromOutboundFeed } from './common';
import { readOutboxFile, SALESORDER_UPDATE_LOCK, type OutboxHint } from './brokered-items';
import type { ExportSpec } from './export-runner';

/** The export spec of `GEN_FLFLD_ORD_FD_NS` (see the module comment). */
export function fulfilledItemsExport(): ExportSpec<FulfilledItemRow> {
  return {
    ...fromOutboundFeed(fulfilledItemsFeed),
    lockName: SALESORDER_UPDATE_LOCK,
    createEncoder: (deps) => createFulfilledItemsEncoder(deps.config.NETSUITE_FULFILLMENT_TAG),

    async claim(tx, { fileId, limit, state }) {
      const after = Number(state.afterReservation ?? 0);
      const r = await claimUnsentShipments(tx, fileId, after, limit);
      if (r?.last) state.afterReservation = Number(r.last);
      return { rows: r?.n ?? 0, hint: r?.first ? { firstId: r.first, lastId: r.lastId ?? undefined } : undefined, more: (r?.picked ?? 0) >= limit };
    },

    async *rows(db, args) {
      for await (const r of readOutboxFile(db, 'FULFILLED', args.fileId, args.rowCount, args.hint as OutboxHint | undefined)) {
        yield {
          internalId: r.internalId, lineId: r.lineId ?? undefined, item: r.item ?? undefined, quantity: r.quantity,
          location: r.location ?? '', orderLineId: r.orderLineId,
        };
      }
    },

    async waiting(db) {
      const r = await countShipmentsWaiting(db);
      return { waitingForIds: r.waiting, invalidIds: r.invalid };
    },
  };
}
