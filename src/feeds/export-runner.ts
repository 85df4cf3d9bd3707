/**
 * Exactly-once export of an OMS → NetSuite feed (reliability.md A2.3 "Outbound", scenarios 13,
 * 15, 16, 18).
 *
 * 1. Re-upload every file of the feed still PENDING_UPLOAD, from its recorded rows: same name,
 *    same content (`already-present` on the server counts as success).
 * 2. Then, file after file: in ONE transaction, pick at most `maxRowsPerFile` eligible records,
 *    mark them with a new file id (outbox rows / `feed_file_id`) and insert the `feed_files` row
 *    (OUT, PENDING_UPLOAD, name from the codec's `fileName(now, run)`). Commit. Then generate the
 *    content FROM THE DATABASE by file id into `putAtomic` — the rows read back through the
 *    codec's encoder (`RowExportSpec`), or the header and the CSV lines the claim froze
 *    (`LineExportSpec`) — and mark the file UPLOADED (with its SHA-256 and size). The next file's
 *    claim transaction runs on another connection while a file uploads (pipelining; the
 *    transaction itself never waits on the transport). A feed that can split its claims
 *    (`split`) goes on in `claimLanes` lanes at once once a file came back full.
 *
 * A crash after the commit leaves a PENDING_UPLOAD file that step 1 of the next run uploads: a
 * record is never in two files and never lost. An upload failure increments `attempts`, records
 * `last_error`, leaves the file PENDING_UPLOAD and is thrown to the job (pg-boss retries with
 * backoff). No transaction is open while the transport is used: claims are one short transaction,
 * reads run in autocommit.
 *
 * The file content is a function of what the claim recorded: for a line feed the lines
 * themselves (byte-stable whatever changes later); for a row feed the records and the reference
 * data they point at (NetSuite ids, which are set once), regenerated identically on retry.
 */
import { Readable, pipeline, type Transform } from 'node:stream';
import type { Db, Tx } from '../db/client';
import {
  insertOutFile, lockFeedClaims, lockFeedClaimsShared, markOutFileUploaded, pendingOutFiles, recordUploadFailure,
} from '../db/feed-files.repo';
import { newId } from '../domain/ids';
import { NETSUITE_CSV_LIMITS, batchRows, encodeRowCells, FeedEncodeError, type ColumnSpec } from './codec';
import { errorText, intParam, lockKey, nowOf, transportDir, type FeedDeps, type JobContext } from './common';

/** What a spec's claim gets, inside the claim transaction. */
export interface ClaimArgs {
  /** Id of the `feed_files` row being created; mark the claimed records with it. */
  fileId: string;
  /** At most this many data rows in the file. */
  limit: number;
  /** At most this many bytes in the file (header included). */
  maxBytes: number;
  /** Kept between the claims of one run (e.g. a keyset cursor). */
  state: Record<string, unknown>;
  ctx: JobContext;
  deps: FeedDeps;
}

/** What a claim marked. */
export interface ClaimResult {
  /** Data rows the file will hold (0: nothing claimed, no file is created). */
  rows: number;
  /** Passed back to `rows()` in the same run: a read hint (e.g. the first outbox id). */
  hint?: Record<string, unknown>;
  /** More records may be eligible (default: `rows >= limit`). */
  more?: boolean;
}

/** What a spec's `rows` gets to regenerate a file. */
export interface ReadArgs {
  fileId: string;
  /** Rows recorded at claim time; a file is only uploaded when exactly this many are produced. */
  rowCount: number;
  /** The claim's hint when the file is uploaded in the run that created it. */
  hint?: Record<string, unknown>;
  /** The job params of the run doing the upload. */
  params: Record<string, unknown>;
  deps: FeedDeps;
}

