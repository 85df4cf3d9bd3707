/**
 * Pure decisions of the rejected-items import (contracts/feeds.md v2), shared by the row-by-row
 * path and the bulk path so both decide every row the same way. `decideRejection` reads the facts
 * of a chunk; `settleRejection` updates them as if the row had been applied, so the next row of
 * the same chunk sees the item back in the queue (rows are decided in file order).
 */
import { normalizeReasonId } from '../app/rejections';
import type { RejectedItemRecord } from './codec';
import type { FacilityFact, ItemFact, ReasonFact, ReservationFact } from '../db/feed-bulk.repo';
import type { RowOutcome } from './import-runner';

/** The map key of an order item. */
export const itemKey = (orderId: string, seqId: string) => `${orderId}\u0000${seqId}`;

/** What a chunk's rows are decided on, updated as each row is settled. */
export interface RejectionFacts {
  orders: Set<string>;
  items: Map<string, ItemFact>;
  /** ACTIVE reservation per item (`itemKey`). */
  reservations: Map<string, ReservationFact>;
  facilities: Map<string, FacilityFact>;
  /** NetSuite location id → the facilities carrying it. */
  locations: Map<string, FacilityFact[]>;
  reasons: Map<string, ReasonFact>;
  /** Business keys recorded as applied (before this chunk, and by the rows decided so far). */
  appliedKeys: Set<string>;
}

/** A row that applies, with everything its writes need. */
export interface RejectionPlan {
  kind: 'apply';
  /** The row's business key (null: a legacy row on an item without a reservation). */
  key: string | null;
  item: ItemFact;
  reservation: ReservationFact | undefined;
  /** The reason recorded (null when the reason has an inventory effect: kept in the comments). */
  reasonId: string | null;
  comments: string | null;
  toFacilityId: string;
  netsuiteRejectionId: string | null;
}

/** A row's decision: the plan, or why it does not apply. */
export type RejectionDecision = RejectionPlan | Exclude<RowOutcome, { kind: 'applied' }>;

/** Builds the lookup maps of a chunk. */
export function rejectionFacts(p: {
  orderIds: string[]; items: ItemFact[]; reservations: ReservationFact[]; facilities: FacilityFact[]; reasons: ReasonFact[]; appliedKeys: Set<string>;
}): RejectionFacts {
  const locations = new Map<string, FacilityFact[]>();
  for (const f of p.facilities) if (f.netsuiteLocationId) locations.set(f.netsuiteLocationId, [...(locations.get(f.netsuiteLocationId) ?? []), f]);
  return {
    orders: new Set(p.orderIds),
    items: new Map(p.items.map((i) => [itemKey(i.orderId, i.seqId), i])),
    reservations: new Map(p.reservations.map((r) => [itemKey(r.orderId, r.seqId), r])),
    facilities: new Map(p.facilities.map((f) => [f.id, f])),
    locations, reasons: new Map(p.reasons.map((r) => [r.id, r])), appliedKeys: new Set(p.appliedKeys),
  };
}

/** The business key a row would claim given the item's current reservation. */
export function rejectionKey(rec: RejectedItemRecord, res: ReservationFact | undefined): string | null {
  if (rec.rejectionId !== undefined) return `rejection:${rec.rejectionId}`;
  return res ? `${rec.orderId}/${rec.orderItemSeqId}/R${res.id}` : null;
}

function reasonOf(rec: RejectedItemRecord, facts: RejectionFacts) {
  const reason = rec.rejectionReason ? normalizeReasonId(rec.rejectionReason) : undefined;
  const known = reason !== undefined ? facts.reasons.get(reason) : undefined;
  // NetSuite owns its stock: a reason with an inventory effect is recorded in the comments only.
  const keepInComments = known !== undefined && known.varianceType !== 'NO_VARIANCE';
  const comments = keepInComments
    ? [rec.rejectionComments, `reason ${reason} (no inventory effect at a NetSuite facility)`].filter(Boolean).join('; ')
    : rec.rejectionComments ?? null;
  const reasonId = keepInComments ? null : reason ?? null;
  return { reasonId, comments, toFacilityId: (reasonId !== null ? facts.reasons.get(reasonId)?.targetFacilityId : undefined) ?? '_NA_' };
}

