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
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { formatNsDate, inventoryAdjustmentFeed, inventoryAdjustmentRow, isSafeId, normalizeVarianceReason, type InventoryAdjustmentRow } from './codec';
import { queryRows, safeId, type FeedDeps, fromOutboundFeed } from './common';
import type { ExportSpec } from './export-runner';

const PAGE = 2000;

const unsent = (extra: SQL) => sql`
  from variances v
  join products p on p.id = v.product_id
  join facilities f on f.id = v.facility_id
  where v.push_to_netsuite and v.feed_file_id is null and v.quantity <> 0 ${extra}`;

const idsPresent = sql`p.netsuite_item_id is not null and f.netsuite_location_id is not null`;
const idsValid = sql`${safeId(sql`v.id`)} and ${safeId(sql`p.netsuite_item_id`)} and ${safeId(sql`f.netsuite_location_id`)}`;

function accountAndSubsidiary(deps: FeedDeps) {
  const { NETSUITE_ADJUSTMENT_ACCOUNT: account, NETSUITE_SUBSIDIARY: subsidiary } = deps.config;
  // Checked before claiming: a bad configured id would make every file unencodable.
  if (!isSafeId(account)) throw new Error('NETSUITE_ADJUSTMENT_ACCOUNT is not a valid NetSuite internal id');
  if (!isSafeId(subsidiary)) throw new Error('NETSUITE_SUBSIDIARY is not a valid NetSuite internal id');
  return { account, subsidiary };
}

interface VarianceRow { id: string; reason: string; quantity: number; orderId: string | null; createdAt: Date | string; item: string; location: string }

/** The feed row of one recorded variance. */
export function varianceFeedRow(v: VarianceRow, account: string, subsidiary: string): InventoryAdjustmentRow {
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

export function inventoryAdjustmentsExport(): ExportSpec<InventoryAdjustmentRow> {
  return {
    ...fromOutboundFeed(inventoryAdjustmentFeed),
    createEncoder: () => inventoryAdjustmentFeed.createEncoder(),

    async claim(tx, { fileId, limit, state, deps }) {
      accountAndSubsidiary(deps);
      const after = String(state.afterVariance ?? '');
      const [r] = await queryRows<{ n: number; picked: number; last: string | null }>(tx, sql`
        with picked as (
          select v.id ${unsent(sql`and v.id > ${after} and ${idsValid}`)}
          order by v.id
          limit ${limit}
          for update of v skip locked
        ), upd as (
          update variances v set feed_file_id = ${fileId} from picked where v.id = picked.id and v.feed_file_id is null returning v.id
        )
        select (select count(*) from upd)::int as n, (select count(*) from picked)::int as picked, (select max(id) from picked) as last`);
      if (r?.last) state.afterVariance = r.last;
      return { rows: r?.n ?? 0, more: (r?.picked ?? 0) >= limit };
    },

    rows: (db, { fileId, rowCount, deps }) => readVarianceRows(db, fileId, rowCount, deps),

    async waiting(db) {
      const [r] = await queryRows<{ waiting: number; invalid: number }>(db, sql`
        select count(*) filter (where not (${idsPresent}))::int as waiting,
               count(*) filter (where ${idsPresent} and not (${idsValid}))::int as invalid
        ${unsent(sql``)}`);
      return { waitingForIds: r?.waiting ?? 0, invalidIds: r?.invalid ?? 0 };
    },
  };
}

async function* readVarianceRows(db: Db, fileId: string, rowCount: number, deps: FeedDeps): AsyncGenerator<InventoryAdjustmentRow> {
  const { account, subsidiary } = accountAndSubsidiary(deps);
  let after = '';
  let left = rowCount;
  while (left > 0) {
    const page = await queryRows<VarianceRow>(db, sql`
      select v.id, v.reason, v.quantity, v.order_id as "orderId", v.created_at as "createdAt",
             p.netsuite_item_id as item, f.netsuite_location_id as location
      from variances v
      join products p on p.id = v.product_id
      join facilities f on f.id = v.facility_id
      where v.push_to_netsuite and v.feed_file_id = ${fileId} and v.id > ${after}
      order by v.id
      limit ${Math.min(PAGE, left)}`);
    if (!page.length) return;
    for (const v of page) yield varianceFeedRow(v, account, subsidiary);
    after = page[page.length - 1].id;
    left -= page.length;
  }
}
