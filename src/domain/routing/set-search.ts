/**
 * Covering-set search (contract step 7): the best set of 2, else 3, candidates. Every covering
 * set holds some unit of the demand's scarcest product, so sets are enumerated by that "anchor"
 * member; the rest is the best cover of the residual demand (recursively; one member =
 * `firstCover`). Because candidate order is ascending in cost, the first single cover of a
 * residual is also its cheapest, and lowering one member never makes the sorted positions
 * lexicographically larger. Bounds cut the enumeration: a product with fewer usable units in
 * all than demanded (kept per product by the stock state) ends the search at once; anchors are
 * visited in candidate order until their cost alone passes the best set found; and upper bounds
 * (3 largest holdings per product, 3 largest useful totals per facility) drop residuals that no
 * remaining member can cover.
 *
 * The search keeps its buffers between calls (one search at a time: the engine is synchronous).
 */
import { isCandidate } from './candidates';
import { holderCount, slotAt, slotEnd, slotStart, usable, type CandidateSet, type RoutingContext, type StockState } from './context';
import { before, setCost, sortCandidateRange, type Ordering } from './ordering';
import { firstCover, SCAN_MAX, type Demand } from './search';

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
  const K = d.p.length;
  for (let k = 0; k < K; k++) if (totalUsable(stock, d.p[k]) < d.q[k]) return null;
  const s = search.start(ctx, stock, o, c, d);
  const found = searchSets(s, stock, d);
  s.end();
  return found;
}

function searchSets(s: SetSearch, stock: StockState, d: Demand): SetChoice | null {
  let minHolders = Infinity;
  for (let k = 0; k < d.p.length; k++) minHolders = Math.min(minHolders, holderCount(stock, d.p[k]));
  // With a scarce anchor product the pair search is cheap; otherwise bound it first.
  if (minHolders > SCAN_MAX && !s.computeBounds(true)) return null;
  if (!s.hasBounds || s.feasible(0, 2)) s.extend(0, 2, 0);
  if (s.bestN === 0 && !s.dead) {
    if (!s.hasBounds && !s.computeBounds(false)) return null;
    if (s.feasible(0, 3)) s.extend(0, 3, 0);
  }
  return s.result();
}

/** Usable units of product p summed over the eligible facilities holding it (products created later: 0). */
function totalUsable(stock: StockState, p: number): number {
  return p < stock.prodUsable.length ? stock.prodUsable[p] : 0;
}

/** True when lower bound `lb` is certainly above `best` (a relative slack keeps sums of fractional rankings safe). */
function beyond(lb: number, best: number): boolean {
  return lb > best && lb - best > 1e-9 * Math.max(1, Math.abs(best));
}

/** Sum of the m largest of v[3i..3i+2] whose facility (f[3i..]) is not excluded. */
function topM(v: Float64Array, fs: Int32Array, i: number, ex1: number, ex2: number, m: number): number {
  let cap = 0;
  let taken = 0;
  for (let j = 3 * i; j < 3 * i + 3 && taken < m; j++) {
    const f = fs[j];
    if (f >= 0 && (f === ex1 || f === ex2)) continue;
    cap += v[j];
    taken++;
  }
  return cap;
}

/** Keeps v[3i..3i+2] (descending) the three largest values seen, fs their facilities. */
function insertTop(v: Float64Array, fs: Int32Array, i: number, u: number, f: number): void {
  const j = 3 * i;
  if (u > v[j]) {
    v[j + 2] = v[j + 1];
    fs[j + 2] = fs[j + 1];
    v[j + 1] = v[j];
    fs[j + 1] = fs[j];
    v[j] = u;
    fs[j] = f;
  } else if (u > v[j + 1]) {
    v[j + 2] = v[j + 1];
    fs[j + 2] = fs[j + 1];
    v[j + 1] = u;
    fs[j + 1] = f;
  } else if (u > v[j + 2]) {
    v[j + 2] = u;
    fs[j + 2] = f;
  }
}

