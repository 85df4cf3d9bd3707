/**
 * The what-if replay's reads, bounded: the first orders of the brokering queue (or of a date
 * range) in queue order, at most a given number, with their lines; and how many orders there are
 * in all, so a capped replay can say what it left out. Reads only.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { BROKERING_QUEUE } from './reference-data';
import { queryRows } from './rows';
import type { ReplayLine } from './brokering.repo';

/** Which of an order's items the replay routes: the queued ones, or every item not cancelled of the orders dated in `range`. */
export interface ReplayRange { from?: Date; to?: Date }

function itemCondition(range: ReplayRange | undefined): SQL {
  return range
    ? sql`i.status <> 'CANCELLED'
      and o.order_date >= ${(range.from ?? new Date(0)).toISOString()}::timestamptz
      and o.order_date <= ${(range.to ?? new Date()).toISOString()}::timestamptz`
    : sql`i.status = 'APPROVED' and i.facility_id = ${BROKERING_QUEUE}`;
}

/**
 * The lines of the first `maxOrders` orders to replay (null: all of them), taken in brokering
 * queue order (priority descending, order date, id), by order and seq.
 */
export async function replayHeadLines(db: Db, maxOrders: number | null, range?: ReplayRange): Promise<ReplayLine[]> {
  const where = itemCondition(range);
  return queryRows<ReplayLine>(db, sql`
    with head as (
      select o.id
      from orders o
      where exists (select 1 from order_items i where i.order_id = o.id and ${where})
      order by o.priority desc, o.order_date asc, o.id asc
      limit ${maxOrders}::bigint
    )
    select o.id,
           o.priority,
           o.order_date as "orderDate",
           o.sales_channel as "salesChannel",
           o.accounting_code as "accountingCode",
           o.ship_to as "shipTo",
           i.seq_id as "seqId",
           i.product_id as "productId",
           i.quantity
    from head
    join orders o on o.id = head.id
    join order_items i on i.order_id = o.id
    where ${where}
    order by o.id, i.seq_id`);
}

/** How many orders the replay would route without a cap. */
export async function countReplayOrders(db: Db, range?: ReplayRange): Promise<number> {
  const [r] = await queryRows<{ n: number | string }>(db, sql`
    select count(distinct o.id) as n
    from orders o
    join order_items i on i.order_id = o.id
    where ${itemCondition(range)}`);
  return Number(r?.n ?? 0);
}
