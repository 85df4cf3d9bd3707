/**
 * Applies a CSV file to the emulated records through a saved import map, the way a NetSuite CSV
 * import job does:
 *
 * - the file is read with the map's delimiter and one header row; columns are matched by header
 *   name, extra columns are ignored, a missing column is an empty cell;
 * - consecutive rows with the same key (`ID` internal id or `EXTERNALID`) make one record, saved
 *   once (a multi-line transaction is a run of rows; NetSuite groups by the key);
 * - UPDATE needs an existing record, ADD refuses an existing external id, ADDUPDATE does either;
 * - sublist rows with a line key (`LINE`) update that line, rows with an empty line key add a
 *   line; with "overwrite sublists" the file's lines replace the record's lines;
 * - an empty cell leaves the field as it is (overwritemissingfields = F);
 * - values are validated by field type: numbers, checkboxes (T/F), dates in the importing user's
 *   date format, select fields by internal id (INTERNAL_ID), name (NAME) or external id;
 * - any refused row refuses its whole record (NetSuite saves a record or nothing); the other rows
 *   of that record are refused with a pointer to the row that caused it;
 * - with "run server SuiteScript" the user event scripts run on save (type `edit` / `create`).
 *
 * The job itself ends COMPLETE whatever its rows did; only a file or map it cannot read at all
 * makes it FAILED. Documented behaviour relied on: SuiteAnswers "CSV Import Job Status" (a job
 * is Complete when every row was processed, failures are listed in the CSV response file) and the
 * CSV Import Assistant help (Data Handling, Overwrite Sublists, Overwrite Missing Fields, date
 * columns in the user's date format preference).
 */
import { parse } from 'csv-parse/sync';
import type { ImportMap, FieldMapping } from './importMaps';
import { parseDate } from './dateFormat';
import type { FieldDef, RecordDef } from './schema';
import { FakeRecord, type Fields, type RecordStore, type StoredRecord, type Value } from '../support/fakes/records';

export interface RowOutcome {
  /** 1-based data row (the header row is not counted). */
  row: number;
  ok: boolean;
  message: string;
  recordId?: string;
}

export interface ImportResult {
  status: 'COMPLETE' | 'FAILED';
  /** Why the whole job failed (FAILED only). */
  jobError?: string;
  rows: RowOutcome[];
}

export interface ImportContext {
  store: RecordStore;
  schema: Record<string, RecordDef>;
  /** The importing user's date format preference. */
  dateFormat: string;
}

class RowError extends Error {}

/** `[scriptid=custcol_x]` → `custcol_x`; `QUANTITY` → `quantity`. */
export function fieldId(mapField: string): string {
  const m = /^\[scriptid=([^\]]+)\]$/.exec(mapField);
  return m ? m[1] : mapField.toLowerCase();
}

function convert(ctx: ImportContext, def: FieldDef, m: FieldMapping, raw: string): Value {
  const v = raw.trim();
  const label = fieldId(m.field);
  switch (def.type) {
    case 'text':
      if (def.values && !def.values.includes(v)) throw new RowError(`Invalid ${label} reference key ${raw}.`);
      return def.values ? v : raw;
    case 'integer':
    case 'float': {
      const n = Number(v);
      if (v === '' || !Number.isFinite(n) || (def.type === 'integer' && !Number.isInteger(n))) throw new RowError(`Invalid number (must be ${def.type === 'integer' ? 'an integer' : 'numeric'}) for ${label}: ${raw}`);
      return n;
    }
    case 'checkbox': {
      const u = v.toUpperCase();
      if (['T', 'TRUE', 'YES', 'Y'].includes(u)) return true;
      if (['F', 'FALSE', 'NO', 'N'].includes(u)) return false;
      throw new RowError(`Invalid checkbox value for ${label}: ${raw} (use T or F)`);
    }
    case 'date': {
      const d = parseDate(v, ctx.dateFormat);
      if (!d) throw new RowError(`Invalid date value for ${label}: ${raw} (your date format preference is ${ctx.dateFormat})`);
      return d;
    }
    case 'select': {
      const types = def.ref ?? [];
      const candidates = types.flatMap((t) => ctx.store.all(t)).filter((r) => r.fields.isinactive !== true);
      const hit =
        m.type === 'INTERNAL_ID' || m.type === ''
          ? candidates.find((r) => r.id === v)
          : m.type === 'EXTERNAL_ID'
            ? candidates.find((r) => String(r.fields.externalid ?? '') === v)
            : candidates.find((r) => [r.fields.name, r.fields.itemid, r.fields.entityid].some((n) => String(n ?? '') === v));
      if (!hit) throw new RowError(`Invalid ${label} reference key ${raw}.`);
      return hit.id;
    }
  }
}

