/**
 * Rejected order items — NetSuite → OMS, job `IMP_ORDER_ITM_RJCT` (contracts/feeds.md v2).
 * `salesorder/rejectedorderitem/*-RejectedSalesOrderItemExport.csv`:
 * `orderId,orderItemSeqId,rejectionComments,rejectionReason,facilityId,rejectionId`.
 *
 * A row applies only while the item is allocated (ALLOCATED / PACKED) at the facility it names
 * (`facilityId` = `facilities.netsuite_location_id`); otherwise (moved, shipped, cancelled, at
 * another facility) it is a reported no-op, so a late or re-sent rejection never rejects a newer
 * allocation. It applies at most once per `rejectionId` (business key `rejection:{rejectionId}`,
 * also stored in `rejections.netsuite_rejection_id`). Rows of the older 4-column form key on
 * `{orderId}/{orderItemSeqId}/R{reservationId}` (the item AND its current allocation) and apply
 * only while the item is at a NetSuite-fulfilled facility (elsewhere a reported no-op).
 *
 * Applying a row is what `rejectItem(..., source: 'NETSUITE')` does: the reservation is released,
 * the rejection recorded, the facility excluded for the item, the item goes back to the brokering
 * queue (or the parking its reason names), the order status is re-derived. Row errors: unknown
 * order, item or location, a location that is not NetSuite-fulfilled, malformed cells.
 *
 * `rejectionReason` is recorded as the rejection's reason. A reason that carries an inventory
 * effect in the OMS (e.g. `VAR_DAMAGED`) is NOT applied to a NetSuite facility — NetSuite owns that
 * inventory, and a variance would be pushed back to it — it is kept in the comments instead.
 *
 * Two paths, one decision (`rejected-items-decide.ts`): `apply` runs one row through the
 * `rejectItem` use case in the row's savepoint (the row-by-row path: the order is locked and the
 * item and its reservation read once, for the decision, and handed to `rejectItem`); `applyBatch`
 * applies a chunk set-based (`rejected-items-bulk.ts`, ~15 statements per chunk).
 */
import type { Tx } from '../db/client';
import { rejectItem } from '../app/rejections';
import { appliedKeys } from '../db/feed-files.repo';
import { rejectedItemsFeed, type RejectedItemRecord } from './codec';
import type { ImportSpec, RowOutcome } from './import-runner';
import { fromInboundFeed, toRowOutcome } from './common';
import { applyRejectionBatch, loadRejectionFacts, referenceData, type ReferenceCache } from './rejected-items-bulk';
import { decideRejection } from './rejected-items-decide';

export const IMP_ORDER_ITM_RJCT = 'IMP_ORDER_ITM_RJCT';

export function rejectedItemsImport(): ImportSpec<RejectedItemRecord> {
  const cache: ReferenceCache = {};
  return {
    ...fromInboundFeed(rejectedItemsFeed),
    job: IMP_ORDER_ITM_RJCT,
    batchSize: 100,
    bulkBatchSize: 5000,

    async apply(tx: Tx, rec, rc): Promise<RowOutcome> {
      const facts = await loadRejectionFacts(tx, [rec], await referenceData(tx, cache), (keys) => appliedKeys(tx, rejectedItemsFeed.name, keys));
      const d = decideRejection(rec, facts);
      if (d.kind !== 'apply') return d;
      if (d.key !== null && !(await rc.claimKey(d.key))) {
        return { kind: 'noop', message: `rejection of ${rec.orderId}/${rec.orderItemSeqId} (key ${d.key}) was applied meanwhile` };
      }
      const r = await rejectItem(tx, {
        orderId: rec.orderId, seqId: rec.orderItemSeqId, reasonId: d.reasonId, comments: d.comments, expectedFacilityId: d.item.facilityId ?? undefined,
        source: 'NETSUITE', actor: rc.actor, exclusionDays: rc.deps.config.REJECTION_EXCLUSION_DAYS, netsuiteRejectionId: d.netsuiteRejectionId,
      }, { item: d.item, reservationId: d.reservation?.id ?? null });
      if (r.kind === 'ok') return { kind: 'applied' };
      if (r.kind === 'noop') return { kind: 'noop', message: r.message };
      return toRowOutcome(r, 'orderItemSeqId');
    },

    applyBatch: (tx, rows, ctx) => applyRejectionBatch(tx, rows, ctx, cache),
    // Rows of one order stay in file order; other orders meet only in commutative counters.
    laneKey: (rec) => rec.orderId,
  };
}
