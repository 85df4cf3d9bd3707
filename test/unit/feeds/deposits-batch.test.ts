import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  FeedEncodeError,
  FeedFileError,
  NETSUITE_CSV_LIMITS,
  SALES_ORDER_COLUMNS,
  batchRows,
  createCustomerDepositEncoder,
  csvLineBytes,
  decodeCustomerDeposits,
  encodeCustomerDeposits,
  salesOrderGroupKey,
  type CustomerDepositRow,
  type SalesOrderLineRow,
} from '../../../src/feeds/codec';

const deposits: CustomerDepositRow[] = [
  { orderId: '9001', totalAmount: '49.90', paymentMethod: '7', externalId: 'PAY1' },
  { orderId: '9002', totalAmount: 12, paymentMethod: '7', externalId: 'PAY2' },
];

describe('customer deposits JSON', () => {
  it('encodes a JSON array with exact decimal digits', () => {
    const json = encodeCustomerDeposits(deposits);
    expect(json).toBe(
      '[\n{"orderId":"9001","totalAmount":49.90,"paymentMethod":"7","externalId":"PAY1"},\n' +
        '{"orderId":"9002","totalAmount":12,"paymentMethod":"7","externalId":"PAY2"}\n]\n',
    );
    expect(JSON.parse(json)).toEqual([
      { orderId: '9001', totalAmount: 49.9, paymentMethod: '7', externalId: 'PAY1' },
      { orderId: '9002', totalAmount: 12, paymentMethod: '7', externalId: 'PAY2' },
    ]);
    expect(encodeCustomerDeposits([])).toBe('[]\n');
  });

  it('the streaming encoder writes the same bytes', async () => {
    for (const rows of [deposits, []]) {
      let out = '';
      await pipeline(Readable.from(rows), createCustomerDepositEncoder(), new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) }));
      expect(out).toBe(encodeCustomerDeposits(rows));
    }
  });

  it('refuses bad amounts and ids', () => {
    for (const totalAmount of ['abc', '1,5', '0', '0.00', '-5', '007.5', '1e3', Number.NaN]) {
      expect(() => encodeCustomerDeposits([{ ...deposits[0], totalAmount }]), String(totalAmount)).toThrow(FeedEncodeError);
    }
    expect(() => encodeCustomerDeposits([{ ...deposits[0], externalId: '=1' }])).toThrow(/externalId/);
  });

  it('decodes and reports bad elements by position', () => {
    const results = decodeCustomerDeposits(`\uFEFF${encodeCustomerDeposits(deposits).replace(']', ',{"orderId":"1","totalAmount":"x","paymentMethod":"7","externalId":"P"},"x"]')}`);
    expect(results).toEqual([
      { ok: true, row: 1, value: { orderId: '9001', totalAmount: '49.9', paymentMethod: '7', externalId: 'PAY1' } },
      { ok: true, row: 2, value: { orderId: '9002', totalAmount: '12', paymentMethod: '7', externalId: 'PAY2' } },
      { ok: false, row: 3, field: 'totalAmount', message: 'is not a decimal number' },
      { ok: false, row: 4, message: 'is not an object' },
    ]);
    expect(() => decodeCustomerDeposits('{"a":1}')).toThrow(FeedFileError);
    expect(() => decodeCustomerDeposits('[{')).toThrow(FeedFileError);
  });
});

describe('batchRows (NetSuite file limits, scenario 16)', () => {
  const line = (order: number, n: number): SalesOrderLineRow => ({
    HCOrderId: `O${order}`, externalId: `E${order}`, date: '1/1/2025', customer: '1', subsidiary: '1',
    orderLineId: String(n), item: '1', quantity: 1, price: '1.00', closed: false,
  });

  it('defaults to 25,000 rows and 50 MB', () => {
    expect(NETSUITE_CSV_LIMITS).toEqual({ maxRows: 25_000, maxBytes: 52_428_800 });
    const rows = Array.from({ length: 60_001 }, (_, i) => ({ i }));
    expect([...batchRows(rows)].map((b) => b.length)).toEqual([25_000, 25_000, 10_001]);
  });

  it('never splits one order across files', () => {
    const rows = [line(1, 1), line(1, 2), line(2, 1), line(2, 2), line(2, 3), line(3, 1)];
    const batches = [...batchRows(rows, { maxRows: 4, groupKey: salesOrderGroupKey })];
    expect(batches.map((b) => b.map((r) => `${r.HCOrderId}/${r.orderLineId}`))).toEqual([
      ['O1/1', 'O1/2'],
      ['O2/1', 'O2/2', 'O2/3', 'O3/1'],
    ]);
    expect(() => [...batchRows([line(1, 1), line(2, 1), line(1, 2)], { groupKey: salesOrderGroupKey })]).toThrow(/not consecutive/);
    expect(() => [...batchRows(rows, { maxRows: 2, groupKey: salesOrderGroupKey })]).toThrow(/exceeds/);
  });

  it('respects a byte limit measured on the encoded rows', () => {
    const rows = Array.from({ length: 10 }, (_, i) => line(i, 1));
    const header = csvLineBytes(SALES_ORDER_COLUMNS, null);
    const one = csvLineBytes(SALES_ORDER_COLUMNS, rows[0]);
    const batches = [...batchRows(rows, { columns: SALES_ORDER_COLUMNS, maxBytes: header + 3 * one })];
    expect(batches.map((b) => b.length)).toEqual([3, 3, 3, 1]);
  });
});
