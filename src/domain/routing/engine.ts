/**
 * The routing engine: the contract's matching sequence for one order (`routeOrder`) and a whole
 * run (`routeOrders`), where each order's allocation consumes stock before the next is routed.
 */
import {
  OrderAllocation,
  demandOf,
  facList,
  fillFromSet,
  lineFill,
  type Group,
  type Line,
} from './allocate';
import { bestRanked, groupCandidates, orderFilter } from './candidates';
import {
  createRoutingContext,
  listIds,
  registerProduct,
  type CandidateSet,
  type OrderFilter,
  type RoutingContext,
  type StockState,
} from './context';
import { inventoryLeft, stockLeft, type StockLeft } from './stock-left';
import { createStockState } from './stock-state';
import { routeNoSplit } from './nosplit';
import { findSingle } from './search';
import { findSet } from './set-search';
import { describeOrdering, makeOrdering, reportKm, type Ordering } from './ordering';
import { routeByProduct } from './product-warehouse';
import { allocatedResult, exceptionResult, queuedResult, seqList } from './result';
import type { LineQuantity, Order, OrderResult, RouteInput, RouteOutput } from './types';

/**
 * Routes a whole run: orders one after another in the given order (never re-sorted).
 * Throws `InvalidRoutingSettingsError` when the profile is refused (validate it first).
 */
export function routeOrders(input: RouteInput): RouteOutput {
  const { ctx, stock, out } = run(input);
  return { orders: out.orders, createdProducts: out.createdProducts, inventory: inventoryLeft(stock, ctx), warnings: out.warnings };
}

/** A run's result whose stock left is a view over the run's stock (`stockLeft`), not one object per row. */
export type RouteOutputView = Omit<RouteOutput, 'inventory'> & { inventory: StockLeft };

/** `routeOrders` for runs written out at once: the same result, the stock left as a view. */
export function routeOrdersView(input: RouteInput): RouteOutputView {
  const { ctx, stock, out } = run(input);
  return { orders: out.orders, createdProducts: out.createdProducts, inventory: stockLeft(stock, ctx), warnings: out.warnings };
}

function run(input: RouteInput): { ctx: RoutingContext; stock: StockState; out: Omit<RouteOutput, 'inventory'> } {
  const ctx = createRoutingContext(input);
  const stock = createStockState(ctx, input.inventory);
  const orders: OrderResult[] = new Array(input.orders.length);
  for (let i = 0; i < input.orders.length; i++) orders[i] = routeOrder(input.orders[i], ctx, stock);
  const createdProducts = ctx.products.created.map((p) => ({ ...p }));
  return { ctx, stock, out: { orders, createdProducts, warnings: [...ctx.settingsWarnings] } };
}

/**
 * Routes one order against the current stock, consuming what it allocates (nothing when it ends
 * in EXCEPTION or wholly QUEUED). May register auto-created products in `ctx`.
 */
