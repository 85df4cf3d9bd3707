/**
 * Rejected order items — NetSuite → OMS (contracts/feeds.md v2).
 * `{root}/salesorder/rejectedorderitem/*-RejectedSalesOrderItemExport.csv`, written by
 * `HC_MR_ExportedRejectedSalesOrderItemCSV`:
 * `orderId,orderItemSeqId,rejectionComments,rejectionReason,facilityId,rejectionId`.
 * `orderId` is the OMS order id, `orderItemSeqId` the OMS item sequence id; comments and reason are
 * optional free text. `facilityId` is the NetSuite location internal id the line was at when it
 * was rejected, `rejectionId` a value unique to that one rejection. Both are required in a v2 file;
 * a file of the older form has neither column (its rows decode with both `undefined`). A file
 * with only one of the two columns has every row refused.
 */
import { z } from 'zod';
import type { ColumnSpec } from './cells';
import { defineInboundCsvFeed } from './feed';
import { zId, zOptionalText } from './fields';

const REJECTED_ITEMS_COLUMNS = [
  { name: 'orderId', kind: 'id' },
  { name: 'orderItemSeqId', kind: 'id' },
  { name: 'rejectionComments', kind: 'text' },
  { name: 'rejectionReason', kind: 'text' },
  { name: 'facilityId', kind: 'id', absentable: true },
  { name: 'rejectionId', kind: 'id', absentable: true },
] as const satisfies readonly ColumnSpec[];

/** A v2 cell (required id) or, for a file without that column, `undefined`. */
const zV2Id = () => zId().optional();

const rejectedItemSchema = z.object({
  orderId: zId(),
  orderItemSeqId: zId(),
  rejectionComments: zOptionalText(),
  rejectionReason: zOptionalText(),
  facilityId: zV2Id(),
  rejectionId: zV2Id(),
}).superRefine((r, ctx) => {
  if ((r.facilityId === undefined) !== (r.rejectionId === undefined)) {
    const missing = r.facilityId === undefined ? 'facilityId' : 'rejectionId';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'column missing from the header (a v2 file has both facilityId and rejectionId)' });
  }
});
export type RejectedItemRecord = z.output<typeof rejectedItemSchema>;

interface RejectedItemRow {
  orderId: string;
  orderItemSeqId: string;
  rejectionComments?: string;
  rejectionReason?: string;
  facilityId: string;
  rejectionId: string;
}

export const rejectedItemsFeed = defineInboundCsvFeed<RejectedItemRow, RejectedItemRecord>({
  name: 'rejected-items',
  folder: 'salesorder/rejectedorderitem/',
  glob: '*-RejectedSalesOrderItemExport.csv',
  columns: REJECTED_ITEMS_COLUMNS,
  schema: rejectedItemSchema,
});

export const decodeRejectedItems = rejectedItemsFeed.decode;
