/**
 * @NApiVersion 2.1
 * @NScriptType MapReduceScript
 * @NModuleScope SameAccount
 */

/*
 * Sends the ids of the customer deposits HC_MR_CreateCustomerDeposit created back to the OMS:
 * `{default dir}/salesorder/import/orderpayment/{UTC stamp}-{batch}-CustomerDepositExport.csv`,
 * columns `orderId,internalId,manualRefNumber` (feeds.md v2: the OMS order id, the deposit's
 * internal id, the OMS payment id = the deposit's External ID). Read by the OMS's depositIdsFeed.
 *
 * Each deposit goes out once (lib/batchExport.ts): reduce claims it for the run's batch
 * (`custbody_oms_dep_export_batch`), summarize uploads the file and only then marks the batch DONE.
 * Deposits without an External ID (not created for the OMS) are not exported.
 *
 * Governance: a reduce invocation spends about 31 units (batch search 10, lookupFields 1,
 * submitFields 10 on a transaction, Help: "SuiteScript 2.x API Governance") of its 5,000;
 * summarize pages the claimed ids (10 units per 1,000) and uploads (100 per file).
 */
import * as error from 'N/error';
import * as log from 'N/log';
import * as search from 'N/search';
import * as record from 'N/record';
import type { EntryPoints } from 'N/types';
import { currentBatch, openBatch, summarizeBatch, type BatchExportSpec } from './lib/batchExport';
import { CUSTOMER_DEPOSIT_EXPORT as EXPORT, SO, TXN_MARKS } from './lib/fields';
import { intParam, param } from './lib/params';
import { text } from './lib/rejectedItems';
import { loadSftpSettings, openFeedConnection } from './lib/sftpClient';

const P = EXPORT.paramPrefix;
const MARK = TXN_MARKS.depositExportBatch;

const SPEC: BatchExportSpec = { ...EXPORT, recordType: record.Type.CUSTOMER_DEPOSIT, markField: MARK };

export const config: EntryPoints.MapReduce.config = { retryCount: 1, exitOnError: false };

export const getInputData: EntryPoints.MapReduce.getInputData = () => {
  const batch = openBatch(EXPORT.feed);
  return search.create({
    type: search.Type.CUSTOMER_DEPOSIT,
    filters: [
      ['mainline', 'is', 'T'],
      'AND',
      ['externalid', 'isnotempty', ''],
      'AND',
      ['salesorder', 'noneof', '@NONE@'],
      'AND',
      [[MARK, 'isempty', ''], 'OR', [MARK, 'is', batch.name]],
    ],
    columns: [search.createColumn({ name: 'internalid', sort: search.Sort.ASC }), 'salesorder', 'externalid', MARK],
  });
};

/** One search result per transaction: keyed by its id, so reduce sees each transaction once. */
export const map: EntryPoints.MapReduce.map = (ctx) => {
  const result = JSON.parse(ctx.value) as { id: string };
  ctx.write({ key: String(result.id), value: ctx.value });
};

export const reduce: EntryPoints.MapReduce.reduce = (ctx) => {
  const result = JSON.parse(ctx.values[0]) as { id: string; values?: Record<string, unknown> };
  const v = result.values || {};
  const batch = currentBatch(EXPORT.feed);
  if (!batch) throw error.create({ name: 'OMS_NO_PENDING_BATCH', message: 'no pending deposit export batch', notifyOff: true });
  const mark = text(v[MARK]);
  if (mark && mark !== batch.name) return; // claimed by a batch that finished meanwhile
  const so = text(v.salesorder);
  const looked = search.lookupFields({ type: search.Type.SALES_ORDER, id: so, columns: [SO.orderId] }) as Record<string, unknown>;
  const orderId = text(looked[SO.orderId]);
  if (!orderId) {
    throw error.create({ name: 'OMS_ORDER_ID_MISSING', message: `deposit ${result.id}: sales order ${so} has no ${SO.orderId}`, notifyOff: true });
  }
  // The claim comes last: a deposit is claimed only once its row is known.
  if (mark !== batch.name) record.submitFields({ type: record.Type.CUSTOMER_DEPOSIT, id: result.id, values: { [MARK]: batch.name } });
  ctx.write({ key: String(result.id), value: JSON.stringify([[orderId, String(result.id), text(v.externalid)]]) });
};

export const summarize: EntryPoints.MapReduce.summarize = (ctx) => {
  ctx.reduceSummary.errors.iterator().each((key, err) => {
    log.error({ title: 'Deposit not exported', details: `reduce ${key}: ${err}` }); // ids only, never customer data
    return true;
  });
  const open = () => openFeedConnection(loadSftpSettings(param(`${P}sftp_config`)), EXPORT.feedDir);
  summarizeBatch(ctx, SPEC, open, intParam(`${P}max_file_bytes`, 9000000, 1000, 9500000));
};
