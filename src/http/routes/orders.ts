import { z } from 'zod';
import { inTransaction, type App, type HttpContext } from '../context';
import { reply } from '../errors';
import { approveOrder, cancelOrder, createOrder, getItemHistory, listOrders } from '../../app/orders';
import { getOrderDetail } from '../../app/netsuite-state';
import { ORDER_STATUSES } from '../../domain/lifecycle';
import { notFound } from '../../domain/result';
import { orderInputSchema } from '../../app/order-input';
import { zIsoDate, zKey } from '../../domain/limits';
import { zPageQuery } from '../../domain/paging';

const idParam = z.object({ id: zKey() });

export function orderRoutes(app: App, ctx: HttpContext) {
  const db = ctx.database.db;
  app.post('/orders', {
    schema: { tags: ['orders'], summary: 'Create an order (an existing external id returns the existing order, 200)', body: orderInputSchema },
  }, async (req, res) => reply(res, await inTransaction(ctx, (tx) => createOrder(tx, req.body, 'api')), (x) => x.order));
  app.get('/orders', {
    schema: {
      tags: ['orders'], summary: 'A page of orders, newest first (nextOffset: the next page, null on the last)',
      querystring: zPageQuery(500, 50).extend({
        status: z.enum(ORDER_STATUSES).optional(), facilityId: zKey().optional(),
        from: zIsoDate().optional(), to: zIsoDate().optional(),
      }),
    },
  }, async (req) => {
    const p = await listOrders(db, req.query);
    return { orders: p.rows, nextOffset: p.nextOffset };
  });
  app.get('/orders/:id', {
    schema: { tags: ['orders'], summary: 'An order with its items; each item has `netsuite`: where it stands with NetSuite', params: idParam },
  }, async (req, res) => {
    const o = await getOrderDetail(db, req.params.id);
    return o ? o : reply(res, notFound('order', req.params.id), () => null);
  });
  app.post('/orders/:id/approve', { schema: { tags: ['orders'], summary: 'Approve: items enter the brokering queue', params: idParam } },
    async (req, res) => reply(res, await inTransaction(ctx, (tx) => approveOrder(tx, req.params.id, 'api')), (x) => x.order));
  app.post('/orders/:id/cancel', { schema: { tags: ['orders'], summary: 'Cancel open items and release reservations', params: idParam } },
    async (req, res) => reply(res, await inTransaction(ctx, (tx) => cancelOrder(tx, req.params.id, 'api')), (x) => x.order));
  app.get('/orders/:id/items/:seq/history', {
    schema: { tags: ['orders'], summary: "An item's moves", params: z.object({ id: zKey(), seq: zKey() }) },
  }, async (req, res) => {
    const h = await getItemHistory(db, req.params.id, req.params.seq);
    return h.length ? { history: h } : reply(res, notFound('order item', `${req.params.id}/${req.params.seq}`), () => null);
  });
}
