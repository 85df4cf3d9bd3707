import type { Db } from './client';
import { itemHistory } from './schema';

export type HistoryRow = typeof itemHistory.$inferInsert;

/** Appends item moves; every status or facility change of an item writes one. */
export async function recordHistory(db: Db, rows: HistoryRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await db.insert(itemHistory).values(rows.slice(i, i + 1000));
}
