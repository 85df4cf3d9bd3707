import { describe, expect, it } from 'vitest';
import {
  collectDecoded,
  encodeInventoryAdjustments,
  formatNsDate,
  inventoryAdjustmentFeed,
  inventoryAdjustmentRow,
  isInventoryVarianceReason,
  normalizeVarianceReason,
  parseLenientDate,
  parseNsDate,
  signedVarianceQuantity,
} from '../../../src/feeds/codec';

describe('M/D/YYYY dates', () => {
  it('formats without leading zeros, in UTC by default', () => {
    expect(formatNsDate(new Date(Date.UTC(2024, 1, 29, 12)))).toBe('2/29/2024');
    expect(formatNsDate(new Date(Date.UTC(2024, 0, 5)))).toBe('1/5/2024');
    expect(formatNsDate(new Date(Date.UTC(2025, 11, 31, 23, 59)))).toBe('12/31/2025');
  });

  it('uses the calendar day of the given time zone', () => {
    const t = new Date('2024-03-01T03:30:00Z'); // still Feb 29 in New York
    expect(formatNsDate(t)).toBe('3/1/2024');
    expect(formatNsDate(t, 'America/New_York')).toBe('2/29/2024');
    expect(formatNsDate(new Date('2024-02-29T20:00:00Z'), 'Asia/Tokyo')).toBe('3/1/2024');
  });

  it('parses M/D/YYYY strictly as a calendar date', () => {
    expect(parseNsDate('2/29/2024')).toEqual(new Date(Date.UTC(2024, 1, 29)));
    expect(parseNsDate('02/09/2024')).toEqual(new Date(Date.UTC(2024, 1, 9)));
    for (const bad of ['2/30/2024', '2/29/2023', '13/1/2024', '2024-02-29', '2/29/24', '']) expect(parseNsDate(bad)).toBeNull();
  });

  it('parses inbound dates leniently (ISO or M/D/YYYY)', () => {
    expect(parseLenientDate('2024-02-29')).toEqual(new Date('2024-02-29T00:00:00Z'));
    expect(parseLenientDate('2024-02-29T13:05:00Z')).toEqual(new Date('2024-02-29T13:05:00Z'));
    expect(parseLenientDate('2024-02-29T13:05:00.123+01:00')).toEqual(new Date('2024-02-29T12:05:00.123Z'));
    expect(parseLenientDate('2024-02-29 13:05')).toEqual(new Date('2024-02-29T13:05:00Z'));
    expect(parseLenientDate('2/29/2024')).toEqual(new Date('2024-02-29T00:00:00Z'));
    expect(parseLenientDate('2/29/2024 1:05 pm')).toEqual(new Date('2024-02-29T13:05:00Z'));
    expect(parseLenientDate('2/29/2024 12:05 am')).toEqual(new Date('2024-02-29T00:05:00Z'));
    for (const bad of ['yesterday', '2024-02-30', '2024-13-01', '2/29/2024 25:00', '29.02.2024', '2024-02-29T10:00:00+25:00']) {
      expect(parseLenientDate(bad), bad).toBeNull();
    }
  });
});

describe('variance reasons', () => {
  it('normalises VAR_DAMANGED (seed typo) to VAR_DAMAGED', () => {
    expect(normalizeVarianceReason('VAR_DAMANGED')).toBe('VAR_DAMAGED');
    expect(normalizeVarianceReason('VAR_DAMAGED')).toBe('VAR_DAMAGED');
    expect(normalizeVarianceReason('VAR_STOLEN')).toBe('VAR_STOLEN');
    expect(normalizeVarianceReason('VAR_FOUND')).toBe('VAR_FOUND');
  });

  it('other reasons are not pushed', () => {
    for (const r of ['VAR_LOST', 'NOT_IN_STOCK', 'var_stolen', '', 'toString', '__proto__']) {
      expect(normalizeVarianceReason(r), r).toBeNull();
      expect(isInventoryVarianceReason(r)).toBe(false);
    }
  });

  it('signs the quantity: negative for stolen/damaged, positive for found', () => {
    expect(signedVarianceQuantity('VAR_STOLEN', 5)).toBe(-5);
    expect(signedVarianceQuantity('VAR_DAMANGED', 2)).toBe(-2);
    expect(signedVarianceQuantity('VAR_FOUND', 3)).toBe(3);
    expect(() => signedVarianceQuantity('VAR_FOUND', 0)).toThrow(RangeError);
    expect(() => signedVarianceQuantity('VAR_FOUND', -1)).toThrow(RangeError);
    expect(() => signedVarianceQuantity('VAR_FOUND', 1.5)).toThrow(RangeError);
    expect(() => signedVarianceQuantity('VAR_LOST', 1)).toThrow(RangeError);
  });

  it('builds the feed row and the file', async () => {
    const row = inventoryAdjustmentRow({
      varianceId: 'VAR10001',
      reason: 'VAR_DAMANGED',
      quantity: 5,
      item: '1234',
      location: '7',
      date: new Date('2024-03-01T03:30:00Z'),
      timeZone: 'America/New_York',
      orderId: 'OMS10001',
      adjustmentAccount: '927',
      subsidiary: '1',
    });
    expect(row).toEqual({
      referenceNo: 'VAR10001',
      adjustmentAccount: '927',
      item: '1234',
      adjustQtyBy: -5,
      location: '7',
      date: '2/29/2024',
      memo: 'VAR_DAMAGED, order OMS10001',
      subsidiary: '1',
      hcInventoryAdjId: 'VAR10001',
      adjustmentLocation: '7',
    });
    const csv = encodeInventoryAdjustments([row]);
    expect(csv).toBe(
      'Reference No,Adjustment Account,Item,Adjust Qty By,Location,Date,Memo,Subsidiary,HC Inventory Adj Id,Adjustment Location\n' +
        'VAR10001,927,1234,-5,7,2/29/2024,"VAR_DAMAGED, order OMS10001",1,VAR10001,7\n',
    );
    expect(csv).not.toContain('DAMANGED');
    const { rows } = await collectDecoded(inventoryAdjustmentFeed.decode(csv));
    expect(rows[0].value).toEqual(row);
  });

  it('a Date in the Date column is written as its UTC day; a bad date string is refused', () => {
    const base = inventoryAdjustmentRow({
      varianceId: 'V1', reason: 'VAR_FOUND', quantity: 1, item: '1', location: '1',
      date: new Date(), adjustmentAccount: '1', subsidiary: '1',
    });
    expect(encodeInventoryAdjustments([{ ...base, date: new Date(Date.UTC(2024, 6, 4, 23)) }])).toContain(',7/4/2024,');
    expect(() => encodeInventoryAdjustments([{ ...base, date: '2024-07-04' }])).toThrow(/"Date"/);
    expect(() => encodeInventoryAdjustments([{ ...base, date: '2/30/2024' }])).toThrow(/"Date"/);
  });
});
