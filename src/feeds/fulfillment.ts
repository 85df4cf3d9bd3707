/**
 * Fulfilment — NetSuite → OMS, job `IMP_ODR_ITM_FLFLMNT`.
 * `salesorder/import/fulfillment/*-SalesOrderFulfillment.csv`:
 * `orderId,orderItemSeqId,externalFacilityId,shippedDate,quantity,trackingNumber,carrier,shippingMethod,shippingMethodId`.
 *
 * Each row marks an item SHIPPED (`markShipped`): its reservation is closed CONSUMED (the units
 * leave on hand), the item moves ALLOCATED/PACKED → SHIPPED with history, tracking number, carrier
 * and ship date, and the order status is re-derived. Business key `{orderId}/{orderItemSeqId}`
 * (SHIPPED is final). An item already SHIPPED is a reported no-op.
 *
 * Row errors: unknown order or item; item not allocated (or packed) at a NetSuite facility;
 * `externalFacilityId` given and different from the facility's NetSuite location; `quantity`
 * different from the item's (partial fulfilment of an item is not supported: the OMS splits lines
 * at brokering, NetSuite ships whole allocations).
 *
 * Two paths: `apply` runs one row through `markShipped` (row by row, in savepoints); `applyBatch`
 * applies a chunk set-based with the same checks and effects (`fulfillment-bulk.ts`).
 */
import { markShipped } from '../app/fulfilment';
import { fulfillmentFeed, type FulfillmentRecord } from './codec';
import type { FacilityFact } from '../db/feed-bulk.repo';
import { applyFulfilmentBatch } from './fulfillment-bulk';
import type { ImportSpec, RowOutcome } from './import-runner';
import { fromInboundFeed, toRowOutcome } from './common';

export const IMP_ODR_ITM_FLFLMNT = 'IMP_ODR_ITM_FLFLMNT';
export { markShipped, type ShipInput, type ShipResult } from '../app/fulfilment';

export function fulfillmentImport(): ImportSpec<FulfillmentRecord> {
  const cache: { facilities?: FacilityFact[] } = {};
  return {
    ...fromInboundFeed(fulfillmentFeed),
    job: IMP_ODR_ITM_FLFLMNT,
    batchSize: 100,
    bulkBatchSize: 2000,
    applyBatch: (tx, rows, ctx) => applyFulfilmentBatch(tx, rows, ctx, cache),
    laneKey: (rec) => rec.orderId,

    async apply(tx, rec, rc): Promise<RowOutcome> {
      // The key is claimed after the checks below would pass: claim first, and let a failed check
      // roll the savepoint (and so the key) back.
      if (!(await rc.claimKey(`${rec.orderId}/${rec.orderItemSeqId}`))) {
        return { kind: 'noop', message: `fulfilment of ${rec.orderId}/${rec.orderItemSeqId} was already applied` };
      }
      const r = await markShipped(tx, {
        orderId: rec.orderId, seqId: rec.orderItemSeqId, source: 'NETSUITE', actor: rc.actor, quantity: rec.quantity,
        externalFacilityId: rec.externalFacilityId, shippedAt: rec.shippedDate, trackingNumber: rec.trackingNumber, carrier: rec.carrier,
      });
      if (r.kind === 'ok') return { kind: 'applied' };
      return r.kind === 'noop' ? r : toRowOutcome(r);
    },
  };
}
