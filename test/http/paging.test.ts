/**
 * Bounded lists: GET /inventory, /products, /facilities, /orders, /exceptions and /brokering/runs
 * answer at most `limit` rows (a default when absent, 400 naming `limit` past the maximum) and
 * `nextOffset`, the offset of the next page, null on the last one. Walking the pages by nextOffset
 * gives every row once, in the order of the one big page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { buildServer, type App } from '../../src/http/server';
import { createTestDatabase, ENGINES } from '../support/db';
import { expectOk, orderBody, seedCatalog, STORE_NYC, WH_NJ } from '../support/fixtures';
import { approveOrder, createOrder } from '../../src/app/orders';
import { runBrokering } from '../../src/app/brokering';
import { authorizeAsAdmin } from '../support/auth';

type Database = Awaited<ReturnType<typeof createTestDatabase>>;

const PRODUCTS = Array.from({ length: 105 }, (_, i) => `P${String(i).padStart(3, '0')}`);

describe.each(ENGINES)('bounded lists on %s', (engine) => {
  let d: Database;
  let app: App;
  const get = async (url: string) => {
    const r = await app.inject({ method: 'GET', url });
    return { status: r.statusCode, body: r.json() };
  };
  /** Every row of a list, page by page (`limit` a page), checking each page's bound and nextOffset. */
  const walk = async (path: string, key: string, limit: number) => {
    const all: unknown[] = [];
    let pages = 0;
    for (let offset: number | null = 0; offset !== null; pages++) {
      const sep = path.includes('?') ? '&' : '?';
      const r = await get(`${path}${sep}limit=${limit}&offset=${offset}`);
      expect(r.status, `${path} offset ${offset}`).toBe(200);
      const rows = r.body[key] as unknown[];
      expect(rows.length).toBeLessThanOrEqual(limit);
      expect(r.body.nextOffset === null ? rows.length <= limit : rows.length === limit, `${path}: a page before the last is full`).toBe(true);
      all.push(...rows);
      offset = r.body.nextOffset;
      if (offset !== null) expect(offset).toBe(all.length);
    }
    return { all, pages };
  };

  beforeAll(async () => {
    d = await createTestDatabase(engine);
    await seedCatalog(d.db, {
      facilities: [STORE_NYC, WH_NJ],
      products: [...PRODUCTS.map((id) => ({ id })), { id: 'NONE' }],
      stock: PRODUCTS.map((p): [string, string, number] => [p, 'WH_NJ', 1]),
    });
    // Orders of a product that has no stock anywhere: brokering parks them in Exception.
    for (let i = 0; i < 5; i++) {
      const body = orderBody({ externalId: `PAGE-${i}`, orderDate: `2026-11-0${i + 1}T10:00:00Z`, items: [{ productId: 'NONE', quantity: 1, unitPrice: 1 }] });
      const { order } = expectOk(await d.db.transaction((tx) => createOrder(tx, body)));
      expectOk(await d.db.transaction((tx) => approveOrder(tx, order.id)));
      await runBrokering(d, { trigger: 'test' });
    }
    app = await authorizeAsAdmin(await buildServer({ database: d, config: loadConfig({ LOG_LEVEL: 'silent', OMS_JOBS: 'false' }), log: createLogger('silent') }), d.db);
  });
  afterAll(async () => {
    await app?.close();
    await d?.close();
  });

  it('GET /inventory: 100 rows by default, at most 1,000, the next page by nextOffset; a bad limit is 400 naming it', async () => {
    const first = await get('/inventory');
    expect(first.status).toBe(200);
    expect(first.body.inventory).toHaveLength(100);
    expect(first.body.nextOffset).toBe(100);
    const rest = await get('/inventory?offset=100');
    expect(rest.body.inventory.map((l: { productId: string }) => l.productId)).toEqual(PRODUCTS.slice(100));
    expect(rest.body.nextOffset).toBeNull();

    const whole = await get('/inventory?limit=1000');
    expect(whole.body).toMatchObject({ nextOffset: null });
    expect(whole.body.inventory.map((l: { productId: string }) => l.productId)).toEqual(PRODUCTS);
    expect((await walk('/inventory', 'inventory', 7)).all).toEqual(whole.body.inventory);
    // A page that ends exactly at the last row is the last one; one row short of it is not.
    expect((await get(`/inventory?limit=${PRODUCTS.length}`)).body.nextOffset).toBeNull();
    expect((await get(`/inventory?limit=${PRODUCTS.length - 1}`)).body.nextOffset).toBe(PRODUCTS.length - 1);
    // The filters page too.
    const atWh = await walk('/inventory?facilityId=WH_NJ', 'inventory', 50);
    expect(atWh).toMatchObject({ pages: 3 });
    expect((await get('/inventory?productId=P007')).body).toEqual({ inventory: [expect.objectContaining({ productId: 'P007', onHand: 1 })], nextOffset: null });

    for (const q of ['limit=1001', 'limit=0', 'limit=ten', 'limit=1.5']) {
      const r = await get(`/inventory?${q}`);
      expect(r.status, q).toBe(400);
      expect(JSON.stringify(r.body), q).toContain('limit');
    }
    expect((await get('/inventory?offset=-1')).status).toBe(400);
  });

  it('GET /products, /facilities, /orders, /exceptions and /brokering/runs page the same way', async () => {
    const lists: [path: string, key: string, max: number, total: number][] = [
      ['/products', 'products', 1000, PRODUCTS.length + 1],
      ['/facilities', 'facilities', 1000, -1],
      ['/orders', 'orders', 500, 5],
      ['/exceptions', 'exceptions', 1000, 5],
      ['/brokering/runs', 'runs', 200, 5],
    ];
    for (const [path, key, max, total] of lists) {
      const whole = await get(`${path}?limit=${max}`);
      expect(whole.status, path).toBe(200);
      expect(whole.body.nextOffset, path).toBeNull();
      if (total >= 0) expect(whole.body[key], path).toHaveLength(total);
      const walked = await walk(path, key, 2);
      expect(walked.all, path).toEqual(whole.body[key]);
      expect(walked.pages, path).toBe(Math.ceil(whole.body[key].length / 2));
      const over = await get(`${path}?limit=${max + 1}`);
      expect(over.status, `${path} limit ${max + 1}`).toBe(400);
      expect(JSON.stringify(over.body)).toContain('limit');
    }
    // The reserved virtual facilities are listed with the others.
    expect((await get('/facilities')).body.facilities.map((f: { id: string }) => f.id)).toEqual(expect.arrayContaining(['_NA_', 'STORE_NYC', 'WH_NJ']));
  });
});
