/**
 * Named jobs on pg-boss with cron schedules and run history (`job_definitions`, `job_runs`).
 *
 * Composition root:
 *   const registry = createJobRegistry([brokeringJob, brokeredItemsFeedJob, …]);
 *   const jobs = await startJobSystem(database, registry, { log });   // when OMS_JOBS
 *   …
 *   await jobs.stop();            // before database.close()
 */
export {
  createJobRegistry, JOB_NAME_PATTERN, RUN_TRIGGERS,
  type JobContext, type JobDefinition, type JobHandler, type JobLogger, type JobOutcome, type JobQueueOptions,
  type JobRegistry, type QueuePolicy, type RowError, type RunTrigger,
} from './registry';
export { recordSkip, runJob, type JobRun, type RunOptions, type RunResult, type SkipReason, type Skipped } from './runner';
export {
  DEFAULT_HEARTBEAT_MS, DEFAULT_STALE_AFTER_MS, heartbeatIntervalFor, processOwner, startHeartbeat, sweepAbandonedJobRuns, type Heartbeat,
} from './liveness';
export { acceptedParams, checkParams, mergeParams, parseParamArgs, positiveInt, type ParamsCheck } from './params';
export { PGBOSS_SCHEMA, startJobSystem, type JobSystem, type JobSystemOptions } from './scheduler';
export {
  applySchedule, enqueueJob, getJob, setJobParams, getRun, listJobs, listRuns, runJobNow, seedJobDefinitions, setJobCron, setJobEnabled,
  type AdminOptions, type EnqueueOptions, type EnqueueResult, type JobDefinitionRow, type JobSummary, type ListRunsQuery,
} from './admin';
export { checkCron, DEFAULT_JOB_TIMEZONE, nextCronRun, type CronCheck } from './cron';
