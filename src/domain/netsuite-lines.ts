/**
 * Which rows of the brokered-items feed an order needs (pure; feeds.md v2 "Brokered order items").
 *
 * NetSuite's sales-order lines mirror the OMS items one to one. For each item of one order the
 * planner decides whether NetSuite must be told something, and whether it can be told now:
 *
 * - an **allocation** at a NetSuite-fulfilled facility not sent yet (a new reservation: first
 *   allocation, or re-brokered after a rejection) → a row with the facility's location;
 * - a **split**: the original line whose quantity differs from what NetSuite holds (or that carries
 *   the split marker) → a row under its `lineId` with the new quantity; each new piece NetSuite
 *   has no line for yet and was never announced → a row with an empty `lineId` and its
 *   `orderLineId` (NetSuite adds the line and reports its id through the line-id export);
 * - a **cancellation** of an item whose line NetSuite knows → one row with `closed` = T and the
 *   quantity last sent for the line;
 * - an operator's **re-send** (the item's marker) → a row with the item's current state.
 *
 * A row that cannot be sent yet waits, with what it lacks (`order`, `line`, `product`,
 * `location`); a piece announced once waits for its line id instead of being announced twice (that
 * would add a second NetSuite line). New pieces are only announced once every original line of the
 * order has its NetSuite line id.
 */
