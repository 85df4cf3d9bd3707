/**
 * Brokered order items (allocation sync) — OMS → NetSuite, job `GEN_BRKR_ORD_FD_NS`.
 * `salesorder/update/brokeredOrderItemsFeed_{ts}_{run}.csv`:
 * `internalId,lineId,item,location,quantity,closed,rejected,orderLineId` (feeds v2).
 *
 * A claim takes whole orders: those holding an item marked `netsuite_sync` (split, cancelled,
 * re-send asked; orders with a NetSuite id, in id order) and those holding an allocation at a
 * NetSuite facility that no live outbox row has sent (in reservation order). For each order
 * `planOrderLines` (src/domain/netsuite-lines.ts) decides the rows — allocations, split pieces,
 * reduced original lines, closed lines — and what waits. All rows of one order go to one file;
 * an order's rows are never cut across files. The outbox rows record the line id and location
 * written, so a re-upload regenerates the same file; the same claim records the quantity NetSuite's
 * line now holds and clears the markers. Items that wait are counted `waitingForIds` (never
 * dropped); rows whose ids NetSuite would refuse are counted `invalidIds` and reported.
 */
import type { Db, Tx } from '../db/client';
import {
  clearSyncMarkers, countMarkedWithoutOrderId, insertBrokeredRows, lineFacts, markedOrders, netsuiteFacilityIds, outboxPage,
  recordSentLineQuantities, unsentAllocations,
} from '../db/outbox.repo';
import { disableJit } from '../db/rows';
import { planOrderLines, plannedRowBytes, type PlannedRow } from '../domain/netsuite-lines';
import { brokeredItemsFeed, type BrokeredItemRow } from './codec';
import { fromOutboundFeed, type JobContext } from './common';
import type { ClaimResult, ExportSpec } from './export-runner';

const PAGE = 5000;
/** Orders looked at per round of a claim. */
const ORDERS_PER_ROUND = 2000;
/** Lock shared by the two feeds of `salesorder/update/`: a new piece is announced by one of them only. */
export const SALESORDER_UPDATE_LOCK = 'feed-export:salesorder-update';

interface ClaimState {
  /** Keyset of the marked-orders source (order id), then of the allocations source (reservation id). */
  afterOrder?: string;
  markedDone?: boolean;
  afterReservation?: number;
  waitingForIds?: number;
  invalidIds?: number;
  /** Orders already counted as waiting in this run. */
  counted?: Set<string>;
}

interface Round {
  source: 'marked' | 'allocations';
  /** Order ids in claim order; for allocations, the reservation id each was first found at. */
  orders: { orderId: string; at?: number }[];
  /** Allocations source: the last reservation id looked at. */
  last?: number;
}

async function nextRound(tx: Db, s: ClaimState, facilityIds: string[]): Promise<Round | null> {
  if (!s.markedDone) {
    const marked = await markedOrders(tx, s.afterOrder ?? '', ORDERS_PER_ROUND);
    if (marked.length) return { source: 'marked', orders: marked };
    s.markedDone = true;
  }
  if (!facilityIds.length) return null;
  const found = await unsentAllocations(tx, facilityIds, s.afterReservation ?? 0, ORDERS_PER_ROUND);
  if (!found.length) return null;
  const seen = new Set<string>();
  const orders: Round['orders'] = [];
  for (const r of found) {
    if (!seen.has(r.orderId)) orders.push({ orderId: r.orderId, at: Number(r.id) });
    seen.add(r.orderId);
  }
  return { source: 'allocations', orders, last: Number(found[found.length - 1].id) };
}

function countWaiting(s: ClaimState, orderId: string, waiting: number, invalid: number, ctx: JobContext) {
  s.counted ??= new Set();
  if (s.counted.has(orderId) || (!waiting && !invalid)) return;
  s.counted.add(orderId);
  s.waitingForIds = (s.waitingForIds ?? 0) + waiting;
  s.invalidIds = (s.invalidIds ?? 0) + invalid;
  if (invalid) {
    const message = `order ${orderId}: ${invalid} row(s) cannot be sent (ids NetSuite would refuse, or more rows than a file holds); they wait`;
    ctx.addRowError({ file: brokeredItemsFeed.name, row: 0, message });
  }
}

interface FileBuild {
  rows: PlannedRow[];
  settled: { orderId: string; seqId: string }[];
  /** Orders planned into this file (a later round of the same claim must not plan them again). */
  orders: Set<string>;
  bytes: number;
  limit: number;
  maxBytes: number;
}

