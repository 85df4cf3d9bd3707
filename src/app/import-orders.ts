/**
 * Order import from a JSON or CSV file (or text), through `createOrder`, so imported orders get
 * exactly the API's validation and are idempotent on `externalId`: importing a file again creates
 * nothing new (those orders are counted as `existing`).
 *
 * JSON: an array of orders in the API shape (see `order-input.ts`) or `{ "orders": [...] }`.
 * Error rows are the 1-based position of the order in the array and fields the API paths
 * (`items[1].quantity`). The file is parsed whole (it must be read to be validated anyway), then
 * its orders are stored in chunks. A malformed file is one error `{ row: 0, field: '(file)' }`
 * and nothing is imported.
 *
 * Encoding (both formats, `import-encoding.ts`): UTF-8 with or without a BOM, UTF-16 LE/BE with a
 * BOM, or the `encoding` option (`latin1`, `windows-1252`) for a file without a BOM. Any other file
 * (invalid UTF-8 without a BOM) is one `(file)` error naming the file and `--encoding`, and nothing
 * of it is stored. A `text` source is already decoded; a `bytes` source (a file sent over HTTP) is
 * decoded like a file, its refusal naming `name` and the caller's `encodingOption`.
 *
 * Exact repeats: the same order object twice in a JSON file imports once; the repeat is a row error
 * naming the position it repeats. The same CSV line twice within an order refuses that order (the
 * repeat is reported with the line it repeats, the order's other lines with `(order)`): whether the
 * writer meant the quantity twice or pasted a line twice cannot be told, and an order imported the
 * wrong way could not be corrected by importing the fixed file again (it would count as existing).
 *
 * CSV (`import-csv.ts`, which documents the header and the grouping): one row per order line,
 * consecutive rows with the same externalId form one order. Errors name the CSV line where the
 * data row starts and the CSV column. A bad row rejects its whole order: every row of that order
 * is reported, the bad rows first with the reason, then the order's other rows with field
 * `(order)`. The other orders are imported. An unparseable file is one `(file)` error naming the
 * line where the bad record starts, and nothing is imported: the file is read twice, a first pass
 * checks and counts it (the progress total), the second imports it, so a 100k-line file is never
 * held in memory.
 *
 * Each order is created in a transaction of its own (and approved in a second one), so an order
 * the database refuses (a statement error with a SQLSTATE) is an `(order)` row error and the import
 * goes on, however many fail in a row. Only an error that means the database is gone (SQLSTATE
 * class 08, 57P01-57P05, or no SQLSTATE at all) stops the file: the result gets `stopped` and one
 * `(file)` error at the order's row saying so; the orders before it stay imported, and importing
 * the file again takes up the rest (the stored ones count as existing).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import type { Db } from '../db/client';
import { existingExternalIds } from '../db/orders.repo';
import { approveOrder, createOrder } from './orders';
import { formatIssues, orderInputSchema, type FieldError } from './order-input';
import { databaseErrorOf, storageProblem } from './storage-errors';
import { decodeBytes, decodeChunks, EncodingProblem, type EncodingOption, type ImportEncoding } from './import-encoding';
import { csvUnits, scanCsv } from './import-csv';
import { FILE, FileProblem, ORDER, type ImportRowError, type Unit } from './import-unit';

export { CSV_HEADER, CSV_LINE_COLUMNS, CSV_ORDER_COLUMNS, CSV_REQUIRED_COLUMNS } from './import-csv';
export type { ImportRowError } from './import-unit';

export type ImportFormat = 'json' | 'csv';
export type ImportSource =
  | { path: string; format?: ImportFormat }
  | { text: string; format: ImportFormat }
  /** A file's bytes (e.g. a request body); `name` is how messages call it. */
  | { bytes: Buffer; format: ImportFormat; name: string };

export interface ImportOptions {
  /** Recorded on the orders' history rows; default `import`. */
  actor?: string;
  /** Approve the orders this import creates (their items enter the brokering queue). */
  approve?: boolean;
  /** Called after every order with the orders done so far and the orders in the file. */
  onProgress?: (done: number, total: number) => void;
  /** Orders stored per chunk (one existence query per chunk); default 200. */
  chunkSize?: number;
  /** How to read a file without a byte-order mark that is not UTF-8. */
  encoding?: ImportEncoding;
  /** How a refusal of the encoding tells to choose one: the CLI's `--encoding ` (default) or HTTP's `?encoding=`. */
  encodingOption?: EncodingOption;
}

export interface ImportResult {
  created: number; existing: number; rejected: ImportRowError[];
  /** Set when the database went away mid-file: the rest of the file was not imported (see the `(file)` error). */
  stopped?: true;
}

/** The database is unreachable: the import of the file stops at this order. */
class DatabaseGone extends Error {}

