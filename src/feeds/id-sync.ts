/**
 * Id back-sync — NetSuite → OMS:
 * - `IMP_ORDER_IDENT`: `salesorder/import/orderidentification/*.csv` → `orders.netsuite_order_id`;
 * - `IMP_ORDER_ITM_ATTR`: `salesorder/import/orderitemattribute/*.csv` → `order_items.netsuite_line_id`,
 *   also onto the items brokering split from that line (same `parent_seq_id`);
 * - `IMP_CUST_IDENT`: `customer/import/*.csv` → `customers.netsuite_customer_id`.
 *
 * Unknown order / item / customer → row error. The same value again → reported no-op. A DIFFERENT
 * value for an id already set → row error, the id is not changed: files already sent to NetSuite
 * carry the first id, and an id that changes under pending files would make their regenerated
 * content differ. (An operator who really must re-point a record clears the id first.)
 * Business key: `{record}={idValue}`.
 */
import { and, eq, isNull, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { customers, orderItems, orders } from '../db/schema';
import { fromInboundFeed } from './common';
import {
  customerIdentificationFeed, orderIdentificationFeed, orderItemAttributeFeed,
  type CustomerIdentificationRecord, type OrderIdentificationRecord, type OrderItemAttributeRecord,
} from './codec';
import type { ImportSpec, RowContext, RowOutcome } from './import-runner';

export const IMP_ORDER_IDENT = 'IMP_ORDER_IDENT';
export const IMP_ORDER_ITM_ATTR = 'IMP_ORDER_ITM_ATTR';
export const IMP_CUST_IDENT = 'IMP_CUST_IDENT';

async function keyOrNoop(rc: RowContext, key: string, what: string): Promise<RowOutcome | null> {
  return (await rc.claimKey(key)) ? null : { kind: 'noop', message: `${what} was already applied` };
}

export function orderIdentificationImport(): ImportSpec<OrderIdentificationRecord> {
  return {
    ...fromInboundFeed(orderIdentificationFeed),
    job: IMP_ORDER_IDENT, batchSize: 500,
    async apply(tx: Db, rec, rc): Promise<RowOutcome> {
      const [o] = await tx.select({ ns: orders.netsuiteOrderId }).from(orders).where(eq(orders.id, rec.orderId)).for('update');
      if (!o) return { kind: 'error', field: 'orderId', message: `unknown order ${rec.orderId}` };
      if (o.ns === rec.idValue) return { kind: 'noop', message: `order ${rec.orderId} already has NetSuite order id ${rec.idValue}` };
      if (o.ns) return { kind: 'error', field: 'idValue', message: `order ${rec.orderId} already has NetSuite order id ${o.ns}; not changed to ${rec.idValue}` };
      const done = await keyOrNoop(rc, `${rec.orderId}=${rec.idValue}`, `order id ${rec.idValue} for ${rec.orderId}`);
      if (done) return done;
      await tx.update(orders).set({ netsuiteOrderId: rec.idValue, updatedAt: new Date() }).where(eq(orders.id, rec.orderId));
      return { kind: 'applied' };
    },
  };
}

export function orderItemAttributeImport(): ImportSpec<OrderItemAttributeRecord> {
  return {
    ...fromInboundFeed(orderItemAttributeFeed),
    job: IMP_ORDER_ITM_ATTR, batchSize: 500,
    async apply(tx: Db, rec, rc): Promise<RowOutcome> {
      const [o] = await tx.select({ id: orders.id }).from(orders).where(eq(orders.id, rec.orderId));
      if (!o) return { kind: 'error', field: 'orderId', message: `unknown order ${rec.orderId}` };
      const items = await tx.select({ seqId: orderItems.seqId, ns: orderItems.netsuiteLineId }).from(orderItems)
        .where(and(eq(orderItems.orderId, rec.orderId), or(eq(orderItems.seqId, rec.orderItemSeqId), eq(orderItems.parentSeqId, rec.orderItemSeqId))))
        .for('update');
      const line = items.find((i) => i.seqId === rec.orderItemSeqId);
      if (!line) return { kind: 'error', field: 'orderItemSeqId', message: `unknown order item ${rec.orderId}/${rec.orderItemSeqId}` };
      const other = items.find((i) => i.ns !== null && i.ns !== rec.attrValue);
      if (other) {
        return { kind: 'error', field: 'attrValue', message: `item ${rec.orderId}/${other.seqId} already has NetSuite line id ${other.ns}; not changed to ${rec.attrValue}` };
      }
      if (items.every((i) => i.ns === rec.attrValue)) {
        return { kind: 'noop', message: `item ${rec.orderId}/${rec.orderItemSeqId} already has NetSuite line id ${rec.attrValue}` };
      }
      const done = await keyOrNoop(rc, `${rec.orderId}/${rec.orderItemSeqId}=${rec.attrValue}`, `line id ${rec.attrValue} for ${rec.orderId}/${rec.orderItemSeqId}`);
      if (done) return done;
      await tx.update(orderItems).set({ netsuiteLineId: rec.attrValue, updatedAt: new Date() })
        .where(and(
          eq(orderItems.orderId, rec.orderId), isNull(orderItems.netsuiteLineId),
          or(eq(orderItems.seqId, rec.orderItemSeqId), eq(orderItems.parentSeqId, rec.orderItemSeqId)),
        ));
      return { kind: 'applied' };
    },
  };
}

export function customerIdentificationImport(): ImportSpec<CustomerIdentificationRecord> {
  return {
    ...fromInboundFeed(customerIdentificationFeed),
    job: IMP_CUST_IDENT, batchSize: 500,
    async apply(tx: Db, rec, rc): Promise<RowOutcome> {
      const [c] = await tx.select({ ns: customers.netsuiteCustomerId }).from(customers).where(eq(customers.id, rec.partyId)).for('update');
      if (!c) return { kind: 'error', field: 'partyId', message: `unknown customer ${rec.partyId}` };
      if (c.ns === rec.idValue) return { kind: 'noop', message: `customer ${rec.partyId} already has NetSuite customer id ${rec.idValue}` };
      if (c.ns) return { kind: 'error', field: 'idValue', message: `customer ${rec.partyId} already has NetSuite customer id ${c.ns}; not changed to ${rec.idValue}` };
      const done = await keyOrNoop(rc, `${rec.partyId}=${rec.idValue}`, `customer id ${rec.idValue} for ${rec.partyId}`);
      if (done) return done;
      await tx.update(customers).set({ netsuiteCustomerId: rec.idValue }).where(eq(customers.id, rec.partyId));
      return { kind: 'applied' };
    },
  };
}
