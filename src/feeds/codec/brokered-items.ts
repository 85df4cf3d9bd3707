/**
 * Brokered order items (allocation sync) — OMS → NetSuite.
 * `{root}/salesorder/update/brokeredOrderItemsFeed_{ts}_{run}.csv`, read by `HC_SC_UpdateSalesOrders`
 * (update of sales-order lines): `internalId,lineId,item,location,quantity,closed,rejected,orderLineId`.
 *
 * `lineId` is empty for a new piece of a split line (NetSuite adds a line carrying `orderLineId`);
 * `location` is empty when the line's location is left as it is (a piece at a facility NetSuite
 * does not fulfil, a cancelled item); `closed` is `T` for an item cancelled in the OMS; `rejected`
 * is always `F` (it clears an earlier rejection of the line).
 */
import { z } from 'zod';
import type { ColumnSpec } from './cells';
import { defineOutboundCsvFeed } from './feed';
import { zFlag, zId, zInt, zOptionalId } from './fields';

const BROKERED_ITEMS_COLUMNS = [
  { name: 'internalId', kind: 'id' },
  { name: 'lineId', kind: 'id', optional: true },
  { name: 'item', kind: 'id' },
  { name: 'location', kind: 'id', optional: true },
  { name: 'quantity', kind: 'int', positive: true },
  { name: 'closed', kind: 'flag' },
  { name: 'rejected', kind: 'flag' },
  { name: 'orderLineId', kind: 'id' },
] as const satisfies readonly ColumnSpec[];

/** One row of the allocation sync; `rejected` is fixed to `F`. */
export interface BrokeredItemRow {
  /** NetSuite internal id of the sales order. */
  internalId: string;
  /** NetSuite line id of the item; empty/undefined for a new piece of a split line. */
  lineId?: string;
  /** NetSuite internal id of the product. */
  item: string;
  /** NetSuite location internal id (the facility's external id); empty = leave the line's location. */
  location?: string;
  /** Allocated quantity (for a closed line: the quantity last sent), > 0. */
  quantity: number | string;
  /** `T` for an item cancelled in the OMS, else `F`. */
  closed: 'T' | 'F' | boolean;
  /** The OMS item sequence id. */
  orderLineId: string;
}

const brokeredItemSchema = z.object({
  internalId: zId(),
  lineId: zOptionalId(),
  item: zId(),
  location: zOptionalId(),
  quantity: zInt({ positive: true }),
  closed: zFlag(),
  rejected: zFlag(),
  orderLineId: zId(),
});
type BrokeredItemRecord = z.output<typeof brokeredItemSchema>;

export const brokeredItemsFeed = defineOutboundCsvFeed<BrokeredItemRow, BrokeredItemRecord>({
  name: 'brokered-items',
  folder: 'salesorder/update/',
  prefix: 'brokeredOrderItemsFeed',
  columns: BROKERED_ITEMS_COLUMNS,
  schema: brokeredItemSchema,
  encodeOptions: { fixed: { rejected: 'F' } },
});

export const encodeBrokeredItems = brokeredItemsFeed.encode;
export const createBrokeredItemsEncoder = brokeredItemsFeed.createEncoder;
