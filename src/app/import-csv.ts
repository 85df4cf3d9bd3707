/**
 * The CSV reader of the order import: records with their exact starting line, the header check,
 * the grouping of lines into orders and the mapping of columns to the API body (`order-input.ts`).
 *
 * One row per order line, comma-separated, RFC 4180 quoting, with this header (any column order):
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
 * Errors name the CSV line where the data row starts (the header is line 1; a quoted cell spanning
 * lines counts all its lines) and the CSV column (`items[2].quantity` is reported as `quantity` at
 * the order's third row). An unparseable file (e.g. an unclosed quote) is a `FileProblem` naming the
 * line where the bad record starts. The same CSV line twice within an order is a `(row)` error.
 */
import { pipeline, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { EncodingProblem } from './import-encoding';
import { FileProblem, ORDER, type ImportRowError, type Unit } from './import-unit';

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

const MAX_RECORD_BYTES = 1_000_000;

const CSV_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quote opened there is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote is followed by other characters',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted cell',
  CSV_MAX_RECORD_SIZE: `the record is over ${MAX_RECORD_BYTES} bytes`,
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a closing quote is followed by other characters',
};

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
export async function scanCsv(open: () => Readable): Promise<number> {
  let n = 0;
  for await (const _ of csvGroups(open)) n++;
  return n;
}

export async function* csvUnits(open: () => Readable): AsyncGenerator<Unit> {
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
