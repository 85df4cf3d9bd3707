/**
 * Stock allocation of one shipment group (contract steps 6 and 7): single-facility match,
 * smallest covering set of 2 then 3 facilities, line-by-line fill. Every take is journalled so
 * that an order can be rolled back (EXCEPTION, or QUEUED without splitting).
 */
import { isCandidate } from './candidates';
import { listIds, slotAt, slotEnd, slotStart, usable, type CandidateSet, type RoutingContext, type StockState } from './context';
import { before, reportKm, sortCandidates, type Ordering } from './ordering';
import { findSingle, type Demand } from './search';
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
  const p: number[] = [];
  const q: number[] = [];
  for (const l of lines) {
    const k = p.indexOf(l.p);
    if (k < 0) {
      p.push(l.p);
      q.push(l.qty);
    } else q[k] += l.qty;
  }
  return { p, q };
}

interface Draft {
  f: number;
  backordered: boolean;
  decidedBy: DecidedBy;
  items: LineQuantity[];
}

/** Per-order allocation: stock journal, facilities used, and shipment drafts per group. */
export class OrderAllocation {
  private readonly journal: number[] = [];
  /** Facilities this order already uses (any group). */
  readonly used: number[] = [];
  private readonly groups: { carrier: string | null; drafts: Draft[] }[] = [];

  constructor(
    readonly ctx: RoutingContext,
    readonly stock: StockState,
    readonly o: Ordering,
  ) {}

  /** Starts a new shipment group; later `add` calls go to it. */
  beginGroup(carrier: string | null): void {
    this.groups.push({ carrier, drafts: [] });
  }

  /** Takes up to qty usable units of product p at facility f (never below zero); returns the units taken. */
  take(p: number, f: number, qty: number): number {
    const s = slotAt(this.ctx, this.stock, p, f);
    if (s < 0) return 0;
    const t = Math.min(qty, usable(this.stock, s));
    if (t > 0) {
      this.stock.free[s] -= t;
      this.journal.push(s, t);
    }
    return t;
  }

  /** Records qty of a line in the current group's shipment at f. */
  add(f: number, seq: string, qty: number, decidedBy: DecidedBy, backordered = false): void {
    const g = this.groups[this.groups.length - 1];
    let d = g.drafts.find((x) => x.f === f && x.backordered === backordered);
    if (d === undefined) {
      d = { f, backordered, decidedBy, items: [] };
      g.drafts.push(d);
      if (!this.used.includes(f)) this.used.push(f);
    }
    const last = d.items[d.items.length - 1];
    if (last !== undefined && last.seq === seq) last.quantity += qty;
    else d.items.push({ seq, quantity: qty });
  }

  /** Gives back every unit taken by this order. */
  rollback(): void {
    const j = this.journal;
    for (let i = 0; i < j.length; i += 2) this.stock.free[j[i]] += j[i + 1];
    j.length = 0;
  }

  /** Shipments in group order; within a group by candidate order, backordered ones last. */
  shipments(): Shipment[] {
    let n = 0;
    for (const g of this.groups) n += g.drafts.length;
    const out: Shipment[] = new Array(n);
    const { ctx, o } = this;
    let i = 0;
    for (const g of this.groups) {
      const drafts = g.drafts.length > 1 ? [...g.drafts].sort((a, b) => {
        if (a.backordered !== b.backordered) return a.backordered ? 1 : -1;
        return before(ctx, o, a.f, b.f) ? -1 : before(ctx, o, b.f, a.f) ? 1 : 0;
      }) : g.drafts;
      for (const d of drafts) {
        out[i++] = {
          facilityId: ctx.facId[d.f],
          carrier: g.carrier,
          backordered: d.backordered,
          items: d.items.slice(),
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

/**
 * Line-by-line fill (step 7, no set of up to 3 covers): per line, facilities this order already
 * uses first, then the other candidates, each in candidate order; whole line at the first
 * holding it, else split in that order. Returns what is still short per line (same order).
 */
export function lineFill(a: OrderAllocation, c: CandidateSet, lines: readonly Line[]): number[] {
  const { ctx, stock, o } = a;
  const short: number[] = [];
  for (const l of lines) {
    let rem = l.qty;
    const used = sortCandidates(ctx, o, a.used.filter((f) => isCandidate(ctx, stock, c, f)));
    let whole = used.find((f) => availableFor(a, l.p, f) >= rem) ?? -1;
    if (whole < 0) whole = findSingle(ctx, stock, o, c, { p: [l.p], q: [rem] });
    if (whole >= 0) {
      a.take(l.p, whole, rem);
      a.add(whole, l.seq, rem, 'LINE_FILL');
      rem = 0;
    } else {
      const others: number[] = [];
      for (let s = slotStart(stock, l.p), e = slotEnd(stock, l.p); s < e; s++) {
        const f = stock.slotFac[s];
        if (usable(stock, s) > 0 && !used.includes(f) && isCandidate(ctx, stock, c, f)) others.push(f);
      }
      for (const f of [...used, ...sortCandidates(ctx, o, others)]) {
        if (rem === 0) break;
        const t = a.take(l.p, f, rem);
        if (t > 0) {
          a.add(f, l.seq, t, 'LINE_FILL');
          rem -= t;
        }
      }
    }
    short.push(rem);
  }
  return short;
}

/** Formats a list of facility indices for explanations. */
export function facList(ctx: RoutingContext, fs: readonly number[]): string {
  return listIds(fs.map((f) => ctx.facId[f]));
}
