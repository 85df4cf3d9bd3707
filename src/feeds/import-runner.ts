/**
 * Import of a NetSuite → OMS feed folder (reliability.md A2.3 "Inbound", scenarios 10–12, 21;
 * contracts/feeds.md v2 "A reader takes a file at most once").
 *
 * For each file of the folder whose base name matches the codec's anchored pattern (oldest first):
 * 1. Fetch it once (into memory, or a temp file when large) while computing its SHA-256; every
 *    later step reads that copy, so what is applied is exactly what was hashed.
 * 2. The registry knows files by **name and SHA-256** together (`feed_files`, one live IN row per
 *    (feed, name)): the same name with the same bytes APPLIED before → a DUPLICATE row, the file
 *    moves to `archive/` (also when it is the very file an earlier run applied and crashed before
 *    moving); the same name with OTHER bytes → a FAILED row with the reason, report in `error/`,
 *    file to `failed/`, nothing applied (a writer never reuses a name). Identical bytes under a
 *    new name are read like any file: the row keys decide. PROCESSING by another worker → skipped;
 *    by a worker whose claim is older than `claimLeaseMs` → that claim is marked FAILED, re-claimed.
 * 3. Claim: insert the IN row PROCESSING; the unique index on (feed, file_name) over live rows lets
 *    exactly one worker win; the loser skips the file.
 * 4. Check the whole file decodes (a `FeedFileError` anywhere → FAILED with the reason, report in
 *    `error/`, file to `failed/`; nothing applied).
 * 5. Apply the rows in chunks, one transaction each. A spec with `applyBatch` applies a chunk
 *    (`bulkBatchSize`, default 2,000 rows) set-based: a few statements for the whole chunk, one
 *    outcome per row. A chunk whose bulk apply throws an unexpected (non-transient) error is rolled
 *    back and applied again row by row, so one bad row never blocks the good ones. Without
 *    `applyBatch` (or with `rowByRow`), each row runs in its own savepoint (`batchSize` rows per
 *    transaction, default 200): a bad row rolls back alone. Either way each applied row records its
 *    business key in `feed_rows_applied`, so a row applied before (by any file) is a reported no-op.
 * 6. Write the `row,field,message` report to `error/` when a row failed or was a no-op (no-ops
 *    are listed as `no-op: …`, reported but not counted as errors); mark the file APPLIED with its
 *    counts (commit); only then move it to `archive/`.
 *
 * A transient database error (deadlock, serialization failure, lost connection) aborts the file:
 * its claim is released (FAILED) so the next run re-reads it; rows applied so far are no-ops then.
 */
import type { Readable } from 'node:stream';
import type { Tx } from '../db/client';
import {
  appliedKeys, claimKey, claimKeys, insertClosedInFile, insertInFileClaim, liveInFileByName, markInFileApplied, markInFileFailed,
  releaseInFileClaim, type InFile, type LiveInFile,
} from '../db/feed-files.repo';
import { disableJit } from '../db/rows';
import { newId } from '../domain/ids';
import type { RemoteEntry } from '../sftp/transport';
import { errorReportCsv, FeedFileError, type DecodeResult } from './codec';
import { errorText, intParam, transportDir, type FeedDeps, type JobContext, type RowOutcome } from './common';
import { errorReportName, fetchLocal, goneMeanwhile, moveQuietly, type LocalCopy } from './import-files';

export { errorReportName } from './import-files';

export interface RowContext {
  fileId: string;
  fileName: string;
  /** 1-based data row number (what the error report shows). */
  row: number;
  /** `feed:{JOB}:{fileId}` — the actor recorded on history and ledger rows. */
  actor: string;
  deps: FeedDeps;
  /**
   * Records the row's business key in `feed_rows_applied` (in the row's savepoint). `false` when
   * that key was applied before: return a `noop` then.
   */
  claimKey(key: string): Promise<boolean>;
}

