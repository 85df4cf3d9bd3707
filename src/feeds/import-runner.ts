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
import {
  insertClosedInFile, insertInFileClaim, liveInFileByName, markInFileApplied, markInFileFailed, releaseInFileClaim, type InFile, type LiveInFile,
} from '../db/feed-files.repo';
import { newId } from '../domain/ids';
import type { RemoteEntry } from '../sftp/transport';
import { errorReportCsv, FeedFileError, type DecodeResult } from './codec';
import { errorText, intParam, transportDir, type FeedDeps, type JobContext } from './common';
import { applyRows, type Add } from './import-chunks';
import { errorReportName, fetchLocal, goneMeanwhile, moveQuietly, type LocalCopy } from './import-files';
import type { ImportOptions, ImportResult, ImportSpec } from './import-spec';

export { errorReportName } from './import-files';
export { BatchConflictError, isTransientDbError } from './import-chunks';
export type { RowOutcome } from './common';
export type { BatchContext, BatchRow, ImportOptions, ImportResult, ImportSpec, RowContext } from './import-spec';

const DEFAULT_LEASE_MS = 30 * 60 * 1000;
const MAX_STORED_ERRORS = 1000;
/** Decoded rows kept from the structure check of an in-memory file. */
const MAX_KEPT_ROWS = 30_000;

type FileOutcome = 'applied' | 'duplicate' | 'skipped' | 'failed';

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
