/**
 * Import of a NetSuite → OMS feed folder (reliability.md A2.3 "Inbound", scenarios 10–12, 21).
 *
 * For each file of the folder whose base name matches the codec's anchored pattern (oldest first):
 * 1. Fetch it once (into memory, or a temp file when large) while computing its SHA-256; every
 *    later step reads that copy, so what is applied is exactly what was hashed.
 * 2. Same (feed, SHA-256) already APPLIED → record a DUPLICATE `feed_files` row, move the file to
 *    `archive/` (also when it is the very file an earlier run applied and crashed before moving).
 *    PROCESSING by another worker → skipped; by a worker whose claim is older than `claimLeaseMs`
 *    → that claim is marked FAILED and the file re-claimed.
 * 3. Claim: insert the IN row PROCESSING; the unique index on (feed, sha256) lets exactly one
 *    worker win; the loser skips the file.
 * 4. Check the whole file decodes (a `FeedFileError` anywhere → FAILED with the reason, report in
 *    `error/`, file to `failed/`; nothing applied).
 * 5. Apply the rows, `batchSize` per transaction, each row in its own savepoint: a bad row rolls
 *    back alone and never blocks the good ones. Each applied row records its business key in
 *    `feed_rows_applied`, so a row applied before (by any file) is a reported no-op.
 * 6. Write the `row,field,message` report to `error/` when a row failed or was a no-op (no-ops
 *    are listed as `no-op: …`, reported but not counted as errors); mark the file APPLIED with its
 *    counts (commit); only then move it to `archive/`.
 *
 * A transient database error (deadlock, serialization failure, lost connection) aborts the file:
 * its claim is released (FAILED) so the next run re-reads it; rows applied so far are no-ops then.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { feedFiles, feedRowsApplied } from '../db/schema';
import { newId } from '../domain/ids';
import { RemoteFileNotFoundError, sha256Hex, type RemoteEntry } from '../sftp';
import { errorReportCsv, FeedFileError, type DecodeResult } from './codec';
import { errorText, intParam, queryRows, transportDir, type FeedDeps, type JobContext } from './common';

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

export type RowOutcome =
  | { kind: 'applied' }
  | { kind: 'noop'; message: string }
  | { kind: 'error'; field?: string; message: string };

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
  apply(tx: Db, rec: Rec, row: RowContext): Promise<RowOutcome>;
  /** Rows per transaction (default 200). */
  batchSize?: number;
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
}

const DEFAULT_LEASE_MS = 30 * 60 * 1000;
const MAX_STORED_ERRORS = 1000;

class RowRollback extends Error {
  constructor(readonly outcome: Exclude<RowOutcome, { kind: 'applied' }>) {
    super(outcome.message);
  }
}