interface Plan {
  body: FieldMapping[];
  key?: FieldMapping;
  /** Sublist id → its mappings. */
  sublists: Map<string, FieldMapping[]>;
}

function plan(map: ImportMap, def: RecordDef): Plan {
  const p: Plan = { body: [], sublists: new Map() };
  let idKey: FieldMapping | undefined;
  let externalKey: FieldMapping | undefined;
  for (const m of map.mappings) {
    const [rec, sub] = m.record.split(':');
    if (rec.toUpperCase() !== map.recordType.toUpperCase()) throw new Error(`mapping for ${m.record} in a ${map.recordType} import`);
    const id = fieldId(m.field);
    if (!sub) {
      if (id === 'id') {
        idKey = m;
        continue;
      }
      if (id === 'externalid') externalKey = m;
      if (!(id in def.body)) throw new Error(`the import map sets ${m.field}, which ${map.recordType} does not have`);
      p.body.push(m);
    } else {
      const sid = sub.toLowerCase();
      const sdef = def.sublists[sid];
      if (!sdef) throw new Error(`${map.recordType} has no sublist ${sub}`);
      if (!(id in sdef.fields)) throw new Error(`the import map sets ${m.record} ${m.field}, which that sublist does not have`);
      p.sublists.set(sid, [...(p.sublists.get(sid) ?? []), m]);
    }
  }
  p.key = idKey ?? externalKey;
  return p;
}

function cloneRecord(r: StoredRecord): StoredRecord {
  return { type: r.type, id: r.id, fields: { ...r.fields }, sublists: Object.fromEntries(Object.entries(r.sublists).map(([k, ls]) => [k, ls.map((l) => ({ ...l }))])) };
}