export async function importOrders(db: Db, source: ImportSource, opts: ImportOptions = {}): Promise<ImportResult> {
  const format = source.format ?? formatOf('path' in source ? source.path : '');
  if (!format) return fileError(`cannot tell the format of ${(source as { path: string }).path}: use a .json or .csv file, or pass format`);
  try {
    if (format === 'json') {
      const text = 'text' in source ? source.text
        : 'bytes' in source ? decoded(source.bytes, source.name, opts) : decoded(await readBytes(source.path), source.path, opts);
      const list = parseJsonOrders(text);
      return await storeUnits(db, jsonUnits(list), list.length, opts);
    }
    const open = 'text' in source ? () => Readable.from([source.text])
      : 'bytes' in source ? () => Readable.from(decodeChunks(Readable.from([source.bytes]), source.name, opts.encoding, opts.encodingOption))
        : () => Readable.from(decodeChunks(createReadStream(source.path), source.path, opts.encoding, opts.encodingOption));
    const total = await scanCsv(open);
    return await storeUnits(db, csvUnits(open), total, opts);
  } catch (e) {
    if (e instanceof FileProblem) return fileError(e.message);
    throw e;
  }
}

const readBytes = (path: string): Promise<Buffer> => readFile(path).catch((e) => { throw new FileProblem(`cannot read file: ${(e as Error).message}`); });

function decoded(bytes: Buffer, name: string, opts: ImportOptions): string {
  try {
    return decodeBytes(bytes, name, opts.encoding, opts.encodingOption);
  } catch (e) {
    throw e instanceof EncodingProblem ? new FileProblem(e.message) : e;
  }
}

function formatOf(path: string): ImportFormat | undefined {
  const ext = extname(path).toLowerCase();
  return ext === '.json' ? 'json' : ext === '.csv' ? 'csv' : undefined;
}

const fileError = (message: string): ImportResult => ({ created: 0, existing: 0, rejected: [{ row: 0, field: FILE, message }] });

// ---------------------------------------------------------------------------------------------
// Storing

async function storeUnits(db: Db, units: AsyncIterable<Unit> | Iterable<Unit>, total: number, opts: ImportOptions): Promise<ImportResult> {
  const result: ImportResult = { created: 0, existing: 0, rejected: [] };
  const chunkSize = Math.max(1, opts.chunkSize ?? 200);
  const state: StoreState = { done: 0 };
  opts.onProgress?.(0, total);
  let chunk: Unit[] = [];
  try {
    for await (const u of units) {
      chunk.push(u);
      if (chunk.length >= chunkSize) { await storeChunk(db, chunk, total, opts, result, state); chunk = []; }
    }
    if (chunk.length) await storeChunk(db, chunk, total, opts, result, state);
  } catch (e) {
    if (!(e instanceof DatabaseGone)) throw e;
    result.rejected.push({ row: state.at ?? 0, field: FILE, message: e.message });
    result.stopped = true;
  }
  return result;
}

/** Why an error thrown by the database means it is gone (connection lost or refused), else undefined. */
function goneReason(err: unknown): string | undefined {
  const e = databaseErrorOf(err);
  if (e) return e.code.startsWith('08') || /^57P0[1-5]$/.test(e.code) ? `SQLSTATE ${e.code}` : undefined;
  for (let c = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; c && depth < 5; c = c.cause as typeof c, depth++) {
    if (typeof c.code === 'string' && /^E[A-Z]+$/.test(c.code)) return `no SQLSTATE, ${c.code}`;
  }
  return 'no SQLSTATE: the connection failed, or an unexpected error (see the server log)';
}

/** Throws DatabaseGone when `err` means the database is gone; otherwise returns so the caller reports the row. */
function stopIfGone(err: unknown, u: Unit, state: { done: number }): void {
  const reason = goneReason(err);
  if (!reason) return;
  const id = externalIdOf(u.raw);
  throw new DatabaseGone(`import stopped at row ${u.rows[0]}${id ? ` (order ${id})` : ''}: the database is unreachable (${reason}); `
    + `the ${state.done} order(s) before it were processed, the rest of the file was not imported: import the file again when the database is back`);
}

type StoreState = { done: number; at?: number };

async function storeChunk(db: Db, chunk: Unit[], total: number, opts: ImportOptions, result: ImportResult, state: StoreState) {
  const actor = opts.actor ?? 'import';
  const checked = chunk.map((u) => ({ u, errors: validate(u) }));
  // One query tells which orders of the chunk are already stored (a re-import stays cheap).
  const ids = checked.filter((c) => !c.errors.length).map((c) => externalIdOf(c.u.raw)).filter((x): x is string => !!x);
  let known = new Set<string | null>();
  if (ids.length) {
    // Not knowing is harmless (createOrder is idempotent on externalId); a database gone is not.
    known = await existingExternalIds(db, ids).catch((e: unknown) => { state.at = chunk[0].rows[0]; stopIfGone(e, chunk[0], state); return known; });
  }
  for (const { u, errors } of checked) {
    state.at = u.rows[0];
    if (errors.length) reject(result, u, errors);
    else if (known.has(externalIdOf(u.raw)!)) result.existing++;
    else await storeOne(db, u, { actor, approve: opts.approve === true }, result, state);
    opts.onProgress?.(++state.done, total);
  }
}

