/**
 * One input boundary: hundreds of malformed requests (fields × bad values: NUL, lone surrogates,
 * overlong and incompressible text, integers past int4, amounts past numeric(14,2), unreal dates,
 * too many lines, reserved facilities, unique SKUs) and malformed order-import files and rows.
 * None may be answered 5xx, every 4xx names its field, and no table changes (row counts and a
 * checksum of every table before and after).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { buildServer, type App } from '../../src/http/server';
import { importOrders } from '../../src/app/import-orders';
import { rowsOf as rows } from '../../src/db/rows';
import { createTestDatabase, ENGINES } from '../support/db';
import { authorizeAsAdmin } from '../support/auth';
import { seedCatalog, STORE_NYC, WH_NJ } from '../support/fixtures';
import { BAD_FILES, badCsvFile, badJsonOrders, badRequests, orderBase } from './bad-input.fixtures';

type Database = Awaited<ReturnType<typeof createTestDatabase>>;

/**
 * Row count and an md5 of the sorted rows of every table of the public schema, but `api_tokens`:
 * its `last_used_at` is the authentication's bookkeeping of the test's own token (moved once a minute).
 */
async function snapshot(d: Database): Promise<Record<string, string>> {
  const tables = rows<{ t: string }>(await d.db.execute(sql`select table_name as t from information_schema.tables where table_schema = 'public' order by 1`));
  const out: Record<string, string> = {};
  for (const { t } of tables.filter((x) => x.t !== 'api_tokens')) {
    const [row] = rows<{ n: number; h: string }>(await d.db.execute(sql.raw(
      `select count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from "${t}" x`,
    )));
    out[t] = `${row.n}:${row.h}`;
  }
  return out;
}

/** Whether an error body names `field` (in its field errors, else in its message). */
function namesField(body: { message?: unknown; errors?: { field: string }[] }, field: string): boolean {
  const hit = (f: string) => f === field || f.startsWith(`${field}.`) || f.startsWith(`${field}[`);
  return (body.errors ?? []).some((e) => hit(e.field)) || String(body.message ?? '').includes(field);
}

describe.each(ENGINES)('the input boundary on %s', (engine) => {
  let d: Database;
  let app: App;
  const send = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, contentType?: string) => {
    const body = contentType ? { payload: payload as string | Buffer, headers: { 'content-type': contentType } }
      : payload === undefined ? {} : { payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } };
    const r = await app.inject({ method, url, ...body });
    return { status: r.statusCode, body: r.json() };
  };

  beforeAll(async () => {
    d = await createTestDatabase(engine);
    await seedCatalog(d.db, {
      facilities: [STORE_NYC, WH_NJ, { id: 'WH_OFF', name: 'Closed Warehouse', type: 'WAREHOUSE', active: false, postalCode: '07001' }],
      products: ['P1', 'P2', 'P3', 'P4'].map((id) => ({ id, sku: `${id}-SKU` })),
      stock: [['P1', 'STORE_NYC', 20]],
    });
    app = await authorizeAsAdmin(await buildServer({ database: d, config: loadConfig({ LOG_LEVEL: 'silent', OMS_JOBS: 'false' }), log: createLogger('silent') }), d.db);
  });
  afterAll(async () => {
    await app?.close();
    await d?.close();
  });

  it('answers every malformed request 4xx naming the field, and changes no table', async () => {
    const corpus = badRequests();
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    const before = await snapshot(d);
    const wrong: string[] = [];
    for (const c of corpus) {
      const r = await send(c.method, c.url, c.payload, c.contentType);
      if (r.status < 400 || r.status >= 500) wrong.push(`${c.name}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      else if (!namesField(r.body, c.field)) wrong.push(`${c.name}: ${r.status} does not name ${c.field}: ${JSON.stringify(r.body).slice(0, 200)}`);
      else if (JSON.stringify(r.body).length > 5000) wrong.push(`${c.name}: an error body of ${JSON.stringify(r.body).length} characters`);
    }
    expect(wrong).toEqual([]);
    expect(await snapshot(d)).toEqual(before);
  });

  it('rejects every malformed import file and row, names the field, and changes no table', async () => {
    const before = await snapshot(d);
    const csv = badCsvFile();
    const fromCsv = await importOrders(d.db, { text: csv.text, format: 'csv' });
    expect(fromCsv).toMatchObject({ created: 0, existing: 0 });
    const csvFields = new Set(fromCsv.rejected.filter((e) => e.field !== '(order)').map((e) => e.field));
    for (const o of csv.orders) expect(csvFields, `CSV column ${o.column}`).toContain(o.column);

    const json = badJsonOrders();
    const fromJson = await importOrders(d.db, { text: JSON.stringify(json.orders), format: 'json' });
    expect(fromJson).toMatchObject({ created: 0, existing: 0 });
    json.fields.forEach((field, i) => {
      const row = fromJson.rejected.filter((e) => e.row === i + 1);
      expect(row.some((e) => namesField({ errors: [e] }, field)), `JSON order ${i + 1} names ${field}: ${JSON.stringify(row)}`).toBe(true);
    });

    for (const f of BAD_FILES) {
      const r = await importOrders(d.db, { text: f.text, format: f.format });
      expect(r, f.name).toMatchObject({ created: 0, existing: 0, rejected: [{ row: 0, field: '(file)' }] });
    }
    expect(csv.orders.length + json.fields.length + BAD_FILES.length).toBeGreaterThanOrEqual(40);
    expect(await snapshot(d)).toEqual(before);
  });

  it('stores a valid order as dated; ten parallel rejects of one item: one wins, nine are 409', async () => {
    const created = await send('POST', '/orders', { ...orderBase(), externalId: 'BAD-INPUT-OK', facilityId: undefined });
    expect(created.status).toBe(201);
    expect(new Date(created.body.orderDate).toISOString()).toBe('2026-11-20T10:00:00.000Z');
    expect((await send('POST', `/orders/${created.body.id}/approve`)).status).toBe(200);
    expect((await send('POST', '/brokering/runs')).body).toMatchObject({ status: 'COMPLETED', allocated: 1 });
    const order = (await send('GET', `/orders/${created.body.id}`)).body;
    expect(order.items[0].facilityId).toBe('STORE_NYC');
    const url = `/facilities/STORE_NYC/items/${order.id}/${order.items[0].seqId}/reject`;
    const all = await Promise.all(Array.from({ length: 10 }, () => send('POST', url, { reasonId: 'NO_VARIANCE_LOG' })));
    expect(all.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
  });
});
