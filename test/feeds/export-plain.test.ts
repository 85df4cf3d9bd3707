/**
 * The brokered-items claim plans plain orders of one item in SQL (`claimPlainAllocations`) and the
 * others in TypeScript (`planOrderLines`). Randomized cross-check on generated outbox states (items
 * of every status, split pieces, markers, sent, announced and closed rows, missing and unsafe ids): for every
 * order the SQL path writes, its rows and their CSV lines are exactly what `planOrderLines` and the
 * codec give; the orders it leaves to the planner come back with the same facts `lineFacts` reads;
 * and a whole export run writes, order by order, exactly the planner's rows.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { claimPlainAllocations, lineFacts, type PlainClaim } from '../../src/db/outbox.repo';
import { planOrderLines, type OrderLineFacts, type PlannedRow } from '../../src/domain/netsuite-lines';
import { brokeredItemsFeed, FeedEncodeError } from '../../src/feeds/codec';
import { ENGINES } from '../support/db';
import { feedEnv, q, type FeedEnv } from './helpers';

const NS_FACILITIES = ['NS1', 'NS2', 'NS_NOLOC', 'NS_BAD'];

/** A small deterministic generator (LCG), so a failing seed can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pick = <T>(choices: [T, number][]): T => {
    let r = next() * choices.reduce((n, [, w]) => n + w, 0);
    for (const [v, w] of choices) if ((r -= w) < 0) return v;
    return choices[choices.length - 1][0];
  };
  return { next, pick, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

async function seedCatalog(db: Db) {
  await db.execute(sql`insert into facilities (id, name, type, fulfillment_system, netsuite_location_id, postal_code, country) values
    ('NS1', 'NS one', 'WAREHOUSE', 'NETSUITE', '901', '07001', 'US'),
    ('NS2', 'NS two', 'WAREHOUSE', 'NETSUITE', 'L#2/x@y+z-1.2:3', '07001', 'US'),
    ('NS_NOLOC', 'NS no location', 'WAREHOUSE', 'NETSUITE', null, '07001', 'US'),
    ('NS_BAD', 'NS bad location', 'WAREHOUSE', 'NETSUITE', 'bad loc', '07001', 'US'),
    ('ST', 'Store', 'STORE', 'OMS', '31', '10001', 'US')`);
  await db.execute(sql`insert into products (id, sku, name, netsuite_item_id) values
    ('P_OK', 'P_OK', 'ok', '9001'), ('P_SPECIAL', 'P_SPECIAL', 'special', '_it.em:1#a'), ('P_NULL', 'P_NULL', 'none', null),
    ('P_BAD', 'P_BAD', 'bad', '-bad')`);
}

/** `n` orders of 1–3 items in random outbox states (see the module comment). */
async function seedScenario(db: Db, seed: number, n: number) {
  const r = random(seed);
  const orders: { id: string; nsId: string | null; exported: boolean }[] = [];
  const items: {
    orderId: string; seqId: string; parent: string | null; status: string; facility: string | null; lineId: string | null; quantity: number;
    lineQty: number | null; sync: string | null; product: string; reservation: string | null; sent: boolean; superseded: boolean; extra: boolean;
  }[] = [];
  for (let i = 1; i <= n; i++) {
    const id = `X${seed}-${String(i).padStart(4, '0')}`;
    orders.push({ id, nsId: r.pick<string | null>([[`NS${seed}-${i}`, 70], [null, 10], ['bad id', 5], [`S-1.2:3#4/5@6+7_${i}`, 15]]), exported: r.next() < 0.3 });
    for (let j = 1, k = r.pick([[1, 60], [2, 25], [3, 15]]); j <= k; j++) {
      const piece = j > 1 && r.next() < 0.25;
      const status = r.pick([['ALLOCATED', 60], ['PACKED', 10], ['APPROVED', 10], ['CANCELLED', 10], ['SHIPPED', 10]]);
      const facility = status === 'APPROVED' ? null : r.pick<string | null>([['NS1', 40], ['NS2', 15], ['NS_NOLOC', 10], ['NS_BAD', 5], ['ST', 15], [null, 15]]);
      const lineId = piece ? r.pick<string | null>([[null, 60], [`L${j}`, 40]]) : r.pick<string | null>([[String(j), 80], [null, 15], ['bad id!', 5]]);
      const quantity = r.int(1, 3);
      const reservation = ['ALLOCATED', 'PACKED'].includes(status) && facility !== null
        ? r.pick<string | null>([[facility, 85], [facility === 'NS1' ? 'NS2' : 'NS1', 5], [null, 10]]) : null;
      // A live row for the allocation means NetSuite has it as it is: a re-send supersedes that row first, and a line
      // whose quantity changes gets a new reservation (as the OMS does), so neither goes with a live row.
      const sent = reservation !== null && r.next() < 0.3;
      const superseded = r.next() < 0.15;
      const live = sent && !superseded;
      items.push({
        orderId: id, seqId: `0000${j}`, parent: piece ? '00001' : null, status, facility, lineId, quantity,
        lineQty: r.pick<number | null>([[null, 60], [quantity, 25], [live ? quantity : quantity + 1, 15]]),
        sync: live ? null : r.pick<string | null>([[null, 85], ['RESEND', 10], ['CLOSE', 5]]),
        product: r.pick([['P_OK', 80], ['P_SPECIAL', 10], ['P_NULL', 5], ['P_BAD', 5]]),
        reservation, sent, superseded,
        // An earlier row announcing the piece (no line id yet), or closing the cancelled item.
        extra: (lineId === null && piece && r.next() < 0.3) || (status === 'CANCELLED' && r.next() < 0.3),
      });
    }
  }
  const col = <T,>(rows: T[], f: (x: T) => unknown) => sql.param(rows.map(f));
  await db.transaction(async (tx) => {
    await tx.execute(sql`insert into orders (id, order_date, status, ship_to, netsuite_order_id, feed_file_id)
      select id, now(), 'ALLOCATED', '{"country":"US"}'::jsonb, ns_id, case when exported then 'FF-EXPORTED' end
      from unnest(${col(orders, (o) => o.id)}::text[], ${col(orders, (o) => o.nsId)}::text[], ${col(orders, (o) => o.exported)}::bool[])
        as o(id, ns_id, exported)`);
    await tx.execute(sql`create temporary table gen on commit drop as
      select * from unnest(${col(items, (x) => x.orderId)}::text[], ${col(items, (x) => x.seqId)}::text[], ${col(items, (x) => x.parent)}::text[],
        ${col(items, (x) => x.status)}::text[], ${col(items, (x) => x.facility)}::text[], ${col(items, (x) => x.lineId)}::text[],
        ${col(items, (x) => x.quantity)}::int[], ${col(items, (x) => x.lineQty)}::int[], ${col(items, (x) => x.sync)}::text[],
        ${col(items, (x) => x.product)}::text[], ${col(items, (x) => x.reservation)}::text[], ${col(items, (x) => x.sent)}::bool[],
        ${col(items, (x) => x.superseded)}::bool[], ${col(items, (x) => x.extra)}::bool[])
      as g(order_id, seq_id, parent, status, facility, line_id, quantity, line_qty, sync, product, reservation, sent, superseded, extra)`);
    await tx.execute(sql`insert into order_items (order_id, seq_id, parent_seq_id, product_id, quantity, unit_price, status, facility_id,
        netsuite_line_id, netsuite_line_qty, netsuite_sync)
      select order_id, seq_id, parent, product, quantity, 10, status, facility, line_id, line_qty, sync from gen`);
    await tx.execute(sql`insert into reservations (order_id, order_item_seq_id, product_id, facility_id, quantity, status, run_id)
      select order_id, seq_id, product, reservation, quantity, 'ACTIVE', 'gen' from gen where reservation is not null`);
    await tx.execute(sql`insert into external_fulfillment (reservation_id, order_id, order_item_seq_id, facility_id, quantity, kind, line_id,
        location, closed, feed_file_id, superseded_at)
      select r.id, g.order_id, g.seq_id, g.reservation, g.quantity, 'BROKERED', g.line_id, '901', false, 'FF-OLD',
             case when g.superseded then now() end
      from gen g join reservations r on r.order_id = g.order_id and r.order_item_seq_id = g.seq_id and r.status = 'ACTIVE'
      where g.sent`);
    await tx.execute(sql`insert into external_fulfillment (reservation_id, order_id, order_item_seq_id, facility_id, quantity, kind, line_id,
        location, closed, feed_file_id)
      select null, order_id, seq_id, coalesce(facility, 'NS1'), quantity, 'BROKERED', case when status = 'CANCELLED' then line_id end,
             null, status = 'CANCELLED', 'FF-OLD'
      from gen where extra`);
  });
}

