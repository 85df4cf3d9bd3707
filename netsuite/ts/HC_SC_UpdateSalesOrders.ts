/**
 * @NApiVersion 2.1
 * @NScriptType ScheduledScript
 * @NModuleScope SameAccount
 */

/*
 * Imports `{default dir}/salesorder/update/*.csv` (brokered, fulfilled and cancelled order items
 * from the OMS) through the saved CSV import map `custimport_oms_update_salesorders`
 * (internalId, rejected, closed, item, lineId, location, quantity).
 *
 * Files are archived to `update/archive/` only when their CSV import task is COMPLETE; a FAILED
 * task moves the file to `update/failed/` and lists it in
 * `update/error/yyyy-MM-dd-HH-mm-ss-ErrorUpdateSalesOrder.csv`. See lib/csvImportFeed.ts.
 */
import type { EntryPoints } from 'N/types';
import { runCsvImportFeed } from './lib/csvImportFeed';
import { UPDATE_SALES_ORDERS } from './lib/fields';

export const execute: EntryPoints.Scheduled.execute = () => {
  runCsvImportFeed(UPDATE_SALES_ORDERS);
};
