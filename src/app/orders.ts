/**
 * Order use cases: create (idempotent on the external id), read, list, approve, cancel, and an
 * item's history. Each mutation takes the caller's transaction (`Tx`), locks the order row, and
 * writes a history row for every item it moves.
 */
import type { Db, Tx } from '../db/client';
import type { orderItems, orders } from '../db/schema';
import { existingProductIds, facilityRow, insertAutoCreatedProducts, takenSkus } from '../db/catalog.repo';
import { recordHistory } from '../db/history.repo';
import { activeReservationsOf, closeReservation } from '../db/inventory.repo';
import {
  customerIdByExternalId, defaultProfileSettings, insertCustomer, insertOrderItems, insertOrderPayments, insertOrderRow, itemHistoryRows,
  itemStatuses, lockOrder, orderIdByExternalId, orderItemRows, orderPaymentRows, orderRow, orderRows, setOrderStatus, updateOrderItem,
  type OrderItemRow, type OrderListRow, type OrderRow,
} from '../db/orders.repo';
import { BROKERING_QUEUE } from '../db/reference-data';
import { deriveOrderStatus, transitionItem, type ItemEvent, type ItemStatus } from '../domain/lifecycle';
import { itemSeqId, newId } from '../domain/ids';
import { conflict, illegal, invalid, notFound, type Failure } from '../domain/result';
import { lookupUsZip } from '../geo/zip';
import { parseOrderInput, type FieldError, type OrderInput } from './order-input';
import { boundedPage, pageOf, readAhead, type Page } from '../domain/paging';

/** Re-exported for the use cases that move items of a locked order (brokering's Exception retry). */
export { lockOrder } from '../db/orders.repo';

/** An order with its items (by sequence id) and payments. */
export type Order = OrderRow & { items: OrderItemRow[]; payments: Awaited<ReturnType<typeof orderPaymentRows>> };

/** `existing`: an order with the input's external id was there already (nothing was written). */
export type CreateOrderResult =
  | { kind: 'created'; order: Order }
  | { kind: 'existing'; order: Order }
  | Failure;

/** Whether unknown products are created on the fly (the default profile's `autoCreateProduct`). */
export async function autoCreateProductsEnabled(db: Db): Promise<boolean> {
  const settings = (await defaultProfileSettings(db)) as { autoCreateProduct?: boolean } | undefined;
  return settings?.autoCreateProduct !== false;
}

/** A unique-index violation on the orders' external id (two creates of one order at once). */
const isDuplicateExternalId = (e: unknown) =>
  /orders_external_uq|duplicate key/.test(String((e as Error).message) + String((e as { cause?: Error }).cause?.message));

/**
 * Creates an order in the caller's transaction, or returns the one with its external id. The
 * writes run in a savepoint: when another create of the same external id commits first, the
 * unique index refuses this one, its writes roll back alone and the winner is returned.
 */
export async function createOrder(tx: Tx, raw: unknown, actor = 'api'): Promise<CreateOrderResult> {
  const parsed = parseOrderInput(raw);
  if (!parsed.ok) return invalid(parsed.errors);
  const input = parsed.value;
  if (input.externalId) {
    const existing = await findByExternalId(tx, input.externalId);
    if (existing) return { kind: 'existing', order: existing };
  }
  const autoCreate = await autoCreateProductsEnabled(tx);
  try {
    return await tx.transaction(async (sp) => {
      const known = await existingProductIds(sp, [...new Set(input.items.map((i) => i.productId))]);
      const problems = await referenceProblems(sp, input, autoCreate, known);
      if (problems.length) return invalid(problems);
      const id = newId('ORD');
      await insertOrder(sp, id, input, autoCreate ? known : null, actor);
      return { kind: 'created' as const, order: (await getOrder(sp, id))! };
    });
  } catch (e) {
    if (input.externalId && isDuplicateExternalId(e)) {
      const existing = await findByExternalId(tx, input.externalId);
      if (existing) return { kind: 'existing', order: existing };
    }
    throw e;
  }
}

async function referenceProblems(db: Db, input: OrderInput, autoCreate: boolean, known: Set<string>): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  if (!autoCreate) {
    input.items.forEach((it, i) => {
      if (!known.has(it.productId)) problems.push({ field: `items[${i}].productId`, message: `unknown product ${it.productId} (auto-create is off)` });
    });
  }
  if (input.facilityId && !(await facilityRow(db, input.facilityId))) {
    problems.push({ field: 'facilityId', message: `unknown facility ${input.facilityId}` });
  }
  return problems;
}