/** What every export feed has: its codec feed and folder, its claim, what waits. */
interface ExportSpecBase {
  /** Codec feed name, stored in `feed_files.feed`. */
  feed: string;
  /** Codec folder, e.g. `salesorder/update/`. */
  folder: string;
  fileName(date: Date, runPart: string): string;
  /** Advisory lock the claims take (default: one per feed); feeds sharing a folder may share one. */
  lockName?: string;
  /** Inside the claiming transaction: mark up to `limit` eligible records with `fileId`. */
  claim(tx: Tx, args: ClaimArgs): Promise<ClaimResult>;
  /**
   * Parallel claims (job param `claimLanes` > 1): once a claim of the run filled its file, the
   * states of that many lanes that go on at once (each lane's claims pick records no other lane
   * picks), or null when the run's state cannot be split now (the run goes on in one lane).
   */
  split?(state: Record<string, unknown>, count: number): Record<string, unknown>[] | null;
  /** Counters added to the job after each run, e.g. `{ waitingForIds: 3 }` (`state`: the claims' state). */
  waiting?(db: Db, deps: FeedDeps, state: Record<string, unknown>): Promise<Record<string, number>>;
}

/** A feed whose files are regenerated from the records: row objects read back, through the codec's encoder. */
export interface RowExportSpec<Row extends object> extends ExportSpecBase {
  createEncoder(deps: FeedDeps): Transform;
  /** The rows of a claimed file, in file order, read page by page without a transaction. */
  rows(db: Db, args: ReadArgs): AsyncIterable<Row>;
}

/**
 * A feed whose claim froze each row's CSV line (encoded by the codec at claim time): a file is its
 * header and those lines, so a re-upload is the same bytes whatever changed since the claim.
 */
export interface LineExportSpec extends ExportSpecBase {
  /** The exact header line, without its line end. */
  header: string;
  /** The lines of a claimed file in file order, without line ends, read without a transaction. */
  lines(db: Db, args: ReadArgs): AsyncIterable<string>;
}

/** An export feed (see `RowExportSpec`, `LineExportSpec`). */
export type ExportSpec<Row extends object> = RowExportSpec<Row> | LineExportSpec;

/** The counts of a run and the files it uploaded. */
export interface ExportResult {
  counts: Record<string, number>;
  files: string[];
}

/** An upload that did not complete; the file stays PENDING_UPLOAD and is retried by the next run. */
export class FeedUploadError extends Error {
  override readonly name = 'FeedUploadError';
  constructor(readonly fileName: string, cause: unknown) {
    super(`upload of ${fileName} failed (left PENDING_UPLOAD, retried by the next run): ${errorText(cause)}`, { cause });
  }
}

interface FileToUpload {
  id: string;
  fileName: string;
  folder: string;
  rowCount: number;
  hint?: Record<string, unknown>;
}

