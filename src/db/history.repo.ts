/** The item history (`item_history`): one row per move of an item, appended, never changed. */
import { sql } from 'drizzle-orm';
import type { Db } from './client';

/** One move of an item; `runId` and `rule` name the brokering run and the routing rule that made it. */
export interface HistoryRow {
  orderId: string;
  orderItemSeqId: string;
  fromStatus?: string | null;
  toStatus: string;
  fromFacilityId?: string | null;
  toFacilityId?: string | null;
  reason?: string | null;
  actor: string;
  runId?: string | null;
  rule?: string | null;
}

/** The values of one field of every row, as one array parameter (missing values are nulls). */
const column = (rows: readonly HistoryRow[], k: keyof HistoryRow) => sql.param(rows.map((r) => r[k] ?? null));

/** Appends item moves in one statement; every status or facility change of an item writes one. */
export async function recordHistory(db: Db, rows: HistoryRow[]): Promise<void> {
  if (!rows.length) return;
  await db.execute(sql`
    insert into item_history (
      order_id,
      order_item_seq_id,
      from_status,
      to_status,
      from_facility_id,
      to_facility_id,
      reason,
      actor,
      run_id,
      rule)
    select * from unnest(
      ${column(rows, 'orderId')}::text[],
      ${column(rows, 'orderItemSeqId')}::text[],
      ${column(rows, 'fromStatus')}::text[],
      ${column(rows, 'toStatus')}::text[],
      ${column(rows, 'fromFacilityId')}::text[],
      ${column(rows, 'toFacilityId')}::text[],
      ${column(rows, 'reason')}::text[],
      ${column(rows, 'actor')}::text[],
      ${column(rows, 'runId')}::text[],
      ${column(rows, 'rule')}::text[])`);
}
