import { describe, expect, it } from 'vitest';
import {
  FEED_LIST,
  brokeredItemsFeed,
  customerDepositsFeed,
  feedFileName,
  feedFilePath,
  fulfillmentFeed,
  inboundFeedsIn,
  inventoryAdjustmentFeed,
  isSafeFeedFileName,
  orderIdentificationFeed,
  parseFeedFileName,
  rejectedItemsFeed,
  salesOrdersFeed,
} from '../../../src/feeds/codec';

const RUN = '3f2b9c1e-7d4a-4e8b-9a61-0c5d2e7f8a90';

describe('feedFileName', () => {
  it('uses the UTC time stamp yyyy-MM-dd-HH-mm-ss and the run id', () => {
    // 23:59:58 in New York on Feb 28 is Feb 29 04:59:58 UTC.
    const d = new Date('2024-02-28T23:59:58-05:00');
    expect(feedFileName('brokeredOrderItemsFeed', d, RUN, 'csv')).toBe(
      `brokeredOrderItemsFeed_2024-02-29-04-59-58_${RUN}.csv`,
    );
    expect(brokeredItemsFeed.fileName(new Date(Date.UTC(2025, 0, 2, 3, 4, 5)), 'r1')).toBe(
      'brokeredOrderItemsFeed_2025-01-02-03-04-05_r1.csv',
    );
    expect(customerDepositsFeed.fileName(new Date(Date.UTC(2025, 11, 31, 23, 0, 9)), 'abc')).toBe(
      'CustomerDepositFeed_2025-12-31-23-00-09_abc.json',
    );
    expect(inventoryAdjustmentFeed.fileName(new Date(0), 'x')).toBe('InventoryAdjustmentFeed_1970-01-01-00-00-00_x.csv');
  });

  it('two runs in the same second get different names', () => {
    const d = new Date();
    expect(salesOrdersFeed.fileName(d, 'run-a')).not.toBe(salesOrdersFeed.fileName(d, 'run-b'));
  });

  it('refuses unsafe run ids and prefixes', () => {
    for (const bad of ['', '../x', 'a/b', 'a b', 'a_b', 'x'.repeat(65), 'a.csv']) {
      expect(() => feedFileName('CustomerFeed', new Date(), bad, 'csv')).toThrow(RangeError);
    }
    expect(() => feedFileName('../x', new Date(), 'r', 'csv')).toThrow(RangeError);
    expect(() => feedFileName('X', new Date(Number.NaN), 'r', 'csv')).toThrow(RangeError);
  });

  it('round-trips through parseFeedFileName and matches the feed pattern', () => {
    const d = new Date(Date.UTC(2024, 1, 29, 12, 30, 15));
    const name = salesOrdersFeed.fileName(d, RUN);
    expect(parseFeedFileName(name)).toEqual({ prefix: 'CreateOrderFeed', timestamp: d, runId: RUN, ext: 'csv' });
    expect(salesOrdersFeed.isFileName(name)).toBe(true);
    expect(salesOrdersFeed.isFileName(`${name}.part`)).toBe(false);
    expect(brokeredItemsFeed.isFileName(name)).toBe(false);
    expect(parseFeedFileName('CreateOrderFeed_2024-02-30-00-00-00_r.csv')).toBeNull();
  });
});

describe('inbound name patterns', () => {
  it('accept the names NetSuite scripts write', () => {
    expect(rejectedItemsFeed.isFileName('2025-11-24-10-00-00-RejectedSalesOrderItemExport.csv')).toBe(true);
    expect(
      rejectedItemsFeed.isFileName('Mon Nov 24 2025 00:06:00 GMT-0800 (Pacific Standard Time)-RejectedSalesOrderItemExport.csv'),
    ).toBe(true);
    expect(fulfillmentFeed.isFileName('2025-11-24-10-00-00-SalesOrderFulfillment.csv')).toBe(true);
    expect(orderIdentificationFeed.isFileName('2025-11-24-SalesOrderExport.csv')).toBe(true);
  });

  it('reject other names, partial uploads and traversal attempts (scenario 21)', () => {
    const bad = [
      '-RejectedSalesOrderItemExport.csv', // empty wildcard
      'x-RejectedSalesOrderItemExport.csv.part',
      'x-RejectedSalesOrderItemExport.CSV',
      'x-RejectedSalesOrderItemExport.csv\0.txt',
      '../../etc/x-RejectedSalesOrderItemExport.csv',
      'a/b-RejectedSalesOrderItemExport.csv',
      'a\\b-RejectedSalesOrderItemExport.csv',
      '/abs-RejectedSalesOrderItemExport.csv',
      '..-RejectedSalesOrderItemExport.csv',
      '.hidden-RejectedSalesOrderItemExport.csv',
      'x\n-RejectedSalesOrderItemExport.csv',
      'x-SalesOrderFulfillment.csv',
      '..',
      '.',
      '',
    ];
    for (const name of bad) expect(rejectedItemsFeed.isFileName(name), JSON.stringify(name)).toBe(false);
    for (const name of ['../x.csv', 'a/b.csv', '..', 'x.csv\0.txt', '/etc/x.csv', 'x.json', 'x.csv.part', '.csv']) {
      expect(orderIdentificationFeed.isFileName(name), JSON.stringify(name)).toBe(false);
    }
  });

  it('every pattern is anchored', () => {
    for (const f of FEED_LIST) {
      const good = f.direction === 'outbound' ? `${f.prefix}_2024-01-01-00-00-00_r.${f.format}` : f.glob.replace('*', 'x');
      expect(isSafeFeedFileName(good, f.pattern), f.name).toBe(true);
      if (f.direction === 'outbound') expect(f.pattern.test(`a${good}`), f.name).toBe(false);
      expect(isSafeFeedFileName(`${good}x`, f.pattern), f.name).toBe(false);
    }
  });

  it('feedFilePath stays inside the feed folder', () => {
    const root = '/home/oms/netsuite';
    expect(feedFilePath(root, fulfillmentFeed.folder, 'a-SalesOrderFulfillment.csv', fulfillmentFeed.pattern)).toBe(
      '/home/oms/netsuite/salesorder/import/fulfillment/a-SalesOrderFulfillment.csv',
    );
    expect(() => feedFilePath(root, fulfillmentFeed.folder, '../a-SalesOrderFulfillment.csv', fulfillmentFeed.pattern)).toThrow();
    expect(() => feedFilePath('relative', fulfillmentFeed.folder, 'a-SalesOrderFulfillment.csv', fulfillmentFeed.pattern)).toThrow();
    expect(() => feedFilePath(root, '../../etc/', 'a-SalesOrderFulfillment.csv', fulfillmentFeed.pattern)).toThrow();
  });

  it('inboundFeedsIn finds the reader for a folder', () => {
    expect(inboundFeedsIn('salesorder/rejectedorderitem/').map((f) => f.name)).toEqual(['rejected-items']);
    expect(inboundFeedsIn('salesorder/update/')).toEqual([]);
  });
});