export function routeOrder(order: Order, ctx: RoutingContext, stock: StockState): OrderResult {
  const s = ctx.settings;
  const explanation: string[] = [];
  const warnings = ctx.settingsWarnings.length > 0 ? [...ctx.settingsWarnings] : [];

  // 1. Resolve products.
  const reg = ctx.products;
  const items = order.items;
  const lines: Line[] = new Array(items.length);
  let missing: string[] | null = null;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    let p = reg.index.get(it.productId);
    if (p < 0 || !reg.known[p]) {
      if (!s.autoCreateProduct) {
        if (!(missing ??= []).includes(it.productId)) missing.push(it.productId);
        continue;
      }
      p = registerProduct(reg, it.productId, true, false, false, -1);
      reg.created.push({ id: it.productId, hazmat: false, sample: false, warehouseId: null });
      warnings.push(`product ${it.productId} was unknown and has been created (autoCreateProduct)`);
      explanation.push(`product ${it.productId} created (autoCreateProduct): not hazmat, not sample, no warehouse`);
    }
    const rej = it.rejectedFacilityIds;
    let rejected: number[] = NONE;
    if (rej !== undefined && rej.length > 0) {
      rejected = [];
      for (const id of rej) {
        const f = ctx.facIndex.get(id);
        if (f !== undefined && !rejected.includes(f)) rejected.push(f);
      }
    }
    lines[i] = { seq: it.seq, p, qty: it.quantity, rejected };
  }
  if (missing !== null) {
    return exceptionResult(order, 'PRODUCT_NOT_FOUND', `unknown product ${listIds(missing)} (autoCreateProduct is off)`, warnings, explanation);
  }
  const o = makeOrdering(ctx, order.shipTo);

  // 2. Product warehouse assignment overrides everything else.
  if (s.assignWarehouseByProduct) return routeByProduct(ctx, stock, order, lines, o, warnings, explanation);

  // 3. Shipment groups.
  const groups = formGroups(ctx, lines, explanation);

  // 4. Candidates per group.
  const of = orderFilter(ctx, stock, order);
  for (const l of of.lines) explanation.push(l);
  const cands: CandidateSet[] = new Array(groups.length);
  let empty: string[] | null = null;
  for (let gi = 0; gi < groups.length; gi++) {
    const g = groups[gi];
    const c = (cands[gi] = candidatesOf(ctx, stock, of, g, explanation));
    explanation.push(pre(g) + candidatesLine(c.count));
    if (c.count === 0) (empty ??= []).push(g.label);
  }
  if (empty !== null) {
    const what = groups.length > 1 ? ` for ${empty.join('; ')}` : '';
    return exceptionResult(order, 'NO_ELIGIBLE_FACILITY', `no candidate facility${what}`, warnings, explanation);
  }

  // 5. Ordering.
  describeOrdering(ctx, o, order.shipTo, explanation);

  const a = new OrderAllocation(ctx, stock, o);
  if (s.noSplitOrder) {
    const r = routeNoSplit(a, groups, cands, explanation);
    if (r.kind === 'NO_ELIGIBLE_FACILITY' || r.kind === 'INSUFFICIENT_STOCK') {
      a.rollback();
      return exceptionResult(order, r.kind, r.message, warnings, explanation);
    }
    if (r.kind === 'QUEUED') {
      a.rollback();
      return queuedResult(order, warnings, explanation);
    }
    return allocatedResult(ctx, stock, order, a, [], warnings, explanation);
  }

  // 6-8 per group.
  let queued: { idx: number; seq: string; quantity: number }[] | null = null;
  for (let gi = 0; gi < groups.length; gi++) {
    const g = groups[gi];
    const c = cands[gi];
    a.beginGroup(g.carrier);
    const short = allocateGroup(a, g, c, o, explanation);
    if (short === null) continue;
    // 8. Still short.
    const leftText = shortText(g.lines, short);
    if (s.routeToHighestPriorityWarehouse) {
      const b = bestRanked(ctx, stock, c);
      for (let i = 0; i < g.lines.length; i++) {
        const l = g.lines[i];
        if (short[i] === 0) continue;
        a.take(l.p, b, short[i]);
        a.add(b, l.seq, short[i], 'HIGHEST_PRIORITY_BACKORDER', true);
      }
      explanation.push(
        `${pre(g)}${leftText}; routeToHighestPriorityWarehouse: backordered at ${ctx.facId[b]} (best-ranked candidate, ranking ${ctx.ranking[b]})`,
      );
    } else if (s.setOrderStatusToException) {
      a.rollback();
      const what = groups.length > 1 ? ` for ${g.label}` : '';
      return exceptionResult(order, 'INSUFFICIENT_STOCK', `insufficient stock${what}: ${leftText}`, warnings, explanation);
    } else if (s.allowSplitFulfillment) {
      for (let i = 0; i < g.lines.length; i++) {
        if (short[i] > 0) (queued ??= []).push({ idx: lines.indexOf(g.lines[i]), seq: g.lines[i].seq, quantity: short[i] });
      }
      explanation.push(`${pre(g)}${leftText}; what was filled stays allocated, the rest stays QUEUED`);
    } else {
      a.rollback();
      explanation.push(`${pre(g)}${leftText}; without split fulfillment the whole order stays QUEUED`);
      return queuedResult(order, warnings, explanation);
    }
  }
  let q: LineQuantity[] = [];
  if (queued !== null) q = queued.sort((x, y) => x.idx - y.idx).map((x) => ({ seq: x.seq, quantity: x.quantity }));
  return allocatedResult(ctx, stock, order, a, q, warnings, explanation);
}

const NONE: number[] = [];

/** Step 4 for one group; explanation lines carry the group's label. */
function candidatesOf(ctx: RoutingContext, stock: StockState, of: OrderFilter, g: Group, explanation: string[]): CandidateSet {
  if (g.label === '') return groupCandidates(ctx, stock, of, rejectedOf(g.lines), explanation);
  const gl: string[] = [];
  const c = groupCandidates(ctx, stock, of, rejectedOf(g.lines), gl);
  for (const l of gl) explanation.push(pre(g) + l);
  return c;
}

function rejectedOf(lines: readonly Line[]): number[] {
  let out: number[] = NONE;
  for (const l of lines) {
    if (l.rejected.length === 0) continue;
    if (out === NONE) out = [];
    for (const f of l.rejected) if (!out.includes(f)) out.push(f);
  }
  return out;
}

