/**
 * Public face of the NetSuite feed codecs: pure encode/decode for every feed of
 * `/work/shared/contracts/feeds.md` (no database, no network, no filesystem).
 *
 * Outbound (OMS → NetSuite) feeds have `fileName(date, runId)`, `encode(rows)` and
 * `createEncoder()`; inbound feeds have `decode(input)` and an anchored name `pattern`. Every CSV
 * feed has both directions so tests and a NetSuite simulator can write and read every file.
 *
 * The list below is what other modules import; everything else stays inside the codec.
 */
import type { FeedInfo } from './feed';
import { brokeredItemsFeed } from './brokered-items';
import { fulfilledItemsFeed } from './fulfilled-items';
import { rejectedItemsFeed } from './rejected-items';
import { inventoryAdjustmentFeed } from './inventory-adjustment';
import { customersFeed } from './customers';
import { salesOrdersFeed } from './sales-orders';
import { customerIdentificationFeed, orderIdentificationFeed, orderItemAttributeFeed } from './id-sync';
import { customerDepositsFeed } from './customer-deposits';
import { fulfillmentFeed } from './fulfillment';
import { depositIdsFeed } from './deposit-ids';

export { batchRows, NETSUITE_CSV_LIMITS } from './batch';
export {
  encodeCell,
  encodeRowCells,
  formatNsDate,
  isSafeId,
  neutralizeFormula,
  parseLenientDate,
  parseNsDate,
  type ColumnSpec,
} from './cells';
export { collectDecoded, createCsvEncoder, csvLineBytes, decodeCsv, encodeCsv, errorReportCsv, type DecodeResult } from './csv';
export { FeedEncodeError, FeedFileError } from './errors';
export type { CsvFeed } from './feed';
export { zId, zInt } from './fields';
export { feedFileName, feedFilePath, isSafeFeedFileName, parseFeedFileName } from './names';

export { brokeredItemsFeed, createBrokeredItemsEncoder, encodeBrokeredItems, type BrokeredItemRow } from './brokered-items';
export { createFulfilledItemsEncoder, encodeFulfilledItems, fulfilledItemsFeed, type FulfilledItemRow } from './fulfilled-items';
export { decodeRejectedItems, rejectedItemsFeed, type RejectedItemRecord } from './rejected-items';
export {
  encodeInventoryAdjustments,
  inventoryAdjustmentFeed,
  inventoryAdjustmentRow,
  isInventoryVarianceReason,
  normalizeVarianceReason,
  signedVarianceQuantity,
  type InventoryAdjustmentRow,
} from './inventory-adjustment';
export { CUSTOMER_COLUMNS, customersFeed, type CustomerRow } from './customers';
export { encodeSalesOrders, SALES_ORDER_COLUMNS, salesOrderGroupKey, salesOrdersFeed, type SalesOrderLineRow } from './sales-orders';
export {
  customerIdentificationFeed,
  decodeOrderIdentifications,
  decodeOrderItemAttributes,
  orderIdentificationFeed,
  orderItemAttributeFeed,
  type CustomerIdentificationRecord,
  type OrderIdentificationRecord,
  type OrderItemAttributeRecord,
} from './id-sync';
export {
  createCustomerDepositEncoder,
  customerDepositsFeed,
  decodeCustomerDeposits,
  encodeCustomerDeposit,
  encodeCustomerDeposits,
  type CustomerDepositRow,
} from './customer-deposits';
export { decodeFulfillments, fulfillmentFeed, type FulfillmentRecord } from './fulfillment';
export { depositIdsFeed, type DepositIdRecord } from './deposit-ids';
export {
  adjustmentRefusalsFeed,
  refusedFileName,
  updateRefusalsFeed,
  type AdjustmentRefusalRecord,
  type UpdateRefusalRecord,
} from './refusal-reports';

/** Every feed, by name. */
export const FEEDS = Object.freeze({
  'brokered-items': brokeredItemsFeed,
  'fulfilled-items': fulfilledItemsFeed,
  'rejected-items': rejectedItemsFeed,
  'inventory-adjustment': inventoryAdjustmentFeed,
  customers: customersFeed,
  'sales-orders': salesOrdersFeed,
  'order-identification': orderIdentificationFeed,
  'order-item-attribute': orderItemAttributeFeed,
  'customer-identification': customerIdentificationFeed,
  'customer-deposits': customerDepositsFeed,
  fulfillment: fulfillmentFeed,
  'customer-deposit-ids': depositIdsFeed,
} as const);

export type FeedName = keyof typeof FEEDS;

/** Registry entries (name, direction, format, folder, prefix/glob, pattern, columns). */
export const FEED_LIST: readonly FeedInfo[] = Object.freeze(Object.values(FEEDS));

/** Inbound feeds whose folder is `folder` (relative, trailing `/`). */
export function inboundFeedsIn(folder: string): FeedInfo[] {
  return FEED_LIST.filter((f) => f.direction === 'inbound' && f.folder === folder);
}