/** What a bulk apply gets for its chunk (all bound to the chunk's transaction). */
export interface BatchContext {
  fileId: string;
  fileName: string;
  actor: string;
  deps: FeedDeps;
  /** The keys among `keys` already recorded as applied (by any file). */
  appliedKeys(keys: string[]): Promise<Set<string>>;
  /**
   * Records the keys of the rows the chunk applies, set-based. Throws `BatchConflictError` when one
   * was recorded meanwhile by another worker: the chunk then rolls back and runs row by row.
   */
  claimKeys(keys: { key: string; row: number }[]): Promise<void>;
}

export interface BatchRow<Rec> { row: number; value: Rec }

export type { RowOutcome };

export interface ImportSpec<Rec> {
  /** Codec feed name (`feed_files.feed`, `feed_rows_applied.feed`). */
  feed: string;
  /** Codec folder, e.g. `salesorder/rejectedorderitem/`. */
  folder: string;
  /** The codec's anchored file name pattern. */
  pattern: RegExp;
  /** Job name, for the actor. */
  job: string;
  decode(input: Readable | Buffer): AsyncIterable<DecodeResult<Rec>>;
  /** Applies one row inside its savepoint; anything but `applied` rolls the savepoint back. */
  apply(tx: Tx, rec: Rec, row: RowContext): Promise<RowOutcome>;
  /**
   * Optional set-based apply of a chunk: one outcome per row, in order, with the same effects and
   * outcomes as `apply` row after row. Writes only for the rows it reports `applied`.
   */
  applyBatch?(tx: Tx, rows: BatchRow<Rec>[], ctx: BatchContext): Promise<RowOutcome[]>;
  /** Rows per transaction of the row-by-row path (default 200). */
  batchSize?: number;
  /** Rows per chunk of the bulk path (default 2,000). */
  bulkBatchSize?: number;
  /**
   * The record's independence key (its order, its customer): rows with different keys never
   * affect each other except through commutative counters, so the bulk path may apply them in
   * parallel lanes; rows with one key stay in one lane, in file order.
   */
  laneKey?(rec: Rec): string;
}

export interface ImportResult {
  counts: Record<string, number>;
  files: string[];
}

export interface ImportOptions {
  /** A PROCESSING claim older than this is taken as left by a dead worker (default 30 min). */
  claimLeaseMs?: number;
  /** Files up to this size are read into memory; larger ones go through a temp file (default 8 MB). */
  inMemoryLimit?: number;
  /** Apply row by row (savepoints) even when the spec has a bulk path: the slower, simplest path. */
  rowByRow?: boolean;
  /**
   * Bulk chunks applied at once, each on its own connection, for a spec with a `laneKey`
   * (default 2 on PostgreSQL; always 1 on PGlite, which has one connection).
   */
  lanes?: number;
}

const DEFAULT_LEASE_MS = 30 * 60 * 1000;
const MAX_STORED_ERRORS = 1000;
/** Decoded rows kept from the structure check of an in-memory file. */
const MAX_KEPT_ROWS = 30_000;

class RowRollback extends Error {
  constructor(readonly outcome: Exclude<RowOutcome, { kind: 'applied' }>) {
    super(outcome.message);
  }
}

/** A key a bulk chunk meant to claim was claimed meanwhile: the chunk is redone row by row. */
export class BatchConflictError extends Error {}

