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
import { eq } from 'drizzle-orm';
import type { Database, Db } from '../../db/client';
import { brokeringRuns } from '../../db/schema';
import { beatBrokeringRun, sweepAbandonedBrokeringRuns, type BrokeringProgress } from '../../db/brokering-runs.repo';
import { DEFAULT_STALE_AFTER_MS, heartbeatIntervalFor, startHeartbeat } from '../../jobs/liveness';
import { newId } from '../../domain/ids';
import { routeOrders } from '../../domain/routing';
import type { Facility, Order as RoutingOrder, OrderResult } from '../../domain/routing/types';
import { profileSegments, profilesByChannel, type ProfileView } from '../routing-profiles';
import { BROKERING_QUEUE } from '../../db/reference-data';
import { claimBatch, dayKey, loadExclusions, loadFacilities, loadItems, loadProducts, lockLevels, type ClaimedOrder, type LockedLevel, type QueueKey } from './load';
import { emptyPlan, planOrder, StockLedger, writePlan } from './persist';

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
}

export interface StockAccess {
  readLevels(db: Db, productIds: string[]): Promise<LockedLevel[]>;
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
  await db.insert(brokeringRuns).values({ id, status: 'RUNNING', trigger: opts.trigger, startedAt, heartbeatAt: startedAt });
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
  await db.update(brokeringRuns).set({ status, endedAt, ...totals, error }).where(eq(brokeringRuns.id, id));
  return { id, status, ...totals, startedAt, endedAt, error };
}

/** Routes batch after batch until the queue is empty (undefined) or the signal stops it (the reason). */
async function routeQueue(db: Db, id: string, opts: RunOptions, totals: BrokeringProgress): Promise<string | undefined> {
  const actor = opts.actor ?? `brokering:${opts.trigger}`;
  const profiles = await profilesByChannel(db);
  const facilities = await loadFacilities(db);
  let after: QueueKey | null = null;
  for (let batches = 0; ; batches++) {
    if (opts.signal?.aborted) {
      return `interrupted: the process is shutting down; stopped after ${batches} batches (${totals.orders} orders), the rest of the queue is left for the next run`;
    }
    const r = await db.transaction(async (tx) => routeBatch(tx as Db, id, actor, facilities, profiles, after, opts));
    if (!r) return undefined;
    after = r.last;
    for (const k of Object.keys(totals) as (keyof BrokeringProgress)[]) totals[k] += r.counts[k];
    for (const [f, n] of r.facilityOrders) {
      const fac = facilities.find((x) => x.id === f);
      if (fac) fac.ordersToday = (fac.ordersToday ?? 0) + n;
    }
    await beatBrokeringRun(db, id, totals);
  }
}

async function routeBatch(
  db: Db, runId: string, actor: string, facilities: Facility[],
  profiles: { byChannel: Map<string, ProfileView>; fallback: ProfileView }, after: QueueKey | null, opts: RunOptions,
) {
  const claimed = await claimBatch(db, after, opts.batchSize ?? DEFAULT_BATCH_SIZE, opts.orderIds);
  if (claimed.length === 0) return null;
  const ids = claimed.map((o) => o.id);
  const items = await loadItems(db, ids);
  const exclusions = await loadExclusions(db, ids);
  const itemsByOrder = new Map<string, typeof items>();
  for (const it of items) itemsByOrder.set(it.orderId, [...(itemsByOrder.get(it.orderId) ?? []), it]);
  const productIds = [...new Set(items.map((i) => i.productId))];
  const products = await loadProducts(db, productIds);
  const access = opts.stockAccess ?? LOCKED_STOCK;
  const stock = new StockLedger(await access.readLevels(db, productIds));

  const toRoute = (o: ClaimedOrder): RoutingOrder => ({
    id: o.id, accountingCode: o.accountingCode, priority: o.priority, orderDate: o.orderDate.toISOString(),
    shipTo: { country: o.shipTo.country, market: o.shipTo.market, postalCode: o.shipTo.postalCode, latitude: o.shipTo.latitude, longitude: o.shipTo.longitude },
    items: (itemsByOrder.get(o.id) ?? []).filter((i) => i.status === 'APPROVED' && i.facilityId === BROKERING_QUEUE)
      .map((i) => ({ seq: i.seqId, productId: i.productId, quantity: i.quantity, rejectedFacilityIds: exclusions.get(`${o.id}/${i.seqId}`) ?? [] })),
  });
  const routable = claimed.map((o) => ({ o, r: toRoute(o) })).filter((x) => x.r.items.length > 0);

  // Route in queue order; consecutive orders of one profile go to the engine together, and each
  // call starts from the stock the previous one left.
  const results: { o: ClaimedOrder; result: OrderResult }[] = [];
  const plan = emptyPlan();
  for (const { profile, items: segment } of profileSegments(routable, (x) => x.o.salesChannel, profiles)) {
    const out = routeOrders({ settings: profile.settings, facilities, products, inventory: stock.rows(), orders: segment.map((s) => s.r) });
    out.orders.forEach((result, k) => {
      results.push({ o: segment[k].o, result });
      planOrder(plan, segment[k].o.id, itemsByOrder.get(segment[k].o.id)!, result, stock);
    });
  }
  await writePlan(db, plan, runId, dayKey(), actor, { guardReservations: access.guardReservations });
  const last = claimed[claimed.length - 1];
  return {
    last: { priority: last.priority, orderDate: last.orderDate, id: last.id },
    counts: { orders: results.length, items: results.reduce((n, r) => n + (itemsByOrder.get(r.o.id)?.filter((x) => x.status === 'APPROVED' && x.facilityId === BROKERING_QUEUE).length ?? 0), 0), ...plan.counts },
    facilityOrders: plan.facilityOrders,
  };
}
