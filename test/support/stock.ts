/**
 * A test fixture: reserves stock for one order item the way brokering's guarded UPDATE does, for
 * tests that need a reservation without a brokering run.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { inventoryLedger, reservations } from '../../src/db/schema';

const rows = <T>(r: unknown): T[] => ((r as { rows: T[] }).rows);

export interface ReserveRequest {
  orderId: string; orderItemSeqId: string; productId: string; facilityId: string;
  /** Units wanted. */
  quantity: number;
  /** Backordered: reserve what is available, down to zero, instead of all or nothing. */
  partial?: boolean;
  runId?: string; actor: string;
}

/**
 * Reserves stock for one order item: all of it, or (partial) as much as is available. Returns the
 * reservation id and reserved units, or null when a whole reservation is not available.
 */
export async function reserve(db: Db, q: ReserveRequest): Promise<{ reservationId: number; reserved: number } | null> {
  let reserved: number;
  if (q.partial) {
    const r = await db.execute(sql`
      with lvl as (
        select il.product_id, il.facility_id,
               least(${q.quantity}::int, greatest(il.on_hand - il.reserved - coalesce(il.safety_stock, f.safety_stock), 0)) as take
        from inventory_levels il join facilities f on f.id = il.facility_id
        where il.product_id = ${q.productId} and il.facility_id = ${q.facilityId} for update of il)
      update inventory_levels il set reserved = il.reserved + lvl.take, updated_at = now()
      from lvl where il.product_id = lvl.product_id and il.facility_id = lvl.facility_id
      returning lvl.take`);
    reserved = Number(rows<{ take: number }>(r)[0]?.take ?? 0);
  } else {
    const r = await db.execute(sql`
      update inventory_levels il set reserved = il.reserved + ${q.quantity}::int, updated_at = now()
      from facilities f
      where f.id = il.facility_id and il.product_id = ${q.productId} and il.facility_id = ${q.facilityId}
        and il.on_hand - il.reserved - coalesce(il.safety_stock, f.safety_stock) >= ${q.quantity}::int
      returning il.reserved`);
    if (rows(r).length === 0) return null;
    reserved = q.quantity;
  }
  const [res] = await db.insert(reservations).values({
    orderId: q.orderId, orderItemSeqId: q.orderItemSeqId, productId: q.productId, facilityId: q.facilityId,
    quantity: reserved, runId: q.runId,
  }).returning({ id: reservations.id });
  if (reserved > 0) await db.insert(inventoryLedger).values({ productId: q.productId, facilityId: q.facilityId, kind: 'RESERVE', reservedDelta: reserved, orderId: q.orderId, orderItemSeqId: q.orderItemSeqId, actor: q.actor, reason: q.runId ? `run ${q.runId}` : undefined });
  return { reservationId: res.id, reserved };
}

