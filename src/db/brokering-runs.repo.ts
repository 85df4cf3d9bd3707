/**
 * Liveness of brokering runs (`brokering_runs.heartbeat_at`): a run writes its heartbeat and
 * progress between batches and on a timer; a RUNNING run whose heartbeat (or start) is older than
 * the staleness limit was left by a dead process and is closed FAILED with the reason.
 */
import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Db } from './client';
import { brokeringRuns } from './schema';

export interface BrokeringProgress {
  orders: number;
  items: number;
  allocated: number;
  exception: number;
  queued: number;
}

const millis = (ms: number) => sql`(${Math.max(0, Math.round(ms))}::double precision * interval '1 millisecond')`;

/** Writes the heartbeat (and, when given, the progress so far); false when the run is no longer RUNNING. */
export async function beatBrokeringRun(db: Db, id: string, progress?: BrokeringProgress): Promise<boolean> {
  const rows = await db.update(brokeringRuns).set({ heartbeatAt: sql`now()`, ...progress })
    .where(and(eq(brokeringRuns.id, id), eq(brokeringRuns.status, 'RUNNING')))
    .returning({ id: brokeringRuns.id });
  return rows.length > 0;
}

/** Closes stale RUNNING brokering runs FAILED (not those in `exclude`, run by this process); returns them. */
export async function sweepAbandonedBrokeringRuns(db: Db, staleAfterMs: number, exclude: string[] = []): Promise<{ id: string; error: string | null }[]> {
  const last = sql`coalesce(${brokeringRuns.heartbeatAt}, ${brokeringRuns.startedAt})`;
  const seconds = Math.round(staleAfterMs / 100) / 10;
  return db.update(brokeringRuns)
    .set({
      status: 'FAILED',
      endedAt: sql`now()`,
      error: sql`'abandoned: no heartbeat from this ' || ${brokeringRuns.trigger} || ' brokering run since '
        || to_char(${last} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        || ' (stale after ' || ${String(seconds)}::text || ' s; ' || ${brokeringRuns.orders} || ' orders routed before); its process is presumed dead'`,
    })
    .where(and(
      eq(brokeringRuns.status, 'RUNNING'),
      sql`${last} < now() - ${millis(staleAfterMs)}`,
      exclude.length ? notInArray(brokeringRuns.id, exclude) : undefined,
    ))
    .returning({ id: brokeringRuns.id, error: brokeringRuns.error });
}
