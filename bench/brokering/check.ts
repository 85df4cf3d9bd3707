/**
 * The bench's correctness check after brokering runs over a queue that held every item at the
 * start: every item routed exactly once (at most one brokering move per item, one routing decision
 * per order, the items left in the queue are the ones the runs counted queued, the runs' counts add
 * up to the queue), no item holding two active reservations, every allocated item holding its own
 * (and no active reservation without an allocated item), no inventory row reserved past its
 * available-to-promise, and the ledger invariants (Σ ledger = on hand, Σ ledger reserved =
 * reserved = Σ active reservations). One decision per order holds because the bench's profile
 * queues nothing (a short line goes to Exception): no remainder comes back for a second routing.
 */
import type { Database } from '../../src/db/client';
import { BROKERING_QUEUE } from '../../src/db/reference-data';
import { ledgerInconsistencies } from '../../src/db/inventory.repo';

export interface BrokeringCheck { ok: boolean; summary: string; problems: string[] }

/** What the runs reported, summed over the processes. */
export interface RunTotals { items: number; allocated: number; exception: number; queued: number }

const COUNTS = `
  select
    (select count(*) from (select 1 from item_history where run_id is not null
                           group by order_id, order_item_seq_id having count(*) > 1) x)::int as "movedTwice",
    (select count(*) from order_items where status = 'APPROVED' and facility_id = $1)::int as "leftQueued",
    (select count(*) from orders)::int as orders,
    (select count(*) from (select 1 from routing_decisions group by order_id having count(*) > 1) x)::int as "decidedTwice",
    (select count(*) from orders o where not exists (select 1 from routing_decisions d where d.order_id = o.id))::int as "neverDecided",
    (select count(*) from (select 1 from reservations where status = 'ACTIVE'
                           group by order_id, order_item_seq_id having count(*) > 1) x)::int as "reservedTwice",
    (select count(*) from order_items oi where oi.status = 'ALLOCATED'
       and not exists (select 1 from reservations r where r.order_id = oi.order_id and r.order_item_seq_id = oi.seq_id
                         and r.status = 'ACTIVE' and (r.quantity = oi.quantity or oi.backordered)))::int as "allocatedUnreserved",
    (select count(*) from reservations r join order_items oi on oi.order_id = r.order_id and oi.seq_id = r.order_item_seq_id
      where r.status = 'ACTIVE' and oi.status <> 'ALLOCATED')::int as "orphanReservations",
    (select count(*) from inventory_levels il join facilities f on f.id = il.facility_id
      where il.reserved > 0 and il.on_hand - il.reserved - coalesce(il.safety_stock, f.safety_stock) < 0)::int as oversold`;

interface Counts {
  movedTwice: number; leftQueued: number; orders: number; decidedTwice: number; neverDecided: number;
  reservedTwice: number; allocatedUnreserved: number; orphanReservations: number; oversold: number;
}

export async function checkBrokering(d: Database, queueItems: number, runs: RunTotals): Promise<BrokeringCheck> {
  const [c] = (await d.query<Counts>(COUNTS, [BROKERING_QUEUE])).rows;
  const ledger = await ledgerInconsistencies(d.db);
  const problems: string[] = [];
  const expect = (bad: boolean, what: string) => { if (bad) problems.push(what); };
  expect(runs.items !== queueItems, `the runs routed ${runs.items} items of the ${queueItems} queued`);
  expect(runs.allocated + runs.exception + runs.queued !== runs.items, 'allocated + exception + queued is not the items routed');
  expect(c.movedTwice > 0, `${c.movedTwice} items moved by brokering more than once`);
  expect(c.leftQueued !== runs.queued, `${c.leftQueued} items in the queue, the runs counted ${runs.queued} queued`);
  expect(c.decidedTwice > 0, `${c.decidedTwice} orders routed more than once`);
  expect(c.neverDecided > 0, `${c.neverDecided} orders never routed`);
  expect(c.reservedTwice > 0, `${c.reservedTwice} items holding two active reservations`);
  expect(c.allocatedUnreserved > 0, `${c.allocatedUnreserved} allocated items without their reservation`);
  expect(c.orphanReservations > 0, `${c.orphanReservations} active reservations of items not allocated`);
  expect(c.oversold > 0, `${c.oversold} inventory rows reserved past available-to-promise`);
  expect(ledger.length > 0, `${ledger.length} inventory rows whose counters disagree with the ledger or the active reservations`);
  const n = (x: number) => x.toLocaleString('en-US');
  const summary = `${n(runs.items)} of ${n(queueItems)} items routed, each once (${n(runs.allocated)} allocated, ${n(runs.exception)} in Exception, `
    + `${n(runs.queued)} queued); ${n(c.orders)} orders with one decision each; no item with two reservations; `
    + `Σ ledger = on hand and reserved = Σ active reservations on every row; nothing oversold`;
  return { ok: problems.length === 0, summary: problems.length ? problems.join('; ') : summary, problems };
}
