/**
 * The one drizzle schema shared by PostgreSQL and PGlite. Migrations in `drizzle/` are generated
 * from it with `npm run db:generate`. Quantities are integers; money is numeric(14,2).
 */
import { sql } from 'drizzle-orm';
import {
  bigserial, boolean, check, doublePrecision, index, integer, jsonb, numeric, pgTable, primaryKey,
  text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();

export const facilities = pgTable('facilities', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** STORE | WAREHOUSE | VIRTUAL */
  type: text('type').notNull(),
  /** OMS (Store Fulfillment App) | NETSUITE */
  fulfillmentSystem: text('fulfillment_system').notNull().default('OMS'),
  /** NetSuite location internal id (the facility's external id). */
  netsuiteLocationId: text('netsuite_location_id'),
  address1: text('address1'),
  city: text('city'),
  state: text('state'),
  postalCode: text('postal_code'),
  country: text('country').notNull().default('US'),
  market: text('market'),
  latitude: doublePrecision('latitude'),
  longitude: doublePrecision('longitude'),
  ranking: integer('ranking').notNull().default(100),
  /** Inclusive 5-digit ZIP ranges, e.g. [["07000","08999"]]. */
  zipRanges: jsonb('zip_ranges').$type<[string, string][]>().notNull().default([]),
  accountingCodes: jsonb('accounting_codes').$type<string[]>().notNull().default([]),
  active: boolean('active').notNull().default(true),
  dailyOrderLimit: integer('daily_order_limit'),
  safetyStock: integer('safety_stock').notNull().default(0),
  createdAt: createdAt(),
}, (t) => [
  check('facilities_type_chk', sql`${t.type} in ('STORE','WAREHOUSE','VIRTUAL')`),
  check('facilities_fs_chk', sql`${t.fulfillmentSystem} in ('OMS','NETSUITE')`),
]);

export const products = pgTable('products', {
  id: text('id').primaryKey(),
  sku: text('sku').notNull(),
  name: text('name').notNull(),
  hazmat: boolean('hazmat').notNull().default(false),
  sample: boolean('sample').notNull().default(false),
  /** Assigned warehouse for the "Assign Warehouse by Product" rule. */
  warehouseId: text('warehouse_id').references(() => facilities.id),
  netsuiteItemId: text('netsuite_item_id'),
  autoCreated: boolean('auto_created').notNull().default(false),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('products_sku_uq').on(t.sku)]);

/** Counters per product and facility; every change to them is also a row in inventory_ledger. */
export const inventoryLevels = pgTable('inventory_levels', {
  productId: text('product_id').notNull().references(() => products.id),
  facilityId: text('facility_id').notNull().references(() => facilities.id),
  onHand: integer('on_hand').notNull().default(0),
  reserved: integer('reserved').notNull().default(0),
  /** Per product at this facility; null means the facility's safety stock applies. */
  safetyStock: integer('safety_stock'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.productId, t.facilityId] }),
  check('inv_on_hand_chk', sql`${t.onHand} >= 0`),
  check('inv_reserved_chk', sql`${t.reserved} >= 0`),
  index('inv_facility_idx').on(t.facilityId),
]);

export const inventoryLedger = pgTable('inventory_ledger', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  productId: text('product_id').notNull(),
  facilityId: text('facility_id').notNull(),
  /** SET_ON_HAND | ADJUST | VARIANCE | RESERVE | RELEASE | SHIP */
  kind: text('kind').notNull(),
  onHandDelta: integer('on_hand_delta').notNull().default(0),
  reservedDelta: integer('reserved_delta').notNull().default(0),
  reason: text('reason'),
  orderId: text('order_id'),
  orderItemSeqId: text('order_item_seq_id'),
  actor: text('actor').notNull().default('system'),
  createdAt: createdAt(),
}, (t) => [index('ledger_pf_idx').on(t.productId, t.facilityId)]);

/** One row per allocation; at most one ACTIVE reservation per order item. */
export const reservations = pgTable('reservations', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  orderId: text('order_id').notNull(),
  orderItemSeqId: text('order_item_seq_id').notNull(),
  productId: text('product_id').notNull(),
  facilityId: text('facility_id').notNull(),
  quantity: integer('quantity').notNull(),
  /** ACTIVE | RELEASED | CONSUMED */
  status: text('status').notNull().default('ACTIVE'),
  runId: text('run_id'),
  createdAt: createdAt(),
  closedAt: ts('closed_at'),
}, (t) => [
  uniqueIndex('reservations_active_item_uq').on(t.orderId, t.orderItemSeqId).where(sql`status = 'ACTIVE'`),
  index('reservations_pf_idx').on(t.productId, t.facilityId),
]);

