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
import { listJobDefinitions } from '../db/jobs.repo';
import { applySchedule, seedJobDefinitions } from './admin';
import { DEFAULT_JOB_TIMEZONE } from './cron';
import { RUN_TRIGGERS, type JobLogger, type JobQueueOptions, type JobRegistry, type RunTrigger } from './registry';
import { DEFAULT_STALE_AFTER_MS, sweepAbandonedJobRuns } from './liveness';
import { activeJobRunIds, errorMessage, runJob, silentLogger } from './runner';

/** pg-boss expiry of an active job (its worker died): long enough for any run; the heartbeat finds dead runs much sooner. */
const DEFAULT_EXPIRE_SECONDS = 30 * 60;

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
}

export async function startJobSystem(database: Database, registry: JobRegistry, opts: JobSystemOptions = {}): Promise<JobSystem> {
  const log = opts.log ?? silentLogger;
  const tz = opts.timezone ?? DEFAULT_JOB_TIMEZONE;
  const scheduling = opts.schedule ?? true;
  const staleAfterMs = opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 30_000;

  await seedJobDefinitions(database.db, registry);

  const tracked = database.engine === 'pglite' ? trackExecutor(database.executor) : undefined;
  if (!tracked && !database.connectionString) throw new Error('startJobSystem: a PostgreSQL database needs its connectionString');
  const boss = new PgBoss({
    ...opts.boss,
    ...(tracked ? { db: tracked } : { connectionString: database.connectionString, max: opts.poolSize ?? 4, application_name: 'oms-jobs' }),
    schema: PGBOSS_SCHEMA,
    schedule: scheduling,
  });
  boss.on('error', (err) => log.error({ err }, 'pg-boss error'));

  const inflight = new Set<Promise<unknown>>();
  const abort = new AbortController();
  let stopping = false;
  let syncTimer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  const sweep = () => sweeping ??= (async () => {
    try {
      await sweepAbandonedJobRuns(database.db, { staleAfterMs, exclude: activeJobRunIds(), log });
      for (const extra of opts.sweeps ?? []) await extra();
    } catch (err) {
      log.error({ err: errorMessage(err) }, 'sweep of abandoned runs failed');
    } finally {
      sweeping = undefined;
    }
  })();
  let syncing: Promise<void> | undefined;

  const syncSchedules = async () => {
    if (!scheduling || stopping) return;
    syncing ??= (async () => {
      try {
        const defs = await listJobDefinitions(database.db);
        const have = new Map((await boss.getSchedules()).map((s: any) => [s.name as string, s]));
        for (const def of defs) {
          if (!registry.has(def.name) || stopping) continue;
          const current = have.get(def.name);
          const wanted = def.enabled && !!def.cron;
          if (wanted && current && current.cron === def.cron && (current.timezone ?? DEFAULT_JOB_TIMEZONE) === tz) continue;
          if (!wanted && !current) continue;
          try {
            const r = await applySchedule(boss, def, tz);
            log.info({ job: def.name, cron: def.cron, enabled: def.enabled, timezone: tz, result: r }, 'job schedule updated');
          } catch (err) {
            log.error({ err, job: def.name, cron: def.cron }, 'job schedule could not be applied');
          }
        }
      } finally {
        syncing = undefined;
      }
    })();
    return syncing;
  };

  const runFromQueue = async (name: string, job: PgBoss.JobWithMetadata<JobPayload>) => {
    if (stopping) throw new Error('job system is stopping; the job will be retried');
    const trigger = RUN_TRIGGERS.includes(job.data?.trigger as RunTrigger) ? (job.data!.trigger as RunTrigger) : 'cron';
    const params = isPlainObject(job.data?.params) ? job.data!.params : undefined;
    const p = runJob(database, registry, name, { trigger, params, signal: abort.signal, log, staleAfterMs, heartbeatIntervalMs: opts.heartbeatIntervalMs });
    inflight.add(p);
    try {
      const r = await p;
      if (r.kind === 'failed') {
        log.warn({ job: name, runId: r.run.id, attempt: job.retryCount + 1, retryLimit: job.retryLimit }, 'job run failed; pg-boss retries it if attempts remain');
        throw new Error(`${name} failed: ${r.error}`);
      }
      if (r.kind === 'completed') return { runId: r.run.id };
      if (r.kind === 'skipped') return { skipped: r.reason, runId: r.run.id };
      if (r.kind === 'invalid') log.error({ job: name, error: r.message }, 'job run refused: invalid params');
      return { refused: r.kind, message: r.message };
    } finally {
      inflight.delete(p);
    }
  };

  const busy = () => inflight.size > 0 || (tracked ? tracked.inflight() > 0 : poolBusy(boss));

  /** Waits until no handler and no pg-boss statement is in flight for a few ticks (bounded). */
  const drain = async (maxMs: number) => {
    const deadline = Date.now() + maxMs;
    let quiet = 0;
    while (quiet < 3 && Date.now() < deadline) {
      await sleep(20);
      quiet = busy() ? 0 : quiet + 1;
    }
  };

  let stopPromise: Promise<void> | undefined;
  const stop = () => stopPromise ??= (async () => {
    stopping = true;
    // Handlers stop after the batch / file in progress; runs not started yet are not started.
    abort.abort(new Error('job system is stopping'));
    if (syncTimer) clearInterval(syncTimer);
    if (sweepTimer) clearInterval(sweepTimer);
    await syncing?.catch(() => {});
    await sweeping;
    try {
      await boss.stop({ graceful: true, wait: true, close: false, timeout: stopTimeoutMs });
    } catch (err) {
      log.error({ err }, 'pg-boss stop failed');
    }
    if (inflight.size) {
      log.warn({ running: inflight.size }, 'job handlers still running after the stop timeout: waiting 5 s more');
      await Promise.race([Promise.allSettled([...inflight]), sleep(5000)]);
    }
    await drain(5000);
    tracked?.close();
    const own = boss.getDb() as { close?: () => Promise<void>; opened?: boolean };
    if (!tracked && own.opened && own.close) await own.close().catch((err) => log.error({ err }, 'pg-boss pool close failed'));
    log.info({}, 'job system stopped');
  })();

  try {
    await boss.start();
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
    if (opts.work ?? true) {
      for (const job of registry.values()) {
        await boss.work<JobPayload>(job.name, { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2, batchSize: 1, includeMetadata: true },
          async ([j]) => runFromQueue(job.name, j));
      }
    }
    await sweep();
    const sweepEvery = opts.sweepIntervalMs ?? Math.max(1000, Math.round(staleAfterMs / 3));
    if (sweepEvery > 0) {
      sweepTimer = setInterval(() => { void sweep(); }, sweepEvery);
      sweepTimer.unref();
    }
    await syncSchedules();
    const every = opts.scheduleSyncIntervalSeconds ?? 60;
    if (scheduling && every > 0) {
      syncTimer = setInterval(() => { syncSchedules().catch((err) => log.error({ err: errorMessage(err) }, 'job schedule sync failed')); }, every * 1000);
      syncTimer.unref();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  log.info({ jobs: [...registry.keys()], engine: database.engine, schedule: scheduling, timezone: tz }, 'job system started');
  return { boss, timezone: tz, syncSchedules, stop };
}

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
