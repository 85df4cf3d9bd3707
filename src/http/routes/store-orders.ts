/**
 * The Store Fulfillment App by order: a store's Open / In progress / Completed-today lists with
 * their counts, one order, and the order-level actions (pack, ship as one package, reject every
 * item with one reason) and the reject of part of one item. Scoped by the facility in the path like
 * the item routes (src/http/routes/store.ts): a store user asking for another facility gets the 404
 * of an unknown one, an order with no item at the store is "not found" too, and the facility must
 * be a store the OMS fulfils (409 naming its type otherwise).
 *
 * Outcomes: 404 unknown order or item (or not at this store), 409 when the order changed meanwhile
 * (an item the caller saw was moved, a new one came, or its state forbids the action), 400 naming
 * the field; every action changes all of the order's items at the store or none.
 */
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { actorOf, inTransaction, type App, type HttpContext } from '../context';
import { reply } from '../errors';
import { access } from '../auth';
import { storeFacility, type StoreFacilityResult } from '../../app/catalog';
import {
  getStoreOrder, listStoreOrders, nextBrokeringRun, packOrder, rejectItemQuantity, rejectOrder, shipOrder, STORE_ORDERS_PAGE, STORE_TABS,
  type OrderActionResult,
} from '../../app/store-orders';
import { INT4_MAX, LIMITS, zKey, zSafeString } from '../../domain/limits';

/** The brokering job (src/wiring.ts) whose schedule `GET /brokering/next-run` reads. */
const BROKERING_JOB = 'BROKERING_RUN';

const atStore = z.object({ facilityId: zKey() });
const anOrder = atStore.extend({ orderId: zKey() });
const anItem = anOrder.extend({ seqId: zKey() });
const listQuery = z.object({
  tab: z.enum(STORE_TABS).default('open'),
  q: zSafeString(100).optional(),
  limit: z.coerce.number().int().min(1).max(STORE_ORDERS_PAGE.max).default(STORE_ORDERS_PAGE.fallback),
  offset: z.coerce.number().int().min(0).max(INT4_MAX).default(0),
});
/** The items the caller saw at the store still to do: the order must still be exactly that, else 409. */
const seqIds = z.array(zKey()).min(1).max(LIMITS.orderLines).optional()
  .describe('the items of the order the caller saw at the store; when the order differs now, 409 and nothing is done');
const reasonFields = { reasonId: zKey(), comments: zSafeString(LIMITS.noteLength).optional() };

/** What the app shows of the facility it works for. */
const facilityView = (f: Extract<StoreFacilityResult, { kind: 'ok' }>['facility']) => ({ id: f.id, name: f.name, city: f.city, state: f.state });

