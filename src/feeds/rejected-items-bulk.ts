/**
 * The set-based path of the rejected-items import: per chunk, the facts are read with a few
 * `= any($1)` statements (orders locked in id order), every row is decided in file order by the
 * pure `decideRejection`, and the applied rows are written with one unnest-based statement per
 * table (inventory rows locked in (product, facility) order). The effects are those of
 * `rejectItem` for each applied row: reservation RELEASED, reserved counter and RELEASE ledger
 * row, rejection, exclusion, item move with history, order status re-derived.
 */
import type { Db, Tx } from '../db/client';
import { deriveOrderStatus, type ItemStatus } from '../domain/lifecycle';
import type { RejectedItemRecord } from './codec';
import {
  applyLevelDeltas, closeReservationsById, insertLedgerRows, insertRejections, loadActiveReservations,
  loadFacilities, loadOrderItems, loadRejectionReasons, lockLevels, lockOrders, moveRejectedItems, updateOrderStatuses, upsertExclusions,
  type FacilityFact, type LevelDelta, type ReasonFact,
} from '../db/feed-bulk.repo';
import { recordHistory } from '../db/history.repo';
import type { BatchContext, BatchRow, RowOutcome } from './import-runner';
import {
  decideRejection, itemKey, rejectionFacts, rejectionKey, rejectionTexts, settleRejection, type RejectionFacts, type RejectionPlan,
} from './rejected-items-decide';

/** Facilities and rejection reasons, read once per import run. */
export interface ReferenceCache { facilities?: FacilityFact[]; reasons?: ReasonFact[] }

/** The cached facilities and reasons, read on first use. */
export async function referenceData(db: Db, cache: ReferenceCache): Promise<Required<ReferenceCache>> {
  cache.facilities ??= await loadFacilities(db);
  cache.reasons ??= await loadRejectionReasons(db);
  return { facilities: cache.facilities, reasons: cache.reasons };
}

/** Locks the chunk's orders and reads everything its rows are decided on. */
export async function loadRejectionFacts(
  tx: Tx, recs: RejectedItemRecord[], ref: Required<ReferenceCache>, lookupKeys: (keys: string[]) => Promise<Set<string>>,
): Promise<RejectionFacts> {
  const wanted = [...new Set(recs.map((r) => r.orderId))].sort();
  const orderIds = (await lockOrders(tx, wanted)).map((o) => o.id);
  const items = await loadOrderItems(tx, orderIds);
  const reservations = await loadActiveReservations(tx, orderIds);
  const byItem = new Map(reservations.map((r) => [itemKey(r.orderId, r.seqId), r]));
  // Rejections only take reservations away, so the keys of the initial ones cover the whole chunk.
  const keys = recs.map((r) => rejectionKey(r, byItem.get(itemKey(r.orderId, r.orderItemSeqId)))).filter((k): k is string => k !== null);
  const applied = await lookupKeys([...new Set(keys)]);
  return rejectionFacts({ orderIds, items, reservations, facilities: ref.facilities, reasons: ref.reasons, appliedKeys: applied });
}

/** Decides the rows in order; the plans of the rows that apply, and every row's outcome. */
export function planRejections(rows: BatchRow<RejectedItemRecord>[], facts: RejectionFacts) {
  const plans: { row: number; plan: RejectionPlan }[] = [];
  const outcomes: RowOutcome[] = rows.map((r) => {
    const d = decideRejection(r.value, facts);
    if (d.kind !== 'apply') return d;
    settleRejection(d, facts);
    plans.push({ row: r.row, plan: d });
    return { kind: 'applied' };
  });
  return { plans, outcomes };
}

/** The bulk path of `IMP_ORDER_ITM_RJCT`: a chunk in a few statements, one outcome per row. */
export async function applyRejectionBatch(tx: Tx, rows: BatchRow<RejectedItemRecord>[], ctx: BatchContext, cache: ReferenceCache): Promise<RowOutcome[]> {
  const facts = await loadRejectionFacts(tx, rows.map((r) => r.value), await referenceData(tx, cache), ctx.appliedKeys);
  const { plans, outcomes } = planRejections(rows, facts);
  if (!plans.length) return outcomes;
  await ctx.claimKeys(plans.filter((p) => p.plan.key !== null).map((p) => ({ key: p.plan.key!, row: p.row })));
  const levels = await releaseReservations(tx, plans.map((p) => p.plan), ctx.actor);
  await writeRejections(tx, plans.map((p) => p.plan), ctx);
  await refreshStatuses(tx, plans.map((p) => p.plan.item.orderId), facts);
  // The counters last, inventory rows locked in key order: a hot row is held only while the chunk
  // commits, so another lane of the file (or a brokering run) waits as little as possible.
  await lockLevels(tx, levels);
  await applyLevelDeltas(tx, levels);
  return outcomes;
}

