/**
 * The NetSuite feed jobs, HotWax-style names, as plain `JobDefinition`s for the job registry:
 *
 * ```ts
 * const transport = createTransport(...);                    // rooted at {root}, e.g. /home/{user}/netsuite
 * const jobs = feedJobs({ database, transport, config });    // config: the app Config (NETSUITE_* read)
 * createJobRegistry([brokeringJob(database, config), ...jobs]);
 * // on shutdown, after the job system stopped: await transport.close();
 * ```
 *
 * Default crons (UTC, 5 fields) run every job every 15 minutes, staggered so each step of the
 * order flow sees the previous one's result in the same quarter hour:
 *
 * | min | job | what |
 * |---|---|---|
 * | 0  | GEN_CRT_CUST_FD     | new customers → NetSuite |
 * | 2  | GEN_CRT_ORD_FD      | new sales orders (customer id known) → NetSuite |
 * | 4  | IMP_CUST_IDENT      | NetSuite customer ids → OMS |
 * | 5  | IMP_ORDER_IDENT     | NetSuite order ids → OMS |
 * | 6  | IMP_ORDER_ITM_ATTR  | NetSuite line ids → OMS |
 * | 7  | GEN_CUST_DEP_FD     | customer deposits (JSON) → NetSuite |
 * | 8  | GEN_BRKR_ORD_FD_NS  | allocations at NetSuite facilities → NetSuite |
 * | 9  | IMP_CUST_DEP_IDENT  | NetSuite customer deposit ids → OMS payments |
 * | 10 | IMP_ORDER_ITM_RJCT  | NetSuite rejections → back to the brokering queue |
 * | 11 | GEN_INV_VAR_FEED_NS | store variances (VAR_*) → NetSuite inventory adjustments |
 * | 12 | IMP_ODR_ITM_FLFLMNT | NetSuite shipments → items SHIPPED |
 * | 13 | GEN_FLFLD_ORD_FD_NS | store shipments → NetSuite item fulfilments |
 * | 14 | IMP_NS_IMPORT_ERRORS | NetSuite's refusal reports (`…/error/*.errors.csv`) → refusals for operators |
 *
 * Each handler returns `{ counts, files }` and also records them through the context. Exports
 * throw when an upload fails (the file stays PENDING_UPLOAD; pg-boss retries with backoff); imports
 * throw only on infrastructure errors (row problems are row errors of the run).
 * Params (job_definitions.params or a manual run): exports `maxRowsPerFile`, `maxFiles`;
 * imports `maxFiles`; GEN_CUST_DEP_FD `paymentMethods`.
 */
import type { JobContext, JobDefinition, JobOutcome } from '../jobs/registry';
import type { FeedDeps } from './common';
import { runExport, type ExportSpec } from './export-runner';
import { withParamSchemas } from './job-params';
import { runImport, type ImportOptions, type ImportSpec } from './import-runner';
import { brokeredItemsExport } from './brokered-items';
import { fulfilledItemsExport } from './fulfilled-items';
import { inventoryAdjustmentsExport } from './inventory-adjustments';
import { customersExport } from './customers';
import { salesOrdersExport } from './sales-orders';
import { customerDepositsExport } from './customer-deposits';
import { rejectedItemsImport } from './rejected-items';
import { fulfillmentImport } from './fulfillment';
import { customerIdentificationImport, orderIdentificationImport, orderItemAttributeImport } from './id-sync';
import { depositIdsImport } from './deposit-ids';
import { runRefusalImports } from './netsuite-refusals';

export const FEED_JOB_NAMES = [
  'GEN_CRT_CUST_FD', 'GEN_CRT_ORD_FD', 'IMP_CUST_IDENT', 'IMP_ORDER_IDENT', 'IMP_ORDER_ITM_ATTR', 'GEN_CUST_DEP_FD',
  'GEN_BRKR_ORD_FD_NS', 'IMP_ORDER_ITM_RJCT', 'GEN_INV_VAR_FEED_NS', 'IMP_ODR_ITM_FLFLMNT', 'GEN_FLFLD_ORD_FD_NS',
  'IMP_NS_IMPORT_ERRORS', 'IMP_CUST_DEP_IDENT',
] as const;
export type FeedJobName = (typeof FEED_JOB_NAMES)[number];

