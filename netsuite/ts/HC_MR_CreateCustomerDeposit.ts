/**
 * @NApiVersion 2.1
 * @NScriptType MapReduceScript
 * @NModuleScope SameAccount
 */

/*
 * Reads `{default dir}/salesorder/customerdeposit/CustomerDepositFeed_*.json` (feeds.md v2: a JSON
 * array of `{orderId, totalAmount, paymentMethod, externalId}`, orderId = the sales order's internal
 * id, externalId = the OMS payment id) and creates one customer deposit per External ID, linked to
 * the sales order (`salesorder`, `customer` = the order's customer, `payment`, `paymentmethod`).
 *
 * Never two: reduce looks for a deposit with that External ID first, and NetSuite refuses a second
 * record of a type with the same External ID anyway (DUP_RCRD), so a file read twice, a reduce
 * restarted after its save, or the same deposit in two files creates nothing more.
 *
 * Files: getInputData checks each file's size in the listing and after the download (N/file holds
 * at most 10 MB of text: Help "File.getContents()"; larger files go to `failed/`), takes a file
 * seen before by name with the same SHA-256 for a duplicate (moved to `archive/`, nothing applied)
 * and one with other bytes to `failed/` (contract v2). Summarize writes the refused rows of a file
 * to `customerdeposit/error/{file}.errors.csv` (`row,field,message`), records the file
 * (customrecord_oms_csv_import_task, feed `salesorder/customerdeposit`) and archives it; a file one
 * of whose rows failed unexpectedly (a reduce error) stays in the inbox and is read again next run.
 * Parameters: `sftp_config`, `max_files` (default 10 a run). Governance per reduce: search 10,
 * lookupFields 1, create 10 + save 20 of 5,000 units.
 */
import * as log from 'N/log';
import * as record from 'N/record';
import * as search from 'N/search';
import type { EntryPoints } from 'N/types';
import { csvDocument } from './lib/csv';
import { CUSTOMER_DEPOSIT_IMPORT as FEED } from './lib/fields';
import { sha256Hex } from './lib/hash';
import { findByName, trackFinished, trackSubmitting } from './lib/importTracking';
import { isSafeBaseName, withSuffix } from './lib/names';
import { intParam, param } from './lib/params';
import { errorMessage } from './lib/report';
import { ensureDir, listFiles, loadSftpSettings, moveFile, openFeedConnection, uploadAtomic } from './lib/sftpClient';

const P = FEED.paramPrefix;
const MAX_BYTES = 10 * 1024 * 1024;

interface Entry {
  file: string;
  sha: string;
  row: number;
  deposit?: Record<string, unknown>;
  error?: string;
}

const connect = () => openFeedConnection(loadSftpSettings(param(`${P}sftp_config`)), FEED.feedDir);

/** Entries of one downloaded file, or the reason it cannot be read. */
function entriesOf(name: string, contents: string): Entry[] | string {
  let data: unknown;
  try {
    data = JSON.parse(contents.replace(/^\uFEFF/, ''));
  } catch (e) {
    return 'not valid JSON';
  }
  if (!Array.isArray(data)) return 'not a JSON array';
  const sha = sha256Hex(contents);
  return data.map((d, i) =>
    d && typeof d === 'object' && !Array.isArray(d) ? { file: name, sha, row: i + 1, deposit: d as Record<string, unknown> } : { file: name, sha, row: i + 1, error: 'is not an object' },
  );
}

export const config: EntryPoints.MapReduce.config = { retryCount: 1, exitOnError: false };

export const getInputData: EntryPoints.MapReduce.getInputData = () => {
  const conn = connect();
  const input: Record<string, string> = {};
  const files = listFiles(conn, FEED.inboxDir).filter((f) => isSafeBaseName(f.name) && FEED.filePattern.test(f.name));
  for (const f of files.slice(0, intParam(`${P}max_files`, 10, 1, 100))) {
    if (f.size > MAX_BYTES) {
      log.error({ title: 'File over 10 MB', details: `${f.name}: ${f.size} bytes; moved to failed/` });
      moveFile(conn, FEED.inboxDir, FEED.failedDir, f.name);
      continue;
    }
    const file = conn.download({ directory: FEED.inboxDir, filename: f.name });
    if (file.size > MAX_BYTES) {
      moveFile(conn, FEED.inboxDir, FEED.failedDir, f.name);
      continue;
    }
    const contents = file.getContents();
    const seen = findByName(FEED.feed, f.name);
    if (seen) {
      const same = seen.sha256 === sha256Hex(contents);
      log.audit({ title: same ? 'Duplicate file' : 'Name reused with other bytes', details: `${f.name}: ${same ? 'archived, nothing applied' : 'moved to failed/'}` });
      moveFile(conn, FEED.inboxDir, same ? FEED.archiveDir : FEED.failedDir, f.name);
      continue;
    }
    const entries = entriesOf(f.name, contents);
    if (typeof entries === 'string' || entries.length === 0) {
      log.error({ title: 'File not read', details: `${f.name}: ${typeof entries === 'string' ? entries : 'no deposits'}` });
      moveFile(conn, FEED.inboxDir, typeof entries === 'string' ? FEED.failedDir : FEED.archiveDir, f.name);
      continue;
    }
    for (const e of entries) input[`${e.file}#${e.row}`] = JSON.stringify(e);
  }
  return input;
}

