/**
 * A brokering run: routes the whole brokering queue once, by priority (descending) then order
 * date, each order with its sales channel's routing profile. Batches of orders are claimed with
 * SKIP LOCKED, their inventory rows locked in key order, routed by the pure engine against that
 * locked stock, and persisted in one transaction per batch (so each order is all-or-nothing).
 * Several runs in several processes may go at once: they never take the same order, and the
 * guarded reservation makes overselling impossible.
 *
 * A run writes its heartbeat and progress (`brokering_runs.heartbeat_at`, counts) after each batch
 * and on a timer; at its start it closes FAILED the RUNNING runs whose heartbeat stopped (left by a
 * dead process). Its `signal` (shutdown) stops it after the batch in progress.
 */
import type { Database, Db, Tx } from '../../db/client';
import {
  beatBrokeringRun,
  finishBrokeringRun,
  insertBrokeringRun,
  sweepAbandonedBrokeringRuns,
  type BrokeringProgress,
} from '../../db/brokering-runs.repo';
import {
  claimBatch,
  dayKey,
  loadFacilities,
  loadProducts,
  lockLevels,
  type ClaimedOrder,
  type ItemFact,
  type LockedLevel,
  type QueueKey,
} from '../../db/brokering.repo';
import { BROKERING_QUEUE } from '../../db/reference-data';
import { DEFAULT_STALE_AFTER_MS, heartbeatIntervalFor, startHeartbeat } from '../../jobs/liveness';
import { newId } from '../../domain/ids';
import { routeOrders } from '../../domain/routing';
import type { Facility, Order as RoutingOrder, Product } from '../../domain/routing/types';
import { profileSegments, profilesByChannel } from '../routing-profiles';
import { availableStock, BackorderStock, emptyPlan, placedInFull, planOrder, writePlan, type Plan } from './persist';

/**
 * Orders per transaction. Larger batches amortise the per-batch work (claim, row locks, routing
 * context) but hold inventory row locks longer: ~0.2 s at 1,000 orders on a 2-core machine.
 */
export const DEFAULT_BATCH_SIZE = 1000;

export interface RunOptions {
  trigger: 'api' | 'cli' | 'cron' | 'test' | 'bench';
  actor?: string;
  /** Orders per transaction. */
  batchSize?: number;
  /** Route only these orders (still only their queued items). */
  orderIds?: string[];
  /** Aborted (shutdown): the run stops after the batch in progress, FAILED with `interrupted: …`. */
  signal?: AbortSignal;
  /** A RUNNING run whose heartbeat is older than this is closed FAILED at the start of a run. Default 45 s. */
  staleAfterMs?: number;
  /** Default min(5 s, staleAfterMs / 4). */
  heartbeatIntervalMs?: number;
  /**
   * How a batch reads and reserves stock. Default: inventory rows locked in (product, facility)
   * order and every reservation guarded by `available >= q`. The concurrency test's negative
   * control injects an unlocked read and no guard, to prove the test can see overselling.
   */
  stockAccess?: StockAccess;
  /** Hears how long each phase of each batch took, in ms (profiling: the bench sums them). */
  onPhase?: (phase: BatchPhase, ms: number) => void;
}

/** The phases of a batch: claiming its orders, reading their facts, locking their stock rows, routing, writing, committing. */
export type BatchPhase = 'claim' | 'facts' | 'locks' | 'routing' | 'writes' | 'commit';

export interface StockAccess {
  /** The inventory rows of these products, read in the batch's transaction. */
  readLevels(tx: Tx, productIds: string[]): Promise<LockedLevel[]>;
  guardReservations: boolean;
}

export const LOCKED_STOCK: StockAccess = Object.freeze({ readLevels: lockLevels, guardReservations: true });

/** Brokering runs in progress in this process: never swept by it. */
const activeRuns = new Set<string>();

/** Closes FAILED the stale RUNNING brokering runs of other processes (or dead ones); returns them. */
export function sweepAbandonedRuns(db: Db, staleAfterMs = DEFAULT_STALE_AFTER_MS) {
  return sweepAbandonedBrokeringRuns(db, staleAfterMs, [...activeRuns]);
}

