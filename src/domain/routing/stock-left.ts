/**
 * The stock left after a run, in output order (productId, then facilityId, code-unit order; then
 * input row): as objects (`inventoryLeft`) or as accessors over the run's stock (`stockLeft`).
 */
import { compareStrings, type RoutingContext, type StockState } from './context';
import { putSortedRange } from './range-sort';
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

/** The stock left in output order: the slots, and each slot's ids and units. */
interface LeftInOrder {
  order: Int32Array;
  productId(s: number): string;
  facilityId(s: number): string;
  available(s: number): number;
}

/**
 * Stock slots in output order: productId, then facilityId (code-unit order), then input row.
 * With the context the stock was built with (every slot at a known facility): products taken in
 * id order, each product's slots (contiguous, in facility-index then row order) put in facility id
 * order, and the ids read by number from the context (consecutive slots share their product's id;
 * no read of the scattered input rows). Otherwise one sort of the input rows by their ids.
 */
function leftInOrder(stock: StockState, ctx?: RoutingContext): LeftInOrder {
  const { rows, rowOf, free, safety, slotFac, slotProd, pStart } = stock;
  const n = rows.length;
  const available = (s: number) => free[s] + safety[s];
  let indexed = ctx !== undefined;
  for (let s = 0; s < n && indexed; s++) indexed = slotFac[s] >= 0;
  if (ctx === undefined || !indexed) {
    const slotOfRow = new Int32Array(n);
    for (let s = 0; s < n; s++) slotOfRow[rowOf[s]] = s;
    const byRow = Int32Array.from({ length: n }, (_, r) => r).sort(
      (a, b) => compareStrings(rows[a].productId, rows[b].productId) || compareStrings(rows[a].facilityId, rows[b].facilityId) || a - b,
    );
    return {
      order: byRow.map((r) => slotOfRow[r]),
      productId: (s) => rows[rowOf[s]].productId,
      facilityId: (s) => rows[rowOf[s]].facilityId,
      available,
    };
  }
  const pr = ranks(ctx.products.id);
  const fr = ranks(ctx.facId);
  const facilityRank = new Int32Array(n);
  for (let s = 0; s < n; s++) facilityRank[s] = fr[slotFac[s]];
  const P = pStart.length - 1;
  const byRank = new Int32Array(pr.length);
  for (let p = 0; p < pr.length; p++) byRank[pr[p]] = p;
  const order = new Int32Array(n);
  let at = 0;
  for (let k = 0; k < byRank.length; k++) {
    const p = byRank[k];
    if (p >= P) continue; // registered after the stock was built: no slots
    putSortedRange(order, at, pStart[p], pStart[p + 1], facilityRank);
    at += pStart[p + 1] - pStart[p];
  }
  const productIds = ctx.products.id;
  const facilityIds = ctx.facId;
  return { order, productId: (s) => productIds[slotProd[s]], facilityId: (s) => facilityIds[slotFac[s]], available };
}

/**
 * Stock left, one row per input row, sorted by productId then facilityId (code-unit order).
 * Pass the context the stock was built with to sort by precomputed id ranks (faster).
 */
export function inventoryLeft(stock: StockState, ctx?: RoutingContext): InventoryLeft[] {
  const { order, productId, facilityId, available } = leftInOrder(stock, ctx);
  const out: InventoryLeft[] = new Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const s = order[i];
    out[i] = { productId: productId(s), facilityId: facilityId(s), available: available(s) };
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
  const { order, productId, facilityId, available } = leftInOrder(stock, ctx);
  return {
    length: order.length,
    productId: (i) => productId(order[i]),
    facilityId: (i) => facilityId(order[i]),
    available: (i) => available(order[i]),
  };
}
