/**
 * NetSuite feeds, OMS side: exactly-once exports, once-only imports, and one module per feed
 * (eligibility + apply). The pure file formats live in `./codec`.
 *
 * Composition root: `feedJobs({ database, transport, config })` → job definitions for the registry
 * (see `./jobs`); the composition root (`src/wiring.ts`) builds them over the configured transport.
 */
export { feedJobs, feedJob, FEED_JOB_NAMES, type FeedJob, type FeedJobDeps, type FeedJobName } from './jobs';
export { quietContext, type FeedConfig, type FeedDeps } from './common';
export { runExport, FeedUploadError, type ExportSpec, type ExportResult, type ClaimArgs, type ClaimResult, type ReadArgs } from './export-runner';
export { runImport, errorReportName, isTransientDbError, BatchConflictError, type BatchContext, type BatchRow, type ImportSpec, type ImportResult, type ImportOptions, type RowContext, type RowOutcome } from './import-runner';
export { brokeredItemsExport, readOutboxFile } from './brokered-items';
export { fulfilledItemsExport } from './fulfilled-items';
export { inventoryAdjustmentsExport, varianceFeedRow } from './inventory-adjustments';
export { customersExport, customerFeedRow } from './customers';
export { salesOrdersExport, salesOrderRows } from './sales-orders';
export { customerDepositsExport, DEFAULT_PAYMENT_METHODS, paymentMethodMap } from './customer-deposits';
export { rejectedItemsImport } from './rejected-items';
export { fulfillmentImport, markShipped, type ShipInput, type ShipResult } from './fulfillment';
export { orderIdentificationImport, orderItemAttributeImport, customerIdentificationImport } from './id-sync';
export { depositIdsImport, IMP_CUST_DEP_IDENT } from './deposit-ids';
