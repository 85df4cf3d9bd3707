/**
 * Covering-set search (contract step 7): the best set of 2, else 3, candidates. Every covering
 * set holds some unit of the demand's scarcest product, so sets are enumerated by that "anchor"
 * member; the rest is the best cover of the residual demand (recursively; one member =
 * `findSingle`). Because candidate order is ascending in cost, the first single cover of a
 * residual is also its cheapest, and lowering one member never makes the sorted positions
 * lexicographically larger. Upper bounds (3 largest holdings per product, 3 largest useful
 * totals per facility) cut the enumeration when no set can cover.
 */
import { isCandidate } from './candidates';
import { holderCount, slotAt, slotEnd, slotStart, usable, type CandidateSet, type RoutingContext, type StockState } from './context';
import { before, setCost, sortCandidates, type Ordering } from './ordering';
import { findSingle, NO, SCAN_MAX, type Demand } from './search';

/** A covering set of candidates, in candidate order, with its objective value. */
export interface SetChoice {
  readonly members: number[];
  readonly cost: number;
}

/**
 * Step 7: the smallest set of 2, else 3, candidates whose usable stock together covers the
 * demand; least total distance (closest) or ranking sum, then lexicographically smallest
 * sorted candidate positions. Null when no set of up to 3 covers.
 */
export function findSet(ctx: RoutingContext, stock: StockState, o: Ordering, c: CandidateSet, d: Demand): SetChoice | null {
  const all: Need = { p: d.p, q: d.q, k: d.p.map((_, k) => k) };
  const minCost = o.closest ? 0 : minRanking(ctx);
  const best: Best = { members: null, cost: Infinity };
  let minHolders = Infinity;
  for (const p of d.p) minHolders = Math.min(minHolders, holderCount(stock, p));
  const box: Box = { ctx, stock, c, d, holders: new Map(), memo: [], b: null, dead: false };
  // With a scarce anchor product the pair search is cheap; otherwise bound it first.
  if (minHolders > SCAN_MAX && !upgrade(box, true)) return null;
  if (box.b === null || feasible(box.b, all, NO, 2)) extend(o, box, all, [], 0, 2, minCost, best);
  if (best.members === null && !box.dead) {
    if (box.b === null && !upgrade(box, false)) return null;
    if (feasible(box.b as Bounds, all, NO, 3)) extend(o, box, all, [], 0, 3, minCost, best);
  }
  if (best.members === null) return null;
  return { members: best.members, cost: best.cost };
}

/** Search state shared by the recursion: bounds (computed lazily) and an early "no" flag. */
interface Box {
  readonly ctx: RoutingContext;
  readonly stock: StockState;
  readonly c: CandidateSet;
  readonly d: Demand;
  /** Product -> its candidate holders with usable stock, in candidate order. */
  readonly holders: Map<number, number[]>;
  /** Residual demand -> first single cover ignoring exclusions. */
  readonly memo: MemoEntry[];
  b: Bounds | null;
  /** Set when the bounds prove that no set of up to 3 covers the demand. */
  dead: boolean;
}

/** Candidates holding some usable stock of product p, in candidate order (cached per search). */
function holdersInOrder(o: Ordering, box: Box, p: number): number[] {
  let list = box.holders.get(p);
  if (list === undefined) {
    const { ctx, stock, c } = box;
    list = [];
    for (let s = slotStart(stock, p), e = slotEnd(stock, p); s < e; s++) {
      const f = stock.slotFac[s];
      if (usable(stock, s) > 0 && isCandidate(ctx, stock, c, f)) list.push(f);
    }
    sortCandidates(ctx, o, list);
    box.holders.set(p, list);
  }
  return list;
}

/** (Re)computes the bounds, including popular products when `full`; false when infeasible. */
function upgrade(box: Box, full: boolean): boolean {
  box.b = bounds(box.ctx, box.stock, box.c, box.d, full);
  if (box.b === null) box.dead = true;
  return box.b !== null;
}

/**
 * One pass over the holders: per product the 3 largest holdings among candidates, and per
 * facility its useful total (sum over products of min(holding, demand)) -> the 3 largest.
 * Products with more than SCAN_MAX holders are skipped (no bound) unless `full`.
 * Null when the demand certainly cannot be covered by 3 facilities.
 */
