/**
 * The console's and the store app's lists stay index reads at 100,000 orders: PostgreSQL's plan of
 * each list statement, as the repository sends it, reads orders, items and customers through their
 * indexes (no sequential scan of those tables), and a store's Completed-today tab reads what it
 * shipped today through `items_shipped_idx`, not every item it ever shipped. Plans, not timings:
 * what they show does not change with the machine's load.
 *
 * PostgreSQL only (the production engine; PGlite runs the same planner but 100,000 orders there
 * take a minute to seed). The statements are captured by a stand-in client whose `query` asks
 * PostgreSQL for the plan (`explain`) instead of the rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createHash } from 'node:crypto';
import { drizzle } from 'drizzle-orm/node-postgres';
import * as schema from '../../src/db/schema';
import type { Db } from '../../src/db/client';
import { orderRows } from '../../src/db/orders.repo';
import { storeOrderCounts, storeOrderRows } from '../../src/db/store-orders.repo';
import { createTestDatabase, ENGINES } from '../support/db';
import { seedCatalog } from '../support/fixtures';

const ORDERS = 100_000;
/** Customer g's names and e-mail, the same in SQL (the seed) and here (the searches): md5 of text is md5 of its UTF-8 bytes in both. */
const md5 = (x: string) => createHash('md5').update(x).digest('hex');
const first = (g: number) => `F${md5(`f${g}`).slice(0, 5)}`;
const last = (g: number) => `L${md5(`l${g}`).slice(0, 7)}`;
const email = (g: number) => `${md5(String(g)).slice(0, 8)}.${g}@example.com`;
const FIRST_SQL = `'F' || substr(md5('f' || g), 1, 5)`;
const LAST_SQL = `'L' || substr(md5('l' || g), 1, 7)`;
const EMAIL_SQL = `substr(md5(g::text), 1, 8) || '.' || g || '@example.com'`;
const run = ENGINES.includes('postgres');
if (!run) describe.skip('query plans: PostgreSQL is not in OMS_TEST_ENGINES', () => { it('needs postgres', () => {}); });

