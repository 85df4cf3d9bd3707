/**
 * The Store Fulfillment App's use cases, by order: a store's lists (Open, In progress, Completed
 * today) and one order of them, and the order-level actions: pack every item of the order at the
 * store, ship them as one package, reject them all with one reason, and reject part of one item.
 *
 * Each action locks the order, checks the whole order first and then applies the item-level use
 * cases (`packItem`, `shipItem`, `rejectItem`) item by item in one savepoint: all of the order's
 * items at the store change, or none (a failure rolls the savepoint back and is returned).
 *
 * The caller may name the items it saw at the store (`seqIds`, what the app showed): when the order
 * changed meanwhile (an item the caller saw was rejected, cancelled or shipped by another
 * operation, or a new one was allocated to the store) the answer is a conflict and nothing is done.
 *
 * Rejecting part of an item splits it first, with the split rules of brokering: the original keeps
 * the rest (marked `SPLIT`, NetSuite's line gets the new quantity), the rejected units become a new
 * piece (`parentSeqId` the original, a new NetSuite line) that is rejected like any item.
 */
import type { Db, Tx } from '../db/client';
import { recordHistory } from '../db/history.repo';
import { lockOrder, orderItemRows, type OrderItemRow } from '../db/orders.repo';
import {
  insertSplitPiece, keepSplitQuantity, splitReservation, storeOrderCounts, storeOrderRows, STORE_TABS, type StoreOrderRow, type StoreTab,
} from '../db/store-orders.repo';
import { itemSeqId } from '../domain/ids';
import { boundedPage, pageOf, readAhead } from '../domain/paging';
import { conflict, illegal, invalidField, isFailure, notFound, type Failure } from '../domain/result';
import { getJob } from '../jobs/admin';
import { packItem, shipItem } from './fulfilment';
import { movedAway } from './orders';
import { rejectItem, type RejectResult } from './rejections';

export { STORE_TABS, type StoreOrderRow, type StoreTab } from '../db/store-orders.repo';

/** Orders per page of a list: at most 200, 50 by default. */
export const STORE_ORDERS_PAGE = { max: 200, fallback: 50 } as const;

/** The start of `now`'s day in the server's time zone: what "today" means for the Completed tab. */
export const startOfDay = (now: Date) => new Date(now.getFullYear(), now.getMonth(), now.getDate());

export interface StoreOrdersQuery {
  facilityId: string;
  tab: StoreTab;
  q?: string;
  limit?: number;
  offset?: number;
  now: Date;
}

export interface StoreOrdersPage {
  orders: StoreOrderRow[];
  /** Orders per tab (matching `q` when given). */
  counts: Record<StoreTab, number>;
  nextOffset: number | null;
}

/** A page of one tab of the store's orders, oldest first, and the counts of every tab: two statements. */
export async function listStoreOrders(db: Db, query: StoreOrdersQuery): Promise<StoreOrdersPage> {
  const page = boundedPage(query, STORE_ORDERS_PAGE.max, STORE_ORDERS_PAGE.fallback);
  const q = query.q?.trim() || undefined;
  const filter = { facilityId: query.facilityId, since: startOfDay(query.now), q };
  const rows = await storeOrderRows(db, { ...filter, tab: query.tab }, readAhead(page));
  const counts = Object.fromEntries(STORE_TABS.map((t) => [t, 0])) as Record<StoreTab, number>;
  for (const c of await storeOrderCounts(db, filter)) counts[c.tab] = c.n;
  const p = pageOf(rows, page);
  return { orders: p.rows, counts, nextOffset: p.nextOffset };
}

/** One order as the store's lists show it (its items at the store), or not found: unknown, or nothing of it at the store today. */
export async function getStoreOrder(db: Db, facilityId: string, orderId: string, now: Date): Promise<{ kind: 'ok'; order: StoreOrderRow } | Failure> {
  const [order] = await storeOrderRows(db, { facilityId, orderId, since: startOfDay(now) }, { limit: 1, offset: 0 });
  return order ? { kind: 'ok', order } : notFound('order', orderId);
}

