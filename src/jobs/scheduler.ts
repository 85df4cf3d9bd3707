/**
 * The job system: pg-boss 10 on the application database (schema `pgboss`), one queue and one
 * worker per registered job, and pg-boss schedules mirroring `job_definitions`.
 *
 * - PostgreSQL: pg-boss opens its own small pool from `database.connectionString`.
 * - PGlite: pg-boss goes through `database.executor` (`db: { executeSql }`), which sends
 *   parameterless (multi-statement DDL) text through `exec`.
 *
 * pg-boss's timekeeper lets one instance at a time turn due cron occurrences into jobs (with an
 * id/singleton per occurrence), so N processes produce one job per slot; the `job_runs` RUNNING
 * row then keeps two runs of one job from overlapping. Handler failures are retried by pg-boss
 * with exponential backoff; skipped runs (`already_running`, `disabled`) are not failures: they
 * leave a SKIPPED row. Every few seconds the job system sweeps RUNNING rows whose heartbeat
 * stopped (any job, any process) and runs the injected `sweeps` (brokering runs). `stop()` aborts
 * the handlers' signal at once, so they stop after the batch or file in progress.
 */
import PgBoss from 'pg-boss';
import type { Database, SqlExecutor } from '../db/client';
import { listJobDefinitions, type JobDefinitionRow } from '../db/jobs.repo';
import { applySchedule, seedJobDefinitions } from './admin';
import { DEFAULT_JOB_TIMEZONE } from './cron';
import { RUN_TRIGGERS, type JobLogger, type JobQueueOptions, type JobRegistry, type RunTrigger } from './registry';
import { DEFAULT_STALE_AFTER_MS, sweepAbandonedJobRuns } from './liveness';
import { activeJobRunIds, errorMessage, runJob, silentLogger } from './runner';

/** pg-boss expiry of an active job (its worker died): long enough for any run; the heartbeat finds dead runs much sooner. */
const DEFAULT_EXPIRE_SECONDS = 30 * 60;

/** The schema pg-boss keeps its tables in, in the application database. */
export const PGBOSS_SCHEMA = 'pgboss';

export interface JobSystemOptions {
  log?: JobLogger;
  /** Register crons with pg-boss and run its timekeeper in this process. Default true. */
  schedule?: boolean;
  /** Start a worker per job in this process. Default true. */
  work?: boolean;
  /** How often each worker polls its queue, seconds (pg-boss minimum 0.5). Default 2. */
  pollingIntervalSeconds?: number;
  /** Zone of the crons. Default UTC. */
  timezone?: string;
  /** See `RunOptions.staleAfterMs`. Default 45 s (`OMS_JOB_STALE_AFTER_SECONDS`). */
  staleAfterMs?: number;
  /** See `RunOptions.heartbeatIntervalMs`. */
  heartbeatIntervalMs?: number;
  /** How often abandoned runs are swept. Default staleAfterMs / 3 (at least 1 s). 0 = only at start. */
  sweepIntervalMs?: number;
  /** More sweeps to run with the job runs' one (e.g. abandoned brokering runs). */
  sweeps?: (() => Promise<unknown>)[];
  /**
   * Queue defaults (a job's `queue` overrides them): policy `short` (at most one run waiting per
   * job; overlapping runs are prevented by `job_runs`), retryLimit 2, retryDelaySeconds 60 with
   * exponential backoff, expireInSeconds 30 min (pg-boss retries a job whose worker died once it
   * expires; the dead run's RUNNING row is swept by its heartbeat long before).
   */
  queue?: JobQueueOptions;
  /** Re-reads `job_definitions` into pg-boss schedules this often (picks up CLI changes). 0 = never. Default 60. */
  scheduleSyncIntervalSeconds?: number;
  /** How long stop() waits for running handlers (their signal is aborted at once) before releasing its connections. Default 30 s. */
  stopTimeoutMs?: number;
  /** Size of pg-boss's own pool (PostgreSQL only). Default 4. */
  poolSize?: number;
  /** Other pg-boss constructor options (e.g. cronMonitorIntervalSeconds, maintenanceIntervalSeconds in tests). */
  boss?: Omit<PgBoss.ConstructorOptions, 'db' | 'connectionString' | 'schema' | 'schedule' | 'max'>;
}

