/**
 * Headers and limits of the HTTP server: helmet's headers on API, /docs, web app and error
 * responses; a 429 once a client has used its budget (tiny limits injected through the config, a
 * one-hour window, so no timing is involved); a 413 over the body limit of a route; bounded lists.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { buildServer, type App } from '../../src/http/server';
import { routeRule } from '../../src/http/hardening';
import { webRoutes } from '../../src/web';
import type { Database } from '../../src/db/client';
import { createTestDatabase, ENGINES } from '../support/db';
import { authorizeAsAdmin } from '../support/auth';

const engine = ENGINES.includes('pglite') ? 'pglite' : ENGINES[0];

describe(`HTTP hardening on ${engine}`, () => {
  let database: Database;
  let app: App | undefined;
  beforeAll(async () => { database = await createTestDatabase(engine); });
  afterAll(async () => { await database.close(); });
  afterEach(async () => { await app?.close(); app = undefined; });

  const serve = async (env: Record<string, string> = {}) => {
    const config = loadConfig({ LOG_LEVEL: 'silent', OMS_JOBS: 'false', OMS_RATE_LIMIT_WINDOW_SECONDS: '3600', ...env });
    app = await authorizeAsAdmin(await buildServer({ database, config, log: createLogger('silent'), plugins: [(a) => webRoutes(a)] }), database.db);
    return app;
  };

  it('sends security headers on every response: API, errors, /docs and the web app', async () => {
    const a = await serve();
    for (const url of ['/health', '/orders', '/orders/NO_SUCH_ORDER', '/orders?limit=zero', '/no/such/route', '/docs', '/docs/json', '/app/', '/app']) {
      const r = await a.inject({ method: 'GET', url });
      expect(r.headers['content-security-policy'], url).toContain("default-src 'self'");
      expect(r.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
      expect(r.headers['content-security-policy'], url).not.toContain('upgrade-insecure-requests');
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
      expect(r.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(r.headers['referrer-policy'], url).toBe('no-referrer');
      expect(r.headers['strict-transport-security'], url).toMatch(/max-age=\d+/);
      expect(r.headers['cross-origin-opener-policy'], url).toBe('same-origin');
      expect(r.headers['x-powered-by'], url).toBeUndefined();
    }
    const scriptSrc = (csp: unknown) => String(csp).split(';').find((d) => d.startsWith('script-src '));
    const api = await a.inject({ method: 'GET', url: '/orders' });
    expect(api.headers['content-security-policy']).toContain("style-src 'self';");
    const docs = await a.inject({ method: 'GET', url: '/docs' });
    expect(docs.statusCode).toBe(200);
    // The Swagger UI sets style attributes; scripts stay same-origin files, no inline script anywhere.
    expect(docs.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    expect(scriptSrc(docs.headers['content-security-policy'])).toBe("script-src 'self'");
    expect(scriptSrc(api.headers['content-security-policy'])).toBe("script-src 'self'");
  });

  it('redirects /app to /app/, keeping the query string', async () => {
    const a = await serve();
    const r = await a.inject({ method: 'GET', url: '/app?store=STORE_NYC' });
    expect(r.statusCode).toBe(301);
    expect(r.headers.location).toBe('/app/?store=STORE_NYC');
    expect((await a.inject({ method: 'GET', url: '/app/' })).statusCode).toBe(200);
  });

  it('answers 429 once a client used its budget; write routes have their own stricter limit; probes are not limited', async () => {
    const a = await serve({ OMS_RATE_LIMIT_MAX: '3', OMS_RATE_LIMIT_WRITE_MAX: '2' });
    const get = (url: string) => a.inject({ method: 'GET', url });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(i === 1 ? '/facilities' : '/orders')).statusCode);
    expect(statuses).toEqual([200, 200, 200]);
    const over = await get('/products');
    expect(over.statusCode).toBe(429);
    const body = over.json();
    expect(body).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/rate limit exceeded: at most 3 requests in 3600 s/) });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // the seconds of the header, as a number in the body (within the one-hour window)
    expect(body.retryAfter).toBe(Number(over.headers['retry-after']));
    expect(body.retryAfter).toBeLessThanOrEqual(3600);
    expect(over.headers['x-ratelimit-limit']).toBe('3');
    expect(over.headers['content-security-policy']).toContain("default-src 'self'");
    for (let i = 0; i < 5; i++) expect((await get('/health')).statusCode).toBe(200);
    expect((await get('/docs/json')).statusCode).toBe(200);

    const approve = () => a.inject({ method: 'POST', url: '/orders/NO_SUCH_ORDER/approve' });
    expect((await approve()).statusCode).toBe(404);
    expect((await approve()).statusCode).toBe(404);
    const third = await approve();
    expect(third.statusCode).toBe(429);
    expect(third.headers['x-ratelimit-limit']).toBe('2');
    expect(third.json()).toMatchObject({ error: 'rate_limited', retryAfter: Number(third.headers['retry-after']) });
    // Another write route keeps its own budget.
    expect((await a.inject({ method: 'POST', url: '/orders/NO_SUCH_ORDER/cancel' })).statusCode).toBe(404);
  });

  it('turns rate limiting off with OMS_RATE_LIMIT_MAX=0', async () => {
    const a = await serve({ OMS_RATE_LIMIT_MAX: '0', OMS_RATE_LIMIT_WRITE_MAX: '1' });
    for (let i = 0; i < 5; i++) {
      const r = await a.inject({ method: 'POST', url: '/orders/NO_SUCH_ORDER/approve' });
      expect(r.statusCode).toBe(404);
      expect(r.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });

  it('answers 413 over the body limit of the route: small by default, larger for an order', async () => {
    const a = await serve({ OMS_BODY_LIMIT_BYTES: '2048', OMS_ORDER_BODY_LIMIT_BYTES: '8192' });
    const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    const product = await a.inject({ method: 'PUT', url: '/products/P1', ...json({ name: 'x'.repeat(3000) }) });
    expect(product.statusCode).toBe(413);
    expect(product.json()).toEqual({
      error: 'payload_too_large', message: 'request body is too large: the limit of this route is 2048 bytes', limitBytes: 2048,
    });
    const order = (nameLength: number) => ({
      externalId: `HARDEN-${nameLength}`, shipTo: { name: 'N'.repeat(nameLength), address1: '1 Main St', country: 'US', postalCode: '10001' },
      items: [{ productId: 'SKU-HARDEN', quantity: 1 }],
    });
    // 3 KB is over the default but within the order limit: the route gets to validate it (not a 413).
    const within = await a.inject({ method: 'POST', url: '/orders', ...json(order(3000)) });
    expect(within.statusCode).not.toBe(413);
    expect(within.statusCode).toBeLessThan(500);
    const over = await a.inject({ method: 'POST', url: '/orders', ...json(order(9000)) });
    expect(over.statusCode).toBe(413);
    expect(over.json()).toMatchObject({ error: 'payload_too_large', limitBytes: 8192 });
    expect(over.json().message).toContain('8192 bytes');
  });

  it('bounds list responses: a page size by default, a maximum refused with 400', async () => {
    const a = await serve();
    expect((await a.inject({ method: 'GET', url: '/orders?limit=100000' })).statusCode).toBe(400);
    expect((await a.inject({ method: 'GET', url: '/orders?limit=500' })).statusCode).toBe(200);
  });

  it('gives each route its rule: probes and static files unlimited, writes stricter, imports a larger body', () => {
    expect(routeRule('GET', '/health')).toEqual({ tier: 'off' });
    expect(routeRule(['GET', 'HEAD'], '/app/*')).toEqual({ tier: 'off' });
    expect(routeRule('GET', '/docs/static/*')).toEqual({ tier: 'off' });
    expect(routeRule('GET', '/orders')).toEqual({ tier: 'api' });
    expect(routeRule('POST', '/orders')).toEqual({ tier: 'write', body: 'order' });
    expect(routeRule('POST', '/orders/import')).toEqual({ tier: 'write', body: 'import' });
    expect(routeRule('PUT', '/routing-profiles/:id')).toEqual({ tier: 'write' });
    expect(routeRule('post', '/brokering/runs')).toEqual({ tier: 'write' });
  });
});
