/**
 * Rejected order items — NetSuite → OMS, job `IMP_ORDER_ITM_RJCT`.
 * `salesorder/rejectedorderitem/*-RejectedSalesOrderItemExport.csv`:
 * `orderId,orderItemSeqId,rejectionComments,rejectionReason`.
 *
 * Each row is `rejectItem(..., source: 'NETSUITE')`: the reservation is released, the rejection
 * recorded, the facility excluded for the item, and the item goes back to the brokering queue.
 *
 * Business key: `{orderId}/{orderItemSeqId}/R{reservationId}` — the item AND the allocation (the
 * ACTIVE reservation, read under the order lock) that the row rejects. So the same row seen again
 * (in another file) while the item is still queued is a no-op ("already rejected"), and a row naming
 * an item that was since re-allocated to a NetSuite facility and rejected there again is applied
 * again (a new reservation). The file carries no location, so a stale row re-delivered by NetSuite
 * after the item was re-allocated to another NetSuite facility would reject that allocation too:
 * the file-level SHA-256 registry stops exact re-deliveries, not a re-export of old rows.
 *
 * Row errors: unknown order, unknown item, item not allocated at a NetSuite facility, malformed
 * cells. An item that is not allocated any more (already rejected) is a reported no-op.
 *
 * `rejectionReason` is recorded as the rejection's reason. A reason that carries an inventory
 * effect in the OMS (e.g. `VAR_DAMAGED`) is NOT applied to a NetSuite facility — NetSuite owns that
 * inventory, and a variance would be pushed back to it — it is kept in the comments instead.
 */
import { ne } from 'drizzle-orm';
import type { Db } from '../db/client';
import { rejectionReasons } from '../db/schema';
import { activeReservation } from '../db/inventory.repo';
import { lockOrder } from '../app/orders';
import { normalizeReasonId, rejectItem } from '../app/rejections';
import { rejectedItemsFeed, type RejectedItemRecord } from './codec';
import type { ImportSpec, RowOutcome } from './import-runner';
import { fromInboundFeed } from './common';

export const IMP_ORDER_ITM_RJCT = 'IMP_ORDER_ITM_RJCT';

export function rejectedItemsImport(): ImportSpec<RejectedItemRecord> {
  let reasonsWithEffect: Set<string> | undefined;
  return {
    ...fromInboundFeed(rejectedItemsFeed),
    job: IMP_ORDER_ITM_RJCT,
    batchSize: 100,

    async apply(tx: Db, rec, rc): Promise<RowOutcome> {
      const order = await lockOrder(tx, rec.orderId);
      if (!order) return { kind: 'error', field: 'orderId', message: `unknown order ${rec.orderId}` };
      reasonsWithEffect ??= new Set((await tx.select({ id: rejectionReasons.id }).from(rejectionReasons)
        .where(ne(rejectionReasons.varianceType, 'NO_VARIANCE'))).map((r) => r.id));
      const reason = rec.rejectionReason ? normalizeReasonId(rec.rejectionReason) : undefined;
      const keepInComments = reason !== undefined && reasonsWithEffect.has(reason);
      const comments = keepInComments
        ? [rec.rejectionComments, `reason ${reason} (no inventory effect at a NetSuite facility)`].filter(Boolean).join('; ')
        : rec.rejectionComments ?? null;

      const res = await activeReservation(tx, rec.orderId, rec.orderItemSeqId);
      if (res && !(await rc.claimKey(`${rec.orderId}/${rec.orderItemSeqId}/R${res.id}`))) {
        return { kind: 'noop', message: `rejection of allocation ${res.id} of ${rec.orderId}/${rec.orderItemSeqId} was already applied` };
      }
      const r = await rejectItem(tx, {
        orderId: rec.orderId, seqId: rec.orderItemSeqId, reasonId: keepInComments ? null : reason ?? null, comments,
        source: 'NETSUITE', actor: rc.actor, exclusionDays: rc.deps.config.REJECTION_EXCLUSION_DAYS,
      });
      switch (r.kind) {
        case 'ok':
          // An allocated item always holds a reservation; without one, key the row by its rejection.
          if (!res) await rc.claimKey(`${rec.orderId}/${rec.orderItemSeqId}/J${r.rejectionId}`);
          return { kind: 'applied' };
        case 'noop':
          return { kind: 'noop', message: r.message };
        case 'not_found':
          return { kind: 'error', field: 'orderItemSeqId', message: r.message.replace(/^order item /, 'unknown order item ').replace(/ not found$/, '') };
        case 'invalid':
          return { kind: 'error', field: r.errors[0]?.field ?? 'orderItemSeqId', message: r.errors[0]?.message ?? r.message };
        default:
          return { kind: 'error', field: 'orderItemSeqId', message: r.message };
      }
    },
  };
}
