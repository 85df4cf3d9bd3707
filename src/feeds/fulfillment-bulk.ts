/**
 * The set-based path of the fulfilment import (IMP_ODR_ITM_FLFLMNT): per chunk, the facts are read
 * with a few `= any($1)` statements (orders locked in id order), each row is decided in file order
 * by `decideFulfilment` — the checks of `markShipped`, in its order and words — and the applied
 * rows are written with one unnest-based statement per table: reservations CONSUMED, items SHIPPED
 * with their history, order statuses re-derived, and last the counters (inventory rows locked in
 * (product, facility) order) with their SHIP ledger rows (and FOUND_AT_SHIPMENT variance rows for
 * units on hand no longer held).
 */
import type { Tx } from '../db/client';
import type { FulfillmentRecord } from './codec';
import {
  applyLevelDeltas, closeReservationsById, insertLedgerRows, loadActiveReservations, loadFacilities, loadOrderItems, lockOrders,
  markItemsShipped, type FacilityFact, type ItemFact, type LedgerRow, type LevelDelta, type ReservationFact,
} from '../db/feed-bulk.repo';
import { FOUND_AT_SHIPMENT, foundAtShipment, levelKey, lockedOnHands } from '../db/inventory.repo';
import { recordHistory } from '../db/history.repo';
import type { BatchContext, BatchRow, RowOutcome } from './import-runner';
import { inLockOrder, refreshStatuses } from './rejected-items-bulk';
import { itemKey } from './rejected-items-decide';

/** What a chunk's rows are decided on: orders (locked), items, ACTIVE reservations, facilities, keys applied. */
export interface FulfilmentFacts {
  orders: Set<string>;
  items: Map<string, ItemFact>;
  reservations: Map<string, ReservationFact>;
  facilities: Map<string, FacilityFact>;
  appliedKeys: Set<string>;
}

/** A row that applies: the item, its reservation (if any) and the record. */
export interface ShipPlan { kind: 'apply'; key: string; item: ItemFact; reservation: ReservationFact | undefined; rec: FulfillmentRecord }

/** The business key of a fulfilment row (SHIPPED is final: one per item). */
export const fulfilmentKey = (r: FulfillmentRecord) => `${r.orderId}/${r.orderItemSeqId}`;
const SHIP_REASON = 'SHIPPED by NETSUITE';

/** What one row does (no I/O): the checks of `markShipped` after the row key. */
export function decideFulfilment(rec: FulfillmentRecord, f: FulfilmentFacts): ShipPlan | Exclude<RowOutcome, { kind: 'applied' }> {
  const what = `${rec.orderId}/${rec.orderItemSeqId}`;
  const key = fulfilmentKey(rec);
  if (f.appliedKeys.has(key)) return { kind: 'noop', message: `fulfilment of ${what} was already applied` };
  if (!f.orders.has(rec.orderId)) return { kind: 'error', field: 'orderId', message: `unknown order ${rec.orderId}` };
  const item = f.items.get(itemKey(rec.orderId, rec.orderItemSeqId));
  if (!item) return { kind: 'error', field: 'orderItemSeqId', message: `unknown order item ${what}` };
  if (item.status === 'SHIPPED') return { kind: 'noop', message: `item ${what} is already shipped` };
  if (item.status !== 'ALLOCATED' && item.status !== 'PACKED') {
    return { kind: 'error', field: 'orderItemSeqId', message: `item ${what} is ${item.status}, not allocated: cannot ship it` };
  }
  const fac = item.facilityId ? f.facilities.get(item.facilityId) : undefined;
  if (!fac || fac.fulfillmentSystem !== 'NETSUITE' || fac.type === 'VIRTUAL') {
    return { kind: 'error', field: 'orderItemSeqId', message: `item ${what} is at ${item.facilityId}, not at a NetSuite facility` };
  }
  if (rec.externalFacilityId && fac.netsuiteLocationId && rec.externalFacilityId !== fac.netsuiteLocationId) {
    return {
      kind: 'error', field: 'externalFacilityId',
      message: `shipped from NetSuite location ${rec.externalFacilityId}, but item ${what} is allocated at ${fac.id} (location ${fac.netsuiteLocationId})`,
    };
  }
  if (rec.quantity !== undefined && rec.quantity !== item.quantity) {
    const message = `shipped quantity ${rec.quantity} differs from the item quantity ${item.quantity} (partial fulfilment of an item is not supported)`;
    return { kind: 'error', field: 'quantity', message };
  }
  return { kind: 'apply', key, item, reservation: f.reservations.get(itemKey(rec.orderId, rec.orderItemSeqId)), rec };
}

async function loadFulfilmentFacts(tx: Tx, recs: FulfillmentRecord[], facilities: FacilityFact[], ctx: BatchContext): Promise<FulfilmentFacts> {
  const orderIds = (await lockOrders(tx, [...new Set(recs.map((r) => r.orderId))].sort())).map((o) => o.id);
  const items = await loadOrderItems(tx, orderIds);
  const reservations = await loadActiveReservations(tx, orderIds);
  return {
    orders: new Set(orderIds),
    items: new Map(items.map((i) => [itemKey(i.orderId, i.seqId), i])),
    reservations: new Map(reservations.map((r) => [itemKey(r.orderId, r.seqId), r])),
    facilities: new Map(facilities.map((x) => [x.id, x])),
    appliedKeys: await ctx.appliedKeys([...new Set(recs.map(fulfilmentKey))]),
  };
}

