/**
 * Stock allocation of one shipment group (contract steps 6 and 7): single-facility match,
 * smallest covering set of 2 then 3 facilities, line-by-line fill. Every take is journalled so
 * that an order can be rolled back (EXCEPTION, or QUEUED without splitting).
 */
import { isCandidate } from './candidates';
import { listIds, slotAt, slotEnd, slotStart, usable, type CandidateSet, type RoutingContext, type StockState } from './context';
import { before, reportKm, sortCandidateRange, type Ordering } from './ordering';
import { firstCover, type Demand } from './search';
import type { DecidedBy, LineQuantity, Shipment } from './types';

/** One order line after product resolution. */
export interface Line {
  readonly seq: string;
  /** Product index. */
  readonly p: number;
  readonly qty: number;
  /** Rejected facility indices (unknown ids dropped). */
  readonly rejected: readonly number[];
}

/** A shipment group: lines that ship together, possibly with a designated carrier. */
export interface Group {
  readonly lines: readonly Line[];
  readonly carrier: string | null;
  readonly label: string;
}

/** Aggregates lines into per-product demand (first-appearance order). */
export function demandOf(lines: readonly Line[]): Demand {
  const n = lines.length;
  if (n === 1) return { p: [lines[0].p], q: [lines[0].qty] };
  const p: number[] = new Array(n);
  const q: number[] = new Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const l = lines[i];
    let k = 0;
    while (k < m && p[k] !== l.p) k++;
    if (k < m) q[k] += l.qty;
    else {
      p[m] = l.p;
      q[m++] = l.qty;
    }
  }
  p.length = m;
  q.length = m;
  return { p, q };
}

/** Shared empty lists, replaced (never filled) on first use. */
const NO_FACILITIES: number[] = [];
const NO_DRAFTS: Draft[] = [];

interface Draft {
  f: number;
  backordered: boolean;
  decidedBy: DecidedBy;
  items: LineQuantity[];
}

/** Per-order allocation: stock journal, facilities used, and shipment drafts per group. */
export class OrderAllocation {
  // Lists start as literals of their first element (exact size; an empty literal would grow to 17 slots).
  private journal: number[] | null = null;
  /** Facilities this order already uses (any group). */
  used: number[] = NO_FACILITIES;
  private groups: { carrier: string | null; drafts: Draft[] }[] | null = null;

  constructor(
    readonly ctx: RoutingContext,
    readonly stock: StockState,
    readonly o: Ordering,
  ) {}

  /** Starts a new shipment group; later `add` calls go to it. */
  beginGroup(carrier: string | null): void {
    const g = { carrier, drafts: NO_DRAFTS };
    if (this.groups === null) this.groups = [g];
    else this.groups.push(g);
  }

  /** Takes up to qty usable units of product p at facility f (never below zero); returns the units taken. */
  take(p: number, f: number, qty: number): number {
    const s = slotAt(this.ctx, this.stock, p, f);
    if (s < 0) return 0;
    const t = Math.min(qty, usable(this.stock, s));
    if (t > 0) {
      this.stock.free[s] -= t;
      if (this.ctx.eligible[f] === 1) this.stock.prodUsable[p] -= t;
      if (this.journal === null) this.journal = [s, t];
      else this.journal.push(s, t);
    }
    return t;
  }

  /** Records qty of a line in the current group's shipment at f. */
  add(f: number, seq: string, qty: number, decidedBy: DecidedBy, backordered = false): void {
    const groups = this.groups as { carrier: string | null; drafts: Draft[] }[];
    const g = groups[groups.length - 1];
    const drafts = g.drafts;
    let d: Draft | undefined;
    for (let i = 0; i < drafts.length && d === undefined; i++) if (drafts[i].f === f && drafts[i].backordered === backordered) d = drafts[i];
    if (d === undefined) {
      d = { f, backordered, decidedBy, items: [{ seq, quantity: qty }] };
      if (drafts === NO_DRAFTS) g.drafts = [d];
      else drafts.push(d);
      if (this.used === NO_FACILITIES) this.used = [f];
      else if (!this.used.includes(f)) this.used.push(f);
      return;
    }
    const last = d.items[d.items.length - 1];
    if (last.seq === seq) last.quantity += qty;
    else d.items.push({ seq, quantity: qty });
  }

  /** Gives back every unit taken by this order. */
  rollback(): void {
    const j = this.journal;
    if (j === null) return;
    const { free, prodUsable, slotProd, slotFac } = this.stock;
    const eligible = this.ctx.eligible;
    for (let i = 0; i < j.length; i += 2) {
      const s = j[i];
      free[s] += j[i + 1];
      if (eligible[slotFac[s]] === 1) prodUsable[slotProd[s]] += j[i + 1];
    }
    this.journal = null;
  }

