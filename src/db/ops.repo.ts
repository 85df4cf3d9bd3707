/** Operational read models: the gauges of `/metrics` and the database check of `/health`. */
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import { BROKERING_QUEUE } from './reference-data';
import { queryRows as select } from './rows';


/** Answers when the database does. */
export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

export function ordersByStatus(db: Db): Promise<{ status: string; n: number }[]> {
  return select(db, sql`
    select status,
           count(*)::int as n
    from orders
    group by status`);
}

/** Items waiting in the brokering queue. */
export async function queuedItemCount(db: Db): Promise<number> {
  const [r] = await select<{ n: number }>(db, sql`
    select count(*)::int as n
    from order_items
    where facility_id = ${BROKERING_QUEUE}
      and status = 'APPROVED'`);
  return r.n;
}

export async function exceptionItemCount(db: Db): Promise<number> {
  const [r] = await select<{ n: number }>(db, sql`
    select count(*)::int as n
    from order_items
    where status = 'EXCEPTION'`);
  return r.n;
}

export function brokeringRunsByStatus(db: Db): Promise<{ status: string; n: number }[]> {
  return select(db, sql`
    select status,
           count(*)::int as n
    from brokering_runs
    group by status`);
}

/** Items allocated by brokering runs, summed over every run. */
export async function brokeredItemTotal(db: Db): Promise<number> {
  const [r] = await select<{ n: number }>(db, sql`
    select coalesce(sum(allocated), 0)::int as n
    from brokering_runs`);
  return r.n;
}

export function jobRunsByStatus(db: Db): Promise<{ name: string; status: string; n: number }[]> {
  return select(db, sql`
    select name,
           status,
           count(*)::int as n
    from job_runs
    group by name, status`);
}
