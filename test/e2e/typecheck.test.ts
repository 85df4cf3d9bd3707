/**
 * The type checks the build itself skips (esbuild and Vite strip types without checking them): the
 * server and CLI (`tsconfig.json`), the SuiteScripts against the NetSuite types
 * (`netsuite/tsconfig.json`), and the web app with its `.vue` files (`vue-tsc`, `web/tsconfig.json`).
 * Each is `npm run typecheck`'s step; a type error anywhere fails the suite with the compiler's words.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (bin: string, args: string[]) => new Promise<{ code: number | null; out: string }>((resolve) => {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  child.on('close', (code) => resolve({ code, out }));
});

describe('type checks', () => {
  it.each([
    ['server and CLI', 'node_modules/typescript/bin/tsc', ['--noEmit', '-p', 'tsconfig.json']],
    ['SuiteScripts', 'node_modules/typescript/bin/tsc', ['--noEmit', '-p', 'netsuite/tsconfig.json']],
    ['web app with its .vue files', 'node_modules/vue-tsc/bin/vue-tsc.js', ['--noEmit', '-p', 'web/tsconfig.json']],
  ])('%s: no type error', async (_what, bin, args) => {
    const r = await run(bin, args);
    expect(r.out.trim()).toBe('');
    expect(r.code).toBe(0);
  }, 400_000);
});
