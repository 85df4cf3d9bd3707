/**
 * @NApiVersion 2.1
 * @NScriptType MapReduceScript
 * @NModuleScope SameAccount
 */

/*
 * Sends NetSuite's item fulfilments of OMS sales orders to the OMS:
 * `{default dir}/salesorder/import/fulfillment/{UTC stamp}-{batch}-SalesOrderFulfillment.csv`,
 * columns `orderId,orderItemSeqId,externalFacilityId,shippedDate,quantity,trackingNumber,carrier,
 * shippingMethod,shippingMethodId` (feeds.md v2), read by the OMS's fulfillmentFeed.
 *
 * Taken: item fulfilments created from a sales order, status Shipped (`shipstatus` C), not claimed
 * by a finished batch (`custbody_oms_ful_export_batch` empty or the pending batch). The fulfilments
 * HC_SC_CreateItemFulfillment creates for the OMS's own (store) fulfilments carry `OMS` in that
 * field and are never sent back. Parameter `locations` (comma-separated location ids) limits the
 * rows to lines at those NetSuite warehouses; empty = every line. Lines of an order without an OMS
 * order id, or without an OMS line id, are not sent (they are not the OMS's).
 *
 * Each fulfilment goes out once (lib/batchExport.ts): reduce claims it, summarize uploads the file and
 * only then marks the batch DONE. Governance per reduce: batch search 10, two transaction loads 20,
 * submitFields 10 (Help: "SuiteScript 2.x API Governance") of 5,000 units.
 */
import * as error from 'N/error';
import * as log from 'N/log';
import * as record from 'N/record';
import * as search from 'N/search';
import type { EntryPoints } from 'N/types';
import { currentBatch, openBatch, summarizeBatch, type BatchExportSpec } from './lib/batchExport';
import { FULFILLMENT_EXPORT as EXPORT, SO, TXN_MARKS } from './lib/fields';
import { intParam, param } from './lib/params';
import { text } from './lib/rejectedItems';
import { loadSftpSettings, openFeedConnection } from './lib/sftpClient';

const P = EXPORT.paramPrefix;
const MARK = TXN_MARKS.fulfillmentExportBatch;
const SPEC: BatchExportSpec = { ...EXPORT, recordType: record.Type.ITEM_FULFILLMENT, markField: MARK };

export const config: EntryPoints.MapReduce.config = { retryCount: 1, exitOnError: false };

export const getInputData: EntryPoints.MapReduce.getInputData = () => {
  const batch = openBatch(EXPORT.feed);
  return search.create({
    type: search.Type.ITEM_FULFILLMENT,
    filters: [
      ['mainline', 'is', 'T'],
      'AND',
      ['createdfrom', 'noneof', '@NONE@'],
      'AND',
      ['shipstatus', 'anyof', 'C'],
      'AND',
      [[MARK, 'isempty', ''], 'OR', [MARK, 'is', batch.name]],
    ],
    columns: [search.createColumn({ name: 'internalid', sort: search.Sort.ASC }), 'createdfrom', MARK],
  });
};

/** Several tracking numbers: NetSuite joins them with `<BR>`; the feed with ` | `. */
function trackingNumbers(f: record.Record): string {
  const n = f.getLineCount({ sublistId: 'package' });
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = String(f.getSublistValue({ sublistId: 'package', fieldId: 'packagetrackingnumber', line: i }) || '').trim();
    if (t) out.push(t);
  }
  if (out.length) return out.join(' | ');
  return String(f.getValue({ fieldId: 'trackingnumbers' }) || '').split(/<br\s*\/?>/i).map((s) => s.trim()).filter(Boolean).join(' | ');
}

function shippedDate(v: unknown): string {
  return v instanceof Date ? v.toISOString() : String(v || '');
}

/** Rows of one fulfilment: its received lines at the chosen locations whose order line has an OMS line id. */
function rowsOf(f: record.Record, so: record.Record, locations: string[]): string[][] {
  const orderId = String(so.getValue({ fieldId: SO.orderId }) || '');
  if (!orderId) return [];
  const head = [shippedDate(f.getValue({ fieldId: 'trandate' }))];
  const carrier = String(f.getValue({ fieldId: 'shipcarrier' }) || '');
  const methodId = String(f.getValue({ fieldId: 'shipmethod' }) || '');
  const method = methodId ? String(f.getText({ fieldId: 'shipmethod' }) || '') : '';
  const tracking = trackingNumbers(f);
  const rows: string[][] = [];
  for (let i = 0; i < f.getLineCount({ sublistId: 'item' }); i++) {
    const get = (fieldId: string) => f.getSublistValue({ sublistId: 'item', fieldId, line: i });
    if (get('itemreceive') === false) continue;
    const location = String(get('location') || '');
    if (locations.length && locations.indexOf(location) < 0) continue;
    const idx = so.findSublistLineWithValue({ sublistId: SO.itemSublist, fieldId: SO.line, value: String(get('orderline')) });
    const seq = idx < 0 ? '' : String(so.getSublistValue({ sublistId: SO.itemSublist, fieldId: SO.lineId, line: idx }) || '');
    const qty = Number(get('quantity'));
    if (!seq || !(qty > 0)) continue;
    rows.push([orderId, seq, location, head[0], String(qty), tracking, carrier, method, methodId]);
  }
  return rows;
}

/** One search result per transaction: keyed by its id, so reduce sees each transaction once. */
export const map: EntryPoints.MapReduce.map = (ctx) => {
  const result = JSON.parse(ctx.value) as { id: string };
  ctx.write({ key: String(result.id), value: ctx.value });
};

export const reduce: EntryPoints.MapReduce.reduce = (ctx) => {
  const result = JSON.parse(ctx.values[0]) as { id: string; values?: Record<string, unknown> };
  const v = result.values || {};
  const batch = currentBatch(EXPORT.feed);
  if (!batch) throw error.create({ name: 'OMS_NO_PENDING_BATCH', message: 'no pending fulfilment export batch', notifyOff: true });
  const mark = text(v[MARK]);
  if (mark && mark !== batch.name) return;
  const locations = param(`${P}locations`).split(',').map((s) => s.trim()).filter(Boolean);
  const f = record.load({ type: record.Type.ITEM_FULFILLMENT, id: result.id });
  const so = record.load({ type: record.Type.SALES_ORDER, id: String(f.getValue({ fieldId: 'createdfrom' })) });
  const rows = rowsOf(f, so, locations);
  // Claimed last, once its rows are known; a fulfilment with no row of ours is claimed too, so it is not looked at again.
  if (mark !== batch.name) record.submitFields({ type: record.Type.ITEM_FULFILLMENT, id: result.id, values: { [MARK]: batch.name } });
  ctx.write({ key: String(result.id), value: JSON.stringify(rows) });
};

export const summarize: EntryPoints.MapReduce.summarize = (ctx) => {
  ctx.reduceSummary.errors.iterator().each((key, err) => {
    log.error({ title: 'Fulfilment not exported', details: `reduce ${key}: ${err}` });
    return true;
  });
  const open = () => openFeedConnection(loadSftpSettings(param(`${P}sftp_config`)), EXPORT.feedDir);
  summarizeBatch(ctx, SPEC, open, intParam(`${P}max_file_bytes`, 9000000, 1000, 9500000));
};
