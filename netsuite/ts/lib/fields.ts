/**
 * NetSuite ids shared by the scripts, the SDF objects (`netsuite/src/Objects/`) and the tests:
 * custom records and fields, saved CSV import maps, saved searches, SFTP folders.
 *
 * Every object of this project has an id of its own with the `_oms_` prefix (contract feeds.md v2,
 * "Objects on the NetSuite side"), so it installs beside the public HotWax integration without
 * touching that integration's objects (`custcol_hc_order_line_id`, `custimport_update_salesorders_hc`,
 * `customrecord_ns_sftp_configuration`, …), whose definitions differ from ours. Only the script
 * names keep the seeds' file names (`HC_SC_UpdateSalesOrders`, …). netsuite/README.md says how an
 * account moves over from HotWax's objects.
 */

/** SFTP configuration custom record (one active record, or the scripts' `sftp_config` parameter). */
export const SFTP_CONFIG = {
  type: 'customrecord_oms_sftp_configuration',
  server: 'custrecord_oms_sftp_server',
  userId: 'custrecord_oms_sftp_userid',
  port: 'custrecord_oms_sftp_port_no',
  hostKey: 'custrecord_oms_sftp_host_key',
  /** Script id of an API secret (N/sftp `secret`), or a legacy 32-hex password GUID. */
  guid: 'custrecord_oms_sftp_secret',
  defaultDir: 'custrecord_oms_sftp_default_file_dir',
} as const;

/** One record per submitted CSV import task, so a later run can see how the import ended. */
export const IMPORT_TASK = {
  type: 'customrecord_oms_csv_import_task',
  feed: 'custrecord_oms_cit_feed',
  file: 'custrecord_oms_cit_file',
  taskId: 'custrecord_oms_cit_task_id',
  status: 'custrecord_oms_cit_status',
  sha256: 'custrecord_oms_cit_sha256',
  size: 'custrecord_oms_cit_size',
  submitted: 'custrecord_oms_cit_submitted',
  finished: 'custrecord_oms_cit_finished',
  message: 'custrecord_oms_cit_message',
} as const;

/** Last-run record of the NetSuite → OMS exports (one record). */
export const LAST_RUN = {
  type: 'customrecord_oms_last_runtime_export',
  /** Start of the last export run whose lines all made it to the SFTP server. */
  rejectedItemsDate: 'custrecord_oms_rej_so_item_ex_date',
  /** Base name (UTC time stamp) of an export batch whose file is not uploaded yet. */
  rejectedItemsPendingBatch: 'custrecord_oms_rej_pending_batch',
  /** When the run that owns the pending batch started (becomes the last-run time on success). */
  rejectedItemsBatchStarted: 'custrecord_oms_rej_batch_started',
  /** Runs that tried to mark the lines of the UPLOADED rejected-items batch. */
  rejectedItemsMarkTries: 'custrecord_oms_rej_mark_tries',
} as const;

/** Sales order fields. */
export const SO = {
  /** Body: the OMS order id. */
  orderId: 'custbody_oms_order_id',
  /** Line: the OMS item sequence id (`orderLineId` of the update feeds, `orderItemSeqId` of the exports). */
  lineId: 'custcol_oms_order_line_id',
  /** Line checkbox: NetSuite cannot fulfil the line (the update feed's `rejected` column). */
  rejected: 'custcol_oms_order_item_rejected',
  /** Line: item tag (the fulfilled-items feed's `tags`, e.g. `oms-fulfilled`). */
  itemTag: 'custcol_oms_item_tag',
  /** Export batch that sent the line's rejection to the OMS; empty = not exported yet. */
  rejectionExportBatch: 'custcol_oms_rej_export_batch',
  /** Line: internal id of the location the line left at its last location change (HC_UE_ResetRejectedItemExport). */
  previousLocation: 'custcol_oms_rej_prev_location',
  itemSublist: 'item',
  line: 'line',
  location: 'location',
} as const;

