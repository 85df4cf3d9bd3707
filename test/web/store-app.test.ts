/**
 * The Store Fulfillment App (/app/) in a real headless Chromium against an in-process OMS on PGlite:
 * log in (a store associate of two stores), pick one of their stores, see its queue grouped by order, pack, ship with a tracking number, reject with a
 * variance reason, and see the server's message when acting on an item another tab already rejected.
 * Without /usr/bin/chromium the suite is skipped locally and fails under CI=true.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { startOms, type OmsHandle } from '../../src/main';
import { approveOrder, createOrder } from '../../src/app/orders';
import { runBrokering } from '../../src/app/brokering';
import type { Database } from '../../src/db/client';
import { createTestDatabase, ENGINES } from '../support/db';
import { expectOk, orderBody, seedCatalog, STORE_NYC, WH_NJ } from '../support/fixtures';
import { createUser } from '../../src/app/auth';
import { fetchAs, testAdmin } from '../support/auth';

/** Debian's chromium; OMS_TEST_CHROMIUM overrides it (e.g. to check the missing-browser paths). */
const CHROMIUM = process.env.OMS_TEST_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const chromiumMissing = !existsSync(CHROMIUM);
const mustRun = process.env.CI === 'true';
if (chromiumMissing && !mustRun) {
  console.warn(`[tests] ${CHROMIUM} not found: the Store Fulfillment App browser test is skipped (install it with: apt-get install -y chromium; required under CI=true)`);
}
const engines = (['pglite'] as const).filter((e) => ENGINES.includes(e));
if (!engines.length) describe.skip('Store Fulfillment App: PGlite is not in OMS_TEST_ENGINES', () => { it('needs pglite', () => {}); });

const tid = (id: string) => `[data-testid="${id}"]`;
const item = (orderId: string, seqId: string) => tid(`item-${orderId}-${seqId}`);

