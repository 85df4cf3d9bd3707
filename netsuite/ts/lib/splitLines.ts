/**
 * The N/record path of `salesorder/update/` (contract feeds.md v2, "Split lines"): a sales order
 * with a row whose `lineId` is empty (a new piece of a split line) is not left to the CSV import.
 * All rows of that sales order are applied here, in ONE load and ONE save: the keyed rows (the
 * original line with its smaller quantity, other lines) update their lines, each piece row inserts
 * a line with the same item and rate, its `orderLineId` in `custcol_oms_order_line_id`, its
 * quantity and (when given) its location. NetSuite saves a record or nothing, so a failed save
 * refuses every row of that sales order, and nothing of it is half applied.
 *
 * Idempotent: a piece whose `orderLineId` is already on a line (added by an earlier attempt whose
 * run died before the file was archived) updates that line instead of adding a second one, and a
 * sales order whose lines already show every row is neither loaded nor saved (one search reads the
 * lines of all the file's split sales orders first).
 *
 * Documented behaviour relied on: Help "Record.insertLine(options)" (standard mode inserts a line
 * at an index; the new line gets its `line` id when the record is saved), "record.load" 10 units
 * and "Record.save" 20 units for a transaction, "search.ResultSet.getRange" 10 units.
 */
import * as log from 'N/log';
import * as record from 'N/record';
import * as search from 'N/search';
import { SO } from './fields';
import { remainingUsage } from './params';
import { errorMessage, type RowRefusal } from './report';

/** Standard sales order line fields (NetSuite's own ids). */
export const LINE = { item: 'item', quantity: 'quantity', rate: 'rate', closed: 'isclosed' } as const;

/** Units one sales order of the record path may need: load 10 + save 20. */
export const SPLIT_ORDER_COST = 30;

/** One data row of the feed file: its 1-based number and its cells by column name. */
export interface FeedRow {
  row: number;
  cells: Record<string, string>;
}

/** A sales order line as the record path compares it (search values or a loaded record's). */
interface LineView {
  index: number;
  line: string;
  item: string;
  quantity: string;
  location: string;
  closed: boolean;
  rejected: boolean;
  orderLineId: string;
  tag: string;
}

export interface SplitOutcome {
  /** Rows refused (failed save, unknown line, not applied for lack of governance). */
  refused: RowRefusal[];
  /** Sales orders saved by this call. */
  saved: string[];
  /** Sales orders left unapplied because the budget ran low (none when `complete`). */
  deferred: string[];
}

export const truthy = (v: unknown): boolean => v === true || /^(t|true|y|yes)$/i.test(String(v).trim());

/** Rows grouped by sales order; only the sales orders with at least one piece row (empty `lineId`). */
export function splitOrders(rows: FeedRow[]): Map<string, FeedRow[]> {
  const bySo = new Map<string, FeedRow[]>();
  for (const r of rows) {
    const id = (r.cells.internalId || '').trim();
    const list = bySo.get(id);
    if (list) list.push(r);
    else bySo.set(id, [r]);
  }
  const out = new Map<string, FeedRow[]>();
  bySo.forEach((list, id) => {
    if (id !== '' && list.some((r) => (r.cells.lineId || '').trim() === '')) out.set(id, list);
  });
  return out;
}

/** The lines of `ids` through one paged search (10 units a page of 1,000). */
function searchLines(ids: string[]): Map<string, LineView[]> {
  const out = new Map<string, LineView[]>();
  const numeric = ids.filter((id) => /^\d+$/.test(id));
  if (!numeric.length) return out;
  const cols = [SO.line, LINE.item, LINE.quantity, SO.location, LINE.closed, SO.rejected, SO.lineId, SO.itemTag];
  const paged = search.create({ type: search.Type.SALES_ORDER, filters: [['mainline', 'is', 'F'], 'AND', ['internalid', 'anyof', numeric]], columns: ['internalid', ...cols] }).run();
  for (let start = 0; ; start += 1000) {
    const page = paged.getRange({ start, end: start + 1000 });
    for (const r of page) {
      const v = (c: string) => r.getValue({ name: c });
      const list = out.get(String(r.id)) || [];
      list.push(view(list.length, v));
      out.set(String(r.id), list);
    }
    if (page.length < 1000) break;
  }
  return out;
}

function view(index: number, v: (c: string) => unknown): LineView {
  const s = (c: string) => {
    const x = v(c);
    return x === null || x === undefined ? '' : String(x);
  };
  return {
    index,
    line: s(SO.line),
    item: s(LINE.item),
    quantity: s(LINE.quantity),
    location: s(SO.location),
    closed: truthy(v(LINE.closed)),
    rejected: truthy(v(SO.rejected)),
    orderLineId: s(SO.lineId),
    tag: s(SO.itemTag),
  };
}

function recordLines(so: record.Record): LineView[] {
  const n = so.getLineCount({ sublistId: SO.itemSublist });
  const out: LineView[] = [];
  for (let i = 0; i < n; i++) out.push(view(i, (c) => so.getSublistValue({ sublistId: SO.itemSublist, fieldId: c, line: i })));
  return out;
}

/** The line a row targets: by `lineId`, else (a piece) the line carrying its `orderLineId`. */
function target(row: FeedRow, lines: LineView[]): LineView | undefined {
  const lineId = (row.cells.lineId || '').trim();
  if (lineId) return lines.find((l) => l.line === lineId);
  const seq = (row.cells.orderLineId || '').trim();
  return seq ? lines.find((l) => l.orderLineId === seq) : undefined;
}

