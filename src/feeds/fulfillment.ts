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
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { facilities, orderItems } from '../db/schema';
import { closeReservation } from '../db/inventory.repo';
import { lockOrder, moveItems, refreshOrderStatus } from '../app/orders';
import { fulfillmentFeed, type FulfillmentRecord } from './codec';
import type { ImportSpec, RowOutcome } from './import-runner';

export const IMP_ODR_ITM_FLFLMNT = 'IMP_ODR_ITM_FLFLMNT';

export interface ShipInput {
  orderId: string;
  seqId: string;
  /** NETSUITE: the item must be at a NetSuite facility; STORE: at an OMS-fulfilled one. */
  source: 'NETSUITE' | 'STORE';
  actor: string;
  quantity?: number;
  /** NetSuite location the shipment left from, when known. */
  externalFacilityId?: string;
  shippedAt?: Date;
  trackingNumber?: string;
  carrier?: string;
}

export type ShipResult =
  | { kind: 'ok' }
  | { kind: 'noop'; message: string }
  | { kind: 'error'; field: string; message: string };

/**
 * Ships one allocated item, inside the caller's transaction (takes the order lock). Also what a
 * store shipment would call (`source: 'STORE'`) until the store app has its own use case.
 */
export async function markShipped(tx: Db, input: ShipInput): Promise<ShipResult> {
  const { orderId, seqId } = input;
  const order = await lockOrder(tx, orderId);
  if (!order) return { kind: 'error', field: 'orderId', message: `unknown order ${orderId}` };
  const [item] = await tx.select().from(orderItems).where(and(eq(orderItems.orderId, orderId), eq(orderItems.seqId, seqId)));
  if (!item) return { kind: 'error', field: 'orderItemSeqId', message: `unknown order item ${orderId}/${seqId}` };
  if (item.status === 'SHIPPED') return { kind: 'noop', message: `item ${orderId}/${seqId} is already shipped` };
  if (item.status !== 'ALLOCATED' && item.status !== 'PACKED') {
    return { kind: 'error', field: 'orderItemSeqId', message: `item ${orderId}/${seqId} is ${item.status}, not allocated: cannot ship it` };
  }
  const [fac] = await tx.select().from(facilities).where(eq(facilities.id, item.facilityId!));
  const wanted = input.source === 'NETSUITE' ? 'NETSUITE' : 'OMS';
  if (!fac || fac.fulfillmentSystem !== wanted || fac.type === 'VIRTUAL') {
    const what = input.source === 'NETSUITE' ? 'a NetSuite facility' : 'an OMS-fulfilled facility';
    return { kind: 'error', field: 'orderItemSeqId', message: `item ${orderId}/${seqId} is at ${item.facilityId}, not at ${what}` };
  }
  if (input.externalFacilityId && fac.netsuiteLocationId && input.externalFacilityId !== fac.netsuiteLocationId) {
    return {
      kind: 'error', field: 'externalFacilityId',
      message: `shipped from NetSuite location ${input.externalFacilityId}, but item ${orderId}/${seqId} is allocated at ${fac.id} (location ${fac.netsuiteLocationId})`,
    };
  }
  if (input.quantity !== undefined && input.quantity !== item.quantity) {
    return { kind: 'error', field: 'quantity', message: `shipped quantity ${input.quantity} differs from the item quantity ${item.quantity} (partial fulfilment of an item is not supported)` };
  }
  const reason = `SHIPPED by ${input.source}`;
  await closeReservation(tx, orderId, seqId, 'CONSUMED', input.actor, reason);
  await moveItems(tx, orderId, [item], 'ship', undefined, reason, input.actor, {
    set: {
      shippedAt: input.shippedAt ?? new Date(),
      ...(input.trackingNumber !== undefined && { trackingNumber: input.trackingNumber }),
      ...(input.carrier !== undefined && { carrier: input.carrier }),
    },
  });
  await refreshOrderStatus(tx, orderId);
  return { kind: 'ok' };
}

export function fulfillmentImport(): ImportSpec<FulfillmentRecord> {
  return {
    feed: fulfillmentFeed.name,
    folder: fulfillmentFeed.folder,
    pattern: fulfillmentFeed.pattern,
    job: IMP_ODR_ITM_FLFLMNT,
    decode: (input) => fulfillmentFeed.decode(input),
    batchSize: 100,

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
      return r;
    },
  };
}
