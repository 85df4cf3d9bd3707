/**
 * Splitting one export run into files NetSuite accepts (reliability.md scenario 16): at most
 * 25,000 records and 50 MB per CSV import file. Pure: decides batches, does not name or write them.
 */
import type { ColumnSpec } from './cells';
import { csvLineBytes } from './csv';

export const NETSUITE_CSV_LIMITS = Object.freeze({ maxRows: 25_000, maxBytes: 50 * 1024 * 1024 });

interface BatchOptions<R> {
  /** Data rows per file (default 25,000). */
  maxRows?: number;
  /** Bytes per file including the header (default 50 MB); only checked when `columns` is given. */
  maxBytes?: number;
  /** Columns of the feed, to measure encoded sizes for `maxBytes`. */
  columns?: readonly ColumnSpec[];
  /**
   * Rows with the same key are never split across files (e.g. all lines of one sales order).
   * Rows of a group must be consecutive in the input.
   */
  groupKey?: (row: R) => string;
}

/**
 * Yield batches of consecutive rows, each within the limits, keeping groups whole.
 * Throws `RangeError` when a single group is over a limit or a group key reappears after its group
 * ended (input not grouped). Deterministic: the same input gives the same batches.
 */
export function* batchRows<R extends object>(rows: Iterable<R>, options: BatchOptions<R> = {}): Generator<R[]> {
  const maxRows = options.maxRows ?? NETSUITE_CSV_LIMITS.maxRows;
  const maxBytes = options.maxBytes ?? NETSUITE_CSV_LIMITS.maxBytes;
  const { columns, groupKey } = options;
  if (!Number.isSafeInteger(maxRows) || maxRows < 1) throw new RangeError('batchRows: maxRows must be >= 1');
  const headerBytes = columns ? csvLineBytes(columns, null) : 0;
  const measure = (row: R, n: number) => (columns ? csvLineBytes(columns, row, n) : 0);

  let batch: R[] = [];
  let batchBytes = headerBytes;
  let group: R[] = [];
  let groupBytes = 0;
  let key: string | undefined;
  const closed = new Set<string>();
  let seen = 0;

  function* closeGroup(): Generator<R[]> {
    if (group.length === 0) return;
    if (group.length > maxRows || headerBytes + groupBytes > maxBytes) {
      throw new RangeError(`batchRows: group ${JSON.stringify(key ?? '')} alone exceeds the file limits`);
    }
    if (batch.length + group.length > maxRows || batchBytes + groupBytes > maxBytes) {
      yield batch;
      batch = [];
      batchBytes = headerBytes;
    }
    batch.push(...group);
    batchBytes += groupBytes;
    if (key !== undefined) closed.add(key);
    group = [];
    groupBytes = 0;
  }

  for (const row of rows) {
    seen++;
    const k = groupKey ? groupKey(row) : undefined;
    if (k === undefined || k !== key) {
      yield* closeGroup();
      if (k !== undefined && closed.has(k)) {
        throw new RangeError(`batchRows: rows of group ${JSON.stringify(k)} are not consecutive`);
      }
      key = k;
    }
    group.push(row);
    groupBytes += measure(row, seen);
  }
  yield* closeGroup();
  if (batch.length) yield batch;
}