function bounds(ctx: RoutingContext, stock: StockState, c: CandidateSet, d: Demand, full: boolean): Bounds | null {
  const K = d.p.length;
  const sc = ctx.scratch;
  const stamp = ++sc.stamp;
  const b: Bounds = { exact: [], full, v: [], f: [], usableCount: [], wv: [0, 0, 0], wf: [-1, -1, -1] };
  const w: number[] = [];
  const wFac: number[] = [];
  let total = 0;
  for (let k = 0; k < K; k++) {
    const a = slotStart(stock, d.p[k]);
    const e = slotEnd(stock, d.p[k]);
    if (!full && e - a > SCAN_MAX) {
      b.exact.push(false);
      b.v.push(NO_BOUND);
      b.f.push(NO_FAC);
      b.usableCount.push(e - a);
      continue;
    }
    total += d.q[k];
    const v = [0, 0, 0];
    const fs = [-1, -1, -1];
    let n = 0;
    for (let s = a; s < e; s++) {
      const u = usable(stock, s);
      if (u <= 0) continue;
      const f = stock.slotFac[s];
      if (sc.facStamp[f] !== stamp) {
        sc.facStamp[f] = stamp;
        if (isCandidate(ctx, stock, c, f)) {
          sc.facRow[f] = w.length;
          w.push(0);
          wFac.push(f);
        } else sc.facRow[f] = -1;
      }
      const row = sc.facRow[f];
      if (row < 0) continue;
      n++;
      w[row] += u < d.q[k] ? u : d.q[k];
      insertTop(v, fs, u, f);
    }
    if (v[0] + v[1] + v[2] < d.q[k]) return null;
    b.exact.push(true);
    b.v.push(v);
    b.f.push(fs);
    b.usableCount.push(n);
  }
  for (let r = 0; r < w.length; r++) insertTop(b.wv, b.wf, w[r], wFac[r]);
  if (b.wv[0] + b.wv[1] + b.wv[2] < total) return null;
  return b;
}

const NO_BOUND: readonly number[] = [Infinity, Infinity, Infinity];
const NO_FAC: readonly number[] = [-1, -1, -1];

/** Keeps v (descending, length 3) the three largest values seen, fs their facilities. */
function insertTop(v: number[], fs: number[], u: number, f: number): void {
  if (u > v[0]) {
    v[2] = v[1];
    fs[2] = fs[1];
    v[1] = v[0];
    fs[1] = fs[0];
    v[0] = u;
    fs[0] = f;
  } else if (u > v[1]) {
    v[2] = v[1];
    fs[2] = fs[1];
    v[1] = u;
    fs[1] = f;
  } else if (u > v[2]) {
    v[2] = u;
    fs[2] = f;
  }
}

/** Demand with the index of each product in the original demand. */
interface Need extends Demand {
  readonly k: number[];
}

/** Upper bounds on what m facilities can hold (exact top-3 holdings among candidates). */
interface Bounds {
  /** Per product of the original demand: bounded (true) or skipped as popular (false). */
  exact: boolean[];
  /** True when every product is bounded. */
  full: boolean;
  /** Per product: its 3 largest holdings and their facilities. */
  v: (readonly number[])[];
  f: (readonly number[])[];
  usableCount: number[];
  /** The 3 largest facility totals over the bounded products (sum of min(holding, demand)). */
  wv: number[];
  wf: number[];
}

/** Sum of the m largest of v whose facility is not excluded. */
function topM(v: readonly number[], fs: readonly number[], exclude: readonly number[], m: number): number {
  let cap = 0;
  let taken = 0;
  for (let j = 0; j < 3 && taken < m; j++) {
    if (fs[j] >= 0 && exclude.includes(fs[j])) continue;
    cap += v[j];
    taken++;
  }
  return cap;
}

/** False when no m candidates outside `exclude` can together hold the need (a sure "no"). */
function feasible(b: Bounds, need: Need, exclude: readonly number[], m: number): boolean {
  let total = 0;
  for (let i = 0; i < need.p.length; i++) {
    const k = need.k[i];
    if (!b.exact[k]) continue;
    if (topM(b.v[k], b.f[k], exclude, m) < need.q[i]) return false;
    total += need.q[i];
  }
  // a facility's useful total for a residual need never exceeds its total for the whole demand
  return topM(b.wv, b.wf, exclude, m) >= total;
}

