/**
 * Id back-sync — NetSuite → OMS. Any `*.csv` in each folder:
 * - `salesorder/import/orderidentification/`: `orderId,orderIdentificationTypeId,idValue`, type
 *   `NETSUITE_ORDER_ID` (NetSuite sales order internal id of an OMS order);
 * - `salesorder/import/orderitemattribute/`: `orderId,orderItemSeqId,attrName,attrValue`, name
 *   `NetsuiteItemLineId` (NetSuite line id of an OMS order item);
 * - `customer/import/`: `partyId,partyIdentificationTypeId,idValue`, type `NETSUITE_CUSTOMER_ID`.
 * A row with another type/name is a row error naming that field.
 */
import { z } from 'zod';
import type { ColumnSpec } from './cells';
import { defineInboundCsvFeed } from './feed';
import { zConst, zId } from './fields';

const NETSUITE_ORDER_ID = 'NETSUITE_ORDER_ID';
const NETSUITE_ITEM_LINE_ID = 'NetsuiteItemLineId';
const NETSUITE_CUSTOMER_ID = 'NETSUITE_CUSTOMER_ID';

// --- order identification --------------------------------------------------------------------

const ORDER_IDENTIFICATION_COLUMNS = [
  { name: 'orderId', kind: 'id' },
  { name: 'orderIdentificationTypeId', kind: 'id' },
  { name: 'idValue', kind: 'id' },
] as const satisfies readonly ColumnSpec[];

const orderIdentificationSchema = z.object({
  orderId: zId(),
  orderIdentificationTypeId: zConst(NETSUITE_ORDER_ID),
  idValue: zId(),
});
export type OrderIdentificationRecord = z.output<typeof orderIdentificationSchema>;
interface OrderIdentificationRow {
  orderId: string;
  orderIdentificationTypeId: typeof NETSUITE_ORDER_ID;
  idValue: string;
}

export const orderIdentificationFeed = defineInboundCsvFeed<OrderIdentificationRow, OrderIdentificationRecord>({
  name: 'order-identification',
  folder: 'salesorder/import/orderidentification/',
  glob: '*.csv',
  columns: ORDER_IDENTIFICATION_COLUMNS,
  schema: orderIdentificationSchema,
});
export const decodeOrderIdentifications = orderIdentificationFeed.decode;

// --- order item attribute --------------------------------------------------------------------

const ORDER_ITEM_ATTRIBUTE_COLUMNS = [
  { name: 'orderId', kind: 'id' },
  { name: 'orderItemSeqId', kind: 'id' },
  { name: 'attrName', kind: 'id' },
  { name: 'attrValue', kind: 'id' },
] as const satisfies readonly ColumnSpec[];

const orderItemAttributeSchema = z.object({
  orderId: zId(),
  orderItemSeqId: zId(),
  attrName: zConst(NETSUITE_ITEM_LINE_ID),
  attrValue: zId(),
});
export type OrderItemAttributeRecord = z.output<typeof orderItemAttributeSchema>;
interface OrderItemAttributeRow {
  orderId: string;
  orderItemSeqId: string;
  attrName: typeof NETSUITE_ITEM_LINE_ID;
  attrValue: string;
}

export const orderItemAttributeFeed = defineInboundCsvFeed<OrderItemAttributeRow, OrderItemAttributeRecord>({
  name: 'order-item-attribute',
  folder: 'salesorder/import/orderitemattribute/',
  glob: '*.csv',
  columns: ORDER_ITEM_ATTRIBUTE_COLUMNS,
  schema: orderItemAttributeSchema,
});
export const decodeOrderItemAttributes = orderItemAttributeFeed.decode;

// --- customer identification -----------------------------------------------------------------

const CUSTOMER_IDENTIFICATION_COLUMNS = [
  { name: 'partyId', kind: 'id' },
  { name: 'partyIdentificationTypeId', kind: 'id' },
  { name: 'idValue', kind: 'id' },
] as const satisfies readonly ColumnSpec[];

const customerIdentificationSchema = z.object({
  partyId: zId(),
  partyIdentificationTypeId: zConst(NETSUITE_CUSTOMER_ID),
  idValue: zId(),
});
export type CustomerIdentificationRecord = z.output<typeof customerIdentificationSchema>;
interface CustomerIdentificationRow {
  partyId: string;
  partyIdentificationTypeId: typeof NETSUITE_CUSTOMER_ID;
  idValue: string;
}

export const customerIdentificationFeed = defineInboundCsvFeed<CustomerIdentificationRow, CustomerIdentificationRecord>({
  name: 'customer-identification',
  folder: 'customer/import/',
  glob: '*.csv',
  columns: CUSTOMER_IDENTIFICATION_COLUMNS,
  schema: customerIdentificationSchema,
});
