/**
 * Composition root: wires config, database, use cases, jobs and adapters by hand.
 * `startOms` is what `oms serve` (and `npm start`) runs; `startWorker` is `oms worker` (jobs, no HTTP).
 * Several processes share one PostgreSQL: API processes with `OMS_JOBS=false` (no job runs here;
 * runs asked for over HTTP are queued for a worker) and workers (docs/deployment.md).
 */
import { webRoutes } from './web';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from './config';
import { openDatabase, type Database } from './db/client';
import { migrateDatabase } from './db/migrate';
import { isNewDataFolder, templateFile } from './db/pglite-template';
import { buildServer, type App } from './http/server';
import { createLogger } from './log';
import { startJobSystem, type JobRegistry, type JobSystem } from './jobs';
import { buildJobRegistry } from './wiring';
import { Lifecycle } from './lifecycle';
import { sweepAbandonedRuns } from './app/brokering';
import { ensureAdmin, newSecret } from './app/auth';
import type { DemoProgress } from './app/demo';

/** Opens PostgreSQL when DATABASE_URL is set (a pool of OMS_DB_POOL_SIZE connections), else PGlite in OMS_DATA_DIR/pglite. */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  if (config.DATABASE_URL) return openDatabase({ databaseUrl: config.DATABASE_URL, poolSize: config.OMS_DB_POOL_SIZE });
  const start = embeddedStart(config);
  const loadDataDir = start.kind === 'template' ? new Blob([readFileSync(start.template)]) : undefined;
  return openDatabase({ dataDir: start.folder, loadDataDir });
}

/**
 * How the embedded database of `config` starts: its folder exists (`existing`), or a new one is
 * loaded from the build's migrated template (`template`), or created by PGlite's initdb (`initdb`:
 * no template, e.g. a build of other migrations).
 */
function embeddedStart(config: Config):
  { folder: string; kind: 'existing' | 'initdb' } | { folder: string; kind: 'template'; template: string } {
  const folder = `${config.OMS_DATA_DIR}/pglite`;
  mkdirSync(config.OMS_DATA_DIR, { recursive: true });
  if (!isNewDataFolder(folder)) return { folder, kind: 'existing' };
  const template = templateFile();
  return template ? { folder, kind: 'template', template } : { folder, kind: 'initdb' };
}

const OPENING = {
  existing: 'opening the database',
  template: 'creating the embedded database from the migrated template',
  initdb: 'creating the embedded database (PGlite initdb and the migrations: some seconds)',
} as const;

/** The configured database, with a line first: creating a new embedded one takes PGlite seconds of silence. */
async function openDatabaseLogged(config: Config, log: Logger): Promise<Database> {
  if (config.DATABASE_URL) {
    log.info({ engine: 'postgres' }, OPENING.existing);
    return openConfiguredDatabase(config);
  }
  const kind = embeddedStart(config).kind;
  log.info({ engine: 'pglite', start: kind }, OPENING[kind]);
  return openConfiguredDatabase(config);
}

export interface OmsHandle {
  app: App;
  database: Database;
  log: Logger;
  url: string;
  lifecycle: Lifecycle;
  /** The local CLI's credential, when this process owns an embedded data folder: `announce` puts it into the lock. */
  localCredential?: string;
  /** Drains (no new job runs, /health 503, running ones stop after their batch), then closes. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Seed the demo data on first run. */
  demo?: boolean;
  /** Hears the demo seed's progress (a progress bar); default: a log line per part written. */
  onDemoProgress?: (p: DemoProgress) => void;
  /** Use this database instead of opening the configured one (tests). */
  database?: Database;
  log?: Logger;
  /** How long close() waits for job runs in progress. Default 30 s. */
  drainTimeoutMs?: number;
}

export async function startOms(config: Config, opts: StartOptions = {}): Promise<OmsHandle> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const database = opts.database ?? await openDatabaseLogged(config, log);
  await migrateDatabase(database);
  if (opts.demo) await seedDemoData(database, config, log, opts.onDemoProgress);
  await bootstrapAdmin(database, config, log);
  const { registry, close: closeFeeds } = await buildJobRegistry(database, config, log);
  const lifecycle = new Lifecycle();
  const drainTimeoutMs = opts.drainTimeoutMs ?? 30_000;
  const mode = jobMode(database, config);
  const jobs = mode === 'none' ? undefined : await startJobs(database, registry, config, log, { mode, drainTimeoutMs });
  // The CLI of this host reaches the server with this credential, written into the folder's owner lock (0600).
  const localCredential = database.owner ? `oms_local_${newSecret()}` : undefined;
  const http = { database, config, log, lifecycle, localCredential };
  const app = await buildServer({ ...http, jobs: { registry, boss: jobs?.boss, runsHere: mode === 'run' }, plugins: [(a) => webRoutes(a)] });
  const address = await app.listen({ host: config.HOST, port: config.PORT });
  log.info({ address, engine: database.engine, jobs: mode === 'run', jobRunsQueued: mode === 'queue' }, 'OMS listening');
  let closing: Promise<void> | undefined;
  return {
    app, database, log, url: address, lifecycle, localCredential,
    close: () => closing ??= (async () => {
      lifecycle.beginDrain();
      log.info({}, 'draining: no new job runs; runs in progress stop after their batch');
      await jobs?.stop();
      if (!(await lifecycle.settled(drainTimeoutMs))) log.warn({}, 'job runs started over HTTP still running after the drain timeout');
      await app.close();
      await closeFeeds();
      if (!opts.database) await database.close();
    })(),
  };
}