describe.runIf(run)('list statements at 100,000 orders on postgres', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  const planOf = (fn: (db: Db) => Promise<unknown>) => planWith(client, fn);
  const seqScans = (plan: string) => [...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1])
    .filter((t) => ['orders', 'order_items', 'customers'].includes(t));

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await seedCatalog(database.db, {
      facilities: [
        { id: 'STORE_A', name: 'Store A', type: 'STORE', postalCode: '10001', ranking: 1 },
        { id: 'STORE_B', name: 'Store B', type: 'STORE', postalCode: '02108', ranking: 2 },
      ],
      products: [{ id: 'P1', sku: 'SKU-1', name: 'One' }],
    });
    // 100,000 orders over a year, a customer each (names and e-mails that differ from their first
    // letters on, as real ones do), two items each, from store A or B: shipped long ago but 50 still
    // allocated at A and 50 shipped from A today (a store's day). Statistics from every row (a
    // statistics target whose sample covers the tables): the same plans on every run, not the
    // plans of whatever rows ANALYZE happened to sample.
    await database.db.execute(`
      set default_statistics_target = 1000;
      insert into customers (id, external_id, first_name, last_name, email)
      select 'C' || g, 'EXT-C' || g, ${FIRST_SQL}, ${LAST_SQL}, ${EMAIL_SQL} from generate_series(1, ${ORDERS}) g;
      insert into orders (id, external_id, order_date, status, customer_id, ship_to)
      select 'O' || lpad(g::text, 6, '0'), 'EXT-' || g, now() - (g % 365) * interval '1 day' - (g % 1440) * interval '1 minute',
             case when g % 2000 = 0 then 'ALLOCATED' else 'COMPLETED' end, 'C' || g, '{"country":"US","city":"New York"}'::jsonb
      from generate_series(1, ${ORDERS}) g;
      insert into order_items (order_id, seq_id, product_id, quantity, status, facility_id, shipped_at)
      select 'O' || lpad(g::text, 6, '0'), lpad(s::text, 5, '0'), 'P1', 1,
             case when g % 2000 = 0 then 'ALLOCATED' else 'SHIPPED' end,
             case when g % 2 = 0 then 'STORE_A' else 'STORE_B' end,
             case when g % 2000 = 0 then null when g % 2000 = 2 then now() else now() - (1 + g % 365) * interval '1 day' end
      from generate_series(1, ${ORDERS}) g, generate_series(1, 2) s;
      analyze customers; analyze orders; analyze order_items;
      reset default_statistics_target;`);

    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  }, 300_000);
  afterAll(async () => {
    await client?.end();
    await database?.close();
  });

  it.each([
    ['the first page, newest first', {}],
    ['a later page', { offset: 200 }],
    ['by status', { status: 'ALLOCATED' }],
    ['by dates', { from: new Date(Date.now() - 7 * 86_400_000), to: new Date() }],
    ['by order id', { q: 'O012345' }],
    ['by external id', { q: 'EXT-777' }],
    ['by the start of an e-mail', { q: email(4242).slice(0, 9).toUpperCase() }],
    ['by the start of a full name', { q: `${first(99)} ${last(99).slice(0, 3)}`.toLowerCase() }],
    ['by the start of a last name', { q: last(12345).slice(0, 6) }],
    ['by facility', { facilityId: 'STORE_A' }],
  ] as const)('orders list %s: no sequential scan', async (_what, filter) => {
    const plan = await planOf((db) => orderRows(db, { limit: 50, offset: 0, ...filter }));
    expect(seqScans(plan), plan).toEqual([]);
  });

  it('the searches planned above find their customer (the names and e-mails of the seed)', async () => {
    const ids = async (q: string) => (await orderRows(database.db, { q, limit: 10, offset: 0 })).map((o) => o.id);
    expect(await ids(email(4242).slice(0, 9).toUpperCase())).toContain('O004242');
    expect(await ids(`${first(99)} ${last(99).slice(0, 3)}`.toLowerCase())).toContain('O000099');
    expect(await ids(last(12345).slice(0, 6))).toContain('O012345');
  });

  it("a store's lists and counts read its items by index; Completed today through items_shipped_idx", async () => {
    const since = new Date(new Date().setHours(0, 0, 0, 0));
    for (const tab of ['open', 'in-progress', 'completed-today'] as const) {
      const plan = await planOf((db) => storeOrderRows(db, { facilityId: 'STORE_A', since, tab }, { limit: 100, offset: 0 }));
      expect(seqScans(plan), plan).toEqual([]);
      expect(plan).toContain('items_shipped_idx');
    }
    const counts = await planOf((db) => storeOrderCounts(db, { facilityId: 'STORE_A', since }));
    expect(seqScans(counts), counts).toEqual([]);
    expect(counts).toContain('items_shipped_idx');
  });

  it('the index is what the plan needs: without it the tab reads every item the store ever shipped', async () => {
    const since = new Date(new Date().setHours(0, 0, 0, 0));
    // In a transaction that is rolled back: the index dropped, the same statement planned again.
    await client.query('begin');
    try {
      await client.query('drop index items_shipped_idx');
      const plan = await planOf((db) => storeOrderRows(db, { facilityId: 'STORE_A', since, tab: 'completed-today' }, { limit: 100, offset: 0 }));
      expect(plan).not.toContain('items_shipped_idx');
      expect(plan).toMatch(/items_facility_status_idx|Seq Scan on order_items/);
    } finally {
      await client.query('rollback');
    }
  });
});

/**
 * The plans of the statements `fn` sends, explained on `client` (in whatever transaction it is in):
 * `fn` gets a database whose client answers each statement with no rows after asking for its plan.
 */
async function planWith(client: pg.Client, fn: (db: Db) => Promise<unknown>): Promise<string> {
  const out: string[] = [];
  const fake = {
    query: async (config: { text: string; values?: unknown[] }, values?: unknown[]) => {
      const r = await client.query({ text: `explain ${config.text}`, values: values ?? config.values });
      out.push(r.rows.map((row) => row['QUERY PLAN']).join('\n'));
      return { rows: [], fields: [], rowCount: 0, command: 'SELECT' };
    },
  };
  await fn(drizzle(fake as never, { schema }) as unknown as Db);
  expect(out.length).toBeGreaterThan(0);
  return out.join('\n----\n');
}
