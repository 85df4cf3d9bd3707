/**
 * The id exports (feeds.md v2, "Id back-sync"): NetSuite tells the OMS the internal ids of the
 * customers, sales orders and sales order lines it created from the OMS's files. Shared by
 * HC_MR_ExportedCustomerCSV, HC_MR_ExportedSalesOrderCSV and HC_MR_ExportedSalesOrderItemCSV.
 *
 * Exactly once, through one batch record per file (`customrecord_oms_id_export`):
 *
 * 1. getInputData looks for the feed's open batch.
 *    - none: it searches the records not exported yet (their export mark empty), up to
 *      `max_rows` rows and `max_file_bytes` bytes, writes a PENDING batch naming the file and
 *      listing the records' keys, uploads the file (`NAME.part`, then a move to `NAME`), sets the
 *      batch UPLOADED, and hands the keys to map;
 *    - PENDING (an earlier attempt stopped before or during its upload): when the file is on the
 *      server (in the folder, or moved by the OMS to `archive/` or `failed/`) the upload had
 *      finished, so the batch becomes UPLOADED; otherwise nothing of it reached the OMS and the
 *      batch is built again under the same name;
 *    - UPLOADED (its marking did not finish): its keys go to map again, and no new batch starts
 *      until it is DONE, so a record is never in two files.
 * 2. map sends each key to the reduce of its record; reduce marks the record (or the lines of one
 *    sales order, one load and one save) exported: the mark holds the file name. Marking is
 *    idempotent, so a restarted invocation does no harm.
 * 3. summarize sets the batch DONE when no map or reduce invocation failed; otherwise it stays
 *    UPLOADED and the next run marks the rest.
 *
 * So a record is marked exported only after its file is on the server, a run that dies at any
 * point loses nothing (the next run finishes the batch or rebuilds it), and nothing is sent twice.
 * Map/Reduce restarts: Help "System Response After a Map/Reduce Interruption" (the interrupted
 * getInputData / summarize runs again whole, a map key runs again with `isRestarted`).
 * Governance: getInputData (10,000 units) checks its remaining usage before every search page
 * and stops collecting above a reserve for the upload; the rest waits for the next run. Each
 * reduce invocation has its own budget (Help: "SuiteScript Governance and Limits": 5,000 units
 * a reduce), and NetSuite yields between invocations on its own.
 */
import * as log from 'N/log';
import * as record from 'N/record';
import * as search from 'N/search';
import * as sftp from 'N/sftp';
import { csvLine, utf8Length } from './csv';
import { ID_EXPORT_BATCH as B, type IdExportFeed } from './fields';
import { joinPath, utcStamp, withSuffix } from './names';
import { intParam, param, remainingUsage } from './params';
import { errorMessage } from './report';
import { loadSftpSettings, openFeedConnection, uploadAtomic } from './sftpClient';

/** One record (or one sales order line) to export: its key in the batch and its CSV row. */
export interface IdRow {
  /** `internalId` (customers, orders) or `internalId:line` (lines). */
  key: string;
  cells: string[];
}

/** What differs between the three exports. */
export interface IdExportSpec {
  feed: IdExportFeed;
  /** The search of the records not exported yet; results in a stable order (internal id). */
  pending(): search.Search;
  /** The row of one search result. */
  toRow(r: search.Result): IdRow;
  /** The record a key belongs to (the reduce key): the key itself, or the sales order of a line. */
  groupOf(key: string): string;
  /** Marks the keys of one record exported with the file name `batch` (in reduce). */
  mark(group: string, keys: string[], batch: string): void;
}

type Status = 'PENDING' | 'UPLOADED' | 'DONE';

interface Batch {
  id: string;
  file: string;
  status: Status;
  keys: string[];
}

/** Usage kept for the batch record, the existence check and the upload (upload 100, moves, lists). */
const UPLOAD_RESERVE = 400;
/** A Long Text field holds at most 1,000,000 characters (Help: "Custom Field Type: Long Text"). */
const MAX_KEY_CHARS = 990000;

