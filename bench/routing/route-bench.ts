/**
 * `oms route` on the bench's 10,000-order × 1,000-facility scenario (`ROUTE_SCENARIO`, ~38 MB of
 * JSON) against a process that only reads and `JSON.parse`s the same file, both measured in the
 * same run, in fresh child processes run one after another, alternating, several times; medians
 * are compared. Goal (issue 12): ≤ 2.5 ×.
 *
 * - in-process: `route-phases.ts pipeline` times, inside one process, what `oms route` does after
 *   its start (read, parse, validate, place, route, write to /dev/null), against
 *   `route-phases.ts baseline` (readFile + JSON.parse);
 * - whole process: `node bin/oms.js route <file>` (the build in dist/, brought up to date first;
 *   through tsx from the sources when there is no build) with stdout to /dev/null, against
 *   `node -e 'JSON.parse(readFileSync(f, "utf8"))'`: start-up included.
 *
 *   npx tsx bench/routing/route-bench.ts [--quick]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../../scripts/build.mjs';
import { ROUTE_SCENARIO, writeRouteScenario, type GenerateOptions } from './generate';
import type { PhaseTimes } from './route-phases';

export const ROUTE_GOAL = 2.5;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RouteBenchResult {
  scenario: { orders: number; facilities: number; skus: number; megabytes: number };
  runs: number;
  inProcess: { baselineMs: number; pipelineMs: number; ratio: number; phasesMs: Record<string, number> };
  wholeProcess: { command: string; baselineMs: number; omsMs: number; ratio: number };
  goal: number;
}

/** Wall time of `node <args>` in ms (stdout to /dev/null unless kept); throws unless it exits 0. */
function run(args: string[], keepStdout = false): { ms: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout ?? '' };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const phasesOf = (file: string, what: 'baseline' | 'pipeline'): PhaseTimes =>
  JSON.parse(run(['--import', 'tsx', 'bench/routing/route-phases.ts', what, file], true).stdout) as PhaseTimes;

/** The `oms` command line the whole-process figure runs, and what it is. */
async function omsCommand(log: (l: string) => void): Promise<{ args: string[]; what: string }> {
  try {
    await build({ ifStale: true, log: () => {} });
  } catch (e) {
    log(`  (build failed: ${(e as Error).message.split('\n')[0]})`);
  }
  const entry = join(ROOT, 'dist/cli/main.js');
  if (existsSync(entry)) return { args: ['bin/oms.js'], what: `node bin/oms.js (dist/cli/main.js of ${statSync(entry).mtime.toISOString()})` };
  return { args: ['--import', 'tsx', 'src/cli/main.ts'], what: 'node --import tsx src/cli/main.ts (no build in dist/)' };
}

export async function runRouteBench(opts: { quick?: boolean; repeats?: number; log?: (l: string) => void } = {}): Promise<RouteBenchResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const scenario: GenerateOptions = opts.quick ? { ...ROUTE_SCENARIO, facilities: 200, skus: 20000, orders: 2000 } : ROUTE_SCENARIO;
  const runs = Math.max(1, opts.repeats ?? (opts.quick ? 3 : 7));
  const file = join(tmpdir(), `oms-route-bench-${process.pid}.json`);
  try {
    const bytes = writeRouteScenario(file, scenario);
    const oms = await omsCommand(log);
    const mb = bytes / 1e6;
    log(`oms route: ${scenario.orders} orders, ${scenario.facilities} facilities, ${scenario.skus} SKUs (${mb.toFixed(1)} MB of JSON), ${runs} runs each, medians`);
    // warm the file cache and check the command works
    run([...oms.args, 'route', file]);
    const base: number[] = [];
    const pipe: PhaseTimes[] = [];
    const nodeParse: number[] = [];
    const omsRoute: number[] = [];
    const parseOnly = ['-e', `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`];
    for (let i = 0; i < runs; i++) {
      base.push(phasesOf(file, 'baseline').total);
      pipe.push(phasesOf(file, 'pipeline'));
      nodeParse.push(run(parseOnly).ms);
      omsRoute.push(run([...oms.args, 'route', file]).ms);
    }
    const phasesMs: Record<string, number> = {};
    for (const k of Object.keys(pipe[0].phases)) phasesMs[k] = Math.round(median(pipe.map((p) => p.phases[k])));
    const inProcess = { baselineMs: Math.round(median(base)), pipelineMs: Math.round(median(pipe.map((p) => p.total))), ratio: 0, phasesMs };
    inProcess.ratio = Math.round((inProcess.pipelineMs / inProcess.baselineMs) * 100) / 100;
    const wholeProcess = { command: oms.what, baselineMs: Math.round(median(nodeParse)), omsMs: Math.round(median(omsRoute)), ratio: 0 };
    wholeProcess.ratio = Math.round((wholeProcess.omsMs / wholeProcess.baselineMs) * 100) / 100;
    const phaseText = Object.entries(phasesMs).map(([k, v]) => `${k} ${v}`).join(', ');
    log(`  in-process: read+parse+validate+route+write ${inProcess.pipelineMs} ms (${phaseText}) vs readFile+JSON.parse ${inProcess.baselineMs} ms: `
      + `${inProcess.ratio}x (goal ≤ ${ROUTE_GOAL}x)`);
    log(`  whole process: ${oms.what} route: ${wholeProcess.omsMs} ms vs node -e 'JSON.parse(readFileSync(f))' ${wholeProcess.baselineMs} ms: `
      + `${wholeProcess.ratio}x (goal ≤ ${ROUTE_GOAL}x)`);
    return {
      scenario: { orders: scenario.orders, facilities: scenario.facilities, skus: scenario.skus, megabytes: Math.round(mb * 10) / 10 },
      runs,
      inProcess,
      wholeProcess,
      goal: ROUTE_GOAL,
    };
  } finally {
    rmSync(file, { force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runRouteBench({ quick: process.argv.includes('--quick') });
}