async function storeOne(db: Db, u: Unit, how: { actor: string; approve: boolean }, result: ImportResult, state: StoreState) {
  const { actor, approve } = how;
  let r: Awaited<ReturnType<typeof createOrder>>;
  try {
    r = await db.transaction((tx) => createOrder(tx, u.raw, actor));
  } catch (e) {
    stopIfGone(e, u, state);
    reject(result, u, [{ ...u.locate(ORDER), message: `could not be stored: ${storageProblem(e)}` }]);
    return;
  }
  if (r.kind === 'existing') { result.existing++; return; }
  if (r.kind === 'invalid') { reject(result, u, r.errors.map((e) => located(u, e))); return; }
  if (r.kind !== 'created') { reject(result, u, [{ ...u.locate(ORDER), message: r.message }]); return; }
  result.created++;
  if (approve) {
    const id = r.order.id;
    let why: string | undefined;
    try {
      const a = await db.transaction((tx) => approveOrder(tx, id, actor));
      if (a.kind !== 'ok') why = a.message;
    } catch (e) {
      stopIfGone(e, u, state);
      why = `could not be stored: ${storageProblem(e)}`;
    }
    if (why) result.rejected.push({ ...u.locate(ORDER), message: `created as ${id} but not approved: ${why}` });
  }
}

/**
 * Conversion problems plus the order schema's, one per (row, field). The schema runs with
 * `reportInput` so that `formatIssues` tells a wrong value (e.g. quantity 1.5) from a missing one.
 */
function validate(u: Unit): ImportRowError[] {
  const parsed = orderInputSchema.safeParse(u.raw, { reportInput: true });
  const errors = [...u.pre];
  if (!parsed.success) {
    const seen = new Set(errors.map((e) => `${e.row}\u0000${e.field}`));
    for (const e of formatIssues(parsed.error).map((fe) => located(u, fe))) {
      const key = `${e.row}\u0000${e.field}`;
      if (!seen.has(key)) { seen.add(key); errors.push(e); }
    }
  }
  return errors;
}

const located = (u: Unit, e: FieldError): ImportRowError => ({ ...u.locate(e.field), message: e.message });

/** Records an order's errors (sorted by row) and, for its rows without one, that they went with it. */
function reject(result: ImportResult, u: Unit, errors: ImportRowError[]) {
  const sorted = errors.map((e, i) => ({ e, i })).sort((a, b) => a.e.row - b.e.row || a.i - b.i).map((x) => x.e);
  result.rejected.push(...sorted);
  const first = sorted[0];
  const id = externalIdOf(u.raw);
  for (const row of u.rows) {
    if (sorted.some((e) => e.row === row)) continue;
    const message = `not imported: ${id ? `order ${id}` : 'its order'} is rejected (row ${first.row}, ${first.field}: ${first.message})`;
    result.rejected.push({ row, field: ORDER, message });
  }
}

function externalIdOf(raw: unknown): string | undefined {
  const id = raw && typeof raw === 'object' ? (raw as { externalId?: unknown }).externalId : undefined;
  return typeof id === 'string' && id.trim() ? id.trim() : undefined;
}

// ---------------------------------------------------------------------------------------------
// JSON

function parseJsonOrders(text: string): unknown[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new FileProblem(`malformed JSON: ${(e as Error).message}`);
  }
  if (Array.isArray(doc)) return doc;
  if (doc && typeof doc === 'object' && Array.isArray((doc as { orders?: unknown }).orders)) return (doc as { orders: unknown[] }).orders;
  throw new FileProblem('expected a JSON array of orders or an object { "orders": [...] }');
}

/** A JSON value as text with its object keys sorted, so two equal orders give the same text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function* jsonUnits(list: unknown[]): Iterable<Unit> {
  const firstAt = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const row = i + 1;
    const pre: ImportRowError[] = [];
    const key = canonical(list[i]);
    const seen = firstAt.get(key);
    if (seen === undefined) firstAt.set(key, row);
    else pre.push({ row, field: ORDER, message: `repeats order ${seen} of the file exactly: the same order twice is imported once` });
    yield { raw: list[i], rows: [row], pre, locate: (path) => ({ row, field: path === '(body)' ? ORDER : path }) };
  }
}

