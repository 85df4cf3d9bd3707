/**
 * Liveness of runs: the process running a job writes `job_runs.heartbeat_at = now()` every few
 * seconds; a RUNNING row whose heartbeat (or start, when it never beat) is older than the
 * staleness limit was left by a dead process. Any process recognises it, by the database clock,
 * and marks it FAILED with a reason naming its owner and its last heartbeat.
 */
import { hostname } from 'node:os';
import type { Db } from '../db/client';
import { failStaleJobRuns } from '../db/jobs.repo';
import type { JobLogger } from './registry';

/** A RUNNING row without a heartbeat for this long is abandoned (`OMS_JOB_STALE_AFTER_SECONDS`). */
export const DEFAULT_STALE_AFTER_MS = 45_000;
/** Upper bound of the heartbeat interval; it is also at most a quarter of the staleness limit. */
export const DEFAULT_HEARTBEAT_MS = 5_000;

/** `host:pid` of this process, stored in `job_runs.owner`. */
export function processOwner(): string {
  return `${hostname()}:${process.pid}`;
}

/** The heartbeat interval for a staleness limit: at most 5 s and at most a quarter of the limit. */
export function heartbeatIntervalFor(staleAfterMs: number, explicit?: number): number {
  return explicit ?? Math.max(50, Math.min(DEFAULT_HEARTBEAT_MS, Math.floor(staleAfterMs / 4)));
}

export interface SweepOptions {
  staleAfterMs: number;
  /** Only this job (default: every job). */
  name?: string;
  /** Runs of this process: never swept by it, however late their heartbeat. */
  exclude?: string[];
  log?: JobLogger;
}

/** Marks stale RUNNING `job_runs` rows FAILED with the reason (logged); returns their ids. */
export async function sweepAbandonedJobRuns(db: Db, o: SweepOptions): Promise<string[]> {
  const rows = await failStaleJobRuns(db, { staleAfterMs: o.staleAfterMs, name: o.name, exclude: o.exclude ?? [] });
  for (const r of rows) o.log?.warn({ job: r.name, runId: r.id, owner: r.owner, reason: r.error }, 'abandoned job run marked FAILED');
  return rows.map((r) => r.id);
}

export interface Heartbeat {
  /** Stops the timer and waits for a beat in flight. */
  stop(): Promise<void>;
}

/**
 * Calls `beat` every `intervalMs` (never two at once) until stopped. A beat that returns false
 * calls `onLost` once; a beat that throws is logged and retried at the next tick.
 */
export function startHeartbeat(beat: () => Promise<boolean>, intervalMs: number, hooks: { onLost?: () => void; log?: JobLogger } = {}): Heartbeat {
  let inflight: Promise<void> | undefined;
  let lost = false;
  const tick = () => {
    if (inflight) return;
    inflight = beat()
      .then((alive) => { if (!alive && !lost) { lost = true; hooks.onLost?.(); } })
      .catch((err) => hooks.log?.warn({ err: (err as Error)?.message ?? String(err) }, 'heartbeat failed; retrying'))
      .finally(() => { inflight = undefined; });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await inflight;
    },
  };
}