/** What an order-level action acts on. */
export interface OrderAction {
  facilityId: string;
  orderId: string;
  actor: string;
  now: Date;
  /** The items of the order the caller saw at the store still to do; when the order differs now, a conflict. */
  seqIds?: readonly string[];
}

export type OrderActionResult =
  | { kind: 'ok'; seqIds: string[]; order: StoreOrderRow | null }
  | { kind: 'noop'; message: string }
  | Failure;

const TO_DO: ReadonlySet<string> = new Set(['ALLOCATED', 'PACKED']);
const ref = (orderId: string, seqId: string) => `${orderId}/${seqId}`;

/** A failure raised inside the savepoint of an action, to roll it back; turned back into the value it carries. */
class Rollback extends Error {
  constructor(readonly failure: Failure) { super(failure.message); }
}

/** `r`, unless it is a failure: then the savepoint rolls back and the action returns it. */
function must<R extends { kind: string }>(r: R): Exclude<R, Failure> {
  if (isFailure(r)) throw new Rollback(r);
  return r as Exclude<R, Failure>;
}

/** Runs `fn` in a savepoint: every write of it stays, or (on a failure it raised with `must`) none. */
async function allOrNothing<T>(tx: Tx, fn: (sp: Tx) => Promise<T>): Promise<{ kind: 'done'; value: T } | Failure> {
  try {
    return { kind: 'done', value: await tx.transaction(fn) };
  } catch (e) {
    if (e instanceof Rollback) return e.failure;
    throw e;
  }
}

/** Locks the order; its items at the store still to do, or why the caller cannot act on it. */
async function itemsToDo(tx: Tx, a: OrderAction): Promise<{ kind: 'ok'; items: OrderItemRow[]; all: OrderItemRow[] } | Failure> {
  if (!(await lockOrder(tx, a.orderId))) return notFound('order', a.orderId);
  const all = await orderItemRows(tx, a.orderId);
  const here = all.filter((i) => i.facilityId === a.facilityId && TO_DO.has(i.status));
  const stale = a.seqIds ? await staleView(tx, a, all, here) : undefined;
  if (stale) return stale;
  if (!here.length) return nothingHere(tx, a, all);
  return { kind: 'ok', items: here, all };
}

/** Why the caller's view of the order (`seqIds`) is out of date, if it is. */
async function staleView(tx: Tx, a: OrderAction, all: OrderItemRow[], here: OrderItemRow[]): Promise<Failure | undefined> {
  const seen = new Set(a.seqIds);
  for (const seqId of seen) {
    if (here.some((i) => i.seqId === seqId)) continue;
    const item = all.find((i) => i.seqId === seqId);
    if (item?.facilityId === a.facilityId) {
      return conflict(`item ${ref(a.orderId, seqId)} is ${item.status} now: another operation changed it; reload the order`);
    }
    const moved = item && await movedAway(tx, item, a.facilityId);
    if (moved) return moved;
    return notFound('order item', `${ref(a.orderId, seqId)} at ${a.facilityId}`);
  }
  const added = here.find((i) => !seen.has(i.seqId));
  if (added) return conflict(`item ${ref(a.orderId, added.seqId)} was allocated to ${a.facilityId} meanwhile; reload the order`);
  return undefined;
}

/** The order has nothing left to do at the store: done here, moved away meanwhile, or never here (not found, as unknown). */
async function nothingHere(tx: Tx, a: OrderAction, all: OrderItemRow[]): Promise<Failure> {
  if (all.some((i) => i.facilityId === a.facilityId && i.status === 'SHIPPED')) {
    return illegal(`order ${a.orderId} has nothing left to do at ${a.facilityId}: its items there are shipped`);
  }
  for (const item of all) {
    if (await movedAway(tx, item, a.facilityId)) {
      return conflict(`order ${a.orderId} has no item left at ${a.facilityId}: another operation moved them`);
    }
  }
  return notFound('order', a.orderId);
}

