/**
 * @NApiVersion 2.1
 * @NScriptType ScheduledScript
 * @NModuleScope SameAccount
 */

/*
 * Imports `{default dir}/inventoryadjustment/csv/*.csv` (inventory variances from the OMS)
 * through the saved CSV import that lib/fields names (add or update of inventory adjustments,
 * keyed by External ID = `HC Inventory Adj Id`).
 *
 * As in HotWax's layout the outcome folders of the files are SIBLINGS of `csv/`:
 * `inventoryadjustment/archive/` (task COMPLETE), `inventoryadjustment/failed/` (task FAILED)
 * and `inventoryadjustment/error/yyyy-MM-dd-HH-mm-ss-ErrorInventoryAdjustment.csv`. The refused
 * rows of a COMPLETE import go where contract v2 says the OMS reads them,
 * `inventoryadjustment/csv/error/{file}.errors.csv` (`row,externalId,message`).
 *
 * Dates: the contract's `Date` column is always `M/D/YYYY`, but a NetSuite CSV import reads date
 * columns in the importing user's date format preference (CSV Import Assistant help: "dates must
 * match the format set in your Date Format preference"). So the script rewrites each date into
 * that preference (`runtime.getCurrentUser().getPreference({name: 'DATEFORMAT'})`) before it
 * submits the file, and refuses a row whose date is not a real `M/D/YYYY` day; the import never
 * depends on who runs it.
 */
import * as runtime from 'N/runtime';
import * as search from 'N/search';
import type { EntryPoints } from 'N/types';
import { csvDocument } from './lib/csv';
import { type FeedRules, type PreparedFile, runCsvImportFeed, unchanged } from './lib/csvImportFeed';
import { INVENTORY_ADJUSTMENTS } from './lib/fields';
import { joinPath } from './lib/names';
import type { RowRefusal } from './lib/report';

/** Contract v2 column names of the inventory variance feed. */
const DATE_COLUMN = 'Date';
const EXTERNAL_ID_COLUMN = 'HC Inventory Adj Id';
/** The External ID of a standard record (NetSuite's own field id). */
const EXTERNAL_ID_FIELD = 'externalid';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * A day in a NetSuite DATEFORMAT preference (`M/D/YYYY`, `D/M/YYYY`, `DD.MM.YYYY`, `YYYY-MM-DD`,
 * `DD-Mon-YYYY`, `D MONTH, YYYY`, …): tokens YYYY, MONTH, Mon, MM, M, DD, D; other characters
 * are literals. English month names (the account language of the feeds).
 */
function formatInPreference(y: number, m: number, d: number, pref: string): string {
  let out = '';
  for (let i = 0; i < pref.length; ) {
    const rest = pref.slice(i);
    const tok = ['YYYY', 'MONTH', 'Mon', 'MM', 'M', 'DD', 'D'].find((t) => rest.indexOf(t) === 0);
    if (!tok) {
      out += pref.charAt(i++);
      continue;
    }
    i += tok.length;
    if (tok === 'YYYY') out += String(y);
    else if (tok === 'MONTH') out += MONTHS[m - 1];
    else if (tok === 'Mon') out += MONTHS[m - 1].slice(0, 3);
    else if (tok === 'MM') out += pad(m);
    else if (tok === 'M') out += String(m);
    else if (tok === 'DD') out += pad(d);
    else out += String(d);
  }
  return out;
}

/** `M/D/YYYY` → [y, m, d] of a real calendar day, or null. */
function contractDate(s: string): [number, number, number] | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s.trim());
  if (!m) return null;
  const [mo, d, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d ? [y, mo, d] : null;
}

function prepare(table: string[][]): PreparedFile {
  const header = table.length ? table[0].map((h) => h.trim()) : [];
  const di = header.indexOf(DATE_COLUMN);
  const pref = String(runtime.getCurrentUser().getPreference({ name: 'DATEFORMAT' }) || '').trim();
  const rows = table.slice(1);
  if (di < 0) return unchanged(table, csvDocument(table[0] || [], rows));
  const kept: string[][] = [];
  const origin: number[] = [];
  const refused: RowRefusal[] = [];
  rows.forEach((r, i) => {
    const raw = r[di] === undefined ? '' : r[di];
    const day = contractDate(raw);
    if (!day) {
      refused.push({ row: i + 1, message: `Date "${raw}" is not a day in the M/D/YYYY format the feed contract fixes` });
      return;
    }
    const copy = r.slice();
    copy[di] = pref ? formatInPreference(day[0], day[1], day[2], pref) : raw;
    kept.push(copy);
    origin.push(i + 1);
  });
  return { text: kept.length ? csvDocument(table[0], kept) : '', origin, refused, rewritten: true };
}

/** Without a CSV response file: a row applied when an adjustment carries its External ID. */
function reconcile(rows: Record<string, string>[], taskId: string): string[] {
  const refs = Array.from(new Set(rows.map((r) => (r[EXTERNAL_ID_COLUMN] || '').trim()).filter((v) => v !== '')));
  const found = new Set<string>();
  for (let i = 0; i < refs.length; i += 1000) {
    const s = search.create({ type: search.Type.INVENTORY_ADJUSTMENT, filters: [[EXTERNAL_ID_FIELD, 'anyof', refs.slice(i, i + 1000)]], columns: [EXTERNAL_ID_FIELD] });
    for (const r of s.run().getRange({ start: 0, end: 1000 })) found.add(String(r.getValue({ name: EXTERNAL_ID_FIELD })));
  }
  return rows.map((r) => {
    const ref = (r[EXTERNAL_ID_COLUMN] || '').trim();
    if (!ref) return `no ${EXTERNAL_ID_COLUMN}: the row cannot be matched to an adjustment`;
    return found.has(ref) ? '' : `no inventory adjustment with External ID ${ref} after CSV import task ${taskId} (its reason is in the job's CSV response file)`;
  });
}

const RULES: FeedRules = {
  rowErrorDir: joinPath(INVENTORY_ADJUSTMENTS.inboxDir, 'error'),
  rowErrorHeader: ['row', 'externalId', 'message'],
  rowErrorKeys: (c) => [c[EXTERNAL_ID_COLUMN] || ''],
  prepare,
  reconcile,
};

export const execute: EntryPoints.Scheduled.execute = () => {
  runCsvImportFeed(INVENTORY_ADJUSTMENTS, RULES);
};