/** Step 3: hazmat carrier split (unless a protected sample order), then one group per line. */
function formGroups(ctx: RoutingContext, lines: Line[], explanation: string[]): Group[] {
  const s = ctx.settings;
  const reg = ctx.products;
  const split = s.preassignedCarrierSplitsOrder;
  const hasHazmat = split.enabled && lines.some((l) => reg.hazmat[l.p]);
  if (s.sampleProductsCannotBeSplit && lines.some((l) => reg.sample[l.p])) {
    const carrier = hasHazmat ? split.carrier : null;
    explanation.push(
      'sampleProductsCannotBeSplit: the order holds a sample product, so it ships as one shipment from one facility' +
        (carrier !== null ? `; its hazmat items put the designated carrier ${carrier} on the whole shipment` : ''),
    );
    return [{ lines, carrier, label: '' }];
  }
  if (!hasHazmat && (!s.oneItemPerOrder || lines.length === 1)) return [{ lines, carrier: null, label: '' }];
  const parts: { lines: Line[]; carrier: string | null }[] = [];
  if (hasHazmat) {
    const normal = lines.filter((l) => !reg.hazmat[l.p]);
    const haz = lines.filter((l) => reg.hazmat[l.p]);
    if (normal.length > 0) parts.push({ lines: normal, carrier: null });
    parts.push({ lines: haz, carrier: split.carrier });
    explanation.push(`preassignedCarrierSplitsOrder: hazmat ${seqList(haz)} ship in their own group with carrier ${split.carrier}`);
  } else parts.push({ lines, carrier: null });
  const out: Group[] = [];
  for (const part of parts) {
    const each = s.oneItemPerOrder ? part.lines.map((l) => [l]) : [part.lines];
    for (const ls of each) {
      const haz = part.carrier !== null ? `hazmat, carrier ${part.carrier}; ` : '';
      out.push({ lines: ls, carrier: part.carrier, label: `group ${out.length + 1} (${haz}${seqList(ls)})` });
    }
  }
  if (s.oneItemPerOrder && lines.length > 1) explanation.push('oneItemPerOrder: every line is its own shipment group');
  if (out.length === 1) return [{ ...out[0], label: '' }];
  return out;
}

/**
 * Steps 6-7 for one group. Returns null when fully allocated, else what is still short per line
 * (nothing is taken without split fulfillment).
 */
function allocateGroup(a: OrderAllocation, g: Group, c: CandidateSet, o: Ordering, explanation: string[]): number[] | null {
  const { ctx, stock } = a;
  const d = demandOf(g.lines);
  const how = o.closest ? 'closest-location order' : 'ranking order';
  const f = findSingle(ctx, stock, o, c, d);
  if (f >= 0) {
    for (const l of g.lines) {
      a.take(l.p, f, l.qty);
      a.add(f, l.seq, l.qty, 'SINGLE_FACILITY');
    }
    if (g.label === '') {
      const cache = ctx.scratch.takesOrder;
      const prefix = (cache[f] ??= `${ctx.facId[f]} takes the order (SINGLE_FACILITY): first candidate in ${how} holding every line`);
      explanation.push(prefix + at(ctx, o, f));
    } else {
      explanation.push(`${pre(g)}${ctx.facId[f]} takes the whole group (SINGLE_FACILITY): first candidate in ${how} holding every line${at(ctx, o, f)}`);
    }
    return null;
  }
  if (!ctx.settings.allowSplitFulfillment) {
    explanation.push(`${pre(g)}no single candidate holds every line; split fulfillment is off`);
    return g.lines.map((l) => l.qty);
  }
  const set = findSet(ctx, stock, o, c, d);
  if (set !== null) {
    fillFromSet(a, g.lines, set.members);
    const total = o.closest ? `total distance ${(set.cost / 1000).toFixed(3)} km` : `ranking sum ${set.cost}`;
    explanation.push(
      `${pre(g)}no single candidate holds every line; split across ${facList(ctx, set.members)} (SPLIT_SET): ` +
        `smallest covering set (${set.members.length} facilities), least ${total}`,
    );
    return null;
  }
  const before = a.used.length;
  const short = lineFill(a, c, g.lines);
  const usedNow = a.used.slice(before);
  explanation.push(
    `${pre(g)}no set of up to 3 candidates covers ${g.label === '' ? 'the order' : 'the group'}; filled line by line (LINE_FILL)` +
      (usedNow.length > 0 ? `, newly using ${facList(ctx, usedNow)}` : ''),
  );
  return short.some((x) => x > 0) ? short : null;
}

/** Explanation prefix naming the group ('' when the order is one group). */
function pre(g: Group): string {
  return g.label === '' ? '' : `${g.label}: `;
}

const candidateLines: string[] = [];
function candidatesLine(n: number): string {
  if (n < 4096) return (candidateLines[n] ??= `${n} candidate facilit${n === 1 ? 'y' : 'ies'}`);
  return `${n} candidate facilities`;
}

function shortText(lines: readonly Line[], short: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < lines.length; i++) if (short[i] > 0) parts.push(`line ${lines[i].seq} short by ${short[i]}`);
  return parts.join(', ');
}

function at(ctx: RoutingContext, o: Ordering, f: number): string {
  const km = reportKm(ctx, o, f);
  return o.closest ? (km === null ? ' (no coordinates)' : ` (${km} km)`) : ` (ranking ${ctx.ranking[f]})`;
}
