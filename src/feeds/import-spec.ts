/**
 * What an import feed declares (`ImportSpec`) and what the import runner hands its callbacks: the
 * row's context in the row-by-row path, the chunk's in the bulk path, each bound to a transaction.
 */
import type { Readable } from 'node:stream';
import type { Tx } from '../db/client';
import type { DecodeResult } from './codec';
import type { FeedDeps, RowOutcome } from './common';

/** What a row-by-row apply gets for its row (bound to the row's savepoint). */
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

/** A decoded record and its 1-based data row number. */
export interface BatchRow<Rec> { row: number; value: Rec }

/** An import feed: its codec feed, how a row applies (row by row and, optionally, set-based), its lanes. */
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

/** The counts of a run and the files it took (skipped files are not listed). */
export interface ImportResult {
  counts: Record<string, number>;
  files: string[];
}

/** How a run reads and applies; every option has a default. */
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
