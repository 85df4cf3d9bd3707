/**
 * POST /orders/import: the CLI's order import over HTTP. A CSV or JSON file as the body, its
 * encoding detected (or ?encoding=latin1|windows-1252), answered with the same per-row report
 * (created, existing, row errors at their exact lines); a re-send is all existing; the body limit
 * comes from OMS_IMPORT_BODY_LIMIT_BYTES.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { buildServer, type App } from '../../src/http/server';
import { importOrders } from '../../src/app/import-orders';
import { orderItems, orders } from '../../src/db/schema';
import { createTestDatabase, ENGINES } from '../support/db';
import { authorizeAsAdmin } from '../support/auth';
import { seedCatalog, STORE_NYC, WH_NJ } from '../support/fixtures';

type Database = Awaited<ReturnType<typeof createTestDatabase>>;

const fixture = (name: string) => new URL(`../fixtures/import/${name}`, import.meta.url).pathname;
const bytes = (name: string) => readFileSync(fixture(name));

describe.each(ENGINES)('POST /orders/import on %s', (engine) => {
  let d: Database;
  let app: App;
  const post = async (payload: string | Buffer, contentType: string, query = '', server = app) => {
    const r = await server.inject({ method: 'POST', url: `/orders/import${query}`, payload, headers: { 'content-type': contentType } });
    return { status: r.statusCode, body: r.json() };
  };
  const stored = async (externalId: string) => (await d.db.select().from(orders).where(eq(orders.externalId, externalId)))[0];
  const count = async () => (await d.db.select({ id: orders.id }).from(orders)).length;

  beforeAll(async () => {
    d = await createTestDatabase(engine);
    await seedCatalog(d.db, { facilities: [STORE_NYC, WH_NJ], products: [{ id: 'SKU1' }, { id: 'SKU2' }, { id: 'SKU3' }] });
    app = await authorizeAsAdmin(await buildServer({ database: d, config: loadConfig({ LOG_LEVEL: 'silent', OMS_JOBS: 'false' }), log: createLogger('silent') }), d.db);
  });
  afterAll(async () => {
    await app?.close();
    await d?.close();
  });

  it('imports a CSV file (200, created); the exact same file again is all existing and stores nothing new', async () => {
    const file = bytes('orders.csv');
    expect(await post(file, 'text/csv')).toEqual({ status: 200, body: { created: 3, existing: 0, rejected: [] } });
    const o1 = await stored('CSV-1');
    expect(o1).toMatchObject({ salesChannel: 'WEB', status: 'CREATED' });
    expect((await d.db.select().from(orderItems).where(eq(orderItems.orderId, o1.id))).map((i) => [i.productId, i.quantity])).toEqual([['SKU1', 2], ['SKU2', 1]]);
    const before = await count();
    expect(await post(file, 'text/csv; charset=utf-8')).toEqual({ status: 200, body: { created: 0, existing: 3, rejected: [] } });
    expect(await count()).toBe(before);
  });

  it('imports a JSON file; ?approve=true approves what it creates', async () => {
    expect(await post(bytes('orders.json'), 'application/json', '?approve=true')).toMatchObject({ status: 200, body: { existing: 0, rejected: [] } });
    const created = (await post(bytes('orders.json'), 'application/json')).body;
    expect(created).toMatchObject({ created: 0, rejected: [] });
    expect(created.existing).toBeGreaterThan(0);
    const ids = (JSON.parse(bytes('orders.json').toString()) as { externalId: string }[] | { orders: { externalId: string }[] });
    const first = (Array.isArray(ids) ? ids : ids.orders)[0].externalId;
    expect((await stored(first)).status).toBe('APPROVED');
  });

  it('refuses a Latin-1 file without ?encoding (400 naming the body and the parameter, nothing stored), reads it with latin1 or windows-1252', async () => {
    const lat = bytes('latin1.csv');
    const before = await count();
    const refused = await post(lat, 'text/csv');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid', created: 0, existing: 0, errors: [{ row: 0, field: 'body' }], rejected: [{ row: 0, field: '(file)' }] });
    expect(refused.body.errors[0].message).toMatch(/^the request body is not UTF-8 text .*\?encoding=latin1 or \?encoding=windows-1252/);
    expect(await count()).toBe(before);
    expect(await post(lat, 'text/csv', '?encoding=latin1')).toEqual({ status: 200, body: { created: 1, existing: 0, rejected: [] } });
    expect((await stored('LAT-1')).shipTo).toMatchObject({ name: 'Zoë Müller', address1: 'Königstraße 5', city: 'Köln' });
    const w = Buffer.from(lat.toString('latin1').replace('LAT-1', 'W-1'), 'latin1');
    expect(await post(w, 'text/csv', '?encoding=windows-1252')).toEqual({ status: 200, body: { created: 1, existing: 0, rejected: [] } });
    expect((await stored('W-1')).shipTo.name).toBe('Zoë Müller');
    // UTF-16 with its byte-order mark needs no parameter.
    const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lat.toString('latin1').replace('LAT-1', 'U16'), 'utf16le')]);
    expect(await post(u16, 'text/csv')).toEqual({ status: 200, body: { created: 1, existing: 0, rejected: [] } });
    expect((await stored('U16')).shipTo.name).toBe('Zoë Müller');
  });

  it('a file with bad rows: the good orders stored, each bad row named at its exact line, the report the CLI prints', async () => {
    const file = bytes('bad-orders.csv');
    const r = await post(file, 'text/csv');
    expect(r.status).toBe(200);
    expect(r.body.created).toBe(2);
    expect(r.body.rejected.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [7, 'quantity'], [6, '(order)'], [8, 'quantity'], [9, 'address1'], [9, 'country'], [10, 'facilityId'], [12, 'externalId'],
      [13, 'quantity'], [15, 'postalCode'], [14, '(order)'], [16, 'externalId'],
    ]);
    // The same use case as `oms import orders`: importing the same text directly reports the same rows (its good orders now exist).
    const direct = await importOrders(d.db, { text: file.toString('utf8'), format: 'csv' });
    expect(direct).toEqual({ created: 0, existing: 2, rejected: r.body.rejected });
    // A JSON file with bad orders reports their positions and API fields.
    const json = await post(bytes('bad-orders.json'), 'application/json');
    expect(json.status).toBe(200);
    expect(json.body.rejected.length).toBeGreaterThan(0);
    expect(json.body.rejected.every((e: { row: number }) => e.row >= 1)).toBe(true);
  });

  it('400 when nothing could be imported, 415 for another content type, 413 over the configured body limit', async () => {
    const before = await count();
    const allBad = 'externalId,address1,country,productId,quantity\nNONE-1,1 Main St,US,SKU1,0\nNONE-2,1 Main St,US,SKU1,many\n';
    const bad = await post(allBad, 'text/csv');
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid', created: 0, existing: 0 } });
    expect(bad.body.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([[2, 'quantity'], [3, 'quantity']]);
    expect((await post(bytes('unparseable.csv'), 'text/csv')).body).toMatchObject({ error: 'invalid', errors: [{ row: 0, field: 'body' }] });
    expect((await post('{"orders": [', 'application/json')).body.errors[0].message).toMatch(/^malformed JSON/);
    expect(await post('', 'text/csv')).toMatchObject({ status: 400, body: { errors: [{ field: 'body', message: expect.stringMatching(/empty/) }] } });
    expect(await post('externalId,productId,quantity\nA,SKU1,1\n', 'text/plain')).toMatchObject({ status: 415, body: { errors: [{ field: 'content-type' }] } });
    expect(await post('externalId,productId,quantity\nA,SKU1,1\n', 'text/csv', '?encoding=utf-7')).toMatchObject({ status: 400, body: { errors: [{ field: 'encoding' }] } });
    expect(await count()).toBe(before);

    const small = await authorizeAsAdmin(await buildServer({
      database: d, config: loadConfig({ LOG_LEVEL: 'silent', OMS_JOBS: 'false', OMS_IMPORT_BODY_LIMIT_BYTES: '2048' }), log: createLogger('silent'),
    }), d.db);
    try {
      const big = `externalId,productId,quantity\n${Array.from({ length: 200 }, (_, i) => `BIG-${i},SKU1,1`).join('\n')}\n`;
      expect(await post(big, 'text/csv', '', small)).toMatchObject({ status: 413, body: { error: 'payload_too_large', limitBytes: 2048 } });
      // A file under the limit is imported as usual.
      expect((await post(bytes('orders.csv'), 'text/csv', '', small)).status).toBe(200);
    } finally {
      await small.close();
    }
    expect(await count()).toBe(before);
  });
});
