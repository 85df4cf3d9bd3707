/**
 * When the embedded database is held by a running server (its lock names an HTTP URL), these
 * commands go through the server's HTTP API instead of opening the folder: the server applies
 * them at once (a pause is persisted by its job admin) and nothing else writes the folder. Every
 * other command that opens the database is refused by the lock (`FolderOwnedError`).
 */
import type { Command } from 'commander';
import { EXIT_SKIPPED } from './jobs-commands';
import { exceptionsPage } from './brokering-commands';
import { printJson, printProblem, UsageError } from './support';

type Body = Record<string, any>;
type Call = (path: string, init?: { method?: string; body?: unknown }) => Promise<{ status: number; body: Body }>;
type ServerCommand = (call: Call, args: string[], opts: Record<string, any>) => Promise<void>;

const refused = (r: { status: number; body: Body }) => new UsageError(`the server refused it (${r.status}): ${r.body.message ?? r.body.error ?? 'no message'}`);

const setEnabled = (enabled: boolean): ServerCommand => async (call, [name]) => {
  const r = await call(`/jobs/${encodeURIComponent(name)}`, { method: 'PATCH', body: { enabled } });
  if (r.status !== 200) throw refused(r);
  printJson(r.body);
};

const runJob: ServerCommand = async (call, [name], opts) => {
  const { parseParamArgs } = await import('../jobs/params');
  const parsed = parseParamArgs(opts.param ?? []);
  if (!parsed.ok) throw new UsageError(parsed.message);
  const r = await call(`/jobs/${encodeURIComponent(name)}/run`, { method: 'POST', body: { params: parsed.params } });
  if (r.status === 409 && r.body.run) {
    printJson({ kind: 'skipped', reason: r.body.reason, message: r.body.message, run: r.body.run });
    process.stderr.write(`oms: skipped (${r.body.reason}): ${r.body.message}\n`);
    process.exitCode = EXIT_SKIPPED;
    return;
  }
  if (r.status === 500 && r.body.kind === 'failed') {
    printJson(r.body);
    await printProblem(`oms: failed: ${r.body.error}`);
    process.exitCode = 1;
    return;
  }
  if (r.status !== 200) throw refused(r);
  printJson(r.body);
};

const brokerRun: ServerCommand = async (call) => {
  const r = await call('/brokering/runs', { method: 'POST' });
  if (r.status === 201) return printJson(r.body);
  if (!r.body.run) throw refused(r);
  printJson(r.body.run);
  process.exitCode = 1;
};

/** A refusal as the direct command reports it: the server's message (e.g. not found) as a `UsageError`, exit 2. */
const failed = (r: { status: number; body: Body }) =>
  r.status >= 400 && r.status < 500 && typeof r.body.message === 'string' ? new UsageError(r.body.message) : refused(r);

const brokerShow: ServerCommand = async (call, [id]) => {
  const r = await call(`/brokering/runs/${encodeURIComponent(id)}`);
  if (r.status !== 200) throw failed(r);
  const { decisions, ...run } = r.body;
  printJson({ kind: 'ok', run, decisions });
};

const explain: ServerCommand = async (call, [id]) => {
  const r = await call(`/orders/${encodeURIComponent(id)}/routing`);
  if (r.status !== 200) throw failed(r);
  printJson(r.body.decisions);
};

const exceptionsList: ServerCommand = async (call, _args, opts) => {
  const { limit, offset } = exceptionsPage(opts as { limit: string; offset: string });
  const r = await call(`/exceptions?limit=${limit}&offset=${offset}`);
  if (r.status !== 200) throw failed(r);
  printJson(r.body.exceptions);
  if (r.body.nextOffset != null) process.stderr.write(`oms: more orders in Exception: --offset ${r.body.nextOffset}\n`);
};

const exceptionRetry: ServerCommand = async (call, [id]) => {
  const r = await call(`/exceptions/${encodeURIComponent(id)}/retry`, { method: 'POST' });
  if (r.status !== 200) throw failed(r);
  printJson({ id, status: r.body.status });
};

const orderShow: ServerCommand = async (call, [id]) => {
  const r = await call(`/orders/${encodeURIComponent(id)}`);
  if (r.status === 404) throw new UsageError(`order ${id} not found`);
  if (r.status !== 200) throw refused(r);
  printJson(r.body);
};

/** The commands that go through the server, by their path under `oms`. */
const SERVER_COMMANDS: Record<string, ServerCommand> = {
  'jobs list': async (call) => { const r = await call('/jobs'); if (r.status !== 200) throw refused(r); printJson(r.body.jobs); },
  'jobs runs': async (call, [name]) => {
    const r = await call(`/jobs/runs?limit=50${name ? `&name=${encodeURIComponent(name)}` : ''}`);
    if (r.status !== 200) throw refused(r);
    printJson(r.body.runs);
  },
  'jobs pause': setEnabled(false),
  'jobs resume': setEnabled(true),
  'jobs run': runJob,
  'orders show': orderShow,
  'broker run': brokerRun,
  'broker show': brokerShow,
  'explain': explain,
  'exceptions list': exceptionsList,
  'exceptions retry': exceptionRetry,
};

/** `jobs pause` for the `pause` command under `jobs`. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export const goesThroughServer = (path: string): boolean => Object.hasOwn(SERVER_COMMANDS, path);

/** A loopback URL for a server that listens on every address. */
function reachable(url: string): string {
  return url.replace(/^http:\/\/(0\.0\.0\.0|\[::\])(?=[:/]|$)/, 'http://127.0.0.1');
}

/**
 * Runs the command `path` against the server at `url` as the local admin (`credential`: the one the
 * server wrote into its owner lock); a server that does not answer is a `UsageError` naming it.
 */
export async function runThroughServer(url: string, path: string, cmd: Command, credential?: string): Promise<void> {
  const base = reachable(url);
  const call: Call = async (p, init = {}) => {
    let res: Response;
    try {
      res = await fetch(`${base}${p}`, {
        method: init.method ?? 'GET',
        headers: {
          ...(credential ? { authorization: `Bearer ${credential}` } : {}),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch (e) {
      throw new UsageError(`the embedded database is held by the server at ${base}, which does not answer (${(e as Error).message}); stop it first`);
    }
    const text = await res.text();
    let body: Body = {};
    try { body = text ? JSON.parse(text) : {}; } catch { body = { message: text.slice(0, 200) }; }
    return { status: res.status, body };
  };
  process.stderr.write(`oms: the server at ${base} holds the embedded database: going through its HTTP API\n`);
  await SERVER_COMMANDS[path](call, cmd.processedArgs.filter((a) => a !== undefined).map(String), cmd.opts());
}