/** Deadlocks, serialization failures, lock timeouts, lost connections: retry the file later. */
export function isTransientDbError(e: unknown): boolean {
  for (let x: any = e, i = 0; x && i < 4; x = x.cause, i++) {
    const code = typeof x.code === 'string' ? x.code : '';
    if (['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '53300'].includes(code) || code.startsWith('08')) return true;
    if (/Connection terminated|ECONNRESET|ECONNREFUSED|Client has encountered a connection error/i.test(String(x.message ?? ''))) return true;
  }
  return false;
}

interface LocalCopy {
  sha256: string;
  size: number;
  open(): Readable | Buffer;
  cleanup(): Promise<void>;
}

async function fetchLocal(deps: FeedDeps, dir: string, entry: RemoteEntry, inMemoryLimit: number): Promise<LocalCopy> {
  if (entry.size <= inMemoryLimit) {
    const buf = await deps.transport.read(dir, entry.name);
    return { sha256: sha256Hex(buf), size: buf.length, open: () => buf, cleanup: async () => {} };
  }
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'oms-feed-'));
  const file = path.join(tmp, 'content');
  const hash = createHash('sha256');
  let size = 0;
  try {
    const src = await deps.transport.readStream(dir, entry.name);
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    await pipeline(src, tap, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  } catch (e) {
    await fsp.rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return {
    sha256: hash.digest('hex'), size,
    open: () => createReadStream(file),
    cleanup: () => fsp.rm(tmp, { recursive: true, force: true }),
  };
}

/** Name of the error report of `fileName` (claimed as `fileId`) in `error/`. */
export function errorReportName(fileName: string, fileId: string): string {
  const stem = fileName.replace(/\.(csv|json)$/i, '');
  return `${stem}_${fileId}.errors.csv`;
}

/** Processes every matching file of the feed's folder. Job params: `maxFiles` (default 100). */
export async function runImport<Rec>(deps: FeedDeps, spec: ImportSpec<Rec>, ctx: JobContext, opts: ImportOptions = {}): Promise<ImportResult> {
  const counts: Record<string, number> = {
    filesApplied: 0, filesDuplicate: 0, filesFailed: 0, filesSkipped: 0, rowsApplied: 0, rowsNoop: 0, rowErrors: 0,
  };
  const files: string[] = [];
  const add = (k: string, n = 1) => {
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

type FileOutcome = 'applied' | 'duplicate' | 'skipped' | 'failed';

async function moveQuietly(deps: FeedDeps, dir: string, name: string, to: string, ctx: JobContext): Promise<void> {
  try {
    await deps.transport.move(dir, name, `${dir}/${to}`);
  } catch (e) {
    // Another worker moved it first: what matters (the DB record) is committed.
    if (e instanceof RemoteFileNotFoundError || !(await deps.transport.exists(dir, name).catch(() => true))) {
      ctx.log.info({ file: name }, 'file already moved by another worker');
      return;
    }
    throw e;
  }
}

async function processFile<Rec>(
  deps: FeedDeps, spec: ImportSpec<Rec>, entry: RemoteEntry, ctx: JobContext, opts: ImportOptions, add: (k: string, n?: number) => void,
): Promise<FileOutcome> {
  const db = deps.database.db;
  const dir = transportDir(spec.folder);
  const name = entry.name;
  let copy: LocalCopy;
  try {
    copy = await fetchLocal(deps, dir, entry, opts.inMemoryLimit ?? 8 * 1024 * 1024);
  } catch (e) {
    // Listed, then moved away by another worker before we read it.
    if (e instanceof RemoteFileNotFoundError || !(await deps.transport.exists(dir, name).catch(() => true))) {
      add('filesSkipped');
      ctx.log.info({ file: name }, 'file gone before it was read (another worker took it): skipped');
      return 'skipped';
    }
    throw e;
  }
  try {
    // 2. Seen before?
    const lease = opts.claimLeaseMs ?? DEFAULT_LEASE_MS;
    const seen = await queryRows<{ id: string; status: string; file_name: string; stale: boolean }>(db, sql`
      select id, status, file_name, created_at < now() - (${lease}::double precision * interval '1 millisecond') as stale
      from feed_files where feed = ${spec.feed} and direction = 'IN' and sha256 = ${copy.sha256} and status in ('APPLIED', 'PROCESSING')
      order by created_at limit 1`);
    const prior = seen[0];
    if (prior?.status === 'APPLIED') {
      // The same file again, the same content under another name, or a file whose run committed and
      // stopped before moving it: never applied twice, recorded, archived.
      await recordDuplicate(db, spec, name, copy, prior.id, ctx.runId);
      await moveQuietly(deps, dir, name, 'archive', ctx);
      ctx.log.info({ file: name, duplicateOf: prior.id, sameName: prior.file_name === name }, 'duplicate feed file archived without applying');
      add('filesDuplicate');
      return 'duplicate';
    }
    if (prior?.status === 'PROCESSING') {
      if (!prior.stale) {
        add('filesSkipped');
        ctx.log.info({ file: name, fileId: prior.id }, 'file is being processed by another worker: skipped');
        return 'skipped';
      }
      await db.update(feedFiles)
        .set({ status: 'FAILED', lastError: `claim abandoned: still PROCESSING after ${lease} ms; re-claimed by run ${ctx.runId}`, completedAt: new Date() })
        .where(and(eq(feedFiles.id, prior.id), eq(feedFiles.status, 'PROCESSING')));
      ctx.log.warn({ file: name, fileId: prior.id }, 'stale claim released');
    }

    // 3. Claim.
    const fileId = newId('FF');
    const claimed = await queryRows<{ id: string }>(db, sql`
      insert into feed_files (id, feed, direction, file_name, folder, sha256, size, status, job_run_id)
      values (${fileId}, ${spec.feed}, 'IN', ${name}, ${spec.folder}, ${copy.sha256}, ${copy.size}, 'PROCESSING', ${ctx.runId})
      on conflict do nothing returning id`);
    if (!claimed.length) {
      add('filesSkipped');
      ctx.log.info({ file: name }, 'file claimed by another worker: skipped');
      return 'skipped';
    }

    try {
      return await applyClaimed(deps, spec, name, fileId, copy, ctx, add);
    } catch (e) {
      // Release the claim so the next run (a pg-boss retry) re-reads the file; applied rows are no-ops then.
      await db.update(feedFiles).set({ status: 'FAILED', lastError: `interrupted: ${errorText(e)}`, completedAt: new Date() })
        .where(and(eq(feedFiles.id, fileId), eq(feedFiles.status, 'PROCESSING'))).catch(() => {});
      throw e;
    }
  } finally {
    await copy.cleanup();
  }
}

async function recordDuplicate<Rec>(db: Db, spec: ImportSpec<Rec>, name: string, copy: LocalCopy, ofId: string, runId: string) {
  const base = { feed: spec.feed, direction: 'IN', fileName: name, folder: spec.folder, size: copy.size, status: 'DUPLICATE', jobRunId: runId, completedAt: new Date() };
  const lastError = `duplicate of ${ofId} (sha256 ${copy.sha256})`;
  const inserted = await db.insert(feedFiles).values({ id: newId('FF'), ...base, sha256: copy.sha256, lastError }).onConflictDoNothing().returning({ id: feedFiles.id });
  // The unique index (feed, sha256) covers every non-FAILED IN row, so the DUPLICATE row keeps its hash in last_error.
  if (!inserted.length) await db.insert(feedFiles).values({ id: newId('FF'), ...base, sha256: null, lastError });
}

async function applyClaimed<Rec>(
  deps: FeedDeps, spec: ImportSpec<Rec>, name: string, fileId: string, copy: LocalCopy, ctx: JobContext, add: (k: string, n?: number) => void,
): Promise<FileOutcome> {
  const db = deps.database.db;
  const dir = transportDir(spec.folder);

  // 4. The whole file must be readable before anything is applied.
  try {
    for await (const _ of spec.decode(copy.open())) { /* structure check only */ }
  } catch (e) {
    if (!(e instanceof FeedFileError)) throw e;
    await db.update(feedFiles)
      .set({ status: 'FAILED', lastError: e.message, errorCount: 1, errors: [{ row: 0, message: e.message }], completedAt: new Date() })
      .where(eq(feedFiles.id, fileId));
    ctx.addRowError({ file: name, row: 0, message: e.message });
    try {
      await deps.transport.putAtomic(`${dir}/error`, errorReportName(name, fileId), Buffer.from(errorReportCsv([{ row: 0, message: e.message }])));
    } catch (e2) {
      ctx.log.warn({ file: name, err: errorText(e2) }, 'could not write the error report');
    }
    await moveQuietly(deps, dir, name, 'failed', ctx);
    ctx.log.warn({ file: name, fileId, reason: e.message }, 'unreadable feed file moved to failed/');
    add('filesFailed');
    return 'failed';
  }

  // 5. Apply.
  const errors: { row: number; field?: string; message: string }[] = [];
  const noops: { row: number; message: string }[] = [];
  let rowCount = 0, applied = 0;
  const batchSize = spec.batchSize ?? 200;
  const actor = `feed:${spec.job}:${fileId}`;
  let batch: { row: number; value: Rec }[] = [];

  const flush = async () => {
    if (!batch.length) return;
    const rows = batch;
    batch = [];
    const outcomes = await db.transaction(async (tx) => {
      const out: { row: number; outcome: RowOutcome }[] = [];
      for (const r of rows) {
        let outcome: RowOutcome;
        try {
          outcome = await (tx as Db).transaction(async (sp) => {
            const spDb = sp as Db;
            const rc: RowContext = {
              fileId, fileName: name, row: r.row, actor, deps,
              claimKey: async (key) => {
                const ins = await spDb.insert(feedRowsApplied).values({ feed: spec.feed, businessKey: key, feedFileId: fileId, rowNumber: r.row })
                  .onConflictDoNothing().returning({ key: feedRowsApplied.businessKey });
                return ins.length > 0;
              },
            };
            const o = await spec.apply(spDb, r.value, rc);
            if (o.kind !== 'applied') throw new RowRollback(o);
            return o;
          });
        } catch (e) {
          if (e instanceof RowRollback) outcome = e.outcome;
          else if (isTransientDbError(e)) throw e;
          else outcome = { kind: 'error', message: `could not be applied: ${errorText(e)}` };
        }
        out.push({ row: r.row, outcome });
      }
      return out;
    });
    // Counted only once the batch committed.
    for (const { row, outcome } of outcomes) {
      if (outcome.kind === 'applied') applied++;
      else if (outcome.kind === 'noop') {
        noops.push({ row, message: `no-op: ${outcome.message}` });
        ctx.log.debug({ file: name, row, message: outcome.message }, 'row is a no-op');
      } else errors.push({ row, ...(outcome.field !== undefined && { field: outcome.field }), message: outcome.message });
    }
  };

  for await (const r of spec.decode(copy.open())) {
    rowCount++;
    if (!r.ok) {
      errors.push({ row: r.row, ...(r.field !== undefined && { field: r.field }), message: r.message });
      continue;
    }
    batch.push({ row: r.row, value: r.value });
    if (batch.length >= batchSize) await flush();
  }
  await flush();

  // 6. Report (errors and no-ops, by row), record, then move.
  errors.sort((a, b) => a.row - b.row);
  if (errors.length || noops.length) {
    const report = [...errors, ...noops].sort((a, b) => a.row - b.row);
    await deps.transport.putAtomic(`${dir}/error`, errorReportName(name, fileId), Buffer.from(errorReportCsv(report)));
  }
  for (const e of errors) ctx.addRowError({ file: name, ...e });
  const marked = await db.update(feedFiles)
    .set({ status: 'APPLIED', rowCount, errorCount: errors.length, errors: errors.slice(0, MAX_STORED_ERRORS), completedAt: new Date(), attempts: sql`${feedFiles.attempts} + 1` })
    .where(and(eq(feedFiles.id, fileId), eq(feedFiles.status, 'PROCESSING')))
    .returning({ id: feedFiles.id });
  if (!marked.length) {
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

