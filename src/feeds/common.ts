/**
 * What every feed module shares: the dependencies a feed job needs, the job context it runs in
 * (the structural shape of `src/jobs` `JobContext`), and small helpers (names, params, errors).
 */
import type { Config } from '../config';
import type { Database, Db } from '../db/client';
import type { FileTransport } from '../sftp/transport';
import type { JobContext, JobLogger, RowError } from '../jobs/registry';
import { failureField, type Failure } from '../domain/result';

export type { JobContext, JobLogger, RowError };

/** The configuration the feeds read (a full `Config` fits). */
export type FeedConfig = Pick<Config, 'NETSUITE_ADJUSTMENT_ACCOUNT' | 'NETSUITE_SUBSIDIARY' | 'NETSUITE_FULFILLMENT_TAG'> &
  Partial<Pick<Config, 'REJECTION_EXCLUSION_DAYS'>>;

/** What a feed job runs with: the database, the NetSuite folder's transport, configuration, a clock. */
export interface FeedDeps {
  database: Database;
  /** Rooted at the NetSuite folder (`{root}` of contracts/feeds.md). */
  transport: FileTransport;
  config: FeedConfig;
  /** Time source for file names and time stamps (tests pin it). Default `() => new Date()`. */
  clock?: () => Date;
}

/** The feeds' time: the deps' clock, or now. */
export const nowOf = (deps: Pick<FeedDeps, 'clock'>): Date => (deps.clock ? deps.clock() : new Date());

/** What became of one row of an imported file (`noop` and `error` rows are listed in its report). */
export type RowOutcome =
  | { kind: 'applied' }
  | { kind: 'noop'; message: string }
  | { kind: 'error'; field?: string; message: string };

/** Transport folder (root-relative, no trailing slash) of a codec folder like `salesorder/update/`. */
export function transportDir(folder: string): string {
  return folder.replace(/\/+$/, '');
}

/** A positive integer job parameter, or the default. */
export function intParam(params: Record<string, unknown> | undefined, key: string, dflt: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = params?.[key];
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 ? Math.min(n, max) : dflt;
}

/** An error's message for logs, reports and `last_error`, cut at 2,000 characters. */
export function errorText(e: unknown): string {
  const m = e instanceof Error ? e.message || e.name : String(e);
  return m.length > 2000 ? `${m.slice(0, 2000)}…` : m;
}

/** A stable 32-bit key for `pg_advisory_xact_lock`, per feed. */
export function lockKey(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** A job context that records nothing: for callers outside the job system (CLI, tests). */
export function quietContext(runId: string, params: Record<string, unknown> = {}): JobContext {
  const noop = () => {};
  return {
    runId, params,
    log: { debug: noop, info: noop, warn: noop, error: noop },
    addFile: noop, addRowError: noop, count: noop,
  };
}

/** The fields an export spec takes unchanged from its codec feed. */
export function fromOutboundFeed(f: { name: string; folder: string; fileName(date: Date, runPart: string): string }) {
  return { feed: f.name, folder: f.folder, fileName: f.fileName };
}

/** The fields an import spec takes unchanged from its codec feed. */
export function fromInboundFeed<D extends (input: never) => unknown>(f: { name: string; folder: string; pattern: RegExp; decode: D }) {
  return { feed: f.name, folder: f.folder, pattern: f.pattern, decode: ((input: never) => f.decode(input)) as D };
}

/**
 * A use case's failure as the import's row outcome: the field it names (`fallbackField` when it
 * names none) and its message (for an invalid input, the first field's own message).
 */
export function toRowOutcome(f: Failure, fallbackField?: string): RowOutcome {
  const message = f.kind === 'invalid' ? (f.errors[0]?.message ?? f.message) : f.message;
  const field = failureField(f) ?? fallbackField;
  return { kind: 'error', ...(field !== undefined && { field }), message };
}
