/** Building order results and committing an order's allocation (daily-order counters). */
import type { OrderAllocation, Line } from './allocate';
import type { RoutingContext, StockState } from './context';
import type { ExceptionReason, LineQuantity, Order, OrderResult } from './types';

/** An EXCEPTION result: nothing allocated, nothing queued. */
export function exceptionResult(
  order: Order,
  reason: ExceptionReason,
  message: string,
  warnings: string[],
  explanation: string[],
): OrderResult {
  explanation.push(`order set to EXCEPTION (${reason}): ${message}`);
  return { id: order.id, status: 'EXCEPTION', shipments: [], queued: [], exception: { reason, message }, warnings, explanation };
}

/** A QUEUED result: every line stays in the brokering queue with its full quantity. */
export function queuedResult(order: Order, warnings: string[], explanation: string[]): OrderResult {
  const queued = order.items.map((it) => ({ seq: it.seq, quantity: it.quantity }));
  return { id: order.id, status: 'QUEUED', shipments: [], queued, exception: null, warnings, explanation };
}

/**
 * Commits the order's allocation: counts one order at each facility it uses (daily limits) and
 * returns the result with status ALLOCATED, PARTIALLY_ALLOCATED or QUEUED.
 */
export function allocatedResult(
  ctx: RoutingContext,
  stock: StockState,
  order: Order,
  a: OrderAllocation,
  queued: LineQuantity[],
  warnings: string[],
  explanation: string[],
): OrderResult {
  if (ctx.hasDailyLimits) {
    for (const f of a.facilities()) {
      stock.ordersToday[f] += 1;
      if (stock.atLimit[f] === 0 && stock.ordersToday[f] >= ctx.dailyLimit[f]) {
        stock.atLimit[f] = 1;
        stock.atLimitList.push(f);
        stock.atLimitVersion++;
      }
    }
  }
  const shipments = a.shipments();
  const status = queued.length === 0 ? 'ALLOCATED' : shipments.length > 0 ? 'PARTIALLY_ALLOCATED' : 'QUEUED';
  return { id: order.id, status, shipments, queued, exception: null, warnings, explanation };
}

/** "lines 00001, 00002" */
export function seqList(lines: readonly Line[]): string {
  return `line${lines.length === 1 ? '' : 's'} ${lines.map((l) => l.seq).join(', ')}`;
}
