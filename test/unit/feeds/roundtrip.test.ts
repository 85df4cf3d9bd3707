import { describe, expect, it } from 'vitest';
import {
  collectDecoded,
  customerIdentificationFeed,
  customersFeed,
  decodeFulfillments,
  decodeOrderIdentifications,
  decodeOrderItemAttributes,
  encodeFulfilledItems,
  createFulfilledItemsEncoder,
  fulfilledItemsFeed,
  fulfillmentFeed,
  orderIdentificationFeed,
  orderItemAttributeFeed,
  rejectedItemsFeed,
  salesOrdersFeed,
  brokeredItemsFeed,
  type BrokeredItemRow,
  type CsvFeed,
  type DecodeResult,
} from '../../../src/feeds/codec';

async function roundTrip<Row extends object, Rec>(feed: CsvFeed<Row, Rec>, rows: Row[]) {
  const csv = feed.encode(rows);
  const { rows: back, errors } = await collectDecoded(feed.decode(csv));
  expect(errors).toEqual([]);
  return back.map((r) => r.value);
}

describe('round-trips (encode → decode)', () => {
  it('brokered items v2: rejected forced to F, closed as given, split pieces with an empty lineId', async () => {
    const rows = [
      { internalId: '9001', lineId: '1', item: '501', location: '3', quantity: 2, closed: 'F' as const, orderLineId: '00001' },
      { internalId: '9001', lineId: '2', item: '502', location: '3', quantity: '1', closed: 'F' as const, orderLineId: '00002' },
      { internalId: '9001', item: '502', location: '4', quantity: 1, closed: 'F' as const, orderLineId: '00003' },
      { internalId: '9001', lineId: '5', item: '503', quantity: 2, closed: 'T' as const, orderLineId: '00005' },
    ];
    // even a caller passing rejected: 'T' cannot change the contract value
    const csv = brokeredItemsFeed.encode([{ ...rows[0], rejected: 'T' } as unknown as BrokeredItemRow, rows[2], rows[3]]);
    expect(csv.split('\n')).toEqual([
      'internalId,lineId,item,location,quantity,closed,rejected,orderLineId',
      '9001,1,501,3,2,F,F,00001',
      '9001,,502,4,1,F,F,00003',
      '9001,5,503,,2,T,F,00005',
      '',
    ]);
    expect(await roundTrip(brokeredItemsFeed, rows)).toEqual([
      { ...rows[0], closed: false, rejected: false },
      { ...rows[1], quantity: 1, closed: false, rejected: false },
      { ...rows[2], lineId: undefined, closed: false, rejected: false },
      { ...rows[3], location: undefined, closed: true, rejected: false },
    ]);
  });

  it('fulfilled items with the default and a configured tag', async () => {
    const rows = [
      { internalId: '9001', lineId: '1', item: '501', quantity: 1, location: '12', orderLineId: '00001' },
      { internalId: '9002', lineId: '3', quantity: 4, location: '12', orderLineId: '00003' },
    ];
    expect(await roundTrip(fulfilledItemsFeed, rows)).toEqual([
      { ...rows[0], tags: 'oms-fulfilled' },
      { ...rows[1], item: undefined, tags: 'oms-fulfilled' },
    ]);
    expect(encodeFulfilledItems(rows, 'store-fulfilled')).toBe(
      'internalId,lineId,item,quantity,location,tags,orderLineId\n9001,1,501,1,12,store-fulfilled,00001\n9002,3,,4,12,store-fulfilled,00003\n',
    );
    const enc = createFulfilledItemsEncoder('x-tag');
    enc.end(rows[0]);
    let out = '';
    for await (const c of enc) out += String(c);
    expect(out).toBe('internalId,lineId,item,quantity,location,tags,orderLineId\n9001,1,501,1,12,x-tag,00001\n');
  });

  it('customers', async () => {
    const rows = [
      { HCCustomerId: 'C100', externalId: 'C100', firstName: 'Ana', lastName: "O'Neil, Jr.", email: 'ana@example.com', phone: '+44 20 7946 0000', subsidiary: '1', individual: true },
      { HCCustomerId: 'C101', externalId: 'C101', firstName: 'Ümit', lastName: 'Çelik', subsidiary: '2', individual: 'F' as const },
    ];
    expect(await roundTrip(customersFeed, rows)).toEqual([
      rows[0],
      { ...rows[1], individual: false, email: undefined, phone: undefined },
    ]);
  });

  it('sales orders, one row per line', async () => {
    const head = {
      HCOrderId: 'OMS1', externalId: 'SHOP-1', date: '1/15/2025', customer: '77', email: 'x@example.com',
      salesChannel: 'WEB', subsidiary: '1', location: '8', shippingMethod: '4', shippingCost: '0.00',
      addressee: 'Ann Lee', address1: '1 Main St', address2: '', city: 'Austin', state: 'TX', zip: '78701', country: 'US', phone: '512-555-0100',
    };
    const rows = [
      { ...head, orderLineId: '00001', item: '501', quantity: 1, price: '10.00', closed: false },
      { ...head, orderLineId: '00002', item: '502', quantity: 3, price: '-2.50', closed: true },
    ];
    const back = await roundTrip(salesOrdersFeed, rows);
    expect(back).toEqual(rows.map((r) => ({ ...r, address2: undefined })));
  });

  it('rejected items', async () => {
    const rows = [{ orderId: 'OMS1', orderItemSeqId: '00001', rejectionComments: 'Order Item Rejected from NetSuite', rejectionReason: '', facilityId: '11', rejectionId: '7001-3-1767600000000' }];
    expect(await roundTrip(rejectedItemsFeed, rows)).toEqual([{ ...rows[0], rejectionReason: undefined }]);
  });

  it('id back-sync feeds', async () => {
    expect(await roundTrip(orderIdentificationFeed, [{ orderId: 'OMS1', orderIdentificationTypeId: 'NETSUITE_ORDER_ID', idValue: '9001' }])).toEqual([
      { orderId: 'OMS1', orderIdentificationTypeId: 'NETSUITE_ORDER_ID', idValue: '9001' },
    ]);
    expect(await roundTrip(orderItemAttributeFeed, [{ orderId: 'OMS1', orderItemSeqId: '00001', attrName: 'NetsuiteItemLineId', attrValue: '1' }])).toEqual([
      { orderId: 'OMS1', orderItemSeqId: '00001', attrName: 'NetsuiteItemLineId', attrValue: '1' },
    ]);
    expect(await roundTrip(customerIdentificationFeed, [{ partyId: 'C100', partyIdentificationTypeId: 'NETSUITE_CUSTOMER_ID', idValue: '77' }])).toEqual([
      { partyId: 'C100', partyIdentificationTypeId: 'NETSUITE_CUSTOMER_ID', idValue: '77' },
    ]);
  });

  it('fulfilment', async () => {
    const rows = [
      { orderId: 'OMS1', orderItemSeqId: '00001', externalFacilityId: '3', shippedDate: new Date(Date.UTC(2025, 0, 15)), quantity: 1, trackingNumber: '1Z999 | 1Z998', carrier: 'UPS', shippingMethod: 'UPS Ground', shippingMethodId: '4' },
    ];
    expect(await roundTrip(fulfillmentFeed, rows)).toEqual(rows);
  });
});

