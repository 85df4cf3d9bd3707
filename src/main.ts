/**
 * Composition root: wires config, database, use cases, jobs and adapters by hand.
 * `startOms` is what `oms serve` (and `npm start`) runs.
 */
import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from './config';
import { openDatabase, type Database } from './db/client';
import { migrateDatabase } from './db/migrate';
import { buildServer, type App } from './http/server';
import { createLogger } from './log';

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
  close(): Promise<void>;
}

export interface StartOptions {
  /** Seed the demo data on first run. */
  demo?: boolean;
  /** Use this database instead of opening the configured one (tests). */
  database?: Database;
  log?: Logger;
}

export async function startOms(config: Config, opts: StartOptions = {}): Promise<OmsHandle> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const database = opts.database ?? await openConfiguredDatabase(config);
  await migrateDatabase(database);
  if (opts.demo) {
    const { seedDemo } = await import('./app/demo');
    const r = await seedDemo(database.db);
    log.info({ demo: r }, 'demo data');
  }
  const app = await buildServer({ database, config, log });
  const address = await app.listen({ host: config.HOST, port: config.PORT });
  log.info({ address, engine: database.engine }, 'OMS listening');
  let closed = false;
  return {
    app, database, log, url: address,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      if (!opts.database) await database.close();
    },
  };
}
