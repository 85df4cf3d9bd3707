/**
 * In-memory records behind fake N/record and N/search.
 *
 * - Records: `{type, id, fields, sublists}`; saving stamps `lastmodifieddate` and runs the
 *   registered beforeSubmit hooks (a user event script under test).
 * - Searches: filter expressions (`[name, operator, ...values]` terms joined by AND/OR, NOT,
 *   nesting) evaluated against the records; a transaction search with `mainline is F` yields one
 *   row per `item` line (line fields first, then body fields). Dates in filters are strings in the
 *   fake's date/time format (see `formatDateTime`), compared to the minute.
 * Governance: N/record and N/search unit costs (transaction / custom record / other).
 */
import { formatDateTime, type Governance, nsError, parseDateTime } from './misc';

export type Value = string | number | boolean | Date | null | undefined;
export type Fields = Record<string, Value>;

export interface StoredRecord {
  type: string;
  id: string;
  fields: Fields;
  sublists: Record<string, Fields[]>;
}

export interface UserEventContext {
  type: string;
  newRecord: FakeRecord;
  /** The record as stored before this save (edit / xedit only), as NetSuite's `context.oldRecord`. */
  oldRecord?: FakeRecord;
  UserEventType: Record<string, string>;
  /** runtime.executionContext of the save (CSVIMPORT when a CSV import job saves). */
  executionContext: string;
}

const USER_EVENT_TYPE = { CREATE: 'create', EDIT: 'edit', XEDIT: 'xedit', DELETE: 'delete', CSV_IMPORT: 'csvimport' };
const TRANSACTIONS = new Set(['salesorder', 'inventoryadjustment', 'itemfulfillment', 'customerdeposit', 'invoice', 'transferorder']);
/** Fields that searches return as `{value, text}` in Map/Reduce input. */
const SELECT_FIELDS = new Set(['location', 'item', 'subsidiary', 'entity']);

const kind = (type: string) => (TRANSACTIONS.has(type) ? 'tx' : type.startsWith('customrecord') ? 'custom' : 'other');
const COST = {
  load: { tx: 10, custom: 2, other: 5 },
  create: { tx: 10, custom: 2, other: 5 },
  save: { tx: 20, custom: 4, other: 10 },
  submitFields: { tx: 10, custom: 2, other: 5 },
  delete: { tx: 20, custom: 4, other: 10 },
};

function clone(r: StoredRecord): StoredRecord {
  const cp = (f: Fields): Fields => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v instanceof Date ? new Date(v) : v]));
  return { type: r.type, id: r.id, fields: cp(r.fields), sublists: Object.fromEntries(Object.entries(r.sublists).map(([k, ls]) => [k, ls.map(cp)])) };
}

export interface SavedSearch {
  type: string;
  filterExpression: unknown[];
  columns: string[];
}

export class RecordStore {
  private data = new Map<string, Map<string, StoredRecord>>();
  private seq = 100;
  private hooks = new Map<string, ((ctx: UserEventContext) => void)[]>();
  private defaults = new Map<string, ((fields: Fields) => void)[]>();
  private saveFailures: ((r: StoredRecord, op: string) => Error | undefined)[] = [];
  readonly savedSearches = new Map<string, SavedSearch>();
  /** Every search created or loaded, for assertions on filters. */
  readonly searches: FakeSearch[] = [];

  constructor(readonly gov: Governance) {}

  insert(type: string, fields: Fields, sublists: Record<string, Fields[]> = {}): string {
    const id = String(++this.seq);
    this.typeMap(type).set(id, { type, id, fields: { isinactive: false, lastmodifieddate: new Date(), ...fields }, sublists });
    return id;
  }

  get(type: string, id: string): StoredRecord | undefined {
    return this.data.get(type)?.get(String(id));
  }

  must(type: string, id: string): StoredRecord {
    const r = this.get(type, id);
    if (!r) throw nsError('RCRD_DSNT_EXIST', `${type} ${id} does not exist`);
    return r;
  }

  all(type: string): StoredRecord[] {
    return [...(this.data.get(type)?.values() ?? [])];
  }

  onBeforeSubmit(type: string, hook: (ctx: UserEventContext) => void): void {
    this.hooks.set(type, [...(this.hooks.get(type) ?? []), hook]);
  }

