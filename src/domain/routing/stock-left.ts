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
  const { free, safety } = stock;
  const out: InventoryLeft[] = new Array(order.length);
  const ids = numbered(stock, ctx);
  if (ids !== null) {
    // ids by number: consecutive slots share their product's id (no read of the scattered input rows)
    const { productId, facilityId } = ids;
    for (let i = 0; i < order.length; i++) {
      const s = order[i];
      out[i] = { productId: productId[stock.slotProd[s]], facilityId: facilityId[stock.slotFac[s]], available: free[s] + safety[s] };
    }
    return out;
  }
  const rows = stock.rows;
  for (let i = 0; i < order.length; i++) {
    const s = order[i];
    const r = rows[stock.rowOf[s]];
    out[i] = { productId: r.productId, facilityId: r.facilityId, available: free[s] + safety[s] };
  }
  return out;
}

/**
 * The ids of the context the stock was built with, by product and facility number, when every
 * slot has a facility (rows at unknown facilities keep their ids on the input rows only); else null.
 * A row's product number is the registry's number of its id, so the ids are the rows' own.
 */
function numbered(stock: StockState, ctx?: RoutingContext): { productId: readonly string[]; facilityId: readonly string[] } | null {
  if (ctx === undefined) return null;
  for (let s = 0; s < stock.slotFac.length; s++) if (stock.slotFac[s] < 0) return null;
  return { productId: ctx.products.id, facilityId: ctx.facId };
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
  const { rows, rowOf, free, safety, slotProd, slotFac } = stock;
  const ids = numbered(stock, ctx);
  if (ids !== null) {
    const { productId, facilityId } = ids;
    return {
      length: order.length,
      productId: (i) => productId[slotProd[order[i]]],
      facilityId: (i) => facilityId[slotFac[order[i]]],
      available: (i) => free[order[i]] + safety[order[i]],
    };
  }
  return {
    length: order.length,
    productId: (i) => rows[rowOf[order[i]]].productId,
    facilityId: (i) => rows[rowOf[order[i]]].facilityId,
    available: (i) => free[order[i]] + safety[order[i]],
  };
}