/** Inventory variances (store rejections, manual adjustments); VAR_* ones are sent to NetSuite. */
export const variances = pgTable('variances', {
  id: text('id').primaryKey(),
  productId: text('product_id').notNull(),
  facilityId: text('facility_id').notNull(),
  reason: text('reason').notNull(),
  /** Signed delta applied to on hand. */
  quantity: integer('quantity').notNull(),
  orderId: text('order_id'),
  orderItemSeqId: text('order_item_seq_id'),
  /** True when the reason is one NetSuite must learn of. */
  pushToNetsuite: boolean('push_to_netsuite').notNull().default(false),
  feedFileId: text('feed_file_id'),
  createdAt: createdAt(),
}, (t) => [index('variances_unsent_idx').on(t.pushToNetsuite, t.feedFileId)]);

export const customers = pgTable('customers', {
  id: text('id').primaryKey(),
  externalId: text('external_id'),
  firstName: text('first_name'),
  lastName: text('last_name'),
  email: text('email'),
  phone: text('phone'),
  netsuiteCustomerId: text('netsuite_customer_id'),
  feedFileId: text('feed_file_id'),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('customers_external_uq').on(t.externalId), index('customers_feed_file_idx').on(t.feedFileId),
  // The console's order search: e-mail, full name or last name by prefix, case-insensitive (LIKE 'x%' needs text_pattern_ops).
  index('customers_email_prefix_idx').on(sql`lower(${t.email}) text_pattern_ops`),
  index('customers_name_prefix_idx').on(sql`lower(coalesce(${t.firstName}, '') || ' ' || coalesce(${t.lastName}, '')) text_pattern_ops`),
  index('customers_last_name_prefix_idx').on(sql`lower(${t.lastName}) text_pattern_ops`),
]);

export type ShipTo = {
  name?: string; address1?: string; address2?: string; city?: string; state?: string;
  postalCode?: string; country: string; market?: string; phone?: string;
  latitude?: number; longitude?: number;
};

export const orders = pgTable('orders', {
  id: text('id').primaryKey(),
  externalId: text('external_id'),
  salesChannel: text('sales_channel').notNull().default('WEB'),
  accountingCode: text('accounting_code'),
  priority: integer('priority').notNull().default(0),
  orderDate: ts('order_date').notNull(),
  /** CREATED | APPROVED | PARTIALLY_ALLOCATED | ALLOCATED | COMPLETED | CANCELLED | EXCEPTION (derived from items) */
  status: text('status').notNull().default('CREATED'),
  customerId: text('customer_id').references(() => customers.id),
  /** The facility the order came from (e.g. a store for ship-from-store orders), if any. */
  originFacilityId: text('origin_facility_id').references(() => facilities.id),
  shipTo: jsonb('ship_to').$type<ShipTo>().notNull(),
  shippingMethod: text('shipping_method'),
  shippingCost: numeric('shipping_cost', { precision: 14, scale: 2 }),
  currency: text('currency').notNull().default('USD'),
  netsuiteOrderId: text('netsuite_order_id'),
  feedFileId: text('feed_file_id'),
  exceptionReason: text('exception_reason'),
  exceptionMessage: text('exception_message'),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('orders_external_uq').on(t.externalId),
  index('orders_status_idx').on(t.status),
  index('orders_date_idx').on(t.orderDate),
  index('orders_feed_file_idx').on(t.feedFileId),
  index('orders_customer_idx').on(t.customerId, t.orderDate),
]);

export const orderPayments = pgTable('order_payments', {
  id: text('id').primaryKey(),
  orderId: text('order_id').notNull().references(() => orders.id),
  method: text('method').notNull(),
  amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
  feedFileId: text('feed_file_id'),
  /** The NetSuite customer deposit created for this payment (`salesorder/import/orderpayment/`). */
  netsuiteDepositId: text('netsuite_deposit_id'),
  createdAt: createdAt(),
}, (t) => [index('payments_order_idx').on(t.orderId), index('payments_feed_file_idx').on(t.feedFileId)]);

