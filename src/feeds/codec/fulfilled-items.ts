/**
 * Fulfilled order items — OMS → NetSuite, for items fulfilled outside NetSuite (stores).
 * `{root}/salesorder/update/fulfilledOrderItemsFeed_{ts}_{run}.csv`; NetSuite then creates the item
 * fulfilments (`HC_SC_CreateItemFulfillment` selects lines by the tag). Columns
 * `internalId,lineId,item,quantity,location,tags,orderLineId`; `lineId` is empty for a piece of a
 * split line NetSuite has no line for yet (NetSuite adds one carrying `orderLineId`).
 */
import type { Transform } from 'node:stream';
import { z } from 'zod';
import type { ColumnSpec } from './cells';
import { createCsvEncoder, encodeCsv } from './csv';
import { defineOutboundCsvFeed } from './feed';
import { zId, zInt, zOptionalId, zText } from './fields';

const DEFAULT_FULFILLMENT_TAG = 'oms-fulfilled';

const FULFILLED_ITEMS_COLUMNS = [
  { name: 'internalId', kind: 'id' },
  { name: 'lineId', kind: 'id', optional: true },
  { name: 'item', kind: 'id', optional: true },
  { name: 'quantity', kind: 'int', positive: true },
  { name: 'location', kind: 'id' },
  { name: 'tags', kind: 'text', optional: false },
  { name: 'orderLineId', kind: 'id' },
] as const satisfies readonly ColumnSpec[];

export interface FulfilledItemRow {
  /** NetSuite internal id of the sales order. */
  internalId: string;
  /** NetSuite line id of the item; empty for a piece of a split line NetSuite has no line for yet. */
  lineId?: string;
  /** NetSuite item internal id; may be empty (the line is found by `lineId`). */
  item?: string;
  /** Shipped quantity, > 0. */
  quantity: number | string;
  /** NetSuite location internal id of the facility that fulfilled the item. */
  location: string;
  /** The OMS item sequence id. */
  orderLineId: string;
}

const fulfilledItemSchema = z.object({
  internalId: zId(),
  lineId: zOptionalId(),
  item: zOptionalId(),
  quantity: zInt({ positive: true }),
  location: zId(),
  tags: zText(),
  orderLineId: zId(),
});
type FulfilledItemRecord = z.output<typeof fulfilledItemSchema>;

export const fulfilledItemsFeed = defineOutboundCsvFeed<FulfilledItemRow, FulfilledItemRecord>({
  name: 'fulfilled-items',
  folder: 'salesorder/update/',
  prefix: 'fulfilledOrderItemsFeed',
  columns: FULFILLED_ITEMS_COLUMNS,
  schema: fulfilledItemSchema,
  encodeOptions: { fixed: { tags: DEFAULT_FULFILLMENT_TAG } },
});

/** Whole-file encode; every row gets `tags` = `tag` (the configured fulfilment tag). */
export function encodeFulfilledItems(rows: Iterable<FulfilledItemRow>, tag = DEFAULT_FULFILLMENT_TAG): string {
  return encodeCsv(FULFILLED_ITEMS_COLUMNS, rows, { fixed: { tags: tag } });
}

/** Streaming encode; every row gets `tags` = `tag`. */
export function createFulfilledItemsEncoder(tag = DEFAULT_FULFILLMENT_TAG): Transform {
  return createCsvEncoder(FULFILLED_ITEMS_COLUMNS, { fixed: { tags: tag } });
}
