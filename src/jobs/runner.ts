/**
 * Runs one job once and records it in `job_runs`. The RUNNING row is the cross-process lock: the
 * unique partial index `job_runs_running_uq` (name WHERE status = 'RUNNING') lets only one run of
 * a job exist at a time, whichever process or engine starts it. No transaction is held while the
 * handler runs: each step is its own autocommitted statement.
 */
import { and, eq, lt, notInArray, sql } from 'drizzle-orm';
import type { Database, Db } from '../db/client';
import { jobDefinitions, jobRuns } from '../db/schema';
import { newId } from '../domain/ids';
import type { JobContext, JobLogger, JobOutcome, JobRegistry, RowError, RunTrigger } from './registry';

export type JobRun = typeof jobRuns.$inferSelect;

export type RunResult =
  | { kind: 'completed'; run: JobRun }
  | { kind: 'failed'; run: JobRun; error: string }
  | { kind: 'skipped'; reason: 'already_running' | 'disabled'; message: string }
  | { kind: 'not_found'; message: string };

export interface RunOptions {
  trigger: RunTrigger;
  /** Overlaid on `job_definitions.params`. */
  params?: Record<string, unknown>;
  signal?: AbortSignal;
  log?: JobLogger;
  /** A RUNNING row older than this is taken as left by a dead process and marked FAILED. The job's own `staleAfterMs` wins; default 30 min. */
  staleAfterMs?: number;
  /** Row errors kept in `job_runs.row_errors`; the rest are only counted (`rowErrorsNotStored`). Default 1000. */
  maxRowErrors?: number;
}

export const DEFAULT_STALE_AFTER_MS = 30 * 60 * 1000;
const DEFAULT_MAX_ROW_ERRORS = 1000;
const MAX_ERROR_LENGTH = 4000;

/** Runs in progress in this process: never swept as abandoned by this process, however old. */
const activeRunIds = new Set<string>();

export const silentLogger: JobLogger = { debug() {}, info() {}, warn() {}, error() {} };

export async function runJob(database: Pick<Database, 'db'>, registry: JobRegistry, name: string, opts: RunOptions): Promise<RunResult> {
  const job = registry.get(name);
  if (!job) return { kind: 'not_found', message: `job ${name} not found` };
  const { db } = database;
  const baseLog = opts.log ?? silentLogger;

  const [def] = await db.select().from(jobDefinitions).where(eq(jobDefinitions.name, name));
  if (def && !def.enabled) {
    baseLog.info({ job: name, trigger: opts.trigger }, 'job run skipped: disabled');
    return { kind: 'skipped', reason: 'disabled', message: `job ${name} is disabled` };
  }

  await markAbandoned(db, name, job.staleAfterMs ?? opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS, baseLog);

  const runId = newId('RUN');
  const inserted = await db.insert(jobRuns)
    .values({ id: runId, name, status: 'RUNNING', trigger: opts.trigger })
    .onConflictDoNothing()
    .returning({ id: jobRuns.id });
  if (!inserted.length) {
    baseLog.info({ job: name, trigger: opts.trigger }, 'job run skipped: already running');
    return { kind: 'skipped', reason: 'already_running', message: `job ${name} is already running` };
  }

  activeRunIds.add(runId);
  try {
    const log = baseLog.child?.({ job: name, runId }) ?? baseLog;
    const rec = new RunRecorder(opts.maxRowErrors ?? DEFAULT_MAX_ROW_ERRORS);
    const ctx: JobContext = {
      runId,
      params: { ...(def?.params ?? {}), ...(opts.params ?? {}) },
      signal: opts.signal,
      log,
      addFile: (f) => rec.addFile(f),
      addRowError: (e) => rec.addRowError(e),
      count: (key, n = 1) => rec.count(key, n),
    };
    log.info({ trigger: opts.trigger }, 'job run started');
    let outcome: JobOutcome | void = undefined;
    let failure: string | undefined;
    try {
      outcome = await job.handler(ctx);
    } catch (e) {
      failure = errorMessage(e);
      log.error({ err: e }, 'job run failed');
    }
    const status = failure === undefined ? 'COMPLETED' : 'FAILED';
    const run = await finishRun(db, runId, status, rec.result(outcome), failure ?? null);
    if (failure !== undefined) return { kind: 'failed', run, error: failure };
    log.info({ counts: run.counts, files: run.files.length, rowErrors: run.rowErrors.length }, 'job run completed');
    return { kind: 'completed', run };
  } finally {
    activeRunIds.delete(runId);
  }
}