export const orderItems = pgTable('order_items', {
  orderId: text('order_id').notNull().references(() => orders.id),
  seqId: text('seq_id').notNull(),
  productId: text('product_id').notNull().references(() => products.id),
  quantity: integer('quantity').notNull(),
  unitPrice: numeric('unit_price', { precision: 14, scale: 2 }).notNull().default('0'),
  /** CREATED | APPROVED | ALLOCATED | PACKED | SHIPPED | CANCELLED | EXCEPTION */
  status: text('status').notNull().default('CREATED'),
  /** Where the item is now: a fulfilling facility, the brokering queue `_NA_` or a parking. */
  facilityId: text('facility_id').references(() => facilities.id),
  /** The item this one was split from, when a brokering run split a line. */
  parentSeqId: text('parent_seq_id'),
  shipmentGroup: text('shipment_group'),
  carrier: text('carrier'),
  backordered: boolean('backordered').notNull().default(false),
  /** NetSuite's line id; null for a new piece of a split line until NetSuite reports the line it added. */
  netsuiteLineId: text('netsuite_line_id'),
  /** Quantity NetSuite's line holds as far as the OMS told it (order export, allocation rows). */
  netsuiteLineQty: integer('netsuite_line_qty'),
  /**
   * A line change NetSuite must still learn through the brokered-items feed: `SPLIT` (set on the
   * original and the new pieces when brokering splits a line), `CLOSE` (set when the item is
   * cancelled). Cleared by the export that sends it.
   */
  netsuiteSync: text('netsuite_sync'),
  trackingNumber: text('tracking_number'),
  shippedAt: ts('shipped_at'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.orderId, t.seqId] }),
  check('items_qty_chk', sql`${t.quantity} > 0`),
  index('items_facility_status_idx').on(t.facilityId, t.status),
  index('items_ns_sync_idx').on(t.orderId).where(sql`netsuite_sync is not null`),
  // A store's Completed-today tab: what it shipped since the day began, without reading all it ever shipped.
  index('items_shipped_idx').on(t.facilityId, t.shippedAt).where(sql`status = 'SHIPPED'`),
]);

/** Every move of an item: who, from, to, why; for brokering the run and the rule. */
export const itemHistory = pgTable('item_history', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  orderId: text('order_id').notNull(),
  orderItemSeqId: text('order_item_seq_id').notNull(),
  fromStatus: text('from_status'),
  toStatus: text('to_status').notNull(),
  fromFacilityId: text('from_facility_id'),
  toFacilityId: text('to_facility_id'),
  reason: text('reason'),
  actor: text('actor').notNull().default('system'),
  runId: text('run_id'),
  rule: text('rule'),
  createdAt: createdAt(),
}, (t) => [index('history_item_idx').on(t.orderId, t.orderItemSeqId)]);

/** Facilities an item may not be brokered to again (rejections); `until` null means forever. */
export const facilityExclusions = pgTable('facility_exclusions', {
  orderId: text('order_id').notNull(),
  orderItemSeqId: text('order_item_seq_id').notNull(),
  facilityId: text('facility_id').notNull(),
  until: ts('until'),
  reason: text('reason'),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.orderId, t.orderItemSeqId, t.facilityId] })]);

export const rejectionReasons = pgTable('rejection_reasons', {
  id: text('id').primaryKey(),
  description: text('description').notNull(),
  /** NO_VARIANCE | ADJUST_BY_QTY (by ±quantity, see varianceSign) | ZERO_OUT */
  varianceType: text('variance_type').notNull(),
  /** Where the rejected item goes; `_NA_` (the brokering queue) by default. */
  targetFacilityId: text('target_facility_id').notNull().default('_NA_'),
  /** True for VAR_STOLEN / VAR_DAMAGED / VAR_FOUND: pushed to NetSuite as an inventory adjustment. */
  pushToNetsuite: boolean('push_to_netsuite').notNull().default(false),
  /** +1 (found) or -1 (stolen, damaged) for the pushed delta. */
  varianceSign: integer('variance_sign').notNull().default(-1),
});

export const rejections = pgTable('rejections', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  orderId: text('order_id').notNull(),
  orderItemSeqId: text('order_item_seq_id').notNull(),
  facilityId: text('facility_id').notNull(),
  quantity: integer('quantity').notNull(),
  /** STORE | NETSUITE */
  source: text('source').notNull(),
  reason: text('reason'),
  comments: text('comments'),
  /** The allocation (reservation id) that was rejected: one rejection per allocation. */
  reservationId: integer('reservation_id'),
  /** NetSuite's `rejectionId` (feed v2), null for store rejections and legacy 4-column rows. */
  netsuiteRejectionId: text('netsuite_rejection_id'),
  actor: text('actor').notNull().default('system'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('rejections_reservation_uq').on(t.reservationId)]);