/** The lock order of inventory rows: by product, then facility. */
export function inLockOrder(a: { productId: string; facilityId: string }, b: { productId: string; facilityId: string }): number {
  if (a.productId !== b.productId) return a.productId < b.productId ? -1 : 1;
  return a.facilityId < b.facilityId ? -1 : a.facilityId > b.facilityId ? 1 : 0;
}

/** RELEASED reservations and their RELEASE ledger rows; returns the counter deltas to apply. */
async function releaseReservations(tx: Tx, plans: RejectionPlan[], actor: string): Promise<LevelDelta[]> {
  const held = plans.filter((p) => p.reservation !== undefined);
  const deltas = new Map<string, LevelDelta>();
  for (const { reservation: r } of held) {
    if (r!.quantity <= 0) continue;
    const k = `${r!.productId}\u0000${r!.facilityId}`;
    const d = deltas.get(k) ?? { productId: r!.productId, facilityId: r!.facilityId, reservedDelta: 0, onHandDelta: 0 };
    d.reservedDelta -= r!.quantity;
    deltas.set(k, d);
  }
  const levels = [...deltas.values()].sort(inLockOrder);
  const closed = await closeReservationsById(tx, held.map((p) => p.reservation!.id), 'RELEASED');
  if (closed.length !== held.length) throw new Error(`${held.length - closed.length} reservation(s) were closed meanwhile`);
  await insertLedgerRows(tx, held.filter((p) => p.reservation!.quantity > 0).map((p) => ({
    productId: p.reservation!.productId, facilityId: p.reservation!.facilityId, kind: 'RELEASE', onHandDelta: 0, reservedDelta: -p.reservation!.quantity,
    reason: rejectionTexts(p.reasonId).release, orderId: p.item.orderId, seqId: p.item.seqId, actor,
  })));
  return levels;
}

/** Rejections, exclusions, item moves and their history. */
async function writeRejections(tx: Tx, plans: RejectionPlan[], ctx: BatchContext): Promise<void> {
  const days = ctx.deps.config.REJECTION_EXCLUSION_DAYS;
  const until = days ? new Date(Date.now() + days * 86_400_000).toISOString() : null;
  await insertRejections(tx, plans.map((p) => ({
    orderId: p.item.orderId, seqId: p.item.seqId, facilityId: p.item.facilityId!, quantity: p.item.quantity, reason: p.reasonId,
    comments: p.comments, reservationId: p.reservation?.id ?? null, netsuiteRejectionId: p.netsuiteRejectionId, actor: ctx.actor,
  })));
  // An item is rejected at most once per chunk (it leaves the facility), so the keys are distinct.
  await upsertExclusions(tx, plans.map((p) => ({
    orderId: p.item.orderId, seqId: p.item.seqId, facilityId: p.item.facilityId!, until, reason: rejectionTexts(p.reasonId).exclusion,
  })));
  await moveRejectedItems(tx, plans.map((p) => ({ orderId: p.item.orderId, seqId: p.item.seqId, status: 'APPROVED', facilityId: p.toFacilityId })));
  await recordHistory(tx, plans.map((p) => ({
    orderId: p.item.orderId, orderItemSeqId: p.item.seqId, fromStatus: p.item.status, toStatus: 'APPROVED', fromFacilityId: p.item.facilityId,
    toFacilityId: p.toFacilityId, reason: rejectionTexts(p.reasonId).history, actor: ctx.actor,
  })));
}

/** Re-derives the status of the touched orders from their items' statuses (as settled in `facts`). */
export async function refreshStatuses(tx: Tx, orderIds: string[], facts: { items: Map<string, { orderId: string; status: string }> }): Promise<void> {
  const touched = new Set(orderIds);
  const statuses = new Map<string, ItemStatus[]>();
  for (const i of facts.items.values()) if (touched.has(i.orderId)) statuses.set(i.orderId, [...(statuses.get(i.orderId) ?? []), i.status as ItemStatus]);
  await updateOrderStatuses(tx, [...statuses].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, s]) => ({ id, status: deriveOrderStatus(s) })));
}
