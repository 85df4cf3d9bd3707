/**
 * Fulfilment: pack and ship an allocated item (stores), and `markShipped`, the one ship path also
 * used by NetSuite's fulfilment feed. Shipping consumes the reservation (the units leave on hand);
 * store shipments become eligible for the fulfilled-items feed to NetSuite.
 */
import type { Db, Tx } from '../db/client';
import { facilityRow } from '../db/catalog.repo';
import { closeReservation } from '../db/inventory.repo';
import { lockOrder, orderItemRow, type OrderItemRow } from '../db/orders.repo';
import { transitionItem, type ItemStatus } from '../domain/lifecycle';
import { illegal, notFound, type Failure } from '../domain/result';
import { moveItems, refreshOrderStatus } from './orders';

export interface FulfilInput {
  orderId: string; seqId: string; actor: string;
  /** The facility the caller acts for; an item elsewhere is "not found". */
  facilityId?: string;
  trackingNumber?: string; carrier?: string;
}

type Item = OrderItemRow;
export type FulfilResult = { kind: 'ok'; item: Item } | { kind: 'noop'; message: string } | Failure;

async function withItem(db: Db, input: FulfilInput, fn: (t: Tx, item: Item) => Promise<FulfilResult>): Promise<FulfilResult> {
  return db.transaction(async (tx) => {
    if (!(await lockOrder(tx, input.orderId))) return notFound('order', input.orderId);
    const item = await orderItemRow(tx, input.orderId, input.seqId);
    if (!item || (input.facilityId && item.facilityId !== input.facilityId)) return notFound('order item', itemRef(input));
    return fn(tx, item);
  });
}

/** `order/seq`, with ` at facility` when the caller acts for one. */
const itemRef = (i: { orderId: string; seqId: string; facilityId?: string }) => `${i.orderId}/${i.seqId}${i.facilityId ? ` at ${i.facilityId}` : ''}`;

const reload = async (t: Db, i: Item) => (await orderItemRow(t, i.orderId, i.seqId))!;

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

/** A store ships an item (its own transaction); `facilityId` scopes it to the store. */
export async function shipItem(db: Db, input: FulfilInput & { shippedAt?: Date }): Promise<FulfilResult> {
  return db.transaction(async (tx) => {
    const r = await markShipped(tx, { ...input, source: 'STORE' });
    if (r.kind === 'noop') return r;
    if (r.kind === 'error') {
      if (r.field === 'orderId' || r.message.startsWith('unknown order item')) return { kind: 'not_found' as const, message: r.message };
      return illegal(r.message);
    }
    return { kind: 'ok' as const, item: (await orderItemRow(tx, input.orderId, input.seqId))! };
  });
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

export type ShipResult =
  | { kind: 'ok' }
  | { kind: 'noop'; message: string }
  | { kind: 'error'; field: string; message: string };

/**
 * Ships one allocated item inside the caller's transaction (takes the order lock): the one ship
 * path for store shipments and NetSuite fulfilments. The reservation is consumed (the units leave
 * on hand); an item already shipped is a no-op.
 */
export async function markShipped(tx: Tx, input: ShipInput): Promise<ShipResult> {
  const { orderId, seqId } = input;
  const order = await lockOrder(tx, orderId);
  if (!order) return { kind: 'error', field: 'orderId', message: `unknown order ${orderId}` };
  const item = await orderItemRow(tx, orderId, seqId);
  if (!item || (input.facilityId && item.facilityId !== input.facilityId)) return { kind: 'error', field: 'orderItemSeqId', message: `unknown order item ${itemRef(input)}` };
  if (item.status === 'SHIPPED') return { kind: 'noop', message: `item ${orderId}/${seqId} is already shipped` };
  if (item.status !== 'ALLOCATED' && item.status !== 'PACKED') {
    return { kind: 'error', field: 'orderItemSeqId', message: `item ${orderId}/${seqId} is ${item.status}, not allocated: cannot ship it` };
  }
  const fac = await facilityRow(tx, item.facilityId!);
  const wanted = input.source === 'NETSUITE' ? 'NETSUITE' : 'OMS';
  if (!fac || fac.fulfillmentSystem !== wanted || fac.type === 'VIRTUAL') {
    const what = input.source === 'NETSUITE' ? 'a NetSuite facility' : 'an OMS-fulfilled facility';
    return { kind: 'error', field: 'orderItemSeqId', message: `item ${orderId}/${seqId} is at ${item.facilityId}, not at ${what}` };
  }
  if (input.externalFacilityId && fac.netsuiteLocationId && input.externalFacilityId !== fac.netsuiteLocationId) {
    return {
      kind: 'error', field: 'externalFacilityId',
      message: `shipped from NetSuite location ${input.externalFacilityId}, but item ${orderId}/${seqId} is allocated at ${fac.id} (location ${fac.netsuiteLocationId})`,
    };
  }
  if (input.quantity !== undefined && input.quantity !== item.quantity) {
    return { kind: 'error', field: 'quantity', message: `shipped quantity ${input.quantity} differs from the item quantity ${item.quantity} (partial fulfilment of an item is not supported)` };
  }
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