export interface JobSystem {
  readonly boss: PgBoss;
  readonly timezone: string;
  /** Applies `job_definitions` (cron, enabled) to pg-boss's schedules now. */
  syncSchedules(): Promise<void>;
  /** Stops polling and scheduling, waits for running handlers (then aborts them), releases pg-boss's connections. Idempotent. */
  stop(): Promise<void>;
}

interface JobPayload {
  trigger?: unknown;
  params?: unknown;
  /** Who queued the run (POST /jobs/:name/run); absent for the cron. */
  actor?: unknown;
}

/** The state of one started job system, shared by the functions below. */
interface Runtime {
  readonly database: Database;
  readonly registry: JobRegistry;
  readonly opts: JobSystemOptions;
  readonly boss: PgBoss;
  /** The PGlite executor pg-boss goes through; undefined on PostgreSQL (pg-boss has its own pool). */
  readonly tracked?: TrackedExecutor;
  readonly log: JobLogger;
  readonly tz: string;
  readonly scheduling: boolean;
  readonly staleAfterMs: number;
  /** Handlers running in this process. */
  readonly inflight: Set<Promise<unknown>>;
  /** Aborted by stop(): the handlers' signal. */
  readonly abort: AbortController;
  stopping: boolean;
  syncTimer?: NodeJS.Timeout;
  sweepTimer?: NodeJS.Timeout;
  sweeping?: Promise<void>;
  syncing?: Promise<void>;
  /** The promise of the first stop() call. */
  stopCall?: Promise<void>;
}

/**
 * Seeds `job_definitions`, starts pg-boss with a queue per job (and, unless `work: false`, a
 * worker per queue), sweeps abandoned runs and applies the schedules, then keeps sweeping and
 * syncing on timers until `stop()`. A failure while starting stops what was started and throws.
 */
export async function startJobSystem(database: Database, registry: JobRegistry, opts: JobSystemOptions = {}): Promise<JobSystem> {
  await seedJobDefinitions(database.db, registry);
  const rt = createRuntime(database, registry, opts);
  try {
    await rt.boss.start();
    await createQueues(rt);
    if (opts.work ?? true) await startWorkers(rt);
    await sweep(rt);
    startSweepTimer(rt);
    await syncSchedules(rt);
    startSyncTimer(rt);
  } catch (err) {
    await stop(rt);
    throw err;
  }
  rt.log.info({ jobs: [...registry.keys()], engine: database.engine, schedule: rt.scheduling, timezone: rt.tz }, 'job system started');
  return { boss: rt.boss, timezone: rt.tz, syncSchedules: () => syncSchedules(rt), stop: () => stop(rt) };
}

/** pg-boss on the application database (through the PGlite executor, or its own PostgreSQL pool), not started yet. */
function createRuntime(database: Database, registry: JobRegistry, opts: JobSystemOptions): Runtime {
  const log = opts.log ?? silentLogger;
  const scheduling = opts.schedule ?? true;
  const tracked = database.engine === 'pglite' ? trackExecutor(database.executor) : undefined;
  if (!tracked && !database.connectionString) throw new Error('startJobSystem: a PostgreSQL database needs its connectionString');
  const boss = new PgBoss({
    ...opts.boss,
    ...(tracked ? { db: tracked } : { connectionString: database.connectionString, max: opts.poolSize ?? 4, application_name: 'oms-jobs' }),
    schema: PGBOSS_SCHEMA,
    schedule: scheduling,
  });
  boss.on('error', (err) => log.error({ err }, 'pg-boss error'));
  return {
    database, registry, opts, boss, tracked, log, scheduling,
    tz: opts.timezone ?? DEFAULT_JOB_TIMEZONE,
    staleAfterMs: opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
    inflight: new Set(),
    abort: new AbortController(),
    stopping: false,
  };
}

