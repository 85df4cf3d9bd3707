/**
 * Store fulfilment: pack and ship an allocated item. Shipping consumes the reservation (the units
 * leave on hand) and the item becomes eligible for the fulfilled-items feed to NetSuite.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { orderItems } from '../db/schema';
import { closeReservation } from '../db/inventory.repo';
import { transitionItem, type ItemStatus } from '../domain/lifecycle';
import { lockOrder, moveItems, refreshOrderStatus } from './orders';
import { illegal, notFound, type Failure } from './result';

export interface FulfilInput {
  orderId: string; seqId: string; actor: string;
  /** The facility the caller acts for; an item elsewhere is "not found". */
  facilityId?: string;
  trackingNumber?: string; carrier?: string;
}

type Item = typeof orderItems.$inferSelect;
export type FulfilResult = { kind: 'ok'; item: Item } | { kind: 'noop'; message: string } | Failure;

async function withItem(db: Db, input: FulfilInput, fn: (t: Db, item: Item) => Promise<FulfilResult>): Promise<FulfilResult> {
  return db.transaction(async (tx) => {
    const t = tx as Db;
    if (!(await lockOrder(t, input.orderId))) return notFound('order', input.orderId);
    const [item] = await t.select().from(orderItems).where(and(eq(orderItems.orderId, input.orderId), eq(orderItems.seqId, input.seqId)));
    if (!item || (input.facilityId && item.facilityId !== input.facilityId)) return notFound('order item', `${input.orderId}/${input.seqId}${input.facilityId ? ` at ${input.facilityId}` : ''}`);
    return fn(t, item);
  });
}

const reload = async (t: Db, i: Item) => (await t.select().from(orderItems).where(and(eq(orderItems.orderId, i.orderId), eq(orderItems.seqId, i.seqId))))[0];

export function packItem(db: Db, input: FulfilInput): Promise<FulfilResult> {
  return withItem(db, input, async (t, item) => {
    if (item.status === 'PACKED') return { kind: 'noop', message: `item ${item.orderId}/${item.seqId} is already packed` };
    const tr = transitionItem(item.status as ItemStatus, 'pack');
    if (!tr.ok) return illegal(tr.message);
    await moveItems(t, item.orderId, [item], 'pack', undefined, 'PACKED', input.actor);
    await refreshOrderStatus(t, item.orderId);
    return { kind: 'ok', item: await reload(t, item) };
  });
}

/** Ships an item (store or NetSuite fulfilment): consumes its reservation; shipped twice is a no-op. */
export function shipItem(db: Db, input: FulfilInput & { shippedAt?: Date }): Promise<FulfilResult> {
  return withItem(db, input, async (t, item) => {
    if (item.status === 'SHIPPED') return { kind: 'noop', message: `item ${item.orderId}/${item.seqId} is already shipped` };
    const tr = transitionItem(item.status as ItemStatus, 'ship');
    if (!tr.ok) return illegal(tr.message);
    await closeReservation(t, item.orderId, item.seqId, 'CONSUMED', input.actor, 'SHIPPED');
    await moveItems(t, item.orderId, [item], 'ship', undefined, 'SHIPPED', input.actor, {
      set: { shippedAt: input.shippedAt ?? new Date(), trackingNumber: input.trackingNumber ?? null, carrier: input.carrier ?? item.carrier },
    });
    await refreshOrderStatus(t, item.orderId);
    return { kind: 'ok', item: await reload(t, item) };
  });
}
