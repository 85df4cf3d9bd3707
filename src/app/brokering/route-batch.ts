/**
 * Routing a claimed batch and writing its plan, overlapped: the batch's orders go to the engine a
 * chunk at a time, and each chunk's plan is sent to the database (one statement) while the next
 * chunk is routed, so the engine's work and the database's work of one batch run side by side on
 * two cores. Everything stays in the batch's transaction and under its row locks.
 *
 * Each profile segment (consecutive orders of one routing profile) is routed against one engine
 * stock state: the chunks of a segment carry the engine's own remaining stock and daily order
 * counts from one to the next; the next segment starts from the stock the engine left and from
 * the orders each facility took so far in the batch (daily order limits).
 */
import type { Tx } from '../../db/client';
import type { ClaimedOrder, ItemFact } from '../../db/brokering.repo';
import { createRoutingContext, createStockState, inventoryLeft, routeOrder, type RoutingContext, type StockState } from '../../domain/routing';
import type { Facility, InventoryLeft, Order, OrderResult, Product, RoutingSettings, StockRow } from '../../domain/routing/types';
import type { ProfileView } from '../routing-profiles';
import type { PlannedReservation } from '../../db/brokering-plan.repo';
import { BackorderStock, emptyPlan, placedInFull, planOrder, writePlan, type BatchTotals, type Plan, type PlanContext } from './persist';

/**
 * Orders routed before their plan is sent: a batch of 1,000 is written in 4 statements, overlapped
 * with routing. The last one also reserves the batch's stock per inventory row (one guarded update
 * a batch) and adds its daily order counts.
 */
export const WRITE_CHUNK = 250;

/** A claimed order with what the engine routes of it (its queued items). */
export interface Routable { o: ClaimedOrder; r: Order }

/** What a batch routes on: its profile segments, the facilities, the products and the stock read under lock. */
export interface BatchInput { segments: { profile: ProfileView; items: Routable[] }[]; facilities: Facility[]; products: Product[]; stock: StockRow[] }

/** What a batch planned and wrote. */
export interface BatchOutcome { counts: Plan['counts']; facilityOrders: Map<string, number> }

/** Hears the time spent routing (engine and planning) and waiting for the database to write. */
export type BatchTimer = (phase: 'routing' | 'writes', ms: number) => void;

/**
 * Routes the batch in queue order and writes its plan chunk by chunk in `tx`; throws when the guard
 * refused a reservation. `onPlanned` hears the orders each facility took once the whole batch is
 * routed (its last writes still going).
 */
export async function routeAndWrite(
  tx: Tx, input: BatchInput, c: PlanContext, time: BatchTimer = () => {}, onPlanned: (facilityOrders: ReadonlyMap<string, number>) => void = () => {},
): Promise<BatchOutcome> {
  const writer = new ChunkWriter(tx, c, time);
  const counts = { allocated: 0, exception: 0, queued: 0 };
  const totals = { reservations: [] as PlannedReservation[], facilityOrders: new Map<string, number>() };
  const chunks = input.segments.reduce((n, s) => n + Math.ceil(s.items.length / WRITE_CHUNK), 0);
  let stock = input.stock;
  let sent = 0;
  try {
    for (const [s, { profile, items }] of input.segments.entries()) {
      const engine = new SegmentEngine(profile.settings, withOrdersTaken(input.facilities, totals.facilityOrders), input.products, stock);
      for (let at = 0; at < items.length; at += WRITE_CHUNK) {
        const t0 = performance.now();
        const plan = engine.plan(items.slice(at, at + WRITE_CHUNK));
        for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += plan.counts[k];
        for (const [f, n] of plan.facilityOrders) totals.facilityOrders.set(f, (totals.facilityOrders.get(f) ?? 0) + n);
        totals.reservations.push(...plan.reservations);
        time('routing', performance.now() - t0);
        await writer.send(plan, ++sent === chunks ? totals : undefined);
      }
      if (s < input.segments.length - 1) stock = engine.remaining();
    }
    onPlanned(totals.facilityOrders);
    await writer.finish();
  } catch (e) {
    await writer.finish().catch(() => {});
    throw e;
  }
  return { counts, facilityOrders: totals.facilityOrders };
}

