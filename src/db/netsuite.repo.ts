/**
 * SQL of the NetSuite loop as operators see it: refusals NetSuite reported (`netsuite_refusals`),
 * the outbox rows and variances they refer to, and the per-item facts the integration state of an
 * order is derived from. One named function per statement; the one that locks takes a `Tx`.
 */
import { rowsOf as rows } from './rows';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { netsuiteRefusals } from './schema';

export type RefusalRow = typeof netsuiteRefusals.$inferSelect;
export type RefusalInsert = typeof netsuiteRefusals.$inferInsert;
export type RefusalStatus = 'OPEN' | 'RESENT' | 'DISMISSED';

/** The OUT file the OMS wrote under this name for one of these feeds. */
export async function findOutFile(db: Db, fileName: string, feeds: readonly string[]): Promise<{ id: string; feed: string } | undefined> {
  const r = await db.execute(sql`
    select id,
           feed
    from feed_files
    where direction = 'OUT' and file_name = ${fileName} and feed = any(${sql.param([...feeds])}::text[])
    order by created_at
    limit 1`);
  return rows<{ id: string; feed: string }>(r)[0];
}

/** The `row`-th (1-based) outbox row of a file: file rows are written in outbox id order. */
export async function outboxRowOfFile(db: Db, fileId: string, row: number): Promise<OutboxRowRef | undefined> {
  const r = await db.execute(sql`
    select id::int as id,
           order_id as "orderId",
           order_item_seq_id as "orderItemSeqId"
    from external_fulfillment
    where feed_file_id = ${fileId}
    order by id
    offset ${row - 1}
    limit 1`);
  return rows<OutboxRowRef>(r)[0];
}

/** An outbox row and the item it is of. */
export interface OutboxRowRef { id: number; orderId: string; orderItemSeqId: string }

/** A variance, the file it was sent in, and the item it is of. */
export interface VarianceRef { id: string; feedFileId: string | null; orderId: string | null; orderItemSeqId: string | null }

/** The variance, if it exists. */
export async function findVariance(db: Db, id: string): Promise<VarianceRef | undefined> {
  const r = await db.execute(sql`
    select id,
           feed_file_id as "feedFileId",
           order_id as "orderId",
           order_item_seq_id as "orderItemSeqId"
    from variances
    where id = ${id}`);
  return rows<VarianceRef>(r)[0];
}

/** Records a refusal; returns its id. */
export async function insertRefusal(db: Db, row: RefusalInsert): Promise<number> {
  const [r] = await db.insert(netsuiteRefusals).values(row).returning({ id: netsuiteRefusals.id });
  return r.id;
}

/** Refusals of a status (of one order, when given), newest first. */
export async function listRefusals(db: Db, f: { status: RefusalStatus; orderId?: string; limit: number }): Promise<RefusalRow[]> {
  const conds = [eq(netsuiteRefusals.status, f.status)];
  if (f.orderId) conds.push(eq(netsuiteRefusals.orderId, f.orderId));
  return db.select().from(netsuiteRefusals).where(and(...conds)).orderBy(desc(netsuiteRefusals.createdAt), desc(netsuiteRefusals.id)).limit(f.limit);
}

/** The refusal, locked for the rest of the transaction. */
export async function lockRefusal(tx: Tx, id: number): Promise<RefusalRow | undefined> {
  const [r] = await tx.select().from(netsuiteRefusals).where(eq(netsuiteRefusals.id, id)).for('update');
  return r;
}

/** OPEN → `status`; returns the updated row, or undefined when it was not OPEN any more. */
export async function resolveRefusal(db: Db, id: number, status: Exclude<RefusalStatus, 'OPEN'>, actor: string): Promise<RefusalRow | undefined> {
  const [r] = await db.update(netsuiteRefusals).set({ status, resolvedBy: actor, resolvedAt: new Date() })
    .where(and(eq(netsuiteRefusals.id, id), eq(netsuiteRefusals.status, 'OPEN'))).returning();
  return r;
}

/** The outbox row no longer counts as sent: the next export writes the item again. */
export async function supersedeOutboxRow(db: Db, outboxId: number): Promise<void> {
  await db.execute(sql`update external_fulfillment set superseded_at = now() where id = ${outboxId} and superseded_at is null`);
}

/** Marks the item as needing a row in the next brokered-items file (keeps a pending SPLIT/CLOSE). */
export async function flagItemForResend(db: Db, orderId: string, seqId: string): Promise<void> {
  await db.execute(sql`
    update order_items
    set netsuite_sync = coalesce(netsuite_sync, 'RESEND'),
        updated_at = now()
    where order_id = ${orderId} and seq_id = ${seqId}`);
}

