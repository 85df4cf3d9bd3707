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

/** A column type of a bound array parameter. */
export type PgArrayType = 'text' | 'int' | 'bigint' | 'bool' | 'timestamptz' | 'jsonb';

/** One bound array parameter, cast to its column type: `$1::text[]` (for `= any(…)` and `unnest(…)`). */
export const pgArray = (values: readonly unknown[], type: PgArrayType): SQL => sql`${sql.param(values)}::${sql.raw(type)}[]`;

/** A bound `text[]` parameter. */
export const textArray = (values: readonly string[]): SQL => pgArray(values, 'text');

/** `ms` milliseconds as an SQL interval (negative values count as zero). */
export const millisInterval = (ms: number): SQL => sql`(${Math.max(0, Math.round(ms))}::double precision * interval '1 millisecond')`;
