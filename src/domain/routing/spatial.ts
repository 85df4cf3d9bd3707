/**
 * Lazily built grid over ship-to positions: per cell, the eligible placed facilities nearest to
 * the cell centre, sorted by that distance. For a ship-to at distance r from the centre, a
 * facility at centre distance D is at least D - r away (triangle inequality), which lets the
 * single-facility search walk facilities nearest-first and stop early. Pure in-memory cache.
 */
import { haversineRawKm, toRadians } from './geo';
import type { RoutingContext } from './context';

/** Cell size in degrees. */
export const CELL_DEG = 1.5;
/** Facilities kept per cell (a walk never goes further). */
export const CELL_KEEP = 64;
const PACK = 2 ** 21;

export interface Cell {
  /** Eligible placed facilities, nearest to the cell centre first. */
  readonly order: Int32Array;
  /** Distance (km, unrounded) of each `order` entry from the cell centre. */
  readonly dc: Float64Array;
  /** The centre: latitude, longitude (radians) and the latitude's cosine. */
  readonly lat: number;
  readonly lon: number;
  readonly cosLat: number;
  /** False when `order` holds only the nearest CELL_KEEP facilities. */
  readonly complete: boolean;
}

export interface SpatialIndex {
  readonly cells: Map<number, Cell>;
  /** Eligible facilities without coordinates, by ranking then id. */
  readonly unplaced: Int32Array;
}

const indexes = new WeakMap<RoutingContext, SpatialIndex>();

/** The spatial index of a context (built on first use). */
export function spatialIndex(ctx: RoutingContext): SpatialIndex {
  let s = indexes.get(ctx);
  if (s === undefined) {
    const unplaced: number[] = [];
    for (const f of ctx.rankOrder) if (ctx.eligible[f] === 1 && ctx.placed[f] === 0) unplaced.push(f);
    s = { cells: new Map(), unplaced: Int32Array.from(unplaced) };
    indexes.set(ctx, s);
  }
  return s;
}

/**
 * The CELL_KEEP eligible placed facilities nearest to the unit vector (x, y, z) (largest dot
 * products: monotone in great-circle distance), and how many eligible placed facilities there
 * are in all. One pass keeping the best CELL_KEEP in order (few insertions after the first ones).
 */
function nearest(ctx: RoutingContext, x: number, y: number, z: number): { kept: Int32Array; total: number } {
  const dots = new Float64Array(CELL_KEEP);
  const fs = new Int32Array(CELL_KEEP);
  let n = 0;
  let total = 0;
  for (let f = 0; f < ctx.F; f++) {
    if (ctx.eligible[f] === 0 || ctx.placed[f] === 0) continue;
    total++;
    const d = x * ctx.ux[f] + y * ctx.uy[f] + z * ctx.uz[f];
    if (n === CELL_KEEP && d <= dots[n - 1]) continue;
    // insert into the descending list, dropping the last when full
    let j = n < CELL_KEEP ? n++ : n - 1;
    while (j > 0 && dots[j - 1] < d) {
      dots[j] = dots[j - 1];
      fs[j] = fs[j - 1];
      j--;
    }
    dots[j] = d;
    fs[j] = f;
  }
  return { kept: fs.slice(0, n), total };
}

/** The cell holding a ship-to at (latDeg, lonDeg). */
export function cellFor(ctx: RoutingContext, latDeg: number, lonDeg: number): Cell {
  const idx = spatialIndex(ctx);
  const i = Math.floor((latDeg + 90) / CELL_DEG);
  const j = Math.floor((lonDeg + 180) / CELL_DEG);
  const key = i * 1000 + j;
  let cell = idx.cells.get(key);
  if (cell !== undefined) return cell;
  const lat0 = Math.max(-90, i * CELL_DEG - 90);
  const lat1 = Math.min(90, lat0 + CELL_DEG);
  const lon0 = j * CELL_DEG - 180;
  const cLat = (lat0 + lat1) / 2;
  const cLon = lon0 + CELL_DEG / 2;
  const cl = toRadians(cLat);
  const cc = Math.cos(cl);
  const cn = toRadians(cLon);
  const { kept, total } = nearest(ctx, cc * Math.cos(cn), cc * Math.sin(cn), Math.sin(cl));
  // sort by packed key (whole metres * 2^21 + facility index): a native numeric sort
  const sorted = new Float64Array(kept.length);
  for (let k = 0; k < kept.length; k++) {
    const f = kept[k];
    const m = Math.floor(haversineRawKm(cl, cn, cc, ctx.latRad[f], ctx.lonRad[f], ctx.cosLat[f]) * 1000);
    sorted[k] = m * PACK + f;
  }
  sorted.sort();
  const n = sorted.length;
  const order = new Int32Array(n);
  const dc = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const f = sorted[k] % PACK;
    order[k] = f;
    // floor to whole metres keeps this a lower bound of the true distance
    dc[k] = (sorted[k] - f) / PACK / 1000;
  }
  const complete = n === total;
  cell = { order, dc, lat: cl, lon: cn, cosLat: cc, complete };
  idx.cells.set(key, cell);
  return cell;
}
