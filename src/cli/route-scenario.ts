/**
 * `oms route <scenario.json>`: routes a scenario file and prints the result JSON.
 * Exit status 0 on success; 2 on bad input (one message on stderr, nothing on stdout).
 */
import { readFile } from 'node:fs/promises';
import { formatScenarioOutput, parseScenario, routeOrders } from '../domain/routing/index';
import { resolveCoordinates } from '../geo/zip';

/** Output sinks (process.stdout/stderr in the CLI, buffers in tests). */
export interface RouteScenarioIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** Runs one scenario file; returns the exit status. */
export async function runRouteScenario(path: string, io: RouteScenarioIo): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    io.stderr(`cannot read ${path}: ${(e as Error).message}\n`);
    return 2;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    io.stderr(`${path}: not valid JSON: ${(e as Error).message}\n`);
    return 2;
  }
  const parsed = parseScenario(json);
  if (!parsed.ok) {
    io.stderr(`${path}: ${parsed.message}\n`);
    return 2;
  }
  const input = resolveCoordinates(parsed.scenario);
  const out = formatScenarioOutput(routeOrders(input));
  io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
