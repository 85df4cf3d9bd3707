/** Rejections of allocated items: the reasons, the rejection records and the facility exclusions they leave. */
import { asc, eq } from 'drizzle-orm';
import type { Db } from './client';
import { facilityExclusions, rejectionReasons, rejections } from './schema';

export type RejectionReasonRow = typeof rejectionReasons.$inferSelect;

/** Every rejection reason by id. */
export function rejectionReasonRows(db: Db): Promise<RejectionReasonRow[]> {
  return db.select().from(rejectionReasons).orderBy(asc(rejectionReasons.id));
}

export async function rejectionReasonRow(db: Db, id: string): Promise<RejectionReasonRow | undefined> {
  const [reason] = await db.select().from(rejectionReasons).where(eq(rejectionReasons.id, id));
  return reason;
}

/** Records a rejection; returns its id. */
export async function insertRejection(db: Db, row: typeof rejections.$inferInsert): Promise<number> {
  const [rej] = await db.insert(rejections).values(row).returning({ id: rejections.id });
  return rej.id;
}

/** Keeps brokering from sending the item to the facility again until `until` (null: forever); replaces an earlier exclusion. */
export async function excludeFacility(
  db: Db, e: { orderId: string; orderItemSeqId: string; facilityId: string; until: Date | null; reason: string },
): Promise<void> {
  await db.insert(facilityExclusions).values(e).onConflictDoUpdate({
    target: [facilityExclusions.orderId, facilityExclusions.orderItemSeqId, facilityExclusions.facilityId],
    set: { until: e.until, reason: e.reason },
  });
}