/** Saved CSV imports (SDF `savedcsvimport`) that the scheduled scripts submit as CsvImportTasks. */
export const SAVED_IMPORTS = {
  /** SALESORDER, UPDATE: brokered, fulfilled and cancelled order items. */
  updateSalesOrders: 'custimport_oms_update_salesorders',
  /** INVENTORYADJUSTMENT, ADDUPDATE keyed by External ID (`HC Inventory Adj Id`). */
  inventoryAdjustment: 'custimport_oms_inventoryadjustment',
  /** CUSTOMER, ADD keyed by External ID: new customers from the OMS (`customer/export/`). */
  addCustomers: 'custimport_oms_customer',
  /** SALESORDER, ADD keyed by External ID: new sales orders from the OMS (`salesorder/export/`). */
  addSalesOrders: 'custimport_oms_add_salesorders',
} as const;

/**
 * Saved searches of this project. The rejected-items export builds the same criteria with
 * `search.create` when its `saved_search` parameter is empty (see README, "Saved searches").
 */
export const SAVED_SEARCHES = {
  /** Sales order lines rejected in NetSuite and not exported yet. */
  rejectedItems: 'customsearch_oms_rejected_so_items',
} as const;

/** Import folders read by scheduled scripts through a saved CSV import map. */
export interface CsvImportFeed {
  /** Key of the tracking records, e.g. `salesorder/update`. */
  feed: string;
  /** Directory under the SFTP default directory that the connection opens, e.g. `salesorder`. */
  feedDir: string;
  /** Folders relative to `feedDir`. */
  inboxDir: string;
  archiveDir: string;
  failedDir: string;
  errorDir: string;
  /** Saved CSV import map script id. */
  mappingId: string;
  /** CSV import job name is `${taskLabel}-${fileName}`. */
  taskLabel: string;
  /** Error report name is `${yyyy-MM-dd-HH-mm-ss}-${errorLabel}.csv`. */
  errorLabel: string;
  /** Script parameter prefix of the script that reads this feed (parameter ids are account-wide). */
  paramPrefix: string;
}

/** Brokered / fulfilled / cancelled order items (OMS → NetSuite); child archive|failed|error. */
export const UPDATE_SALES_ORDERS: CsvImportFeed = {
  feed: 'salesorder/update',
  feedDir: 'salesorder',
  inboxDir: 'update',
  archiveDir: 'update/archive',
  failedDir: 'update/failed',
  errorDir: 'update/error',
  mappingId: SAVED_IMPORTS.updateSalesOrders,
  taskLabel: 'Update Sales Order',
  errorLabel: 'ErrorUpdateSalesOrder',
  paramPrefix: 'custscript_oms_upso_',
};

/** Inventory variances (OMS → NetSuite); SIBLING archive|failed|error, as HotWax lays it out. */
export const INVENTORY_ADJUSTMENTS: CsvImportFeed = {
  feed: 'inventoryadjustment/csv',
  feedDir: 'inventoryadjustment',
  inboxDir: 'csv',
  archiveDir: 'archive',
  failedDir: 'failed',
  errorDir: 'error',
  mappingId: SAVED_IMPORTS.inventoryAdjustment,
  taskLabel: 'Inventory Adjustment',
  errorLabel: 'ErrorInventoryAdjustment',
  paramPrefix: 'custscript_oms_invadj_',
};

/** New customers (OMS → NetSuite), `customer/export/`; child archive|failed|error. */
export const IMPORT_CUSTOMERS: CsvImportFeed = {
  feed: 'customer/export',
  feedDir: 'customer',
  inboxDir: 'export',
  archiveDir: 'export/archive',
  failedDir: 'export/failed',
  errorDir: 'export/error',
  mappingId: SAVED_IMPORTS.addCustomers,
  taskLabel: 'Import Customer',
  errorLabel: 'ErrorImportCustomer',
  paramPrefix: 'custscript_oms_impcu_',
};

/** New sales orders (OMS → NetSuite), `salesorder/export/`; child archive|failed|error. */
export const IMPORT_SALES_ORDERS: CsvImportFeed = {
  feed: 'salesorder/export',
  feedDir: 'salesorder',
  inboxDir: 'export',
  archiveDir: 'export/archive',
  failedDir: 'export/failed',
  errorDir: 'export/error',
  mappingId: SAVED_IMPORTS.addSalesOrders,
  taskLabel: 'Import Sales Order',
  errorLabel: 'ErrorImportSalesOrder',
  paramPrefix: 'custscript_oms_impso_',
};