/** The bulk path of `IMP_ODR_ITM_FLFLMNT`: a chunk in a few statements, one outcome per row. */
export async function applyFulfilmentBatch(
  tx: Tx, rows: BatchRow<FulfillmentRecord>[], ctx: BatchContext, cache: { facilities?: FacilityFact[] },
): Promise<RowOutcome[]> {
  cache.facilities ??= await loadFacilities(tx);
  const facts = await loadFulfilmentFacts(tx, rows.map((r) => r.value), cache.facilities, ctx);
  const plans: { row: number; plan: ShipPlan }[] = [];
  const outcomes = rows.map((r): RowOutcome => {
    const d = decideFulfilment(r.value, facts);
    if (d.kind !== 'apply') return d;
    facts.appliedKeys.add(d.key);
    const k = itemKey(d.item.orderId, d.item.seqId);
    facts.items.set(k, { ...d.item, status: 'SHIPPED' });
    facts.reservations.delete(k);
    plans.push({ row: r.row, plan: d });
    return { kind: 'applied' };
  });
  if (!plans.length) return outcomes;
  await ctx.claimKeys(plans.map((p) => ({ key: p.plan.key, row: p.row })));
  const held = await consumeReservations(tx, plans.map((p) => p.plan));
  await markItemsShipped(tx, plans.map(({ plan: { item, rec } }) => ({
    orderId: item.orderId, seqId: item.seqId, shippedAt: rec.shippedDate.toISOString(),
    trackingNumber: rec.trackingNumber ?? null, carrier: rec.carrier ?? null,
  })));
  await recordHistory(tx, plans.map(({ plan: { item } }) => ({
    orderId: item.orderId, orderItemSeqId: item.seqId, fromStatus: item.status, toStatus: 'SHIPPED',
    fromFacilityId: item.facilityId, toFacilityId: item.facilityId, reason: SHIP_REASON, actor: ctx.actor,
  })));
  await refreshStatuses(tx, plans.map((p) => p.plan.item.orderId), facts);
  // The counters last (inventory rows locked in key order): a hot row is held only while the chunk commits.
  await takeUnits(tx, held, ctx.actor);
  return outcomes;
}

/** CONSUMED reservations (those of zero units too); returns the ones that hold units, in file order. */
async function consumeReservations(tx: Tx, plans: ShipPlan[]): Promise<ReservationFact[]> {
  const held = plans.map((p) => p.reservation).filter((r): r is ReservationFact => r !== undefined);
  const closed = await closeReservationsById(tx, held.map((r) => r.id), 'CONSUMED');
  if (closed.length !== held.length) throw new Error(`${held.length - closed.length} reservation(s) were closed meanwhile`);
  return held.filter((r) => r.quantity > 0);
}

/**
 * Takes the shipped units off their inventory rows, locked in key order: per row, the units a
 * shipment finds (on hand lower than what it ships, `foundAtShipment`, in file order) get a
 * VARIANCE ledger row first, every shipment its SHIP row, and the counters move by the same sums.
 */
async function takeUnits(tx: Tx, held: ReservationFact[], actor: string): Promise<void> {
  const deltas = new Map<string, LevelDelta & { shipments: ReservationFact[] }>();
  for (const r of held) {
    const k = levelKey(r.productId, r.facilityId);
    const d = deltas.get(k) ?? { productId: r.productId, facilityId: r.facilityId, reservedDelta: 0, onHandDelta: 0, shipments: [] };
    d.shipments.push(r);
    deltas.set(k, d);
  }
  const levels = [...deltas.values()].sort(inLockOrder);
  const onHand = await lockedOnHands(tx, levels);
  const found = new Map<number, number>();
  for (const d of levels) {
    const units = foundAtShipment(onHand.get(levelKey(d.productId, d.facilityId)) ?? 0, d.shipments.map((r) => r.quantity));
    d.shipments.forEach((r, i) => {
      found.set(r.id, units[i]);
      d.reservedDelta -= r.quantity;
      d.onHandDelta += units[i] - r.quantity;
    });
  }
  await insertLedgerRows(tx, held.flatMap((r): LedgerRow[] => {
    const at = { productId: r.productId, facilityId: r.facilityId, orderId: r.orderId, seqId: r.seqId, actor };
    const ship: LedgerRow = { ...at, kind: 'SHIP', onHandDelta: -r.quantity, reservedDelta: -r.quantity, reason: SHIP_REASON };
    const units = found.get(r.id) ?? 0;
    return units > 0 ? [{ ...at, kind: 'VARIANCE', onHandDelta: units, reservedDelta: 0, reason: FOUND_AT_SHIPMENT }, ship] : [ship];
  }));
  await applyLevelDeltas(tx, levels.map(({ productId, facilityId, reservedDelta, onHandDelta }) => ({ productId, facilityId, reservedDelta, onHandDelta })));
}
