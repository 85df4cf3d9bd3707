/**
 * `POST /routing-profiles/:id/what-if {settings}` (the routing editor's "Try on the current
 * queue") and `GET /routing-settings` (the editor's form), over the real server on both engines:
 *
 * - the replay shows, order by order, what the proposed settings would change next to the saved
 *   profile: an order in Exception for want of a single facility that a split would fill, an
 *   allocation that moves to the closest facility; totals before and after (splits, exceptions,
 *   distance);
 * - it is read-only: a checksum of every table is the same before and after (the auth tables, whose
 *   last-use stamps any call may touch, left out), and the profile keeps its settings and history;
 * - it is bounded: at most WHAT_IF_MAX_ORDERS orders (the answer says how many of how many), and the
 *   use case with a smaller cap replays the head of the queue only and says it capped;
 * - mutually exclusive settings are refused with 422 naming every pair (as PUT does, the routing
 *   contract's status), unknown settings with 400, an unknown profile with 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { buildServer, type App } from '../../src/http/server';
import { WHAT_IF_MAX_ORDERS } from '../../src/http/routes/brokering';
import { approveOrder, createOrder } from '../../src/app/orders';
import { whatIf } from '../../src/app/brokering/what-if';
import { EXCLUSIVE_PAIRS } from '../../src/domain/routing-form';
import { CONFLICTING_PAIRS } from '../../src/domain/routing/settings';
import { rowsOf } from '../../src/db/rows';
import type { Database } from '../../src/db/client';
import { createTestDatabase, ENGINES } from '../support/db';
import { expectOk, orderBody, seedCatalog, STORE_NYC, WH_CA, WH_NJ } from '../support/fixtures';
import { injectAs, testUser } from '../support/auth';

/** md5 of every row of every table (but the auth tables), by table. */
async function checksums(d: Database): Promise<Record<string, string>> {
  const tables = rowsOf<{ name: string }>(await d.db.execute(sql`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not in ('sessions', 'api_tokens', 'users', 'user_facilities')
    order by table_name`)).map((t) => t.name);
  const out: Record<string, string> = {};
  for (const t of tables) {
    const [r] = rowsOf<{ sum: string }>(await d.db.execute(sql`
      select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) || ':' || count(*) as sum from ${sql.identifier(t)} x`));
    out[t] = r.sum;
  }
  return out;
}