export type RunSummary = {
  id: string; status: 'COMPLETED' | 'FAILED'; orders: number; items: number; allocated: number; exception: number; queued: number;
  startedAt: Date; endedAt: Date; error?: string;
};

export async function runBrokering(database: Database, opts: RunOptions): Promise<RunSummary> {
  const db = database.db;
  const staleAfterMs = opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  await sweepAbandonedRuns(db, staleAfterMs);
  const id = newId('RUN');
  const startedAt = new Date();
  await insertBrokeringRun(db, { id, trigger: opts.trigger, startedAt });
  activeRuns.add(id);
  const totals: BrokeringProgress = { orders: 0, items: 0, allocated: 0, exception: 0, queued: 0 };
  const heartbeat = startHeartbeat(() => beatBrokeringRun(db, id), heartbeatIntervalFor(staleAfterMs, opts.heartbeatIntervalMs));
  let error: string | undefined;
  try {
    error = await routeQueue(db, id, opts, totals);
  } catch (e) {
    error = (e as Error).message;
  } finally {
    await heartbeat.stop();
    activeRuns.delete(id);
  }
  const endedAt = new Date();
  const status = error ? 'FAILED' : 'COMPLETED';
  await finishBrokeringRun(db, id, { status, endedAt, ...totals, error });
  return { id, status, ...totals, startedAt, endedAt, error };
}

/** Routes batch after batch until the queue is empty (undefined) or the signal stops it (the reason). */
async function routeQueue(db: Db, id: string, opts: RunOptions, totals: BrokeringProgress): Promise<string | undefined> {
  const actor = opts.actor ?? `brokering:${opts.trigger}`;
  const profiles = await profilesByChannel(db);
  const run: RunContext = { runId: id, actor, profiles, facilities: await loadFacilities(db), products: new Map(), opts };
  let after: QueueKey | null = null;
  for (let batches = 0; ; batches++) {
    if (opts.signal?.aborted) {
      return `interrupted: the process is shutting down; stopped after ${batches} batches (${totals.orders} orders), `
        + 'the rest of the queue is left for the next run';
    }
    const lap = phaseClock(opts.onPhase);
    const r = await db.transaction(async (tx) => routeBatch(tx, run, after, lap));
    lap('commit');
    if (!r) return undefined;
    after = r.last;
    for (const k of Object.keys(totals) as (keyof BrokeringProgress)[]) totals[k] += r.counts[k];
    for (const [f, n] of r.facilityOrders) {
      const fac = run.facilities.find((x) => x.id === f);
      if (fac) fac.ordersToday = (fac.ordersToday ?? 0) + n;
    }
    await beatBrokeringRun(db, id, totals);
  }
}

type Profiles = Awaited<ReturnType<typeof profilesByChannel>>;

/** What stays the same for every batch of a run; `products` grows with the products the batches meet. */
interface RunContext { runId: string; actor: string; facilities: Facility[]; profiles: Profiles; products: Map<string, Product>; opts: RunOptions }

/** The facts of a claimed batch: its orders (with their items and exclusions), the products, and the stock rows read. */
interface BatchFacts { claimed: ClaimedOrder[]; itemsByOrder: Map<string, ItemFact[]>; products: Product[]; levels: LockedLevel[] }

/** Times each phase of a batch for `RunOptions.onPhase`. */
function phaseClock(onPhase: RunOptions['onPhase']) {
  let t = performance.now();
  return (phase: BatchPhase) => {
    const now = performance.now();
    onPhase?.(phase, now - t);
    t = now;
  };
}

