/** Inventory arithmetic. Available-to-promise is derived, never stored. */

/** On hand − reserved − safety stock, never below zero. */
export function availableToPromise(onHand: number, reserved: number, safetyStock: number): number {
  return Math.max(0, onHand - reserved - safetyStock);
}

/** The safety stock that applies: the product-at-facility value when set, else the facility's. */
export function effectiveSafetyStock(productLevel: number | null | undefined, facilityLevel: number): number {
  return productLevel ?? facilityLevel;
}

/**
 * The on-hand delta a store rejection causes: none, minus/plus the rejected quantity (bounded so
 * on hand never goes below zero), or zeroing out what is left.
 */
export function rejectionOnHandDelta(
  varianceType: 'NO_VARIANCE' | 'ADJUST_BY_QTY' | 'ZERO_OUT', sign: number, quantity: number, onHand: number,
): number {
  if (varianceType === 'NO_VARIANCE') return 0;
  if (varianceType === 'ZERO_OUT') return -onHand;
  return sign < 0 ? -Math.min(quantity, onHand) : quantity;
}
