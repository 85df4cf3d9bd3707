/**
 * Facility search (contract steps 6 and 7) without sorting all facilities per order.
 *
 * `firstCover`: the first candidate, in candidate order, holding a whole demand. It scans the
 * facilities holding the demand's least-held product (looking the other products up by
 * facility, skipping those that cannot beat the best so far); when even that product is held at
 * more than WALK_FROM facilities, it walks facilities nearest-first (closest ordering, via the
 * spatial grid) or best-ranked first, stopping as soon as no later facility can win, and falls
 * back to a merged scan of the holder lists after a small budget.
 *
 * The covering-set search of step 7 lives in `set-search.ts`.
 */
import { isCandidate } from './candidates';
import { holderCount, slotAt, slotEnd, slotStart, type CandidateSet, type RoutingContext, type StockState } from './context';
import { haversineRawKm } from './geo';
import { distM, pruneDot, type Ordering } from './ordering';
import { cellFor, spatialIndex } from './spatial';

/** Distinct products of a set of lines with their total quantities (`demandOf` in `allocate.ts`). */
export interface Demand {
  readonly p: number[];
  readonly q: number[];
}

/** Products with up to this many holders count as scarce in the set search (bounded first, anchors sorted). */
export const SCAN_MAX = 128;
/**
 * Holder lists up to this length are scanned (pruned by distance or ranking); longer ones are
 * walked nearest-first or best-ranked first, which pays off only for very popular products.
 */
const WALK_FROM = 1024;
/** Facilities visited by a ranking walk before it falls back to the holder scan. */
const WALK_MAX = 64;
const UNDECIDED = -2;
/** The spatial grid packs facility indices into 21 bits. */
const PACK_LIMIT = 2 ** 21;

/** Products (indices) and quantities of one search; the first `n` entries count. */
type Nums = ArrayLike<number>;

/** True when candidate f (not ex1 or ex2) holds q[k] of p[k] for every k < n. */
function qualifies(ctx: RoutingContext, stock: StockState, c: CandidateSet, p: Nums, q: Nums, n: number, f: number, ex1: number, ex2: number): boolean {
  if (f === ex1 || f === ex2 || !isCandidate(ctx, stock, c, f)) return false;
  const free = stock.free;
  for (let k = 0; k < n; k++) {
    const s = slotAt(ctx, stock, p[k], f);
    if (s < 0 || free[s] < q[k]) return false;
  }
  return true;
}

/**
 * Step 6: the first candidate (in candidate order) holding enough usable stock for every
 * product of the demand; -1 when none.
 */
export function findSingle(ctx: RoutingContext, stock: StockState, o: Ordering, c: CandidateSet, d: Demand): number {
  return firstCover(ctx, stock, o, c, d.p, d.q, d.p.length, -1, -1);
}

/**
 * The first candidate (in candidate order) other than `ex1` and `ex2` (-1: none) holding at
 * least `q[k]` usable units of product `p[k]` for every k < n; -1 when none.
 */
export function firstCover(
  ctx: RoutingContext,
  stock: StockState,
  o: Ordering,
  c: CandidateSet,
  p: Nums,
  q: Nums,
  n: number,
  ex1: number,
  ex2: number,
): number {
  let k0 = 0;
  let min = Infinity;
  const total = stock.prodUsable;
  for (let k = 0; k < n; k++) {
    const pk = p[k];
    // fewer usable units at all eligible facilities together than needed: nobody holds it
    if (pk >= total.length || total[pk] < q[k]) return -1;
    const h = holderCount(stock, pk);
    if (h < min) {
      min = h;
      k0 = k;
    }
  }
  if (min <= WALK_FROM) return scanHolders(ctx, stock, o, c, p, q, n, k0, ex1, ex2);
  let seed = -1;
  if (o.closest) {
    if (ctx.F < PACK_LIMIT) {
      const r = walkClosest(ctx, stock, o, c, p, q, n, ex1, ex2);
      if (r > UNDECIDED) return r;
      seed = UNDECIDED - 1 - r;
    }
  } else {
    const r = walkRanking(ctx, stock, c, p, q, n, ex1, ex2);
    if (r !== UNDECIDED) return r;
  }
  return mergeHolders(ctx, stock, o, c, p, q, n, k0, ex1, ex2, seed);
}

