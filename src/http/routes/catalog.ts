import { z } from 'zod';
import { inTransaction, type App, type HttpContext } from '../context';
import { reply } from '../errors';
import {
  adjustInventory, facilitySchema, getFacility, getProduct, listFacilities, listInventory, listProducts, productSchema,
  setInventory, upsertFacility, upsertProduct,
} from '../../app/catalog';
import { notFound } from '../../domain/result';
import { zKey } from '../../domain/limits';
import { zPageQuery } from '../../domain/paging';

const idParam = z.object({ id: zKey() });
const page = zPageQuery(1000, 100);
const stockAt = z.object({ productId: zKey(), facilityId: zKey() });

export function catalogRoutes(app: App, ctx: HttpContext) {
  const db = ctx.database.db;
  app.get('/products', { schema: { tags: ['catalog'], summary: 'A page of products by id (nextOffset: the next page, null on the last)', querystring: page } },
    async (req) => {
      const p = await listProducts(db, req.query);
      return { products: p.rows, nextOffset: p.nextOffset };
    });
  app.get('/products/:id', { schema: { tags: ['catalog'], params: idParam } }, async (req, res) =>
    (await getProduct(db, req.params.id)) ?? reply(res, notFound('product', req.params.id), () => null));
  app.put('/products/:id', { schema: { tags: ['catalog'], params: idParam, body: productSchema.omit({ id: true }).partial() } }, async (req, res) => {
    const r = await inTransaction(ctx, (tx) => upsertProduct(tx, { ...(req.body as object), id: req.params.id }));
    return reply(res, r, (x) => x.product);
  });

  app.get('/facilities', { schema: { tags: ['catalog'], summary: 'A page of facilities by id, virtual ones included', querystring: page } }, async (req) => {
    const p = await listFacilities(db, req.query);
    return { facilities: p.rows, nextOffset: p.nextOffset };
  });
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
      tags: ['inventory'], summary: 'A page of on hand, reserved, safety stock and available-to-promise, by product and facility',
      querystring: page.extend({ productId: zKey().optional(), facilityId: zKey().optional() }),
    },
  }, async (req) => {
    const p = await listInventory(db, req.query);
    return { inventory: p.rows, nextOffset: p.nextOffset };
  });
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
