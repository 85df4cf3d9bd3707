/**
 * How the import runner applies a file's decoded rows: chunk by chunk, one transaction each —
 * set-based through the spec's `applyBatch` (falling back to row by row when a chunk throws), or
 * row by row with a savepoint per row — in one lane, or in parallel lanes by the spec's `laneKey`.
 */
import type { Tx } from '../db/client';
import { appliedKeys, claimKey, claimKeys } from '../db/feed-files.repo';
import { disableJit } from '../db/rows';
import type { DecodeResult } from './codec';
import { errorText, type FeedDeps, type JobContext, type RowOutcome } from './common';
import type { BatchContext, BatchRow, ImportOptions, ImportSpec, RowContext } from './import-spec';

/** Adds `n` (default 1) to a counter of the run. */
export type Add = (k: string, n?: number) => void;
type Outcomes = { row: number; outcome: RowOutcome }[];

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

/** The claimed file a chunk belongs to. */
export interface ChunkEnv<Rec> { deps: FeedDeps; spec: ImportSpec<Rec>; name: string; fileId: string; actor: string; ctx: JobContext; add: Add }

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

/** What became of a file's rows: errors and no-ops by row, applied and decoded counts. */
export interface Tally {
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
export async function applyRows<Rec>(
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