/** An id NetSuite accepts in a feed cell (the codec refuses any other, so such rows never go). */
export const NETSUITE_ID_RE = /^[A-Za-z0-9_][A-Za-z0-9_.:#/@+-]{0,254}$/;

export interface OrderLineFacts {
  orderId: string;
  /** NetSuite sales order id (null: not known yet). */
  internalId: string | null;
  /** The order was exported to NetSuite (GEN_CRT_ORD_FD), so NetSuite knows or will know it. */
  exported: boolean;
  lines: LineFact[];
}

export interface LineFact {
  seqId: string;
  parentSeqId: string | null;
  status: string;
  quantity: number;
  facilityId: string | null;
  /** The item's facility is fulfilled by NetSuite. */
  netsuiteFacility: boolean;
  /** That facility's NetSuite location id. */
  location: string | null;
  /** NetSuite item id of the product. */
  item: string | null;
  /** The item's ACTIVE reservation at its facility. */
  reservationId: number | null;
  /** A live BROKERED outbox row exists for `reservationId`. */
  allocationSent: boolean;
  lineId: string | null;
  /** Quantity NetSuite's line holds, as far as the OMS told it. */
  lineQty: number | null;
  /** `order_items.netsuite_sync` marker. */
  sync: string | null;
  /** A live outbox row announced this item as a new line (empty `lineId`). */
  announced: boolean;
  /** A live `closed` = T row was sent for this item. */
  closedSent: boolean;
}

export interface PlannedRow {
  orderId: string;
  seqId: string;
  reservationId: number | null;
  facilityId: string;
  internalId: string;
  lineId: string | null;
  item: string;
  location: string | null;
  quantity: number;
  closed: boolean;
  /** The quantity NetSuite's line holds changes with this row (record it as `netsuite_line_qty`). */
  recordQuantity: boolean;
  /** The item carries a `netsuite_sync` marker this row settles. */
  clearsMarker: boolean;
}

export type Missing = 'order' | 'line' | 'product' | 'location';

export interface OrderLinePlan {
  rows: PlannedRow[];
  waiting: { seqId: string; missing: Missing[] }[];
  invalid: { seqId: string; message: string }[];
  /** Items whose marker can be cleared: a row was planned for them, or nothing is left to say. */
  settled: string[];
}

const ALLOCATED = new Set(['ALLOCATED', 'PACKED']);

/** `row` has `internalId` and `item` still to fill in. */
type Need = { kind: 'none' } | { kind: 'row'; row: PlannedRow } | { kind: 'wait'; missing: Missing[] };
const NONE: Need = { kind: 'none' };

export function planOrderLines(order: OrderLineFacts): OrderLinePlan {
  const plan: OrderLinePlan = { rows: [], waiting: [], invalid: [], settled: [] };
  const originalsKnown = order.lines.every((l) => l.parentSeqId !== null || l.lineId !== null);
  for (const l of order.lines) {
    const need = l.status === 'CANCELLED' ? closeNeed(order, l) : lineNeed(order, l, originalsKnown);
    if (need.kind === 'none') {
      if (l.sync !== null) plan.settled.push(l.seqId);
      continue;
    }
    if (order.internalId === null || l.item === null || need.kind === 'wait') {
      const missing: Missing[] = order.internalId === null ? ['order'] : [];
      if (need.kind === 'wait') missing.push(...need.missing);
      if (l.item === null) missing.push('product');
      plan.waiting.push({ seqId: l.seqId, missing });
      continue;
    }
    if (need.kind !== 'row') continue;
    const row = need.row;
    row.internalId = order.internalId!;
    row.item = l.item!;
    const bad = unsafeId(row);
    if (bad) plan.invalid.push({ seqId: l.seqId, message: `${bad} is not a valid NetSuite id` });
    else {
      plan.rows.push(row);
      plan.settled.push(l.seqId);
    }
  }
  return plan;
}

function closeNeed(order: OrderLineFacts, l: LineFact): Need {
  if (l.closedSent) return NONE;
  if (l.lineId === null) {
    // NetSuite has no line for it yet: only a line it was told of (or will report) needs closing.
    const willHaveLine = l.announced || (l.parentSeqId === null && (order.exported || order.internalId !== null));
    return willHaveLine ? { kind: 'wait', missing: ['line'] } : NONE;
  }
  return {
    kind: 'row',
    row: {
      orderId: order.orderId, seqId: l.seqId, reservationId: null, facilityId: l.facilityId ?? '_NA_', internalId: '', item: '',
      lineId: l.lineId, location: null, quantity: l.lineQty ?? l.quantity, closed: true, recordQuantity: false, clearsMarker: l.sync !== null,
    },
  };
}

function lineNeed(order: OrderLineFacts, l: LineFact, originalsKnown: boolean): Need {
  const atNetsuite = l.netsuiteFacility && ALLOCATED.has(l.status) && l.reservationId !== null;
  const allocationUnsent = atNetsuite && !l.allocationSent;
  const newPiece = l.lineId === null && l.parentSeqId !== null && !l.announced;
  const quantityChanged = l.lineId !== null && l.lineQty !== null && l.lineQty !== l.quantity;
  if (!allocationUnsent && !newPiece && !quantityChanged && l.sync === null) return NONE;
  const missing: Missing[] = [];
  if (l.lineId === null && (l.parentSeqId === null || l.announced || !originalsKnown)) missing.push('line');
  if (atNetsuite && l.location === null) missing.push('location');
  if (missing.length) return { kind: 'wait', missing };
  return {
    kind: 'row',
    row: {
      orderId: order.orderId, seqId: l.seqId, reservationId: atNetsuite ? l.reservationId : null,
      facilityId: l.facilityId ?? '_NA_', internalId: '', item: '', lineId: l.lineId, location: rowLocation(l, atNetsuite),
      quantity: l.quantity, closed: false,
      // A line whose quantity NetSuite got from us, or that we now tell it (split, new piece, re-send).
      recordQuantity: (l.lineQty !== null && l.lineQty !== l.quantity) || l.sync !== null || newPiece,
      clearsMarker: l.sync !== null,
    },
  };
}

/**
 * The row's `location`: the facility's NetSuite location for an allocation at a NetSuite facility;
 * for a line NetSuite already has (`lineId`) that now sits at a facility NetSuite does not fulfil
 * (the original of a split at a store, a re-send), that facility's NetSuite location when it has
 * one, so the line leaves the warehouse that held it (after a flag rejection NetSuite would
 * otherwise see an open, unrejected line at that warehouse: a second shipment); empty otherwise,
 * and always for a new piece at such a facility (feeds.md: its allocation travels with the
 * fulfilled-items feed). docs/feeds.md, "Where a line is".
 */
function rowLocation(l: LineFact, atNetsuite: boolean): string | null {
  if (atNetsuite) return l.location;
  return l.lineId !== null && l.facilityId !== null && ALLOCATED.has(l.status) ? l.location : null;
}

function unsafeId(r: PlannedRow): string | undefined {
  if (!NETSUITE_ID_RE.test(r.internalId)) return 'internalId';
  if (r.lineId !== null && !NETSUITE_ID_RE.test(r.lineId)) return 'lineId';
  if (!NETSUITE_ID_RE.test(r.item)) return 'item';
  if (r.location !== null && !NETSUITE_ID_RE.test(r.location)) return 'location';
  if (!NETSUITE_ID_RE.test(r.seqId)) return 'orderLineId';
  return undefined;
}

/** Rough size of a row in the file (for the 10 MB limit). */
export function plannedRowBytes(r: PlannedRow): number {
  return r.internalId.length + (r.lineId?.length ?? 0) + r.item.length + (r.location?.length ?? 0) + String(r.quantity).length + r.seqId.length + 12;
}
