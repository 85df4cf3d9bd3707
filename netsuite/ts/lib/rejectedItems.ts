/**
 * Rejected-items export helpers (search, CSV files) for HC_MR_ExportedRejectedSalesOrderItemCSV.
 */
import * as format from 'N/format';
import * as search from 'N/search';
import { csvLine, neutralize, utf8Length } from './csv';
import { REJECTED_ITEMS_EXPORT as EXPORT, SO } from './fields';
import { utcStamp } from './names';
import { intParam, param } from './params';

const P = EXPORT.paramPrefix;

export interface LineRef {
  line: string;
  orderId: string;
  orderItemSeqId: string;
  comments: string;
  reason: string;
  /** Internal id of the line's location (the OMS facility's external id). */
  location: string;
}

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

export function buildSearch(batch: string, lastRun: Date | null, runStart: Date): search.Search {
  const filters: unknown[] = [
    ['mainline', 'is', 'F'],
    'AND',
    [SO.orderId, 'isnotempty', ''],
    'AND',
    [SO.lineId, 'isnotempty', ''],
    'AND',
    [[SO.rejectionExportBatch, 'isempty', ''], 'OR', [SO.rejectionExportBatch, 'is', batch]],
  ];
  if (lastRun) {
    const overlapMs = intParam(`${P}overlap_minutes`, 15, 0, 10080) * 60000;
    filters.push('AND', ['lastmodifieddate', 'within', datetime(new Date(lastRun.getTime() - overlapMs)), datetime(new Date(runStart.getTime() + 60000))]);
  }
  const columns: (string | search.Column)[] = [search.createColumn({ name: 'internalid', sort: search.Sort.ASC }), SO.orderId, SO.lineId, SO.line, SO.location];
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
 * `{stamp}-RejectedSalesOrderItemExport.csv`; part k > 1 of a split batch adds `-p{k}`, and a
 * name already taken on the server adds `-{n}` — the name keeps ending with
 * `-RejectedSalesOrderItemExport.csv`, the pattern the OMS reads.
 */
export function exportFileName(batch: string, part: number, attempt = 1): string {
  return [batchStamp(batch), part > 1 ? `p${part}` : '', attempt > 1 ? String(attempt) : '', EXPORT.fileSuffix].filter(Boolean).join('-');
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
    const line = csvLine([r.orderId, r.orderItemSeqId, neutralize(r.rejectionComments), neutralize(r.rejectionReason), r.facilityId, r.rejectionId]) + '\n';
    const n = utf8Length(line);
    meter.chars += line.length;
    if (lines.length && bytes + n > maxBytes) flush();
    lines.push(line);
    bytes += n;
  }
  if (lines.length) flush();
  return docs;
}

/** By orderId, then orderItemSeqId, then rejectionId. */
export function sortRows(rows: Row[]): Row[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return rows.sort((a, b) => cmp(a.orderId, b.orderId) || cmp(a.orderItemSeqId, b.orderItemSeqId) || cmp(a.rejectionId, b.rejectionId));
}

/** Drops repeated rows (same rejectionId) of a sorted list (a retried reduce writes again). */
export function uniqueRows(sorted: Row[]): Row[] {
  return sorted.filter((r, i) => i === 0 || r.rejectionId !== sorted[i - 1].rejectionId || r.orderId !== sorted[i - 1].orderId);
}