/** Claims, routes and writes the next batch in `tx`; null when the queue after `after` is empty. */
async function routeBatch(tx: Tx, run: RunContext, after: QueueKey | null, lap: (p: BatchPhase) => void) {
  const { opts } = run;
  const claimed = await claimBatch(tx, after, opts.batchSize ?? DEFAULT_BATCH_SIZE, opts.orderIds);
  lap('claim');
  if (claimed.length === 0) return null;
  const access = opts.stockAccess ?? LOCKED_STOCK;
  const facts = await loadBatch(tx, run, claimed, access, lap);
  const { plan, orders, items } = planBatch(run, facts);
  lap('routing');
  await writePlan(tx, plan, { runId: run.runId, actor: run.actor, day: dayKey(), guardReservations: access.guardReservations });
  lap('writes');
  const last = claimed[claimed.length - 1];
  return {
    last: { priority: last.priority, orderDate: last.orderDate, id: last.id },
    counts: { orders, items, ...plan.counts },
    facilityOrders: plan.facilityOrders,
  };
}

/** The products of the claimed orders (read once per run) and their stock, read through `access`. */
async function loadBatch(tx: Tx, run: RunContext, claimed: ClaimedOrder[], access: StockAccess, lap: (p: BatchPhase) => void): Promise<BatchFacts> {
  const itemsByOrder = new Map(claimed.map((o) => [o.id, o.items]));
  const productIds = [...new Set(claimed.flatMap((o) => o.items.map((i) => i.productId)))];
  const unknown = productIds.filter((id) => !run.products.has(id));
  if (unknown.length) for (const p of await loadProducts(tx, unknown)) run.products.set(p.id, p);
  const products = productIds.flatMap((id) => run.products.get(id) ?? []);
  lap('facts');
  const levels = await access.readLevels(tx, productIds);
  lap('locks');
  return { claimed, itemsByOrder, products, levels };
}

const isQueued = (i: ItemFact) => i.status === 'APPROVED' && i.facilityId === BROKERING_QUEUE;

/** The order as the engine sees it: its queued items only. */
function toRoute(o: ClaimedOrder): RoutingOrder {
  return {
    id: o.id, accountingCode: o.accountingCode, priority: o.priority, orderDate: o.orderDate.toISOString(),
    shipTo: { country: o.shipTo.country, market: o.shipTo.market, postalCode: o.shipTo.postalCode, latitude: o.shipTo.latitude, longitude: o.shipTo.longitude },
    items: o.items.filter(isQueued)
      .map((i) => ({ seq: i.seqId, productId: i.productId, quantity: i.quantity, rejectedFacilityIds: o.exclusions.get(i.seqId) ?? [] })),
  };
}

/**
 * Routes the batch in queue order and plans what to write. Consecutive orders of one profile go
 * to the engine together; each call starts from the stock the engine returned from the previous
 * one, and from the orders each facility took so far in the batch (daily order limits).
 */
function planBatch(run: RunContext, facts: BatchFacts): { plan: Plan; orders: number; items: number } {
  const routable = facts.claimed.map((o) => ({ o, r: toRoute(o) })).filter((x) => x.r.items.length > 0);
  const plan = emptyPlan();
  let stock = availableStock(facts.levels);
  for (const { profile, items: segment } of profileSegments(routable, (x) => x.o.salesChannel, run.profiles)) {
    const orders = segment.map((s) => s.r);
    const facilities = withOrdersTaken(run.facilities, plan.facilityOrders);
    const out = routeOrders({ settings: profile.settings, facilities, products: facts.products, inventory: stock, orders });
    const backorders = new BackorderStock(stock, out.inventory, placedInFull(out.orders, facts.itemsByOrder));
    out.orders.forEach((result, k) => planOrder(plan, segment[k].o.id, segment[k].o.items, result, backorders));
    stock = out.inventory;
  }
  return { plan, orders: routable.length, items: routable.reduce((n, x) => n + x.r.items.length, 0) };
}

/** The facilities with the orders they took today counting `taken` (orders of the batch planned so far). */
function withOrdersTaken(facilities: Facility[], taken: ReadonlyMap<string, number>): Facility[] {
  if (taken.size === 0) return facilities;
  return facilities.map((f) => (taken.has(f.id) ? { ...f, ordersToday: (f.ordersToday ?? 0) + taken.get(f.id)! } : f));
}
