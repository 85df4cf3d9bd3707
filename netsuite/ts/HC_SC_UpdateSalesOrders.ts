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
 *
 * Split lines (contract v2): every row of a sales order that has a row with an empty `lineId` (a
 * new piece) goes through N/record instead of the CSV import (lib/splitLines.ts: one load and one
 * save per sales order, the original line reduced and one line inserted per piece). Before the
 * run hands the next file to the CSV import, it applies that file's split sales orders, checking
 * its governance before each one; when the budget runs low the run stops there and the next run
 * carries on (already applied sales orders are recognised and cost one search). The import then
 * gets the file without those rows; the rows a save refused are in `{file}.errors.csv` with the
 * import's refusals, under their row numbers in the original file.
 */
import * as log from 'N/log';
import * as search from 'N/search';
import type { EntryPoints } from 'N/types';
import { csvDocument } from './lib/csv';
import { type FeedRules, MAX_FILE_BYTES, type PreparedFile, readSettings, runCsvImportFeed } from './lib/csvImportFeed';
import { SO, UPDATE_SALES_ORDERS as FEED } from './lib/fields';
import { findByName, loadInFlight } from './lib/importTracking';
import { isCsvCandidate } from './lib/names';
import { remainingUsage } from './lib/params';
import { parseCsv } from './lib/report';
import { listFiles, loadSftpSettings, openFeedConnection } from './lib/sftpClient';
import { applySplits, type FeedRow, LINE, splitOrders, truthy } from './lib/splitLines';

const LINE_QUANTITY = LINE.quantity;
const LINE_CLOSED = LINE.closed;

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

/** Units kept for what follows the record path in a submit or a finish (task, reports, moves). */
function reserve(): number {
  return readSettings(FEED.paramPrefix).minUsage + 500;
}

function feedRows(table: string[][]): FeedRow[] {
  const header = table.length ? table[0].map((h) => h.trim()) : [];
  return table.slice(1).map((r, i) => {
    const cells: Record<string, string> = {};
    header.forEach((h, k) => (cells[h] = r[k] === undefined ? '' : r[k]));
    return { row: i + 1, cells };
  });
}

/**
 * The file for the CSV import: without the rows of the split sales orders, which are applied here
 * through N/record (already applied ones are only checked). Called when the file is submitted and
 * again when its import is COMPLETE, so the report shows the state of the records at the end.
 */
function prepare(table: string[][]): PreparedFile {
  const rows = feedRows(table);
  const orders = splitOrders(rows);
  const header = table.length ? table[0] : [];
  if (orders.size === 0) return { text: csvDocument(header, table.slice(1)), origin: rows.map((r) => r.row), refused: [], rewritten: false };
  const outcome = applySplits(orders, reserve(), true);
  const kept = rows.filter((r) => !orders.has((r.cells.internalId || '').trim()));
  return { text: csvDocument(header, kept.map((r) => table[r.row])), origin: kept.map((r) => r.row), refused: outcome.refused, rewritten: true };
}

/**
 * Applies the split sales orders of the file the import will take next (the oldest candidate not
 * imported yet), when the import has room for it. Returns false when the budget ran low: the run
 * stops, so the file is not submitted before its split rows are all applied.
 */
function applyNextSplits(): boolean {
  const settings = readSettings(FEED.paramPrefix);
  const inFlight = loadInFlight(FEED.feed);
  if (inFlight.length >= settings.maxInFlight) return true;
  const busy = new Set(inFlight.map((t) => t.fileName));
  const conn = openFeedConnection(loadSftpSettings(settings.sftpConfig), FEED.feedDir);
  for (const f of listFiles(conn, FEED.inboxDir)) {
    if (!isCsvCandidate(f.name) || busy.has(f.name) || f.size > MAX_FILE_BYTES) continue;
    if (findByName(FEED.feed, f.name)) return true; // a duplicate or a reused name: the import archives or fails it
    if (remainingUsage() < 100 + reserve()) return false;
    let downloaded;
    try {
      downloaded = conn.download({ directory: FEED.inboxDir, filename: f.name });
    } catch (e) {
      return true; // the import's own download reports it and leaves the file for the next run
    }
    if (downloaded.size > MAX_FILE_BYTES) return true; // the import fails it without reading it
    const outcome = applySplits(splitOrders(feedRows(parseCsv(downloaded.getContents()))), reserve(), false);
    if (outcome.saved.length) log.audit({ title: `${FEED.feed}: split rows applied`, details: `${f.name}: sales order(s) ${outcome.saved.join(', ')}` });
    if (outcome.deferred.length === 0) return true;
    log.audit({ title: `${FEED.feed}: stopping, governance low`, details: `${f.name}: ${outcome.deferred.length} sales order(s) with split rows left for the next run` });
    return false;
  }
  return true;
}

const RULES: FeedRules = {
  rowErrorDir: FEED.errorDir,
  rowErrorHeader: ['row', 'internalId', 'lineId', 'orderLineId', 'message'],
  rowErrorKeys: (c) => [c.internalId || '', c.lineId || '', c.orderLineId || ''],
  prepare,
  reconcile,
};

export const execute: EntryPoints.Scheduled.execute = () => {
  if (!applyNextSplits()) return;
  runCsvImportFeed(FEED, RULES);
};
