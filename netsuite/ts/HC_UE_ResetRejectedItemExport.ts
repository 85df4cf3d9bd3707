/**
 * @NApiVersion 2.1
 * @NScriptType UserEventScript
 * @NModuleScope SameAccount
 */

/*
 * Sales order beforeSubmit: a line that is no longer rejected (the OMS re-brokered it and its
 * update feed set `rejected = F`, or a user unchecked it / moved it off the "Rejected Orders"
 * location) forgets its rejected-items export batch, so a later rejection of the same line is
 * exported again. Without it, `custcol_oms_rej_export_batch` would block every rejection after
 * the first. Runs during CSV imports too (the saved import maps have runserversuitescript = T).
 *
 * Parameter `custscript_oms_ue_rejected_location`: internal id of the "Rejected Orders" location,
 * when rejections are also signalled by location (same value as the export's parameter).
 */
import * as log from 'N/log';
import type { EntryPoints } from 'N/types';
import { SO } from './lib/fields';
import { param } from './lib/params';

export const beforeSubmit: EntryPoints.UserEvent.beforeSubmit = (ctx) => {
  if (ctx.type === ctx.UserEventType.DELETE || ctx.type === ctx.UserEventType.CREATE) return;
  const rec = ctx.newRecord;
  const rejectedLocation = param('custscript_oms_ue_rejected_location');
  const n = rec.getLineCount({ sublistId: SO.itemSublist });
  const cleared: string[] = [];
  for (let i = 0; i < n; i++) {
    const batch = rec.getSublistValue({ sublistId: SO.itemSublist, fieldId: SO.rejectionExportBatch, line: i });
    if (!batch) continue;
    const rejected = rec.getSublistValue({ sublistId: SO.itemSublist, fieldId: SO.rejected, line: i });
    if (rejected === true || rejected === 'T') continue;
    if (rejectedLocation && String(rec.getSublistValue({ sublistId: SO.itemSublist, fieldId: SO.location, line: i }) || '') === rejectedLocation) continue;
    rec.setSublistValue({ sublistId: SO.itemSublist, fieldId: SO.rejectionExportBatch, line: i, value: '' });
    cleared.push(String(rec.getSublistValue({ sublistId: SO.itemSublist, fieldId: SO.line, line: i })));
  }
  if (cleared.length) log.debug({ title: 'Rejection export reset', details: `sales order ${rec.id}: line(s) ${cleared.join(', ')}` });
};
