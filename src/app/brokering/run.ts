/**
 * A brokering run: routes the whole brokering queue once, by priority (descending) then order
 * date, each order with its sales channel's routing profile. The run reads the queue a window at
 * a time (`queueWindow`, unlocked) and claims batches of it by id with SKIP LOCKED; each batch's
 * inventory rows are locked in key order, routed by the pure engine against that locked stock
 * and persisted in one transaction per batch (so each order is all-or-nothing), chunk by chunk
 * while the engine routes the next chunk (`route-batch.ts`). The next batch starts as soon as a
 * batch is routed: its claim and locks overlap the earlier batch's last writes and commit, and
 * its locks wait for that commit. Several runs in several processes may go at once: they never
 * take the same order, and the guarded reservation makes overselling impossible.
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
  claimOrders,
  dayKey,
  loadFacilities,
  loadProducts,
  lockLevels,
  queueWindow,
  type ClaimedOrder,
  type ItemFact,
  type LockedLevel,
  type QueueKey,
} from '../../db/brokering.repo';
import { BROKERING_QUEUE } from '../../db/reference-data';
import { DEFAULT_STALE_AFTER_MS, heartbeatIntervalFor, startHeartbeat } from '../../jobs/liveness';
import { newId } from '../../domain/ids';
import type { Facility, Order as RoutingOrder, Product } from '../../domain/routing/types';
import { profileSegments, profilesByChannel } from '../routing-profiles';
import { availableStock } from './persist';
import { routeAndWrite } from './route-batch';

/**
 * Orders per transaction. Larger batches amortise the per-batch work (claim, row locks, routing
 * context) but hold inventory row locks longer: ~0.3 s at 1,000 orders on a 2-core machine.
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

/**
 * The phases of a batch: claiming its orders, reading their facts, locking their stock rows,
 * routing, waiting for its writes, committing. Routing and writing overlap (chunk by chunk);
 * `overlap` is the rest of that stretch (the database writing while the engine routes).
 */
export type BatchPhase = 'claim' | 'facts' | 'locks' | 'routing' | 'writes' | 'overlap' | 'commit';

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

/**
 * Orders a run reads from the queue at a time (the window it claims its next batches from): one
 * sort of the queue per window instead of one per batch. An order entering the queue during a run
 * is routed by it when it comes after the window the run is in, else by the next run.
 */
export const queueWindowSize = (batchSize: number) => Math.max(10 * batchSize, 10_000);

/** Routes batch after batch until the queue is empty (undefined) or the signal stops it (the reason). */
async function routeQueue(db: Db, id: string, opts: RunOptions, totals: BrokeringProgress): Promise<string | undefined> {
  const actor = opts.actor ?? `brokering:${opts.trigger}`;
  const profiles = await profilesByChannel(db);
  const run: RunContext = { runId: id, actor, profiles, facilities: await loadFacilities(db), products: new Map(), opts, after: null, window: [] };
  const done = async (b: InFlight) => {
    const r = await b.done;
    for (const k of Object.keys(totals) as (keyof BrokeringProgress)[]) totals[k] += r.counts[k];
    await beatBrokeringRun(db, id, totals);
  };
  let prev: InFlight | null = null;
  let cur: InFlight | null = null;
  let batches = 0;
  try {
    for (;;) {
      const ids = opts.signal?.aborted ? null : await nextBatch(db, run);
      if (!ids) break;
      cur = startBatch(db, run, ids);
      if (prev) { await done(prev); batches++; }
      await cur.planned;
      [prev, cur] = [cur, null];
    }
    if (prev) { await done(prev); batches++; }
  } catch (e) {
    await cur?.done.catch(() => {});
    throw e;
  }
  if (!opts.signal?.aborted) return undefined;
  return `interrupted: the process is shutting down; stopped after ${batches} batches (${totals.orders} orders), `
    + 'the rest of the queue is left for the next run';
}

/** The ids of the next batch from the run's window (read again when used up), or null when the queue is done. */
async function nextBatch(db: Db, run: RunContext): Promise<string[] | null> {
  const batchSize = run.opts.batchSize ?? DEFAULT_BATCH_SIZE;
  if (run.window.length === 0) run.window = await queueWindow(db, run.after, queueWindowSize(batchSize), run.opts.orderIds);
  if (run.window.length === 0) return null;
  const batch = run.window.splice(0, batchSize);
  run.after = batch[batch.length - 1];
  return batch.map((k) => k.id);
}

