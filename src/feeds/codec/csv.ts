/**
 * Shared CSV machinery for the NetSuite feeds: streaming encoder, small-file encoder, streaming
 * decoder with per-row results, and the `row,field,message` error report.
 *
 * Files are RFC 4180, UTF-8 (no BOM written; a BOM is accepted on read), comma-separated, one
 * header row, `\n` line ends (CRLF accepted on read).
 */
import { Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { Stringifier } from 'csv-stringify';
import { stringify } from 'csv-stringify/sync';
import type { z } from 'zod';
import { type ColumnSpec, columnKey, encodeRowCells, neutralizeFormula } from './cells';
import { FeedFileError } from './errors';

const STRINGIFY_OPTIONS = {
  delimiter: ',',
  record_delimiter: '\n',
  // Must be explicit: csv-stringify turns it off when record_delimiter is given, and an unquoted
  // CR inside a cell would be read back as a line break.
  quote_record_delimiter: true,
  eof: true,
  bom: false,
  escape_formulas: false, // done per column: numeric cells like -5 must not be altered
} as const;

function headerOption(columns: readonly ColumnSpec[]) {
  return columns.map((c, i) => ({ key: String(i), header: c.name }));
}

export interface EncodeOptions {
  /** Values forced into every row (after the row's own), e.g. `{ closed: 'F' }`. */
  readonly fixed?: Readonly<Record<string, unknown>>;
}

function withFixed(row: unknown, fixed: EncodeOptions['fixed']): Record<string, unknown> {
  if (!fixed || row === null || typeof row !== 'object') return row as Record<string, unknown>;
  return { ...(row as Record<string, unknown>), ...fixed };
}

class CsvEncoder extends Stringifier {
  private record = 0;
  constructor(
    private readonly specs: readonly ColumnSpec[],
    private readonly fixed: EncodeOptions['fixed'],
  ) {
    super({ ...STRINGIFY_OPTIONS, header: true, columns: headerOption(specs) });
  }
  override _transform(chunk: unknown, encoding: BufferEncoding, callback: TransformCallback): void {
    let cells: string[];
    try {
      cells = encodeRowCells(this.specs, withFixed(chunk, this.fixed), ++this.record);
    } catch (err) {
      callback(err as Error);
      return;
    }
    super._transform(cells, encoding, callback);
  }
}

/**
 * Streaming encoder: write row objects (keyed by each column's `key ?? name`), read CSV text.
 * The header row comes first (also for zero rows). A bad value destroys the stream with a
 * `FeedEncodeError` naming the column and the 1-based record number.
 */
export function createCsvEncoder(columns: readonly ColumnSpec[], options: EncodeOptions = {}): Transform {
  return new CsvEncoder(columns, options.fixed);
}

/** Whole-file encoder for small files. Throws `FeedEncodeError`. */
export function encodeCsv(
  columns: readonly ColumnSpec[],
  rows: Iterable<object>,
  options: EncodeOptions = {},
): string {
  const cells: string[][] = [];
  let record = 0;
  for (const row of rows) cells.push(encodeRowCells(columns, withFixed(row, options.fixed), ++record));
  return stringify(cells, { ...STRINGIFY_OPTIONS, header: true, columns: headerOption(columns) });
}

/** A cell needs RFC 4180 quotes when it holds the delimiter, a quote or a line break (`quote_record_delimiter`). */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One data row as the streaming encoder writes it, without its `\n`: the same cell rules
 * (`encodeRowCells`: formula neutralisation, numbers and ids validated) and the quoting
 * csv-stringify applies with these options (a cell holding `"`, `,`, CR or LF is quoted, its
 * quotes doubled; an empty cell stays empty). Throws `FeedEncodeError`. `test/feeds/export-payload.test.ts`
 * checks it byte for byte against the encoder.
 */
export function encodeCsvLine(columns: readonly ColumnSpec[], row: object, options: EncodeOptions = {}, record = 1): string {
  const cells = encodeRowCells(columns, withFixed(row, options.fixed), record);
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (i > 0) line += ',';
    line += NEEDS_QUOTES.test(c) ? `"${c.replaceAll('"', '""')}"` : c;
  }
  return line;
}

