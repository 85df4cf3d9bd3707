/**
 * What-if: replays the current brokering queue (or the orders of a date range) against other
 * settings without changing anything, next to the current profiles, and compares the outcomes.
 * Both sides start from the same current available stock.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { readLevels } from '../../db/inventory.repo';
import { BROKERING_QUEUE } from '../../db/reference-data';
import { routeOrders, sortBrokeringQueue } from '../../domain/routing';
import type { Order, OrderResult, RoutingSettings } from '../../domain/routing/types';
import { profileSegments, profilesByChannel } from '../routing-profiles';
import { loadExclusions, loadFacilities, loadProducts } from './load';

export interface WhatIfStats {
  orders: number; allocated: number; partiallyAllocated: number; queued: number; exception: number;
  shipmentsPerOrder: number; averageDistanceKm: number | null;
}

export function summarize(results: OrderResult[]): WhatIfStats {
  const by = (s: string) => results.filter((r) => r.status === s).length;
  const withShipments = results.filter((r) => r.shipments.length > 0);
  const dists = results.flatMap((r) => r.shipments.map((s) => s.distanceKm)).filter((x): x is number => x !== null);
  return {
    orders: results.length, allocated: by('ALLOCATED'), partiallyAllocated: by('PARTIALLY_ALLOCATED'), queued: by('QUEUED'), exception: by('EXCEPTION'),
    shipmentsPerOrder: withShipments.length ? round(withShipments.reduce((n, r) => n + r.shipments.length, 0) / withShipments.length) : 0,
    averageDistanceKm: dists.length ? round(dists.reduce((a, b) => a + b, 0) / dists.length) : null,
  };
}
const round = (x: number) => Math.round(x * 1000) / 1000;

export async function whatIf(db: Db, proposed: Partial<RoutingSettings>, range?: { from?: Date; to?: Date }) {
  const where = range
    ? sql`i.status <> 'CANCELLED' and o.order_date >= ${(range.from ?? new Date(0)).toISOString()}::timestamptz and o.order_date <= ${(range.to ?? new Date()).toISOString()}::timestamptz`
    : sql`i.status = 'APPROVED' and i.facility_id = ${BROKERING_QUEUE}`;
  const r = await db.execute(sql`
    select o.id, o.priority, o.order_date as "orderDate", o.sales_channel as "salesChannel", o.accounting_code as "accountingCode", o.ship_to as "shipTo",
           i.seq_id as "seqId", i.product_id as "productId", i.quantity
    from orders o join order_items i on i.order_id = o.id where ${where} order by o.id, i.seq_id`);
  const lines = (r as unknown as { rows: any[] }).rows;
  const ids = [...new Set(lines.map((l) => l.id as string))];
  const exclusions = ids.length ? await loadExclusions(db, ids) : new Map();
  const orders = new Map<string, Order & { salesChannel: string }>();
  for (const l of lines) {
    const o = orders.get(l.id) ?? { id: l.id, priority: l.priority, orderDate: new Date(l.orderDate).toISOString(), accountingCode: l.accountingCode, salesChannel: l.salesChannel, shipTo: l.shipTo, items: [] };
    (o.items as any[]).push({ seq: l.seqId, productId: l.productId, quantity: l.quantity, rejectedFacilityIds: exclusions.get(`${l.id}/${l.seqId}`) ?? [] });
    orders.set(l.id, o);
  }
  const sorted = sortBrokeringQueue([...orders.values()]) as (Order & { salesChannel: string })[];
  const productIds = [...new Set(lines.map((l) => l.productId as string))];
  const [facilities, products, levels, profiles] = await Promise.all([
    loadFacilities(db), productIds.length ? loadProducts(db, productIds) : [], productIds.length ? readLevels(db, { productIds }) : [], profilesByChannel(db),
  ]);
  const inventory = levels.map((l) => ({ productId: l.productId, facilityId: l.facilityId, available: l.available }));

  // Current: each order with its channel's profile, stock carried from one segment to the next.
  const current: OrderResult[] = [];
  let stock = inventory;
  for (const { profile, items } of profileSegments(sorted, (o) => o.salesChannel, profiles)) {
    const out = routeOrders({ settings: profile.settings, facilities, products, inventory: stock, orders: items });
    current.push(...out.orders);
    stock = out.inventory;
  }
  const proposedOut = routeOrders({ settings: proposed, facilities, products, inventory, orders: sorted });
  return { current: summarize(current), proposed: summarize(proposedOut.orders), warnings: proposedOut.warnings };
}
