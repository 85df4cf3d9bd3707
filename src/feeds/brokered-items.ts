/**
 * Brokered order items (allocation sync) — OMS → NetSuite, job `GEN_BRKR_ORD_FD_NS`.
 * `salesorder/update/brokeredOrderItemsFeed_{ts}_{run}.csv`:
 * `internalId,lineId,item,location,quantity,closed,rejected,orderLineId` (feeds v2).
 *
 * A claim takes whole orders: those holding an item marked `netsuite_sync` (split, cancelled,
 * re-send asked; orders with a NetSuite id, in id order) and those holding an allocation at a
 * NetSuite facility that no live outbox row has sent (in reservation order). For each order
 * `planOrderLines` (src/domain/netsuite-lines.ts) decides the rows — allocations, split pieces,
 * reduced original lines, closed lines — and what waits; an order whose items are all plain (only
 * unsent allocations to tell, every id known and safe) is planned by the same rules in SQL, in the
 * statement that finds it (`claimPlainAllocations`), so a file of plain orders is claimed by one
 * statement. All rows of one order go to one file; an order's rows are never cut across files.
 * Once a run has filled a file, the allocations source can go on in lanes (`split`: each lane the
 * orders whose id hashes to it; job param `claimLanes`, see export-runner.ts).
 *
 * Each outbox row keeps its CSV line (`payload`, the codec's `encodeLine`), frozen at claim: a
 * file is its header and its rows' lines in one ordered scan, so a re-upload after a crash is the
 * same bytes even if an id changed meanwhile. The claim also records the quantity NetSuite's line
 * now holds and clears the markers. Items that wait are counted `waitingForIds` (never dropped);
 * rows whose ids NetSuite would refuse are counted `invalidIds` and reported.
 */
import type { Db, Tx } from '../db/client';
import {
  claimBrokeredRows, claimPlainAllocations, countMarkedWithoutOrderId, markedOrderFacts, netsuiteFacilityIds,
  type ClaimCandidate, type ClaimedRow, type ClaimLane, type LineSettlement,
} from '../db/outbox.repo';
import { brokeredFileRows, outboxPage, type BrokeredFileRow } from '../db/outbox-files.repo';
import { disableJit } from '../db/rows';
import { planOrderLines, type OrderLinePlan, type PlannedRow } from '../domain/netsuite-lines';
import { brokeredItemsFeed, FeedEncodeError, type BrokeredItemRow } from './codec';
import { fromOutboundFeed, type JobContext } from './common';
import type { ClaimResult, ExportSpec } from './export-runner';

const PAGE = 5000;
/** Lock shared by the two feeds of `salesorder/update/`: a new piece is announced by one of them only. */
export const SALESORDER_UPDATE_LOCK = 'feed-export:salesorder-update';

/** What a run counts across its claims (shared by the lanes of a run). */
interface Tally {
  waitingForIds: number;
  invalidIds: number;
  /** Orders already counted as waiting in this run. */
  counted: Set<string>;
}

interface ClaimState {
  /** Keyset of the marked-orders source (order id), then of the allocations source (reservation id). */
  afterOrder?: string;
  markedDone?: boolean;
  afterReservation?: number;
  /** The NetSuite facilities, read by the first claim of the run. */
  facilityIds?: string[];
  /** The allocations source is exhausted for this run (for this lane). */
  allocationsDone?: boolean;
  /** The part of the allocations this state's claims walk (parallel claims); none: all of them. */
  lane?: ClaimLane;
  tally?: Tally;
}

const tallyOf = (s: ClaimState): Tally => (s.tally ??= { waitingForIds: 0, invalidIds: 0, counted: new Set() });

function countWaiting(s: ClaimState, orderId: string, waiting: number, invalid: number, ctx: JobContext) {
  const t = tallyOf(s);
  if (t.counted.has(orderId) || (!waiting && !invalid)) return;
  t.counted.add(orderId);
  t.waitingForIds += waiting;
  t.invalidIds += invalid;
  if (invalid) {
    const message = `order ${orderId}: ${invalid} row(s) cannot be sent (ids NetSuite would refuse, or more rows than a file holds); they wait`;
    ctx.addRowError({ file: brokeredItemsFeed.name, row: 0, message });
  }
}