/** `{run}` part of a file name: the job run id (sanitised) and the file id, unique per file. */
export function runPartOf(runId: string, fileId: string): string {
  const run = runId.replace(/[^A-Za-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 44) || 'run';
  return `${run}-${fileId.replace(/^FF-/, '')}`;
}

type Add = (k: string, n?: number) => void;

/**
 * Runs one export of `spec`. Job params: `maxRowsPerFile` (≤ 25,000), `maxFiles` (files created
 * per run, default 1,000), `claimLanes` (1–4; claims at once when there is a backlog, for feeds
 * that can split their claims, see `ExportSpecBase.split`; default 2 on PostgreSQL, 1 on PGlite).
 * Throws `FeedUploadError` when an upload fails (after recording it).
 */
export async function runExport<Row extends object>(deps: FeedDeps, spec: ExportSpec<Row>, ctx: JobContext): Promise<ExportResult> {
  const counts: Record<string, number> = { filesCreated: 0, filesUploaded: 0, filesReuploaded: 0, rowsExported: 0 };
  const files: string[] = [];
  const add: Add = (k, n = 1) => {
    counts[k] = (counts[k] ?? 0) + n;
    ctx.count(k, n);
  };
  await uploadPending(deps, spec, ctx, add, files);
  const state: Record<string, unknown> = {};
  await createAndUpload(deps, spec, ctx, state, add, files);
  if (spec.waiting) {
    for (const [k, v] of Object.entries(await spec.waiting(deps.database.db, deps, state))) if (v) add(k, v);
  }
  return { counts, files };
}

/** 1. Files committed by an earlier run but not (known to be) uploaded. */
async function uploadPending<Row extends object>(deps: FeedDeps, spec: ExportSpec<Row>, ctx: JobContext, add: Add, files: string[]): Promise<void> {
  for (const f of await pendingOutFiles(deps.database.db, spec.feed)) {
    await uploadFile(deps, spec, { id: f.id, fileName: f.fileName, folder: f.folder, rowCount: f.rowCount }, ctx);
    add('filesReuploaded');
    add('rowsExported', f.rowCount);
    files.push(`${f.folder}${f.fileName}`);
  }
}

interface Claimed { file: FileToUpload | null; more: boolean }

/**
 * One claim transaction: the feed's lock, the spec's claim of up to `limit` records, the file's
 * registry row. A lane's claim holds the feed's lock shared (lanes claim at once, a claim of one
 * lane — another run's, or a feed sharing the lock — excludes them all) and its lane's lock.
 */
function claimFile<Row extends object>(
  deps: FeedDeps, spec: ExportSpec<Row>, ctx: JobContext, state: Record<string, unknown>, lane: number | null,
): Promise<Claimed> {
  const limit = intParam(ctx.params, 'maxRowsPerFile', NETSUITE_CSV_LIMITS.maxRows, NETSUITE_CSV_LIMITS.maxRows);
  const lock = spec.lockName ?? `feed-export:${spec.feed}`;
  return deps.database.db.transaction(async (tx) => {
    // One claimer per feed (per lane) at a time: two runs never interleave their picks.
    if (lane === null) await lockFeedClaims(tx, lockKey(lock));
    else {
      await lockFeedClaimsShared(tx, lockKey(lock));
      await lockFeedClaims(tx, lockKey(`${lock}:lane:${lane}`));
    }
    const fileId = newId('FF');
    const r = await spec.claim(tx, { fileId, limit, maxBytes: NETSUITE_CSV_LIMITS.maxBytes, state, ctx, deps });
    const more = r.more ?? r.rows >= limit;
    if (r.rows <= 0) return { file: null, more };
    const fileName = spec.fileName(nowOf(deps), runPartOf(ctx.runId, fileId));
    await insertOutFile(tx, { id: fileId, feed: spec.feed, fileName, folder: spec.folder, rowCount: r.rows, jobRunId: ctx.runId });
    return { file: { id: fileId, fileName, folder: spec.folder, rowCount: r.rows, hint: r.hint }, more };
  });
}

/** Most lanes a run claims with (`claimLanes`); the default on PostgreSQL (PGlite runs one transaction at a time: 1). */
const MAX_LANES = 4;
const DEFAULT_LANES = 2;

/** What the lanes of one run share: the files budget, the counters, the uploads one at a time, the first failure. */
interface RunShared<Row extends object> {
  deps: FeedDeps;
  spec: ExportSpec<Row>;
  ctx: JobContext;
  add: Add;
  files: string[];
  claims: number;
  maxFiles: number;
  lanes: number;
  /** The upload before this one (uploads go one at a time, in claim order). */
  uploads: Promise<unknown>;
  failed: boolean;
}

/**
 * 2. New files, one claim transaction each. The claim of the next file runs while the current
 *    one uploads (its transaction never waits on the transport); a file is only ever uploaded
 *    after the transaction that recorded it committed. With `claimLanes` > 1, once a file came
 *    back full (a backlog) and the spec can split its state, that many lanes go on at once.
 */
async function createAndUpload<Row extends object>(
  deps: FeedDeps, spec: ExportSpec<Row>, ctx: JobContext, state: Record<string, unknown>, add: Add, files: string[],
): Promise<void> {
  const lanes = spec.split ? intParam(ctx.params, 'claimLanes', deps.database.engine === 'postgres' ? DEFAULT_LANES : 1, MAX_LANES) : 1;
  const run: RunShared<Row> = {
    deps, spec, ctx, add, files, claims: 0, maxFiles: intParam(ctx.params, 'maxFiles', 1000), lanes, uploads: Promise.resolve(), failed: false,
  };
  await claimLoop(run, state, null);
}

/** Claims and uploads files of one lane (null: the run's single lane, which may split) until nothing is left. */
async function claimLoop<Row extends object>(run: RunShared<Row>, state: Record<string, unknown>, lane: number | null): Promise<void> {
  const claimNext = (): Promise<Claimed> | null => {
    if (run.failed || run.claims >= run.maxFiles || run.ctx.signal?.aborted) return null;
    run.claims++;
    const p = claimFile(run.deps, run.spec, run.ctx, state, lane);
    p.catch(() => {}); // awaited below; a failure while a file uploads must not be an unhandled rejection
    return p;
  };
  let next = claimNext();
  let split: Promise<void> | null = null;
  while (next) {
    const claimed = await next;
    const states = lane === null && claimed.more && run.lanes > 1 ? run.spec.split!(state, run.lanes) : null;
    if (states) {
      split = runLanes(run, states);
      split.catch(() => {}); // awaited below; a lane failing while this file uploads must not be an unhandled rejection
    }
    next = claimed.more && !states ? claimNext() : null;
    if (!claimed.file) continue;
    try {
      await uploadClaimed(run, claimed.file);
    } catch (e) {
      run.failed = true;
      // The file being claimed meanwhile is committed PENDING_UPLOAD (or not at all): the next run sends it.
      await Promise.allSettled([next, split]);
      throw e;
    }
  }
  await split;
}

/** The lanes, at once; the first failure stops them all (each lane's claim under way still commits). */
async function runLanes<Row extends object>(run: RunShared<Row>, states: Record<string, unknown>[]): Promise<void> {
  const done = states.map((s, i) => claimLoop(run, s, i).catch((e: unknown) => {
    run.failed = true;
    throw e;
  }));
  const results = await Promise.allSettled(done);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}

/** Uploads a claimed file after the uploads before it (the lanes share the transport one file at a time). */
async function uploadClaimed<Row extends object>(run: RunShared<Row>, file: FileToUpload): Promise<void> {
  run.add('filesCreated');
  run.ctx.log.info({ feed: run.spec.feed, file: file.fileName, rows: file.rowCount }, 'feed file created');
  const upload = run.uploads.catch(() => {}).then(() => uploadFile(run.deps, run.spec, file, run.ctx));
  run.uploads = upload;
  await upload;
  run.add('filesUploaded');
  run.add('rowsExported', file.rowCount);
  run.files.push(`${file.folder}${file.fileName}`);
}

/** Bytes of a file's lines gathered per chunk handed to the transport. */
const CHUNK_BYTES = 64 * 1024;

/** The file's content: its rows through the encoder, or its header and frozen lines in chunks. */
function fileContent<Row extends object>(deps: FeedDeps, spec: ExportSpec<Row>, f: FileToUpload, ctx: JobContext): Readable {
  const args: ReadArgs = { fileId: f.id, rowCount: f.rowCount, hint: f.hint, params: ctx.params ?? {}, deps };
  const mismatch = (produced: number) =>
    new Error(`file ${f.fileName} (${f.id}) has ${produced} rows in the database, ${f.rowCount} were recorded: not uploaded`);
  if ('lines' in spec) {
    const lines = spec.lines(deps.database.db, args);
    return Readable.from((async function* () {
      let produced = 0;
      let chunk = `${spec.header}\n`;
      for await (const line of lines) {
        produced++;
        chunk += `${line}\n`;
        if (chunk.length >= CHUNK_BYTES) {
          yield Buffer.from(chunk);
          chunk = '';
        }
      }
      if (produced !== f.rowCount) throw mismatch(produced);
      yield Buffer.from(chunk);
    })());
  }
  const rows = spec.rows(deps.database.db, args);
  async function* produce(): AsyncGenerator<Row> {
    let produced = 0;
    for await (const row of rows) {
      produced++;
      yield row;
    }
    if (produced !== f.rowCount) throw mismatch(produced);
  }
  return pipeline(Readable.from(produce()), spec.createEncoder(deps), () => {
    /* errors surface through putAtomic, which consumes the encoder */
  });
}

/** Streams the file's content from the database into `putAtomic`. */
async function uploadFile<Row extends object>(deps: FeedDeps, spec: ExportSpec<Row>, f: FileToUpload, ctx: JobContext): Promise<void> {
  const db = deps.database.db;
  const source = fileContent(deps, spec, f, ctx);
  try {
    const put = await deps.transport.putAtomic(transportDir(f.folder), f.fileName, source);
    await markOutFileUploaded(db, f.id, put);
    ctx.addFile(`${f.folder}${f.fileName}`);
    ctx.log.info({ feed: spec.feed, file: f.fileName, status: put.status, sha256: put.sha256, bytes: put.size }, 'feed file uploaded');
  } catch (e) {
    source.destroy();
    try {
      await recordUploadFailure(db, f.id, errorText(e));
    } catch (e2) {
      ctx.log.error({ err: e2, file: f.fileName }, 'could not record the upload failure');
    }
    ctx.log.error({ feed: spec.feed, file: f.fileName, err: errorText(e) }, 'feed file upload failed');
    throw new FeedUploadError(f.fileName, e);
  }
}

// ------------------------------------------------------------------------------------------------
// Helpers for feeds that pick their records in JavaScript (small volumes, free text, groups).

/** A record a claim may send, with the rows it would add to the file. */
export interface Candidate<R extends object> {
  /** Record key marked with the file id (customer id, order id, payment id, …). */
  key: string;
  /** Rows this record contributes to the file (one, or the lines of an order). */
  rows: R[];
}

/** How `pickCandidates` checks and cuts. */
export interface PickOptions<R extends object> {
  /** The encoder's columns, when the feed is a CSV: each row is checked against them. */
  columns?: readonly ColumnSpec[];
  limit: number;
  maxBytes: number;
  /** A further check of a row (throws to refuse it), e.g. the JSON encoder's. */
  validate?: (row: R, n: number) => void;
  /** A candidate that cannot be sent (reported, never claimed). */
  onInvalid: (key: string, message: string, field?: string) => void;
}

/**
 * Picks the first file's worth of candidates: each candidate's rows are checked with the encoder
 * rules first (a record that cannot be encoded is reported as a row error and skipped, never
 * claimed, so it cannot poison a file), then `batchRows` cuts at the row and byte limits, keeping
 * a candidate's rows together. Returns the keys to claim and whether candidates were left over.
 */
export function pickCandidates<R extends object>(candidates: Candidate<R>[], opts: PickOptions<R>): { keys: string[]; rows: number; leftOver: boolean } {
  const valid: { key: string; row: R }[] = [];
  for (const c of candidates) {
    if (c.rows.length > opts.limit) {
      opts.onInvalid(c.key, `has ${c.rows.length} rows, more than the ${opts.limit} a file may hold`);
      continue;
    }
    try {
      c.rows.forEach((row, i) => {
        if (opts.columns) encodeRowCells(opts.columns, row as Record<string, unknown>, i + 1);
        opts.validate?.(row, i + 1);
      });
      for (const row of c.rows) valid.push({ key: c.key, row });
    } catch (e) {
      if (e instanceof FeedEncodeError) opts.onInvalid(c.key, e.message, e.column);
      else opts.onInvalid(c.key, errorText(e));
    }
  }
  if (valid.length === 0) return { keys: [], rows: 0, leftOver: false };
  const first = batchRows(valid.map((v) => ({ ...(v.row as object), __key: v.key }) as R & { __key: string }), {
    maxRows: opts.limit, maxBytes: opts.maxBytes, columns: opts.columns, groupKey: (r) => r.__key,
  }).next().value as (R & { __key: string })[] | undefined;
  const batch = first ?? [];
  const keys = [...new Set(batch.map((r) => r.__key))];
  return { keys, rows: batch.length, leftOver: batch.length < valid.length };
}
