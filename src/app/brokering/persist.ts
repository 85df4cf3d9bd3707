/**
 * Turning routing results into rows, and writing a whole batch with set-based statements in the
 * caller's transaction: reservations (guarded), ledger, items (split where a line was split),
 * history, explanations, order statuses and daily order counts.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { BROKERING_QUEUE, EXCEPTION_PARKING } from '../../db/reference-data';
import { deriveOrderStatus, type ItemStatus } from '../../domain/lifecycle';
import { itemSeqId } from '../../domain/ids';
import type { OrderResult } from '../../domain/routing/types';
import type { ItemFact, LockedLevel } from './load';

export interface Plan {
  reservations: { orderId: string; seq: string; productId: string; facilityId: string; quantity: number }[];
  /** `split`: the line was split; NetSuite must learn its new quantity (marker `netsuite_sync = SPLIT`). */
  itemUpdates: { orderId: string; seq: string; status: string; facilityId: string; quantity: number; carrier: string | null; backordered: boolean; group: string | null; split: boolean }[];
  /** New pieces of split lines: no NetSuite line id until NetSuite reports the line it adds for them. */
  newItems: { orderId: string; seq: string; parentSeq: string; productId: string; quantity: number; unitPrice: string; status: string; facilityId: string; carrier: string | null; backordered: boolean; group: string | null }[];
  history: { orderId: string; seq: string; fromStatus: string | null; toStatus: string; fromFacility: string | null; toFacility: string; reason: string; rule: string }[];
  decisions: { orderId: string; status: string; exceptionReason: string | null; result: OrderResult }[];
  orders: { id: string; status: string; exceptionReason: string | null; exceptionMessage: string | null }[];
  facilityOrders: Map<string, number>;
  counts: { allocated: number; exception: number; queued: number };
}

export const emptyPlan = (): Plan => ({ reservations: [], itemUpdates: [], newItems: [], history: [], decisions: [], orders: [], facilityOrders: new Map(), counts: { allocated: 0, exception: 0, queued: 0 } });

/** Local, locked view of stock, decremented as the plan reserves (mirrors the engine's consumption). */
export class StockLedger {
  private m = new Map<string, number>();
  constructor(levels: LockedLevel[]) {
    for (const l of levels) this.m.set(`${l.productId}\u0000${l.facilityId}`, Math.max(0, l.onHand - l.reserved - l.safetyStock));
  }
  available(p: string, f: string) { return this.m.get(`${p}\u0000${f}`) ?? 0; }
  take(p: string, f: string, q: number) { this.m.set(`${p}\u0000${f}`, this.available(p, f) - q); }
  rows() { return [...this.m].map(([k, available]) => { const [productId, facilityId] = k.split('\u0000'); return { productId, facilityId, available }; }); }
}

/**
 * Adds one order's routing result to the plan. `items` are all the order's items; the queued ones
 * were routed. A line split across shipments keeps its seq for the first piece; the other pieces
 * (and a queued remainder) become new items numbered after the order's last seq.
 */