function walkRanking(ctx: RoutingContext, stock: StockState, c: CandidateSet, p: Nums, q: Nums, n: number, ex1: number, ex2: number): number {
  const ro = ctx.rankOrder;
  const lim = Math.min(ro.length, WALK_MAX);
  for (let i = 0; i < lim; i++) if (qualifies(ctx, stock, c, p, q, n, ro[i], ex1, ex2)) return ro[i];
  return lim === ro.length ? -1 : UNDECIDED;
}

/**
 * Nearest-first walk over the ship-to's grid cell. Returns the answer (>= -1) when decided, or
 * UNDECIDED - 1 - best (best = best found so far, -1 none) when the cell list ran out.
 */
function walkClosest(
  ctx: RoutingContext,
  stock: StockState,
  o: Ordering,
  c: CandidateSet,
  p: Nums,
  q: Nums,
  n: number,
  ex1: number,
  ex2: number,
): number {
  const cell = cellFor(ctx, o.latDeg, o.lonDeg);
  const { order, dc, complete } = cell;
  // a facility at centre distance D is at least D - r from the ship-to (r: ship-to to centre, plus 1 m)
  const r = haversineRawKm(o.lat, o.lon, o.cosLat, cell.lat, cell.lon, cell.cosLat) + 0.001;
  const rankPos = ctx.rankPos;
  let best = -1;
  let bestD = Infinity;
  let bestRP = 0;
  for (let i = 0; i < order.length; i++) {
    if (best >= 0 && (dc[i] - r) * 1000 > bestD + 1) return best;
    const f = order[i];
    if (!qualifies(ctx, stock, c, p, q, n, f, ex1, ex2)) continue;
    const dist = distM(ctx, o, f);
    if (best < 0 || dist < bestD || (dist === bestD && rankPos[f] < bestRP)) {
      best = f;
      bestD = dist;
      bestRP = rankPos[f];
    }
  }
  if (!complete) return UNDECIDED - 1 - best;
  if (best >= 0) return best;
  // no placed facility qualifies: facilities without coordinates come next, by ranking
  for (const f of spatialIndex(ctx).unplaced) if (qualifies(ctx, stock, c, p, q, n, f, ex1, ex2)) return f;
  return -1;
}

/** True when facility f is certainly not before the best so far (closest: by the dot-product threshold). */
function behind(ctx: RoutingContext, o: Ordering, f: number, bestD: number, bestRP: number, thr: number): boolean {
  if (!o.closest) return ctx.rankPos[f] > bestRP;
  if (ctx.placed[f] === 1) return o.x * ctx.ux[f] + o.y * ctx.uy[f] + o.z * ctx.uz[f] < thr;
  return bestD !== Infinity || ctx.rankPos[f] > bestRP;
}

/**
 * Scan of the least-held product's holders; the other products are looked up at each facility.
 * Facilities that cannot come before the best so far are skipped first: by ranking position,
 * or (closest) by the dot product of unit vectors, which needs no distance.
 */
