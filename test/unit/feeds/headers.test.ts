import { describe, expect, it } from 'vitest';
import {
  FEEDS,
  FEED_LIST,
  type CsvFeed,
  brokeredItemsFeed,
  customerIdentificationFeed,
  customersFeed,
  fulfilledItemsFeed,
  fulfillmentFeed,
  inventoryAdjustmentFeed,
  orderIdentificationFeed,
  orderItemAttributeFeed,
  rejectedItemsFeed,
  salesOrdersFeed,
} from '../../../src/feeds/codec';

// Copied verbatim from /work/shared/contracts/feeds.md.
const CONTRACT: [CsvFeed<object, unknown>, string, string][] = [
  [brokeredItemsFeed, 'salesorder/update/', 'internalId,lineId,item,location,quantity,closed,rejected,orderLineId'],
  [fulfilledItemsFeed, 'salesorder/update/', 'internalId,lineId,item,quantity,location,tags,orderLineId'],
  [rejectedItemsFeed, 'salesorder/rejectedorderitem/', 'orderId,orderItemSeqId,rejectionComments,rejectionReason,facilityId,rejectionId'],
  [
    inventoryAdjustmentFeed,
    'inventoryadjustment/csv/',
    'Reference No,Adjustment Account,Item,Adjust Qty By,Location,Date,Memo,Subsidiary,HC Inventory Adj Id,Adjustment Location',
  ],
  [customersFeed, 'customer/export/', 'HCCustomerId,externalId,firstName,lastName,email,phone,subsidiary,individual'],
  [
    salesOrdersFeed,
    'salesorder/export/',
    'HCOrderId,externalId,date,customer,email,salesChannel,subsidiary,location,shippingMethod,shippingCost,orderLineId,item,quantity,price,closed,addressee,address1,address2,city,state,zip,country,phone',
  ],
  [orderIdentificationFeed, 'salesorder/import/orderidentification/', 'orderId,orderIdentificationTypeId,idValue'],
  [orderItemAttributeFeed, 'salesorder/import/orderitemattribute/', 'orderId,orderItemSeqId,attrName,attrValue'],
  [customerIdentificationFeed, 'customer/import/', 'partyId,partyIdentificationTypeId,idValue'],
  [
    fulfillmentFeed,
    'salesorder/import/fulfillment/',
    'orderId,orderItemSeqId,externalFacilityId,shippedDate,quantity,trackingNumber,carrier,shippingMethod,shippingMethodId',
  ],
];

describe('feed headers match the contract exactly', () => {
  it.each(CONTRACT.map(([f, folder, header]) => [f.name, f, folder, header] as const))(
    '%s',
    (_name, feed, folder, header) => {
      expect(feed.header).toBe(header);
      expect(feed.folder).toBe(folder);
      // The encoder writes exactly that header line first, also for an empty file.
      expect(feed.encode([])).toBe(`${header}\n`);
      // Every schema key is a column key and vice versa.
      const keys = feed.columns.map((c) => c.key ?? c.name).sort();
      const shape = Object.keys((feed.schema as unknown as { shape: object }).shape).sort();
      expect(shape).toEqual(keys);
    },
  );

  it('the registry lists every feed once with direction, folder and name pattern', () => {
    expect(FEED_LIST).toHaveLength(12);
    expect(new Set(FEED_LIST.map((f) => f.name)).size).toBe(12);
    for (const f of FEED_LIST) {
      expect(f.folder).toMatch(/^[a-z]+(\/[a-z-]+)*\/$/);
      expect(f.pattern.source.startsWith('^') && f.pattern.source.endsWith('$')).toBe(true);
      if (f.direction === 'outbound') expect(f.prefix).toBeTruthy();
    }
    const summary = Object.fromEntries(FEED_LIST.map((f) => [f.name, [f.direction, f.folder, f.glob]]));
    expect(summary).toEqual({
      'brokered-items': ['outbound', 'salesorder/update/', 'brokeredOrderItemsFeed_{ts}_{run}.csv'],
      'fulfilled-items': ['outbound', 'salesorder/update/', 'fulfilledOrderItemsFeed_{ts}_{run}.csv'],
      'rejected-items': ['inbound', 'salesorder/rejectedorderitem/', '*-RejectedSalesOrderItemExport.csv'],
      'inventory-adjustment': ['outbound', 'inventoryadjustment/csv/', 'InventoryAdjustmentFeed_{ts}_{run}.csv'],
      customers: ['outbound', 'customer/export/', 'CustomerFeed_{ts}_{run}.csv'],
      'sales-orders': ['outbound', 'salesorder/export/', 'CreateOrderFeed_{ts}_{run}.csv'],
      'order-identification': ['inbound', 'salesorder/import/orderidentification/', '*.csv'],
      'order-item-attribute': ['inbound', 'salesorder/import/orderitemattribute/', '*.csv'],
      'customer-identification': ['inbound', 'customer/import/', '*.csv'],
      'customer-deposits': ['outbound', 'salesorder/customerdeposit/', 'CustomerDepositFeed_{ts}_{run}.json'],
      fulfillment: ['inbound', 'salesorder/import/fulfillment/', '*-SalesOrderFulfillment.csv'],
      'customer-deposit-ids': ['inbound', 'salesorder/import/orderpayment/', '*-CustomerDepositExport.csv'],
    });
    expect(FEEDS['customer-deposits'].format).toBe('json');
  });
});
