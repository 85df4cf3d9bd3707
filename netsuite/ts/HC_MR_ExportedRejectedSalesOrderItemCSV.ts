/**
 * @NApiVersion 2.1
 * @NScriptType MapReduceScript
 * @NModuleScope SameAccount
 */

/*
 * Exports the sales order lines NetSuite rejected to
 * `{default dir}/salesorder/rejectedorderitem/{yyyy-MM-dd-HH-mm-ss}-{batch tail}-RejectedSalesOrderItemExport.csv`
 * with the v2 columns `orderId,orderItemSeqId,rejectionComments,rejectionReason,facilityId,rejectionId`
 * for the OMS job IMP_ORDER_ITM_RJCT (feeds.md v2, "Rejected order items"). facilityId is the
 * line's location, or, for a line moved to the "Rejected Orders" location (parameter
 * `custscript_oms_rej_rejected_location`, the one place that names it), the location it left
 * (`custcol_oms_rej_prev_location`, kept by HC_UE_ResetRejectedItemExport). rejectionId is
 * `{sales order id}-{line}-{batch time in epoch ms}`.
 *
 * A line qualifies when it carries both OMS ids, is rejected (flag checked, or at the "Rejected
 * Orders" location; a saved search, `custscript_oms_rej_saved_search`, may replace these criteria)
 * and is not marked yet (`custcol_oms_rej_export_batch` empty; the user event empties it again when
 * the line's rejected flag or location changes).
 *
 * Lines are marked only after their file is on the server, through one batch record per file
 * (`customrecord_oms_id_export`, feed `salesorder/rejectedorderitem`), PENDING → UPLOADED → DONE:
 * 1. getInputData takes the open batch of the feed:
 *    - UPLOADED (its marking did not finish): its keys go to map again, no new batch starts;
 *    - PENDING with its file on the server (folder, `archive/` or `failed/`): the upload had ended
 *      before the run died, so it becomes UPLOADED and its keys go to map;
 *    - otherwise it collects the lines (within `max_rows`, `max_file_bytes` and governance), stores
 *      their keys on a PENDING batch, uploads the file (`NAME.part`, then a move), sets the batch
 *      UPLOADED and hands the keys to map. The file name is unique to the batch, so "on the
 *      server" means "this batch was uploaded".
 * 2. map groups the keys by sales order; reduce marks that order's lines with the batch (one load,
 *    one save, skipped when all are marked already: idempotent under restarts).
 * 3. summarize uploads nothing and saves only the batch status: DONE when every reduce succeeded.
 *    Otherwise the batch stays UPLOADED and the next run marks the rest; after
 *    REJECTED_ITEMS_EXPORT.maxMarkTries runs the sales orders that still cannot be saved are set
 *    aside: their keys go on a SET_ASIDE batch record (which later collections skip, so they are
 *    not re-sent every run), an error report is written to `rejectedorderitem/error/` and logged,
 *    and the batch becomes DONE.
 *
 * So the upload happens once per batch in getInputData, a summarize restarted after it (Help:
 * "System Response After a Map/Reduce Interruption": the interrupted getInputData or summarize runs
 * again from its start, a map/reduce key runs again) cannot send the file twice, and summarize
 * spends a few units whatever the batch's size: marking costs 30 units per sales order
 * (load 10 + save 20), each reduce with its own 5,000-unit budget (Help: "SuiteScript Governance
 * and Limits"), and NetSuite yields between reduce invocations by itself.
 */
import * as log from 'N/log';
import * as record from 'N/record';
import * as search from 'N/search';
import * as sftp from 'N/sftp';
import type { EntryPoints } from 'N/types';
import { loadExportState, saveExportState } from './lib/exportState';
import { REJECTED_ITEMS_EXPORT as EXPORT, ID_EXPORT_BATCH as B, LAST_RUN, SO } from './lib/fields';
import { joinPath } from './lib/names';
import { param } from './lib/params';
import { csvLine } from './lib/csv';
import { errorMessage } from './lib/report';
import { buildSearch, collectRows, csvFiles, exportFileName, type KeyedRow, newBatchId } from './lib/rejectedItems';
import { ensureDir, loadSftpSettings, openFeedConnection, uploadAtomic } from './lib/sftpClient';

const P = EXPORT.paramPrefix;

type Status = 'PENDING' | 'UPLOADED' | 'DONE' | 'SET_ASIDE';

interface Batch {
  id: string;
  /** The batch id (record name): the lines' mark and the source of the file name and rejectionIds. */
  name: string;
  file: string;
  status: Status;
  keys: string[];
}

export const config: EntryPoints.MapReduce.config = { retryCount: 1, exitOnError: false };

