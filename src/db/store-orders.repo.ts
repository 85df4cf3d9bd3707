/**
 * The Store Fulfillment App's read model and the one write it adds: a store's orders with their
 * items at the store (one statement for a page of them, one for the counts per tab), and the split
 * of an allocated item that a partial reject needs (the item's quantity, its new piece, and its
 * reservation shared between the two).
 *
 * An item belongs to a store's list while it is ALLOCATED or PACKED there, or was SHIPPED from
 * there since `since` (the start of the day). An order's tab follows from those items:
 * `open` (all still to pack), `in-progress` (one is packed, or one already left), or
 * `completed-today` (none left to do, one shipped today).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { queryRows } from './rows';

export const STORE_TABS = ['open', 'in-progress', 'completed-today'] as const;
export type StoreTab = (typeof STORE_TABS)[number];

export interface StoreOrderFilter {
  facilityId: string;
  /** Items shipped from the store at or after this instant count as done today. */
  since: Date;
  tab?: StoreTab;
  orderId?: string;
  /** Part of an order id or external id, a product's SKU, or the customer's or ship-to name (any case). */
  q?: string;
}

export interface StoreItemRow {
  seqId: string; parentSeqId: string | null; productId: string; sku: string; productName: string; quantity: number;
  status: string; carrier: string | null; trackingNumber: string | null; shippedAt: string | null;
}

export interface StoreOrderRow {
  id: string; externalId: string | null; orderDate: Date; status: string; shippingMethod: string | null; salesChannel: string;
  /** The ship-to without phone and coordinates. */
  shipTo: { name?: string; address1?: string; address2?: string; city?: string; state?: string; postalCode?: string; country?: string };
  customerName: string | null;
  tab: StoreTab;
  items: StoreItemRow[];
}

/** The store's items that make its lists, and each order's tab (the statement's common part). */
function storeTabs(f: StoreOrderFilter): SQL {
  return sql`
    with at_store as (
      select oi.order_id,
             oi.seq_id,
             oi.parent_seq_id,
             oi.product_id,
             oi.quantity,
             oi.status,
             oi.carrier,
             oi.tracking_number,
             oi.shipped_at
      from order_items oi
      where oi.facility_id = ${f.facilityId}
        and (oi.status in ('ALLOCATED', 'PACKED') or (oi.status = 'SHIPPED' and oi.shipped_at >= ${f.since.toISOString()}::timestamptz))
        ${f.orderId === undefined ? sql`` : sql`and oi.order_id = ${f.orderId}`}
    ),
    tabbed as (
      select order_id,
             case
               when not bool_or(status in ('ALLOCATED', 'PACKED')) then 'completed-today'
               when bool_or(status <> 'ALLOCATED') then 'in-progress'
               else 'open'
             end as tab
      from at_store
      group by order_id
    )`;
}

/** The search condition on `o` (orders), `c` (customers) and the order's items at the store; true without `q`. */
function matches(q: string | undefined): SQL {
  if (!q) return sql`true`;
  const has = (column: SQL) => sql`strpos(lower(${column}), lower(${q})) > 0`;
  return sql`(
        ${has(sql`o.id`)}
        or ${has(sql`coalesce(o.external_id, '')`)}
        or ${has(sql`concat_ws(' ', c.first_name, c.last_name)`)}
        or ${has(sql`coalesce(o.ship_to ->> 'name', '')`)}
        or exists (
          select 1
          from at_store s
          join products p on p.id = s.product_id
          where s.order_id = o.id
            and (${has(sql`p.sku`)} or lower(p.id) = lower(${q}))))`;
}

/** A page of the store's orders (oldest first) with their items at the store, products named, in one statement. */
export async function storeOrderRows(db: Db, f: StoreOrderFilter, page: { limit: number; offset: number }): Promise<StoreOrderRow[]> {
  const rows = await queryRows<StoreOrderRow>(db, sql`
    ${storeTabs(f)}
    select o.id,
           o.external_id as "externalId",
           o.order_date as "orderDate",
           o.status,
           o.shipping_method as "shippingMethod",
           o.sales_channel as "salesChannel",
           jsonb_strip_nulls(jsonb_build_object(
             'name', o.ship_to ->> 'name',
             'address1', o.ship_to ->> 'address1',
             'address2', o.ship_to ->> 'address2',
             'city', o.ship_to ->> 'city',
             'state', o.ship_to ->> 'state',
             'postalCode', o.ship_to ->> 'postalCode',
             'country', o.ship_to ->> 'country')) as "shipTo",
           nullif(concat_ws(' ', c.first_name, c.last_name), '') as "customerName",
           t.tab,
           (select json_agg(json_build_object(
                     'seqId', s.seq_id,
                     'parentSeqId', s.parent_seq_id,
                     'productId', s.product_id,
                     'sku', p.sku,
                     'productName', p.name,
                     'quantity', s.quantity,
                     'status', s.status,
                     'carrier', s.carrier,
                     'trackingNumber', s.tracking_number,
                     'shippedAt', s.shipped_at) order by s.seq_id)
            from at_store s
            join products p on p.id = s.product_id
            where s.order_id = o.id) as items
    from tabbed t
    join orders o on o.id = t.order_id
    left join customers c on c.id = o.customer_id
    where ${f.tab === undefined ? sql`true` : sql`t.tab = ${f.tab}`}
      and ${matches(f.q)}
    order by o.order_date, o.id
    limit ${page.limit}
    offset ${page.offset}`);
  // Timestamps as the drivers give them (text in some cases): one form for every engine.
  return rows.map((o) => ({
    ...o,
    orderDate: new Date(o.orderDate),
    items: o.items.map((i) => ({ ...i, shippedAt: i.shippedAt === null ? null : new Date(i.shippedAt).toISOString() })),
  }));
}

