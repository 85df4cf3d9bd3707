import { z } from 'zod';
import { actorOf, inTransaction, principalOf, type App, type HttpContext } from '../context';
import { reply } from '../errors';
import { access } from '../auth';
import { approveOrder, cancelOrder, createOrder, getItemHistory, listOrders } from '../../app/orders';
import { getOrderDetail } from '../../app/netsuite-state';
import { getOrderStory } from '../../app/order-story';
import { ORDER_STATUSES } from '../../domain/lifecycle';
import { notFound } from '../../domain/result';
import { listScope, scopeOf, seesCustomerContact, visibleItems } from '../../domain/access';
import { orderInputSchema } from '../../app/order-input';
import { zIsoDate, zKey, zSafeString } from '../../domain/limits';
import { zPageQuery } from '../../domain/paging';
import { orderImportRoute } from './order-import';

const idParam = z.object({ id: zKey() });

export function orderRoutes(app: App, ctx: HttpContext) {
  const db = ctx.database.db;
  app.post('/orders', {
    schema: { tags: ['orders'], summary: 'Create an order (an existing external id returns the existing order, 200)', body: orderInputSchema },
    config: access('orders:intake'),
  }, async (req, res) => reply(res, await inTransaction(ctx, (tx) => createOrder(tx, req.body, actorOf(req))), (x) => x.order));
  app.get('/orders', {
    schema: {
      tags: ['orders'],
      summary: 'A page of orders, newest first, with customerName and customerEmail (limit ≤ 500; nextOffset: the next page, null on the last)',
      querystring: zPageQuery(500, 50).extend({
        status: z.enum(ORDER_STATUSES).optional(), facilityId: zKey().optional(),
        from: zIsoDate().optional(), to: zIsoDate().optional(),
        q: zSafeString(200).optional()
          .describe("an order id or external id (exact), or the start of a customer's e-mail, full name or last name"),
      }),
    },
    config: access('orders:read'),
  }, async (req) => {
    // A store user lists only the orders with an item at their facilities, without the customers' e-mail.
    const who = principalOf(req);
    const p = await listOrders(db, { ...req.query, facilityId: listScope(who, req.query.facilityId) });
    return { orders: seesCustomerContact(who) ? p.rows : p.rows.map((o) => ({ ...o, customerEmail: null })), nextOffset: p.nextOffset };
  });
  app.get('/orders/:id', {
    schema: {
      tags: ['orders'], params: idParam,
      summary: 'An order with its items; each item has `netsuite`: where it stands with NetSuite (a store user: its items at their facilities, no payments)',
    },
    config: access('orders:read', { order: 'id' }),
  }, async (req, res) => {
    const o = await getOrderDetail(db, req.params.id);
    if (!o) return reply(res, notFound('order', req.params.id), () => null);
    const p = principalOf(req);
    return scopeOf(p) ? { ...o, items: visibleItems(p, o.items), payments: [] } : o;
  });
  app.get('/orders/:id/story', {
    schema: {
      tags: ['orders'], params: idParam,
      summary: "An order's whole story for operations: items (place, status, NetSuite state), customer, every item move, rejections, "
        + 'routing explanations',
    },
    config: access('brokering', { order: 'id' }),
  }, async (req, res) => (await getOrderStory(db, req.params.id)) ?? reply(res, notFound('order', req.params.id), () => null));
  const write = access('orders:write', { order: 'id' });
  app.post('/orders/:id/approve', { schema: { tags: ['orders'], summary: 'Approve: items enter the brokering queue', params: idParam }, config: write },
    async (req, res) => reply(res, await inTransaction(ctx, (tx) => approveOrder(tx, req.params.id, actorOf(req))), (x) => x.order));
  app.post('/orders/:id/cancel', { schema: { tags: ['orders'], summary: 'Cancel open items and release reservations', params: idParam }, config: write },
    async (req, res) => reply(res, await inTransaction(ctx, (tx) => cancelOrder(tx, req.params.id, actorOf(req))), (x) => x.order));
  app.get('/orders/:id/items/:seq/history', {
    schema: { tags: ['orders'], summary: "An item's moves", params: z.object({ id: zKey(), seq: zKey() }) },
    config: access('orders:read', { order: 'id', item: 'seq' }),
  }, async (req, res) => {
    const h = await getItemHistory(db, req.params.id, req.params.seq);
    return h.length ? { history: h } : reply(res, notFound('order item', `${req.params.id}/${req.params.seq}`), () => null);
  });
  orderImportRoute(app, ctx);
}