/** Marks RUNNING rows of `name` older than the stale timeout (by the database clock) as FAILED. */
async function markAbandoned(db: Db, name: string, staleAfterMs: number, log: JobLogger): Promise<void> {
  const mine = [...activeRunIds];
  const minutes = Math.round(staleAfterMs / 60000);
  const abandoned = await db.update(jobRuns)
    .set({
      status: 'FAILED',
      endedAt: sql`now()`,
      error: `abandoned: still RUNNING after ${minutes >= 1 ? `${minutes} min` : `${staleAfterMs} ms`}; its process is presumed dead`,
    })
    .where(and(
      eq(jobRuns.name, name),
      eq(jobRuns.status, 'RUNNING'),
      lt(jobRuns.startedAt, sql`now() - (${staleAfterMs}::double precision * interval '1 millisecond')`),
      mine.length ? notInArray(jobRuns.id, mine) : undefined,
    ))
    .returning({ id: jobRuns.id, startedAt: jobRuns.startedAt });
  for (const r of abandoned) log.warn({ job: name, runId: r.id, startedAt: r.startedAt }, 'stale job run marked abandoned');
}

interface Recorded {
  counts: Record<string, number>;
  files: string[];
  rowErrors: RowError[];
}

class RunRecorder {
  private readonly counts: Record<string, number> = {};
  private readonly files: string[] = [];
  private readonly rowErrors: RowError[] = [];
  private dropped = 0;
  constructor(private readonly maxRowErrors: number) {}

  addFile(name: string) {
    if (typeof name === 'string' && name && !this.files.includes(name)) this.files.push(name);
  }

  addRowError(e: RowError) {
    if (this.rowErrors.length >= this.maxRowErrors) { this.dropped++; return; }
    const { file, row, field, message } = e;
    this.rowErrors.push({ ...(file !== undefined && { file }), row, ...(field !== undefined && { field }), message: String(message) });
  }

  count(key: string, n: number) {
    if (!Number.isFinite(n)) throw new TypeError(`count(${key}): n must be a finite number`);
    this.counts[key] = (this.counts[key] ?? 0) + n;
  }

  result(outcome: JobOutcome | void): Recorded {
    const counts = { ...this.counts };
    for (const [k, v] of Object.entries(outcome?.counts ?? {})) if (Number.isFinite(v)) counts[k] = v;
    for (const f of outcome?.files ?? []) this.addFile(f);
    if (this.dropped) counts.rowErrorsNotStored = this.dropped;
    return { counts, files: [...this.files], rowErrors: [...this.rowErrors] };
  }
}

/** Records the end of a run; retried a little, since a lost update leaves the job blocked until stale. */
async function finishRun(db: Db, runId: string, status: 'COMPLETED' | 'FAILED', rec: Recorded, error: string | null): Promise<JobRun> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const [run] = await db.update(jobRuns)
        .set({ status, endedAt: sql`now()`, counts: rec.counts, files: rec.files, rowErrors: rec.rowErrors, error })
        .where(eq(jobRuns.id, runId))
        .returning();
      return run;
    } catch (e) {
      lastError = e;
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
  }
  throw lastError;
}

export function errorMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message || e.name : typeof e === 'string' ? e : JSON.stringify(e) ?? String(e);
  return msg.length > MAX_ERROR_LENGTH ? `${msg.slice(0, MAX_ERROR_LENGTH)}…` : msg;
}
