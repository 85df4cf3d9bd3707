/**
 * Public face of the NetSuite feed codecs: pure encode/decode for every feed of
 * `/work/shared/contracts/feeds.md` (no database, no network, no filesystem).
 *
 * Outbound (OMS → NetSuite) feeds have `fileName(date, runId)`, `encode(rows)` and
 * `createEncoder()`; inbound feeds have `decode(input)` and an anchored name `pattern`. Every CSV
 * feed has both directions so tests and a NetSuite simulator can write and read every file.
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

export * from './csv'; // + cells, errors, names
export * from './fields';
export * from './feed';
export * from './batch';
export * from './brokered-items';
export * from './fulfilled-items';
export * from './rejected-items';
export * from './inventory-adjustment';
export * from './customers';
export * from './sales-orders';
export * from './id-sync';
export * from './customer-deposits';
export * from './fulfillment';
export * from './deposit-ids';
export * from './refusal-reports';

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
