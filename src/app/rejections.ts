/**
 * Rejecting an allocated item, from a store (Store Fulfillment App) or from NetSuite (the
 * rejected-items feed, job IMP_ORDER_ITM_RJCT). In one transaction: release the reservation,
 * apply the reason's inventory effect (and a variance row, pushed to NetSuite for VAR_* reasons),
 * record the rejection, exclude the facility for the item, and move the item back to the
 * brokering queue (or the parking the reason names), with history.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { facilities, facilityExclusions, orderItems, rejectionReasons, rejections, variances } from '../db/schema';
import { adjustOnHand, activeReservation, closeReservation } from '../db/inventory.repo';
import { rejectionOnHandDelta } from '../domain/inventory';
import { newId } from '../domain/ids';
import { lockOrder, moveItems, refreshOrderStatus } from './orders';
import { illegal, invalid, notFound, type Failure } from './result';

export interface RejectInput {
  orderId: string;
  seqId: string;
  /** A rejection reason id (see `listRejectionReasons`); `VAR_DAMANGED` is read as `VAR_DAMAGED`. */
  reasonId?: string | null;
  comments?: string | null;
  source: 'STORE' | 'NETSUITE';
  actor: string;
  /** The facility the caller believes holds the item (a store user's store); refused if it does not. */
  expectedFacilityId?: string;
  /** Days the facility stays excluded for this item; undefined = forever. */
  exclusionDays?: number;
  /** NetSuite's `rejectionId` (rejected-items feed v2), recorded on the rejection. */
  netsuiteRejectionId?: string | null;
}

export type RejectResult =
  | { kind: 'ok'; rejectionId: number; reservationId: number | null; fromFacilityId: string; toFacilityId: string; varianceId: string | null }
  /** The item is not allocated any more (e.g. already rejected): nothing to do. */
  | { kind: 'noop'; message: string }
  | Failure;

/** Seed spelling `VAR_DAMANGED` is accepted as `VAR_DAMAGED`. */
export const normalizeReasonId = (id: string) => (id.trim().toUpperCase() === 'VAR_DAMANGED' ? 'VAR_DAMAGED' : id.trim());

export const listRejectionReasons = (db: Db) => db.select().from(rejectionReasons).orderBy(asc(rejectionReasons.id));

export async function rejectItem(db: Db, input: RejectInput): Promise<RejectResult> {
  const reasonId = input.reasonId ? normalizeReasonId(input.reasonId) : null;
  return db.transaction(async (tx) => {
    const t = tx as Db;
    const order = await lockOrder(t, input.orderId);
    if (!order) return notFound('order', input.orderId);
    const [item] = await t.select().from(orderItems).where(and(eq(orderItems.orderId, input.orderId), eq(orderItems.seqId, input.seqId)));
    if (!item) return notFound('order item', `${input.orderId}/${input.seqId}`);
    if (input.expectedFacilityId && item.facilityId !== input.expectedFacilityId) {
      return notFound('order item', `${input.orderId}/${input.seqId} at ${input.expectedFacilityId}`);
    }
    let reason: typeof rejectionReasons.$inferSelect | undefined;
    if (reasonId) {
      [reason] = await t.select().from(rejectionReasons).where(eq(rejectionReasons.id, reasonId));
      if (!reason && input.source === 'STORE') return invalid([{ field: 'reasonId', message: `unknown rejection reason ${reasonId}` }]);
    } else if (input.source === 'STORE') {
      return invalid([{ field: 'reasonId', message: 'is required' }]);
    }
    if (item.status !== 'ALLOCATED' && item.status !== 'PACKED') {
      if (item.status === 'APPROVED' || item.status === 'EXCEPTION') return { kind: 'noop' as const, message: `item ${input.orderId}/${input.seqId} is not allocated (${item.status} at ${item.facilityId}): already rejected` };
      return illegal(`cannot reject item ${input.orderId}/${input.seqId}: it is ${item.status}`);
    }
    const fromFacilityId = item.facilityId!;
    const [fac] = await t.select().from(facilities).where(eq(facilities.id, fromFacilityId));
    if (input.source === 'NETSUITE' && fac?.fulfillmentSystem !== 'NETSUITE') {
      return invalid([{ field: 'orderItemSeqId', message: `item ${input.orderId}/${input.seqId} is at ${fromFacilityId}, not at a NetSuite facility` }]);
    }
    const res = await activeReservation(t, input.orderId, input.seqId);
    await closeReservation(t, input.orderId, input.seqId, 'RELEASED', input.actor, `REJECTED ${reasonId ?? ''}`.trim());

    let varianceId: string | null = null;
    // Inventory effects are the store's to report; NetSuite keeps its own stock.
    if (reason && reason.varianceType !== 'NO_VARIANCE' && input.source === 'STORE') {
      // Read after the release, under the row lock the release took.
      const r = await t.execute(sql`select on_hand from inventory_levels where product_id = ${item.productId} and facility_id = ${fromFacilityId} for update`);
      const [lvl] = (r as unknown as { rows: { on_hand: number }[] }).rows;
      const delta = rejectionOnHandDelta(reason.varianceType as 'ADJUST_BY_QTY' | 'ZERO_OUT', reason.varianceSign, item.quantity, Number(lvl?.on_hand ?? 0));
      if (delta !== 0) {
        await adjustOnHand(t, { productId: item.productId, facilityId: fromFacilityId, delta, kind: 'VARIANCE', reason: reason.id, actor: input.actor, orderId: input.orderId, orderItemSeqId: input.seqId });
      }
      if (delta !== 0 || reason.pushToNetsuite) {
        varianceId = newId('VAR');
        // The pushed delta is the rejected quantity with the reason's sign (what the store reported).
        const pushed = reason.varianceType === 'ZERO_OUT' ? delta : reason.varianceSign * item.quantity;
        await t.insert(variances).values({ id: varianceId, productId: item.productId, facilityId: fromFacilityId, reason: reason.id, quantity: pushed, orderId: input.orderId, orderItemSeqId: input.seqId, pushToNetsuite: reason.pushToNetsuite });
      }
    }

    const [rej] = await t.insert(rejections).values({
      orderId: input.orderId, orderItemSeqId: input.seqId, facilityId: fromFacilityId, quantity: item.quantity, source: input.source,
      reason: reasonId, comments: input.comments ?? null, reservationId: res?.id ?? null, actor: input.actor,
      netsuiteRejectionId: input.netsuiteRejectionId ?? null,
    }).returning({ id: rejections.id });
    const until = input.exclusionDays ? new Date(Date.now() + input.exclusionDays * 86_400_000) : null;
    await t.insert(facilityExclusions).values({ orderId: input.orderId, orderItemSeqId: input.seqId, facilityId: fromFacilityId, until, reason: `REJECTED ${reasonId ?? input.source}` })
      .onConflictDoUpdate({ target: [facilityExclusions.orderId, facilityExclusions.orderItemSeqId, facilityExclusions.facilityId], set: { until, reason: `REJECTED ${reasonId ?? input.source}` } });
    const toFacilityId = reason?.targetFacilityId ?? '_NA_';
    await moveItems(t, input.orderId, [item], 'reject', toFacilityId, `REJECTED ${reasonId ?? ''} by ${input.source}`.trim(), input.actor, { set: { backordered: false, carrier: null, shipmentGroup: null } });
    await refreshOrderStatus(t, input.orderId);
    return { kind: 'ok' as const, rejectionId: rej.id, reservationId: res?.id ?? null, fromFacilityId, toFacilityId, varianceId };
  });
}