function openBatch(feed: string): Batch | null {
  const found = search
    .create({
      type: B.type,
      filters: [[B.feed, 'is', feed], 'AND', [[B.status, 'is', 'PENDING'], 'OR', [B.status, 'is', 'UPLOADED']]],
      columns: [search.createColumn({ name: 'internalid', sort: search.Sort.ASC }), B.file, B.status, B.keys],
    })
    .run()
    .getRange({ start: 0, end: 1 });
  if (!found.length) return null;
  const r = found[0];
  const keys = String(r.getValue({ name: B.keys }) || '');
  return { id: String(r.id), file: String(r.getValue({ name: B.file }) || ''), status: String(r.getValue({ name: B.status })) as Status, keys: keys ? keys.split(',') : [] };
}

function saveBatch(id: string, values: Record<string, string | number>): void {
  record.submitFields({ type: B.type, id, values });
}

function createBatch(feed: string, file: string): string {
  const rec = record.create({ type: B.type });
  rec.setValue({ fieldId: 'name', value: file.slice(0, 300) });
  rec.setValue({ fieldId: B.feed, value: feed });
  rec.setValue({ fieldId: B.file, value: file });
  rec.setValue({ fieldId: B.status, value: 'PENDING' });
  rec.setValue({ fieldId: B.keys, value: '' });
  rec.setValue({ fieldId: B.rows, value: 0 });
  return String(rec.save());
}

export function idFileName(feed: IdExportFeed, now: Date): string {
  return `${utcStamp(now)}-${Math.random().toString(36).slice(2, 8)}-${feed.fileSuffix}`;
}

/** The rows not exported yet, within the row, byte, key-length and governance limits. */
export function collectRows(spec: IdExportSpec): IdRow[] {
  const P = spec.feed.paramPrefix;
  const maxRows = intParam(`${P}max_rows`, 20000, 1, 25000);
  const maxBytes = intParam(`${P}max_file_bytes`, 9000000, 1000, 9500000);
  const minUsage = intParam(`${P}min_usage`, 200, 0, 9600);
  const rows: IdRow[] = [];
  let bytes = utf8Length(csvLine(spec.feed.header)) + 1;
  let keyChars = 0;
  const paged = spec.pending().run();
  for (let start = 0; ; start += 1000) {
    if (remainingUsage() < 10 + UPLOAD_RESERVE + minUsage) {
      log.audit({ title: `${spec.feed.feed}: governance low`, details: `stopped collecting at ${rows.length} row(s); the next run exports the rest` });
      return rows;
    }
    const page = paged.getRange({ start, end: start + 1000 });
    for (const r of page) {
      const row = spec.toRow(r);
      const size = utf8Length(csvLine(row.cells)) + 1;
      if (rows.length >= maxRows || bytes + size > maxBytes || keyChars + row.key.length + 1 > MAX_KEY_CHARS) return rows;
      rows.push(row);
      bytes += size;
      keyChars += row.key.length + 1;
    }
    if (page.length < 1000) return rows;
  }
}

/** Names in `dir` ('' entries when the folder does not exist). */
function names(conn: sftp.Connection, dir: string): string[] {
  try {
    return conn.list({ path: dir, sort: sftp.Sort.NAME }).map((e) => e.name);
  } catch (e) {
    return [];
  }
}

/** True when `file` reached the server: in the folder, or moved by the reader to archive/ or failed/. */
function onServer(conn: sftp.Connection, feed: IdExportFeed, file: string): boolean {
  return [feed.dir, joinPath(feed.dir, 'archive'), joinPath(feed.dir, 'failed')].some((d) => names(conn, d).indexOf(file) >= 0);
}

function connect(feed: IdExportFeed): sftp.Connection {
  return openFeedConnection(loadSftpSettings(param(`${feed.paramPrefix}sftp_config`)), feed.feedDir);
}

/** Records `rows` on the PENDING batch, uploads its file and sets it UPLOADED; returns the keys. */
function upload(spec: IdExportSpec, conn: sftp.Connection, batch: Batch, rows: IdRow[]): string[] {
  const keys = rows.map((r) => r.key);
  saveBatch(batch.id, { [B.keys]: keys.join(','), [B.rows]: rows.length });
  const text = [csvLine(spec.feed.header), ...rows.map((r) => csvLine(r.cells))].join('\n') + '\n';
  // A name already on the server is never replaced (uploadAtomic): the file would get `-2`.
  const path = uploadAtomic(conn, spec.feed.dir, batch.file, text, (n) => withSuffix(batch.file, `-${n}`));
  const file = path.slice(path.lastIndexOf('/') + 1);
  saveBatch(batch.id, { [B.status]: 'UPLOADED', [B.file]: file });
  log.audit({ title: `${spec.feed.feed}: uploaded`, details: `${rows.length} row(s) in ${path}` });
  batch.file = file;
  batch.keys = keys;
  return keys;
}