/** The deposit's fields, or the first field that is wrong. */
function validate(d: Record<string, unknown>): { field: string; message: string } | null {
  const id = (v: unknown) => (typeof v === 'string' || typeof v === 'number') && /^[A-Za-z0-9_.:-]{1,100}$/.test(String(v));
  if (!id(d.orderId) || !/^\d+$/.test(String(d.orderId))) return { field: 'orderId', message: 'must be a sales order internal id' };
  const amount = Number(d.totalAmount);
  if ((typeof d.totalAmount !== 'number' && typeof d.totalAmount !== 'string') || !(amount > 0)) return { field: 'totalAmount', message: 'must be a positive amount' };
  if (!id(d.paymentMethod)) return { field: 'paymentMethod', message: 'must be a payment method id' };
  if (!id(d.externalId)) return { field: 'externalId', message: 'must be the OMS payment id' };
  return null;
}

function existingDeposit(externalId: string): string {
  const found = search.create({ type: search.Type.CUSTOMER_DEPOSIT, filters: [['externalid', 'anyof', externalId]], columns: ['internalid'] }).run().getRange({ start: 0, end: 1 });
  return found.length ? String(found[0].id) : '';
}

/** One entry per deposit row, keyed `{file}#{row}`; reduce creates the deposit (5,000 units an invocation). */
export const map: EntryPoints.MapReduce.map = (ctx) => {
  ctx.write({ key: ctx.key, value: ctx.value });
};

export const reduce: EntryPoints.MapReduce.reduce = (ctx) => {
  const e = JSON.parse(ctx.values[0]) as Entry;
  const out = (v: Record<string, unknown>) => ctx.write({ key: e.file, value: JSON.stringify({ row: e.row, sha: e.sha, ...v }) });
  if (!e.deposit) return out({ field: '', message: e.error || 'is not a deposit' });
  const d = e.deposit;
  const bad = validate(d);
  if (bad) return out(bad);
  const externalId = String(d.externalId);
  const existing = existingDeposit(externalId);
  if (existing) return out({ deposit: existing, created: false });
  let customer = '';
  try {
    const so = search.lookupFields({ type: search.Type.SALES_ORDER, id: String(d.orderId), columns: ['entity'] }) as Record<string, unknown>;
    const ent = so.entity as { value?: string }[] | string;
    customer = Array.isArray(ent) ? String((ent[0] && ent[0].value) || '') : String(ent || '');
  } catch (err) {
    return out({ field: 'orderId', message: `no sales order ${d.orderId}` });
  }
  if (!customer) return out({ field: 'orderId', message: `sales order ${d.orderId} has no customer` });
  const dep = record.create({ type: record.Type.CUSTOMER_DEPOSIT });
  dep.setValue({ fieldId: 'customer', value: customer });
  dep.setValue({ fieldId: 'salesorder', value: String(d.orderId) });
  dep.setValue({ fieldId: 'payment', value: Number(d.totalAmount) });
  dep.setValue({ fieldId: 'paymentmethod', value: String(d.paymentMethod) });
  dep.setValue({ fieldId: 'externalid', value: externalId });
  dep.setValue({ fieldId: 'memo', value: `OMS payment ${externalId}` });
  out({ deposit: String(dep.save({ enableSourcing: true, ignoreMandatoryFields: false })), created: true });
};

interface Outcome {
  row: number;
  sha: string;
  field?: string;
  message?: string;
  deposit?: string;
  created?: boolean;
}

function finishFile(name: string, outcomes: Outcome[]): void {
  const conn = connect();
  const refused = outcomes.filter((o) => o.message !== undefined).sort((a, b) => a.row - b.row);
  if (refused.length) {
    const report = name.replace(/\.json$/i, '.errors.csv');
    const text = csvDocument(['row', 'field', 'message'], refused.map((o) => [String(o.row), o.field || '', o.message || '']));
    ensureDir(conn, FEED.errorDir);
    uploadAtomic(conn, FEED.errorDir, report, text, (n) => withSuffix(report, `-${n}`));
  }
  if (!findByName(FEED.feed, name)) {
    const id = trackSubmitting(FEED.feed, name, outcomes[0].sha, 0);
    trackFinished(id, 'COMPLETE', `${outcomes.filter((o) => o.created).length} created, ${refused.length} refused`);
  }
  moveFile(conn, FEED.inboxDir, FEED.archiveDir, name);
}

export const summarize: EntryPoints.MapReduce.summarize = (ctx) => {
  const broken = new Set<string>();
  ctx.reduceSummary.errors.iterator().each((key, err) => {
    broken.add(key.slice(0, key.lastIndexOf('#')));
    log.error({ title: 'Deposit row failed; its file stays in the inbox', details: `${key}: ${err}` });
    return true;
  });
  const byFile = new Map<string, Outcome[]>();
  ctx.output.iterator().each((file, value) => {
    byFile.set(file, [...(byFile.get(file) || []), JSON.parse(value) as Outcome]);
    return true;
  });
  for (const [name, outcomes] of byFile) {
    if (broken.has(name)) continue;
    try {
      finishFile(name, outcomes);
    } catch (e) {
      log.error({ title: 'File not archived', details: `${name}: ${errorMessage(e)}; the next run reads it again (nothing is created twice)` });
    }
  }
};
