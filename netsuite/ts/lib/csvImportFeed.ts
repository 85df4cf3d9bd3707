/**
 * Reads one SFTP inbox through a saved CSV import map, the way HotWax's scheduled scripts do,
 * minus their bugs:
 *
 * - a file is archived only once its CsvImportTask is seen COMPLETE — by a later run, or by this
 *   run's optional polling loop — never right after submit (the status then is always PENDING);
 * - a FAILED task moves its file to `failed/` and is listed in one error report per run with a
 *   safe name (`yyyy-MM-dd-HH-mm-ss-{label}.csv`);
 * - only complete `*.csv` files with safe names are read (`NAME.part` uploads are in progress);
 * - a file whose import is under way is never submitted again, not even after a crash between
 *   submit and bookkeeping (the tracking record is written before the submit);
 * - a file is a duplicate only when both its NAME and its SHA-256 match an import that completed
 *   (contract v2): it is archived, not re-applied; the same name with other bytes goes to
 *   `failed/`; identical bytes under a new name are imported like any file (legitimate re-sends);
 * - a file over 10 MB is never read (N/file holds at most 10 MB of text: `File.getContents()`),
 *   it goes to `failed/` with the reason; the size is checked from the listing and the download;
 * - a COMPLETE import is not taken as fully applied: NetSuite ends a CSV import job COMPLETE even
 *   when rows failed (SuiteAnswers "CSV Import Job Status"). The refused rows are written to
 *   `{error dir}/{file}.errors.csv` in the contract's format before the file is archived. They
 *   come from the job's CSV response file when the task status exposes one (`responseFile`; the
 *   documented CsvImportTaskStatus has only `status`), else from the feed's reconciliation of
 *   the rows against the records, and from the rows the feed refused itself before the import;
 * - before each step the run checks its remaining governance and stops cleanly when it is low;
 *   the next run carries on from the tracking records.
 *
 * Script parameters (prefix per script, e.g. `custscript_oms_upso_`):
 * `max_in_flight` (default 1: one import at a time keeps the files' order, which matters when a
 * later file updates the same lines), `poll_seconds` (default 0: no waiting; the next scheduled
 * run picks up the outcome), `poll_interval_ms` (5000), `min_usage` (200), `queue_id`
 * (CSV import queue, default the account preference), `sftp_config` (configuration record id).
 */
import * as file from 'N/file';
import * as log from 'N/log';
import type * as sftp from 'N/sftp';
import * as task from 'N/task';
import { hasDataRows } from './csv';
import type { CsvImportFeed } from './fields';
import { sha256Hex } from './hash';
import { isCsvCandidate, isPartial } from './names';
import { intParam, param, pause, remainingUsage } from './params';
import { csvDocument, neutralize } from './csv';
import { joinPath } from './names';
import { errorMessage, type FileError, parseCsv, type RowRefusal, writeErrorReport } from './report';
import { ensureDir, listFiles, loadSftpSettings, moveFile, openFeedConnection, type RemoteFile } from './sftpClient';
import { findByName, loadInFlight, trackFinished, trackSubmitted, trackSubmitting, type TrackedImport } from './importTracking';

/** N/file holds at most 10 MB of text (`file.create`, `File.getContents()`); contract v2 limit. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** A file as the import sees it: the text to submit and where each of its rows came from. */
export interface PreparedFile {
  /** CSV text to import ('' when no row is left to import). */
  text: string;
  /** `origin[i]` = 1-based data row of the original file of data row i + 1 of `text`. */
  origin: number[];
  /** Rows refused before the import (their numbers in the original file). */
  refused: RowRefusal[];
  /** True when `text` differs from the file's contents. */
  rewritten: boolean;
}

/** What differs between the feeds read through a CSV import (kept in the scripts). */
export interface FeedRules {
  /** Folder of the per-file row report `{file}.errors.csv`, relative to the feed directory. */
  rowErrorDir: string;
  /** Header of the row report: `row`, the feed's key columns, `message`. */
  rowErrorHeader: string[];
  /** The key cells of a refused row (between `row` and `message`), from its cells by column name. */
  rowErrorKeys(cells: Record<string, string>): string[];
  /** Rewrites / screens the rows before the import (e.g. to the user's date format). */
  prepare?(table: string[][]): PreparedFile;
  /**
   * Without a response file: for each imported row (cells by column name), '' when the records show
   * it applied, else why not. Called with all rows of the imported text.
   */
  reconcile?(rows: Record<string, string>[], taskId: string): string[];
}