/** True when the line shows everything the row asks for (empty cells ask for nothing). */
function shows(row: FeedRow, l: LineView): boolean {
  const c = row.cells;
  const set = (k: string) => c[k] !== undefined && c[k].trim() !== '';
  if (set('quantity') && Number(l.quantity) !== Number(c.quantity)) return false;
  if (set('location') && l.location !== c.location.trim()) return false;
  if (set('closed') && l.closed !== truthy(c.closed)) return false;
  if (set('rejected') && l.rejected !== truthy(c.rejected)) return false;
  if (set('tags') && l.tag !== c.tags.trim()) return false;
  return true;
}

const applied = (rows: FeedRow[], lines: LineView[] | undefined): boolean =>
  !!lines && rows.every((r) => {
    const l = target(r, lines);
    return !!l && shows(r, l);
  });

/** Sets the row's non-empty cells on line `i` (the rate of a new line is set by the caller). */
function setLine(so: record.Record, i: number, c: Record<string, string>): void {
  const set = (fieldId: string, value: string | number | boolean) => so.setSublistValue({ sublistId: SO.itemSublist, fieldId, line: i, value });
  if ((c.quantity || '').trim() !== '') set(LINE.quantity, Number(c.quantity));
  if ((c.location || '').trim() !== '') set(SO.location, c.location.trim());
  if ((c.closed || '').trim() !== '') set(LINE.closed, truthy(c.closed));
  if ((c.rejected || '').trim() !== '') set(SO.rejected, truthy(c.rejected));
  if ((c.tags || '').trim() !== '') set(SO.itemTag, c.tags.trim());
}

/** Inserts a line for a piece: the original's item and rate, the piece's orderLineId, quantity, location. */
function insertPiece(so: record.Record, row: FeedRow, lines: LineView[], keyed: Set<string>): string {
  const c = row.cells;
  const item = (c.item || '').trim();
  // The original line: same item, preferably one this file reduces under its lineId.
  const same = lines.filter((l) => (item === '' || l.item === item) && l.orderLineId !== c.orderLineId);
  const original = same.find((l) => keyed.has(l.line)) || same[0];
  if (!original) return `no line of item ${item || '(empty)'} to split on sales order ${c.internalId}`;
  if (!/^\d+(\.\d+)?$/.test((c.quantity || '').trim()) || Number(c.quantity) <= 0) return `quantity ${c.quantity} is not a positive number`;
  const i = so.getLineCount({ sublistId: SO.itemSublist });
  so.insertLine({ sublistId: SO.itemSublist, line: i });
  const rate = so.getSublistValue({ sublistId: SO.itemSublist, fieldId: LINE.rate, line: original.index });
  so.setSublistValue({ sublistId: SO.itemSublist, fieldId: LINE.item, line: i, value: original.item });
  if (rate !== '' && rate !== null && rate !== undefined) so.setSublistValue({ sublistId: SO.itemSublist, fieldId: LINE.rate, line: i, value: rate as number });
  so.setSublistValue({ sublistId: SO.itemSublist, fieldId: SO.lineId, line: i, value: c.orderLineId.trim() });
  setLine(so, i, c);
  return '';
}

/** Applies the rows of one sales order in one load and one save; '' when saved, else why not. */
function applyOrder(id: string, rows: FeedRow[]): string {
  const so = record.load({ type: record.Type.SALES_ORDER, id });
  const lines = recordLines(so);
  const keyed = new Set(rows.map((r) => (r.cells.lineId || '').trim()).filter(Boolean));
  for (const r of rows) {
    const l = target(r, lines);
    if (l) {
      setLine(so, l.index, r.cells);
      continue;
    }
    if ((r.cells.lineId || '').trim()) return `row ${r.row}: sales order ${id} has no line ${r.cells.lineId.trim()}`;
    if (!(r.cells.orderLineId || '').trim()) return `row ${r.row}: a new line needs its orderLineId`;
    const why = insertPiece(so, r, lines, keyed);
    if (why) return `row ${r.row}: ${why}`;
  }
  so.save({ enableSourcing: false, ignoreMandatoryFields: true });
  return '';
}

/**
 * Applies the split sales orders of a file while at least `floor` units stay above the next order's
 * cost; the others are returned in `deferred`. Sales orders already applied cost nothing but the
 * search. `refuse` refuses a deferred order's rows (the last chance for this file) instead of
 * leaving them for a later call.
 */
export function applySplits(orders: Map<string, FeedRow[]>, floor: number, refuse: boolean): SplitOutcome {
  const out: SplitOutcome = { refused: [], saved: [], deferred: [] };
  if (orders.size === 0) return out;
  const ids = Array.from(orders.keys());
  const current = searchLines(ids);
  for (const id of ids) {
    const rows = orders.get(id)!;
    if (applied(rows, current.get(id))) continue;
    if (remainingUsage() < SPLIT_ORDER_COST + floor) {
      if (refuse) for (const r of rows) out.refused.push({ row: r.row, message: `not applied: the script ran out of governance before sales order ${id}; send the rows again` });
      else out.deferred.push(id);
      continue;
    }
    let why: string;
    try {
      why = applyOrder(id, rows);
    } catch (e) {
      why = `sales order ${id} could not be saved: ${errorMessage(e)}`;
    }
    if (why) {
      log.error({ title: 'salesorder/update: split rows refused', details: `sales order ${id}, rows ${rows.map((r) => r.row).join(', ')}: ${why}` });
      for (const r of rows) out.refused.push({ row: r.row, message: why });
    } else out.saved.push(id);
  }
  return out;
}
