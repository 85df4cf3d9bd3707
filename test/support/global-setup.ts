/**
 * Brings the build (dist/: the CLI and the web app the server serves) up to date, and builds the
 * migrated database templates once per test run: a PGlite dump (loaded by every PGlite test
 * database) and a PostgreSQL template database (copied by CREATE DATABASE … TEMPLATE).
 * Under CI=true an unreachable PostgreSQL fails the run instead of skipping its tests.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client';
import { migrateDatabase, MIGRATIONS_FOLDER } from '../../src/db/migrate';
import { build } from '../../scripts/build.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    engines: ('pglite' | 'postgres')[];
    pgliteTemplate: string;
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

function schemaHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(MIGRATIONS_FOLDER).filter((n) => n.endsWith('.sql')).sort()) h.update(readFileSync(`${MIGRATIONS_FOLDER}/${f}`));
  h.update(readFileSync(new URL('../../src/db/reference-data.ts', import.meta.url)));
  return h.digest('hex').slice(0, 12);
}

export default async function setup(project: TestProject) {
  // The build in dist/ up to date (what bin/oms.js runs, the web app the server serves at /app/): nothing to do when current.
  // A build that fails fails the tests of what it builds (they say why); under CI=true it fails the run at once.
  try {
    await build({ ifStale: true, log: () => {} });
  } catch (e) {
    if (process.env.CI === 'true') throw e;
    console.warn(`[tests] the build failed (${(e as Error).message.split('\n')[0]}): the tests of the built CLI and web app will fail`);
  }
  const hash = schemaHash();
  const wanted = (process.env.OMS_TEST_ENGINES ?? 'pglite,postgres').split(',').map((s) => s.trim()) as ('pglite' | 'postgres')[];
  const engines: ('pglite' | 'postgres')[] = [];
  mkdirSync('.oms-test', { recursive: true });

  const templatePath = `.oms-test/pglite-${hash}.tar.gz`;
  if (!existsSync(templatePath)) {
    const d = await openDatabase({});
    await migrateDatabase(d);
    const dump = await d.lite!.dumpDataDir('gzip');
    writeFileSync(templatePath, Buffer.from(await dump.arrayBuffer()));
    await d.close();
  }
  if (wanted.includes('pglite')) engines.push('pglite');

  const adminUrl = process.env.OMS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const template = `oms_tpl_${hash}`;
  if (wanted.includes('postgres')) {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
    } catch (e) {
      if (process.env.CI === 'true') throw new Error(`PostgreSQL unreachable at ${adminUrl} (CI=true requires it): ${(e as Error).message}`);
      console.warn(`[tests] PostgreSQL unreachable at ${adminUrl}; PostgreSQL tests are skipped (they are required under CI=true)`);
    }
    if ((client as any)._connected) {
      await client.query('select pg_advisory_lock(727002)');
      try {
        const exists = await client.query('select 1 from pg_database where datname = $1', [template]);
        if (!exists.rowCount) {
          await client.query(`create database ${template}`);
          const url = new URL(adminUrl); url.pathname = `/${template}`;
          const d = await openDatabase({ databaseUrl: url.toString(), poolSize: 1 });
          await migrateDatabase(d);
          await d.close();
        }
        // Leftovers of interrupted runs (test databases are named omstest_<epoch seconds>_<random>).
        const old = await client.query(`select datname from pg_database where datname ~ '^omstest_[0-9]+_'`);
        const cutoff = Date.now() / 1000 - 6 * 3600;
        for (const r of old.rows) if (Number(r.datname.split('_')[1]) < cutoff) await client.query(`drop database if exists ${r.datname} with (force)`).catch(() => {});
      } finally {
        await client.query('select pg_advisory_unlock(727002)');
        await client.end();
      }
      engines.push('postgres');
    }
  }
  project.provide('engines', engines);
  project.provide('pgliteTemplate', templatePath);
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);
}
