/**
 * The job system's tables: `job_definitions` (one row per registered job: cron, enabled, params)
 * and `job_runs` (the run history; a RUNNING row is the cross-process lock of its job, kept alive
 * by `heartbeat_at`). Every function is one autocommitted statement, so each takes a `Db`.
 */
import { and, desc, eq, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { millisInterval } from './rows';
import { jobDefinitions, jobRuns } from './schema';

export type JobDefinitionRow = typeof jobDefinitions.$inferSelect;
export type JobRun = typeof jobRuns.$inferSelect;
export type JobRunStatus = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'SKIPPED';

// ---------------------------------------------------------------------------------------------
// job_definitions

/** What seeding writes for a registered job. */
export type JobDefinitionSeed = Pick<JobDefinitionRow, 'name' | 'description' | 'cron' | 'enabled'>;

/** Inserts the definitions that do not exist yet; of the others, only a changed description is updated. */
export async function upsertJobDefinitions(db: Db, rows: JobDefinitionSeed[]): Promise<void> {
  if (!rows.length) return;
  await db.insert(jobDefinitions).values(rows).onConflictDoUpdate({
    target: jobDefinitions.name,
    set: { description: sql`excluded.description` },
    setWhere: sql`${jobDefinitions.description} is distinct from excluded.description`,
  });
}

/** Every definition, by name. */
export async function listJobDefinitions(db: Db): Promise<JobDefinitionRow[]> {
  return db.select().from(jobDefinitions).orderBy(jobDefinitions.name);
}

export async function findJobDefinition(db: Db, name: string): Promise<JobDefinitionRow | undefined> {
  const [def] = await db.select().from(jobDefinitions).where(eq(jobDefinitions.name, name));
  return def;
}

/** Sets `enabled` (and `updated_at`); undefined when there is no such job. */
export async function updateJobEnabled(db: Db, name: string, enabled: boolean): Promise<JobDefinitionRow | undefined> {
  const [def] = await db.update(jobDefinitions)
    .set({ enabled, updatedAt: sql`now()` })
    .where(eq(jobDefinitions.name, name))
    .returning();
  return def;
}

/** Sets the cron (null: none) and `updated_at`; undefined when there is no such job. */
export async function updateJobCron(db: Db, name: string, cron: string | null): Promise<JobDefinitionRow | undefined> {
  const [def] = await db.update(jobDefinitions)
    .set({ cron, updatedAt: sql`now()` })
    .where(eq(jobDefinitions.name, name))
    .returning();
  return def;
}

/** Puts back the cron a refused change replaced; `updated_at` is left as the change set it. */
export async function restoreJobCron(db: Db, name: string, cron: string | null): Promise<void> {
  await db.update(jobDefinitions)
    .set({ cron })
    .where(eq(jobDefinitions.name, name));
}

/** Replaces the stored params (and sets `updated_at`). */
export async function updateJobParams(db: Db, name: string, params: Record<string, unknown>): Promise<void> {
  await db.update(jobDefinitions)
    .set({ params, updatedAt: sql`now()` })
    .where(eq(jobDefinitions.name, name));
}

// ---------------------------------------------------------------------------------------------
// job_runs: reading

/** The newest run of each job that has one. */
export async function latestJobRuns(db: Db): Promise<JobRun[]> {
  return db.selectDistinctOn([jobRuns.name]).from(jobRuns).orderBy(jobRuns.name, desc(jobRuns.startedAt));
}

/** The newest run of one job, if any. */
export async function latestJobRunOf(db: Db, name: string): Promise<JobRun | undefined> {
  const [run] = await db.select().from(jobRuns)
    .where(eq(jobRuns.name, name))
    .orderBy(desc(jobRuns.startedAt))
    .limit(1);
  return run;
}

export interface JobRunFilter {
  name?: string;
  status?: JobRunStatus;
  limit: number;
}

/** Runs newest first (by start, then id), optionally of one job and one status. */
export async function listJobRuns(db: Db, f: JobRunFilter): Promise<JobRun[]> {
  return db.select().from(jobRuns)
    .where(and(
      f.name ? eq(jobRuns.name, f.name) : undefined,
      f.status ? eq(jobRuns.status, f.status) : undefined,
    ))
    .orderBy(desc(jobRuns.startedAt), desc(jobRuns.id))
    .limit(f.limit);
}

export async function findJobRun(db: Db, id: string): Promise<JobRun | undefined> {
  const [run] = await db.select().from(jobRuns).where(eq(jobRuns.id, id));
  return run;
}

/** The RUNNING row of a job, if any. */
export async function findRunningJobRun(db: Db, name: string): Promise<JobRun | undefined> {
  const [run] = await db.select().from(jobRuns).where(and(eq(jobRuns.name, name), eq(jobRuns.status, 'RUNNING')));
  return run;
}

// ---------------------------------------------------------------------------------------------
// job_runs: writing

export interface NewJobRun {
  id: string;
  name: string;
  trigger: string;
  owner: string;
  /** Who asked for the run (the authenticated user of an API request, the CLI's actor); null for the scheduler. */
  actor?: string | null;
}

/**
 * Inserts the RUNNING row of a run (heartbeat = now). False when the job already has one: the
 * unique partial index `job_runs_running_uq` refuses a second, and the insert does nothing.
 */
export async function insertRunningJobRun(db: Db, run: NewJobRun): Promise<boolean> {
  const inserted = await db.insert(jobRuns)
    .values({ ...run, status: 'RUNNING', heartbeatAt: sql`now()` })
    .onConflictDoNothing()
    .returning({ id: jobRuns.id });
  return inserted.length > 0;
}

/** Inserts the SKIPPED row of a run that did not start (started = ended = now, the reason in `error`). */
export async function insertSkippedJobRun(db: Db, run: NewJobRun & { error: string }): Promise<JobRun> {
  const [row] = await db.insert(jobRuns)
    .values({ ...run, status: 'SKIPPED', startedAt: sql`now()`, endedAt: sql`now()` })
    .returning();
  return row;
}

/** Writes the heartbeat of a RUNNING row; false when the row is no longer RUNNING (it was swept). */
export async function beatJobRun(db: Db, id: string): Promise<boolean> {
  const rows = await db.update(jobRuns)
    .set({ heartbeatAt: sql`now()` })
    .where(and(eq(jobRuns.id, id), eq(jobRuns.status, 'RUNNING')))
    .returning({ id: jobRuns.id });
  return rows.length > 0;
}

export interface JobRunEnd {
  status: 'COMPLETED' | 'FAILED';
  counts: Record<string, number>;
  files: string[];
  rowErrors: JobRun['rowErrors'];
  error: string | null;
}

/** Records the end of a RUNNING row; undefined when it is no longer RUNNING (swept meanwhile). */
export async function finishJobRun(db: Db, id: string, end: JobRunEnd): Promise<JobRun | undefined> {
  const [run] = await db.update(jobRuns)
    .set({ ...end, endedAt: sql`now()` })
    .where(and(eq(jobRuns.id, id), eq(jobRuns.status, 'RUNNING')))
    .returning();
  return run;
}

// ---------------------------------------------------------------------------------------------
// job_runs: abandoned runs

/** SQL interval of `ms` milliseconds. */

/** The reason written on an abandoned row, computed from the row itself (owner, last heartbeat). */
function abandonedReason(staleAfterMs: number): SQL {
  const seconds = Math.round(staleAfterMs / 100) / 10;
  return sql`'abandoned: no heartbeat from ' || coalesce(${jobRuns.owner}, 'an unknown process') || ' since '
    || to_char(coalesce(${jobRuns.heartbeatAt}, ${jobRuns.startedAt}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    || case when ${jobRuns.heartbeatAt} is null then ' (it never beat; that is its start)' else '' end
    || ' (stale after ' || ${String(seconds)}::text || ' s); its process is presumed dead'`;
}

export interface StaleJobRunsFilter {
  staleAfterMs: number;
  /** Only this job (default: every job). */
  name?: string;
  /** Never these runs, however late their heartbeat. */
  exclude: string[];
}

/**
 * Marks FAILED the RUNNING rows whose heartbeat (or start, when they never beat) is older than
 * `staleAfterMs` by the database clock, with the reason naming their owner and last heartbeat.
 */
export async function failStaleJobRuns(db: Db, f: StaleJobRunsFilter): Promise<Pick<JobRun, 'id' | 'name' | 'owner' | 'error'>[]> {
  return db.update(jobRuns)
    .set({
      status: 'FAILED',
      endedAt: sql`now()`,
      error: abandonedReason(f.staleAfterMs),
    })
    .where(and(
      f.name ? eq(jobRuns.name, f.name) : undefined,
      eq(jobRuns.status, 'RUNNING'),
      sql`coalesce(${jobRuns.heartbeatAt}, ${jobRuns.startedAt}) < now() - ${millisInterval(f.staleAfterMs)}`,
      f.exclude.length ? notInArray(jobRuns.id, f.exclude) : undefined,
    ))
    .returning({ id: jobRuns.id, name: jobRuns.name, owner: jobRuns.owner, error: jobRuns.error });
}
