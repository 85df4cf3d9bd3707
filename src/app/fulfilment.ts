/**
 * Fulfilment: a store's queue (what the Store Fulfillment App lists), pack and ship an allocated
 * item (stores), and `markShipped`, the one ship path also used by NetSuite's fulfilment feed.
 * Shipping consumes the reservation (the units leave on hand); store shipments become eligible for
 * the fulfilled-items feed to NetSuite.
 */
import type { Db, Tx } from '../db/client';
import { facilityRow } from '../db/catalog.repo';
import { closeReservation } from '../db/inventory.repo';
import { lockOrder, orderItemRow, storeQueueRows, type OrderItemRow, type StoreQueueKey, type StoreQueueRow } from '../db/orders.repo';
import { transitionItem, type ItemStatus } from '../domain/lifecycle';
import { illegal, invalidField, notFound, type Failure } from '../domain/result';
import { movedAway, moveItems, refreshOrderStatus } from './orders';

/** A store's queue is read a page at a time: at most 1,000 items, 200 by default. */
export const STORE_QUEUE_PAGE = { max: 1000, fallback: 200 } as const;

/** An item of a store's queue: the item, its product, its order's date and age, shipping method and ship-to city and state. */
export interface StoreQueueItem {
  orderId: string; seqId: string; quantity: number; status: string;
  productId: string; productName: string; sku: string;
  orderDate: string;
  /** Whole minutes since the order date. */
  ageMinutes: number;
  shippingMethod: string | null;
  shipTo: { city: string | null; state: string | null };
}

/** A page of a store's queue; `nextAfter`: what to pass as `after` for the next page (null on the last). */
export interface StoreQueuePage { items: StoreQueueItem[]; nextAfter: string | null }

/** The `after` of the page following `row` (opaque to callers: base64url of its keyset). */
const afterOf = (row: StoreQueueRow): string => Buffer.from(JSON.stringify([row.orderDateKey, row.orderId, row.seqId])).toString('base64url');

function keyOf(after: string): StoreQueueKey | undefined {
  try {
    const k: unknown = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (Array.isArray(k) && k.length === 3 && k.every((x) => typeof x === 'string') && !Number.isNaN(Date.parse(k[0]))) {
      return { orderDate: k[0], orderId: k[1], seqId: k[2] };
    }
  } catch { /* not a page position */ }
  return undefined;
}

/**
 * A store's queue, oldest order first, in one query: the items ALLOCATED or PACKED at the facility
 * with what the store page shows. `after`: the `nextAfter` of the page before; `now`: for the age.
 */
export async function storeQueue(
  db: Db, q: { facilityId: string; limit?: number; after?: string; now: Date },
): Promise<({ kind: 'ok' } & StoreQueuePage) | Failure> {
  const key = q.after === undefined ? null : keyOf(q.after);
  if (key === undefined) return invalidField('after', 'is not the nextAfter of a page of this list');
  const limit = Math.min(STORE_QUEUE_PAGE.max, Math.max(1, Math.trunc(q.limit ?? STORE_QUEUE_PAGE.fallback)));
  const rows = await storeQueueRows(db, q.facilityId, key, limit + 1);
  const page = rows.slice(0, limit);
  return { kind: 'ok', items: page.map((r) => queueItem(r, q.now)), nextAfter: rows.length > limit ? afterOf(page[page.length - 1]) : null };
}

function queueItem(r: StoreQueueRow, now: Date): StoreQueueItem {
  const ordered = new Date(r.orderDate);
  return {
    orderId: r.orderId, seqId: r.seqId, quantity: r.quantity, status: r.status, productId: r.productId, productName: r.productName, sku: r.sku,
    orderDate: ordered.toISOString(), ageMinutes: Math.max(0, Math.floor((now.getTime() - ordered.getTime()) / 60_000)),
    shippingMethod: r.shippingMethod, shipTo: { city: r.shipToCity, state: r.shipToState },
  };
}

export interface FulfilInput {
  orderId: string; seqId: string; actor: string;
  /** The facility the caller acts for; an item elsewhere is "not found" (a conflict when it was there and was moved meanwhile). */
  facilityId?: string;
  trackingNumber?: string; carrier?: string;
}

type Item = OrderItemRow;
export type FulfilResult = { kind: 'ok'; item: Item } | { kind: 'noop'; message: string } | Failure;

/** Locks the order and runs `fn` with the item (scoped to the caller's facility, if any). */
async function withItem(tx: Tx, input: FulfilInput, fn: (item: Item) => Promise<FulfilResult>): Promise<FulfilResult> {
  if (!(await lockOrder(tx, input.orderId))) return notFound('order', input.orderId);
  const item = await orderItemRow(tx, input.orderId, input.seqId);
  if (item && input.facilityId && item.facilityId !== input.facilityId) {
    return (await movedAway(tx, item, input.facilityId)) ?? notFound('order item', itemRef(input));
  }
  if (!item) return notFound('order item', itemRef(input));
  return fn(item);
}

/** `order/seq`, with ` at facility` when the caller acts for one. */
const itemRef = (i: { orderId: string; seqId: string; facilityId?: string }) => `${i.orderId}/${i.seqId}${i.facilityId ? ` at ${i.facilityId}` : ''}`;

