/**
 * @NApiVersion 2.1
 * @NScriptType ScheduledScript
 * @NModuleScope SameAccount
 */

/*
 * Imports `{default dir}/salesorder/export/CreateOrderFeed_*.csv` (new sales orders from the OMS,
 * one row per line, feeds.md v2) through the saved CSV import `custimport_oms_add_salesorders`
 * (ADD, keyed by External ID = `externalId`; the rows of one order are consecutive and make one
 * sales order). The order keeps its OMS id in `custbody_oms_order_id` (`HCOrderId`), each line
 * its OMS line id in `custcol_oms_order_line_id` (`orderLineId`); HC_MR_ExportedSalesOrderCSV and
 * HC_MR_ExportedSalesOrderItemCSV send the NetSuite ids back.
 *
 * Dates: `date` is `M/D/YYYY` in the contract, and a CSV import reads dates in the importing
 * user's Date Format preference, so the script rewrites it (lib/contractDates.ts). A row refused
 * before the import refuses every row of its order: a sales order is created whole or not at all
 * (a CSV import saves one record per key; a missing line would be a wrong order).
 *
 * The rest is lib/csvImportFeed.ts: archive on COMPLETE after writing the refused rows to
 * `export/error/{file}.errors.csv` (`row,HCOrderId,orderLineId,message`), `export/failed/` and
 * `export/error/yyyy-MM-dd-HH-mm-ss-ErrorImportSalesOrder.csv` on FAILED, files over 10 MB never
 * read. Addresses, names, e-mails and phones are never logged.
 */
import * as search from 'N/search';
import type { EntryPoints } from 'N/types';
import { rewriteDateColumn, userDateFormat } from './lib/contractDates';
import { csvDocument } from './lib/csv';
import { type FeedRules, type PreparedFile, runCsvImportFeed } from './lib/csvImportFeed';
import { IMPORT_SALES_ORDERS, SO } from './lib/fields';
import { parseCsv, type RowRefusal } from './lib/report';

const DATE_COLUMN = 'date';
const ORDER_COLUMN = 'HCOrderId';
const EXTERNAL_ID_FIELD = 'externalid';
const CHUNK = 500;

/** Dates into the user's format; a refused row takes the other rows of its order with it. */
function prepare(table: string[][]): PreparedFile {
  const dated = rewriteDateColumn(table, DATE_COLUMN, userDateFormat());
  const header = table.length ? table[0].map((h) => h.trim()) : [];
  const oi = header.indexOf(ORDER_COLUMN);
  if (oi < 0 || dated.refused.length === 0) return dated;
  const orderOf = (row: number) => (table[row] ? String(table[row][oi] || '').trim() : '');
  const badOrders = new Map<string, number>();
  for (const r of dated.refused) if (!badOrders.has(orderOf(r.row))) badOrders.set(orderOf(r.row), r.row);
  const kept: string[][] = [];
  const origin: number[] = [];
  const refused: RowRefusal[] = [...dated.refused];
  const importedRows = dated.text ? parseCsv(dated.text).slice(1) : [];
  importedRows.forEach((cells, i) => {
    const row = dated.origin[i];
    const order = orderOf(row);
    if (badOrders.has(order)) {
      refused.push({ row, message: `not imported: row ${badOrders.get(order)} of the same order was refused` });
      return;
    }
    kept.push(cells);
    origin.push(row);
  });
  refused.sort((a, b) => a.row - b.row);
  return { text: kept.length ? csvDocument(table[0], kept) : '', origin, refused, rewritten: true };
}

/**
 * Without a CSV response file: a row applied when a sales order carries its External ID and a
 * line carries its `orderLineId` (one per-line search, 10 units a page of 1,000).
 */
function reconcile(rows: Record<string, string>[], taskId: string): string[] {
  const wanted = Array.from(new Set(rows.map((r) => (r.externalId || '').trim()).filter((v) => v !== '')));
  const lines = new Map<string, Set<string>>();
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const paged = search
      .create({
        type: search.Type.SALES_ORDER,
        filters: [['mainline', 'is', 'F'], 'AND', [EXTERNAL_ID_FIELD, 'anyof', wanted.slice(i, i + CHUNK)]],
        columns: [EXTERNAL_ID_FIELD, SO.lineId],
      })
      .run();
    for (let start = 0; ; start += 1000) {
      const page = paged.getRange({ start, end: start + 1000 });
      for (const r of page) {
        const ext = String(r.getValue({ name: EXTERNAL_ID_FIELD }));
        lines.set(ext, (lines.get(ext) || new Set<string>()).add(String(r.getValue({ name: SO.lineId }) || '')));
      }
      if (page.length < 1000) break;
    }
  }
  const why = `after CSV import task ${taskId} (its reason is in the job's CSV response file, Setup > Import/Export > View CSV Import Status)`;
  return rows.map((r) => {
    const ext = (r.externalId || '').trim();
    const have = lines.get(ext);
    if (!have) return `no sales order with External ID ${ext} ${why}`;
    return have.has((r.orderLineId || '').trim()) ? '' : `sales order ${ext} has no line with orderLineId ${r.orderLineId} ${why}`;
  });
}

const RULES: FeedRules = {
  rowErrorDir: IMPORT_SALES_ORDERS.errorDir,
  rowErrorHeader: ['row', 'HCOrderId', 'orderLineId', 'message'],
  rowErrorKeys: (c) => [c.HCOrderId || '', c.orderLineId || ''],
  prepare,
  reconcile,
};

export const execute: EntryPoints.Scheduled.execute = () => {
  runCsvImportFeed(IMPORT_SALES_ORDERS, RULES);
};
