/**
 * Errors raised by the feed codecs.
 *
 * - `FeedEncodeError`: the writer was handed a value that cannot go into the feed (a non-numeric
 *   quantity, an id that starts with a formula character, ...). This is a programming or data
 *   error on the OMS side: the file must not be produced.
 * - `FeedFileError`: an inbound file cannot be read at all (empty, wrong header, broken quoting,
 *   not UTF-8, not a JSON array). The caller moves the file to `failed/`. Row-level problems are
 *   never thrown: they are yielded as `{ ok: false }` results.
 *
 * Messages never contain free-text cell contents (PII); numeric/id values may be quoted,
 * truncated to a few characters.
 */

export class FeedEncodeError extends Error {
  override readonly name = 'FeedEncodeError';
  constructor(
    message: string,
    /** Column (header name) holding the bad value. */
    readonly column: string,
    /** 1-based data record number (header excluded) in the file being written. */
    readonly record: number,
  ) {
    super(`column "${column}" of record ${record}: ${message}`);
  }
}

type FeedFileErrorCode = 'EMPTY' | 'HEADER' | 'PARSE' | 'ENCODING' | 'JSON';

export class FeedFileError extends Error {
  override readonly name = 'FeedFileError';
  constructor(
    readonly code: FeedFileErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Short, printable rendering of a rejected non-free-text value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'string') {
    const s = value.length > 24 ? `${value.slice(0, 24)}…` : value;
    return JSON.stringify(s);
  }
  return `a ${typeof value}`;
}
