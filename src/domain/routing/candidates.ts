/**
 * Candidate filters (contract step 4). Each filter that drops facilities adds an explanation
 * line naming the rule and the facilities it dropped (capped list).
 *
 * Fast path: when no order-level filter applies (no accounting-code restriction, no market
 * filter, no ZIP filter), a candidate set is "eligible, not at its daily limit, not rejected"
 * and is tested per facility without building anything of size F.
 */
import { listIds, normCode, type CandidateSet, type OrderFilter, type RoutingContext, type StockState } from './context';
import type { Order } from './types';

/** True when facility f is in the candidate set. */
export function isCandidate(ctx: RoutingContext, stock: StockState, c: CandidateSet, f: number): boolean {
  if (c.mask !== null) return c.mask[f] === 1;
  if (ctx.eligible[f] === 0 || stock.atLimit[f] === 1) return false;
  const r = c.rejected;
  if (r !== null) for (let i = 0; i < r.length; i++) if (r[i] === f) return false;
  return true;
}

/** First 5 digits of a US ship-to's postal code, or null when it has no US ZIP. */
export function usZip(country: string, postalCode: string | null | undefined): string | null {
  if (normCode(country) !== 'US' || typeof postalCode !== 'string') return null;
  const m = /^\s*(\d{5})/.exec(postalCode);
  return m ? m[1] : null;
}

function dailyLimitDrops(ctx: RoutingContext, stock: StockState): { line: string | null; count: number } {
  const c = stock.limitCache;
  if (c !== null && c.version === stock.atLimitVersion) return c;
  const ids: string[] = [];
  for (const f of stock.atLimitList) {
    if (ctx.eligible[f] === 1) ids.push(`${ctx.facId[f]} (${stock.ordersToday[f]}/${ctx.dailyLimit[f]})`);
  }
  const line = ids.length > 0 ? `dropped by daily order limit (reached): ${listIds(ids)}` : null;
  stock.limitCache = { version: stock.atLimitVersion, line, count: ids.length };
  return stock.limitCache;
}

/** True when no order-level rule applies (the order filter is the same for every order). */
function noOrderRules(s: RoutingContext['settings']): boolean {
  return !s.assignWarehouseByAccountingCode && !s.stayWithinDestinationMarket && !s.assignWarehouseByZipCode;
}

/** Applies the order-level filters: daily limit, accounting code, destination market, ZIP (prepared). */
export function orderFilter(ctx: RoutingContext, stock: StockState, order: Order): OrderFilter {
  const s = ctx.settings;
  const cached = stock.fastFilter;
  if (cached !== null && cached.version === stock.atLimitVersion && noOrderRules(s)) return cached.filter;
  const lines: string[] = [];
  if (ctx.ineligibleLine !== null) lines.push(ctx.ineligibleLine);
  const limit = dailyLimitDrops(ctx, stock);
  if (limit.line !== null) lines.push(limit.line);
  const code = order.accountingCode ?? null;
  const acct = s.assignWarehouseByAccountingCode && code !== null ? (ctx.accountingFacilities.get(code) ?? null) : null;
  if (s.assignWarehouseByAccountingCode) {
    if (code === null) lines.push('assignWarehouseByAccountingCode: order has no accounting code; routed normally');
    else if (acct === null) lines.push(`assignWarehouseByAccountingCode: no facility lists accounting code ${code}; routed normally`);
  }
  const shipMarket = normCode(order.shipTo.market ?? order.shipTo.country);
  const market = s.stayWithinDestinationMarket;
  let zip: string | null = null;
  if (s.assignWarehouseByZipCode) {
    zip = usZip(order.shipTo.country, order.shipTo.postalCode);
    if (zip === null) lines.push('assignWarehouseByZipCode: ship-to has no US ZIP; the rule narrows nothing');
  }
  if (acct === null && !market && zip === null) {
    // nothing order-specific: one shared filter per daily-limit state (returned above while current)
    if (noOrderRules(s)) {
      const count = ctx.eligibleCount - limit.count;
      const filter: OrderFilter = { mask: null, count, zip, lines, shared: fastSet(count), sharedLines: [] };
      stock.fastFilter = { version: stock.atLimitVersion, filter };
      return filter;
    }
    const count = ctx.eligibleCount - limit.count;
    return { mask: null, count, zip, lines, shared: null, sharedLines: [] };
  }
  const F = ctx.F;
  const mask = new Uint8Array(F);
  if (acct !== null) for (const f of acct) mask[f] = 2;
  const acctDrop: string[] = [];
  const marketDrop: string[] = [];
  let count = 0;
  for (let f = 0; f < F; f++) {
    if (ctx.eligible[f] === 0 || stock.atLimit[f] === 1) {
      mask[f] = 0;
      continue;
    }
    if (acct !== null && mask[f] !== 2) {
      acctDrop.push(ctx.facId[f]);
      mask[f] = 0;
      continue;
    }
    if (market && ctx.market[f] !== shipMarket) {
      marketDrop.push(ctx.facId[f]);
      mask[f] = 0;
      continue;
    }
    mask[f] = 1;
    count++;
  }
  if (acct !== null) {
    lines.push(
      acctDrop.length > 0
        ? `dropped by assignWarehouseByAccountingCode (${code}): ${acctDrop.length} facilities not listing it: ${listIds(acctDrop)}`
        : `assignWarehouseByAccountingCode (${code}): every candidate lists it`,
    );
  }
  if (market && marketDrop.length > 0) {
    lines.push(`dropped by stayWithinDestinationMarket (${shipMarket}): ${marketDrop.length} facilities: ${listIds(marketDrop)}`);
  }
  return { mask, count, zip, lines, shared: null, sharedLines: [] };
}

