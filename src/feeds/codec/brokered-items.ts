/**
 * Brokered order items (allocation sync) — OMS → NetSuite.
 * `{root}/salesorder/update/brokeredOrderItemsFeed_{ts}_{run}.csv`, read by `HC_SC_UpdateSalesOrders`
 * (import map `custimport_update_salesorders_hc`). `closed` and `rejected` are always `F`
 * (`rejected=F` clears an earlier rejection of the line).
 */
import { z } from 'zod';
import type { ColumnSpec } from './cells';
import { defineOutboundCsvFeed } from './feed';
import { zFlag, zId, zInt } from './fields';

export const BROKERED_ITEMS_COLUMNS = [
  { name: 'internalId', kind: 'id' },
  { name: 'lineId', kind: 'id' },
  { name: 'item', kind: 'id' },
  { name: 'location', kind: 'id' },
  { name: 'quantity', kind: 'int', positive: true },
  { name: 'closed', kind: 'flag' },
  { name: 'rejected', kind: 'flag' },
] as const satisfies readonly ColumnSpec[];

/** What the allocation-sync job supplies per item; `closed`/`rejected` are fixed to `F`. */
export interface BrokeredItemRow {
  /** NetSuite internal id of the sales order. */
  internalId: string;
  /** NetSuite line id of the item. */
  lineId: string;
  /** NetSuite internal id of the product. */
  item: string;
  /** NetSuite location internal id (the facility's external id). */
  location: string;
  /** Allocated quantity, > 0. */
  quantity: number | string;
}

export const brokeredItemSchema = z.object({
  internalId: zId(),
  lineId: zId(),
  item: zId(),
  location: zId(),
  quantity: zInt({ positive: true }),
  closed: zFlag(),
  rejected: zFlag(),
});
export type BrokeredItemRecord = z.output<typeof brokeredItemSchema>;

export const brokeredItemsFeed = defineOutboundCsvFeed<BrokeredItemRow, BrokeredItemRecord>({
  name: 'brokered-items',
  folder: 'salesorder/update/',
  prefix: 'brokeredOrderItemsFeed',
  columns: BROKERED_ITEMS_COLUMNS,
  schema: brokeredItemSchema,
  encodeOptions: { fixed: { closed: 'F', rejected: 'F' } },
});

export const encodeBrokeredItems = brokeredItemsFeed.encode;
export const createBrokeredItemsEncoder = brokeredItemsFeed.createEncoder;