interface OutRow { orderId: string; seqId: string; lineId: string | null; location: string | null; quantity: number; closed: boolean; payload: string }

/** The planner's rows of an order with the codec's lines (rows the codec refuses never reach a file). */
function plannedRows(f: OrderLineFacts): OutRow[] {
  const out: OutRow[] = [];
  for (const r of planOrderLines(f).rows) {
    try {
      out.push({ ...pick(r), payload: brokeredItemsFeed.encodeLine(fileRow(r)) });
    } catch (e) {
      if (!(e instanceof FeedEncodeError)) throw e;
    }
  }
  return out;
}
const pick = (r: PlannedRow) => ({ orderId: r.orderId, seqId: r.seqId, lineId: r.lineId, location: r.location, quantity: r.quantity, closed: r.closed });
const fileRow = (r: PlannedRow) => ({
  internalId: r.internalId, lineId: r.lineId ?? undefined, item: r.item, location: r.location ?? undefined, quantity: r.quantity,
  closed: r.closed ? ('T' as const) : ('F' as const), orderLineId: r.seqId,
});

const outboxOf = (db: Db, fileCondition: ReturnType<typeof sql>) => q<OutRow>(db, sql`
  select order_id as "orderId", order_item_seq_id as "seqId", line_id as "lineId", location, quantity, closed, payload
  from external_fulfillment where ${fileCondition} order by id`);