/** UTF-8 size of one encoded row line (or of the header line when `row` is `null`), `\n` included. */
export function csvLineBytes(columns: readonly ColumnSpec[], row: object | null, record = 1): number {
  const cells = row === null ? columns.map((c) => c.name) : encodeRowCells(columns, row as Record<string, unknown>, record);
  return Buffer.byteLength(stringify([cells], { ...STRINGIFY_OPTIONS, header: false }), 'utf8');
}

/**
 * One decoded data row. `row` is the 1-based number of the data record in the file: the header is
 * not counted, blank lines are not counted, and a quoted cell spanning several lines is still one
 * row. It is what the error report shows.
 */
export type DecodeResult<T> =
  | { ok: true; row: number; value: T }
  | { ok: false; row: number; field?: string; message: string };

type RowError = Extract<DecodeResult<unknown>, { ok: false }>;

/** Structural errors after which record boundaries can no longer be trusted. */
const FATAL_CSV_CODES = new Set([
  'CSV_QUOTE_NOT_CLOSED', 'CSV_MAX_RECORD_SIZE', 'CSV_INVALID_CLOSING_QUOTE', 'INVALID_OPENING_QUOTE', 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE',
]);
const MAX_RECORD_BYTES = 1_000_000;

function utf8Guard(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let sawBytes = false;
  const fail = () => new FeedFileError('ENCODING', 'file is not valid UTF-8');
  return new Transform({
    readableObjectMode: false,
    writableObjectMode: true,
    transform(chunk: unknown, _enc, cb) {
      if (typeof chunk === 'string') return cb(null, chunk);
      try {
        sawBytes = true;
        const s = decoder.decode(chunk as Uint8Array, { stream: true });
        cb(null, s.length ? s : undefined);
      } catch {
        cb(fail());
      }
    },
    flush(cb) {
      try {
        const s = sawBytes ? decoder.decode() : '';
        cb(null, s.length ? s : undefined);
      } catch {
        cb(fail());
      }
    },
  });
}

function toReadable(input: Readable | string | Buffer | Uint8Array): Readable {
  if (typeof input === 'string' || input instanceof Uint8Array) return Readable.from([input]);
  return input;
}

function checkHeader(columns: readonly ColumnSpec[], header: string[]): number[] {
  const clip = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
  const seen = new Map<string, number>();
  const dups: string[] = [];
  header.forEach((h, i) => (seen.has(h) ? dups.push(h) : seen.set(h, i)));
  const known = new Set(columns.map((c) => c.name));
  const missing = columns.filter((c) => !seen.has(c.name) && !c.absentable).map((c) => c.name);
  const unknown = header.filter((h) => !known.has(h));
  const problems: string[] = [];
  if (missing.length) problems.push(`missing column(s) ${missing.map(clip).join(', ')}`);
  if (unknown.length) problems.push(`unknown column(s) ${unknown.map(clip).join(', ')}`);
  if (dups.length) problems.push(`duplicate column(s) ${dups.map(clip).join(', ')}`);
  if (problems.length) throw new FeedFileError('HEADER', `header mismatch: ${problems.join('; ')}`);
  return columns.map((c) => seen.get(c.name) ?? -1);
}

/**
 * ONE row error from a failed zod parse: the first offending field (its column/header name when
 * `columns` maps the key) and its message, mentioning the other invalid fields if any.
 */
export function schemaError(
  error: z.ZodError,
  columns: readonly ColumnSpec[] = [],
): { field?: string; message: string } {
  const byKey = new Map(columns.map((c) => [columnKey(c), c.name]));
  const fieldOf = (issue: z.core.$ZodIssue) =>
    issue.path.length ? byKey.get(String(issue.path[0])) ?? String(issue.path[0]) : undefined;
  const [first, ...rest] = error.issues;
  const field = fieldOf(first);
  const others = [...new Set(rest.map(fieldOf).filter((f): f is string => !!f && f !== field))];
  const message = others.length ? `${first.message} (also invalid: ${others.join(', ')})` : first.message;
  return field === undefined ? { message } : { field, message };
}

/** A csv-parse stream: rows it skips are collected in `skipped`; a fatal error ends the file. */
function csvParser(columns: readonly ColumnSpec[], skipped: { after: number; message: string }[]) {
  const parser = parse({
    bom: true,
    relax_column_count: false,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    on_skip: (err) => {
      if (!err) return undefined;
      const code = (err as CsvError).code;
      if (parser.info.records === 0 || FATAL_CSV_CODES.has(code)) throw err;
      skipped.push({ after: parser.info.records, message: skippedRowMessage(err as CsvError, columns) });
      return undefined;
    },
  });
  return parser;
}

