/**
 * An order's whole story for the operations console (GET /orders/:id/story), read in one call:
 * the order with each item's place, status and NetSuite state; its customer; every move of every
 * item (from, to, by whom, why, when; oldest first); the rejections with their comments; and the
 * routing explanation of every brokering decision about it (newest first).
 */
import type { Db } from '../db/client';
import { orderDecisions } from '../db/brokering.repo';
import { customerContact, orderHistoryRows, orderRejectionRows } from '../db/orders.repo';
import { getOrderDetail, type OrderDetail } from './netsuite-state';

export interface OrderStory {
  order: OrderDetail;
  customer: { name: string | null; email: string | null; phone: string | null } | null;
  history: Awaited<ReturnType<typeof orderHistoryRows>>;
  rejections: Awaited<ReturnType<typeof orderRejectionRows>>;
  routing: { runId: string; status: string; at: Date; result: unknown }[];
}

const fullName = (c: { firstName: string | null; lastName: string | null }) => [c.firstName, c.lastName].filter(Boolean).join(' ') || null;

/** The story of order `id`, or undefined when there is no such order. */
export async function getOrderStory(db: Db, id: string): Promise<OrderStory | undefined> {
  const order = await getOrderDetail(db, id);
  if (!order) return undefined;
  const contact = order.customerId ? await customerContact(db, order.customerId) : undefined;
  const [history, rejections, decisions] = [await orderHistoryRows(db, id), await orderRejectionRows(db, id), await orderDecisions(db, id)];
  return {
    order,
    customer: contact ? { name: fullName(contact), email: contact.email, phone: contact.phone } : null,
    history,
    rejections,
    routing: decisions.map((d) => ({ runId: d.runId, status: d.status, at: d.createdAt, result: d.result })),
  };
}
