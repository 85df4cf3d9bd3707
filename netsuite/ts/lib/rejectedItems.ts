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
}

export interface Row {
  orderId: string;
  orderItemSeqId: string;
  rejectionComments: string;
  rejectionReason: string;
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
  const columns: (string | search.Column)[] = [search.createColumn({ name: 'internalid', sort: search.Sort.ASC }), SO.orderId, SO.lineId, SO.line];
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

/** Splits rows into CSV documents of at most `maxBytes` (N/file holds 10 MB of text). */
export function csvFiles(batch: string, rows: readonly Row[], maxBytes: number): { part: number; name: string; contents: string }[] {
  const header = csvLine(EXPORT.header) + '\n';
  const docs: { part: number; name: string; contents: string }[] = [];
  let current = header;
  const flush = () => {
    const part = docs.length + 1;
    docs.push({ part, name: exportFileName(batch, part), contents: current });
    current = header;
  };
  for (const r of rows) {
    const line = csvLine([r.orderId, r.orderItemSeqId, neutralize(r.rejectionComments), neutralize(r.rejectionReason)]) + '\n';
    if (current.length > header.length && utf8Length(current) + utf8Length(line) > maxBytes) flush();
    current += line;
  }
  if (current.length > header.length) flush();
  return docs;
}

/** By orderId, then orderItemSeqId. */
export function sortRows(rows: Row[]): Row[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return rows.sort((a, b) => cmp(a.orderId, b.orderId) || cmp(a.orderItemSeqId, b.orderItemSeqId));
}

/** Drops repeated (orderId, orderItemSeqId) rows of a sorted list (a retried reduce writes again). */
export function uniqueRows(sorted: Row[]): Row[] {
  return sorted.filter((r, i) => i === 0 || r.orderId !== sorted[i - 1].orderId || r.orderItemSeqId !== sorted[i - 1].orderItemSeqId);
}
