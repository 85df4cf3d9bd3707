/**
 * Reference data every database holds: the virtual facilities (queues and parkings), the store
 * rejection reasons and the default routing profile. Idempotent: existing rows are left alone.
 */
import type { Db } from './client';
import { facilities, rejectionReasons, routingProfiles } from './schema';

/** The brokering queue: approved items waiting for a brokering run. */
export const BROKERING_QUEUE = '_NA_';
/** Where store-rejected items wait when their reason parks them instead of re-queueing. */
export const REJECTED_ITEM_PARKING = 'REJECTED_ITM_PARKING';
/** Where items of orders in Exception wait until an operator retries them. */
export const EXCEPTION_PARKING = 'EXCEPTION_PARKING';
/** NetSuite's "Rejected Orders" location (undefined type, not a physical place). */
export const NETSUITE_REJECTED_ORDERS = 'NS_REJECTED_ORDERS';

export const VIRTUAL_FACILITIES = [
  { id: BROKERING_QUEUE, name: 'Brokering Queue', fulfillmentSystem: 'OMS' },
  { id: REJECTED_ITEM_PARKING, name: 'Rejected Item Parking', fulfillmentSystem: 'OMS' },
  { id: EXCEPTION_PARKING, name: 'Exception Parking', fulfillmentSystem: 'OMS' },
  { id: NETSUITE_REJECTED_ORDERS, name: 'NetSuite Rejected Orders', fulfillmentSystem: 'NETSUITE' },
] as const;

export const DEFAULT_REJECTION_REASONS = [
  { id: 'NOT_IN_STOCK', description: 'Not in stock', varianceType: 'ZERO_OUT', pushToNetsuite: false, varianceSign: -1 },
  { id: 'WORN_DISPLAY', description: 'Worn display', varianceType: 'ADJUST_BY_QTY', pushToNetsuite: false, varianceSign: -1 },
  { id: 'MISMATCH', description: 'Product mismatch', varianceType: 'ADJUST_BY_QTY', pushToNetsuite: false, varianceSign: -1 },
  { id: 'VAR_STOLEN', description: 'Stolen', varianceType: 'ADJUST_BY_QTY', pushToNetsuite: true, varianceSign: -1 },
  { id: 'VAR_DAMAGED', description: 'Damaged', varianceType: 'ADJUST_BY_QTY', pushToNetsuite: true, varianceSign: -1 },
  { id: 'VAR_FOUND', description: 'Found (more on hand than recorded)', varianceType: 'ADJUST_BY_QTY', pushToNetsuite: true, varianceSign: 1 },
  { id: 'INACTIVE_STORE', description: 'Store inactive', varianceType: 'NO_VARIANCE', pushToNetsuite: false, varianceSign: -1 },
  { id: 'NO_VARIANCE_LOG', description: 'Rejected without inventory change', varianceType: 'NO_VARIANCE', pushToNetsuite: false, varianceSign: -1 },
  { id: 'REJECT_ENTIRE_ORDER', description: 'Reject entire order', varianceType: 'NO_VARIANCE', pushToNetsuite: false, varianceSign: -1 },
  { id: 'REJ_AVOID_ORD_SPLIT', description: 'Reject to avoid order split (no variance)', varianceType: 'NO_VARIANCE', pushToNetsuite: false, varianceSign: -1 },
] as const;

export async function seedReferenceData(db: Db): Promise<void> {
  await db.insert(facilities).values(VIRTUAL_FACILITIES.map((f) => ({
    ...f, type: 'VIRTUAL', country: 'US', ranking: 9999, active: true,
  }))).onConflictDoNothing();
  await db.insert(rejectionReasons).values(DEFAULT_REJECTION_REASONS.map((r) => ({ ...r })))
    .onConflictDoNothing();
  await db.insert(routingProfiles).values({ id: 'default', name: 'Default routing', salesChannel: null, settings: {} })
    .onConflictDoNothing();
}
