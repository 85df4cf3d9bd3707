/**
 * `oms route <scenario.json>`: routes a scenario file and prints the result JSON. The file is a
 * bare scenario (contract format) or a test fixture that wraps one as `{ description, scenario, expected }`.
 * Exit status 0 on success; 2 on bad input (one message on stderr, nothing on stdout). The result
 * is written in pieces as it is formatted (never one string of the whole text).
 */
import { readFile } from 'node:fs/promises';
// the engine's own modules, not the routing index: the index loads zod, which a valid file never needs
import { routeOrdersView } from '../domain/routing/engine';
import { parseScenarioWith, type ScenarioParseResult } from '../domain/routing/scenario';
import { writeScenarioOutput } from '../domain/routing/scenario-output';
import { resolveCoordinates } from '../geo/zip';

/** Output sinks (process.stdout/stderr in the CLI, buffers in tests); stdout receives the result in UTF-8 pieces. */
export interface RouteScenarioIo {
  stdout: (s: string | Uint8Array) => void;
  stderr: (s: string) => void;
}

/** Runs one scenario file; returns the exit status. */
export async function runRouteScenario(path: string, io: RouteScenarioIo): Promise<number> {
  const read = await readScenario(path, io);
  if (read === null) return 2;
  const parsed = await parse(unwrapFixture(read.json));
  if (!parsed.ok) {
    io.stderr(`${path}: ${parsed.message}\n`);
    return 2;
  }
  const input = resolveCoordinates(parsed.scenario);
  writeScenarioOutput(routeOrdersView(input), io.stdout);
  return 0;
}

/** The scenario parsed by the hand checks; a file they refuse is parsed again with the zod schemas (loaded only then). */
async function parse(json: unknown): Promise<ScenarioParseResult> {
  const fast = parseScenarioWith(json, null);
  if (fast.ok !== 'unsure') return fast;
  const { parseScenario } = await import('../domain/routing/scenario-schema');
  return parseScenario(json);
}

/** The file's JSON, or null after one message on stderr (its text is not kept past the parse). */
async function readScenario(path: string, io: RouteScenarioIo): Promise<{ json: unknown } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    io.stderr(`cannot read ${path}: ${(e as Error).message}\n`);
    return null;
  }
  try {
    return { json: JSON.parse(text) };
  } catch (e) {
    io.stderr(`${path}: not valid JSON: ${(e as Error).message}\n`);
    return null;
  }
}

/** The scenario of a fixture file (`{ scenario, expected, … }` without `facilities` of its own), else the JSON itself. */
function unwrapFixture(json: unknown): unknown {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return json;
  const o = json as Record<string, unknown>;
  return 'scenario' in o && !('facilities' in o) ? o.scenario : json;
}
