/**
 * NetSuite's refusal reports — NetSuite → OMS (contracts/feeds.md v2, "Refusals").
 *
 * For every OMS file `X.csv` that NetSuite read and could not fully apply, NetSuite writes one
 * report `X.errors.csv` into the `error/` folder beneath the folder it read:
 *
 * - `{root}/salesorder/update/error/X.errors.csv` (brokered and fulfilled items):
 *   `row,internalId,lineId,orderLineId,message` — `row` is the 1-based data row of `X.csv` (the
 *   header row is not counted), `internalId`, `lineId` and `orderLineId` echo that row's cells
 *   (`lineId` is empty for a new piece of a split line), `message` is NetSuite's reason.
 * - `{root}/inventoryadjustment/csv/error/X.errors.csv` (inventory adjustments):
 *   `row,externalId,message` — `externalId` echoes the row's `HC Inventory Adj Id` (= the OMS
 *   variance id, the adjustment's External ID in NetSuite).
 *
 * Reports are read by the OMS job `IMP_NS_IMPORT_ERRORS`.
 */
import { z } from 'zod';
import type { ColumnSpec } from './cells';
import { defineInboundCsvFeed } from './feed';
import { zId, zInt, zOptionalId, zOptionalText, zText } from './fields';

const REPORT_GLOB = '*.errors.csv';

const UPDATE_REFUSAL_COLUMNS = [
  { name: 'row', kind: 'int', positive: true },
  { name: 'internalId', kind: 'id', optional: true },
  { name: 'lineId', kind: 'id', optional: true },
  { name: 'orderLineId', kind: 'id', optional: true },
  { name: 'message', kind: 'text', optional: false },
] as const satisfies readonly ColumnSpec[];

const updateRefusalSchema = z.object({
  row: zInt({ positive: true }),
  // Echoed for people reading the report; the OMS finds the row by file and row number.
  internalId: zOptionalText(),
  lineId: zOptionalText(),
  orderLineId: zOptionalId(),
  message: zText(),
});
export type UpdateRefusalRecord = z.output<typeof updateRefusalSchema>;

interface UpdateRefusalRow {
  row: number;
  internalId?: string;
  lineId?: string;
  orderLineId?: string;
  message: string;
}

export const updateRefusalsFeed = defineInboundCsvFeed<UpdateRefusalRow, UpdateRefusalRecord>({
  name: 'salesorder-update-refusals',
  folder: 'salesorder/update/error/',
  glob: REPORT_GLOB,
  columns: UPDATE_REFUSAL_COLUMNS,
  schema: updateRefusalSchema,
});

const ADJUSTMENT_REFUSAL_COLUMNS = [
  { name: 'row', kind: 'int', positive: true },
  { name: 'externalId', kind: 'id' },
  { name: 'message', kind: 'text', optional: false },
] as const satisfies readonly ColumnSpec[];

const adjustmentRefusalSchema = z.object({
  row: zInt({ positive: true }),
  externalId: zId(),
  message: zText(),
});
export type AdjustmentRefusalRecord = z.output<typeof adjustmentRefusalSchema>;

interface AdjustmentRefusalRow {
  row: number;
  externalId: string;
  message: string;
}

export const adjustmentRefusalsFeed = defineInboundCsvFeed<AdjustmentRefusalRow, AdjustmentRefusalRecord>({
  name: 'inventory-adjustment-refusals',
  folder: 'inventoryadjustment/csv/error/',
  glob: REPORT_GLOB,
  columns: ADJUSTMENT_REFUSAL_COLUMNS,
  schema: adjustmentRefusalSchema,
});

/** `X.errors.csv` → `X.csv`, the refused file the report is about. */
export function refusedFileName(reportName: string): string {
  return reportName.replace(/\.errors\.csv$/, '.csv');
}