/** Customer (entity) fields of this project. */
export const CUSTOMER = {
  type: 'customer',
  /** The OMS customer (party) id, `HCCustomerId` of the customer feed. */
  omsId: 'custentity_oms_customer_id',
  /** Id export batch (file name) that sent the customer's NetSuite id to the OMS; empty = not yet. */
  idExportBatch: 'custentity_oms_id_export_batch',
} as const;

/** Marks of the id exports on sales orders: the batch (file name) that sent the id; empty = not yet. */
export const SO_ID_EXPORT = {
  /** Body: the order's internal id went to the OMS (`orderidentification`). */
  orderBatch: 'custbody_oms_id_export_batch',
  /** Line: the line's id went to the OMS (`orderitemattribute`). */
  lineBatch: 'custcol_oms_line_export_batch',
} as const;

/**
 * Batches of the id exports (`customrecord_oms_id_export`): one record per file, PENDING (its
 * records chosen, listed in `keys`) → UPLOADED (the file is on the SFTP server) → DONE (every
 * record of `keys` marked exported).
 */
export const ID_EXPORT_BATCH = {
  type: 'customrecord_oms_id_export',
  feed: 'custrecord_oms_idx_feed',
  file: 'custrecord_oms_idx_file',
  status: 'custrecord_oms_idx_status',
  keys: 'custrecord_oms_idx_keys',
  rows: 'custrecord_oms_idx_rows',
} as const;

/** The three id exports (NetSuite → OMS, feeds.md v2 "Id back-sync"). */
export interface IdExportFeed {
  /** Key of the batch records, e.g. `customer/import`. */
  feed: string;
  /** Directory under the SFTP default directory that the connection opens. */
  feedDir: string;
  /** Folder of the files, relative to `feedDir`. */
  dir: string;
  header: string[];
  /** File name is `${yyyy-MM-dd-HH-mm-ss}-${tail}-${fileSuffix}`. */
  fileSuffix: string;
  paramPrefix: string;
}

export const CUSTOMER_ID_EXPORT: IdExportFeed = {
  feed: 'customer/import',
  feedDir: 'customer',
  dir: 'import',
  header: ['partyId', 'partyIdentificationTypeId', 'idValue'],
  fileSuffix: 'CustomerExport.csv',
  paramPrefix: 'custscript_oms_excu_',
};

export const ORDER_ID_EXPORT: IdExportFeed = {
  feed: 'salesorder/import/orderidentification',
  feedDir: 'salesorder',
  dir: 'import/orderidentification',
  header: ['orderId', 'orderIdentificationTypeId', 'idValue'],
  fileSuffix: 'SalesOrderExport.csv',
  paramPrefix: 'custscript_oms_exso_',
};

export const LINE_ID_EXPORT: IdExportFeed = {
  feed: 'salesorder/import/orderitemattribute',
  feedDir: 'salesorder',
  dir: 'import/orderitemattribute',
  header: ['orderId', 'orderItemSeqId', 'attrName', 'attrValue'],
  fileSuffix: 'SalesOrderItemExport.csv',
  paramPrefix: 'custscript_oms_exsoi_',
};

/** Rejected order items (NetSuite → OMS). */
export const REJECTED_ITEMS_EXPORT = {
  feedDir: 'salesorder',
  dir: 'rejectedorderitem',
  header: ['orderId', 'orderItemSeqId', 'rejectionComments', 'rejectionReason', 'facilityId', 'rejectionId'],
  fileSuffix: 'RejectedSalesOrderItemExport.csv',
  defaultComments: 'Order Item Rejected from NetSuite',
  paramPrefix: 'custscript_oms_rej_',
  /** Key of its batch records (customrecord_oms_id_export). */
  feed: 'salesorder/rejectedorderitem',
  /** Runs that try to mark a batch's lines before its unsaveable sales orders are set aside. */
  maxMarkTries: 3,
} as const;