/** The action's answer: the items it changed and the order as the store sees it now (null when nothing of it is left there). */
async function acted(tx: Tx, a: OrderAction, seqIds: string[]): Promise<OrderActionResult> {
  const now = await getStoreOrder(tx, a.facilityId, a.orderId, a.now);
  return { kind: 'ok', seqIds, order: now.kind === 'ok' ? now.order : null };
}

/** Packs every allocated item of the order at the store (those packed already stay so). */
export async function packOrder(tx: Tx, a: OrderAction): Promise<OrderActionResult> {
  const todo = await itemsToDo(tx, a);
  if (todo.kind !== 'ok') return todo;
  const toPack = todo.items.filter((i) => i.status === 'ALLOCATED');
  if (!toPack.length) return { kind: 'noop', message: `every item of order ${a.orderId} at ${a.facilityId} is packed already` };
  const r = await allOrNothing(tx, async (sp) => {
    for (const i of toPack) must(await packItem(sp, { orderId: a.orderId, seqId: i.seqId, facilityId: a.facilityId, actor: a.actor }));
  });
  if (r.kind !== 'done') return r;
  return acted(tx, a, toPack.map((i) => i.seqId));
}

/** Ships every packed or allocated item of the order at the store as one package: one carrier, one tracking number. */
export async function shipOrder(tx: Tx, a: OrderAction & { carrier: string; trackingNumber: string }): Promise<OrderActionResult> {
  const todo = await itemsToDo(tx, a);
  if (todo.kind !== 'ok') return todo;
  const { carrier, trackingNumber } = a;
  const r = await allOrNothing(tx, async (sp) => {
    for (const i of todo.items) {
      must(await shipItem(sp, { orderId: a.orderId, seqId: i.seqId, facilityId: a.facilityId, actor: a.actor, carrier, trackingNumber, shippedAt: a.now }));
    }
  });
  if (r.kind !== 'done') return r;
  return acted(tx, a, todo.items.map((i) => i.seqId));
}

export interface RejectReason {
  reasonId: string;
  comments?: string;
  /** Days the store stays excluded for the items; undefined = forever. */
  exclusionDays?: number;
}

/** Rejects every item of the order at the store with one reason: each goes back to the brokering queue like an item reject. */
export async function rejectOrder(tx: Tx, a: OrderAction & RejectReason): Promise<OrderActionResult> {
  const todo = await itemsToDo(tx, a);
  if (todo.kind !== 'ok') return todo;
  const r = await allOrNothing(tx, async (sp) => {
    for (const i of todo.items) must(await rejectItem(sp, rejectInput(a, i.seqId)));
  });
  if (r.kind !== 'done') return r;
  return acted(tx, a, todo.items.map((i) => i.seqId));
}

const rejectInput = (a: Pick<OrderAction, 'orderId' | 'facilityId' | 'actor'> & RejectReason, seqId: string) => ({
  orderId: a.orderId, seqId, reasonId: a.reasonId, comments: a.comments, source: 'STORE' as const, actor: a.actor,
  expectedFacilityId: a.facilityId, exclusionDays: a.exclusionDays,
});

export interface ItemReject extends RejectReason {
  facilityId: string;
  orderId: string;
  seqId: string;
  /** Units to reject; the whole item when absent. Fewer than the item holds splits it. */
  quantity?: number;
  actor: string;
  now: Date;
}

export type ItemRejectResult =
  | {
    kind: 'ok';
    /** The item rejected: the one named, or the new piece split from it. */
    rejectedSeqId: string;
    quantity: number;
    /** The item named keeps the rest at the store when it was split. */
    kept: { seqId: string; quantity: number } | null;
    rejection: Extract<RejectResult, { kind: 'ok' }>;
    order: StoreOrderRow | null;
  }
  | { kind: 'noop'; message: string }
  | Failure;

