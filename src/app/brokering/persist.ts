/**
 * Turning routing results into a plan of rows, and writing a whole batch's plan in the caller's
 * transaction with one set-based statement: reservations (guarded), ledger, items (split where a
 * line was split), history, explanations, order statuses and daily order counts.
 */
import type { Tx } from '../../db/client';
import {
  writeBrokeringPlan,
  type LevelReservation,
  type PlannedDecision,
  type PlannedItemUpdate,
  type PlannedMove,
  type PlannedReservation,
  type RoutedOrder,
  type SplitItem,
} from '../../db/brokering-plan.repo';
import type { ItemFact, LockedLevel } from '../../db/brokering.repo';
import { BROKERING_QUEUE, EXCEPTION_PARKING } from '../../db/reference-data';
import { itemSeqId } from '../../domain/ids';
import { deriveOrderStatus, transitionItem, type ItemStatus } from '../../domain/lifecycle';
import type { InventoryLeft, OrderResult, StockRow } from '../../domain/routing/types';

export interface Plan {
  reservations: PlannedReservation[];
  itemUpdates: PlannedItemUpdate[];
  newItems: SplitItem[];
  history: PlannedMove[];
  decisions: PlannedDecision[];
  orders: RoutedOrder[];
  /** Orders each facility takes in this plan (daily order limits). */
  facilityOrders: Map<string, number>;
  counts: { allocated: number; exception: number; queued: number };
}

export const emptyPlan = (): Plan => ({
  reservations: [], itemUpdates: [], newItems: [], history: [], decisions: [], orders: [],
  facilityOrders: new Map(), counts: { allocated: 0, exception: 0, queued: 0 },
});

const levelKey = (productId: string, facilityId: string) => `${productId}\u0000${facilityId}`;

/**
 * What the backordered shipment lines of one engine call reserve. The engine places a backordered
 * line with its full quantity but takes stock for it only down to zero (`min(quantity, usable)`),
 * and its result does not say how much it took. What it took per (product, facility) in the call
 * is the stock it was given minus the stock it returned. Less the lines placed in full there, the
 * rest belongs to the backordered lines, handed out in routing order (call `take` for the results
 * in order, each line's pieces in shipment order). That is exact: once a backordered line takes
 * less than its quantity the stock there is zero for the rest of the call, so every backordered
 * line after it took nothing. This is no second availability state: it holds only those units.
 */
export class BackorderStock {
  private left: Map<string, number> | null = null;

  constructor(
    private readonly given: readonly StockRow[],
    private readonly returned: readonly InventoryLeft[],
    private readonly placedInFull: readonly LevelReservation[],
  ) {}

  /** What the backordered lines hold per row; counted on the first backordered line (most calls have none). */
  private held(): Map<string, number> {
    if (this.left) return this.left;
    const left = new Map<string, number>();
    const add = (productId: string, facilityId: string, n: number) => {
      const k = levelKey(productId, facilityId);
      left.set(k, (left.get(k) ?? 0) + n);
    };
    for (const r of this.given) add(r.productId, r.facilityId, r.available);
    for (const r of this.returned) add(r.productId, r.facilityId, -r.available);
    for (const r of this.placedInFull) add(r.productId, r.facilityId, -r.quantity);
    for (const [k, n] of left) {
      if (n < 0) throw new Error(`routing placed ${-n} more units of ${k.replace('\u0000', '@')} than it took from stock`);
    }
    return (this.left = left);
  }

  /** The units the next backordered line of `quantity` at this facility holds. */
  take(productId: string, facilityId: string, quantity: number): number {
    const left = this.held();
    const k = levelKey(productId, facilityId);
    const held = Math.min(quantity, left.get(k) ?? 0);
    left.set(k, (left.get(k) ?? 0) - held);
    return held;
  }
}

/** The stock a batch routes against: available to promise (on hand - reserved - safety stock, at least 0) per inventory row. */
export function availableStock(levels: readonly LockedLevel[]): StockRow[] {
  return levels.map((l) => ({ productId: l.productId, facilityId: l.facilityId, available: Math.max(0, l.onHand - l.reserved - l.safetyStock) }));
}

/** The shipment lines of these results that are not backordered (they took their whole quantity from stock). */
export function placedInFull(results: readonly OrderResult[], itemsByOrder: ReadonlyMap<string, readonly ItemFact[]>): LevelReservation[] {
  const out: LevelReservation[] = [];
  for (const r of results) {
    const productOf = new Map((itemsByOrder.get(r.id) ?? []).map((i) => [i.seqId, i.productId]));
    for (const s of r.shipments) {
      if (s.backordered) continue;
      for (const l of s.items) out.push({ productId: productOf.get(l.seq)!, facilityId: s.facilityId, quantity: l.quantity });
    }
  }
  return out;
}

