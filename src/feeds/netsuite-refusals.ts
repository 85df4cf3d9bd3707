/**
 * NetSuite's refusal reports — NetSuite → OMS, job `IMP_NS_IMPORT_ERRORS` (contracts/feeds.md v2,
 * "Refusals"). Two folders, one import spec each, run one after the other by the job:
 *
 * - `salesorder/update/error/X.errors.csv` (`row,internalId,lineId,orderLineId,message`): rows of
 *   our brokered-items or fulfilled-items file `X.csv` that NetSuite could not apply. The refused
 *   outbox row is the `row`-th `external_fulfillment` row of that file in id order (files are
 *   written in outbox id order); its `order_item_seq_id` must equal `orderLineId` when the report
 *   gives one.
 * - `inventoryadjustment/csv/error/X.errors.csv` (`row,externalId,message`): rows of our
 *   inventory-adjustment file `X.csv`; `externalId` is the `HC Inventory Adj Id` (the OMS variance
 *   id), which must be a variance sent in `X.csv`.
 *
 * Each report row becomes one OPEN `netsuite_refusals` row; nothing is re-sent until an operator
 * asks (app/netsuite-refusals). Business key `{reportName}#{row}`: a report read again records
 * nothing twice. A report naming a file the OMS never wrote, a row number past the file's end or
 * a mismatching `orderLineId` is a row error (in the OMS's own report, `error/` beneath the
 * folder read). Processed reports move to `archive/` beneath their folder.
 */
import type { Db } from '../db/client';
import { findOutFile, findVariance, insertRefusal, outboxRowOfFile } from '../db/netsuite.repo';
import {
  adjustmentRefusalsFeed, refusedFileName, updateRefusalsFeed, type AdjustmentRefusalRecord, type UpdateRefusalRecord,
} from './codec';
import { fromInboundFeed, type FeedDeps, type JobContext } from './common';
import { runImport, type ImportOptions, type ImportSpec, type RowContext, type RowOutcome } from './import-runner';

export const IMP_NS_IMPORT_ERRORS = 'IMP_NS_IMPORT_ERRORS';

/** Feeds (`feed_files.feed`) whose files NetSuite reads from `salesorder/update/`. */
const UPDATE_FEEDS = ['brokered-items', 'fulfilled-items'] as const;
const ADJUSTMENT_FEEDS = ['inventory-adjustment'] as const;

type OutFile = { id: string; feed: string } | null;

/** Looks up each refused file once per run. */
function outFileLookup(feeds: readonly string[]) {
  const cache = new Map<string, OutFile>();
  return async (tx: Db, name: string): Promise<OutFile> => {
    if (!cache.has(name)) cache.set(name, (await findOutFile(tx, name, feeds)) ?? null);
    return cache.get(name)!;
  };
}

async function claimReportRow(rc: RowContext): Promise<RowOutcome | null> {
  if (await rc.claimKey(`${rc.fileName}#${rc.row}`)) return null;
  return { kind: 'noop', message: `row ${rc.row} of report ${rc.fileName} was already recorded` };
}

const neverWrote = (name: string, feeds: readonly string[]): RowOutcome => ({
  kind: 'error', message: `the OMS never wrote a file ${name} (feeds ${feeds.join(', ')})`,
});

/** Refusal reports of `salesorder/update/` files: the refused outbox row, by row number. */
export function updateRefusalsImport(): ImportSpec<UpdateRefusalRecord> {
  const outFile = outFileLookup(UPDATE_FEEDS);
  return {
    ...fromInboundFeed(updateRefusalsFeed),
    job: IMP_NS_IMPORT_ERRORS,

    async apply(tx, rec, rc): Promise<RowOutcome> {
      const refused = refusedFileName(rc.fileName);
      const file = await outFile(tx, refused);
      if (!file) return neverWrote(refused, UPDATE_FEEDS);
      const ef = await outboxRowOfFile(tx, file.id, rec.row);
      if (!ef) return { kind: 'error', field: 'row', message: `${refused} has no data row ${rec.row}` };
      if (rec.orderLineId !== undefined && rec.orderLineId !== ef.orderItemSeqId) {
        const message = `row ${rec.row} of ${refused} is item ${ef.orderId}/${ef.orderItemSeqId}, not orderLineId ${rec.orderLineId}`;
        return { kind: 'error', field: 'orderLineId', message };
      }
      const seen = await claimReportRow(rc);
      if (seen) return seen;
      await insertRefusal(tx, {
        feed: file.feed, feedFileId: file.id, fileName: refused, rowNumber: rec.row, orderId: ef.orderId, orderItemSeqId: ef.orderItemSeqId,
        outboxId: ef.id, message: rec.message, reportFileId: rc.fileId,
      });
      return { kind: 'applied' };
    },
  };
}

/** Refusal reports of `inventoryadjustment/csv/` files: the refused variance, by its id. */
export function adjustmentRefusalsImport(): ImportSpec<AdjustmentRefusalRecord> {
  const outFile = outFileLookup(ADJUSTMENT_FEEDS);
  return {
    ...fromInboundFeed(adjustmentRefusalsFeed),
    job: IMP_NS_IMPORT_ERRORS,

    async apply(tx, rec, rc): Promise<RowOutcome> {
      const refused = refusedFileName(rc.fileName);
      const file = await outFile(tx, refused);
      if (!file) return neverWrote(refused, ADJUSTMENT_FEEDS);
      const seen = await claimReportRow(rc);
      if (seen) return seen;
      const v = await findVariance(tx, rec.externalId);
      if (!v) return { kind: 'error', field: 'externalId', message: `unknown variance ${rec.externalId}` };
      if (v.feedFileId !== file.id) return { kind: 'error', field: 'externalId', message: `variance ${rec.externalId} was not sent in ${refused}` };
      await insertRefusal(tx, {
        feed: file.feed, feedFileId: file.id, fileName: refused, rowNumber: rec.row, orderId: v.orderId, orderItemSeqId: v.orderItemSeqId,
        varianceId: v.id, message: rec.message, reportFileId: rc.fileId,
      });
      return { kind: 'applied' };
    },
  };
}

/** The job: both report folders, counts and files added up. */
export async function runRefusalImports(deps: FeedDeps, ctx: JobContext, opts?: ImportOptions): Promise<{ counts: Record<string, number>; files: string[] }> {
  const counts: Record<string, number> = {};
  const files: string[] = [];
  for (const spec of [updateRefusalsImport(), adjustmentRefusalsImport()] as ImportSpec<unknown>[]) {
    if (ctx.signal?.aborted) break;
    const r = await runImport(deps, spec, ctx, opts);
    for (const [k, n] of Object.entries(r.counts)) counts[k] = (counts[k] ?? 0) + n;
    files.push(...r.files);
  }
  return { counts, files };
}