export const routingProfiles = pgTable('routing_profiles', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** null for the default profile. */
  salesChannel: text('sales_channel'),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  updatedBy: text('updated_by').notNull().default('system'),
}, (t) => [uniqueIndex('profiles_channel_uq').on(t.salesChannel)]);

export const routingProfileHistory = pgTable('routing_profile_history', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  profileId: text('profile_id').notNull(),
  before: jsonb('before'),
  after: jsonb('after').notNull(),
  actor: text('actor').notNull(),
  createdAt: createdAt(),
});

export const brokeringRuns = pgTable('brokering_runs', {
  id: text('id').primaryKey(),
  /** RUNNING | COMPLETED | FAILED */
  status: text('status').notNull(),
  trigger: text('trigger').notNull(),
  startedAt: ts('started_at').notNull().defaultNow(),
  endedAt: ts('ended_at'),
  orders: integer('orders').notNull().default(0),
  items: integer('items').notNull().default(0),
  allocated: integer('allocated').notNull().default(0),
  exception: integer('exception').notNull().default(0),
  queued: integer('queued').notNull().default(0),
  error: text('error'),
  /** Written every few seconds while the run works; a RUNNING row whose heartbeat stopped was left by a dead process. */
  heartbeatAt: ts('heartbeat_at'),
});

/** The routing explanation of an order in a run. */
export const routingDecisions = pgTable('routing_decisions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  runId: text('run_id').notNull(),
  orderId: text('order_id').notNull(),
  status: text('status').notNull(),
  exceptionReason: text('exception_reason'),
  result: jsonb('result').notNull(),
  createdAt: createdAt(),
}, (t) => [index('decisions_order_idx').on(t.orderId), index('decisions_run_idx').on(t.runId)]);

/** Orders allocated per facility per day, for the daily order limit. */
export const facilityOrderCounts = pgTable('facility_order_counts', {
  facilityId: text('facility_id').notNull(),
  day: text('day').notNull(),
  count: integer('count').notNull().default(0),
}, (t) => [primaryKey({ columns: [t.facilityId, t.day] })]);

/**
 * Allocations sent to NetSuite (the brokered-items outbox, like HotWax's ExternalFulfillmentOrderItem).
 * A row is written in the same transaction that records its feed file, so a line is never in two files.
 */
export const externalFulfillment = pgTable('external_fulfillment', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** The allocation sent; null for a row that only tells NetSuite of a split or a cancellation. */
  reservationId: integer('reservation_id'),
  orderId: text('order_id').notNull(),
  orderItemSeqId: text('order_item_seq_id').notNull(),
  facilityId: text('facility_id').notNull(),
  quantity: integer('quantity').notNull(),
  /** BROKERED (brokered-items feed row) | FULFILLED (fulfilled-items feed row) */
  kind: text('kind').notNull(),
  /** The `lineId` written (null: a new piece of a split line, sent with its `orderLineId`). */
  lineId: text('line_id'),
  /** The `location` written (NetSuite location id), null = empty (leave the line's location). */
  location: text('location'),
  /** `closed` = T: the item was cancelled in the OMS. */
  closed: boolean('closed').notNull().default(false),
  feedFileId: text('feed_file_id').notNull(),
  /** Set when an operator re-sends a row NetSuite refused: the row no longer counts as sent. */
  supersededAt: ts('superseded_at'),
  /**
   * The row's CSV content, frozen in the claim statement (the file is generated from it in one
   * ordered scan, so a re-upload is byte-stable even if an id changes later). Null on rows claimed
   * before it existed.
   */
  payload: text('payload'),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('extful_res_kind_uq').on(t.reservationId, t.kind).where(sql`superseded_at is null`),
  uniqueIndex('extful_closed_uq').on(t.orderId, t.orderItemSeqId).where(sql`closed and superseded_at is null`),
  index('extful_file_idx').on(t.feedFileId, t.id),
  index('extful_item_idx').on(t.orderId, t.orderItemSeqId),
]);

/**
 * Rows NetSuite refused to apply (its refusal reports in `…/error/*.errors.csv`, job
 * `IMP_NS_IMPORT_ERRORS`). OPEN until an operator re-sends (RESENT) or dismisses (DISMISSED) it.
 */
