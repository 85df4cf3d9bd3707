/**
 * GET /facilities/:facilityId/items, what a store's page lists, in one query: each item to pack or
 * ship with its product (id, name, SKU), its order (id, date, age, shipping method) and the ship-to
 * city and state — no street, phone or e-mail — oldest order first; a page of `limit` (200 by
 * default, at most 1,000; a bad limit is 400 naming it) and `nextAfter` for the next page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { buildServer, type App } from '../../src/http/server';
import { approveOrder, createOrder } from '../../src/app/orders';
import { runBrokering } from '../../src/app/brokering';
import { packItem, storeQueue } from '../../src/app/fulfilment';
import type { Db } from '../../src/db/client';
import { createTestDatabase, ENGINES } from '../support/db';
import { expectOk, orderBody, seedCatalog, STORE_NYC } from '../support/fixtures';
import { authorizeAsAdmin } from '../support/auth';

type Database = Awaited<ReturnType<typeof createTestDatabase>>;

/** 205 one-item orders ALLOCATED at the store, dated after the placed ones (a page and a bit). */
const BULK = 205;

describe.each(ENGINES)('the store queue in one request on %s', (engine) => {
  let d: Database;
  let app: App;
  let A: string; // 2026-11-18: two items (mug × 2, tote), the mug packed
  let B: string; // 2026-11-20 09:00: one tote
  let C: string; // 2026-11-19: one mug, shipping NEXT_DAY
  const queries: string[] = [];

  const get = async (url: string) => {
    const r = await app.inject({ method: 'GET', url });
    return { status: r.statusCode, body: r.json(), text: r.body };
  };

  beforeAll(async () => {
    d = await createTestDatabase(engine);
    await seedCatalog(d.db, {
      facilities: [STORE_NYC, { id: 'STORE_BOS', name: 'Boston Store', type: 'STORE', postalCode: '02108' }],
      products: [{ id: 'SKU1', sku: 'MUG-BLUE', name: 'Blue Ceramic Mug' }, { id: 'SKU2', sku: 'TOTE', name: 'Canvas Tote Bag' }],
      stock: [['SKU1', 'STORE_NYC', 20], ['SKU2', 'STORE_NYC', 20]],
    });
    const place = async (over: Record<string, unknown>) => {
      const { order } = expectOk(await d.db.transaction((tx) => createOrder(tx, orderBody({
        shipTo: { name: 'Ada Lovelace', address1: '1 Main St', city: 'New York', state: 'NY', postalCode: '10002', country: 'US', phone: '+1 555 0100' },
        ...over,
      }))));
      expectOk(await d.db.transaction((tx) => approveOrder(tx, order.id)));
      return order.id;
    };
    A = await place({ orderDate: '2026-11-18T10:00:00Z', items: [{ productId: 'SKU1', quantity: 2, unitPrice: 9 }, { productId: 'SKU2', quantity: 1, unitPrice: 5 }] });
    B = await place({ orderDate: '2026-11-20T09:00:00Z', items: [{ productId: 'SKU2', quantity: 1, unitPrice: 5 }] });
    C = await place({ orderDate: '2026-11-19T10:00:00Z', shippingMethod: 'NEXT_DAY', items: [{ productId: 'SKU1', quantity: 1, unitPrice: 9 }] });
    expect(await runBrokering(d, { trigger: 'test' })).toMatchObject({ status: 'COMPLETED', allocated: 4 });
    expectOk(await d.db.transaction((tx) => packItem(tx, { orderId: A, seqId: '00001', facilityId: 'STORE_NYC', actor: 'test' })));
    await bulkAllocated(d.db);

    const db = d.db as Db & { execute: Db['execute'] };
    const execute = db.execute.bind(db);
    db.execute = ((q: Parameters<Db['execute']>[0]) => {
      const text = (q as { queryChunks?: unknown[] }).queryChunks?.map((c) => (typeof c === 'object' && c && 'value' in c ? String((c as { value: unknown }).value) : '')).join('') ?? '';
      queries.push(text);
      return execute(q);
    }) as Db['execute'];
    app = await authorizeAsAdmin(await buildServer({ database: d, config: loadConfig({ LOG_LEVEL: 'silent', OMS_JOBS: 'false' }), log: createLogger('silent') }), d.db);
  });
  afterAll(async () => {
    await app?.close();
    await d?.close();
  });

  it('lists each item with its product, order date and age, shipping method and ship-to city/state only, oldest order first, in one query', async () => {
    queries.length = 0;
    const r = await get('/facilities/STORE_NYC/items?limit=4');
    expect(r.status).toBe(200);
    expect(queries.filter((t) => /from order_items/.test(t))).toHaveLength(1);
    const [a1, a2, c, b] = r.body.items;
    expect(r.body.items.map((i: { orderId: string; seqId: string }) => `${i.orderId}/${i.seqId}`)).toEqual([`${A}/00001`, `${A}/00002`, `${C}/00001`, `${B}/00001`]);
    expect(a1).toEqual({
      orderId: A, seqId: '00001', quantity: 2, status: 'PACKED', productId: 'SKU1', productName: 'Blue Ceramic Mug', sku: 'MUG-BLUE',
      orderDate: '2026-11-18T10:00:00.000Z', ageMinutes: expect.any(Number), shippingMethod: null, shipTo: { city: 'New York', state: 'NY' },
    });
    expect(a2).toMatchObject({ status: 'ALLOCATED', productName: 'Canvas Tote Bag', sku: 'TOTE', quantity: 1 });
    expect(c).toMatchObject({ shippingMethod: 'NEXT_DAY', orderDate: '2026-11-19T10:00:00.000Z' });
    expect(b.ageMinutes).toBeLessThan(c.ageMinutes);
    expect(c.ageMinutes - b.ageMinutes).toBe(23 * 60);
    expect(typeof r.body.nextAfter).toBe('string');
    for (const secret of ['1 Main St', '10002', '555 0100', 'ada@example.com', 'Lovelace']) expect(r.text).not.toContain(secret);
  });

  it('the age is whole minutes since the order date', async () => {
    const page = await storeQueue(d.db, { facilityId: 'STORE_NYC', limit: 1, now: new Date('2026-11-18T12:34:59Z') });
    expect(page).toMatchObject({ kind: 'ok', items: [{ orderId: A, ageMinutes: 154 }] });
  });

  it('a page of 200 by default, at most 1,000; nextAfter walks every item once in the order of one big page', async () => {
    const first = await get('/facilities/STORE_NYC/items');
    expect(first.body.items).toHaveLength(200);
    const whole = await get('/facilities/STORE_NYC/items?limit=1000');
    expect(whole.body.items).toHaveLength(4 + BULK);
    expect(whole.body.nextAfter).toBeNull();
    const second = await get(`/facilities/STORE_NYC/items?after=${first.body.nextAfter}`);
    expect([...first.body.items, ...second.body.items]).toEqual(whole.body.items);
    expect(second.body.nextAfter).toBeNull();

    const walked: unknown[] = [];
    let pages = 0;
    for (let after: string | null = ''; after !== null; pages++) {
      const r = await get(`/facilities/STORE_NYC/items?limit=37${after ? `&after=${after}` : ''}`);
      expect(r.status).toBe(200);
      walked.push(...r.body.items);
      after = r.body.nextAfter;
    }
    expect(walked).toEqual(whole.body.items);
    expect(pages).toBe(Math.ceil((4 + BULK) / 37));
    // The dates are ordered, and items with the same date by order then item.
    const keys = whole.body.items.map((i: { orderDate: string; orderId: string; seqId: string }) => [i.orderDate, i.orderId, i.seqId].join(' '));
    expect(keys).toEqual([...keys].sort());
    // Another store's items are not there; a store with none has an empty page.
    expect(whole.text).not.toContain('STORE_BOS');
    expect((await get('/facilities/STORE_BOS/items')).body).toEqual({ items: [], nextAfter: null });
  });

  it('a bad limit or after is 400 naming it; an unknown facility 404, a warehouse 409', async () => {
    for (const q of ['limit=1001', 'limit=0', 'limit=ten', 'limit=1.5', 'limit=-3']) {
      const r = await get(`/facilities/STORE_NYC/items?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.errors?.[0]?.field, q).toBe('limit');
    }
    for (const q of ['after=nonsense', `after=${Buffer.from('[1,2]').toString('base64url')}`, 'after=']) {
      const r = await get(`/facilities/STORE_NYC/items?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.errors?.[0]?.field, q).toBe('after');
    }
    expect((await get('/facilities/NO_SUCH/items')).status).toBe(404);
    await seedCatalog(d.db, { facilities: [{ id: 'WH_X', name: 'Warehouse', type: 'WAREHOUSE', fulfillmentSystem: 'NETSUITE', postalCode: '07001' }] });
    expect((await get('/facilities/WH_X/items')).status).toBe(409);
  });
});

/** `BULK` orders of one SKU2 item each, ALLOCATED at STORE_NYC, dated 2026-11-21 onwards (several per minute). */
async function bulkAllocated(db: Db) {
  await db.execute(sql`insert into orders (id, order_date, status, ship_to)
    select 'BULK-' || lpad(g::text, 4, '0'), timestamptz '2026-11-21T00:00:00Z' + (g / 3) * interval '1 minute', 'ALLOCATED',
           '{"city":"Albany","state":"NY","address1":"9 Elm St","country":"US"}'::jsonb
    from generate_series(1, ${BULK}) g`);
  await db.execute(sql`insert into order_items (order_id, seq_id, product_id, quantity, unit_price, status, facility_id)
    select 'BULK-' || lpad(g::text, 4, '0'), '00001', 'SKU2', 1, 5, 'ALLOCATED', 'STORE_NYC' from generate_series(1, ${BULK}) g`);
}