/** State of one covering-set search; buffers are reused from call to call. */
class SetSearch {
  ctx!: RoutingContext;
  stock!: StockState;
  o!: Ordering;
  c!: CandidateSet;
  d!: Demand;
  minCost = 0;
  /** Residual need per depth (0: the demand): product, quantity, index in the demand. */
  readonly rp: number[][] = [[], [], []];
  readonly rq: number[][] = [[], [], []];
  readonly rk: number[][] = [[], [], []];
  readonly rn = [0, 0, 0];
  /** Members fixed at depths 0 and 1. */
  readonly fixed = [-1, -1];
  readonly best = [-1, -1, -1];
  bestN = 0;
  bestCost = Infinity;
  private readonly trial = [-1, -1, -1];
  /**
   * Per demand index: its candidate holders with usable stock in candidate order, the first
   * `holdersN[k]` entries (valid when `holdersAt[k] === call`). Buffers only grow.
   */
  private readonly holders: number[][] = [];
  private holdersN = new Int32Array(8);
  private holdersAt = new Int32Array(8);
  private call = 0;
  /** First single covers found this call: residual (product, quantity pairs from memoStart[e]) -> memoF[e]. */
  private readonly memoKey: number[] = [];
  private readonly memoStart: number[] = [];
  private readonly memoF: number[] = [];
  private memoN = 0;
  private memoKeyN = 0;
  // bounds (valid when hasBounds): per demand index, exact?, top-3 holdings, usable holder count
  hasBounds = false;
  private full = false;
  dead = false;
  private exact = new Uint8Array(8);
  private topV = new Float64Array(24);
  private topF = new Int32Array(24);
  private usableCount = new Int32Array(8);
  /** The 3 largest facility totals over the bounded products (sum of min(holding, demand)). */
  private readonly wv = new Float64Array(3);
  private readonly wf = new Int32Array(3);
  private wSum = new Float64Array(64);
  private wFac = new Int32Array(64);

  start(ctx: RoutingContext, stock: StockState, o: Ordering, c: CandidateSet, d: Demand): this {
    this.ctx = ctx;
    this.stock = stock;
    this.o = o;
    this.c = c;
    this.d = d;
    this.minCost = o.closest ? 0 : minRanking(ctx);
    const K = d.p.length;
    if (this.holdersAt.length < K) this.grow(K);
    this.call++;
    this.rn[0] = K;
    for (let k = 0; k < K; k++) {
      this.rp[0][k] = d.p[k];
      this.rq[0][k] = d.q[k];
      this.rk[0][k] = k;
    }
    this.fixed[0] = this.fixed[1] = -1;
    this.bestN = 0;
    this.bestCost = Infinity;
    this.memoN = 0;
    this.memoKeyN = 0;
    this.hasBounds = false;
    this.full = false;
    this.dead = false;
    return this;
  }

  private grow(K: number): void {
    const n = Math.max(K, 2 * this.holdersAt.length);
    this.holdersAt = new Int32Array(n);
    this.holdersN = new Int32Array(n);
    this.exact = new Uint8Array(n);
    this.topV = new Float64Array(3 * n);
    this.topF = new Int32Array(3 * n);
    this.usableCount = new Int32Array(n);
  }

  /** Lets go of the run's context and stock (the buffers stay for the next search). */
  end(): void {
    this.ctx = this.stock = this.o = this.c = this.d = undefined as never;
  }

  result(): SetChoice | null {
    if (this.bestN === 0) return null;
    return { members: this.best.slice(0, this.bestN), cost: this.bestCost };
  }

  /**
   * Completes the members fixed at depths < dep (cost `fixedCost`, whose stock is already
   * taken off the residual at `dep`) with `size` more members, updating the best set.
   */
  extend(dep: number, size: number, fixedCost: number): void {
    if (size === 1) {
      this.leaf(dep);
      return;
    }
    const { ctx, stock, o } = this;
    const n = this.rn[dep];
    const rp = this.rp[dep];
    const rq = this.rq[dep];
    const rk = this.rk[dep];
    // anchor: candidates holding some of the need's product with the fewest holders
    let i0 = 0;
    let n0 = Infinity;
    for (let i = 0; i < n; i++) {
      const h = this.hasBounds && this.exact[rk[i]] === 1 ? this.usableCount[rk[i]] : holderCount(stock, rp[i]);
      if (h < n0) {
        n0 = h;
        i0 = i;
      }
    }
    // many anchors: make sure every product is bounded first
    if (n0 > SCAN_MAX && !this.full && !this.computeBounds(true)) return;
    const anchors = this.holdersOf(rk[i0]);
    const na = this.holdersN[rk[i0]];
    const np = this.rp[dep + 1];
    const nq = this.rq[dep + 1];
    const nk = this.rk[dep + 1];
    for (let j = 0; j < na; j++) {
      if (this.dead) return;
      const a = anchors[j];
      if (dep > 0 && a === this.fixed[0]) continue;
      const ca = setCost(ctx, o, a);
      if (beyond(fixedCost + ca + (size - 1) * this.minCost, this.bestCost)) break;
      let m = 0;
      for (let i = 0; i < n; i++) {
        const s = slotAt(ctx, stock, rp[i], a);
        const left = rq[i] - (s < 0 ? 0 : usable(stock, s));
        if (left > 0) {
          np[m] = rp[i];
          nq[m] = left;
          nk[m] = rk[i];
          m++;
        }
      }
      // covered by fewer members: that smaller set is found at its own size
      if (m === 0) continue;
      this.rn[dep + 1] = m;
      this.fixed[dep] = a;
      if (this.hasBounds && !this.feasible(dep + 1, size - 1)) continue;
      this.extend(dep + 1, size - 1, fixedCost + ca);
    }
    this.fixed[dep] = -1;
  }

