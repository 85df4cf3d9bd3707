/**
 * Composition root: wires config, database, use cases, jobs and adapters by hand.
 * `startOms` is what `oms serve` (and `npm start`) runs.
 */
import { webRoutes } from './web';
import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from './config';
import { openDatabase, type Database } from './db/client';
import { migrateDatabase } from './db/migrate';
import { buildServer, type App } from './http/server';
import { createLogger } from './log';
import { startJobSystem, type JobSystem } from './jobs';
import { buildJobRegistry } from './wiring';
import { Lifecycle } from './lifecycle';
import { sweepAbandonedRuns } from './app/brokering';
import { ensureAdmin, newSecret } from './app/auth';

/** Opens PostgreSQL when DATABASE_URL is set, else PGlite in OMS_DATA_DIR/pglite. */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  if (config.DATABASE_URL) return openDatabase({ databaseUrl: config.DATABASE_URL });
  mkdirSync(config.OMS_DATA_DIR, { recursive: true });
  return openDatabase({ dataDir: `${config.OMS_DATA_DIR}/pglite` });
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
  /** Use this database instead of opening the configured one (tests). */
  database?: Database;
  log?: Logger;
  /** How long close() waits for job runs in progress. Default 30 s. */
  drainTimeoutMs?: number;
}

export async function startOms(config: Config, opts: StartOptions = {}): Promise<OmsHandle> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const database = opts.database ?? await openConfiguredDatabase(config);
  await migrateDatabase(database);
  if (opts.demo) {
    const { seedDemo } = await import('./app/demo');
    const r = await seedDemo(database.db, { orders: config.OMS_DEMO_ORDERS });
    if (r.skipped) log.info({ demo: r }, 'demo data');
    else {
      const { users, ...demo } = r;
      log.info({ demo }, 'demo data');
      // Demo only, printed once (at the first seeding): the fixed passwords of the demo users.
      log.info({ users: users.map((u) => ({ username: u.username, password: u.password, role: u.role, facilities: u.facilities })) },
        'demo users (demo only: disable them or change nothing else with them in a real installation)');
    }
  }
  await bootstrapAdmin(database, config, log);
  const { registry, close: closeFeeds } = await buildJobRegistry(database, config, log);
  const lifecycle = new Lifecycle();
  const staleAfterMs = config.OMS_JOB_STALE_AFTER_SECONDS * 1000;
  const drainTimeoutMs = opts.drainTimeoutMs ?? 30_000;
  let jobs: JobSystem | undefined;
  if (config.OMS_JOBS) {
    jobs = await startJobSystem(database, registry, {
      log: log.child({ component: 'jobs' }), staleAfterMs, stopTimeoutMs: drainTimeoutMs,
      sweeps: [async () => {
        for (const r of await sweepAbandonedRuns(database.db, staleAfterMs)) {
          log.warn({ brokeringRun: r.id, reason: r.error }, 'abandoned brokering run marked FAILED');
        }
      }],
    });
  }
  // The CLI of this host reaches the server with this credential, written into the folder's owner lock (0600).
  const localCredential = database.owner ? `oms_local_${newSecret()}` : undefined;
  const http = { database, config, log, lifecycle, localCredential };
  const app = await buildServer({ ...http, jobs: { registry, boss: jobs?.boss }, plugins: [(a) => webRoutes(a)] });
  const address = await app.listen({ host: config.HOST, port: config.PORT });
  log.info({ address, engine: database.engine, jobs: Boolean(jobs) }, 'OMS listening');
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

