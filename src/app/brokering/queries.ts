/** Reading brokering results: runs, an order's routing explanation, the Exception list; retry. */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { brokeringRuns, orderItems, orders, routingDecisions } from '../../db/schema';
import { BROKERING_QUEUE } from '../../db/reference-data';
import { lockOrder, moveItems, refreshOrderStatus, getOrder } from '../orders';
import { illegal, notFound, type Failure } from '../result';

export const listRuns = (db: Db, limit = 20) => db.select().from(brokeringRuns).orderBy(desc(brokeringRuns.startedAt)).limit(Math.min(limit, 200));

export async function getRun(db: Db, id: string) {
  const [run] = await db.select().from(brokeringRuns).where(eq(brokeringRuns.id, id));
  if (!run) return notFound('brokering run', id);
  const decisions = await db.select({ orderId: routingDecisions.orderId, status: routingDecisions.status, exceptionReason: routingDecisions.exceptionReason })
    .from(routingDecisions).where(eq(routingDecisions.runId, id)).limit(5000);
  return { kind: 'ok' as const, run, decisions };
}

/** The routing explanations of an order, newest run first. */
export async function orderExplanation(db: Db, orderId: string) {
  if (!(await getOrder(db, orderId))) return notFound('order', orderId);
  const rows = await db.select().from(routingDecisions).where(eq(routingDecisions.orderId, orderId)).orderBy(desc(routingDecisions.id)).limit(50);
  return { kind: 'ok' as const, decisions: rows.map((r) => ({ runId: r.runId, status: r.status, at: r.createdAt, result: r.result })) };
}

/** Orders in Exception with their reason. */
export async function listExceptions(db: Db, limit = 100) {
  return db.select({ id: orders.id, externalId: orders.externalId, reason: orders.exceptionReason, message: orders.exceptionMessage, orderDate: orders.orderDate, updatedAt: orders.updatedAt })
    .from(orders).where(eq(orders.status, 'EXCEPTION')).orderBy(desc(orders.updatedAt)).limit(Math.min(limit, 1000));
}

/** Moves an Exception order's parked items back to the brokering queue. */
export async function retryException(db: Db, orderId: string, actor = 'api'): Promise<{ kind: 'ok'; order: NonNullable<Awaited<ReturnType<typeof getOrder>>> } | Failure> {
  return db.transaction(async (tx) => {
    const t = tx as Db;
    const o = await lockOrder(t, orderId);
    if (!o) return notFound('order', orderId);
    const parked = await t.select().from(orderItems).where(and(eq(orderItems.orderId, orderId), eq(orderItems.status, 'EXCEPTION')));
    if (parked.length === 0) return illegal(`cannot retry order ${orderId}: it is ${o.status}, not in Exception`);
    await moveItems(t, orderId, parked, 'retry', BROKERING_QUEUE, 'EXCEPTION_RETRY', actor);
    await refreshOrderStatus(t, orderId, { exceptionReason: null, exceptionMessage: null });
    return { kind: 'ok' as const, order: (await getOrder(t, orderId))! };
  });
}

