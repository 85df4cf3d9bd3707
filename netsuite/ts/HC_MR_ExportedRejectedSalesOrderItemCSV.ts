/**
 * @NApiVersion 2.1
 * @NScriptType MapReduceScript
 * @NModuleScope SameAccount
 */

/*
 * Exports the sales order lines NetSuite rejected to
 * `{default dir}/salesorder/rejectedorderitem/yyyy-MM-dd-HH-mm-ss-RejectedSalesOrderItemExport.csv`
 * with the v2 columns `orderId,orderItemSeqId,rejectionComments,rejectionReason,facilityId,rejectionId`
 * (orderId = custbody_oms_order_id, orderItemSeqId = custcol_oms_order_line_id, facilityId = the
 * internal id of the line's location, rejectionId = `{sales order id}-{line}-{batch time in epoch
 * ms}`, stable when a batch is sent again), for the OMS job IMP_ORDER_ITM_RJCT.
 *
 * A line qualifies when it carries both OMS ids, is rejected — `custcol_oms_order_item_rejected`
 * is checked, or (parameter `custscript_oms_rej_rejected_location`) it sits at the "Rejected
 * Orders" location — and was not exported yet: its `custcol_oms_rej_export_batch` is empty (the
 * user event HC_UE_ResetRejectedItemExport empties it again when the OMS clears the rejection).
 * A saved search (parameter `custscript_oms_rej_saved_search`) may replace the rejection criteria.
 *
 * Stages:
 * - getInputData: names the batch (the run's UTC time stamp plus a unique tail, or the pending
 *   batch of a run whose upload failed), stores it with the run's start on the last-run record,
 *   and returns the search, narrowed to `lastmodifieddate WITHIN [last run - overlap, run start + 1 min]` (both bounds —
 *   HotWax's object literal dropped the second one);
 * - map: one line → key = sales order id;
 * - reduce: per sales order, stamps the lines with the batch (one load + one save) and emits rows;
 * - summarize: writes the CSV (RFC 4180 quoting, linear in the rows) as `NAME.part`, moves it to
 *   `NAME` — unless it is a restarted summarize (Help: "System Response After a Map/Reduce
 *   Interruption": summarize runs again from its start) that finds the batch's file already on the
 *   server with the same content, which it does not upload twice — clears the
 *   pending batch and — when no stage reported an error — sets the last-run time to the run's
 *   start, also when there were no rows (HotWax only advanced it when rows > 0).
 *
 * A line stamped by a run whose upload failed keeps that batch; the next run reuses the batch and
 * exports it again, so an upload failure loses nothing and a line is never in two batches.
 */
import * as error from 'N/error';
import * as log from 'N/log';
import * as record from 'N/record';
import type { EntryPoints } from 'N/types';
import { loadExportState, saveExportState } from './lib/exportState';
import { REJECTED_ITEMS_EXPORT as EXPORT, SO } from './lib/fields';
import { intParam, param } from './lib/params';
import { errorMessage } from './lib/report';
import { buildSearch, csvFiles, exportFileName, type LineRef, newBatchId, rejectionId, type Row, sortRows, text, uniqueRows } from './lib/rejectedItems';
import { listFiles, loadSftpSettings, openFeedConnection, uploadAtomic } from './lib/sftpClient';
import type * as sftp from 'N/sftp';

/** The internal id of a select value (`{value, text}` in Map/Reduce input), else the plain text. */
function idOf(v: unknown): string {
  if (v && typeof v === 'object' && !Array.isArray(v)) return text((v as { value?: unknown }).value);
  return text(v);
}

const P = EXPORT.paramPrefix;

export const config: EntryPoints.MapReduce.config = { retryCount: 1, exitOnError: false };

export const getInputData: EntryPoints.MapReduce.getInputData = () => {
  const runStart = new Date();
  const state = loadExportState(param(`${P}state_record`));
  const batch = state.pendingBatch || newBatchId(runStart);
  if (state.pendingBatch) log.audit({ title: 'Retrying pending batch', details: `${batch} (its upload did not finish)` });
  saveExportState(state.id, { pendingBatch: batch, batchStarted: runStart });
  return buildSearch(batch, state.lastRun, runStart);
};

export const map: EntryPoints.MapReduce.map = (ctx) => {
  const result = JSON.parse(ctx.value) as { id: string; values?: Record<string, unknown> };
  const v = result.values || {};
  const commentsField = param(`${P}comments_field`);
  const reasonField = param(`${P}reason_field`);
  const ref: LineRef = {
    line: text(v[SO.line]),
    orderId: text(v[SO.orderId]),
    orderItemSeqId: text(v[SO.lineId]),
    comments: commentsField ? text(v[commentsField]) : '',
    reason: reasonField ? text(v[reasonField]) : '',
    location: idOf(v[SO.location]),
  };
  if (!ref.line || !ref.orderId || !ref.orderItemSeqId) {
    throw error.create({ name: 'OMS_REJECTED_LINE_INCOMPLETE', message: `sales order ${result.id}: line ${JSON.stringify(ref)} lacks an id`, notifyOff: true });
  }
  ctx.write({ key: String(result.id), value: JSON.stringify(ref) });
};

