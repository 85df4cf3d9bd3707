/** Applies the drizzle migrations and the reference data; reports whether migrations are current. */
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Database } from './client';
import { seedReferenceData } from './reference-data';

/**
 * The `drizzle/` folder of the package: the nearest one above this module, which is src/db/ in the
 * sources and a chunk of dist/ in the build.
 */
function migrationsFolder(): string {
  const here = fileURLToPath(import.meta.url);
  for (let dir = dirname(here); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'drizzle', 'meta', '_journal.json'))) return join(dir, 'drizzle');
    if (dirname(dir) === dir) throw new Error(`no drizzle/meta/_journal.json in a folder above ${here}`);
  }
}

export const MIGRATIONS_FOLDER = migrationsFolder();

/** The advisory lock key of the migrations (one migrator at a time across processes). */
const MIGRATION_LOCK = 727001;

export async function migrateDatabase(database: Database): Promise<void> {
  const cfg = { migrationsFolder: MIGRATIONS_FOLDER };
  if (database.engine === 'pglite') await migratePglite(database.db as any, cfg);
  else await whileLocked(database, () => migratePg(database.db as any, cfg));
  await seedReferenceData(database.db);
}

/**
 * Runs `fn` while a connection of its own holds the migrations' lock in an open transaction
 * (`pg_advisory_xact_lock`): processes starting together migrate one after the other. The lock is
 * held by that transaction, not by a session of the pool (whose next statement may run on another
 * connection), so it is released by the commit even behind PgBouncer in transaction mode.
 */
async function whileLocked(database: Database, fn: () => Promise<unknown>): Promise<void> {
  if (!database.connectionString) throw new Error('migrateDatabase: a PostgreSQL database needs its connectionString');
  const lock = new pg.Client({ connectionString: database.connectionString, application_name: 'oms-migrate-lock' });
  await lock.connect();
  try {
    await lock.query('begin');
    await lock.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await fn();
    await lock.query('commit');
  } finally {
    await lock.end();
  }
}

/** Number of migrations shipped with this build. */
export function shippedMigrationCount(): number {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8'));
  return journal.entries.length;
}

/** True when every shipped migration is applied. */
export async function migrationsCurrent(database: Database): Promise<boolean> {
  try {
    const { rows } = await database.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations');
    return rows[0].n >= shippedMigrationCount();
  } catch {
    return false;
  }
}