/** Creates the order's products not in `knownProducts`. */
async function createMissingProducts(db: Db, input: OrderInput, knownProducts: Set<string>) {
  const missing = [...new Set(input.items.map((i) => i.productId))].filter((pid) => !knownProducts.has(pid));
  if (!missing.length) return;
  // An auto-created product takes its id as SKU unless another product already holds that SKU.
  const taken = await takenSkus(db, missing);
  await insertAutoCreatedProducts(db, missing.map((pid) => ({ id: pid, sku: taken.has(pid) ? `AUTO:${pid}` : pid, name: pid })));
}

/** The customer of the order: the one with its external id, else a new one. */
async function customerOf(db: Db, c: NonNullable<OrderInput['customer']>): Promise<string> {
  const found = c.externalId ? await customerIdByExternalId(db, c.externalId) : undefined;
  if (found) return found;
  const id = newId('CUS');
  await insertCustomer(db, { id, externalId: c.externalId, firstName: c.firstName, lastName: c.lastName, email: c.email, phone: c.phone });
  // Another order may have inserted the customer meanwhile: its row is the one.
  return c.externalId ? (await customerIdByExternalId(db, c.externalId))! : id;
}

/** `knownProducts` set: auto-create the order's other products; null: auto-create is off. */
async function insertOrder(db: Db, id: string, input: OrderInput, knownProducts: Set<string> | null, actor: string) {
  if (knownProducts) await createMissingProducts(db, input, knownProducts);
  const customerId = input.customer ? await customerOf(db, input.customer) : null;
  const shipTo = { ...input.shipTo };
  if (shipTo.latitude === undefined && shipTo.country === 'US' && shipTo.postalCode) {
    const p = lookupUsZip(shipTo.postalCode);
    if (p) { shipTo.latitude = p.latitude; shipTo.longitude = p.longitude; }
  }
  await insertOrderRow(db, {
    id, externalId: input.externalId, salesChannel: input.salesChannel, accountingCode: input.accountingCode,
    priority: input.priority, orderDate: input.orderDate ?? new Date(), status: 'CREATED', customerId,
    originFacilityId: input.facilityId, shipTo, shippingMethod: input.shippingMethod,
    shippingCost: input.shippingCost?.toFixed(2), currency: input.currency,
  });
  const items = input.items.map((it, i) => ({
    orderId: id, seqId: itemSeqId(i + 1), productId: it.productId, quantity: it.quantity, unitPrice: it.unitPrice.toFixed(2), status: 'CREATED',
  }));
  await insertOrderItems(db, items);
  if (input.payments.length) {
    await insertOrderPayments(db, input.payments.map((p) => ({ id: newId('PAY'), orderId: id, method: p.method, amount: p.amount.toFixed(2) })));
  }
  await recordHistory(db, items.map((it) => ({ orderId: id, orderItemSeqId: it.seqId, toStatus: 'CREATED', reason: 'ORDER_CREATED', actor })));
}

async function findByExternalId(db: Db, externalId: string): Promise<Order | undefined> {
  const id = await orderIdByExternalId(db, externalId);
  return id ? getOrder(db, id) : undefined;
}

export async function getOrder(db: Db, id: string): Promise<Order | undefined> {
  const o = await orderRow(db, id);
  if (!o) return undefined;
  const items = await orderItemRows(db, id);
  const payments = await orderPaymentRows(db, id);
  return { ...o, items, payments };
}

export interface OrderFilter {
  status?: string; facilityId?: string | readonly string[]; from?: Date; to?: Date; limit?: number; offset?: number;
  /** An order id or external id, or the start of a customer's e-mail, full name or last name (any case). */
  q?: string;
}

/**
 * A page of orders, newest first (at most 500, default 50), each with its customer's name and
 * e-mail; `facilityId` matches orders with an item at that facility; `q` searches (blank: no search).
 */
export async function listOrders(db: Db, f: OrderFilter): Promise<Page<OrderListRow>> {
  const page = boundedPage(f, 500, 50);
  const q = f.q?.trim() || undefined;
  return pageOf(await orderRows(db, { ...f, q, ...readAhead(page) }), page);
}

/** Re-derives and stores the order status from its items. */
export async function refreshOrderStatus(tx: Tx, id: string, extra: Partial<typeof orders.$inferInsert> = {}) {
  const status = deriveOrderStatus((await itemStatuses(tx, id)) as ItemStatus[]);
  await setOrderStatus(tx, id, status, extra);
  return status;
}

/** The order after an approve or a cancel, or why it did not happen. */
export type MutationResult = { kind: 'ok'; order: Order } | Failure;

