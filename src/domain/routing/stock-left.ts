/**
 * The stock left after a run, in output order (productId, then facilityId, code-unit order; then
 * input row): as objects (`inventoryLeft`) or as accessors over the run's stock (`stockLeft`).
 */
import { compareStrings, type RoutingContext, type StockState } from './context';
import type { InventoryLeft } from './types';

/** Ranks of ids in code-unit order (rank[i] = position of ids[i] among the sorted ids); ids already in order rank as they stand. */
function ranks(ids: readonly string[]): Int32Array {
  const rank = new Int32Array(ids.length);
  let sorted = true;
  for (let i = 1; i < ids.length && sorted; i++) sorted = ids[i - 1] < ids[i];
  if (sorted) {
    for (let i = 0; i < ids.length; i++) rank[i] = i;
    return rank;
  }
  const order = Int32Array.from({ length: ids.length }, (_, i) => i).sort((a, b) => compareStrings(ids[a], ids[b]));
  for (let i = 0; i < order.length; i++) rank[order[i]] = i;
  return rank;
}

/** Stable counting sort of `items` by `rank[of[item]]` (ranks in 0..K-1). */
function sortByRank(items: Int32Array, of: Int32Array, rank: Int32Array, K: number): Int32Array {
  const start = new Int32Array(K + 1);
  for (let i = 0; i < items.length; i++) start[rank[of[items[i]]] + 1]++;
  for (let k = 0; k < K; k++) start[k + 1] += start[k];
  const out = new Int32Array(items.length);
  for (let i = 0; i < items.length; i++) out[start[rank[of[items[i]]]]++] = items[i];
  return out;
}

/**
 * Stock slots in output order: productId, then facilityId (code-unit order), then input row.
 * With the context the stock was built with, by two counting sorts over precomputed id ranks.
 */
export function inventoryOrder(stock: StockState, ctx?: RoutingContext): Int32Array {
  const rows = stock.rows;
  const n = rows.length;
  const slots = new Int32Array(n);
  for (let s = 0; s < n; s++) slots[s] = s;
  let indexed = ctx !== undefined;
  for (let s = 0; s < n && indexed; s++) indexed = stock.slotFac[s] >= 0;
  if (ctx === undefined || !indexed) {
    const slotOfRow = new Int32Array(n);
    for (let s = 0; s < n; s++) slotOfRow[stock.rowOf[s]] = s;
    const idx = slots.sort(
      (a, b) => compareStrings(rows[a].productId, rows[b].productId) || compareStrings(rows[a].facilityId, rows[b].facilityId) || a - b,
    );
    return idx.map((r) => slotOfRow[r]);
  }
  const pr = ranks(ctx.products.id);
  const fr = ranks(ctx.facId);
  // slots of one product and facility are in row order already: both sorts are stable
  return sortByRank(sortByRank(slots, stock.slotFac, fr, ctx.F), stock.slotProd, pr, pr.length);
}

/**
 * Stock left, one row per input row, sorted by productId then facilityId (code-unit order).
 * Pass the context the stock was built with to sort by precomputed id ranks (faster).
 */
export function inventoryLeft(stock: StockState, ctx?: RoutingContext): InventoryLeft[] {
  const order = inventoryOrder(stock, ctx);
  const rows = stock.rows;
  const out: InventoryLeft[] = new Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const s = order[i];
    const r = rows[stock.rowOf[s]];
    out[i] = { productId: r.productId, facilityId: r.facilityId, available: stock.free[s] + stock.safety[s] };
  }
  return out;
}

/** The stock left in output order as accessors over the run's stock (no object per row). */
export interface StockLeft {
  readonly length: number;
  productId(i: number): string;
  facilityId(i: number): string;
  available(i: number): number;
}

/** `inventoryLeft` as a view: same rows, same order. */
export function stockLeft(stock: StockState, ctx?: RoutingContext): StockLeft {
  const order = inventoryOrder(stock, ctx);
  const { rows, rowOf, free, safety } = stock;
  return {
    length: order.length,
    productId: (i) => rows[rowOf[order[i]]].productId,
    facilityId: (i) => rows[rowOf[order[i]]].facilityId,
    available: (i) => free[order[i]] + safety[order[i]],
  };
}
