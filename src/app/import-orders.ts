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
 * CSV: one row per order line, UTF-8 (a BOM is accepted), comma-separated, RFC 4180 quoting,
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
 * `(file)` error and nothing is imported: the file is read twice, a first pass checks and counts
 * it (the progress total), the second imports it, so a 100k-line file is never held in memory.
 *
 * Each order is created in a transaction of its own (and approved in a second one), so an order
 * whose storing throws (a database error) is reported as `(order)` and the import goes on; after
 * 5 such orders in a row the error is thrown (the orders before stay imported).
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
import { storageProblem } from './storage-errors';

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
}

export interface ImportRowError { row: number; field: string; message: string }
export interface ImportResult { created: number; existing: number; rejected: ImportRowError[] }

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
/** Consecutive orders failing with an unexpected error after which the import stops (the database is likely gone). */
const MAX_CONSECUTIVE_FAILURES = 5;

class FileProblem extends Error {}

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
      const text = 'text' in source ? source.text : await readText(source.path);
      const list = parseJsonOrders(text);
      return await storeUnits(db, jsonUnits(list), list.length, opts);
    }
    const open = 'text' in source ? () => Readable.from([source.text]) : () => createReadStream(source.path);
    const total = await scanCsv(open);
    return await storeUnits(db, csvUnits(open), total, opts);
  } catch (e) {
    if (e instanceof FileProblem) return fileError(e.message);
    throw e;
  }
}

function readText(path: string): Promise<string> {
  return readFile(path, 'utf8').catch((e) => { throw new FileProblem(`cannot read file: ${(e as Error).message}`); });
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
  const state = { done: 0, failures: 0 };
  opts.onProgress?.(0, total);
  let chunk: Unit[] = [];
  for await (const u of units) {
    chunk.push(u);
    if (chunk.length >= chunkSize) { await storeChunk(db, chunk, total, opts, result, state); chunk = []; }
  }
  if (chunk.length) await storeChunk(db, chunk, total, opts, result, state);
  return result;
}

async function storeChunk(db: Db, chunk: Unit[], total: number, opts: ImportOptions, result: ImportResult, state: { done: number; failures: number }) {
  const actor = opts.actor ?? 'import';
  const checked = chunk.map((u) => ({ u, errors: validate(u) }));
  // One query tells which orders of the chunk are already stored (a re-import stays cheap).
  const ids = checked.filter((c) => !c.errors.length).map((c) => externalIdOf(c.u.raw)).filter((x): x is string => !!x);
  const known = ids.length ? await existingExternalIds(db, ids) : new Set<string | null>();
  for (const { u, errors } of checked) {
    if (errors.length) reject(result, u, errors);
    else if (known.has(externalIdOf(u.raw)!)) result.existing++;
    else await storeOne(db, u, actor, opts.approve === true, result, state);
    opts.onProgress?.(++state.done, total);
  }
}

async function storeOne(db: Db, u: Unit, actor: string, approve: boolean, result: ImportResult, state: { failures: number }) {
  let r: Awaited<ReturnType<typeof createOrder>>;
  try {
    r = await db.transaction((tx) => createOrder(tx, u.raw, actor));
    state.failures = 0;
  } catch (e) {
    if (++state.failures >= MAX_CONSECUTIVE_FAILURES) throw e;
    reject(result, u, [{ ...u.locate(ORDER), message: `could not be stored: ${storageProblem(e)}` }]);
    return;
  }
  if (r.kind === 'existing') { result.existing++; return; }
  if (r.kind === 'invalid') { reject(result, u, r.errors.map((e) => located(u, e))); return; }
  if (r.kind !== 'created') { reject(result, u, [{ ...u.locate(ORDER), message: r.message }]); return; }
  result.created++;
  if (approve) {
    const id = r.order.id;
    const a = await db.transaction((tx) => approveOrder(tx, id, actor));
    if (a.kind !== 'ok') result.rejected.push({ ...u.locate(ORDER), message: `created as ${r.order.id} but not approved: ${a.message}` });
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

function* jsonUnits(list: unknown[]): Iterable<Unit> {
  for (let i = 0; i < list.length; i++) {
    const row = i + 1;
    yield { raw: list[i], rows: [row], pre: [], locate: (path) => ({ row, field: path === '(body)' ? ORDER : path }) };
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

/** A data row: its first line, its non-empty cells by column, and its cell count when it differs from the header's. */
interface CsvRecord { line: number; cells: Record<string, string>; badWidth?: [found: number, expected: number] }

/** Data rows of a CSV file with their starting line; throws FileProblem on a file-level problem. */
async function* csvRecords(open: () => Readable): AsyncGenerator<CsvRecord> {
  const parser = parse({ bom: true, raw: true, relax_column_count: true, skip_empty_lines: false, max_record_size: MAX_RECORD_BYTES });
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
      yield { line: at, cells, badWidth: record.length === header.length ? undefined : [record.length, header.length] };
    }
  } catch (e) {
    if (e instanceof FileProblem) throw e;
    const err = e as { code?: string; lines?: number; message?: string };
    if (typeof err.code === 'string' && (err.code.startsWith('CSV_') || err.code === 'INVALID_OPENING_QUOTE')) {
      throw new FileProblem(`unparseable CSV (${err.code}${err.lines ? ` near line ${err.lines}` : ''}): ${err.message}`);
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
  for (const rec of group) {
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
