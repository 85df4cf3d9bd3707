/**
 * The house keeps its shape: `src/domain` imports nothing outside itself, the use cases never reach
 * an adapter, and the adapters (feeds, sftp, http, web) never import each other — only the
 * composition root (`main.ts`, `wiring.ts`, `cli/`) wires them together.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

/** The source file an import names: `x.ts`, or `x/index.ts` for a folder. */
function fileOf(target: string): string {
  return existsSync(path.join(SRC, `${target}.ts`)) ? `${target}.ts` : path.join(target, 'index.ts');
}

/**
 * Every import cycle among the source files (type-only imports count too), each once, as the files
 * on it from its smallest name back to that name: a depth-first search that reports each back edge.
 */
function cycles(all: Edge[], resolve = fileOf): string[] {
  const next = new Map<string, string[]>();
  for (const e of all) next.set(e.from, [...(next.get(e.from) ?? []), resolve(e.to)]);
  const found = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of [...new Set(next.get(f) ?? [])].sort()) {
      if (state.get(t) === 'open') found.add(canonical(stack.slice(stack.indexOf(t))));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of [...next.keys()].sort()) if (!state.has(f)) visit(f);
  return [...found].sort();
}

/** A cycle written from its smallest file name, so each is reported once: `a.ts → b.ts → a.ts`. */
function canonical(loop: string[]): string {
  const at = loop.indexOf([...loop].sort()[0]);
  const turned = [...loop.slice(at), ...loop.slice(0, at)];
  return [...turned, turned[0]].join(' → ');
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

  it('no import cycles among the source files', () => {
    expect(cycles(all)).toEqual([]);
  });

  it('the cycle search finds a cycle, type-only imports included, and each once', () => {
    const e = (from: string, to: string, typeOnly = false): Edge => ({ from, to, typeOnly });
    const ts = (target: string) => `${target}.ts`;
    expect(cycles([e('b.ts', 'c', true), e('c.ts', 'a'), e('a.ts', 'b'), e('c.ts', 'd')], ts)).toEqual(['a.ts → b.ts → c.ts → a.ts']);
    expect(cycles([e('a.ts', 'b'), e('b.ts', 'c'), e('a.ts', 'c')], ts)).toEqual([]);
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
