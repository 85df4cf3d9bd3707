import { describe, expect, it } from 'vitest';
import { createRoutingContext, createStockState, inventoryLeft, stockLeft, type Facility, type StockRow } from '../../../src/domain/routing/index';
import { mulberry32 } from '../../../src/domain/prng';

/** The output order by definition: productId, then facilityId (code-unit order), then input row. */
function expected(rows: readonly StockRow[]) {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return rows.map((r, i) => ({ r, i }))
    .sort((x, y) => cmp(x.r.productId, y.r.productId) || cmp(x.r.facilityId, y.r.facilityId) || x.i - y.i)
    .map(({ r }) => ({ productId: r.productId, facilityId: r.facilityId, available: r.available }));
}

function shuffle<T>(xs: T[], r: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

type Shape = { sortedFacilities: boolean; sortedProducts: boolean; sortedRows: boolean; unknownFacility: boolean; stockOnly: boolean; wide: boolean };

/** A random instance of the given shape; ids of mixed lengths so numeric and code-unit order differ. */
function instance(seed: number, shape: Shape) {
  const r = mulberry32(seed);
  let facilities: Facility[] = Array.from({ length: shape.wide ? 40 + Math.floor(r() * 30) : 2 + Math.floor(r() * 12) }, (_, i) => ({ id: `F${i * 7}`, type: 'STORE', ranking: 1, country: 'US' }));
  let productIds = Array.from({ length: 1 + Math.floor(r() * 15) }, (_, i) => `P${i * 3}`);
  facilities = shape.sortedFacilities ? facilities.sort((a, b) => (a.id < b.id ? -1 : 1)) : shuffle(facilities, r);
  productIds = shape.sortedProducts ? productIds.sort() : shuffle(productIds, r);
  const rows: StockRow[] = [];
  for (const p of productIds) for (const f of facilities) if (r() < (shape.wide ? 0.9 : 0.5)) rows.push({ productId: p, facilityId: f.id, available: Math.floor(r() * 9) });
  if (shape.stockOnly) rows.push({ productId: 'ONLY_IN_STOCK', facilityId: facilities[0].id, available: 4 });
  if (shape.unknownFacility) rows.push({ productId: productIds[0], facilityId: 'NOWHERE', available: 2 });
  if (!shape.sortedRows) shuffle(rows, r);
  return { facilities, products: productIds.map((id) => ({ id })), rows };
}

describe('the stock slots and the stock left, in output order', () => {
  const shapes: Shape[] = [];
  for (let m = 0; m < 64; m++) {
    shapes.push({ sortedFacilities: !!(m & 1), sortedProducts: !!(m & 2), sortedRows: !!(m & 4), unknownFacility: !!(m & 8), stockOnly: !!(m & 16), wide: !!(m & 32) });
  }
  it.each(shapes.map((s) => [JSON.stringify(s), s] as const))('is sorted by product, facility and row: %s', (_name, shape) => {
    for (let seed = 1; seed <= 12; seed++) {
      const { facilities, products, rows } = instance(seed, shape);
      const ctx = createRoutingContext({ settings: {}, facilities, products });
      const stock = createStockState(ctx, rows);
      const want = expected(rows);
      // slots: every row once, each product's slots contiguous and in facility-index order, then row order
      expect([...stock.rowOf].sort((a, b) => a - b)).toEqual(rows.map((_, i) => i));
      for (let p = 0; p + 1 < stock.pStart.length; p++) {
        for (let s = stock.pStart[p] + 1; s < stock.pStart[p + 1]; s++) {
          const [f0, f1] = [stock.slotFac[s - 1], stock.slotFac[s]];
          expect(f0 < f1 || (f0 === f1 && stock.rowOf[s - 1] < stock.rowOf[s])).toBe(true);
          expect(stock.slotProd[s]).toBe(p);
        }
      }
      expect(inventoryLeft(stock, ctx)).toEqual(want);
      expect(inventoryLeft(stock)).toEqual(want);
      const view = stockLeft(stock, ctx);
      expect(Array.from({ length: view.length }, (_, i) => ({ productId: view.productId(i), facilityId: view.facilityId(i), available: view.available(i) })))
        .toEqual(want);
    }
  });
});