/** Adds the orders of a round to the file; returns false when the file is full (the cursors stop before that order). */
async function addRound(tx: Db, round: Round, file: FileBuild, s: ClaimState, ctx: JobContext): Promise<boolean> {
  const fresh = round.orders.filter((o) => !file.orders.has(o.orderId));
  const facts = new Map((await lineFacts(tx, fresh.map((o) => o.orderId))).map((o) => [o.orderId, o]));
  for (const c of round.orders) {
    const order = facts.get(c.orderId);
    if (order) file.orders.add(c.orderId);
    const plan = order ? planOrderLines(order) : undefined;
    if (plan) {
      const size = plan.rows.reduce((n, r) => n + plannedRowBytes(r), 0);
      const fits = file.rows.length + plan.rows.length <= file.limit && file.bytes + size <= file.maxBytes;
      if (!fits && file.rows.length) {
        if (round.source === 'allocations') s.afterReservation = c.at! - 1;
        return false;
      }
      if (fits) {
        file.rows.push(...plan.rows);
        file.bytes += size;
        const inFile = new Set(plan.rows.map((r) => r.seqId));
        for (const seqId of plan.settled) if (!inFile.has(seqId)) file.settled.push({ orderId: c.orderId, seqId });
      }
      countWaiting(s, c.orderId, plan.waiting.length, plan.invalid.length + (fits ? 0 : plan.rows.length), ctx);
    }
    if (round.source === 'marked') s.afterOrder = c.orderId;
  }
  if (round.source === 'allocations') s.afterReservation = round.last;
  return true;
}

/**
 * After a file's rows are claimed: the quantity NetSuite's line now holds, and the markers that
 * are settled (`sent`: rows of the file; `settled`: items with nothing left to say).
 */
async function markLinesSent(tx: Tx, sent: PlannedRow[], settled: { orderId: string; seqId: string }[]): Promise<void> {
  await recordSentLineQuantities(tx, sent.filter((r) => r.recordQuantity));
  await clearSyncMarkers(tx, [...settled, ...sent.filter((r) => !r.recordQuantity && r.clearsMarker)]);
}

async function claimBrokered(tx: Tx, fileId: string, limit: number, maxBytes: number, s: ClaimState, ctx: JobContext): Promise<ClaimResult> {
  // The claim's statements are big; JIT compilation would cost more than it saves (PGlite accepts it too).
  await disableJit(tx);
  const facilityIds = (await netsuiteFacilityIds(tx)).map((f) => f.id);
  const file: FileBuild = { rows: [], settled: [], orders: new Set(), bytes: brokeredItemsFeed.header.length + 1, limit, maxBytes };
  for (let round = await nextRound(tx, s, facilityIds); round; round = await nextRound(tx, s, facilityIds)) {
    if (!(await addRound(tx, round, file, s, ctx))) break;
  }
  const ids = await insertBrokeredRows(tx, fileId, file.rows);
  await markLinesSent(tx, file.rows, file.settled);
  return {
    rows: ids.length,
    hint: ids.length ? { firstId: ids[0].id, lastId: ids[ids.length - 1].id } : undefined,
    more: ids.length > 0,
  };
}

/** The export spec of `GEN_BRKR_ORD_FD_NS` (see the module comment). */
export function brokeredItemsExport(): ExportSpec<BrokeredItemRow> {
  return {
    ...fromOutboundFeed(brokeredItemsFeed),
    lockName: SALESORDER_UPDATE_LOCK,
    createEncoder: () => brokeredItemsFeed.createEncoder(),
    claim: (tx, { fileId, limit, maxBytes, state, ctx }) => claimBrokered(tx, fileId, limit, maxBytes, state as ClaimState, ctx),
    rows: (db, args) => readBrokeredRows(db, args.fileId, args.rowCount, args.hint as OutboxHint | undefined),
    async waiting(db, _deps, state) {
      const s = state as ClaimState;
      return { waitingForIds: (s.waitingForIds ?? 0) + (await countMarkedWithoutOrderId(db)), invalidIds: s.invalidIds ?? 0 };
    },
  };
}

/** Where a file's outbox rows are, when the claiming run knows it: read from there, not from the start. */
export interface OutboxHint {
  /** First and last outbox id of the file (known in the run that claimed it). */
  firstId?: string;
  lastId?: string;
}

/**
 * The rows of an outbox file (`external_fulfillment` of `kind` marked with `fileId`) in outbox id
 * order, page by page; the next page is fetched while the current one is consumed.
 */
export async function* readOutboxFile(db: Db, kind: 'BROKERED' | 'FULFILLED', fileId: string, rowCount: number, hint?: OutboxHint) {
  let after = hint?.firstId ? String(BigInt(hint.firstId) - 1n) : '0';
  let left = rowCount;
  const fetch = (n: number) => {
    const page = outboxPage(db, kind, fileId, after, hint?.lastId ?? null, Math.min(PAGE, n));
    page.catch(() => {}); // an abandoned prefetch must not become an unhandled rejection
    return page;
  };
  let next = left > 0 ? fetch(left) : undefined;
  while (next) {
    const rows = await next;
    if (!rows.length) return;
    left -= rows.length;
    after = rows[rows.length - 1].id;
    next = left > 0 ? fetch(left) : undefined;
    yield* rows;
  }
}

async function* readBrokeredRows(db: Db, fileId: string, rowCount: number, hint?: OutboxHint): AsyncGenerator<BrokeredItemRow> {
  for await (const r of readOutboxFile(db, 'BROKERED', fileId, rowCount, hint)) {
    yield {
      internalId: r.internalId, lineId: r.lineId ?? undefined, item: r.item ?? '', location: r.location ?? undefined,
      quantity: r.quantity, closed: r.closed ? 'T' : 'F', orderLineId: r.orderLineId,
    };
  }
}
