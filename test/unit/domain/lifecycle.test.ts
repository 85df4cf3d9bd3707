import { describe, expect, it } from 'vitest';
import { deriveOrderStatus, ITEM_STATUSES, ITEM_TRANSITIONS, transitionItem, type ItemEvent, type ItemStatus } from '../../../src/domain/lifecycle';
import { availableToPromise, effectiveSafetyStock, rejectionOnHandDelta } from '../../../src/domain/inventory';
import { itemSeqId, newId } from '../../../src/domain/ids';

// Written out by hand: the legal moves of an order item.
const LEGAL: [ItemStatus, ItemEvent, ItemStatus][] = [
  ['CREATED', 'approve', 'APPROVED'],
  ['APPROVED', 'allocate', 'ALLOCATED'],
  ['APPROVED', 'exception', 'EXCEPTION'],
  ['EXCEPTION', 'retry', 'APPROVED'],
  ['ALLOCATED', 'pack', 'PACKED'],
  ['ALLOCATED', 'ship', 'SHIPPED'],
  ['PACKED', 'ship', 'SHIPPED'],
  ['ALLOCATED', 'reject', 'APPROVED'],
  ['PACKED', 'reject', 'APPROVED'],
  ['CREATED', 'cancel', 'CANCELLED'],
  ['APPROVED', 'cancel', 'CANCELLED'],
  ['ALLOCATED', 'cancel', 'CANCELLED'],
  ['PACKED', 'cancel', 'CANCELLED'],
  ['EXCEPTION', 'cancel', 'CANCELLED'],
];

describe('item lifecycle', () => {
  it.each(LEGAL)('%s --%s--> %s', (from, event, to) => {
    expect(transitionItem(from, event)).toEqual({ ok: true, from, to });
  });

  it('refuses every other (status, event) pair with a message naming both', () => {
    const legal = new Set(LEGAL.map(([f, e]) => `${f}/${e}`));
    let refused = 0;
    for (const s of ITEM_STATUSES) for (const e of Object.keys(ITEM_TRANSITIONS) as ItemEvent[]) {
      if (legal.has(`${s}/${e}`)) continue;
      const r = transitionItem(s, e);
      expect(r.ok).toBe(false);
      if (!r.ok) { expect(r.message).toContain(s); expect(r.message).toContain(e); }
      refused++;
    }
    expect(refused).toBe(ITEM_STATUSES.length * Object.keys(ITEM_TRANSITIONS).length - LEGAL.length);
    expect(transitionItem('SHIPPED', 'cancel').ok).toBe(false);
    expect(transitionItem('CANCELLED', 'approve').ok).toBe(false);
  });
});

describe('order status derived from items', () => {
  it.each([
    [['CREATED', 'CREATED'], 'CREATED'],
    [['APPROVED', 'APPROVED'], 'APPROVED'],
    [['ALLOCATED', 'APPROVED'], 'PARTIALLY_ALLOCATED'],
    [['ALLOCATED', 'PACKED', 'SHIPPED'], 'ALLOCATED'],
    [['SHIPPED', 'CANCELLED'], 'COMPLETED'],
    [['CANCELLED', 'CANCELLED'], 'CANCELLED'],
    [['EXCEPTION', 'APPROVED'], 'EXCEPTION'],
    [['EXCEPTION', 'CANCELLED'], 'EXCEPTION'],
  ] as [ItemStatus[], string][])('%j → %s', (items, status) => {
    expect(deriveOrderStatus(items)).toBe(status);
  });
});

describe('inventory math and ids', () => {
  it('available never goes below zero', () => {
    expect(availableToPromise(10, 3, 2)).toBe(5);
    expect(availableToPromise(3, 3, 2)).toBe(0);
    expect(availableToPromise(1, 5, 0)).toBe(0);
  });
  it('product safety stock overrides the facility one', () => {
    expect(effectiveSafetyStock(null, 4)).toBe(4);
    expect(effectiveSafetyStock(0, 4)).toBe(0);
  });
  it('rejection deltas by variance type', () => {
    expect(rejectionOnHandDelta('NO_VARIANCE', -1, 2, 10)).toBe(0);
    expect(rejectionOnHandDelta('ADJUST_BY_QTY', -1, 2, 10)).toBe(-2);
    expect(rejectionOnHandDelta('ADJUST_BY_QTY', -1, 5, 3)).toBe(-3);
    expect(rejectionOnHandDelta('ADJUST_BY_QTY', 1, 2, 10)).toBe(2);
    expect(rejectionOnHandDelta('ZERO_OUT', -1, 1, 7)).toBe(-7);
  });
  it('ids are prefixed, sortable by time and distinct', () => {
    const a = newId('ORD', 1_000), b = newId('ORD', 2_000);
    expect(a).toMatch(/^ORD-[0-9A-Z]{18}$/);
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => newId('X'))).size).toBe(1000);
    expect(itemSeqId(7)).toBe('00007');
  });
});
