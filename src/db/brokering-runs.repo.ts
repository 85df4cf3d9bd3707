/**
 * The brokering runs (`brokering_runs`) and their liveness: a run writes its heartbeat and
 * progress between batches and on a timer; a RUNNING run whose heartbeat (or start) is older than
 * the staleness limit was left by a dead process and is closed FAILED with the reason.
 */
import { and, desc, eq, notInArray, sql } from 'drizzle-orm';
import type { Db } from './client';
import { millisInterval } from './rows';
import { brokeringRuns } from './schema';

export interface BrokeringProgress {
  orders: number;
  items: number;
  allocated: number;
  exception: number;
  queued: number;
}

/** Starts a run: RUNNING, its heartbeat at its start. */
export async function insertBrokeringRun(db: Db, run: { id: string; trigger: string; startedAt: Date }): Promise<void> {
  await db.insert(brokeringRuns).values({ ...run, status: 'RUNNING', heartbeatAt: run.startedAt });
}

/** Ends a run with its status, counts and error (if any). */
export async function finishBrokeringRun(
  db: Db, id: string, end: BrokeringProgress & { status: 'COMPLETED' | 'FAILED'; endedAt: Date; error?: string },
): Promise<void> {
  await db.update(brokeringRuns).set(end).where(eq(brokeringRuns.id, id));
}

/** The latest runs, newest first. */
export function listBrokeringRuns(db: Db, limit: number, offset: number) {
  return db.select().from(brokeringRuns).orderBy(desc(brokeringRuns.startedAt), desc(brokeringRuns.id)).limit(limit).offset(offset);
}

export async function findBrokeringRun(db: Db, id: string) {
  const [run] = await db.select().from(brokeringRuns).where(eq(brokeringRuns.id, id));
  return run;
}


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
      sql`${last} < now() - ${millisInterval(staleAfterMs)}`,
      exclude.length ? notInArray(brokeringRuns.id, exclude) : undefined,
    ))
    .returning({ id: brokeringRuns.id, error: brokeringRuns.error });
}