  /**
   * Shipments in group order; within a group by candidate order, backordered ones last. Hands
   * the drafts' item lists over to the shipments: call once, when the order is done.
   */
  shipments(): Shipment[] {
    const groups = this.groups ?? [];
    let n = 0;
    for (const g of groups) n += g.drafts.length;
    const out: Shipment[] = new Array(n);
    const { ctx, o } = this;
    let i = 0;
    for (const g of groups) {
      const drafts = g.drafts;
      // insertion sort (drafts are few, and unique per facility and backorder flag)
      for (let k = 1; k < drafts.length; k++) {
        const d = drafts[k];
        let j = k - 1;
        while (j >= 0 && draftBefore(ctx, o, d, drafts[j])) {
          drafts[j + 1] = drafts[j];
          j--;
        }
        drafts[j + 1] = d;
      }
      for (const d of drafts) {
        out[i++] = {
          facilityId: ctx.facId[d.f],
          carrier: g.carrier,
          backordered: d.backordered,
          items: d.items,
          decidedBy: d.decidedBy,
          distanceKm: reportKm(ctx, o, d.f),
        };
      }
    }
    return out;
  }

  /** Distinct facilities of all shipments. */
  facilities(): number[] {
    return this.used;
  }
}

/** True when draft a sorts before draft b: not backordered first, then candidate order. */
function draftBefore(ctx: RoutingContext, o: Ordering, a: Draft, b: Draft): boolean {
  if (a.backordered !== b.backordered) return !a.backordered;
  return before(ctx, o, a.f, b.f);
}

/** Fills the group's lines from a covering set (step 7, first part). */
export function fillFromSet(a: OrderAllocation, lines: readonly Line[], members: readonly number[]): void {
  for (const l of lines) {
    let rem = l.qty;
    for (const f of members) {
      if (availableFor(a, l.p, f) >= rem) {
        a.take(l.p, f, rem);
        a.add(f, l.seq, rem, 'SPLIT_SET');
        rem = 0;
        break;
      }
    }
    for (let i = 0; rem > 0 && i < members.length; i++) {
      const t = a.take(l.p, members[i], rem);
      if (t > 0) {
        a.add(members[i], l.seq, t, 'SPLIT_SET');
        rem -= t;
      }
    }
  }
}

function availableFor(a: OrderAllocation, p: number, f: number): number {
  const s = slotAt(a.ctx, a.stock, p, f);
  return s < 0 ? 0 : usable(a.stock, s);
}

/** Scratch lists of `lineFill` (reused; the engine is synchronous). */
const fillUsed: number[] = [];
const fillOthers: number[] = [];
const oneP = [0];
const oneQ = [0];

/**
 * Line-by-line fill (step 7, no set of up to 3 covers): per line, facilities this order already
 * uses first, then the other candidates, each in candidate order; whole line at the first
 * holding it, else split in that order. Returns what is still short per line (same order).
 */
export function lineFill(a: OrderAllocation, c: CandidateSet, lines: readonly Line[]): number[] {
  const { ctx, stock, o } = a;
  const short: number[] = new Array(lines.length);
  for (let li = 0; li < lines.length; li++) {
    const l = lines[li];
    let nu = 0;
    for (const f of a.used) if (isCandidate(ctx, stock, c, f)) fillUsed[nu++] = f;
    sortCandidateRange(ctx, o, fillUsed, nu);
    let whole = -1;
    for (let i = 0; i < nu && whole < 0; i++) if (availableFor(a, l.p, fillUsed[i]) >= l.qty) whole = fillUsed[i];
    if (whole < 0) {
      oneP[0] = l.p;
      oneQ[0] = l.qty;
      whole = firstCover(ctx, stock, o, c, oneP, oneQ, 1, -1, -1);
    }
    if (whole >= 0) {
      a.take(l.p, whole, l.qty);
      a.add(whole, l.seq, l.qty, 'LINE_FILL');
      short[li] = 0;
      continue;
    }
    let no = 0;
    for (let s = slotStart(stock, l.p), e = slotEnd(stock, l.p); s < e; s++) {
      const f = stock.slotFac[s];
      if (usable(stock, s) > 0 && !includes(fillUsed, nu, f) && isCandidate(ctx, stock, c, f)) fillOthers[no++] = f;
    }
    sortCandidateRange(ctx, o, fillOthers, no);
    let rem = l.qty;
    for (let i = 0; rem > 0 && i < nu; i++) rem -= takeLine(a, l, fillUsed[i], rem);
    for (let i = 0; rem > 0 && i < no; i++) rem -= takeLine(a, l, fillOthers[i], rem);
    short[li] = rem;
  }
  return short;
}

/** Takes up to rem units of line l at f into a LINE_FILL shipment; returns the units taken. */
function takeLine(a: OrderAllocation, l: Line, f: number, rem: number): number {
  const t = a.take(l.p, f, rem);
  if (t > 0) a.add(f, l.seq, t, 'LINE_FILL');
  return t;
}

function includes(list: readonly number[], n: number, x: number): boolean {
  for (let i = 0; i < n; i++) if (list[i] === x) return true;
  return false;
}

/** Formats a list of facility indices for explanations. */
export function facList(ctx: RoutingContext, fs: readonly number[]): string {
  return listIds(fs.map((f) => ctx.facId[f]));
}
