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
 * of it is stored. A `text` source is already decoded.
 *
 * Exact repeats: the same order object twice in a JSON file imports once; the repeat is a row error
 * naming the position it repeats. The same CSV line twice within an order refuses that order (the
 * repeat is reported with the line it repeats, the order's other lines with `(order)`): whether the
 * writer meant the quantity twice or pasted a line twice cannot be told, and an order imported the
 * wrong way could not be corrected by importing the fixed file again (it would count as existing).
 *
 * CSV: one row per order line, comma-separated, RFC 4180 quoting,
 * with this header (any column order):
 *
 *   externalId,orderDate,salesChannel,priority,accountingCode,customerExternalId,firstName,
 *   lastName,email,phone,shipToName,address1,address2,city,state,postalCode,country,
 *   shippingMethod,productId,quantity,unitPrice
 *
 * plus the optional order columns `facilityId` (origin facility), `shippingCost` and `currency`.
 * Columns other than externalId, productId and quantity may be left out; an unknown or repeated
 * column is a file error. Consecutive rows with the same externalId form one order (a row without
 * an externalId is an error: the id is what groups lines). The order columns are read from the
 * order's rows: they may be repeated on every row or left blank after the first, but two different
 * values on two rows of one order are an error. Empty cells are absent values; blank lines are
 * skipped. `customerExternalId,firstName,lastName,email,phone` are the customer,
 * `shipToName,address1,…,country` the ship-to address.
 *
 * CSV errors name the CSV line where the data row starts (the header is line 1; a quoted cell
 * spanning lines counts all its lines) and the CSV column (`items[2].quantity` is reported as
 * `quantity` at the order's third row). A bad row rejects its whole order: every row of that order
 * is reported, the bad rows first with the reason, then the order's other rows with field
 * `(order)`. The other orders are imported. An unparseable file (e.g. an unclosed quote) is one
 * `(file)` error naming the line where the bad record starts, and nothing is imported: the file is
 * read twice, a first pass checks and counts it (the progress total), the second imports it, so a
 * 100k-line file is never held in memory.
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
import { Readable, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import type { Db } from '../db/client';
import { existingExternalIds } from '../db/orders.repo';
import { approveOrder, createOrder } from './orders';
import { formatIssues, orderInputSchema, type FieldError } from './order-input';
import { databaseErrorOf, storageProblem } from './storage-errors';
import { decodeBytes, decodeChunks, EncodingProblem, type ImportEncoding } from './import-encoding';

export type ImportFormat = 'json' | 'csv';
export type ImportSource = { path: string; format?: ImportFormat } | { text: string; format: ImportFormat };

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
}

export interface ImportRowError { row: number; field: string; message: string }
export interface ImportResult {
  created: number; existing: number; rejected: ImportRowError[];
  /** Set when the database went away mid-file: the rest of the file was not imported (see the `(file)` error). */
  stopped?: true;
}

/** Required CSV columns; the other known columns may be absent. */
export const CSV_REQUIRED_COLUMNS = ['externalId', 'productId', 'quantity'] as const;
export const CSV_ORDER_COLUMNS = [
  'externalId', 'orderDate', 'salesChannel', 'priority', 'accountingCode', 'customerExternalId', 'firstName', 'lastName',
  'email', 'phone', 'shipToName', 'address1', 'address2', 'city', 'state', 'postalCode', 'country', 'shippingMethod',
  'facilityId', 'shippingCost', 'currency',
] as const;
export const CSV_LINE_COLUMNS = ['productId', 'quantity', 'unitPrice'] as const;
/** The documented header, in its usual order (without the optional extra columns). */
export const CSV_HEADER = [...CSV_ORDER_COLUMNS.slice(0, 18), ...CSV_LINE_COLUMNS] as const;

const NUMERIC_COLUMNS = new Set(['priority', 'quantity', 'unitPrice', 'shippingCost']);
const CUSTOMER_COLUMNS: Record<string, string> = {
  customerExternalId: 'externalId', firstName: 'firstName', lastName: 'lastName', email: 'email', phone: 'phone',
};
const SHIP_TO_COLUMNS: Record<string, string> = {
  shipToName: 'name', address1: 'address1', address2: 'address2', city: 'city', state: 'state', postalCode: 'postalCode', country: 'country',
};
/** API path (without items[i]) → CSV column. */
const PATH_TO_COLUMN: Record<string, string> = {
  shipTo: 'address1', customer: 'customerExternalId',
  ...Object.fromEntries(Object.entries(CUSTOMER_COLUMNS).map(([col, key]) => [`customer.${key}`, col])),
  ...Object.fromEntries(Object.entries(SHIP_TO_COLUMNS).map(([col, key]) => [`shipTo.${key}`, col])),
};

const FILE = '(file)';
const ORDER = '(order)';
const MAX_RECORD_BYTES = 1_000_000;

const CSV_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quote opened there is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote is followed by other characters',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted cell',
  CSV_MAX_RECORD_SIZE: `the record is over ${MAX_RECORD_BYTES} bytes`,
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a closing quote is followed by other characters',
};

class FileProblem extends Error {}
/** The database is unreachable: the import of the file stops at this order. */
class DatabaseGone extends Error {}

/** One order to store: its raw API body, the rows it came from and how to name its fields. */
interface Unit {
  raw: unknown;
  /** Rows of the order (CSV lines, or the 1-based array position for JSON). */
  rows: number[];
  /** Problems found before validation (CSV conversion, grouping). */
  pre: ImportRowError[];
  locate(path: string): { row: number; field: string };
}

export async function importOrders(db: Db, source: ImportSource, opts: ImportOptions = {}): Promise<ImportResult> {
  const format = source.format ?? formatOf('path' in source ? source.path : '');
  if (!format) return fileError(`cannot tell the format of ${(source as { path: string }).path}: use a .json or .csv file, or pass format`);
  try {
    if (format === 'json') {
      const text = 'text' in source ? source.text : await readText(source.path, opts.encoding);
      const list = parseJsonOrders(text);
      return await storeUnits(db, jsonUnits(list), list.length, opts);
    }
    const open = 'text' in source ? () => Readable.from([source.text])
      : () => Readable.from(decodeChunks(createReadStream(source.path), source.path, opts.encoding));
    const total = await scanCsv(open);
    return await storeUnits(db, csvUnits(open), total, opts);
  } catch (e) {
    if (e instanceof FileProblem) return fileError(e.message);
    throw e;
  }
}

async function readText(path: string, encoding: ImportEncoding | undefined): Promise<string> {
  const bytes = await readFile(path).catch((e) => { throw new FileProblem(`cannot read file: ${(e as Error).message}`); });
  try {
    return decodeBytes(bytes, path, encoding);
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

// ---------------------------------------------------------------------------------------------
// CSV

/** A data row: its first line, its non-empty cells by column, and its cell count when it differs from the header's. */
interface CsvRecord { line: number; cells: Record<string, string>; key: string; badWidth?: [found: number, expected: number] }

/** Data rows of a CSV file with their starting line; throws FileProblem on a file-level problem. */
async function* csvRecords(open: () => Readable): AsyncGenerator<CsvRecord> {
  // The iterator lags behind the parser, which may have read records ahead when it fails; the
  // parser tells on_record each record's last line as it parses, so the next record starts after it.
  let parsedTo = 0;
  const onRecord = (rec: { record: string[] }, ctx: { lines: number }) => { parsedTo = ctx.lines; return rec; };
  const parser = parse({
    bom: true, raw: true, relax_column_count: true, skip_empty_lines: false, max_record_size: MAX_RECORD_BYTES, on_record: onRecord as never,
  });
  pipeline(open(), parser, () => { /* errors surface through the parser's iterator */ });
  let line = 1;
  let header: string[] | undefined;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const at = line;
      line += (raw.match(/\r\n|\r|\n/g) ?? []).length;
      if (record.every((c) => !c.trim())) continue;
      if (!header) { header = checkHeader(record); continue; }
      const cells: Record<string, string> = {};
      header.forEach((h, i) => { const v = record[i]?.trim(); if (v) cells[h] = v; });
      yield { line: at, cells, key: JSON.stringify(record), badWidth: record.length === header.length ? undefined : [record.length, header.length] };
    }
  } catch (e) {
    if (e instanceof FileProblem) throw e;
    if (e instanceof EncodingProblem) throw new FileProblem(e.message);
    const err = e as { code?: string; message?: string };
    if (typeof err.code === 'string' && (err.code.startsWith('CSV_') || err.code === 'INVALID_OPENING_QUOTE')) {
      // The parser's own message names the line where it gave up (for an unclosed quote, the end of the file).
      throw new FileProblem(`unparseable CSV: the record starting at line ${parsedTo + 1} is broken (${err.code}: ${CSV_PROBLEMS[err.code] ?? 'bad quoting'})`);
    }
    throw new FileProblem(`cannot read file: ${err.message ?? String(e)}`);
  } finally {
    if (!parser.destroyed) parser.destroy();
  }
  if (!header) throw new FileProblem('the CSV file is empty: no header row');
}

function checkHeader(record: string[]): string[] {
  const header = record.map((h) => h.trim());
  const known = new Set<string>([...CSV_ORDER_COLUMNS, ...CSV_LINE_COLUMNS]);
  const problems: string[] = [];
  const unknown = header.filter((h) => !known.has(h));
  const dups = header.filter((h, i) => header.indexOf(h) !== i);
  const missing = CSV_REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) problems.push(`missing column(s) ${missing.join(', ')}`);
  if (unknown.length) problems.push(`unknown column(s) ${unknown.map((h) => JSON.stringify(h)).join(', ')}`);
  if (dups.length) problems.push(`repeated column(s) ${[...new Set(dups)].join(', ')}`);
  if (problems.length) throw new FileProblem(`bad CSV header (line 1): ${problems.join('; ')}; expected ${CSV_HEADER.join(',')}`);
  return header;
}

