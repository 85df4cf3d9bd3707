/**
 * Child process of the `oms route` benchmark (`route-bench.ts`): one measurement in a fresh
 * process, printed as one JSON line on stdout.
 *
 *   node --import tsx bench/routing/route-phases.ts baseline <scenario.json>
 *     readFile + JSON.parse, nothing else
 *   node --import tsx bench/routing/route-phases.ts pipeline <scenario.json>
 *     what `oms route` does after its start: read, JSON.parse, validate, place, route, write
 *     (to /dev/null), each phase timed
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseScenario, routeOrdersView, writeScenarioOutput } from '../../src/domain/routing/index';
import { resolveCoordinates } from '../../src/geo/zip';

export interface PhaseTimes {
  /** Milliseconds per phase, in order. */
  phases: Record<string, number>;
  total: number;
}

async function baseline(path: string): Promise<PhaseTimes> {
  const t0 = performance.now();
  JSON.parse(await readFile(path, 'utf8'));
  const total = performance.now() - t0;
  return { phases: { 'read+parse': total }, total };
}

async function pipeline(path: string): Promise<PhaseTimes> {
  const phases: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    phases[name] = now - t;
    t = now;
  };
  const text = await readFile(path, 'utf8');
  lap('read');
  const json: unknown = JSON.parse(text);
  lap('parse');
  const parsed = parseScenario(json);
  if (!parsed.ok) throw new Error(parsed.message);
  lap('validate');
  const input = resolveCoordinates(parsed.scenario);
  const out = routeOrdersView(input);
  lap('route');
  const fd = openSync('/dev/null', 'w');
  writeScenarioOutput(out, (piece) => writeSync(fd, piece));
  closeSync(fd);
  lap('write');
  return { phases, total: Object.values(phases).reduce((a, b) => a + b, 0) };
}

const [what, path] = process.argv.slice(2);
if (what !== 'baseline' && what !== 'pipeline') throw new Error('usage: route-phases.ts baseline|pipeline <scenario.json>');
process.stdout.write(`${JSON.stringify(what === 'baseline' ? await baseline(path) : await pipeline(path))}\n`);
