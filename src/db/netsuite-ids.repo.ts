/**
 * SQL of the id back-sync imports (order, line, customer and deposit ids), one statement per
 * function, set-based: rows locked in key order, values written through `unnest`.
 */
import { sql } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { queryRows, textArray } from './rows';


/** A NetSuite id (`value`) for the OMS record `target`. */
export interface IdPair { target: string; value: string }

/**
 * Locks the existing orders among `orderIds` (in id order) and reads, in the same statement, the
 * line ids of the items (`pairOrderIds[i]`, `pairSeqIds[i]`) among them (`seqId` null for an
 * order with none of them).
 */
export async function lockOrdersReadLineIds(tx: Tx, orderIds: string[], pairOrderIds: string[], pairSeqIds: string[]) {
  if (!orderIds.length) return [];
  return queryRows<{ orderId: string; seqId: string | null; current: string | null }>(tx, sql`
    select o.id as "orderId",
           i.seq_id as "seqId",
           i.netsuite_line_id as current
    from orders o
    left join (
      select oi.order_id,
             oi.seq_id,
             oi.netsuite_line_id
      from order_items oi
      join unnest(${textArray(pairOrderIds)}, ${textArray(pairSeqIds)}) as wanted(order_id, seq_id)
        on oi.order_id = wanted.order_id and oi.seq_id = wanted.seq_id
      where oi.order_id = any(${textArray(orderIds)})
    ) i on i.order_id = o.id
    where o.id = any(${textArray(orderIds)})
    order by o.id
    for update of o`);
}

/** Sets line ids where still null. */
export async function setItemLineIds(db: Db, orderIds: string[], seqIds: string[], values: string[]): Promise<void> {
  if (!orderIds.length) return;
  await db.execute(sql`
    update order_items oi
    set netsuite_line_id = v.line_id,
        updated_at = now()
    from unnest(${textArray(orderIds)}, ${textArray(seqIds)}, ${textArray(values)}) as v(order_id, seq_id, line_id)
    where oi.order_id = any(${textArray([...new Set(orderIds)])})
      and oi.order_id = v.order_id
      and oi.seq_id = v.seq_id
      and oi.netsuite_line_id is null`);
}

/** Sets the orders' NetSuite order ids. */
export async function setOrderNetsuiteIds(db: Db, p: IdPair[]): Promise<void> {
  if (!p.length) return;
  await db.execute(sql`
    update orders o
    set netsuite_order_id = v.netsuite_id,
        updated_at = now()
    from unnest(${textArray(p.map((x) => x.target))}, ${textArray(p.map((x) => x.value))}) as v(id, netsuite_id)
    where o.id = any(${textArray(p.map((x) => x.target))})
      and o.id = v.id`);
}

/** Locks the customers that exist among `ids`, in id order. */
export async function lockCustomers(tx: Tx, ids: string[]) {
  if (!ids.length) return [];
  return queryRows<{ id: string; current: string | null }>(tx, sql`
    select id,
           netsuite_customer_id as current
    from customers
    where id = any(${textArray(ids)})
    order by id
    for update`);
}

/** Sets the customers' NetSuite customer ids. */
export async function setCustomerNetsuiteIds(db: Db, p: IdPair[]): Promise<void> {
  if (!p.length) return;
  await db.execute(sql`
    update customers c
    set netsuite_customer_id = v.netsuite_id
    from unnest(${textArray(p.map((x) => x.target))}, ${textArray(p.map((x) => x.value))}) as v(id, netsuite_id)
    where c.id = any(${textArray(p.map((x) => x.target))})
      and c.id = v.id`);
}

/** Locks the payments that exist among `ids`, in id order. */
export async function lockPayments(tx: Tx, ids: string[]) {
  if (!ids.length) return [];
  return queryRows<{ id: string; orderId: string; current: string | null }>(tx, sql`
    select id,
           order_id as "orderId",
           netsuite_deposit_id as current
    from order_payments
    where id = any(${textArray(ids)})
    order by id
    for update`);
}

/** Sets the payments' NetSuite deposit ids. */
export async function setPaymentDepositIds(db: Db, p: IdPair[]): Promise<void> {
  if (!p.length) return;
  await db.execute(sql`
    update order_payments op
    set netsuite_deposit_id = v.netsuite_id
    from unnest(${textArray(p.map((x) => x.target))}, ${textArray(p.map((x) => x.value))}) as v(id, netsuite_id)
    where op.id = any(${textArray(p.map((x) => x.target))})
      and op.id = v.id`);
}
