/**
 * Order use cases: create (idempotent on the external id), read, list, approve, cancel, and an
 * item's history. Each mutation runs in one transaction with the order row locked, and writes a
 * history row for every item it moves.
 */
import { and, asc, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { customers, facilities, itemHistory, orderItems, orderPayments, orders, products, reservations, routingProfiles } from '../db/schema';
import { recordHistory } from '../db/history.repo';
import { closeReservation } from '../db/inventory.repo';
import { BROKERING_QUEUE } from '../db/reference-data';
import { deriveOrderStatus, transitionItem, type ItemEvent, type ItemStatus } from '../domain/lifecycle';
import { itemSeqId, newId } from '../domain/ids';
import { lookupUsZip } from '../geo/zip';
import { parseOrderInput, type FieldError, type OrderInput } from './order-input';
import { illegal, invalid, notFound, type Failure } from './result';

export type Order = typeof orders.$inferSelect & {
  items: (typeof orderItems.$inferSelect)[];
  payments: (typeof orderPayments.$inferSelect)[];
};

export type CreateOrderResult =
  | { kind: 'created'; order: Order }
  | { kind: 'existing'; order: Order }
  | Failure;

/** Whether unknown products are created on the fly (the default profile's `autoCreateProduct`). */
export async function autoCreateProductsEnabled(db: Db): Promise<boolean> {
  const [p] = await db.select({ settings: routingProfiles.settings }).from(routingProfiles).where(eq(routingProfiles.id, 'default'));
  return (p?.settings as { autoCreateProduct?: boolean } | undefined)?.autoCreateProduct !== false;
}

export async function createOrder(db: Db, raw: unknown, actor = 'api'): Promise<CreateOrderResult> {
  const parsed = parseOrderInput(raw);
  if (!parsed.ok) return invalid(parsed.errors);
  const input = parsed.value;
  if (input.externalId) {
    const existing = await findByExternalId(db, input.externalId);
    if (existing) return { kind: 'existing', order: existing };
  }
  const autoCreate = await autoCreateProductsEnabled(db);
  try {
    return await db.transaction(async (tx) => {
      const known = await knownProductIds(tx as Db, input);
      const problems = await referenceProblems(tx as Db, input, autoCreate, known);
      if (problems.length) return invalid(problems);
      const id = newId('ORD');
      await insertOrder(tx as Db, id, input, autoCreate ? known : null, actor);
      return { kind: 'created' as const, order: (await getOrder(tx as Db, id))! };
    });
  } catch (e) {
    // Two creates with one external id at once: the unique index lets one win; return it.
    if (input.externalId && /orders_external_uq|duplicate key/.test(String((e as Error).message) + String((e as any).cause?.message))) {
      const existing = await findByExternalId(db, input.externalId);
      if (existing) return { kind: 'existing', order: existing };
    }
    throw e;
  }
}

async function knownProductIds(db: Db, input: OrderInput): Promise<Set<string>> {
  const ids = [...new Set(input.items.map((i) => i.productId))];
  return new Set((await db.select({ id: products.id }).from(products).where(inArray(products.id, ids))).map((p) => p.id));
}

async function referenceProblems(db: Db, input: OrderInput, autoCreate: boolean, known: Set<string>): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  if (!autoCreate) {
    input.items.forEach((it, i) => { if (!known.has(it.productId)) problems.push({ field: `items[${i}].productId`, message: `unknown product ${it.productId} (auto-create is off)` }); });
  }
  if (input.facilityId) {
    const [f] = await db.select({ id: facilities.id }).from(facilities).where(eq(facilities.id, input.facilityId));
    if (!f) problems.push({ field: 'facilityId', message: `unknown facility ${input.facilityId}` });
  }
  return problems;
}