function batches(statuses: Status[], max: number): Batch[] {
  const byStatus: unknown[] = [];
  for (const st of statuses) byStatus.push(...(byStatus.length ? ['OR'] : []), [B.status, 'is', st]);
  return search
    .create({
      type: B.type,
      filters: [[B.feed, 'is', EXPORT.feed], 'AND', byStatus],
      columns: [search.createColumn({ name: 'internalid', sort: search.Sort.ASC }), 'name', B.file, B.status, B.keys],
    })
    .run()
    .getRange({ start: 0, end: max })
    .map((r) => {
      const keys = String(r.getValue({ name: B.keys }) || '');
      const status = String(r.getValue({ name: B.status })) as Status;
      return { id: String(r.id), name: String(r.getValue({ name: 'name' })), file: String(r.getValue({ name: B.file }) || ''), status, keys: keys ? keys.split(',') : [] };
    });
}

const openBatch = (): Batch | null => batches(['PENDING', 'UPLOADED'], 1)[0] || null;

function saveBatch(id: string, values: Record<string, string | number>): void {
  record.submitFields({ type: B.type, id, values });
}

function createBatch(name: string, file: string, status: Status, keys: string[]): string {
  const rec = record.create({ type: B.type });
  rec.setValue({ fieldId: 'name', value: name });
  rec.setValue({ fieldId: B.feed, value: EXPORT.feed });
  rec.setValue({ fieldId: B.file, value: file });
  rec.setValue({ fieldId: B.status, value: status });
  rec.setValue({ fieldId: B.keys, value: keys.join(',') });
  rec.setValue({ fieldId: B.rows, value: keys.length });
  return String(rec.save());
}

function connect(): sftp.Connection {
  return openFeedConnection(loadSftpSettings(param(`${P}sftp_config`)), EXPORT.feedDir);
}

/** True when `file` is in the folder, or moved by the OMS to its archive/ or failed/. */
function onServer(conn: sftp.Connection, file: string): boolean {
  return [EXPORT.dir, joinPath(EXPORT.dir, 'archive'), joinPath(EXPORT.dir, 'failed')].some((dir) => {
    try {
      return conn.list({ path: dir, sort: sftp.Sort.NAME }).some((e) => e.name === file);
    } catch (e) {
      return false; // the folder does not exist
    }
  });
}

function setTries(stateId: string, tries: number): void {
  record.submitFields({ type: LAST_RUN.type, id: stateId, values: { [LAST_RUN.rejectedItemsMarkTries]: tries } });
}

/** `{so}:{line}` of every set-aside line (at most 1,000 set-aside records are read). */
function setAsideLines(): Set<string> {
  const out = new Set<string>();
  for (const b of batches(['SET_ASIDE'], 1000)) for (const k of b.keys) out.add(k.split(':').slice(0, 2).join(':'));
  return out;
}

/** Builds a new batch (or rebuilds a PENDING one that never reached the server) and uploads it. */
function exportNew(conn: sftp.Connection, pending: Batch | null, stateId: string, lastRun: Date | null): Batch | null {
  const runStart = new Date();
  const name = pending ? pending.name : newBatchId(runStart);
  const { rows, complete } = collectRows(buildSearch(lastRun, runStart), name, setAsideLines());
  if (!rows.length) {
    if (pending) saveBatch(pending.id, { [B.status]: 'DONE', [B.keys]: '', [B.rows]: 0 });
    if (complete) saveExportState(stateId, { lastRun: runStart });
    return null;
  }
  const keys = rows.map((r: KeyedRow) => r.key);
  const file = exportFileName(name, 1);
  const batch: Batch = pending || { id: createBatch(name, file, 'PENDING', []), name, file, status: 'PENDING', keys };
  saveBatch(batch.id, { [B.keys]: keys.join(','), [B.rows]: keys.length, [B.file]: file });
  // collectRows keeps the file under max_file_bytes, so csvFiles makes one document.
  const [doc] = csvFiles(name, rows.map((r) => r.row), 9500000);
  const path = uploadAtomic(conn, EXPORT.dir, file, doc.contents, (n) => exportFileName(name, 1, n));
  const uploaded = path.slice(path.lastIndexOf('/') + 1);
  saveBatch(batch.id, { [B.status]: 'UPLOADED', [B.file]: uploaded });
  setTries(stateId, 0);
  if (complete) saveExportState(stateId, { lastRun: runStart });
  log.audit({ title: 'Rejected items uploaded', details: `${rows.length} row(s) in ${path}; the lines are marked next` });
  return { ...batch, file: uploaded, status: 'UPLOADED', keys };
}

export const getInputData: EntryPoints.MapReduce.getInputData = () => {
  const state = loadExportState(param(`${P}state_record`));
  const open = openBatch();
  if (open && open.status === 'UPLOADED') {
    log.audit({ title: 'Finishing batch', details: `${open.file}: marking ${open.keys.length} line(s)` });
    return entries(open);
  }
  const conn = connect();
  if (open && onServer(conn, open.file)) {
    saveBatch(open.id, { [B.status]: 'UPLOADED' });
    setTries(state.id, 0);
    return entries(open);
  }
  const batch = exportNew(conn, open, state.id, state.lastRun);
  return batch ? entries(batch) : {};
};

