/** Test databases on both engines, each a fresh copy of the migrated template. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database, type Engine } from '../../src/db/client';

export const ENGINES: Engine[] = inject('engines');

let pgliteDump: Buffer | undefined;

/** A new database holding the migrated schema and reference data. Close it when done. */
export async function createTestDatabase(engine: Engine): Promise<Database & { url?: string }> {
  if (engine === 'pglite') {
    pgliteDump ??= readFileSync(inject('pgliteTemplate'));
    return openDatabase({ loadDataDir: new Blob([pgliteDump]) });
  }
  const name = `omstest_${Math.floor(Date.now() / 1000)}_${randomBytes(6).toString('hex')}`;
  const admin = inject('pgAdminUrl');
  await adminQuery(admin, `create database ${name} template ${inject('pgTemplate')}`);
  const url = new URL(admin); url.pathname = `/${name}`;
  const d = await openDatabase({ databaseUrl: url.toString() });
  return {
    ...d,
    url: url.toString(),
    close: async () => {
      await d.close();
      await adminQuery(admin, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { await c.query(text); } finally { await c.end(); }
}
