/**
 * The build that `bin/oms.js` and `npm start` run (dist/, scripts/build.mjs): it compiles, its
 * start loads commander only (every command imports the rest when it runs), and the built CLI
 * finds what it reads from the package root: the migrations, the ZIP code data, the built web app.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './built';

const dir = mkdtempSync(join(tmpdir(), 'oms-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, OMS_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent' };
const oms = (args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/oms.js', ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

interface Meta { outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[]; inputs: Record<string, unknown> }> }

/** The package of an input bundled from node_modules (`node_modules/zod/v4/core/api.js` → `zod`), else null. */
const packageOf = (input: string) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? null;

/**
 * The packages and output files a module of the build loads before its code runs (static imports,
 * transitively): `packages` left as imports, `bundled` packages compiled into those files, `sources` the rest.
 */
function staticImports(meta: Meta, entry: string): { files: string[]; packages: string[]; bundled: string[]; sources: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const bundled = new Set<string>();
  const sources = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const input of Object.keys(meta.outputs[file]?.inputs ?? {})) {
      const pkg = packageOf(input);
      if (pkg) bundled.add(pkg);
      else sources.add(input);
    }
    for (const i of meta.outputs[file]?.imports ?? []) {
      if (i.kind !== 'import-statement') continue;
      if (i.external) packages.add(i.path);
      else visit(i.path);
    }
  };
  visit(entry);
  return { files: [...files], packages: [...packages].sort(), bundled: [...bundled].sort(), sources: [...sources].sort() };
}

describe('the build (dist/)', { timeout: 240_000 }, () => {
  beforeAll(async () => { await ensureBuilt(); });

  it('starts with commander only: no module of the server, the database or zod is loaded by `oms --help`', () => {
    const meta = JSON.parse(readFileSync('dist/meta.json', 'utf8')) as Meta;
    expect(Object.keys(meta.outputs)).toContain('dist/cli/main.js');
    const start = staticImports(meta, 'dist/cli/main.js');
    // commander is compiled into the build (scripts/build.mjs BUNDLED_PACKAGES), nothing else is imported
    expect(start.packages.filter((p) => !p.startsWith('node:'))).toEqual([]);
    expect(start.bundled).toEqual(['commander']);
    expect(start.sources.filter((f) => /^src\/(http|db|jobs|feeds|app)\//.test(f))).toEqual([]);
    // The check sees a heavy import when there is one: the server's chunk loads fastify, the routing domain's holds zod.
    const all = Object.keys(meta.outputs).filter((f) => f.endsWith('.js')).map((f) => staticImports(meta, f));
    expect(all.some((x) => x.packages.includes('fastify'))).toBe(true);
    expect(all.some((x) => x.bundled.includes('zod'))).toBe(true);
  });

  it('`oms route` loads no zod before a file needs it: its chunk imports the scenario schemas only when the hand checks refuse', () => {
    const meta = JSON.parse(readFileSync('dist/meta.json', 'utf8')) as Meta & { outputs: Record<string, { entryPoint?: string }> };
    const [route] = Object.entries(meta.outputs).filter(([, o]) => o.entryPoint === 'src/cli/route-scenario.ts').map(([f]) => f);
    expect(route).toBeDefined();
    const loaded = staticImports(meta, route);
    expect(loaded.bundled).toEqual([]);
    expect(loaded.sources).toContain('src/domain/routing/engine.ts');
    expect(loaded.sources.filter((f) => f.endsWith('-schema.ts'))).toEqual([]);
    expect(meta.outputs[route].imports.some((i) => i.kind === 'dynamic-import' && i.path.includes('scenario-schema'))).toBe(true);
  });

  it('`oms --help` lists the commands and exits 0', () => {
    const r = oms(['--help']);
    expect(r.code, r.err).toBe(0);
    for (const c of ['serve', 'db', 'import', 'route', 'broker', 'jobs', 'netsuite']) expect(r.out).toContain(`  ${c}`);
  });

  it('`oms route <fixture>` routes with the ZIP code data (ship-tos placed by ZIP) as the fixture expects', () => {
    const fixture = 'test/fixtures/routing/06-shipto-by-zip.json';
    const r = oms(['route', fixture]);
    expect(r.code, r.err).toBe(0);
    const expected = JSON.parse(readFileSync(fixture, 'utf8')).expected as { orders: { id: string; status: string; shipments: unknown }[] };
    const out = JSON.parse(r.out) as typeof expected;
    expect(out.orders.map((o) => [o.id, o.status, o.shipments])).toEqual(expected.orders.map((o) => [o.id, o.status, o.shipments]));
  });

  it('`oms db migrate` applies the shipped migrations to a new embedded folder; bad input still exits 2', () => {
    const r = oms(['db', 'migrate']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('migrated (pglite)\n');
    const bad = oms(['orders', 'show', 'ORD-NOPE']);
    expect(bad).toMatchObject({ code: 2, out: '' });
    expect(bad.err).toContain('order ORD-NOPE not found');
  });

  it('`oms serve` serves the built web app and stops on SIGTERM', async () => {
    const p = spawn(process.execPath, ['bin/oms.js', 'serve'], { env: { ...env, PORT: '0', LOG_LEVEL: 'info', OMS_JOBS: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let logs = '';
    const url = await new Promise<string>((resolve, reject) => {
      p.stdout!.on('data', (c) => {
        logs += c;
        const m = /"address":"(http:\/\/[^"]+)"[^\n]*OMS listening/.exec(logs);
        if (m) resolve(m[1]);
      });
      p.stderr!.on('data', (c) => { logs += c; });
      p.on('exit', (code) => reject(new Error(`exited ${code}: ${logs}`)));
    });
    const page = await fetch(`${url}/app/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
    p.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
