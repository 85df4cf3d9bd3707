/**
 * The demo orders as the rows `createOrder` and then `approveOrder` would leave them, computed in
 * memory so that the seed writes each table in a few statements: every body is checked by the
 * order schema (the API's), its products and origin facility must be in the catalog being seeded,
 * ship-tos get their ZIP centroid, customers are shared by external id, and the item moves are in
 * the history (ORDER_CREATED, then ORDER_APPROVED into the brokering queue for the approved ones).
 */
import type { HistoryRow } from '../../db/history.repo';
import type { SeedCustomer, SeedItem, SeedOrder, SeedPayment } from '../../db/demo-seed.repo';
import { BROKERING_QUEUE } from '../../db/reference-data';
import { itemSeqId, newId } from '../../domain/ids';
import { deriveOrderStatus, transitionItem, type ItemStatus } from '../../domain/lifecycle';
import { lookupUsZip } from '../../geo/zip';
import type { ImportRowError } from '../import-orders';
import { parseOrderInput, type OrderInput } from '../order-input';

export interface DemoOrderRows {
  customers: SeedCustomer[];
  orders: SeedOrder[];
  items: SeedItem[];
  payments: SeedPayment[];
  /** The ORDER_CREATED moves of every item, then the ORDER_APPROVED ones (ids follow that order). */
  history: HistoryRow[];
  created: number;
  approved: number;
  /** Bodies refused, by their 1-based position. */
  rejected: ImportRowError[];
}

export interface DemoOrderRowsOptions {
  /** The first `approve` bodies are approved, the others stay CREATED. */
  approve: number;
  actor: string;
  products: ReadonlySet<string>;
  facilities: ReadonlySet<string>;
  /** Ids are stamped from this instant on, one millisecond per order, so they sort in creation order. */
  now?: number;
}

const CREATED: ItemStatus = 'CREATED';

/** The item status an approval leaves (CREATED → APPROVED by the lifecycle's rules). */
function approvedStatus(): ItemStatus {
  const t = transitionItem(CREATED, 'approve');
  if (!t.ok) throw new Error(t.message);
  return t.to;
}

function problems(input: OrderInput, o: DemoOrderRowsOptions): { field: string; message: string }[] {
  const out = input.items.flatMap((it, i) => (o.products.has(it.productId) ? []
    : [{ field: `items[${i}].productId`, message: `unknown product ${it.productId}` }]));
  if (input.facilityId && !o.facilities.has(input.facilityId)) out.push({ field: 'facilityId', message: `unknown facility ${input.facilityId}` });
  return out;
}

export function demoOrderRows(bodies: readonly unknown[], o: DemoOrderRowsOptions): DemoOrderRows {
  const out: DemoOrderRows = { customers: [], orders: [], items: [], payments: [], history: [], created: 0, approved: 0, rejected: [] };
  const approvals: HistoryRow[] = [];
  const customerIds = new Map<string, string>();
  const approved = approvedStatus();
  const t0 = o.now ?? Date.now();
  bodies.forEach((body, i) => {
    const parsed = parseOrderInput(body);
    const refused = parsed.ok ? problems(parsed.value, o) : parsed.errors;
    if (refused.length) {
      out.rejected.push(...refused.map((e) => ({ row: i + 1, field: e.field, message: e.message })));
      return;
    }
    const input = (parsed as { value: OrderInput }).value;
    const id = newId('ORD', t0 + i);
    const isApproved = i < o.approve;
    const status = isApproved ? approved : CREATED;
    const items: SeedItem[] = input.items.map((it, n) => ({
      orderId: id, seqId: itemSeqId(n + 1), productId: it.productId, quantity: it.quantity, unitPrice: it.unitPrice.toFixed(2),
      status, facilityId: isApproved ? BROKERING_QUEUE : null,
    }));
    out.orders.push(orderRow(id, input, customerOf(input, customerIds, out.customers, t0), deriveOrderStatus(items.map(() => status))));
    out.items.push(...items);
    out.payments.push(...input.payments.map((p) => ({ id: newId('PAY', t0 + i), orderId: id, method: p.method, amount: p.amount.toFixed(2) })));
    for (const it of items) {
      out.history.push({ orderId: id, orderItemSeqId: it.seqId, toStatus: CREATED, reason: 'ORDER_CREATED', actor: o.actor });
      if (isApproved) {
        approvals.push({
          orderId: id, orderItemSeqId: it.seqId, fromStatus: CREATED, toStatus: approved, fromFacilityId: null, toFacilityId: BROKERING_QUEUE,
          reason: 'ORDER_APPROVED', actor: o.actor,
        });
      }
    }
    if (isApproved) out.approved++; else out.created++;
  });
  out.history.push(...approvals);
  return out;
}

/** The customer of the order: the one already met with its external id, else a new one. */
function customerOf(input: OrderInput, byExternalId: Map<string, string>, customers: SeedCustomer[], t0: number): string | null {
  const c = input.customer;
  if (!c) return null;
  const known = c.externalId ? byExternalId.get(c.externalId) : undefined;
  if (known) return known;
  const id = newId('CUS', t0 + customers.length);
  customers.push({
    id, externalId: c.externalId ?? null, firstName: c.firstName ?? null, lastName: c.lastName ?? null, email: c.email ?? null, phone: c.phone ?? null,
  });
  if (c.externalId) byExternalId.set(c.externalId, id);
  return id;
}

function orderRow(id: string, input: OrderInput, customerId: string | null, status: string): SeedOrder {
  const shipTo = { ...input.shipTo };
  if (shipTo.latitude === undefined && shipTo.country === 'US' && shipTo.postalCode) {
    const p = lookupUsZip(shipTo.postalCode);
    if (p) { shipTo.latitude = p.latitude; shipTo.longitude = p.longitude; }
  }
  return {
    id, externalId: input.externalId ?? null, salesChannel: input.salesChannel, accountingCode: input.accountingCode ?? null,
    priority: input.priority, orderDate: (input.orderDate ?? new Date()).toISOString(), status, customerId,
    originFacilityId: input.facilityId ?? null, shipTo: JSON.stringify(shipTo), shippingMethod: input.shippingMethod ?? null,
    shippingCost: input.shippingCost?.toFixed(2) ?? null, currency: input.currency,
  };
}
