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

/** Product p's slots sorted by facility rank (stable: slots of one facility stay in row order), written to out from `at`. */
function putByFacility(out: Int32Array, at: number, a: number, e: number, slotFac: Int32Array, fr: Int32Array): void {
  if (e - a > 32) {
    const part = Int32Array.from({ length: e - a }, (_, i) => a + i).sort((x, y) => fr[slotFac[x]] - fr[slotFac[y]] || x - y);
    out.set(part, at);
    return;
  }
  const from = at;
  for (let s = a; s < e; s++) {
    const key = fr[slotFac[s]];
    let j = at - 1;
    while (j >= from && fr[slotFac[out[j]]] > key) {
      out[j + 1] = out[j];
      j--;
    }
    out[j + 1] = s;
    at++;
  }
}

/**
 * Stock slots in output order: productId, then facilityId (code-unit order), then input row.
 * With the context the stock was built with: products taken in id order, each product's slots
 * (contiguous, in facility-index then row order) put in facility id order.
 */
export function inventoryOrder(stock: StockState, ctx?: RoutingContext): Int32Array {
  const rows = stock.rows;
  const n = rows.length;
  let indexed = ctx !== undefined;
  for (let s = 0; s < n && indexed; s++) indexed = stock.slotFac[s] >= 0;
  if (ctx === undefined || !indexed) {
    const slotOfRow = new Int32Array(n);
    for (let s = 0; s < n; s++) slotOfRow[stock.rowOf[s]] = s;
    const idx = Int32Array.from({ length: n }, (_, s) => s).sort(
      (a, b) => compareStrings(rows[a].productId, rows[b].productId) || compareStrings(rows[a].facilityId, rows[b].facilityId) || a - b,
    );
    return idx.map((r) => slotOfRow[r]);
  }
  const pr = ranks(ctx.products.id);
  const fr = ranks(ctx.facId);
  const { pStart, slotFac } = stock;
  const P = pStart.length - 1;
  const byRank = new Int32Array(pr.length);
  for (let p = 0; p < pr.length; p++) byRank[pr[p]] = p;
  const out = new Int32Array(n);
  let at = 0;
  for (let k = 0; k < byRank.length; k++) {
    const p = byRank[k];
    if (p >= P) continue; // registered after the stock was built: no slots
    putByFacility(out, at, pStart[p], pStart[p + 1], slotFac, fr);
    at += pStart[p + 1] - pStart[p];
  }
  return out;
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
