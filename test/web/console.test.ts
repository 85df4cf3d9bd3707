/**
 * The operations console (Vue, built into dist/web/, served at /app/) in a real headless Chromium
 * against an in-process OMS on PGlite:
 *
 * - an operations user logs in, searches an order by its customer's e-mail, opens it and sees its
 *   items, timeline (every move, by whom, why) and the routing explanation; runs brokering and sees
 *   the new run in the history and the chart; retries an order in Exception; pauses a job;
 * - an administrator creates a user and an API token (shown once, copied) that then works;
 * - a store associate sees no console area in the navigation, is sent home from a console URL, and
 *   the API answers their session 403 on the console's endpoints.
 *
 * The API confirms each result. Screenshots of each page at 390 and 1440 px go to test-results/.
 * Without /usr/bin/chromium the suite is skipped locally and fails under CI=true.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { startOms, type OmsHandle } from '../../src/main';
import { approveOrder, createOrder } from '../../src/app/orders';
import { runBrokering } from '../../src/app/brokering';
import { rejectItem } from '../../src/app/rejections';
import { createUser } from '../../src/app/auth';
import { createJobRegistry, seedJobDefinitions } from '../../src/jobs';
import { brokeringJob, BROKERING_JOB } from '../../src/wiring';
import type { Database } from '../../src/db/client';
import { netsuiteRefusals } from '../../src/db/schema';
import { createTestDatabase, ENGINES } from '../support/db';
import { expectOk, orderBody, seedCatalog, WH_NJ } from '../support/fixtures';
import { fetchAs, testAdmin, type TestUser } from '../support/auth';
import { ensureBuilt } from '../e2e/built';
import { CHROMIUM, CHROMIUM_ARGS, chromiumMissing, logIn as logInAs, mustRun, SHOTS, tid, unnamedControls } from '../support/browser';

if (chromiumMissing && !mustRun) console.warn(`[tests] ${CHROMIUM} not found: the operations console browser test is skipped (apt-get install -y chromium)`);
const engines = (['pglite'] as const).filter((e) => ENGINES.includes(e));
if (!engines.length) describe.skip('operations console: PGlite is not in OMS_TEST_ENGINES', () => { it('needs pglite', () => {}); });

const NYC = { id: 'STORE_NYC', name: 'NYC Store', type: 'STORE' as const, postalCode: '10001', city: 'New York', state: 'NY', ranking: 1 };
const GRACE = { externalId: 'C-GRACE', firstName: 'Grace', lastName: 'Hopper', email: 'grace.hopper@example.com' };


/**
 * Whether the page scrolls sideways at this width (the document or the page's own scroller is wider
 * than the window): then the elements that reach past its right edge, else none. A wide table inside
 * its own sideways-scrolling box is fine.
 */
const overflowsSideways = (page: Page) => page.evaluate(() => {
  const w = globalThis as any;
  const doc = w.document.documentElement;
  const main = w.document.querySelector('main.page');
  const width = doc.clientWidth;
  if (Math.max(doc.scrollWidth, main?.scrollWidth ?? 0) <= width + 1) return [];
  return [...w.document.querySelectorAll('body *')].filter((el: any) => el.getBoundingClientRect().right > width + 1)
    .map((el: any) => String(el.outerHTML).slice(0, 100)).slice(-5);
});