export function planOrder(plan: Plan, orderId: string, items: ItemFact[], result: OrderResult, stock: StockLedger) {
  plan.decisions.push({ orderId, status: result.status, exceptionReason: result.exception?.reason ?? null, result });
  const bySeq = new Map(items.map((i) => [i.seqId, i]));
  const queuedItems = items.filter((i) => i.status === 'APPROVED' && i.facilityId === BROKERING_QUEUE);
  const finalStatus = new Map(items.map((i) => [i.seqId, i.status as ItemStatus]));
  let nextSeq = Math.max(0, ...items.map((i) => Number.parseInt(i.seqId, 10) || 0)) + 1;

  if (result.status === 'EXCEPTION') {
    for (const it of queuedItems) {
      plan.itemUpdates.push({ orderId, seq: it.seqId, status: 'EXCEPTION', facilityId: EXCEPTION_PARKING, quantity: it.quantity, carrier: null, backordered: false, group: null, split: false });
      plan.history.push({ orderId, seq: it.seqId, fromStatus: it.status, toStatus: 'EXCEPTION', fromFacility: it.facilityId, toFacility: EXCEPTION_PARKING, reason: result.exception!.reason, rule: 'EXCEPTION' });
      finalStatus.set(it.seqId, 'EXCEPTION');
    }
    plan.counts.exception += queuedItems.length;
    plan.orders.push({ id: orderId, status: deriveOrderStatus([...finalStatus.values()]), exceptionReason: result.exception!.reason, exceptionMessage: result.exception!.message });
    return;
  }

  // Pieces per line: each shipment line is a piece at a facility.
  type Piece = { facilityId: string; quantity: number; carrier: string | null; backordered: boolean; rule: string; group: string };
  const pieces = new Map<string, Piece[]>();
  result.shipments.forEach((s, si) => {
    for (const l of s.items) {
      const list = pieces.get(l.seq) ?? [];
      list.push({ facilityId: s.facilityId, quantity: l.quantity, carrier: s.carrier, backordered: s.backordered, rule: s.decidedBy, group: String(si + 1) });
      pieces.set(l.seq, list);
    }
  });
  const facilitiesUsed = new Set(result.shipments.map((s) => s.facilityId));
  for (const f of facilitiesUsed) plan.facilityOrders.set(f, (plan.facilityOrders.get(f) ?? 0) + 1);

  for (const it of queuedItems) {
    const ps = pieces.get(it.seqId) ?? [];
    if (ps.length === 0) { plan.counts.queued++; continue; }
    const placed = ps.reduce((n, p) => n + p.quantity, 0);
    const remainder = it.quantity - placed;
    const split = ps.length > 1 || remainder > 0;
    if (remainder < 0) throw new Error(`routing placed ${placed} of line ${orderId}/${it.seqId} holding ${it.quantity}`);
    ps.forEach((p, i) => {
      const seq = i === 0 ? it.seqId : itemSeqId(nextSeq++);
      const have = stock.available(it.productId, p.facilityId);
      const reserveQty = p.backordered ? Math.min(p.quantity, Math.max(0, have)) : p.quantity;
      if (!p.backordered && have < p.quantity) throw new Error(`stock changed under lock: ${it.productId}@${p.facilityId} has ${have}, need ${p.quantity}`);
      stock.take(it.productId, p.facilityId, reserveQty);
      plan.reservations.push({ orderId, seq, productId: it.productId, facilityId: p.facilityId, quantity: reserveQty });
      const row = { orderId, seq, status: 'ALLOCATED', facilityId: p.facilityId, quantity: p.quantity, carrier: p.carrier, backordered: p.backordered, group: p.group };
      if (i === 0) plan.itemUpdates.push({ ...row, split });
      else plan.newItems.push({ ...row, parentSeq: it.seqId, productId: it.productId, unitPrice: it.unitPrice });
      plan.history.push({ orderId, seq, fromStatus: i === 0 ? it.status : null, toStatus: 'ALLOCATED', fromFacility: i === 0 ? it.facilityId : BROKERING_QUEUE, toFacility: p.facilityId, reason: p.backordered ? 'BROKERED_BACKORDERED' : 'BROKERED', rule: p.rule });
      finalStatus.set(seq, 'ALLOCATED');
    });
    plan.counts.allocated++;
    if (remainder > 0) {
      const seq = itemSeqId(nextSeq++);
      plan.newItems.push({ orderId, seq, parentSeq: it.seqId, productId: it.productId, quantity: remainder, unitPrice: it.unitPrice, status: 'APPROVED', facilityId: BROKERING_QUEUE, carrier: null, backordered: false, group: null });
      plan.history.push({ orderId, seq, fromStatus: null, toStatus: 'APPROVED', fromFacility: null, toFacility: BROKERING_QUEUE, reason: `SPLIT_FROM ${it.seqId}`, rule: 'LINE_FILL' });
      finalStatus.set(seq, 'APPROVED');
      plan.counts.queued++;
    }
  }
  if (!bySeq.size) return;
  plan.orders.push({ id: orderId, status: deriveOrderStatus([...finalStatus.values()]), exceptionReason: null, exceptionMessage: null });
}

const p = sql.param;
const col = <T, K extends keyof T>(xs: T[], k: K) => p(xs.map((x) => x[k]));

/**
 * Writes the plan in the caller's transaction. Each set-based UPDATE is bounded by `= any(keys)` so
 * the planner reaches rows through the primary key instead of hashing the whole table.
 */
