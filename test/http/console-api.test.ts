/**
 * The operations console's API over the real server (fastify inject, API tokens), on both engines:
 *
 * - GET /orders?q=: an order id or external id exactly, the start of a customer's e-mail, full
 *   name or last name in any case (LIKE wildcards in the term match themselves), with the other
 *   filters and paging, each row with its customer's name and e-mail; a store user's search stays
 *   within their store;
 * - GET /orders/:id/story: the order's items (place, status, NetSuite state), customer, every move
 *   (from, to, by whom, why), the rejections with their comments and the routing explanation of
 *   each brokering decision, in one answer; operations only;
 * - job_runs.actor: the authenticated user of POST /jobs/:name/run (completed and skipped runs),
 *   none for a run the scheduler starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { buildServer, type App } from '../../src/http/server';
import { createJobRegistry, runJob, seedJobDefinitions } from '../../src/jobs';
import { brokeringJob } from '../../src/wiring';
import { approveOrder, createOrder } from '../../src/app/orders';
import { rejectItem } from '../../src/app/rejections';
import { runBrokering } from '../../src/app/brokering';
import { findJobRun } from '../../src/db/jobs.repo';
import type { Database } from '../../src/db/client';
import { createTestDatabase, ENGINES } from '../support/db';
import { expectOk, orderBody, seedCatalog, STORE_NYC, WH_NJ } from '../support/fixtures';
import { injectAs, testUser } from '../support/auth';

describe.each(ENGINES)('operations console API on %s', (engine) => {
  let d: Database;
  let app: App;
  const config = loadConfig({ LOG_LEVEL: 'silent', OMS_JOBS: 'false' });
  type Call = ReturnType<typeof injectAs>;
  let asOps: Call, asStore: Call;
  const get = (as: Call, url: string) => as({ method: 'GET', url });
  const post = (as: Call, url: string, payload: unknown = {}) => as({ method: 'POST', url, payload: payload as InjectOptions['payload'] });
  const search = async (query: string, as: Call = asOps) => {
    const r = await get(as, `/orders?${query}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { orders: any[]; nextOffset: number | null };
  };
  const ids = (p: { orders: { id: string }[] }) => p.orders.map((o) => o.id).sort();

  const place = async (over: Record<string, unknown>, approve = true) => {
    const { order } = expectOk(await d.db.transaction((tx) => createOrder(tx, orderBody(over))));
    if (approve) expectOk(await d.db.transaction((tx) => approveOrder(tx, order.id, 'ops-user')));
    return order.id as string;
  };

  let ada: string, grace: string, alan: string, pct: string;
  beforeAll(async () => {
    d = await createTestDatabase(engine);
    await seedCatalog(d.db, { facilities: [STORE_NYC, WH_NJ], products: [{ id: 'SKU1', sku: 'MUG-BLUE', name: 'Blue Mug' }, { id: 'SKU2', sku: 'TOTE', name: 'Tote' }],
      stock: [['SKU1', 'STORE_NYC', 5], ['SKU1', 'WH_NJ', 5], ['SKU2', 'STORE_NYC', 5]] });
    const registry = createJobRegistry([brokeringJob(d, config)]);
    await seedJobDefinitions(d.db, registry);
    app = await buildServer({ database: d, config, log: createLogger('silent'), jobs: { registry } });
    await app.ready();
    asOps = injectAs(app, await testUser(d.db, 'operations', [], 'ops-user'));
    asStore = injectAs(app, await testUser(d.db, 'store', ['STORE_NYC'], 'nyc-clerk'));
    ada = await place({ externalId: 'WEB-1001', orderDate: '2026-11-01T10:00:00Z' }, false);
    grace = await place({
      externalId: 'WEB-1002', orderDate: '2026-11-02T10:00:00Z',
      customer: { externalId: 'C-2', firstName: 'Grace', lastName: 'Hopper', email: 'Grace.Hopper@Example.com' },
    }, false);
    alan = await place({
      externalId: 'WEB-1003', orderDate: '2026-11-03T10:00:00Z',
      customer: { externalId: 'C-3', firstName: 'Alan', lastName: 'Turing', email: 'alan@example.com' },
    }, false);
    pct = await place({
      externalId: 'WEB-1004', orderDate: '2026-11-04T10:00:00Z',
      customer: { externalId: 'C-4', firstName: 'Percy', lastName: '100%_Sure', email: 'p_c@example.com' },
    }, false);
  });
  afterAll(async () => { await app?.close(); await d?.close(); });

  it('finds orders by id, external id, and the start of an e-mail, a full name or a last name in any case', async () => {
    expect(ids(await search(`q=${grace}`))).toEqual([grace]);
    expect(ids(await search('q=WEB-1003'))).toEqual([alan]);
    // Exact only for ids: a piece of an external id finds nothing.
    expect(ids(await search('q=WEB-100'))).toEqual([]);
    expect(ids(await search('q=grace.hop'))).toEqual([grace]);
    expect(ids(await search('q=GRACE%20HOPPER'))).toEqual([grace]);
    expect(ids(await search('q=turi'))).toEqual([alan]);
    expect(ids(await search('q=ada%20l'))).toEqual([ada]);
    // The prefix only: the middle of an e-mail finds nothing.
    expect(ids(await search('q=example.com'))).toEqual([]);
    // LIKE's wildcards match themselves: '%' and '_' are no "anything".
    expect(ids(await search('q=%25'))).toEqual([]);
    expect(ids(await search('q=p_'))).toEqual([pct]);
    expect(ids(await search('q=pxc'))).toEqual([]);
    expect(ids(await search('q=100%25_s'))).toEqual([pct]);
    // A blank term is no search.
    expect(ids(await search('q=%20%20'))).toEqual([ada, alan, grace, pct].sort());
    const row = (await search('q=alan@')).orders[0];
    expect(row).toMatchObject({ id: alan, externalId: 'WEB-1003', customerName: 'Alan Turing', customerEmail: 'alan@example.com', status: 'CREATED' });
  });

  it("gives a store user their store's orders with the customer's name but not the e-mail", async () => {
    const id = await place({
      externalId: 'WEB-3001', orderDate: '2026-11-06T10:00:00Z',
      customer: { externalId: 'C-5', firstName: 'Edsger', lastName: 'Dijkstra', email: 'edsger@example.com' },
      items: [{ productId: 'SKU2', quantity: 1, unitPrice: 10 }],
    });
    expect(await runBrokering(d, { trigger: 'test' })).toMatchObject({ status: 'COMPLETED' });
    expect((await get(asOps, `/orders/${id}`)).json().items[0].facilityId).toBe('STORE_NYC');
    expect((await search('q=dijkstra', asStore)).orders).toEqual([expect.objectContaining({ id, customerName: 'Edsger Dijkstra', customerEmail: null })]);
    expect((await search('q=dijkstra')).orders).toEqual([expect.objectContaining({ id, customerEmail: 'edsger@example.com' })]);
    // Orders of no item at the store are not listed, whatever the search.
    expect((await search(`q=${grace}`, asStore)).orders).toEqual([]);
  });

  it('combines the search with status, dates and paging, newest first', async () => {
    expect(ids(await search('q=a&status=CREATED'))).toEqual([ada, alan].sort());
    expect(ids(await search('q=a&status=APPROVED'))).toEqual([]);
    expect(ids(await search('q=a&from=2026-11-02T00:00:00Z'))).toEqual([alan]);
    const first = await search('status=CREATED&limit=2');
    expect(first.orders.map((o) => o.id)).toEqual([pct, alan]);
    expect(first.nextOffset).toBe(2);
    const second = await search(`status=CREATED&limit=2&offset=${first.nextOffset}`);
    expect(second.orders.map((o) => o.id)).toEqual([grace, ada]);
  });

  it("tells an order's whole story in one answer; a store user may not ask for it", async () => {
    const id = await place({
      externalId: 'WEB-2001', orderDate: '2026-11-05T10:00:00Z', items: [{ productId: 'SKU1', quantity: 1, unitPrice: 10 }],
      shipTo: { name: 'Ada Lovelace', address1: '1 Main St', city: 'New York', state: 'NY', postalCode: '10001', country: 'US' },
    });
    expect(await runBrokering(d, { trigger: 'test', actor: 'ops-user' })).toMatchObject({ status: 'COMPLETED' });
    const first = (await get(asOps, `/orders/${id}`)).json().items[0].facilityId as string;
    expectOk(await d.db.transaction((tx) => rejectItem(tx, {
      orderId: id, seqId: '00001', reasonId: 'NOT_IN_STOCK', comments: 'shelf empty', source: 'STORE', actor: 'nyc-clerk', expectedFacilityId: first,
    })));
    expect(await runBrokering(d, { trigger: 'test', actor: 'ops-user' })).toMatchObject({ status: 'COMPLETED' });

    const r = await get(asOps, `/orders/${id}/story`);
    expect(r.statusCode, r.body).toBe(200);
    const s = r.json();
    const second = s.order.items[0].facilityId;
    expect(second).not.toBe(first);
    expect(s.order).toMatchObject({ id, externalId: 'WEB-2001', status: 'ALLOCATED' });
    expect(s.order.items[0]).toMatchObject({ seqId: '00001', status: 'ALLOCATED', netsuite: { state: expect.any(String) } });
    expect(s.customer).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com', phone: null });
    expect(s.history.map((h: any) => [h.fromStatus, h.toStatus, h.fromFacilityId, h.toFacilityId, h.reason, h.actor])).toEqual([
      [null, 'CREATED', null, null, 'ORDER_CREATED', 'api'],
      ['CREATED', 'APPROVED', null, '_NA_', 'ORDER_APPROVED', 'ops-user'],
      ['APPROVED', 'ALLOCATED', '_NA_', first, expect.any(String), expect.any(String)],
      ['ALLOCATED', 'APPROVED', first, '_NA_', 'REJECTED NOT_IN_STOCK by STORE', 'nyc-clerk'],
      ['APPROVED', 'ALLOCATED', '_NA_', second, expect.any(String), expect.any(String)],
    ]);
    expect(s.history[2].runId).toBe(s.routing[1].runId);
    expect(s.rejections).toEqual([expect.objectContaining({
      seqId: '00001', facilityId: first, quantity: 1, source: 'STORE', reason: 'NOT_IN_STOCK', comments: 'shelf empty', actor: 'nyc-clerk',
      reasonDescription: expect.any(String),
    })]);
    // Newest decision first, each with the engine's explanation.
    expect(s.routing).toHaveLength(2);
    expect(s.routing[0].result).toMatchObject({ status: 'ALLOCATED', shipments: [{ facilityId: second }] });
    expect(s.routing[0].result.explanation.length).toBeGreaterThan(0);
    expect(s.routing[1].result).toMatchObject({ shipments: [{ facilityId: first }] });

    expect((await get(asStore, `/orders/${id}/story`)).statusCode).toBe(403);
    expect((await get(asOps, '/orders/ORD-NOPE/story')).statusCode).toBe(404);
  });

  it('records who asked for a job run: the API user for run and skip, nobody for the scheduler', async () => {
    const ran = await post(asOps, '/jobs/BROKERING_RUN/run');
    expect(ran.statusCode, ran.body).toBe(200);
    expect((await findJobRun(d.db, ran.json().run.id))?.actor, ran.body).toBe('ops-user');
    const paused = await asOps({ method: 'PATCH', url: '/jobs/BROKERING_RUN', payload: { enabled: false } });
    expect(paused.statusCode, paused.body).toBe(200);
    const skipped = await post(asOps, '/jobs/BROKERING_RUN/run');
    expect(skipped.statusCode, skipped.body).toBe(409);
    const runs = (await get(asOps, '/jobs/runs?name=BROKERING_RUN')).json().runs;
    expect(runs[0]).toMatchObject({ status: 'SKIPPED', actor: 'ops-user' });
    await asOps({ method: 'PATCH', url: '/jobs/BROKERING_RUN', payload: { enabled: true } });
    const registry = createJobRegistry([brokeringJob(d, config)]);
    const cron = await runJob(d, registry, 'BROKERING_RUN', { trigger: 'cron' });
    expect(cron.kind).toBe('completed');
    if (cron.kind === 'completed') expect(cron.run.actor).toBeNull();
  });
});
