/**
 * Lazily built grid over ship-to positions: per cell, the eligible placed facilities sorted by
 * distance from the cell centre, with the cell radius. For a ship-to in the cell, a facility
 * at centre distance D is at least D - r away (triangle inequality), which lets the
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
  /** Upper bound (km) of the distance from the centre to any point of the cell. */
  readonly r: number;
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

function dist(latA: number, lonA: number, latB: number, lonB: number): number {
  const a = toRadians(latA);
  const b = toRadians(latB);
  return haversineRawKm(a, toRadians(lonA), Math.cos(a), b, toRadians(lonB), Math.cos(b));
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
  const lon1 = lon0 + CELL_DEG;
  const cLat = (lat0 + lat1) / 2;
  const cLon = (lon0 + lon1) / 2;
  // radius: farthest sampled boundary point, plus a margin far above the sampling error
  let r = 0;
  const N = 16;
  for (let k = 0; k <= N; k++) {
    const la = lat0 + ((lat1 - lat0) * k) / N;
    const lo = lon0 + ((lon1 - lon0) * k) / N;
    r = Math.max(r, dist(cLat, cLon, la, lon0), dist(cLat, cLon, la, lon1), dist(cLat, cLon, lat0, lo), dist(cLat, cLon, lat1, lo));
  }
  r += 1;
  const cl = toRadians(cLat);
  const cc = Math.cos(cl);
  const cn = toRadians(cLon);
  // sort by packed key (whole metres * 2^21 + facility index): a native numeric sort
  const keys: number[] = [];
  for (let f = 0; f < ctx.F; f++) {
    if (ctx.eligible[f] === 1 && ctx.placed[f] === 1) {
      const m = Math.floor(haversineRawKm(cl, cn, cc, ctx.latRad[f], ctx.lonRad[f], ctx.cosLat[f]) * 1000);
      keys.push(m * PACK + f);
    }
  }
  const sorted = Float64Array.from(keys).sort();
  const n = Math.min(sorted.length, CELL_KEEP);
  const order = new Int32Array(n);
  const dc = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const f = sorted[k] % PACK;
    order[k] = f;
    // floor to whole metres keeps this a lower bound of the true distance
    dc[k] = (sorted[k] - f) / PACK / 1000;
  }
  const complete = n === sorted.length;
  cell = { order, dc, r, complete };
  idx.cells.set(key, cell);
  return cell;
}
