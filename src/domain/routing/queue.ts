import type { Order } from './types';

/**
 * Sorts a brokering queue: `priority` descending (missing = 0), then `orderDate` ascending
 * (missing last), then the given order (stable). `routeOrders` itself never re-sorts.
 */
export function sortBrokeringQueue<T extends Pick<Order, 'priority' | 'orderDate'>>(orders: readonly T[]): T[] {
  const time = (d: string | undefined): number => {
    const t = d === undefined ? NaN : Date.parse(d);
    return Number.isNaN(t) ? Infinity : t;
  };
  return orders
    .map((o, i) => ({ o, i, p: o.priority ?? 0, t: time(o.orderDate) }))
    .sort((a, b) => b.p - a.p || (a.t === b.t ? 0 : a.t < b.t ? -1 : 1) || a.i - b.i)
    .map((x) => x.o);
}