/** A batch on its way: `planned` once it is routed (its last writes may still be going), `done` once committed. */
interface InFlight { planned: Promise<void>; done: Promise<BatchResult> }
type BatchResult = Awaited<ReturnType<typeof routeBatch>>;

/**
 * Starts a batch in its own transaction. The next batch starts once this one is routed, so its
 * claim and row locks overlap this one's last writes and commit: its lock of a row this batch
 * holds waits for the commit and then reads the row as committed, so every batch routes on the
 * stock the batches before it left.
 */
function startBatch(db: Db, run: RunContext, ids: string[]): InFlight {
  let routed!: () => void;
  let failed!: (e: unknown) => void;
  const planned = new Promise<void>((resolve, reject) => { routed = resolve; failed = reject; });
  planned.catch(() => {});
  const lap = phaseClock(run.opts.onPhase);
  const done = db.transaction(async (tx) => routeBatch(tx, run, ids, lap, (taken) => {
    for (const [f, n] of taken) {
      const fac = run.facilities.find((x) => x.id === f);
      if (fac) fac.ordersToday = (fac.ordersToday ?? 0) + n;
    }
    routed();
  })).then((r) => { lap('commit'); routed(); return r; }, (e) => { failed(e); throw e; });
  done.catch(() => {});
  return { planned, done };
}

type Profiles = Awaited<ReturnType<typeof profilesByChannel>>;

/** What stays the same for every batch of a run; `products` grows with the products the batches meet. */
interface RunContext {
  runId: string; actor: string; facilities: Facility[]; profiles: Profiles; products: Map<string, Product>; opts: RunOptions;
  /** The last queue position taken into a batch: the next window starts after it. */
  after: QueueKey | null;
  /** The queue positions read and not yet taken into a batch. */
  window: QueueKey[];
}

/** The facts of a claimed batch: its orders (with their items and exclusions), the products, and the stock rows read. */
interface BatchFacts { claimed: ClaimedOrder[]; products: Product[]; levels: LockedLevel[] }

/** Times each phase of a batch for `RunOptions.onPhase`; `reported`: ms of the stretch already reported as other phases. */
function phaseClock(onPhase: RunOptions['onPhase']) {
  let t = performance.now();
  return (phase: BatchPhase, reported = 0) => {
    const now = performance.now();
    onPhase?.(phase, now - t - reported);
    t = now;
  };
}

type Lap = ReturnType<typeof phaseClock>;

/** Claims these orders (those another run holds are skipped), routes their queued items and writes the plan in `tx`. */
async function routeBatch(tx: Tx, run: RunContext, ids: string[], lap: Lap, onPlanned: (facilityOrders: ReadonlyMap<string, number>) => void) {
  const { opts } = run;
  const claimed = await claimOrders(tx, ids);
  lap('claim');
  const access = opts.stockAccess ?? LOCKED_STOCK;
  const facts = await loadBatch(tx, run, claimed, access, lap);
  const routable = facts.claimed.map((o) => ({ o, r: toRoute(o) })).filter((x) => x.r.items.length > 0);
  const segments = [...profileSegments(routable, (x) => x.o.salesChannel, run.profiles)];
  const input = { segments, facilities: run.facilities, products: facts.products, stock: availableStock(facts.levels) };
  const c = { runId: run.runId, actor: run.actor, day: dayKey(), guardReservations: access.guardReservations };
  let reported = 0;
  const time = (phase: 'routing' | 'writes', ms: number) => { reported += ms; opts.onPhase?.(phase, ms); };
  const { counts } = await routeAndWrite(tx, input, c, time, onPlanned);
  lap('overlap', reported);
  return { counts: { orders: routable.length, items: routable.reduce((n, x) => n + x.r.items.length, 0), ...counts } };
}

/** The products of the claimed orders' queued items (each read once per run) and their stock, read through `access`. */
async function loadBatch(tx: Tx, run: RunContext, claimed: ClaimedOrder[], access: StockAccess, lap: Lap): Promise<BatchFacts> {
  const productIds = [...new Set(claimed.flatMap((o) => o.items.filter(isQueued).map((i) => i.productId)))];
  const unknown = productIds.filter((id) => !run.products.has(id));
  if (unknown.length) for (const p of await loadProducts(tx, unknown)) run.products.set(p.id, p);
  const products = productIds.flatMap((id) => run.products.get(id) ?? []);
  lap('facts');
  const levels = productIds.length ? await access.readLevels(tx, productIds) : [];
  lap('locks');
  return { claimed, products, levels };
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