const reload = async (t: Db, i: Item) => (await orderItemRow(t, i.orderId, i.seqId))!;

/** A store packs an allocated item; packing a packed one is a no-op. */
export function packItem(tx: Tx, input: FulfilInput): Promise<FulfilResult> {
  return withItem(tx, input, async (item) => {
    if (item.status === 'PACKED') return { kind: 'noop', message: `item ${item.orderId}/${item.seqId} is already packed` };
    const tr = transitionItem(item.status as ItemStatus, 'pack');
    if (!tr.ok) return illegal(tr.message);
    await moveItems(tx, item.orderId, [item], 'pack', undefined, 'PACKED', input.actor);
    await refreshOrderStatus(tx, item.orderId);
    return { kind: 'ok', item: await reload(tx, item) };
  });
}

/** A store ships an item; `facilityId` scopes it to the store. */
export async function shipItem(tx: Tx, input: FulfilInput & { shippedAt?: Date }): Promise<FulfilResult> {
  const r = await markShipped(tx, { ...input, source: 'STORE' });
  if (r.kind !== 'ok') return r;
  return { kind: 'ok', item: (await orderItemRow(tx, input.orderId, input.seqId))! };
}

export interface ShipInput {
  orderId: string;
  seqId: string;
  /** NETSUITE: the item must be at a NetSuite facility; STORE: at an OMS-fulfilled one. */
  source: 'NETSUITE' | 'STORE';
  actor: string;
  /** The facility the caller acts for (a store); an item elsewhere is reported as unknown. */
  facilityId?: string;
  quantity?: number;
  /** NetSuite location the shipment left from, when known. */
  externalFacilityId?: string;
  shippedAt?: Date;
  trackingNumber?: string;
  carrier?: string;
}

export type ShipResult = { kind: 'ok' } | { kind: 'noop'; message: string } | Failure;

/** An order or item the input names does not exist (or is not at the caller's facility). */
const unknown = (message: string, field: string): Failure => ({ kind: 'not_found', message, field });

/**
 * Ships one allocated item inside the caller's transaction (takes the order lock): the one ship
 * path for store shipments and NetSuite fulfilments. The reservation is consumed (the units leave
 * on hand); an item already shipped is a no-op.
 */
export async function markShipped(tx: Tx, input: ShipInput): Promise<ShipResult> {
  const { orderId, seqId } = input;
  if (!(await lockOrder(tx, orderId))) return unknown(`unknown order ${orderId}`, 'orderId');
  const item = await orderItemRow(tx, orderId, seqId);
  if (item && input.facilityId && item.facilityId !== input.facilityId) {
    return (await movedAway(tx, item, input.facilityId)) ?? unknown(`unknown order item ${itemRef(input)}`, 'orderItemSeqId');
  }
  if (!item) return unknown(`unknown order item ${itemRef(input)}`, 'orderItemSeqId');
  if (item.status === 'SHIPPED') return { kind: 'noop', message: `item ${orderId}/${seqId} is already shipped` };
  const refused = await shipRefusal(tx, input, item);
  if (refused) return refused;
  const reason = `SHIPPED by ${input.source}`;
  await closeReservation(tx, orderId, seqId, 'CONSUMED', input.actor, reason);
  await moveItems(tx, orderId, [item], 'ship', undefined, reason, input.actor, {
    set: {
      shippedAt: input.shippedAt ?? new Date(),
      ...(input.trackingNumber !== undefined && { trackingNumber: input.trackingNumber }),
      ...(input.carrier !== undefined && { carrier: input.carrier }),
    },
  });
  await refreshOrderStatus(tx, orderId);
  return { kind: 'ok' };
}

/** Why the item cannot ship as the input says: its state, its facility, the location or the quantity; null when it can. */
async function shipRefusal(tx: Tx, input: ShipInput, item: Item): Promise<Failure | null> {
  const ref = `${input.orderId}/${input.seqId}`;
  if (item.status !== 'ALLOCATED' && item.status !== 'PACKED') return illegal(`item ${ref} is ${item.status}, not allocated: cannot ship it`, 'orderItemSeqId');
  const fac = await facilityRow(tx, item.facilityId!);
  const wanted = input.source === 'NETSUITE' ? 'NETSUITE' : 'OMS';
  if (!fac || fac.fulfillmentSystem !== wanted || fac.type === 'VIRTUAL') {
    const what = input.source === 'NETSUITE' ? 'a NetSuite facility' : 'an OMS-fulfilled facility';
    return illegal(`item ${ref} is at ${item.facilityId}, not at ${what}`, 'orderItemSeqId');
  }
  if (input.externalFacilityId && fac.netsuiteLocationId && input.externalFacilityId !== fac.netsuiteLocationId) {
    return invalidField('externalFacilityId',
      `shipped from NetSuite location ${input.externalFacilityId}, but item ${ref} is allocated at ${fac.id} (location ${fac.netsuiteLocationId})`);
  }
  if (input.quantity !== undefined && input.quantity !== item.quantity) {
    return invalidField('quantity',
      `shipped quantity ${input.quantity} differs from the item quantity ${item.quantity} (partial fulfilment of an item is not supported)`);
  }
  return null;
}