/** The first admin from OMS_ADMIN_USERNAME / OMS_ADMIN_PASSWORD, when no enabled admin exists yet. */
async function bootstrapAdmin(database: Database, config: Config, log: Logger): Promise<void> {
  const username = config.OMS_ADMIN_USERNAME;
  if (!username || !config.OMS_ADMIN_PASSWORD) return;
  const r = await database.db.transaction((tx) => ensureAdmin(tx, username, config.OMS_ADMIN_PASSWORD!));
  if (r.kind === 'created') log.info({ username }, 'first admin created from OMS_ADMIN_USERNAME');
  else if (r.kind !== 'noop') log.warn({ username, reason: r.message }, 'OMS_ADMIN_USERNAME: the first admin could not be created');
}

/** The demo data on first run, with its progress (log lines with counts unless `onProgress` is given). */
async function seedDemoData(database: Database, config: Config, log: Logger, onProgress?: (p: DemoProgress) => void): Promise<void> {
  const { seedDemo } = await import('./app/demo');
  const progress = onProgress ?? ((p: DemoProgress) => { if (p.done === p.total) log.info({ [p.stage]: p.total }, `demo data: ${p.stage} written`); });
  const r = await seedDemo(database.db, { orders: config.OMS_DEMO_ORDERS, onProgress: progress });
  if (r.skipped) log.info({ demo: r }, 'demo data');
  else {
    const { users, ...demo } = r;
    log.info({ demo }, 'demo data');
    // Demo only, printed once (at the first seeding): the fixed passwords of the demo users.
    log.info({ users: users.map((u) => ({ username: u.username, password: u.password, role: u.role, facilities: u.facilities })) },
      'demo users (demo only: disable them or change nothing else with them in a real installation)');
  }
}

/**
 * What this process does with jobs: `run` (workers and crons: OMS_JOBS=true, and `oms worker`),
 * `queue` (OMS_JOBS=false on PostgreSQL: no job runs here, runs asked for over HTTP are queued for
 * the workers of other processes), `none` (OMS_JOBS=false on the embedded database, which no other
 * process can open: nothing runs jobs).
 */
export type JobMode = 'run' | 'queue' | 'none';

const jobMode = (database: Database, config: Config): JobMode => (config.OMS_JOBS ? 'run' : database.engine === 'postgres' ? 'queue' : 'none');

/** The job system of this process: with workers, the cron timekeeper and the sweeps (`run`), or only pg-boss to queue runs (`queue`). */
async function startJobs(
  database: Database, registry: JobRegistry, config: Config, log: Logger, o: { mode: 'run' | 'queue'; drainTimeoutMs: number },
): Promise<JobSystem> {
  const staleAfterMs = config.OMS_JOB_STALE_AFTER_SECONDS * 1000;
  const common = { log: log.child({ component: 'jobs' }), staleAfterMs, stopTimeoutMs: o.drainTimeoutMs, poolSize: config.OMS_JOBS_POOL_SIZE };
  if (o.mode === 'queue') {
    return startJobSystem(database, registry, { ...common, work: false, schedule: false, sweepIntervalMs: 0, boss: { supervise: false } });
  }
  return startJobSystem(database, registry, {
    ...common,
    sweeps: [async () => {
      for (const r of await sweepAbandonedRuns(database.db, staleAfterMs)) {
        log.warn({ brokeringRun: r.id, reason: r.error }, 'abandoned brokering run marked FAILED');
      }
    }],
  });
}

export interface WorkerHandle {
  database: Database;
  log: Logger;
  /** Stops taking jobs, lets the runs in progress stop after their batch or file (at most the drain timeout), then closes. */
  close(): Promise<void>;
}

/** `oms worker`: the job system only (workers, crons, sweeps), no HTTP listener. */
export async function startWorker(config: Config, opts: Omit<StartOptions, 'demo' | 'onDemoProgress'> = {}): Promise<WorkerHandle> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const database = opts.database ?? await openDatabaseLogged(config, log);
  await migrateDatabase(database);
  const { registry, close: closeFeeds } = await buildJobRegistry(database, config, log);
  const jobs = await startJobs(database, registry, config, log, { mode: 'run', drainTimeoutMs: opts.drainTimeoutMs ?? 30_000 });
  log.info({ engine: database.engine, jobs: [...registry.keys()] }, 'OMS worker started');
  let closing: Promise<void> | undefined;
  return {
    database, log,
    close: () => closing ??= (async () => {
      log.info({}, 'draining: no new job runs; runs in progress stop after their batch');
      await jobs.stop();
      await closeFeeds();
      if (!opts.database) await database.close();
    })(),
  };
}
