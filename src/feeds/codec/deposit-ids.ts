/**
 * Customer deposit ids — NetSuite → OMS (contracts/feeds.md "Customer deposits … and their ids back").
 * `{root}/salesorder/import/orderpayment/*-CustomerDepositExport.csv`, written by
 * `HC_MR_ExportedCustomerDepositCSV`: `orderId,internalId,manualRefNumber` — the OMS order id, the
 * customer deposit's NetSuite internal id, and the OMS payment id (the deposit's `externalId`).
 */
import { z } from 'zod';
import type { ColumnSpec } from './cells';
import { defineInboundCsvFeed } from './feed';
import { zId } from './fields';

const DEPOSIT_IDS_COLUMNS = [
  { name: 'orderId', kind: 'id' },
  { name: 'internalId', kind: 'id' },
  { name: 'manualRefNumber', kind: 'id' },
] as const satisfies readonly ColumnSpec[];

const depositIdSchema = z.object({ orderId: zId(), internalId: zId(), manualRefNumber: zId() });
export type DepositIdRecord = z.output<typeof depositIdSchema>;
interface DepositIdRow { orderId: string; internalId: string; manualRefNumber: string }

export const depositIdsFeed = defineInboundCsvFeed<DepositIdRow, DepositIdRecord>({
  name: 'customer-deposit-ids',
  folder: 'salesorder/import/orderpayment/',
  glob: '*-CustomerDepositExport.csv',
  columns: DEPOSIT_IDS_COLUMNS,
  schema: depositIdSchema,
});
