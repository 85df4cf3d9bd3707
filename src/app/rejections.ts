/**
 * Rejecting an allocated item, from a store (Store Fulfillment App) or from NetSuite (the
 * rejected-items feed, job IMP_ORDER_ITM_RJCT). In the caller's transaction: release the reservation,
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
import { movedAway, moveItems, refreshOrderStatus } from './orders';

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
  /** The item is already back in the queue or in Exception (it was rejected): the wanted state holds, nothing to do. */
  | { kind: 'noop'; message: string }
  | Failure;

/** Seed spelling `VAR_DAMANGED` is accepted as `VAR_DAMAGED`. */
export const normalizeReasonId = (id: string) => (id.trim().toUpperCase() === 'VAR_DAMANGED' ? 'VAR_DAMAGED' : id.trim());

export const listRejectionReasons = (db: Db) => rejectionReasonRows(db);

type RejectedItem = Pick<OrderItemRow, 'orderId' | 'seqId' | 'status' | 'facilityId' | 'productId' | 'quantity'>;

/**
 * What a caller that has locked the order already read under that lock (the rejected-items
 * import, which decides its row on these facts): the item and its ACTIVE reservation.
 */
export interface LockedItem {
  item: RejectedItem;
  /** The id of the item's ACTIVE reservation; null when it has none. */
  reservationId: number | null;
}

/** What the checks found: the item, its reason (if any), where it is and its reservation. */
interface Rejectable {
  item: RejectedItem;
  reasonId: string | null;
  reason: RejectionReasonRow | undefined;
  fromFacilityId: string;
  /** Known from the caller; undefined: read it. */
  reservationId?: number | null;
}

/**
 * Rejects an item in the caller's transaction (a route's, or the import runner's savepoint for a
 * NetSuite row). Without `locked` it locks the order and reads the item and its reservation;
 * with `locked` (read by the caller under its lock) it reads neither again.
 */
export async function rejectItem(tx: Tx, input: RejectInput, locked?: LockedItem): Promise<RejectResult> {
  const checked = await checkRejectable(tx, input, locked);
  if (checked.kind !== 'ok') return checked;
  return applyRejection(tx, input, checked);
}

/** The item, under the order's lock: the caller's, or taken here. */
async function lockedItem(tx: Tx, input: RejectInput, locked?: LockedItem): Promise<RejectedItem | Failure> {
  if (locked) return locked.item;
  if (!(await lockOrder(tx, input.orderId))) return notFound('order', input.orderId);
  return (await orderItemRow(tx, input.orderId, input.seqId)) ?? notFound('order item', `${input.orderId}/${input.seqId}`);
}


/** Checks the item, the reason and the facility under the order's lock; nothing is written. */
async function checkRejectable(
  tx: Tx, input: RejectInput, locked?: LockedItem,
): Promise<({ kind: 'ok' } & Rejectable) | Failure | { kind: 'noop'; message: string }> {
  const reasonId = input.reasonId ? normalizeReasonId(input.reasonId) : null;
  const ref = `${input.orderId}/${input.seqId}`;
  const item = await lockedItem(tx, input, locked);
  if ('kind' in item) return item;
  if (input.expectedFacilityId && item.facilityId !== input.expectedFacilityId) {
    return (await movedAway(tx, input, input.expectedFacilityId)) ?? notFound('order item', `${ref} at ${input.expectedFacilityId}`);
  }
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
  return { kind: 'ok', item, reasonId, reason, fromFacilityId, reservationId: locked?.reservationId };
}

async function applyRejection(tx: Tx, input: RejectInput, r: Rejectable): Promise<RejectResult> {
  const { item, reasonId, reason, fromFacilityId } = r;
  const reservationId = r.reservationId !== undefined ? r.reservationId : (await activeReservation(tx, input.orderId, input.seqId))?.id ?? null;
  await closeReservation(tx, input.orderId, input.seqId, 'RELEASED', input.actor, `REJECTED ${reasonId ?? ''}`.trim());
  // Inventory effects are the store's to report; NetSuite keeps its own stock.
  const varianceId = reason && reason.varianceType !== 'NO_VARIANCE' && input.source === 'STORE'
    ? await applyVariance(tx, input, item, reason, fromFacilityId)
    : null;
  const rejectionId = await insertRejection(tx, {
    orderId: input.orderId, orderItemSeqId: input.seqId, facilityId: fromFacilityId, quantity: item.quantity, source: input.source,
    reason: reasonId, comments: input.comments ?? null, reservationId, actor: input.actor,
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
  return { kind: 'ok', rejectionId, reservationId, fromFacilityId, toFacilityId, varianceId };
}

/** The reason's effect on the store's on hand, and its variance row; returns the variance id, if one was written. */
async function applyVariance(tx: Tx, input: RejectInput, item: RejectedItem, reason: RejectionReasonRow, facilityId: string): Promise<string | null> {
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
