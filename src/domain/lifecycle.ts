/**
 * The order item state machine as a transition table, and the order status derived from its
 * items. Pure: callers persist the result (and refuse with HTTP 409 what is illegal here).
 */
export const ITEM_STATUSES = ['CREATED', 'APPROVED', 'ALLOCATED', 'PACKED', 'SHIPPED', 'CANCELLED', 'EXCEPTION'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const ORDER_STATUSES = ['CREATED', 'APPROVED', 'PARTIALLY_ALLOCATED', 'ALLOCATED', 'COMPLETED', 'CANCELLED', 'EXCEPTION'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** What can happen to an item; each event is legal only from the listed statuses. */
export const ITEM_TRANSITIONS = {
  /** Order approved: the item enters the brokering queue. */
  approve: { from: ['CREATED'], to: 'APPROVED' },
  /** A brokering run placed the item at a facility (with its reservation). */
  allocate: { from: ['APPROVED'], to: 'ALLOCATED' },
  /** A brokering run put the order in Exception: the item waits in the Exception parking. */
  exception: { from: ['APPROVED'], to: 'EXCEPTION' },
  /** An operator retries an Exception order: back to the brokering queue. */
  retry: { from: ['EXCEPTION'], to: 'APPROVED' },
  /** Store staff packed it. */
  pack: { from: ['ALLOCATED'], to: 'PACKED' },
  /** Shipped by a store or by NetSuite. */
  ship: { from: ['ALLOCATED', 'PACKED'], to: 'SHIPPED' },
  /** The facility gave it back (store reject or NetSuite rejection): back to the queue or a parking. */
  reject: { from: ['ALLOCATED', 'PACKED'], to: 'APPROVED' },
  /** Cancelled; releases its reservation. */
  cancel: { from: ['CREATED', 'APPROVED', 'ALLOCATED', 'PACKED', 'EXCEPTION'], to: 'CANCELLED' },
} as const satisfies Record<string, { from: readonly ItemStatus[]; to: ItemStatus }>;

export type ItemEvent = keyof typeof ITEM_TRANSITIONS;

export type TransitionResult =
  | { ok: true; from: ItemStatus; to: ItemStatus }
  | { ok: false; kind: 'illegal_transition'; message: string };

/** The item's next status for `event`, or why the event is illegal from `status`. */
export function transitionItem(status: ItemStatus, event: ItemEvent): TransitionResult {
  const t = ITEM_TRANSITIONS[event];
  if ((t.from as readonly ItemStatus[]).includes(status)) return { ok: true, from: status, to: t.to };
  return {
    ok: false, kind: 'illegal_transition',
    message: `cannot ${event} an item that is ${status} (allowed from ${t.from.join(', ')})`,
  };
}

/** The order's status from its items' statuses. */
export function deriveOrderStatus(items: readonly ItemStatus[]): OrderStatus {
  const live = items.filter((s) => s !== 'CANCELLED');
  if (live.length === 0) return 'CANCELLED';
  if (live.some((s) => s === 'EXCEPTION')) return 'EXCEPTION';
  if (live.every((s) => s === 'CREATED')) return 'CREATED';
  if (live.every((s) => s === 'SHIPPED')) return 'COMPLETED';
  const placed = live.filter((s) => s === 'ALLOCATED' || s === 'PACKED' || s === 'SHIPPED').length;
  if (placed === live.length) return 'ALLOCATED';
  if (placed > 0) return 'PARTIALLY_ALLOCATED';
  return 'APPROVED';
}
