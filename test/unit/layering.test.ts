/**
 * The house keeps its shape: `src/domain` imports nothing outside itself, the use cases never reach
 * an adapter, and the adapters (feeds, sftp, http, web) never import each other — only the
 * composition root (`main.ts`, `wiring.ts`, `cli/`) wires them together.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../../src');

interface Edge { from: string; to: string; typeOnly: boolean }

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every relative import (static, re-export, dynamic, `import('…').T` types) of the source tree. */
function edges(): Edge[] {
  const out: Edge[] = [];
  const statik = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'(\.[^']+)'/g;
  const dynamic = /import\(\s*'(\.[^']+)'\s*\)/g;
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8');
    const from = path.relative(SRC, file);
    const add = (spec: string, typeOnly: boolean) => out.push({ from, to: path.relative(SRC, path.resolve(path.dirname(file), spec)), typeOnly });
    for (const m of text.matchAll(statik)) add(m[2], m[1] !== undefined);
    for (const m of text.matchAll(dynamic)) add(m[1], false);
  }
  return out;
}

const layerOf = (p: string) => (p.includes('/') ? p.split('/')[0] : p.replace(/\.ts$/, ''));

/** What each layer may import besides itself; `x/y` names one module, `type:` a type-only import. */
const ALLOWED: Record<string, string[]> = {
  domain: [],
  geo: [],
  db: ['domain'],
  jobs: ['db', 'domain'],
  app: ['domain', 'db', 'geo', 'jobs'],
  sftp: [],
  feeds: ['app', 'db', 'domain', 'jobs', 'type:config', 'sftp/transport', 'sftp/errors'],
  http: ['app', 'domain', 'jobs', 'type:config', 'type:lifecycle', 'type:db/client'],
  web: [],
};

function allowed(e: Edge): boolean {
  const from = layerOf(e.from);
  const to = layerOf(e.to);
  const rules = ALLOWED[from];
  if (!rules || from === to) return true; // the composition root (main, wiring, cli, config, …) wires anything
  const target = e.to.replace(/\.ts$/, '').replace(/\/index$/, '');
  return rules.some((r) => {
    const typeRule = r.startsWith('type:');
    const name = typeRule ? r.slice(5) : r;
    if (typeRule && !e.typeOnly) return false;
    return name.includes('/') ? target === name : to === name;
  });
}

describe('layering', () => {
  const all = edges();

  it('finds the imports it checks (a sanity check of the scanner)', () => {
    expect(all.length).toBeGreaterThan(200);
    expect(all.some((e) => e.from === 'app/orders.ts' && e.to.startsWith('db/'))).toBe(true);
  });

  it('src/domain imports nothing outside itself', () => {
    expect(all.filter((e) => layerOf(e.from) === 'domain' && layerOf(e.to) !== 'domain')).toEqual([]);
  });

  it('no layer imports what it may not: use cases never reach an adapter, adapters never import each other', () => {
    expect(all.filter((e) => !allowed(e)).map((e) => `${e.from} → ${e.to}${e.typeOnly ? ' (type)' : ''}`)).toEqual([]);
  });

  it('the rules catch a violation', () => {
    expect(allowed({ from: 'feeds/x.ts', to: 'http/server.ts', typeOnly: false })).toBe(false);
    expect(allowed({ from: 'http/routes/x.ts', to: 'db/schema.ts', typeOnly: false })).toBe(false);
    expect(allowed({ from: 'http/context.ts', to: 'db/client.ts', typeOnly: false })).toBe(false);
    expect(allowed({ from: 'http/context.ts', to: 'db/client.ts', typeOnly: true })).toBe(true);
    expect(allowed({ from: 'domain/x.ts', to: 'db/client.ts', typeOnly: true })).toBe(false);
    expect(allowed({ from: 'feeds/x.ts', to: 'sftp/index.ts', typeOnly: false })).toBe(false);
  });
});
