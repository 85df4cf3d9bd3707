/**
 * Where each item of an order stands with NetSuite (GET /orders/:id, `oms orders show`): one
 * tagged value per item, derived from facts read for the whole order in one statement
 * (`itemNetsuiteFacts`).
 *
 * | state | meaning |
 * |---|---|
 * | `NOT_NETSUITE` | nothing to do with NetSuite now; `why` says why (not approved, queued, at a store, cancelled early, …) |
 * | `WAITING_FOR_IDS` | a row must go to NetSuite (`feed`) but these NetSuite ids are missing: `order`, `line`, `product`, `location` |
 * | `TO_SEND` | a row must go to NetSuite and the next export of `feed` writes it |
 * | `PENDING_UPLOAD` | written in `file` (at `at`), not uploaded yet |
 * | `SENT` | its latest row is in `file`, uploaded at `at` |
 * | `REFUSED` | NetSuite refused row `row` of `file` with `message` (open refusal `refusalId`) |
 * | `REJECTED` | NetSuite rejected it at `facilityId` with `reason`; it is back in the brokering queue |
 * | `FULFILLED` | shipped: `by` NETSUITE (its fulfilment), or by a STORE and reported to NetSuite in `file` |
 * | `CLOSED_SENT` | cancelled; the close of its line was sent in `file` |
 */
import type { Db } from '../db/client';
import { itemNetsuiteFacts, type ItemNetsuiteFacts } from '../db/netsuite.repo';
import { lineFacts } from '../db/outbox.repo';
import { planOrderLines, type Missing } from '../domain/netsuite-lines';
import { getOrder, type Order } from './orders';

export type MissingId = 'order' | 'line' | 'product' | 'location';
type SendFeed = 'brokered-items' | 'fulfilled-items';

export type NetsuiteItemState =
  | { state: 'NOT_NETSUITE'; why: string }
  | { state: 'WAITING_FOR_IDS'; feed: SendFeed; missing: MissingId[] }
  | { state: 'TO_SEND'; feed: SendFeed }
  | { state: 'PENDING_UPLOAD'; feed: string; file: string; at: string | null }
  | { state: 'SENT'; feed: string; file: string; at: string | null }
  | { state: 'REFUSED'; refusalId: number; message: string; file: string; row: number; at: string | null }
  | { state: 'REJECTED'; facilityId: string; reason: string | null; comments: string | null; at: string | null }
  | { state: 'FULFILLED'; by: 'NETSUITE' | 'STORE'; facilityId: string | null; at: string | null; file?: string; sentAt?: string | null }
  | { state: 'CLOSED_SENT'; file: string; at: string | null };

export type OrderDetail = Omit<Order, 'items'> & { items: (Order['items'][number] & { netsuite: NetsuiteItemState })[] };

const iso = (x: Date | string | null | undefined): string | null => (x == null ? null : new Date(x).toISOString());
const notNetsuite = (why: string): NetsuiteItemState => ({ state: 'NOT_NETSUITE', why });

function missingIds(f: ItemNetsuiteFacts, needs: MissingId[]): MissingId[] {
  const has: Record<MissingId, boolean> = {
    order: f.orderNsId !== null,
    // A new piece of a split line is sent with an empty lineId: only an original line needs one.
    line: f.lineId !== null || f.parentSeqId !== null,
    product: f.itemNsId !== null,
    location: f.locationNsId !== null,
  };
  return needs.filter((n) => !has[n]);
}

function toSend(f: ItemNetsuiteFacts, feed: SendFeed, needs: MissingId[]): NetsuiteItemState {
  const missing = missingIds(f, needs);
  return missing.length ? { state: 'WAITING_FOR_IDS', feed, missing } : { state: 'TO_SEND', feed };
}

/**
 * What the brokered-items export would do for the order's items now (the export's own planner):
 * items it would send, and items that wait with what they lack.
 */
export interface BrokeredOutlook {
  toSend: Set<string>;
  waiting: Map<string, Missing[]>;
}

/** TO_SEND / WAITING_FOR_IDS as the brokered-items planner decides; `otherwise` when it has nothing to send. */
function brokeredState(f: ItemNetsuiteFacts, outlook: BrokeredOutlook | undefined, otherwise: () => NetsuiteItemState): NetsuiteItemState {
  if (outlook?.toSend.has(f.seqId)) return { state: 'TO_SEND', feed: 'brokered-items' };
  const missing = outlook?.waiting.get(f.seqId);
  if (missing) return { state: 'WAITING_FOR_IDS', feed: 'brokered-items', missing };
  return otherwise();
}

/** The item's latest live outbox row: SENT when its file is uploaded, else PENDING_UPLOAD. */
function outboxState(f: ItemNetsuiteFacts): NetsuiteItemState {
  const feed = f.outboxFeed ?? '', file = f.outboxFile ?? '';
  return f.outboxFileStatus === 'UPLOADED'
    ? { state: 'SENT', feed, file, at: iso(f.fileUploadedAt) }
    : { state: 'PENDING_UPLOAD', feed, file, at: iso(f.fileCreatedAt) };
}