export interface FeedJobDeps extends FeedDeps {
  /** Claim lease and in-memory size limit of the imports. */
  importOptions?: ImportOptions;
}

/** A `JobDefinition` whose handler always returns its outcome. */
export interface FeedJob extends JobDefinition {
  name: FeedJobName;
  defaultCron: string;
  handler: (ctx: JobContext) => Promise<Required<JobOutcome>>;
}

const every15 = (minute: number) => `${minute}-59/15 * * * *`;

export function feedJobs(deps: FeedJobDeps): FeedJob[] {
  const exportJob = (name: FeedJobName, minute: number, description: string, spec: () => ExportSpec<object>): FeedJob => ({
    name, description, defaultCron: every15(minute),
    queue: { retryLimit: 5, retryDelaySeconds: 60 },
    handler: (ctx) => runExport(deps, spec(), ctx),
  });
  const importJob = (name: FeedJobName, minute: number, description: string, spec: () => ImportSpec<any>): FeedJob => ({
    name, description, defaultCron: every15(minute),
    handler: (ctx) => runImport(deps, spec(), ctx, deps.importOptions),
  });
  return withParamSchemas([
    exportJob('GEN_CRT_CUST_FD', 0, 'NetSuite: export new customers (customer/export/CustomerFeed_*.csv)', customersExport),
    exportJob('GEN_CRT_ORD_FD', 2, 'NetSuite: export new sales orders whose customer has a NetSuite id (salesorder/export/CreateOrderFeed_*.csv)', salesOrdersExport),
    importJob('IMP_CUST_IDENT', 4, 'NetSuite: import NetSuite customer ids (customer/import/*.csv)', customerIdentificationImport),
    importJob('IMP_ORDER_IDENT', 5, 'NetSuite: import NetSuite sales order ids (salesorder/import/orderidentification/*.csv)', orderIdentificationImport),
    importJob('IMP_ORDER_ITM_ATTR', 6, 'NetSuite: import NetSuite order line ids (salesorder/import/orderitemattribute/*.csv)', orderItemAttributeImport),
    exportJob('GEN_CUST_DEP_FD', 7, 'NetSuite: export customer deposits of orders with a NetSuite id (salesorder/customerdeposit/CustomerDepositFeed_*.json)', customerDepositsExport),
    exportJob('GEN_BRKR_ORD_FD_NS', 8, 'NetSuite: export items allocated to NetSuite facilities (salesorder/update/brokeredOrderItemsFeed_*.csv)', brokeredItemsExport),
    importJob('IMP_ORDER_ITM_RJCT', 10, 'NetSuite: import items NetSuite rejected; back to the brokering queue (salesorder/rejectedorderitem/*-RejectedSalesOrderItemExport.csv)', rejectedItemsImport),
    exportJob('GEN_INV_VAR_FEED_NS', 11, 'NetSuite: export inventory variances of store rejections (inventoryadjustment/csv/InventoryAdjustmentFeed_*.csv)', inventoryAdjustmentsExport),
    importJob('IMP_CUST_DEP_IDENT', 9, 'NetSuite: import NetSuite customer deposit ids (salesorder/import/orderpayment/*-CustomerDepositExport.csv)', depositIdsImport),
    importJob('IMP_ODR_ITM_FLFLMNT', 12, 'NetSuite: import items NetSuite shipped (salesorder/import/fulfillment/*-SalesOrderFulfillment.csv)', fulfillmentImport),
    exportJob('GEN_FLFLD_ORD_FD_NS', 13, 'NetSuite: export items shipped by stores (salesorder/update/fulfilledOrderItemsFeed_*.csv)', fulfilledItemsExport),
    {
      name: 'IMP_NS_IMPORT_ERRORS', defaultCron: every15(14),
      description: "NetSuite: import NetSuite's refusal reports of our files (salesorder/update/error/*.errors.csv, inventoryadjustment/csv/error/*.errors.csv)",
      handler: (ctx) => runRefusalImports(deps, ctx, deps.importOptions),
    },
  ]);
}

/** One feed job by name (tests, CLI). */
export function feedJob(deps: FeedJobDeps, name: FeedJobName): FeedJob {
  const job = feedJobs(deps).find((j) => j.name === name);
  if (!job) throw new Error(`unknown feed job ${name}`);
  return job;
}
