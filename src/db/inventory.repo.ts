/**
 * The inventory ledger. Counters live in inventory_levels; every change to them writes a ledger
 * row in the same transaction, and reservations are rows too. Reserving is one guarded UPDATE
 * (`… WHERE on_hand - reserved - safety >= q`), so available never goes below zero whatever runs
 * at the same time, and the row lock it takes serialises concurrent reservers of one SKU.
 */
import { rowsOf as rows } from './rows';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from './client';
import { inventoryLedger, inventoryLevels, reservations } from './schema';

export type LedgerKind = 'SET_ON_HAND' | 'ADJUST' | 'VARIANCE' | 'RESERVE' | 'RELEASE' | 'SHIP';


export interface LevelRow { productId: string; facilityId: string; onHand: number; reserved: number; safetyStock: number; available: number }

/** Availability rows with the effective safety stock and derived available-to-promise. */
export async function readLevels(db: Db, filter: { productId?: string; facilityId?: string; productIds?: string[] }): Promise<LevelRow[]> {
  const conds = [sql`true`];
  if (filter.productId) conds.push(sql`il.product_id = ${filter.productId}`);
  if (filter.facilityId) conds.push(sql`il.facility_id = ${filter.facilityId}`);
  if (filter.productIds) conds.push(sql`il.product_id = any(${sql.param(filter.productIds)}::text[])`);
  const r = await db.execute(sql`
    select il.product_id as "productId", il.facility_id as "facilityId", il.on_hand as "onHand", il.reserved,
           coalesce(il.safety_stock, f.safety_stock) as "safetyStock",
           greatest(il.on_hand - il.reserved - coalesce(il.safety_stock, f.safety_stock), 0) as available
    from inventory_levels il join facilities f on f.id = il.facility_id
    where ${sql.join(conds, sql` and `)}
    order by il.product_id, il.facility_id`);
  return rows<LevelRow>(r).map((x) => ({ ...x, onHand: Number(x.onHand), reserved: Number(x.reserved), safetyStock: Number(x.safetyStock), available: Number(x.available) }));
}

async function ledger(db: Db, row: typeof inventoryLedger.$inferInsert) {
  await db.insert(inventoryLedger).values(row);
}

/** Sets on hand to an absolute count (a physical count); the ledger gets the difference. */
export async function setOnHand(db: Db, productId: string, facilityId: string, onHand: number, actor: string, reason = 'COUNT') {
  const cur = await db.execute(sql`select on_hand from inventory_levels where product_id = ${productId} and facility_id = ${facilityId} for update`);
  const old = Number(rows<{ on_hand: number }>(cur)[0]?.on_hand ?? 0);
  await db.execute(sql`
    insert into inventory_levels (product_id, facility_id, on_hand) values (${productId}, ${facilityId}, ${onHand})
    on conflict (product_id, facility_id) do update set on_hand = excluded.on_hand, updated_at = now()`);
  if (old !== onHand) await ledger(db, { productId, facilityId, kind: 'SET_ON_HAND', onHandDelta: onHand - old, reason, actor });
  return { previous: old, onHand };
}

/**
 * Changes on hand by a signed delta. Refuses (returns null) a change that would take on hand
 * below zero; a variance reason is recorded on the ledger row.
 */
export async function adjustOnHand(db: Db, p: { productId: string; facilityId: string; delta: number; kind: LedgerKind; reason: string; actor: string; orderId?: string; orderItemSeqId?: string }) {
  const r = p.delta >= 0
    ? await db.execute(sql`
      insert into inventory_levels (product_id, facility_id, on_hand) values (${p.productId}, ${p.facilityId}, ${p.delta}::int)
      on conflict (product_id, facility_id) do update set on_hand = inventory_levels.on_hand + ${p.delta}::int, updated_at = now()
      returning on_hand as "onHand"`)
    : await db.execute(sql`
      update inventory_levels set on_hand = on_hand + ${p.delta}::int, updated_at = now()
      where product_id = ${p.productId} and facility_id = ${p.facilityId} and on_hand + ${p.delta}::int >= 0
      returning on_hand as "onHand"`);
  const row = rows<{ onHand: number }>(r)[0];
  if (!row) return null;
  if (p.delta !== 0) await ledger(db, { productId: p.productId, facilityId: p.facilityId, kind: p.kind, onHandDelta: p.delta, reason: p.reason, actor: p.actor, orderId: p.orderId, orderItemSeqId: p.orderItemSeqId });
  return { onHand: Number(row.onHand) };
}

export type ActiveReservation = typeof reservations.$inferSelect;

export async function activeReservation(db: Db, orderId: string, seq: string): Promise<ActiveReservation | undefined> {
  const [r] = await db.select().from(reservations)
    .where(and(eq(reservations.orderId, orderId), eq(reservations.orderItemSeqId, seq), eq(reservations.status, 'ACTIVE')));
  return r;
}

/**
 * Closes an item's active reservation: RELEASED gives the units back, CONSUMED (shipment) takes
 * them off on hand too. Returns the closed reservation, or undefined when there was none (a no-op).
 */
export async function closeReservation(db: Db, orderId: string, seq: string, how: 'RELEASED' | 'CONSUMED', actor: string, reason?: string) {
  const [res] = await db.update(reservations).set({ status: how, closedAt: new Date() })
    .where(and(eq(reservations.orderId, orderId), eq(reservations.orderItemSeqId, seq), eq(reservations.status, 'ACTIVE')))
    .returning();
  if (!res) return undefined;
  if (res.quantity > 0) {
    const onHandDelta = how === 'CONSUMED' ? -res.quantity : 0;
    await db.execute(sql`update inventory_levels set reserved = reserved - ${res.quantity}::int, on_hand = greatest(on_hand + ${onHandDelta}::int, 0), updated_at = now()
      where product_id = ${res.productId} and facility_id = ${res.facilityId}`);
    await ledger(db, { productId: res.productId, facilityId: res.facilityId, kind: how === 'CONSUMED' ? 'SHIP' : 'RELEASE', reservedDelta: -res.quantity, onHandDelta, orderId, orderItemSeqId: seq, actor, reason });
  }
  return res;
}

/**
 * Ledger invariants: counters equal the sums of their ledger rows and of active reservations.
 * (reserved may exceed on hand after a variance took stock away; available is then zero.)
 */
export async function ledgerInconsistencies(db: Db) {
  const r = await db.execute(sql`
    select il.product_id as "productId", il.facility_id as "facilityId", il.on_hand as "onHand", il.reserved,
      coalesce((select sum(on_hand_delta) from inventory_ledger l where l.product_id = il.product_id and l.facility_id = il.facility_id), 0)::int as "ledgerOnHand",
      coalesce((select sum(reserved_delta) from inventory_ledger l where l.product_id = il.product_id and l.facility_id = il.facility_id), 0)::int as "ledgerReserved",
      coalesce((select sum(quantity) from reservations r where r.product_id = il.product_id and r.facility_id = il.facility_id and r.status = 'ACTIVE'), 0)::int as "activeReserved"
    from inventory_levels il`);
  return rows<{ productId: string; facilityId: string; onHand: number; reserved: number; ledgerOnHand: number; ledgerReserved: number; activeReserved: number }>(r)
    .filter((x) => x.onHand !== x.ledgerOnHand || x.reserved !== x.ledgerReserved || x.reserved !== x.activeReserved);
}
