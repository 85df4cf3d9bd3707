/**
 * Inventory variances — OMS → NetSuite.
 * `{root}/inventoryadjustment/csv/InventoryAdjustmentFeed_{ts}_{run}.csv`, read by
 * `HC_SC_ImportInventoryAdjustment` (map `custimport_oms_inventoryadjustment`, add-or-update keyed by
 * `HC Inventory Adj Id`). Written for store rejections whose reason is an inventory variance.
 *
 * `Adjust Qty By` is a signed integer written as given (`-5` stays `-5`, never neutralised);
 * `Date` is `M/D/YYYY`.
 */
import { z } from 'zod';
import { type ColumnSpec, formatNsDate } from './cells';
import { defineOutboundCsvFeed } from './feed';
import { zId, zInt, zNsDate, zOptionalText } from './fields';

const INVENTORY_ADJUSTMENT_COLUMNS = [
  { name: 'Reference No', key: 'referenceNo', kind: 'id' },
  { name: 'Adjustment Account', key: 'adjustmentAccount', kind: 'id' },
  { name: 'Item', key: 'item', kind: 'id' },
  { name: 'Adjust Qty By', key: 'adjustQtyBy', kind: 'int' },
  { name: 'Location', key: 'location', kind: 'id' },
  { name: 'Date', key: 'date', kind: 'date' },
  { name: 'Memo', key: 'memo', kind: 'text' },
  { name: 'Subsidiary', key: 'subsidiary', kind: 'id' },
  { name: 'HC Inventory Adj Id', key: 'hcInventoryAdjId', kind: 'id' },
  { name: 'Adjustment Location', key: 'adjustmentLocation', kind: 'id' },
] as const satisfies readonly ColumnSpec[];

export interface InventoryAdjustmentRow {
  /** OMS variance id (unique; same as `hcInventoryAdjId`). */
  referenceNo: string;
  /** From configuration. */
  adjustmentAccount: string;
  /** NetSuite item internal id. */
  item: string;
  /** Signed delta: negative for stolen/damaged, positive for found. */
  adjustQtyBy: number | string;
  /** NetSuite location internal id of the inventory line. */
  location: string;
  /** A Date (formatted as its UTC day) or an `M/D/YYYY` string (see `formatNsDate`). */
  date: Date | string;
  memo?: string;
  /** From configuration. */
  subsidiary: string;
  hcInventoryAdjId: string;
  /** NetSuite location internal id of the adjustment header. */
  adjustmentLocation: string;
}

const inventoryAdjustmentSchema = z.object({
  referenceNo: zId(),
  adjustmentAccount: zId(),
  item: zId(),
  adjustQtyBy: zInt(),
  location: zId(),
  date: zNsDate(),
  memo: zOptionalText(),
  subsidiary: zId(),
  hcInventoryAdjId: zId(),
  adjustmentLocation: zId(),
});
type InventoryAdjustmentRecord = z.output<typeof inventoryAdjustmentSchema>;

export const inventoryAdjustmentFeed = defineOutboundCsvFeed<InventoryAdjustmentRow, InventoryAdjustmentRecord>({
  name: 'inventory-adjustment',
  folder: 'inventoryadjustment/csv/',
  prefix: 'InventoryAdjustmentFeed',
  columns: INVENTORY_ADJUSTMENT_COLUMNS,
  schema: inventoryAdjustmentSchema,
});

export const encodeInventoryAdjustments = inventoryAdjustmentFeed.encode;

// ---------------------------------------------------------------------------------------------
// Variance reasons

/** Reasons pushed to NetSuite. Any other rejection reason is not an inventory variance here. */
const INVENTORY_VARIANCE_REASONS = ['VAR_STOLEN', 'VAR_DAMAGED', 'VAR_FOUND'] as const;
type InventoryVarianceReason = (typeof INVENTORY_VARIANCE_REASONS)[number];

const REASON_ALIASES: Readonly<Record<string, InventoryVarianceReason>> = {
  VAR_STOLEN: 'VAR_STOLEN',
  VAR_DAMAGED: 'VAR_DAMAGED',
  VAR_DAMANGED: 'VAR_DAMAGED', // the seed's spelling; accepted on input, never written
  VAR_FOUND: 'VAR_FOUND',
};

/** Canonical variance reason, or `null` when `reason` is not one that is pushed. Exact match. */
export function normalizeVarianceReason(reason: string): InventoryVarianceReason | null {
  return Object.hasOwn(REASON_ALIASES, reason) ? REASON_ALIASES[reason] : null;
}

export function isInventoryVarianceReason(reason: string): boolean {
  return normalizeVarianceReason(reason) !== null;
}

/** −1 for stolen/damaged (stock leaves), +1 for found. */
function varianceSign(reason: InventoryVarianceReason): -1 | 1 {
  return reason === 'VAR_FOUND' ? 1 : -1;
}

/**
 * Signed `Adjust Qty By` for a variance of `quantity` units (a positive integer magnitude).
 * Throws `RangeError` for a reason that is not a variance reason or a bad quantity.
 */
export function signedVarianceQuantity(reason: string, quantity: number): number {
  const r = normalizeVarianceReason(reason);
  if (!r) throw new RangeError(`not an inventory variance reason: ${JSON.stringify(reason)}`);
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    throw new RangeError(`variance quantity must be a positive integer, got ${quantity}`);
  }
  return varianceSign(r) * quantity;
}

interface VarianceInput {
  /** OMS variance id: becomes `Reference No` and `HC Inventory Adj Id`. */
  varianceId: string;
  /** Rejection reason (`VAR_DAMANGED` accepted). */
  reason: string;
  /** Units affected, positive. */
  quantity: number;
  item: string;
  location: string;
  /** Defaults to `location`. */
  adjustmentLocation?: string;
  /** When the variance was recorded. */
  date: Date;
  /** IANA zone used to pick the calendar day for `Date` (default `UTC`). */
  timeZone?: string;
  /** OMS order the rejection came from, for the memo. */
  orderId?: string;
  adjustmentAccount: string;
  subsidiary: string;
}

/** Build the feed row for one variance (reason normalised, quantity signed, memo filled). */
export function inventoryAdjustmentRow(v: VarianceInput): InventoryAdjustmentRow {
  const reason = normalizeVarianceReason(v.reason);
  if (!reason) throw new RangeError(`not an inventory variance reason: ${JSON.stringify(v.reason)}`);
  return {
    referenceNo: v.varianceId,
    adjustmentAccount: v.adjustmentAccount,
    item: v.item,
    adjustQtyBy: signedVarianceQuantity(reason, v.quantity),
    location: v.location,
    date: formatNsDate(v.date, v.timeZone ?? 'UTC'),
    memo: v.orderId ? `${reason}, order ${v.orderId}` : reason,
    subsidiary: v.subsidiary,
    hcInventoryAdjId: v.varianceId,
    adjustmentLocation: v.adjustmentLocation ?? v.location,
  };
}
