/**
 * Rejecting an allocated item, from a store (Store Fulfillment App) or from NetSuite (the
 * rejected-items feed, job IMP_ORDER_ITM_RJCT). In one transaction: release the reservation,
 * apply the reason's inventory effect (and a variance row, pushed to NetSuite for VAR_* reasons),
 * record the rejection, exclude the facility for the item, and move the item back to the
 * brokering queue (or the parking the reason names), with history.
 */
import type { Db, Tx } from '../db/client';
import { facilityRow } from '../db/catalog.repo';
import { activeReservation, adjustOnHand, closeReservation, insertVariance, lockedOnHand } from '../db/inventory.repo';
import { lockOrder, orderItemRow, type OrderItemRow } from '../db/orders.repo';
import { excludeFacility, insertRejection, rejectionReasonRow, rejectionReasonRows, type RejectionReasonRow } from '../db/rejections.repo';
import { rejectionOnHandDelta } from '../domain/inventory';
import { newId } from '../domain/ids';
import { illegal, invalidField, notFound, type Failure } from '../domain/result';
import { moveItems, refreshOrderStatus } from './orders';

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

export const listRejectionReasons = (db: Db) => rejectionReasonRows(db);

/** What the checks found: the item, its reason (if any) and where it is. */
interface Rejectable { item: OrderItemRow; reasonId: string | null; reason: RejectionReasonRow | undefined; fromFacilityId: string }

export async function rejectItem(db: Db, input: RejectInput): Promise<RejectResult> {
  return db.transaction(async (tx) => {
    const checked = await checkRejectable(tx, input);
    if (checked.kind !== 'ok') return checked;
    return applyRejection(tx, input, checked);
  });
}

/** Locks the order and checks the item, the reason and the facility; nothing is written. */
async function checkRejectable(tx: Tx, input: RejectInput): Promise<({ kind: 'ok' } & Rejectable) | Failure | { kind: 'noop'; message: string }> {
  const reasonId = input.reasonId ? normalizeReasonId(input.reasonId) : null;
  const ref = `${input.orderId}/${input.seqId}`;
  if (!(await lockOrder(tx, input.orderId))) return notFound('order', input.orderId);
  const item = await orderItemRow(tx, input.orderId, input.seqId);
  if (!item) return notFound('order item', ref);
  if (input.expectedFacilityId && item.facilityId !== input.expectedFacilityId) return notFound('order item', `${ref} at ${input.expectedFacilityId}`);
  const reason = reasonId ? await rejectionReasonRow(tx, reasonId) : undefined;
  if (input.source === 'STORE' && !reasonId) return invalidField('reasonId', 'is required');
  if (input.source === 'STORE' && !reason) return invalidField('reasonId', `unknown rejection reason ${reasonId}`);
  if (item.status !== 'ALLOCATED' && item.status !== 'PACKED') {
    if (item.status === 'APPROVED' || item.status === 'EXCEPTION') {
      return { kind: 'noop', message: `item ${ref} is not allocated (${item.status} at ${item.facilityId}): already rejected` };
    }
    return illegal(`cannot reject item ${ref}: it is ${item.status}`);
  }
  const fromFacilityId = item.facilityId!;
  const fac = await facilityRow(tx, fromFacilityId);
  if (input.source === 'NETSUITE' && fac?.fulfillmentSystem !== 'NETSUITE') {
    return invalidField('orderItemSeqId', `item ${ref} is at ${fromFacilityId}, not at a NetSuite facility`);
  }
  return { kind: 'ok', item, reasonId, reason, fromFacilityId };
}

async function applyRejection(tx: Tx, input: RejectInput, { item, reasonId, reason, fromFacilityId }: Rejectable): Promise<RejectResult> {
  const res = await activeReservation(tx, input.orderId, input.seqId);
  await closeReservation(tx, input.orderId, input.seqId, 'RELEASED', input.actor, `REJECTED ${reasonId ?? ''}`.trim());
  // Inventory effects are the store's to report; NetSuite keeps its own stock.
  const varianceId = reason && reason.varianceType !== 'NO_VARIANCE' && input.source === 'STORE'
    ? await applyVariance(tx, input, item, reason, fromFacilityId)
    : null;
  const rejectionId = await insertRejection(tx, {
    orderId: input.orderId, orderItemSeqId: input.seqId, facilityId: fromFacilityId, quantity: item.quantity, source: input.source,
    reason: reasonId, comments: input.comments ?? null, reservationId: res?.id ?? null, actor: input.actor,
    netsuiteRejectionId: input.netsuiteRejectionId ?? null,
  });
  const until = input.exclusionDays ? new Date(Date.now() + input.exclusionDays * 86_400_000) : null;
  await excludeFacility(tx, {
    orderId: input.orderId, orderItemSeqId: input.seqId, facilityId: fromFacilityId, until, reason: `REJECTED ${reasonId ?? input.source}`,
  });
  const toFacilityId = reason?.targetFacilityId ?? '_NA_';
  await moveItems(tx, input.orderId, [item], 'reject', toFacilityId, `REJECTED ${reasonId ?? ''} by ${input.source}`.trim(), input.actor, {
    set: { backordered: false, carrier: null, shipmentGroup: null },
  });
  await refreshOrderStatus(tx, input.orderId);
  return { kind: 'ok', rejectionId, reservationId: res?.id ?? null, fromFacilityId, toFacilityId, varianceId };
}

/** The reason's effect on the store's on hand, and its variance row; returns the variance id, if one was written. */
async function applyVariance(tx: Tx, input: RejectInput, item: OrderItemRow, reason: RejectionReasonRow, facilityId: string): Promise<string | null> {
  // Read after the release, under the row lock the release took.
  const onHand = await lockedOnHand(tx, item.productId, facilityId);
  const delta = rejectionOnHandDelta(reason.varianceType as 'ADJUST_BY_QTY' | 'ZERO_OUT', reason.varianceSign, item.quantity, onHand);
  const at = { productId: item.productId, facilityId, orderId: input.orderId, orderItemSeqId: input.seqId };
  if (delta !== 0) await adjustOnHand(tx, { ...at, delta, kind: 'VARIANCE', reason: reason.id, actor: input.actor });
  if (delta === 0 && !reason.pushToNetsuite) return null;
  const varianceId = newId('VAR');
  // The pushed delta is the rejected quantity with the reason's sign (what the store reported).
  const pushed = reason.varianceType === 'ZERO_OUT' ? delta : reason.varianceSign * item.quantity;
  await insertVariance(tx, { id: varianceId, ...at, reason: reason.id, quantity: pushed, pushToNetsuite: reason.pushToNetsuite });
  return varianceId;
}
