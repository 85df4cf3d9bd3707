/**
 * The export selections of the OMS → NetSuite feeds: which records each feed may send (claimed
 * inside the claim transaction, under the feed's advisory lock), the records of a file (read page
 * by page, by file id), and the records that wait. One statement per function. Brokered items
 * have theirs in `outbox.repo.ts`.
 */
import { and, asc, eq, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { queryRows, textArray } from './rows';
import { customers, orders, type ShipTo } from './schema';


/**
 * `col` is a safe NetSuite id (null is not): the `SAFE_ID_RE` of the codec (`cells.ts`); an id that
 * does not match would make the encoder refuse the whole file, so such rows are never claimed
 * (they wait and are counted as `invalidIds`). Written as `*` plus a length check: PostgreSQL's
 * regex engine expands a bounded repetition like `{0,254}` into a large automaton, ~10× slower per row.
 */
const safeId = (col: SQL) => sql`coalesce(${col} ~ '^[A-Za-z0-9_][A-Za-z0-9_.:#/@+-]*$' and length(${col}) <= 255, false)`;

// --- sales orders (orders.feed_file_id) -------------------------------------------------------

/** An order as the sales-order feed sends it, with its customer's and origin facility's NetSuite ids. */
export interface OrderHead {
  id: string; externalId: string | null; orderDate: Date | string; salesChannel: string; shippingMethod: string | null;
  shippingCost: string | null; shipTo: ShipTo; customer: string; email: string | null; location: string | null;
}

const orderHeads = (db: Db, where: SQL, limit: number) => queryRows<OrderHead>(db, sql`
  select o.id,
         o.external_id as "externalId",
         o.order_date as "orderDate",
         o.sales_channel as "salesChannel",
         o.shipping_method as "shippingMethod",
         o.shipping_cost::text as "shippingCost",
         o.ship_to as "shipTo",
         c.netsuite_customer_id as customer,
         c.email,
         fo.netsuite_location_id as location
  from orders o
  join customers c on c.id = o.customer_id
  left join facilities fo on fo.id = o.origin_facility_id
  where ${where}
  order by o.id
  limit ${limit}`);

/**
 * The next orders (after `after`, in id order) the sales-order feed may send: not sent, not
 * CANCELLED, the customer's NetSuite id known and every original line's product's item id too.
 */
export function unsentOrderHeads(db: Db, after: string, limit: number): Promise<OrderHead[]> {
  return orderHeads(db, sql`o.feed_file_id is null and o.status <> 'CANCELLED' and c.netsuite_customer_id is not null
    and not exists (select 1 from order_items oi join products p on p.id = oi.product_id
                    where oi.order_id = o.id and oi.parent_seq_id is null and p.netsuite_item_id is null)
    and o.id > ${after}`, limit);
}

/** A page of the orders of a sales-order file, after `after`. */
export function orderHeadsOfFile(db: Db, fileId: string, after: string, limit: number): Promise<OrderHead[]> {
  return orderHeads(db, sql`o.feed_file_id = ${fileId} and o.id > ${after}`, limit);
}

/** An item of an exported order, with its product's NetSuite item id. */
export interface OrderLineRow { orderId: string; seqId: string; parentSeqId: string | null; status: string; item: string; unitPrice: string; quantity: number }

/** Every item of the orders (original lines and the pieces split from them), by order and seq id. */
export function orderItemsForExport(db: Db, orderIds: string[]): Promise<OrderLineRow[]> {
  return queryRows<OrderLineRow>(db, sql`
    select oi.order_id as "orderId",
           oi.seq_id as "seqId",
           oi.parent_seq_id as "parentSeqId",
           oi.status,
           p.netsuite_item_id as item,
           oi.unit_price::text as "unitPrice",
           oi.quantity
    from order_items oi
    join products p on p.id = oi.product_id
    where oi.order_id = any(${textArray(orderIds)})
    order by oi.order_id, oi.seq_id`);
}

/** Marks the orders not sent yet among `ids` with the file; returns the ids marked. */
export async function markOrdersExported(tx: Tx, fileId: string, ids: string[]): Promise<string[]> {
  const marked = await tx.update(orders).set({ feedFileId: fileId })
    .where(and(inArray(orders.id, ids), sql`${orders.feedFileId} is null`)).returning({ id: orders.id });
  return marked.map((m) => m.id);
}

/** Unsent, uncancelled orders waiting for their customer's NetSuite id, and those waiting for an item id. */
export async function countOrdersWaitingForIds(db: Db): Promise<{ customer: number; items: number }> {
  const [r] = await queryRows<{ customer: number; items: number }>(db, sql`
    select count(*) filter (where c.netsuite_customer_id is null)::int as customer,
           count(*) filter (where c.netsuite_customer_id is not null and exists (
             select 1 from order_items oi join products p on p.id = oi.product_id
             where oi.order_id = o.id and oi.parent_seq_id is null and p.netsuite_item_id is null))::int as items
    from orders o
    left join customers c on c.id = o.customer_id
    where o.feed_file_id is null and o.status <> 'CANCELLED'`);
  return { customer: r?.customer ?? 0, items: r?.items ?? 0 };
}

// --- customers (customers.feed_file_id) -------------------------------------------------------

/** A customer row. */
export type CustomerRecord = typeof customers.$inferSelect;

/** Locks the next unsent customers after `after`, in id order (those another claim holds are skipped). */
export function lockUnsentCustomers(tx: Tx, after: string, limit: number): Promise<CustomerRecord[]> {
  return tx.select().from(customers)
    .where(and(isNull(customers.feedFileId), gt(customers.id, after)))
    .orderBy(asc(customers.id)).limit(limit).for('update', { skipLocked: true });
}

/** Marks the customers not sent yet among `ids` with the file. */
export async function markCustomersExported(tx: Tx, fileId: string, ids: string[]): Promise<void> {
  await tx.update(customers).set({ feedFileId: fileId }).where(and(inArray(customers.id, ids), isNull(customers.feedFileId)));
}

/** A page of the customers of a customer file, after `after`. */
export function customersOfFile(db: Db, fileId: string, after: string, limit: number): Promise<CustomerRecord[]> {
  return db.select().from(customers)
    .where(and(eq(customers.feedFileId, fileId), gt(customers.id, after)))
    .orderBy(asc(customers.id)).limit(limit);
}

// --- customer deposits (order_payments.feed_file_id) ------------------------------------------

/** A payment as the deposit feed sends it, with its order's NetSuite id. */
export interface PaymentExportRow { id: string; method: string; amount: string; nsOrderId: string }

const unsentPayment = sql`p.feed_file_id is null and p.amount > 0`;

/** Locks the next unsent positive payments of orders with a NetSuite id, after `after` (locked ones skipped). */
export function lockUnsentPayments(tx: Tx, after: string, limit: number): Promise<PaymentExportRow[]> {
  return queryRows<PaymentExportRow>(tx, sql`
    select p.id,
           p.method,
           p.amount::text as amount,
           o.netsuite_order_id as "nsOrderId"
    from order_payments p
    join orders o on o.id = p.order_id
    where ${unsentPayment} and o.netsuite_order_id is not null and p.id > ${after}
    order by p.id
    limit ${limit}
    for update of p skip locked`);
}

/** Marks the payments not sent yet among `ids` with the file; returns how many were marked. */
export async function markPaymentsExported(tx: Tx, fileId: string, ids: string[]): Promise<number> {
  const marked = await queryRows<{ id: string }>(tx, sql`
    update order_payments
    set feed_file_id = ${fileId}
    where id = any(${textArray(ids)}) and feed_file_id is null
    returning id`);
  return marked.length;
}

/** Unsent payments of uncancelled orders that have no NetSuite id yet. */
export async function countPaymentsWaitingForOrderId(db: Db): Promise<number> {
  const [r] = await queryRows<{ n: number }>(db, sql`
    select count(*)::int as n
    from order_payments p
    join orders o on o.id = p.order_id
    where ${unsentPayment} and o.netsuite_order_id is null and o.status <> 'CANCELLED'`);
  return r?.n ?? 0;
}

/** A page of the payments of a deposit file, after `after`. */
export function paymentsOfFile(db: Db, fileId: string, after: string, limit: number): Promise<PaymentExportRow[]> {
  return queryRows<PaymentExportRow>(db, sql`
    select p.id,
           p.method,
           p.amount::text as amount,
           o.netsuite_order_id as "nsOrderId"
    from order_payments p
    join orders o on o.id = p.order_id
    where p.feed_file_id = ${fileId} and p.id > ${after}
    order by p.id
    limit ${limit}`);
}

// --- fulfilled items (external_fulfillment of kind FULFILLED) ---------------------------------

/** Store shipments not sent yet: a CONSUMED reservation of a SHIPPED item at an OMS-fulfilled, non-virtual facility. */
const unsentShipments = (extra: SQL) => sql`
  from reservations r
  join order_items oi on oi.order_id = r.order_id and oi.seq_id = r.order_item_seq_id
  join facilities f on f.id = r.facility_id
  join orders o on o.id = r.order_id
  join products p on p.id = oi.product_id
  where r.status = 'CONSUMED' and oi.status = 'SHIPPED'
    and f.fulfillment_system = 'OMS' and f.type <> 'VIRTUAL'
    and not exists (select 1 from external_fulfillment ef
                    where ef.reservation_id = r.id and ef.kind = 'FULFILLED' and ef.superseded_at is null)
    ${extra}`;

/**
 * The line NetSuite will find: its line id, or — for a piece of a split line never announced, once
 * every original line of the order is known — a new line (empty lineId + orderLineId).
 */
const lineKnownOrNew = sql`(oi.netsuite_line_id is not null or (
  oi.parent_seq_id is not null
  and not exists (select 1 from external_fulfillment ea
                  where ea.order_id = oi.order_id and ea.order_item_seq_id = oi.seq_id
                    and ea.line_id is null and ea.superseded_at is null)
  and not exists (select 1 from order_items o2
                  where o2.order_id = oi.order_id and o2.parent_seq_id is null and o2.netsuite_line_id is null)))`;
const shipmentIdsPresent = sql`o.netsuite_order_id is not null and ${lineKnownOrNew} and f.netsuite_location_id is not null`;
const shipmentIdsValid = sql`${safeId(sql`o.netsuite_order_id`)} and (oi.netsuite_line_id is null or ${safeId(sql`oi.netsuite_line_id`)})
  and ${safeId(sql`f.netsuite_location_id`)} and ${safeId(sql`oi.seq_id`)}
  and (p.netsuite_item_id is null or ${safeId(sql`p.netsuite_item_id`)})`;

/** What a shipment claim did: rows inserted, shipments looked at, first and last outbox id, last reservation id. */
export interface ShipmentClaim { n: number; picked: number; first: string | null; lastId: string | null; last: string | null }

/**
 * Claims the next unsent shipments with every id present and valid (after reservation `after`)
 * into FULFILLED outbox rows of the file, in reservation order.
 */
export async function claimUnsentShipments(tx: Tx, fileId: string, after: number, limit: number): Promise<ShipmentClaim | undefined> {
  const [r] = await queryRows<ShipmentClaim>(tx, sql`
    with picked as (
      select r.id as reservation_id,
             r.order_id,
             r.order_item_seq_id,
             r.facility_id,
             oi.quantity,
             oi.netsuite_line_id as line_id,
             f.netsuite_location_id as location
      ${unsentShipments(sql`and r.id > ${after} and ${shipmentIdsPresent} and ${shipmentIdsValid}`)}
      order by r.id
      limit ${limit}
    ), ins as (
      insert into external_fulfillment (
        reservation_id,
        order_id,
        order_item_seq_id,
        facility_id,
        quantity,
        kind,
        line_id,
        location,
        feed_file_id)
      select reservation_id,
             order_id,
             order_item_seq_id,
             facility_id,
             quantity,
             'FULFILLED',
             line_id,
             location,
             ${fileId}
      from picked
      order by reservation_id
      on conflict do nothing
      returning id
    )
    select (select count(*) from ins)::int as n,
           (select count(*) from picked)::int as picked,
           (select min(id) from ins)::text as first,
           (select max(id) from ins)::text as "lastId",
           (select max(reservation_id) from picked)::text as last`);
  return r;
}

/** Unsent shipments waiting for an id, and those with an id NetSuite would refuse. */
export async function countShipmentsWaiting(db: Db): Promise<{ waiting: number; invalid: number }> {
  const [r] = await queryRows<{ waiting: number; invalid: number }>(db, sql`
    select count(*) filter (where not (${shipmentIdsPresent}))::int as waiting,
           count(*) filter (where ${shipmentIdsPresent} and not (${shipmentIdsValid}))::int as invalid
    ${unsentShipments(sql``)}`);
  return { waiting: r?.waiting ?? 0, invalid: r?.invalid ?? 0 };
}

// --- inventory adjustments (variances.feed_file_id) -------------------------------------------

const unsentVariances = (extra: SQL) => sql`
  from variances v
  join products p on p.id = v.product_id
  join facilities f on f.id = v.facility_id
  where v.push_to_netsuite and v.feed_file_id is null and v.quantity <> 0 ${extra}`;

const varianceIdsPresent = sql`p.netsuite_item_id is not null and f.netsuite_location_id is not null`;
const varianceIdsValid = sql`${safeId(sql`v.id`)} and ${safeId(sql`p.netsuite_item_id`)} and ${safeId(sql`f.netsuite_location_id`)}`;

/**
 * Marks the next unsent variances to push with valid ids (after `after`, in id order; locked ones
 * skipped) with the file. `n`: marked, `picked`: looked at, `last`: the last variance id looked at.
 */
export async function claimUnsentVariances(
  tx: Tx, fileId: string, after: string, limit: number,
): Promise<{ n: number; picked: number; last: string | null } | undefined> {
  const [r] = await queryRows<{ n: number; picked: number; last: string | null }>(tx, sql`
    with picked as (
      select v.id ${unsentVariances(sql`and v.id > ${after} and ${varianceIdsValid}`)}
      order by v.id
      limit ${limit}
      for update of v skip locked
    ), upd as (
      update variances v
      set feed_file_id = ${fileId}
      from picked
      where v.id = picked.id and v.feed_file_id is null
      returning v.id
    )
    select (select count(*) from upd)::int as n,
           (select count(*) from picked)::int as picked,
           (select max(id) from picked) as last`);
  return r;
}

/** Unsent variances waiting for an id, and those with an id NetSuite would refuse. */
export async function countVariancesWaiting(db: Db): Promise<{ waiting: number; invalid: number }> {
  const [r] = await queryRows<{ waiting: number; invalid: number }>(db, sql`
    select count(*) filter (where not (${varianceIdsPresent}))::int as waiting,
           count(*) filter (where ${varianceIdsPresent} and not (${varianceIdsValid}))::int as invalid
    ${unsentVariances(sql``)}`);
  return { waiting: r?.waiting ?? 0, invalid: r?.invalid ?? 0 };
}

/** A recorded variance as the inventory-adjustment feed sends it, with its product's and facility's NetSuite ids. */
export interface VarianceExportRow {
  id: string; reason: string; quantity: number; orderId: string | null; createdAt: Date | string; item: string; location: string;
}

/** A page of the variances of an inventory-adjustment file, after `after`. */
export function variancesOfFile(db: Db, fileId: string, after: string, limit: number): Promise<VarianceExportRow[]> {
  return queryRows<VarianceExportRow>(db, sql`
    select v.id,
           v.reason,
           v.quantity,
           v.order_id as "orderId",
           v.created_at as "createdAt",
           p.netsuite_item_id as item,
           f.netsuite_location_id as location
    from variances v
    join products p on p.id = v.product_id
    join facilities f on f.id = v.facility_id
    where v.push_to_netsuite and v.feed_file_id = ${fileId} and v.id > ${after}
    order by v.id
    limit ${limit}`);
}
