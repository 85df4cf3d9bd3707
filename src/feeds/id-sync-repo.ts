/**
 * SQL of the id back-sync imports (order, line, customer and deposit ids), one statement per
 * function, set-based: rows locked in key order, values written through `unnest`.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { queryRows } from './common';

const texts = (values: readonly string[]): SQL => sql`${sql.param(values)}::text[]`;

export interface IdPair { target: string; value: string }

/** Items (`orderId`, `seqId`) with their line ids; call with their orders locked. */
export async function loadItemLineIds(db: Db, orderIds: string[], seqIds: string[]) {
  if (!orderIds.length) return [];
  return queryRows<{ orderId: string; seqId: string; current: string | null }>(db, sql`
    select oi.order_id as "orderId", oi.seq_id as "seqId", oi.netsuite_line_id as current
    from order_items oi join unnest(${texts(orderIds)}, ${texts(seqIds)}) as t(o, q) on oi.order_id = t.o and oi.seq_id = t.q`);
}

/** Sets line ids where still null. */
export async function setItemLineIds(db: Db, orderIds: string[], seqIds: string[], values: string[]): Promise<void> {
  if (!orderIds.length) return;
  await db.execute(sql`update order_items oi set netsuite_line_id = t.v, updated_at = now()
    from unnest(${texts(orderIds)}, ${texts(seqIds)}, ${texts(values)}) as t(o, q, v)
    where oi.order_id = t.o and oi.seq_id = t.q and oi.netsuite_line_id is null`);
}

export async function setOrderNetsuiteIds(db: Db, p: IdPair[]): Promise<void> {
  if (!p.length) return;
  await db.execute(sql`update orders o set netsuite_order_id = t.v, updated_at = now()
    from unnest(${texts(p.map((x) => x.target))}, ${texts(p.map((x) => x.value))}) as t(i, v) where o.id = t.i`);
}

/** Locks the customers that exist among `ids`, in id order. */
export async function lockCustomers(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return queryRows<{ id: string; current: string | null }>(db, sql`select id, netsuite_customer_id as current from customers
    where id = any(${texts(ids)}) order by id for update`);
}

export async function setCustomerNetsuiteIds(db: Db, p: IdPair[]): Promise<void> {
  if (!p.length) return;
  await db.execute(sql`update customers c set netsuite_customer_id = t.v
    from unnest(${texts(p.map((x) => x.target))}, ${texts(p.map((x) => x.value))}) as t(i, v) where c.id = t.i`);
}

/** Locks the payments that exist among `ids`, in id order. */
export async function lockPayments(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return queryRows<{ id: string; orderId: string; current: string | null }>(db, sql`select id, order_id as "orderId", netsuite_deposit_id as current
    from order_payments where id = any(${texts(ids)}) order by id for update`);
}

export async function setPaymentDepositIds(db: Db, p: IdPair[]): Promise<void> {
  if (!p.length) return;
  await db.execute(sql`update order_payments op set netsuite_deposit_id = t.v
    from unnest(${texts(p.map((x) => x.target))}, ${texts(p.map((x) => x.value))}) as t(i, v) where op.id = t.i`);
}
