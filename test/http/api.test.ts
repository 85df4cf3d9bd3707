import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { startOms, type OmsHandle } from '../../src/main';
import { createLogger } from '../../src/log';
import { createTestDatabase, ENGINES } from '../support/db';
import { orderBody, seedCatalog, STORE_NYC, WH_NJ } from '../support/fixtures';
import { testAdmin, type TestUser } from '../support/auth';

describe.each(ENGINES)('REST API over HTTP on %s', (engine) => {
  let oms: OmsHandle;
  let admin: TestUser;
  const logs: string[] = [];
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${oms.url}${path}`, { method, headers: { ...admin.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await r.text();
    let json: any; try { json = JSON.parse(text); } catch { json = text; }
    return { status: r.status, body: json };
  };
  beforeAll(async () => {
    const database = await createTestDatabase(engine);
    await seedCatalog(database.db, { facilities: [STORE_NYC, WH_NJ], products: [{ id: 'SKU1' }], stock: [['SKU1', 'WH_NJ', 3]] });
    admin = await testAdmin(database.db);
    const sink = new Writable({ write(chunk, _e, cb) { logs.push(chunk.toString()); cb(); } });
    oms = await startOms(loadConfig({ PORT: '0', LOG_LEVEL: 'info', OMS_JOBS: 'false' }), { database, log: createLogger('info', sink) });
    (oms as any).testDb = database;
  });
  afterAll(async () => { await oms.close(); await (oms as any).testDb.close(); });

  it('health, OpenAPI docs and metrics', async () => {
    expect(await call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok', database: { engine, reachable: true, migrationsCurrent: true } } });
    const docs = await call('GET', '/docs/json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/orders', '/orders/{id}/approve', '/routing-profiles/{id}', '/brokering/runs', '/inventory']));
    expect((await fetch(`${oms.url}/docs`)).status).toBe(200);
    const create = docs.body.paths['/orders'].post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(expect.arrayContaining(['shipTo', 'items']));
  });

  it('create (201, then 200 for the same external id), approve, broker, read, cancel, history', async () => {
    const body = orderBody({ externalId: 'API-1', items: [{ productId: 'SKU1', quantity: 2 }] });
    const c = await call('POST', '/orders', body);
    expect(c.status).toBe(201);
    const id = c.body.id;
    const again = await call('POST', '/orders', body);
    expect(again).toMatchObject({ status: 200, body: { id } });
    expect((await call('POST', `/orders/${id}/approve`)).body.status).toBe('APPROVED');
    expect((await call('POST', `/orders/${id}/approve`)).status).toBe(409);
    const run = await call('POST', '/brokering/runs');
    expect(run).toMatchObject({ status: 201, body: { status: 'COMPLETED', allocated: 1 } });
    expect((await call('GET', `/brokering/runs/${run.body.id}`)).body.decisions).toEqual([{ orderId: id, status: 'ALLOCATED', exceptionReason: null }]);
    expect((await call('GET', `/orders/${id}/routing`)).body.decisions[0].result.shipments[0].facilityId).toBe('WH_NJ');
    expect((await call('GET', '/orders?status=ALLOCATED')).body.orders.map((o: any) => o.id)).toEqual([id]);
    expect((await call('GET', '/orders?facilityId=WH_NJ')).body.orders.map((o: any) => o.id)).toEqual([id]);
    expect((await call('GET', '/orders?status=NOPE')).status).toBe(400);
    expect((await call('GET', '/inventory?productId=SKU1&facilityId=WH_NJ')).body.inventory[0]).toMatchObject({ onHand: 3, reserved: 2, available: 1 });
    expect((await call('POST', `/orders/${id}/cancel`)).body.status).toBe('CANCELLED');
    expect((await call('POST', `/orders/${id}/cancel`)).status).toBe(409);
    const h = await call('GET', `/orders/${id}/items/00001/history`);
    expect(h.body.history.map((x: any) => x.toStatus)).toEqual(['CREATED', 'APPROVED', 'ALLOCATED', 'CANCELLED']);
    expect((await call('GET', '/orders/NOPE')).status).toBe(404);
  });

  it('bad input: 400 naming the field, nothing stored; malformed JSON', async () => {
    const before = (await call('GET', '/orders')).body.orders.length;
    const r = await call('POST', '/orders', orderBody({ items: [{ productId: 'SKU1', quantity: -1 }] }));
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('items[0].quantity');
    const missing = await call('POST', '/orders', orderBody({ shipTo: undefined }));
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]).toEqual({ field: 'shipTo', message: 'is required' });
    const m = await call('POST', '/orders', '{"externalId": ');
    expect(m.status).toBe(400);
    expect(m.body.message).toContain('malformed JSON');
    expect((await call('GET', '/orders')).body.orders.length).toBe(before);
    expect((await call('PUT', '/inventory/SKU1/WH_NJ', { onHand: 1.5 })).status).toBe(400);
  });

  it('routing profiles: 422 naming every conflicting pair, stored profile unchanged, history kept', async () => {
    const ok = await call('PUT', '/routing-profiles/default', { settings: { allowSplitFulfillment: true } });
    expect(ok.status).toBe(200);
    const bad = await call('PUT', '/routing-profiles/default', { settings: { allowSplitFulfillment: true, noSplitOrder: true, sampleProductsCannotBeSplit: true, oneItemPerOrder: true } });
    expect(bad.status).toBe(422);
    for (const pair of ['oneItemPerOrder with sampleProductsCannotBeSplit', 'allowSplitFulfillment with noSplitOrder', 'allowSplitFulfillment with sampleProductsCannotBeSplit']) expect(bad.body.message).toContain(pair);
    expect((await call('GET', '/routing-profiles/default')).body.settings).toMatchObject({ allowSplitFulfillment: true, noSplitOrder: false });
    expect((await call('PUT', '/routing-profiles/default', { settings: { allowSplit: true } })).status).toBe(400);
    const hist = await call('GET', '/routing-profiles/default/history');
    expect(hist.body.history).toHaveLength(1);
    expect(hist.body.history[0]).toMatchObject({ actor: admin.username, after: { settings: { allowSplitFulfillment: true } } });
  });

  it('metrics in Prometheus text; logs never hold addresses or e-mails', async () => {
    expect((await fetch(`${oms.url}/metrics`)).status).toBe(401);
    const m = await fetch(`${oms.url}/metrics`, { headers: admin.headers });
    const text = await m.text();
    expect(text).toContain('oms_http_requests_total{');
    expect(text).toMatch(/oms_orders\{status="CANCELLED"\} 1/);
    expect(text).toContain('oms_brokering_queue_items 0');
    const all = logs.join('');
    expect(all).toContain('"route":"/orders"');
    expect(all).not.toContain('ada@example.com');
    expect(all).not.toContain('1 Main St');
  });
});
