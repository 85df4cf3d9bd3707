/**
 * The rows of an outbox file (`external_fulfillment` rows marked with the file's id), read back to
 * make the file: in outbox id order, which is also how NetSuite's refusal reports count rows.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import { queryRows as select } from './rows';

/** An outbox row as a file holds it (with the order's and product's NetSuite ids). */
export interface OutboxFileRow {
  id: string;
  internalId: string;
  lineId: string | null;
  item: string | null;
  location: string | null;
  quantity: number;
  closed: boolean;
  orderLineId: string;
}

/**
 * A page of a file's outbox rows (kind, file), after outbox id `after` and up to `upto`, with the
 * order's and the product's NetSuite ids. The line id and location are those recorded at claim
 * time, so a re-upload regenerates the same bytes.
 */
export function outboxPage(
  db: Db, kind: 'BROKERED' | 'FULFILLED', fileId: string, after: string, upto: string | null, limit: number,
): Promise<OutboxFileRow[]> {
  const bound = upto ? sql`and id <= ${upto}::bigint` : sql``;
  return select(db, sql`
    select ef.id::text as id,
           o.netsuite_order_id as "internalId",
           ef.line_id as "lineId",
           p.netsuite_item_id as item,
           ef.location,
           ef.quantity,
           ef.closed,
           ef.order_item_seq_id as "orderLineId"
    from (select * from external_fulfillment
          where feed_file_id = ${fileId} and kind = ${kind} and id > ${after}::bigint ${bound}
          order by id
          limit ${limit}) ef
    cross join lateral (select netsuite_order_id from orders o where o.id = ef.order_id limit 1) o
    cross join lateral (select product_id from order_items oi
                        where oi.order_id = ef.order_id and oi.seq_id = ef.order_item_seq_id limit 1) oi
    join products p on p.id = oi.product_id
    order by ef.id`);
}

/**
 * A brokered-items file row: its frozen CSV line, or (`payload` null: claimed before the column
 * existed) `old`, what the line is encoded from, with the order's and product's NetSuite ids as
 * they are now.
 */
export interface BrokeredFileRow {
  payload: string | null;
  old: {
    internalId: string | null; lineId: string | null; item: string | null; location: string | null;
    quantity: number; closed: boolean; orderLineId: string;
  } | null;
}

/**
 * Every row of a brokered-items file in file (outbox id) order, in one ordered scan of the file's
 * index. Only a row without its line (claimed before lines were frozen) reads more: its fields and,
 * by probes evaluated for that row alone (CASE), the order's and product's NetSuite ids.
 */
export function brokeredFileRows(db: Db, fileId: string): Promise<BrokeredFileRow[]> {
  return select(db, sql`
    select ef.payload,
           case when ef.payload is null then json_build_object(
             'internalId', (select netsuite_order_id from orders where id = ef.order_id),
             'lineId', ef.line_id,
             'item', (select p.netsuite_item_id
                      from order_items oi
                      join products p on p.id = oi.product_id
                      where oi.order_id = ef.order_id and oi.seq_id = ef.order_item_seq_id),
             'location', ef.location,
             'quantity', ef.quantity,
             'closed', ef.closed,
             'orderLineId', ef.order_item_seq_id) end as old
    from external_fulfillment ef
    where ef.feed_file_id = ${fileId}
      and ef.kind = 'BROKERED'
    order by ef.id`);
}
