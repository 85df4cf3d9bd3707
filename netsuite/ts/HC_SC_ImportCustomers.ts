/**
 * @NApiVersion 2.1
 * @NScriptType ScheduledScript
 * @NModuleScope SameAccount
 */

/*
 * Imports `{default dir}/customer/export/CustomerFeed_*.csv` (new customers from the OMS, feeds.md
 * v2: `HCCustomerId,externalId,firstName,lastName,email,phone,subsidiary,individual`) through the
 * saved CSV import `custimport_oms_customer` (ADD, keyed by External ID = `externalId`; the OMS id
 * goes to `custentity_oms_customer_id`, which HC_MR_ExportedCustomerCSV reads back).
 *
 * The engine is lib/csvImportFeed.ts: a file is archived to `export/archive/` only once its CSV
 * import task is COMPLETE, its refused rows first written to `export/error/{file}.errors.csv`
 * (`row,HCCustomerId,externalId,message`); a FAILED task moves it to `export/failed/` and lists it
 * in `export/error/yyyy-MM-dd-HH-mm-ss-ErrorImportCustomer.csv`. Files over 10 MB are never read.
 *
 * Nothing of a row (name, e-mail, phone) is logged; the reports name a row by its two ids.
 */
import * as search from 'N/search';
import type { EntryPoints } from 'N/types';
import { type FeedRules, runCsvImportFeed } from './lib/csvImportFeed';
import { CUSTOMER, IMPORT_CUSTOMERS } from './lib/fields';

const EXTERNAL_ID_FIELD = 'externalid';
/** A search filter `anyof` takes at most 1,000 values per term; keep well below. */
const CHUNK = 500;

/**
 * Without a CSV response file: a row applied when a customer carries its External ID and its OMS
 * id (10 units a search page).
 */
function reconcile(rows: Record<string, string>[], taskId: string): string[] {
  const wanted = Array.from(new Set(rows.map((r) => (r.externalId || '').trim()).filter((v) => v !== '')));
  const found = new Map<string, string>();
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const s = search.create({ type: CUSTOMER.type, filters: [[EXTERNAL_ID_FIELD, 'anyof', wanted.slice(i, i + CHUNK)]], columns: [EXTERNAL_ID_FIELD, CUSTOMER.omsId] });
    for (const r of s.run().getRange({ start: 0, end: 1000 })) found.set(String(r.getValue({ name: EXTERNAL_ID_FIELD })), String(r.getValue({ name: CUSTOMER.omsId }) || ''));
  }
  return rows.map((r) => {
    const ext = (r.externalId || '').trim();
    if (!ext) return 'no externalId: the row cannot be matched to a customer';
    if (!found.has(ext)) return `no customer with External ID ${ext} after CSV import task ${taskId} (its reason is in the job's CSV response file)`;
    return found.get(ext) === (r.HCCustomerId || '').trim() ? '' : `customer with External ID ${ext} carries another OMS customer id`;
  });
}

const RULES: FeedRules = {
  rowErrorDir: IMPORT_CUSTOMERS.errorDir,
  rowErrorHeader: ['row', 'HCCustomerId', 'externalId', 'message'],
  rowErrorKeys: (c) => [c.HCCustomerId || '', c.externalId || ''],
  reconcile,
};

export const execute: EntryPoints.Scheduled.execute = () => {
  runCsvImportFeed(IMPORT_CUSTOMERS, RULES);
};