export function runCsvImport(ctx: ImportContext, map: ImportMap, content: string): ImportResult {
  const type = map.recordType.toLowerCase();
  const def = ctx.schema[type];
  if (!def) return { status: 'FAILED', jobError: `record type ${map.recordType} is not emulated`, rows: [] };
  let p: Plan;
  try {
    p = plan(map, def);
  } catch (e) {
    return { status: 'FAILED', jobError: `Invalid saved import ${map.scriptId}: ${(e as Error).message}`, rows: [] };
  }
  let table: string[][];
  try {
    table = parse(content.replace(/^\uFEFF/, ''), { delimiter: map.delimiter, relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
  } catch (e) {
    return { status: 'FAILED', jobError: `the file is not valid CSV: ${(e as Error).message}`, rows: [] };
  }
  if (table.length === 0) return { status: 'FAILED', jobError: 'the file has no header row', rows: [] };
  const header = table[0].map((h) => h.trim());
  const rows = table.slice(1);
  const cell = (row: string[], m: FieldMapping): string => {
    if (!m.column) return m.value ?? '';
    const i = header.indexOf(m.column);
    return i < 0 ? '' : (row[i] ?? '');
  };
  if (p.key && map.dataHandling === 'UPDATE' && header.indexOf(p.key.column) < 0) {
    return { status: 'FAILED', jobError: `the file has no column ${p.key.column} for the record key`, rows: [] };
  }

  const outcomes: RowOutcome[] = [];
  let i = 0;
  while (i < rows.length) {
    const keyValue = p.key ? cell(rows[i], p.key).trim() : '';
    let j = i + 1;
    if (keyValue !== '') while (j < rows.length && cell(rows[j], p.key!).trim() === keyValue) j++;
    outcomes.push(...applyRecord(ctx, map, def, p, type, keyValue, rows.slice(i, j), i + 1, cell));
    i = j;
  }
  return { status: 'COMPLETE', rows: outcomes };
}

function findExisting(ctx: ImportContext, type: string, p: Plan, keyValue: string): StoredRecord | undefined {
  if (!p.key || keyValue === '') return undefined;
  if (fieldId(p.key.field) === 'id') return ctx.store.get(type, keyValue);
  return ctx.store.all(type).find((r) => String(r.fields.externalid ?? '') === keyValue);
}

function applyRecord(
  ctx: ImportContext,
  map: ImportMap,
  def: RecordDef,
  p: Plan,
  type: string,
  keyValue: string,
  rows: string[][],
  firstRow: number,
  cell: (row: string[], m: FieldMapping) => string,
): RowOutcome[] {
  const failAll = (message: string): RowOutcome[] => rows.map((_, k) => ({ row: firstRow + k, ok: false, message }));
  const existing = findExisting(ctx, type, p, keyValue);
  const isId = p.key && fieldId(p.key.field) === 'id';
  if (map.dataHandling === 'UPDATE' && !existing) {
    return failAll(keyValue === '' ? `No key value in column ${p.key?.column ?? '(none mapped)'}: an update needs the record's key.` : `That record does not exist: ${map.recordType} ${isId ? 'internal id' : 'external id'} ${keyValue}.`);
  }
  if (map.dataHandling === 'ADD' && existing) return failAll(`A record with external id ${keyValue} already exists.`);
  if (!existing && isId) return failAll(`That record does not exist: ${map.recordType} internal id ${keyValue}.`);

  const rec: StoredRecord = existing ? cloneRecord(existing) : { type, id: '', fields: {}, sublists: {} };
  let failedRow = -1;
  let failure = '';
  const replaced = new Set<string>();
  for (let k = 0; k < rows.length && failedRow < 0; k++) {
    const row = rows[k];
    try {
      for (const m of p.body) {
        const raw = cell(row, m);
        if (raw.trim() === '' && m.column) continue;
        rec.fields[fieldId(m.field)] = convert(ctx, def.body[fieldId(m.field)], m, raw);
      }
      for (const [sid, ms] of p.sublists) applyLine(ctx, def, rec, sid, ms, row, cell, map.overwriteSublists, replaced);
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      failedRow = k;
      failure = e.message;
    }
  }
  if (failedRow < 0) {
    try {
      checkMandatory(def, rec);
    } catch (e) {
      failedRow = 0;
      failure = (e as Error).message;
    }
  }
  if (failedRow < 0) {
    try {
      const id = ctx.store.commit(new FakeRecord(ctx.store, rec), 'save', { userEvents: map.runServerSuiteScript, executionContext: 'CSVIMPORT' });
      return rows.map((_, k) => ({ row: firstRow + k, ok: true, message: '', recordId: id }));
    } catch (e) {
      const o = e as { name?: string; message?: string };
      return failAll(`${o.name && o.name !== 'Error' ? `${o.name}: ` : ''}${o.message ?? String(e)}`);
    }
  }
  return rows.map((_, k) => ({
    row: firstRow + k,
    ok: false,
    message: k === failedRow ? failure : `Not imported: row ${firstRow + failedRow} of the same record was refused (${failure})`,
  }));
}

function applyLine(
  ctx: ImportContext,
  def: RecordDef,
  rec: StoredRecord,
  sid: string,
  ms: FieldMapping[],
  row: string[],
  cell: (row: string[], m: FieldMapping) => string,
  overwrite: boolean,
  replaced: Set<string>,
): void {
  const sdef = def.sublists[sid];
  const values = ms.map((m) => ({ m, raw: cell(row, m) }));
  if (values.every((v) => v.raw.trim() === '' || !v.m.column)) return;
  if (overwrite && !replaced.has(sid)) {
    rec.sublists[sid] = [];
    replaced.add(sid);
  }
  const lines = (rec.sublists[sid] ??= []);
  const keyField = sdef.lineKey;
  const keyCell = values.find((v) => keyField && fieldId(v.m.field) === keyField);
  let line: Fields | undefined;
  if (keyCell && keyCell.raw.trim() !== '') {
    line = lines.find((l) => String(l[keyField!] ?? '') === keyCell.raw.trim());
    if (!line) throw new RowError(`Invalid line reference: ${rec.type} ${rec.id || '(new)'} has no line ${keyCell.raw.trim()} on ${sid}.`);
  } else {
    const next = lines.reduce((mx, l) => Math.max(mx, Number(l[keyField ?? 'line']) || 0), 0) + 1;
    line = keyField ? { [keyField]: String(next) } : {};
    lines.push(line);
  }
  for (const { m, raw } of values) {
    const id = fieldId(m.field);
    if (id === keyField) continue;
    if (raw.trim() === '' && m.column) continue;
    line[id] = convert(ctx, sdef.fields[id], m, raw);
  }
  for (const [id, fd] of Object.entries(sdef.fields)) {
    if (fd.mandatory && (line[id] === undefined || line[id] === '')) throw new RowError(`Please enter value(s) for: ${sid} ${id}.`);
  }
  // Sourcing: a new line of an item the order already has takes that line's rate.
  if (line.rate === undefined && line.item !== undefined) {
    const same = lines.find((l) => l !== line && l.item === line!.item && l.rate !== undefined);
    if (same) line.rate = same.rate;
  }
}

function checkMandatory(def: RecordDef, rec: StoredRecord): void {
  const missing = Object.entries(def.body).filter(([id, fd]) => fd.mandatory && (rec.fields[id] === undefined || rec.fields[id] === '')).map(([id]) => id);
  if (missing.length) throw new Error(`Please enter value(s) for: ${missing.join(', ')}.`);
}
