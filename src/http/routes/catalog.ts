import { z } from 'zod';
import { actorOf, inTransaction, principalOf, type App, type HttpContext } from '../context';
import { reply } from '../errors';
import { access } from '../auth';
import {
  adjustInventory, facilitySchema, getFacility, getProduct, listFacilities, listProducts, productSchema,
  setInventory, upsertFacility, upsertProduct,
} from '../../app/catalog';
import { inventoryPage } from '../../app/inventory-view';
import { notFound } from '../../domain/result';
import { listScope, scopeOf } from '../../domain/access';
import { zKey } from '../../domain/limits';
import { zPageQuery } from '../../domain/paging';

const idParam = z.object({ id: zKey() });
const page = zPageQuery(1000, 100);
const stockAt = z.object({ productId: zKey(), facilityId: zKey() });

export function catalogRoutes(app: App, ctx: HttpContext) {
  const db = ctx.database.db;
  const read = access('catalog:read');
  const write = access('catalog:write');
  const stock = access('inventory:write');
  app.get('/products', {
    schema: { tags: ['catalog'], summary: 'A page of products by id (limit ≤ 1,000; nextOffset: the next page, null on the last)', querystring: page },
    config: read,
  }, async (req) => {
    const p = await listProducts(db, req.query);
    return { products: p.rows, nextOffset: p.nextOffset };
  });
  app.get('/products/:id', { schema: { tags: ['catalog'], params: idParam }, config: read }, async (req, res) =>
    (await getProduct(db, req.params.id)) ?? reply(res, notFound('product', req.params.id), () => null));
  app.put('/products/:id', {
    schema: { tags: ['catalog'], params: idParam, body: productSchema.omit({ id: true }).partial() }, config: write,
  }, async (req, res) => {
    const r = await inTransaction(ctx, (tx) => upsertProduct(tx, { ...(req.body as object), id: req.params.id }));
    return reply(res, r, (x) => x.product);
  });

  app.get('/facilities', {
    schema: { tags: ['catalog'], summary: 'A page of facilities by id, the virtual ones included (a store user: their facilities)', querystring: page },
    config: read,
  }, async (req) => {
    const scope = scopeOf(principalOf(req));
    if (scope) return { facilities: (await Promise.all(scope.map((id) => getFacility(db, id)))).filter((f) => f !== undefined), nextOffset: null };
    const p = await listFacilities(db, req.query);
    return { facilities: p.rows, nextOffset: p.nextOffset };
  });
  app.get('/facilities/:id', { schema: { tags: ['catalog'], params: idParam }, config: access('catalog:read', { facility: 'id' }) }, async (req, res) =>
    (await getFacility(db, req.params.id)) ?? reply(res, notFound('facility', req.params.id), () => null));
  app.put('/facilities/:id', {
    schema: { tags: ['catalog'], params: idParam, body: facilitySchema.omit({ id: true }).partial({ type: true, name: true }) },
    config: write,
  }, async (req, res) => {
    const r = await inTransaction(ctx, (tx) => upsertFacility(tx, { ...(req.body as object), id: req.params.id }));
    return reply(res, r, (x) => x.facility);
  });

  app.get('/inventory', {
    schema: {
      tags: ['inventory'],
      summary: "A page of on hand, reserved, safety stock and available-to-promise, by product and facility, with the product's assigned warehouse",
      querystring: page.extend({ productId: zKey().optional(), facilityId: zKey().optional() }),
    },
    config: access('inventory:read'),
  }, async (req) => {
    // A store user reads the stock of their facilities only.
    const p = await inventoryPage(db, { ...req.query, facilityId: listScope(principalOf(req), req.query.facilityId) });
    return { inventory: p.rows, nextOffset: p.nextOffset };
  });
  app.put('/inventory/:productId/:facilityId', {
    schema: { tags: ['inventory'], summary: 'Set on hand (a count)', params: stockAt, body: z.object({ onHand: z.number() }) },
    config: stock,
  }, async (req, res) => {
    const { productId, facilityId } = req.params;
    return reply(res, await inTransaction(ctx, (tx) => setInventory(tx, productId, facilityId, req.body.onHand, actorOf(req))), (x) => x.level);
  });
  app.post('/inventory/:productId/:facilityId/adjust', {
    schema: {
      tags: ['inventory'], summary: 'Adjust on hand by a signed delta with a reason', params: stockAt,
      body: z.object({ delta: z.number(), reason: z.string() }),
    },
    config: stock,
  }, async (req, res) => {
    const { productId, facilityId } = req.params;
    const r = await inTransaction(ctx, (tx) => adjustInventory(tx, productId, facilityId, req.body.delta, req.body.reason, actorOf(req)));
    return reply(res, r, (x) => x.level);
  });
}
