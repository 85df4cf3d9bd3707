/**
 * Fulfilment — NetSuite → OMS: items NetSuite shipped.
 * `{root}/salesorder/import/fulfillment/*-SalesOrderFulfillment.csv`, written by
 * `HC_MR_ExportedSalesOrderFulfillmentCSV`. `quantity` is a positive integer; `shippedDate` is read
 * leniently (ISO 8601 or `M/D/YYYY`, optional time; no offset = UTC) into a `Date`.
 * `trackingNumber` may hold several numbers joined by ` | `.
 */
import { z } from 'zod';
import type { ColumnSpec } from './cells';
import { defineInboundCsvFeed } from './feed';
import { zId, zInt, zLenientDate, zOptionalId, zOptionalText } from './fields';

const FULFILLMENT_COLUMNS = [
  { name: 'orderId', kind: 'id' },
  { name: 'orderItemSeqId', kind: 'id' },
  { name: 'externalFacilityId', kind: 'id', optional: true },
  { name: 'shippedDate', kind: 'date' },
  { name: 'quantity', kind: 'int', positive: true },
  { name: 'trackingNumber', kind: 'text' },
  { name: 'carrier', kind: 'text' },
  { name: 'shippingMethod', kind: 'text' },
  { name: 'shippingMethodId', kind: 'id', optional: true },
] as const satisfies readonly ColumnSpec[];

const fulfillmentSchema = z.object({
  orderId: zId(),
  orderItemSeqId: zId(),
  externalFacilityId: zOptionalId(),
  shippedDate: zLenientDate(),
  quantity: zInt({ positive: true }),
  trackingNumber: zOptionalText(),
  carrier: zOptionalText(),
  shippingMethod: zOptionalText(),
  shippingMethodId: zOptionalId(),
});
export type FulfillmentRecord = z.output<typeof fulfillmentSchema>;

/** Encode side (test fixtures / NetSuite simulator): `shippedDate` is written as `M/D/YYYY`. */
interface FulfillmentRow {
  orderId: string;
  orderItemSeqId: string;
  externalFacilityId?: string;
  shippedDate: Date | string;
  quantity: number | string;
  trackingNumber?: string;
  carrier?: string;
  shippingMethod?: string;
  shippingMethodId?: string;
}

export const fulfillmentFeed = defineInboundCsvFeed<FulfillmentRow, FulfillmentRecord>({
  name: 'fulfillment',
  folder: 'salesorder/import/fulfillment/',
  glob: '*-SalesOrderFulfillment.csv',
  columns: FULFILLMENT_COLUMNS,
  schema: fulfillmentSchema,
});

export const decodeFulfillments = fulfillmentFeed.decode;