  /** The last member: the first single cover of the residual at `dep` outside the fixed members. */
  private leaf(dep: number): void {
    const { ctx, stock, o, c } = this;
    const rp = this.rp[dep];
    const rq = this.rq[dep];
    const n = this.rn[dep];
    let f = this.memoGet(dep);
    if (f === -2) {
      f = firstCover(ctx, stock, o, c, rp, rq, n, -1, -1);
      this.memoPut(dep, f);
    }
    const ex1 = this.fixed[0];
    const ex2 = dep > 1 ? this.fixed[1] : -1;
    if (f >= 0 && (f === ex1 || f === ex2)) f = firstCover(ctx, stock, o, c, rp, rq, n, ex1, ex2);
    if (f >= 0) this.consider(dep, f);
  }

  /** Memoised first cover of the residual at `dep` (ignoring exclusions), or -2 when not known. */
  private memoGet(dep: number): number {
    const rp = this.rp[dep];
    const rq = this.rq[dep];
    const n = this.rn[dep];
    const key = this.memoKey;
    const starts = this.memoStart;
    outer: for (let e = 0; e < this.memoN; e++) {
      const a = starts[e];
      const b = e + 1 < this.memoN ? starts[e + 1] : this.memoKeyN;
      if (b - a !== 2 * n) continue;
      for (let i = 0; i < n; i++) if (key[a + 2 * i] !== rp[i] || key[a + 2 * i + 1] !== rq[i]) continue outer;
      return this.memoF[e];
    }
    return -2;
  }

  private memoPut(dep: number, f: number): void {
    const key = this.memoKey;
    this.memoStart[this.memoN] = this.memoKeyN;
    this.memoF[this.memoN++] = f;
    for (let i = 0; i < this.rn[dep]; i++) {
      key[this.memoKeyN++] = this.rp[dep][i];
      key[this.memoKeyN++] = this.rq[dep][i];
    }
  }

  /** Offers the fixed members plus f (dep + 1 members) as a covering set. */
  private consider(dep: number, f: number): void {
    const { ctx, o } = this;
    const t = this.trial;
    const n = dep + 1;
    for (let i = 0; i < dep; i++) t[i] = this.fixed[i];
    t[dep] = f;
    // insertion sort into candidate order
    for (let i = 1; i < n; i++) {
      const x = t[i];
      let j = i - 1;
      while (j >= 0 && before(ctx, o, x, t[j])) {
        t[j + 1] = t[j];
        j--;
      }
      t[j + 1] = x;
    }
    // sum in candidate order (deterministic for fractional rankings)
    let cost = 0;
    for (let i = 0; i < n; i++) cost += setCost(ctx, o, t[i]);
    if (cost < this.bestCost || (cost === this.bestCost && this.bestN > 0 && this.lexBefore(n))) {
      for (let i = 0; i < n; i++) this.best[i] = t[i];
      this.bestN = n;
      this.bestCost = cost;
    }
  }

  /** True when the trial set (n sorted members) comes lexicographically before the best set. */
  private lexBefore(n: number): boolean {
    for (let i = 0; i < n; i++) {
      const a = this.trial[i];
      const b = this.best[i];
      if (a !== b) return before(this.ctx, this.o, a, b);
    }
    return false;
  }