export const netsuiteRefusals = pgTable('netsuite_refusals', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** Feed of the refused file (`brokered-items`, `fulfilled-items`, `inventory-adjustment`). */
  feed: text('feed').notNull(),
  /** The refused OUT file (`feed_files.id`), when the report names a file the OMS wrote. */
  feedFileId: text('feed_file_id'),
  fileName: text('file_name').notNull(),
  /** 1-based data row of the refused file. */
  rowNumber: integer('row_number').notNull(),
  orderId: text('order_id'),
  orderItemSeqId: text('order_item_seq_id'),
  varianceId: text('variance_id'),
  /** The outbox row refused (`external_fulfillment.id`), for the update feeds. */
  outboxId: integer('outbox_id'),
  message: text('message').notNull(),
  /** The report file it came from (`feed_files.id`, IN). */
  reportFileId: text('report_file_id').notNull(),
  /** OPEN | RESENT | DISMISSED */
  status: text('status').notNull().default('OPEN'),
  resolvedBy: text('resolved_by'),
  resolvedAt: ts('resolved_at'),
  createdAt: createdAt(),
}, (t) => [
  index('refusals_item_idx').on(t.orderId, t.orderItemSeqId),
  index('refusals_status_idx').on(t.status, t.createdAt),
]);

/** Every feed file written or read: the processed-file registry and the export batches. */
export const feedFiles = pgTable('feed_files', {
  id: text('id').primaryKey(),
  feed: text('feed').notNull(),
  /** IN | OUT */
  direction: text('direction').notNull(),
  fileName: text('file_name').notNull(),
  folder: text('folder').notNull(),
  sha256: text('sha256'),
  size: integer('size'),
  /** OUT: PENDING_UPLOAD | UPLOADED. IN: PROCESSING | APPLIED | DUPLICATE | FAILED */
  status: text('status').notNull(),
  rowCount: integer('row_count').notNull().default(0),
  errorCount: integer('error_count').notNull().default(0),
  errors: jsonb('errors').$type<{ row: number; field?: string; message: string }[]>(),
  jobRunId: text('job_run_id'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  createdAt: createdAt(),
  completedAt: ts('completed_at'),
}, (t) => [
  // A file is read once by name and bytes (feeds v2): one live claim per (feed, name).
  uniqueIndex('feed_files_in_name_uq').on(t.feed, t.fileName).where(sql`direction = 'IN' and status in ('PROCESSING','APPLIED')`),
  index('feed_files_in_sha_idx').on(t.feed, t.sha256).where(sql`direction = 'IN'`),
  index('feed_files_status_idx').on(t.direction, t.status),
]);

/** Rows of inbound feed files that were applied, so a row is never applied twice. */
export const feedRowsApplied = pgTable('feed_rows_applied', {
  feed: text('feed').notNull(),
  businessKey: text('business_key').notNull(),
  feedFileId: text('feed_file_id').notNull(),
  rowNumber: integer('row_number').notNull(),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.feed, t.businessKey] })]);

export const jobDefinitions = pgTable('job_definitions', {
  name: text('name').primaryKey(),
  description: text('description').notNull(),
  cron: text('cron'),
  enabled: boolean('enabled').notNull().default(true),
  params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const jobRuns = pgTable('job_runs', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** RUNNING | COMPLETED | FAILED | SKIPPED */
  status: text('status').notNull(),
  trigger: text('trigger').notNull(),
  startedAt: ts('started_at').notNull().defaultNow(),
  endedAt: ts('ended_at'),
  counts: jsonb('counts').$type<Record<string, number>>().notNull().default({}),
  files: jsonb('files').$type<string[]>().notNull().default([]),
  rowErrors: jsonb('row_errors').$type<{ file?: string; row: number; field?: string; message: string }[]>().notNull().default([]),
  error: text('error'),
  /** Written every few seconds by the process running the job; a RUNNING row whose heartbeat stopped is abandoned. */
  heartbeatAt: ts('heartbeat_at'),
  /** `host:pid` of the process running it. */
  owner: text('owner'),
  /** Who started it: the authenticated user for a run asked through the API or CLI; null for the scheduler. */
  actor: text('actor'),
}, (t) => [
  index('job_runs_name_idx').on(t.name, t.startedAt),
  uniqueIndex('job_runs_running_uq').on(t.name).where(sql`status = 'RUNNING'`),
]);

export * from './schema-access';
