/**
 * New sales orders — OMS → NetSuite, one row per order line.
 * `{root}/salesorder/export/CreateOrderFeed_{ts}_{run}.csv`, read by `HC_importSalesOrders`
 * (a saved CSV import that ADDs, as the public integration's `custimport_add_salesorders_hc` does).
 * Header values repeat on every line of the order.
 * `customer` is the NetSuite customer id, so an order waits until its customer's id is known.
 *
 * NetSuite's CSV import groups lines into one order by the header key within one file, so when a
 * run is split into several files an order's lines must stay in one file: use
 * `batchRows(..., { groupKey: salesOrderGroupKey })`.
 */
import { z } from 'zod';
import type { ColumnSpec } from './cells';
import { defineOutboundCsvFeed } from './feed';
import { zDecimal, zFlag, zId, zInt, zNsDate, zOptionalId, zOptionalText } from './fields';

export const SALES_ORDER_COLUMNS = [
  { name: 'HCOrderId', kind: 'id' },
  { name: 'externalId', kind: 'id' },
  { name: 'date', kind: 'date' },
  { name: 'customer', kind: 'id' },
  { name: 'email', kind: 'text' },
  { name: 'salesChannel', kind: 'id', optional: true },
  { name: 'subsidiary', kind: 'id' },
  { name: 'location', kind: 'id', optional: true },
  { name: 'shippingMethod', kind: 'id', optional: true },
  { name: 'shippingCost', kind: 'decimal', optional: true },
  { name: 'orderLineId', kind: 'id' },
  { name: 'item', kind: 'id' },
  { name: 'quantity', kind: 'int' },
  { name: 'price', kind: 'decimal' },
  { name: 'closed', kind: 'flag' },
  { name: 'addressee', kind: 'text' },
  { name: 'address1', kind: 'text' },
  { name: 'address2', kind: 'text' },
  { name: 'city', kind: 'text' },
  { name: 'state', kind: 'text' },
  { name: 'zip', kind: 'text' },
  { name: 'country', kind: 'text' },
  { name: 'phone', kind: 'phone' },
] as const satisfies readonly ColumnSpec[];

export interface SalesOrderLineRow {
  /** OMS order id. */
  HCOrderId: string;
  /** NetSuite external id of the order. */
  externalId: string;
  /** Order date: a Date (its UTC day) or `M/D/YYYY`. */
  date: Date | string;
  /** NetSuite customer internal id. */
  customer: string;
  email?: string;
  salesChannel?: string;
  subsidiary: string;
  /** NetSuite location internal id of the order's facility. */
  location?: string;
  /** Mapped NetSuite ship method id (or the OMS id when unmapped). */
  shippingMethod?: string;
  shippingCost?: string | number;
  /** OMS order item sequence id. */
  orderLineId: string;
  /** NetSuite item internal id. */
  item: string;
  quantity: number | string;
  price: string | number;
  /** `T` when the line is cancelled. */
  closed: boolean | 'T' | 'F';
  addressee?: string;
  address1?: string;
  address2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
  phone?: string;
}

const salesOrderLineSchema = z.object({
  HCOrderId: zId(),
  externalId: zId(),
  date: zNsDate(),
  customer: zId(),
  email: zOptionalText(),
  salesChannel: zOptionalId(),
  subsidiary: zId(),
  location: zOptionalId(),
  shippingMethod: zOptionalId(),
  shippingCost: zDecimal({ optional: true }),
  orderLineId: zId(),
  item: zId(),
  quantity: zInt(),
  price: zDecimal(),
  closed: zFlag(),
  addressee: zOptionalText(),
  address1: zOptionalText(),
  address2: zOptionalText(),
  city: zOptionalText(),
  state: zOptionalText(),
  zip: zOptionalText(),
  country: zOptionalText(),
  phone: zOptionalText(),
});
type SalesOrderLineRecord = z.output<typeof salesOrderLineSchema>;

export const salesOrdersFeed = defineOutboundCsvFeed<SalesOrderLineRow, SalesOrderLineRecord>({
  name: 'sales-orders',
  folder: 'salesorder/export/',
  prefix: 'CreateOrderFeed',
  columns: SALES_ORDER_COLUMNS,
  schema: salesOrderLineSchema,
});

export const encodeSalesOrders = salesOrdersFeed.encode;

/** Group key for `batchRows`: all lines of one order go to the same file. */
export const salesOrderGroupKey = (row: SalesOrderLineRow): string => row.HCOrderId;
