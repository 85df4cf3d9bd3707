/**
 * Tracking records of submitted CSV import tasks (`customrecord_oms_csv_import_task`).
 *
 * A file stays in the inbox while its import runs; the record says which task owns it, so no run
 * submits it twice and a later run can archive it once the task is COMPLETE (or fail it).
 * Status: SUBMITTING (record written, task not yet submitted) → SUBMITTED → COMPLETE | FAILED.
 */
import * as record from 'N/record';
import * as search from 'N/search';
import { IMPORT_TASK } from './fields';

export type TrackStatus = 'SUBMITTING' | 'SUBMITTED' | 'COMPLETE' | 'FAILED';

export interface TrackedImport {
  id: string;
  fileName: string;
  taskId: string;
  status: TrackStatus;
  sha256: string;
}

function toTracked(r: search.Result): TrackedImport {
  const s = (name: string) => String(r.getValue({ name }) || '');
  return { id: String(r.id), fileName: s(IMPORT_TASK.file), taskId: s(IMPORT_TASK.taskId), status: s(IMPORT_TASK.status) as TrackStatus, sha256: s(IMPORT_TASK.sha256) };
}

function find(filters: unknown[], max: number): TrackedImport[] {
  return search
    .create({
      type: IMPORT_TASK.type,
      filters,
      columns: [search.createColumn({ name: 'internalid', sort: search.Sort.ASC }), IMPORT_TASK.file, IMPORT_TASK.taskId, IMPORT_TASK.status, IMPORT_TASK.sha256],
    })
    .run()
    .getRange({ start: 0, end: max })
    .map(toTracked);
}

/** Imports of `feed` not finished yet, oldest first. */
export function loadInFlight(feed: string): TrackedImport[] {
  const open = [[IMPORT_TASK.status, 'is', 'SUBMITTED'], 'OR', [IMPORT_TASK.status, 'is', 'SUBMITTING']];
  return find([[IMPORT_TASK.feed, 'is', feed], 'AND', open], 1000);
}

/**
 * The import of a file of this NAME in `feed` that completed, if any (contract v2: a file is a
 * duplicate only when its name and its SHA-256 both match; the caller compares the hash). A FAILED
 * import applied nothing, so a file put back after a failure is read again.
 */
export function findByName(feed: string, fileName: string): TrackedImport | null {
  const r = find([[IMPORT_TASK.feed, 'is', feed], 'AND', [IMPORT_TASK.file, 'is', fileName], 'AND', [IMPORT_TASK.status, 'is', 'COMPLETE']], 1);
  return r.length ? r[0] : null;
}

/** Writes the record BEFORE the task is submitted, so a lost task id can never lead to a resubmit. */
export function trackSubmitting(feed: string, fileName: string, sha256: string, size: number): string {
  const rec = record.create({ type: IMPORT_TASK.type });
  rec.setValue({ fieldId: 'name', value: `${feed}/${fileName}`.slice(0, 300) });
  rec.setValue({ fieldId: IMPORT_TASK.feed, value: feed });
  rec.setValue({ fieldId: IMPORT_TASK.file, value: fileName });
  rec.setValue({ fieldId: IMPORT_TASK.sha256, value: sha256 });
  rec.setValue({ fieldId: IMPORT_TASK.size, value: size });
  rec.setValue({ fieldId: IMPORT_TASK.status, value: 'SUBMITTING' });
  rec.setValue({ fieldId: IMPORT_TASK.submitted, value: new Date() });
  return String(rec.save());
}

export function trackSubmitted(id: string, taskId: string): void {
  record.submitFields({ type: IMPORT_TASK.type, id, values: { [IMPORT_TASK.taskId]: taskId, [IMPORT_TASK.status]: 'SUBMITTED' } });
}

export function trackFinished(id: string, status: 'COMPLETE' | 'FAILED', message: string): void {
  const rec = record.load({ type: IMPORT_TASK.type, id });
  rec.setValue({ fieldId: IMPORT_TASK.status, value: status });
  rec.setValue({ fieldId: IMPORT_TASK.finished, value: new Date() });
  rec.setValue({ fieldId: IMPORT_TASK.message, value: message.slice(0, 3900) });
  rec.save();
}