  /**
   * Field defaults NetSuite gives a new record of `type` when it is first saved (account
   * preferences, not user events: they apply whatever the save's context, a CSV import included).
   */
  onCreate(type: string, fill: (fields: Fields) => void): void {
    this.defaults.set(type, [...(this.defaults.get(type) ?? []), fill]);
  }

  /** Makes matching saves / submitFields throw. */
  failWhen(f: (r: StoredRecord, op: string) => Error | undefined): void {
    this.saveFailures.push(f);
  }

  clearFailures(): void {
    this.saveFailures = [];
  }

  private typeMap(type: string): Map<string, StoredRecord> {
    let m = this.data.get(type);
    if (!m) this.data.set(type, (m = new Map()));
    return m;
  }

  /** Persists a record (new or loaded), running the beforeSubmit hooks first. */
  commit(rec: FakeRecord, op: 'save' | 'submitFields', opts: { userEvents?: boolean; executionContext?: string } = {}): string {
    const isNew = !rec.data.id;
    for (const f of this.saveFailures) {
      const e = f(rec.data, op);
      if (e) throw e;
    }
    if (isNew) for (const fill of this.defaults.get(rec.data.type) ?? []) fill(rec.data.fields);
    if (op === 'save' && opts.userEvents !== false) {
      const stored = isNew ? undefined : this.data.get(rec.data.type)?.get(rec.data.id);
      const oldRecord = stored ? new FakeRecord(this, clone(stored)) : undefined;
      for (const h of this.hooks.get(rec.data.type) ?? []) {
        h({ type: isNew ? 'create' : 'edit', newRecord: rec, oldRecord, UserEventType: USER_EVENT_TYPE, executionContext: opts.executionContext ?? 'SCHEDULED' });
      }
    }
    if (isNew) rec.data.id = String(++this.seq);
    const stored = clone(rec.data);
    stored.fields.lastmodifieddate = new Date();
    if (stored.fields.isinactive === undefined) stored.fields.isinactive = false;
    this.typeMap(stored.type).set(stored.id, stored);
    return stored.id;
  }

  recordModule() {
    const store = this;
    return {
      Type: { SALES_ORDER: 'salesorder', INVENTORY_ADJUSTMENT: 'inventoryadjustment' },
      load: ({ type, id }: { type: string; id: string | number }) => {
        store.gov.use(COST.load[kind(type)]);
        return new FakeRecord(store, clone(store.must(type, String(id))));
      },
      create: ({ type }: { type: string }) => {
        store.gov.use(COST.create[kind(type)]);
        return new FakeRecord(store, { type, id: '', fields: {}, sublists: {} });
      },
      submitFields: ({ type, id, values }: { type: string; id: string | number; values: Fields }) => {
        store.gov.use(COST.submitFields[kind(type)]);
        const rec = new FakeRecord(store, clone(store.must(type, String(id))));
        for (const [k, v] of Object.entries(values)) rec.setValue({ fieldId: k, value: v });
        return Number(store.commit(rec, 'submitFields'));
      },
      delete: ({ type, id }: { type: string; id: string | number }) => {
        store.gov.use(COST.delete[kind(type)]);
        store.must(type, String(id));
        store.data.get(type)!.delete(String(id));
        return Number(id);
      },
    };
  }

  searchModule() {
    const store = this;
    return {
      Type: { SALES_ORDER: 'salesorder', TRANSACTION: 'transaction', INVENTORY_ADJUSTMENT: 'inventoryadjustment' },
      Sort: { ASC: 'ASC', DESC: 'DESC', NONE: 'NONE' },
      Operator: { IS: 'is', ISNOT: 'isnot', ISEMPTY: 'isempty', ISNOTEMPTY: 'isnotempty', ANYOF: 'anyof', NONEOF: 'noneof', WITHIN: 'within', ONORAFTER: 'onorafter', BEFORE: 'before' },
      createColumn: (o: { name: string; join?: string; sort?: string }) => ({ name: o.name, join: o.join, sort: o.sort }),
      create: (o: { type: string; filters?: unknown[]; columns?: (string | Column)[] }) => {
        const s = new FakeSearch(store, o.type, o.filters ?? [], o.columns ?? []);
        store.searches.push(s);
        return s;
      },
      load: ({ id }: { id: string }) => {
        store.gov.use(5);
        const saved = store.savedSearches.get(id);
        if (!saved) throw nsError('INVALID_SEARCH', `no saved search ${id}`);
        const s = new FakeSearch(store, saved.type, JSON.parse(JSON.stringify(saved.filterExpression)), [...saved.columns]);
        s.id = id;
        store.searches.push(s);
        return s;
      },
    };
  }
}

