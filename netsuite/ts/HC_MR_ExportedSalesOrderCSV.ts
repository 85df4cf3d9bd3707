/**
 * @NApiVersion 2.1
 * @NScriptType MapReduceScript
 * @NModuleScope SameAccount
 */

/*
 * Sends the OMS the NetSuite internal ids of the sales orders created from its order feed:
 * `{default dir}/salesorder/import/orderidentification/yyyy-MM-dd-HH-mm-ss-{tail}-SalesOrderExport.csv`
 * with `orderId,orderIdentificationTypeId,idValue` (feeds.md v2: orderId = `custbody_oms_order_id`,
 * type `NETSUITE_ORDER_ID`, idValue = the sales order's internal id).
 *
 * A sales order qualifies when it carries an OMS order id and its `custbody_oms_id_export_batch`
 * is empty (one search row per order: `mainline is T`). It is marked (the mark = the file name)
 * only after the file is on the server; see lib/idExport.ts.
 */
import * as record from 'N/record';
import * as search from 'N/search';
import type { EntryPoints } from 'N/types';
import { ORDER_ID_EXPORT, SO, SO_ID_EXPORT } from './lib/fields';
import { cell, type IdExportSpec, idExportInput, idExportMap, idExportReduce, idExportSummarize, stageErrors } from './lib/idExport';

const TYPE_ID = 'NETSUITE_ORDER_ID';

const SPEC: IdExportSpec = {
  feed: ORDER_ID_EXPORT,
  pending: () =>
    search.create({
      type: search.Type.SALES_ORDER,
      filters: [['mainline', 'is', 'T'], 'AND', [SO.orderId, 'isnotempty', ''], 'AND', [SO_ID_EXPORT.orderBatch, 'isempty', '']],
      columns: [search.createColumn({ name: 'internalid', sort: search.Sort.ASC }), SO.orderId],
    }),
  toRow: (r) => ({ key: String(r.id), cells: [cell(r, SO.orderId), TYPE_ID, String(r.id)] }),
  groupOf: (key) => key,
  mark: (id, _keys, batch) => {
    // submitFields of a body field: 10 units, no sublist reload (Help: record.submitFields).
    record.submitFields({ type: record.Type.SALES_ORDER, id, values: { [SO_ID_EXPORT.orderBatch]: batch } });
  },
};

export const config: EntryPoints.MapReduce.config = { retryCount: 1, exitOnError: false };

export const getInputData: EntryPoints.MapReduce.getInputData = () => idExportInput(SPEC);

export const map: EntryPoints.MapReduce.map = (ctx) => idExportMap(SPEC, ctx.key, ctx.value, (o) => ctx.write(o));

export const reduce: EntryPoints.MapReduce.reduce = (ctx) => idExportReduce(SPEC, ctx.key, ctx.values);

export const summarize: EntryPoints.MapReduce.summarize = (ctx) => idExportSummarize(SPEC, stageErrors(ctx), String(ctx.inputSummary.error || ''));
