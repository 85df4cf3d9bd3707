/**
 * NetSuite ids shared by the scripts: records, fields, saved CSV import maps, SFTP folders.
 * Field names follow the HotWax integration (reference §3) so an account set up for it keeps
 * working; the `oms` ids are this project's additions (see README "Differences").
 */

/** SFTP configuration custom record (one active record; fields as in HotWax's account setup). */
export const SFTP_CONFIG = {
  type: 'customrecord_ns_sftp_configuration',
  server: 'custrecord_ns_sftp_server',
  userId: 'custrecord_ns_sftp_userid',
  port: 'custrecord_ns_sftp_port_no',
  hostKey: 'custrecord_ns_sftp_host_key',
  /** Script id of an API secret (N/sftp `secret`), or a legacy 32-hex password GUID. */
  guid: 'custrecord_ns_sftp_guid',
  defaultDir: 'custrecord_ns_sftp_default_file_dir',
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

/** Last-run record of the NetSuite → OMS exports (HotWax's record, plus two fields of ours). */
export const LAST_RUN = {
  type: 'customrecord_hc_last_runtime_export',
  /** Start of the last export run whose lines all made it to the SFTP server. */
  rejectedItemsDate: 'custrecord_rej_so_item_ex_date',
  /** Base name (UTC time stamp) of an export batch whose file is not uploaded yet. */
  rejectedItemsPendingBatch: 'custrecord_oms_rej_pending_batch',
  /** When the run that owns the pending batch started (becomes the last-run time on success). */
  rejectedItemsBatchStarted: 'custrecord_oms_rej_batch_started',
} as const;

/** Sales order fields. */
export const SO = {
  orderId: 'custbody_hc_order_id',
  lineId: 'custcol_hc_order_line_id',
  rejected: 'custcol_hc_order_item_rejected',
  /** Export batch that sent the line's rejection to the OMS; empty = not exported yet. */
  rejectionExportBatch: 'custcol_oms_rej_export_batch',
  itemSublist: 'item',
  line: 'line',
  location: 'location',
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
  mappingId: 'custimport_update_salesorders_hc',
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
  mappingId: 'custimport_inventoryadjustment_hc',
  taskLabel: 'Inventory Adjustment',
  errorLabel: 'ErrorInventoryAdjustment',
  paramPrefix: 'custscript_oms_invadj_',
};

/** Rejected order items (NetSuite → OMS). */
export const REJECTED_ITEMS_EXPORT = {
  feedDir: 'salesorder',
  dir: 'rejectedorderitem',
  header: ['orderId', 'orderItemSeqId', 'rejectionComments', 'rejectionReason'],
  fileSuffix: 'RejectedSalesOrderItemExport.csv',
  defaultComments: 'Order Item Rejected from NetSuite',
  paramPrefix: 'custscript_oms_rej_',
} as const;