export class FakeRecord {
  constructor(private store: RecordStore, readonly data: StoredRecord) {}
  get id(): number | null {
    return this.data.id ? Number(this.data.id) : null;
  }
  get type(): string {
    return this.data.type;
  }
  getValue({ fieldId }: { fieldId: string }): Value {
    if (fieldId === 'id') return this.data.id;
    return this.data.fields[fieldId] ?? '';
  }
  setValue({ fieldId, value }: { fieldId: string; value: Value }): this {
    this.data.fields[fieldId] = value;
    return this;
  }
  private lines(sublistId: string): Fields[] {
    return this.data.sublists[sublistId] ?? [];
  }
  private line(sublistId: string, line: number): Fields {
    const l = this.lines(sublistId)[line];
    if (!l) throw nsError('SSS_INVALID_SUBLIST_OPERATION', `${sublistId} has no line ${line}`);
    return l;
  }
  getLineCount({ sublistId }: { sublistId: string }): number {
    return this.lines(sublistId).length;
  }
  getSublistValue({ sublistId, fieldId, line }: { sublistId: string; fieldId: string; line: number }): Value {
    return this.line(sublistId, line)[fieldId] ?? '';
  }
  setSublistValue({ sublistId, fieldId, line, value }: { sublistId: string; fieldId: string; line: number; value: Value }): this {
    this.line(sublistId, line)[fieldId] = value;
    return this;
  }
  findSublistLineWithValue({ sublistId, fieldId, value }: { sublistId: string; fieldId: string; value: Value }): number {
    return this.lines(sublistId).findIndex((l) => String(l[fieldId] ?? '') === String(value));
  }
  save(): number {
    this.store.gov.use(COST.save[kind(this.data.type)]);
    return Number(this.store.commit(this, 'save'));
  }
}

export interface Column {
  name: string;
  join?: string;
  sort?: string;
}

interface Row {
  rec: StoredRecord;
  line: Fields | null;
}

function rowValue(row: Row, name: string): Value {
  if (name === 'internalid') return row.rec.id;
  if (name === 'mainline') return row.line ? 'F' : 'T';
  if (row.line && name in row.line) return row.line[name];
  return row.rec.fields[name];
}

const flat = (v: Value): string => (v === true ? 'T' : v === false ? 'F' : v instanceof Date ? v.toISOString() : v === null || v === undefined ? '' : String(v));

function isTerm(e: unknown): e is [string, string, ...unknown[]] {
  return Array.isArray(e) && typeof e[0] === 'string' && !['AND', 'OR', 'NOT'].includes(e[0].toUpperCase()) && typeof e[1] === 'string';
}

function evalTerm(row: Row, [name, op, ...rest]: [string, string, ...unknown[]]): boolean {
  const values = rest.flat().map((v) => String(v));
  const raw = rowValue(row, name);
  const s = flat(raw);
  const asTime = (v: string) => parseDateTime(v).getTime();
  const t = raw instanceof Date ? raw.getTime() : NaN;
  switch (op.toLowerCase()) {
    case 'is': return s === values[0];
    case 'isnot': return s !== values[0];
    case 'isempty': return s === '';
    case 'isnotempty': return s !== '';
    case 'anyof': return values.some((v) => (v === '@NONE@' ? s === '' : v === s));
    case 'noneof': return !values.some((v) => (v === '@NONE@' ? s === '' : v === s));
    case 'contains': return s.toLowerCase().includes(values[0].toLowerCase());
    case 'startswith': return s.toLowerCase().startsWith(values[0].toLowerCase());
    case 'within':
      if (values.length !== 2) throw nsError('SSS_INVALID_SRCH_FILTER_EXPR', `within needs 2 values, got ${values.length}`);
      return t >= asTime(values[0]) && t < asTime(values[1]) + 60000;
    case 'onorafter': return t >= asTime(values[0]);
    case 'after': return t >= asTime(values[0]) + 60000;
    case 'before': return t < asTime(values[0]);
    case 'onorbefore': return t < asTime(values[0]) + 60000;
    default: throw nsError('SSS_INVALID_SRCH_OPERATOR', `fake search does not support ${op}`);
  }
}