/** `knownProducts` set: auto-create the order's other products; null: auto-create is off. */
async function insertOrder(db: Db, id: string, input: OrderInput, knownProducts: Set<string> | null, actor: string) {
  if (knownProducts) {
    const missing = [...new Set(input.items.map((i) => i.productId))].filter((pid) => !knownProducts.has(pid));
    if (missing.length) {
      // An auto-created product takes its id as SKU unless another product already holds that SKU.
      const takenSkus = new Set((await db.select({ sku: products.sku }).from(products).where(inArray(products.sku, missing))).map((p) => p.sku));
      await db.insert(products).values(missing.map((pid) => ({ id: pid, sku: takenSkus.has(pid) ? `AUTO:${pid}` : pid, name: pid, autoCreated: true })))
        .onConflictDoNothing({ target: products.id });
    }
  }
  let customerId: string | null = null;
  if (input.customer) {
    const c = input.customer;
    if (c.externalId) {
      const [found] = await db.select({ id: customers.id }).from(customers).where(eq(customers.externalId, c.externalId));
      customerId = found?.id ?? null;
    }
    if (!customerId) {
      customerId = newId('CUS');
      await db.insert(customers).values({ id: customerId, externalId: c.externalId, firstName: c.firstName, lastName: c.lastName, email: c.email, phone: c.phone })
        .onConflictDoNothing();
      if (c.externalId) customerId = (await db.select({ id: customers.id }).from(customers).where(eq(customers.externalId, c.externalId)))[0].id;
    }
  }
  const shipTo = { ...input.shipTo };
  if (shipTo.latitude === undefined && shipTo.country === 'US' && shipTo.postalCode) {
    const p = lookupUsZip(shipTo.postalCode);
    if (p) { shipTo.latitude = p.latitude; shipTo.longitude = p.longitude; }
  }
  await db.insert(orders).values({
    id, externalId: input.externalId, salesChannel: input.salesChannel, accountingCode: input.accountingCode,
    priority: input.priority, orderDate: input.orderDate ?? new Date(), status: 'CREATED', customerId,
    originFacilityId: input.facilityId, shipTo, shippingMethod: input.shippingMethod,
    shippingCost: input.shippingCost?.toFixed(2), currency: input.currency,
  });
  const items = input.items.map((it, i) => ({
    orderId: id, seqId: itemSeqId(i + 1), productId: it.productId, quantity: it.quantity, unitPrice: it.unitPrice.toFixed(2), status: 'CREATED',
  }));
  await db.insert(orderItems).values(items);
  if (input.payments.length) {
    await db.insert(orderPayments).values(input.payments.map((p) => ({ id: newId('PAY'), orderId: id, method: p.method, amount: p.amount.toFixed(2) })));
  }
  await recordHistory(db, items.map((it) => ({ orderId: id, orderItemSeqId: it.seqId, toStatus: 'CREATED', reason: 'ORDER_CREATED', actor })));
}

async function findByExternalId(db: Db, externalId: string): Promise<Order | undefined> {
  const [o] = await db.select({ id: orders.id }).from(orders).where(eq(orders.externalId, externalId));
  return o ? getOrder(db, o.id) : undefined;
}

export async function getOrder(db: Db, id: string): Promise<Order | undefined> {
  const [o] = await db.select().from(orders).where(eq(orders.id, id));
  if (!o) return undefined;
  const items = await db.select().from(orderItems).where(eq(orderItems.orderId, id)).orderBy(asc(orderItems.seqId));
  const payments = await db.select().from(orderPayments).where(eq(orderPayments.orderId, id));
  return { ...o, items, payments };
}

export interface OrderFilter { status?: string; facilityId?: string; from?: Date; to?: Date; limit?: number; offset?: number }

/** Orders, newest first; `facilityId` matches orders with an item at that facility. */
export async function listOrders(db: Db, f: OrderFilter) {
  const conds: SQL[] = [];
  if (f.status) conds.push(eq(orders.status, f.status));
  if (f.from) conds.push(gte(orders.orderDate, f.from));
  if (f.to) conds.push(lte(orders.orderDate, f.to));
  if (f.facilityId) conds.push(sql`exists (select 1 from order_items oi where oi.order_id = ${orders.id} and oi.facility_id = ${f.facilityId})`);
  return db.select().from(orders).where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(orders.orderDate), asc(orders.id)).limit(Math.min(f.limit ?? 50, 500)).offset(f.offset ?? 0);
}

/** Locks the order row for the rest of the transaction; per-order mutations are serialised. */
export async function lockOrder(db: Db, id: string) {
  const [o] = await db.select().from(orders).where(eq(orders.id, id)).for('update');
  return o;
}

/** Re-derives and stores the order status from its items. */
export async function refreshOrderStatus(db: Db, id: string, extra: Partial<typeof orders.$inferInsert> = {}) {
  const items = await db.select({ status: orderItems.status }).from(orderItems).where(eq(orderItems.orderId, id));
  const status = deriveOrderStatus(items.map((i) => i.status as ItemStatus));
  await db.update(orders).set({ status, updatedAt: new Date(), ...extra }).where(eq(orders.id, id));
  return status;
}