describe.skipIf(chromiumMissing && !mustRun).each(engines)('operations console in headless Chromium on %s', (engine) => {
  let database: Database;
  let oms: OmsHandle;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let admin: TestUser;
  const consoleErrors: string[] = [];
  let graceOrder: string; // allocated at NYC by the first run: searched by e-mail, its story shown
  let stuck: string; // a product nobody stocks: in Exception, retried
  let rejected: string; // allocated at NYC, rejected there with a comment: its story shows the rejection
  let created: string; // never approved: approved on its page

  const api = async (path: string, init?: RequestInit) => {
    const r = await fetchAs(admin)(`${oms.url}${path}`, init);
    return { status: r.status, body: await r.json() as any };
  };
  const shot = async (name: string) => {
    const size = page.viewportSize()!;
    for (const width of [390, 1440]) {
      await page.setViewportSize({ width, height: width < 800 ? 844 : 900 });
      await page.screenshot({ path: `${SHOTS}/console-${name}-${width}.png`, fullPage: true });
      if (width === 390) expect(await overflowsSideways(page), `${name} at 390 px is wider than the window`).toEqual([]);
    }
    await page.setViewportSize(size);
  };
  const logIn = (username: string, password: string) => logInAs(page, oms.url, username, password);
  const logOut = async () => {
    await page.click(tid('log-out'));
    await page.locator(tid('login')).waitFor();
  };
  const navAreas = () => page.locator('nav.areas a').allTextContents();
  const toastText = async (kind: 'success' | 'error') => {
    const t = page.locator(`${tid('toast')}[data-kind="${kind}"]`).last();
    await t.waitFor();
    return (await t.textContent())?.replace(/\s+/g, ' ').trim() ?? '';
  };

  beforeAll(async () => {
    if (chromiumMissing) throw new Error(`${CHROMIUM} not found: the operations console browser test requires it under CI=true (apt-get install -y chromium)`);
    await ensureBuilt();
    database = await createTestDatabase(engine);
    await seedCatalog(database.db, {
      facilities: [NYC, WH_NJ],
      products: [{ id: 'SKU1', sku: 'MUG-BLUE', name: 'Blue Ceramic Mug' }, { id: 'SKU9', sku: 'GHOST', name: 'Nobody stocks this' }],
      stock: [['SKU1', 'STORE_NYC', 10]],
    });
    const place = async (over: Record<string, unknown>, approve = true) => {
      const { order } = expectOk(await database.db.transaction((tx) => createOrder(tx, orderBody(over))));
      if (approve) expectOk(await database.db.transaction((tx) => approveOrder(tx, order.id, 'olivia')));
      return order.id as string;
    };
    for (let i = 0; i < 3; i++) await place({ orderDate: `2026-11-0${i + 1}T10:00:00Z` });
    graceOrder = await place({ orderDate: '2026-11-10T10:00:00Z', customer: GRACE, shipTo: { ...orderBody().shipTo, name: 'Grace Hopper' } });
    stuck = await place({ orderDate: '2026-11-11T10:00:00Z', items: [{ productId: 'SKU9', quantity: 1, unitPrice: 5 }] });
    rejected = await place({ orderDate: '2026-11-12T10:00:00Z' });
    created = await place({ orderDate: '2026-11-13T10:00:00Z' }, false);
    expect(await runBrokering(database, { trigger: 'test', actor: 'olivia' })).toMatchObject({ status: 'COMPLETED', exception: 1 });
    expectOk(await database.db.transaction((tx) => rejectItem(tx, {
      orderId: rejected, seqId: '00001', reasonId: 'NOT_IN_STOCK', comments: 'shelf was empty', source: 'STORE', actor: 'sam', expectedFacilityId: 'STORE_NYC',
    })));

    const config = loadConfig({ PORT: '0', OMS_JOBS: 'false', LOG_LEVEL: 'silent' });
    await seedJobDefinitions(database.db, createJobRegistry([brokeringJob(database, config)]));
    for (const u of [
      { username: 'olivia', password: 'olivia-password-1', role: 'operations' as const, facilities: [] },
      { username: 'adam', password: 'adam-password-1', role: 'admin' as const, facilities: [] },
      { username: 'sam', password: 'sam-password-1', role: 'store' as const, facilities: ['STORE_NYC'] },
    ]) expect((await database.db.transaction((tx) => createUser(tx, u))).kind).toBe('created');
    admin = await testAdmin(database.db, 'test-admin');
    // Two rows NetSuite refused (as its error report would leave them): one is sent again, one dismissed.
    await database.db.insert(netsuiteRefusals).values([1, 2].map((row) => ({
      feed: 'inventory-adjustment', fileName: 'InventoryAdjustment-1.csv', rowNumber: row, message: `Invalid location on row ${row}`, reportFileId: 'REPORT-1',
    })));

    oms = await startOms(config, { database });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: oms.url });
    page = await context.newPage();
    // Confirmation dialogs (cancel, disable, revoke) are accepted.
    page.on('dialog', (d) => { void d.accept(); });
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await oms?.close();
    await database?.close();
  });

  it("operations: finds an order by its customer's e-mail and sees its items, timeline and routing explanation", async () => {
    await logIn('olivia', 'olivia-password-1');
    expect(await navAreas()).toEqual(expect.arrayContaining(['Orders', 'Brokering', 'Jobs']));
    expect(await navAreas()).not.toContain('Users');
    await page.getByRole('link', { name: 'Orders', exact: true }).first().click();
    await page.locator(tid('orders-table')).waitFor();
    expect(await page.locator(`${tid('orders-table')} tbody tr`).count()).toBe(7);
    await shot('orders');

    await page.getByLabel('Order, external id, customer name or e-mail').fill('GRACE.hopper@');
    const searched = page.waitForResponse((r) => new URL(r.url()).pathname === '/orders' && new URL(r.url()).searchParams.get('q') === 'GRACE.hopper@');
    await page.click(tid('order-search'));
    expect((await searched).status()).toBe(200);
    await page.locator(tid(`order-row-${graceOrder}`)).waitFor();
    await expect.poll(() => page.locator(`${tid('orders-table')} tbody tr`).count()).toBe(1);
    expect(await page.textContent(tid(`order-row-${graceOrder}`))).toContain('grace.hopper@example.com');
    expect(new URL(page.url()).searchParams.get('q')).toBe('GRACE.hopper@');

    await page.getByRole('link', { name: graceOrder }).click();
    await page.locator(tid('timeline')).waitFor();
    expect(await page.textContent(tid('order-status'))).toBe('ALLOCATED');
    expect(await page.textContent(tid('customer'))).toContain('Grace Hopper · grace.hopper@example.com');
    expect(await page.textContent(tid('item-00001'))).toContain('STORE_NYC');
    const moves = await page.locator(`${tid('timeline')} li`).allTextContents();
    expect(moves).toHaveLength(3);
    expect(moves[0]).toMatch(/CREATED[\s\S]*ORDER_CREATED[\s\S]*by api/);
    expect(moves[1]).toMatch(/CREATED → APPROVED[\s\S]*ORDER_APPROVED[\s\S]*by olivia/);
    expect(moves[2]).toMatch(/APPROVED → ALLOCATED · brokering queue → STORE_NYC/);
    const story = (await api(`/orders/${graceOrder}/story`)).body;
    const decision = page.locator(tid('decision'));
    expect(await decision.count()).toBe(1);
    expect(await decision.textContent()).toContain('STORE_NYC');
    const lines = await decision.locator('.ops-explain li').allTextContents();
    expect(lines).toEqual(story.routing[0].result.explanation);
    expect(lines.length).toBeGreaterThan(0);
    expect(await unnamedControls(page)).toEqual([]);
    await shot('order');
  });

  it('operations: runs brokering and sees the run in the history; retries the order in Exception', async () => {
    await page.getByRole('link', { name: 'Brokering', exact: true }).first().click();
    await page.locator(tid(`exception-${stuck}`)).waitFor();
    expect(await page.textContent(tid(`exception-${stuck}`))).toContain('INSUFFICIENT_STOCK');
    const before = await page.locator(`${tid('runs-table')} tbody tr`).count();
    const ran = page.waitForResponse((r) => new URL(r.url()).pathname === '/brokering/runs' && r.request().method() === 'POST');
    await page.click(tid('run-brokering'));
    const run = await (await ran).json();
    expect(run.status).toBe('COMPLETED');
    await page.locator(tid(`run-${run.id}`)).waitFor();
    expect(await page.locator(`${tid('runs-table')} tbody tr`).count()).toBe(before + 1);
    expect(await page.locator(`${tid('runs-chart')} rect`).count()).toBe(3 * (before + 1));
    expect(await unnamedControls(page)).toEqual([]);
    await shot('brokering');

    const retried = page.waitForResponse((r) => new URL(r.url()).pathname === `/exceptions/${stuck}/retry`);
    await page.getByRole('button', { name: `Retry order ${stuck}` }).click();
    expect((await retried).status()).toBe(200);
    expect(await toastText('success')).toContain(`Order ${stuck} is routed again`);
    await page.locator(tid(`exception-${stuck}`)).waitFor({ state: 'detached' });
    expect((await api(`/orders/${stuck}`)).body.status).toBe('APPROVED');
  });

  it("operations: a rejected order's page shows the rejection with its comment and both routing decisions; a created order is approved there", async () => {
    await page.goto(`${oms.url}/app/ops/orders/${rejected}`);
    await page.locator(tid('rejections')).waitFor();
    const rejection = await page.textContent(tid('rejections'));
    expect(rejection).toContain('NOT_IN_STOCK');
    expect(rejection).toContain('shelf was empty');
    expect(rejection).toContain('sam');
    expect(await page.locator(tid('decision')).count()).toBe(2);
    expect((await page.locator(`${tid('timeline')} li`).allTextContents()).some((m) => /REJECTED NOT_IN_STOCK by STORE[\s\S]*by sam/.test(m))).toBe(true);
    await shot('order-rejected');

    await page.goto(`${oms.url}/app/ops/orders/${created}`);
    expect(await page.locator(tid('order-status')).textContent()).toBe('CREATED');
    const approved = page.waitForResponse((r) => new URL(r.url()).pathname === `/orders/${created}/approve`);
    await page.click(tid('approve'));
    expect((await approved).status()).toBe(200);
    await expect.poll(() => page.textContent(tid('order-status'))).toBe('APPROVED');
    expect(await page.locator(tid('approve')).count()).toBe(0);
    expect((await api(`/orders/${created}`)).body.status).toBe('APPROVED');
  });

  it('operations: pauses the brokering job; sends a refused row again and dismisses another', async () => {
    await page.getByRole('link', { name: 'Jobs', exact: true }).first().click();
    await page.locator(tid(`job-${BROKERING_JOB}`)).waitFor();
    expect(await page.textContent(tid(`job-state-${BROKERING_JOB}`))).toContain('enabled');
    const patched = page.waitForResponse((r) => new URL(r.url()).pathname === `/jobs/${BROKERING_JOB}` && r.request().method() === 'PATCH');
    await page.getByRole('button', { name: `Pause ${BROKERING_JOB}` }).click();
    expect((await patched).status()).toBe(200);
    await expect.poll(() => page.textContent(tid(`job-state-${BROKERING_JOB}`))).toContain('paused');
    expect((await api(`/jobs/${BROKERING_JOB}`)).body.enabled).toBe(false);
    expect(await page.textContent(tid('refusals'))).toContain('Invalid location on row 2');
    expect(await unnamedControls(page)).toEqual([]);
    await shot('jobs');

    const resent = page.waitForResponse((r) => /\/netsuite\/refusals\/\d+\/resend$/.test(new URL(r.url()).pathname));
    await page.getByRole('button', { name: 'Send row 1 of InventoryAdjustment-1.csv again' }).click();
    expect((await resent).status()).toBe(200);
    expect(await toastText('success')).toContain('goes with the next inventory-adjustment export');
    const dismissed = page.waitForResponse((r) => /\/netsuite\/refusals\/\d+\/dismiss$/.test(new URL(r.url()).pathname));
    await page.getByRole('button', { name: 'Dismiss row 2 of InventoryAdjustment-1.csv' }).click();
    expect((await dismissed).status()).toBe(200);
    await page.locator(tid('no-refusals')).waitFor();
    const byStatus = async (status: string) => (await api(`/netsuite/refusals?status=${status}`)).body.refusals
      .map((r: any) => [r.rowNumber, r.resolvedBy]);
    expect([await byStatus('RESENT'), await byStatus('DISMISSED')]).toEqual([[[1, 'olivia']], [[2, 'olivia']]]);
    await logOut();
  });

  it('admin: creates a user and an API token (shown once, copied) that works, revokes the token and disables the user', async () => {
    await logIn('adam', 'adam-password-1');
    await page.getByRole('link', { name: 'Users', exact: true }).first().click();
    await page.locator(tid('users-table')).waitFor();
    const form = page.locator(tid('new-user'));
    await form.getByLabel('Username').fill('nina');
    await form.getByLabel('Role').selectOption('store');
    await form.getByLabel('Facilities (ids, comma-separated)').fill('STORE_NYC');
    await form.getByLabel(/^Password/).fill('nina-password-1');
    const created = page.waitForResponse((r) => new URL(r.url()).pathname === '/users' && r.request().method() === 'POST');
    await page.click(tid('create-user'));
    expect((await created).status()).toBe(201);
    await page.locator(tid('user-nina')).waitFor();
    expect(await page.textContent(tid('user-nina'))).toContain('STORE_NYC');
    const nina = (await api('/users')).body.users.find((u: any) => u.username === 'nina');
    expect(nina).toMatchObject({ role: 'store', facilities: ['STORE_NYC'], disabledAt: null });

    const tokenForm = page.locator(tid('new-token'));
    await tokenForm.getByLabel('For user').selectOption('nina');
    await tokenForm.getByLabel('Token name').fill('handheld');
    await page.click(tid('create-token'));
    const secret = (await page.locator(tid('token-value')).textContent())!.trim();
    expect(secret).toMatch(/^oms_/);
    await page.click(tid('copy-token'));
    await expect.poll(() => page.textContent(tid('copy-token'))).toBe('Copied');
    expect(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(secret);
    await page.locator(tid('token-handheld')).waitFor();
    const me = await fetch(`${oms.url}/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect([me.status, ((await me.json()) as any).user.username]).toEqual([200, 'nina']);
    expect(await unnamedControls(page)).toEqual([]);
    await shot('users');

    // Revoked, the token no longer authenticates; disabled, the user is marked so.
    const revoked = page.waitForResponse((r) => r.url().includes('/auth/tokens/') && r.request().method() === 'DELETE');
    await page.getByRole('button', { name: 'Revoke token handheld' }).click();
    expect((await revoked).status()).toBe(200);
    await expect.poll(() => page.textContent(tid('token-handheld'))).toContain('revoked');
    expect((await fetch(`${oms.url}/auth/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
    const disabled = page.waitForResponse((r) => new URL(r.url()).pathname === '/users/nina/disable');
    await page.getByRole('button', { name: 'Disable nina' }).click();
    expect((await disabled).status()).toBe(200);
    await expect.poll(() => page.textContent(tid('user-nina'))).toContain('disabled');
    expect((await api('/users')).body.users.find((u: any) => u.username === 'nina').disabledAt).not.toBeNull();
    await logOut();
  });

  it('a store associate sees no console: no area in the navigation, a console URL goes home, the API answers 403', async () => {
    await logIn('sam', 'sam-password-1');
    expect(await navAreas()).toEqual(['Stores']);
    await page.goto(`${oms.url}/app/ops/orders`);
    await page.locator(tid('session-user')).waitFor();
    await page.waitForURL((u) => !u.pathname.startsWith('/app/ops/'));
    expect(await page.locator(tid('orders-table')).count()).toBe(0);
    const statuses = await page.evaluate(async (id) => {
      const f = (path: string, method = 'GET') => (globalThis as any).fetch(path, {
        method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}',
      }).then((r: any) => r.status);
      return [await f(`/orders/${id}/story`), await f('/brokering/runs'), await f('/brokering/runs', 'POST'), await f('/jobs'), await f('/users')];
    }, graceOrder);
    expect(statuses).toEqual([403, 403, 403, 403, 403]);
    expect(consoleErrors.filter((e) => !/status of 40[13]/.test(e))).toEqual([]);
  });
});
