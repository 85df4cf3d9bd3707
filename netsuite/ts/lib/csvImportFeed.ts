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
 * - a file with the same content as an import that already completed is archived, not re-applied;
 * - before each step the run checks its remaining governance and stops cleanly when it is low;
 *   the next run carries on from the tracking records.
 *
 * Script parameters (prefix per script, e.g. `custscript_oms_upso_`):
 * `max_in_flight` (default 1: one import at a time keeps the files' order, which matters when a
 * later file updates the same lines), `poll_seconds` (default 0: no waiting; the next scheduled
 * run picks up the outcome), `poll_interval_ms` (5000), `min_usage` (200), `queue_id`
 * (CSV import queue, default the account preference), `sftp_config` (configuration record id).
 */
import * as log from 'N/log';
import type * as sftp from 'N/sftp';
import * as task from 'N/task';
import { hasDataRows } from './csv';
import type { CsvImportFeed } from './fields';
import { sha256Hex } from './hash';
import { isCsvCandidate, isPartial } from './names';
import { intParam, param, pause, remainingUsage } from './params';
import { errorMessage, type FileError, writeErrorReport } from './report';
import { listFiles, loadSftpSettings, moveFile, openFeedConnection, type RemoteFile } from './sftpClient';
import { findCompleted, loadInFlight, trackFinished, trackSubmitted, trackSubmitting, type TrackedImport } from './importTracking';

/**
 * Usage units a step may need: N/sftp download/upload 100, list/move/makeDirectory 10;
 * CsvImportTask.submit 100 (checkStatus is free); search 10; custom record create 2, load 2,
 * save 4, submitFields 2.
 */
const COST = {
  list: 10,
  /** download, duplicate search, tracking record create+save, submit, submitFields, move + retry. */
  file: 100 + 10 + 2 + 4 + 100 + 2 + 30,
  /** move (+ list/makeDirectory on retry), tracking record load+save. */
  finish: 10 + 30 + 6,
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
  stoppedForUsage: boolean;
  errorReport?: string;
}

interface Run {
  feed: CsvImportFeed;
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

export function runCsvImportFeed(feed: CsvImportFeed): CsvImportRunResult {
  const settings = readSettings(feed.paramPrefix);
  const result: CsvImportRunResult = { submitted: [], archived: [], duplicates: [], failed: [], waiting: [], stoppedForUsage: false };
  const started = Date.now();
  const affordable = (cost: number): boolean => {
    if (remainingUsage() >= cost + COST.report + settings.minUsage) return true;
    if (!result.stoppedForUsage) log.audit({ title: `${feed.feed}: stopping, governance low`, details: `remaining ${remainingUsage()} units; the next run continues` });
    result.stoppedForUsage = true;
    return false;
  };
  const conn = openFeedConnection(loadSftpSettings(settings.sftpConfig), feed.feedDir);
  const run: Run = { feed, settings, conn, errors: [], result, touched: new Set(), affordable };
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
    if (t.status === 'SUBMITTING' || !t.taskId) {
      status = task.TaskStatus.FAILED;
      detail = 'the run that submitted this file stopped before recording the task id; check Setup > Import/Export > View CSV Import Status before moving the file back';
    } else {
      try {
        status = String(task.checkStatus({ taskId: t.taskId }).status);
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
        moveFile(conn, feed.inboxDir, feed.archiveDir, t.fileName);
        trackFinished(t.id, 'COMPLETE', '');
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

function submitFile(run: Run, f: RemoteFile): TrackedImport | null {
  const { conn, feed, settings, errors, result } = run;
  let downloaded;
  try {
    downloaded = conn.download({ directory: feed.inboxDir, filename: f.name });
  } catch (e) {
    // Most likely transient (connection, permissions): leave the file for the next run.
    log.error({ title: `${feed.feed}: download failed`, details: `${f.name}: ${errorMessage(e)}` });
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
    const done = findCompleted(feed.feed, sha256);
    if (done) {
      moveFile(conn, feed.inboxDir, feed.archiveDir, f.name);
      log.audit({ title: `${feed.feed}: duplicate archived without import`, details: `${f.name} has the content of ${done.fileName} (task ${done.taskId})` });
      result.duplicates.push(f.name);
      return null;
    }
    trackId = trackSubmitting(feed.feed, f.name, sha256, f.size);
    const csvTask = task.create({ taskType: task.TaskType.CSV_IMPORT });
    csvTask.mappingId = feed.mappingId;
    csvTask.importFile = downloaded;
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
    errors.push({ fileName: f.name, taskId: '', message });
    try {
      if (trackId) trackFinished(trackId, 'FAILED', message);
      moveFile(conn, feed.inboxDir, feed.failedDir, f.name);
      result.failed.push(f.name);
    } catch (e2) {
      log.error({ title: `${feed.feed}: could not move ${f.name} to failed`, details: errorMessage(e2) });
    }
    return null;
  }
}
