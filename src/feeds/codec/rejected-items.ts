/**
 * Rejected order items — NetSuite → OMS.
 * `{root}/salesorder/rejectedorderitem/*-RejectedSalesOrderItemExport.csv`, written by
 * `HC_MR_ExportedRejectedSalesOrderItemCSV`. `orderId` is the OMS order id, `orderItemSeqId` the
 * OMS item sequence id; comments and reason are optional free text (NetSuite writes a literal
 * comment and an empty reason today).
 */
import { z } from 'zod';
import type { ColumnSpec } from './cells';
import { defineInboundCsvFeed } from './feed';
import { zId, zOptionalText } from './fields';

export const REJECTED_ITEMS_COLUMNS = [
  { name: 'orderId', kind: 'id' },
  { name: 'orderItemSeqId', kind: 'id' },
  { name: 'rejectionComments', kind: 'text' },
  { name: 'rejectionReason', kind: 'text' },
] as const satisfies readonly ColumnSpec[];

export const rejectedItemSchema = z.object({
  orderId: zId(),
  orderItemSeqId: zId(),
  rejectionComments: zOptionalText(),
  rejectionReason: zOptionalText(),
});
export type RejectedItemRecord = z.output<typeof rejectedItemSchema>;

export interface RejectedItemRow {
  orderId: string;
  orderItemSeqId: string;
  rejectionComments?: string;
  rejectionReason?: string;
}

export const rejectedItemsFeed = defineInboundCsvFeed<RejectedItemRow, RejectedItemRecord>({
  name: 'rejected-items',
  folder: 'salesorder/rejectedorderitem/',
  glob: '*-RejectedSalesOrderItemExport.csv',
  columns: REJECTED_ITEMS_COLUMNS,
  schema: rejectedItemSchema,
});

export const decodeRejectedItems = rejectedItemsFeed.decode;
