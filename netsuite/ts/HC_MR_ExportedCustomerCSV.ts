/**
 * @NApiVersion 2.1
 * @NScriptType MapReduceScript
 * @NModuleScope SameAccount
 */

/*
 * Sends the OMS the NetSuite internal ids of the customers created from its customer feed:
 * `{default dir}/customer/import/yyyy-MM-dd-HH-mm-ss-{tail}-CustomerExport.csv` with
 * `partyId,partyIdentificationTypeId,idValue` (feeds.md v2: partyId = the OMS customer id kept in
 * `custentity_oms_customer_id`, type `NETSUITE_CUSTOMER_ID`, idValue = the customer's internal id),
 * read by the OMS's customer-identification import.
 *
 * A customer qualifies when it carries an OMS id and its `custentity_oms_id_export_batch` is
 * empty. It is marked (the mark = the file name) only after the file is on the server; how a
 * batch survives restarts and exhausted budgets is in lib/idExport.ts.
 */
import * as record from 'N/record';
import * as search from 'N/search';
import type { EntryPoints } from 'N/types';
import { CUSTOMER, CUSTOMER_ID_EXPORT } from './lib/fields';
import { cell, type IdExportSpec, idExportInput, idExportMap, idExportReduce, idExportSummarize, stageErrors } from './lib/idExport';

const TYPE_ID = 'NETSUITE_CUSTOMER_ID';

const SPEC: IdExportSpec = {
  feed: CUSTOMER_ID_EXPORT,
  pending: () =>
    search.create({
      type: CUSTOMER.type,
      filters: [[CUSTOMER.omsId, 'isnotempty', ''], 'AND', [CUSTOMER.idExportBatch, 'isempty', '']],
      columns: [search.createColumn({ name: 'internalid', sort: search.Sort.ASC }), CUSTOMER.omsId],
    }),
  toRow: (r) => ({ key: String(r.id), cells: [cell(r, CUSTOMER.omsId), TYPE_ID, String(r.id)] }),
  groupOf: (key) => key,
  mark: (id, _keys, batch) => {
    record.submitFields({ type: CUSTOMER.type, id, values: { [CUSTOMER.idExportBatch]: batch } });
  },
};

export const config: EntryPoints.MapReduce.config = { retryCount: 1, exitOnError: false };

export const getInputData: EntryPoints.MapReduce.getInputData = () => idExportInput(SPEC);

export const map: EntryPoints.MapReduce.map = (ctx) => idExportMap(SPEC, ctx.key, ctx.value, (o) => ctx.write(o));

export const reduce: EntryPoints.MapReduce.reduce = (ctx) => idExportReduce(SPEC, ctx.key, ctx.values);

export const summarize: EntryPoints.MapReduce.summarize = (ctx) => idExportSummarize(SPEC, stageErrors(ctx), String(ctx.inputSummary.error || ''));
