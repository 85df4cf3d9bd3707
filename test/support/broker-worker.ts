/**
 * A separate OS process for the concurrency test: `broker` runs brokering in a loop against the
 * database at argv[3]; `churn` cancels orders and hands allocated items back to the queue
 * (as rejections do) while the brokers run; `unlocked-broker` is the negative control: brokering
 * with stock read without row locks and reservations written without their guard (injected here,
 * through `RunOptions.stockAccess`), which must oversell. Starts when the test releases the
 * barrier and stops argv[4] ms later.
 */
import { and, eq, sql } from 'drizzle-orm';
import { openDatabase } from '../../src/db/client';
import { runBrokering, type StockAccess } from '../../src/app/brokering';
import { cancelOrder, lockOrder, moveItems, refreshOrderStatus } from '../../src/app/orders';
import { closeReservation } from '../../src/db/inventory.repo';
import { orderItems } from '../../src/db/schema';

const [mode, url, ms] = process.argv.slice(2);
const d = await openDatabase({ databaseUrl: url, poolSize: 4 });
// Barrier: the test holds an exclusive advisory lock and releases it once every worker is ready,
// so all workers start together and their transactions really overlap.
process.stdout.write('ready\n');
await d.query('select pg_advisory_lock_shared(727100)');
await d.query('select pg_advisory_unlock_shared(727100)');
const until = Date.now() + Number(ms);
let ops = 0;

/**
 * With NEGATIVE_CONTROL_PEERS=n, the first stock read of each unlocked broker waits (through the
 * `negative_control_barrier` row the test creates) until all n have read: every one of them then
 * plans from the same stock before any writes, so the race the control must expose happens for
 * certain, however the machine schedules the processes. Without it, a 30 ms pause widens the window.
 */
const peers = Number(process.env.NEGATIVE_CONTROL_PEERS ?? 0);
let readOnce = false;
async function afterRead(): Promise<void> {
  if (peers <= 0 || readOnce) {
    await new Promise((res) => setTimeout(res, 30));
    return;
  }
  readOnce = true;
  await d.query('update negative_control_barrier set n = n + 1');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && (await d.query<{ n: number }>('select n from negative_control_barrier')).rows[0].n < peers) {
    await new Promise((res) => setTimeout(res, 20));
  }
}

/** Reads stock like brokering does, but without `for update`, and widens the race window. */
const unlocked: StockAccess = {
  guardReservations: false,
  async readLevels(db, productIds) {
    const r = await db.execute(sql`
      select il.product_id as "productId", il.facility_id as "facilityId", il.on_hand as "onHand", il.reserved,
             coalesce(il.safety_stock, f.safety_stock) as "safetyStock"
      from inventory_levels il join facilities f on f.id = il.facility_id
      where il.product_id = any(${sql.param([...productIds].sort())}::text[]) and f.type <> 'VIRTUAL'
      order by il.product_id, il.facility_id`);
    await afterRead();
    return (r as unknown as { rows: any[] }).rows.map((l) => ({ ...l, onHand: Number(l.onHand), reserved: Number(l.reserved), safetyStock: Number(l.safetyStock) }));
  },
};

if (mode === 'broker' || mode === 'unlocked-broker') {
  const stockAccess = mode === 'unlocked-broker' ? unlocked : undefined;
  while (Date.now() < until) { await runBrokering(d, { trigger: 'test', batchSize: 7, stockAccess }); ops++; }
} else {
  while (Date.now() < until) {
    const { rows } = await d.query<{ order_id: string; seq_id: string; status: string }>(
      `select order_id, seq_id, status from order_items where status in ('APPROVED','ALLOCATED') order by random() limit 1`);
    const it = rows[0];
    if (!it) { await new Promise((r) => setTimeout(r, 20)); continue; }
    if (ops % 3 === 0) await d.db.transaction((tx) => cancelOrder(tx, it.order_id, 'churn'));
    else {
      await d.db.transaction(async (tx) => {
        const t = tx;
        if (!(await lockOrder(t, it.order_id))) return;
        const [cur] = await t.select().from(orderItems).where(and(eq(orderItems.orderId, it.order_id), eq(orderItems.seqId, it.seq_id)));
        if (cur?.status !== 'ALLOCATED') return;
        await closeReservation(t, it.order_id, it.seq_id, 'RELEASED', 'churn', 'REJECTED');
        await moveItems(t, it.order_id, [cur], 'reject', '_NA_', 'REJECTED', 'churn');
        await refreshOrderStatus(t, it.order_id);
      });
    }
    ops++;
  }
}
await d.close();
process.stdout.write(JSON.stringify({ mode, ops }));