/** The status `event` moves the item to; throws on a move the item transition table forbids (a bug, not a business outcome). */
function moveTo(it: ItemFact, event: 'allocate' | 'exception'): ItemStatus {
  const t = transitionItem(it.status as ItemStatus, event);
  if (!t.ok) throw new Error(`brokering planned an illegal move of item ${it.orderId}/${it.seqId}: ${t.message}`);
  return t.to;
}

/** One piece of a line: a shipment line at a facility. */
interface Piece { facilityId: string; quantity: number; carrier: string | null; backordered: boolean; rule: string; group: string }

/** Where one order is while it is planned: its items' statuses so far and its next free seq. */
interface OrderDraft { orderId: string; finalStatus: Map<string, ItemStatus>; nextSeq: number }

/**
 * Adds one order's routing result to the plan. `items` are all the order's items; the queued ones
 * were routed. A line split across shipments keeps its seq for the first piece; the other pieces
 * (and a queued remainder) become new items numbered after the order's last seq. Every move is
 * checked against the item transition table first.
 */
export function planOrder(plan: Plan, orderId: string, items: ItemFact[], result: OrderResult, backorders: BackorderStock) {
  plan.decisions.push({ orderId, status: result.status, exceptionReason: result.exception?.reason ?? null, result });
  const queuedItems = items.filter((i) => i.status === 'APPROVED' && i.facilityId === BROKERING_QUEUE);
  const draft: OrderDraft = {
    orderId,
    finalStatus: new Map(items.map((i) => [i.seqId, i.status as ItemStatus])),
    nextSeq: Math.max(0, ...items.map((i) => Number.parseInt(i.seqId, 10) || 0)) + 1,
  };
  if (result.status === 'EXCEPTION') {
    planException(plan, draft, queuedItems, result.exception!);
    return;
  }
  const pieces = piecesOf(result);
  for (const f of new Set(result.shipments.map((s) => s.facilityId))) plan.facilityOrders.set(f, (plan.facilityOrders.get(f) ?? 0) + 1);
  for (const it of queuedItems) planLine(plan, draft, it, pieces.get(it.seqId) ?? [], backorders);
  if (!items.length) return;
  plan.orders.push({ id: orderId, status: deriveOrderStatus([...draft.finalStatus.values()]), exceptionReason: null, exceptionMessage: null });
}

/** The order went to Exception: its queued items wait in the Exception parking. */
function planException(plan: Plan, draft: OrderDraft, queuedItems: ItemFact[], exception: { reason: string; message: string }) {
  const { orderId } = draft;
  for (const it of queuedItems) {
    const status = moveTo(it, 'exception');
    plan.itemUpdates.push({
      orderId, seq: it.seqId, status, facilityId: EXCEPTION_PARKING, quantity: it.quantity, carrier: null, backordered: false, group: null, split: false,
    });
    plan.history.push({
      orderId, orderItemSeqId: it.seqId, fromStatus: it.status, toStatus: status, fromFacilityId: it.facilityId, toFacilityId: EXCEPTION_PARKING,
      reason: exception.reason, rule: 'EXCEPTION',
    });
    draft.finalStatus.set(it.seqId, status);
  }
  plan.counts.exception += queuedItems.length;
  const status = deriveOrderStatus([...draft.finalStatus.values()]);
  plan.orders.push({ id: orderId, status, exceptionReason: exception.reason, exceptionMessage: exception.message });
}

/** The pieces of each line (by seq): each shipment line is a piece at a facility. */
function piecesOf(result: OrderResult): Map<string, Piece[]> {
  const pieces = new Map<string, Piece[]>();
  result.shipments.forEach((s, si) => {
    for (const l of s.items) {
      const list = pieces.get(l.seq) ?? [];
      list.push({ facilityId: s.facilityId, quantity: l.quantity, carrier: s.carrier, backordered: s.backordered, rule: s.decidedBy, group: String(si + 1) });
      pieces.set(l.seq, list);
    }
  });
  return pieces;
}

/** Plans one queued line: its pieces allocated (the first keeps the seq), and a queued remainder if any. */
function planLine(plan: Plan, draft: OrderDraft, it: ItemFact, pieces: Piece[], backorders: BackorderStock) {
  if (pieces.length === 0) { plan.counts.queued++; return; }
  const placed = pieces.reduce((n, p) => n + p.quantity, 0);
  const remainder = it.quantity - placed;
  if (remainder < 0) throw new Error(`routing placed ${placed} of line ${draft.orderId}/${it.seqId} holding ${it.quantity}`);
  const split = pieces.length > 1 || remainder > 0;
  pieces.forEach((p, i) => planPiece(plan, draft, { it, first: i === 0, split }, p, backorders));
  plan.counts.allocated++;
  if (remainder > 0) planRemainder(plan, draft, it, remainder);
}

