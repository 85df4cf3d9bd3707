/** The order aggregate: orders, their items and payments, the customers they create, and reads of them. */
import { and, asc, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { queryRows } from './rows';
import { customers, itemHistory, orderItems, orderPayments, orders, rejectionReasons, rejections, routingProfiles } from './schema';

export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;
export type OrderPaymentRow = typeof orderPayments.$inferSelect;

/** The settings of the default routing profile (`{}` when it has none). */
export async function defaultProfileSettings(db: Db): Promise<Record<string, unknown> | undefined> {
  const [p] = await db.select({ settings: routingProfiles.settings }).from(routingProfiles).where(eq(routingProfiles.id, 'default'));
  return p?.settings;
}

export async function customerIdByExternalId(db: Db, externalId: string): Promise<string | undefined> {
  const [c] = await db.select({ id: customers.id }).from(customers).where(eq(customers.externalId, externalId));
  return c?.id;
}

/** Inserts a customer; one with the same external id inserted meanwhile wins (nothing is inserted). */
export async function insertCustomer(db: Db, row: typeof customers.$inferInsert): Promise<void> {
  await db.insert(customers).values(row).onConflictDoNothing();
}

export async function insertOrderRow(db: Db, row: typeof orders.$inferInsert): Promise<void> {
  await db.insert(orders).values(row);
}

export async function insertOrderItems(db: Db, rows: (typeof orderItems.$inferInsert)[]): Promise<void> {
  await db.insert(orderItems).values(rows);
}

export async function insertOrderPayments(db: Db, rows: (typeof orderPayments.$inferInsert)[]): Promise<void> {
  await db.insert(orderPayments).values(rows);
}

export async function orderIdByExternalId(db: Db, externalId: string): Promise<string | undefined> {
  const [o] = await db.select({ id: orders.id }).from(orders).where(eq(orders.externalId, externalId));
  return o?.id;
}

/** The external ids among `externalIds` that an order already holds. */
export async function existingExternalIds(db: Db, externalIds: string[]): Promise<Set<string | null>> {
  const found = await db.select({ id: orders.externalId }).from(orders).where(inArray(orders.externalId, externalIds));
  return new Set(found.map((r) => r.id));
}

export async function orderRow(db: Db, id: string): Promise<OrderRow | undefined> {
  const [o] = await db.select().from(orders).where(eq(orders.id, id));
  return o;
}

/** The items of an order by sequence id. */
export function orderItemRows(db: Db, orderId: string): Promise<OrderItemRow[]> {
  return db.select().from(orderItems).where(eq(orderItems.orderId, orderId)).orderBy(asc(orderItems.seqId));
}

export function orderPaymentRows(db: Db, orderId: string): Promise<OrderPaymentRow[]> {
  return db.select().from(orderPayments).where(eq(orderPayments.orderId, orderId));
}

export async function orderItemRow(db: Db, orderId: string, seqId: string): Promise<OrderItemRow | undefined> {
  const [item] = await db.select().from(orderItems).where(and(eq(orderItems.orderId, orderId), eq(orderItems.seqId, seqId)));
  return item;
}

export interface OrderFilter {
  status?: string; facilityId?: string | readonly string[]; from?: Date; to?: Date; limit: number; offset: number;
  /** An order id or external id (exactly), or the start of a customer's e-mail, full name or last name (any case). */
  q?: string;
}

/** An order of a list, with its customer's name and e-mail (null without a customer). */
export type OrderListRow = OrderRow & { customerName: string | null; customerEmail: string | null };

/** `x` as the start of a LIKE pattern: its wildcards and the escape character match themselves. */
const likePrefix = (x: string) => `${x.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The orders a search term names: by id or external id (their unique indexes), or by a customer
 * whose e-mail, full name or last name starts with it (the prefix indexes of 0005, then
 * orders_customer_idx). One semi-join: each branch uses its own index.
 */
function searchCondition(q: string): SQL {
  const prefix = likePrefix(q);
  return sql`${orders.id} in (
    select o.id from orders o where o.id = ${q}
    union all
    select o.id from orders o where o.external_id = ${q}
    union all
    select o.id
    from customers c
    join orders o on o.customer_id = c.id
    where lower(c.email) like ${prefix}
      or lower(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) like ${prefix}
      or lower(c.last_name) like ${prefix})`;
}

/** Orders, newest first; `facilityId` matches orders with an item at that facility (or at one of those). */
export async function orderRows(db: Db, f: OrderFilter): Promise<OrderListRow[]> {
  const conds: SQL[] = [];
  if (f.status) conds.push(eq(orders.status, f.status));
  if (f.from) conds.push(gte(orders.orderDate, f.from));
  if (f.to) conds.push(lte(orders.orderDate, f.to));
  if (f.q) conds.push(searchCondition(f.q));
  if (f.facilityId) {
    conds.push(sql`exists (
      select 1
      from order_items item
      where item.order_id = ${orders.id}
        and item.facility_id = any(${sql.param([f.facilityId].flat())}::text[]))`);
  }
  const rows = await db.select({
    order: orders,
    customerName: sql<string | null>`nullif(trim(coalesce(${customers.firstName}, '') || ' ' || coalesce(${customers.lastName}, '')), '')`,
    customerEmail: customers.email,
  }).from(orders).leftJoin(customers, eq(customers.id, orders.customerId)).where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(orders.orderDate), asc(orders.id)).limit(f.limit).offset(f.offset);
  return rows.map((r) => ({ ...r.order, customerName: r.customerName, customerEmail: r.customerEmail }));
}

/** Locks the order row for the rest of the transaction; per-order mutations are serialised. */
export async function lockOrder(tx: Tx, id: string): Promise<OrderRow | undefined> {
  const [o] = await tx.select().from(orders).where(eq(orders.id, id)).for('update');
  return o;
}

/** The statuses of an order's items. */
export async function itemStatuses(db: Db, orderId: string): Promise<string[]> {
  const items = await db.select({ status: orderItems.status }).from(orderItems).where(eq(orderItems.orderId, orderId));
  return items.map((i) => i.status);
}

/** Stores the order's status (and `extra` columns), stamped now. */
export async function setOrderStatus(db: Db, id: string, status: string, extra: Partial<typeof orders.$inferInsert> = {}): Promise<void> {
  await db.update(orders).set({ status, updatedAt: new Date(), ...extra }).where(eq(orders.id, id));
}

/** Sets columns of one item, stamped now. */
export async function updateOrderItem(db: Db, orderId: string, seqId: string, set: Partial<typeof orderItems.$inferInsert>): Promise<void> {
  await db.update(orderItems).set({ ...set, updatedAt: new Date() }).where(and(eq(orderItems.orderId, orderId), eq(orderItems.seqId, seqId)));
}

/** An item's moves, oldest first. */
export function itemHistoryRows(db: Db, orderId: string, seqId: string): Promise<(typeof itemHistory.$inferSelect)[]> {
  return db.select().from(itemHistory)
    .where(and(eq(itemHistory.orderId, orderId), eq(itemHistory.orderItemSeqId, seqId))).orderBy(asc(itemHistory.id));
}

/** Every move of every item of an order, oldest first. */
export function orderHistoryRows(db: Db, orderId: string): Promise<(typeof itemHistory.$inferSelect)[]> {
  return db.select().from(itemHistory).where(eq(itemHistory.orderId, orderId)).orderBy(asc(itemHistory.id));
}

/** The rejections of an order's items with the reason's description, oldest first. */
export function orderRejectionRows(db: Db, orderId: string) {
  return db.select({
    id: rejections.id, seqId: rejections.orderItemSeqId, facilityId: rejections.facilityId, quantity: rejections.quantity,
    source: rejections.source, reason: rejections.reason, reasonDescription: rejectionReasons.description, comments: rejections.comments,
    actor: rejections.actor, createdAt: rejections.createdAt,
  }).from(rejections).leftJoin(rejectionReasons, eq(rejectionReasons.id, rejections.reason))
    .where(eq(rejections.orderId, orderId)).orderBy(asc(rejections.id));
}

/** A customer's name, e-mail and phone. */
export async function customerContact(db: Db, id: string) {
  const [c] = await db.select({ firstName: customers.firstName, lastName: customers.lastName, email: customers.email, phone: customers.phone })
    .from(customers).where(eq(customers.id, id));
  return c;
}

/** An item of a store's queue with what the Store Fulfillment App shows (of the customer, the ship-to city and state only). */
export interface StoreQueueRow {
  orderId: string; seqId: string; quantity: number; status: string;
  productId: string; productName: string; sku: string;
  orderDate: Date; shippingMethod: string | null; shipToCity: string | null; shipToState: string | null;
  /** The order date at full precision, as the database writes it: the keyset of the next page. */
  orderDateKey: string;
}

/** Where a page of a store's queue starts: after this item (order date at full precision, order, item). */
export interface StoreQueueKey { orderDate: string; orderId: string; seqId: string }

/**
 * Items at a facility still to pack or ship (ALLOCATED or PACKED), oldest order first (order date,
 * order id, item), after `after`, at most `limit`: one statement with the product and the order.
 */
export function storeQueueRows(db: Db, facilityId: string, after: StoreQueueKey | null, limit: number): Promise<StoreQueueRow[]> {
  const from = after
    ? sql`and (o.order_date, oi.order_id, oi.seq_id) > (${after.orderDate}::timestamptz, ${after.orderId}::text, ${after.seqId}::text)`
    : sql``;
  return queryRows<StoreQueueRow>(db, sql`
    select oi.order_id as "orderId",
           oi.seq_id as "seqId",
           oi.quantity,
           oi.status,
           oi.product_id as "productId",
           p.name as "productName",
           p.sku,
           o.order_date as "orderDate",
           o.order_date::text as "orderDateKey",
           o.shipping_method as "shippingMethod",
           o.ship_to->>'city' as "shipToCity",
           o.ship_to->>'state' as "shipToState"
    from order_items oi
    join orders o on o.id = oi.order_id
    join products p on p.id = oi.product_id
    where oi.facility_id = ${facilityId}
      and oi.status in ('ALLOCATED', 'PACKED')
      ${from}
    order by o.order_date, oi.order_id, oi.seq_id
    limit ${limit}`);
}
