/** Reading brokering results: runs, an order's routing explanation, the Exception list; retry. */
import type { Db, Tx } from '../../db/client';
import { findBrokeringRun, listBrokeringRuns } from '../../db/brokering-runs.repo';
import { exceptionItems, exceptionOrders, orderDecisions, runDecisions } from '../../db/brokering.repo';
import { BROKERING_QUEUE } from '../../db/reference-data';
import { lockOrder, moveItems, refreshOrderStatus, getOrder } from '../orders';
import { illegal, notFound, type Failure } from '../../domain/result';
import { boundedPage, pageOf, readAhead, type PageQuery } from '../../domain/paging';

/** A page of the runs, newest first (at most 200, default 20). */
export async function listRuns(db: Db, q: Partial<PageQuery> = {}) {
  const page = boundedPage(q, 200, 20);
  const ahead = readAhead(page);
  return pageOf(await listBrokeringRuns(db, ahead.limit, ahead.offset), page);
}

/** A run with its decisions (order, status, exception reason; at most 5,000). */
export async function getRun(db: Db, id: string) {
  const run = await findBrokeringRun(db, id);
  if (!run) return notFound('brokering run', id);
  return { kind: 'ok' as const, run, decisions: await runDecisions(db, id) };
}

/** The routing explanations of an order, newest run first. */
export async function orderExplanation(db: Db, orderId: string) {
  if (!(await getOrder(db, orderId))) return notFound('order', orderId);
  const rows = await orderDecisions(db, orderId);
  return { kind: 'ok' as const, decisions: rows.map((r) => ({ runId: r.runId, status: r.status, at: r.createdAt, result: r.result })) };
}

/** A page of the orders in Exception with their reason, most recently changed first (at most 1,000, default 100). */
export async function listExceptions(db: Db, q: Partial<PageQuery> = {}) {
  const page = boundedPage(q, 1000, 100);
  const ahead = readAhead(page);
  return pageOf(await exceptionOrders(db, ahead.limit, ahead.offset), page);
}

type OrderView = NonNullable<Awaited<ReturnType<typeof getOrder>>>;

/** Moves an Exception order's parked items back to the brokering queue (in the caller's transaction). */
export async function retryException(tx: Tx, orderId: string, actor = 'api'): Promise<{ kind: 'ok'; order: OrderView } | Failure> {
  const o = await lockOrder(tx, orderId);
  if (!o) return notFound('order', orderId);
  const parked = await exceptionItems(tx, orderId);
  if (parked.length === 0) return illegal(`cannot retry order ${orderId}: it is ${o.status}, not in Exception`);
  await moveItems(tx, orderId, parked, 'retry', BROKERING_QUEUE, 'EXCEPTION_RETRY', actor);
  await refreshOrderStatus(tx, orderId, { exceptionReason: null, exceptionMessage: null });
  return { kind: 'ok' as const, order: (await getOrder(tx, orderId))! };
}
