import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import { actorOf, inTransaction, type App, type HttpContext } from '../context';
import { reply } from '../errors';
import { access } from '../auth';
import { listRejectionReasons, rejectItem } from '../../app/rejections';
import { packItem, shipItem, storeQueue, STORE_QUEUE_PAGE } from '../../app/fulfilment';
import { storeFacility } from '../../app/catalog';
import { LIMITS, zKey, zSafeString } from '../../domain/limits';

/**
 * What the Store Fulfillment App calls. Every item route is scoped by the facility in the path:
 * an item that is not at that facility is "not found" (no data of other stores leaks), and a store
 * user asking for a facility not theirs gets the same 404 as for an unknown one (src/http/auth.ts). The facility
 * must be a store the OMS fulfils (404 when unknown, 409 naming its type otherwise): items at a
 * NetSuite warehouse or a virtual facility are never packed, shipped or rejected here.
 */
export function storeRoutes(app: App, ctx: HttpContext) {
  const db = ctx.database.db;
  // Runs before every /facilities/:facilityId/items… handler.
  const atStore = async (req: { params: { facilityId: string } }, res: FastifyReply) => {
    const f = await storeFacility(db, req.params.facilityId);
    if (f.kind !== 'ok') return reply(res, f, () => null);
  };
  app.get('/rejection-reasons', { schema: { tags: ['store'], summary: 'Rejection reasons and their inventory effect' }, config: access('user') },
    async () => ({ reasons: await listRejectionReasons(db) }));
  app.get('/facilities/:facilityId/items', {
    schema: {
      tags: ['store'],
      summary: 'A page of the items to pack or ship at the store, oldest order first, with their product, order date and age, shipping method '
        + 'and ship-to city/state (limit ≤ 1,000, default 200; nextAfter: pass it as after for the next page, null on the last)',
      params: z.object({ facilityId: zKey() }),
      querystring: z.object({
        limit: z.coerce.number().int().min(1).max(STORE_QUEUE_PAGE.max).default(STORE_QUEUE_PAGE.fallback),
        after: z.string().min(1).max(2000).optional(),
      }),
    },
    config: access('store:read', { facility: 'facilityId' }),
    preHandler: atStore,
  }, async (req, res) => {
    const page = await storeQueue(db, { facilityId: req.params.facilityId, ...req.query, now: new Date() });
    return reply(res, page, (p) => ({ items: p.items, nextAfter: p.nextAfter }));
  });
  const item = z.object({ facilityId: zKey(), orderId: zKey(), seqId: zKey() });
  const act = access('store:act', { facility: 'facilityId' });
  app.post('/facilities/:facilityId/items/:orderId/:seqId/pack', {
    schema: { tags: ['store'], summary: 'Pack an allocated item', params: item },
    config: act,
    preHandler: atStore,
  }, async (req, res) => reply(res, await inTransaction(ctx, (tx) => packItem(tx, { ...req.params, actor: actorOf(req) })), (x) => x.item));
  app.post('/facilities/:facilityId/items/:orderId/:seqId/ship', {
    schema: {
      tags: ['store'], summary: 'Ship an item: consumes its reservation; reported to NetSuite by the fulfilled-items feed', params: item,
      body: z.object({ trackingNumber: zSafeString(100).optional(), carrier: zSafeString(50).optional() }).nullish(),
    },
    config: act,
    preHandler: atStore,
  }, async (req, res) => {
    const r = await inTransaction(ctx, (tx) => shipItem(tx, { ...req.params, ...(req.body ?? {}), actor: actorOf(req) }));
    return reply(res, r, (x) => x.item);
  });
  app.post('/facilities/:facilityId/items/:orderId/:seqId/reject', {
    schema: {
      tags: ['store'], summary: 'Reject an allocated item with a reason: back to the queue, store excluded, variance recorded',
      params: item,
      body: z.object({ reasonId: zKey(), comments: zSafeString(LIMITS.noteLength).optional() }),
    },
    config: act,
    preHandler: atStore,
  }, async (req, res) => {
    const r = await inTransaction(ctx, (tx) => rejectItem(tx, {
      orderId: req.params.orderId, seqId: req.params.seqId, reasonId: req.body.reasonId, comments: req.body.comments,
      source: 'STORE', actor: actorOf(req), expectedFacilityId: req.params.facilityId, exclusionDays: ctx.config.REJECTION_EXCLUSION_DAYS,
    }));
    return reply(res, r, (x) => x);
  });
}

