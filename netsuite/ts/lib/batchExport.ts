/**
 * Exports of NetSuite transactions to the OMS that send each transaction once
 * (HC_MR_ExportedCustomerDepositCSV, HC_MR_ExportedSalesOrderFulfillmentCSV).
 *
 * A batch is a `customrecord_oms_export_batch` record, PENDING until its file is on the SFTP server
 * and DONE after. A run claims a transaction by writing the batch name into the transaction's
 * mark field; a transaction counts as exported only when the batch that claimed it is DONE, which
 * summarize sets after the upload. So:
 * - a run whose upload fails, or that dies half way, leaves its batch PENDING; the next run reuses
 *   it, claims its transactions again (the search takes mark = empty OR mark = pending batch) and
 *   uploads them then;
 * - a transaction claimed by a DONE batch is never searched again, so it is never in two files;
 * - the file name is a function of the batch (`{UTC stamp}-{batch tail}-{suffix}`), and summarize
 *   uploads only the names not yet in the folder or in its `archive/` / `failed/` (where the OMS
 *   moves what it read), so a summarize restarted after its upload does not send the file twice.
 */
import * as log from 'N/log';
import * as record from 'N/record';
import * as search from 'N/search';
import * as sftp from 'N/sftp';
import { csvLine, utf8Length } from './csv';
import { EXPORT_BATCH } from './fields';
import { joinPath, withSuffix } from './names';
import { newBatchId } from './rejectedItems';
import { errorMessage } from './report';
import { ensureDir, uploadAtomic } from './sftpClient';

export interface ExportBatch {
  id: string;
  name: string;
}

function findPending(feed: string): ExportBatch | null {
  const found = search
    .create({
      type: EXPORT_BATCH.type,
      filters: [[EXPORT_BATCH.feed, 'is', feed], 'AND', [EXPORT_BATCH.status, 'is', 'PENDING']],
      columns: [search.createColumn({ name: 'internalid', sort: search.Sort.ASC }), 'name'],
    })
    .run()
    .getRange({ start: 0, end: 1 });
  return found.length ? { id: String(found[0].id), name: String(found[0].getValue({ name: 'name' })) } : null;
}

/** The pending batch of `feed`, or a new one. */
export function openBatch(feed: string): ExportBatch {
  const pending = findPending(feed);
  if (pending) {
    log.audit({ title: 'Reusing pending batch', details: `${feed}: ${pending.name}` });
    return pending;
  }
  const name = newBatchId(new Date());
  const rec = record.create({ type: EXPORT_BATCH.type });
  rec.setValue({ fieldId: 'name', value: name });
  rec.setValue({ fieldId: EXPORT_BATCH.feed, value: feed });
  rec.setValue({ fieldId: EXPORT_BATCH.status, value: 'PENDING' });
  return { id: String(rec.save()), name };
}

/** The pending batch; map and summarize run in other invocations than getInputData. */
export function currentBatch(feed: string): ExportBatch | null {
  return findPending(feed);
}

/** Internal ids of the transactions of `type` whose `markField` holds `batch`. */
export function claimedIds(type: string, markField: string, batch: string): Set<string> {
  const ids = new Set<string>();
  const paged = search.create({ type, filters: [['mainline', 'is', 'T'], 'AND', [markField, 'is', batch]], columns: ['internalid'] }).run();
  for (let start = 0; ; start += 1000) {
    const page = paged.getRange({ start, end: start + 1000 });
    for (const r of page) ids.add(String(r.id));
    if (page.length < 1000) break;
  }
  return ids;
}

/** `2026-01-02-03-04-05.678abcdef` → `2026-01-02-03-04-05-678abcdef-{suffix}` (part k > 1: `-p{k}`). */
export function batchFileName(batch: string, suffix: string, part: number): string {
  const base = batch.replace(/[^A-Za-z0-9-]/g, '-');
  return [base, part > 1 ? `p${part}` : '', suffix].filter(Boolean).join('-');
}

/** Rows split into CSV documents of at most `maxBytes` each (N/file holds 10 MB of text). */
export function batchDocuments(batch: string, suffix: string, header: readonly string[], rows: readonly (readonly string[])[], maxBytes: number) {
  const head = csvLine(header) + '\n';
  const docs: { name: string; contents: string }[] = [];
  let current = head;
  const flush = () => {
    docs.push({ name: batchFileName(batch, suffix, docs.length + 1), contents: current });
    current = head;
  };
  for (const r of rows) {
    const line = csvLine(r) + '\n';
    if (current.length > head.length && utf8Length(current) + utf8Length(line) > maxBytes) flush();
    current += line;
  }
  if (current.length > head.length) flush();
  return docs;
}