/**
 * The states of `count` lanes that go on from `s` at once, each walking its part of the
 * allocations from where `s` stopped; null while the marked source is not done (it is not split)
 * or the allocations are.
 */
function splitLanes(s: ClaimState, count: number): ClaimState[] | null {
  if (!s.markedDone || s.allocationsDone || s.lane) return null;
  const tally = tallyOf(s);
  return Array.from({ length: count }, (_, index) => ({ ...s, tally, lane: { index, count } }));
}

/** The file being claimed: rows and bytes so far, the planner's rows not written yet, the limits. */
interface FileBuild {
  count: number;
  bytes: number;
  pending: ClaimedRow[];
  settled: { orderId: string; seqId: string }[];
  limit: number;
  maxBytes: number;
}

/** The row as the file writes it. */
const fileRow = (r: PlannedRow): BrokeredItemRow => ({
  internalId: r.internalId, lineId: r.lineId ?? undefined, item: r.item, location: r.location ?? undefined,
  quantity: r.quantity, closed: r.closed ? 'T' : 'F', orderLineId: r.seqId,
});

/**
 * The order's rows with their CSV lines, encoded by the codec now (the file is these lines, so a
 * re-upload is the same bytes whatever changes later). A row the codec refuses is invalid: it
 * waits (its marker kept) and is reported, it never reaches a file.
 */
function encodePlan(plan: OrderLinePlan): { rows: ClaimedRow[]; settled: string[]; refused: number } {
  const rows: ClaimedRow[] = [];
  const refusedSeq = new Set<string>();
  for (const r of plan.rows) {
    try {
      rows.push({ ...r, payload: brokeredItemsFeed.encodeLine(fileRow(r)) });
    } catch (e) {
      if (!(e instanceof FeedEncodeError)) throw e;
      refusedSeq.add(r.seqId);
    }
  }
  return { rows, settled: plan.settled.filter((seq) => !refusedSeq.has(seq)), refused: refusedSeq.size };
}

/** Plans one order into the file; false when it does not fit (and the file holds rows already: the claim stops before it). */
function addOrder(c: ClaimCandidate, file: FileBuild, s: ClaimState, ctx: JobContext): boolean {
  const orderId = c.facts.orderId;
  const plan = planOrderLines(c.facts);
  const { rows, settled, refused } = encodePlan(plan);
  const size = rows.reduce((n, r) => n + Buffer.byteLength(r.payload) + 1, 0);
  const fits = file.count + rows.length <= file.limit && file.bytes + size <= file.maxBytes;
  if (!fits && file.count) return false;
  if (fits) {
    file.pending.push(...rows);
    file.count += rows.length;
    file.bytes += size;
    const inFile = new Set(rows.map((r) => r.seqId));
    for (const seqId of settled) if (!inFile.has(seqId)) file.settled.push({ orderId, seqId });
  }
  countWaiting(s, orderId, plan.waiting.length, plan.invalid.length + refused + (fits ? 0 : rows.length), ctx);
  return true;
}

/**
 * What the claim settles on the items: the quantity NetSuite's line holds once the file is sent
 * (rows that change it), and the markers cleared (`sent`: rows of the file; `settled`: items with
 * nothing left to say).
 */
function settlements(sent: PlannedRow[], settled: { orderId: string; seqId: string }[]): LineSettlement[] {
  return [
    ...sent.filter((r) => r.recordQuantity).map((r) => ({ orderId: r.orderId, seqId: r.seqId, quantity: r.quantity })),
    ...[...settled, ...sent.filter((r) => !r.recordQuantity && r.clearsMarker)].map((r) => ({ orderId: r.orderId, seqId: r.seqId, quantity: null })),
  ];
}

/** Writes the planner's rows of the round (one statement, when there are any), so the next round sees them sent. */
async function writePending(tx: Tx, fileId: string, file: FileBuild): Promise<void> {
  if (!file.pending.length && !file.settled.length) return;
  await claimBrokeredRows(tx, fileId, file.pending, settlements(file.pending, file.settled));
  file.pending = [];
  file.settled = [];
}

