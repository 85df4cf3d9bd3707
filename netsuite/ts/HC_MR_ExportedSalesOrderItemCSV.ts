/**
 * @NApiVersion 2.1
 * @NScriptType MapReduceScript
 * @NModuleScope SameAccount
 */

/*
 * Sends the OMS the NetSuite line ids of its order items:
 * `{default dir}/salesorder/import/orderitemattribute/yyyy-MM-dd-HH-mm-ss-{tail}-SalesOrderItemExport.csv`
 * with `orderId,orderItemSeqId,attrName,attrValue` (feeds.md v2: orderId = `custbody_oms_order_id`,
 * orderItemSeqId = the line's `custcol_oms_order_line_id`, attrName `NetsuiteItemLineId`,
 * attrValue = the line id, the `line` the update feeds send back as `lineId`).
 *
 * A line qualifies when its order carries an OMS order id, the line an OMS line id, and its
 * `custcol_oms_line_export_batch` is empty. That includes the lines HC_SC_UpdateSalesOrders adds
 * for the new pieces of a split line: they carry the piece's `orderLineId` and no mark yet, so the
 * next run sends their ids. Lines are marked (the mark = the file name) only after the file is on
 * the server, one load and one save per sales order in map; see lib/idExport.ts.
 */
import * as log from 'N/log';
import * as record from 'N/record';
import * as search from 'N/search';
import type { EntryPoints } from 'N/types';
import { LINE_ID_EXPORT, SO, SO_ID_EXPORT } from './lib/fields';
import { cell, type IdExportSpec, idExportInput, idExportMap, idExportReduce, idExportSummarize, stageErrors } from './lib/idExport';

const ATTR_NAME = 'NetsuiteItemLineId';

/** Stamps the lines (`soId:line` keys) of one sales order: one load (10 units) and one save (20). */
function markLines(soId: string, keys: string[], batch: string): void {
  const lines = keys.map((k) => k.slice(k.indexOf(':') + 1));
  const so = record.load({ type: record.Type.SALES_ORDER, id: soId });
  let changed = false;
  const missing: string[] = [];
  for (const line of lines) {
    const idx = so.findSublistLineWithValue({ sublistId: SO.itemSublist, fieldId: SO.line, value: line });
    if (idx < 0) {
      missing.push(line);
      continue;
    }
    if (String(so.getSublistValue({ sublistId: SO.itemSublist, fieldId: SO_ID_EXPORT.lineBatch, line: idx }) || '') === batch) continue;
    so.setSublistValue({ sublistId: SO.itemSublist, fieldId: SO_ID_EXPORT.lineBatch, line: idx, value: batch });
    changed = true;
  }
  if (changed) so.save({ enableSourcing: false, ignoreMandatoryFields: true });
  // A line deleted since the search went out in the file anyway; there is nothing left to mark.
  if (missing.length) log.audit({ title: 'Lines gone before marking', details: `sales order ${soId}: line(s) ${missing.join(', ')} (${batch})` });
}

const SPEC: IdExportSpec = {
  feed: LINE_ID_EXPORT,
  pending: () =>
    search.create({
      type: search.Type.SALES_ORDER,
      filters: [['mainline', 'is', 'F'], 'AND', [SO.orderId, 'isnotempty', ''], 'AND', [SO.lineId, 'isnotempty', ''], 'AND', [SO_ID_EXPORT.lineBatch, 'isempty', '']],
      columns: [search.createColumn({ name: 'internalid', sort: search.Sort.ASC }), SO.orderId, SO.line, SO.lineId],
    }),
  toRow: (r) => ({ key: `${r.id}:${cell(r, SO.line)}`, cells: [cell(r, SO.orderId), cell(r, SO.lineId), ATTR_NAME, cell(r, SO.line)] }),
  groupOf: (key) => key.slice(0, key.indexOf(':')),
  mark: markLines,
};

export const config: EntryPoints.MapReduce.config = { retryCount: 1, exitOnError: false };

export const getInputData: EntryPoints.MapReduce.getInputData = () => idExportInput(SPEC);

export const map: EntryPoints.MapReduce.map = (ctx) => idExportMap(SPEC, ctx.key, ctx.value, (o) => ctx.write(o));

export const reduce: EntryPoints.MapReduce.reduce = (ctx) => idExportReduce(SPEC, ctx.key, ctx.values);

export const summarize: EntryPoints.MapReduce.summarize = (ctx) => idExportSummarize(SPEC, stageErrors(ctx), String(ctx.inputSummary.error || ''));