/** The latest live outbox row belongs to the current allocation. */
function sentForThisAllocation(f: ItemNetsuiteFacts): boolean {
  if (f.outboxId === null || f.outboxClosed || f.activeReservationId === null) return false;
  if (f.outboxReservationId !== null) return Number(f.outboxReservationId) === Number(f.activeReservationId);
  return f.allocatedAt !== null && f.outboxCreatedAt !== null && new Date(f.outboxCreatedAt) >= new Date(f.allocatedAt);
}

function shippedState(f: ItemNetsuiteFacts): NetsuiteItemState {
  if (f.fulfillmentSystem === 'NETSUITE') return { state: 'FULFILLED', by: 'NETSUITE', facilityId: f.facilityId, at: iso(f.shippedAt) };
  if (f.facilityType === null || f.facilityType === 'VIRTUAL') return notNetsuite('shipped from a virtual facility: not reported to NetSuite');
  if (f.outboxKind === 'FULFILLED') {
    if (f.outboxFileStatus !== 'UPLOADED') return outboxState(f);
    return { state: 'FULFILLED', by: 'STORE', facilityId: f.facilityId, at: iso(f.shippedAt), file: f.outboxFile ?? '', sentAt: iso(f.fileUploadedAt) };
  }
  return toSend(f, 'fulfilled-items', ['order', 'line', 'location']);
}

function cancelledState(f: ItemNetsuiteFacts, outlook?: BrokeredOutlook): NetsuiteItemState {
  if (f.outboxClosed) {
    return f.outboxFileStatus === 'UPLOADED' ? { state: 'CLOSED_SENT', file: f.outboxFile ?? '', at: iso(f.fileUploadedAt) } : outboxState(f);
  }
  return brokeredState(f, outlook, () => notNetsuite('cancelled before NetSuite had its line'));
}

function allocatedState(f: ItemNetsuiteFacts, outlook?: BrokeredOutlook): NetsuiteItemState {
  if (f.fulfillmentSystem === 'NETSUITE') {
    if (f.sync === null && f.outboxKind === 'BROKERED' && sentForThisAllocation(f)) return outboxState(f);
    return brokeredState(f, outlook, () => (f.outboxId !== null ? outboxState(f) : toSend(f, 'brokered-items', ['order', 'line', 'product', 'location'])));
  }
  // At a facility NetSuite does not fulfil: only a split travels before the shipment.
  return brokeredState(f, outlook, () => (sentForThisAllocation(f)
    ? outboxState(f)
    : notNetsuite(`allocated at ${f.facilityId}, which NetSuite does not fulfil: NetSuite learns of it when it ships`)));
}

function queuedState(f: ItemNetsuiteFacts, outlook?: BrokeredOutlook): NetsuiteItemState {
  if (f.rejectionSource === 'NETSUITE') {
    return { state: 'REJECTED', facilityId: f.rejectionFacilityId ?? '', reason: f.rejectionReason, comments: f.rejectionComments, at: iso(f.rejectedAt) };
  }
  return brokeredState(f, outlook, () => notNetsuite(f.status === 'EXCEPTION' ? 'in Exception' : 'in the brokering queue'));
}

/**
 * The state of one item from its facts (pure). `outlook`: what the brokered-items export would do
 * for the order now; without it, the wait is judged from the item's own ids.
 */
export function netsuiteItemState(f: ItemNetsuiteFacts, outlook?: BrokeredOutlook): NetsuiteItemState {
  if (f.refusalId !== null && f.outboxId !== null && Number(f.refusalOutboxId) === Number(f.outboxId)) {
    return {
      state: 'REFUSED', refusalId: Number(f.refusalId), message: f.refusalMessage ?? '', file: f.refusalFile ?? '', row: Number(f.refusalRow),
      at: iso(f.refusedAt),
    };
  }
  switch (f.status) {
    case 'SHIPPED': return shippedState(f);
    case 'CANCELLED': return cancelledState(f, outlook);
    case 'ALLOCATED': case 'PACKED': return allocatedState(f, outlook);
    case 'APPROVED': case 'EXCEPTION': return queuedState(f, outlook);
    default: return notNetsuite(`the item is ${f.status}`);
  }
}

/** The NetSuite state of every item of an order, by item sequence id. */
export async function orderNetsuiteStates(db: Db, orderId: string): Promise<Map<string, NetsuiteItemState>> {
  const facts = await itemNetsuiteFacts(db, orderId);
  const [lines] = await lineFacts(db, [orderId]);
  const plan = lines ? planOrderLines(lines) : undefined;
  const outlook: BrokeredOutlook | undefined = plan && {
    toSend: new Set(plan.rows.map((r) => r.seqId)),
    waiting: new Map(plan.waiting.map((w) => [w.seqId, w.missing])),
  };
  return new Map(facts.map((f) => [f.seqId, netsuiteItemState(f, outlook)]));
}

/** The order with its items, each with its `netsuite` state (GET /orders/:id). */
export async function getOrderDetail(db: Db, id: string): Promise<OrderDetail | undefined> {
  const order = await getOrder(db, id);
  if (!order) return undefined;
  const states = await orderNetsuiteStates(db, id);
  return { ...order, items: order.items.map((it) => ({ ...it, netsuite: states.get(it.seqId) ?? notNetsuite('unknown item') })) };
}