describe('inbound row rules', () => {
  const errorsOf = async (results: AsyncIterable<DecodeResult<unknown>>) =>
    (await collectDecoded(results)).errors.map((e) => [e.row, e.field, e.message]);

  it('id back-sync: wrong type / attribute name is a row error naming the field', async () => {
    expect(
      await errorsOf(decodeOrderIdentifications('orderId,orderIdentificationTypeId,idValue\nO1,NETSUITE_ORDER_ID,1\nO2,SHOPIFY_ORD_ID,2\nO3,NETSUITE_ORDER_ID,\n')),
    ).toEqual([
      [2, 'orderIdentificationTypeId', 'must be NETSUITE_ORDER_ID'],
      [3, 'idValue', 'is required'],
    ]);
    expect(
      await errorsOf(decodeOrderItemAttributes('orderId,orderItemSeqId,attrName,attrValue\nO1,1,NetsuiteDiscountItemLineId,5\n')),
    ).toEqual([[1, 'attrName', 'must be NetsuiteItemLineId']]);
  });

  it('fulfilment: quantity must be a positive integer; shippedDate lenient, errors name the field', async () => {
    const H = 'orderId,orderItemSeqId,externalFacilityId,shippedDate,quantity,trackingNumber,carrier,shippingMethod,shippingMethodId';
    const text = [
      H,
      'O1,1,3,2025-01-15T10:00:00Z,1,T1,UPS,Ground,4',
      'O2,1,3,1/15/2025,2,,,,',
      'O3,1,3,15.01.2025,1,,,,',
      'O4,1,3,1/15/2025,0,,,,',
      'O5,1,3,1/15/2025,1.0,,,,',
      'O6,1,3,,1,,,,',
      'O7,1,,2025-01-15,abc,,,,',
    ].join('\r\n');
    const { rows, errors } = await collectDecoded(decodeFulfillments(text));
    expect(rows.map((r) => [r.row, r.value.shippedDate.toISOString(), r.value.quantity])).toEqual([
      [1, '2025-01-15T10:00:00.000Z', 1],
      [2, '2025-01-15T00:00:00.000Z', 2],
    ]);
    expect(errors.map((e) => [e.row, e.field, e.message])).toEqual([
      [3, 'shippedDate', 'is not a date (expected ISO 8601 or M/D/YYYY)'],
      [4, 'quantity', 'must be a positive integer'],
      [5, 'quantity', 'is not an integer'],
      [6, 'shippedDate', 'is required'],
      [7, 'quantity', 'is not an integer'],
    ]);
  });
});
