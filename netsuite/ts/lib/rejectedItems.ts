/**
 * Rejected-items export helpers (search, rows, CSV files) for HC_MR_ExportedRejectedSalesOrderItemCSV.
 */
import * as format from 'N/format';
import * as log from 'N/log';
import * as search from 'N/search';
import { csvLine, neutralize, utf8Length } from './csv';
import { REJECTED_ITEMS_EXPORT as EXPORT, SO } from './fields';
import { utcStamp } from './names';
import { intParam, param, remainingUsage } from './params';

const P = EXPORT.paramPrefix;

/** One row of the v2 file (feeds.md v2, "Rejected order items"). */
export interface Row {
  orderId: string;
  orderItemSeqId: string;
  rejectionComments: string;
  rejectionReason: string;
  facilityId: string;
  rejectionId: string;
}

/**
 * Epoch milliseconds of the batch's UTC stamp (`yyyy-MM-dd-HH-mm-ss.mmm…`): the time the export
 * first saw the rejection. A retried batch keeps its id, so a re-sent row keeps its rejectionId.
 */
export function batchTime(batch: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})(?:\.(\d{3}))?/.exec(batch);
  if (!m) return 0;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7] || 0));
}

/**
 * `{salesOrderInternalId}-{lineId}-{rejection time in epoch ms}` (contract v2): unique to one
 * rejection of one line, because a line is exported once per batch and a new rejection of the same
 * line is exported by a later batch.
 */
export function rejectionId(salesOrderId: string, line: string, batch: string): string {
  return `${salesOrderId}-${line}-${batchTime(batch)}`;
}

/** Search value as text: plain values, `{value, text}` of select fields, checkbox booleans. */
export function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.length ? text(v[0]) : '';
  if (typeof v === 'object') {
    const o = v as { text?: unknown; value?: unknown };
    return text(o.text !== undefined && o.text !== '' ? o.text : o.value);
  }
  return String(v).trim();
}

function datetime(d: Date): string {
  return String(format.format({ value: d, type: format.Type.DATETIME }));
}

function rejectionCriteria(): unknown[] {
  const rejectedLocation = param(`${P}rejected_location`);
  const checked = [SO.rejected, 'is', 'T'];
  return rejectedLocation ? [checked, 'OR', [SO.location, 'anyof', rejectedLocation]] : [checked];
}

/** The rejected lines not exported yet (mark empty), modified in the window when there was a last run. */
export function buildSearch(lastRun: Date | null, runStart: Date): search.Search {
  const filters: unknown[] = [
    ['mainline', 'is', 'F'],
    'AND',
    [SO.orderId, 'isnotempty', ''],
    'AND',
    [SO.lineId, 'isnotempty', ''],
    'AND',
    [SO.rejectionExportBatch, 'isempty', ''],
  ];
  if (lastRun) {
    const overlapMs = intParam(`${P}overlap_minutes`, 15, 0, 10080) * 60000;
    filters.push('AND', ['lastmodifieddate', 'within', datetime(new Date(lastRun.getTime() - overlapMs)), datetime(new Date(runStart.getTime() + 60000))]);
  }
  const columns: (string | search.Column)[] = [search.createColumn({ name: 'internalid', sort: search.Sort.ASC }), SO.orderId, SO.lineId, SO.line, SO.location, SO.previousLocation, SO.rejected];
  for (const f of [param(`${P}comments_field`), param(`${P}reason_field`)]) if (f) columns.push(f);

  const savedSearchId = param(`${P}saved_search`);
  if (savedSearchId) {
    const s = search.load({ id: savedSearchId });
    const saved = s.filterExpression && s.filterExpression.length ? s.filterExpression : null;
    s.filterExpression = saved ? [saved, 'AND', filters] : filters;
    s.columns = columns;
    return s;
  }
  return search.create({ type: search.Type.SALES_ORDER, filters: [...filters, 'AND', rejectionCriteria()], columns });
}

/**
 * A new batch id: the run's UTC time stamp (which names the file) plus milliseconds and a random
 * tail, so two runs never share a batch even within one second.
 */
export function newBatchId(runStart: Date): string {
  return `${utcStamp(runStart)}.${String(runStart.getUTCMilliseconds()).padStart(3, '0')}${Math.random().toString(36).slice(2, 8)}`;
}

/** The `yyyy-MM-dd-HH-mm-ss` part of a batch id. */
export function batchStamp(batch: string): string {
  return batch.slice(0, 19);
}

/**
 * `{stamp}-{batch tail}-RejectedSalesOrderItemExport.csv` (feeds.md v2: a UTC time stamp and a
 * unique run id), so a name on the server belongs to one batch only; part k > 1 of a split batch
 * adds `-p{k}`, and a name already taken adds `-{n}`. The name keeps ending with
 * `-RejectedSalesOrderItemExport.csv`, the pattern the OMS reads.
 */
export function exportFileName(batch: string, part: number, attempt = 1): string {
  const tail = batch.slice(20).replace(/[^A-Za-z0-9]/g, '');
  return [batchStamp(batch), tail, part > 1 ? `p${part}` : '', attempt > 1 ? String(attempt) : '', EXPORT.fileSuffix].filter(Boolean).join('-');
}