/** Rejects `quantity` units of one item at the store (all of them by default), splitting it when fewer. */
export async function rejectItemQuantity(tx: Tx, r: ItemReject): Promise<ItemRejectResult> {
  if (!(await lockOrder(tx, r.orderId))) return notFound('order', r.orderId);
  const all = await orderItemRows(tx, r.orderId);
  const item = all.find((i) => i.seqId === r.seqId);
  const rejectable = item && item.facilityId === r.facilityId && TO_DO.has(item.status);
  if (rejectable && r.quantity !== undefined && r.quantity > item.quantity) {
    return invalidField('quantity', `must be at most ${item.quantity}, the quantity of item ${ref(r.orderId, r.seqId)}`);
  }
  const partial = rejectable && r.quantity !== undefined && r.quantity < item.quantity;
  const result = await allOrNothing(tx, async (sp) => {
    const seqId = partial ? await splitItem(sp, item, all, r.quantity!, r.actor) : r.seqId;
    const rejected = must(await rejectItem(sp, rejectInput(r, seqId)));
    return { seqId, rejected };
  });
  if (result.kind !== 'done') return result;
  const { seqId, rejected } = result.value;
  if (rejected.kind === 'noop') return rejected;
  const order = await getStoreOrder(tx, r.facilityId, r.orderId, r.now);
  return {
    kind: 'ok', rejectedSeqId: seqId, quantity: partial ? r.quantity! : item?.quantity ?? 0,
    kept: partial ? { seqId: r.seqId, quantity: item.quantity - r.quantity! } : null,
    rejection: rejected, order: order.kind === 'ok' ? order.order : null,
  };
}

/**
 * Splits `quantity` units off an item at its facility, as brokering splits a line: the original
 * keeps the rest (and its seq), the piece is a new item numbered after the order's last, holding
 * its share of the reservation. Both moves are in the history. Returns the piece's seq.
 */
async function splitItem(tx: Tx, item: OrderItemRow, all: OrderItemRow[], quantity: number, actor: string): Promise<string> {
  const seqId = itemSeqId(Math.max(0, ...all.map((i) => Number.parseInt(i.seqId, 10) || 0)) + 1);
  const keep = item.quantity - quantity;
  await keepSplitQuantity(tx, item.orderId, item.seqId, keep);
  await insertSplitPiece(tx, {
    orderId: item.orderId, seqId, parentSeqId: item.seqId, productId: item.productId, quantity, unitPrice: item.unitPrice,
    status: item.status, facilityId: item.facilityId!, carrier: item.carrier, shipmentGroup: item.shipmentGroup,
  });
  await splitReservation(tx, { orderId: item.orderId, seqId: item.seqId, pieceSeqId: seqId, keep });
  const at = {
    orderId: item.orderId, fromStatus: item.status, toStatus: item.status, fromFacilityId: item.facilityId, toFacilityId: item.facilityId,
    actor, rule: 'STORE_PARTIAL_REJECT',
  };
  await recordHistory(tx, [
    { ...at, orderItemSeqId: item.seqId, reason: `SPLIT ${quantity} of ${item.quantity} TO ${seqId}` },
    { ...at, fromStatus: null, fromFacilityId: null, orderItemSeqId: seqId, reason: `SPLIT_FROM ${item.seqId}` },
  ]);
  return seqId;
}

export interface NextRun {
  /** The next run of the brokering job's schedule; null when it is paused, has no schedule or is not set up. */
  nextRunAt: Date | null;
  cron: string | null;
  enabled: boolean;
  running: boolean;
}

/** When the brokering job runs next, from its schedule (the job definition's cron, in the job system's zone). */
export async function nextBrokeringRun(db: Db, job: string, opts: { now: Date; timezone?: string }): Promise<NextRun> {
  const r = await getJob(db, job, opts);
  if (r.kind !== 'ok') return { nextRunAt: null, cron: null, enabled: false, running: false };
  return { nextRunAt: r.job.nextRunAt, cron: r.job.cron, enabled: r.job.enabled, running: r.job.running };
}