/**
 * One allocated piece of a line: the first keeps the line's seq (`split`: the line was split), the
 * others become new items. A backordered piece reserves what the engine took for it.
 */
function planPiece(plan: Plan, draft: OrderDraft, line: { it: ItemFact; first: boolean; split: boolean }, p: Piece, backorders: BackorderStock) {
  const { orderId } = draft;
  const { it, first } = line;
  const status = moveTo(it, 'allocate');
  const seq = first ? it.seqId : itemSeqId(draft.nextSeq++);
  const quantity = p.backordered ? backorders.take(it.productId, p.facilityId, p.quantity) : p.quantity;
  plan.reservations.push({ orderId, seq, productId: it.productId, facilityId: p.facilityId, quantity });
  const row = { orderId, seq, status, facilityId: p.facilityId, quantity: p.quantity, carrier: p.carrier, backordered: p.backordered, group: p.group };
  if (first) plan.itemUpdates.push({ ...row, split: line.split });
  else plan.newItems.push({ ...row, parentSeq: it.seqId, productId: it.productId, unitPrice: it.unitPrice });
  plan.history.push({
    orderId, orderItemSeqId: seq, fromStatus: first ? it.status : null, toStatus: status,
    fromFacilityId: first ? it.facilityId : BROKERING_QUEUE, toFacilityId: p.facilityId,
    reason: p.backordered ? 'BROKERED_BACKORDERED' : 'BROKERED', rule: p.rule,
  });
  draft.finalStatus.set(seq, status);
}

/** What routing left of a split line stays in the queue as a new item (still APPROVED, no move). */
function planRemainder(plan: Plan, draft: OrderDraft, it: ItemFact, quantity: number) {
  const { orderId } = draft;
  const seq = itemSeqId(draft.nextSeq++);
  plan.newItems.push({
    orderId, seq, parentSeq: it.seqId, productId: it.productId, quantity, unitPrice: it.unitPrice,
    status: 'APPROVED', facilityId: BROKERING_QUEUE, carrier: null, backordered: false, group: null,
  });
  plan.history.push({
    orderId, orderItemSeqId: seq, fromStatus: null, toStatus: 'APPROVED', fromFacilityId: null, toFacilityId: BROKERING_QUEUE,
    reason: `SPLIT_FROM ${it.seqId}`, rule: 'LINE_FILL',
  });
  draft.finalStatus.set(seq, 'APPROVED');
  plan.counts.queued++;
}

/** The plan's reservations summed per inventory row, in (product, facility) order, rows of 0 left out. */
function perLevel(reservations: readonly PlannedReservation[]): LevelReservation[] {
  const sums = new Map<string, LevelReservation>();
  for (const r of reservations) {
    const k = levelKey(r.productId, r.facilityId);
    const sum = sums.get(k) ?? { productId: r.productId, facilityId: r.facilityId, quantity: 0 };
    sum.quantity += r.quantity;
    sums.set(k, sum);
  }
  const byKey = (a: LevelReservation, b: LevelReservation) =>
    a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : a.facilityId < b.facilityId ? -1 : 1;
  return [...sums.values()].filter((s) => s.quantity > 0).sort(byKey);
}

/** What is written with a plan: the run, its actor, the day of the order counts, and whether reservations are guarded. */
export interface PlanContext { runId: string; actor: string; day: string; guardReservations: boolean }

/** The batch-wide part of a plan, written with its last chunk: the stock its reservations take (guarded) and the daily order counts. */
export interface BatchTotals { reservations: readonly PlannedReservation[]; facilityOrders: ReadonlyMap<string, number> }

/**
 * Writes the plan (a batch's, or a chunk of it) in the caller's transaction, in one statement; with
 * `totals` also the batch's reservation of stock per inventory row and its daily order counts, and
 * throws when the guard refused a row (the caller's transaction then rolls back: nothing of the
 * batch is written).
 */
export async function writePlan(tx: Tx, plan: Plan, c: PlanContext, totals?: BatchTotals) {
  const levels = totals ? perLevel(totals.reservations) : [];
  const facilityOrders = [...(totals?.facilityOrders ?? [])].sort(([a], [b]) => (a < b ? -1 : 1)).map(([facilityId, orders]) => ({ facilityId, orders }));
  const reserved = await writeBrokeringPlan(tx, { ...plan, levels, facilityOrders, runId: c.runId, actor: c.actor, day: c.day, guard: c.guardReservations });
  if (reserved !== levels.length) throw new Error('reservation guard refused a planned reservation (stock changed under lock)');
}
