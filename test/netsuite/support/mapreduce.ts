/**
 * Runs a Map/Reduce module the way NetSuite does, in one process: getInputData (a search is run
 * and each result serialised as `{recordType, id, values}`), map per entry, shuffle by key, reduce
 * per key, summarize with error iterators and the output. Each invocation gets a fresh governance
 * budget (10,000 / 1,000 / 5,000 / 10,000). A thrown error is recorded for that key, as NetSuite
 * does, and never stops the other keys (`retryCount` of the script's config is not emulated).
 *
 * Restarts (Help: "System Response After a Map/Reduce Interruption"): when the application server
 * restarts, the interrupted invocation runs again with `isRestarted = true` — getInputData or
 * summarize as a whole, in map/reduce the one key that was running; keys whose invocation had
 * ended (committed) are not run again, and the keys not reached yet run normally. A test
 * interrupts with `interrupt: [{stage, key?, afterCalls}]`: the `afterCalls`-th governed N/* call
 * of that invocation fails (0: the invocation ends but is not committed), and so does every later one (the process is gone, whatever the
 * script catches). What the interrupted invocation wrote is dropped, or kept with
 * `keepInterruptedWrites` (NetSuite does not promise either, so the scripts must cope with both).
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

export type Stage = 'getInputData' | 'map' | 'reduce' | 'summarize';

export interface Interruption {
  stage: Stage;
  /** map/reduce: the key whose invocation is interrupted (default: the first one). */
  key?: string;
  afterCalls: number;
}

export interface MapReduceOptions {
  interrupt?: Interruption[];
  keepInterruptedWrites?: boolean;
}

export interface MapReduceRun {
  /** Invocations that were interrupted and restarted: `stage` or `stage:key`. */
  restarts: string[];
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

export function runMapReduce(env: NsEnv, script: string, opts: MapReduceOptions = {}): MapReduceRun {
  const mod = env.load<MapReduceModule>(script);
  const run: MapReduceRun = { restarts: [], inputError: '', mapErrors: [], reduceErrors: [], output: [] };
  const pending = [...(opts.interrupt ?? [])];

  /** Runs one invocation until it is not interrupted; returns its writes and its error, if any. */
  const invoke = (stage: Stage, key: string | null, units: number, fn: (isRestarted: boolean, write: Write) => void): { out: [string, string][]; error?: unknown } => {
    let isRestarted = false;
    const kept: [string, string][] = [];
    for (;;) {
      env.gov.reset(units);
      const i = pending.findIndex((p) => p.stage === stage && (p.key === undefined || p.key === key));
      let atEnd = false;
      if (i >= 0) {
        atEnd = pending[i].afterCalls === 0;
        if (!atEnd) env.gov.interruptAfter(pending[i].afterCalls);
        pending.splice(i, 1);
      }
      const out: [string, string][] = [];
      let error: unknown;
      try {
        fn(isRestarted, writer(out));
      } catch (e) {
        error = e;
      }
      env.gov.interruptAfter(0);
      if (atEnd) env.gov.interrupted = true;
      if (env.gov.interrupted) {
        run.restarts.push(key === null ? stage : `${stage}:${key}`);
        if (opts.keepInterruptedWrites) kept.push(...out);
        isRestarted = true;
        continue;
      }
      return { out: [...kept, ...out], error };
    }
  };

  let input: [string, string][] = [];
  const inv = invoke('getInputData', null, 10_000, (isRestarted) => {
    const data = mod.getInputData({ isRestarted, ObjectRef: {} });
    if (data instanceof FakeSearch) input = data.results().map((r) => [r.id, JSON.stringify(r.toJSON())]);
    else if (Array.isArray(data)) input = data.map((v, i) => [String(i), typeof v === 'string' ? v : JSON.stringify(v)]);
    else if (data && typeof data === 'object') input = Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
    else input = [];
  });
  if (inv.error) run.inputError = serialiseError(inv.error);

  let mapped: [string, string][] = input;
  if (mod.map) {
    mapped = [];
    for (const [key, value] of input) {
      const r = invoke('map', key, 1_000, (isRestarted, write) => mod.map!({ key, value, write, isRestarted, executionNo: isRestarted ? 2 : 1 }));
      if (r.error) run.mapErrors.push([key, serialiseError(r.error)]);
      else mapped.push(...r.out);
    }
  }

  if (mod.reduce) {
    const groups = new Map<string, string[]>();
    for (const [k, v] of mapped) groups.set(k, [...(groups.get(k) ?? []), v]);
    for (const [key, values] of groups) {
      const r = invoke('reduce', key, 5_000, (isRestarted, write) => mod.reduce!({ key, values, write, isRestarted, executionNo: isRestarted ? 2 : 1 }));
      if (r.error) run.reduceErrors.push([key, serialiseError(r.error)]);
      run.output.push(...r.out); // writes made before an error are kept
    }
  } else run.output = mapped;

  if (mod.summarize) {
    const now = new Date();
    const stage = (errors: [string, string][]) => ({ dateCreated: now, seconds: 0, usage: 0, concurrency: 1, yields: 0, keys: iterator([]), errors: iterator(errors) });
    const r = invoke('summarize', null, 10_000, (isRestarted) =>
      mod.summarize!({
        isRestarted,
        dateCreated: now,
        seconds: 0,
        usage: 0,
        concurrency: 1,
        yields: 0,
        inputSummary: { dateCreated: now, error: run.inputError, seconds: 0, usage: 0 },
        mapSummary: stage(run.mapErrors),
        reduceSummary: stage(run.reduceErrors),
        output: iterator(run.output),
      }),
    );
    if (r.error) throw r.error;
  }
  return run;
}