/** Deadlocks, serialization failures, lock timeouts, lost connections: retry the file later. */
export function isTransientDbError(e: unknown): boolean {
  for (let x: any = e, i = 0; x && i < 4; x = x.cause, i++) {
    const code = typeof x.code === 'string' ? x.code : '';
    if (['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '53300'].includes(code) || code.startsWith('08')) return true;
    if (/Connection terminated|ECONNRESET|ECONNREFUSED|Client has encountered a connection error/i.test(String(x.message ?? ''))) return true;
  }
  return false;
}

type Add = (k: string, n?: number) => void;
type FileOutcome = 'applied' | 'duplicate' | 'skipped' | 'failed';
type Outcomes = { row: number; outcome: RowOutcome }[];

/** Processes every matching file of the feed's folder. Job params: `maxFiles` (default 100). */
export async function runImport<Rec>(deps: FeedDeps, spec: ImportSpec<Rec>, ctx: JobContext, opts: ImportOptions = {}): Promise<ImportResult> {
  const counts: Record<string, number> = {
    filesApplied: 0, filesDuplicate: 0, filesFailed: 0, filesSkipped: 0, rowsApplied: 0, rowsNoop: 0, rowErrors: 0,
  };
  const files: string[] = [];
  const add: Add = (k, n = 1) => {
    counts[k] = (counts[k] ?? 0) + n;
    ctx.count(k, n);
  };
  const dir = transportDir(spec.folder);
  const entries = await deps.transport.list(dir, spec.pattern);
  const maxFiles = intParam(ctx.params, 'maxFiles', 100);
  for (const entry of entries.slice(0, maxFiles)) {
    if (ctx.signal?.aborted) break;
    const r = await processFile(deps, spec, entry, ctx, opts, add);
    if (r !== 'skipped') {
      files.push(`${spec.folder}${entry.name}`);
      ctx.addFile(`${spec.folder}${entry.name}`);
    }
  }
  return { counts, files };
}

/** One file of the folder being read: what every step of it needs. */
interface FileEnv<Rec> {
  deps: FeedDeps;
  spec: ImportSpec<Rec>;
  name: string;
  copy: LocalCopy;
  ctx: JobContext;
  opts: ImportOptions;
  add: Add;
}

async function processFile<Rec>(
  deps: FeedDeps, spec: ImportSpec<Rec>, entry: RemoteEntry, ctx: JobContext, opts: ImportOptions, add: Add,
): Promise<FileOutcome> {
  const dir = transportDir(spec.folder);
  let copy: LocalCopy;
  try {
    copy = await fetchLocal(deps, dir, entry, opts.inMemoryLimit ?? 8 * 1024 * 1024);
  } catch (e) {
    if (!(await goneMeanwhile(deps, dir, entry.name, e))) throw e;
    add('filesSkipped');
    ctx.log.info({ file: entry.name }, 'file gone before it was read (another worker took it): skipped');
    return 'skipped';
  }
  try {
    return await registerAndApply({ deps, spec, name: entry.name, copy, ctx, opts, add });
  } finally {
    await copy.cleanup();
  }
}

/** The registry row of a file read by this run (a new id each time). */
const inFile = (f: FileEnv<unknown>): InFile => ({
  id: newId('FF'), feed: f.spec.feed, fileName: f.name, folder: f.spec.folder, sha256: f.copy.sha256, size: f.copy.size, jobRunId: f.ctx.runId,
});

async function registerAndApply<Rec>(f: FileEnv<Rec>): Promise<FileOutcome> {
  const db = f.deps.database.db;
  const prior = await liveInFileByName(db, f.spec.feed, f.name, f.opts.claimLeaseMs ?? DEFAULT_LEASE_MS);
  if (prior) {
    const settled = await settlePrior(f as FileEnv<unknown>, prior);
    if (settled) return settled;
  }
  const claim = inFile(f as FileEnv<unknown>);
  if (!(await insertInFileClaim(db, claim))) {
    f.add('filesSkipped');
    f.ctx.log.info({ file: f.name }, 'file claimed by another worker: skipped');
    return 'skipped';
  }
  try {
    return await applyClaimed(f, claim.id);
  } catch (e) {
    // Release the claim so the next run (a pg-boss retry) re-reads the file; applied rows are no-ops then.
    await releaseInFileClaim(db, claim.id, `interrupted: ${errorText(e)}`).catch(() => {});
    throw e;
  }
}

/**
 * What a live registry row of the same name decides: a duplicate, a reused name, a claim of
 * another worker (skipped), or — a stale claim, released here — nothing (undefined: claim the file).
 */
async function settlePrior(f: FileEnv<unknown>, prior: LiveInFile): Promise<FileOutcome | undefined> {
  const { deps, spec, name, copy, ctx, add } = f;
  const db = deps.database.db;
  if (prior.status === 'APPLIED' && prior.sha256 === copy.sha256) {
    // The same file again, or a file whose run committed and stopped before moving it.
    await insertClosedInFile(db, inFile(f), 'DUPLICATE', `duplicate of ${prior.id} (same name, sha256 ${copy.sha256})`);
    await moveQuietly(deps, transportDir(spec.folder), name, 'archive', ctx);
    ctx.log.info({ file: name, duplicateOf: prior.id }, 'duplicate feed file archived without applying');
    add('filesDuplicate');
    return 'duplicate';
  }
  if (prior.status === 'APPLIED') {
    const reason = `file name already read as ${prior.id} with other content (sha256 ${prior.sha256}, now ${copy.sha256}); `
      + 'a writer never reuses a name: not applied';
    const row = inFile(f);
    await insertClosedInFile(db, row, 'FAILED', reason);
    return failFile(f, row.id, reason);
  }
  if (prior.status !== 'PROCESSING') return undefined;
  if (!prior.stale) {
    add('filesSkipped');
    ctx.log.info({ file: name, fileId: prior.id }, 'file is being processed by another worker: skipped');
    return 'skipped';
  }
  const lease = f.opts.claimLeaseMs ?? DEFAULT_LEASE_MS;
  await releaseInFileClaim(db, prior.id, `claim abandoned: still PROCESSING after ${lease} ms; re-claimed by run ${ctx.runId}`);
  ctx.log.warn({ file: name, fileId: prior.id }, 'stale claim released');
  return undefined;
}

/** Marks the file FAILED with `reason`, writes its report to `error/` and moves it to `failed/`. */
async function failFile(f: FileEnv<unknown>, fileId: string, reason: string): Promise<FileOutcome> {
  const { deps, spec, name, ctx } = f;
  const dir = transportDir(spec.folder);
  await markInFileFailed(deps.database.db, fileId, reason);
  ctx.addRowError({ file: name, row: 0, message: reason });
  try {
    await deps.transport.putAtomic(`${dir}/error`, errorReportName(name, fileId), Buffer.from(errorReportCsv([{ row: 0, message: reason }])));
  } catch (e2) {
    ctx.log.warn({ file: name, err: errorText(e2) }, 'could not write the error report');
  }
  await moveQuietly(deps, dir, name, 'failed', ctx);
  ctx.log.warn({ file: name, fileId, reason }, 'feed file moved to failed/ without applying it');
  f.add('filesFailed');
  return 'failed';
}

interface ChunkEnv<Rec> { deps: FeedDeps; spec: ImportSpec<Rec>; name: string; fileId: string; actor: string; ctx: JobContext; add: Add }

/** Rows of a chunk, each in its own savepoint, in one transaction. */
async function applyRowByRow<Rec>(env: ChunkEnv<Rec>, rows: BatchRow<Rec>[]): Promise<Outcomes> {
  return env.deps.database.db.transaction(async (tx) => {
    const out: Outcomes = [];
    for (const r of rows) out.push({ row: r.row, outcome: await applyInSavepoint(env, tx, r) });
    return out;
  });
}

/** One row in a savepoint of the chunk's transaction: anything but `applied` rolls it back. */
async function applyInSavepoint<Rec>(env: ChunkEnv<Rec>, tx: Tx, r: BatchRow<Rec>): Promise<RowOutcome> {
  const { deps, spec, name, fileId, actor } = env;
  try {
    return await tx.transaction(async (sp) => {
      const rc: RowContext = {
        fileId, fileName: name, row: r.row, actor, deps,
        claimKey: (key) => claimKey(sp, spec.feed, key, fileId, r.row),
      };
      const o = await spec.apply(sp, r.value, rc);
      if (o.kind !== 'applied') throw new RowRollback(o);
      return o;
    });
  } catch (e) {
    if (e instanceof RowRollback) return e.outcome;
    if (isTransientDbError(e)) throw e;
    return { kind: 'error', message: `could not be applied: ${errorText(e)}` };
  }
}

/** A chunk set-based in one transaction; on an unexpected error, the chunk again row by row. */
async function applyBulk<Rec>(env: ChunkEnv<Rec>, rows: BatchRow<Rec>[]): Promise<Outcomes> {
  const { deps, spec, name, fileId, actor, ctx } = env;
  try {
    return await deps.database.db.transaction(async (tx) => {
      // A chunk's statements are big; compiling them (JIT) would cost more than it saves.
      await disableJit(tx);
      const bc: BatchContext = {
        fileId, fileName: name, actor, deps,
        appliedKeys: (keys) => appliedKeys(tx, spec.feed, keys),
        claimKeys: async (keys) => {
          const got = await claimKeys(tx, spec.feed, keys, fileId);
          if (got !== keys.length) throw new BatchConflictError(`${keys.length - got} row key(s) were applied meanwhile by another worker`);
        },
      };
      const outcomes = await spec.applyBatch!(tx, rows, bc);
      if (outcomes.length !== rows.length) throw new Error(`bulk apply returned ${outcomes.length} outcomes for ${rows.length} rows`);
      return outcomes.map((outcome, i) => ({ row: rows[i].row, outcome }));
    });
  } catch (e) {
    if (isTransientDbError(e)) throw e;
    const where = { file: name, fileId, fromRow: rows[0]?.row, rows: rows.length, err: errorText(e) };
    ctx.log.warn(where, 'bulk apply of a chunk failed: applying it row by row');
    env.add('chunksRowByRow');
    return applyRowByRow(env, rows);
  }
}

interface Tally {
  errors: { row: number; field?: string; message: string }[];
  noops: { row: number; message: string }[];
  applied: number;
  rowCount: number;
}

/** Lane of a key (FNV-1a): rows of one key always share a lane. */
function laneOf(key: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}

function laneCount<Rec>(env: ChunkEnv<Rec>, bulk: boolean, opts: ImportOptions): number {
  if (!bulk || !env.spec.laneKey || env.deps.database.engine !== 'postgres') return 1;
  return Math.max(1, Math.floor(opts.lanes ?? 2));
}

/** Adds the outcomes of a committed chunk to the tally. */
function recordOutcomes(tally: Tally, outcomes: Outcomes, name: string, ctx: JobContext): void {
  for (const { row, outcome } of outcomes) {
    if (outcome.kind === 'applied') tally.applied++;
    else if (outcome.kind === 'noop') {
      tally.noops.push({ row, message: `no-op: ${outcome.message}` });
      ctx.log.debug({ file: name, row, message: outcome.message }, 'row is a no-op');
    } else tally.errors.push({ row, ...(outcome.field !== undefined && { field: outcome.field }), message: outcome.message });
  }
}

/**
 * Applies the decoded rows chunk by chunk; returns what happened to each row. With several lanes,
 * each lane applies its chunks one after another in file order while the lanes run side by side.
 */
async function applyRows<Rec>(
  env: ChunkEnv<Rec>, decoded: Iterable<DecodeResult<Rec>> | AsyncIterable<DecodeResult<Rec>>, opts: ImportOptions,
): Promise<Tally> {
  const { spec } = env;
  const tally: Tally = { errors: [], noops: [], applied: 0, rowCount: 0 };
  const bulk = !!spec.applyBatch && !opts.rowByRow;
  const chunkSize = bulk ? spec.bulkBatchSize ?? 2000 : spec.batchSize ?? 200;
  const lanes = laneCount(env, bulk, opts);
  const batches: BatchRow<Rec>[][] = Array.from({ length: lanes }, () => []);
  const running: Promise<void>[] = Array.from({ length: lanes }, () => Promise.resolve());
  let failure: { error: unknown } | undefined;
  const flush = async (lane: number) => {
    const rows = batches[lane];
    batches[lane] = [];
    if (!rows.length) return;
    await running[lane];
    if (failure) return;
    // Counted only once the chunk committed.
    running[lane] = (bulk ? applyBulk(env, rows) : applyRowByRow(env, rows))
      .then((outcomes) => recordOutcomes(tally, outcomes, env.name, env.ctx), (e) => { failure ??= { error: e }; });
    if (lanes === 1) await running[lane];
  };
  for await (const r of decoded) {
    tally.rowCount++;
    if (!r.ok) {
      tally.errors.push({ row: r.row, ...(r.field !== undefined && { field: r.field }), message: r.message });
      continue;
    }
    const lane = lanes > 1 ? laneOf(spec.laneKey!(r.value), lanes) : 0;
    batches[lane].push({ row: r.row, value: r.value });
    if (batches[lane].length >= chunkSize) await flush(lane);
    if (failure) break;
  }
  if (!failure) for (let lane = 0; lane < lanes; lane++) await flush(lane);
  await Promise.all(running);
  if (failure) throw failure.error;
  return tally;
}

/**
 * Step 4: the whole file must be readable before anything is applied. Returns the rows to apply
 * (a file held in memory keeps its decoded rows — at most a NetSuite file, 25,000 rows — so that
 * step 5 does not decode it again), or the `FeedFileError` that fails the file.
 */
async function checkDecodes<Rec>(f: FileEnv<Rec>): Promise<Iterable<DecodeResult<Rec>> | AsyncIterable<DecodeResult<Rec>> | FeedFileError> {
  let decoded: DecodeResult<Rec>[] | undefined = [];
  try {
    const input = f.copy.open();
    if (!Buffer.isBuffer(input)) decoded = undefined;
    for await (const r of f.spec.decode(input)) {
      if (decoded && decoded.length < MAX_KEPT_ROWS) decoded.push(r);
      else decoded = undefined;
    }
  } catch (e) {
    if (e instanceof FeedFileError) return e;
    throw e;
  }
  return decoded ?? f.spec.decode(f.copy.open());
}

async function applyClaimed<Rec>(f: FileEnv<Rec>, fileId: string): Promise<FileOutcome> {
  const { deps, spec, name, ctx, add } = f;
  const dir = transportDir(spec.folder);
  const rows = await checkDecodes(f);
  if (rows instanceof FeedFileError) return failFile(f as FileEnv<unknown>, fileId, rows.message);
  // 5. Apply.
  const { errors, noops, applied, rowCount } = await applyRows({ deps, spec, name, fileId, actor: `feed:${spec.job}:${fileId}`, ctx, add }, rows, f.opts);
  // 6. Report (errors and no-ops, by row), record, then move.
  errors.sort((a, b) => a.row - b.row);
  if (errors.length || noops.length) {
    const report = [...errors, ...noops].sort((a, b) => a.row - b.row);
    await deps.transport.putAtomic(`${dir}/error`, errorReportName(name, fileId), Buffer.from(errorReportCsv(report)));
  }
  for (const e of errors) ctx.addRowError({ file: name, ...e });
  const marked = await markInFileApplied(deps.database.db, fileId, { rowCount, errorCount: errors.length, errors: errors.slice(0, MAX_STORED_ERRORS) });
  if (!marked) {
    // This run outlived its claim lease and another worker took the file over: it records and
    // moves the file (rows applied here are no-ops there, by their business keys).
    ctx.log.warn({ file: name, fileId }, 'claim was taken over while processing; leaving the file to the other worker');
    add('filesSkipped');
    return 'skipped';
  }
  await moveQuietly(deps, dir, name, 'archive', ctx);
  add('filesApplied');
  add('rowsApplied', applied);
  add('rowsNoop', noops.length);
  add('rowErrors', errors.length);
  ctx.log.info({ feed: spec.feed, file: name, fileId, rows: rowCount, applied, noop: noops.length, errors: errors.length }, 'feed file applied');
  return 'applied';
}