  /** Candidates holding some usable stock of demand product k, in candidate order (cached per call; `holdersN[k]` entries). */
  private holdersOf(k: number): number[] {
    let list = this.holders[k];
    if (list === undefined) list = this.holders[k] = [];
    if (this.holdersAt[k] === this.call) return list;
    const { ctx, stock, c } = this;
    const p = this.d.p[k];
    let n = 0;
    for (let s = slotStart(stock, p), e = slotEnd(stock, p); s < e; s++) {
      const f = stock.slotFac[s];
      if (stock.free[s] > 0 && isCandidate(ctx, stock, c, f)) list[n++] = f;
    }
    sortCandidateRange(ctx, this.o, list, n);
    this.holdersN[k] = n;
    this.holdersAt[k] = this.call;
    return list;
  }

  /**
   * (Re)computes the bounds in one pass over the holders: per product the 3 largest holdings
   * among candidates, and per facility its useful total (sum over products of min(holding,
   * demand)) -> the 3 largest. Products with more than SCAN_MAX holders are skipped (no bound)
   * unless `full`. False (and `dead`) when the demand certainly cannot be covered by 3 facilities.
   */
  computeBounds(full: boolean): boolean {
    const { ctx, stock, c, d } = this;
    const K = d.p.length;
    const sc = ctx.scratch;
    const stamp = ++sc.stamp;
    let rows = 0;
    this.topV.fill(0, 0, 3 * K);
    this.topF.fill(-1, 0, 3 * K);
    this.hasBounds = true;
    this.full = full;
    let total = 0;
    for (let k = 0; k < K; k++) {
      const a = slotStart(stock, d.p[k]);
      const e = slotEnd(stock, d.p[k]);
      if (!full && e - a > SCAN_MAX) {
        this.exact[k] = 0;
        this.usableCount[k] = e - a;
        continue;
      }
      total += d.q[k];
      let n = 0;
      for (let s = a; s < e; s++) {
        const u = usable(stock, s);
        if (u <= 0) continue;
        const f = stock.slotFac[s];
        if (sc.facStamp[f] !== stamp) {
          sc.facStamp[f] = stamp;
          if (isCandidate(ctx, stock, c, f)) {
            if (rows === this.wSum.length) this.growRows();
            sc.facRow[f] = rows;
            this.wSum[rows] = 0;
            this.wFac[rows++] = f;
          } else sc.facRow[f] = -1;
        }
        const row = sc.facRow[f];
        if (row < 0) continue;
        n++;
        this.wSum[row] += u < d.q[k] ? u : d.q[k];
        insertTop(this.topV, this.topF, k, u, f);
      }
      this.exact[k] = 1;
      this.usableCount[k] = n;
      if (this.topV[3 * k] + this.topV[3 * k + 1] + this.topV[3 * k + 2] < d.q[k]) return this.kill();
    }
    this.wv.fill(0);
    this.wf.fill(-1);
    for (let r = 0; r < rows; r++) insertTop(this.wv, this.wf, 0, this.wSum[r], this.wFac[r]);
    if (this.wv[0] + this.wv[1] + this.wv[2] < total) return this.kill();
    return true;
  }

  private growRows(): void {
    const w = new Float64Array(2 * this.wSum.length);
    w.set(this.wSum);
    this.wSum = w;
    const f = new Int32Array(2 * this.wFac.length);
    f.set(this.wFac);
    this.wFac = f;
  }

  private kill(): false {
    this.dead = true;
    this.hasBounds = false;
    return false;
  }

  /** False when no m candidates outside the fixed members can together hold the residual at dep (a sure "no"). */
  feasible(dep: number, m: number): boolean {
    const ex1 = dep > 0 ? this.fixed[0] : -1;
    const ex2 = dep > 1 ? this.fixed[1] : -1;
    const rq = this.rq[dep];
    const rk = this.rk[dep];
    let total = 0;
    for (let i = 0; i < this.rn[dep]; i++) {
      const k = rk[i];
      if (this.exact[k] === 0) continue;
      if (topM(this.topV, this.topF, k, ex1, ex2, m) < rq[i]) return false;
      total += rq[i];
    }
    // a facility's useful total for a residual need never exceeds its total for the whole demand
    return topM(this.wv, this.wf, 0, ex1, ex2, m) >= total;
  }
}

const search = new SetSearch();

/** Lowest ranking among eligible facilities (cached per context). */
const minRankings = new WeakMap<RoutingContext, number>();
function minRanking(ctx: RoutingContext): number {
  let m = minRankings.get(ctx);
  if (m === undefined) {
    m = Infinity;
    for (let f = 0; f < ctx.F; f++) if (ctx.eligible[f] === 1 && ctx.ranking[f] < m) m = ctx.ranking[f];
    minRankings.set(ctx, m);
  }
  return m;
}