describe.each(ENGINES)('routing what-if on %s', (engine) => {
  let d: Database;
  let app: App;
  let ops: ReturnType<typeof injectAs<App>>;
  let X: string; // SKU1 + SKU2: no single facility holds both (Exception now; a split fills it)
  let Y: string; // SKU1: the best-ranked facility now (WH_NJ); the closest one under shipFromClosestLocation (STORE_NYC)
  const proposed = { allowSplitFulfillment: true, shipFromClosestLocation: true };

  beforeAll(async () => {
    d = await createTestDatabase(engine);
    await seedCatalog(d.db, {
      facilities: [STORE_NYC, WH_NJ, WH_CA], products: [{ id: 'SKU1' }, { id: 'SKU2' }],
      stock: [['SKU1', 'WH_NJ', 1], ['SKU1', 'STORE_NYC', 5], ['SKU2', 'WH_CA', 5]],
    });
    const place = async (items: { productId: string; quantity: number }[], orderDate: string) => {
      const { order } = expectOk(await d.db.transaction((tx) => createOrder(tx, orderBody({ items, orderDate }))));
      expectOk(await d.db.transaction((tx) => approveOrder(tx, order.id)));
      return order.id;
    };
    X = await place([{ productId: 'SKU1', quantity: 1 }, { productId: 'SKU2', quantity: 1 }], '2026-11-20T10:00:00Z');
    Y = await place([{ productId: 'SKU1', quantity: 1 }], '2026-11-20T11:00:00Z');
    app = await buildServer({ database: d, config: loadConfig({ LOG_LEVEL: 'silent', OMS_JOBS: 'false' }), log: createLogger('silent') });
    await app.ready();
    ops = injectAs(app, await testUser(d.db, 'operations', [], 'olga'));
  });
  afterAll(async () => { await app?.close(); await d?.close(); });

  const tryOn = (settings: unknown, id = 'default') =>
    ops({ method: 'POST', url: `/routing-profiles/${id}/what-if`, payload: { settings } });

  it('shows what the proposed settings would change, order by order, with totals before and after; and changes nothing', async () => {
    const before = await checksums(d);
    const res = await tryOn(proposed);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.replayed).toEqual({ orders: 2, inAll: 2, maxOrders: WHAT_IF_MAX_ORDERS, capped: false });
    expect(body.changedOrders).toBe(2);
    const x = body.changes.find((c: any) => c.orderId === X);
    expect(x.changed).toEqual(['allocation', 'split', 'exception', 'status']);
    expect(x.before).toMatchObject({ status: 'EXCEPTION', exceptionReason: 'INSUFFICIENT_STOCK', shipments: [] });
    expect(x.after.status).toBe('ALLOCATED');
    expect(x.after.shipments.map((s: any) => s.facilityId).sort()).toEqual(['STORE_NYC', 'WH_CA']);
    const y = body.changes.find((c: any) => c.orderId === Y);
    expect(y.changed).toEqual(['allocation']);
    expect(y.before.shipments.map((s: any) => s.facilityId)).toEqual(['WH_NJ']);
    expect(y.after.shipments.map((s: any) => s.facilityId)).toEqual(['STORE_NYC']);
    expect(y.after.distanceKm).toBeLessThan(y.before.distanceKm);
    expect(body.current).toMatchObject({ orders: 2, allocated: 1, exception: 1, shipments: 1, splitOrders: 0 });
    expect(body.proposed).toMatchObject({ orders: 2, allocated: 2, exception: 0, shipments: 3, splitOrders: 1 });
    expect(body.proposed.totalDistanceKm).toBeGreaterThan(body.current.totalDistanceKm);

    expect(await checksums(d)).toEqual(before);
    const profile = (await ops({ method: 'GET', url: '/routing-profiles/default' })).json();
    expect(profile.settings).toMatchObject({ allowSplitFulfillment: false, shipFromClosestLocation: false });
    expect((await ops({ method: 'GET', url: '/routing-profiles/default/history' })).json().history).toEqual([]);
  });

  it('lists no change for the saved settings themselves', async () => {
    const body = (await tryOn({})).json();
    expect(body).toMatchObject({ changedOrders: 0, changes: [], changesCapped: false });
    expect(body.proposed).toEqual(body.current);
  });

  it('is bounded: a smaller cap replays the head of the queue only and says so; the changes listed are capped too', async () => {
    const one = await whatIf(d.db, proposed, undefined, { profileId: 'default', maxOrders: 1, maxChanges: 5 });
    expect(one.replayed).toEqual({ orders: 1, inAll: 2, maxOrders: 1, capped: true });
    expect(one.changes.map((c) => c.orderId)).toEqual([X]);
    const listed = await whatIf(d.db, proposed, undefined, { profileId: 'default', maxChanges: 1 });
    expect({ changed: listed.changedOrders, listed: listed.changes.length, capped: listed.changesCapped }).toEqual({ changed: 2, listed: 1, capped: true });
  });

  it('refuses mutually exclusive settings with 422 naming every pair, unknown settings with 400, an unknown profile with 404', async () => {
    const before = await checksums(d);
    for (const [a, b] of CONFLICTING_PAIRS) {
      const res = await tryOn({ [a]: true, [b]: true });
      expect(res.statusCode).toBe(422);
      expect(res.json().message).toContain(`${a} with ${b}`);
      expect(res.json().details.conflicts).toEqual([{ a, b }]);
    }
    const all = await tryOn({ allowSplitFulfillment: true, noSplitOrder: true, sampleProductsCannotBeSplit: true, oneItemPerOrder: true });
    expect(all.json().details.conflicts).toHaveLength(3);
    const unknown = await tryOn({ splitEverything: true });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('splitEverything');
    expect((await tryOn(proposed, 'NO_SUCH_PROFILE')).statusCode).toBe(404);
    expect(await checksums(d)).toEqual(before);
  });

  it("describes the editor's form: the seed's groups, every setting, each exclusive pair with its reason", async () => {
    const form = (await ops({ method: 'GET', url: '/routing-settings' })).json();
    expect(form.groups.map((g: any) => g.title)).toEqual(['General rules', 'Special rules', 'Exception handling']);
    const keys = new Set(form.groups.flatMap((g: any) => g.fields.map((f: any) => f.key)));
    expect([...keys].sort()).toEqual(Object.keys(form.defaults).sort());
    expect(form.exclusivePairs.map((p: any) => [p.a, p.b])).toEqual(CONFLICTING_PAIRS.map(([a, b]) => [a, b]));
    expect(form.exclusivePairs.every((p: any) => p.reason.length > 20)).toBe(true);
    expect(form.exclusivePairs).toEqual(JSON.parse(JSON.stringify(EXCLUSIVE_PAIRS)));
    expect(form.overriddenByProduct).toContain('shipFromClosestLocation');
  });
});
