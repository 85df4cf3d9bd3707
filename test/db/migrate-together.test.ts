/**
 * Processes that start together on one new PostgreSQL database migrate one after the other (the
 * migrations' advisory lock, held by a transaction of a connection of its own): every one of them
 * starts, the migrations are applied once, and no lock is left behind.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client';
import { migrateDatabase, migrationsCurrent, shippedMigrationCount } from '../../src/db/migrate';

const onPostgres = inject('engines').includes('postgres');

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await c.connect();
  try { return await fn(c); } finally { await c.end(); }
}

describe.skipIf(!onPostgres)('migrations of processes starting together on PostgreSQL', { timeout: 180_000 }, () => {
  const name = `omstest_${Math.floor(Date.now() / 1000)}_${randomBytes(6).toString('hex')}`;
  let url: string;
  const open: Database[] = [];
  beforeAll(async () => {
    await admin((c) => c.query(`create database ${name}`));
    const u = new URL(inject('pgAdminUrl')); u.pathname = `/${name}`;
    url = u.toString();
  });
  afterAll(async () => {
    for (const d of open) await d.close();
    await admin((c) => c.query(`drop database if exists ${name} with (force)`));
  });

  it('all migrate, the migrations are applied once, the lock is released', async () => {
    for (let i = 0; i < 4; i++) open.push(await openDatabase({ databaseUrl: url, poolSize: 3 }));
    await Promise.all(open.map((d) => migrateDatabase(d)));
    for (const d of open) expect(await migrationsCurrent(d)).toBe(true);
    const [d] = open;
    const applied = await d.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations');
    expect(applied.rows[0].n).toBe(shippedMigrationCount());
    const locks = await d.query<{ n: number }>("select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = 727001");
    expect(locks.rows[0].n).toBe(0);
    // A later start migrates again (nothing to apply) without waiting for a lock someone kept.
    await migrateDatabase(d);
  });
});
