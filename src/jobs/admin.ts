/**
 * Job administration use cases, called by the HTTP API and the CLI. Expected outcomes are values:
 * `{ kind: 'ok', … }`, or a `Failure` of `src/domain/result.ts` (`not_found`, `invalid`).
 *
 * `job_definitions` is the source of truth for cron and enabled; when a pg-boss instance is at
 * hand the change is applied to its schedule at once, otherwise the running job system picks it
 * up at its next schedule sync.
 */
import type PgBoss from 'pg-boss';
import type { Database, Db } from '../db/client';
import {
  findJobDefinition, findJobRun, findRunningJobRun, latestJobRunOf, latestJobRuns, listJobDefinitions, listJobRuns, restoreJobCron,
  updateJobCron, updateJobEnabled, updateJobParams, upsertJobDefinitions, type JobDefinitionRow, type JobRunStatus,
} from '../db/jobs.repo';
import { notFound, type Failure } from '../domain/result';
import { checkCron, DEFAULT_JOB_TIMEZONE, nextCronRun } from './cron';
import { JOB_NAME_PATTERN, type JobRegistry, type RunTrigger } from './registry';
import { sweepAbandonedJobRuns } from './liveness';
import { checkFailure, checkParams, mergeParams } from './params';
import { activeJobRunIds, alreadyRunningMessage, recordSkip, runJob, staleLimitOf, type JobRun, type RunOptions, type RunResult, type Skipped } from './runner';

export type { JobDefinitionRow } from '../db/jobs.repo';

export interface JobSummary {
  name: string;
  description: string;
  cron: string | null;
  enabled: boolean;
  params: Record<string, unknown>;
  updatedAt: Date;
  /** Next occurrence of the cron (null when paused or on demand only). */
  nextRunAt: Date | null;
  lastRun: JobRun | null;
  running: boolean;
}

export interface AdminOptions {
  /** Zone the crons are evaluated in; must match the job system's (default UTC). */
  timezone?: string;
}

const jobNotFound = (name: string): Failure => notFound('job', name);

/** Inserts a definition for each registered job that has none (cron = defaultCron, enabled); refreshes descriptions. */
export async function seedJobDefinitions(db: Db, registry: JobRegistry): Promise<void> {
  const rows = [...registry.values()].map((job) => {
    if (!JOB_NAME_PATTERN.test(job.name)) throw new Error(`job name ${JSON.stringify(job.name)} must match ${JOB_NAME_PATTERN}`);
    let cron: string | null = null;
    if (job.defaultCron) {
      const c = checkCron(job.defaultCron);
      if (!c.ok) throw new Error(`job ${job.name}: defaultCron ${c.message}`);
      cron = c.cron;
    }
    return { name: job.name, description: job.description, cron, enabled: true };
  });
  await upsertJobDefinitions(db, rows);
}

/** Every job by name, with its schedule, its last run and its next cron occurrence. */
export async function listJobs(db: Db, opts: AdminOptions & { now?: Date } = {}): Promise<JobSummary[]> {
  const defs = await listJobDefinitions(db);
  const last = await latestJobRuns(db);
  const lastByName = new Map(last.map((r) => [r.name, r]));
  return defs.map((d) => summarize(d, lastByName.get(d.name) ?? null, opts));
}

/** One job's summary (schedule, last and next run). */
export async function getJob(db: Db, name: string, opts: AdminOptions & { now?: Date } = {}): Promise<{ kind: 'ok'; job: JobSummary } | Failure> {
  const def = await findJobDefinition(db, name);
  if (!def) return jobNotFound(name);
  const lastRun = await latestJobRunOf(db, name);
  return { kind: 'ok', job: summarize(def, lastRun ?? null, opts) };
}

function summarize(d: JobDefinitionRow, lastRun: JobRun | null, opts: AdminOptions & { now?: Date }): JobSummary {
  return {
    name: d.name, description: d.description, cron: d.cron, enabled: d.enabled, params: d.params, updatedAt: d.updatedAt,
    nextRunAt: d.enabled ? nextCronRun(d.cron, opts.now ?? new Date(), opts.timezone ?? DEFAULT_JOB_TIMEZONE) : null,
    lastRun,
    running: lastRun?.status === 'RUNNING',
  };
}

/** Pauses (unschedules) or resumes a job. A paused job is also skipped when run by hand or through the queue. */
export async function setJobEnabled(
  db: Db, boss: PgBoss | undefined, name: string, enabled: boolean, opts: AdminOptions = {},
): Promise<{ kind: 'ok'; job: JobSummary } | Failure> {
  const def = await updateJobEnabled(db, name, enabled);
  if (!def) return jobNotFound(name);
  if (boss) await applySchedule(boss, def, opts.timezone);
  return getJob(db, name, opts);
}

/** Sets (or, with null, clears) the cron of a job after validating it. */
export async function setJobCron(
  db: Db, boss: PgBoss | undefined, name: string, cron: string | null, opts: AdminOptions = {},
): Promise<{ kind: 'ok'; job: JobSummary } | Failure> {
  const tz = opts.timezone ?? DEFAULT_JOB_TIMEZONE;
  let value: string | null = null;
  if (cron !== null) {
    const c = checkCron(cron, tz);
    if (!c.ok) return checkFailure('cron', c.message);
    value = c.cron;
  }
  const before = await findJobDefinition(db, name);
  if (!before) return jobNotFound(name);
  const def = await updateJobCron(db, name, value);
  if (!def) return jobNotFound(name);
  if (boss) {
    try {
      await applySchedule(boss, def, tz);
    } catch (e) {
      // pg-boss parses crons with cron-parser; if it refuses one croner accepted, keep the old cron.
      await restoreJobCron(db, name, before.cron);
      return checkFailure('cron', `cron: "${value}" was refused by the scheduler: ${(e as Error).message}`);
    }
  }
  return getJob(db, name, opts);
}

