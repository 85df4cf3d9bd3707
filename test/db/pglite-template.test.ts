/**
 * A new embedded database starts from the build's migrated template (src/db/pglite-template.ts):
 * the first start loads it instead of running PGlite's initdb and every migration, and what it
 * loads is the schema the migrations make. A folder whose creation was cut short (killed during the
 * load) is emptied and created again on the next start instead of being opened half-made.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { openConfiguredDatabase } from '../../src/main';
import { CREATING_MARKER, openDatabase } from '../../src/db/client';
import { migrationsCurrent } from '../../src/db/migrate';
import { LOCK_FILE } from '../../src/db/owner';
import { isNewDataFolder, templateFile, templateHash } from '../../src/db/pglite-template';
import { ensureBuilt } from '../e2e/built';

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'oms-template-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** The tables and columns of the public schema, as one sorted list. */
async function shape(d: { query: (t: string) => Promise<{ rows: any[] }> }): Promise<string[]> {
  const { rows } = await d.query(`select table_name || '.' || column_name || ' ' || data_type as c
    from information_schema.columns where table_schema = 'public' order by 1`);
  return rows.map((r) => r.c);
}

describe('the migrated PGlite template', () => {
  beforeAll(async () => { await ensureBuilt(); }, 300_000);

  it('the build made the template of these migrations', () => {
    const file = templateFile();
    expect(file).toBeDefined();
    expect(file).toContain(`pglite-template-${templateHash()}.tar.gz`);
  });

  it('a new data folder is loaded from it: migrated, reference data present, the same schema as migrations make', async () => {
    const config = loadConfig({ OMS_DATA_DIR: tmp(), DATABASE_URL: '' });
    const d = await openConfiguredDatabase(config);
    try {
      expect(await migrationsCurrent(d)).toBe(true);
      expect((await d.query<{ n: number }>(`select count(*)::int as n from facilities where id = '_NA_'`)).rows[0].n).toBe(1);
      const fresh = await openDatabase({});
      try {
        const { migrateDatabase } = await import('../../src/db/migrate');
        await migrateDatabase(fresh);
        expect(await shape(d)).toEqual(await shape(fresh));
      } finally { await fresh.close(); }
    } finally { await d.close(); }
    expect(isNewDataFolder(`${config.OMS_DATA_DIR}/pglite`)).toBe(false);
    expect(existsSync(`${config.OMS_DATA_DIR}/pglite/${CREATING_MARKER}`)).toBe(false);
  }, 120_000);

  it('a folder left half-made (its marker still there) is emptied and created again; its lock stays', async () => {
    const root = tmp();
    const folder = join(root, 'pglite');
    mkdirSync(folder);
    writeFileSync(join(folder, 'PG_VERSION'), '17\n');
    writeFileSync(join(folder, 'half-written-file'), 'x');
    writeFileSync(join(folder, CREATING_MARKER), '');
    expect(isNewDataFolder(folder)).toBe(true);
    const d = await openConfiguredDatabase(loadConfig({ OMS_DATA_DIR: root, DATABASE_URL: '' }));
    try {
      expect(await migrationsCurrent(d)).toBe(true);
      expect(readdirSync(folder)).toContain(LOCK_FILE);
      expect(readdirSync(folder)).not.toContain('half-written-file');
      expect(readdirSync(folder)).not.toContain(CREATING_MARKER);
    } finally { await d.close(); }
  }, 120_000);

  it('killed while the template loads, the next start of the built server still comes up on that folder', async () => {
    const root = tmp();
    const env = { ...process.env, OMS_DATA_DIR: root, DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'info', OMS_JOBS: 'false' };
    // The first start is killed as soon as it says it is creating the database from the template.
    await new Promise<void>((resolve, reject) => {
      const p = spawn(process.execPath, ['bin/oms.js', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (c) => { out += c; if (/migrated template/.test(out)) p.kill('SIGKILL'); });
      p.once('exit', () => (/migrated template/.test(out) ? resolve() : reject(new Error(`no template line: ${out.slice(-1000)}`))));
    });
    const second = await new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, ['bin/oms.js', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (c) => { out += c; if (/"OMS listening"/.test(out)) p.kill('SIGTERM'); });
      p.stderr.on('data', (c) => { out += c; });
      p.once('exit', () => (/"OMS listening"/.test(out) ? resolve(out) : reject(new Error(`second start failed: ${out.slice(-2000)}`))));
    });
    expect(second).toMatch(/"start":"(template|existing)"/);
    const d = await openConfiguredDatabase(loadConfig({ OMS_DATA_DIR: root, DATABASE_URL: '' }));
    try { expect(await migrationsCurrent(d)).toBe(true); } finally { await d.close(); }
  }, 180_000);
});
