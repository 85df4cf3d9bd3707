/**
 * Inventory variances — OMS → NetSuite, job `GEN_INV_VAR_FEED_NS`.
 * `inventoryadjustment/csv/InventoryAdjustmentFeed_{ts}_{run}.csv`.
 *
 * Eligible: `variances` with `push_to_netsuite` (store rejections with VAR_STOLEN / VAR_DAMAGED /
 * VAR_FOUND, written by `rejectItem`) and no `feed_file_id`; the claim sets `feed_file_id`.
 * `Reference No` = `HC Inventory Adj Id` = the variance id (NetSuite's add-or-update key);
 * `Adjust Qty By` = the recorded signed delta (`-1` stays `-1`); `Adjustment Account` and
 * `Subsidiary` from configuration; `Item` = the product's NetSuite item id; `Location` =
 * `Adjustment Location` = the facility's NetSuite location id; `Date` = the UTC day the variance
 * was recorded, `M/D/YYYY`; `Memo` = `{reason}, order {orderId}`.
 * A variance whose product or facility has no NetSuite id waits (`waitingForIds`).
 */
import type { Db } from '../db/client';
import { claimUnsentVariances, countVariancesWaiting, variancesOfFile, type VarianceExportRow } from '../db/feed-exports.repo';
import { formatNsDate, inventoryAdjustmentFeed, inventoryAdjustmentRow, isSafeId, normalizeVarianceReason, type InventoryAdjustmentRow } from './codec';
import { type FeedDeps, fromOutboundFeed } from './common';
import type { ExportSpec } from './export-runner';

const PAGE = 2000;

function accountAndSubsidiary(deps: FeedDeps) {
  const { NETSUITE_ADJUSTMENT_ACCOUNT: account, NETSUITE_SUBSIDIARY: subsidiary } = deps.config;
  // Checked before claiming: a bad configured id would make every file unencodable.
  if (!isSafeId(account)) throw new Error('NETSUITE_ADJUSTMENT_ACCOUNT is not a valid NetSuite internal id');
  if (!isSafeId(subsidiary)) throw new Error('NETSUITE_SUBSIDIARY is not a valid NetSuite internal id');
  return { account, subsidiary };
}

/** The feed row of one recorded variance. */
export function varianceFeedRow(v: VarianceExportRow, account: string, subsidiary: string): InventoryAdjustmentRow {
  const date = v.createdAt instanceof Date ? v.createdAt : new Date(v.createdAt);
  const reason = normalizeVarianceReason(v.reason);
  if (reason) {
    const row = inventoryAdjustmentRow({
      varianceId: v.id, reason, quantity: Math.abs(v.quantity), item: v.item, location: v.location, date,
      orderId: v.orderId ?? undefined, adjustmentAccount: account, subsidiary,
    });
    return { ...row, adjustQtyBy: v.quantity };
  }
  return {
    referenceNo: v.id, adjustmentAccount: account, item: v.item, adjustQtyBy: v.quantity, location: v.location,
    date: formatNsDate(date), memo: v.orderId ? `${v.reason}, order ${v.orderId}` : v.reason, subsidiary,
    hcInventoryAdjId: v.id, adjustmentLocation: v.location,
  };
}

/** The export spec of `GEN_INV_VAR_FEED_NS` (see the module comment). */
export function inventoryAdjustmentsExport(): ExportSpec<InventoryAdjustmentRow> {
  return {
    ...fromOutboundFeed(inventoryAdjustmentFeed),
    createEncoder: () => inventoryAdjustmentFeed.createEncoder(),

    async claim(tx, { fileId, limit, state, deps }) {
      accountAndSubsidiary(deps);
      const after = String(state.afterVariance ?? '');
      const r = await claimUnsentVariances(tx, fileId, after, limit);
      if (r?.last) state.afterVariance = r.last;
      return { rows: r?.n ?? 0, more: (r?.picked ?? 0) >= limit };
    },

    rows: (db, { fileId, rowCount, deps }) => readVarianceRows(db, fileId, rowCount, deps),

    async waiting(db) {
      const r = await countVariancesWaiting(db);
      return { waitingForIds: r.waiting, invalidIds: r.invalid };
    },
  };
}

async function* readVarianceRows(db: Db, fileId: string, rowCount: number, deps: FeedDeps): AsyncGenerator<InventoryAdjustmentRow> {
  const { account, subsidiary } = accountAndSubsidiary(deps);
  let after = '';
  let left = rowCount;
  while (left > 0) {
    const page = await variancesOfFile(db, fileId, after, Math.min(PAGE, left));
    if (!page.length) return;
    for (const v of page) yield varianceFeedRow(v, account, subsidiary);
    after = page[page.length - 1].id;
    left -= page.length;
  }
}