export function storeOrderRoutes(app: App, ctx: HttpContext) {
  const db = ctx.database.db;
  const now = () => ctx.clock?.() ?? new Date();
  const read = access('store:read', { facility: 'facilityId' });
  const act = access('store:act', { facility: 'facilityId' });
  const facilityOf = async (req: { params: { facilityId: string } }) => storeFacility(db, req.params.facilityId);
  const action = (req: FastifyRequest, p: z.infer<typeof anOrder>, body: { seqIds?: string[] } | undefined) => ({
    facilityId: p.facilityId, orderId: p.orderId, actor: actorOf(req), now: now(), seqIds: body?.seqIds,
  });
  const answer = (x: Extract<OrderActionResult, { kind: 'ok' }>) => ({ seqIds: x.seqIds, order: x.order });

  app.get('/facilities/:facilityId/orders', {
    schema: {
      tags: ['store'], params: atStore, querystring: listQuery,
      summary: "A page of a store's orders in one tab, oldest first, with their items at the store and the counts of every tab (q: order, SKU or name)",
    },
    config: read,
  }, async (req, res) => {
    const f = await facilityOf(req);
    if (f.kind !== 'ok') return reply(res, f, () => null);
    const at = now();
    const page = await listStoreOrders(db, { facilityId: f.facility.id, ...req.query, now: at });
    return { facility: facilityView(f.facility), now: at.toISOString(), ...page };
  });
  app.get('/facilities/:facilityId/orders/:orderId', {
    schema: { tags: ['store'], params: anOrder, summary: 'One order with its items at the store (404 when it has none there today)' },
    config: read,
  }, async (req, res) => {
    const f = await facilityOf(req);
    if (f.kind !== 'ok') return reply(res, f, () => null);
    const at = now();
    const r = await getStoreOrder(db, f.facility.id, req.params.orderId, at);
    return reply(res, r, (x) => ({ facility: facilityView(f.facility), now: at.toISOString(), order: x.order }));
  });

  const optionalItems = z.object({ seqIds }).optional();
  app.post('/facilities/:facilityId/orders/:orderId/pack', {
    schema: { tags: ['store'], params: anOrder, body: optionalItems, summary: "Pack every allocated item of the order at the store" },
    config: act,
  }, async (req, res) => {
    const f = await facilityOf(req);
    if (f.kind !== 'ok') return reply(res, f, () => null);
    return reply(res, await inTransaction(ctx, (tx) => packOrder(tx, action(req, req.params, req.body))), answer);
  });
  app.post('/facilities/:facilityId/orders/:orderId/ship', {
    schema: {
      tags: ['store'], params: anOrder,
      summary: 'Ship every packed or allocated item of the order at the store as one package (one carrier and tracking number)',
      body: z.object({ carrier: zSafeString(50, 1), trackingNumber: zSafeString(100, 1), seqIds }),
    },
    config: act,
  }, async (req, res) => {
    const f = await facilityOf(req);
    if (f.kind !== 'ok') return reply(res, f, () => null);
    const { carrier, trackingNumber } = req.body;
    return reply(res, await inTransaction(ctx, (tx) => shipOrder(tx, { ...action(req, req.params, req.body), carrier, trackingNumber })), answer);
  });
  app.post('/facilities/:facilityId/orders/:orderId/reject', {
    schema: {
      tags: ['store'], params: anOrder, body: z.object({ ...reasonFields, seqIds }),
      summary: 'Reject every item of the order at the store with one reason: each goes back to the brokering queue like an item reject',
    },
    config: act,
  }, async (req, res) => {
    const f = await facilityOf(req);
    if (f.kind !== 'ok') return reply(res, f, () => null);
    const { reasonId, comments } = req.body;
    const r = await inTransaction(ctx, (tx) => rejectOrder(tx, {
      ...action(req, req.params, req.body), reasonId, comments, exclusionDays: ctx.config.REJECTION_EXCLUSION_DAYS,
    }));
    return reply(res, r, answer);
  });
  app.post('/facilities/:facilityId/orders/:orderId/items/:seqId/reject', {
    schema: {
      tags: ['store'], params: anItem,
      body: z.object({ ...reasonFields, quantity: z.number().int().min(1).max(LIMITS.quantityMax).optional() }),
      summary: 'Reject units of one item at the store (all by default); fewer than the item holds split it, the rest stays at the store',
    },
    config: act,
  }, async (req, res) => {
    const f = await facilityOf(req);
    if (f.kind !== 'ok') return reply(res, f, () => null);
    const { reasonId, comments, quantity } = req.body;
    const r = await inTransaction(ctx, (tx) => rejectItemQuantity(tx, {
      ...req.params, reasonId, comments, quantity, actor: actorOf(req), now: now(), exclusionDays: ctx.config.REJECTION_EXCLUSION_DAYS,
    }));
    return reply(res, r, (x) => ({ rejectedSeqId: x.rejectedSeqId, quantity: x.quantity, kept: x.kept, rejectionId: x.rejection.rejectionId, order: x.order }));
  });

  app.get('/brokering/next-run', {
    schema: { tags: ['store'], summary: "When the brokering job runs next (its schedule's next time; null when paused or unscheduled)" },
    config: access('store:read'),
  }, async () => {
    const r = await nextBrokeringRun(db, BROKERING_JOB, { now: now() });
    return { job: BROKERING_JOB, ...r, nextRunAt: r.nextRunAt?.toISOString() ?? null };
  });
}