/** One queue per job, with the job's queue options over the system's defaults. */
async function createQueues({ boss, registry, opts }: Runtime): Promise<void> {
  for (const job of registry.values()) {
    const q = { ...opts.queue, ...job.queue };
    const queue: PgBoss.Queue = {
      name: job.name,
      policy: q.policy ?? 'short',
      retryLimit: q.retryLimit ?? 2,
      retryDelay: q.retryDelaySeconds ?? 60,
      retryBackoff: true,
      expireInSeconds: q.expireInSeconds ?? DEFAULT_EXPIRE_SECONDS,
    };
    await boss.createQueue(job.name, queue); // no-op when it exists…
    await boss.updateQueue(job.name, queue); // …so the current settings win whichever process started first
  }
}

/** One worker per job, one job at a time. */
async function startWorkers(rt: Runtime): Promise<void> {
  const options = { pollingIntervalSeconds: rt.opts.pollingIntervalSeconds ?? 2, batchSize: 1, includeMetadata: true as const };
  for (const job of rt.registry.values()) {
    await rt.boss.work<JobPayload>(job.name, options, async ([j]) => runFromQueue(rt, job.name, j));
  }
}

/**
 * Runs a job taken from its queue. A failed run throws, so pg-boss retries it while attempts
 * remain; a completed, skipped or refused run is done (its outcome is the pg-boss job's output).
 */
async function runFromQueue(rt: Runtime, name: string, job: PgBoss.JobWithMetadata<JobPayload>) {
  const { log } = rt;
  if (rt.stopping) throw new Error('job system is stopping; the job will be retried');
  const trigger = RUN_TRIGGERS.includes(job.data?.trigger as RunTrigger) ? (job.data!.trigger as RunTrigger) : 'cron';
  const params = isPlainObject(job.data?.params) ? job.data!.params : undefined;
  const actor = typeof job.data?.actor === 'string' ? job.data.actor : null;
  const p = runJob(rt.database, rt.registry, name, {
    trigger, params, actor, signal: rt.abort.signal, log, staleAfterMs: rt.staleAfterMs, heartbeatIntervalMs: rt.opts.heartbeatIntervalMs,
  });
  rt.inflight.add(p);
  try {
    const r = await p;
    if (r.kind === 'failed') {
      const attempt = { job: name, runId: r.run.id, attempt: job.retryCount + 1, retryLimit: job.retryLimit };
      log.warn(attempt, 'job run failed; pg-boss retries it if attempts remain');
      throw new Error(`${name} failed: ${r.error}`);
    }
    if (r.kind === 'completed') return { runId: r.run.id };
    if (r.kind === 'skipped') return { skipped: r.reason, runId: r.run.id };
    if (r.kind === 'invalid') log.error({ job: name, error: r.message }, 'job run refused: invalid params');
    return { refused: r.kind, message: r.message };
  } finally {
    rt.inflight.delete(p);
  }
}

/** Sweeps abandoned job runs (any job, any process) and runs the extra sweeps; one sweep at a time, failures logged. */
function sweep(rt: Runtime): Promise<void> {
  return rt.sweeping ??= (async () => {
    try {
      await sweepAbandonedJobRuns(rt.database.db, { staleAfterMs: rt.staleAfterMs, exclude: activeJobRunIds(), log: rt.log });
      for (const extra of rt.opts.sweeps ?? []) await extra();
    } catch (err) {
      rt.log.error({ err: errorMessage(err) }, 'sweep of abandoned runs failed');
    } finally {
      rt.sweeping = undefined;
    }
  })();
}

function startSweepTimer(rt: Runtime): void {
  const every = rt.opts.sweepIntervalMs ?? Math.max(1000, Math.round(rt.staleAfterMs / 3));
  if (every <= 0) return;
  rt.sweepTimer = setInterval(() => { void sweep(rt); }, every);
  rt.sweepTimer.unref();
}

/** Applies `job_definitions` to pg-boss's schedules (registered jobs only); one sync at a time. */
async function syncSchedules(rt: Runtime): Promise<void> {
  if (!rt.scheduling || rt.stopping) return;
  rt.syncing ??= (async () => {
    try {
      const defs = await listJobDefinitions(rt.database.db);
      const have = new Map((await rt.boss.getSchedules()).map((s: any) => [s.name as string, s]));
      for (const def of defs) {
        if (!rt.registry.has(def.name) || rt.stopping) continue;
        await syncSchedule(rt, def, have.get(def.name));
      }
    } finally {
      rt.syncing = undefined;
    }
  })();
  return rt.syncing;
}