/** Consecutive rows with the same non-empty externalId. */
async function* csvGroups(open: () => Readable): AsyncGenerator<CsvRecord[]> {
  let group: CsvRecord[] = [];
  for await (const rec of csvRecords(open)) {
    const id = rec.cells.externalId;
    if (group.length && (!id || group[0].cells.externalId !== id)) { yield group; group = []; }
    group.push(rec);
  }
  if (group.length) yield group;
}

/** First pass: checks the whole file parses and counts its orders. */
async function scanCsv(open: () => Readable): Promise<number> {
  let n = 0;
  for await (const _ of csvGroups(open)) n++;
  return n;
}

async function* csvUnits(open: () => Readable): AsyncGenerator<Unit> {
  const firstLine = new Map<string, number>();
  for await (const group of csvGroups(open)) {
    const u = csvUnit(group);
    const id = group[0].cells.externalId;
    if (id) {
      const seen = firstLine.get(id);
      const message = `order ${id} already appeared at line ${seen}: the lines of one order must be consecutive`;
      if (seen !== undefined) u.pre.push({ row: group[0].line, field: 'externalId', message });
      else firstLine.set(id, group[0].line);
    }
    yield u;
  }
}

/** The API body of one CSV order, with the row and column each value came from. */
function csvUnit(group: CsvRecord[]): Unit {
  const pre: ImportRowError[] = [];
  const source = new Map<string, number>();
  const order: Record<string, unknown> = {};
  const lineOf = new Map<string, number>();
  for (const rec of group) {
    const same = lineOf.get(rec.key);
    if (same === undefined) lineOf.set(rec.key, rec.line);
    else pre.push({ row: rec.line, field: '(row)', message: `repeats line ${same} exactly: give the quantity on one line` });
    if (rec.badWidth) pre.push({ row: rec.line, field: '(row)', message: `has ${rec.badWidth[0]} cells, the header has ${rec.badWidth[1]} columns` });
    for (const col of CSV_ORDER_COLUMNS) {
      const v = rec.cells[col];
      if (v === undefined) continue;
      const from = source.get(col);
      if (from === undefined) { source.set(col, rec.line); order[col] = v; }
      else if (order[col] !== v) {
        const message = `differs from line ${from}: all lines of an order share its order columns`;
        pre.push({ row: rec.line, field: col, message });
      }
    }
  }
  if (!group[0].cells.externalId) pre.push({ row: group[0].line, field: 'externalId', message: 'is required (it groups the lines of an order)' });
  const num = (col: string, v: unknown, row: number): unknown => {
    if (typeof v !== 'string') return v;
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return Number(v);
    pre.push({ row, field: col, message: 'must be a number' });
    return v;
  };
  const customer: Record<string, unknown> = {};
  const shipTo: Record<string, unknown> = {};
  const body: Record<string, unknown> = {};
  for (const [col, v] of Object.entries(order)) {
    const value = NUMERIC_COLUMNS.has(col) ? num(col, v, source.get(col)!) : v;
    if (col in CUSTOMER_COLUMNS) customer[CUSTOMER_COLUMNS[col]] = value;
    else if (col in SHIP_TO_COLUMNS) shipTo[SHIP_TO_COLUMNS[col]] = value;
    else body[col] = value;
  }
  if (Object.keys(customer).length) body.customer = customer;
  body.shipTo = shipTo;
  body.items = group.map((rec) => {
    const item: Record<string, unknown> = {};
    for (const col of CSV_LINE_COLUMNS) {
      const v = rec.cells[col];
      if (v !== undefined) item[col] = NUMERIC_COLUMNS.has(col) ? num(col, v, rec.line) : v;
    }
    return item;
  });
  const rows = group.map((r) => r.line);
  return {
    raw: body, rows, pre,
    locate(path) {
      const m = /^items\[(\d+)\](?:\.(.+))?$/.exec(path);
      if (m) return { row: rows[Number(m[1])] ?? rows[0], field: m[2] ?? 'productId' };
      const field = PATH_TO_COLUMN[path] ?? (path === '(body)' ? ORDER : path);
      return { row: source.get(field) ?? rows[0], field };
    },
  };
}
