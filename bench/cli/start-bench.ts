/**
 * The CLI's start, measured against a bare `node -e ''` start in the same run: `node bin/oms.js
 * --help` (the build in dist/, commander only at start) and, for the record, the same help through
 * tsx from the sources (how `oms` ran before the build). Each command runs several times,
 * alternating, and the median wall time of each is compared.
 * Goals (issue 12): ≤ 0.4 s and ≤ 6 × the bare start.
 *
 *   npx tsx bench/cli/start-bench.ts [--quick]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from '../../scripts/build.mjs';

export const CLI_START_GOALS = { seconds: 0.4, ratio: 6 };

export interface StartFigure { medianMs: number; minMs: number; maxMs: number; runs: number }
export interface CliStartResult {
  bareNode: StartFigure;
  built: StartFigure;
  tsx: StartFigure;
  /** built / bare node, medians. */
  ratio: number;
  tsxRatio: number;
  goals: typeof CLI_START_GOALS;
  pass: { seconds: boolean; ratio: boolean };
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Wall time of one run of `node <args>`, ms; throws when it does not exit 0. */
function once(args: string[]): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function figure(samples: number[]): StartFigure {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { medianMs: Math.round(median), minMs: Math.round(s[0]), maxMs: Math.round(s[s.length - 1]), runs: s.length };
}

export async function runCliStartBench(opts: { quick?: boolean } = {}): Promise<CliStartResult> {
  await build({ ifStale: true });
  const reps = opts.quick ? 5 : 15;
  const commands = {
    bareNode: ['-e', ''],
    built: ['bin/oms.js', '--help'],
    tsx: ['--import', 'tsx', 'src/cli/main.ts', '--help'],
  };
  const samples: Record<keyof typeof commands, number[]> = { bareNode: [], built: [], tsx: [] };
  for (const k of Object.keys(commands) as (keyof typeof commands)[]) once(commands[k]); // warm the file cache
  for (let i = 0; i < reps; i++) {
    // Alternating, so a noisy moment of the machine hits every command alike; tsx (slow) every third round.
    samples.bareNode.push(once(commands.bareNode));
    samples.built.push(once(commands.built));
    if (i % 3 === 0) samples.tsx.push(once(commands.tsx));
  }
  const bareNode = figure(samples.bareNode), built = figure(samples.built), tsx = figure(samples.tsx);
  const ratio = Math.round((built.medianMs / bareNode.medianMs) * 100) / 100;
  const result: CliStartResult = {
    bareNode, built, tsx, ratio, tsxRatio: Math.round((tsx.medianMs / bareNode.medianMs) * 100) / 100, goals: CLI_START_GOALS,
    pass: { seconds: built.medianMs <= CLI_START_GOALS.seconds * 1000, ratio: ratio <= CLI_START_GOALS.ratio },
  };
  console.log(`oms --help: ${built.medianMs} ms median (${built.minMs}-${built.maxMs}, ${built.runs} runs); node -e '': ${bareNode.medianMs} ms; `
    + `ratio ${ratio}x (goal ≤ ${CLI_START_GOALS.ratio}x, ≤ ${CLI_START_GOALS.seconds * 1000} ms); through tsx: ${tsx.medianMs} ms (${result.tsxRatio}x)`);
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await runCliStartBench({ quick: process.argv.includes('--quick') }), null, 2));
}