/** The file unchanged: every row imported as is. */
export function unchanged(table: string[][], text: string): PreparedFile {
  return { text, origin: table.slice(1).map((_, i) => i + 1), refused: [], rewritten: false };
}

/** `brokered_1.csv` → `brokered_1.errors.csv` (contract v2: for `X.csv` the report is `X.errors.csv`). */
export function rowReportName(fileName: string): string {
  return /\.csv$/i.test(fileName) ? `${fileName.slice(0, -4)}.errors.csv` : `${fileName}.errors.csv`;
}

/**
 * Usage units a step may need: N/sftp download/upload 100, list/move/makeDirectory 10;
 * CsvImportTask.submit 100 (checkStatus is free); search 10; custom record create 2, load 2,
 * save 4, submitFields 2.
 */
const COST = {
  list: 10,
  /** download, duplicate search, tracking record create+save, submit, submitFields, move + retry. */
  file: 100 + 10 + 2 + 4 + 100 + 2 + 30,
  /**
   * download (to read the refused rows' keys), reconciliation search pages, row report upload +
   * move + list, archive move (+ list/makeDirectory on retry), tracking record load+save.
   */
  finish: 100 + 50 + 100 + 20 + 10 + 30 + 6,
  /** error report: upload + move (+ list on a name clash). */
  report: 100 + 30,
};

export interface CsvImportSettings {
  maxInFlight: number;
  pollSeconds: number;
  pollIntervalMs: number;
  minUsage: number;
  queueId: number;
  sftpConfig: string;
}

export interface CsvImportRunResult {
  /** Files whose task was submitted in this run. */
  submitted: string[];
  /** Files moved to archive (import COMPLETE, or nothing to import). */
  archived: string[];
  /** Files archived without import: same content as an earlier COMPLETE import. */
  duplicates: string[];
  /** Files moved to failed/. */
  failed: string[];
  /** Files whose import is still PENDING/PROCESSING at the end of the run. */
  waiting: string[];
  /** Per archived file with refused rows: its row report and how many rows. */
  refusedRows: Record<string, { report: string; rows: number }>;
  stoppedForUsage: boolean;
  errorReport?: string;
}

interface Run {
  feed: CsvImportFeed;
  rules: FeedRules;
  settings: CsvImportSettings;
  conn: sftp.Connection;
  errors: FileError[];
  result: CsvImportRunResult;
  /** Files this run already handled (or must not touch again): never submitted twice in a run. */
  touched: Set<string>;
  /** True when `cost` units fit above the floor kept for the error report; else marks the stop. */
  affordable: (cost: number) => boolean;
}

export function readSettings(prefix: string): CsvImportSettings {
  return {
    maxInFlight: intParam(`${prefix}max_in_flight`, 1, 1, 100),
    pollSeconds: intParam(`${prefix}poll_seconds`, 0, 0, 1800),
    pollIntervalMs: intParam(`${prefix}poll_interval_ms`, 5000, 0, 60000),
    minUsage: intParam(`${prefix}min_usage`, 200, 0, 9000),
    queueId: intParam(`${prefix}queue_id`, 0, 0, 1000),
    sftpConfig: param(`${prefix}sftp_config`),
  };
}

export function runCsvImportFeed(feed: CsvImportFeed, rules: FeedRules): CsvImportRunResult {
  const settings = readSettings(feed.paramPrefix);
  const result: CsvImportRunResult = { submitted: [], archived: [], duplicates: [], failed: [], waiting: [], refusedRows: {}, stoppedForUsage: false };
  const started = Date.now();
  const affordable = (cost: number): boolean => {
    if (remainingUsage() >= cost + COST.report + settings.minUsage) return true;
    if (!result.stoppedForUsage) log.audit({ title: `${feed.feed}: stopping, governance low`, details: `remaining ${remainingUsage()} units; the next run continues` });
    result.stoppedForUsage = true;
    return false;
  };
  const conn = openFeedConnection(loadSftpSettings(settings.sftpConfig), feed.feedDir);
  const run: Run = { feed, rules, settings, conn, errors: [], result, touched: new Set(), affordable };
  let inFlight = loadInFlight(feed.feed);
  try {
    for (;;) {
      inFlight = finishImports(run, inFlight);
      if (!result.stoppedForUsage && inFlight.length < settings.maxInFlight) submitFiles(run, inFlight);
      if (result.stoppedForUsage || inFlight.length === 0) break;
      if (Date.now() - started + settings.pollIntervalMs > settings.pollSeconds * 1000) break;
      pause(settings.pollIntervalMs);
    }
  } finally {
    result.waiting = inFlight.map((t) => t.fileName);
    if (run.errors.length) {
      try {
        result.errorReport = writeErrorReport(conn, feed.errorDir, feed.errorLabel, run.errors, new Date());
      } catch (e) {
        log.error({ title: `${feed.feed}: could not write the error report`, details: `${errorMessage(e)}; errors: ${JSON.stringify(run.errors)}` });
      }
    }
    log.audit({ title: `${feed.feed}: run summary`, details: JSON.stringify(result) });
  }
  return result;
}

