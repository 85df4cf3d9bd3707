import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { asc, eq } from 'drizzle-orm';
import { importOrders, CSV_HEADER, type ImportResult } from '../../src/app/import-orders';
import { listOrders } from '../../src/app/orders';
import { customers, orderItems, orders } from '../../src/db/schema';
import type { Database } from '../../src/db/client';
import { createTestDatabase, ENGINES } from '../support/db';
import { seedCatalog, STORE_NYC, WH_NJ } from '../support/fixtures';

const FIXTURES = new URL('../fixtures/import/', import.meta.url);
const fixture = (name: string) => new URL(name, FIXTURES).pathname;
const text = (name: string) => readFileSync(fixture(name), 'utf8');
const pairs = (r: ImportResult) => r.rejected.map((e) => [e.row, e.field]);

describe.each(ENGINES)('order import on %s', (engine) => {
  let d: Database;
  beforeEach(async () => {
    d = await createTestDatabase(engine);
    await seedCatalog(d.db, { facilities: [STORE_NYC, WH_NJ], products: [{ id: 'SKU1' }, { id: 'SKU2' }, { id: 'SKU3' }] });
  });
  afterEach(async () => { await d.close(); });

  async function stored(externalId: string) {
    const [o] = await d.db.select().from(orders).where(eq(orders.externalId, externalId));
    if (!o) return undefined;
    const items = await d.db.select().from(orderItems).where(eq(orderItems.orderId, o.id)).orderBy(asc(orderItems.seqId));
    return { ...o, items };
  }
  const count = async () => (await d.db.select({ id: orders.id }).from(orders)).length;

  it('imports a CSV file: consecutive rows of one externalId are one order, with its lines in file order', async () => {
    const r = await importOrders(d.db, { path: fixture('orders.csv') });
    expect(r).toEqual({ created: 3, existing: 0, rejected: [] });
    const o1 = (await stored('CSV-1'))!;
    expect(o1.items.map((i) => [i.seqId, i.productId, i.quantity, i.unitPrice])).toEqual([['00001', 'SKU1', 2, '19.50'], ['00002', 'SKU2', 1, '5.00']]);
    expect(o1).toMatchObject({ salesChannel: 'WEB', priority: 1, shippingMethod: 'TWO_DAY', status: 'CREATED' });
    expect(o1.orderDate.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    expect(o1.shipTo).toMatchObject({ name: 'Lovelace, Ada', address1: '12 Main St', address2: 'Apt 4B', city: 'New York', postalCode: '10002', country: 'US' });
    expect(o1.shipTo.latitude).toBeCloseTo(40.71, 1);
    const o2 = (await stored('CSV-2'))!;
    expect(o2.shipTo.address1).toBe('1 Navy Way\nBuilding 7');
    expect(o2.items.map((i) => [i.productId, i.quantity])).toEqual([['SKU3', 3]]);
    // Order columns may be blank after an order's first row.
    const o3 = (await stored('CSV-3'))!;
    expect(o3).toMatchObject({ salesChannel: 'MARKETPLACE', accountingCode: 'MKTPL-AMZ' });
    expect(o3.items.map((i) => [i.seqId, i.productId, i.quantity])).toEqual([['00001', 'SKU1', 1], ['00002', 'SKU2', 4], ['00003', 'SKU3', 1]]);
    // One customer per customerExternalId, reused across orders.
    const [c] = await d.db.select().from(customers).where(eq(customers.externalId, 'C-100'));
    expect(c).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' });
    expect(o3.customerId).toBe(c.id);
    expect(o1.customerId).toBe(c.id);
  });

  it('reports each bad CSV row with its line and column, rejects its whole order and imports the good ones', async () => {
    const r = await importOrders(d.db, { path: fixture('bad-orders.csv') });
    expect(r.created).toBe(2);
    expect(r.existing).toBe(0);
    expect(pairs(r)).toEqual([
      [7, 'quantity'], [6, '(order)'],
      [8, 'quantity'],
      [9, 'address1'], [9, 'country'],
      [10, 'facilityId'],
      [12, 'externalId'],
      [13, 'quantity'],
      [15, 'postalCode'], [14, '(order)'],
      [16, 'externalId'],
    ]);
    const msg = (row: number, field: string) => r.rejected.find((e) => e.row === row && e.field === field)!.message;
    expect(msg(7, 'quantity')).toBe('must be a positive integer');
    expect(msg(6, '(order)')).toMatch(/BAD-QTY-ZERO.*row 7, quantity: must be a positive integer/);
    expect(msg(8, 'quantity')).toBe('must be a positive integer');
    expect(msg(9, 'address1')).toBe('is required');
    expect(msg(9, 'country')).toBe('is required');
    expect(msg(10, 'facilityId')).toMatch(/unknown facility NOPE/);
    expect(msg(12, 'externalId')).toMatch(/is required/);
    expect(msg(13, 'quantity')).toBe('must be a number');
    expect(msg(15, 'postalCode')).toMatch(/differs from line 14/);
    expect(msg(16, 'externalId')).toMatch(/already appeared at line 2/);

    expect((await listOrders(d.db, {})).map((o) => o.externalId).sort()).toEqual(['GOOD-1', 'GOOD-2']);
    expect((await stored('GOOD-1'))!.items.map((i) => i.productId)).toEqual(['SKU1', 'SKU2']);
    expect((await stored('GOOD-1'))!.shipTo.address1).toBe('12 Main St\nFloor 2');
    expect(await stored('GOOD-2')).toMatchObject({ originFacilityId: 'STORE_NYC', priority: 2 });
  });

  it('imports a JSON file ({ "orders": [...] }) and reports bad orders by position and API field', async () => {
    expect(await importOrders(d.db, { path: fixture('orders.json') })).toEqual({ created: 2, existing: 0, rejected: [] });
    expect((await stored('JSON-1'))!.items.map((i) => [i.productId, i.quantity])).toEqual([['SKU1', 2], ['SKU2', 1]]);
    expect(await stored('JSON-2')).toMatchObject({ salesChannel: 'POS', originFacilityId: 'STORE_NYC' });

    const r = await importOrders(d.db, { path: fixture('bad-orders.json') });
    expect(r.created).toBe(2);
    expect(pairs(r)).toEqual([[2, 'items[1].quantity'], [3, 'items[0].quantity'], [4, 'shipTo'], [5, 'facilityId'], [6, '(order)']]);
    expect(r.rejected[0].message).toBe('must be a positive integer');
    expect(r.rejected[1].message).toBe('must be a positive integer');
    expect(r.rejected[2].message).toBe('is required');
    expect(r.rejected[3].message).toMatch(/unknown facility NOPE/);
    expect((await listOrders(d.db, {})).map((o) => o.externalId).sort()).toEqual(['JB-GOOD', 'JB-GOOD-2', 'JSON-1', 'JSON-2']);
  });

  it('an order the database refuses is a row error naming the constraint, without the customer\'s data; the next order is stored', async () => {
    await d.query("alter table orders add constraint test_refused_ship_to check (coalesce(ship_to->>'name', '') <> 'Wilhelmina Refused')");
    const order = (externalId: string, name: string) => ({
      externalId, customer: { externalId: `C-${externalId}`, firstName: 'Wilhelmina', lastName: 'Refused', email: 'wilhelmina@refused.example' },
      shipTo: { name, address1: '77 Hidden Lane', postalCode: '10002', country: 'US' }, items: [{ productId: 'SKU1', quantity: 1 }],
    });
    const r = await importOrders(d.db, { text: JSON.stringify({ orders: [order('DB-1', 'Wilhelmina Refused'), order('DB-2', 'Someone Else')] }), format: 'json' });
    expect(r.created).toBe(1);
    expect(pairs(r)).toEqual([[1, '(order)']]);
    expect(r.rejected[0].message).toBe('could not be stored: the database refused it (SQLSTATE 23514, constraint test_refused_ship_to)');
    expect(JSON.stringify(r)).not.toMatch(/Wilhelmina|Hidden Lane|refused\.example|insert into/i);
    expect(await stored('DB-2')).toBeDefined();
  });

  it('importing the same file twice creates nothing new', async () => {
    for (const f of ['orders.csv', 'bad-orders.csv', 'orders.json']) {
      const first = await importOrders(d.db, { path: fixture(f) });
      const before = await count();
      const again = await importOrders(d.db, { path: fixture(f) }, { chunkSize: 1 });
      expect(again.created, f).toBe(0);
      expect(again.existing, f).toBe(first.created);
      expect(again.rejected, f).toEqual(first.rejected);
      expect(await count(), f).toBe(before);
    }
    expect(await count()).toBe(7);
  });

  it('a malformed JSON file is one file error and nothing is stored', async () => {
    const r = await importOrders(d.db, { path: fixture('malformed.json') });
    expect(r.created).toBe(0);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ row: 0, field: '(file)' });
    expect(r.rejected[0].message).toMatch(/malformed JSON/);
    const notAList = await importOrders(d.db, { text: '{"order": []}', format: 'json' });
    expect(notAList.rejected).toEqual([{ row: 0, field: '(file)', message: expect.stringMatching(/array of orders/) }]);
    expect(await count()).toBe(0);
  });

  it('an unparseable CSV file (unclosed quote) is one file error and nothing is stored, even rows before it', async () => {
    const r = await importOrders(d.db, { path: fixture('unparseable.csv') });
    expect(r).toEqual({ created: 0, existing: 0, rejected: [{ row: 0, field: '(file)', message: expect.stringMatching(/unparseable CSV.*QUOTE/) }] });
    // A long file whose last line breaks: the good lines before it are not stored either.
    const good = Array.from({ length: 1500 }, (_, i) => `BIG-${i},,WEB,,,,,,,,,1 Main St,,,,,US,,SKU1,1,1`);
    const big = [CSV_HEADER.join(','), ...good, 'BIG-X,,WEB,,,,,,,,,"1 Main St,,,,,US,,SKU1,1,1'].join('\n');
    const r2 = await importOrders(d.db, { text: big, format: 'csv' });
    expect(r2.rejected).toEqual([{ row: 0, field: '(file)', message: expect.stringMatching(/unparseable CSV/) }]);
    expect(await count()).toBe(0);
  });

  it('refuses a CSV header with unknown or missing columns, and a file of unknown format', async () => {
    const r = await importOrders(d.db, { text: 'externalId,productId,quantiy\nX,SKU1,1\n', format: 'csv' });
    expect(r.rejected).toEqual([{ row: 0, field: '(file)', message: expect.stringMatching(/missing column\(s\) quantity; unknown column\(s\) "quantiy"/) }]);
    const f = await importOrders(d.db, { path: '/tmp/orders.xlsx' });
    expect(f.rejected[0]).toMatchObject({ row: 0, field: '(file)' });
    const missing = await importOrders(d.db, { path: fixture('no-such-file.csv') });
    expect(missing.rejected[0].message).toMatch(/cannot read file/);
    expect(await count()).toBe(0);
  });

  it('calls onProgress with the running count and the total number of orders', async () => {
    const calls: [number, number][] = [];
    const r = await importOrders(d.db, { path: fixture('bad-orders.csv') }, { onProgress: (done, total) => calls.push([done, total]), chunkSize: 3 });
    // 10 orders: GOOD-1, BAD-QTY-ZERO, BAD-QTY-FRACTION, BAD-NO-ADDRESS, BAD-FACILITY, GOOD-2, (no id), BAD-NUMBER, BAD-CONFLICT, GOOD-1 again.
    expect(calls[0]).toEqual([0, 10]);
    expect(calls.at(-1)).toEqual([10, 10]);
    expect(calls.map(([done]) => done)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.created).toBe(2);
    const json: [number, number][] = [];
    await importOrders(d.db, { path: fixture('orders.json') }, { onProgress: (done, total) => json.push([done, total]) });
    expect(json).toEqual([[0, 2], [1, 2], [2, 2]]);
  });

  it('approve: true approves the created orders (their items wait in the brokering queue), not the existing ones', async () => {
    await importOrders(d.db, { path: fixture('orders.json') });
    const r = await importOrders(d.db, { text: text('orders.csv'), format: 'csv' }, { approve: true, actor: 'tester' });
    expect(r).toEqual({ created: 3, existing: 0, rejected: [] });
    const o = (await stored('CSV-3'))!;
    expect(o.status).toBe('APPROVED');
    expect(o.items.every((i) => i.status === 'APPROVED' && i.facilityId === '_NA_')).toBe(true);
    const again = await importOrders(d.db, { path: fixture('orders.json') }, { approve: true });
    expect(again.existing).toBe(2);
    expect((await stored('JSON-1'))!.status).toBe('CREATED');
  });
});