export const reduce: EntryPoints.MapReduce.reduce = (ctx) => {
  const state = loadExportState(param(`${P}state_record`));
  const batch = state.pendingBatch;
  if (!batch) throw error.create({ name: 'OMS_NO_PENDING_BATCH', message: 'the last-run record has no pending batch', notifyOff: true });
  const defaultComments = param(`${P}comments`) || EXPORT.defaultComments;
  const so = record.load({ type: record.Type.SALES_ORDER, id: ctx.key });
  const rows: Row[] = [];
  const missing: string[] = [];
  for (const value of ctx.values) {
    const ref = JSON.parse(value) as LineRef;
    const idx = so.findSublistLineWithValue({ sublistId: SO.itemSublist, fieldId: SO.line, value: ref.line });
    if (idx < 0) {
      missing.push(ref.line);
      continue;
    }
    const current = String(so.getSublistValue({ sublistId: SO.itemSublist, fieldId: SO.rejectionExportBatch, line: idx }) || '');
    if (current && current !== batch) continue; // exported meanwhile by another batch
    so.setSublistValue({ sublistId: SO.itemSublist, fieldId: SO.rejectionExportBatch, line: idx, value: batch });
    const facilityId = String(so.getSublistValue({ sublistId: SO.itemSublist, fieldId: SO.location, line: idx }) || '') || ref.location;
    rows.push({
      orderId: ref.orderId,
      orderItemSeqId: ref.orderItemSeqId,
      rejectionComments: ref.comments || defaultComments,
      rejectionReason: ref.reason,
      facilityId,
      rejectionId: rejectionId(ctx.key, ref.line, batch),
    });
  }
  if (rows.length) so.save({ enableSourcing: false, ignoreMandatoryFields: true });
  for (const row of rows) ctx.write({ key: ctx.key, value: JSON.stringify(row) });
  if (missing.length) {
    // After the save, so the stamped lines still go out; the error keeps the last-run time.
    throw error.create({ name: 'OMS_REJECTED_LINE_NOT_FOUND', message: `sales order ${ctx.key}: no line ${missing.join(', ')}`, notifyOff: true });
  }
};

/**
 * The path of a file of `batch` (its name, or an alternative `-n` name) already holding `doc`'s
 * contents, else ''. Only called by a restarted summarize: its first attempt may have uploaded the
 * file before it could save the state. Downloads cost 100 units each; only same-stamp names are read.
 */
function uploadedBefore(conn: sftp.Connection, batch: string, doc: { part: number; contents: string }): string {
  const names = new Set(listFiles(conn, EXPORT.dir).map((f) => f.name));
  for (let n = 1; n <= 20; n++) {
    const name = exportFileName(batch, doc.part, n);
    if (!names.has(name)) continue;
    if (conn.download({ directory: EXPORT.dir, filename: name }).getContents() === doc.contents) return `${EXPORT.dir}/${name}`;
  }
  return '';
}

interface StageErrors {
  input: string[];
  map: string[];
  reduce: string[];
}

function collectErrors(ctx: EntryPoints.MapReduce.summarizeContext): StageErrors {
  const errors: StageErrors = { input: [], map: [], reduce: [] };
  if (ctx.inputSummary.error) errors.input.push(`input: ${ctx.inputSummary.error}`);
  ctx.mapSummary.errors.iterator().each((key, err) => {
    errors.map.push(`map ${key}: ${err}`);
    return true;
  });
  ctx.reduceSummary.errors.iterator().each((key, err) => {
    errors.reduce.push(`reduce ${key}: ${err}`);
    return true;
  });
  return errors;
}

/**
 * Uploads the batch, then:
 * - no error: clears the pending batch and sets the last-run time to the run's start (also with
 *   zero rows);
 * - map errors only (a line without ids, nothing stamped): clears the batch, keeps the last-run
 *   time so the next run looks at the same window again;
 * - input or reduce errors: keeps both, because lines stamped with the batch by an earlier attempt
 *   may be missing from this file; the next run reuses the batch and sends them (rows it sends
 *   twice are no-ops in the OMS).
 */
export const summarize: EntryPoints.MapReduce.summarize = (ctx) => {
  const errors = collectErrors(ctx);
  const all = [...errors.input, ...errors.map, ...errors.reduce];
  const collected: Row[] = [];
  ctx.output.iterator().each((_key, value) => {
    collected.push(JSON.parse(value) as Row);
    return true;
  });
  const state = loadExportState(param(`${P}state_record`));
  if (!state.pendingBatch) {
    log.audit({ title: 'Nothing pending', details: 'the batch was finished by an earlier summarize' });
    return;
  }
  const rows = uniqueRows(sortRows(collected));
  const uploaded: string[] = [];
  if (rows.length) {
    try {
      const conn = openFeedConnection(loadSftpSettings(param(`${P}sftp_config`)), EXPORT.feedDir);
      for (const doc of csvFiles(state.pendingBatch, rows, intParam(`${P}max_file_bytes`, 9000000, 1000, 9500000))) {
        const batch = state.pendingBatch;
        const earlier = ctx.isRestarted ? uploadedBefore(conn, batch, doc) : '';
        if (earlier) log.audit({ title: 'Restarted summarize: file already uploaded', details: `${earlier} holds this part of batch ${batch}; not uploaded again` });
        uploaded.push(earlier || uploadAtomic(conn, EXPORT.dir, doc.name, doc.contents, (n) => exportFileName(batch, doc.part, n)));
      }
    } catch (e) {
      log.error({ title: 'Upload failed; batch stays pending', details: `${state.pendingBatch}: ${errorMessage(e)}. The next run exports these lines again.` });
      return;
    }
  }
  if (errors.input.length === 0 && errors.reduce.length === 0) {
    const finished: { pendingBatch: string; batchStarted: null; lastRun?: Date } = { pendingBatch: '', batchStarted: null };
    if (all.length === 0 && state.batchStarted) finished.lastRun = state.batchStarted;
    saveExportState(state.id, finished);
  }
  if (all.length) log.error({ title: `${all.length} error(s); last-run time kept`, details: all.join('\n').slice(0, 3900) });
  log.audit({ title: 'Rejected items exported', details: `${rows.length} row(s) in ${uploaded.length ? uploaded.join(', ') : 'no file'}` });
};
