/**
 * Runs one job once and records it in `job_runs`. The RUNNING row is the cross-process lock: the
 * unique partial index `job_runs_running_uq` (name WHERE status = 'RUNNING') lets only one run of
 * a job exist at a time, whichever process or engine starts it. No transaction is held while the
 * handler runs: each step is its own autocommitted statement. While the handler runs, the row's
 * `heartbeat_at` is written every few seconds (`liveness.ts`); a RUNNING row whose heartbeat
 * stopped is swept as abandoned before the next run tries to start. A run that does not start
 * (disabled, already running, shutting down) leaves a SKIPPED row saying why.
 */
import type { Database, Db } from '../db/client';
import {
  beatJobRun, findJobDefinition, findJobRun, findRunningJobRun, finishJobRun, insertRunningJobRun, insertSkippedJobRun, type JobRun,
} from '../db/jobs.repo';
import { newId } from '../domain/ids';
import { notFound, type Failure } from '../domain/result';
import type { JobContext, JobDefinition, JobLogger, JobOutcome, JobRegistry, RowError, RunTrigger } from './registry';
import { DEFAULT_STALE_AFTER_MS, heartbeatIntervalFor, processOwner, startHeartbeat, sweepAbandonedJobRuns } from './liveness';
import { checkFailure, checkParams } from './params';

export { DEFAULT_STALE_AFTER_MS } from './liveness';
export type { JobRun } from '../db/jobs.repo';

export type SkipReason = 'already_running' | 'disabled' | 'draining';
export type Skipped = { kind: 'skipped'; reason: SkipReason; message: string; run: JobRun };

export type RunResult =
  | { kind: 'completed'; run: JobRun }
  | { kind: 'failed'; run: JobRun; error: string }
  | Skipped
  /** `not_found` (no such job) or `invalid` (params refused). */
  | Failure;

export interface RunOptions {
  trigger: RunTrigger;
  /** Overlaid on `job_definitions.params`; the result is checked against the job's params schema. */
  params?: Record<string, unknown>;
  /** Aborted = the process is shutting down: a run not started yet is skipped (`draining`). */
  signal?: AbortSignal;
  log?: JobLogger;
  /** A RUNNING row whose heartbeat is older than this is abandoned. The job's own `staleAfterMs` wins; default 45 s. */
  staleAfterMs?: number;
  /** Heartbeat interval; default min(5 s, staleAfterMs / 4). */
  heartbeatIntervalMs?: number;
  /** Stored in `job_runs.owner`; default `host:pid`. */
  owner?: string;
  /** Who asked for the run, stored in `job_runs.actor`: the API's authenticated user, the CLI's actor; none for the scheduler. */
  actor?: string | null;
  /** Row errors kept in `job_runs.row_errors`; the rest are only counted (`rowErrorsNotStored`). Default 1000. */
  maxRowErrors?: number;
}

const DEFAULT_MAX_ROW_ERRORS = 1000;
const MAX_ERROR_LENGTH = 4000;

/** Runs in progress in this process: never swept as abandoned by this process, however late their heartbeat. */
const activeRunIds = new Set<string>();

/** Ids of the runs this process is running now. */
export const activeJobRunIds = (): string[] => [...activeRunIds];

/** A logger that drops everything (the default when none is given). */
export const silentLogger: JobLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** The staleness limit of a job's runs: the job's own, else the given one, else 45 s. */
export const staleLimitOf = (job: Pick<JobDefinition, 'staleAfterMs'>, opts: Pick<RunOptions, 'staleAfterMs'>) =>
  job.staleAfterMs ?? opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;

/**
 * Runs one job once in this process and waits for the end: checks the params, takes the RUNNING row
 * (or records a SKIPPED one), runs the handler with its heartbeat and records COMPLETED or FAILED.
 */
export async function runJob(database: Pick<Database, 'db'>, registry: JobRegistry, name: string, opts: RunOptions): Promise<RunResult> {
  const job = registry.get(name);
  if (!job) return notFound('job', name);
  const { db } = database;
  const log = opts.log ?? silentLogger;
  const def = await findJobDefinition(db, name);
  const checked = checkParams(job, { ...(def?.params ?? {}), ...(opts.params ?? {}) });
  if (!checked.ok) return checkFailure(checked.field, checked.message);
  const admitted = await admit(db, job, def?.enabled ?? true, opts, log);
  if (admitted.kind === 'skipped') return admitted;
  return execute(db, job, admitted.runId, checked.params, opts, log);
}

