/**
 * The inventory ledger. Counters live in inventory_levels; every change to them here writes a
 * ledger row in the same transaction, and reservations are rows too. This module counts, adjusts
 * and closes reservations. Brokering reserves, with a guarded UPDATE (`on_hand - reserved - safety
 * >= q`), so available never goes below zero whatever runs at the same time.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { pgArray, queryRows, rowsOf as rows } from './rows';
import { inventoryLedger, reservations, variances } from './schema';

/** Why a ledger row moved a counter. */
export type LedgerKind = 'SET_ON_HAND' | 'ADJUST' | 'VARIANCE' | 'RESERVE' | 'RELEASE' | 'SHIP';

export interface LevelRow { productId: string; facilityId: string; onHand: number; reserved: number; safetyStock: number; available: number }

/** Availability rows with the effective safety stock and derived available-to-promise, by product and facility (a page of them when given). */
export async function readLevels(
  db: Db, filter: { productId?: string; facilityId?: string | readonly string[]; productIds?: string[] }, page?: { limit: number; offset: number },
): Promise<LevelRow[]> {
  const conds = [sql`true`];
  if (filter.productId) conds.push(sql`il.product_id = ${filter.productId}`);
  if (filter.facilityId) conds.push(sql`il.facility_id = any(${pgArray([filter.facilityId].flat(), 'text')})`);
  if (filter.productIds) conds.push(sql`il.product_id = any(${sql.param(filter.productIds)}::text[])`);
  const r = await db.execute(sql`
    select il.product_id as "productId",
           il.facility_id as "facilityId",
           il.on_hand as "onHand",
           il.reserved,
           coalesce(il.safety_stock, f.safety_stock) as "safetyStock",
           greatest(il.on_hand - il.reserved - coalesce(il.safety_stock, f.safety_stock), 0) as available
    from inventory_levels il
    join facilities f on f.id = il.facility_id
    where ${sql.join(conds, sql` and `)}
    order by il.product_id, il.facility_id
    ${page ? sql`limit ${page.limit} offset ${page.offset}` : sql``}`);
  return rows<LevelRow>(r).map((x) => ({
    ...x, onHand: Number(x.onHand), reserved: Number(x.reserved), safetyStock: Number(x.safetyStock), available: Number(x.available),
  }));
}

async function ledger(db: Db, row: typeof inventoryLedger.$inferInsert) {
  await db.insert(inventoryLedger).values(row);
}

/** On hand of a product at a facility (0 without a level row), its level row locked for the rest of the transaction. */
export async function lockedOnHand(tx: Tx, productId: string, facilityId: string): Promise<number> {
  const r = await tx.execute(sql`
    select on_hand
    from inventory_levels
    where product_id = ${productId}
      and facility_id = ${facilityId}
    for update`);
  return Number(rows<{ on_hand: number }>(r)[0]?.on_hand ?? 0);
}

/** Creates the level row of a product at a facility (on hand 0) unless it exists. */
async function ensureLevel(tx: Tx, productId: string, facilityId: string): Promise<void> {
  await tx.execute(sql`
    insert into inventory_levels (product_id, facility_id, on_hand)
    values (${productId}, ${facilityId}, 0)
    on conflict (product_id, facility_id) do nothing`);
}

/**
 * Sets on hand to an absolute count (a physical count); the ledger gets the difference. The row
 * exists and is locked before on hand is read, so two counts at once cannot both count from zero.
 */
export async function setOnHand(tx: Tx, productId: string, facilityId: string, onHand: number, actor: string, reason = 'COUNT') {
  await ensureLevel(tx, productId, facilityId);
  const old = await lockedOnHand(tx, productId, facilityId);
  await tx.execute(sql`
    update inventory_levels
    set on_hand = ${onHand}::int,
        updated_at = now()
    where product_id = ${productId}
      and facility_id = ${facilityId}`);
  if (old !== onHand) await ledger(tx, { productId, facilityId, kind: 'SET_ON_HAND', onHandDelta: onHand - old, reason, actor });
  return { previous: old, onHand };
}

