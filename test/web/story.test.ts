/**
 * One story across both halves of the web app, in a real headless Chromium against an in-process OMS
 * on PGlite, nothing done behind the browser's back between the steps:
 *
 * 1. a store associate (phone size) logs in, sees only NYC's orders, packs and ships one order as one
 *    package, rejects one item with VAR_DAMAGED and rejects a whole order;
 * 2. the rejected items are back in the brokering queue; an operations user (desktop, a second
 *    browser context) presses "Run now" on the Brokering page and the run reallocates them elsewhere
 *    (the damaged mug to Boston, the whole order's totes to the NJ warehouse: NYC is excluded for
 *    both because it rejected them);
 * 3. the operations user reads the whole story on each order's page: where each item is now, every
 *    move with who did it and why, both routing decisions (the second naming why NYC was dropped),
 *    the rejection with its comment; the shipped order with its package.
 *
 * Screenshots at 390 and 1440 px go to test-results/story-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { startOms, type OmsHandle } from '../../src/main';
import { approveOrder, createOrder } from '../../src/app/orders';
import { runBrokering } from '../../src/app/brokering';
import { createUser } from '../../src/app/auth';
import { createJobRegistry, seedJobDefinitions } from '../../src/jobs';
import { brokeringJob } from '../../src/wiring';
import type { Database } from '../../src/db/client';
import { createTestDatabase, ENGINES } from '../support/db';
import { expectOk, orderBody, seedCatalog } from '../support/fixtures';
import { fetchAs, testAdmin, type TestUser } from '../support/auth';
import { ensureBuilt } from '../e2e/built';
import { CHROMIUM, CHROMIUM_ARGS, chromiumMissing, logIn, mustRun, shootWhole, SHOTS, tid } from '../support/browser';

if (chromiumMissing && !mustRun) console.warn(`[tests] ${CHROMIUM} not found: the store-to-console story browser test is skipped (apt-get install -y chromium)`);
const engines = (['pglite'] as const).filter((e) => ENGINES.includes(e));
if (!engines.length) describe.skip('store-to-console story: PGlite is not in OMS_TEST_ENGINES', () => { it('needs pglite', () => {}); });

const NYC = { id: 'STORE_NYC', name: 'NYC Store', type: 'STORE' as const, postalCode: '10001', city: 'New York', state: 'NY', ranking: 1 };
const BOS = { id: 'STORE_BOS', name: 'Boston Store', type: 'STORE' as const, postalCode: '02108', city: 'Boston', state: 'MA', ranking: 5 };
const WH = { id: 'WH_NJ', name: 'NJ Warehouse', type: 'WAREHOUSE' as const, fulfillmentSystem: 'NETSUITE' as const, netsuiteLocationId: '11', postalCode: '07001', ranking: 3 };
const HOUR = 3_600_000;

describe.skipIf(chromiumMissing && !mustRun).each(engines)('store rejections to the operations story in headless Chromium on %s', (engine) => {
  let database: Database;
  let oms: OmsHandle;
  let browser: Browser;
  let store: Page; // the associate's phone
  let ops: Page; // the operations desk
  let admin: TestUser;
  const errors: string[] = [];
  let shipped: string; // mug × 1: packed and shipped as one package
  let damaged: string; // mug × 1 + tote × 1: the mug rejected VAR_DAMAGED, the tote shipped later from NYC
  let whole: string; // tote × 2: rejected as a whole order

  const api = async (path: string) => (await fetchAs(admin)(`${oms.url}${path}`)).json() as Promise<any>;
  const shot = async (page: Page, name: string) => {
    for (const width of [390, 1440]) await shootWhole(page, `${SHOTS}/story-${name}-${width}.png`, width);
  };
  const toast = async (page: Page) => {
    const t = page.locator(`${tid('toast')}[data-kind="success"]`).last();
    await t.waitFor();
    return (await t.textContent())?.replace('×', '').replace(/\s+/g, ' ').trim() ?? '';
  };
  const places = async (orderId: string) => ((await api(`/orders/${orderId}`)).items as any[])
    .map((i) => [i.seqId, i.productId, i.quantity, i.status, i.facilityId]);
  const openStory = async (orderId: string) => {
    await ops.getByRole('link', { name: 'Orders', exact: true }).first().click();
    await ops.getByLabel('Order, external id, customer name or e-mail').fill(orderId);
    await ops.click(tid('order-search'));
    await ops.locator(tid(`order-row-${orderId}`)).waitFor();
    await ops.getByRole('link', { name: orderId }).click();
    await ops.locator(tid('timeline')).waitFor();
  };
  const moves = () => ops.locator(`${tid('timeline')} li`).allTextContents();

  beforeAll(async () => {
    if (chromiumMissing) throw new Error(`${CHROMIUM} not found: the story browser test requires it under CI=true (apt-get install -y chromium)`);
    await ensureBuilt();
    database = await createTestDatabase(engine);
    await seedCatalog(database.db, {
      facilities: [NYC, BOS, WH],
      products: [{ id: 'SKU1', sku: 'MUG-BLUE', name: 'Blue Ceramic Mug' }, { id: 'SKU2', sku: 'TOTE-CANVAS', name: 'Canvas Tote Bag' }],
      stock: [['SKU1', 'STORE_NYC', 5], ['SKU1', 'STORE_BOS', 5], ['SKU2', 'STORE_NYC', 5], ['SKU2', 'WH_NJ', 5]],
    });
    const place = async (items: { productId: string; quantity: number }[], hoursAgo: number) => {
      const orderDate = new Date(Date.now() - hoursAgo * HOUR).toISOString();
      const { order } = expectOk(await database.db.transaction((tx) => createOrder(tx, orderBody({ items, orderDate }))));
      expectOk(await database.db.transaction((tx) => approveOrder(tx, order.id, 'olivia')));
      return order.id as string;
    };
    shipped = await place([{ productId: 'SKU1', quantity: 1 }], 30);
    damaged = await place([{ productId: 'SKU1', quantity: 1 }, { productId: 'SKU2', quantity: 1 }], 20);
    whole = await place([{ productId: 'SKU2', quantity: 2 }], 10);
    // The first run (the schedule's, before the day starts): everything at NYC, the ranked closest store.
    expect(await runBrokering(database, { trigger: 'cron' })).toMatchObject({ status: 'COMPLETED', allocated: 4 });
    const config = loadConfig({ PORT: '0', OMS_JOBS: 'false', LOG_LEVEL: 'silent' });
    await seedJobDefinitions(database.db, createJobRegistry([brokeringJob(database, config)]));
    for (const u of [
      { username: 'jane', password: 'jane-password-1', role: 'store' as const, facilities: ['STORE_NYC'] },
      { username: 'olivia', password: 'olivia-password-1', role: 'operations' as const, facilities: [] },
    ]) expect((await database.db.transaction((tx) => createUser(tx, u))).kind).toBe('created');
    admin = await testAdmin(database.db, 'test-admin');

    oms = await startOms(config, { database });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const open = async (width: number, height: number) => {
      const context = await browser.newContext({ viewport: { width, height }, locale: 'en-US', timezoneId: 'UTC' });
      await context.addInitScript(() => { (globalThis as any).print = () => {}; });
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      return page;
    };
    store = await open(390, 844);
    ops = await open(1440, 900);
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await oms?.close();
    await database?.close();
  });

  it("the associate sees NYC's three orders, packs and ships the oldest as one package", async () => {
    await logIn(store, oms.url, 'jane', 'jane-password-1');
    await store.locator(tid(`order-${shipped}`)).waitFor();
    expect(await store.locator(`${tid('orders')} article`).evaluateAll((els) => els.map((e) => e.getAttribute('data-testid'))))
      .toEqual([shipped, damaged, whole].map((id) => `order-${id}`));
    await shot(store, 'store-open');
    await store.click(`${tid(`order-${shipped}`)} ${tid('order-link')}`);
    await store.click(tid('pack-order'));
    expect(await toast(store)).toBe(`Packed order ${shipped}: 1 line ready to ship.`);
    await store.click(tid('ship-order'));
    await store.getByLabel('Carrier').fill('UPS');
    await store.getByLabel('Tracking number').fill('1Z999AA10123456784');
    await store.click(tid('ship-confirm'));
    expect(await toast(store)).toBe(`Shipped order ${shipped}: 1 line in one package, UPS 1Z999AA10123456784.`);
  });

  it('rejects the mug of the second order with VAR_DAMAGED and the whole third order: all back in the queue', async () => {
    await store.goto(`${oms.url}/app/stores/STORE_NYC/orders/${damaged}`);
    await store.getByRole('button', { name: 'Reject Blue Ceramic Mug (line 00001)' }).click();
    await store.check(tid('reason-VAR_DAMAGED'));
    await store.getByLabel('Comments').fill('Chipped rim');
    await store.click(tid('reject-confirm'));
    expect(await toast(store)).toBe('Rejected Blue Ceramic Mug: 1 unit (VAR_DAMAGED) back to brokering.');

    await store.goto(`${oms.url}/app/stores/STORE_NYC/orders/${whole}`);
    await store.click(tid('reject-order'));
    await store.check(tid('reason-NOT_IN_STOCK'));
    await store.click(tid('reject-order-next'));
    await store.click(tid('reject-order-confirm'));
    expect(await toast(store)).toBe(`Rejected order ${whole}: 1 line (NOT_IN_STOCK) back to brokering.`);
    await shot(store, 'store-after-rejections');

    expect(await places(damaged)).toEqual([['00001', 'SKU1', 1, 'APPROVED', '_NA_'], ['00002', 'SKU2', 1, 'ALLOCATED', 'STORE_NYC']]);
    expect(await places(whole)).toEqual([['00001', 'SKU2', 2, 'APPROVED', '_NA_']]);
    // The damaged mug left NYC's stock (on hand 5 − 1 shipped − 1 damaged); the totes NYC said it lacks are zeroed there.
    const stock = async (p: string, f: string) => (await api(`/inventory?productId=${p}&facilityId=${f}`)).inventory[0];
    expect(await stock('SKU1', 'STORE_NYC')).toMatchObject({ onHand: 3, reserved: 0 });
    expect(await stock('SKU2', 'STORE_NYC')).toMatchObject({ reserved: 1 });
  });

  it('operations runs brokering from the console: the rejected items go elsewhere, never back to NYC', async () => {
    await logIn(ops, oms.url, 'olivia', 'olivia-password-1');
    await ops.getByRole('link', { name: 'Brokering', exact: true }).first().click();
    const ran = ops.waitForResponse((r) => new URL(r.url()).pathname === '/brokering/runs' && r.request().method() === 'POST');
    await ops.click(tid('run-brokering'));
    const run = await (await ran).json();
    expect(run).toMatchObject({ status: 'COMPLETED', allocated: 2, exception: 0 });
    await ops.locator(tid(`run-${run.id}`)).waitFor();
    await shot(ops, 'ops-brokering');
    expect(await places(damaged)).toEqual([['00001', 'SKU1', 1, 'ALLOCATED', 'STORE_BOS'], ['00002', 'SKU2', 1, 'ALLOCATED', 'STORE_NYC']]);
    expect(await places(whole)).toEqual([['00001', 'SKU2', 2, 'ALLOCATED', 'WH_NJ']]);
    // Boston's associate would now see the mug; NYC's list holds only the tote left of the second order.
    await store.goto(`${oms.url}/app/stores/STORE_NYC/open`);
    await store.locator(tid(`order-${damaged}`)).waitFor();
    expect(await store.locator(`${tid('orders')} article`).count()).toBe(1);
  });

  it("the order's page tells the whole story: where each item is, every move by whom and why, both decisions, the rejection", async () => {
    await openStory(damaged);
    expect(await ops.textContent(tid('item-00001'))).toContain('STORE_BOS');
    expect(await ops.textContent(tid('item-00002'))).toContain('STORE_NYC');
    const m = await moves();
    const rejectedAt = m.findIndex((x) => /Item 00001: ALLOCATED → APPROVED · STORE_NYC → brokering queue[\s\S]*VAR_DAMAGED[\s\S]*by jane/.test(x));
    const reallocatedAt = m.findIndex((x) => /Item 00001: APPROVED → ALLOCATED · brokering queue → STORE_BOS[\s\S]*by olivia/.test(x));
    expect([rejectedAt >= 0, reallocatedAt > rejectedAt], m.join('\n')).toEqual([true, true]);
    expect(m.some((x) => /Item 00001: APPROVED → ALLOCATED · brokering queue → STORE_NYC/.test(x))).toBe(true);

    const decisions = ops.locator(tid('decision'));
    expect(await decisions.count()).toBe(2);
    // Newest first: the second run's, which names why NYC was left out, then the first run's.
    const [latest, earlier] = await decisions.allTextContents();
    expect([latest.includes('→ STORE_BOS'), earlier.includes('→ STORE_NYC')], `${latest}\n${earlier}`).toEqual([true, true]);
    expect(latest).toMatch(/dropped by rejectedFacilityIds: STORE_NYC/);
    const rejection = await ops.textContent(tid('rejections'));
    for (const part of ['VAR_DAMAGED', 'Chipped rim', 'jane', 'STORE_NYC']) expect(rejection).toContain(part);
    await shot(ops, 'ops-order-damaged');

    await openStory(whole);
    expect(await ops.textContent(tid('item-00001'))).toContain('WH_NJ');
    expect(await ops.textContent(tid('rejections'))).toContain('NOT_IN_STOCK');
    const last = (await moves()).at(-1)!;
    expect(last).toMatch(/APPROVED → ALLOCATED · brokering queue → WH_NJ[\s\S]*by olivia/);

    await openStory(shipped);
    expect(await ops.textContent(tid('order-status'))).toBe('COMPLETED');
    expect(await ops.textContent(tid('item-00001'))).toContain('SHIPPED');
    expect((await moves()).at(-1)).toMatch(/PACKED → SHIPPED[\s\S]*by jane/);
    expect(await ops.locator(tid('rejections')).count()).toBe(0);
    expect(errors.filter((e) => !/status of 40[14]/.test(e))).toEqual([]);
  });
});

