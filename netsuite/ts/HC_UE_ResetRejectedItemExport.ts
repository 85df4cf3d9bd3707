/**
 * @NApiVersion 2.1
 * @NScriptType UserEventScript
 * @NModuleScope SameAccount
 */

/*
 * Sales order beforeSubmit, for the rejected-items export (HC_MR_ExportedRejectedSalesOrderItemCSV).
 * It compares each line with the same line of `context.oldRecord` (the record as stored before this
 * save; Help: "beforeSubmit(context)" — oldRecord is there on edit and xedit, not on create):
 *
 * - the line's location changed: it keeps the location it left in `custcol_oms_rej_prev_location`.
 *   A line moved to the "Rejected Orders" location is then exported with the location that
 *   rejected it as `facilityId` (feeds.md v2: "the location the line was at when it was rejected"),
 *   not with "Rejected Orders" itself;
 * - the line's rejected flag or location changed: it forgets its export batch
 *   (`custcol_oms_rej_export_batch`), so a later rejection of the same line is exported again.
 *   Any other edit (a quantity, the export's own marking save) leaves the batch alone, so a line
 *   that is still rejected is never sent twice.
 *
 * The script has no parameter: whether a line counts as rejected (flag or location) is the export's
 * business alone, and the export's `custscript_oms_rej_rejected_location` is the one place that
 * names the "Rejected Orders" location. Runs during CSV imports too (the saved import maps have
 * runserversuitescript = T), which is how the OMS's `rejected = F` and new location arrive.
 */
import * as log from 'N/log';
import type * as record from 'N/record';
import type { EntryPoints } from 'N/types';
import { SO } from './lib/fields';

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const flag = (v: unknown) => v === true || v === 'T';

/** The old record's lines by their `line` id (a line's index can change when lines are added). */
function oldLines(old: record.Record | null | undefined): Map<string, { rejected: boolean; location: string }> {
  const out = new Map<string, { rejected: boolean; location: string }>();
  if (!old) return out;
  const n = old.getLineCount({ sublistId: SO.itemSublist });
  for (let i = 0; i < n; i++) {
    const get = (fieldId: string) => old.getSublistValue({ sublistId: SO.itemSublist, fieldId, line: i });
    out.set(str(get(SO.line)), { rejected: flag(get(SO.rejected)), location: str(get(SO.location)) });
  }
  return out;
}

export const beforeSubmit: EntryPoints.UserEvent.beforeSubmit = (ctx) => {
  if (ctx.type === ctx.UserEventType.DELETE || ctx.type === ctx.UserEventType.CREATE) return;
  const rec = ctx.newRecord;
  const before = oldLines(ctx.oldRecord);
  const n = rec.getLineCount({ sublistId: SO.itemSublist });
  const cleared: string[] = [];
  for (let i = 0; i < n; i++) {
    const get = (fieldId: string) => rec.getSublistValue({ sublistId: SO.itemSublist, fieldId, line: i });
    const line = str(get(SO.line));
    const old = before.get(line);
    if (!old) continue; // a new line: nothing to compare with, nothing exported yet
    const location = str(get(SO.location));
    const moved = location !== old.location;
    if (moved) rec.setSublistValue({ sublistId: SO.itemSublist, fieldId: SO.previousLocation, line: i, value: old.location });
    if ((moved || flag(get(SO.rejected)) !== old.rejected) && get(SO.rejectionExportBatch)) {
      rec.setSublistValue({ sublistId: SO.itemSublist, fieldId: SO.rejectionExportBatch, line: i, value: '' });
      cleared.push(line);
    }
  }
  if (cleared.length) log.debug({ title: 'Rejection export reset', details: `sales order ${rec.id}: line(s) ${cleared.join(', ')}` });
};
