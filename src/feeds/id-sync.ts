/**
 * Id back-sync — NetSuite → OMS:
 * - `IMP_ORDER_IDENT`: `salesorder/import/orderidentification/*.csv` → `orders.netsuite_order_id`;
 * - `IMP_ORDER_ITM_ATTR`: `salesorder/import/orderitemattribute/*.csv` → `order_items.netsuite_line_id`
 *   of the named item only. A piece split from a line has no line id until NetSuite reports the
 *   line it added for it (contracts/feeds.md "Split lines"); that report sets it like for any item;
 * - `IMP_CUST_IDENT`: `customer/import/*.csv` → `customers.netsuite_customer_id`.
 *
 * Unknown order / item / customer → row error. The same value again → reported no-op. A DIFFERENT
 * value for an id already set → row error, the id is not changed: files already sent to NetSuite
 * carry the first id, and an id that changes under pending files would make their regenerated
 * content differ. (An operator who really must re-point a record clears the id first.)
 * The record's state keeps a row from applying twice (an id is set once). Each import has a
 * row-by-row and a bulk path, one decision (`id-assign.ts`); the bulk path runs in lanes by order
 * (customer for customer ids).
 */
import type { Tx } from '../db/client';
import { fromInboundFeed } from './common';
import {
  customerIdentificationFeed, orderIdentificationFeed, orderItemAttributeFeed,
  type CustomerIdentificationRecord, type OrderIdentificationRecord, type OrderItemAttributeRecord,
} from './codec';
import { lockOrders } from '../db/feed-bulk.repo';
import { itemKey } from './rejected-items-decide';
import { applyIdBatch, applyIdRow, type IdAssignment, type IdTarget } from './id-assign';
import { lockOrdersReadLineIds, lockCustomers, setCustomerNetsuiteIds, setItemLineIds, setOrderNetsuiteIds } from '../db/netsuite-ids.repo';
import type { ImportSpec } from './import-runner';

export const IMP_ORDER_IDENT = 'IMP_ORDER_IDENT';
export const IMP_ORDER_ITM_ATTR = 'IMP_ORDER_ITM_ATTR';
export const IMP_CUST_IDENT = 'IMP_CUST_IDENT';

const distinctSorted = (xs: string[]) => [...new Set(xs)].sort();

/** An import spec from an id assignment: both paths. */
function idImport<Rec>(feed: Parameters<typeof fromInboundFeed>[0], job: string, a: IdAssignment<Rec>): ImportSpec<Rec> {
  return {
    ...(fromInboundFeed(feed) as Omit<ImportSpec<Rec>, 'job' | 'apply'>),
    job, batchSize: 500, bulkBatchSize: 5000,
    apply: (tx, rec, rc) => applyIdRow(a, tx, rec, rc),
    applyBatch: (tx, rows, ctx) => applyIdBatch(a, tx, rows, ctx),
    laneKey: (rec) => a.lane?.(rec) ?? a.target(rec),
  };
}

/** NetSuite order ids onto orders. */
export const orderIdAssignment: IdAssignment<OrderIdentificationRecord> = {
  target: (r) => r.orderId, value: (r) => r.idValue,
  async load(tx: Tx, recs) {
    const rows = await lockOrders(tx, distinctSorted(recs.map((r) => r.orderId)));
    return { targets: new Map<string, IdTarget>(rows.map((o) => [o.id, { current: o.netsuiteOrderId }])) };
  },
  unknown: (r) => ({ kind: 'error', field: 'orderId', message: `unknown order ${r.orderId}` }),
  same: (r) => `order ${r.orderId} already has NetSuite order id ${r.idValue}`,
  different: (r, c) => ({ field: 'idValue', message: `order ${r.orderId} already has NetSuite order id ${c}; not changed to ${r.idValue}` }),
  write: setOrderNetsuiteIds,
};

/** NetSuite line ids onto the named items (lanes by order: the order lock serialises with brokering). */
export const lineIdAssignment: IdAssignment<OrderItemAttributeRecord> = {
  target: (r) => itemKey(r.orderId, r.orderItemSeqId), lane: (r) => r.orderId, value: (r) => r.attrValue,
  async load(tx: Tx, recs) {
    // The order locks serialise this with brokering (which splits items under them); one statement
    // locks the orders and reads the items' line ids.
    const pairs = [...new Map(recs.map((r) => [itemKey(r.orderId, r.orderItemSeqId), r])).values()];
    const rows = await lockOrdersReadLineIds(tx, distinctSorted(recs.map((r) => r.orderId)), pairs.map((r) => r.orderId), pairs.map((r) => r.orderItemSeqId));
    const targets = new Map<string, IdTarget>();
    for (const i of rows) if (i.seqId !== null) targets.set(itemKey(i.orderId, i.seqId), { current: i.current });
    return { orders: new Set(rows.map((o) => o.orderId)), targets };
  },
  unknown: (r, f) => (f.orders?.has(r.orderId)
    ? { kind: 'error', field: 'orderItemSeqId', message: `unknown order item ${r.orderId}/${r.orderItemSeqId}` }
    : { kind: 'error', field: 'orderId', message: `unknown order ${r.orderId}` }),
  same: (r) => `item ${r.orderId}/${r.orderItemSeqId} already has NetSuite line id ${r.attrValue}`,
  different: (r, c) => ({
    field: 'attrValue', message: `item ${r.orderId}/${r.orderItemSeqId} already has NetSuite line id ${c}; not changed to ${r.attrValue}`,
  }),
  write: (tx, pairs) => {
    const split = pairs.map((p) => p.target.split('\u0000'));
    return setItemLineIds(tx, split.map((s) => s[0]), split.map((s) => s[1]), pairs.map((p) => p.value));
  },
};

/** NetSuite customer ids onto customers. */
export const customerIdAssignment: IdAssignment<CustomerIdentificationRecord> = {
  target: (r) => r.partyId, value: (r) => r.idValue,
  async load(tx: Tx, recs) {
    const rows = await lockCustomers(tx, distinctSorted(recs.map((r) => r.partyId)));
    return { targets: new Map<string, IdTarget>(rows.map((c) => [c.id, { current: c.current }])) };
  },
  unknown: (r) => ({ kind: 'error', field: 'partyId', message: `unknown customer ${r.partyId}` }),
  same: (r) => `customer ${r.partyId} already has NetSuite customer id ${r.idValue}`,
  different: (r, c) => ({ field: 'idValue', message: `customer ${r.partyId} already has NetSuite customer id ${c}; not changed to ${r.idValue}` }),
  write: setCustomerNetsuiteIds,
};

/** The import specs of `IMP_ORDER_IDENT`, `IMP_ORDER_ITM_ATTR` and `IMP_CUST_IDENT`. */
export const orderIdentificationImport = (): ImportSpec<OrderIdentificationRecord> => idImport(orderIdentificationFeed, IMP_ORDER_IDENT, orderIdAssignment);
export const orderItemAttributeImport = (): ImportSpec<OrderItemAttributeRecord> => idImport(orderItemAttributeFeed, IMP_ORDER_ITM_ATTR, lineIdAssignment);
export const customerIdentificationImport = (): ImportSpec<CustomerIdentificationRecord> =>
  idImport(customerIdentificationFeed, IMP_CUST_IDENT, customerIdAssignment);