/**
 * The number of the store's orders in each tab (those matching `q`, when given). Without `q` the
 * counts come from the store's items alone: no order or customer is read.
 */
export function storeOrderCounts(db: Db, f: Omit<StoreOrderFilter, 'tab' | 'orderId'>): Promise<{ tab: StoreTab; n: number }[]> {
  if (!f.q) {
    return queryRows(db, sql`
      ${storeTabs(f)}
      select tab,
             count(*)::int as n
      from tabbed
      group by tab`);
  }
  return queryRows(db, sql`
    ${storeTabs(f)}
    select t.tab,
           count(*)::int as n
    from tabbed t
    join orders o on o.id = t.order_id
    left join customers c on c.id = o.customer_id
    where ${matches(f.q)}
    group by t.tab`);
}

/** The original of a split keeps `quantity` units and is marked for NetSuite (its line holds a new quantity). */
export async function keepSplitQuantity(tx: Tx, orderId: string, seqId: string, quantity: number): Promise<void> {
  await tx.execute(sql`
    update order_items
    set quantity = ${quantity},
        netsuite_sync = coalesce(netsuite_sync, 'SPLIT'),
        updated_at = now()
    where order_id = ${orderId}
      and seq_id = ${seqId}`);
}

export interface SplitPiece {
  orderId: string; seqId: string; parentSeqId: string; productId: string; quantity: number; unitPrice: string;
  status: string; facilityId: string; carrier: string | null; shipmentGroup: string | null;
}

/** Inserts the new piece of a split line where its original is, marked `SPLIT` (NetSuite adds a line for it). */
export async function insertSplitPiece(tx: Tx, p: SplitPiece): Promise<void> {
  await tx.execute(sql`
    insert into order_items (
      order_id,
      seq_id,
      parent_seq_id,
      product_id,
      quantity,
      unit_price,
      status,
      facility_id,
      carrier,
      shipment_group,
      netsuite_sync)
    values (
      ${p.orderId},
      ${p.seqId},
      ${p.parentSeqId},
      ${p.productId},
      ${p.quantity},
      ${p.unitPrice},
      ${p.status},
      ${p.facilityId},
      ${p.carrier},
      ${p.shipmentGroup},
      'SPLIT')`);
}

/**
 * Shares the original's ACTIVE reservation with the new piece: the original keeps at most `keep`
 * units of it, the piece gets the rest (a backordered line short of stock leaves the piece short
 * first). The reserved total does not change, so the counters and the ledger stay as they are.
 * Returns the piece's reservation id, or null when the original had none.
 */
export async function splitReservation(
  tx: Tx, s: { orderId: string; seqId: string; pieceSeqId: string; keep: number },
): Promise<number | null> {
  const [r] = await queryRows<{ id: number }>(tx, sql`
    with before as (
      select id,
             quantity
      from reservations
      where order_id = ${s.orderId}
        and order_item_seq_id = ${s.seqId}
        and status = 'ACTIVE'
      for update
    ),
    kept as (
      update reservations r
      set quantity = least(b.quantity, ${s.keep})
      from before b
      where r.id = b.id
      returning r.order_id,
                r.product_id,
                r.facility_id,
                r.run_id,
                b.quantity - least(b.quantity, ${s.keep}) as rest
    )
    insert into reservations (
      order_id,
      order_item_seq_id,
      product_id,
      facility_id,
      quantity,
      status,
      run_id)
    select order_id,
           ${s.pieceSeqId},
           product_id,
           facility_id,
           rest,
           'ACTIVE',
           run_id
    from kept
    returning id::int as id`);
  return r?.id ?? null;
}