/** Facilities whose ZIP ranges contain zip (cached per ZIP). */
function zipFacilities(ctx: RoutingContext, zip: string): Int32Array {
  let list = ctx.zipCache.get(zip);
  if (list === undefined) {
    const out: number[] = [];
    for (let f = 0; f < ctx.F; f++) {
      const ranges = ctx.zipRanges[f];
      if (ranges === null) continue;
      for (const [lo, hi] of ranges) {
        if (lo <= zip && zip <= hi) {
          out.push(f);
          break;
        }
      }
    }
    list = Int32Array.from(out);
    ctx.zipCache.set(zip, list);
  }
  return list;
}

/**
 * Candidate set of one group: the order-level set minus the group's rejected facilities, then
 * the ZIP filter (narrows nothing when no remaining candidate's range holds the ZIP).
 * Explanation lines go to `lines`.
 */
export function groupCandidates(
  ctx: RoutingContext,
  stock: StockState,
  of: OrderFilter,
  rejected: readonly number[],
  lines: string[],
): CandidateSet {
  if (rejected.length === 0 && of.shared !== null) {
    for (const l of of.sharedLines) lines.push(l);
    return of.shared;
  }
  const own: string[] = [];
  let c = build(ctx, stock, of, rejected, own);
  if (of.zip !== null) c = applyZip(ctx, of.zip, c, stock, own);
  if (rejected.length === 0) {
    of.shared = c;
    of.sharedLines = own;
  }
  lines.push(...own);
  return c;
}

const fastSets: CandidateSet[] = [];
/** Immutable fast-path set with no rejections (shared by count). */
function fastSet(count: number): CandidateSet {
  return (fastSets[count] ??= Object.freeze({ mask: null, rejected: null, count }));
}

function build(ctx: RoutingContext, stock: StockState, of: OrderFilter, rejected: readonly number[], lines: string[]): CandidateSet {
  const dropped: number[] = [];
  for (const f of rejected) {
    const isCand = of.mask !== null ? of.mask[f] === 1 : ctx.eligible[f] === 1 && stock.atLimit[f] === 0;
    if (isCand && !dropped.includes(f)) dropped.push(f);
  }
  if (dropped.length > 0) {
    lines.push(`dropped by rejectedFacilityIds: ${listIds(dropped.map((f) => ctx.facId[f]))}`);
  }
  if (of.mask === null) {
    if (dropped.length === 0) return fastSet(of.count);
    return { mask: null, rejected: Int32Array.from(dropped), count: of.count - dropped.length };
  }
  if (dropped.length === 0) return { mask: of.mask, rejected: null, count: of.count };
  const mask = of.mask.slice();
  for (const f of dropped) mask[f] = 0;
  return { mask, rejected: null, count: of.count - dropped.length };
}

function applyZip(ctx: RoutingContext, zip: string, c: CandidateSet, stock: StockState, lines: string[]): CandidateSet {
  const inRange: number[] = [];
  for (const f of zipFacilities(ctx, zip)) if (isCandidate(ctx, stock, c, f)) inRange.push(f);
  if (inRange.length === 0) {
    lines.push(`assignWarehouseByZipCode: no candidate's ZIP range contains ${zip}; the rule narrows nothing`);
    return c;
  }
  if (inRange.length === c.count) {
    lines.push(`assignWarehouseByZipCode: every candidate's ZIP range contains ${zip}`);
    return c;
  }
  const mask = new Uint8Array(ctx.F);
  for (const f of inRange) mask[f] = 1;
  lines.push(
    `dropped by assignWarehouseByZipCode (${zip}): ${c.count - inRange.length} candidates outside their ZIP ranges; ` +
      `kept ${listIds(inRange.map((f) => ctx.facId[f]))}`,
  );
  return { mask, rejected: null, count: inRange.length };
}

/** Intersection of several candidate sets (noSplitOrder "qualifying" facilities), as a mask. */
export function intersect(ctx: RoutingContext, stock: StockState, sets: readonly CandidateSet[]): CandidateSet {
  const mask = new Uint8Array(ctx.F);
  let count = 0;
  for (let f = 0; f < ctx.F; f++) {
    let ok = true;
    for (const c of sets) {
      if (!isCandidate(ctx, stock, c, f)) {
        ok = false;
        break;
      }
    }
    if (ok) {
      mask[f] = 1;
      count++;
    }
  }
  return { mask, rejected: null, count };
}

/** Best-ranked candidate (lowest ranking, then id), regardless of stock; -1 when none. */
export function bestRanked(ctx: RoutingContext, stock: StockState, c: CandidateSet): number {
  const order = ctx.rankOrder;
  for (let i = 0; i < order.length; i++) if (isCandidate(ctx, stock, c, order[i])) return order[i];
  return -1;
}