/** Archives or fails the files whose task has ended; returns the imports still running. */
function finishImports(run: Run, inFlight: TrackedImport[]): TrackedImport[] {
  const { conn, feed, errors, result, affordable } = run;
  const still: TrackedImport[] = [];
  for (const t of inFlight) {
    let status: string;
    let detail = '';
    let taskStatus: task.CsvImportTaskStatus | null = null;
    if (t.status === 'SUBMITTING' || !t.taskId) {
      status = task.TaskStatus.FAILED;
      detail = 'the run that submitted this file stopped before recording the task id; check Setup > Import/Export > View CSV Import Status before moving the file back';
    } else {
      try {
        taskStatus = task.checkStatus({ taskId: t.taskId }) as task.CsvImportTaskStatus;
        status = String(taskStatus.status);
      } catch (e) {
        status = task.TaskStatus.FAILED;
        detail = `task status unavailable: ${errorMessage(e)}`;
      }
    }
    if (status !== task.TaskStatus.COMPLETE && status !== task.TaskStatus.FAILED) {
      still.push(t);
      continue;
    }
    if (result.stoppedForUsage || !affordable(COST.finish)) {
      still.push(t);
      continue;
    }
    try {
      if (status === task.TaskStatus.COMPLETE) {
        const refused = reportRefusals(run, t, taskStatus);
        if (refused === null) {
          // The file left the inbox after an earlier run wrote its report and archived it.
          trackFinished(t.id, 'COMPLETE', 'archived by an earlier run');
          result.archived.push(t.fileName);
          continue;
        }
        moveFile(conn, feed.inboxDir, feed.archiveDir, t.fileName);
        trackFinished(t.id, 'COMPLETE', refused.rows ? `${refused.rows} row(s) refused; see ${refused.report}` : '');
        if (refused.rows) result.refusedRows[t.fileName] = refused;
        result.archived.push(t.fileName);
      } else {
        const message = detail || `CSV import task ${t.taskId} FAILED; the CSV response file is under Setup > Import/Export > View CSV Import Status`;
        moveFile(conn, feed.inboxDir, feed.failedDir, t.fileName);
        trackFinished(t.id, 'FAILED', message);
        errors.push({ fileName: t.fileName, taskId: t.taskId, message });
        result.failed.push(t.fileName);
      }
    } catch (e) {
      log.error({ title: `${feed.feed}: could not finish ${t.fileName}`, details: `${errorMessage(e)}; retried next run` });
      still.push(t);
    }
  }
  return still;
}

/** Submits new inbox files (oldest first) until `maxInFlight` imports run or governance is low. */
function submitFiles(run: Run, inFlight: TrackedImport[]): void {
  const { conn, feed, settings, affordable } = run;
  if (!affordable(COST.list)) return;
  const busy = new Set(inFlight.map((t) => t.fileName));
  for (const f of listFiles(conn, feed.inboxDir)) {
    if (inFlight.length >= settings.maxInFlight) return;
    if (busy.has(f.name) || run.touched.has(f.name)) continue;
    if (!isCsvCandidate(f.name)) {
      if (!isPartial(f.name)) log.debug({ title: `${feed.feed}: ignored`, details: f.name });
      continue;
    }
    if (!affordable(COST.file)) return;
    run.touched.add(f.name);
    const t = submitFile(run, f);
    if (t) inFlight.push(t);
  }
}

/** Moves a file the run will not import to `failed/` and lists it in the run's error report. */
function failFile(run: Run, name: string, message: string, trackId = ''): void {
  const { conn, feed, errors, result } = run;
  errors.push({ fileName: name, taskId: '', message });
  try {
    if (trackId) trackFinished(trackId, 'FAILED', message);
    moveFile(conn, feed.inboxDir, feed.failedDir, name);
    result.failed.push(name);
  } catch (e2) {
    log.error({ title: `${feed.feed}: could not move ${name} to failed`, details: errorMessage(e2) });
  }
}

