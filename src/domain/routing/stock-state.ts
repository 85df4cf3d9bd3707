/**
 * The mutable stock of a run (`StockState`, declared in `context.ts`): the stock rows renumbered
 * as slots, by product then facility, with lookups by facility and the daily-order counters.
 */
import { DENSE_RATIO, LINEAR_MAX, registerProduct, type RoutingContext, type StockState } from './context';
import { putSortedRange } from './range-sort';
import { SlotIndex } from './slot-index';
import type { StockRow } from './types';

/**
 * Indexes the stock rows (sparse: product -> facilities holding it). Rows for facilities not in
 * the context are kept for the output only; rows for product ids not in `products` are kept (an
 * auto-created product can use them). Safety stock: the row's value, else the facility's.
 */
export function createStockState(ctx: RoutingContext, rows: readonly StockRow[]): StockState {
  const n = rows.length;
  const F = ctx.F;
  const { rowFac, rowProd } = rowIndices(ctx, rows);
  const P = ctx.products.id.length;
  const { rowOf, pStart } = slotOrder(rowFac, rowProd, P, F);
  const slotFac = new Int32Array(n);
  const slotProd = new Int32Array(n);
  const free = new Float64Array(n);
  const safety = new Float64Array(n);
  const prodUsable = new Float64Array(P);
  const { denseOff, denseSlot, slotIndex } = lookups(pStart, F);
  for (let s = 0; s < n; s++) {
    const r = rowOf[s];
    const f = rowFac[r];
    const p = rowProd[r];
    slotFac[s] = f;
    slotProd[s] = p;
    safety[s] = f >= 0 ? (rows[r].safetyStock ?? ctx.facSafety[f]) : 0;
    free[s] = rows[r].available - safety[s];
    if (f >= 0 && ctx.eligible[f] === 1 && free[s] > 0) prodUsable[p] += free[s];
    if (f < 0 || pStart[p + 1] - pStart[p] <= LINEAR_MAX) continue;
    if (denseOff[p] >= 0) denseSlot[denseOff[p] + f] = s;
    else slotIndex.set(p * F + f, s);
  }
  const { ordersToday, atLimit, atLimitList } = dailyCounters(ctx);
  return {
    slotFac,
    slotProd,
    free,
    safety,
    rowOf,
    prodUsable,
    pStart,
    denseOff,
    denseSlot,
    slotIndex,
    ordersToday,
    atLimit,
    atLimitList,
    atLimitVersion: 0,
    limitCache: null,
    fastFilter: null,
    rows,
  };
}

/** Facility (-1: unknown) and product index of each row; ids only stock rows name are registered. */
function rowIndices(ctx: RoutingContext, rows: readonly StockRow[]): { rowFac: Int32Array; rowProd: Int32Array } {
  // numbered already (the context's registry holds the input index's products and stock-only ids)
  const given = ctx.inputIndex;
  if (given !== null && given.inventory === rows && rows.length === given.rowCount) return { rowFac: given.rowFacility, rowProd: given.rowProduct };
  const rowFac = new Int32Array(rows.length);
  const rowProd = new Int32Array(rows.length);
  // rows usually come grouped by product: remember the last id looked up
  let lastProduct: string | null = null;
  let lastP = -1;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (row.productId !== lastProduct) {
      lastProduct = row.productId;
      lastP = ctx.products.index.get(lastProduct);
      if (lastP < 0) lastP = registerProduct(ctx.products, lastProduct, false, false, false, -1);
    }
    rowProd[r] = lastP;
    rowFac[r] = ctx.facIndex.get(row.facilityId) ?? -1;
  }
  return { rowFac, rowProd };
}

/**
 * Rows renumbered as slots: by product, then facility, then row (two stable counting sorts),
 * rows of unknown facilities last; `pStart[p]` is product p's first slot.
 */