interface Best {
  members: number[] | null;
  cost: number;
}

function minRanking(ctx: RoutingContext): number {
  let m = Infinity;
  for (let f = 0; f < ctx.F; f++) if (ctx.eligible[f] === 1 && ctx.ranking[f] < m) m = ctx.ranking[f];
  return m;
}

/** Sum of member costs, added in candidate order (deterministic for fractional rankings). */
function costOf(ctx: RoutingContext, o: Ordering, members: readonly number[]): number {
  let sum = 0;
  for (const f of members) sum += setCost(ctx, o, f);
  return sum;
}

/** Negative when sorted set a comes lexicographically before sorted set b in candidate order. */
function compareSets(ctx: RoutingContext, o: Ordering, a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return before(ctx, o, a[i], b[i]) ? -1 : 1;
  return 0;
}

/**
 * Completes `fixed` (cost `fixedCost`, whose stock is already taken off `need`) with `size`
 * more members covering `need`, updating `best` when the completed set wins.
 */
function extend(
  o: Ordering,
  box: Box,
  need: Need,
  fixed: number[],
  fixedCost: number,
  size: number,
  minCost: number,
  best: Best,
): void {
  const { ctx, stock, c } = box;
  if (size === 1) {
    // the first cover of this residual ignoring exclusions is the answer unless it is excluded
    let f = memoGet(box.memo, need);
    if (f === undefined) {
      f = findSingle(ctx, stock, o, c, need);
      box.memo.push({ p: need.p, q: need.q, f });
    }
    if (f >= 0 && fixed.includes(f)) f = findSingle(ctx, stock, o, c, need, fixed);
    if (f >= 0) consider(ctx, o, [...fixed, f], best);
    return;
  }
  // anchor: candidates holding some of the need's product with the fewest holders
  const count = (i: number): number => {
    const k = need.k[i];
    return box.b !== null && box.b.exact[k] ? box.b.usableCount[k] : holderCount(stock, need.p[i]);
  };
  let i0 = 0;
  for (let i = 1; i < need.p.length; i++) if (count(i) < count(i0)) i0 = i;
  // many anchors: make sure every product is bounded first
  if (count(i0) > SCAN_MAX && (box.b === null || !box.b.full) && !upgrade(box, true)) return;
  const anchors = holdersInOrder(o, box, need.p[i0]);
  for (const a of anchors) {
    if (box.dead) return;
    if (fixed.includes(a)) continue;
    const ca = setCost(ctx, o, a);
    if (fixedCost + ca + (size - 1) * minCost > best.cost) break;
    const rp: number[] = [];
    const rq: number[] = [];
    const rk: number[] = [];
    for (let i = 0; i < need.p.length; i++) {
      const s = slotAt(ctx, stock, need.p[i], a);
      const left = need.q[i] - (s < 0 ? 0 : usable(stock, s));
      if (left > 0) {
        rp.push(need.p[i]);
        rq.push(left);
        rk.push(need.k[i]);
      }
    }
    // covered by fewer members: that smaller set is found at its own size
    if (rp.length === 0) continue;
    const rest: Need = { p: rp, q: rq, k: rk };
    const nextFixed = [...fixed, a];
    if (box.b !== null && !feasible(box.b, rest, nextFixed, size - 1)) continue;
    extend(o, box, rest, nextFixed, fixedCost + ca, size - 1, minCost, best);
  }
}

/** First single cover already found for an equal residual demand (same products, same order). */
function memoGet(memo: readonly MemoEntry[], need: Demand): number | undefined {
  outer: for (const m of memo) {
    if (m.p.length !== need.p.length) continue;
    for (let i = 0; i < m.p.length; i++) if (m.p[i] !== need.p[i] || m.q[i] !== need.q[i]) continue outer;
    return m.f;
  }
  return undefined;
}

interface MemoEntry {
  readonly p: readonly number[];
  readonly q: readonly number[];
  readonly f: number;
}

function consider(ctx: RoutingContext, o: Ordering, members: number[], best: Best): void {
  sortCandidates(ctx, o, members);
  const cost = costOf(ctx, o, members);
  if (cost < best.cost || (cost === best.cost && best.members !== null && compareSets(ctx, o, members, best.members) < 0)) {
    best.members = members;
    best.cost = cost;
  }
}
