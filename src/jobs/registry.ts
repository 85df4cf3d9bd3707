/**
 * Named jobs: what a job is, what its handler receives and returns. The registry is a plain Map
 * filled by the composition root (`BROKERING_RUN`, `GEN_BRKR_ORD_FD_NS`, `IMP_ORDER_ITM_RJCT`, …);
 * this module knows none of them.
 */
import type { z } from 'zod';

/** Who started a run; stored in `job_runs.trigger`. */
export type RunTrigger = 'cron' | 'manual' | 'api' | 'cli';
export const RUN_TRIGGERS: readonly RunTrigger[] = ['cron', 'manual', 'api', 'cli'];

/** A row-level problem found while processing a file (import) or building one (export). */
export interface RowError {
  file?: string;
  row: number;
  field?: string;
  message: string;
}

/** The structural subset of a pino logger a handler may use (pino's `Logger` fits). */
export interface JobLogger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
  child?(bindings: Record<string, unknown>): JobLogger;
}

export interface JobContext {
  /** The `job_runs.id` of this run (e.g. `RUN-01JD…`); put it in files and log lines. */
  readonly runId: string;
  /** `job_definitions.params` overlaid with the params of this trigger. */
  readonly params: Record<string, unknown>;
  /**
   * Aborted when the process starts shutting down (SIGTERM) or when this run was taken as abandoned
   * by another process: long handlers check it and stop after the batch / file in progress.
   */
  readonly signal?: AbortSignal;
  readonly log: JobLogger;
  /** Records a file this run wrote or read (a name or path; shown in the run history). */
  addFile(name: string): void;
  addRowError(error: RowError): void;
  /** Adds `n` (default 1) to the counter `key`, e.g. `count('itemsExported', 120)`. */
  count(key: string, n?: number): void;
}

/** What a handler may return; merged into what it recorded through the context (returned counts win). */
export interface JobOutcome {
  counts?: Record<string, number>;
  files?: string[];
}

export type JobHandler = (ctx: JobContext) => Promise<JobOutcome | void>;

/** pg-boss queue policies (v10). */
export type QueuePolicy = 'standard' | 'short' | 'singleton' | 'stately';

/** Per-job overrides of the queue settings of `startJobSystem`. */
export interface JobQueueOptions {
  policy?: QueuePolicy;
  retryLimit?: number;
  retryDelaySeconds?: number;
  expireInSeconds?: number;
}

export interface JobDefinition {
  /** Also the pg-boss queue name: letters, digits, `_` and `-`. */
  name: string;
  description: string;
  /** 5-field cron (minute hour day month weekday) seeded into `job_definitions.cron`; absent = on demand only. */
  defaultCron?: string;
  handler: JobHandler;
  queue?: JobQueueOptions;
  /**
   * The params the job accepts (`job_definitions.params` and the params of one run), as a zod
   * object schema; an unknown key or a bad value is refused naming the param. Absent = none.
   */
  params?: z.ZodType<Record<string, unknown>>;
  /**
   * A RUNNING row of this job whose heartbeat is older than this was left by a dead process and is
   * marked FAILED. Default: the job system's `staleAfterMs` (`OMS_JOB_STALE_AFTER_SECONDS`, 45 s).
   */
  staleAfterMs?: number;
}

/** Job name → definition. The composition root fills it (`registry.set(job.name, job)`). */
export type JobRegistry = Map<string, JobDefinition>;

export const JOB_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,99}$/;

/** Builds a registry from definitions; throws on a bad or duplicate name (a programming error). */
export function createJobRegistry(jobs: JobDefinition[] = []): JobRegistry {
  const registry: JobRegistry = new Map();
  for (const job of jobs) {
    if (!JOB_NAME_PATTERN.test(job.name)) throw new Error(`job name ${JSON.stringify(job.name)} must match ${JOB_NAME_PATTERN}`);
    if (registry.has(job.name)) throw new Error(`job ${job.name} is registered twice`);
    registry.set(job.name, job);
  }
  return registry;
}