/** Locks the inventory rows in (product, facility) order; on hand of each row that exists, by `levelKey`. */
export async function lockedOnHands(tx: Tx, pairs: { productId: string; facilityId: string }[]): Promise<Map<string, number>> {
  if (!pairs.length) return new Map();
  const r = await queryRows<{ productId: string; facilityId: string; onHand: number }>(tx, sql`
    select il.product_id as "productId",
           il.facility_id as "facilityId",
           il.on_hand as "onHand"
    from inventory_levels il
    join unnest(${pgArray(pairs.map((p) => p.productId), 'text')}, ${pgArray(pairs.map((p) => p.facilityId), 'text')}) as v(product_id, facility_id)
      on il.product_id = v.product_id and il.facility_id = v.facility_id
    order by il.product_id, il.facility_id
    for update of il`);
  return new Map(r.map((x) => [levelKey(x.productId, x.facilityId), Number(x.onHand)]));
}

/** The key of an inventory row in maps. */
export const levelKey = (productId: string, facilityId: string) => `${productId}\u0000${facilityId}`;

/** A signed change of on hand, with what the ledger row records (the order item, for a rejection). */
export interface OnHandChange {
  productId: string;
  facilityId: string;
  delta: number;
  kind: LedgerKind;
  reason: string;
  actor: string;
  orderId?: string;
  orderItemSeqId?: string;
}

/** Adds a non-negative delta to on hand, creating the level row if needed; returns the new on hand. */
async function addOnHand(db: Db, p: OnHandChange) {
  return db.execute(sql`
    insert into inventory_levels (product_id, facility_id, on_hand)
    values (${p.productId}, ${p.facilityId}, ${p.delta}::int)
    on conflict (product_id, facility_id) do update
    set on_hand = inventory_levels.on_hand + ${p.delta}::int,
        updated_at = now()
    returning on_hand as "onHand"`);
}

/** Adds a negative delta to on hand unless that takes it below zero; returns the new on hand, or no row. */
async function takeOnHand(db: Db, p: OnHandChange) {
  return db.execute(sql`
    update inventory_levels
    set on_hand = on_hand + ${p.delta}::int,
        updated_at = now()
    where product_id = ${p.productId}
      and facility_id = ${p.facilityId}
      and on_hand + ${p.delta}::int >= 0
    returning on_hand as "onHand"`);
}

/**
 * Changes on hand by a signed delta. Refuses (returns null) a change that would take on hand
 * below zero; a variance reason is recorded on the ledger row.
 */
export async function adjustOnHand(tx: Tx, p: OnHandChange) {
  const row = rows<{ onHand: number }>(p.delta >= 0 ? await addOnHand(tx, p) : await takeOnHand(tx, p))[0];
  if (!row) return null;
  if (p.delta !== 0) {
    await ledger(tx, {
      productId: p.productId, facilityId: p.facilityId, kind: p.kind, onHandDelta: p.delta, reason: p.reason, actor: p.actor,
      orderId: p.orderId, orderItemSeqId: p.orderItemSeqId,
    });
  }
  return { onHand: Number(row.onHand) };
}

/** Records an inventory variance (a store rejection or a manual adjustment); `pushToNetsuite` ones are sent to NetSuite. */
export async function insertVariance(db: Db, row: typeof variances.$inferInsert): Promise<void> {
  await db.insert(variances).values(row);
}

export type ActiveReservation = typeof reservations.$inferSelect;

export async function activeReservation(db: Db, orderId: string, seq: string): Promise<ActiveReservation | undefined> {
  const [r] = await db.select().from(reservations)
    .where(and(eq(reservations.orderId, orderId), eq(reservations.orderItemSeqId, seq), eq(reservations.status, 'ACTIVE')));
  return r;
}

/** The active reservations of these items of an order. */
export function activeReservationsOf(db: Db, orderId: string, seqs: string[]): Promise<ActiveReservation[]> {
  return db.select().from(reservations)
    .where(and(eq(reservations.orderId, orderId), inArray(reservations.orderItemSeqId, seqs), eq(reservations.status, 'ACTIVE')));
}

/** The ledger reason of units a shipment found: on hand was lower than the reservation it consumes. */
export const FOUND_AT_SHIPMENT = 'FOUND_AT_SHIPMENT';

/**
 * Units a shipment of `quantities` (in order) finds at an inventory row that holds `onHand`: what
 * each shipment lacks once the earlier ones took theirs. On hand never goes below zero, so a
 * shipment of units the counter no longer holds proves they were there (docs/architecture.md).
 */
export function foundAtShipment(onHand: number, quantities: number[]): number[] {
  let left = onHand;
  return quantities.map((q) => {
    const found = Math.max(q - left, 0);
    left = left + found - q;
    return found;
  });
}