function evalExpr(row: Row, expr: unknown): boolean {
  if (isTerm(expr)) return evalTerm(row, expr);
  if (!Array.isArray(expr)) throw nsError('SSS_INVALID_SRCH_FILTER_EXPR', `bad filter expression ${JSON.stringify(expr)}`);
  const groups: boolean[][] = [[]];
  let negate = false;
  for (const item of expr) {
    if (typeof item === 'string' && item.toUpperCase() === 'AND') continue;
    if (typeof item === 'string' && item.toUpperCase() === 'OR') groups.push([]);
    else if (typeof item === 'string' && item.toUpperCase() === 'NOT') negate = true;
    else {
      const v = evalExpr(row, item);
      groups[groups.length - 1].push(negate ? !v : v);
      negate = false;
    }
  }
  return groups.some((g) => g.every(Boolean));
}

function mentionsLines(expr: unknown): boolean {
  if (isTerm(expr)) return expr[0] === 'mainline' && String(expr[2]).toUpperCase() === 'F';
  return Array.isArray(expr) && expr.some(mentionsLines);
}

export class FakeSearch {
  id = '';
  constructor(private store: RecordStore, public searchType: string, public filterExpression: unknown[], public columns: (string | Column)[]) {}

  private colName(c: string | Column): string {
    return typeof c === 'string' ? c : c.name;
  }

  /** Every matching row, without governance (what NetSuite feeds a Map/Reduce). */
  results(): FakeResult[] {
    const type = this.searchType === 'transaction' ? null : this.searchType;
    const records = type ? this.store.all(type) : [...TRANSACTIONS].flatMap((t) => this.store.all(t));
    const rows: Row[] = [];
    const perLine = TRANSACTIONS.has(type ?? 'salesorder') && mentionsLines(this.filterExpression);
    for (const rec of records) {
      if (perLine) for (const line of rec.sublists.item ?? []) rows.push({ rec, line });
      else rows.push({ rec, line: null });
    }
    const matching = rows.filter((r) => evalExpr(r, this.filterExpression));
    const sortCol = this.columns.find((c): c is Column => typeof c !== 'string' && (c.sort === 'ASC' || c.sort === 'DESC'));
    if (sortCol) {
      const dir = sortCol.sort === 'DESC' ? -1 : 1;
      const key = (r: Row) => flat(rowValue(r, sortCol.name));
      const num = (v: string) => (v !== '' && !Number.isNaN(Number(v)) ? Number(v) : NaN);
      matching.sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        const [nx, ny] = [num(x), num(y)];
        return dir * (!Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0);
      });
    }
    return matching.map((r) => new FakeResult(r, this.columns.map((c) => this.colName(c))));
  }

  run() {
    return {
      each: (cb: (r: FakeResult) => boolean) => {
        this.store.gov.use(10);
        for (const r of this.results().slice(0, 4000)) if (!cb(r)) break;
      },
      getRange: ({ start, end }: { start: number; end: number }) => {
        this.store.gov.use(10);
        if (end - start > 1000) throw nsError('SSS_INVALID_SRCH_RANGE', 'at most 1000 results');
        return this.results().slice(start, end);
      },
    };
  }
}

export class FakeResult {
  readonly id: string;
  readonly recordType: string;
  constructor(private row: Row, private columns: string[]) {
    this.id = row.rec.id;
    this.recordType = row.rec.type;
  }
  getValue(col: string | Column | { name: string }): string | boolean {
    const name = typeof col === 'string' ? col : col.name;
    const v = rowValue(this.row, name);
    if (typeof v === 'boolean') return v;
    if (v instanceof Date) return formatDateTime(v);
    return v === null || v === undefined ? '' : String(v);
  }
  getText(col: string | Column): string {
    return String(this.getValue(col));
  }
  /** The JSON a Map/Reduce map stage receives for a search result. */
  toJSON(): { recordType: string; id: string; values: Record<string, unknown> } {
    const values: Record<string, unknown> = {};
    for (const name of this.columns) {
      const v = rowValue(this.row, name);
      const s = typeof v === 'boolean' ? (v ? 'T' : 'F') : v instanceof Date ? formatDateTime(v) : v === null || v === undefined ? '' : String(v);
      values[name] = SELECT_FIELDS.has(name) ? { value: s, text: s ? `${name} ${s}` : '' } : s;
    }
    return { recordType: this.recordType, id: this.id, values };
  }
}
