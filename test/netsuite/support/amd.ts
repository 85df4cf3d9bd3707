/**
 * A tiny AMD loader for the emitted SuiteScripts: evaluates `define([...], factory)`, hands the
 * factory `require`, `exports`, the fake `N/*` modules and the script's own relative modules
 * (loaded the same way, once per loader). Every `load` call starts a fresh module cache, so no
 * module-level state leaks between tests.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

type Factory = (...deps: unknown[]) => unknown;

interface Definition {
  deps: string[];
  factory: Factory | Record<string, unknown>;
}

export function loadAmd<T = Record<string, unknown>>(entryFile: string, nModules: Record<string, unknown>): T {
  const cache = new Map<string, unknown>();

  const requireN = (name: string): unknown => {
    if (!(name in nModules)) throw new Error(`AMD loader: no fake for ${name}`);
    return nModules[name];
  };

  const loadFile = (file: string): unknown => {
    if (cache.has(file)) return cache.get(file);
    const code = readFileSync(file, 'utf8');
    let def: Definition | undefined;
    const define = (...args: unknown[]) => {
      if (def) throw new Error(`AMD loader: ${file} calls define() twice`);
      const factory = args[args.length - 1] as Definition['factory'];
      const deps = (args.length >= 2 && Array.isArray(args[args.length - 2]) ? args[args.length - 2] : []) as string[];
      def = { deps, factory };
    };
    (define as unknown as { amd: object }).amd = {};
    new Function('define', code)(define);
    if (!def) throw new Error(`AMD loader: ${file} does not call define()`);
    const exportsObj: Record<string, unknown> = {};
    cache.set(file, exportsObj); // cycles see the (partial) exports object, as in AMD
    if (typeof def.factory !== 'function') {
      cache.set(file, def.factory);
      return def.factory;
    }
    const args = def.deps.map((dep) => {
      if (dep === 'require') return (name: string) => (name.startsWith('.') ? loadFile(resolve(dirname(file), `${name}.js`)) : requireN(name));
      if (dep === 'exports') return exportsObj;
      if (dep.startsWith('./') || dep.startsWith('../')) return loadFile(resolve(dirname(file), `${dep}.js`));
      return requireN(dep);
    });
    const returned = def.factory(...args);
    const mod = returned === undefined ? exportsObj : returned;
    cache.set(file, mod);
    return mod;
  };

  return loadFile(resolve(entryFile)) as T;
}