function entries(batch: Batch): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of batch.keys) out[k] = batch.name;
  return out;
}

/** map: `{so}:{line}:{seq}` → the reduce of sales order `{so}`. */
export const map: EntryPoints.MapReduce.map = (ctx) => {
  const [so, line] = ctx.key.split(':');
  ctx.write({ key: so, value: JSON.stringify({ line, batch: ctx.value }) });
};

/** reduce: marks the order's exported lines with the batch (idempotent). */
export const reduce: EntryPoints.MapReduce.reduce = (ctx) => {
  const so = record.load({ type: record.Type.SALES_ORDER, id: ctx.key });
  let changed = false;
  for (const value of ctx.values) {
    const { line, batch } = JSON.parse(value) as { line: string; batch: string };
    const idx = so.findSublistLineWithValue({ sublistId: SO.itemSublist, fieldId: SO.line, value: line });
    if (idx < 0) {
      log.audit({ title: 'Exported line gone', details: `sales order ${ctx.key}: line ${line} was removed after the export; nothing to mark` });
      continue;
    }
    if (String(so.getSublistValue({ sublistId: SO.itemSublist, fieldId: SO.rejectionExportBatch, line: idx }) || '') === batch) continue;
    so.setSublistValue({ sublistId: SO.itemSublist, fieldId: SO.rejectionExportBatch, line: idx, value: batch });
    changed = true;
  }
  if (changed) so.save({ enableSourcing: false, ignoreMandatoryFields: true });
};

function reduceErrors(ctx: EntryPoints.MapReduce.summarizeContext): Map<string, string> {
  const out = new Map<string, string>();
  for (const summary of [ctx.mapSummary, ctx.reduceSummary]) {
    summary.errors.iterator().each((key, err) => {
      out.set(key, err);
      return true;
    });
  }
  return out;
}

/** `{file}.errors.csv` in `rejectedorderitem/error/` (feeds.md v2 report form `row,internalId,lineId,orderLineId,message`). */
function reportSetAside(batch: Batch, failed: Map<string, string>): string {
  const lines = [csvLine(['row', 'internalId', 'lineId', 'orderLineId', 'message'])];
  batch.keys.forEach((k, i) => {
    const [so, line, seq] = k.split(':');
    if (failed.has(so)) lines.push(csvLine([String(i + 1), so, line, seq, `set aside: the sales order could not be saved to mark the line exported (${failed.get(so)})`.slice(0, 1000)]));
  });
  const name = batch.file.replace(/\.csv$/, '.errors.csv');
  const conn = connect();
  ensureDir(conn, joinPath(EXPORT.dir, 'error'));
  return uploadAtomic(conn, joinPath(EXPORT.dir, 'error'), name, lines.join('\n') + '\n', (n) => name.replace(/\.errors\.csv$/, `-${n}.errors.csv`));
}

function setAside(batch: Batch, failed: Map<string, string>): void {
  const keys = batch.keys.filter((k) => failed.has(k.split(':')[0]));
  createBatch(`${batch.name} set aside`, batch.file, 'SET_ASIDE', keys);
  saveBatch(batch.id, { [B.status]: 'DONE' });
  log.error({ title: `${failed.size} sales order(s) set aside`, details: `${batch.file}: ${[...failed].map(([k, e]) => `${k}: ${e}`).join('\n')}`.slice(0, 3900) });
  try {
    log.audit({ title: 'Set-aside report written', details: reportSetAside(batch, failed) });
  } catch (e) {
    log.error({ title: 'Set-aside report not written', details: errorMessage(e) });
  }
}

export const summarize: EntryPoints.MapReduce.summarize = (ctx) => {
  if (ctx.inputSummary.error) log.error({ title: 'getInputData failed', details: String(ctx.inputSummary.error).slice(0, 3900) });
  const batch = openBatch();
  if (!batch || batch.status !== 'UPLOADED') return;
  const failed = reduceErrors(ctx);
  if (!failed.size) {
    saveBatch(batch.id, { [B.status]: 'DONE' });
    log.audit({ title: 'Rejected items batch done', details: `${batch.file}: ${batch.keys.length} line(s) exported and marked` });
    return;
  }
  const state = loadExportState(param(`${P}state_record`));
  const rec = record.load({ type: LAST_RUN.type, id: state.id });
  const tries = Number(rec.getValue({ fieldId: LAST_RUN.rejectedItemsMarkTries }) || 0) + 1;
  if (tries < EXPORT.maxMarkTries) {
    setTries(state.id, tries);
    log.error({ title: `${failed.size} sales order(s) not marked (try ${tries} of ${EXPORT.maxMarkTries})`, details: `${batch.file} stays UPLOADED; the next run marks them` });
    return;
  }
  setAside(batch, failed);
  setTries(state.id, 0);
};
