/**
 * The brokering bench's database: facilities at real US ZIPs, products with uneven stock at ~12
 * facilities each, and approved orders (1-5 lines, Zipf-ish product popularity) in the queue.
 * Split allowed and closest location in the default profile. Deterministic (seeded).
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client';
import { allUsZips, lookupUsZip } from '../../src/geo/zip';
import { mulberry32 } from '../../src/domain/prng';

const rng = mulberry32;

/** Seeds the queue and its catalog; returns the number of queued items. */
export async function seed(d: Database, o: { facilities: number; products: number; orders: number }) {
  const r = rng(42);
  const zips = allUsZips();
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const fac = Array.from({ length: o.facilities }, (_, i) => {
    const zip = pick(zips); const p = lookupUsZip(zip)!;
    return { id: `F${String(i).padStart(4, '0')}`, type: i % 15 === 0 ? 'WAREHOUSE' : 'STORE', fs: i % 15 === 0 ? 'NETSUITE' : 'OMS', zip, lat: p.latitude, lon: p.longitude, rank: 1 + Math.floor(r() * 50) };
  });
  const P = sql.param;
  await d.db.execute(sql`insert into facilities (id, name, type, fulfillment_system, postal_code, country, market, latitude, longitude, ranking)
    select id, id, t, fs, z, 'US', 'US', la, lo, rk from unnest(${P(fac.map((f) => f.id))}::text[], ${P(fac.map((f) => f.type))}::text[], ${P(fac.map((f) => f.fs))}::text[], ${P(fac.map((f) => f.zip))}::text[], ${P(fac.map((f) => f.lat))}::float8[], ${P(fac.map((f) => f.lon))}::float8[], ${P(fac.map((f) => f.rank))}::int[]) as v(id, t, fs, z, la, lo, rk)`);
  await d.query(`insert into products (id, sku, name, hazmat) select 'P' || g, 'P' || g, 'Product ' || g, g % 50 = 0 from generate_series(1, ${o.products}) g`);
  // Each product at ~12 facilities, uneven quantities (many small, some deep).
  await d.query(`select setseed(0.42)`);
  await d.query(`
    insert into inventory_levels (product_id, facility_id, on_hand)
    select distinct on (p, f) p, f, q from (
      select 'P' || g as p, 'F' || lpad(floor(random() * ${o.facilities})::int::text, 4, '0') as f,
             case when random() < 0.25 then floor(random() * 80)::int else floor(random() * 8)::int end as q
      from generate_series(1, ${o.products}) g, generate_series(1, 12) k) x
    on conflict do nothing`);
  await d.query(`insert into inventory_ledger (product_id, facility_id, kind, on_hand_delta, reason) select product_id, facility_id, 'SET_ON_HAND', on_hand, 'bench' from inventory_levels where on_hand > 0`);
  // Orders: 1–5 lines, Zipf-ish product popularity, real ship-to ZIPs; approved (in the queue).
  let items = 0;
  for (let start = 0; start < o.orders; start += 5000) {
    const n = Math.min(5000, o.orders - start);
    const ids: string[] = [], pri: number[] = [], dates: string[] = [], ship: string[] = [];
    const iOrder: string[] = [], iSeq: string[] = [], iProd: string[] = [], iQty: number[] = [];
    for (let k = 0; k < n; k++) {
      const id = `O${String(start + k).padStart(7, '0')}`;
      const zip = pick(zips); const p = lookupUsZip(zip)!;
      ids.push(id); pri.push(r() < 0.1 ? 1 : 0); dates.push(new Date(Date.UTC(2026, 10, 1) + (start + k) * 1000).toISOString());
      ship.push(JSON.stringify({ address1: 'x', country: 'US', postalCode: zip, latitude: p.latitude, longitude: p.longitude }));
      const lines = 1 + Math.floor(r() * 5);
      for (let l = 1; l <= lines; l++) {
        iOrder.push(id); iSeq.push(String(l).padStart(5, '0'));
        iProd.push(`P${1 + Math.floor(Math.pow(r(), 2) * o.products)}`); iQty.push(r() < 0.8 ? 1 : 2);
      }
    }
    items += iOrder.length;
    await d.db.execute(sql`insert into orders (id, external_id, priority, order_date, status, ship_to)
      select id, id, pr, dt, 'APPROVED', st from unnest(${P(ids)}::text[], ${P(pri)}::int[], ${P(dates)}::timestamptz[], ${P(ship)}::jsonb[]) as v(id, pr, dt, st)`);
    await d.db.execute(sql`insert into order_items (order_id, seq_id, product_id, quantity, status, facility_id)
      select o, s, p, q, 'APPROVED', '_NA_' from unnest(${P(iOrder)}::text[], ${P(iSeq)}::text[], ${P(iProd)}::text[], ${P(iQty)}::int[]) as v(o, s, p, q)`);
  }
  await d.query(`update routing_profiles set settings = '{"allowSplitFulfillment": true, "shipFromClosestLocation": true}' where id = 'default'`);
  await d.query('analyze');
  return items;
}
