/**
 * What-if: replays the current brokering queue (or the orders of a date range) against other
 * settings without changing anything, next to the current profiles, and compares the outcomes:
 * the totals of each side and, order by order, what would change (allocations, splits,
 * exceptions, distance). Both sides start from the same current available stock.
 *
 * Bounded: at most `maxOrders` orders are replayed (the head of the queue, in queue order; the
 * answer says how many there are in all) and at most `maxChanges` changed orders are listed.
 */
import type { Db } from '../../db/client';
import { loadExclusions, loadFacilities, loadProducts } from '../../db/brokering.repo';
import { countReplayOrders, replayHeadLines, type ReplayRange } from '../../db/what-if.repo';
import { readLevels } from '../../db/inventory.repo';
import { routeOrders, sortBrokeringQueue } from '../../domain/routing';
import type { Facility, Order, OrderItem, OrderResult, Product, RoutingSettings, StockRow } from '../../domain/routing/types';
import { withDefaults } from '../../domain/routing/settings';
import { profileSegments, profilesByChannel, type ProfileView } from '../routing-profiles';

export interface WhatIfStats {
  orders: number; allocated: number; partiallyAllocated: number; queued: number; exception: number;
  shipmentsPerOrder: number; averageDistanceKm: number | null;
  /** Shipments in all, orders shipped from more than one facility, and the distance of every shipment added up. */
  shipments: number; splitOrders: number; totalDistanceKm: number;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const facilitiesOf = (r: OrderResult) => new Set(r.shipments.map((s) => s.facilityId));
const distanceOf = (r: OrderResult) => round(r.shipments.reduce((n, s) => n + (s.distanceKm ?? 0), 0));

export function summarize(results: OrderResult[]): WhatIfStats {
  const by = (s: string) => results.filter((r) => r.status === s).length;
  const withShipments = results.filter((r) => r.shipments.length > 0);
  const dists = results.flatMap((r) => r.shipments.map((s) => s.distanceKm)).filter((x): x is number => x !== null);
  const shipments = results.reduce((n, r) => n + r.shipments.length, 0);
  return {
    orders: results.length, allocated: by('ALLOCATED'), partiallyAllocated: by('PARTIALLY_ALLOCATED'), queued: by('QUEUED'), exception: by('EXCEPTION'),
    shipmentsPerOrder: withShipments.length ? round(shipments / withShipments.length) : 0,
    averageDistanceKm: dists.length ? round(dists.reduce((a, b) => a + b, 0) / dists.length) : null,
    shipments, splitOrders: results.filter((r) => facilitiesOf(r).size > 1).length, totalDistanceKm: round(dists.reduce((a, b) => a + b, 0)),
  };
}

/** One side of an order's change: where its lines would go. */
export interface OrderOutcome {
  status: OrderResult['status'];
  exceptionReason: string | null;
  shipments: { facilityId: string; backordered: boolean; distanceKm: number | null; items: { seq: string; quantity: number }[] }[];
  distanceKm: number;
}

/** What changes for one order: `allocation` (other facilities or quantities), `split` (other number of facilities), `exception`, `status`. */
export interface OrderChange { orderId: string; changed: ('allocation' | 'split' | 'exception' | 'status')[]; before: OrderOutcome; after: OrderOutcome }

function outcome(r: OrderResult): OrderOutcome {
  return {
    status: r.status, exceptionReason: r.exception?.reason ?? null, distanceKm: distanceOf(r),
    shipments: r.shipments.map((s) => ({
      facilityId: s.facilityId, backordered: s.backordered, distanceKm: s.distanceKm, items: s.items.map((i) => ({ seq: i.seq, quantity: i.quantity })),
    })),
  };
}

/** Where each line goes, as one comparable string (seq@facility×quantity, sorted). */
const placement = (r: OrderResult) => r.shipments.flatMap((s) => s.items.map((i) => `${i.seq}@${s.facilityId}×${i.quantity}`)).sort().join(',');

/** The orders whose outcome differs, in replay order. */
export function compareResults(current: readonly OrderResult[], proposed: readonly OrderResult[]): OrderChange[] {
  const after = new Map(proposed.map((r) => [r.id, r]));
  const changes: OrderChange[] = [];
  for (const b of current) {
    const a = after.get(b.id);
    if (!a) continue;
    const changed: OrderChange['changed'] = [];
    if (placement(a) !== placement(b)) changed.push('allocation');
    if (facilitiesOf(a).size !== facilitiesOf(b).size) changed.push('split');
    if ((a.exception?.reason ?? null) !== (b.exception?.reason ?? null)) changed.push('exception');
    if (a.status !== b.status) changed.push('status');
    if (changed.length) changes.push({ orderId: b.id, changed, before: outcome(b), after: outcome(a) });
  }
  return changes;
}

type ReplayOrder = Order & { salesChannel: string };

/** The replayed orders (with their sales channel), each with its lines and their exclusions. */
async function replayOrders(db: Db, maxOrders: number | null, range?: ReplayRange) {
  const lines = await replayHeadLines(db, maxOrders, range);
  const ids = [...new Set(lines.map((l) => l.id))];
  const exclusions = ids.length ? await loadExclusions(db, ids) : new Map<string, string[]>();
  const orders = new Map<string, ReplayOrder>();
  for (const l of lines) {
    const o = orders.get(l.id) ?? {
      id: l.id, priority: l.priority, orderDate: new Date(l.orderDate).toISOString(), accountingCode: l.accountingCode,
      salesChannel: l.salesChannel, shipTo: l.shipTo, items: [],
    };
    const rejectedFacilityIds = exclusions.get(`${l.id}/${l.seqId}`) ?? [];
    (o.items as OrderItem[]).push({ seq: l.seqId, productId: l.productId, quantity: l.quantity, rejectedFacilityIds });
    orders.set(l.id, o);
  }
  return { orders: sortBrokeringQueue([...orders.values()]), productIds: [...new Set(lines.map((l) => l.productId))] };
}

type Profiles = { byChannel: Map<string, ProfileView>; fallback: ProfileView };
interface Facts { facilities: Facility[]; products: Product[]; inventory: StockRow[] }

/** Routes the orders, each with its channel's profile, stock carried from one segment to the next. */
function routeWithProfiles(orders: ReplayOrder[], profiles: Profiles, facts: Facts): { results: OrderResult[]; warnings: string[] } {
  const results: OrderResult[] = [];
  const warnings = new Set<string>();
  let stock = facts.inventory;
  for (const { profile, items } of profileSegments(orders, (o) => o.salesChannel, profiles)) {
    const out = routeOrders({ settings: profile.settings, facilities: facts.facilities, products: facts.products, inventory: stock, orders: items });
    results.push(...out.orders);
    out.warnings.forEach((w) => warnings.add(w));
    stock = out.inventory;
  }
  return { results, warnings: [...warnings] };
}

/** The profiles with profile `id`'s settings replaced by `settings`. */
function withSettings(profiles: Profiles, id: string, settings: RoutingSettings): Profiles {
  const swap = (p: ProfileView) => (p.id === id ? { ...p, settings } : p);
  return { byChannel: new Map([...profiles.byChannel].map(([c, p]) => [c, swap(p)])), fallback: swap(profiles.fallback) };
}

export interface WhatIfLimits {
  /** Only the orders of this profile take `proposed` (the others keep their profile); without it, every order does. */
  profileId?: string;
  /** Replay at most this many orders (the head of the queue); null or left out: all. */
  maxOrders?: number | null;
  /** List at most this many changed orders (default 200). */
  maxChanges?: number;
}

/** Replays the queue (or the orders dated in `range`) with the current profiles and with `proposed`; changes nothing. */
export async function whatIf(db: Db, partial: Partial<RoutingSettings>, range?: ReplayRange, limits: WhatIfLimits = {}) {
  const proposed = withDefaults(partial);
  const maxOrders = limits.maxOrders ?? null;
  const [replay, inAll] = await Promise.all([replayOrders(db, maxOrders, range), countReplayOrders(db, range)]);
  const productIds = replay.productIds;
  const [facilities, products, levels, profiles] = await Promise.all([
    loadFacilities(db), productIds.length ? loadProducts(db, productIds) : [], productIds.length ? readLevels(db, { productIds }) : [], profilesByChannel(db),
  ]);
  const facts: Facts = { facilities, products, inventory: levels.map((l) => ({ productId: l.productId, facilityId: l.facilityId, available: l.available })) };
  const current = routeWithProfiles(replay.orders, profiles, facts);
  const after = limits.profileId
    ? routeWithProfiles(replay.orders, withSettings(profiles, limits.profileId, proposed), facts)
    : (() => { const out = routeOrders({ settings: proposed, ...facts, orders: replay.orders }); return { results: out.orders, warnings: out.warnings }; })();
  const changes = compareResults(current.results, after.results);
  const maxChanges = limits.maxChanges ?? 200;
  return {
    replayed: { orders: replay.orders.length, inAll, maxOrders, capped: replay.orders.length < inAll },
    current: summarize(current.results),
    proposed: summarize(after.results),
    changedOrders: changes.length,
    changes: changes.slice(0, maxChanges),
    changesCapped: changes.length > maxChanges,
    warnings: after.warnings,
  };
}
