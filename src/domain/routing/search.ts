/**
 * Facility search (contract steps 6 and 7) without sorting all facilities per order.
 *
 * `findSingle`: the first candidate, in candidate order, holding a whole demand. For a scarce
 * product it scans only the facilities holding it; for a popular one it walks facilities
 * nearest-first (closest ordering, via the spatial grid) or best-ranked first, stopping as soon
 * as no later facility can win, and falls back to the scan after a small budget.
 *
 * The covering-set search of step 7 lives in `set-search.ts`.
 */
import { isCandidate } from './candidates';
import { holderCount, slotAt, slotEnd, slotStart, type CandidateSet, type RoutingContext, type StockState } from './context';
import { distM, pruneDot, type Ordering } from './ordering';
import { cellFor, spatialIndex } from './spatial';

/** Distinct products of a set of lines with their total quantities (`demandOf` in `allocate.ts`). */
export interface Demand {
  readonly p: number[];
  readonly q: number[];
}

/** Holder lists up to this length are scanned directly. */
export const SCAN_MAX = 128;
/** Facilities visited by a ranking walk before it falls back to the holder scan. */
const WALK_MAX = 64;
const UNDECIDED = -2;
/** The spatial grid packs facility indices into 21 bits. */
const PACK_LIMIT = 2 ** 21;
/** Shared empty exclusion list. */
export const NO: readonly number[] = [];

function qualifies(
  ctx: RoutingContext,
  stock: StockState,
  c: CandidateSet,
  d: Demand,
  f: number,
  exclude: readonly number[],
): boolean {
  if (!isCandidate(ctx, stock, c, f)) return false;
  if (exclude.length > 0 && exclude.includes(f)) return false;
  const free = stock.free;
  for (let k = 0; k < d.p.length; k++) {
    const s = slotAt(ctx, stock, d.p[k], f);
    if (s < 0 || free[s] < d.q[k]) return false;
  }
  return true;
}

/**
 * Step 6: the first candidate (in candidate order) holding enough usable stock for every
 * product of the demand, skipping `exclude`; -1 when none.
 */
export function findSingle(
  ctx: RoutingContext,
  stock: StockState,
  o: Ordering,
  c: CandidateSet,
  d: Demand,
  exclude: readonly number[] = NO,
): number {
  let k0 = 0;
  let min = Infinity;
  for (let k = 0; k < d.p.length; k++) {
    const n = holderCount(stock, d.p[k]);
    if (n < min) {
      min = n;
      k0 = k;
    }
  }
  if (min === 0) return -1;
  let seed = -1;
  if (min > SCAN_MAX) {
    if (o.closest) {
      if (ctx.F < PACK_LIMIT) {
        const r = walkClosest(ctx, stock, o, c, d, exclude);
        if (r > UNDECIDED) return r;
        seed = UNDECIDED - 1 - r;
      }
    } else {
      const r = walkRanking(ctx, stock, c, d, exclude);
      if (r !== UNDECIDED) return r;
    }
  }
  return scanHolders(ctx, stock, o, c, d, k0, exclude, seed);
}

function walkRanking(ctx: RoutingContext, stock: StockState, c: CandidateSet, d: Demand, exclude: readonly number[]): number {
  const ro = ctx.rankOrder;
  const lim = Math.min(ro.length, WALK_MAX);
  for (let i = 0; i < lim; i++) if (qualifies(ctx, stock, c, d, ro[i], exclude)) return ro[i];
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
  d: Demand,
  exclude: readonly number[],
): number {
  const cell = cellFor(ctx, o.latDeg, o.lonDeg);
  const { order, dc, r, complete } = cell;
  const rankPos = ctx.rankPos;
  let best = -1;
  let bestD = Infinity;
  let bestRP = 0;
  for (let i = 0; i < order.length; i++) {
    if (best >= 0 && (dc[i] - r) * 1000 > bestD + 1) return best;
    const f = order[i];
    if (!qualifies(ctx, stock, c, d, f, exclude)) continue;
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
  for (const f of spatialIndex(ctx).unplaced) if (qualifies(ctx, stock, c, d, f, exclude)) return f;
  return -1;
}

function scanHolders(
  ctx: RoutingContext,
  stock: StockState,
  o: Ordering,
  c: CandidateSet,
  d: Demand,
  k0: number,
  exclude: readonly number[],
  seed: number,
): number {
  const q0 = d.q[k0];
  const { free, slotFac } = stock;
  const K = d.p.length;
  // the other products' slots are sorted by facility, like these: advance a cursor per product
  const cur: number[] = [];
  const end: number[] = [];
  for (let k = 0; k < K; k++) {
    cur.push(slotStart(stock, d.p[k]));
    end.push(slotEnd(stock, d.p[k]));
  }
  const closest = o.closest;
  const rankPos = ctx.rankPos;
  let best = seed;
  let bestD = best >= 0 && closest ? distM(ctx, o, best) : Infinity;
  let bestRP = best >= 0 ? rankPos[best] : 0;
  let thr = best >= 0 && bestD !== Infinity ? pruneDot(bestD) : -Infinity;
  for (let s = slotStart(stock, d.p[k0]), e = slotEnd(stock, d.p[k0]); s < e; s++) {
    if (free[s] < q0) continue;
    const f = slotFac[s];
    if (best >= 0) {
      if (closest) {
        if (ctx.placed[f] === 1) {
          if (o.x * ctx.ux[f] + o.y * ctx.uy[f] + o.z * ctx.uz[f] < thr) continue;
        } else if (bestD !== Infinity || rankPos[f] > bestRP) continue;
      } else if (rankPos[f] > bestRP) continue;
    }
    if (!isCandidate(ctx, stock, c, f)) continue;
    if (exclude.length > 0 && exclude.includes(f)) continue;
    let ok = true;
    for (let k = 0; k < K; k++) {
      if (k === k0) continue;
      let s2 = cur[k];
      const e2 = end[k];
      while (s2 < e2 && slotFac[s2] < f) s2++;
      cur[k] = s2;
      if (s2 === e2 || slotFac[s2] !== f || free[s2] < d.q[k]) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    if (closest) {
      const dist = distM(ctx, o, f);
      if (best >= 0 && (dist > bestD || (dist === bestD && rankPos[f] >= bestRP))) continue;
      best = f;
      bestD = dist;
      bestRP = rankPos[f];
      thr = dist === Infinity ? -Infinity : pruneDot(dist);
    } else {
      best = f;
      bestRP = rankPos[f];
    }
  }
  return best;
}