const byOrder = (rows: OutRow[]) => {
  const m = new Map<string, OutRow[]>();
  for (const r of rows) m.set(r.orderId, [...(m.get(r.orderId) ?? []), r]);
  return m;
};

describe.each(ENGINES)('brokered-items claim: SQL plain path against the planner on %s', (engine) => {
  let env: FeedEnv;
  beforeEach(async () => {
    env = await feedEnv(engine);
    await seedCatalog(env.d.db);
  });
  afterEach(async () => { await env.close(); });

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: the SQL path writes exactly the planner's rows and lines; the orders it leaves keep their facts`, async () => {
      const db = env.d.db;
      await seedScenario(db, seed, 300);
      const orderIds = (await q<{ id: string }>(db, sql`select id from orders order by id`)).map((o) => o.id);
      const facts = new Map((await lineFacts(db, orderIds)).map((f) => [f.orderId, f]));
      const picked = new Set((await q<{ id: string }>(db, sql`select distinct r.order_id as id from reservations r
        where r.status = 'ACTIVE' and r.facility_id = any(${sql.param(NS_FACILITIES)}::text[])
          and not exists (select 1 from external_fulfillment ef where ef.reservation_id = r.id and ef.kind = 'BROKERED' and ef.superseded_at is null)`))
        .map((o) => o.id));
      expect(picked.size).toBeGreaterThan(50);

      // The plain statement alone, rolled back: what it writes and what it leaves.
      let claim: PlainClaim | undefined;
      let written: OutRow[] = [];
      await db.transaction(async (tx) => {
        claim = await claimPlainAllocations(tx, { fileId: 'FF-CHECK', facilityIds: NS_FACILITIES, after: 0, limit: 100_000, roomBytes: 1e9 });
        written = await outboxOf(tx, sql`feed_file_id = 'FF-CHECK'`);
        tx.rollback();
      }).catch((e) => { if (!/rollback/i.test(String(e))) throw e; });
      expect(claim!.inserted).toBe(written.length);
      const sqlRows = byOrder(written);
      const others = new Map(claim!.others.map((o) => [o.facts.orderId, o.facts]));
      expect(sqlRows.size).toBeGreaterThan(10);
      expect(others.size).toBeGreaterThan(10);

      for (const id of orderIds) {
        const f = facts.get(id)!;
        const plan = planOrderLines(f);
        if (sqlRows.has(id)) {
          // Written by SQL: the planner's rows, nothing waiting, nothing else to settle.
          expect(sqlRows.get(id), id).toEqual(plannedRows(f));
          expect({ waiting: plan.waiting, invalid: plan.invalid }, id).toEqual({ waiting: [], invalid: [] });
          expect(plan.rows.every((r) => !r.recordQuantity && !r.clearsMarker), id).toBe(true);
          expect(plan.settled.sort(), id).toEqual(plan.rows.map((r) => r.seqId).sort());
          expect(others.has(id), id).toBe(false);
        } else if (others.has(id)) {
          expect(others.get(id), id).toEqual(f);
        } else if (picked.has(id)) {
          // Found and plain with nothing to say: the planner says nothing either.
          expect(plan, id).toEqual({ rows: [], waiting: [], invalid: [], settled: [] });
        } else {
          expect(plan.rows.filter((r) => r.reservationId !== null), id).toEqual([]);
        }
      }
    });
  }

  it('a whole export run writes, order by order, exactly the planner\'s rows for the orders it claims', async () => {
    const db = env.d.db;
    await seedScenario(db, 7, 300);
    const marked = await q<{ id: string }>(db, sql`select distinct oi.order_id as id from order_items oi join orders o on o.id = oi.order_id
      where oi.netsuite_sync is not null and o.netsuite_order_id is not null`);
    const picked = await q<{ id: string }>(db, sql`select distinct r.order_id as id from reservations r
      where r.status = 'ACTIVE' and r.facility_id = any(${sql.param(NS_FACILITIES)}::text[])
        and not exists (select 1 from external_fulfillment ef where ef.reservation_id = r.id and ef.kind = 'BROKERED' and ef.superseded_at is null)`);
    const claimed = [...new Set([...marked, ...picked].map((o) => o.id))].sort();
    const expected = new Map((await lineFacts(db, claimed)).map((f) => [f.orderId, plannedRows(f)]));
    for (const [k, v] of expected) if (!v.length) expected.delete(k);

    const run = await env.run('GEN_BRKR_ORD_FD_NS', { maxRowsPerFile: 40 });
    expect(run.counts.filesCreated).toBeGreaterThan(2);
    const got = byOrder(await outboxOf(db, sql`feed_file_id <> 'FF-OLD'`));
    expect(new Map([...got].sort(([a], [b]) => a.localeCompare(b)))).toEqual(new Map([...expected].sort(([a], [b]) => a.localeCompare(b))));
    // An order's rows are in one file.
    const split = await q(db, sql`select order_id from external_fulfillment where feed_file_id <> 'FF-OLD' group by order_id having count(distinct feed_file_id) > 1`);
    expect(split).toEqual([]);
  });
});
