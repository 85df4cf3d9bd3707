/**
 * New sales orders — OMS → NetSuite, job `GEN_CRT_ORD_FD`.
 * `salesorder/export/CreateOrderFeed_{ts}_{run}.csv`, one row per order line.
 *
 * Eligible: an order without `feed_file_id`, not CANCELLED, whose customer has a NetSuite customer
 * id and every line's product a NetSuite item id; the claim sets `orders.feed_file_id`. Orders whose
 * customer id is not known yet wait (`waitingForCustomerId`), so do orders with a product lacking
 * its NetSuite item id (`waitingForItemIds`). An order's lines always go to one file.
 *
 * Lines are the order's original items (`parent_seq_id` null); a line's quantity includes the items
 * brokering split from it, and is recorded as `netsuite_line_qty` of the original item (so the
 * brokered-items feed tells NetSuite of the split: the reduced line and the new pieces).
 * `orderLineId` = the OMS item seq id (NetSuite sends it back with its own line id through
 * `orderitemattribute`); `closed` = the line is cancelled; `externalId` = the order's external id,
 * or the OMS id; `location` = the origin facility's NetSuite location id.
 */
import type { Db } from '../db/client';
import {
  countOrdersWaitingForIds, markOrdersExported, orderHeadsOfFile, orderItemsForExport, unsentOrderHeads, type OrderHead,
} from '../db/feed-exports.repo';
import { recordLineQuantities } from '../db/outbox.repo';
import type { ShipTo } from '../db/schema';
import { SALES_ORDER_COLUMNS, salesOrdersFeed, type SalesOrderLineRow } from './codec';
import { type FeedDeps, fromOutboundFeed } from './common';
import { pickCandidates, type ExportSpec } from './export-runner';

const PAGE = 500;
/** Orders looked at per claim (bounds the memory of one claim; a file then holds at most this many orders). */
const MAX_ORDERS_PER_CLAIM = 5000;

interface OrderLine { orderId: string; seqId: string; status: string; item: string; unitPrice: string; quantity: number }

/**
 * The original lines of the orders (items with no parent), each with the quantity of the whole
 * line: its own plus every piece split from it, at any depth.
 */
async function linesOf(db: Db, orderIds: string[]): Promise<Map<string, OrderLine[]>> {
  const out = new Map<string, OrderLine[]>();
  if (!orderIds.length) return out;
  const rows = await orderItemsForExport(db, orderIds);
  const parentOf = new Map(rows.map((r) => [`${r.orderId}/${r.seqId}`, r.parentSeqId]));
  const rootOf = (orderId: string, seqId: string): string => {
    let seq = seqId;
    for (let p = parentOf.get(`${orderId}/${seq}`); p; p = parentOf.get(`${orderId}/${seq}`)) seq = p;
    return seq;
  };
  const totals = new Map<string, number>();
  for (const r of rows) {
    const k = `${r.orderId}/${rootOf(r.orderId, r.seqId)}`;
    totals.set(k, (totals.get(k) ?? 0) + Number(r.quantity));
  }
  for (const r of rows) {
    if (r.parentSeqId !== null) continue;
    const list = out.get(r.orderId) ?? [];
    const quantity = totals.get(`${r.orderId}/${r.seqId}`)!;
    list.push({ orderId: r.orderId, seqId: r.seqId, status: r.status, item: r.item, unitPrice: r.unitPrice, quantity });
    out.set(r.orderId, list);
  }
  return out;
}

/** The feed rows of one order: one per original line. */
export function salesOrderRows(o: OrderHead, lines: OrderLine[], subsidiary: string): SalesOrderLineRow[] {
  const s = o.shipTo ?? ({} as ShipTo);
  return lines.map((l) => ({
    HCOrderId: o.id, externalId: o.externalId ?? o.id, date: o.orderDate instanceof Date ? o.orderDate : new Date(o.orderDate),
    customer: o.customer, email: o.email ?? undefined, salesChannel: o.salesChannel, subsidiary,
    location: o.location ?? undefined, shippingMethod: o.shippingMethod ?? undefined, shippingCost: o.shippingCost ?? undefined,
    orderLineId: l.seqId, item: l.item, quantity: l.quantity, price: l.unitPrice, closed: l.status === 'CANCELLED',
    addressee: s.name, address1: s.address1, address2: s.address2, city: s.city, state: s.state, zip: s.postalCode,
    country: s.country, phone: s.phone,
  }));
}

/** The export spec of `GEN_CRT_ORD_FD` (see the module comment). */
export function salesOrdersExport(): ExportSpec<SalesOrderLineRow> {
  return {
    ...fromOutboundFeed(salesOrdersFeed),
    createEncoder: () => salesOrdersFeed.createEncoder(),

    async claim(tx, { fileId, limit, maxBytes, state, ctx, deps }) {
      const after = String(state.afterOrder ?? '');
      const take = Math.min(limit, MAX_ORDERS_PER_CLAIM);
      const cands = await unsentOrderHeads(tx, after, take);
      if (!cands.length) return { rows: 0, more: false };
      const lines = await linesOf(tx, cands.map((o) => o.id));
      const pick = pickCandidates(
        cands.map((o) => ({ key: o.id, rows: salesOrderRows(o, lines.get(o.id) ?? [], deps.config.NETSUITE_SUBSIDIARY) })),
        {
          columns: SALES_ORDER_COLUMNS, limit, maxBytes,
          onInvalid: (key, message, field) => {
            ctx.count('invalidRows');
            ctx.addRowError({ file: salesOrdersFeed.name, row: 0, ...(field && { field }), message: `order ${key}: ${message}` });
          },
        },
      );
      let rows = 0;
      if (pick.keys.length) {
        const ids = new Set(await markOrdersExported(tx, fileId, pick.keys));
        const sent = pick.keys.filter((k) => ids.has(k)).flatMap((k) => lines.get(k) ?? []);
        rows = sent.length;
        // What NetSuite's lines will hold: a later split is told to it as a reduced line plus new pieces.
        await recordLineQuantities(tx, sent);
      }
      state.afterOrder = pick.leftOver ? pick.keys[pick.keys.length - 1] : cands[cands.length - 1].id;
      return { rows, more: cands.length >= take || pick.leftOver };
    },

    rows: (db, { fileId, rowCount, deps }) => readOrders(db, fileId, rowCount, deps),

    async waiting(db) {
      const r = await countOrdersWaitingForIds(db);
      return { waitingForCustomerId: r.customer, waitingForItemIds: r.items };
    },
  };
}

async function* readOrders(db: Db, fileId: string, rowCount: number, deps: FeedDeps): AsyncGenerator<SalesOrderLineRow> {
  let after = '';
  let left = rowCount;
  while (left > 0) {
    const page = await orderHeadsOfFile(db, fileId, after, PAGE);
    if (!page.length) return;
    const lines = await linesOf(db, page.map((o) => o.id));
    for (const o of page) {
      const rows = salesOrderRows(o, lines.get(o.id) ?? [], deps.config.NETSUITE_SUBSIDIARY);
      for (const r of rows) yield r;
      left -= rows.length;
    }
    after = page[page.length - 1].id;
  }
}
