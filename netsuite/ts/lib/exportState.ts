/**
 * State of the rejected-items export, kept on the last-run record
 * (`customrecord_oms_last_runtime_export`): the last-run time plus the pending batch.
 *
 * Map/Reduce stages run in separate invocations, so everything a later stage needs is stored here:
 * getInputData stores the batch name and the run's start; summarize clears the batch once the file
 * is on the SFTP server and, when no stage reported an error, moves the last-run time to the start.
 */
import * as record from 'N/record';
import * as search from 'N/search';
import { LAST_RUN } from './fields';

export interface ExportState {
  id: string;
  lastRun: Date | null;
  pendingBatch: string;
  batchStarted: Date | null;
}

function asDate(v: unknown): Date | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  return null;
}

/** Loads the record `recordId`, else the first one, creating it when the account has none. */
export function loadExportState(recordId: string): ExportState {
  let id = recordId;
  if (!id) {
    const first = search
      .create({ type: LAST_RUN.type, filters: [['isinactive', 'is', 'F']], columns: [search.createColumn({ name: 'internalid', sort: search.Sort.ASC })] })
      .run()
      .getRange({ start: 0, end: 1 });
    if (first.length) id = String(first[0].id);
    else {
      const created = record.create({ type: LAST_RUN.type });
      created.setValue({ fieldId: 'name', value: 'OMS export last run' });
      id = String(created.save());
    }
  }
  const rec = record.load({ type: LAST_RUN.type, id });
  return {
    id,
    lastRun: asDate(rec.getValue({ fieldId: LAST_RUN.rejectedItemsDate })),
    pendingBatch: String(rec.getValue({ fieldId: LAST_RUN.rejectedItemsPendingBatch }) || ''),
    batchStarted: asDate(rec.getValue({ fieldId: LAST_RUN.rejectedItemsBatchStarted })),
  };
}

export function saveExportState(id: string, values: { lastRun?: Date; pendingBatch?: string; batchStarted?: Date | null }): void {
  const rec = record.load({ type: LAST_RUN.type, id });
  if (values.lastRun !== undefined) rec.setValue({ fieldId: LAST_RUN.rejectedItemsDate, value: values.lastRun });
  if (values.pendingBatch !== undefined) rec.setValue({ fieldId: LAST_RUN.rejectedItemsPendingBatch, value: values.pendingBatch });
  if (values.batchStarted !== undefined) rec.setValue({ fieldId: LAST_RUN.rejectedItemsBatchStarted, value: values.batchStarted });
  rec.save();
}
