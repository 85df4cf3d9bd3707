/**
 * @NApiVersion 2.1
 * @NScriptType ScheduledScript
 * @NModuleScope SameAccount
 */

/*
 * Imports `{default dir}/inventoryadjustment/csv/*.csv` (inventory variances from the OMS)
 * through the saved CSV import map `custimport_oms_inventoryadjustment`.
 *
 * As in HotWax's layout the outcome folders are SIBLINGS of `csv/`: `inventoryadjustment/archive/`
 * (task COMPLETE), `inventoryadjustment/failed/` (task FAILED) and
 * `inventoryadjustment/error/yyyy-MM-dd-HH-mm-ss-ErrorInventoryAdjustment.csv`.
 */
import type { EntryPoints } from 'N/types';
import { runCsvImportFeed } from './lib/csvImportFeed';
import { INVENTORY_ADJUSTMENTS } from './lib/fields';

export const execute: EntryPoints.Scheduled.execute = () => {
  runCsvImportFeed(INVENTORY_ADJUSTMENTS);
};