describe.skipIf(chromiumMissing && !mustRun).each(engines)('Store Fulfillment App in headless Chromium on %s', (engine) => {
  let database: Database;
  let oms: OmsHandle;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  let A: string; // two items: SKU1 × 2, SKU2 × 1
  let B: string; // one item: SKU1 × 1

  let call: ReturnType<typeof fetchAs>; // as an admin, with its token
  const api = async (path: string) => {
    const r = await call(`${oms.url}${path}`);
    return { status: r.status, body: await r.json() as any };
  };
  const toastText = async (p: Page, kind: 'success' | 'error' | 'info') => {
    const t = p.locator(`${tid('toast')}[data-kind="${kind}"]`).first();
    await t.waitFor();
    return (await t.locator('.toast-text').textContent()) ?? '';
  };
  const logIn = async (p: Page, username: string, password: string) => {
    await p.locator(tid('login-form')).waitFor();
    await p.fill(tid('login-username'), username);
    await p.fill(tid('login-password'), password);
    await p.click(tid('login-submit'));
  };
  const openStore = async (p: Page, user: string) => {
    await p.goto(`${oms.url}/app/`);
    if (p !== page) await logIn(p, user, `${user} password`);
    await p.locator(`${tid('store-select')} option[value="STORE_NYC"]`).waitFor({ state: 'attached' });
    if (p === page) await p.screenshot({ path: 'test-results/store-app-picker.png' });
    await p.selectOption(tid('store-select'), 'STORE_NYC');
    await p.click(tid('open-store'));
    await p.locator(item(B, '00001')).waitFor();
  };

  beforeAll(async () => {
    if (chromiumMissing) throw new Error(`${CHROMIUM} not found: the Store Fulfillment App browser test requires it under CI=true (apt-get install -y chromium)`);
    database = await createTestDatabase(engine);
    await seedCatalog(database.db, {
      facilities: [{ ...STORE_NYC, ranking: 1, city: 'New York', state: 'NY' }, WH_NJ,
        { id: 'STORE_BOS', name: 'Boston Store', type: 'STORE', postalCode: '02108', city: 'Boston', state: 'MA' },
        { id: 'STORE_OLD', name: 'Closed Store', type: 'STORE', postalCode: '10003', active: false },
        { id: 'STORE_CHI', name: 'Chicago Store', type: 'STORE', postalCode: '60601', city: 'Chicago', state: 'IL' }],
      products: [{ id: 'SKU1', name: 'Blue Ceramic Mug' }, { id: 'SKU2', name: 'Canvas Tote Bag' }],
      stock: [['SKU1', 'STORE_NYC', 5], ['SKU2', 'STORE_NYC', 4]],
    });
    const place = async (items: { productId: string; quantity: number }[]) => {
      const { order } = expectOk(await database.db.transaction((tx) => createOrder(tx, orderBody({ items }))));
      expectOk(await database.db.transaction((tx) => approveOrder(tx, order.id)));
      return order.id;
    };
    A = await place([{ productId: 'SKU1', quantity: 2 }, { productId: 'SKU2', quantity: 1 }]);
    B = await place([{ productId: 'SKU1', quantity: 1 }]);
    expect(await runBrokering(database, { trigger: 'test' })).toMatchObject({ status: 'COMPLETED', allocated: 3 });

    // Store associates: jane works at NYC and Boston (and the closed store), sam at NYC; Chicago is neither's.
    for (const [username, facilities] of [['jane', ['STORE_NYC', 'STORE_BOS', 'STORE_OLD']], ['sam', ['STORE_NYC']]] as const) {
      const u = await database.db.transaction((tx) => createUser(tx, { username, password: `${username} password`, role: 'store', facilities: [...facilities] }));
      expect(u.kind).toBe('created');
    }
    call = fetchAs(await testAdmin(database.db));
    oms = await startOms(loadConfig({ PORT: '0', OMS_JOBS: 'false', LOG_LEVEL: 'silent' }), { database });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await oms?.close();
    await database?.close();
  });

  it('serves the app at /app/ (/ redirects there) with a same-origin-only CSP', async () => {
    const root = await fetch(`${oms.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/app/');
    const index = await fetch(`${oms.url}/app/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await index.text()).toContain('<script type="module" src="app.js">');
    expect((await fetch(`${oms.url}/app/app.js`)).headers.get('content-type')).toContain('javascript');
  });

  it('asks to log in first and shows a wrong password; the picker lists the associate\'s active stores only', async () => {
    await page.goto(`${oms.url}/`);
    expect(new URL(page.url()).pathname).toBe('/app/');
    await logIn(page, 'jane', 'not her password');
    await page.locator(`${tid('login-error')}:not([hidden])`).waitFor();
    expect(await page.textContent(tid('login-error'))).toBe('Wrong username or password.');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/store-app-login.png' });
    expect(await page.locator(tid('store-picker')).isHidden()).toBe(true);
    await logIn(page, 'jane', 'jane password');
    await page.locator(`${tid('store-select')} option[value="STORE_NYC"]`).waitFor({ state: 'attached' });
    expect(await page.textContent(tid('session-user'))).toBe('jane');
    const options = await page.locator(`${tid('store-select')} option`).evaluateAll((os) => os.map((o) => (o as any).value).filter(Boolean));
    expect(options.sort()).toEqual(['STORE_BOS', 'STORE_NYC']);
  });

  it('the queue is grouped by order with names and ship-to city/state only', async () => {
    await page.goto(`${oms.url}/`);
    await page.locator(`${tid('store-select')} option[value="STORE_NYC"]`).waitFor({ state: 'attached' });
    const options = await page.locator(`${tid('store-select')} option`).evaluateAll((os) => os.map((o) => (o as any).value).filter(Boolean));
    expect(options.sort()).toEqual(['STORE_BOS', 'STORE_NYC']);
    await openStore(page, 'jane');

    expect(await page.textContent(tid('store-name'))).toBe('NYC Store (STORE_NYC)');
    expect(await page.textContent(tid('session-user'))).toBe('jane');
    expect(await page.locator(tid('queue-summary')).textContent()).toMatch(/^3 items in 2 orders · 0 packed/);
    const orderA = page.locator(tid(`order-${A}`));
    expect(await orderA.locator(tid('order-id')).textContent()).toBe(A);
    expect(await orderA.locator(tid('ship-to')).textContent()).toBe('Ship to New York, NY');
    expect(await orderA.locator('li').count()).toBe(2);
    const first = page.locator(item(A, '00001'));
    expect(await first.locator(tid('item-product')).textContent()).toBe('Blue Ceramic Mug');
    expect(await first.locator(tid('item-quantity')).textContent()).toBe('Qty 2');
    expect(await first.locator(tid('item-status')).textContent()).toBe('ALLOCATED');
    expect(await page.locator(item(A, '00002')).locator(tid('item-product')).textContent()).toBe('Canvas Tote Bag');
    // Customers' data is kept to the city and state.
    const body = (await page.textContent('body')) ?? '';
    for (const secret of ['ada@example.com', 'Lovelace', '1 Main St', '10002']) expect(body).not.toContain(secret);
  });

  it('pack → PACKED shown; ship with a tracking number → leaves the list, SHIPPED in the API', async () => {
    await page.click(`${item(A, '00001')} ${tid('pack')}`);
    await page.locator(`${item(A, '00001')}[data-status="PACKED"]`).waitFor();
    expect(await page.textContent(`${item(A, '00001')} ${tid('item-status')}`)).toBe('PACKED');
    expect(await toastText(page, 'success')).toBe(`Packed Blue Ceramic Mug (order ${A}, line 00001).`);
    expect(await page.isDisabled(`${item(A, '00001')} ${tid('pack')}`)).toBe(true);
    // Focus stays on the item (its next enabled button) for keyboard users.
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('aria-label'))).toBe(`Ship Blue Ceramic Mug (order ${A}, line 00001)`);
    const history = await api(`/orders/${A}/items/00001/history`);
    expect(history.body.history.at(-1)).toMatchObject({ toStatus: 'PACKED', actor: 'jane' });

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/store-app.png', fullPage: true });
    await page.setViewportSize({ width: 390, height: 760 });
    await page.screenshot({ path: 'test-results/store-app-narrow.png', fullPage: true });
    await page.setViewportSize({ width: 1100, height: 760 });

    await page.click(`${item(A, '00001')} ${tid('ship')}`);
    await page.locator(tid('ship-dialog')).waitFor();
    expect(await page.textContent(tid('ship-item'))).toContain('Blue Ceramic Mug');
    await page.fill(tid('tracking-input'), '1Z999AA10123456784');
    await page.click(tid('ship-confirm'));
    await page.locator(item(A, '00001')).waitFor({ state: 'detached' });
    expect(await toastText(page, 'success')).toContain('tracking 1Z999AA10123456784');
    const order = await api(`/orders/${A}`);
    expect(order.body.items[0]).toMatchObject({ seqId: '00001', status: 'SHIPPED', trackingNumber: '1Z999AA10123456784' });
    expect((await api('/inventory?productId=SKU1&facilityId=STORE_NYC')).body.inventory[0]).toMatchObject({ onHand: 3, reserved: 1 });
  });

  it('reject with VAR_DAMAGED (reported to NetSuite) → leaves the list, back in the brokering queue, on hand reduced', async () => {
    expect((await api('/inventory?productId=SKU2&facilityId=STORE_NYC')).body.inventory[0]).toMatchObject({ onHand: 4, reserved: 1 });
    await page.click(`${item(A, '00002')} ${tid('reject')}`);
    await page.locator(tid('reason-VAR_DAMAGED')).waitFor();
    const reasonRow = (id: string) => page.locator('.reason', { has: page.locator(tid(`reason-${id}`)) });
    expect(await reasonRow('VAR_DAMAGED').locator(tid('netsuite-badge')).count()).toBe(1);
    expect(await reasonRow('NO_VARIANCE_LOG').locator(tid('netsuite-badge')).count()).toBe(0);
    // No reason chosen: the dialog says so and stays open.
    await page.click(tid('reject-confirm'));
    expect(await page.textContent(tid('reject-error'))).toBe('Choose a reason.');
    expect(await page.locator(tid('reject-dialog')).isVisible()).toBe(true);
    await page.check(tid('reason-VAR_DAMAGED'));
    expect(await page.locator(tid('reject-error')).isHidden()).toBe(true);
    await page.fill(tid('reject-comments'), 'Cracked lid');
    await page.screenshot({ path: 'test-results/store-app-reject.png' });
    await page.click(tid('reject-confirm'));
    await page.locator(item(A, '00002')).waitFor({ state: 'detached' });
    expect(await toastText(page, 'success')).toContain('Rejected Canvas Tote Bag');

    const order = await api(`/orders/${A}`);
    expect(order.body.items[1]).toMatchObject({ seqId: '00002', status: 'APPROVED', facilityId: '_NA_' });
    expect((await api('/inventory?productId=SKU2&facilityId=STORE_NYC')).body.inventory[0]).toMatchObject({ onHand: 3, reserved: 0 });
    const history = await api(`/orders/${A}/items/00002/history`);
    expect(history.body.history.at(-1)).toMatchObject({ toFacilityId: '_NA_', actor: 'jane' });
  });

  it("acting on an item another tab already rejected shows the server's message; the list then drops it", async () => {
    // Another tab (its own window) rejects B/00001 while this page still lists it.
    const other = await (await browser.newContext()).newPage();
    await openStore(other, 'sam');
    await other.click(`${item(B, '00001')} ${tid('reject')}`);
    await other.check(tid('reason-NO_VARIANCE_LOG'));
    await other.click(tid('reject-confirm'));
    await other.locator(item(B, '00001')).waitFor({ state: 'detached' });
    await other.context().close();

    expect(await page.locator(item(B, '00001')).count()).toBe(1); // stale
    await page.click(`${item(B, '00001')} ${tid('pack')}`);
    const message = await toastText(page, 'error');
    expect(message).toBe(`item ${B}/00001 is no longer at STORE_NYC: another operation moved it`);
    expect(await page.locator(`${tid('toast-alert')} ${tid('toast')}`).count()).toBe(1);
    expect(await page.textContent(`${tid('toast-alert')} .toast-title`)).toBe('Could not pack Blue Ceramic Mug: ');
    await page.screenshot({ path: 'test-results/store-app-error.png' });
    await page.locator(item(B, '00001')).waitFor({ state: 'detached' });
    await page.locator(tid('empty')).waitFor();

    // Through the API, a reject of the item that already left this store is a conflict (another operation moved it).
    const r = await call(`${oms.url}/facilities/STORE_NYC/items/${B}/00001/reject`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reasonId: 'VAR_DAMAGED' }) });
    expect(r.status).toBe(409);
    expect(await r.json()).toEqual({ error: 'conflict', message: `item ${B}/00001 is no longer at STORE_NYC: another operation moved it` });
  });

  it("another store's queue by URL is refused; logging out ends the session and brings the log-in back", async () => {
    await page.goto(`${oms.url}/app/#/store/STORE_CHI`);
    expect(await toastText(page, 'error')).toBe('STORE_CHI is not an active store.');
    await page.locator(tid('store-picker')).waitFor();
    expect(await page.evaluate(async () => (await fetch('/facilities/STORE_CHI/items')).status)).toBe(404);
    await page.click(tid('log-out'));
    await page.locator(tid('login-form')).waitFor();
    expect(await page.evaluate(async () => (await fetch('/auth/me')).status)).toBe(401);
    await page.reload();
    await page.locator(tid('login-form')).waitFor();
  });

  it('loads nothing from outside the OMS and logs no browser errors', async () => {
    const origin = new URL(oms.url).origin;
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'))).toEqual([]);
    expect(consoleErrors.filter((e) => !/status of (401|404|409)/.test(e))).toEqual([]);
  });
});
