/**
 * Who may call what, checked over the real server (fastify inject) on every route it has:
 *
 * - the route × role table: the routes come from the server itself (its `onRoute` list), so a
 *   route added without an entry here fails the test; anonymous calls get 401 on every route that
 *   is not public, each role gets the table's answer (passes the check, 403, or the 404 of an
 *   unknown record for a store user asking about another store);
 * - a store user: their orders, items, facilities and stock only, another store's order or item
 *   answered exactly as an unknown one;
 * - sessions (log-in, cookie, CSRF: JSON and same origin only), the Host check, the log-in rate
 *   limit, token revocation, disabled users, session expiry (an injected clock), and the actor of
 *   history rows being the authenticated user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { buildServer, type App } from '../../src/http/server';
import { routeAccess } from '../../src/http/auth';
import { webRoutes } from '../../src/web';
import { createJobRegistry, seedJobDefinitions } from '../../src/jobs';
import { approveOrder, createOrder } from '../../src/app/orders';
import { runBrokering } from '../../src/app/brokering';
import { createUser } from '../../src/app/auth';
import { ROLES, type Role } from '../../src/domain/access';
import type { Database } from '../../src/db/client';
import { createTestDatabase, ENGINES } from '../support/db';
import { expectOk, orderBody, seedCatalog, WH_NJ } from '../support/fixtures';
import { injectAs, testUser, type TestUser } from '../support/auth';

/** `ok`: the access check lets the call through (the route then answers what it answers); else the status of the refusal. */
type Want = 'ok' | 403 | 404;
type Row = 'public' | Record<Role, Want>;
const row = (admin: Want, operations: Want, store: Want, integration: Want): Row => ({ admin, operations, store, integration });
const OPS = row('ok', 'ok', 403, 403);
const ADMIN = row('ok', 403, 403, 403);
const FEEDS = row('ok', 'ok', 403, 'ok');

/**
 * Every route of the server. The ids in the paths (below) name another store's records for the
 * store user, so a store route the user may call answers 404 there.
 */