/** Work done by `csvFiles`: characters measured (a test bounds it; linear in the output). */
export interface Meter {
  chars: number;
}

/**
 * Splits rows into CSV documents of at most `maxBytes` (N/file holds 10 MB of text). Linear: each
 * line is measured once and the documents are joined once (the earlier version re-measured the
 * whole document for every row, quadratic in the rows).
 */
export function csvFiles(batch: string, rows: readonly Row[], maxBytes: number, meter: Meter = { chars: 0 }): { part: number; name: string; contents: string }[] {
  const header = csvLine(EXPORT.header) + '\n';
  const headerBytes = utf8Length(header);
  const docs: { part: number; name: string; contents: string }[] = [];
  let lines: string[] = [];
  let bytes = headerBytes;
  const flush = () => {
    const part = docs.length + 1;
    docs.push({ part, name: exportFileName(batch, part), contents: header + lines.join('') });
    lines = [];
    bytes = headerBytes;
  };
  for (const r of rows) {
    const line = rowLine(r);
    const n = utf8Length(line);
    meter.chars += line.length;
    if (lines.length && bytes + n > maxBytes) flush();
    lines.push(line);
    bytes += n;
  }
  if (lines.length) flush();
  return docs;
}

/** One exported line: its batch key (`{so}:{line}:{orderItemSeqId}`, in file row order) and its row. */
export interface KeyedRow {
  key: string;
  row: Row;
}

export interface Collected {
  rows: KeyedRow[];
  /** False when a limit (rows, bytes, governance) stopped the collection or a line lacked an id. */
  complete: boolean;
}

/** Usage kept for the batch record saves and the upload (upload 100, list and move). */
const UPLOAD_RESERVE = 400;

/** The row of one search result of `buildSearch`, or null when the line lacks an OMS id. */
function rowOf(r: search.Result, batch: string, defaultComments: string): KeyedRow | null {
  const get = (name: string) => text(r.getValue({ name }));
  const [line, orderId, seq] = [get(SO.line), get(SO.orderId), get(SO.lineId)];
  if (!line || !orderId || !seq) return null;
  const commentsField = param(`${P}comments_field`);
  const reasonField = param(`${P}reason_field`);
  const flagged = r.getValue({ name: SO.rejected });
  // Flagged in place: the line is still at the location that rejected it. Moved to the "Rejected
  // Orders" location: the location it left (kept by HC_UE_ResetRejectedItemExport).
  const atRejectedLocation = !(flagged === true || flagged === 'T') && !!param(`${P}rejected_location`);
  const facilityId = (atRejectedLocation && get(SO.previousLocation)) || get(SO.location);
  const row: Row = {
    orderId,
    orderItemSeqId: seq,
    rejectionComments: (commentsField && get(commentsField)) || defaultComments,
    rejectionReason: reasonField ? get(reasonField) : '',
    facilityId,
    rejectionId: rejectionId(String(r.id), line, batch),
  };
  return { key: `${r.id}:${line}:${seq}`, row };
}

/**
 * The rows of a new batch: the lines of `buildSearch` whose `{so}:{line}` is not set aside, within
 * `max_rows` (25,000 at most, feeds.md v2), `max_file_bytes` and the governance left (checked
 * before each page of 1,000; a page costs 10 units). What is left waits for the next run.
 */
export function collectRows(s: search.Search, batch: string, setAside: ReadonlySet<string>): Collected {
  const maxRows = intParam(`${P}max_rows`, 20000, 1, 25000);
  const maxBytes = intParam(`${P}max_file_bytes`, 9000000, 1000, 9500000);
  const defaultComments = param(`${P}comments`) || EXPORT.defaultComments;
  const rows: KeyedRow[] = [];
  let bytes = utf8Length(csvLine(EXPORT.header)) + 1;
  let complete = true;
  const paged = s.run();
  for (let start = 0; ; start += 1000) {
    if (remainingUsage() < 10 + UPLOAD_RESERVE) {
      log.audit({ title: 'Governance low', details: `stopped collecting at ${rows.length} row(s); the next run exports the rest` });
      return { rows, complete: false };
    }
    const page = paged.getRange({ start, end: start + 1000 });
    for (const r of page) {
      const k = rowOf(r, batch, defaultComments);
      if (!k) {
        log.error({ title: 'Rejected line lacks an OMS id', details: `sales order ${r.id}, line ${text(r.getValue({ name: SO.line }))}: not exported` });
        complete = false;
        continue;
      }
      if (setAside.has(k.key.split(':').slice(0, 2).join(':'))) continue;
      const size = utf8Length(rowLine(k.row));
      if (rows.length >= maxRows || bytes + size > maxBytes) return { rows, complete: false };
      rows.push(k);
      bytes += size;
    }
    if (page.length < 1000) return { rows, complete };
  }
}

/** One CSV line of a row (free text neutralised against formula injection). */
function rowLine(r: Row): string {
  return csvLine([r.orderId, r.orderItemSeqId, neutralize(r.rejectionComments), neutralize(r.rejectionReason), r.facilityId, r.rejectionId]) + '\n';
}