/** The facilities with the orders they took today counting `taken` (orders of the batch planned so far). */
export function withOrdersTaken(facilities: Facility[], taken: ReadonlyMap<string, number>): Facility[] {
  if (taken.size === 0) return facilities;
  return facilities.map((f) => (taken.has(f.id) ? { ...f, ordersToday: (f.ordersToday ?? 0) + taken.get(f.id)! } : f));
}

/**
 * The engine over one profile segment: one routing context and one stock state, routing the
 * segment's chunks one after another as `routeOrders` routes its orders, each consuming stock
 * (and daily order counts) before the next.
 */
export class SegmentEngine {
  private readonly ctx: RoutingContext;
  private readonly stock: StockState;
  /** The units reserved by the chunks planned so far, per inventory row. */
  private readonly reserved = new Map<string, number>();

  constructor(settings: RoutingSettings, facilities: Facility[], products: Product[], private readonly given: readonly StockRow[]) {
    this.ctx = createRoutingContext({ settings, facilities, products });
    this.stock = createStockState(this.ctx, given);
  }

  /** Routes a chunk of orders and plans their rows. */
  plan(chunk: Routable[]): Plan {
    const results: OrderResult[] = chunk.map(({ r }) => routeOrder(r, this.ctx, this.stock));
    const itemsByOrder = new Map<string, ItemFact[]>(chunk.map(({ o }) => [o.id, o.items]));
    const plan = emptyPlan();
    const backorders = this.backorders(results, itemsByOrder);
    results.forEach((result, k) => planOrder(plan, chunk[k].o.id, chunk[k].o.items, result, backorders));
    for (const r of plan.reservations) {
      const key = `${r.productId}\u0000${r.facilityId}`;
      this.reserved.set(key, (this.reserved.get(key) ?? 0) + r.quantity);
    }
    return plan;
  }

  /** The stock the engine left, one row per row given (for the next segment). */
  remaining(): InventoryLeft[] {
    return inventoryLeft(this.stock, this.ctx);
  }

  /**
   * What the chunk's backordered lines hold (see `BackorderStock`): the stock before the chunk
   * (given, less what the earlier chunks reserved) minus the stock after it. Counted only when the
   * chunk has a backordered line.
   */
  private backorders(results: OrderResult[], itemsByOrder: Map<string, ItemFact[]>): BackorderStock {
    if (!results.some((r) => r.shipments.some((s) => s.backordered))) return new BackorderStock([], [], []);
    const before = this.given.map((g) => {
      const taken = this.reserved.get(`${g.productId}\u0000${g.facilityId}`) ?? 0;
      return taken ? { ...g, available: g.available - taken } : g;
    });
    return new BackorderStock(before, this.remaining(), placedInFull(results, itemsByOrder));
  }
}

/**
 * Sends each chunk's plan as soon as it is planned and lets it run while the next chunk is routed;
 * a chunk waits for the one before it (one connection, statements in order). A refused
 * reservation surfaces at the next send or at `finish`.
 */
class ChunkWriter {
  private pending: Promise<void> | null = null;

  constructor(private readonly tx: Tx, private readonly c: PlanContext, private readonly time: BatchTimer) {}

  /** Sends a chunk's plan; the last chunk carries the batch's totals (stock reserved per row, daily order counts). */
  async send(plan: Plan, totals?: BatchTotals): Promise<void> {
    await this.settle();
    const p = writePlan(this.tx, plan, this.c, totals);
    p.catch(() => {});
    this.pending = p;
    // Let the statement go out to the database before the next chunk keeps this thread busy.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async finish(): Promise<void> {
    await this.settle();
  }

  private async settle(): Promise<void> {
    if (!this.pending) return;
    const t0 = performance.now();
    const p = this.pending;
    this.pending = null;
    try {
      await p;
    } finally {
      this.time('writes', performance.now() - t0);
    }
  }
}
