/**
 * The inventory ledger. Counters live in inventory_levels; every change to them here writes a
 * ledger row in the same transaction, and reservations are rows too. This module counts, adjusts
 * and closes reservations. Brokering reserves, with a guarded UPDATE (`on_hand - reserved - safety
 * >= q`), so available never goes below zero whatever runs at the same time.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { rowsOf as rows } from './rows';
import { inventoryLedger, reservations, variances } from './schema';

/** Why a ledger row moved a counter. */
export type LedgerKind = 'SET_ON_HAND' | 'ADJUST' | 'VARIANCE' | 'RESERVE' | 'RELEASE' | 'SHIP';

export interface LevelRow { productId: string; facilityId: string; onHand: number; reserved: number; safetyStock: number; available: number }

/** Availability rows with the effective safety stock and derived available-to-promise. */
export async function readLevels(db: Db, filter: { productId?: string; facilityId?: string; productIds?: string[] }): Promise<LevelRow[]> {
  const conds = [sql`true`];
  if (filter.productId) conds.push(sql`il.product_id = ${filter.productId}`);
  if (filter.facilityId) conds.push(sql`il.facility_id = ${filter.facilityId}`);
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
    order by il.product_id, il.facility_id`);
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

/** Sets on hand to an absolute count (a physical count); the ledger gets the difference. */
export async function setOnHand(tx: Tx, productId: string, facilityId: string, onHand: number, actor: string, reason = 'COUNT') {
  const old = await lockedOnHand(tx, productId, facilityId);
  await tx.execute(sql`
    insert into inventory_levels (product_id, facility_id, on_hand)
    values (${productId}, ${facilityId}, ${onHand})
    on conflict (product_id, facility_id) do update
    set on_hand = excluded.on_hand,
        updated_at = now()`);
  if (old !== onHand) await ledger(tx, { productId, facilityId, kind: 'SET_ON_HAND', onHandDelta: onHand - old, reason, actor });
  return { previous: old, onHand };
}

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

/**
 * Closes an item's active reservation (status `how`, closed now). Its units leave `reserved`:
 * RELEASED makes them available again; CONSUMED (a shipment) also takes them off on hand, which
 * the counter update never takes below zero. A reservation of units writes one ledger row (RELEASE
 * or SHIP); one of zero units (backordered) changes no counter. Returns the closed reservation,
 * or undefined when the item had no active one (nothing changes).
 */
export async function closeReservation(tx: Tx, orderId: string, seq: string, how: 'RELEASED' | 'CONSUMED', actor: string, reason?: string) {
  const [res] = await tx.update(reservations).set({ status: how, closedAt: new Date() })
    .where(and(eq(reservations.orderId, orderId), eq(reservations.orderItemSeqId, seq), eq(reservations.status, 'ACTIVE')))
    .returning();
  if (!res) return undefined;
  if (res.quantity > 0) {
    const onHandDelta = how === 'CONSUMED' ? -res.quantity : 0;
    await tx.execute(sql`
      update inventory_levels
      set reserved = reserved - ${res.quantity}::int,
          on_hand = greatest(on_hand + ${onHandDelta}::int, 0),
          updated_at = now()
      where product_id = ${res.productId}
        and facility_id = ${res.facilityId}`);
    await ledger(tx, {
      productId: res.productId, facilityId: res.facilityId, kind: how === 'CONSUMED' ? 'SHIP' : 'RELEASE',
      reservedDelta: -res.quantity, onHandDelta, orderId, orderItemSeqId: seq, actor, reason,
    });
  }
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