/**
 * Folders of the contract (feeds.md v2, "Folder layout") under the SFTP root `{root}`, which is the
 * configuration record's default directory. Each reader moves what it read to `archive/`, what it
 * could not process to `failed/` and writes row-level reports to `error/` beneath the folder it
 * read, so every one of them gets those three (OUTCOME_FOLDERS). HC_SC_CreateSFTPDirectory creates
 * this tree, plus the folders the scripts' feed definitions above name.
 */
export const SFTP_FEED_FOLDERS = [
  'salesorder/export',
  'customer/export',
  'salesorder/import/orderidentification',
  'salesorder/import/orderitemattribute',
  'salesorder/import/orderpayment',
  'salesorder/import/fulfillment',
  'customer/import',
  'salesorder/customerdeposit',
  'salesorder/update',
  'salesorder/rejectedorderitem',
  'inventoryadjustment/csv',
] as const;

export const OUTCOME_FOLDERS = ['archive', 'failed', 'error'] as const;

/** Parameter prefix of HC_SC_CreateSFTPDirectory (`sftp_config`, `min_usage`). */
export const CREATE_SFTP_DIRECTORY = {
  paramPrefix: 'custscript_oms_mkdir_',
} as const;

/**
 * Deposits, fulfilment both ways and invoices (HC_MR_CreateCustomerDeposit,
 * HC_MR_ExportedCustomerDepositCSV, HC_MR_ExportedSalesOrderFulfillmentCSV,
 * HC_SC_CreateItemFulfillment, HC_SC_CreateSalesOrderInvoice; feeds.md v2).
 */
export const EXPORT_BATCH = {
  /** One record per export batch: which feed, PENDING until its file is on the SFTP server, then DONE. */
  type: 'customrecord_oms_export_batch',
  feed: 'custrecord_oms_eb_feed',
  status: 'custrecord_oms_eb_status',
  files: 'custrecord_oms_eb_files',
} as const;

/** Body fields: the export batch that claimed the transaction; empty = not exported yet. */
export const TXN_MARKS = {
  /** Customer deposit: its id went to the OMS in this batch. */
  depositExportBatch: 'custbody_oms_dep_export_batch',
  /** Item fulfilment: its lines went to the OMS in this batch; `OMS` = created for the OMS's own fulfilment, never exported. */
  fulfillmentExportBatch: 'custbody_oms_ful_export_batch',
  /** Value of `fulfillmentExportBatch` on the fulfilments HC_SC_CreateItemFulfillment creates. */
  omsFulfilled: 'OMS',
} as const;

export const CUSTOMER_DEPOSIT_IMPORT = {
  feed: 'salesorder/customerdeposit',
  feedDir: 'salesorder',
  inboxDir: 'customerdeposit',
  archiveDir: 'customerdeposit/archive',
  failedDir: 'customerdeposit/failed',
  errorDir: 'customerdeposit/error',
  filePattern: /^CustomerDepositFeed_[A-Za-z0-9_.-]+\.json$/,
  paramPrefix: 'custscript_oms_cdep_',
} as const;

export const CUSTOMER_DEPOSIT_EXPORT = {
  feed: 'salesorder/import/orderpayment',
  feedDir: 'salesorder',
  dir: 'import/orderpayment',
  header: ['orderId', 'internalId', 'manualRefNumber'],
  fileSuffix: 'CustomerDepositExport.csv',
  paramPrefix: 'custscript_oms_cdepx_',
} as const;

export const FULFILLMENT_EXPORT = {
  feed: 'salesorder/import/fulfillment',
  feedDir: 'salesorder',
  dir: 'import/fulfillment',
  header: ['orderId', 'orderItemSeqId', 'externalFacilityId', 'shippedDate', 'quantity', 'trackingNumber', 'carrier', 'shippingMethod', 'shippingMethodId'],
  fileSuffix: 'SalesOrderFulfillment.csv',
  paramPrefix: 'custscript_oms_fulx_',
} as const;

export const CREATE_FULFILLMENT = {
  defaultTag: 'oms-fulfilled',
  paramPrefix: 'custscript_oms_crif_',
} as const;

export const CREATE_INVOICE = {
  paramPrefix: 'custscript_oms_crinv_',
} as const;