function skippedRowMessage(err: CsvError, columns: readonly ColumnSpec[]): string {
  const record = (err as CsvError & { record?: unknown[] }).record;
  if (err.code !== 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' || !Array.isArray(record)) return `unreadable row (${err.code})`;
  return `expected ${/expect (\d+)/.exec(err.message)?.[1] ?? columns.length} cells, found ${record.length}`;
}

/**
 * Stream-decode a feed file. Throws `FeedFileError` (before or while yielding) when the file as a
 * whole is unreadable: empty, header mismatch (missing, unknown or duplicate columns; order is
 * free; an `absentable` column may be missing), broken quoting, a record over 1 MB, invalid UTF-8. Yields one result per data row
 * otherwise: a row with the wrong number of cells or failing `rowSchema` becomes ONE error result
 * naming the first offending field (by header name); good rows are yielded as parsed.
 *
 * The row object handed to `rowSchema` maps each column's `key ?? name` to its raw cell text.
 */
export async function* decodeCsv<T>(
  columns: readonly ColumnSpec[],
  input: Readable | string | Buffer | Uint8Array,
  rowSchema: z.ZodType<T>,
): AsyncGenerator<DecodeResult<T>, void, undefined> {
  const skipped: { after: number; message: string }[] = [];
  const parser = csvParser(columns, skipped);
  const source = toReadable(input);
  pipeline(source, utf8Guard(), parser, () => {
    /* errors surface through the parser's async iterator */
  });

  let good = 0;
  let row = 0;
  let index: number[] = [];
  try {
    for await (const rec of parser as AsyncIterable<string[]>) {
      good++;
      if (good === 1) {
        index = checkHeader(columns, rec);
        continue;
      }
      while (skipped.length && skipped[0].after < good) {
        const s = skipped.shift()!;
        yield { ok: false, row: ++row, message: s.message };
      }
      row++;
      const obj: Record<string, string> = {};
      columns.forEach((c, i) => { if (index[i] >= 0) obj[columnKey(c)] = rec[index[i]]; });
      const parsed = rowSchema.safeParse(obj);
      if (parsed.success) yield { ok: true, row, value: parsed.data };
      else yield { ok: false, row, ...schemaError(parsed.error, columns) };
    }
  } catch (err) {
    if (err instanceof FeedFileError) throw err;
    const code = (err as { code?: unknown })?.code;
    if (typeof code === 'string' && (code.startsWith('CSV_') || code === 'INVALID_OPENING_QUOTE')) {
      const line = (err as { lines?: number }).lines;
      throw new FeedFileError('PARSE', `unparseable CSV (${code}${line ? ` near line ${line}` : ''})`, { cause: err });
    }
    throw err;
  } finally {
    if (!parser.destroyed) parser.destroy();
  }
  if (good === 0) throw new FeedFileError('EMPTY', 'file is empty: no header row');
  while (skipped.length) yield { ok: false, row: ++row, message: skipped.shift()!.message };
}

/** Drain a decode into good values (with their row numbers) and errors. For small files/tests. */
export async function collectDecoded<T>(
  results: AsyncIterable<DecodeResult<T>>,
): Promise<{ rows: { row: number; value: T }[]; errors: RowError[] }> {
  const rows: { row: number; value: T }[] = [];
  const errors: RowError[] = [];
  for await (const r of results) {
    if (r.ok) rows.push({ row: r.row, value: r.value });
    else errors.push(r);
  }
  return { rows, errors };
}

const ERROR_REPORT_COLUMNS = ['row', 'field', 'message'] as const;

/** `row,field,message` CSV text for the `error/` folder; field and message are neutralised. */
export function errorReportCsv(errors: Iterable<{ row: number; field?: string; message: string }>): string {
  const cells: string[][] = [];
  for (const e of errors) {
    cells.push([String(e.row), neutralizeFormula(e.field ?? ''), neutralizeFormula(e.message)]);
  }
  return stringify(cells, {
    ...STRINGIFY_OPTIONS,
    header: true,
    columns: ERROR_REPORT_COLUMNS.map((c, i) => ({ key: String(i), header: c })),
  });
}
