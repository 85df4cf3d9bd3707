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
      await dropWhenUnused(admin, name);
    },
  };
}

/**
 * Drops a test database once nobody is connected to it. `with (force)` is not used: a pool's
 * `end()` resolves as soon as it has asked its connections to close, before their sessions are
 * gone, so forcing the drop terminated those closing sessions (57P01, "terminating connection due
 * to administrator command"), which pg-boss then reported as an error of whatever test ran next.
 * A session still there after the bound is a leak of the test (a pool or job system left open):
 * it fails loudly, naming the sessions' applications, instead of being killed.
 */
async function dropWhenUnused(admin: string, name: string, timeoutMs = 15_000) {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = await c.query<{ app: string; state: string | null }>(
        'select application_name as app, state from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      if (!left.rowCount) break;
      if (Date.now() > deadline) {
        const who = left.rows.map((r) => `${r.app || '(no application_name)'} (${r.state ?? 'starting'})`).join(', ');
        throw new Error(`test database ${name} still has ${left.rowCount} session(s) ${timeoutMs} ms after it was closed: ${who}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await c.query(`drop database if exists ${name}`);
  } finally {
    await c.end();
  }
}

async function adminQuery(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { await c.query(text); } finally { await c.end(); }
}
