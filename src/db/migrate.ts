/** Applies the drizzle migrations and the reference data; reports whether migrations are current. */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { Database } from './client';
import { seedReferenceData } from './reference-data';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

export async function migrateDatabase(database: Database): Promise<void> {
  const cfg = { migrationsFolder: MIGRATIONS_FOLDER };
  if (database.engine === 'pglite') await migratePglite(database.db as any, cfg);
  else {
    // One migrator at a time across processes.
    await database.query('select pg_advisory_lock(727001)');
    try { await migratePg(database.db as any, cfg); } finally { await database.query('select pg_advisory_unlock(727001)'); }
  }
  await seedReferenceData(database.db);
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