/**
 * Makes pg-boss's schedule match a definition: scheduled when enabled with a cron, else removed.
 * A queue pg-boss does not know yet (no job system has registered it) is left to the next sync.
 */
export async function applySchedule(
  boss: PgBoss, def: Pick<JobDefinitionRow, 'name' | 'cron' | 'enabled'>, timezone = DEFAULT_JOB_TIMEZONE,
): Promise<'scheduled' | 'unscheduled' | 'no_queue'> {
  if (!(def.enabled && def.cron)) {
    await boss.unschedule(def.name);
    return 'unscheduled';
  }
  if (!(await boss.getQueue(def.name))) return 'no_queue';
  await boss.schedule(def.name, def.cron, { trigger: 'cron' }, { tz: timezone });
  return 'scheduled';
}

/** Runs a job now, in this process, waiting for the end (`oms jobs run NAME`). */
export async function runJobNow(
  database: Database, registry: JobRegistry, name: string, trigger: RunTrigger = 'manual', opts: Omit<RunOptions, 'trigger'> = {},
): Promise<RunResult> {
  if (!registry.has(name)) return jobNotFound(name);
  await seedJobDefinitions(database.db, registry);
  return runJob(database, registry, name, { ...opts, trigger });
}

/**
 * Merges `patch` into a job's stored params (`null` removes a key) after checking the result
 * against the job's params schema; nothing is stored when it is refused.
 */
export async function setJobParams(
  db: Db, registry: JobRegistry, name: string, patch: Record<string, unknown>, opts: AdminOptions = {},
): Promise<{ kind: 'ok'; job: JobSummary } | Failure> {
  const job = registry.get(name);
  const def = await findJobDefinition(db, name);
  if (!job || !def) return jobNotFound(name);
  const checked = checkParams(job, mergeParams(def.params, patch));
  if (!checked.ok) return checkFailure(checked.field, checked.message);
  await updateJobParams(db, name, checked.params);
  return getJob(db, name, opts);
}

export type EnqueueResult =
  | { kind: 'queued'; jobId: string }
  | { kind: 'already_queued'; message: string }
  | Skipped
  /** `not_found` (no such queue or job) or `invalid` (params refused). */
  | Failure;

export interface EnqueueOptions {
  trigger?: RunTrigger;
  params?: Record<string, unknown>;
  /** Who asks for the run: carried in the queued job, stored in `job_runs.actor` by the worker that runs it. */
  actor?: string | null;
  /** Check the run up front (params, enabled, no live RUNNING row); a refused one is recorded SKIPPED. */
  preflight?: { db: Db; registry: JobRegistry; staleAfterMs?: number };
}

/**
 * Queues a run through pg-boss; a worker of any process picks it up. With the default `short`
 * queue policy a second request while one is still waiting returns `already_queued`. Given the
 * registry, a run that would be skipped now (disabled, a live run holds the job) is not queued but
 * recorded SKIPPED and returned as such; one that starts between this check and the worker is
 * still skipped by the worker, which records its own SKIPPED row.
 */
export async function enqueueJob(boss: PgBoss, name: string, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
  if (!JOB_NAME_PATTERN.test(name) || !(await boss.getQueue(name))) return jobNotFound(name);
  const trigger = opts.trigger ?? 'api';
  if (opts.preflight) {
    const pre = await preflight(opts.preflight, name, trigger, opts.params ?? {}, opts.actor ?? null);
    if (pre) return pre;
  }
  const jobId = await boss.send(name, { trigger, params: opts.params ?? {}, actor: opts.actor ?? null });
  if (!jobId) return { kind: 'already_queued', message: `job ${name} already has a run waiting in the queue` };
  return { kind: 'queued', jobId };
}

/** What would stop a run from starting now (recorded SKIPPED), or undefined when it would start. */
async function preflight(
  { db, registry, staleAfterMs }: NonNullable<EnqueueOptions['preflight']>, name: string, trigger: RunTrigger, params: Record<string, unknown>,
  actor: string | null,
): Promise<Skipped | Failure | undefined> {
  const job = registry.get(name);
  if (!job) return jobNotFound(name);
  const def = await findJobDefinition(db, name);
  const checked = checkParams(job, { ...(def?.params ?? {}), ...params });
  if (!checked.ok) return checkFailure(checked.field, checked.message);
  if (def && !def.enabled) return recordSkip(db, name, trigger, 'disabled', `job ${name} is disabled`, undefined, actor);
  await sweepAbandonedJobRuns(db, { name, staleAfterMs: staleLimitOf(job, { staleAfterMs }), exclude: activeJobRunIds() });
  if (await findRunningJobRun(db, name)) return recordSkip(db, name, trigger, 'already_running', await alreadyRunningMessage(db, name), undefined, actor);
  return undefined;
}

export interface ListRunsQuery {
  name?: string;
  status?: JobRunStatus;
  /** 1–500, default 50. */
  limit?: number;
}

/** Newest first. */
export async function listRuns(db: Db, q: ListRunsQuery = {}): Promise<JobRun[]> {
  const limit = Math.min(500, Math.max(1, Math.trunc(q.limit ?? 50) || 50));
  return listJobRuns(db, { name: q.name, status: q.status, limit });
}

/** One run of the history, by id. */
export async function getRun(db: Db, id: string): Promise<{ kind: 'ok'; run: JobRun } | Failure> {
  const run = await findJobRun(db, id);
  return run ? { kind: 'ok', run } : notFound('job run', id);
}
