/**
 * Candidate ordering (contract step 5): closest location (rounded metres, then ranking, then
 * id; unplaced facilities last) or ranking (then id). Orders never sort all facilities: callers
 * compare or sort only the few facilities they look at, with per-order cached distances.
 */
import { haversineRawKm, isPlaced, toRadians } from './geo';
import type { RoutingContext } from './context';
import type { ShipTo } from './types';

/** Distance cost of an unplaced facility in split-set sums (more than 3 antipodal distances). */
export const UNPLACED_COST_M = 1e9;

/** Candidate ordering of one order: the ship-to point (radians, unit vector) and its mode. */
export interface Ordering {
  /** True when ordering is by distance (setting on and ship-to placed). */
  readonly closest: boolean;
  readonly shipPlaced: boolean;
  /** Ship-to in degrees (0 when unplaced). */
  readonly latDeg: number;
  readonly lonDeg: number;
  readonly lat: number;
  readonly lon: number;
  readonly cosLat: number;
  readonly x: number;
  readonly y: number;
  readonly z: number;
  /** Stamp of this order in the scratch distance cache. */
  readonly stamp: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One ordering object per context, refilled for each order (orders are routed one at a time). */
const orderings = new WeakMap<RoutingContext, Mutable<Ordering>>();

/**
 * Prepares the ordering of one order (bumps the scratch stamp). The object is the context's
 * and is refilled by the next call: use it for the current order only.
 */
export function makeOrdering(ctx: RoutingContext, shipTo: ShipTo): Ordering {
  let o = orderings.get(ctx);
  if (o === undefined) {
    o = { closest: false, shipPlaced: false, latDeg: 0, lonDeg: 0, lat: 0, lon: 0, cosLat: 0, x: 0, y: 0, z: 0, stamp: 0 };
    orderings.set(ctx, o);
  }
  o.stamp = ++ctx.scratch.stamp;
  o.shipPlaced = isPlaced(shipTo.latitude, shipTo.longitude);
  if (!o.shipPlaced) {
    o.closest = false;
    o.latDeg = o.lonDeg = o.lat = o.lon = o.cosLat = o.x = o.y = o.z = 0;
    return o;
  }
  const lat = toRadians(shipTo.latitude as number);
  const lon = toRadians(shipTo.longitude as number);
  const cosLat = Math.cos(lat);
  o.closest = ctx.settings.shipFromClosestLocation;
  o.latDeg = shipTo.latitude as number;
  o.lonDeg = shipTo.longitude as number;
  o.lat = lat;
  o.lon = lon;
  o.cosLat = cosLat;
  o.x = cosLat * Math.cos(lon);
  o.y = cosLat * Math.sin(lon);
  o.z = Math.sin(lat);
  return o;
}

/** Whole metres from the ship-to to facility f; Infinity when either point is unplaced. */
export function distM(ctx: RoutingContext, o: Ordering, f: number): number {
  const sc = ctx.scratch;
  if (sc.distStamp[f] === o.stamp) return sc.distM[f];
  let d = Infinity;
  if (o.shipPlaced && ctx.placed[f] === 1) {
    d = Math.round(haversineRawKm(o.lat, o.lon, o.cosLat, ctx.latRad[f], ctx.lonRad[f], ctx.cosLat[f]) * 1000);
  }
  sc.distStamp[f] = o.stamp;
  sc.distM[f] = d;
  return d;
}

/** Distance in km for reporting on a shipment, or null. */
export function reportKm(ctx: RoutingContext, o: Ordering, f: number): number | null {
  const d = distM(ctx, o, f);
  return d === Infinity ? null : d / 1000;
}

/** True when facility a comes before facility b in candidate order. */
export function before(ctx: RoutingContext, o: Ordering, a: number, b: number): boolean {
  if (o.closest) {
    const da = distM(ctx, o, a);
    const db = distM(ctx, o, b);
    if (da !== db) return da < db;
  }
  return ctx.rankPos[a] < ctx.rankPos[b];
}

/** Sorts facility indices into candidate order (in place) and returns them. */
export function sortCandidates(ctx: RoutingContext, o: Ordering, fs: number[]): number[] {
  if (fs.length <= INSERTION_MAX) {
    sortCandidateRange(ctx, o, fs, fs.length);
    return fs;
  }
  if (!o.closest) return fs.sort((a, b) => ctx.rankPos[a] - ctx.rankPos[b]);
  return fs.sort((a, b) => {
    const da = distM(ctx, o, a);
    const db = distM(ctx, o, b);
    if (da !== db) return da < db ? -1 : 1;
    return ctx.rankPos[a] - ctx.rankPos[b];
  });
}

/** Lists up to this length are sorted by insertion (no allocation). */
const INSERTION_MAX = 24;

/** Sorts the first n entries of fs into candidate order (in place). */
export function sortCandidateRange(ctx: RoutingContext, o: Ordering, fs: number[], n: number): void {
  if (n > INSERTION_MAX) {
    const part = sortCandidates(ctx, o, fs.slice(0, n));
    for (let i = 0; i < n; i++) fs[i] = part[i];
    return;
  }
  for (let i = 1; i < n; i++) {
    const x = fs[i];
    let j = i - 1;
    while (j >= 0 && before(ctx, o, x, fs[j])) {
      fs[j + 1] = fs[j];
      j--;
    }
    fs[j + 1] = x;
  }
}

/** Cost of a facility in a split set: metres (closest) or ranking (ranking ordering). */
export function setCost(ctx: RoutingContext, o: Ordering, f: number): number {
  if (!o.closest) return ctx.ranking[f];
  const d = distM(ctx, o, f);
  return d === Infinity ? UNPLACED_COST_M : d;
}

/**
 * Dot-product threshold below which a placed facility is certainly farther than `bestM` metres
 * after rounding (so it can be skipped without computing its haversine distance).
 */
export function pruneDot(bestM: number): number {
  const theta = (bestM + 1) / 1000 / 6371;
  if (theta >= Math.PI) return -Infinity;
  return Math.cos(theta) - 1e-12;
}

const CLOSEST = 'ordering: closest location (great-circle km), ties by ranking then id; facilities without coordinates last';
const FELL_BACK =
  'ordering: ranking then id: the ship-to could not be placed (no coordinates, no known US ZIP), so shipFromClosestLocation fell back to ranking';
const RANKING = 'ordering: ranking (1 first), then id';

/** Human-readable description of the ordering in force (appended to `lines`). */
export function describeOrdering(ctx: RoutingContext, o: Ordering, shipTo: ShipTo, lines: string[]): void {
  if (o.shipPlaced && shipTo.coordinateSource === 'postalCode') {
    lines.push(`ship-to placed by postal code ${shipTo.postalCode ?? ''} at (${shipTo.latitude}, ${shipTo.longitude})`);
  }
  if (!ctx.settings.shipFromClosestLocation) lines.push(RANKING);
  else lines.push(o.closest ? CLOSEST : FELL_BACK);
}