/** Takes a consumed reservation's units off its row (found units first), under the row's lock; returns the units found. */
async function consumeUnits(tx: Tx, productId: string, facilityId: string, quantity: number): Promise<number> {
  const r = await tx.execute(sql`
    with old as (
      select product_id,
             facility_id,
             on_hand
      from inventory_levels
      where product_id = ${productId}
        and facility_id = ${facilityId}
      for update)
    update inventory_levels il
    set reserved = il.reserved - ${quantity}::int,
        on_hand = old.on_hand + greatest(${quantity}::int - old.on_hand, 0) - ${quantity}::int,
        updated_at = now()
    from old
    where il.product_id = old.product_id
      and il.facility_id = old.facility_id
    returning greatest(${quantity}::int - old.on_hand, 0) as found`);
  const row = rows<{ found: number }>(r)[0];
  if (!row) throw new Error(`no inventory row ${productId} at ${facilityId} for a reservation of ${quantity}`);
  return Number(row.found);
}

/** Gives a released reservation's units back to available (reserved down). */
async function releaseUnits(tx: Tx, productId: string, facilityId: string, quantity: number): Promise<void> {
  await tx.execute(sql`
    update inventory_levels
    set reserved = reserved - ${quantity}::int,
        updated_at = now()
    where product_id = ${productId}
      and facility_id = ${facilityId}`);
}

/**
 * Closes an item's active reservation (status `how`, closed now). Its units leave `reserved`:
 * RELEASED makes them available again (one RELEASE ledger row); CONSUMED (a shipment) also takes
 * them off on hand (one SHIP row). When on hand holds fewer units than the shipment takes (a
 * count or a zero-out lowered it meanwhile), the missing units are recorded first as found
 * (a VARIANCE row, reason FOUND_AT_SHIPMENT), so on hand and the ledger move together and never
 * below zero. A reservation of zero units (backordered) changes no counter. Returns the closed
 * reservation, or undefined when the item had no active one (nothing changes).
 */
export async function closeReservation(tx: Tx, orderId: string, seq: string, how: 'RELEASED' | 'CONSUMED', actor: string, reason?: string) {
  const [res] = await tx.update(reservations).set({ status: how, closedAt: new Date() })
    .where(and(eq(reservations.orderId, orderId), eq(reservations.orderItemSeqId, seq), eq(reservations.status, 'ACTIVE')))
    .returning();
  if (!res || res.quantity <= 0) return res;
  const at = { productId: res.productId, facilityId: res.facilityId, orderId, orderItemSeqId: seq, actor };
  if (how === 'RELEASED') {
    await releaseUnits(tx, res.productId, res.facilityId, res.quantity);
    await ledger(tx, { ...at, kind: 'RELEASE', reservedDelta: -res.quantity, onHandDelta: 0, reason });
    return res;
  }
  const found = await consumeUnits(tx, res.productId, res.facilityId, res.quantity);
  if (found > 0) await ledger(tx, { ...at, kind: 'VARIANCE', onHandDelta: found, reason: FOUND_AT_SHIPMENT });
  await ledger(tx, { ...at, kind: 'SHIP', reservedDelta: -res.quantity, onHandDelta: -res.quantity, reason });
  return res;
}

/**
 * Ledger invariants: counters equal the sums of their ledger rows and of active reservations.
 * (reserved may exceed on hand after a variance took stock away; available is then zero.)
 */
export interface LedgerInconsistency {
  productId: string;
  facilityId: string;
  onHand: number;
  reserved: number;
  ledgerOnHand: number;
  ledgerReserved: number;
  activeReserved: number;
}

export async function ledgerInconsistencies(db: Db): Promise<LedgerInconsistency[]> {
  const r = await db.execute(sql`
    select il.product_id as "productId",
           il.facility_id as "facilityId",
           il.on_hand as "onHand",
           il.reserved,
           coalesce((
             select sum(l.on_hand_delta)
             from inventory_ledger l
             where l.product_id = il.product_id
               and l.facility_id = il.facility_id), 0)::int as "ledgerOnHand",
           coalesce((
             select sum(l.reserved_delta)
             from inventory_ledger l
             where l.product_id = il.product_id
               and l.facility_id = il.facility_id), 0)::int as "ledgerReserved",
           coalesce((
             select sum(res.quantity)
             from reservations res
             where res.product_id = il.product_id
               and res.facility_id = il.facility_id
               and res.status = 'ACTIVE'), 0)::int as "activeReserved"
    from inventory_levels il`);
  return rows<LedgerInconsistency>(r)
    .filter((x) => x.onHand !== x.ledgerOnHand || x.reserved !== x.ledgerReserved || x.reserved !== x.activeReserved);
}
