import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { importOrders, CSV_HEADER, type ImportResult } from '../../src/app/import-orders';
import { listOrders } from '../../src/app/orders';
import { customers, orderItems, orders } from '../../src/db/schema';
import type { Database, Db } from '../../src/db/client';
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

    expect((await listOrders(d.db, {})).rows.map((o) => o.externalId).sort()).toEqual(['GOOD-1', 'GOOD-2']);
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
    expect((await listOrders(d.db, {})).rows.map((o) => o.externalId).sort()).toEqual(['JB-GOOD', 'JB-GOOD-2', 'JSON-1', 'JSON-2']);
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

  describe('encodings', () => {
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'oms-import-')); });
    afterEach(() => { rmSync(dir, { recursive: true, force: true }); });
    const lat = readFileSync(fixture('latin1.csv'));
    const csvText = lat.toString('latin1');

    it('refuses a Latin-1 file without --encoding (one file error naming the file and the option), and reads it with latin1 or windows-1252', async () => {
      const r = await importOrders(d.db, { path: fixture('latin1.csv') });
      expect(r.created).toBe(0);
      expect(r.rejected).toHaveLength(1);
      expect(r.rejected[0]).toMatchObject({ row: 0, field: '(file)' });
      expect(r.rejected[0].message).toContain(fixture('latin1.csv'));
      expect(r.rejected[0].message).toMatch(/--encoding latin1 or --encoding windows-1252/);
      expect(await count()).toBe(0);
      for (const [encoding, id] of [['latin1', 'LAT-1'], ['windows-1252', 'W-1']] as const) {
        const path = join(dir, `${id}.csv`);
        writeFileSync(path, Buffer.from(csvText.replace('LAT-1', id), 'latin1'));
        expect(await importOrders(d.db, { path }, { encoding })).toEqual({ created: 1, existing: 0, rejected: [] });
        expect((await stored(id))!.shipTo).toMatchObject({ name: 'Zoë Müller', address1: 'Königstraße 5', city: 'Köln' });
      }
      const json = join(dir, 'latin1.json');
      const order = { externalId: 'LAT-J', shipTo: { name: 'Zoë Müller', address1: 'x', postalCode: '50667', country: 'DE' }, items: [{ productId: 'SKU1', quantity: 1 }] };
      writeFileSync(json, Buffer.from(JSON.stringify([order]), 'latin1'));
      expect((await importOrders(d.db, { path: json })).rejected[0].message).toMatch(/latin1\.json is not UTF-8.*--encoding/);
      expect((await importOrders(d.db, { path: json }, { encoding: 'latin1' })).created).toBe(1);
      expect((await stored('LAT-J'))!.shipTo.name).toBe('Zoë Müller');
    });

    it('reads UTF-8 with and without a BOM and UTF-16 LE and BE with a BOM; refuses UTF-16 without a BOM', async () => {
      const utf8 = csvText.replace(/\n$/, '');
      const be = (t: string) => { const b = Buffer.from(t, 'utf16le'); b.swap16(); return b; };
      const files: [string, Buffer][] = [
        ['U8', Buffer.from(utf8.replace('LAT-1', 'U8'))],
        ['U8BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(utf8.replace('LAT-1', 'U8BOM'))])],
        ['U16LE', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf8.replace('LAT-1', 'U16LE'), 'utf16le')])],
        ['U16BE', Buffer.concat([Buffer.from([0xfe, 0xff]), be(utf8.replace('LAT-1', 'U16BE'))])],
      ];
      for (const [id, bytes] of files) {
        const path = join(dir, `${id}.csv`);
        writeFileSync(path, bytes);
        // A BOM decides even when an encoding is passed.
        expect(await importOrders(d.db, { path }, { encoding: id === 'U8' ? undefined : 'latin1' }), id).toEqual({ created: 1, existing: 0, rejected: [] });
        expect((await stored(id))!.shipTo.name, id).toBe('Zoë Müller');
      }
      const noBom = join(dir, 'no-bom.csv');
      writeFileSync(noBom, Buffer.from(utf8.replace('LAT-1', 'NOBOM'), 'utf16le'));
      expect((await importOrders(d.db, { path: noBom })).rejected).toEqual([{ row: 0, field: '(file)', message: expect.stringMatching(/no-bom\.csv is not UTF-8/) }]);
      // ASCII in UTF-16 is valid UTF-8 byte by byte: its NULs tell it.
      writeFileSync(noBom, Buffer.from(`${CSV_HEADER.join(',')}\nNOBOM,,WEB,,,,,,,,,1 Main St,,,,10002,US,,SKU1,1,1\n`, 'utf16le'));
      expect((await importOrders(d.db, { path: noBom })).rejected).toEqual([{ row: 0, field: '(file)', message: expect.stringMatching(/no-bom\.csv.*NUL/) }]);
      expect(await count()).toBe(4);
    });
  });

  describe('database errors', () => {
    const order = (i: number, refused: boolean) => ({
      externalId: `DBR-${i}`, shipTo: { name: refused ? 'Refuse Me' : `Fine ${i}`, address1: '1 Main St', postalCode: '10002', country: 'US' },
      items: [{ productId: 'SKU1', quantity: 1 }],
    });

    it('a run of refused orders is a run of row errors; the good orders after them are stored', async () => {
      await d.query("alter table orders add constraint test_refused check (coalesce(ship_to->>'name', '') <> 'Refuse Me')");
      const list = [...Array.from({ length: 8 }, (_, i) => order(i + 1, true)), order(9, false), order(10, false)];
      const r = await importOrders(d.db, { text: JSON.stringify(list), format: 'json' }, { chunkSize: 3 });
      expect(r.created).toBe(2);
      expect(r.stopped).toBeUndefined();
      expect(pairs(r)).toEqual(Array.from({ length: 8 }, (_, i) => [i + 1, '(order)']));
      expect(r.rejected.every((e) => /SQLSTATE 23514, constraint test_refused/.test(e.message))).toBe(true);
      expect(await stored('DBR-9')).toBeDefined();
      expect(await stored('DBR-10')).toBeDefined();
    });

    /** The test database, whose transactions fail with `error` from the `from`-th one on. */
    function goneAfter(from: number, error: Error): Db {
      let n = 0;
      const real = d.db;
      return new Proxy(real, {
        get(target, prop, receiver) {
          if (prop !== 'transaction') return Reflect.get(target, prop, receiver);
          return (fn: (tx: unknown) => Promise<unknown>) => (++n >= from ? Promise.reject(error) : real.transaction(fn as never));
        },
      }) as Db;
    }

    it.each([
      ['SQLSTATE 57P01', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }), /SQLSTATE 57P01/],
      ['SQLSTATE 08006', Object.assign(new Error('connection failure'), { code: '08006' }), /SQLSTATE 08006/],
      ['no SQLSTATE', new Error('Connection terminated unexpectedly'), /no SQLSTATE/],
    ])('a database gone (%s) stops the file with one file error; the orders before stay stored', async (_label, error, reason) => {
      const list = Array.from({ length: 6 }, (_, i) => order(i + 1, false));
      const r = await importOrders(goneAfter(3, error), { text: JSON.stringify(list), format: 'json' });
      expect(r.created).toBe(2);
      expect(r.stopped).toBe(true);
      expect(r.rejected).toEqual([{ row: 3, field: '(file)', message: expect.stringMatching(reason) }]);
      expect(r.rejected[0].message).toMatch(/import stopped at row 3 \(order DBR-3\).*import the file again/);
      expect(r.rejected[0].message).not.toMatch(/Connection terminated|administrator/);
      expect(await count()).toBe(2);
      // Importing again when the database is back takes up the rest.
      expect(await importOrders(d.db, { text: JSON.stringify(list), format: 'json' })).toEqual({ created: 4, existing: 2, rejected: [] });
    });
  });

  it('an exactly repeated CSV line refuses its order, naming the line it repeats; a repeated JSON order imports once', async () => {
    const line = (id: string, sku: string) => `${id},,WEB,,,,,,,,,1 Main St,,,,10002,US,,${sku},1,1`;
    const csv = [CSV_HEADER.join(','), line('REP-1', 'SKU1'), line('REP-1', 'SKU2'), line('REP-1', 'SKU1'), line('REP-2', 'SKU1'), line('REP-2', 'SKU2')].join('\n');
    const r = await importOrders(d.db, { text: csv, format: 'csv' });
    expect(r.created).toBe(1);
    expect(pairs(r)).toEqual([[4, '(row)'], [2, '(order)'], [3, '(order)']]);
    expect(r.rejected[0].message).toMatch(/repeats line 2 exactly/);
    expect(await stored('REP-1')).toBeUndefined();
    expect((await stored('REP-2'))!.items).toHaveLength(2);

    const o = { externalId: 'REP-J', shipTo: { address1: '1 Main St', postalCode: '10002', country: 'US' }, items: [{ productId: 'SKU1', quantity: 1 }] };
    const reordered = { items: o.items, shipTo: { country: 'US', postalCode: '10002', address1: '1 Main St' }, externalId: 'REP-J' };
    const j = await importOrders(d.db, { text: JSON.stringify([o, { ...o, externalId: 'REP-K' }, reordered]), format: 'json' });
    expect(j.created).toBe(2);
    expect(j.rejected).toEqual([{ row: 3, field: '(order)', message: expect.stringMatching(/repeats order 1 of the file exactly/) }]);
    expect((await stored('REP-J'))!.items).toHaveLength(1);
  });

  it('a broken quote deep in a generated file is reported at the exact line where its record starts', async () => {
    // 25,000 records of two physical lines each (a quoted two-line address): lines 2..50,001.
    const good = Array.from({ length: 25_000 }, (_, i) => `DEEP-${i},,WEB,,,,,,,,,"1 Main St\nFloor ${i}",,,,10002,US,,SKU1,1,1`);
    const after = Array.from({ length: 6_000 }, (_, i) => `AFTER-${i},,WEB,,,,,,,,,1 Main St,,,,10002,US,,SKU1,1,1`);
    const big = [CSV_HEADER.join(','), ...good, 'DEEP-X,,WEB,,,,,,,,,"1 Main St,,,,10002,US,,SKU1,1,1', ...after].join('\n');
    const r = await importOrders(d.db, { text: big, format: 'csv' });
    expect(r.rejected).toEqual([{ row: 0, field: '(file)', message: expect.stringMatching(/record starting at line 50002 is broken \(CSV_QUOTE_NOT_CLOSED/) }]);
    expect(r.rejected[0].message).not.toMatch(/line (?!50002)\d+/);
    // A closing quote followed by text, after a blank line and CRLF endings.
    const crlf = [CSV_HEADER.join(','), good[0], '', good[1], 'BAD,,WEB,,,,,,,,,"1 Main"x,,,,10002,US,,SKU1,1,1', good[2]].join('\r\n');
    const r2 = await importOrders(d.db, { text: crlf, format: 'csv' });
    expect(r2.rejected[0].message).toMatch(/record starting at line 7 is broken \(CSV_INVALID_CLOSING_QUOTE/);
    expect(await count()).toBe(0);
  });
});