export async function writePlan(db: Db, plan: Plan, runId: string, day: string, actor: string, opts: { guardReservations: boolean } = { guardReservations: true }) {
  const res = plan.reservations;
  if (res.length) {
    // Aggregate per inventory row, in key order; the guard makes overselling impossible even if a bug slipped in.
    const agg = new Map<string, { productId: string; facilityId: string; q: number }>();
    for (const r of res) {
      const k = `${r.productId}\u0000${r.facilityId}`;
      const a = agg.get(k) ?? { productId: r.productId, facilityId: r.facilityId, q: 0 };
      a.q += r.quantity; agg.set(k, a);
    }
    const keys = [...agg.values()].filter((a) => a.q > 0).sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : a.facilityId < b.facilityId ? -1 : 1));
    if (keys.length) {
      const upd = await db.execute(sql`
        update inventory_levels il set reserved = il.reserved + v.q, updated_at = now()
        from unnest(${col(keys, 'productId')}::text[], ${col(keys, 'facilityId')}::text[], ${col(keys, 'q')}::int[]) as v(p, f, q), facilities fa
        where il.product_id = any(${p([...new Set(keys.map((k) => k.productId))])}::text[])
          and il.product_id = v.p and il.facility_id = v.f and fa.id = il.facility_id
          and (${!opts.guardReservations} or il.on_hand - il.reserved - coalesce(il.safety_stock, fa.safety_stock) >= v.q)
        returning il.product_id`);
      if ((upd as unknown as { rows: unknown[] }).rows.length !== keys.length) throw new Error('reservation guard refused a planned reservation (stock changed under lock)');
    }
    await db.execute(sql`
      insert into reservations (order_id, order_item_seq_id, product_id, facility_id, quantity, run_id)
      select o, s, pr, f, q, ${runId} from unnest(${col(res, 'orderId')}::text[], ${col(res, 'seq')}::text[], ${col(res, 'productId')}::text[], ${col(res, 'facilityId')}::text[], ${col(res, 'quantity')}::int[]) as v(o, s, pr, f, q)`);
    const led = res.filter((r) => r.quantity > 0);
    if (led.length) await db.execute(sql`
      insert into inventory_ledger (product_id, facility_id, kind, reserved_delta, order_id, order_item_seq_id, actor, reason)
      select pr, f, 'RESERVE', q, o, s, ${actor}, ${`run ${runId}`} from unnest(${col(led, 'orderId')}::text[], ${col(led, 'seq')}::text[], ${col(led, 'productId')}::text[], ${col(led, 'facilityId')}::text[], ${col(led, 'quantity')}::int[]) as v(o, s, pr, f, q)`);
  }
  const u = plan.itemUpdates;
  if (u.length) await db.execute(sql`
    update order_items oi set status = v.st, facility_id = v.f, quantity = v.q, carrier = v.c, backordered = v.b, shipment_group = v.g, updated_at = now(),
      netsuite_sync = case when v.split then coalesce(oi.netsuite_sync, 'SPLIT') else oi.netsuite_sync end
    from unnest(${col(u, 'orderId')}::text[], ${col(u, 'seq')}::text[], ${col(u, 'status')}::text[], ${col(u, 'facilityId')}::text[], ${col(u, 'quantity')}::int[], ${col(u, 'carrier')}::text[], ${col(u, 'backordered')}::bool[], ${col(u, 'group')}::text[], ${col(u, 'split')}::bool[]) as v(o, s, st, f, q, c, b, g, split)
    where oi.order_id = any(${p([...new Set(u.map((x) => x.orderId))])}::text[]) and oi.order_id = v.o and oi.seq_id = v.s`);
  const n = plan.newItems;
  if (n.length) await db.execute(sql`
    insert into order_items (order_id, seq_id, parent_seq_id, product_id, quantity, unit_price, status, facility_id, carrier, backordered, shipment_group, netsuite_sync)
    select *, 'SPLIT' from unnest(${col(n, 'orderId')}::text[], ${col(n, 'seq')}::text[], ${col(n, 'parentSeq')}::text[], ${col(n, 'productId')}::text[], ${col(n, 'quantity')}::int[], ${col(n, 'unitPrice')}::numeric[], ${col(n, 'status')}::text[], ${col(n, 'facilityId')}::text[], ${col(n, 'carrier')}::text[], ${col(n, 'backordered')}::bool[], ${col(n, 'group')}::text[])`);
  const h = plan.history;
  if (h.length) await db.execute(sql`
    insert into item_history (order_id, order_item_seq_id, from_status, to_status, from_facility_id, to_facility_id, reason, actor, run_id, rule)
    select o, s, fs, ts, ff, tf, r, ${actor}, ${runId}, ru from unnest(${col(h, 'orderId')}::text[], ${col(h, 'seq')}::text[], ${col(h, 'fromStatus')}::text[], ${col(h, 'toStatus')}::text[], ${col(h, 'fromFacility')}::text[], ${col(h, 'toFacility')}::text[], ${col(h, 'reason')}::text[], ${col(h, 'rule')}::text[]) as v(o, s, fs, ts, ff, tf, r, ru)`);
  const d = plan.decisions;
  if (d.length) await db.execute(sql`
    insert into routing_decisions (run_id, order_id, status, exception_reason, result)
    select ${runId}, o, st, er, r from unnest(${col(d, 'orderId')}::text[], ${col(d, 'status')}::text[], ${col(d, 'exceptionReason')}::text[], ${p(d.map((x) => JSON.stringify(x.result)))}::jsonb[]) as v(o, st, er, r)`);
  const o = plan.orders;
  if (o.length) await db.execute(sql`
    update orders set status = v.st, exception_reason = coalesce(v.er, orders.exception_reason), exception_message = coalesce(v.em, orders.exception_message), updated_at = now()
    from unnest(${col(o, 'id')}::text[], ${col(o, 'status')}::text[], ${col(o, 'exceptionReason')}::text[], ${col(o, 'exceptionMessage')}::text[]) as v(id, st, er, em)
    where orders.id = any(${col(o, 'id')}::text[]) and orders.id = v.id`);
  const fo = [...plan.facilityOrders].sort(([a], [b]) => (a < b ? -1 : 1));
  if (fo.length) await db.execute(sql`
    insert into facility_order_counts (facility_id, day, count)
    select f, ${day}, c from unnest(${p(fo.map(([f]) => f))}::text[], ${p(fo.map(([, c]) => c))}::int[]) as v(f, c)
    on conflict (facility_id, day) do update set count = facility_order_counts.count + excluded.count`);
}