/** The variance counts as unsent again: the next GEN_INV_VAR_FEED_NS sends it. */
export async function unsendVariance(db: Db, varianceId: string): Promise<void> {
  await db.execute(sql`update variances set feed_file_id = null where id = ${varianceId}`);
}

/** What the NetSuite integration state of one item is derived from (see app/netsuite-state). */
export interface ItemNetsuiteFacts {
  seqId: string;
  status: string;
  facilityId: string | null;
  parentSeqId: string | null;
  lineId: string | null;
  sync: string | null;
  shippedAt: Date | string | null;
  orderNsId: string | null;
  itemNsId: string | null;
  facilityType: string | null;
  fulfillmentSystem: string | null;
  locationNsId: string | null;
  activeReservationId: number | null;
  allocatedAt: Date | string | null;
  outboxId: number | null;
  outboxReservationId: number | null;
  outboxKind: string | null;
  outboxClosed: boolean | null;
  outboxCreatedAt: Date | string | null;
  outboxFeed: string | null;
  outboxFile: string | null;
  outboxFileStatus: string | null;
  fileCreatedAt: Date | string | null;
  fileUploadedAt: Date | string | null;
  refusalId: number | null;
  refusalOutboxId: number | null;
  refusalMessage: string | null;
  refusalFile: string | null;
  refusalRow: number | null;
  refusedAt: Date | string | null;
  rejectionSource: string | null;
  rejectionFacilityId: string | null;
  rejectionReason: string | null;
  rejectionComments: string | null;
  rejectedAt: Date | string | null;
}

/**
 * One row per item of the order (seq order): the item and its place, the NetSuite ids it needs,
 * its active allocation, its latest live outbox row with that row's file, its latest OPEN refusal
 * of an update-feed row, and its latest rejection. One statement for the whole order.
 */
export async function itemNetsuiteFacts(db: Db, orderId: string): Promise<ItemNetsuiteFacts[]> {
  const r = await db.execute(sql`
    select oi.seq_id as "seqId",
           oi.status,
           oi.facility_id as "facilityId",
           oi.parent_seq_id as "parentSeqId",
           oi.netsuite_line_id as "lineId",
           oi.netsuite_sync as sync,
           oi.shipped_at as "shippedAt",
           o.netsuite_order_id as "orderNsId",
           p.netsuite_item_id as "itemNsId",
           f.type as "facilityType",
           f.fulfillment_system as "fulfillmentSystem",
           f.netsuite_location_id as "locationNsId",
           r.id::int as "activeReservationId",
           r.created_at as "allocatedAt",
           ef.id::int as "outboxId",
           ef.reservation_id as "outboxReservationId",
           ef.kind as "outboxKind",
           ef.closed as "outboxClosed",
           ef.created_at as "outboxCreatedAt",
           ff.feed as "outboxFeed",
           ff.file_name as "outboxFile",
           ff.status as "outboxFileStatus",
           ff.created_at as "fileCreatedAt",
           ff.completed_at as "fileUploadedAt",
           nr.id::int as "refusalId",
           nr.outbox_id as "refusalOutboxId",
           nr.message as "refusalMessage",
           nr.file_name as "refusalFile",
           nr.row_number as "refusalRow",
           nr.created_at as "refusedAt",
           rj.source as "rejectionSource",
           rj.facility_id as "rejectionFacilityId",
           rj.reason as "rejectionReason",
           rj.comments as "rejectionComments",
           rj.created_at as "rejectedAt"
    from order_items oi
    join orders o on o.id = oi.order_id
    join products p on p.id = oi.product_id
    left join facilities f on f.id = oi.facility_id
    left join reservations r on r.order_id = oi.order_id and r.order_item_seq_id = oi.seq_id and r.status = 'ACTIVE'
    left join lateral (select * from external_fulfillment x where x.order_id = oi.order_id and x.order_item_seq_id = oi.seq_id
                       and x.superseded_at is null order by x.id desc limit 1) ef on true
    left join feed_files ff on ff.id = ef.feed_file_id
    left join lateral (select * from netsuite_refusals x where x.order_id = oi.order_id and x.order_item_seq_id = oi.seq_id
                       and x.status = 'OPEN' and x.outbox_id is not null order by x.id desc limit 1) nr on true
    left join lateral (select * from rejections x where x.order_id = oi.order_id and x.order_item_seq_id = oi.seq_id
                       order by x.id desc limit 1) rj on true
    where oi.order_id = ${orderId}
    order by oi.seq_id`);
  return rows<ItemNetsuiteFacts>(r);
}
