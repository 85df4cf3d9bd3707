/**
 * Runs a Map/Reduce module the way NetSuite does, in one process: getInputData (a search is run
 * and each result serialised as `{recordType, id, values}`), map per entry, shuffle by key, reduce
 * per key, summarize with error iterators and the output. Each invocation gets a fresh governance
 * budget (10,000 / 1,000 / 5,000 / 10,000). A thrown error is recorded for that key, as NetSuite
 * does, and never stops the other keys.
 */
import type { NsEnv } from './env';
import { FakeSearch } from './fakes/records';

type Write = (a: string | { key: string; value: unknown }, b?: unknown) => void;

export interface MapReduceModule {
  getInputData(ctx: unknown): unknown;
  map?(ctx: { key: string; value: string; write: Write; isRestarted: boolean; executionNo: number }): void;
  reduce?(ctx: { key: string; values: string[]; write: Write; isRestarted: boolean; executionNo: number }): void;
  summarize?(ctx: unknown): void;
}

export interface MapReduceRun {
  inputError: string;
  mapErrors: [string, string][];
  reduceErrors: [string, string][];
  output: [string, string][];
}

const serialiseError = (e: unknown) => {
  const o = e as { name?: string; message?: string };
  return JSON.stringify({ type: 'error.SuiteScriptError', name: o?.name ?? 'Error', message: o?.message ?? String(e) });
};

function writer(into: [string, string][]): Write {
  return (a, b) => {
    const { key, value } = typeof a === 'object' ? a : { key: a, value: b };
    into.push([typeof key === 'string' ? key : JSON.stringify(key), typeof value === 'string' ? value : JSON.stringify(value)]);
  };
}

const iterator = (pairs: [string, string][]) => ({ iterator: () => ({ each: (cb: (k: string, v: string) => boolean) => { for (const [k, v] of pairs) if (!cb(k, v)) break; } }) });

export function runMapReduce(env: NsEnv, script: string): MapReduceRun {
  const mod = env.load<MapReduceModule>(script);
  const run: MapReduceRun = { inputError: '', mapErrors: [], reduceErrors: [], output: [] };

  let input: [string, string][] = [];
  env.gov.reset(10_000);
  try {
    const data = mod.getInputData({ isRestarted: false, ObjectRef: {} });
    if (data instanceof FakeSearch) input = data.results().map((r) => [r.id, JSON.stringify(r.toJSON())]);
    else if (Array.isArray(data)) input = data.map((v, i) => [String(i), typeof v === 'string' ? v : JSON.stringify(v)]);
    else if (data && typeof data === 'object') input = Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
  } catch (e) {
    run.inputError = serialiseError(e);
  }

  let mapped: [string, string][] = input;
  if (mod.map) {
    mapped = [];
    for (const [key, value] of input) {
      env.gov.reset(1_000);
      const out: [string, string][] = [];
      try {
        mod.map({ key, value, write: writer(out), isRestarted: false, executionNo: 1 });
        mapped.push(...out);
      } catch (e) {
        run.mapErrors.push([key, serialiseError(e)]);
      }
    }
  }

  if (mod.reduce) {
    const groups = new Map<string, string[]>();
    for (const [k, v] of mapped) groups.set(k, [...(groups.get(k) ?? []), v]);
    for (const [key, values] of groups) {
      env.gov.reset(5_000);
      const out: [string, string][] = [];
      try {
        mod.reduce({ key, values, write: writer(out), isRestarted: false, executionNo: 1 });
      } catch (e) {
        run.reduceErrors.push([key, serialiseError(e)]);
      }
      run.output.push(...out); // writes made before an error are kept
    }
  } else run.output = mapped;

  if (mod.summarize) {
    env.gov.reset(10_000);
    const now = new Date();
    const stage = (errors: [string, string][]) => ({ dateCreated: now, seconds: 0, usage: 0, concurrency: 1, yields: 0, keys: iterator([]), errors: iterator(errors) });
    mod.summarize({
      isRestarted: false,
      dateCreated: now,
      seconds: 0,
      usage: 0,
      concurrency: 1,
      yields: 0,
      inputSummary: { dateCreated: now, error: run.inputError, seconds: 0, usage: 0 },
      mapSummary: stage(run.mapErrors),
      reduceSummary: stage(run.reduceErrors),
      output: iterator(run.output),
    });
  }
  return run;
}
