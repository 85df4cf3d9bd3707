/** The few helpers every raw-SQL repository shares. */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';

/** Rows of a `db.execute` result (node-postgres and PGlite both return `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** Runs one statement and returns its rows. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

/** For the rest of the transaction: no JIT compilation (big statements that run once; PGlite accepts it too). */
export async function disableJit(db: Db): Promise<void> {
  await db.execute(sql`set local jit = off`);
}
