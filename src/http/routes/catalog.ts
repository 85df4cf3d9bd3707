import { z } from 'zod';
import { inTransaction, type App, type HttpContext } from '../context';
import { reply } from '../errors';
import {
  adjustInventory, facilitySchema, getAvailability, getFacility, getProduct, listFacilities, listProducts, productSchema,
  setInventory, upsertFacility, upsertProduct,
} from '../../app/catalog';
import { notFound } from '../../domain/result';
import { INT4_MAX, zKey } from '../../domain/limits';

const idParam = z.object({ id: zKey() });
const page = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).max(INT4_MAX).default(0) });
const stockAt = z.object({ productId: zKey(), facilityId: zKey() });

export function catalogRoutes(app: App, ctx: HttpContext) {
  const db = ctx.database.db;
  app.get('/products', { schema: { tags: ['catalog'], querystring: page } },
    async (req) => ({ products: await listProducts(db, req.query.limit, req.query.offset) }));
  app.get('/products/:id', { schema: { tags: ['catalog'], params: idParam } }, async (req, res) =>
    (await getProduct(db, req.params.id)) ?? reply(res, notFound('product', req.params.id), () => null));
  app.put('/products/:id', { schema: { tags: ['catalog'], params: idParam, body: productSchema.omit({ id: true }).partial() } }, async (req, res) => {
    const r = await inTransaction(ctx, (tx) => upsertProduct(tx, { ...(req.body as object), id: req.params.id }));
    return reply(res, r, (x) => x.product);
  });

  app.get('/facilities', { schema: { tags: ['catalog'] } }, async () => ({ facilities: await listFacilities(db) }));
  app.get('/facilities/:id', { schema: { tags: ['catalog'], params: idParam } }, async (req, res) =>
    (await getFacility(db, req.params.id)) ?? reply(res, notFound('facility', req.params.id), () => null));
  app.put('/facilities/:id', {
    schema: { tags: ['catalog'], params: idParam, body: facilitySchema.omit({ id: true }).partial({ type: true, name: true }) },
  }, async (req, res) => {
    const r = await inTransaction(ctx, (tx) => upsertFacility(tx, { ...(req.body as object), id: req.params.id }));
    return reply(res, r, (x) => x.facility);
  });

  app.get('/inventory', {
    schema: {
      tags: ['inventory'], summary: 'On hand, reserved, safety stock and available-to-promise',
      querystring: z.object({ productId: zKey().optional(), facilityId: zKey().optional() }),
    },
  }, async (req) => ({ inventory: await getAvailability(db, req.query) }));
  app.put('/inventory/:productId/:facilityId', {
    schema: { tags: ['inventory'], summary: 'Set on hand (a count)', params: stockAt, body: z.object({ onHand: z.number() }) },
  }, async (req, res) => {
    const { productId, facilityId } = req.params;
    return reply(res, await inTransaction(ctx, (tx) => setInventory(tx, productId, facilityId, req.body.onHand, 'api')), (x) => x.level);
  });
  app.post('/inventory/:productId/:facilityId/adjust', {
    schema: {
      tags: ['inventory'], summary: 'Adjust on hand by a signed delta with a reason', params: stockAt,
      body: z.object({ delta: z.number(), reason: z.string() }),
    },
  }, async (req, res) => {
    const { productId, facilityId } = req.params;
    const r = await inTransaction(ctx, (tx) => adjustInventory(tx, productId, facilityId, req.body.delta, req.body.reason, 'api'));
    return reply(res, r, (x) => x.level);
  });
}