const tooBig = (size: number) => `the file is ${size} bytes, over the 10 MB that NetSuite can read (N/file getContents) and that the feed contract allows; split it`;

function prepareFile(rules: FeedRules, contents: string): PreparedFile {
  const table = parseCsv(contents);
  return rules.prepare ? rules.prepare(table) : unchanged(table, contents);
}

function submitFile(run: Run, f: RemoteFile): TrackedImport | null {
  const { conn, feed, settings, result } = run;
  if (f.size > MAX_FILE_BYTES) {
    failFile(run, f.name, tooBig(f.size));
    return null;
  }
  let downloaded;
  try {
    downloaded = conn.download({ directory: feed.inboxDir, filename: f.name });
  } catch (e) {
    // Most likely transient (connection, permissions): leave the file for the next run.
    log.error({ title: `${feed.feed}: download failed`, details: `${f.name}: ${errorMessage(e)}` });
    return null;
  }
  if (downloaded.size > MAX_FILE_BYTES) {
    failFile(run, f.name, tooBig(downloaded.size));
    return null;
  }
  let trackId = '';
  let taskId = '';
  try {
    const contents = downloaded.getContents();
    if (!hasDataRows(contents)) {
      moveFile(conn, feed.inboxDir, feed.archiveDir, f.name);
      log.audit({ title: `${feed.feed}: archived without import`, details: `${f.name} has no data rows` });
      result.archived.push(f.name);
      return null;
    }
    const sha256 = sha256Hex(contents);
    const earlier = findByName(feed.feed, f.name);
    if (earlier) {
      if (earlier.sha256 === sha256) {
        moveFile(conn, feed.inboxDir, feed.archiveDir, f.name);
        log.audit({ title: `${feed.feed}: duplicate archived without import`, details: `${f.name} was imported before with the same content (task ${earlier.taskId})` });
        result.duplicates.push(f.name);
      } else {
        failFile(run, f.name, `a file named ${f.name} was imported before (task ${earlier.taskId}) with other content; a writer never reuses a name`);
      }
      return null;
    }
    const prepared = prepareFile(run.rules, contents);
    trackId = trackSubmitting(feed.feed, f.name, sha256, f.size);
    if (prepared.origin.length === 0 && prepared.refused.length === 0) {
      // Every row was applied before the import (the split path of the sales order update): nothing
      // to submit and nothing refused, so no row report, as for an import that refused no row
      // (feeds.md v2 "Refusals": a report lists the rows NetSuite could not apply).
      moveFile(conn, feed.inboxDir, feed.archiveDir, f.name);
      trackFinished(trackId, 'COMPLETE', 'every row applied before the import; nothing to submit');
      result.archived.push(f.name);
      return null;
    }
    if (prepared.origin.length === 0) {
      // Every row was refused or applied before the import: report the refused ones, nothing to submit.
      const report = writeRowReport(run, f.name, contents, prepared, []);
      moveFile(conn, feed.inboxDir, feed.archiveDir, f.name);
      trackFinished(trackId, 'COMPLETE', `${prepared.refused.length} row(s) refused before import; see ${report}`);
      result.refusedRows[f.name] = { report, rows: prepared.refused.length };
      result.archived.push(f.name);
      return null;
    }
    const csvTask = task.create({ taskType: task.TaskType.CSV_IMPORT });
    csvTask.mappingId = feed.mappingId;
    // N/task CsvImportTask.importFile takes a file.File or the CSV text itself.
    csvTask.importFile = prepared.rewritten ? prepared.text : downloaded;
    csvTask.name = `${feed.taskLabel}-${f.name}`;
    if (settings.queueId) csvTask.queueId = settings.queueId;
    taskId = csvTask.submit();
    trackSubmitted(trackId, taskId);
    result.submitted.push(f.name);
    log.audit({ title: `${feed.feed}: submitted`, details: `${f.name} → CSV import task ${taskId}` });
    return { id: trackId, fileName: f.name, taskId, status: 'SUBMITTED', sha256 };
  } catch (e) {
    const message = errorMessage(e);
    if (taskId) {
      // Submitted, but the task id could not be recorded: the SUBMITTING record makes the next
      // run fail the file instead of submitting it again. Leave it where it is.
      log.error({ title: `${feed.feed}: task ${taskId} submitted but not recorded`, details: `${f.name}: ${message}` });
      return null;
    }
    failFile(run, f.name, message, trackId);
    return null;
  }
}