function scanHolders(
  ctx: RoutingContext,
  stock: StockState,
  o: Ordering,
  c: CandidateSet,
  p: Nums,
  q: Nums,
  n: number,
  k0: number,
  ex1: number,
  ex2: number,
): number {
  const q0 = q[k0];
  const { free, slotFac } = stock;
  const { rankPos, placed, ux, uy, uz } = ctx;
  const closest = o.closest;
  const x = o.x;
  const y = o.y;
  const z = o.z;
  let best = -1;
  let bestD = Infinity;
  let bestRP = 0;
  let thr = -Infinity;
  for (let s = slotStart(stock, p[k0]), e = slotEnd(stock, p[k0]); s < e; s++) {
    if (free[s] < q0) continue;
    const f = slotFac[s];
    if (f === ex1 || f === ex2) continue;
    if (best >= 0) {
      // certainly not before the best so far (`behind`, with the ship-to's unit vector at hand)
      const skip = closest && placed[f] === 1 ? x * ux[f] + y * uy[f] + z * uz[f] < thr : rankPos[f] > bestRP || (closest && bestD !== Infinity);
      if (skip) continue;
    }
    if (!isCandidate(ctx, stock, c, f) || !holdsRest(ctx, stock, p, q, n, k0, f)) continue;
    if (closest) {
      const dist = distM(ctx, o, f);
      if (best >= 0 && (dist > bestD || (dist === bestD && rankPos[f] >= bestRP))) continue;
      bestD = dist;
      thr = dist === Infinity ? -Infinity : pruneDot(dist);
    } else if (best >= 0 && rankPos[f] >= bestRP) continue;
    best = f;
    bestRP = rankPos[f];
  }
  return best;
}

/** True when facility f holds q[k] of p[k] for every k < n but k0. */
function holdsRest(ctx: RoutingContext, stock: StockState, p: Nums, q: Nums, n: number, k0: number, f: number): boolean {
  const free = stock.free;
  for (let k = 0; k < n; k++) {
    if (k === k0) continue;
    const s = slotAt(ctx, stock, p[k], f);
    if (s < 0 || free[s] < q[k]) return false;
  }
  return true;
}

/** Cursor per product for `mergeHolders` (reused; the engine is synchronous). */
let cursors = new Int32Array(16);

/**
 * Scan of popular products' holders: the holder lists are sorted by facility, so one cursor
 * per product advances alongside the scanned list. `seed`: best found by a walk (-1 none).
 */
function mergeHolders(
  ctx: RoutingContext,
  stock: StockState,
  o: Ordering,
  c: CandidateSet,
  p: Nums,
  q: Nums,
  K: number,
  k0: number,
  ex1: number,
  ex2: number,
  seed: number,
): number {
  const q0 = q[k0];
  const { free, slotFac } = stock;
  if (cursors.length < 2 * K) cursors = new Int32Array(2 * K);
  const cur = cursors;
  for (let k = 0; k < K; k++) {
    cur[2 * k] = slotStart(stock, p[k]);
    cur[2 * k + 1] = slotEnd(stock, p[k]);
  }
  const closest = o.closest;
  const rankPos = ctx.rankPos;
  let best = seed;
  let bestD = best >= 0 && closest ? distM(ctx, o, best) : Infinity;
  let bestRP = best >= 0 ? rankPos[best] : 0;
  let thr = best >= 0 && bestD !== Infinity ? pruneDot(bestD) : -Infinity;
  for (let s = cur[2 * k0], e = cur[2 * k0 + 1]; s < e; s++) {
    if (free[s] < q0) continue;
    const f = slotFac[s];
    if (best >= 0 && behind(ctx, o, f, bestD, bestRP, thr)) continue;
    if (f === ex1 || f === ex2 || !isCandidate(ctx, stock, c, f)) continue;
    let ok = true;
    for (let k = 0; k < K && ok; k++) {
      if (k === k0) continue;
      let s2 = cur[2 * k];
      const e2 = cur[2 * k + 1];
      while (s2 < e2 && slotFac[s2] < f) s2++;
      cur[2 * k] = s2;
      ok = s2 < e2 && slotFac[s2] === f && free[s2] >= q[k];
    }
    if (!ok) continue;
    if (closest) {
      const dist = distM(ctx, o, f);
      if (best >= 0 && (dist > bestD || (dist === bestD && rankPos[f] >= bestRP))) continue;
      bestD = dist;
      thr = dist === Infinity ? -Infinity : pruneDot(dist);
    }
    best = f;
    bestRP = rankPos[f];
  }
  return best;
}