/** Approves a CREATED order: its items enter the brokering queue. */
export async function approveOrder(tx: Tx, id: string, actor = 'api'): Promise<MutationResult> {
  const o = await lockOrder(tx, id);
  if (!o) return notFound('order', id);
  if (o.status !== 'CREATED') return illegal(`cannot approve order ${id}: it is ${o.status} (only CREATED orders can be approved)`);
  const items = await orderItemRows(tx, id);
  await moveItems(tx, id, items.filter((i) => i.status === 'CREATED'), 'approve', BROKERING_QUEUE, 'ORDER_APPROVED', actor);
  await refreshOrderStatus(tx, id);
  return { kind: 'ok', order: (await getOrder(tx, id))! };
}

/** Cancels every item not yet shipped or cancelled and releases their reservations. */
export async function cancelOrder(tx: Tx, id: string, actor = 'api', reason = 'ORDER_CANCELLED'): Promise<MutationResult> {
  const o = await lockOrder(tx, id);
  if (!o) return notFound('order', id);
  const items = await orderItemRows(tx, id);
  const open = items.filter((i) => transitionItem(i.status as ItemStatus, 'cancel').ok);
  if (open.length === 0) return illegal(`cannot cancel order ${id}: it is ${o.status} and has no item left to cancel`);
  await releaseInKeyOrder(tx, id, open.map((i) => i.seqId), actor, reason);
  // An order NetSuite knows (exported, or with its id) must hear of the cancellation: the brokered-items feed closes its lines.
  const knownToNetsuite = o.feedFileId !== null || o.netsuiteOrderId !== null;
  await moveItems(tx, id, open, 'cancel', null, reason, actor, knownToNetsuite ? { set: { netsuiteSync: 'CLOSE' } } : {});
  await refreshOrderStatus(tx, id);
  return { kind: 'ok', order: (await getOrder(tx, id))! };
}

/** (product, facility) order. */
const byStockKey = (a: { productId: string; facilityId: string }, b: { productId: string; facilityId: string }) =>
  (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : a.facilityId < b.facilityId ? -1 : a.facilityId > b.facilityId ? 1 : 0);

/**
 * Releases the active reservations of these items in (product, facility) order: the order every
 * reserver locks inventory rows in, so releasing never deadlocks with a brokering run.
 */
export async function releaseInKeyOrder(tx: Tx, orderId: string, seqs: string[], actor: string, reason: string) {
  const active = (await activeReservationsOf(tx, orderId, seqs)).sort(byStockKey);
  for (const r of active) await closeReservation(tx, orderId, r.orderItemSeqId, 'RELEASED', actor, reason);
}

/**
 * Applies one lifecycle event to items, moving them to `toFacility` (undefined keeps the current
 * place, null clears it), with history. Throws on an illegal transition: callers check first.
 */
export async function moveItems(
  tx: Tx, orderId: string, items: Pick<OrderItemRow, 'seqId' | 'status' | 'facilityId'>[], event: ItemEvent,
  toFacility: string | null | undefined, reason: string, actor: string,
  extra: { runId?: string; rule?: string; set?: Partial<typeof orderItems.$inferInsert> } = {},
) {
  if (items.length === 0) return;
  const hist = [];
  for (const it of items) {
    const t = transitionItem(it.status as ItemStatus, event);
    if (!t.ok) throw new Error(`order ${orderId} item ${it.seqId}: ${t.message}`);
    const facilityId = toFacility === undefined ? it.facilityId : toFacility;
    await updateOrderItem(tx, orderId, it.seqId, { status: t.to, facilityId, ...extra.set });
    hist.push({
      orderId, orderItemSeqId: it.seqId, fromStatus: it.status, toStatus: t.to, fromFacilityId: it.facilityId, toFacilityId: facilityId,
      reason, actor, runId: extra.runId, rule: extra.rule,
    });
  }
  await recordHistory(tx, hist);
}

/** An item's moves, oldest first. */
export function getItemHistory(db: Db, orderId: string, seqId: string) {
  return itemHistoryRows(db, orderId, seqId);
}

/**
 * The item is not at the caller's facility, but was there: another operation (a parallel reject
 * that won, a brokering of the freed item) moved it meanwhile. That is a conflict, not "not found";
 * an item that was never at the facility gets undefined (the caller answers "not found", leaking nothing).
 */
export async function movedAway(tx: Tx, item: { orderId: string; seqId: string }, facilityId: string): Promise<Failure | undefined> {
  const history = await getItemHistory(tx, item.orderId, item.seqId);
  if (!history.some((h) => h.fromFacilityId === facilityId)) return undefined;
  return conflict(`item ${item.orderId}/${item.seqId} is no longer at ${facilityId}: another operation moved it`);
}