const TABLE: Record<string, Row> = {
  'GET /health': 'public',
  'POST /auth/login': 'public',
  'GET /': 'public',
  'GET /app': 'public',
  'GET /app/*': 'public',
  'GET /docs': 'public',
  'GET /docs/json': 'public',
  'GET /docs/yaml': 'public',
  'GET /docs/static/*': 'public',
  'GET /docs/static/index.html': 'public',
  'GET /docs/static/swagger-initializer.js': 'public',
  'GET /metrics': FEEDS,
  'POST /auth/logout': row('ok', 'ok', 'ok', 'ok'),
  'GET /auth/me': row('ok', 'ok', 'ok', 'ok'),
  'GET /auth/tokens': ADMIN,
  'POST /auth/tokens': ADMIN,
  'DELETE /auth/tokens/:id': ADMIN,
  'GET /users': ADMIN,
  'POST /users': ADMIN,
  'POST /users/:username/disable': ADMIN,
  'POST /orders': row('ok', 'ok', 403, 'ok'),
  'POST /orders/import': row('ok', 'ok', 403, 'ok'),
  'GET /orders': row('ok', 'ok', 'ok', 403),
  'GET /orders/:id': row('ok', 'ok', 404, 403),
  'POST /orders/:id/approve': OPS,
  'POST /orders/:id/cancel': OPS,
  'GET /orders/:id/items/:seq/history': row('ok', 'ok', 404, 403),
  'GET /orders/:id/routing': OPS,
  'GET /orders/:id/story': OPS,
  'GET /products': row('ok', 'ok', 'ok', 403),
  'GET /products/:id': row('ok', 'ok', 'ok', 403),
  'PUT /products/:id': OPS,
  'GET /facilities': row('ok', 'ok', 'ok', 403),
  'GET /facilities/:id': row('ok', 'ok', 404, 403),
  'PUT /facilities/:id': OPS,
  'GET /inventory': row('ok', 'ok', 'ok', 403),
  'PUT /inventory/:productId/:facilityId': OPS,
  'POST /inventory/:productId/:facilityId/adjust': OPS,
  'GET /routing-profiles': OPS,
  'GET /routing-profiles/:id': OPS,
  'PUT /routing-profiles/:id': OPS,
  'GET /routing-profiles/:id/history': OPS,
  'POST /routing-profiles/:id/what-if': OPS,
  'GET /routing-settings': OPS,
  'POST /brokering/runs': OPS,
  'GET /brokering/runs': OPS,
  'GET /brokering/runs/:id': OPS,
  'GET /exceptions': OPS,
  'POST /exceptions/:id/retry': OPS,
  'GET /rejection-reasons': row('ok', 'ok', 'ok', 'ok'),
  'GET /facilities/:facilityId/items': row('ok', 'ok', 404, 403),
  'POST /facilities/:facilityId/items/:orderId/:seqId/pack': row('ok', 403, 404, 403),
  'POST /facilities/:facilityId/items/:orderId/:seqId/ship': row('ok', 403, 404, 403),
  'POST /facilities/:facilityId/items/:orderId/:seqId/reject': row('ok', 403, 404, 403),
  'GET /facilities/:facilityId/orders': row('ok', 'ok', 404, 403),
  'GET /facilities/:facilityId/orders/:orderId': row('ok', 'ok', 404, 403),
  'POST /facilities/:facilityId/orders/:orderId/pack': row('ok', 403, 404, 403),
  'POST /facilities/:facilityId/orders/:orderId/ship': row('ok', 403, 404, 403),
  'POST /facilities/:facilityId/orders/:orderId/reject': row('ok', 403, 404, 403),
  'POST /facilities/:facilityId/orders/:orderId/items/:seqId/reject': row('ok', 403, 404, 403),
  'GET /brokering/next-run': row('ok', 'ok', 'ok', 403),
  'GET /netsuite/refusals': FEEDS,
  'POST /netsuite/refusals/:id/resend': FEEDS,
  'POST /netsuite/refusals/:id/dismiss': FEEDS,
  'GET /jobs': FEEDS,
  'GET /jobs/runs': FEEDS,
  'GET /jobs/runs/:id': FEEDS,
  'GET /jobs/:name': FEEDS,
  'PATCH /jobs/:name': FEEDS,
  'POST /jobs/:name/run': FEEDS,
};

const STORE_A = { id: 'STORE_A', name: 'Store A', type: 'STORE' as const, fulfillmentSystem: 'OMS' as const, postalCode: '10001', ranking: 1 };
const STORE_B = { id: 'STORE_B', name: 'Store B', type: 'STORE' as const, fulfillmentSystem: 'OMS' as const, postalCode: '02108', ranking: 1 };