/** Schedules, reschedules or unschedules one job when pg-boss's schedule (`current`) differs from its definition. */
async function syncSchedule(rt: Runtime, def: JobDefinitionRow, current: { cron: string; timezone?: string } | undefined): Promise<void> {
  const wanted = def.enabled && !!def.cron;
  if (wanted && current && current.cron === def.cron && (current.timezone ?? DEFAULT_JOB_TIMEZONE) === rt.tz) return;
  if (!wanted && !current) return;
  try {
    const r = await applySchedule(rt.boss, def, rt.tz);
    rt.log.info({ job: def.name, cron: def.cron, enabled: def.enabled, timezone: rt.tz, result: r }, 'job schedule updated');
  } catch (err) {
    rt.log.error({ err, job: def.name, cron: def.cron }, 'job schedule could not be applied');
  }
}

function startSyncTimer(rt: Runtime): void {
  const every = rt.opts.scheduleSyncIntervalSeconds ?? 60;
  if (!rt.scheduling || every <= 0) return;
  rt.syncTimer = setInterval(() => {
    syncSchedules(rt).catch((err) => rt.log.error({ err: errorMessage(err) }, 'job schedule sync failed'));
  }, every * 1000);
  rt.syncTimer.unref();
}

/** Stops the job system (idempotent: a second call waits for the first). */
function stop(rt: Runtime): Promise<void> {
  return rt.stopCall ??= (async () => {
    rt.stopping = true;
    // Handlers stop after the batch / file in progress; runs not started yet are not started.
    rt.abort.abort(new Error('job system is stopping'));
    if (rt.syncTimer) clearInterval(rt.syncTimer);
    if (rt.sweepTimer) clearInterval(rt.sweepTimer);
    await rt.syncing?.catch(() => {});
    await rt.sweeping;
    await stopBoss(rt);
    rt.log.info({}, 'job system stopped');
  })();
}

/** Stops pg-boss, waits (bounded) for the handlers and pg-boss's statements still in flight, then releases its connections. */
async function stopBoss(rt: Runtime): Promise<void> {
  const { boss, log, tracked } = rt;
  try {
    await boss.stop({ graceful: true, wait: true, close: false, timeout: rt.opts.stopTimeoutMs ?? 30_000 });
  } catch (err) {
    log.error({ err }, 'pg-boss stop failed');
  }
  if (rt.inflight.size) {
    log.warn({ running: rt.inflight.size }, 'job handlers still running after the stop timeout: waiting 5 s more');
    await Promise.race([Promise.allSettled([...rt.inflight]), sleep(5000)]);
  }
  await drain(rt, 5000);
  tracked?.close();
  const own = boss.getDb() as { close?: () => Promise<void>; opened?: boolean };
  if (!tracked && own.opened && own.close) await own.close().catch((err) => log.error({ err }, 'pg-boss pool close failed'));
}

const busy = (rt: Runtime) => rt.inflight.size > 0 || (rt.tracked ? rt.tracked.inflight() > 0 : poolBusy(rt.boss));

/** Waits until no handler and no pg-boss statement is in flight for a few ticks (bounded). */
async function drain(rt: Runtime, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  let quiet = 0;
  while (quiet < 3 && Date.now() < deadline) {
    await sleep(20);
    quiet = busy(rt) ? 0 : quiet + 1;
  }
}

type TrackedExecutor = ReturnType<typeof trackExecutor>;

/** Counts the statements pg-boss has in flight on PGlite, and refuses new ones once stopped. */
function trackExecutor(inner: SqlExecutor) {
  let running = 0;
  let closed = false;
  return {
    async executeSql(text: string, values: any[]) {
      if (closed) throw new Error('job system stopped');
      running++;
      try {
        return await inner.executeSql(text, values);
      } finally {
        running--;
      }
    },
    inflight: () => running,
    close: () => { closed = true; },
  };
}

function poolBusy(boss: PgBoss): boolean {
  const pool = (boss.getDb() as { pool?: { totalCount: number; idleCount: number; waitingCount: number } }).pool;
  return !!pool && (pool.totalCount - pool.idleCount > 0 || pool.waitingCount > 0);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