/** getInputData: the map entries of the batch to mark (see the top of this file). */
export function idExportInput(spec: IdExportSpec): Record<string, string> {
  const feed = spec.feed;
  const batch = openBatch(feed.feed);
  if (batch && batch.status === 'UPLOADED') {
    log.audit({ title: `${feed.feed}: finishing batch`, details: `${batch.file}: marking ${batch.keys.length} record(s)` });
    return entries(batch);
  }
  const conn = connect(feed);
  if (batch && onServer(conn, feed, batch.file)) {
    saveBatch(batch.id, { [B.status]: 'UPLOADED' });
    return entries(batch);
  }
  // No batch, or a PENDING one whose file never reached the server: (re)choose its rows.
  const rows = collectRows(spec);
  if (!rows.length) {
    if (batch) saveBatch(batch.id, { [B.status]: 'DONE', [B.keys]: '', [B.rows]: 0 });
    return {};
  }
  const file = batch ? batch.file : idFileName(feed, new Date());
  const open: Batch = batch || { id: createBatch(feed.feed, file), file, status: 'PENDING', keys: [] };
  upload(spec, conn, open, rows);
  return entries(open);
}

/** One getInputData entry per key of the batch. */
function entries(batch: Batch): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of batch.keys) out[k] = batch.file;
  return out;
}

type Write = (o: { key: string; value: string }) => void;

/** map: sends a key to the reduce of its record (the lines of one sales order meet there). */
export function idExportMap(spec: IdExportSpec, key: string, batch: string, write: Write): void {
  write({ key: spec.groupOf(key), value: JSON.stringify({ batch, key }) });
}

/** reduce: marks one record's keys exported (idempotent: a restarted invocation does it again). */
export function idExportReduce(spec: IdExportSpec, group: string, values: string[]): void {
  const parsed = values.map((v) => JSON.parse(v) as { batch: string; key: string });
  const keys = Array.from(new Set(parsed.map((v) => v.key)));
  spec.mark(group, keys, parsed[0].batch);
}

/** summarize: DONE when every map and reduce invocation succeeded; the batch stays UPLOADED otherwise. */
export function idExportSummarize(spec: IdExportSpec, errors: string[], inputError: string): void {
  const batch = openBatch(spec.feed.feed);
  if (inputError) log.error({ title: `${spec.feed.feed}: getInputData failed`, details: inputError.slice(0, 3900) });
  if (!batch || batch.status !== 'UPLOADED') return;
  if (errors.length) {
    log.error({ title: `${spec.feed.feed}: ${errors.length} record(s) not marked`, details: `${batch.file} stays UPLOADED; the next run marks them. ${errors.join('\n')}`.slice(0, 3900) });
    return;
  }
  try {
    saveBatch(batch.id, { [B.status]: 'DONE' });
    log.audit({ title: `${spec.feed.feed}: batch done`, details: `${batch.file}: ${batch.keys.length} record(s) exported` });
  } catch (e) {
    log.error({ title: `${spec.feed.feed}: could not close ${batch.file}`, details: `${errorMessage(e)}; the next run closes it` });
  }
}

/** Stage errors of a summarize context, as `stage key: error` lines. */
export function stageErrors(ctx: { mapSummary: ErrorSummary; reduceSummary: ErrorSummary }): string[] {
  const out: string[] = [];
  for (const [stage, summary] of [['map', ctx.mapSummary], ['reduce', ctx.reduceSummary]] as const) {
    summary.errors.iterator().each((key, err) => {
      out.push(`${stage} ${key}: ${err}`);
      return true;
    });
  }
  return out;
}

interface ErrorSummary {
  errors: { iterator(): { each(cb: (key: string, err: string) => boolean): void } };
}

/** Cell text of a search result column ('' for empty). */
export function cell(r: search.Result, name: string): string {
  const v = r.getValue({ name });
  return v === null || v === undefined ? '' : String(v).trim();
}