/** The refused rows of a COMPLETE import: response file, else reconciliation; data rows 1-based. */
function importRefusals(run: Run, taskId: string, status: task.CsvImportTaskStatus | null, prepared: PreparedFile): RowRefusal[] {
  const exposed = status ? (status as unknown as { responseFile?: { getContents(): string } }).responseFile : undefined;
  if (exposed && typeof exposed.getContents === 'function') {
    const table = parseCsv(exposed.getContents());
    const head = table.length ? table[0].map((h) => h.trim().toLowerCase()) : [];
    const ri = head.indexOf('row');
    const mi = head.indexOf('message');
    return table.slice(1).map((r) => ({ row: Number(r[ri]), message: r[mi] || 'refused by the CSV import' })).filter((r) => r.row >= 1);
  }
  if (!run.rules.reconcile) return [];
  const table = parseCsv(prepared.text);
  const header = table.length ? table[0] : [];
  const rows = table.slice(1).map((r) => {
    const o: Record<string, string> = {};
    header.forEach((h, i) => (o[h.trim()] = r[i] === undefined ? '' : r[i]));
    return o;
  });
  const messages = run.rules.reconcile(rows, taskId);
  const out: RowRefusal[] = [];
  messages.forEach((m, i) => {
    if (m) out.push({ row: i + 1, message: m });
  });
  return out;
}

/**
 * Writes `{rowErrorDir}/{X}.errors.csv` for the refused rows of `X.csv` (rows of the imported
 * text mapped back to the original file, plus the rows refused before the import). Returns the
 * report's path. An existing report of the same name was written by an earlier attempt at the
 * same file (the content is the same): it is kept.
 */
function writeRowReport(run: Run, fileName: string, contents: string, prepared: PreparedFile, imported: RowRefusal[]): string {
  const { conn, rules } = run;
  const original = parseCsv(contents);
  const header = original.length ? original[0].map((h) => h.trim()) : [];
  const cellsOf = (row: number): Record<string, string> => {
    const r = original[row] || [];
    const o: Record<string, string> = {};
    header.forEach((h, i) => (o[h] = r[i] === undefined ? '' : r[i]));
    return o;
  };
  const all: RowRefusal[] = [...prepared.refused];
  for (const r of imported) all.push({ row: prepared.origin[r.row - 1] || r.row, message: r.message });
  all.sort((a, b) => a.row - b.row);
  const lines = all.map((r) => [r.row, ...rules.rowErrorKeys(cellsOf(r.row)).map(neutralize), neutralize(r.message)]);
  const name = rowReportName(fileName);
  const part = `${name}.part`;
  const f = file.create({ name: part, fileType: file.Type.CSV, contents: csvDocument(rules.rowErrorHeader, lines) });
  try {
    conn.upload({ file: f, filename: part, directory: rules.rowErrorDir, replaceExisting: true });
  } catch (e) {
    ensureDir(conn, rules.rowErrorDir);
    conn.upload({ file: f, filename: part, directory: rules.rowErrorDir, replaceExisting: true });
  }
  try {
    conn.move({ from: joinPath(rules.rowErrorDir, part), to: joinPath(rules.rowErrorDir, name) });
  } catch (e) {
    conn.removeFile({ path: joinPath(rules.rowErrorDir, part) });
    log.audit({ title: `${run.feed.feed}: row report kept`, details: `${joinPath(rules.rowErrorDir, name)} exists (written by an earlier attempt)` });
  }
  return joinPath(rules.rowErrorDir, name);
}

/**
 * Reads back a COMPLETE import of `t` and writes its row report when rows were refused. Returns
 * null when the file is no longer in the inbox (archived by an earlier attempt).
 */
function reportRefusals(run: Run, t: TrackedImport, status: task.CsvImportTaskStatus | null): { report: string; rows: number } | null {
  const { conn, feed } = run;
  let contents: string;
  try {
    contents = conn.download({ directory: feed.inboxDir, filename: t.fileName }).getContents();
  } catch (e) {
    if (moveFile(conn, feed.inboxDir, feed.archiveDir, t.fileName).outcome === 'already-moved') return null;
    throw e;
  }
  const prepared = prepareFile(run.rules, contents);
  const imported = importRefusals(run, t.taskId, status, prepared);
  const rows = prepared.refused.length + imported.length;
  if (rows === 0) return { report: '', rows: 0 };
  return { report: writeRowReport(run, t.fileName, contents, prepared, imported), rows };
}
