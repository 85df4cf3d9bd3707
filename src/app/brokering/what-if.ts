/**
 * What-if: replays the current brokering queue (or the orders of a date range) against other
 * settings without changing anything, next to the current profiles, and compares the outcomes.
 * Both sides start from the same current available stock.
 */
import type { Db } from '../../db/client';
import { loadExclusions, loadFacilities, loadProducts, replayLines } from '../../db/brokering.repo';
import { readLevels } from '../../db/inventory.repo';
import { routeOrders, sortBrokeringQueue } from '../../domain/routing';
import type { Order, OrderItem, OrderResult, RoutingSettings } from '../../domain/routing/types';
import { profileSegments, profilesByChannel } from '../routing-profiles';

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

/** The replayed orders (with their sales channel), each with its lines and their exclusions. */
async function replayOrders(db: Db, range?: { from?: Date; to?: Date }) {
  const lines = await replayLines(db, range);
  const ids = [...new Set(lines.map((l) => l.id))];
  const exclusions = ids.length ? await loadExclusions(db, ids) : new Map<string, string[]>();
  const orders = new Map<string, Order & { salesChannel: string }>();
  for (const l of lines) {
    const o = orders.get(l.id) ?? {
      id: l.id, priority: l.priority, orderDate: new Date(l.orderDate).toISOString(), accountingCode: l.accountingCode,
      salesChannel: l.salesChannel, shipTo: l.shipTo, items: [],
    };
    const rejectedFacilityIds = exclusions.get(`${l.id}/${l.seqId}`) ?? [];
    (o.items as OrderItem[]).push({ seq: l.seqId, productId: l.productId, quantity: l.quantity, rejectedFacilityIds });
    orders.set(l.id, o);
  }
  return { orders: [...orders.values()], productIds: [...new Set(lines.map((l) => l.productId))] };
}

/** Replays the queue (or the orders dated in `range`) with the current profiles and with `proposed`; changes nothing. */
export async function whatIf(db: Db, proposed: Partial<RoutingSettings>, range?: { from?: Date; to?: Date }) {
  const replay = await replayOrders(db, range);
  const sorted = sortBrokeringQueue(replay.orders) as (Order & { salesChannel: string })[];
  const productIds = replay.productIds;
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
