/**
 * @NApiVersion 2.1
 * @NScriptType ScheduledScript
 * @NModuleScope SameAccount
 */

/*
 * Imports `{default dir}/salesorder/update/*.csv` (brokered, fulfilled and cancelled order items
 * from the OMS) through the saved CSV import that lib/fields names (update of sales order lines:
 * internalId, lineId, item, location, quantity, closed, rejected, orderLineId, tags).
 *
 * Files are archived to `update/archive/` only when their CSV import task is COMPLETE. NetSuite
 * ends a job COMPLETE even when rows failed, so the refused rows are first written to
 * `update/error/{file}.errors.csv` (`row,internalId,lineId,orderLineId,message`, contract v2,
 * "Refusals"). A FAILED task moves the file to `update/failed/` and lists it in
 * `update/error/yyyy-MM-dd-HH-mm-ss-ErrorUpdateSalesOrder.csv`. See lib/csvImportFeed.ts.
 */
import * as search from 'N/search';
import type { EntryPoints } from 'N/types';
import { type FeedRules, runCsvImportFeed } from './lib/csvImportFeed';
import { SO, UPDATE_SALES_ORDERS } from './lib/fields';

/** Standard sales order line fields (NetSuite's own ids, not custom fields of this project). */
const LINE_QUANTITY = 'quantity';
const LINE_CLOSED = 'isclosed';

const truthy = (v: unknown) => v === true || /^(t|true|y|yes)$/i.test(String(v).trim());

/**
 * Without a CSV response file: reads the orders' lines back (one search, 10 units a page of
 * 1,000) and calls a row applied when its line shows what the row asked for. A row whose
 * `lineId` is empty (a new piece of a split line) is applied when the order has a line carrying
 * its `orderLineId`.
 */
function reconcile(rows: Record<string, string>[], taskId: string): string[] {
  const ids = Array.from(new Set(rows.map((r) => r.internalId).filter((id) => /^\d+$/.test(id))));
  const lines = new Map<string, Record<string, string | boolean>[]>();
  if (ids.length) {
    const s = search.create({
      type: search.Type.SALES_ORDER,
      filters: [['mainline', 'is', 'F'], 'AND', ['internalid', 'anyof', ids]],
      columns: ['internalid', SO.line, LINE_QUANTITY, SO.location, LINE_CLOSED, SO.rejected, SO.lineId],
    });
    const paged = s.run();
    for (let start = 0; ; start += 1000) {
      const page = paged.getRange({ start, end: start + 1000 });
      for (const r of page) {
        const l: Record<string, string | boolean> = {};
        for (const c of [SO.line, LINE_QUANTITY, SO.location, LINE_CLOSED, SO.rejected, SO.lineId]) l[c] = r.getValue({ name: c }) as string | boolean;
        lines.set(String(r.id), [...(lines.get(String(r.id)) || []), l]);
      }
      if (page.length < 1000) break;
    }
  }
  const why = `not applied by CSV import task ${taskId} (its reason is in the job's CSV response file, Setup > Import/Export > View CSV Import Status)`;
  return rows.map((row) => {
    const ls = lines.get(row.internalId);
    if (!ls) return `sales order ${row.internalId}: ${why}`;
    const line = row.lineId ? ls.find((l) => String(l[SO.line]) === row.lineId) : ls.find((l) => row.orderLineId !== '' && String(l[SO.lineId]) === row.orderLineId);
    if (!line) return row.lineId ? `line ${row.lineId}: ${why}` : `new line for orderLineId ${row.orderLineId}: ${why}`;
    const off: string[] = [];
    if (row.quantity !== '' && Number(line[LINE_QUANTITY]) !== Number(row.quantity)) off.push(`quantity ${line[LINE_QUANTITY]}`);
    if (row.location !== undefined && row.location !== '' && String(line[SO.location]) !== row.location) off.push(`location ${line[SO.location]}`);
    if (row.closed !== undefined && row.closed !== '' && truthy(line[LINE_CLOSED]) !== truthy(row.closed)) off.push(`closed ${line[LINE_CLOSED]}`);
    if (row.rejected !== undefined && row.rejected !== '' && truthy(line[SO.rejected]) !== truthy(row.rejected)) off.push(`rejected ${line[SO.rejected]}`);
    return off.length ? `line ${line[SO.line]} shows ${off.join(', ')}: ${why}` : '';
  });
}

const RULES: FeedRules = {
  rowErrorDir: UPDATE_SALES_ORDERS.errorDir,
  rowErrorHeader: ['row', 'internalId', 'lineId', 'orderLineId', 'message'],
  rowErrorKeys: (c) => [c.internalId || '', c.lineId || '', c.orderLineId || ''],
  reconcile,
};

export const execute: EntryPoints.Scheduled.execute = () => {
  runCsvImportFeed(UPDATE_SALES_ORDERS, RULES);
};
