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
 * Each job is declared once, in `FEED_JOB_TABLE` below: its name, the minute of its default cron,
 * its description, its kind and its params schema; `FEED_JOB_NAMES`, `FeedJobName` and the
 * definitions of `feedJobs()` derive from it. Default crons (UTC, 5 fields) run every job every 15
 * minutes at its minute, staggered so each step of the order flow sees the previous one's result
 * in the same quarter hour (customers 0, orders 2, their NetSuite ids 4–6, deposits 7 and 9,
 * allocations 8, rejections 10, variances 11, shipments 12–13, NetSuite's refusal reports 14).
 *
 * Each handler returns `{ counts, files }` and also records them through the context. Exports
 * throw when an upload fails (the file stays PENDING_UPLOAD; pg-boss retries with backoff); imports
 * throw only on infrastructure errors (row problems are row errors of the run).
 * Params (job_definitions.params or a manual run, schemas in `job-params.ts`): exports
 * `maxRowsPerFile`, `maxFiles`; imports `maxFiles`; GEN_BRKR_ORD_FD_NS `claimLanes`; GEN_CUST_DEP_FD `paymentMethods`.
 */
import type { JobContext, JobDefinition, JobOutcome } from '../jobs/registry';
import type { FeedDeps } from './common';
import { runExport, type ExportSpec } from './export-runner';
import { brokeredItemsParams, customerDepositParams, exportParams, importParams } from './job-params';
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

/** What a feed job runs: an export, an import, or the import of NetSuite's refusal reports. */
type FeedJobKind =
  | { kind: 'export'; spec: () => ExportSpec<object> }
  | { kind: 'import'; spec: () => ImportSpec<any> }
  | { kind: 'refusals' };

/** One row of `FEED_JOB_TABLE`. */
export type FeedJobEntry = FeedJobKind & {
  name: string;
  /** Minute of the default cron `{minute}-59/15 * * * *`. */
  minute: number;
  description: string;
  params: NonNullable<JobDefinition['params']>;
};

/** The feed jobs, once. `feedJobs()` returns them in this order. */
export const FEED_JOB_TABLE = [
  {
    name: 'GEN_CRT_CUST_FD', minute: 0, kind: 'export', spec: customersExport, params: exportParams,
    description: 'NetSuite: export new customers (customer/export/CustomerFeed_*.csv)',
  },
  {
    name: 'GEN_CRT_ORD_FD', minute: 2, kind: 'export', spec: salesOrdersExport, params: exportParams,
    description: 'NetSuite: export new sales orders whose customer has a NetSuite id (salesorder/export/CreateOrderFeed_*.csv)',
  },
  {
    name: 'IMP_CUST_IDENT', minute: 4, kind: 'import', spec: customerIdentificationImport, params: importParams,
    description: 'NetSuite: import NetSuite customer ids (customer/import/*.csv)',
  },
  {
    name: 'IMP_ORDER_IDENT', minute: 5, kind: 'import', spec: orderIdentificationImport, params: importParams,
    description: 'NetSuite: import NetSuite sales order ids (salesorder/import/orderidentification/*.csv)',
  },
  {
    name: 'IMP_ORDER_ITM_ATTR', minute: 6, kind: 'import', spec: orderItemAttributeImport, params: importParams,
    description: 'NetSuite: import NetSuite order line ids (salesorder/import/orderitemattribute/*.csv)',
  },
  {
    name: 'GEN_CUST_DEP_FD', minute: 7, kind: 'export', spec: customerDepositsExport, params: customerDepositParams,
    description: 'NetSuite: export customer deposits of orders with a NetSuite id (salesorder/customerdeposit/CustomerDepositFeed_*.json)',
  },
  {
    name: 'GEN_BRKR_ORD_FD_NS', minute: 8, kind: 'export', spec: brokeredItemsExport, params: brokeredItemsParams,
    description: 'NetSuite: export items allocated to NetSuite facilities (salesorder/update/brokeredOrderItemsFeed_*.csv)',
  },
  {
    name: 'IMP_ORDER_ITM_RJCT', minute: 10, kind: 'import', spec: rejectedItemsImport, params: importParams,
    description: 'NetSuite: import items NetSuite rejected; back to the brokering queue (salesorder/rejectedorderitem/*-RejectedSalesOrderItemExport.csv)',
  },
  {
    name: 'GEN_INV_VAR_FEED_NS', minute: 11, kind: 'export', spec: inventoryAdjustmentsExport, params: exportParams,
    description: 'NetSuite: export inventory variances of store rejections (inventoryadjustment/csv/InventoryAdjustmentFeed_*.csv)',
  },
  {
    name: 'IMP_CUST_DEP_IDENT', minute: 9, kind: 'import', spec: depositIdsImport, params: importParams,
    description: 'NetSuite: import NetSuite customer deposit ids (salesorder/import/orderpayment/*-CustomerDepositExport.csv)',
  },
  {
    name: 'IMP_ODR_ITM_FLFLMNT', minute: 12, kind: 'import', spec: fulfillmentImport, params: importParams,
    description: 'NetSuite: import items NetSuite shipped (salesorder/import/fulfillment/*-SalesOrderFulfillment.csv)',
  },
  {
    name: 'GEN_FLFLD_ORD_FD_NS', minute: 13, kind: 'export', spec: fulfilledItemsExport, params: exportParams,
    description: 'NetSuite: export items shipped by stores (salesorder/update/fulfilledOrderItemsFeed_*.csv)',
  },
  {
    name: 'IMP_NS_IMPORT_ERRORS', minute: 14, kind: 'refusals', params: importParams,
    description: "NetSuite: import NetSuite's refusal reports of our files (salesorder/update/error/*.errors.csv, inventoryadjustment/csv/error/*.errors.csv)",
  },
] as const satisfies readonly FeedJobEntry[];

export type FeedJobName = (typeof FEED_JOB_TABLE)[number]['name'];
export const FEED_JOB_NAMES: readonly FeedJobName[] = FEED_JOB_TABLE.map((j) => j.name);

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

/** The definition of one table row: exports retry 5 times (a minute apart, with backoff); imports keep the job system's defaults. */
function feedJobOf(deps: FeedJobDeps, entry: FeedJobEntry & { name: FeedJobName }): FeedJob {
  const { name, description, params } = entry;
  const defaultCron = every15(entry.minute);
  switch (entry.kind) {
    case 'export': {
      const { spec } = entry;
      return { name, description, defaultCron, queue: { retryLimit: 5, retryDelaySeconds: 60 }, handler: (ctx) => runExport(deps, spec(), ctx), params };
    }
    case 'import': {
      const { spec } = entry;
      return { name, description, defaultCron, handler: (ctx) => runImport(deps, spec(), ctx, deps.importOptions), params };
    }
    case 'refusals':
      return { name, description, defaultCron, handler: (ctx) => runRefusalImports(deps, ctx, deps.importOptions), params };
  }
}

/** Every feed job, in the order of `FEED_JOB_TABLE`. */
export function feedJobs(deps: FeedJobDeps): FeedJob[] {
  return FEED_JOB_TABLE.map((entry) => feedJobOf(deps, entry));
}

/** One feed job by name (tests, CLI). */
export function feedJob(deps: FeedJobDeps, name: FeedJobName): FeedJob {
  const job = feedJobs(deps).find((j) => j.name === name);
  if (!job) throw new Error(`unknown feed job ${name}`);
  return job;
}