/** Sweeps abandoned runs of the job, then takes the RUNNING row; or records why not. */
async function admit(db: Db, job: JobDefinition, enabled: boolean, opts: RunOptions, log: JobLogger): Promise<{ kind: 'started'; runId: string } | Skipped> {
  const name = job.name;
  const actor = opts.actor ?? null;
  if (opts.signal?.aborted) return recordSkip(db, name, opts.trigger, 'draining', `job ${name} not started: the process is shutting down`, log, actor);
  if (!enabled) return recordSkip(db, name, opts.trigger, 'disabled', `job ${name} is disabled`, log, actor);
  await sweepAbandonedJobRuns(db, { name, staleAfterMs: staleLimitOf(job, opts), exclude: activeJobRunIds(), log });
  const runId = newId('RUN');
  if (await insertRunningJobRun(db, { id: runId, name, trigger: opts.trigger, owner: opts.owner ?? processOwner(), actor })) return { kind: 'started', runId };
  return recordSkip(db, name, opts.trigger, 'already_running', await alreadyRunningMessage(db, name), log, actor);
}

/** Why a run of `name` cannot start while another holds the job: that run, its owner and its last heartbeat. */
export async function alreadyRunningMessage(db: Db, name: string): Promise<string> {
  const holder = await findRunningJobRun(db, name);
  if (!holder) return `job ${name} is already running`;
  const beat = (holder.heartbeatAt ?? holder.startedAt).toISOString();
  return `job ${name} is already running (run ${holder.id} of ${holder.owner ?? 'an unknown process'}, last heartbeat ${beat})`;
}

/** Records a run that did not start: a SKIPPED row (started = ended = now, the reason in `error`). */
export async function recordSkip(
  db: Db, name: string, trigger: RunTrigger, reason: SkipReason, message: string, log: JobLogger = silentLogger, actor: string | null = null,
): Promise<Skipped> {
  const run = await insertSkippedJobRun(db, { id: newId('RUN'), name, trigger, error: message, owner: processOwner(), actor });
  log.info({ job: name, trigger, reason, runId: run.id }, `job run skipped: ${message}`);
  return { kind: 'skipped', reason, message, run };
}

/** Runs the handler of a started run with its heartbeat, then records the end. */
async function execute(db: Db, job: JobDefinition, runId: string, params: Record<string, unknown>, opts: RunOptions, baseLog: JobLogger): Promise<RunResult> {
  activeRunIds.add(runId);
  const log = baseLog.child?.({ job: job.name, runId }) ?? baseLog;
  const lost = new AbortController();
  const heartbeat = startHeartbeat(() => beatJobRun(db, runId), heartbeatIntervalFor(staleLimitOf(job, opts), opts.heartbeatIntervalMs), {
    log,
    onLost: () => {
      log.error({}, 'this run was marked abandoned by another process: stopping it');
      lost.abort(new Error(`job run ${runId} was marked abandoned by another process`));
    },
  });
  try {
    const rec = new RunRecorder(opts.maxRowErrors ?? DEFAULT_MAX_ROW_ERRORS);
    const ctx: JobContext = {
      runId, params, log,
      signal: opts.signal ? AbortSignal.any([opts.signal, lost.signal]) : lost.signal,
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
    await heartbeat.stop();
    const run = await finishRun(db, runId, failure === undefined ? 'COMPLETED' : 'FAILED', rec.result(outcome), failure ?? null);
    if (run.status !== 'COMPLETED') return { kind: 'failed', run, error: run.error ?? failure ?? 'failed' };
    log.info({ counts: run.counts, files: run.files.length, rowErrors: run.rowErrors.length }, 'job run completed');
    return { kind: 'completed', run };
  } finally {
    await heartbeat.stop();
    activeRunIds.delete(runId);
  }
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

/**
 * Records the end of a run; retried a little, since a lost update leaves the job blocked until
 * stale. A row swept meanwhile as abandoned keeps its FAILED status and reason (returned as is).
 */
async function finishRun(db: Db, runId: string, status: 'COMPLETED' | 'FAILED', rec: Recorded, error: string | null): Promise<JobRun> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const run = await finishJobRun(db, runId, { status, counts: rec.counts, files: rec.files, rowErrors: rec.rowErrors, error });
      if (run) return run;
      const swept = await findJobRun(db, runId);
      return { ...swept!, counts: rec.counts, files: rec.files, rowErrors: rec.rowErrors };
    } catch (e) {
      lastError = e;
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
  }
  throw lastError;
}

/** The text of a thrown value, cut after 4,000 characters with an ellipsis (stored in `job_runs.error`, logged). */
export function errorMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message || e.name : typeof e === 'string' ? e : JSON.stringify(e) ?? String(e);
  return msg.length > MAX_ERROR_LENGTH ? `${msg.slice(0, MAX_ERROR_LENGTH)}…` : msg;
}