function names(conn: sftp.Connection, dir: string): Set<string> {
  try {
    return new Set(conn.list({ path: dir, sort: sftp.Sort.NAME }).map((e) => e.name));
  } catch (e) {
    return new Set(); // the folder does not exist (yet): nothing of ours is in it
  }
}

/** Uploads the documents not on the server yet, then marks the batch DONE. Returns the names uploaded. */
export function finishBatch(conn: sftp.Connection, dir: string, batch: ExportBatch, docs: { name: string; contents: string }[]): string[] {
  const seen = new Set<string>();
  if (docs.length) for (const d of [dir, joinPath(dir, 'archive'), joinPath(dir, 'failed')]) names(conn, d).forEach((n) => seen.add(n));
  const uploaded: string[] = [];
  if (docs.length) ensureDir(conn, dir);
  for (const doc of docs) {
    if (seen.has(doc.name)) {
      log.audit({ title: 'Already uploaded', details: `${doc.name} is on the server: not sent again` });
      continue;
    }
    uploaded.push(uploadAtomic(conn, dir, doc.name, doc.contents, (n) => withSuffix(doc.name, `-${n}`)));
  }
  record.submitFields({ type: EXPORT_BATCH.type, id: batch.id, values: { [EXPORT_BATCH.status]: 'DONE', [EXPORT_BATCH.files]: docs.map((d) => d.name).join(',').slice(0, 3900) } });
  return uploaded;
}

export interface BatchExportSpec {
  feed: string;
  feedDir: string;
  dir: string;
  header: readonly string[];
  fileSuffix: string;
  /** Transaction type and body field of the claim. */
  recordType: string;
  markField: string;
}

/**
 * Summarize of an export: the output holds one entry per claimed transaction (key = its id, value =
 * its rows as a JSON array, maybe empty). The file is written only when every transaction the batch
 * claimed has its entry; otherwise (a reduce died after its claim, or its output was lost to a restart)
 * the batch stays PENDING and the next run, which claims the same transactions again, sends it.
 */
export function summarizeBatch(ctx: { output: { iterator(): { each(cb: (k: string, v: string) => boolean): void } } }, spec: BatchExportSpec, openConnection: () => sftp.Connection, maxBytes: number): void {
  const batch = currentBatch(spec.feed);
  if (!batch) {
    log.audit({ title: 'Nothing pending', details: `${spec.feed}: no pending batch` });
    return;
  }
  const byId = new Map<string, string[][]>();
  ctx.output.iterator().each((key, value) => {
    byId.set(key, JSON.parse(value) as string[][]);
    return true;
  });
  const claimed = claimedIds(spec.recordType, spec.markField, batch.name);
  const missing = Array.from(claimed).filter((id) => !byId.has(id));
  if (missing.length) {
    log.error({ title: 'Batch kept pending', details: `${batch.name}: no rows for ${missing.length} claimed transaction(s) (${missing.slice(0, 20).join(', ')}); the next run sends them` });
    return;
  }
  const rows: string[][] = [];
  const ids = Array.from(claimed).sort((a, b) => Number(a) - Number(b));
  for (const id of ids) for (const r of byId.get(id) || []) rows.push(r);
  if (!rows.length && !claimed.size) {
    log.audit({ title: 'Nothing to export', details: `${spec.feed}: batch ${batch.name} stays open for the next run` });
    return;
  }
  const docs = batchDocuments(batch.name, spec.fileSuffix, spec.header, rows, maxBytes);
  let uploaded: string[];
  try {
    uploaded = finishBatch(openConnection(), spec.dir, batch, docs);
  } catch (e) {
    log.error({ title: 'Upload failed; batch stays pending', details: `${batch.name}: ${errorMessage(e)}. The next run sends these rows.` });
    return;
  }
  log.audit({ title: 'Exported', details: `${spec.feed}: ${rows.length} row(s) of ${claimed.size} transaction(s); uploaded ${uploaded.join(', ') || 'nothing new'}` });
}