function slotOrder(rowFac: Int32Array, rowProd: Int32Array, P: number, F: number): { rowOf: Int32Array; pStart: Int32Array } {
  const n = rowFac.length;
  if (byProductInOrder(rowFac, rowProd)) return { rowOf: facilityOrderWithin(rowFac, rowProd), pStart: productStarts(rowProd, P) };
  const pStart = new Int32Array(P + 1);
  const fStart = new Int32Array(F + 1);
  let known = 0;
  for (let r = 0; r < n; r++) {
    if (rowFac[r] < 0) continue;
    pStart[rowProd[r] + 1]++;
    fStart[rowFac[r] + 1]++;
    known++;
  }
  for (let p = 0; p < P; p++) pStart[p + 1] += pStart[p];
  for (let f = 0; f < F; f++) fStart[f + 1] += fStart[f];
  const byFac = new Int32Array(known);
  for (let r = 0; r < n; r++) if (rowFac[r] >= 0) byFac[fStart[rowFac[r]]++] = r;
  const fill = pStart.slice(0, P);
  const rowOf = new Int32Array(n);
  for (let i = 0; i < known; i++) rowOf[fill[rowProd[byFac[i]]]++] = byFac[i];
  let tail = known;
  for (let r = 0; r < n; r++) if (rowFac[r] < 0) rowOf[tail++] = r;
  return { rowOf, pStart };
}

/** True when the rows come as one run per product, in product order, every facility known (a scenario usually comes so). */
function byProductInOrder(rowFac: Int32Array, rowProd: Int32Array): boolean {
  for (let r = 0; r < rowFac.length; r++) {
    if (rowFac[r] < 0 || (r > 0 && rowProd[r] < rowProd[r - 1])) return false;
  }
  return true;
}

/**
 * `rowOf` of rows that come by product in product order: each product's run of rows sorted by
 * facility (stably: rows of one facility stay in row order), in place of the two counting sorts.
 */
function facilityOrderWithin(rowFac: Int32Array, rowProd: Int32Array): Int32Array {
  const n = rowFac.length;
  const rowOf = new Int32Array(n);
  for (let a = 0; a < n; ) {
    let e = a + 1;
    while (e < n && rowProd[e] === rowProd[a]) e++;
    putSortedRange(rowOf, a, a, e, rowFac);
    a = e;
  }
  return rowOf;
}

/** `pStart` of rows in slot order: product p's first slot, and n at P. */
function productStarts(rowProd: Int32Array, P: number): Int32Array {
  const pStart = new Int32Array(P + 1);
  for (let r = 0; r < rowProd.length; r++) pStart[rowProd[r] + 1]++;
  for (let p = 0; p < P; p++) pStart[p + 1] += pStart[p];
  return pStart;
}

/** Empty lookups by facility: a dense row for products at many facilities (at most DENSE_RATIO entries per slot), a hash for the rest. */
function lookups(pStart: Int32Array, F: number): { denseOff: Int32Array; denseSlot: Int32Array; slotIndex: SlotIndex } {
  const P = pStart.length - 1;
  const denseOff = new Int32Array(P).fill(-1);
  let denseN = 0;
  let hashed = 0;
  for (let p = 0; p < P; p++) {
    const h = pStart[p + 1] - pStart[p];
    if (h <= LINEAR_MAX) continue;
    if (h * DENSE_RATIO >= F) {
      denseOff[p] = denseN;
      denseN += F;
    } else hashed += h;
  }
  return { denseOff, denseSlot: new Int32Array(denseN).fill(-1), slotIndex: new SlotIndex(hashed, P * F) };
}

/** Orders each facility already took today, and which are at their daily limit. */
function dailyCounters(ctx: RoutingContext): { ordersToday: Float64Array; atLimit: Uint8Array; atLimitList: number[] } {
  const ordersToday = new Float64Array(ctx.F);
  const atLimit = new Uint8Array(ctx.F);
  const atLimitList: number[] = [];
  for (let f = 0; f < ctx.F; f++) {
    ordersToday[f] = ctx.facilities[f].ordersToday ?? 0;
    if (ordersToday[f] >= ctx.dailyLimit[f]) {
      atLimit[f] = 1;
      atLimitList.push(f);
    }
  }
  return { ordersToday, atLimit, atLimitList };
}