export type MutationResult = { kind: 'ok'; order: Order } | Failure;

/** Approves a CREATED order: its items enter the brokering queue. */
export async function approveOrder(db: Db, id: string, actor = 'api'): Promise<MutationResult> {
  return db.transaction(async (tx) => {
    const t = tx as Db;
    const o = await lockOrder(t, id);
    if (!o) return notFound('order', id);
    if (o.status !== 'CREATED') return illegal(`cannot approve order ${id}: it is ${o.status} (only CREATED orders can be approved)`);
    const items = await t.select().from(orderItems).where(eq(orderItems.orderId, id));
    await moveItems(t, id, items.filter((i) => i.status === 'CREATED'), 'approve', BROKERING_QUEUE, 'ORDER_APPROVED', actor);
    await refreshOrderStatus(t, id);
    return { kind: 'ok' as const, order: (await getOrder(t, id))! };
  });
}

/** Cancels every item not yet shipped or cancelled and releases their reservations. */
export async function cancelOrder(db: Db, id: string, actor = 'api', reason = 'ORDER_CANCELLED'): Promise<MutationResult> {
  return db.transaction(async (tx) => {
    const t = tx as Db;
    const o = await lockOrder(t, id);
    if (!o) return notFound('order', id);
    const items = await t.select().from(orderItems).where(eq(orderItems.orderId, id));
    const open = items.filter((i) => transitionItem(i.status as ItemStatus, 'cancel').ok);
    if (open.length === 0) return illegal(`cannot cancel order ${id}: it is ${o.status} and has no item left to cancel`);
    await releaseInKeyOrder(t, id, open.map((i) => i.seqId), actor, reason);
    // An order NetSuite knows (exported, or with its id) must hear of the cancellation: the brokered-items feed closes its lines.
    const knownToNetsuite = o.feedFileId !== null || o.netsuiteOrderId !== null;
    await moveItems(t, id, open, 'cancel', null, reason, actor, knownToNetsuite ? { set: { netsuiteSync: 'CLOSE' } } : {});
    await refreshOrderStatus(t, id);
    return { kind: 'ok' as const, order: (await getOrder(t, id))! };
  });
}

type ItemRow = typeof orderItems.$inferSelect;

/**
 * Releases the active reservations of these items in (product, facility) order: the order every
 * reserver locks inventory rows in, so releasing never deadlocks with a brokering run.
 */
export async function releaseInKeyOrder(db: Db, orderId: string, seqs: string[], actor: string, reason: string) {
  const active = await db.select().from(reservations)
    .where(and(eq(reservations.orderId, orderId), inArray(reservations.orderItemSeqId, seqs), eq(reservations.status, 'ACTIVE')));
  active.sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : a.facilityId < b.facilityId ? -1 : a.facilityId > b.facilityId ? 1 : 0));
  for (const r of active) await closeReservation(db, orderId, r.orderItemSeqId, 'RELEASED', actor, reason);
}

/**
 * Applies one lifecycle event to items, moving them to `toFacility` (undefined keeps the current
 * place, null clears it), with history. Throws on an illegal transition: callers check first.
 */
export async function moveItems(
  db: Db, orderId: string, items: ItemRow[], event: ItemEvent, toFacility: string | null | undefined, reason: string, actor: string,
  extra: { runId?: string; rule?: string; set?: Partial<typeof orderItems.$inferInsert> } = {},
) {
  if (items.length === 0) return;
  const hist = [];
  for (const it of items) {
    const t = transitionItem(it.status as ItemStatus, event);
    if (!t.ok) throw new Error(`order ${orderId} item ${it.seqId}: ${t.message}`);
    const facilityId = toFacility === undefined ? it.facilityId : toFacility;
    await db.update(orderItems).set({ status: t.to, facilityId, updatedAt: new Date(), ...extra.set })
      .where(and(eq(orderItems.orderId, orderId), eq(orderItems.seqId, it.seqId)));
    hist.push({ orderId, orderItemSeqId: it.seqId, fromStatus: it.status, toStatus: t.to, fromFacilityId: it.facilityId, toFacilityId: facilityId, reason, actor, runId: extra.runId, rule: extra.rule });
  }
  await recordHistory(db, hist);
}

export async function getItemHistory(db: Db, orderId: string, seqId: string) {
  return db.select().from(itemHistory)
    .where(and(eq(itemHistory.orderId, orderId), eq(itemHistory.orderItemSeqId, seqId))).orderBy(asc(itemHistory.id));
}