describe.each(ENGINES)('access to every route on %s', (engine) => {
  let d: Database;
  let app: App;
  let now = new Date();
  let A: string; // an order allocated at STORE_A (the store user's)
  let B: string; // an order allocated at STORE_B (another store's)
  const users = {} as Record<Role, TestUser>;
  const config = loadConfig({ LOG_LEVEL: 'silent', OMS_JOBS: 'false', OMS_LOGIN_RATE_LIMIT_MAX: '4', OMS_SESSION_HOURS: '2' });
  const registry = createJobRegistry([{ name: 'NOOP_JOB', description: 'does nothing', handler: async () => {} }]);

  /** The `:id` of a route: another store's order or facility for the order and facility routes. */
  const idOf = (url: string) => {
    const prefix: [string, string][] = [
      ['/orders', B], ['/exceptions', B], ['/facilities', STORE_B.id], ['/routing-profiles', 'default'], ['/products', 'SKU1'],
      ['/netsuite', '999999'], ['/auth', '999999'],
    ];
    return prefix.find(([p]) => url.startsWith(p))?.[1] ?? 'NO_SUCH_RUN';
  };
  const PARAMS: Record<string, string> = { seq: '00001', seqId: '00001', productId: 'SKU2', name: 'NOOP_JOB', username: 'nobody', '*': 'index.html' };
  /** A path of the route template, naming another store's records for the store user. */
  const pathOf = (url: string) => url.replace(/:(\w+)|\*/g, (_m, name?: string) =>
    (name === 'id' ? idOf(url) : name === 'facilityId' ? STORE_B.id : name === 'orderId' ? B : PARAMS[name ?? '*']));
  const call = (method: string, url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: method as InjectOptions['method'], url, headers, ...(['POST', 'PUT', 'PATCH'].includes(method) ? { payload: {} } : {}) });

  beforeAll(async () => {
    d = await createTestDatabase(engine);
    await seedCatalog(d.db, {
      facilities: [STORE_A, STORE_B, WH_NJ], products: [{ id: 'SKU1' }, { id: 'SKU2' }],
      stock: [['SKU1', 'STORE_A', 5], ['SKU2', 'STORE_B', 5]],
    });
    const place = async (productId: string) => {
      const { order } = expectOk(await d.db.transaction((tx) => createOrder(tx, orderBody({ items: [{ productId, quantity: 1 }] }))));
      expectOk(await d.db.transaction((tx) => approveOrder(tx, order.id)));
      return order.id;
    };
    A = await place('SKU1');
    B = await place('SKU2');
    expect(await runBrokering(d, { trigger: 'test' })).toMatchObject({ status: 'COMPLETED', allocated: 2 });
    await seedJobDefinitions(d.db, registry);
    for (const role of ROLES) users[role] = await testUser(d.db, role, role === 'store' ? ['STORE_A'] : [], `${role}-user`);
    const anna = await d.db.transaction((tx) => createUser(tx, { username: 'Anna', password: 'correct horse', role: 'store', facilities: ['STORE_A'] }));
    expect(anna.kind).toBe('created');
    app = await buildServer({
      database: d, config, log: createLogger('silent'), jobs: { registry }, clock: () => now, plugins: [(a) => webRoutes(a)],
    });
    await app.ready();
  });
  afterAll(async () => { await app?.close(); await d?.close(); });

  const routes = () => [...new Set(routeAccess(app).filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`))];

  it('has a table entry for every route of the server, and no entry for a route it does not have', () => {
    expect(routes().filter((r) => !(r in TABLE))).toEqual([]);
    expect(Object.keys(TABLE).filter((r) => !routes().includes(r))).toEqual([]);
  });

  it('answers 401 to anonymous calls of every route that is not public, and lets them through to the public ones', async () => {
    for (const r of routes()) {
      const [method, url] = r.split(' ');
      const res = await call(method, pathOf(url), method === 'GET' ? {} : { origin: 'http://localhost' });
      if (TABLE[r] === 'public') expect(res.statusCode, r).not.toBe(401);
      else expect({ r, status: res.statusCode, body: res.json() }).toMatchObject({ r, status: 401, body: { error: 'unauthorized' } });
    }
  });

  it.each(['store', 'integration', 'operations', 'admin'] as const)('gives the %s role the answer of the table on every route', async (role) => {
    for (const r of routes()) {
      const want = TABLE[r];
      if (want === 'public' || r === 'POST /auth/logout') continue;
      const [method, url] = r.split(' ');
      const res = await call(method, pathOf(url), users[role].headers);
      const got = { r, status: res.statusCode };
      if (want[role] === 'ok') expect([401, 403], JSON.stringify({ ...got, body: res.body.slice(0, 200) })).not.toContain(res.statusCode);
      else expect(got).toEqual({ r, status: want[role] });
    }
  });

  const as = (role: Role) => injectAs(app, users[role]);
  const json = { 'content-type': 'application/json' };

  it('holds a store user to their store: its orders, items, facilities and stock; another store\'s answered as unknown', async () => {
    const store = as('store');
    expect((await store({ method: 'GET', url: '/orders' })).json().orders.map((o: any) => o.id)).toEqual([A]);
    expect((await store({ method: 'GET', url: '/orders?facilityId=STORE_B' })).json().orders).toEqual([]);
    const mine = await store({ method: 'GET', url: `/orders/${A}` });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ id: A, shipTo: { city: 'New York' }, payments: [] });
    expect(mine.json().items.map((i: any) => i.facilityId)).toEqual(['STORE_A']);
    // Another store's order, item, queue and facility: the very answer of an id that does not exist.
    const unknown = async (url: string, method: 'GET' | 'POST' = 'GET') => {
      const [theirs, none] = [await store({ method, url: url.replaceAll('$', B) }), await store({ method, url: url.replaceAll('$', 'NO_SUCH') })];
      expect({ url, status: theirs.statusCode }).toEqual({ url, status: 404 });
      expect(theirs.json()).toEqual(JSON.parse(none.body.replaceAll('NO_SUCH', B)));
    };
    await unknown('/orders/$');
    await unknown('/orders/$/items/00001/history');
    await unknown('/facilities/STORE_B', 'GET');
    expect((await store({ method: 'GET', url: '/facilities/STORE_B/items' })).json()).toEqual({ error: 'not_found', message: 'facility STORE_B not found' });
    expect((await store({ method: 'POST', url: `/facilities/STORE_B/items/${B}/00001/pack` })).statusCode).toBe(404);
    expect((await store({ method: 'GET', url: '/facilities' })).json().facilities.map((f: any) => f.id)).toEqual(['STORE_A']);
    expect((await store({ method: 'GET', url: '/inventory' })).json().inventory.map((i: any) => i.facilityId)).toEqual(['STORE_A']);
    expect((await store({ method: 'GET', url: '/inventory?facilityId=STORE_B' })).json().inventory).toEqual([]);
    expect((await as('admin')({ method: 'GET', url: '/inventory' })).json().inventory.map((i: any) => i.facilityId)).toEqual(['STORE_A', 'STORE_B']);
    // Operations endpoints: 403 naming the permission.
    expect((await store({ method: 'POST', url: `/orders/${A}/approve` })).json()).toMatchObject({ error: 'forbidden', message: expect.stringContaining('orders:write') });
    expect((await store({ method: 'POST', url: '/brokering/runs' })).statusCode).toBe(403);
    expect((await store({ method: 'PUT', url: '/inventory/SKU1/STORE_A', payload: { onHand: 9 } })).statusCode).toBe(403);
    expect((await store({ method: 'PATCH', url: '/jobs/NOOP_JOB', payload: { enabled: false } })).statusCode).toBe(403);
  });

  const loginAs = async (username: string, password: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/auth/login', headers: { ...json, ...headers }, payload: { username, password } });
  const cookieOf = (res: { cookies: { name: string; value: string }[] }) => `oms_session=${res.cookies.find((c) => c.name === 'oms_session')!.value}`;

  it('logs in with a password (HttpOnly, SameSite=Strict cookie), and a session acts as its user: the actor of the history rows', async () => {
    const denied = await loginAs('anna', 'wrong password');
    expect(denied.statusCode).toBe(401);
    expect((await loginAs('nobody-at-all', 'correct horse')).json()).toEqual(denied.json());
    const res = await loginAs('anna', 'correct horse'); // the name is case-insensitive
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user: { username: 'Anna', role: 'store', facilities: ['STORE_A'], via: 'session' } });
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/^oms_session=[\w-]{43}; /);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    expect(set).toContain('Path=/');
    expect(set).not.toContain('Secure');
    const cookie = cookieOf(res);
    expect((await app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } })).json()).toMatchObject({ user: { username: 'Anna' } });
    const same = { cookie, origin: 'http://localhost:80', ...json };
    const pack = await app.inject({ method: 'POST', url: `/facilities/STORE_A/items/${A}/00001/pack`, headers: same });
    expect(pack.statusCode).toBe(200);
    const history = (await as('admin')({ method: 'GET', url: `/orders/${A}/items/00001/history` })).json().history;
    expect(history.at(-1)).toMatchObject({ toStatus: 'PACKED', actor: 'Anna' });
    const out = await app.inject({ method: 'POST', url: '/auth/logout', headers: same });
    expect(out.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('refuses cross-site requests with a session cookie: not JSON, another Origin, no Origin at all; a Bearer token needs neither', async () => {
    const cookie = cookieOf(await loginAs('anna', 'correct horse'));
    const ship = `/facilities/STORE_A/items/${A}/00001/ship`;
    const post = (headers: Record<string, string>, payload?: string) =>
      app.inject({ method: 'POST', url: ship, headers: { cookie, ...headers }, ...(payload === undefined ? {} : { payload }) });
    expect((await post({ origin: 'http://localhost:80', 'content-type': 'text/plain' }, 'x')).statusCode).toBe(415);
    expect((await post({ origin: 'http://localhost:80' })).statusCode).toBe(415); // body-less: the content type is still required
    expect((await post({ origin: 'http://evil.example', ...json }, '{}')).json()).toMatchObject({ error: 'forbidden', message: expect.stringContaining('cross-site') });
    expect((await post({ 'sec-fetch-site': 'cross-site', ...json }, '{}')).statusCode).toBe(403);
    expect((await post(json, '{}')).statusCode).toBe(403); // neither Origin nor Sec-Fetch-Site
    // Same origin and JSON, body-less: the ship goes through.
    expect((await post({ 'sec-fetch-site': 'same-origin', ...json })).statusCode).toBe(200);
    // A Bearer token: no Origin, text/plain, no body.
    const bearer = await as('admin')({ method: 'POST', url: `/orders/${A}/cancel`, headers: { 'content-type': 'text/plain' }, payload: '' });
    expect(bearer.statusCode).not.toBe(403);
    expect(bearer.statusCode).not.toBe(415);
    // A log-in from another site is refused too.
    expect((await loginAs('anna', 'correct horse', { origin: 'http://evil.example' })).statusCode).toBe(403);
  });

  it('answers only to the allowed Host names (421 otherwise; /health exempt)', async () => {
    const get = (host: string, url = '/auth/me') => app.inject({ method: 'GET', url, headers: { host, ...users.admin.headers } });
    expect((await get('localhost:3000')).statusCode).toBe(200);
    expect((await get('127.0.0.1:3000')).statusCode).toBe(200);
    expect((await get('[::1]:3000')).statusCode).toBe(200);
    expect((await get('evil.example')).json()).toMatchObject({ error: 'misdirected' });
    expect((await get('evil.example')).statusCode).toBe(421);
    expect((await get('evil.example', '/app/')).statusCode).toBe(421);
    expect((await get('evil.example', '/health')).statusCode).toBe(200);
    const other = await buildServer({ database: d, config: loadConfig({ LOG_LEVEL: 'silent', OMS_ALLOWED_HOSTS: 'oms.example.com' }), log: createLogger('silent') });
    try {
      expect((await other.inject({ method: 'GET', url: '/auth/me', headers: { host: 'oms.example.com', ...users.admin.headers } })).statusCode).toBe(200);
      expect((await other.inject({ method: 'GET', url: '/auth/me', headers: { host: 'localhost', ...users.admin.headers } })).statusCode).toBe(421);
    } finally { await other.close(); }
  });

  it('rate-limits log-ins per username and address (429 even with the right password), other users unaffected', async () => {
    expect(await createUserOk('Bob', 'bob password', 'operations')).toBe(true);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await loginAs('bob', 'not it')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401]);
    const limited = await loginAs('bob', 'bob password');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: 'rate_limited', message: expect.stringContaining('log-in attempts') });
    expect((await loginAs('BOB', 'bob password')).statusCode).toBe(429);
    expect((await loginAs('bob', 'bob password', { 'x-forwarded-for': '10.0.0.9' })).statusCode).toBe(429); // no proxy is trusted
    expect((await loginAs('anna', 'correct horse')).statusCode).toBe(200);
  });

  const createUserOk = async (username: string, password: string | null, role: Role, facilities: string[] = []) =>
    (await d.db.transaction((tx) => createUser(tx, { username, password, role, facilities }))).kind === 'created';

  it('creates tokens (shown once, stored hashed) and revokes them; disabling a user ends its sessions and tokens', async () => {
    const admin = as('admin');
    expect((await admin({ method: 'POST', url: '/users', payload: { username: 'carol', password: 'carol password', role: 'store', facilities: ['STORE_B'] } })).statusCode).toBe(201);
    expect((await admin({ method: 'POST', url: '/users', payload: { username: 'CAROL', password: 'carol password', role: 'admin' } })).statusCode).toBe(409);
    expect((await admin({ method: 'POST', url: '/users', payload: { username: 'dave', password: 'dave password', role: 'store' } })).json())
      .toMatchObject({ error: 'invalid', errors: [{ field: 'facilities' }] });
    const created = await admin({ method: 'POST', url: '/auth/tokens', payload: { username: 'carol', name: 'scanner' } });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json();
    expect(token).toMatch(/^oms_[\w-]{43}$/);
    const listed = (await admin({ method: 'GET', url: '/auth/tokens' })).body;
    expect(listed).toContain('scanner');
    expect(listed).not.toContain(token);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await app.inject({ method: 'GET', url: '/auth/me', headers: bearer })).json()).toMatchObject({ user: { username: 'carol', via: 'token' } });
    expect((await admin({ method: 'DELETE', url: `/auth/tokens/${id}` })).statusCode).toBe(200);
    expect((await admin({ method: 'DELETE', url: `/auth/tokens/${id}` })).json()).toMatchObject({ noop: true });
    expect((await app.inject({ method: 'GET', url: '/auth/me', headers: bearer })).statusCode).toBe(401);

    const second = (await admin({ method: 'POST', url: '/auth/tokens', payload: { username: 'carol', name: 'second' } })).json().token;
    const cookie = cookieOf(await loginAs('carol', 'carol password'));
    expect((await app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } })).statusCode).toBe(200);
    expect((await admin({ method: 'POST', url: '/users/carol/disable' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${second}` } })).statusCode).toBe(401);
    expect((await loginAs('carol', 'carol password')).statusCode).toBe(401);
    expect((await admin({ method: 'GET', url: '/users' })).json().users.find((u: any) => u.username === 'carol'))
      .toMatchObject({ role: 'store', facilities: ['STORE_B'], disabledAt: expect.any(String) });
  });

  it('ends a session OMS_SESSION_HOURS after the log-in (the injected clock)', async () => {
    expect(await createUserOk('erin', 'erin password', 'store', ['STORE_A'])).toBe(true);
    const cookie = cookieOf(await loginAs('erin', 'erin password'));
    const me = () => app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } }).then((r) => r.statusCode);
    const start = now;
    try {
      now = new Date(start.getTime() + 2 * 3_600_000 - 60_000);
      expect(await me()).toBe(200);
      now = new Date(start.getTime() + 2 * 3_600_000 + 1000);
      expect(await me()).toBe(401);
    } finally { now = start; }
  });

  it('refuses to start with a route that declares no access rule', async () => {
    const bad = buildServer({
      database: d, config, log: createLogger('silent'),
      plugins: [(a) => { a.get('/no-rule', async () => ({})); }],
    });
    await expect(bad).rejects.toThrow(/GET \/no-rule declares no access rule/);
  });
});