/** A round of the marked source; false when the file is full or the source is exhausted for this claim. */
async function markedRound(tx: Tx, fileId: string, file: FileBuild, s: ClaimState, ctx: JobContext): Promise<boolean> {
  const orders = await markedOrderFacts(tx, s.afterOrder ?? '', Math.max(1, file.limit - file.count));
  if (!orders.length) {
    s.markedDone = true;
    return true;
  }
  let full = false;
  for (const c of orders) {
    if (!addOrder(c, file, s, ctx)) {
      full = true;
      break;
    }
    s.afterOrder = c.facts.orderId;
  }
  await writePending(tx, fileId, file);
  return !full && file.count < file.limit;
}

/**
 * A round of the allocations source: the plain orders written by the statement that finds them,
 * the others planned here. The cursor stops before the first order that does not fit; false when
 * the file is full or the source is exhausted.
 */
async function allocationRound(tx: Tx, fileId: string, file: FileBuild, s: ClaimState, ctx: JobContext): Promise<boolean> {
  s.facilityIds ??= (await netsuiteFacilityIds(tx)).map((f) => f.id);
  const room = file.limit - file.count;
  const r = s.facilityIds.length ? await claimPlainAllocations(tx, {
    fileId, facilityIds: s.facilityIds, after: s.afterReservation ?? 0, limit: room, roomBytes: file.maxBytes - file.bytes, lane: s.lane,
  }) : null;
  if (!r || r.last === null) {
    s.allocationsDone = true;
    return false;
  }
  file.count += r.inserted;
  file.bytes += r.bytes;
  let stop: number | null = null;
  for (const c of r.others) {
    if (!addOrder(c, file, s, ctx)) {
      stop = c.at;
      break;
    }
  }
  s.afterReservation = stop === null ? r.last : stop - 1;
  await writePending(tx, fileId, file);
  return stop === null && file.count < file.limit;
}

/**
 * One file's claim: rounds of the marked source, then of the allocations source, until the file is
 * full or nothing is left; in a round each order is planned and written with its CSV lines. A
 * file of plain orders takes one statement (`claimPlainAllocations`).
 */
async function claimBrokered(tx: Tx, fileId: string, limit: number, maxBytes: number, s: ClaimState, ctx: JobContext): Promise<ClaimResult> {
  // The claim's statements are big; JIT compilation would cost more than it saves (PGlite accepts it too).
  await disableJit(tx);
  const file: FileBuild = { count: 0, bytes: brokeredItemsFeed.header.length + 1, pending: [], settled: [], limit, maxBytes };
  while (!s.markedDone) if (!(await markedRound(tx, fileId, file, s, ctx))) return { rows: file.count, more: true };
  while (!s.allocationsDone && (await allocationRound(tx, fileId, file, s, ctx)));
  return { rows: file.count, more: file.count > 0 };
}

/**
 * The lines of a brokered-items file, in one ordered scan: each row's frozen line, or for a row
 * claimed before lines were frozen, its line encoded now (from the ids as they are now).
 */
async function* brokeredLines(db: Db, fileId: string): AsyncGenerator<string> {
  const rows = await brokeredFileRows(db, fileId);
  for (let i = 0; i < rows.length; i++) yield rows[i].payload ?? brokeredItemsFeed.encodeLine(fallbackRow(rows[i].old!), i + 1);
}

const fallbackRow = (r: NonNullable<BrokeredFileRow['old']>): BrokeredItemRow => ({
  internalId: r.internalId ?? '', lineId: r.lineId ?? undefined, item: r.item ?? '', location: r.location ?? undefined,
  quantity: r.quantity, closed: r.closed ? 'T' : 'F', orderLineId: r.orderLineId,
});

/** The export spec of `GEN_BRKR_ORD_FD_NS` (see the module comment). */
export function brokeredItemsExport(): ExportSpec<BrokeredItemRow> {
  return {
    ...fromOutboundFeed(brokeredItemsFeed),
    lockName: SALESORDER_UPDATE_LOCK,
    header: brokeredItemsFeed.header,
    claim: (tx, { fileId, limit, maxBytes, state, ctx }) => claimBrokered(tx, fileId, limit, maxBytes, state as ClaimState, ctx),
    split: (state, count) => splitLanes(state as ClaimState, count) as Record<string, unknown>[] | null,
    lines: (db, args) => brokeredLines(db, args.fileId),
    async waiting(db, _deps, state) {
      const t = tallyOf(state as ClaimState);
      return { waitingForIds: t.waitingForIds + (await countMarkedWithoutOrderId(db)), invalidIds: t.invalidIds };
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