/** Where the row stands with the item's place: null when it may apply, else why not. */
function placeCheck(rec: RejectedItemRecord, item: ItemFact, facts: RejectionFacts): Exclude<RowOutcome, { kind: 'applied' }> | null {
  const what = `${rec.orderId}/${rec.orderItemSeqId}`;
  const at = item.facilityId ? facts.facilities.get(item.facilityId) : undefined;
  if (rec.facilityId !== undefined) {
    const named = (facts.locations.get(rec.facilityId) ?? []).filter((f) => f.fulfillmentSystem === 'NETSUITE');
    if (!facts.locations.has(rec.facilityId)) return { kind: 'error', field: 'facilityId', message: `unknown NetSuite location ${rec.facilityId}` };
    if (!named.length) return { kind: 'error', field: 'facilityId', message: `NetSuite location ${rec.facilityId} is not a NetSuite-fulfilled facility` };
    if (item.status !== 'ALLOCATED' && item.status !== 'PACKED') return notAllocated(what, item);
    if (!named.some((f) => f.id === item.facilityId)) {
      const location = at?.netsuiteLocationId ?? 'none';
      const message = `item ${what} is at ${item.facilityId} (location ${location}), not at location ${rec.facilityId}: a stale rejection`;
      return { kind: 'noop', message };
    }
    return null;
  }
  if (item.status !== 'ALLOCATED' && item.status !== 'PACKED') return notAllocated(what, item);
  if (at?.fulfillmentSystem !== 'NETSUITE') return { kind: 'noop', message: `item ${what} is at ${item.facilityId}, not at a NetSuite facility` };
  return null;
}

function notAllocated(what: string, item: ItemFact): Exclude<RowOutcome, { kind: 'applied' }> {
  if (item.status === 'APPROVED' || item.status === 'EXCEPTION') {
    return { kind: 'noop', message: `item ${what} is not allocated (${item.status} at ${item.facilityId}): already rejected` };
  }
  return { kind: 'noop', message: `item ${what} is ${item.status}: nothing to reject` };
}

/** What one row does, given the facts of its chunk (no I/O). */
export function decideRejection(rec: RejectedItemRecord, facts: RejectionFacts): RejectionDecision {
  if (!facts.orders.has(rec.orderId)) return { kind: 'error', field: 'orderId', message: `unknown order ${rec.orderId}` };
  const item = facts.items.get(itemKey(rec.orderId, rec.orderItemSeqId));
  if (!item) return { kind: 'error', field: 'orderItemSeqId', message: `unknown order item ${rec.orderId}/${rec.orderItemSeqId}` };
  const refused = placeCheck(rec, item, facts);
  if (refused) return refused;
  const reservation = facts.reservations.get(itemKey(rec.orderId, rec.orderItemSeqId));
  const key = rejectionKey(rec, reservation);
  if (key !== null && facts.appliedKeys.has(key)) {
    return {
      kind: 'noop',
      message: rec.rejectionId !== undefined
        ? `rejection ${rec.rejectionId} of ${rec.orderId}/${rec.orderItemSeqId} was already applied`
        : `rejection of allocation ${reservation!.id} of ${rec.orderId}/${rec.orderItemSeqId} was already applied`,
    };
  }
  return { kind: 'apply', key, item, reservation, ...reasonOf(rec, facts), netsuiteRejectionId: rec.rejectionId ?? null };
}

/** The facts after `plan` was applied: the item is back in the queue (or parking), its reservation gone. */
export function settleRejection(plan: RejectionPlan, facts: RejectionFacts): void {
  const k = itemKey(plan.item.orderId, plan.item.seqId);
  facts.items.set(k, { ...plan.item, status: 'APPROVED', facilityId: plan.toFacilityId });
  facts.reservations.delete(k);
  if (plan.key !== null) facts.appliedKeys.add(plan.key);
}

/** Reasons recorded on the rows a rejection writes, exactly as `rejectItem` words them. */
export const rejectionTexts = (reasonId: string | null) => ({
  release: `REJECTED ${reasonId ?? ''}`.trim(),
  exclusion: `REJECTED ${reasonId ?? 'NETSUITE'}`,
  history: `REJECTED ${reasonId ?? ''} by NETSUITE`.trim(),
});
